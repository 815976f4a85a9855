/**
 * k-means: nInit seeded restarts of Lloyd's iteration, run exactly (with Hamerly's or Elkan's
 * bounds to skip distance computations), keeping the run of lowest inertia.
 *
 * Pipeline of one call: validate -> centre X -> for each restart: initialise -> iterate ->
 * final assignment -> keep the best -> shift the centres back -> result.
 *
 * Parity: the loop rules and the random draws are those of scikit-learn 1.2.1's `KMeans`
 * (Debian 12's python3-sklearn), so `kmeans(X, {k, seed})` gives the labels, number of
 * iterations, inertia (to rounding) and centres of `KMeans(k, n_init=10, random_state=seed)`:
 *
 * - X is centred on its column means before fitting (the centres are shifted back at the end);
 *   this changes rounding, hence it is done as scikit-learn does.
 * - tolerance is relative: tol_abs = tolerance * mean over columns of the population variance.
 * - one iteration = assign every row to its nearest centre (lowest index on ties), then move each
 *   centre to the weighted mean of its rows. An empty cluster takes the row farthest from its
 *   own centre (rows taken by decreasing distance when several clusters are empty).
 * - stop when the labels did not change ("strict" convergence), or when
 *   sum_j ||c_j(new) - c_j(old)||^2 <= tol_abs, or after maxIterations.
 * - unless the labels did not change, one more assignment makes the labels those of the
 *   returned centres. inertia = sum_i w_i ||x_i - c_{label_i}||^2.
 * - all restarts draw from one `RandomState(seed)` in sequence; a later run replaces the best
 *   one only if its inertia is lower and its clustering differs.
 *
 * scikit-learn >= 1.3 draws the first k-means++ centre differently, and >= 1.4 defaults to
 * n_init='auto' (1 run with k-means++), so their results differ from 1.2.1's for the same seed.
 *
 * Algorithms (all give the same labels and centres from the same start; they differ only in how
 * many distances they compute and how):
 * - 'lloyd': every row against every centre, O(n k d) per iteration; the pass runs in
 *   WebAssembly SIMD (cluster/kmeans/kernels.ts; two centres per f64x2 lane pair, bit for bit the
 *   JavaScript result, sample weights included) when the runtime has it.
 * - 'auto' (default): 'lloyd' when its WebAssembly pass is available, else 'hamerly'. On the
 *   benchmark data (n up to 1M, d = 16, k = 8) the SIMD Lloyd pass is 3-4 times faster than the
 *   bounds of Hamerly or Elkan in JavaScript (test/bench/kmeans.ts).
 * - 'hamerly' ('auto' without WebAssembly): one upper and one lower bound per row; G. Hamerly,
 *   "Making k-means even faster", SIAM SDM 2010, pp. 130-140. O(n) extra memory.
 * - 'elkan': k lower bounds per row and the centre-centre distances; C. Elkan, "Using the
 *   triangle inequality to accelerate k-means", ICML 2003, pp. 147-153. O(n k) extra memory.
 * The bounds only skip a row when it is nearer to its centre than to any other by a relative
 * margin of 1e-10, so near-ties are always decided by exact distances, as in 'lloyd'.
 */
import type { kmeans as mlKMeans } from 'ml-kmeans';
import {
  type FeatureMatrix,
  finiteUnitOf,
  isDataset,
  type MatrixLike,
  toFeatureMatrix,
} from '../../data/dataset.js';
import { assertUnreachable, DataError, OptionError } from '../../util/errors.js';
import { warn } from '../../util/log.js';
import { divideBy } from '../../util/magnitude.js';
import { DEFAULT_SEED, RandomState } from '../../util/random.js';
import {
  MAX_ITERATIONS,
  MAX_RESTARTS,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  definedOnly,
} from '../../util/validate.js';
import { createLloydKernel, type LloydKernel } from './kernels.js';
import {
  explicitCentres,
  gatherRows,
  KMEANS_INITS,
  type KMeansInitMethod,
  kmeansPlusPlusIndices,
  randomInitIndices,
} from './init.js';
import { pairwiseSum } from '../../util/sum.js';

/** The exact k-means algorithms ('auto' picks one; all give the same result). */
export const KMEANS_ALGORITHMS = ['auto', 'hamerly', 'lloyd', 'elkan'] as const;
/** An exact k-means algorithm. */
export type KMeansAlgorithm = (typeof KMEANS_ALGORITHMS)[number];
/** True if `x` names an exact k-means algorithm. */
export function isKMeansAlgorithm(x: unknown): x is KMeansAlgorithm {
  return typeof x === 'string' && (KMEANS_ALGORITHMS as readonly string[]).includes(x);
}

