/**
 * The leading eigenpairs of a symmetric positive semidefinite operator known only through its
 * products, by the block Lanczos method with full reorthogonalisation (a randomized block Krylov
 * method: the start block is seeded Gaussian). References: Golub and Underwood, "The block
 * Lanczos method for computing eigenvalues" (Mathematical Software III, 1977); Saad, "Numerical
 * Methods for Large Eigenvalue Problems", 2nd ed., SIAM 2011, section 6.9; Musco and Musco,
 * "Randomized block Krylov methods for stronger and faster approximate singular value
 * decomposition" (NeurIPS 2015).
 *
 *   V_0 = orth(Omega) (dim x b); for j = 0, 1, ...:
 *     W = A V_j;  D_j = V_j^T W;  W -= Q Q^T W twice (Q: every basis vector so far);
 *     W = V_{j+1} R_j (QR);  the projected matrix T gains the blocks D_j and R_j:
 *     A Q = Q T + V_{j+1} R_j E_j^T,
 *   so a Ritz pair (theta, Q s) of T has the residual ||A Q s - theta Q s|| = ||R_j s_j|| (s_j:
 *   the last b entries of s). The iteration stops when the k leading Ritz pairs all have residuals
 *   <= tolerance * theta_1. Full reorthogonalisation keeps Q orthonormal to rounding, so the
 *   residual formula holds and no spurious copies of converged values appear.
 *
 * One product with a block costs what b products with single vectors cost; the Krylov space
 * uses every product made (a subspace iteration keeps only the last), so far fewer products are
 * needed: on PCA data one product of b vectors reads the data once.
 */
import { RandomState } from '../../util/random.js';
import { dot, symmetricEigen } from '../eigen.js';

/** A symmetric operator on vectors of length `dim`. */
export interface BlockOperator {
  dim: number;
  /** out_c = A v_c for the b vectors v_c = v[c*dim ..] (and out likewise). */
  apply(v: Float64Array, b: number, out: Float64Array): void;
}

export interface KrylovOptions {
  /** Vectors per block. */
  block: number;
  seed: number;
  /** Residual tolerance relative to the largest Ritz value. */
  tolerance: number;
  /** Most basis vectors kept (the search stops unconverged when the basis is full). */
  maxBasis: number;
  /** Coordinates that are zero in every eigenvector wanted (kept exactly zero). */
  zeros?: number[];
}

export interface KrylovResult {
  /** The k largest Ritz values, descending. */
  values: Float64Array;
  /** Their Ritz vectors (k x dim, row-major, orthonormal). */
  vectors: Float64Array;
  /** Products with blocks. */
  iterations: number;
  converged: boolean;
}

