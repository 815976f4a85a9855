/**
 * Initial centres for k-means: greedy k-means++, random rows, or centres given by the user.
 *
 * Parity: the draws are those of scikit-learn 1.2.1 (`sklearn.cluster._kmeans._kmeans_plusplus`
 * and `_init_centroids`) from a numpy-compatible `RandomState`, so `kmeansPlusPlus(X, {k, seed})`
 * picks the same rows as `sklearn.cluster.kmeans_plusplus(X, k, random_state=seed)` of 1.2.1.
 * scikit-learn >= 1.3 draws the first centre with `choice(n, p=w/sum(w))` instead of
 * `randint(n)`, so its picks differ from the second draw on.
 *
 * Greedy k-means++ (Arthur and Vassilvitskii, "k-means++: the advantages of careful seeding",
 * SODA 2007, pp. 1027-1035; the greedy variant is their section 6 remark, as implemented by
 * scikit-learn):
 *
 * 1. c_0 = x_r with r = randint(n).
 * 2. D(i) = min over chosen centres of ||x_i - c||^2; potential phi = sum_i D(i).
 * 3. For each further centre: draw L = 2 + floor(ln k) values u_t * phi (u_t uniform in [0, 1)),
 *    map each to the first index i whose running sum S_i = D(0) + ... + D(i) is >= u_t * phi
 *    (clipped to n - 1), and keep the candidate that lowers phi the most (first on ties).
 *
 * Cost: O(n d L k) time, O(n L) memory (one distance row per candidate). Each pass over X
 * evaluates up to four candidates so that every row is loaded once per four candidates.
 */
import {
  assertFinite,
  type FeatureMatrix,
  isDataset,
  type MatrixLike,
  toFeatureMatrix,
} from '../../data/dataset.js';
import { OptionError } from '../../util/errors.js';
import { DEFAULT_SEED, RandomState } from '../../util/random.js';
import { pairwiseSum } from '../../util/sum.js';
import { checkInteger, checkKnownOptions } from '../../util/validate.js';
import { createLloydKernel, type LloydKernel } from './kernels.js';

/** The named initialisations of k-means. */
export const KMEANS_INITS = ['k-means++', 'random'] as const;
/** A named initialisation of k-means. */
export type KMeansInitMethod = (typeof KMEANS_INITS)[number];
/** True if `x` is a named initialisation. */
export function isKMeansInitMethod(x: unknown): x is KMeansInitMethod {
  return typeof x === 'string' && (KMEANS_INITS as readonly string[]).includes(x);
}

/**
 * Row indices of greedy k-means++ on `X` (already validated), drawing from `rng`.
 * @param localTrials candidates per centre after the first. Default: 2 + floor(ln k).
 * @internal
 */
export function kmeansPlusPlusIndices(
  X: FeatureMatrix,
  k: number,
  rng: RandomState,
  localTrials = 2 + Math.floor(Math.log(k)),
  kernel: LloydKernel | null = null,
): Int32Array {
  const { rows: n, data } = X;
  const L = localTrials;
  const indices = new Int32Array(k);
  // the WebAssembly kernel (cluster/kmeans/kernels.ts) evaluates the candidates when it holds X
  const simd = kernel !== null && kernel.X === data && kernel.trials === L;
  let closest: Float64Array = simd ? kernel.closest : new Float64Array(n);
  const cand: Float64Array[] = [];
  if (!simd) for (let t = 0; t < L; t++) cand.push(new Float64Array(n));
  const cumsum = new Float64Array(n);
  const candIds = new Int32Array(L);
  const pots = new Float64Array(L);

  const first = rng.randint(n);
  indices[0] = first;
  firstDistances(X, first, closest);
  let pot = pairwiseSum(closest, 0, n);

  for (let c = 1; c < k; c++) {
    runningSum(closest, cumsum);
    for (let t = 0; t < L; t++) {
      // first i with cumsum[i] >= target (searchsorted 'left'), clipped to n - 1
      candIds[t] = Math.min(searchLeft(cumsum, rng.randomSample() * pot), n - 1);
    }
    if (simd) {
      kernel.evaluate(candIds);
      let best = 0;
      for (let t = 0; t < L; t++) {
        pots[t] = pairwiseSum(kernel.candidates[t]!, 0, n);
        if (pots[t]! < pots[best]!) best = t;
      }
      pot = pots[best]!;
      closest.set(kernel.candidates[best]!);
      indices[c] = candIds[best]!;
      continue;
    }
    evaluateCandidates(X, candIds, closest, cand);
    let best = 0;
    for (let t = 0; t < L; t++) {
      pots[t] = pairwiseSum(cand[t]!, 0, n);
      if (pots[t]! < pots[best]!) best = t;
    }
    pot = pots[best]!;
    const swap = closest;
    closest = cand[best]!;
    cand[best] = swap;
    indices[c] = candIds[best]!;
  }
  return indices;
}

