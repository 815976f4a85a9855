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
 *
 * One chain (`nnChain`) serves every layout: it reaches the dissimilarities only through
 * `ChainClusters` (the dissimilarity of two clusters, the scan for the top's nearest neighbour,
 * the merge). The square and condensed matrices implement it here with the Lance-Williams
 * updates; ward on the features implements it over centroids (ward.ts, kernels.ts). Each scan
 * stays a plain loop over one layout, so the chain costs one call per step.
 */
import { identity } from './distance.js';
import { lanceWilliamsRows, updateSquare } from './lance-williams.js';
import { condensedOffsets, positionSorted, removeSorted } from './matrix.js';

/** The active clusters of an NN-chain run and the dissimilarities between them. */
export interface ChainClusters {
  /** The smallest active index. */
  first(): number;
  /** The dissimilarity of the active clusters a and b (a !== b). */
  key(a: number, b: number): number;
  /**
   * found = [the active cluster other than p with the smallest key(p, i) < cur (the first in
   * index order), or -1; that key].
   */
  nearest(p: number, cur: number, found: Float64Array): void;
  size(i: number): number;
  /** p (np points) merges into q (nq points) at dissimilarity `key`: p leaves, q is updated. */
  merge(p: number, q: number, np: number, nq: number, key: number): void;
}

/**
 * The NN-chain over the clusters of `c`: unsorted rows of Z (point indices, height, size). The
 * height of a merge is its key, or sqrt(2 key) with `wardKey` (ward's key on centroids).
 */
export function nnChain(n: number, c: ChainClusters, wardKey: boolean): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const chain = new Int32Array(n);
  const found = new Float64Array(2);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      chain[0] = c.first();
      len = 1;
    }
    let p = 0;
    let q = 0;
    let cur = Infinity;
    for (;;) {
      p = chain[len - 1]!;
      if (len > 1) {
        q = chain[len - 2]!;
        cur = c.key(p, q);
      } else {
        cur = Infinity;
      }
      c.nearest(p, cur, found);
      if (found[0]! >= 0) {
        q = found[0]!;
        cur = found[1]!;
      }
      if (len > 1 && q === chain[len - 2]) break;
      chain[len++] = q;
    }
    len -= 2;
    if (p > q) {
      const t = p;
      p = q;
      q = t;
    }
    const np = c.size(p);
    const nq = c.size(q);
    Z[4 * k] = p;
    Z[4 * k + 1] = q;
    Z[4 * k + 2] = wardKey ? Math.sqrt(2 * cur) : cur;
    Z[4 * k + 3] = np + nq;
    c.merge(p, q, np, nq, cur);
  }
  return Z;
}

/** The NN-chain on a square matrix D (n x n, overwritten) with the method's update. */
export function nnChainSquare(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  return nnChain(n, new SquareClusters(D, n, code, size0), false);
}

/** The NN-chain on a condensed matrix D (overwritten) with the method's update. */
export function nnChainCondensed(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  return nnChain(n, new CondensedClusters(D, n, code, size0), false);
}

/** The clusters of a square matrix: a row per cluster, a sorted active list. */
class SquareClusters implements ChainClusters {
  private readonly sizes: Int32Array;
  private readonly active: Int32Array;
  private m: number;

  constructor(
    private readonly D: Float64Array,
    private readonly n: number,
    private readonly code: number,
    size0: Int32Array,
  ) {
    this.sizes = size0.slice();
    this.active = identity(n);
    this.m = n;
  }

  first(): number {
    return this.active[0]!;
  }

  size(i: number): number {
    return this.sizes[i]!;
  }

  key(a: number, b: number): number {
    return this.D[a * this.n + b]!;
  }

  nearest(p: number, start: number, found: Float64Array): void {
    const { D, active, m } = this;
    let cur = start;
    let q = -1;
    const row = p * this.n;
    for (let t = 0; t < m; t++) {
      const i = active[t]!;
      if (i === p) continue;
      const v = D[row + i]!;
      if (v < cur) {
        cur = v;
        q = i;
      }
    }
    found[0] = q;
    found[1] = cur;
  }

  merge(x: number, y: number, nx: number, ny: number, dxy: number): void {
    const size = this.sizes;
    size[x] = 0;
    size[y] = nx + ny;
    this.m = removeSorted(this.active, this.m, x);
    updateSquare(this.D, this.n, this.code, x, y, dxy, nx, ny, size, this.active, this.m);
  }
}

/**
 * Pairs kept per column by the cache of column minima (`CondensedClusters`, and the WebAssembly
 * chain of chain-kernels.ts, which must keep as many to take the same steps).
 */
