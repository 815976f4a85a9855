/**
 * Spectral initialisation of UMAP: the eigenvectors of the normalised graph Laplacian
 * L = I - D^(-1/2) W D^(-1/2) for its smallest eigenvalues after the trivial one (umap-learn's
 * `spectral_layout`, uwot's `spectral_init`), here found as the largest eigenvalues of
 * M = D^(-1/2) W D^(-1/2) on the complement of M's known top eigenvector D^(1/2) 1 / |D^(1/2) 1|
 * (eigenvalue 1 on a connected graph).
 *
 * Lanczos with full reorthogonalisation (classical Gram-Schmidt, repeated when it removed most of
 * the vector; Golub and Van Loan,
 * "Matrix Computations", 4th ed., section 10.1), explicitly restarted from the sum of the wanted
 * Ritz vectors until every wanted pair has a residual |beta_m s_m| <= 1e-3, or after two
 * restarts; the tridiagonal matrix is solved by `symmetricEigen`. An initialisation need not be
 * exact (it is scaled, given noise and then optimised; umap-learn asks its eigensolver for
 * 1e-4). The start vector is Gaussian from
 * the seed; each vector's sign is fixed so that its largest |entry| (first on ties) is positive.
 */
import { symmetricEigen } from '../../decomposition/eigen.js';
import type { RandomState } from '../../util/random.js';
import type { SparseGraph } from './graph.js';

/** Most Lanczos vectors kept at once (fewer on large graphs, where each costs O(basis n)). */
const MAX_BASIS = 96;
const MAX_BASIS_LARGE = 64;
const LARGE = 20_000;
/** Restarts after the first run. */
const MAX_RESTARTS = 2;
const TOLERANCE = 1e-3;

/**
 * `dim` eigenvectors of the normalised Laplacian of the connected graph `g` for its smallest
 * nontrivial eigenvalues, as an n x dim row-major array; null when the graph has fewer than
 * dim + 2 rows.
 */
export function spectralVectors(
  g: SparseGraph,
  dim: number,
  rng: RandomState,
): Float64Array | null {
  const { n, indptr, indices, weights } = g;
  if (n < dim + 2) return null;
  const scale = new Float64Array(n); // D^(-1/2)
  const trivial = new Float64Array(n); // D^(1/2) 1, normalised
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) s += weights[p]!;
    scale[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
    trivial[i] = Math.sqrt(s);
    norm += s;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) trivial[i]! /= norm;

  // The entries of M = D^(-1/2) W D^(-1/2), in the graph's order.
  const mw = new Float64Array(weights.length);
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      mw[p] = scale[i]! * weights[p]! * scale[indices[p]!]!;
    }
  }
  const multiply = (x: Float64Array, xo: number, y: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) s += mw[p]! * x[xo + indices[p]!]!;
      y[i] = s;
    }
  };

  const m = Math.min(n > LARGE ? MAX_BASIS_LARGE : MAX_BASIS, n - 1);
  const basis = new Float64Array((m + 1) * n);
  const w = new Float64Array(n);
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  const start = new Float64Array(n);
  for (let i = 0; i < n; i++) start[i] = rng.gauss();
  const out = new Float64Array(n * dim);

  for (let restart = 0; restart <= MAX_RESTARTS; restart++) {
    // v_0 = start without its trivial component, normalised.
    basis.fill(0, 0, n);
    basis.set(start, 0);
    if (!orthonormalise(basis, n, trivial)) return null;
    let steps = m;
    for (let s = 0; s < m; s++) {
      multiply(basis, s * n, w);
      alpha[s] = dotAt(w, 0, basis, s * n, n);
      // Full reorthogonalisation against the trivial vector and every basis vector, twice.
      // A second pass only when the first removed most of w ("twice is enough": Parlett,
      // "The Symmetric Eigenvalue Problem", section 6.9).
      let b = Math.sqrt(dotAt(w, 0, w, 0, n));
      for (let pass = 0; pass < 2; pass++) {
        axpyAt(w, -dotAt(w, 0, trivial, 0, n), trivial, 0, n);
        for (let q = 0; q <= s; q++) axpyAt(w, -dotAt(w, 0, basis, q * n, n), basis, q * n, n);
        const after = Math.sqrt(dotAt(w, 0, w, 0, n));
        const enough = after >= 0.7 * b;
        b = after;
        if (enough) break;
      }
      beta[s] = b;
      if (s + 1 < m + 1) {
        if (b <= 1e-12) {
          steps = s + 1;
          break;
        }
        for (let i = 0; i < n; i++) basis[(s + 1) * n + i] = w[i]! / b;
      }
    }
    // Ritz pairs of the steps x steps tridiagonal matrix (eigenvalues descending).
    const t = new Float64Array(steps * steps);
    for (let s = 0; s < steps; s++) {
      t[s * steps + s] = alpha[s]!;
      if (s + 1 < steps) {
        t[s * steps + s + 1] = beta[s]!;
        t[(s + 1) * steps + s] = beta[s]!;
      }
    }
    const { vectors } = symmetricEigen(t, steps);
    const wanted = Math.min(dim, steps);
    let worst = 0;
    for (let c = 0; c < wanted; c++) {
      const r = Math.abs(beta[steps - 1]! * vectors[c * steps + steps - 1]!);
      if (r > worst) worst = r;
    }
    out.fill(0);
    start.fill(0);
    for (let c = 0; c < dim; c++) {
      if (c >= wanted) break;
      for (let s = 0; s < steps; s++) {
        const coef = vectors[c * steps + s]!;
        const o = s * n;
        for (let i = 0; i < n; i++) out[i * dim + c]! += coef * basis[o + i]!;
      }
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < wanted; c++) s += out[i * dim + c]!;
      start[i] = s;
    }
    if (worst <= TOLERANCE || steps < m) break;
  }
  fixSigns(out, n, dim);
  return out;
}

/** x[0 .. n) -= its component along `u` (unit), then scaled to unit length; false if 0. */
function orthonormalise(x: Float64Array, n: number, u: Float64Array): boolean {
  for (let pass = 0; pass < 2; pass++) axpyAt(x, -dotAt(x, 0, u, 0, n), u, 0, n);
  const s = dotAt(x, 0, x, 0, n);
  if (!(s > 0)) return false;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < n; i++) x[i]! *= inv;
  return true;
}

function dotAt(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  // Four partial sums: independent chains of additions.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[xo + i]! * y[yo + i]!;
    s1 += x[xo + i + 1]! * y[yo + i + 1]!;
    s2 += x[xo + i + 2]! * y[yo + i + 2]!;
    s3 += x[xo + i + 3]! * y[yo + i + 3]!;
  }
  for (; i < n; i++) s0 += x[xo + i]! * y[yo + i]!;
  return s0 + s1 + (s2 + s3);
}

function axpyAt(y: Float64Array, a: number, x: Float64Array, xo: number, n: number): void {
  for (let i = 0; i < n; i++) y[i]! += a * x[xo + i]!;
}

/** Each column's sign such that its entry of largest magnitude (first on ties) is positive. */
export function fixSigns(v: Float64Array, n: number, dim: number): void {
  for (let c = 0; c < dim; c++) {
    let best = 0;
    for (let i = 0; i < n; i++)
      if (Math.abs(v[i * dim + c]!) > Math.abs(best)) best = v[i * dim + c]!;
    if (best < 0) for (let i = 0; i < n; i++) v[i * dim + c] = -v[i * dim + c]!;
  }
}
