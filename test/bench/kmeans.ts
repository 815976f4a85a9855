/**
 * k-means benchmark: clusterlens `kmeans` (Hamerly, Lloyd in WebAssembly SIMD and in JavaScript
 * ('lloyd-js'), Elkan), k-means++ (SIMD and JavaScript), mini-batch and the
 * silhouette, against ml-kmeans 7.0.1 and scikit-learn 1.2.1 (`test/bench/kmeans_sklearn.py`,
 * when /usr/bin/python3 has it), single thread (OMP_NUM_THREADS=1).
 *
 *   npx tsx test/bench/kmeans.ts              all cases
 *   npx tsx test/bench/kmeans.ts 100k init    only the cases whose name contains a word
 *
 * Data (n = 10k, 100k, 1M; d = 16; k = 8), generated once with RandomState(42) and cached as raw
 * float64 in $TMPDIR/clusterlens-bench, where the Python script reads the same bytes:
 *   sep    8 Gaussian blobs, sd 1, centres uniform in [-10, 10]^16 (well separated)
 *   over   the same centres, sd 6 (overlapping)
 *   unif   uniform in [0, 1)^16 (no structure; Lloyd needs hundreds of iterations)
 * Cases:
 *   fit-<data>-<n>   from the same k-means++ centres (clusterlens seed 0) for every engine,
 *                    tolerance 0 (stop when no label changes), at most 300 iterations (50 for
 *                    unif), so every engine makes the same iterations
 *   init-<n>         greedy k-means++ alone on unif (sklearn `kmeans_plusplus`)
 *   default-<n>      the default call: k-means++ then iterations, one run (nInit 1), on over
 *   mb-1M            mini-batch k-means, batch 1024, 3 inits, early stopping, on over, seed 0
 *   sil-<n>          silhouette score of the first n rows of over-100k (labels of a k = 8 fit)
 * Every implementation runs in its own child process, so its peak resident memory (maxRSS) is
 * its own; `data MB` is the RSS right after loading. Times are medians of process CPU time (and
 * wall time), with a forced GC only before the first and before the timed runs (`settle` in
 * shared/measure.ts says why), after untimed warm-up runs when there are several repetitions
 * (50 at n <= 10,000, else 1; JavaScript engines optimise hot code only after a few calls): the
 * first run's CPU time is shown apart. ml-kmeans' conversion to number[][] is not
 * timed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kmeans as mlKMeans } from 'ml-kmeans';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { kmeansPlusPlus } from '../../src/cluster/kmeans/init.js';
import { setSimdEnabled } from '../../src/wasm/index.js';
import { miniBatchKMeans } from '../../src/cluster/kmeans/minibatch.js';
import { featureMatrix, toRows } from '../../src/data/dataset.js';
import { silhouetteScore } from '../../src/metrics/silhouette.js';
import { RandomState } from '../../src/util/random.js';
import { median, runMeasured, runMeasuredChild, settle } from './shared/measure.js';

const D = 16;
const K = 8;
const SIZES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1M': 1_000_000 };
const REPS: Record<string, number> = { '10k': 7, '100k': 5, '1M': 3 };

interface Case {
  name: string;
  data: string;
  rows: number;
  /** Implementations and their repetitions. */
  impls: Record<string, number>;
  maxIterations?: number;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [size, n] of Object.entries(SIZES)) {
    const r = REPS[size]!;
    for (const data of ['sep', 'over', 'unif']) {
      out.push({
        name: `fit-${data}-${size}`,
        data: `${data}-${size}`,
        rows: n,
        maxIterations: data === 'unif' ? 50 : 300,
        impls: {
          'clusterlens hamerly': r,
          'clusterlens lloyd': r,
          'clusterlens lloyd-js': r,
          'clusterlens elkan': r,
          'ml-kmeans': n >= 1_000_000 ? 1 : Math.min(r, 3),
          'sklearn lloyd': r,
          'sklearn elkan': r,
        },
      });
    }
    out.push({
      name: `init-${size}`,
      data: `unif-${size}`,
      rows: n,
      impls: { 'clusterlens kmeans++': r, 'clusterlens kmeans++-js': r, 'sklearn kmeans++': r },
    });
    out.push({
      name: `default-${size}`,
      data: `over-${size}`,
      rows: n,
      impls: {
        'clusterlens default': r,
        'ml-kmeans default': n >= 1_000_000 ? 1 : Math.min(r, 3),
        'sklearn default': r,
      },
    });
  }
  out.push({
    name: 'mb-1M',
    data: 'over-1M',
    rows: 1_000_000,
    impls: { 'clusterlens minibatch': 3, 'sklearn minibatch': 3 },
  });
  for (const n of [5000, 20000]) {
    out.push({
      name: `sil-${n / 1000}k`,
      data: 'over-100k',
      rows: n,
      impls: {
        'clusterlens silhouette': n > 10000 ? 3 : 5,
        'sklearn silhouette': n > 10000 ? 3 : 5,
      },
    });
  }
  return out;
}