// The loops over the rows live in the small functions below: a loop over n in the body of
// `kmeansPlusPlusIndices` would have V8 compile (on stack replacement) and throw away that
// whole function on every call, milliseconds of compilation per call.

/** Squared distances of every row to row `first`. */
function firstDistances(X: FeatureMatrix, first: number, out: Float64Array): void {
  const { rows: n, cols: d, data } = X;
  const c0 = first * d;
  for (let i = 0; i < n; i++) {
    const p = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[p + j]! - data[c0 + j]!;
      s += t * t;
    }
    out[i] = s;
  }
}

/** out[i] = a[0] + ... + a[i], added in order (as np.cumsum). */
function runningSum(a: Float64Array, out: Float64Array): void {
  let run = 0;
  for (let i = 0; i < a.length; i++) {
    run += a[i]!;
    out[i] = run;
  }
}

/** The first i with sorted[i] >= target (np.searchsorted, side 'left'); length if none. */
function searchLeft(sorted: Float64Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The k-means++ potentials in JavaScript: cand[t][i] = min(||x_i - x_{ids[t]}||^2, closest[i])
 * for every candidate t.
 */
function evaluateCandidates(
  X: FeatureMatrix,
  candIds: Int32Array,
  closest: Float64Array,
  cand: Float64Array[],
): void {
  const { rows: n, cols: d, data } = X;
  const L = candIds.length;
  // distances of every row to the candidates, four candidates per pass over X
  for (let t0 = 0; t0 < L; t0 += 4) {
    const m = Math.min(4, L - t0);
    if (m === 4) {
      const a0 = candIds[t0]! * d;
      const a1 = candIds[t0 + 1]! * d;
      const a2 = candIds[t0 + 2]! * d;
      const a3 = candIds[t0 + 3]! * d;
      const o0 = cand[t0]!;
      const o1 = cand[t0 + 1]!;
      const o2 = cand[t0 + 2]!;
      const o3 = cand[t0 + 3]!;
      for (let i = 0; i < n; i++) {
        const p = i * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < d; j++) {
          const x = data[p + j]!;
          const e0 = x - data[a0 + j]!;
          const e1 = x - data[a1 + j]!;
          const e2 = x - data[a2 + j]!;
          const e3 = x - data[a3 + j]!;
          s0 += e0 * e0;
          s1 += e1 * e1;
          s2 += e2 * e2;
          s3 += e3 * e3;
        }
        const cl = closest[i]!;
        o0[i] = Math.min(s0, cl);
        o1[i] = Math.min(s1, cl);
        o2[i] = Math.min(s2, cl);
        o3[i] = Math.min(s3, cl);
      }
    } else {
      for (let t = t0; t < t0 + m; t++) {
        const a = candIds[t]! * d;
        const o = cand[t]!;
        for (let i = 0; i < n; i++) {
          const p = i * d;
          let s = 0;
          for (let j = 0; j < d; j++) {
            const e = data[p + j]! - data[a + j]!;
            s += e * e;
          }
          const cl = closest[i]!;
          o[i] = Math.min(s, cl);
        }
      }
    }
  }
}

/** Row indices of the 'random' initialisation: the first k of `permutation(n)`. @internal */
export function randomInitIndices(n: number, k: number, rng: RandomState): Int32Array {
  return rng.permutation(n).slice(0, k);
}

