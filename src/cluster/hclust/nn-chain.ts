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
import {
  type CondensedScratch,
  condensedScratch,
  updateCondensed,
  updateSquare,
} from './lance-williams.js';
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
 * The clusters of a condensed matrix: element (i, j), i < j, at off[i] + j. Row p (the j > p) is
 * contiguous, column p (the i < p) has one element per row. A scan of p reads row p, and takes
 * the part of column p from a cache: the smallest d(i, p) over the active i < p and the first i
 * that has it (`lowMin`, `lowArg`), kept up to date after each merge from the values the update
 * writes (row y, contiguous), and read again from column p only when the merge removed its
 * minimum (p's lowest was x, or y's new value is larger). The cache gives what an in-order scan
 * of column p finds (the first of equal values), so the chain is the same. The update gathers,
 * updates and writes back through contiguous scratch rows (`updateCondensed`).
 */
class CondensedClusters implements ChainClusters {
  private readonly off: Float64Array;
  private readonly sizes: Int32Array;
  private readonly active: Int32Array;
  private readonly scratch: CondensedScratch;
  private readonly lowMin: Float64Array;
  private readonly lowArg: Int32Array;
  private readonly stale: Uint8Array;
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
    this.scratch = condensedScratch(n);
    this.m = n;
    // the column minima in one pass over the rows, in order (the first i on ties)
    const lowMin = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const lowArg = new Int32Array(n).fill(-1);
    for (let i = 0; i < n - 1; i++) {
      const row = off[i]!;
      for (let j = i + 1; j < n; j++) {
        const v = D[row + j]!;
        if (v < lowMin[j]!) {
          lowMin[j] = v;
          lowArg[j] = i;
        }
      }
    }
    this.lowMin = lowMin;
    this.lowArg = lowArg;
    this.stale = new Uint8Array(n);
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

  nearest(p: number, start: number, found: Float64Array): void {
    const { D, off, active, m, lowMin, lowArg } = this;
    const tp = positionSorted(active, m, p);
    if (this.stale[p] === 1) {
      let lm = Number.POSITIVE_INFINITY;
      let la = -1;
      for (let t = 0; t < tp; t++) {
        const i = active[t]!;
        const v = D[off[i]! + p]!;
        if (v < lm) {
          lm = v;
          la = i;
        }
      }
      lowMin[p] = lm;
      lowArg[p] = la;
      this.stale[p] = 0;
    }
    let cur = start;
    let q = -1;
    if (lowMin[p]! < cur) {
      cur = lowMin[p]!;
      q = lowArg[p]!;
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
    const { D, off, code, active, m, scratch, lowMin, lowArg, stale } = this;
    updateCondensed(D, off, code, x, y, dxy, nx, ny, size, active, m, scratch);
    // scratch.a holds the new d(i, y) of the active i != y in order: column y, then row y
    const a = scratch.a;
    const ty = positionSorted(active, m, y);
    let lm = Number.POSITIVE_INFINITY;
    let la = -1;
    let t = 0;
    for (; t < ty; t++) {
      const i = active[t]!;
      const v = a[t]!;
      if (v < lm) {
        lm = v;
        la = i;
      }
      // the i between x and y whose lowest was x lost it
      if (i > x && lowArg[i] === x) stale[i] = 1;
    }
    lowMin[y] = lm;
    lowArg[y] = la;
    stale[y] = 0;
    for (t = ty + 1; t < m; t++) {
      const i = active[t]!;
      if (stale[i] === 1) continue;
      const v = a[t - 1]!;
      const arg = lowArg[i]!;
      if (arg === x) {
        stale[i] = 1;
      } else if (arg === y) {
        if (v <= lowMin[i]!) lowMin[i] = v;
        else stale[i] = 1;
      } else if (v < lowMin[i]! || (v === lowMin[i]! && y < arg)) {
        lowMin[i] = v;
        lowArg[i] = y;
      }
    }
  }
}