/** The k largest eigenpairs of `op` by block Lanczos (see the file header). */
export function blockLanczos(op: BlockOperator, k: number, o: KrylovOptions): KrylovResult {
  const dim = op.dim;
  const b = o.block;
  const zeros = o.zeros ?? [];
  const free = dim - zeros.length;
  if (k + 2 * b > free) {
    throw new Error(
      `blockLanczos: k + 2 blocks = ${k + 2 * b} exceed the ${free} free coordinates.`,
    );
  }
  const maxBasis = Math.min(Math.max(o.maxBasis, k + b), free - b);
  const q = new Float64Array((maxBasis + b) * dim);
  const tMat = new Float64Array((maxBasis + b) * (maxBasis + b));
  const w = new Float64Array(b * dim);
  const r = new Float64Array(b * b);
  const h = new Float64Array(maxBasis + b);
  const rng = new RandomState(o.seed);
  /** q[at ..] = a Gaussian vector (zero at `zeros`) orthonormal to the first `count` vectors. */
  const fresh = (at: number, count: number) => {
    for (let attempt = 0; ; attempt++) {
      for (let i = 0; i < dim; i++) q[at + i] = rng.gauss();
      for (const z of zeros) q[at + z] = 0;
      if (orthogonalize(q, at, q, count, dim, h) > 1e-8) break;
      if (attempt > 10) throw new Error('blockLanczos: could not extend the basis.');
    }
    normalize(q, at, dim);
  };
  for (let c = 0; c < b; c++) fresh(c * dim, c);
  let m = b; // basis vectors so far; the current block is [m - b, m)
  let scale = 0; // the largest norm of a product seen: the size of A
  let iterations = 0;
  let nextCheck = 0;
  let lastWorst = 0;
  let lastStep = 0;
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * dim);
  const stride = maxBasis + b;
  for (;;) {
    const j0 = m - b;
    op.apply(q.subarray(j0 * dim, m * dim), b, w);
    iterations++;
    for (let c = 0; c < b; c++) scale = Math.max(scale, norm(w, c * dim, dim));
    // D_j = V_j^T W, symmetrised.
    for (let c = 0; c < b; c++) {
      for (let e = c; e < b; e++) {
        const s =
          (dot(q, (j0 + c) * dim, w, e * dim, dim) + dot(q, (j0 + e) * dim, w, c * dim, dim)) / 2;
        tMat[(j0 + c) * stride + j0 + e] = s;
        tMat[(j0 + e) * stride + j0 + c] = s;
      }
    }
    // W -= Q Q^T W (twice), then W = V_{j+1} R with Gram-Schmidt inside the block.
    r.fill(0);
    if (b === 2) orthogonalizePair(w, dim, q, m);
    for (let c = 0; c < b; c++) {
      const oc = c * dim;
      if (b !== 2) orthogonalize(w, oc, q, m, dim, h);
      for (let e = 0; e < c; e++) {
        // against the new vectors already in place at q[m + e]
        for (let pass = 0; pass < 2; pass++) {
          const p = dot(q, (m + e) * dim, w, oc, dim);
          r[e * b + c] += p;
          for (let i = 0; i < dim; i++) w[oc + i] -= p * q[(m + e) * dim + i]!;
        }
      }
      let nr = norm(w, oc, dim);
      if (!(nr > 1e-14 * scale)) {
        // The Krylov space is (numerically) invariant in this direction: continue with a fresh
        // random vector; its coefficient is 0, an error of at most 1e-14 * ||A||.
        nr = 0;
        fresh((m + c) * dim, m + c);
      } else {
        const at = (m + c) * dim;
        for (let i = 0; i < dim; i++) q[at + i] = w[oc + i]! / nr;
      }
      r[c * b + c] = nr;
    }
    // R_j enters T below and right of D_j.
    const mNext = m + b;
    for (let e = 0; e < b; e++) {
      for (let c = 0; c < b; c++) {
        tMat[(m + e) * stride + j0 + c] = r[e * b + c]!;
        tMat[(j0 + c) * stride + m + e] = r[e * b + c]!;
      }
    }
    // Ritz pairs: from m >= k + b on, at the step where the residuals, falling at the rate
    // of the last two checks, are due to meet the tolerance (at least every 8 steps), and at
    // the last step the basis allows.
    const step = m / b;
    if (m >= k + b && (step >= nextCheck || mNext > maxBasis)) {
      const t = new Float64Array(m * m);
      for (let i = 0; i < m; i++) t.set(tMat.subarray(i * stride, i * stride + m), i * m);
      const small = symmetricEigen(t, m);
      const theta1 = Math.max(small.values[0]!, 0);
      let worst = 0;
      for (let c = 0; c < k; c++) {
        // residual ||R s_last||
        let r2 = 0;
        for (let e = 0; e < b; e++) {
          let s = 0;
          for (let f = 0; f < b; f++) s += r[e * b + f]! * small.vectors[c * m + j0 + f]!;
          r2 += s * s;
        }
        worst = Math.max(worst, Math.sqrt(r2));
      }
      const done = worst <= o.tolerance * theta1 || theta1 === 0;
      nextCheck = step + 1;
      if (lastWorst > 0 && worst > 0 && worst < lastWorst) {
        const rate = (worst / lastWorst) ** (1 / (step - lastStep));
        const due = Math.log((o.tolerance * theta1) / worst) / Math.log(rate);
        nextCheck = step + Math.min(8, Math.max(1, Math.floor(due)));
      }
      lastWorst = worst;
      lastStep = step;
      if (done || mNext > maxBasis) {
        for (let c = 0; c < k; c++) {
          values[c] = small.values[c]!;
          const oc = c * dim;
          for (let e = 0; e < m; e++) {
            const s = small.vectors[c * m + e]!;
            if (s === 0) continue;
            const oe = e * dim;
            for (let i = 0; i < dim; i++) vectors[oc + i] += s * q[oe + i]!;
          }
        }
        return { values, vectors, iterations, converged: done };
      }
    }
    m = mNext;
  }
}

/**
 * x -= Q Q^T x for the first `count` vectors of q, twice (classical Gram-Schmidt, "twice is
 * enough"); returns ||x|| after over before (1 when x was 0 before: nothing is left).
 */
function orthogonalize(
  x: Float64Array,
  ox: number,
  q: Float64Array,
  count: number,
  dim: number,
  h: Float64Array,
): number {
  const before = norm(x, ox, dim);
  if (before === 0) return 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let e = 0; e < count; e++) h[e] = dot(q, e * dim, x, ox, dim);
    for (let e = 0; e < count; e++) {
      const p = h[e]!;
      const oe = e * dim;
      for (let i = 0; i < dim; i++) x[ox + i] -= p * q[oe + i]!;
    }
  }
  return norm(x, ox, dim) / before;
}

/** `orthogonalize` of the two vectors w[0 .. dim) and w[dim .. 2 dim) at once (one read of q). */
function orthogonalizePair(w: Float64Array, dim: number, q: Float64Array, count: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let e = 0; e < count; e++) {
      const oe = e * dim;
      let p0 = 0;
      let p1 = 0;
      for (let i = 0; i < dim; i++) {
        const qi = q[oe + i]!;
        p0 += qi * w[i]!;
        p1 += qi * w[dim + i]!;
      }
      for (let i = 0; i < dim; i++) {
        const qi = q[oe + i]!;
        w[i] -= p0 * qi;
        w[dim + i] -= p1 * qi;
      }
    }
  }
}

function normalize(x: Float64Array, ox: number, dim: number): void {
  const inv = 1 / norm(x, ox, dim);
  for (let i = 0; i < dim; i++) x[ox + i] *= inv;
}

function norm(x: Float64Array, ox: number, dim: number): number {
  return Math.sqrt(dot(x, ox, x, ox, dim));
}
