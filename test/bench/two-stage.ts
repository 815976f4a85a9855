/**
 * Benchmark of twoStage (k-means into `centres` centres, then the weighted tree of the centres)
 * against hclust on all rows, in one process: blobs of n points in d = 10 dimensions around 10
 * seeded centres. For each n it prints the wall time of both (median of --reps runs), their
 * ratio, the peak of the O(n^2) step's memory that hclust needs (square layout), and how close
 * the flat clusters are: the adjusted Rand index of the k = 10 cut of the two-stage tree against
 * the full tree and against the true blobs.
 *
 *   npx tsx test/bench/two-stage.ts [--sizes 5000,20000] [--big 200000,1000000] [--method ward]
 *                                   [--centres 256] [--reps 3] [--spread 1]
 *
 * --spread is the standard deviation of the blobs (the centres are uniform in [-10, 10]^10); 4
 * makes them overlap. Sizes in --big run only twoStage (the full distance matrix of 2e5 rows would need 320 GB).
 */
import { hclust } from '../../src/cluster/hclust/index.js';
import { twoStage } from '../../src/cluster/hclust/two-stage.js';
import { adjustedRandIndex } from '../../src/metrics/rand.js';
import { formatBytes } from '../../src/util/memory.js';
import { RandomState } from '../../src/util/random.js';

const D = 10;
const K = 10;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

function blobs(n: number, seed: number, spread: number) {
  const rs = new RandomState(seed);
  const centres = Array.from({ length: K }, () =>
    Array.from({ length: D }, () => rs.uniform(-10, 10)),
  );
  const data = new Float64Array(n * D);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    truth[i] = c;
    for (let j = 0; j < D; j++) data[i * D + j] = centres[c]![j]! + spread * rs.gauss();
  }
  return { X: { rows: n, cols: D, data }, truth };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time<T>(fn: () => T, reps: number): { value: T; seconds: number } {
  const times: number[] = [];
  let value: T | undefined;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = fn();
    times.push((performance.now() - t) / 1000);
  }
  return { value: value!, seconds: median(times) };
}

const sizes = arg('sizes', '5000,20000').split(',').map(Number);
const big = arg('big', '200000,1000000').split(',').filter(Boolean).map(Number);
const method = arg('method', 'ward') as 'ward';
const centres = Number(arg('centres', '256'));
const reps = Number(arg('reps', '3'));
const spread = Number(arg('spread', '1'));

console.log(
  `method ${method}, ${centres} centres, d = ${D}, ${K} blobs of sd ${spread}, median of ${reps} runs`,
);
console.log(
  'n        full hclust  two-stage  ratio   full needs   ARI(two-stage, full)  ARI(two-stage, truth)  ARI(full, truth)',
);
for (const n of [...sizes, ...big]) {
  const { X, truth } = blobs(n, 1, spread);
  const two = time(() => twoStage(X, { centres, method, k: K, seed: 0 }), reps);
  const ariTruth = adjustedRandIndex(two.value.labels, truth);
  if (sizes.includes(n)) {
    const full = time(() => hclust(X, { method }), reps);
    const labels = full.value.cut({ k: K });
    console.log(
      `${String(n).padEnd(8)} ${full.seconds.toFixed(2).padStart(8)} s ${two.seconds.toFixed(2).padStart(8)} s ${(full.seconds / two.seconds).toFixed(1).padStart(6)}x  ${formatBytes(8 * n * n).padStart(10)}  ${adjustedRandIndex(two.value.labels, labels).toFixed(4).padStart(20)}  ${ariTruth.toFixed(4).padStart(21)}  ${adjustedRandIndex(labels, truth).toFixed(4).padStart(16)}`,
    );
  } else {
    console.log(
      `${String(n).padEnd(8)} ${'-'.padStart(8)}   ${two.seconds.toFixed(2).padStart(8)} s ${'-'.padStart(6)}   ${formatBytes(8 * n * n).padStart(10)}  ${'-'.padStart(20)}  ${ariTruth.toFixed(4).padStart(21)}  ${'-'.padStart(16)}`,
    );
  }
}
