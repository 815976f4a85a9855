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
 * - 'auto' (default): 'lloyd' when its WebAssembly pass is available, else 'hamerly': on the
 *   benchmark data (test/bench/kmeans.ts) the SIMD Lloyd pass is faster than the bounds of
 *   Hamerly or Elkan in JavaScript.
 * - 'hamerly' ('auto' without WebAssembly): one upper and one lower bound per row; G. Hamerly,
 *   "Making k-means even faster", SIAM SDM 2010, pp. 130-140. O(n) extra memory.
 * - 'elkan': k lower bounds per row and the centre-centre distances; C. Elkan, "Using the
 *   triangle inequality to accelerate k-means", ICML 2003, pp. 147-153. O(n k) extra memory.
 * The bounds only skip a row when it is nearer to its centre than to any other by a relative
 * margin of 1e-10, so near-ties are always decided by exact distances, as in 'lloyd'.
 *
 * Files: index.ts (this: the options, their checks, the result types), fit.ts (centring and the
 * restarts), lloyd.ts, hamerly.ts, elkan.ts (one run of each algorithm), distances.ts and
 * update.ts (the steps they share), result.ts (the fitted model, and its rescaling for extreme
 * values), init.ts (k-means++ and random starts), minibatch.ts (mini-batch k-means), kernels.ts
 * (the WebAssembly passes).
 */
import type { kmeans as mlKMeans } from 'ml-kmeans';
import { finiteUnitOf, isDataset, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { warn } from '../../util/log.js';
import { divideBy } from '../../util/magnitude.js';
import { DEFAULT_SEED } from '../../util/random.js';
import {
  MAX_ITERATIONS,
  MAX_RESTARTS,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  definedOnly,
} from '../../util/validate.js';
import { fitKMeans } from './fit.js';
import { explicitCentres, KMEANS_INITS, type KMeansInitMethod } from './init.js';
import { createLloydKernel } from './kernels.js';
import { rescaledResult } from './result.js';

export { inertiaOf, nearestLabels } from './distances.js';
export { columnMeans, type KMeansRun, meanVariance, runKMeans } from './fit.js';
export { rescaledResult } from './result.js';

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
  return fitKMeans(
    M,
    {
      k,
      nInit,
      maxIterations,
      tolerance,
      seed,
      plusPlus: o.init === 'k-means++',
      initCentres,
      weights,
      algorithm: resolved,
    },
    kernel,
  );
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
