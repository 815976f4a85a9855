/**
 * Benchmark of the neighbour search of the projections (src/projection/neighbors.ts): one run per
 * process, its CPU seconds (user + system of the search), peak RSS of the process, and the recall
 * against the exact graph (the mean fraction of each row's true k neighbours found; the exact
 * graph is computed once per data set and kept in $TMPDIR; with --sample-recall m, over m rows
 * spread evenly, their exact neighbours found by an exact query).
 *
 *   node --import tsx test/bench/knn.ts --data blobs --rows 20000 --cols 50 --k 15 \
 *        --method exact|nndescent [--js] [--metric euclidean] [--recall | --sample-recall 1000]
 *
 * Data: 'blobs' (10 Gaussian blobs of standard deviation 1, centres uniform in [-10, 10]^cols,
 * seeded) or 'digits' (rows written by test/bench/knn_data.py: digit images shifted and noised;
 * run it first: /usr/bin/python3 test/bench/knn_data.py digits ROWS $TMPDIR/knn-digitsROWS.f64).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureMatrix } from '../../src/data/dataset.js';
import {
  type KnnGraph,
  nearestNeighbors,
  type ProjectionMetric,
  queryNeighbors,
} from '../../src/projection/neighbors.js';
import { RandomState } from '../../src/util/random.js';
import { setSimdEnabled } from '../../src/wasm/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
};
const kind = flag('data', 'blobs');
const n = Number(flag('rows', '20000'));
let d = Number(flag('cols', '50'));
const k = Number(flag('k', '15'));
const method = flag('method', 'exact') as 'exact' | 'nndescent';
const metric = flag('metric', 'euclidean') as ProjectionMetric;
if (args.includes('--js')) setSimdEnabled(false);

function blobs(rows: number, cols: number): FeatureMatrix {
  const rng = new RandomState(0);
  const centres = new Float64Array(10 * cols);
  for (let t = 0; t < centres.length; t++) centres[t] = rng.uniform(-10, 10);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const c = rng.randint(10);
    for (let t = 0; t < cols; t++) data[i * cols + t] = centres[c * cols + t]! + rng.gauss();
  }
  return { rows, cols, data };
}

function load(): FeatureMatrix {
  if (kind === 'blobs') return blobs(n, d);
  const path = join(tmpdir(), `knn-digits${n}.f64`);
  const buf = readFileSync(path);
  d = 64;
  return { rows: n, cols: d, data: new Float64Array(buf.buffer, buf.byteOffset, n * d) };
}

const x = load();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const g = nearestNeighbors(x, k, { metric, seed: 42, method });
const c = process.cpuUsage(cpu0);
const wall = (performance.now() - t0) / 1000;
const out: Record<string, unknown> = {
  data: kind,
  rows: n,
  cols: d,
  k,
  method,
  metric,
  wasm: !args.includes('--js'),
  cpu: +((c.user + c.system) / 1e6).toFixed(2),
  wall: +wall.toFixed(2),
  rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
if (args.includes('--recall')) {
  const path = join(tmpdir(), `knn-exact-${kind}-${n}-${d}-${k}-${metric}.i32`);
  let truth: Int32Array;
  if (existsSync(path)) truth = new Int32Array(readFileSync(path).buffer.slice(0));
  else {
    const e: KnnGraph = nearestNeighbors(x, k, { metric, seed: 0, method: 'exact' });
    truth = e.indices;
    writeFileSync(path, Buffer.from(truth.buffer));
  }
  let found = 0;
  for (let i = 0; i < n; i++) {
    const set = new Set(Array.from(truth.subarray(i * k, (i + 1) * k)));
    for (let t = 0; t < k; t++) if (set.has(g.indices[i * k + t]!)) found++;
  }
  out.recall = +(found / (n * k)).toFixed(4);
}
if (args.includes('--sample-recall')) {
  const m = Number(flag('sample-recall', '1000'));
  const rows = new Float64Array(m * d);
  const which: number[] = [];
  for (let r = 0; r < m; r++) {
    const i = Math.floor((r * n) / m);
    which.push(i);
    rows.set(x.data.subarray(i * d, (i + 1) * d), r * d);
  }
  const e = queryNeighbors(x, { rows: m, cols: d, data: rows }, k, {
    metric,
    seed: 0,
    method: 'exact',
  });
  let found = 0;
  for (let r = 0; r < m; r++) {
    const set = new Set(Array.from(e.indices.subarray(r * k, (r + 1) * k)));
    for (let t = 0; t < k; t++) if (set.has(g.indices[which[r]! * k + t]!)) found++;
  }
  out.sampleRecall = +(found / (m * k)).toFixed(4);
}
console.log(JSON.stringify(out));