/** Options of `kmeans`. */
export interface KMeansOptions {
  /** Number of clusters, an integer in [1, n]. */
  k: number;
  /**
   * Number of restarts; the run of lowest inertia is kept. With explicit initial centres only
   * one run is made (a warning says so when nInit was set to another value).
   * Default: 10.
   */
  nInit?: number;
  /**
   * Initial centres: 'k-means++' (greedy, 2 + floor(ln k) trials per centre), 'random' (k
   * distinct rows), or k rows of d numbers.
   * Default: 'k-means++'.
   */
  init?: KMeansInitMethod | readonly (readonly number[])[];
  /** Maximum number of iterations of each run. Default: 300. */
  maxIterations?: number;
  /**
   * Relative tolerance on the squared centre shift, scaled by the mean column variance of X;
   * 0 stops only when the labels stop changing.
   * Default: 1e-4.
   */
  tolerance?: number;
  /** Seed of the numpy-compatible generator, an integer in [0, 2^32 - 1]. Default: 0. */
  seed?: number;
  /**
   * 'lloyd', 'hamerly' or 'elkan': the same results at different speeds. 'auto' runs Lloyd's
   * pass in WebAssembly SIMD when the runtime has it (Node 20 does), else Hamerly's algorithm
   * in JavaScript.
   * Default: 'auto'.
   */
  algorithm?: KMeansAlgorithm;
  /** A non-negative weight per row; the centres are weighted means. Default: all 1. */
  sampleWeight?: ArrayLike<number>;
}

/** The ml-kmeans 7 result shape, for code written against ml-kmeans. */
export type MlKMeansLike = Pick<
  ReturnType<typeof mlKMeans>,
  'clusters' | 'centroids' | 'converged' | 'iterations'
>;

/** JSON form of a k-means result. */
export interface KMeansJSON {
  k: number;
  labels: number[];
  centroids: number[][];
  sizes: number[];
  inertia: number;
  iterations: number;
  converged: boolean;
  nInit: number;
  algorithm: Exclude<KMeansAlgorithm, 'auto'>;
  seed: number;
}

/** The fitted model. */
export interface KMeansResult {
  /** Cluster of each row, 0..k-1: the nearest of the returned centroids. */
  labels: Int32Array;
  /** The k centres, k x d, in the coordinates of X. */
  centroids: number[][];
  /** Sum of (weighted) squared distances of the rows to their centres. */
  inertia: number;
  /** Iterations of the kept run. */
  iterations: number;
  /** True if the kept run stopped before maxIterations (labels unchanged or shift <= tol). */
  converged: boolean;
  /** Number of rows in each cluster. */
  sizes: Int32Array;
  /** Number of clusters. */
  k: number;
  /** Number of runs made. */
  nInit: number;
  /** Algorithm used ('auto' resolved). */
  algorithm: Exclude<KMeansAlgorithm, 'auto'>;
  /** Seed used. */
  seed: number;
  /** Nearest centroid of each row of new data (lowest index on ties). */
  predict(X: MatrixLike): Int32Array;
  /** Plain JSON (labels and sizes as number arrays). */
  toJSON(): KMeansJSON;
  /** The result in ml-kmeans' shape (`clusters` as number[]). */
  toMlKMeans(): MlKMeansLike;
}

const defaults = {
  nInit: 10,
  init: 'k-means++' as KMeansInitMethod | readonly (readonly number[])[],
  maxIterations: 300,
  tolerance: 1e-4,
  seed: DEFAULT_SEED,
  algorithm: 'auto' as KMeansAlgorithm,
};

const KNOWN = [
  'k',
  'nInit',
  'init',
  'maxIterations',
  'tolerance',
  'seed',
  'algorithm',
  'sampleWeight',
] as const;

