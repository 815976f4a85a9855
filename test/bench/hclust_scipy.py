"""Baseline for test/bench/hclust.ts: scipy's pdist + linkage on the same data, in a fresh process.

    /usr/bin/python3 test/bench/hclust_scipy.py DATA.f64 N D METHOD Z_OUT.f64

DATA.f64 is N x D little-endian doubles, row-major (written by hclust.ts). Prints one JSON line:
the CPU seconds (user + system, time.process_time) of pdist and of linkage, the system seconds,
the minor page faults of the fit (getrusage) and the peak RSS in MB; writes Z
as (N-1) x 4 doubles to Z_OUT.f64 so that the driver can compare it with clusterlens' Z.
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist

path, n, d, method, z_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
X = np.fromfile(path, dtype="<f8").reshape(n, d)
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.process_time()
y = pdist(X)
t1 = time.process_time()
Z = linkage(y, method)
t2 = time.process_time()
r1 = resource.getrusage(resource.RUSAGE_SELF)
Z.astype("<f8").tofile(z_out)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(
    json.dumps(
        {
            "distances": t1 - t0,
            "linkage": t2 - t1,
            "cpu": t2 - t0,
            "sys": r1.ru_stime - r0.ru_stime,
            "faults": r1.ru_minflt - r0.ru_minflt,
            "rssMB": rss,
        }
    )
)