/** The rows `indices` of `X`, as a k x d row-major array. @internal */
export function gatherRows(X: FeatureMatrix, indices: Int32Array): Float64Array {
  const d = X.cols;
  const out = new Float64Array(indices.length * d);
  for (let c = 0; c < indices.length; c++) {
    out.set(X.data.subarray(indices[c]! * d, indices[c]! * d + d), c * d);
  }
  return out;
}

/**
 * Explicit initial centres checked against k and the number of features, as a k x d array.
 * @internal
 */
export function explicitCentres(
  centres: readonly (readonly number[])[],
  k: number,
  d: number,
  fn: string,
): Float64Array {
  if (!Array.isArray(centres) || centres.length !== k) {
    throw new OptionError(
      `The 'init' option of ${fn} must have k=${k} rows. Got ${
        Array.isArray(centres) ? centres.length : typeof centres
      } instead.`,
    );
  }
  const out = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const row = centres[c]!;
    if (!Array.isArray(row) || row.length !== d) {
      throw new OptionError(
        `The 'init' option of ${fn} must have ${d} values per row (the number of features). ` +
          `Row ${c} has ${Array.isArray(row) ? row.length : typeof row} instead.`,
      );
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new OptionError(
          `The 'init' option of ${fn} must hold finite numbers. Row ${c} has ${v} instead.`,
        );
      }
      out[c * d + j] = v;
    }
  }
  return out;
}

/** Options of `kmeansPlusPlus`. */
export interface KMeansPlusPlusOptions {
  /** Number of centres (an integer in [1, n]). */
  k: number;
  /** Seed of the numpy-compatible generator. Default: 0. */
  seed?: number;
  /** Candidates tried per centre after the first. Default: 2 + floor(ln k). */
  localTrials?: number;
}

/** Centres chosen by `kmeansPlusPlus`. */
export interface KMeansPlusPlusResult {
  /** The chosen rows, k x d. */
  centroids: number[][];
  /** Their row indices in X. */
  indices: Int32Array;
}

/**
 * Greedy k-means++ seeding on `X` as given (no centring), equal to scikit-learn 1.2.1's
 * `kmeans_plusplus(X, k, random_state=seed)`. `kmeans` centres X first, as scikit-learn's
 * `KMeans` does; the picks are the same up to rounding of the distances.
 */
export function kmeansPlusPlus(
  X: MatrixLike,
  options: KMeansPlusPlusOptions,
): KMeansPlusPlusResult {
  const fn = 'kmeansPlusPlus';
  checkKnownOptions(fn, options, ['k', 'seed', 'localTrials']);
  const M = toFeatureMatrix(X, { fn, allowNonFinite: true });
  const k = checkInteger(fn, 'k', options.k, 1);
  const seed = checkInteger(fn, 'seed', options.seed ?? DEFAULT_SEED, 0, 0xffffffff);
  const trials = checkInteger(
    fn,
    'localTrials',
    options.localTrials ?? 2 + Math.floor(Math.log(k)),
    1,
  );
  // with WebAssembly SIMD the candidates are evaluated in a copy of X in the kernel's memory,
  // and the copy finds non-finite values
  const kernel =
    trials === 2 + Math.floor(Math.log(k)) && M.rows >= k
      ? createLloydKernel(M.rows, M.cols, k)
      : null;
  if (kernel === null || !(kernel.load(M.data) < Number.POSITIVE_INFINITY)) {
    kernel?.release();
    assertFinite(M, fn, isDataset(X) ? X.columns : undefined);
  }
  if (M.rows < k) throw new OptionError(`n_samples=${M.rows} should be >= k=${k}.`);
  const indices = kmeansPlusPlusIndices(
    kernel ? { rows: M.rows, cols: M.cols, data: kernel.X } : M,
    k,
    new RandomState(seed),
    trials,
    kernel,
  );
  kernel?.release();
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) {
    const p = indices[c]! * M.cols;
    centroids.push(Array.from(M.data.subarray(p, p + M.cols)));
  }
  return { centroids, indices };
}