/** One run of the iteration. @internal */
export interface KMeansRun {
  labels: Int32Array;
  centres: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

/**
 * k-means clustering of the rows of X. See the module comment for the exact rules.
 *
 * @example
 * import { kmeans } from 'clusterlens';
 *
 * const fit = kmeans([[1, 1], [1.2, 0.8], [8, 8], [8.1, 7.9]], { k: 2, seed: 0 });
 * fit.labels; // => [0, 0, 1, 1]
 * fit.centroids.length; // => 2
 */
export function kmeans(X: MatrixLike, options: KMeansOptions): KMeansResult {
  const fn = 'kmeans';
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`kmeans needs an options object with k. Got ${options} instead.`);
  }
  checkKnownOptions(fn, options, KNOWN);
  const o = { ...defaults, ...definedOnly(options) };
  const M = toFeatureMatrix(X, { fn, allowNonFinite: true });
  const { rows: n, cols: d } = M;
  const k = checkInteger(fn, 'k', o.k, 1);
  if (n === 0 || d === 0) {
    throw new DataError(`kmeans needs at least one row and one column; got ${n} x ${d}.`);
  }
  let nInit = checkInteger(fn, 'nInit', o.nInit, 1, MAX_RESTARTS);
  const maxIterations = checkInteger(fn, 'maxIterations', o.maxIterations, 1, MAX_ITERATIONS);
  const tolerance = checkNumber(fn, 'tolerance', o.tolerance, { min: 0 });
  const seed = checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  const algorithm = checkKeyword(fn, 'algorithm', o.algorithm, KMEANS_ALGORITHMS);
  const explicit = typeof o.init !== 'string' && Array.isArray(o.init) ? o.init : null;
  if (explicit === null) checkKeyword(fn, 'init', o.init, KMEANS_INITS);
  const weights =
    options.sampleWeight === undefined ? null : checkWeights(options.sampleWeight, n, fn);
  // the WebAssembly Lloyd kernel holds the centred data in its own memory
  const kernel =
    (algorithm === 'auto' || algorithm === 'lloyd') && n >= k
      ? createLloydKernel(n, d, k, weights)
      : null;

  // Values beyond 2^±500: fit the data divided by a power of two (exact), then scale back, so
  // squared distances neither overflow nor underflow (src/util/magnitude.ts). The same pass
  // (in the kernel when there is one) finds NaN and infinities, which assertFinite then reports
  // by row and column.
  const max = kernel ? kernel.load(M.data) : undefined;
  if (kernel && !(max! < Number.POSITIVE_INFINITY)) kernel.release();
  const unit = finiteUnitOf(M, fn, isDataset(X) ? X.columns : undefined, { max });
  if (n < k) throw new OptionError(`n_samples=${n} should be >= k=${k}.`);
  if (unit !== 1) {
    kernel?.release();
    const scaledInit = Array.isArray(o.init)
      ? (o.init as readonly (readonly number[])[]).map((row) =>
          Array.isArray(row) ? row.map((v: number) => v / unit) : row,
        )
      : o.init;
    const scaled = { rows: n, cols: d, data: divideBy(M.data, unit) };
    const inner = kmeans(scaled, { ...options, init: scaledInit } as KMeansOptions);
    return rescaledResult(inner, unit, d, false, scaled);
  }
  let initCentres: Float64Array | null = null;
  if (explicit) {
    initCentres = explicitCentres(explicit, k, d, fn);
    if (options.nInit !== undefined && nInit !== 1) {
      warn(
        `Explicit initial centres were given: kmeans performs only one run instead of ` +
          `nInit=${nInit}.`,
      );
    }
    nInit = 1;
  }
  const resolved: Exclude<KMeansAlgorithm, 'auto'> =
    algorithm === 'auto' ? (kernel ? 'lloyd' : 'hamerly') : algorithm;
  // centre X (a copy; the input is never written); the absolute tolerance, from the variances
  // of X as given
  let mean: Float64Array;
  let tol = 0;
  let Xc: Float64Array;
  if (kernel) {
    const moments = kernel.centre(tolerance !== 0);
    mean = moments.mean;
    if (moments.variance) tol = (pairwiseSum(moments.variance, 0, d) / d) * tolerance;
    Xc = kernel.X;
  } else {
    mean = columnMeans(M);
    if (tolerance !== 0) tol = meanVariance(M, mean) * tolerance;
    Xc = centredCopy(M, mean);
  }
  const C: FeatureMatrix = { rows: n, cols: d, data: Xc };
  if (initCentres) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) initCentres[c * d + j]! -= mean[j]!;
    }
  }

  const rng = new RandomState(seed);
  let best: KMeansRun | null = null;
  for (let run = 0; run < nInit; run++) {
    let start: Float64Array;
    if (initCentres) start = initCentres.slice();
    else if (o.init === 'k-means++') {
      start = gatherRows(C, kmeansPlusPlusIndices(C, k, rng, undefined, kernel));
    } else start = gatherRows(C, randomInitIndices(n, k, rng));
    const result = runKMeans(resolved, C, weights, start, k, maxIterations, tol, kernel);
    if (
      best === null ||
      (result.inertia < best.inertia && !sameClustering(result.labels, best.labels, k))
    ) {
      best = result;
    }
  }
  kernel?.release();
  const kept = best!;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) kept.centres[c * d + j]! += mean[j]!;
  }
  const sizes = clusterSizes(kept.labels, k);
  let distinct = 0;
  for (let c = 0; c < k; c++) if (sizes[c]! > 0) distinct++;
  if (distinct < k) {
    const points = countDistinctRows(M, k + 1);
    warn(
      `Number of distinct clusters (${distinct}) found smaller than k (${k})` +
        (points <= k
          ? `: X has only ${points} distinct rows.`
          : '. Possibly due to duplicate rows in X.'),
    );
  }
  return makeResult(kept, k, d, nInit, resolved, seed, sizes);
}

/**
 * A fit of X / unit as a fit of X: centroids times unit, inertia times unit^2 (Infinity, with a
 * warning unless `quiet`, when the true inertia is beyond the largest double), `predict`
 * divides its input. `scaled` (X / unit, the matrix of the fit) holds each centroid coordinate
 * inside the [min, max] of its cluster's rows, where a mean lies: centring and shifting back may
 * round a centre of rows at -Number.MAX_VALUE / unit one step beyond them, which times unit
 * would be -Infinity (and a one-row cluster would not be its row).
 * @internal
 */
export function rescaledResult(
  inner: KMeansResult,
  unit: number,
  d: number,
  quiet = false,
  scaled?: FeatureMatrix,
): KMeansResult {
  const ranges = scaled === undefined ? undefined : clusterRanges(scaled, inner);
  const centroids = inner.centroids.map((row, c) =>
    row.map((v, j) => {
      if (ranges === undefined) return v * unit;
      const t = 2 * (c * d + j);
      const lo = ranges[t]!;
      const hi = ranges[t + 1]!;
      return (lo <= hi ? Math.min(Math.max(v, lo), hi) : v) * unit;
    }),
  );
  const inertia = inner.inertia * unit * unit;
  if (!Number.isFinite(inertia) && !quiet) {
    warn(
      `kmeans: the inertia (${inner.inertia} x ${unit}^2) is beyond the largest double; labels ` +
        'and centroids are exact. Divide the data by a constant for a finite inertia.',
    );
  }
  return {
    ...inner,
    centroids,
    inertia,
    predict(X: MatrixLike): Int32Array {
      const M = toFeatureMatrix(X, { fn: 'predict' });
      if (M.cols !== d) {
        throw new DataError(`predict expects ${d} columns (as the fitted data); got ${M.cols}.`);
      }
      return inner.predict({ rows: M.rows, cols: d, data: divideBy(M.data, unit) });
    },
    toJSON(): KMeansJSON {
      return { ...inner.toJSON(), centroids: centroids.map((row) => row.slice()), inertia };
    },
    toMlKMeans(): MlKMeansLike {
      return { ...inner.toMlKMeans(), centroids: centroids.map((row) => row.slice()) };
    },
  };
}

