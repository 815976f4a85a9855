/**
 * Benchmark of UMAP: clusterlens `umap` (src/projection/umap/) against R uwot's `umap`
 * (test/bench/umap_uwot.R, one thread) and umap-js (test/bench/umap_js.mjs).
 *
 *   npm run bench -- umap [--data digits,breast_cancer,mix10k,mix100k]
 *                         [--engines clusterlens,uwot,umap-js] [--reps 3] [--reps-large 1]
 *                         [--umapjs-max 50000] [--timeout 1800] [--engine MODULE]
 *
 * Data:
 *   - digits: scikit-learn's load_digits, 1,797 x 64 (test/fixtures/projection/digits.csv);
 *   - breast_cancer: load_breast_cancer standardized, 569 x 30 (breast_cancer_std.csv);
 *   - mix10k, mix100k: 10,000 and 100,000 x 50 (`mixture` below): 20 Gaussian clusters of
 *     unequal sizes and shapes, grouped in 5 families, in a random 10-dimensional subspace of
 *     R^50, plus Gaussian noise in all 50 dimensions. The 10,000 rows are the first rows of the
 *     100,000. Generated from a fixed seed into $TMPDIR/clusterlens-bench-umap as CSV.
 *
 * Every engine runs with n_neighbors 15, min_dist 0.1, spread 1 and its own default epochs;
 * clusterlens and uwot start from the spectral initialisation, umap-js from a random one (it
 * has no other). Repetition r uses seed 42, 1, 2, 3, ... for every engine. Each run is a fresh
 * process (the engines interleaved per repetition, so load changes on a shared machine hit all
 * alike) that reads the CSV, times the fit alone (CPU = user + system, and wall), writes the
 * embedding as CSV and reports the CPU seconds of the whole process (start-up, reading and
 * writing included; for clusterlens this includes tsx compiling the sources) and its peak RSS.
 * Cells are medians over the repetitions; ratios are engine / uwot.
 *
 * Quality: trustworthiness at k = 15 (src/metrics/trustworthiness.ts, scikit-learn's
 * definition) of each embedding, the median over the repetitions. Above 10,000 rows it is
 * O(n^2): it is computed on 5,000 rows drawn once with seed 0 (the same rows of the data and
 * of every embedding), which the table marks.
 *
 * umap-js runs only up to `--umapjs-max` rows and is killed after `--timeout` seconds.
 * `--engine MODULE` runs another module with the same `umap` export as clusterlens (a path
 * relative to this folder, or absolute).
 */
