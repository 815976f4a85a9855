/**
 * Distances and neighbourhoods for the density methods: the distances from one row to many (the
 * kernel of src/cluster/hclust/distance.ts, so every method sees the same doubles), the core
 * distance of every row (its distance to the k-th nearest row, itself counted first) and the
 * test "within eps".
 *
 * Comparisons with a radius are made as scikit-learn's k-d tree makes them: for the Euclidean
 * metric the sum of squared differences (summed in column order) against eps * eps, so that a
 * point at distance exactly eps is inside when its squared distance rounds to at most eps^2.
 * The other metrics compare their distance with eps.
 *
 * Memory: O(n) beyond the data; every search computes its distances row by row (O(n^2 d) time).
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { distancesFromRow, identity, type Metric, rowNorms } from '../hclust/distance.js';

/** The metrics of the density methods (those of `pdist`). */
export type DensityMetric = Metric;

/** What the searches need: the data, the metric, the row norms of cosine, all row indices. */
export interface NeighborSpace {
  readonly x: FeatureMatrix;
  readonly metric: Metric;
  readonly norms: Float64Array | null;
  /** 0, 1, ..., n-1: the targets of a scan over every row. */
  readonly all: Int32Array;
}

/** The search structure of `x` under `metric` (row norms are checked for cosine). */
export function neighborSpace(x: FeatureMatrix, metric: Metric, fn: string): NeighborSpace {
  return {
    x,
    metric,
    norms: metric === 'cosine' ? rowNorms(x, fn) : null,
    all: identity(x.rows),
  };
}

/**
 * The metric whose values the searches compare: the squared Euclidean distance stands for the
 * Euclidean one (monotone, and exact against a squared radius).
 */
function scanMetric(metric: Metric): Metric {
  return metric === 'euclidean' ? 'sqeuclidean' : metric;
}

/** The radius in the units of `scanMetric`: eps * eps for the Euclidean metric. */
export function scanRadius(metric: Metric, eps: number): number {
  return metric === 'euclidean' ? eps * eps : eps;
}

/**
 * Values from row `row` to rows `targets[0..m)` in the units of `scanMetric` (squared for the
 * Euclidean metric), written to `out[0..m)`.
 */
export function scanRow(
  space: NeighborSpace,
  row: number,
  targets: Int32Array,
  m: number,
  out: Float64Array,
): void {
  distancesFromRow(space.x, scanMetric(space.metric), space.norms, row, targets, 0, m, out);
}

/** A scanned value as a distance (the square root for the Euclidean metric). */
export function scanToDistance(metric: Metric, value: number): number {
  return metric === 'euclidean' ? Math.sqrt(value) : value;
}

/**
 * Distances from row `row` to rows `targets[0..m)` in the metric (for the Euclidean one the
 * square root of the column-order sum, as scipy's and R's `dist`), written to `out[0..m)`.
 */
export function distanceRow(
  space: NeighborSpace,
  row: number,
  targets: Int32Array,
  m: number,
  out: Float64Array,
): void {
  distancesFromRow(space.x, space.metric, space.norms, row, targets, 0, m, out);
}

/**
 * Core distances: for every row the k-th smallest of its n distances to all rows, its own 0
 * included (so k = 1 gives 0, and k = 2 the distance to the nearest other row). This is R
 * dbscan's `kNNdist(x, minPts - 1)` and scikit-learn's `kneighbors(X, min_samples)[0][:, -1]`.
 * Brute force, one row at a time: O(n^2 d) time, O(n + k) memory.
 */
export function coreDistances(space: NeighborSpace, k: number): Float64Array {
  const n = space.x.rows;
  const out = new Float64Array(n);
  if (k <= 1) return out;
  const row = new Float64Array(n);
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    scanRow(space, i, space.all, n, row);
    out[i] = scanToDistance(space.metric, kthSmallest(row, n, k, best));
  }
  return out;
}

/**
 * The k-th smallest of values[0..n) (1-based k <= n), with `best` (length >= k) as scratch: an
 * ascending buffer of the k smallest so far; a value enters only when below the current k-th.
 */
export function kthSmallest(
  values: Float64Array,
  n: number,
  k: number,
  best: Float64Array,
): number {
  let filled = 0;
  for (let j = 0; j < n; j++) {
    const v = values[j]!;
    if (filled === k) {
      if (!(v < best[k - 1]!)) continue;
      filled--;
    }
    let p = filled;
    while (p > 0 && best[p - 1]! > v) {
      best[p] = best[p - 1]!;
      p--;
    }
    best[p] = v;
    filled++;
  }
  return best[k - 1]!;
}

/** Number of rows within `radius` (scan units) of each row, the row itself included. */
export function neighborCounts(space: NeighborSpace, radius: number): Int32Array {
  const n = space.x.rows;
  const counts = new Int32Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scanRow(space, i, space.all, n, row);
    let c = 0;
    for (let j = 0; j < n; j++) if (row[j]! <= radius) c++;
    counts[i] = c;
  }
  return counts;
}
