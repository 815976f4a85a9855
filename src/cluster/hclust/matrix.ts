/**
 * The working dissimilarity matrices of hclust in the square and condensed layouts (see "Layouts"
 * in cluster/hclust/index.ts): building them from the features or from a precomputed matrix,
 * condensed indexing, and the ascending list of active cluster indices the algorithms scan.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { type DistanceInput, type Metric, squareDistances } from './distance.js';
import { squareEuclideanSimd } from './distance-kernels.js';

export function condensedFromInput(input: DistanceInput, into?: Float64Array): Float64Array {
  if (input.condensed) {
    if (into === undefined) return input.condensed;
    into.set(input.condensed);
    return into;
  }
  const n = input.n;
  const s = input.square!;
  const out = into ?? new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[p++] = s[i * n + j]!;
  return out;
}

/**
 * The square working matrix from the features: Euclidean and squared Euclidean distances in
 * WebAssembly SIMD when the runtime has it (cluster/hclust/distance-kernels.ts; the same values,
 * computed faster), otherwise in JavaScript.
 */
export function squareFromFeatures(x: FeatureMatrix, metric: Metric): Float64Array {
  if (metric === 'euclidean' || metric === 'sqeuclidean') {
    const D = squareEuclideanSimd(x, metric === 'sqeuclidean');
    if (D !== null) return D;
  }
  return squareDistances(x, metric);
}

export function squareFromInput(input: DistanceInput): Float64Array {
  const n = input.n;
  if (input.square) return input.square.slice();
  const c = input.condensed!;
  const out = new Float64Array(n * n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = c[p++]!;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Offsets such that element (i, j), i < j, of a condensed matrix is at off[i] + j. */
export function condensedOffsets(n: number): Float64Array {
  const off = new Float64Array(n);
  for (let i = 0; i < n; i++) off[i] = n * i - (i * (i + 1)) / 2 - i - 1;
  return off;
}

/** Remove value v from the ascending list a[0..m); returns the new length. */
export function removeSorted(a: Int32Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  a.copyWithin(lo, lo + 1, m);
  return m - 1;
}

/** Position of v in the ascending list a[0..m) (v must be there). */
export function positionSorted(a: Int32Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