export const K = 4;
/** Clusters per gather, update and scatter of a merge (both chains). */
export const CHUNK = 256;
/** The index of an empty bound (above every point's). */
export const NO_INDEX = 0x7fffffff;

/** (a, ia) < (b, ib) in the order of (value, index). */
const pairLess = (a: number, ia: number, b: number, ib: number) => a < b || (a === b && ia < ib);
/** (a, ia) <= (b, ib) in the order of (value, index). */
const pairAtMost = (a: number, ia: number, b: number, ib: number) => a < b || (a === b && ia <= ib);

/**
 * The clusters of a condensed matrix: element (i, j), i < j, at off[i] + j. Row p (the j > p) is
 * contiguous, column p (the i < p) has one element per row. The chain of the WebAssembly kernel
 * (chain-kernels.ts), step for step, so the two give the same linkage bit for bit:
 *
 * - A scan of p reads row p, and takes the part of column p from a cache of its K = 4 smallest
 *   pairs (d(i, p), i) over the active i < p in the order of (value, index), with a bound: every
 *   active i < p outside the slots has a pair above the bound, every one inside a pair at or
 *   below it. Column p is read again only when its slots are empty.
 * - A merge of x into y takes x out of the slots of each column where it is, takes y out (when
 *   its new pair is above the bound) or moves it, and inserts it when its new pair is below the
 *   bound; column y is built anew from its new values. The update gathers d(x, i), d(i, y),
 *   updates and writes back CHUNK clusters at a time (`lanceWilliamsRows`, the expressions of
 *   the square layout).
 */
class CondensedClusters implements ChainClusters {
  private readonly off: Float64Array;
  private readonly sizes: Int32Array;
  private readonly active: Int32Array;
  private readonly count: Int32Array;
  private readonly slotIndex: Int32Array;
  private readonly slotValue: Float64Array;
  private readonly bound: Float64Array;
  private readonly boundIndex: Int32Array;
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;
  private readonly v: Float64Array;
  private readonly ni: Int32Array;
  private m: number;

  constructor(
    private readonly D: Float64Array,
    n: number,
    private readonly code: number,
    size0: Int32Array,
  ) {
    const off = condensedOffsets(n);
    this.off = off;
    this.sizes = size0.slice();
    this.active = identity(n);
    this.m = n;
    this.count = new Int32Array(n);
    this.slotIndex = new Int32Array(K * n);
    this.slotValue = new Float64Array(K * n);
    this.bound = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.boundIndex = new Int32Array(n).fill(NO_INDEX);
    this.dx = new Float64Array(CHUNK);
    this.dy = new Float64Array(CHUNK);
    this.v = new Float64Array(CHUNK);
    this.ni = new Int32Array(CHUNK);
    // the smallest pairs of every column in one pass over the rows, in order
    const { bound, boundIndex } = this;
    for (let i = 0; i < n - 1; i++) {
      const row = off[i]!;
      for (let j = i + 1; j < n; j++) {
        const v = D[row + j]!;
        if (v <= bound[j]! && pairLess(v, i, bound[j]!, boundIndex[j]!)) this.insert(j, v, i);
      }
    }
  }

  first(): number {
    return this.active[0]!;
  }

  size(i: number): number {
    return this.sizes[i]!;
  }

  key(a: number, b: number): number {
    const { D, off } = this;
    return a < b ? D[off[a]! + b]! : D[off[b]! + a]!;
  }

  /**
   * The pair (v, i), below column c's bound, into its sorted slots; when they are full, the last
   * goes out and the bound becomes the new last (or, if (v, i) is above the last, it stays out
   * and the bound becomes the last).
   */
  private insert(c: number, v: number, i: number): void {
    const { slotIndex, slotValue } = this;
    const base = c * K;
    let k = this.count[c]!;
    let evicted = false;
    if (k === K) {
      const lastV = slotValue[base + K - 1]!;
      const lastI = slotIndex[base + K - 1]!;
      if (pairLess(lastV, lastI, v, i)) {
        this.bound[c] = lastV;
        this.boundIndex[c] = lastI;
        return;
      }
      k = K - 1;
      evicted = true;
    }
    let s = k;
    for (; s > 0; s--) {
      const pv = slotValue[base + s - 1]!;
      const pi = slotIndex[base + s - 1]!;
      if (!pairLess(v, i, pv, pi)) break;
      slotValue[base + s] = pv;
      slotIndex[base + s] = pi;
    }
    slotValue[base + s] = v;
    slotIndex[base + s] = i;
    this.count[c] = k + 1;
    if (evicted) {
      this.bound[c] = slotValue[base + K - 1]!;
      this.boundIndex[c] = slotIndex[base + K - 1]!;
    }
  }

