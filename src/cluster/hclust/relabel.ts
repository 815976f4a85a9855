/**
 * Post-processing shared by single linkage and the NN-chain methods: their merges, found in
 * another order and named by point indices, become scipy's linkage matrix.
 */
import { identity } from './distance.js';

/**
 * Sort merges (rows [x, y, h, .] of point indices, each the representative of its cluster at
 * merge time) by height with a stable sort, then give clusters scipy's ids with a union-find:
 * each row's a < b are the current roots, s the merged size. In place; returns Z.
 */
export function sortAndRelabel(
  Z: Float64Array,
  n: number,
  weights: Int32Array | null = null,
): Float64Array {
  const m = n - 1;
  const idx = new Array<number>(m);
  for (let k = 0; k < m; k++) idx[k] = k;
  idx.sort((a, b) => Z[4 * a + 2]! - Z[4 * b + 2]! || a - b);
  const rows = Z.slice();
  const parent = identity(2 * n - 1);
  const size = new Int32Array(2 * n - 1).fill(1);
  if (weights !== null) size.set(weights);
  let next = n;
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[v] !== r) {
      const p = parent[v]!;
      parent[v] = r;
      v = p;
    }
    return r;
  };
  for (let k = 0; k < m; k++) {
    const src = 4 * idx[k]!;
    const rx = find(rows[src]!);
    const ry = find(rows[src + 1]!);
    const a = Math.min(rx, ry);
    const b = Math.max(rx, ry);
    parent[a] = next;
    parent[b] = next;
    const s = size[a]! + size[b]!;
    size[next] = s;
    next++;
    Z[4 * k] = a;
    Z[4 * k + 1] = b;
    Z[4 * k + 2] = rows[src + 2]!;
    Z[4 * k + 3] = s;
  }
  return Z;
}
