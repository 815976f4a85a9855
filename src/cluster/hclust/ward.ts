/**
 * Ward's method on stored data (the features layout): the NN-chain over cluster centroids and
 * sizes, in O(n d) memory.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { identity } from './distance.js';
import { wardCentroidsSimd } from './kernels.js';
import { removeSorted } from './matrix.js';
import { nnChain } from './nn-chain.js';

/**
 * Ward on stored data: the NN-chain over cluster centroids. Dissimilarity key(a, b) =
 * na nb / (na + nb) |ca - cb|^2, height sqrt(2 key) (equal to the Lance-Williams ward height).
 * Memory O(n d): the centroids (n x d) and sizes. Time O(n^2 d). The scans run in WebAssembly
 * SIMD when there is a kernel for them (cluster/hclust/kernels.ts), else in JavaScript; both
 * give the same bits.
 */
export function wardFeatures(x: FeatureMatrix, size0: Int32Array): Float64Array {
  return nnChain(x.rows, wardCentroidsSimd(x, size0) ?? new WardCentroids(x, size0), true);
}

/**
 * The active clusters of ward on stored data, their centroids and sizes: the `ChainClusters` of
 * nn-chain.ts with Ward's key (its height is sqrt(2 key)). @internal
 */
export interface WardClusters {
  /** The smallest active index. */
  first(): number;
  /** ((n_a n_b) / (n_a + n_b)) ||c_a - c_b||^2, summed over the columns in order. */
  key(a: number, b: number): number;
  /**
   * found = [the active cluster other than p with the smallest key(p, i) < cur (the first in
   * index order), or -1; that key].
   */
  nearest(p: number, cur: number, found: Float64Array): void;
  size(i: number): number;
  /** p (np points) merges into q (nq points): q's centroid becomes the weighted mean, p leaves. */
  merge(p: number, q: number, np: number, nq: number): void;
}

/** The clusters of ward on stored data in JavaScript: centroids row-major, a sorted active list. */
class WardCentroids implements WardClusters {
  private readonly C: Float64Array;
  private readonly sizes: Int32Array;
  private readonly active: Int32Array;
  private m: number;
  private readonly d: number;

  constructor(x: FeatureMatrix, size0: Int32Array) {
    this.C = x.data.slice();
    this.sizes = size0.slice();
    this.active = identity(x.rows);
    this.m = x.rows;
    this.d = x.cols;
  }

  first(): number {
    return this.active[0]!;
  }

  size(i: number): number {
    return this.sizes[i]!;
  }

  key(a: number, b: number): number {
    const { C, d } = this;
    const oa = a * d;
    const ob = b * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = C[oa + j]! - C[ob + j]!;
      s += t * t;
    }
    const na = this.sizes[a]!;
    const nb = this.sizes[b]!;
    return ((na * nb) / (na + nb)) * s;
  }

  nearest(p: number, start: number, found: Float64Array): void {
    const { C, d, active, m, sizes: size } = this;
    let cur = start;
    let q = -1;
    const op = p * d;
    const np = size[p]!;
    let t = 0;
    // Four candidates at a time (independent sums), then compared in index order.
    for (; t + 3 < m; t += 4) {
      const i0 = active[t]!;
      const i1 = active[t + 1]!;
      const i2 = active[t + 2]!;
      const i3 = active[t + 3]!;
      const o0 = i0 * d;
      const o1 = i1 * d;
      const o2 = i2 * d;
      const o3 = i3 * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const c = C[op + j]!;
        const e0 = c - C[o0 + j]!;
        const e1 = c - C[o1 + j]!;
        const e2 = c - C[o2 + j]!;
        const e3 = c - C[o3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      let ni = size[i0]!;
      let v = ((np * ni) / (np + ni)) * s0;
      if (i0 !== p && v < cur) {
        cur = v;
        q = i0;
      }
      ni = size[i1]!;
      v = ((np * ni) / (np + ni)) * s1;
      if (i1 !== p && v < cur) {
        cur = v;
        q = i1;
      }
      ni = size[i2]!;
      v = ((np * ni) / (np + ni)) * s2;
      if (i2 !== p && v < cur) {
        cur = v;
        q = i2;
      }
      ni = size[i3]!;
      v = ((np * ni) / (np + ni)) * s3;
      if (i3 !== p && v < cur) {
        cur = v;
        q = i3;
      }
    }
    for (; t < m; t++) {
      const i = active[t]!;
      if (i === p) continue;
      const oi = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const u = C[op + j]! - C[oi + j]!;
        s += u * u;
      }
      const ni = size[i]!;
      const v = ((np * ni) / (np + ni)) * s;
      if (v < cur) {
        cur = v;
        q = i;
      }
    }
    found[0] = q;
    found[1] = cur;
  }

  merge(p: number, q: number, np: number, nq: number): void {
    const { C, d } = this;
    const op = p * d;
    const oq = q * d;
    const s = np + nq;
    for (let j = 0; j < d; j++) C[oq + j] = (np * C[op + j]! + nq * C[oq + j]!) / s;
    this.sizes[p] = 0;
    this.sizes[q] = s;
    this.m = removeSorted(this.active, this.m, p);
  }
}