  /** Index i out of column c's slots (if there). */
  private remove(c: number, i: number): void {
    const { slotIndex, slotValue } = this;
    const base = c * K;
    const k = this.count[c]!;
    let s = 0;
    while (s < k && slotIndex[base + s] !== i) s++;
    if (s === k) return;
    for (; s < k - 1; s++) {
      slotValue[base + s] = slotValue[base + s + 1]!;
      slotIndex[base + s] = slotIndex[base + s + 1]!;
    }
    this.count[c] = k - 1;
  }

  nearest(p: number, start: number, found: Float64Array): void {
    const { D, off, active, m, count, slotIndex, slotValue, bound, boundIndex } = this;
    const tp = positionSorted(active, m, p);
    if (count[p] === 0) {
      // no pair left in column p: its smallest pairs again, over the active i < p in order
      bound[p] = Number.POSITIVE_INFINITY;
      boundIndex[p] = NO_INDEX;
      for (let t = 0; t < tp; t++) {
        const i = active[t]!;
        const v = D[off[i]! + p]!;
        if (v <= bound[p]! && pairLess(v, i, bound[p]!, boundIndex[p]!)) this.insert(p, v, i);
      }
    }
    let cur = start;
    let q = -1;
    if (count[p] !== 0 && slotValue[p * K]! < cur) {
      cur = slotValue[p * K]!;
      q = slotIndex[p * K]!;
    }
    const row = off[p]!;
    for (let t = tp + 1; t < m; t++) {
      const i = active[t]!;
      const v = D[row + i]!;
      if (v < cur) {
        cur = v;
        q = i;
      }
    }
    found[0] = q;
    found[1] = cur;
  }

  merge(x: number, y: number, nx: number, ny: number, dxy: number): void {
    const size = this.sizes;
    size[x] = 0;
    size[y] = nx + ny;
    this.m = removeSorted(this.active, this.m, x);
    const { D, off, code, active, m, count, bound, boundIndex } = this;
    const { dx, dy, v, ni } = this;
    const rx = off[x]!;
    const ry = off[y]!;
    const ty = positionSorted(active, m, y);
    // column y anew: no pairs, no bound
    count[y] = 0;
    bound[y] = Number.POSITIVE_INFINITY;
    boundIndex[y] = NO_INDEX;
    // the active i < y: d(x, i) in column x (i < x) or row x, d(i, y) in column y
    for (let c0 = 0; c0 < ty; c0 += CHUNK) {
      const len = Math.min(CHUNK, ty - c0);
      for (let k = 0; k < len; k++) {
        const i = active[c0 + k]!;
        const o = off[i]!;
        const a = i < x ? D[o + x]! : D[rx + i]!;
        dx[k] = a;
        v[k] = a;
        dy[k] = D[o + y]!;
        ni[k] = size[i]!;
      }
      lanceWilliamsRows(code, v, dy, ni, len, dxy, nx, ny);
      for (let k = 0; k < len; k++) {
        const i = active[c0 + k]!;
        const value = v[k]!;
        if (value <= bound[y]! && pairLess(value, i, bound[y]!, boundIndex[y]!)) {
          this.insert(y, value, i);
        }
        // column i (x < i < y) loses x
        if (i > x && dx[k]! <= bound[i]! && pairAtMost(dx[k]!, x, bound[i]!, boundIndex[i]!)) {
          this.remove(i, x);
        }
        D[off[i]! + y] = value;
      }
    }
    // the active i > y: rows x and y; column i loses x and has a new d(y, i)
    for (let c0 = ty + 1; c0 < m; c0 += CHUNK) {
      const len = Math.min(CHUNK, m - c0);
      for (let k = 0; k < len; k++) {
        const i = active[c0 + k]!;
        const a = D[rx + i]!;
        dx[k] = a;
        v[k] = a;
        dy[k] = D[ry + i]!;
        ni[k] = size[i]!;
      }
      lanceWilliamsRows(code, v, dy, ni, len, dxy, nx, ny);
      for (let k = 0; k < len; k++) {
        const i = active[c0 + k]!;
        const value = v[k]!;
        D[ry + i] = value;
        const b = bound[i]!;
        if (dx[k]! <= b || dy[k]! <= b || value <= b) {
          // one of the three values is not above the bound (rare): the exact tests
          const bI = boundIndex[i]!;
          const inX = pairAtMost(dx[k]!, x, b, bI);
          const inY = pairAtMost(dy[k]!, y, b, bI);
          const inV = pairLess(value, y, b, bI);
          if (inX) this.remove(i, x);
          if (inY) this.remove(i, y);
          if (inV) this.insert(i, value, y);
        }
      }
    }
  }
}
