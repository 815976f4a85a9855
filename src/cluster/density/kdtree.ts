/**
 * A k-d tree over the rows of a feature matrix for the searches of the density methods in few
 * dimensions: the k-th smallest distance from a row (core distances) and the rows within a
 * radius (DBSCAN's neighbourhoods).
 *
 * Every distance is computed pair by pair as the brute-force scans compute it (the sum over the
 * columns in order; for the Euclidean metric the squared sum, see neighbors.ts), so the values
 * found are the same doubles. Pruning uses the distance from the query to a node's bounding box,
 * a sum (or maximum) of per-column gaps each no larger than the row's own column difference, so
 * rounding never prunes a row that the scan would keep: a node is skipped only when its bound is
 * strictly beyond the radius, or at least the current k-th value (a row there could only tie).
 *
 * Layout: rows are permuted into `index` so that each node owns the range [start, end); nodes
 * split at the median of their widest column until at most LEAF_SIZE rows remain. Memory: the
 * permutation, and two boxes of d values per node (about 2n / LEAF_SIZE nodes).
 */
import type { FeatureMatrix } from '../../data/dataset.js';

const LEAF_SIZE = 16;

/** The metrics the tree searches, in scan units (squared sums for 'sqeuclidean'). */
export type TreeMetric = 'sqeuclidean' | 'cityblock' | 'chebyshev';

export interface KdTree {
  readonly x: FeatureMatrix;
  readonly metric: TreeMetric;
  /** Row ids, permuted so that each node's rows are contiguous. */
  readonly index: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Children of each node, -1 for a leaf. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bounding boxes, d values per node. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** Number of nodes (node 0 is the root). */
  readonly nodes: number;
  /** Scratch stack for the searches (room for every node). */
  readonly stack: Int32Array;
}

/** Build the tree of `x` for `metric`. */
export function buildKdTree(x: FeatureMatrix, metric: TreeMetric): KdTree {
  const { rows: n, cols: d, data } = x;
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const maxNodes = 2 * Math.ceil(n / (LEAF_SIZE / 2)) + 1;
  const start = new Int32Array(maxNodes);
  const end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const lo = new Float64Array(maxNodes * d);
  const hi = new Float64Array(maxNodes * d);
  let nodes = 1;
  start[0] = 0;
  end[0] = n;
  const work = new Int32Array(maxNodes);
  let top = 0;
  work[top++] = 0;
  while (top > 0) {
    const node = work[--top]!;
    const s = start[node]!;
    const e = end[node]!;
    const o = node * d;
    for (let j = 0; j < d; j++) {
      lo[o + j] = Number.POSITIVE_INFINITY;
      hi[o + j] = Number.NEGATIVE_INFINITY;
    }
    for (let t = s; t < e; t++) {
      const r = index[t]! * d;
      for (let j = 0; j < d; j++) {
        const v = data[r + j]!;
        if (v < lo[o + j]!) lo[o + j] = v;
        if (v > hi[o + j]!) hi[o + j] = v;
      }
    }
    if (e - s <= LEAF_SIZE) continue;
    let axis = 0;
    let width = -1;
    for (let j = 0; j < d; j++) {
      const w = hi[o + j]! - lo[o + j]!;
      if (w > width) {
        width = w;
        axis = j;
      }
    }
    if (!(width > 0)) continue; // all rows equal: a leaf
    const mid = (s + e) >> 1;
    selectNth(index, s, e, mid, data, d, axis);
    const l = nodes++;
    const r = nodes++;
    start[l] = s;
    end[l] = mid;
    start[r] = mid;
    end[r] = e;
    left[node] = l;
    right[node] = r;
    work[top++] = l;
    work[top++] = r;
  }
  return {
    x,
    metric,
    index,
    start,
    end,
    left,
    right,
    lo,
    hi,
    nodes,
    stack: new Int32Array(nodes + 1),
  };
}

/** Partial sort of index[s..e) by column `axis` so that position k holds its order statistic. */
function selectNth(
  index: Int32Array,
  s: number,
  e: number,
  k: number,
  data: Float64Array,
  d: number,
  axis: number,
): void {
  let a = s;
  let b = e - 1;
  while (a < b) {
    const pivot = data[index[(a + b) >> 1]! * d + axis]!;
    let i = a;
    let j = b;
    while (i <= j) {
      while (data[index[i]! * d + axis]! < pivot) i++;
      while (data[index[j]! * d + axis]! > pivot) j--;
      if (i <= j) {
        const t = index[i]!;
        index[i] = index[j]!;
        index[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) b = j;
    else if (k >= i) a = i;
    else return;
  }
}

/** Distance (scan units) from row q to the bounding box of `node`. */
export function boxBound(tree: KdTree, node: number, q: number): number {
  const { x, lo, hi, metric } = tree;
  const d = x.cols;
  const data = x.data;
  const o = node * d;
  const a = q * d;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = data[a + j]!;
    let g = 0;
    if (v < lo[o + j]!) g = lo[o + j]! - v;
    else if (v > hi[o + j]!) g = v - hi[o + j]!;
    if (metric === 'sqeuclidean') s += g * g;
    else if (metric === 'cityblock') s += g;
    else if (g > s) s = g;
  }
  return s;
}

/** Distance (scan units) between rows p and q, summed in column order. */
export function pairValue(tree: KdTree, p: number, q: number): number {
  const { x, metric } = tree;
  const d = x.cols;
  const data = x.data;
  const a = p * d;
  const b = q * d;
  let s = 0;
  if (metric === 'sqeuclidean') {
    for (let j = 0; j < d; j++) {
      const t = data[a + j]! - data[b + j]!;
      s += t * t;
    }
  } else if (metric === 'cityblock') {
    for (let j = 0; j < d; j++) s += Math.abs(data[a + j]! - data[b + j]!);
  } else {
    for (let j = 0; j < d; j++) {
      const t = Math.abs(data[a + j]! - data[b + j]!);
      if (t > s) s = t;
    }
  }
  return s;
}

/**
 * The k-th smallest value (scan units) from row q to all rows, q itself (0) included;
 * `best` (length >= k) is scratch. k <= n.
 */
export function kthNearest(tree: KdTree, q: number, k: number, best: Float64Array): number {
  const { index, start, end, left, right, stack } = tree;
  let filled = 0;
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top]!;
    if (filled === k && boxBound(tree, node, q) >= best[k - 1]!) continue;
    const l = left[node]!;
    if (l !== -1) {
      const r = right[node]!;
      // visit the nearer child first (pushed last)
      if (boxBound(tree, l, q) <= boxBound(tree, r, q)) {
        stack[top++] = r;
        stack[top++] = l;
      } else {
        stack[top++] = l;
        stack[top++] = r;
      }
      continue;
    }
    for (let t = start[node]!; t < end[node]!; t++) {
      const v = pairValue(tree, q, index[t]!);
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
  }
  return best[k - 1]!;
}

/**
 * The rows within `radius` (scan units, inclusive) of row q, q included, written to `out`;
 * returns their number. `out` needs room for n rows.
 */
export function withinRadius(tree: KdTree, q: number, radius: number, out: Int32Array): number {
  const { index, start, end, left, right, stack } = tree;
  let count = 0;
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top]!;
    if (boxBound(tree, node, q) > radius) continue;
    const l = left[node]!;
    if (l !== -1) {
      stack[top++] = right[node]!;
      stack[top++] = l;
      continue;
    }
    for (let t = start[node]!; t < end[node]!; t++) {
      const p = index[t]!;
      if (pairValue(tree, q, p) <= radius) out[count++] = p;
    }
  }
  return count;
}