const SELF = fileURLToPath(import.meta.url);
const PY = join(SELF, '..', 'kmeans_sklearn.py');
const CACHE = join(tmpdir(), 'clusterlens-bench');

function dataPath(data: string): string {
  return join(CACHE, `kmeans-${data}x${D}.f64`);
}
function initPath(data: string): string {
  return join(CACHE, `kmeans-${data}x${D}.init.json`);
}
function labelsPath(): string {
  return join(CACHE, `kmeans-over-100kx${D}.labels.json`);
}

/** Generate (once) a data set, its k-means++ start and, for over-100k, silhouette labels. */
function ensureData(data: string): void {
  const path = dataPath(data);
  const [kind, size] = data.split('-') as [string, string];
  const n = SIZES[size]!;
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    const rng = new RandomState(42);
    const x = new Float64Array(n * D);
    if (kind === 'unif') {
      for (let t = 0; t < x.length; t++) x[t] = rng.randomSample();
    } else {
      const centres = new Float64Array(K * D);
      for (let t = 0; t < centres.length; t++) centres[t] = rng.uniform(-10, 10);
      const sd = kind === 'sep' ? 1 : 6;
      for (let i = 0; i < n; i++) {
        const c = i % K;
        for (let j = 0; j < D; j++) x[i * D + j] = centres[c * D + j]! + sd * rng.gauss();
      }
    }
    writeFileSync(path, new Uint8Array(x.buffer));
  }
  if (!existsSync(initPath(data))) {
    const X = featureMatrix(n, D, loadData(data));
    writeFileSync(initPath(data), JSON.stringify(kmeansPlusPlus(X, { k: K, seed: 0 }).centroids));
  }
  if (data === 'over-100k' && !existsSync(labelsPath())) {
    const X = featureMatrix(n, D, loadData(data));
    const fit = kmeans(X, { k: K, nInit: 1 });
    writeFileSync(labelsPath(), JSON.stringify(Array.from(fit.labels)));
  }
}

function loadData(data: string): Float64Array {
  const buf = readFileSync(dataPath(data));
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  return new Float64Array(new Uint8Array(buf).buffer);
}

interface Measure {
  impl: string;
  cpuMs: number[];
  wallMs: number[];
  /** CPU ms of the first run (before the JIT has warmed up). */
  coldMs: number;
  dataMB: number;
  peakMB: number;
  /** Result summary (iterations, inertia, ...), to check that the engines agree. */
  note?: string;
}

