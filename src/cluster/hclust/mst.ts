/**
 * Single linkage: Prim's minimum spanning tree (Muellner 2011, sec. 3, MST algorithm)
 *
 * Input: dissimilarities of n points. Invariant after step k: `merged` holds k+1 points (the
 * tree so far), best[i] = min over merged p of d(p, i) for every other i. Step: the unmerged i
 * with the smallest best[i] (first in index order on ties) joins; the row records (last joined
 * point, new point, best). O(n^2) time, O(n) extra memory. The unsorted rows become Z through
 * `sortAndRelabel`.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { distancesFromRow, identity, type Metric, rowNorms } from './distance.js';
import { condensedOffsets, removeSorted } from './matrix.js';

export function mstSquare(D: Float64Array, n: number): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const best = new Float64Array(n).fill(Infinity);
  const rest = identity(n);
  let m = n;
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    m = removeSorted(rest, m, x);
    let cur = Infinity;
    let y = -1;
    const row = x * n;
    for (let t = 0; t < m; t++) {
      const i = rest[t]!;
      const v = D[row + i]!;
      let b = best[i]!;
      if (b > v) best[i] = b = v;
      if (b < cur) {
        cur = b;
        y = i;
      }
    }
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    x = y;
  }
  return Z;
}

export function mstCondensed(D: Float64Array, n: number): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const off = condensedOffsets(n);
  const best = new Float64Array(n).fill(Infinity);
  const rest = identity(n);
  let m = n;
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    m = removeSorted(rest, m, x);
    let cur = Infinity;
    let y = -1;
    const rowX = off[x]!;
    for (let t = 0; t < m; t++) {
      const i = rest[t]!;
      const v = i < x ? D[off[i]! + x]! : D[rowX + i]!;
      let b = best[i]!;
      if (b > v) best[i] = b = v;
      if (b < cur) {
        cur = b;
        y = i;
      }
    }
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    x = y;
  }
  return Z;
}

/** Prim with distances computed from the features on the fly: O(n d) memory. */
export function mstFeatures(x: FeatureMatrix, metric: Metric): Float64Array {
  const n = x.rows;
  const Z = new Float64Array(4 * (n - 1));
  const norms = metric === 'cosine' ? rowNorms(x, 'hclust') : null;
  const best = new Float64Array(n).fill(Infinity);
  const rest = identity(n);
  const dist = new Float64Array(n);
  let m = n;
  let p = 0;
  for (let k = 0; k < n - 1; k++) {
    m = removeSorted(rest, m, p);
    distancesFromRow(x, metric, norms, p, rest, 0, m, dist);
    let cur = Infinity;
    let y = -1;
    for (let t = 0; t < m; t++) {
      const i = rest[t]!;
      const v = dist[t]!;
      let b = best[i]!;
      if (b > v) best[i] = b = v;
      if (b < cur) {
        cur = b;
        y = i;
      }
    }
    Z[4 * k] = p;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    p = y;
  }
  return Z;
}
