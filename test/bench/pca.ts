/**
 * PCA benchmark: clusterlens `pca` against ml-pca 4.1.1 (same Node process type, same data) and
 * scikit-learn 1.2.1 (`test/bench/pca_sklearn.py`, when /usr/bin/python3 has it), single thread.
 *
 *   npm run bench -- pca            all cases (or: npx tsx test/bench/pca.ts)
 *   npm run bench -- pca 100k img   only the cases whose name contains a word
 *
 * Cases (k = 10 components, scores of every row computed: fit_transform):
 *   100k  n = 100,000 x d = 50, correlated Gaussian (Z A + 5)
 *   1M    n = 1,000,000 x d = 50, the same law
 *   img   2,000 x 784 image-like: rank 20 plus noise, clipped to [0, 1], 30 constant columns
 *   500k  n = 500,000 x d = 50 (the law of 100k): the default call `pca(X)` (every component,
 *         scores on first access) against PCA().fit, `pca(X).scores` against
 *         PCA().fit_transform, and both from number[][] rows (the conversion included); each
 *         run in a fresh process (no warm-up), the implementations interleaved
 *
 * Every implementation runs in its own child processes (node for JS, python for scikit-learn):
 * one for the timed repetitions, one that fits once for the peak resident memory of a single run
 * (VmHWM of /proc/self/status); `dataMB` is the RSS right after the data was loaded. Times are
 * medians of process CPU time (and wall time) over the repetitions, after untimed warm-up runs
 * (`warmUps`; the CPU time of the very first run is shown too), with a forced GC only before
 * the first and before the timed runs (`settle` in shared/measure.ts says why). The data is
 * generated once with RandomState and cached as raw float64 in $TMPDIR/clusterlens-bench, where
 * the Python script reads the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix } from 'ml-matrix';
import { PCA } from 'ml-pca';
import { featureMatrix } from '../../src/data/dataset.js';
import { pca, createPCAAccumulator } from '../../src/decomposition/pca/index.js';
import { RandomState } from '../../src/util/random.js';
import { median, runMeasured, runMeasuredChild, settle } from './shared/measure.js';

interface Case {
  name: string;
  rows: number;
  cols: number;
  k: number;
  reps: number;
  /**
   * Every run in a fresh process, no warm-up (the implementations interleaved, run by run): the
   * CPU time a one-shot user pays, start-up of the runtime excluded (the data is read first).
   */
  fresh?: boolean;
  /** Implementations and their repetition counts (ml-pca is slow: fewer). */
  impls: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: '100k',
    rows: 100_000,
    cols: 50,
    k: 10,
    reps: 7,
    impls: {
      'clusterlens auto': 7,
      'clusterlens streaming': 7,
      'ml-pca SVD': 3,
      'ml-pca covarianceMatrix': 1,
      'sklearn full': 7,
      'sklearn randomized': 7,
    },
  },
  {
    name: '1M',
    rows: 1_000_000,
    cols: 50,
    k: 10,
    reps: 5,
    impls: {
      'clusterlens auto': 5,
      'clusterlens streaming': 5,
      'ml-pca SVD': 1,
      'sklearn full': 5,
      'sklearn randomized': 5,
    },
  },
  {
    // pca(X) with default options (every component) against PCA().fit, and with the scores
    // against PCA().fit_transform: each run a fresh process, as a one-shot user pays.
    name: '500k',
    rows: 500_000,
    cols: 50,
    k: 50,
    reps: 5,
    fresh: true,
    impls: {
      'clusterlens default': 5,
      'clusterlens default + scores': 5,
      'clusterlens number[][]': 5,
      'clusterlens number[][] + scores': 5,
      'sklearn fit': 5,
      'sklearn fit_transform': 5,
    },
  },
  {
    name: 'img',
    rows: 2000,
    cols: 784,
    k: 10,
    reps: 7,
    impls: {
      'clusterlens auto': 7,
      'clusterlens covariance': 3,
      'ml-pca SVD': 1,
      'sklearn full': 7,
      'sklearn randomized': 7,
    },
  },
];

const SELF = fileURLToPath(import.meta.url);
const PY = join(SELF, '..', 'pca_sklearn.py');
const CACHE = join(tmpdir(), 'clusterlens-bench');

function dataPath(c: Case): string {
  return join(CACHE, `pca-${c.name}-${c.rows}x${c.cols}.f64`);
}

