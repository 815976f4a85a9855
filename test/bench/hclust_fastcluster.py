"""Baseline for test/bench/hclust.ts: fastcluster on the same data, in a fresh process.

    /usr/bin/python3 test/bench/hclust_fastcluster.py DATA.f64 N D METHOD Z_OUT.f64 [matrix|features|vector] [METRIC]

DATA.f64 is N x D little-endian doubles, row-major (written by hclust.ts). 'matrix' (default)
times scipy's pdist followed by fastcluster.linkage on the condensed distances (which copies
them); 'features' times fastcluster.linkage on the data itself (METRIC, default 'euclidean': one condensed
matrix, computed inside); 'vector' times fastcluster.linkage_vector on the data (O(N D) memory;
single, ward, centroid, median). Prints one JSON line: the CPU seconds (user + system,
time.process_time) of the distances and of the linkage, their sum, the system seconds, the minor
page faults of the fit (getrusage) and the peak RSS of the process in MB; writes Z as (N-1) x 4
doubles to Z_OUT.f64.
"""
import json
import resource
import sys
import time

import fastcluster
import numpy as np
from scipy.spatial.distance import pdist

path, n, d, method, z_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
mode = sys.argv[6] if len(sys.argv) > 6 else "matrix"
metric = sys.argv[7] if len(sys.argv) > 7 else "euclidean"
X = np.fromfile(path, dtype="<f8").reshape(n, d)
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.process_time()
if mode == "vector":
    t1 = t0
    Z = fastcluster.linkage_vector(X, method)
elif mode == "features":
    t1 = t0
    Z = fastcluster.linkage(X, method, metric=metric)
else:
    y = pdist(X)
    t1 = time.process_time()
    Z = fastcluster.linkage(y, method)
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