/** Child process: run one implementation `reps` times and print a Measure as JSON. */
function child(impl: string, caseName: string, reps: number): void {
  const c = cases().find((x) => x.name === caseName)!;
  const all = loadData(c.data);
  const data = c.rows * D < all.length ? all.subarray(0, c.rows * D) : all;
  const X = featureMatrix(c.rows, D, data);
  const init = JSON.parse(readFileSync(initPath(c.data), 'utf8')) as number[][];
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const rows = impl.startsWith('ml-kmeans') ? toRows(X) : null;
  const labels = impl.endsWith('silhouette')
    ? Int32Array.from((JSON.parse(readFileSync(labelsPath(), 'utf8')) as number[]).slice(0, c.rows))
    : null;
  gc();
  const dataMB = process.memoryUsage().rss / 2 ** 20;
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  let coldMs = 0;
  let note = '';
  // untimed warm-up runs when reps > 1 (50 for small data, whose runs are too short for the JIT
  // to optimise the kernels in one); the first run's CPU time is reported as 'first run'
  const warm = reps > 1 ? (c.rows <= 10_000 ? 50 : 1) : 0;
  const runs = reps + warm;
  for (let r = 0; r < runs; r++) {
    if (r === 0 || r === warm) settle(gc);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    if (impl.startsWith('clusterlens') && caseName.startsWith('fit')) {
      let algorithm = impl.split(' ')[1] as 'hamerly';
      if (algorithm === ('lloyd-js' as 'hamerly')) {
        setSimdEnabled(false);
        algorithm = 'lloyd' as 'hamerly';
      }
      const f = kmeans(X, {
        k: K,
        init,
        algorithm,
        tolerance: 0,
        maxIterations: c.maxIterations!,
      });
      note = `${f.iterations} it, inertia ${f.inertia.toFixed(4)}`;
    } else if (impl === 'ml-kmeans') {
      const f = mlKMeans(rows!, K, {
        initialization: init,
        tolerance: 0,
        maxIterations: c.maxIterations!,
      });
      note = `${f.iterations} it`;
    } else if (impl === 'clusterlens kmeans++' || impl === 'clusterlens kmeans++-js') {
      if (impl.endsWith('-js')) setSimdEnabled(false);
      note = Array.from(kmeansPlusPlus(X, { k: K, seed: 0 }).indices).join(' ');
    } else if (impl === 'clusterlens default') {
      const f = kmeans(X, { k: K, nInit: 1, seed: 0 });
      note = `${f.iterations} it, inertia ${f.inertia.toFixed(4)}`;
    } else if (impl === 'ml-kmeans default') {
      const f = mlKMeans(rows!, K, { seed: 0 });
      note = `${f.iterations} it`;
    } else if (impl === 'clusterlens minibatch') {
      const m = miniBatchKMeans(X, { k: K, seed: Math.max(0, r - warm) });
      note = `${m.steps} steps, inertia ${m.inertia.toFixed(0)}`;
    } else if (impl === 'clusterlens silhouette') {
      note = silhouetteScore(X, labels!).toFixed(8);
    } else {
      throw new Error(`unknown implementation ${impl}`);
    }
    const cu = process.cpuUsage(c0);
    const cpu = (cu.user + cu.system) / 1000;
    if (r === 0) coldMs = cpu;
    if (r < warm) continue;
    wallMs.push(performance.now() - w0);
    cpuMs.push(cpu);
  }
  const peakMB = process.resourceUsage().maxRSS / 1024;
  const m: Measure = { impl, cpuMs, wallMs, coldMs, dataMB, peakMB, note };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function runChild(impl: string, c: Case, reps: number): Measure | string {
  return impl.startsWith('sklearn')
    ? runMeasured<Measure>('/usr/bin/python3', [
        PY,
        impl.split(' ')[1]!,
        dataPath(c.data),
        String(c.rows),
        String(D),
        initPath(c.data),
        labelsPath(),
        String(c.maxIterations ?? 300),
        String(reps),
      ])
    : runMeasuredChild<Measure>(SELF, [impl, c.name, String(reps)]);
}

function main(words: string[]): void {
  const selected =
    words.length === 0 ? cases() : cases().filter((c) => words.some((w) => c.name.includes(w)));
  const hasSklearn =
    spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
  for (const c of selected) {
    ensureData(c.data);
    if (c.name.startsWith('sil')) ensureData('over-100k');
    console.log(`\n## ${c.name}: ${c.rows} x ${D}, k = ${K} (CPU ms medians, 1 thread)`);
    const results: Measure[] = [];
    for (const [impl, reps] of Object.entries(c.impls)) {
      if (impl.startsWith('sklearn') && !hasSklearn) continue;
      const m = runChild(impl, c, reps);
      if (typeof m === 'string') console.log(`${impl}: ${m}`);
      else results.push(m);
    }
    const sk = results.find((m) => m.impl.startsWith('sklearn'));
    // ml-kmeans is compared with what `kmeans` runs by default ('auto': Lloyd in WebAssembly)
    const ours =
      results.find((m) => m.impl === 'clusterlens lloyd') ??
      results.find((m) => m.impl.startsWith('clusterlens'));
    console.log(
      '| implementation | runs | CPU ms | wall ms | first run CPU ms | peak MB | data MB | / sklearn | ml-kmeans / clusterlens | result |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const m of results) {
      const cpu = median(m.cpuMs);
      const vsSk = sk ? (cpu / median(sk.cpuMs)).toFixed(2) : '';
      const ml =
        m.impl.startsWith('ml-kmeans') && ours ? (cpu / median(ours.cpuMs)).toFixed(1) : '';
      console.log(
        `| ${m.impl} | ${m.cpuMs.length} | ${cpu.toFixed(1)} | ${median(m.wallMs).toFixed(1)} | ${m.coldMs.toFixed(1)} | ${m.peakMB.toFixed(0)} | ${m.dataMB.toFixed(0)} | ${vsSk} | ${ml} | ${m.note ?? ''} |`,
      );
    }
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') child(argv[1]!, argv[2]!, Number(argv[3]));
else main(argv);