/**
 * Per cluster c and column j the [min, max] of the cluster's rows, at 2(c d + j) and
 * 2(c d + j) + 1 (min > max for an empty cluster).
 */
function clusterRanges(M: FeatureMatrix, fit: KMeansResult): Float64Array {
  const { rows: n, cols: d, data } = M;
  const k = fit.centroids.length;
  const out = new Float64Array(2 * k * d);
  for (let t = 0; t < k * d; t++) {
    out[2 * t] = Number.POSITIVE_INFINITY;
    out[2 * t + 1] = Number.NEGATIVE_INFINITY;
  }
  const labels = fit.labels;
  for (let i = 0; i < n; i++) {
    const p = i * d;
    const q = labels[i]! * d;
    for (let j = 0; j < d; j++) {
      const v = data[p + j]!;
      const t = 2 * (q + j);
      if (v < out[t]!) out[t] = v;
      if (v > out[t + 1]!) out[t + 1] = v;
    }
  }
  return out;
}

/** Weights checked to be n finite non-negative numbers, not all zero. @internal */
export function checkWeights(w: ArrayLike<number>, n: number, fn: string): Float64Array {
  if (w === null || typeof w !== 'object' || typeof w.length !== 'number') {
    throw new OptionError(`The 'sampleWeight' option of ${fn} must be an array of numbers.`);
  }
  if (w.length !== n) {
    throw new OptionError(
      `The 'sampleWeight' option of ${fn} must have one weight per row (${n}). Got ${w.length} instead.`,
    );
  }
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new DataError(`${fn} needs finite non-negative sample weights; got ${v}.`, { row: i });
    }
    out[i] = v;
    total += v;
  }
  if (total <= 0) throw new DataError(`${fn} needs sample weights that are not all zero.`);
  return out;
}

/** Column means, summed row by row (as numpy's mean over axis 0). @internal */
export function columnMeans(M: FeatureMatrix): Float64Array {
  const { rows: n, cols: d, data } = M;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const p = i * d;
    for (let j = 0; j < d; j++) mean[j]! += data[p + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}

/** Mean over columns of the population variance (scikit-learn's `_tolerance` base). @internal */
export function meanVariance(M: FeatureMatrix, mean: Float64Array = columnMeans(M)): number {
  const { rows: n, cols: d, data } = M;
  const v = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const p = i * d;
    for (let j = 0; j < d; j++) {
      const e = data[p + j]! - mean[j]!;
      v[j]! += e * e;
    }
  }
  for (let j = 0; j < d; j++) v[j]! /= n;
  return pairwiseSum(v, 0, d) / d;
}

// The loops over the rows live in small functions of their own: a loop in the body of `kmeans`
// would have V8 compile (on stack replacement) and soon throw away that whole large function on
// every call, several milliseconds of compilation per fit.

/** X minus the column means, a new array. */
function centredCopy(M: FeatureMatrix, mean: Float64Array): Float64Array {
  const { rows: n, cols: d, data } = M;
  const out = new Float64Array(data.length);
  for (let i = 0; i < n; i++) {
    const p = i * d;
    for (let j = 0; j < d; j++) out[p + j] = data[p + j]! - mean[j]!;
  }
  return out;
}

/** Rows per label. */
function clusterSizes(labels: Int32Array, k: number): Int32Array {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]!]!++;
  return sizes;
}

function countDistinctRows(M: FeatureMatrix, stopAt: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < M.rows && seen.size < stopAt; i++) {
    seen.add(Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)).join(','));
  }
  return seen.size;
}

/** True if two labelings are equal up to a renaming of the clusters (scikit-learn's rule). */
function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const map = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (map[x] === -1) map[x] = b[i]!;
    else if (map[x] !== b[i]) return false;
  }
  return true;
}

