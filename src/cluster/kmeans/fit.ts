/**
 * The k-means driver shared by the algorithms: centre X, run the restarts (each from its own
 * initial centres, all drawn from one `RandomState(seed)` in sequence), keep the best run, shift
 * its centres back. The module comment of index.ts gives the rules and their scikit-learn parity.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { assertUnreachable } from '../../util/errors.js';
import { warn } from '../../util/log.js';
import { RandomState } from '../../util/random.js';
import { elkan } from './elkan.js';
import { hamerly } from './hamerly.js';
import type { KMeansAlgorithm, KMeansResult } from './index.js';
import { pairwiseSum } from '../../util/sum.js';
import { gatherRows, kmeansPlusPlusIndices, randomInitIndices } from './init.js';
import type { LloydKernel } from './kernels.js';
import { lloyd } from './lloyd.js';
import { makeResult } from './result.js';

/** One run of the iteration. @internal */
export interface KMeansRun {
  labels: Int32Array;
  centres: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

/** The checked options of one `kmeans` call, as the driver needs them. */
export interface KMeansPlan {
  k: number;
  nInit: number;
  maxIterations: number;
  /** The relative tolerance, as given. */
  tolerance: number;
  seed: number;
  /** k-means++ (else random rows) when there are no explicit initial centres. */
  plusPlus: boolean;
  /** Explicit initial centres (k x d, in the coordinates of X), or null. */
  initCentres: Float64Array | null;
  weights: Float64Array | null;
  algorithm: Exclude<KMeansAlgorithm, 'auto'>;
}

/**
 * The restarts of `kmeans` on M (finite, n >= k), with the Lloyd kernel when there is one (it
 * holds a copy of M, loaded by the caller; released here).
 */
export function fitKMeans(
  M: FeatureMatrix,
  plan: KMeansPlan,
  kernel: LloydKernel | null,
): KMeansResult {
  const { rows: n, cols: d } = M;
  const { k, nInit, maxIterations, tolerance, seed, plusPlus, initCentres, weights } = plan;
  const resolved = plan.algorithm;
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
    else if (plusPlus) {
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

// The loops over the rows live in small functions of their own: a loop in the body of
// `fitKMeans` would have V8 compile (on stack replacement) and soon throw away that whole large
// function on every call, a compilation per fit.

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