import { existsSync, mkdirSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FeatureMatrix } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { trustworthiness } from '../../src/metrics/trustworthiness.js';
import { RandomState } from '../../src/util/random.js';
import { median, runMeasured, runMeasuredChild } from './shared/measure.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const FIXTURES = join(HERE, '..', 'fixtures', 'projection');
const DIR = join(tmpdir(), 'clusterlens-bench-umap');
/** The module of clusterlens' UMAP, relative to this folder. */
const ENGINE = '../../src/projection/umap/index.js';
const N_NEIGHBORS = 15;
const MIN_DIST = 0.1;
/** k of the trustworthiness. */
const TRUST_K = 15;
/** Above this many rows, trustworthiness is computed on `TRUST_SAMPLE` rows. */
const TRUST_FULL_MAX = 10_000;
const TRUST_SAMPLE = 5_000;
const SEEDS = [42, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** What clusterlens' UMAP module offers the benchmark. */
interface UmapModule {
  umap(
    X: FeatureMatrix,
    options: { nNeighbors: number; minDist: number; seed: number; init: 'spectral' },
  ): { embedding: FeatureMatrix; nEpochs: number };
}

interface Measure {
  /** CPU seconds of the fit. */
  fit: number;
  fitWall: number;
  /** CPU seconds of the whole process. */
  process: number;
  rssMB: number;
  rows: number;
  cols: number;
  nEpochs?: number;
  version?: string;
  /** Wall seconds of the whole process, measured by the parent. */
  wall?: number;
  /** Trustworthiness of the embedding, computed by the parent. */
  trust?: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

// ---- data -------------------------------------------------------------------------------------

/**
 * The first `n` rows of a 50-column mixture (seeded; the structure does not depend on `n`):
 * 5 family centres ~ N(0, 6^2 I) in R^10, 4 cluster centres per family at N(0, 2.5^2 I) from
 * it; each cluster has its own standard deviation per latent axis, uniform in [0.3, 1.5], and
 * a weight exp(U(-1.2, 1.2)) (sizes differ up to about 10 times). A row draws its cluster by
 * weight, its latent point from that Gaussian, maps it by an orthonormal 10 x 50 basis of a
 * random subspace and adds N(0, 0.6^2) noise in each of the 50 dimensions (the noise's norm,
 * about 4.2, is comparable with a cluster's radius in the subspace).
 */
function mixture(n: number): Float64Array {
  const L = 10;
  const D = 50;
  const FAMILIES = 5;
  const PER_FAMILY = 4;
  const K = FAMILIES * PER_FAMILY;
  const rs = new RandomState(20261205);
  const centres = new Float64Array(K * L);
  for (let f = 0; f < FAMILIES; f++) {
    const family = new Float64Array(L);
    for (let j = 0; j < L; j++) family[j] = 6 * rs.gauss();
    for (let c = 0; c < PER_FAMILY; c++) {
      const k = f * PER_FAMILY + c;
      for (let j = 0; j < L; j++) centres[k * L + j] = family[j]! + 2.5 * rs.gauss();
    }
  }
  const sd = new Float64Array(K * L);
  for (let i = 0; i < K * L; i++) sd[i] = rs.uniform(0.3, 1.5);
  const cumulative = new Float64Array(K);
  let total = 0;
  for (let k = 0; k < K; k++) {
    total += Math.exp(rs.uniform(-1.2, 1.2));
    cumulative[k] = total;
  }
  // an orthonormal basis of a random 10-dimensional subspace (Gram-Schmidt, twice)
  const basis = new Float64Array(L * D);
  for (let i = 0; i < L * D; i++) basis[i] = rs.gauss();
  for (let a = 0; a < L; a++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += basis[a * D + j]! * basis[b * D + j]!;
        for (let j = 0; j < D; j++) basis[a * D + j]! -= dot * basis[b * D + j]!;
      }
    }
    let norm = 0;
    for (let j = 0; j < D; j++) norm += basis[a * D + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < D; j++) basis[a * D + j]! /= norm;
  }
  const X = new Float64Array(n * D);
  const z = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    const u = rs.randomSample() * total;
    let k = 0;
    while (k < K - 1 && cumulative[k]! <= u) k++;
    for (let j = 0; j < L; j++) z[j] = centres[k * L + j]! + sd[k * L + j]! * rs.gauss();
    const row = i * D;
    for (let j = 0; j < D; j++) X[row + j] = 0.6 * rs.gauss();
    for (let a = 0; a < L; a++) {
      const za = z[a]!;
      for (let j = 0; j < D; j++) X[row + j]! += za * basis[a * D + j]!;
    }
  }
  return X;
}

