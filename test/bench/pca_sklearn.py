"""scikit-learn baseline of test/bench/pca.ts (run by it; one implementation per process).

    /usr/bin/python3 test/bench/pca_sklearn.py DATA.f64 ROWS COLS K full|randomized|fit|fit_transform REPS [WARM]

Reads the raw float64 data written by pca.ts, runs PCA(n_components=K, svd_solver=...)
.fit_transform(X) REPS times (random_state=0) - or, for 'fit' and 'fit_transform', PCA()'s default
call (every component, svd_solver 'auto') - after WARM untimed runs (default 0), and prints one JSON line in the format of pca.ts:
CPU and wall milliseconds per run, RSS after loading the data and peak RSS (VmHWM, MB). Set
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before starting it (pca.ts sets 1).
"""
import gc
import json
import resource
import sys
import time

import numpy as np
from sklearn.decomposition import PCA


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mb():
    # VmHWM, not getrusage's ru_maxrss, which on Linux carries over the parent's peak across exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    path, rows, cols, k, solver, reps = sys.argv[1:7]
    warm = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    X = np.fromfile(path, dtype="<f8").reshape(int(rows), int(cols))
    gc.collect()
    data_mb = rss_mb()
    cpu, wall = [], []
    first = 0.0
    for r in range(warm + int(reps)):
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        if solver == "fit":
            PCA().fit(X)
            scores = np.empty((int(rows), int(k)))
        elif solver == "fit_transform":
            scores = PCA().fit_transform(X)
        else:
            scores = PCA(n_components=int(k), svd_solver=solver,
                         random_state=0).fit_transform(X)
        if r == 0:
            first = (time.process_time() - c0) * 1000
        if r >= warm:
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        assert scores.shape == (int(rows), int(k))
        del scores
    peak = peak_mb()
    print(json.dumps({"impl": "sklearn " + solver, "cpuMs": cpu, "wallMs": wall,
                      "dataMB": data_mb, "peakMB": peak, "note": "", "firstCpuMs": first}))


main()
