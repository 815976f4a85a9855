/**
 * UMAP's fuzzy simplicial set: the weighted k-nearest-neighbour graph, symmetrised by the fuzzy
 * union (McInnes, Healy and Melville, "UMAP: Uniform Manifold Approximation and Projection for
 * Dimension Reduction", arXiv:1802.03426, section 3; the definitions of umap-learn 0.5's
 * `smooth_knn_dist`, `compute_membership_strengths` and `fuzzy_simplicial_set`, which uwot
 * shares):
 *
 * - rho_i, the distance to the nearest neighbour at a distance > 0 (local connectivity 1);
 * - sigma_i by bisection (at most 64 steps, stopping when |sum - log2 k| < 1e-5) so that
 *   sum_{j >= 1} exp(-max(0, d_ij - rho_i) / sigma_i) = log2 k, over the k neighbours but the
 *   first; sigma_i is raised to at least 1e-3 times the mean distance to row i's neighbours
 *   (or to every row's neighbours when rho_i = 0);
 * - w_ij = exp(-max(0, d_ij - rho_i) / sigma_i) (1 when sigma_i = 0), 0 for j = i;
 * - the fuzzy union W = A + A^T - A o A^T, without its zeros.
 *
 * Graphs are symmetric CSR: row i's columns at indices[indptr[i] .. indptr[i+1]), ascending.
 */
import type { KnnGraph } from '../neighbors.js';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;
const BISECTION_STEPS = 64;

/** A sparse graph in compressed rows (symmetric for UMAP's fuzzy set). */
export interface SparseGraph {
  /** Rows (and columns). */
  readonly n: number;
  /** Row i's entries at [indptr[i], indptr[i + 1]). */
  readonly indptr: Int32Array;
  /** Column of each entry, ascending within a row. */
  readonly indices: Int32Array;
  /** Weight of each entry, in (0, 1]. */
  readonly weights: Float64Array;
}

/** rho and sigma of every row of a k-nearest-neighbour graph (see the module comment). */
export function smoothDistances(
  knn: KnnGraph,
  localConnectivity: number,
): { rho: Float64Array; sigma: Float64Array } {
  const { n, k, distances } = knn;
  const target = Math.log2(k);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  let total = 0;
  for (let t = 0; t < n * k; t++) total += distances[t]!;
  const meanAll = total / (n * k);
  const index = Math.floor(localConnectivity);
  const interpolation = localConnectivity - index;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    // rho: the index-th positive distance, interpolated towards the next.
    let positives = 0;
    let first = -1;
    let last = 0;
    for (let j = 0; j < k; j++) {
      const d = distances[o + j]!;
      if (d > 0) {
        if (first < 0) first = j;
        positives++;
        last = d;
      }
    }
    if (positives >= localConnectivity) {
      if (index > 0) {
        const lo = nthPositive(distances, o, k, index - 1);
        let r = lo;
        if (interpolation > SMOOTH_K_TOLERANCE) {
          r += interpolation * (nthPositive(distances, o, k, index) - lo);
        }
        rho[i] = r;
      } else {
        rho[i] = interpolation * distances[o + first]!;
      }
    } else if (positives > 0) {
      rho[i] = last;
    }
    const r = rho[i]!;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let step = 0; step < BISECTION_STEPS; step++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const d = distances[o + j]! - r;
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    if (r > 0) {
      let s = 0;
      for (let j = 0; j < k; j++) s += distances[o + j]!;
      const floor = MIN_K_DIST_SCALE * (s / k);
      if (mid < floor) mid = floor;
    } else if (mid < MIN_K_DIST_SCALE * meanAll) {
      mid = MIN_K_DIST_SCALE * meanAll;
    }
    sigma[i] = mid;
  }
  return { rho, sigma };
}

/** The (p+1)-th positive distance of a row (p >= 0), in neighbour order. */
function nthPositive(distances: Float64Array, o: number, k: number, p: number): number {
  let seen = 0;
  for (let j = 0; j < k; j++) {
    const d = distances[o + j]!;
    if (d > 0) {
      if (seen === p) return d;
      seen++;
    }
  }
  return 0;
}