/** Writes `X` (n x d) as CSV with a header x0, x1, ... and 6 decimals. */
function writeCsv(path: string, X: Float64Array, n: number, d: number): void {
  const fd = openSync(path, 'w');
  const header: string[] = [];
  for (let j = 0; j < d; j++) header.push(`x${j}`);
  writeSync(fd, `${header.join(',')}\n`);
  const lines: string[] = [];
  const cells: string[] = new Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) cells[j] = X[i * d + j]!.toFixed(6);
    lines.push(cells.join(','));
    if (lines.length === 1000 || i === n - 1) {
      writeSync(fd, `${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  closeSync(fd);
}

interface DataSet {
  name: string;
  path: string;
}

function dataSet(name: string): DataSet {
  if (name === 'digits') return { name, path: join(FIXTURES, 'digits.csv') };
  if (name === 'breast_cancer') return { name, path: join(FIXTURES, 'breast_cancer_std.csv') };
  const m = /^mix(\d+)k$/.exec(name);
  if (m === null) throw new Error(`unknown data set ${name}`);
  const n = Number(m[1]) * 1000;
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `mixture_${n}x50.csv`);
  if (!existsSync(path)) writeCsv(path, mixture(n), n, 50);
  return { name, path };
}

async function readMatrix(path: string): Promise<FeatureMatrix> {
  return (await loadDataset(path)).features;
}

function writeEmbedding(path: string, E: FeatureMatrix): void {
  const lines: string[] = [];
  const header: string[] = [];
  for (let j = 0; j < E.cols; j++) header.push(`x${j + 1}`);
  lines.push(header.join(','));
  const cells: string[] = new Array(E.cols);
  for (let i = 0; i < E.rows; i++) {
    for (let j = 0; j < E.cols; j++) cells[j] = String(E.data[i * E.cols + j]);
    lines.push(cells.join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

// ---- child: one clusterlens fit per process ---------------------------------------------------

async function child(): Promise<void> {
  const [engine, path, out, seedText] = process.argv.slice(3);
  const url = isAbsolute(engine!)
    ? pathToFileURL(engine!).href
    : new URL(engine!, import.meta.url).href;
  const { umap } = (await import(url)) as UmapModule;
  const X = await readMatrix(path!);
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const fit = umap(X, {
    nNeighbors: N_NEIGHBORS,
    minDist: MIN_DIST,
    seed: Number(seedText),
    init: 'spectral',
  });
  const w1 = performance.now();
  const c = process.cpuUsage(c0);
  writeEmbedding(out!, fit.embedding);
  const total = process.cpuUsage();
  const m: Measure = {
    fit: (c.user + c.system) / 1e6,
    fitWall: (w1 - w0) / 1e3,
    process: (total.user + total.system) / 1e6,
    rssMB: process.resourceUsage().maxRSS / 1024,
    rows: X.rows,
    cols: X.cols,
    nEpochs: fit.nEpochs,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

// ---- parent -----------------------------------------------------------------------------------

type Engine = 'clusterlens' | 'uwot' | 'umap-js';

function timed(run: () => Measure | string): Measure | string {
  const w0 = performance.now();
  const m = run();
  if (typeof m === 'string') return m;
  m.wall = (performance.now() - w0) / 1e3;
  return m;
}

function runEngine(
  engine: Engine,
  data: DataSet,
  out: string,
  seed: number,
  module: string,
  timeout: number,
): Measure | string {
  const s = String(seed);
  if (engine === 'clusterlens') {
    return timed(() => runMeasuredChild<Measure>(SELF, [module, data.path, out, s]));
  }
  if (engine === 'uwot') {
    return timed(() =>
      runMeasured<Measure>('Rscript', [
        join(HERE, 'umap_uwot.R'),
        data.path,
        out,
        s,
        String(N_NEIGHBORS),
        String(MIN_DIST),
        'spectral',
      ]),
    );
  }
  return timed(() =>
    runMeasured<Measure>(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=16000',
        join(HERE, 'umap_js.mjs'),
        data.path,
        out,
        s,
        String(N_NEIGHBORS),
        String(MIN_DIST),
      ],
      timeout,
    ),
  );
}

/** The rows of `M` listed in `rows`. */
function subset(M: FeatureMatrix, rows: Int32Array | null): FeatureMatrix {
  if (rows === null) return M;
  const data = new Float64Array(rows.length * M.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]! * M.cols;
    for (let j = 0; j < M.cols; j++) data[i * M.cols + j] = M.data[r + j]!;
  }
  return { rows: rows.length, cols: M.cols, data };
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** uwot's epochs (its documented default): 500 up to 10,000 rows, 200 beyond. */
const uwotEpochs = (n: number) => (n <= 10_000 ? 500 : 200);

async function main(): Promise<void> {
  const names = arg('data', 'digits,breast_cancer,mix10k,mix100k').split(',');
  const engines = arg('engines', 'clusterlens,uwot,umap-js').split(',') as Engine[];
  for (const e of engines) {
    if (e !== 'clusterlens' && e !== 'uwot' && e !== 'umap-js') throw new Error(`engine ${e}?`);
  }
  const reps = Number(arg('reps', '3'));
  const repsLarge = Number(arg('reps-large', '1'));
  const umapjsMax = Number(arg('umapjs-max', '50000'));
  const timeout = Number(arg('timeout', '1800'));
  const module = arg('engine', ENGINE);
  mkdirSync(DIR, { recursive: true });
  console.log(
    `node ${process.version}; n_neighbors ${N_NEIGHBORS}, min_dist ${MIN_DIST}, one thread; ` +
      'CPU seconds (user + system), medians over fresh-process runs with seeds 42, 1, 2, ...; ' +
      `trustworthiness at k = ${TRUST_K}; ratios engine / uwot`,
  );
  console.log('');
  console.log(
    '| data | n x d | engine | runs | epochs | fit CPU s | / uwot | process CPU s | / uwot | wall s | peak RSS MB | / uwot | trustworthiness |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const name of names) {
    const data = dataSet(name);
    const X = await readMatrix(data.path);
    const n = X.rows;
    const sampled = n > TRUST_FULL_MAX;
    const rows = sampled ? new RandomState(0).choiceWithoutReplacement(n, TRUST_SAMPLE) : null;
    const Xs = subset(X, rows);
    const r = n >= 50_000 ? repsLarge : reps;
    const results = new Map<Engine, Measure[]>();
    const failures = new Map<Engine, string>();
    for (const e of engines) {
      results.set(e, []);
      if (e === 'umap-js' && n > umapjsMax) {
        failures.set(e, `not run above ${umapjsMax.toLocaleString('en-US')} rows`);
      }
    }
    for (let k = 0; k < r; k++) {
      for (const e of engines) {
        if (failures.has(e)) continue;
        const out = join(DIR, `embedding_${e}.csv`);
        const m = runEngine(e, data, out, SEEDS[k % SEEDS.length]!, module, timeout);
        if (typeof m === 'string') {
          failures.set(e, m);
          continue;
        }
        m.trust = trustworthiness(Xs, subset(await readMatrix(out), rows), {
          nNeighbors: TRUST_K,
        });
        results.get(e)!.push(m);
      }
    }
    const med = (e: Engine, key: 'fit' | 'process' | 'wall' | 'rssMB' | 'trust') => {
      const ms = results.get(e) ?? [];
      return ms.length === 0 ? Number.NaN : median(ms.map((m) => m[key] ?? Number.NaN));
    };
    const shape = `${n.toLocaleString('en-US')} x ${X.cols}`;
    for (const e of engines) {
      const ms = results.get(e)!;
      const version = ms[0]?.version === undefined ? '' : ` ${ms[0].version}`;
      const label =
        e === 'uwot' ? `R uwot${version}` : e === 'umap-js' ? `umap-js${version}` : 'clusterlens';
      const failed = failures.get(e);
      if (ms.length === 0) {
        console.log(`| ${name} | ${shape} | ${label} | 0 | | ${failed ?? '-'} | | | | | | | |`);
        continue;
      }
      if (failed !== undefined) notes.push(`${name}, ${label}: ${failed}`);
      const epochs = e === 'uwot' ? uwotEpochs(n) : (ms[0]!.nEpochs ?? Number.NaN);
      const trust = ms.map((m) => m.trust!);
      const spread =
        ms.length > 1 ? ` (${fmt(Math.min(...trust), 4)}-${fmt(Math.max(...trust), 4)})` : '';
      const tr = `${fmt(med(e, 'trust'), 4)}${spread}${sampled ? ` [${TRUST_SAMPLE.toLocaleString('en-US')} rows]` : ''}`;
      console.log(
        `| ${name} | ${shape} | ${label} | ${ms.length} | ${epochs} | ` +
          `${fmt(med(e, 'fit'), 2)} | ${fmt(med(e, 'fit') / med('uwot', 'fit'), 2)} | ` +
          `${fmt(med(e, 'process'), 2)} | ${fmt(med(e, 'process') / med('uwot', 'process'), 2)} | ` +
          `${fmt(med(e, 'wall'), 2)} | ${fmt(med(e, 'rssMB'), 0)} | ` +
          `${fmt(med(e, 'rssMB') / med('uwot', 'rssMB'), 2)} | ${tr} |`,
      );
    }
  }
  console.log('');
  console.log(
    `trustworthiness: the median over the runs (lowest-highest); [${TRUST_SAMPLE.toLocaleString('en-US')} rows]: ` +
      `above ${TRUST_FULL_MAX.toLocaleString('en-US')} rows, computed on ${TRUST_SAMPLE.toLocaleString('en-US')} rows drawn with seed 0 ` +
      '(the same rows of the data and of each embedding). clusterlens and uwot start from the ' +
      'spectral initialisation, umap-js from a random one.',
  );
  for (const note of notes) console.log(`note: ${note}`);
}

if (process.argv[2] === '--child') await child();
else await main();