function makeResult(
  run: KMeansRun,
  k: number,
  d: number,
  nInit: number,
  algorithm: Exclude<KMeansAlgorithm, 'auto'>,
  seed: number,
  sizes: Int32Array,
): KMeansResult {
  const centres = run.centres;
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) centroids.push(Array.from(centres.subarray(c * d, c * d + d)));
  return {
    labels: run.labels,
    centroids,
    inertia: run.inertia,
    iterations: run.iterations,
    converged: run.converged,
    sizes,
    k,
    nInit,
    algorithm,
    seed,
    predict(X: MatrixLike): Int32Array {
      const M = toFeatureMatrix(X, { fn: 'predict' });
      if (M.cols !== d) {
        throw new DataError(`predict expects ${d} columns (as the fitted data); got ${M.cols}.`);
      }
      return nearestLabels(M.data, M.rows, d, centres, k);
    },
    toJSON(): KMeansJSON {
      return {
        k,
        labels: Array.from(run.labels),
        centroids,
        sizes: Array.from(sizes),
        inertia: run.inertia,
        iterations: run.iterations,
        converged: run.converged,
        nInit,
        algorithm,
        seed,
      };
    },
    toMlKMeans(): MlKMeansLike {
      return {
        clusters: Array.from(run.labels),
        centroids: centroids.map((row) => row.slice()),
        converged: run.converged,
        iterations: run.iterations,
      };
    },
  };
}

/** One run of the chosen algorithm from `start` (k x d, consumed). @internal */
export function runKMeans(
  algorithm: Exclude<KMeansAlgorithm, 'auto'>,
  X: FeatureMatrix,
  w: Float64Array | null,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tol: number,
  kernel: LloydKernel | null = null,
): KMeansRun {
  switch (algorithm) {
    case 'lloyd':
      return lloyd(X, w, start, k, maxIterations, tol, kernel);
    case 'hamerly':
      return hamerly(X, w, start, k, maxIterations, tol);
    case 'elkan':
      return elkan(X, w, start, k, maxIterations, tol);
    default:
      return assertUnreachable(algorithm);
  }
}

// ---------------------------------------------------------------------------------------------
// Kernels. X is row-major n x d; centres are row-major k x d. Squared distances are always
// summed over j in order, so every kernel gives bit-identical distances and the algorithms agree.

/** Relative margin by which a bound must prove a row's centre before the row is skipped. */
const MARGIN = 1 + 1e-10;

/** Nearest centre (lowest index on ties) of every row. @internal */
export function nearestLabels(
  X: Float64Array,
  n: number,
  d: number,
  C: Float64Array,
  k: number,
  out: Int32Array = new Int32Array(n),
): Int32Array {
  for (let i = 0; i < n; i++) {
    const p = i * d;
    let best = 0;
    let bd = Infinity;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const q0 = c * d;
      const q1 = q0 + d;
      const q2 = q1 + d;
      const q3 = q2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const x = X[p + j]!;
        const e0 = x - C[q0 + j]!;
        const e1 = x - C[q1 + j]!;
        const e2 = x - C[q2 + j]!;
        const e3 = x - C[q3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      if (s0 < bd) {
        bd = s0;
        best = c;
      }
      if (s1 < bd) {
        bd = s1;
        best = c + 1;
      }
      if (s2 < bd) {
        bd = s2;
        best = c + 2;
      }
      if (s3 < bd) {
        bd = s3;
        best = c + 3;
      }
    }
    for (; c < k; c++) {
      const s = dist2(X, p, C, c * d, d);
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

// results of nearestTwo (module scratch: no allocation per row)
let nBest = 0;
let nBestD = 0;
let nSecondD = 0;

/**
 * Nearest and second-nearest centre of the row at offset p: sets nBest (lowest index on ties),
 * nBestD and nSecondD (squared distances). Four centres per pass over the row.
 */
function nearestTwo(X: Float64Array, p: number, d: number, C: Float64Array, k: number): void {
  let best = 0;
  let bd = Infinity;
  let sd = Infinity;
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const q0 = c * d;
    const q1 = q0 + d;
    const q2 = q1 + d;
    const q3 = q2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const x = X[p + j]!;
      const e0 = x - C[q0 + j]!;
      const e1 = x - C[q1 + j]!;
      const e2 = x - C[q2 + j]!;
      const e3 = x - C[q3 + j]!;
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    if (s0 < bd) {
      sd = bd;
      bd = s0;
      best = c;
    } else if (s0 < sd) sd = s0;
    if (s1 < bd) {
      sd = bd;
      bd = s1;
      best = c + 1;
    } else if (s1 < sd) sd = s1;
    if (s2 < bd) {
      sd = bd;
      bd = s2;
      best = c + 2;
    } else if (s2 < sd) sd = s2;
    if (s3 < bd) {
      sd = bd;
      bd = s3;
      best = c + 3;
    } else if (s3 < sd) sd = s3;
  }
  for (; c < k; c++) {
    const q = c * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = X[p + j]! - C[q + j]!;
      s += e * e;
    }
    if (s < bd) {
      sd = bd;
      bd = s;
      best = c;
    } else if (s < sd) sd = s;
  }
  nBest = best;
  nBestD = bd;
  nSecondD = sd;
}

/** Squared distance between row p of X and row q of C, summed in order. */
function dist2(X: Float64Array, p: number, C: Float64Array, q: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const e = X[p + j]! - C[q + j]!;
    s += e * e;
  }
  return s;
}

/**
 * Squared distance with scikit-learn's grouping (4 terms at a time), used for the inertia and
 * the centre shift so that those sums round as scikit-learn's.
 */
function dist2Grouped(a: Float64Array, p: number, b: Float64Array, q: number, d: number): number {
  let r = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const e0 = a[p + j]! - b[q + j]!;
    const e1 = a[p + j + 1]! - b[q + j + 1]!;
    const e2 = a[p + j + 2]! - b[q + j + 2]!;
    const e3 = a[p + j + 3]! - b[q + j + 3]!;
    r += e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3;
  }
  for (; j < d; j++) {
    const e = a[p + j]! - b[q + j]!;
    r += e * e;
  }
  return r;
}

