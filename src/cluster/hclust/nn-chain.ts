/**
 * Nearest-neighbour chain (Muellner 2011, sec. 3; Murtagh 1985, p. 86) for the reducible
 * methods: complete, average, weighted, ward, ward.D.
 *
 * Input: D (working copy, overwritten), n points. Invariant: the chain c_0, c_1, ..., c_l is a
 * list of active clusters with d(c_j, c_{j+1}) non-increasing; the top's nearest neighbour is
 * searched over active indices in ascending order with a strict '<', starting from the
 * previous chain element so that it is preferred on ties. When the nearest neighbour of the
 * top is the previous element, the two are reciprocal nearest neighbours and are merged
 * (reducibility guarantees this merge is in the dendrogram). The merged cluster goes to the
 * larger index. O(n^2) time (every step either grows the chain, at most 3n times, or merges),
 * O(n) extra memory.
 */
import { identity } from './distance.js';
import { lanceWilliams, updateSquare } from './lance-williams.js';
import { condensedOffsets, removeSorted } from './matrix.js';

export function nnChainSquare(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const size = size0.slice();
  const active = identity(n);
  let m = n;
  const chain = new Int32Array(n);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      chain[0] = active[0]!;
      len = 1;
    }
    let x = 0;
    let y = 0;
    let cur = Infinity;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        cur = D[x * n + y]!;
      } else {
        cur = Infinity;
      }
      const row = x * n;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === x) continue;
        const v = D[row + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    Z[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    m = removeSorted(active, m, x);
    updateSquare(D, n, code, x, y, cur, nx, ny, size, active, m);
  }
  return Z;
}

export function nnChainCondensed(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const off = condensedOffsets(n);
  const size = size0.slice();
  const active = identity(n);
  let m = n;
  const chain = new Int32Array(n);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      chain[0] = active[0]!;
      len = 1;
    }
    let x = 0;
    let y = 0;
    let cur = Infinity;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        cur = x < y ? D[off[x]! + y]! : D[off[y]! + x]!;
      } else {
        cur = Infinity;
      }
      const rowX = off[x]!;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === x) continue;
        const v = i < x ? D[off[i]! + x]! : D[rowX + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    Z[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    m = removeSorted(active, m, x);
    const rx = off[x]!;
    const ry = off[y]!;
    for (let t = 0; t < m; t++) {
      const i = active[t]!;
      if (i === y) continue;
      const ix = i < x ? off[i]! + x : rx + i;
      const iy = i < y ? off[i]! + y : ry + i;
      D[iy] = lanceWilliams(code, D[ix]!, D[iy]!, cur, nx, ny, size[i]!);
    }
  }
  return Z;
}
