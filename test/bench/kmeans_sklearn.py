"""scikit-learn baseline of test/bench/kmeans.ts (run by it; one implementation per process).

    /usr/bin/python3 test/bench/kmeans_sklearn.py IMPL DATA.f64 ROWS COLS INIT.json LABELS.json MAXITER REPS

IMPL is lloyd | elkan (KMeans from the given centres, n_init=1, tol=0, max_iter=MAXITER),
kmeans++ (kmeans_plusplus, random_state=0), default (KMeans(8, n_init=1, random_state=0)),
minibatch (MiniBatchKMeans(8, batch_size=1024, n_init=3, random_state=rep)) or silhouette
(silhouette_score of the first ROWS rows with the labels in LABELS.json). Reads the raw float64
data written by kmeans.ts and prints one JSON line in the format of kmeans.ts: CPU and wall
milliseconds per run, RSS after loading the data and peak RSS (MB). kmeans.ts sets
OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1.
"""
import gc
import json
import resource
import sys
import time

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from sklearn.metrics import silhouette_score


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main():
    impl, path, rows, cols, init_path, labels_path, max_iter, reps = sys.argv[1:9]
    rows, cols, max_iter, reps = int(rows), int(cols), int(max_iter), int(reps)
    X = np.fromfile(path, dtype="<f8")[: rows * cols].reshape(rows, cols)
    init = np.array(json.load(open(init_path)))
    labels = np.array(json.load(open(labels_path))[:rows]) if impl == "silhouette" else None
    gc.collect()
    data_mb = rss_mb()
    cpu, wall = [], []
    cold = 0.0
    note = ""
    # untimed warm-up runs when reps > 1, as kmeans.ts (50 at n <= 10,000, else 1)
    runs = reps + (50 if rows <= 10000 else 1) if reps > 1 else 1
    for r in range(runs):
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        if impl in ("lloyd", "elkan"):
            km = KMeans(8, init=init, n_init=1, tol=0, max_iter=max_iter, algorithm=impl).fit(X)
            note = f"{km.n_iter_} it, inertia {km.inertia_:.4f}"
        elif impl == "kmeans++":
            _, idx = kmeans_plusplus(X, 8, random_state=0)
            note = " ".join(map(str, idx))
        elif impl == "default":
            km = KMeans(8, n_init=1, random_state=0).fit(X)
            note = f"{km.n_iter_} it, inertia {km.inertia_:.4f}"
        elif impl == "minibatch":
            mb = MiniBatchKMeans(8, batch_size=1024, n_init=3, random_state=max(0, r - (runs - reps))).fit(X)
            note = f"{mb.n_steps_} steps, inertia {mb.inertia_:.0f}"
        elif impl == "silhouette":
            note = f"{silhouette_score(X, labels):.8f}"
        else:
            raise SystemExit(f"unknown implementation {impl}")
        c = (time.process_time() - c0) * 1000
        if r == 0:
            cold = c
        if r < runs - reps:
            continue
        cpu.append(c)
        wall.append((time.perf_counter() - w0) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "sklearn " + impl, "cpuMs": cpu, "wallMs": wall,
                      "coldMs": cold, "dataMB": data_mb, "peakMB": peak, "note": note}))


main()