/** sum_i w_i ||x_i - c_{label_i}||^2. @internal */
export function inertiaOf(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  C: Float64Array,
  labels: Int32Array,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = dist2Grouped(X, i * d, C, labels[i]! * d, d);
    s += w ? v * w[i]! : v;
  }
  return s;
}

/**
 * Give every empty cluster (zero weight) the row farthest from its own centre, taking rows by
 * decreasing distance (lowest index first on ties): the row's weighted values move from its
 * cluster's sum to the empty cluster's sum. Labels are not changed (the next assignment does).
 * Returns the number of clusters relocated.
 */
function relocateEmpty(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  oldCentres: Float64Array,
  sums: Float64Array,
  weightIn: Float64Array,
  labels: Int32Array,
  k: number,
): number {
  let nEmpty = 0;
  for (let c = 0; c < k; c++) if (weightIn[c] === 0) nEmpty++;
  if (nEmpty === 0) return 0;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) dist[i] = dist2(X, i * d, oldCentres, labels[i]! * d, d);
  const far = farthest(dist, Math.min(nEmpty, n));
  let idx = 0;
  for (let c = 0; c < k && idx < far.length; c++) {
    if (weightIn[c] !== 0) continue;
    const f = far[idx++]!;
    const wf = w ? w[f]! : 1;
    const old = labels[f]!;
    const p = f * d;
    for (let j = 0; j < d; j++) {
      sums[old * d + j]! -= X[p + j]! * wf;
      sums[c * d + j] = X[p + j]! * wf;
    }
    weightIn[c] = wf;
    weightIn[old]! -= wf;
  }
  return nEmpty;
}

/** Indices of the m largest values, by decreasing value, lowest index first on ties. */
function farthest(v: Float64Array, m: number): Int32Array {
  const out = new Int32Array(m);
  const taken = new Uint8Array(v.length);
  for (let t = 0; t < m; t++) {
    let b = -1;
    let bv = -Infinity;
    for (let i = 0; i < v.length; i++) {
      if (!taken[i] && v[i]! > bv) {
        bv = v[i]!;
        b = i;
      }
    }
    taken[b] = 1;
    out[t] = b;
  }
  return out;
}

/** Divide each non-empty cluster's sum by its weight (multiplying by the reciprocal). */
function average(sums: Float64Array, weightIn: Float64Array, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    const wc = weightIn[c]!;
    if (wc > 0) {
      const alpha = 1 / wc;
      for (let j = 0; j < d; j++) sums[c * d + j]! *= alpha;
    }
  }
}

/** Per-centre Euclidean shift; returns sum_j shift_j^2 (numpy's pairwise order). */
function centreShift(
  oldC: Float64Array,
  newC: Float64Array,
  k: number,
  d: number,
  shift: Float64Array,
  scratch: Float64Array,
): number {
  for (let c = 0; c < k; c++) {
    shift[c] = Math.sqrt(dist2Grouped(newC, c * d, oldC, c * d, d));
    scratch[c] = shift[c]! * shift[c]!;
  }
  return pairwiseSum(scratch, 0, k);
}

// ---------------------------------------------------------------------------------------------
// Lloyd

function lloyd(
  M: FeatureMatrix,
  w: Float64Array | null,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tol: number,
  kernel: LloydKernel | null,
): KMeansRun {
  const { rows: n, cols: d, data: X } = M;
  let centres = start;
  let next: Float64Array = new Float64Array(k * d);
  const weightIn = new Float64Array(k);
  const shift = new Float64Array(k);
  const scratch = new Float64Array(k);
  // with the WebAssembly kernel, the labels live in its memory during the run
  const useKernel = kernel !== null && kernel.X === X;
  const labels = useKernel ? kernel.labels : new Int32Array(n);
  labels.fill(-1);
  let strict = false;
  let converged = false;
  let it = 0;
  for (; it < maxIterations; it++) {
    const changed = useKernel
      ? kernel.pass(centres, next, weightIn)
      : assignAccumulate(X, n, d, w, centres, k, labels, next, weightIn);
    relocateEmpty(X, n, d, w, centres, next, weightIn, labels, k);
    average(next, weightIn, k, d);
    const tot = centreShift(centres, next, k, d, shift, scratch);
    const swap = centres;
    centres = next;
    next = swap;
    if (changed === 0) {
      strict = true;
      converged = true;
      break;
    }
    if (tot <= tol) {
      converged = true;
      break;
    }
  }
  const iterations = Math.min(it + 1, maxIterations);
  if (!strict) {
    if (useKernel) kernel.pass(centres, next, weightIn);
    else nearestLabels(X, n, d, centres, k, labels);
  }
  return {
    labels: useKernel ? labels.slice() : labels,
    centres,
    inertia: useKernel ? kernel.inertia(centres) : inertiaOf(X, n, d, w, centres, labels),
    iterations,
    converged,
  };
}

/**
 * One Lloyd pass: each row to its nearest centre (lowest index on ties), and its (weighted)
 * values added to that centre's sum in the same pass, rows in order. Returns the number of rows
 * whose label changed.
 */