/** Generate (once) the data of a case. */
function ensureData(c: Case): string {
  const path = dataPath(c);
  if (existsSync(path)) return path;
  mkdirSync(CACHE, { recursive: true });
  const rng = new RandomState(42);
  const { rows: n, cols: d } = c;
  const x = new Float64Array(n * d);
  if (c.name === 'img') {
    const r = 20;
    const w = new Float64Array(r * d);
    for (let t = 0; t < w.length; t++) w[t] = rng.gauss() * 0.1;
    const z = new Float64Array(r);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < r; t++) z[t] = rng.gauss();
      for (let j = 0; j < d; j++) {
        let s = 0.5;
        for (let t = 0; t < r; t++) s += z[t]! * w[t * d + j]!;
        s += 0.05 * rng.gauss();
        x[i * d + j] = j < 15 || j >= d - 15 ? 0 : Math.min(1, Math.max(0, s));
      }
    }
  } else {
    // X = Z A + 5, A[t][j] = N(0,1) * 0.9^t: a decaying spectrum.
    const a = new Float64Array(d * d);
    for (let t = 0; t < d; t++) for (let j = 0; j < d; j++) a[t * d + j] = rng.gauss() * 0.9 ** t;
    const z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < d; t++) z[t] = rng.gauss();
      for (let j = 0; j < d; j++) {
        let s = 5;
        for (let t = 0; t < d; t++) s += z[t]! * a[t * d + j]!;
        x[i * d + j] = s;
      }
    }
  }
  writeFileSync(path, new Uint8Array(x.buffer));
  return path;
}

function loadData(c: Case): Float64Array {
  const buf = readFileSync(dataPath(c));
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  return new Float64Array(new Uint8Array(buf).buffer);
}

interface Measure {
  impl: string;
  cpuMs: number[];
  wallMs: number[];
  dataMB: number;
  peakMB: number;
  note?: string;
  /** CPU ms of the first run (before any warm-up). */
  firstCpuMs: number;
}

/**
 * Untimed warm-up runs before the timed ones (when reps > 1; the same count for every
 * implementation, Python included): 20 for the 2,000 x 784 case, whose runs are short enough for
 * V8 to be still compiling and recompiling during the first ten or so (the CPU time of the very
 * first run is reported apart), else 1.
 */
function warmUps(c: Case, reps: number): number {
  if (reps <= 1 || c.fresh) return 0;
  return c.rows * c.cols <= 2_000_000 ? 20 : 1;
}

