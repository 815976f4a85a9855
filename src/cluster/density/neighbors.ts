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
 * Searches: with at most TREE_MAX_COLS columns and a metric of per-column terms (euclidean,
 * sqeuclidean, cityblock, chebyshev), a k-d tree (kdtree.ts); otherwise brute-force scans of one
 * row against all, O(n^2 d) time. Both compute each distance the same way, so they find the same
 * doubles. Memory: O(n) beyond the data and the tree.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import {
  distancesFromRow,
  identity,
  type Metric,
  rowNorms,
  sumsOfSquares,
} from '../hclust/distance.js';
import { buildKdTree, type KdTree, kthNearest, type TreeMetric, withinRadius } from './kdtree.js';

/**
 * Most columns for which the k-nearest and radius searches use a k-d tree (beyond, pruning rarely
 * pays). Prim's tree uses it up to fewer columns (`PRIM_TREE_MAX_COLS` in prim.ts).
 */
export const TREE_MAX_COLS = 10;

/** The metrics of the density methods (those of `pdist`). */
export type DensityMetric = Metric;

/** What the searches need: the data, the metric, the row norms of cosine, all row indices. */
export interface NeighborSpace {
  readonly x: FeatureMatrix;
  readonly metric: Metric;
  readonly norms: Float64Array | null;
  /** 0, 1, ..., n-1: the targets of a scan over every row. */
  readonly all: Int32Array;
  /** The k-d tree of the radius and k-nearest searches, null for brute-force scans. */
  readonly tree: KdTree | null;
  /**
   * The power of two the data was divided by to bring it to ordinary magnitudes (1: the data
   * as given); see `distanceUp`.
   */
  readonly unit: number;
}

/**
 * A distance of the searched (divided) data as a distance of the data: times unit (unit^2 for
 * sqeuclidean, two exact steps; cosine does not depend on the scale).
 */
export function distanceUp(space: NeighborSpace, v: number): number {
  const { unit, metric } = space;
  if (unit === 1 || metric === 'cosine') return v;
  return metric === 'sqeuclidean' ? v * unit * unit : v * unit;
}

/** A distance of the data (a radius) in the units of the searched data; see `distanceUp`. */
export function distanceDown(space: NeighborSpace, v: number): number {
  const { unit, metric } = space;
  if (unit === 1 || metric === 'cosine') return v;
  return metric === 'sqeuclidean' ? v / unit / unit : v / unit;
}

/**
 * The search structure of `x` under `metric` (row norms are checked for cosine). `tree`: use a
 * k-d tree when the metric allows one (default: when x has at most TREE_MAX_COLS columns).
 * `unit`: the power of two x was divided by (see `ordinaryMagnitude`).
 */
export function neighborSpace(
  x: FeatureMatrix,
  metric: Metric,
  fn: string,
  tree: boolean = x.cols <= TREE_MAX_COLS,
  unit = 1,
): NeighborSpace {
  const treeMetric: TreeMetric | null =
    metric === 'euclidean' || metric === 'sqeuclidean'
      ? 'sqeuclidean'
      : metric === 'cityblock' || metric === 'chebyshev'
        ? metric
        : null;
  return {
    x,
    metric,
    norms: metric === 'cosine' ? rowNorms(x, fn) : null,
    all: identity(x.rows),
    tree: tree && treeMetric !== null && x.rows > 1 ? buildKdTree(x, treeMetric) : null,
    unit,
  };
}

/**
 * The data divided by a power of two when its largest |value| is outside [2^-500, 2^500]
 * (src/util/magnitude.ts), so that squared differences neither overflow nor underflow; the
 * searches then find every distance divided exactly by that power (times its square for
 * sqeuclidean), and the results are scaled back. Ordinary data is used as is.
 */
export function ordinaryMagnitude(x: FeatureMatrix): { x: FeatureMatrix; unit: number } {
  const unit = magnitudeUnit(x.data);
  return unit === 1
    ? { x, unit }
    : { x: { rows: x.rows, cols: x.cols, data: divideBy(x.data, unit) }, unit };
}

/** The radius in the units of `scanMetric`: eps * eps for the Euclidean metric. */
export function scanRadius(metric: Metric, eps: number): number {
  return metric === 'euclidean' ? eps * eps : eps;
}

/**
 * Values from row `row` to rows `targets[0..m)` in scan units: the metric, except the squared
 * sum for the Euclidean metric (monotone, and exact against a squared radius); into `out[0..m)`.
 */
export function scanRow(
  space: NeighborSpace,
  row: number,
  targets: Int32Array,
  m: number,
  out: Float64Array,
): void {
  if (space.metric === 'euclidean') sumsOfSquares(space.x, row, targets, 0, m, out, false);
  else distancesFromRow(space.x, space.metric, space.norms, row, targets, 0, m, out);
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
 * With the k-d tree, or brute force one row at a time (O(n^2 d) time, O(n + k) memory).
 */
export function coreDistances(space: NeighborSpace, k: number): Float64Array {
  const n = space.x.rows;
  const out = new Float64Array(n);
  if (k <= 1) return out;
  const best = new Float64Array(k);
  const tree = space.tree;
  if (tree !== null) {
    for (let i = 0; i < n; i++) {
      out[i] = scanToDistance(space.metric, kthNearest(tree, i, k, best));
    }
    return out;
  }
  const row = new Float64Array(n);
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
  const tree = space.tree;
  if (tree !== null) {
    const found = new Int32Array(n);
    for (let i = 0; i < n; i++) counts[i] = withinRadius(tree, i, radius, found);
    return counts;
  }
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scanRow(space, i, space.all, n, row);
    let c = 0;
    for (let j = 0; j < n; j++) if (row[j]! <= radius) c++;
    counts[i] = c;
  }
  return counts;
}

/**
 * Rows within `radius` (scan units) of row `row`, itself included, into `out` (room for n);
 * returns their number. `scratch` holds n values for the brute-force scan.
 */
export function neighborsOf(
  space: NeighborSpace,
  row: number,
  radius: number,
  out: Int32Array,
  scratch: Float64Array,
): number {
  if (space.tree !== null) return withinRadius(space.tree, row, radius, out);
  const n = space.x.rows;
  scanRow(space, row, space.all, n, scratch);
  let c = 0;
  for (let j = 0; j < n; j++) if (scratch[j]! <= radius) out[c++] = j;
  return c;
}