function assignAccumulate(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  C: Float64Array,
  k: number,
  labels: Int32Array,
  sums: Float64Array,
  weightIn: Float64Array,
): number {
  sums.fill(0);
  weightIn.fill(0);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const p = i * d;
    let best = 0;
    let bd = Infinity;
    let c = 0;
    // four centres per pass over the row: each x_j is loaded once for four sums
    for (; c + 4 <= k; c += 4) {
      const q0 = c * d;
      const q1 = q0 + d;
      const q2 = q1 + d;
      const q3 = q2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const x = X[p + j]!;
        const e0 = x - C[q0 + j]!;
        const e1 = x - C[q1 + j]!;
        const e2 = x - C[q2 + j]!;
        const e3 = x - C[q3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      if (s0 < bd) {
        bd = s0;
        best = c;
      }
      if (s1 < bd) {
        bd = s1;
        best = c + 1;
      }
      if (s2 < bd) {
        bd = s2;
        best = c + 2;
      }
      if (s3 < bd) {
        bd = s3;
        best = c + 3;
      }
    }
    for (; c < k; c++) {
      const q = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = X[p + j]! - C[q + j]!;
        s += e * e;
      }
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    const q = best * d;
    if (w === null) {
      for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]!;
      weightIn[best]! += 1;
    } else {
      const wi = w[i]!;
      for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]! * wi;
      weightIn[best]! += wi;
    }
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Hamerly

/** Half the distance from each centre to its nearest other centre. */
function halfNearestCentre(C: Float64Array, k: number, d: number, s: Float64Array): void {
  s.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const v = 0.5 * Math.sqrt(dist2(C, a * d, C, b * d, d));
      if (v < s[a]!) s[a] = v;
      if (v < s[b]!) s[b] = v;
    }
  }
}

function hamerly(
  M: FeatureMatrix,
  w: Float64Array | null,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tol: number,
): KMeansRun {
  const { rows: n, cols: d, data: X } = M;
  let centres = start;
  let next: Float64Array = new Float64Array(k * d);
  const weightIn = new Float64Array(k);
  const shift = new Float64Array(k);
  const scratch = new Float64Array(k);
  const s = new Float64Array(k);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const labels = new Int32Array(n);

  let strict = false;
  let converged = false;
  let it = 0;
  for (; it < maxIterations; it++) {
    let changed: number;
    if (it === 0) {
      // first assignment: exact, with both bounds
      next.fill(0);
      weightIn.fill(0);
      for (let i = 0; i < n; i++) {
        const p = i * d;
        nearestTwo(X, p, d, centres, k);
        const a = nBest;
        labels[i] = a;
        upper[i] = Math.sqrt(nBestD);
        lower[i] = Math.sqrt(nSecondD);
        addRow(X, p, d, w, i, a, next, weightIn);
      }
      changed = n;
    } else {
      changed = hamerlyPass(X, n, d, w, centres, k, labels, upper, lower, s, shift, next, weightIn);
    }
    relocateEmpty(X, n, d, w, centres, next, weightIn, labels, k);
    average(next, weightIn, k, d);
    const tot = centreShift(centres, next, k, d, shift, scratch);
    const swap = centres;
    centres = next;
    next = swap;
    if (changed === 0) {
      strict = true;
      converged = true;
      break;
    }
    if (tot <= tol) {
      converged = true;
      break;
    }
  }
  const iterations = Math.min(it + 1, maxIterations);
  if (!strict) hamerlyPass(X, n, d, w, centres, k, labels, upper, lower, s, shift, null, null);
  return {
    labels,
    centres,
    inertia: inertiaOf(X, n, d, w, centres, labels),
    iterations,
    converged,
  };
}

/** Add row i (offset p), weighted, to cluster a's sum. */
function addRow(
  X: Float64Array,
  p: number,
  d: number,
  w: Float64Array | null,
  i: number,
  a: number,
  sums: Float64Array,
  weightIn: Float64Array,
): void {
  const q = a * d;
  if (w === null) {
    for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]!;
    weightIn[a]! += 1;
  } else {
    const wi = w[i]!;
    for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]! * wi;
    weightIn[a]! += wi;
  }
}

/**
 * One Hamerly pass after the centres moved by `shift`: move the bounds (upper += own shift,
 * lower -= largest other shift), keep the label of every row its bounds prove, else tighten the
 * upper bound and, if still needed, search all centres. When `sums` is given, each row is added
 * to its cluster's sum in the same pass (rows in order, as Lloyd). Returns the rows relabelled.
 */
