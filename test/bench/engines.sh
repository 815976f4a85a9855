#!/bin/bash
# usage: bash test/bench/engines.sh [CHECKOUT]  (default: this checkout; needs `npm run build` there)
# The CPU time (user + system) a one-shot user pays for each engine through the CLI: the median of
# 5 fresh processes per engine, from CHECKOUT/dist. Two checkouts run in turn compare two versions.
# Data: 20,000 x 16 Gaussian blobs (seed 3) for kmeans and pca, its first 8,000 rows for hclust.
set -e
R=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
D=${TMPDIR:-/tmp}/clusterlens-bench-engines; mkdir -p $D
export D
[ -f $D/blobs.csv ] || python3 - <<'PY'
import os, random
random.seed(3)
with open(os.environ['D'] + '/blobs.csv', 'w') as f:
    d=16
    f.write(','.join(f'x{j}' for j in range(d))+'\n')
    cs=[[random.uniform(-8,8) for _ in range(d)] for _ in range(6)]
    for i in range(20000):
        c=cs[i%6]; f.write(','.join(f'{v+random.gauss(0,1.5):.4f}' for v in c)+'\n')
PY
[ -f $D/small.csv ] || head -8001 $D/blobs.csv > $D/small.csv
cd $R
run() { # name, args...
  local name=$1; shift
  local ts=()
  for i in 1 2 3 4 5; do
    rm -f $D/out-*.csv $D/.out-*
    /usr/bin/time -o $D/time.txt -f "%U %S" node dist/cli/main.js "$@" --quiet >/dev/null 2>/dev/null
    t=$(tail -1 $D/time.txt | awk '{print $1+$2}')
    ts+=($t)
  done
  printf "%s %s\n" "$name" "$(printf "%s\n" "${ts[@]}" | sort -n | sed -n 3p)"
}
run kmeans kmeans $D/blobs.csv --k 6 --seed 1
run hclust-ward hclust $D/small.csv --method ward --k 6
run hclust-average hclust $D/small.csv --method average --k 6
run hclust-single hclust $D/small.csv --method single --k 6
run pca pca $D/blobs.csv