/**
 * Membership strength of row i's j-th neighbour, exp(-max(0, d - rho) / sigma); 0 for the row
 * itself.
 */
export function membership(knn: KnnGraph, rho: Float64Array, sigma: Float64Array): Float64Array {
  const { n, k, indices, distances } = knn;
  const w = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const r = rho[i]!;
    const s = sigma[i]!;
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const c = indices[t]!;
      if (c < 0 || c === i) w[t] = 0;
      else {
        const d = distances[t]! - r;
        w[t] = d <= 0 || s === 0 ? 1 : Math.exp(-(d / s));
      }
    }
  }
  return w;
}

/**
 * The fuzzy union W = A + A^T - A o A^T of the directed graph A (row i: columns
 * `indices[i*k ..]`, weights `w[i*k ..]`), zero entries dropped, as symmetric CSR.
 */
export function fuzzyUnion(
  n: number,
  k: number,
  indices: Int32Array,
  w: Float64Array,
): SparseGraph {
  // Every nonzero a_ij gives the entries (i, j) forward and (j, i) backward.
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      if (w[t]! > 0) {
        count[i + 1]!++;
        count[indices[t]! + 1]!++;
      }
    }
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const total = count[n]!;
  const col = new Int32Array(total);
  const fwd = new Float64Array(total);
  const bwd = new Float64Array(total);
  const fill = count.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const v = w[t]!;
      if (v > 0) {
        const c = indices[t]!;
        let p = fill[i]!++;
        col[p] = c;
        fwd[p] = v;
        p = fill[c]!++;
        col[p] = i;
        bwd[p] = v;
      }
    }
  }
  // Sort each row by column (insertion sort: rows are short), then merge equal columns.
  const indptr = new Int32Array(n + 1);
  const outCol = new Int32Array(total);
  const outW = new Float64Array(total);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const lo = count[i]!;
    const hi = count[i + 1]!;
    for (let p = lo + 1; p < hi; p++) {
      const c = col[p]!;
      const f = fwd[p]!;
      const b = bwd[p]!;
      let q = p - 1;
      while (q >= lo && col[q]! > c) {
        col[q + 1] = col[q]!;
        fwd[q + 1] = fwd[q]!;
        bwd[q + 1] = bwd[q]!;
        q--;
      }
      col[q + 1] = c;
      fwd[q + 1] = f;
      bwd[q + 1] = b;
    }
    let p = lo;
    while (p < hi) {
      const c = col[p]!;
      let f = fwd[p]!;
      let b = bwd[p]!;
      p++;
      while (p < hi && col[p] === c) {
        f += fwd[p]!;
        b += bwd[p]!;
        p++;
      }
      const v = f + b - f * b;
      if (v > 0) {
        outCol[e] = c;
        outW[e] = v;
        e++;
      }
    }
    indptr[i + 1] = e;
  }
  return { n, indptr, indices: outCol.slice(0, e), weights: outW.slice(0, e) };
}

/** The graph without the entries below `threshold` (umap-learn drops w < max w / nEpochs). */
export function pruneBelow(g: SparseGraph, threshold: number): SparseGraph {
  const { n, indptr, indices, weights } = g;
  const keep = new Int32Array(n + 1);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) if (weights[p]! >= threshold) e++;
    keep[i + 1] = e;
  }
  if (e === indices.length) return g;
  const ci = new Int32Array(e);
  const cw = new Float64Array(e);
  e = 0;
  for (let p = 0; p < indices.length; p++) {
    if (weights[p]! >= threshold) {
      ci[e] = indices[p]!;
      cw[e] = weights[p]!;
      e++;
    }
  }
  return { n, indptr: keep, indices: ci, weights: cw };
}

/** The connected components of a symmetric graph: a component number per row, and how many. */
export function components(g: SparseGraph): { label: Int32Array; count: number } {
  const { n, indptr, indices } = g;
  const label = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (label[s] !== -1) continue;
    let top = 0;
    stack[top++] = s;
    label[s] = count;
    while (top > 0) {
      const v = stack[--top]!;
      for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
        const u = indices[p]!;
        if (label[u] === -1) {
          label[u] = count;
          stack[top++] = u;
        }
      }
    }
    count++;
  }
  return { label, count };
}