function hamerlyPass(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  s: Float64Array,
  shift: Float64Array,
  sums: Float64Array | null,
  weightIn: Float64Array | null,
): number {
  halfNearestCentre(centres, k, d, s);
  let m1 = 0;
  let m2 = 0;
  let arg = -1;
  for (let c = 0; c < k; c++) {
    const v = shift[c]!;
    if (v > m1) {
      m2 = m1;
      m1 = v;
      arg = c;
    } else if (v > m2) m2 = v;
  }
  if (sums !== null) {
    sums.fill(0);
    weightIn!.fill(0);
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let a = labels[i]!;
    const p = i * d;
    let u = upper[i]! + shift[a]!;
    const l = lower[i]! - (a === arg ? m2 : m1);
    upper[i] = u;
    lower[i] = l;
    const m = Math.max(s[a]!, l);
    if (!(u * MARGIN < m)) {
      u = Math.sqrt(dist2(X, p, centres, a * d, d));
      upper[i] = u;
      if (!(u * MARGIN < m)) {
        nearestTwo(X, p, d, centres, k);
        upper[i] = Math.sqrt(nBestD);
        lower[i] = Math.sqrt(nSecondD);
        if (nBest !== a) {
          a = nBest;
          labels[i] = a;
          changed++;
        }
      }
    }
    if (sums !== null) addRow(X, p, d, w, i, a, sums, weightIn!);
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Elkan

function elkan(
  M: FeatureMatrix,
  w: Float64Array | null,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tol: number,
): KMeansRun {
  const { rows: n, cols: d, data: X } = M;
  let centres = start;
  let next: Float64Array = new Float64Array(k * d);
  const weightIn = new Float64Array(k);
  const shift = new Float64Array(k);
  const scratch = new Float64Array(k);
  const s = new Float64Array(k);
  const half = new Float64Array(k * k); // half the centre-centre distances
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const labels = new Int32Array(n);

  let strict = false;
  let converged = false;
  let it = 0;
  for (; it < maxIterations; it++) {
    let changed: number;
    if (it === 0) {
      // first assignment: every distance, which are all exact lower bounds
      next.fill(0);
      weightIn.fill(0);
      for (let i = 0; i < n; i++) {
        const p = i * d;
        let best = 0;
        let bd = Infinity;
        for (let c = 0; c < k; c++) {
          const v = dist2(X, p, centres, c * d, d);
          lower[i * k + c] = Math.sqrt(v);
          if (v < bd) {
            bd = v;
            best = c;
          }
        }
        labels[i] = best;
        upper[i] = Math.sqrt(bd);
        addRow(X, p, d, w, i, best, next, weightIn);
      }
      changed = n;
    } else {
      changed = elkanPass(
        X,
        n,
        d,
        w,
        centres,
        k,
        labels,
        upper,
        lower,
        s,
        half,
        shift,
        next,
        weightIn,
      );
    }
    relocateEmpty(X, n, d, w, centres, next, weightIn, labels, k);
    average(next, weightIn, k, d);
    const tot = centreShift(centres, next, k, d, shift, scratch);
    const swap = centres;
    centres = next;
    next = swap;
    if (changed === 0) {
      strict = true;
      converged = true;
      break;
    }
    if (tot <= tol) {
      converged = true;
      break;
    }
  }
  const iterations = Math.min(it + 1, maxIterations);
  if (!strict) {
    elkanPass(X, n, d, w, centres, k, labels, upper, lower, s, half, shift, null, null);
  }
  return {
    labels,
    centres,
    inertia: inertiaOf(X, n, d, w, centres, labels),
    iterations,
    converged,
  };
}

/**
 * One Elkan pass after the centres moved by `shift`: move the bounds (upper += own shift, each
 * lower -= that centre's shift, floored at 0), then for each row test only the centres its
 * bounds and the centre-centre distances cannot rule out; accumulate the rows when `sums` is
 * given. Returns the rows relabelled.
 */
function elkanPass(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  s: Float64Array,
  half: Float64Array,
  shift: Float64Array,
  sums: Float64Array | null,
  weightIn: Float64Array | null,
): number {
  s.fill(Infinity);
  for (let a = 0; a < k; a++) {
    half[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) {
      const v = 0.5 * Math.sqrt(dist2(centres, a * d, centres, b * d, d));
      half[a * k + b] = v;
      half[b * k + a] = v;
      if (v < s[a]!) s[a] = v;
      if (v < s[b]!) s[b] = v;
    }
  }
  if (sums !== null) {
    sums.fill(0);
    weightIn!.fill(0);
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const lb = i * k;
    for (let c = 0; c < k; c++) {
      const v = lower[lb + c]! - shift[c]!;
      lower[lb + c] = Math.max(v, 0);
    }
    const a0 = labels[i]!;
    let a = a0;
    let u = upper[i]! + shift[a]!;
    const p = i * d;
    if (!(u * MARGIN < s[a]!)) {
      let tight = false;
      let ua2 = 0;
      for (let c = 0; c < k; c++) {
        if (c === a) continue;
        if (u * MARGIN < lower[lb + c]! || u * MARGIN < half[a * k + c]!) continue;
        if (!tight) {
          ua2 = dist2(X, p, centres, a * d, d);
          u = Math.sqrt(ua2);
          lower[lb + a] = u;
          tight = true;
          if (u * MARGIN < lower[lb + c]! || u * MARGIN < half[a * k + c]!) continue;
        }
        const v = dist2(X, p, centres, c * d, d);
        const dc = Math.sqrt(v);
        lower[lb + c] = dc;
        if (v < ua2 || (v === ua2 && c < a)) {
          a = c;
          ua2 = v;
          u = dc;
        }
      }
      if (a !== a0) {
        labels[i] = a;
        changed++;
      }
    }
    upper[i] = u;
    if (sums !== null) addRow(X, p, d, w, i, a, sums, weightIn!);
  }
  return changed;
}
