"""Write the Parquet files of test/bench/columnar.ts from its CSV, with pyarrow.

    python3 test/bench/columnar_write.py FILE.csv OUT_PREFIX ROW_GROUP_ROWS

writes OUT_PREFIX-snappy.parquet and OUT_PREFIX-zstd.parquet (row groups of ROW_GROUP_ROWS rows).
Exits with status 3 when pyarrow is not installed (the benchmark then leaves Parquet out).
"""

import sys

try:
    import pyarrow.csv as csv
    import pyarrow.parquet as pq
except ImportError:
    sys.exit(3)

path, prefix, group = sys.argv[1], sys.argv[2], int(sys.argv[3])
table = csv.read_csv(path)
for codec in ["snappy", "zstd"]:
    pq.write_table(table, f"{prefix}-{codec}.parquet.part", compression=codec, row_group_size=group)
    import os

    os.replace(f"{prefix}-{codec}.parquet.part", f"{prefix}-{codec}.parquet")
