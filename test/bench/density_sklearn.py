"""Baseline for test/bench/density.ts: scikit-learn's DBSCAN or OPTICS on the same data, in a
fresh process.

    /usr/bin/python3 test/bench/density_sklearn.py dbscan DATA.f64 N D MIN_SAMPLES EPS OUT
    /usr/bin/python3 test/bench/density_sklearn.py optics DATA.f64 N D MIN_SAMPLES - OUT

DATA.f64 is N x D little-endian doubles, row-major (written by density.ts). Times the fit only
(time.process_time: user + system of this process), then writes to OUT the labels as int32
(DBSCAN) or the ordering as int32 followed by the reachability as doubles (OPTICS), so that
density.ts can compare them with clusterlens' result. Prints one JSON line: the fit's CPU and
wall seconds, the CPU seconds of the whole process, its peak RSS in MB and the version.
"""
import gc
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, OPTICS

method, path, n, d, min_samples, eps, out = sys.argv[1:8]
n, d, min_samples = int(n), int(d), int(min_samples)
X = np.fromfile(path, dtype="<f8").reshape(n, d)
gc.collect()
c0, w0 = time.process_time(), time.perf_counter()
if method == "dbscan":
    fit = DBSCAN(eps=float(eps), min_samples=min_samples).fit(X)
elif method == "optics":
    fit = OPTICS(min_samples=min_samples).fit(X)
else:
    raise SystemExit(f"unknown method {method}")
c1, w1 = time.process_time(), time.perf_counter()
with open(out, "wb") as f:
    if method == "dbscan":
        f.write(fit.labels_.astype("<i4").tobytes())
    else:
        f.write(fit.ordering_.astype("<i4").tobytes())
        f.write(fit.reachability_.astype("<f8").tobytes())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({
    "fit": c1 - c0,
    "fitWall": w1 - w0,
    "process": time.process_time(),
    "rssMB": rss,
    "version": sklearn.__version__,
}))
