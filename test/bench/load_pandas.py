"""pandas baseline of test/bench/load.ts: read_csv of the benchmark file into float64 columns.

    /usr/bin/python3 test/bench/load_pandas.py FILE

Prints one JSON line: wall and CPU time (ms), peak RSS (MB), rows and the sum of all values (column by
column, for the agreement check).
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

path = sys.argv[1]
cpu = time.process_time()
start = time.perf_counter()
df = pd.read_csv(path, dtype=np.float64)
ms = (time.perf_counter() - start) * 1000
cpu_ms = (time.process_time() - cpu) * 1000
values = df.to_numpy()
total = 0.0
for j in range(values.shape[1]):
    total += float(np.sum(values[:, j]))
print(json.dumps({
    "ms": ms,
    "cpuMs": cpu_ms,
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rows": int(values.shape[0]),
    "sum": total,
}))