/** Child process: run one implementation `reps` times and print a Measure as JSON. */
function child(impl: string, caseName: string, reps: number): void {
  const c = CASES.find((x) => x.name === caseName)!;
  const data = loadData(c);
  const x = featureMatrix(c.rows, c.cols, data);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  let ml: Matrix | undefined;
  if (impl.startsWith('ml-pca')) ml = Matrix.from1DArray(c.rows, c.cols, data);
  let rows: number[][] | undefined;
  if (impl.startsWith('clusterlens number[][]')) {
    rows = [];
    for (let i = 0; i < c.rows; i++)
      rows.push(Array.from(data.subarray(i * c.cols, (i + 1) * c.cols)));
  }
  gc();
  const dataMB = process.memoryUsage().rss / 2 ** 20;
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  let note = '';
  let firstCpuMs = 0;
  const warm = warmUps(c, reps);
  for (let r = 0; r < warm + reps; r++) {
    if (r === 0 || r === warm) settle(gc);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    if (impl.startsWith('clusterlens default') || impl.startsWith('clusterlens number[][]')) {
      // the default call: every component, scores read only when asked for
      const p = pca(rows ?? x);
      note = p.solver;
      if (impl.endsWith('+ scores') && p.scores.rows !== c.rows) throw new Error('scores');
    } else if (impl === 'clusterlens auto' || impl === 'clusterlens covariance') {
      const p = pca(x, {
        components: c.k,
        solver: impl === 'clusterlens auto' ? 'auto' : 'covariance',
      });
      note = `${p.solver}${p.iterations ? ` ${p.iterations} it` : ''}`;
      if (p.scores.rows !== c.rows) throw new Error('scores');
    } else if (impl === 'clusterlens streaming') {
      const acc = createPCAAccumulator();
      const chunk = 65536;
      for (let i = 0; i < c.rows; i += chunk) {
        const m = Math.min(chunk, c.rows - i);
        acc.add(featureMatrix(m, c.cols, data.subarray(i * c.cols, (i + m) * c.cols)));
      }
      const model = acc.finish({ components: c.k });
      model.transform(x);
      note = model.solver;
    } else if (impl === 'ml-pca SVD' || impl === 'ml-pca covarianceMatrix') {
      const method = impl === 'ml-pca SVD' ? 'SVD' : 'covarianceMatrix';
      const p = new PCA(ml!, { method });
      p.predict(ml!, { nComponents: c.k });
    } else {
      throw new Error(`unknown implementation ${impl}`);
    }
    const cu = process.cpuUsage(c0);
    if (r === 0) firstCpuMs = (cu.user + cu.system) / 1000;
    if (r < warm) continue;
    wallMs.push(performance.now() - w0);
    cpuMs.push((cu.user + cu.system) / 1000);
  }
  const peakMB = peakRssMB();
  const m: Measure = { impl, cpuMs, wallMs, dataMB, peakMB, note, firstCpuMs };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

/**
 * Peak resident memory of this process: VmHWM of /proc/self/status. (getrusage's maxRSS is not
 * used: on Linux it carries over the parent's peak across fork + exec.)
 */
function peakRssMB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /VmHWM:\s*(\d+)\s*kB/.exec(status);
  return kb ? Number(kb[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

function runChild(impl: string, c: Case, reps: number): Measure | string {
  return impl.startsWith('sklearn')
    ? runMeasured<Measure>('/usr/bin/python3', [
        PY,
        dataPath(c),
        String(c.rows),
        String(c.cols),
        String(c.k),
        impl.split(' ')[1]!,
        String(reps),
        String(warmUps(c, reps)),
      ])
    : runMeasuredChild<Measure>(SELF, [impl, c.name, String(reps)]);
}

function main(words: string[]): void {
  const cases =
    words.length === 0 ? CASES : CASES.filter((c) => words.some((w) => c.name.includes(w)));
  const hasSklearn =
    spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
  for (const c of cases) {
    ensureData(c);
    console.log(
      `\n## ${c.name}: ${c.rows} x ${c.cols}, k = ${c.k} (fit + scores; CPU ms medians, 1 thread)`,
    );
    const results: Measure[] = [];
    if (c.fresh) {
      freshRuns(c, hasSklearn, results);
      printFresh(results);
      continue;
    }
    for (const [impl, reps] of Object.entries(c.impls)) {
      if (impl.startsWith('sklearn') && !hasSklearn) continue;
      const m = runChild(impl, c, reps);
      if (typeof m === 'string') {
        console.log(`${impl}: ${m}`);
        continue;
      }
      // Peak memory of one run: a separate child process that fits once.
      if (reps > 1) {
        const once = runChild(impl, c, 1);
        if (typeof once !== 'string') m.peakMB = once.peakMB;
      }
      results.push(m);
    }
    const base = results.find((m) => m.impl === 'sklearn full');
    const rnd = results.find((m) => m.impl === 'sklearn randomized');
    const ours = results.find((m) => m.impl === 'clusterlens auto');
    console.log(
      '| implementation | runs | CPU ms | wall ms | first run CPU ms | peak MB | data MB | / sklearn full | / sklearn randomized | ml-pca / clusterlens | note |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const m of results) {
      const cpu = median(m.cpuMs);
      const ratio = (b?: Measure) => (b ? (cpu / median(b.cpuMs)).toFixed(2) : '');
      const vsOurs =
        m.impl.startsWith('ml-pca') && ours ? (cpu / median(ours.cpuMs)).toFixed(1) : '';
      console.log(
        `| ${m.impl} | ${m.cpuMs.length} | ${cpu.toFixed(0)} | ${median(m.wallMs).toFixed(0)} | ${m.firstCpuMs.toFixed(0)} | ${m.peakMB.toFixed(0)} | ${m.dataMB.toFixed(0)} | ${ratio(base)} | ${ratio(rnd)} | ${vsOurs} | ${m.note ?? ''} |`,
      );
    }
  }
}

/** The runs of a `fresh` case: one fit per process, the implementations interleaved. */
function freshRuns(c: Case, hasSklearn: boolean, results: Measure[]): void {
  const impls = Object.keys(c.impls).filter((i) => hasSklearn || !i.startsWith('sklearn'));
  const byImpl = new Map<string, Measure>();
  for (let r = 0; r < c.reps; r++) {
    for (const impl of impls) {
      const m = runChild(impl, c, 1);
      if (typeof m === 'string') {
        console.log(`${impl}: ${m}`);
        continue;
      }
      const all = byImpl.get(impl);
      if (all === undefined) {
        byImpl.set(impl, m);
        results.push(m);
      } else {
        all.cpuMs.push(...m.cpuMs);
        all.wallMs.push(...m.wallMs);
        all.peakMB = Math.max(all.peakMB, m.peakMB);
      }
    }
  }
}

function printFresh(results: Measure[]): void {
  const fit = results.find((m) => m.impl === 'sklearn fit');
  const fitTransform = results.find((m) => m.impl === 'sklearn fit_transform');
  console.log(
    '| call | runs | CPU ms (median, min-max) | wall ms | peak MB | data MB | / sklearn fit | / sklearn fit_transform | note |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const m of results) {
    const cpu = median(m.cpuMs);
    const ratio = (b?: Measure) => (b ? (cpu / median(b.cpuMs)).toFixed(2) : '');
    const range = `${Math.min(...m.cpuMs).toFixed(0)}-${Math.max(...m.cpuMs).toFixed(0)}`;
    console.log(
      `| ${m.impl} | ${m.cpuMs.length} | ${cpu.toFixed(0)} (${range}) | ${median(m.wallMs).toFixed(0)} | ${m.peakMB.toFixed(0)} | ${m.dataMB.toFixed(0)} | ${ratio(fit)} | ${ratio(fitTransform)} | ${m.note ?? ''} |`,
    );
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') child(argv[1]!, argv[2]!, Number(argv[3]));
else main(argv);
