/**
 * Small dense symmetric eigenproblems on flat row-major arrays, for PCA:
 *
 * - `symmetricEigen(a, m)`: all eigenpairs of a symmetric m x m matrix: Householder
 *   tridiagonalisation and implicit QR with Wilkinson shifts on flat arrays; about 4 m^3 flops
 *   plus the rotations. (`symmetricEigenMl` is the same through ml-matrix's `EVD`, kept as the
 *   reference of the tests.)
 * - `topEigen(a, m, k)`: the k largest eigenpairs of a symmetric positive semidefinite matrix by
 *   seeded block subspace iteration with Rayleigh-Ritz; O(m^2 (k + p)) per iteration.
 *
 * Both return eigenvalues in descending order and eigenvectors as the rows of a k x m row-major
 * array (the layout of PCA components).
 */
import { EVD, Matrix } from 'ml-matrix';
import { RandomState } from '../util/random.js';

/** Eigenvalues (descending) and unit eigenvectors (row c of `vectors` belongs to `values[c]`). */
export interface Eigenpairs {
  values: Float64Array;
  /** k x m row-major. */
  vectors: Float64Array;
}

/**
 * All eigenpairs by ml-matrix's `EVD` (JAMA's tred2 + tql2 on `number[][]`): the reference that
 * `symmetricEigen` is tested against (and slower than it).
 */
export function symmetricEigenMl(a: Float64Array, m: number): Eigenpairs {
  const mat = Matrix.from1DArray(m, m, a);
  const evd = new EVD(mat, { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  // Stable order: descending value, ties by the index ml-matrix returned.
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => raw[q]! - raw[p]! || p - q);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    const src = order[c]!;
    values[c] = raw[src]!;
    for (let j = 0; j < m; j++) vectors[c * m + j] = v.get(j, src);
  }
  return { values, vectors };
}

/** Options of `topEigen`. */
export interface TopEigenOptions {
  /** Seed of the Gaussian start block. Default: 0. */
  seed: number;
  /** Extra vectors carried in the block beyond k. Default: 10. */
  oversamples: number;
  /**
   * Stop when every wanted Ritz pair has ||A v - theta v|| <= tolerance * theta_1.
   * Default: 1e-12.
   */
  tolerance: number;
  /** Upper bound on the number of products A Q. Default: 300. */
  maxIterations: number;
}

/** The k largest eigenpairs, with the iteration count and whether the tolerance was met. */
export interface TopEigenpairs extends Eigenpairs {
  iterations: number;
  converged: boolean;
}

const topDefaults: TopEigenOptions = {
  seed: 0,
  oversamples: 10,
  tolerance: 1e-12,
  maxIterations: 300,
};

/**
 * The k largest eigenpairs of the symmetric positive semidefinite m x m matrix `a`, by block
 * subspace iteration (Rutishauser; Saad, "Numerical Methods for Large Eigenvalue Problems",
 * 2nd ed., SIAM 2011, section 5.2, Algorithm 5.3):
 *
 *   Q_0 = orth(Omega), Omega an m x l standard Gaussian block (l = min(m, k + oversamples)),
 *   repeat: Y = A Q; T = Q^T Y (l x l); T = W Theta W^T; V = Q W;
 *           stop if ||Y W - V Theta|| <= tolerance * theta_1 for the first k columns;
 *           Q = orth(Y).
 *
 * This is the randomized range finder with power iterations of Halko, Martinsson and Tropp
 * (SIAM Review 53(2), 2011, Algorithms 4.3-4.4) run on A = X^T X / (n - 1), where one product
 * with A equals one power iteration with X and X^T; here it runs until the residual test holds
 * rather than for a fixed count. Each wanted eigenvalue converges like
 * (lambda_{l+1} / lambda_c)^iterations. Orthonormalisation is modified Gram-Schmidt applied twice.
 */
export function topEigen(
  a: Float64Array,
  m: number,
  k: number,
  options: Partial<TopEigenOptions> = {},
): TopEigenpairs {
  const { seed, oversamples, tolerance, maxIterations } = { ...topDefaults, ...options };
  const l = Math.min(m, k + oversamples);
  const rng = new RandomState(seed);
  // Q and Y hold l column vectors of length m, each contiguous: q_c = q[c*m .. c*m+m).
  const q = new Float64Array(l * m);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < l; c++) q[c * m + i] = rng.gauss();
  }
  orthonormalizeColumns(q, m, l, rng);
  const y = new Float64Array(l * m);
  const t = new Float64Array(l * l);
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * m);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    multiplySymmetric(a, m, q, l, y);
    iterations++;
    // Rayleigh-Ritz on span(Q).
    for (let c = 0; c < l; c++) {
      for (let e = c; e < l; e++) {
        const s = dot(q, c * m, y, e * m, m);
        t[c * l + e] = s;
        t[e * l + c] = s;
      }
    }
    const small = symmetricEigen(t, l);
    const theta1 = Math.max(small.values[0]!, 0);
    let worst = 0;
    for (let c = 0; c < k; c++) {
      // v = Q w_c (the Ritz vector), r = Y w_c - theta_c v.
      const w = small.vectors.subarray(c * l, (c + 1) * l);
      const theta = small.values[c]!;
      let r2 = 0;
      for (let i = 0; i < m; i++) {
        let v = 0;
        let av = 0;
        for (let e = 0; e < l; e++) {
          v += q[e * m + i]! * w[e]!;
          av += y[e * m + i]! * w[e]!;
        }
        vectors[c * m + i] = v;
        const r = av - theta * v;
        r2 += r * r;
      }
      values[c] = theta;
      const res = Math.sqrt(r2);
      if (res > worst) worst = res;
    }
    if (worst <= tolerance * theta1 || theta1 === 0) {
      converged = true;
      break;
    }
    q.set(y);
    orthonormalizeColumns(q, m, l, rng);
  }
  return { values, vectors, iterations, converged };
}

/** y_c = A q_c for l columns; A is symmetric m x m row-major (so row i of A is column i). */
function multiplySymmetric(
  a: Float64Array,
  m: number,
  q: Float64Array,
  l: number,
  y: Float64Array,
): void {
  crossDots(a, m, q, l, m, y, 1, m);
}

/**
 * out[i * si + c * sc] = dot(x_i, z_c) for the p rows x_i = x[i*len ..] and the r rows
 * z_c = z[c*len ..]. Tiles of 3 x 3 share loads (six per nine multiply-adds); leftovers are done
 * one dot product at a time.
 */
export function crossDots(
  x: Float64Array,
  p: number,
  z: Float64Array,
  r: number,
  len: number,
  out: Float64Array,
  si: number,
  sc: number,
): void {
  const p3 = p - (p % 3);
  const r3 = r - (r % 3);
  for (let i = 0; i < p3; i += 3) {
    const oi = i * len;
    const oi1 = oi + len;
    const oi2 = oi1 + len;
    for (let c = 0; c < r3; c += 3) {
      const oc = c * len;
      const oc1 = oc + len;
      const oc2 = oc1 + len;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      for (let t = 0; t < len; t++) {
        const a0 = x[oi + t]!;
        const a1 = x[oi1 + t]!;
        const a2 = x[oi2 + t]!;
        const b0 = z[oc + t]!;
        const b1 = z[oc1 + t]!;
        const b2 = z[oc2 + t]!;
        s00 += a0 * b0;
        s01 += a0 * b1;
        s02 += a0 * b2;
        s10 += a1 * b0;
        s11 += a1 * b1;
        s12 += a1 * b2;
        s20 += a2 * b0;
        s21 += a2 * b1;
        s22 += a2 * b2;
      }
      const o = i * si + c * sc;
      out[o] = s00;
      out[o + sc] = s01;
      out[o + 2 * sc] = s02;
      out[o + si] = s10;
      out[o + si + sc] = s11;
      out[o + si + 2 * sc] = s12;
      out[o + 2 * si] = s20;
      out[o + 2 * si + sc] = s21;
      out[o + 2 * si + 2 * sc] = s22;
    }
  }
  // Leftover columns c >= r3 against three rows at a time; then the leftover rows i >= p3.
  for (let c = r3; c < r; c++) {
    const oc = c * len;
    for (let i = 0; i < p3; i += 3) {
      const oi = i * len;
      const oi1 = oi + len;
      const oi2 = oi1 + len;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let t = 0; t < len; t++) {
        const b0 = z[oc + t]!;
        s0 += x[oi + t]! * b0;
        s1 += x[oi1 + t]! * b0;
        s2 += x[oi2 + t]! * b0;
      }
      out[i * si + c * sc] = s0;
      out[(i + 1) * si + c * sc] = s1;
      out[(i + 2) * si + c * sc] = s2;
    }
  }
  for (let i = p3; i < p; i++) {
    for (let c = 0; c < r; c++) out[i * si + c * sc] = dot(x, i * len, z, c * len, len);
  }
}

/** sum_i x[ox + i] y[oy + i] for i < n. */
export function dot(x: Float64Array, ox: number, y: Float64Array, oy: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[ox + i]! * y[oy + i]!;
  return s;
}

/**
 * Orthonormalise l contiguous columns of length m in place: modified Gram-Schmidt, twice ("twice
 * is enough", Giraud et al., Numer. Math. 101, 2005). A column that vanishes (the block is rank
 * deficient) is replaced by a fresh Gaussian vector from `rng` and orthonormalised again.
 */
export function orthonormalizeColumns(
  q: Float64Array,
  m: number,
  l: number,
  rng: RandomState,
): void {
  for (let c = 0; c < l; c++) {
    const oc = c * m;
    for (let attempt = 0; ; attempt++) {
      let before = Math.sqrt(dot(q, oc, q, oc, m));
      for (let pass = 0; pass < 2; pass++) {
        for (let e = 0; e < c; e++) {
          const oe = e * m;
          const p = dot(q, oe, q, oc, m);
          for (let i = 0; i < m; i++) q[oc + i] -= p * q[oe + i]!;
        }
      }
      const norm = Math.sqrt(dot(q, oc, q, oc, m));
      if (before === 0) before = 1;
      if (norm > 1e-13 * before && norm > 0) {
        const inv = 1 / norm;
        for (let i = 0; i < m; i++) q[oc + i] *= inv;
        break;
      }
      if (attempt > 10) throw new Error('orthonormalizeColumns: could not extend the basis.');
      for (let i = 0; i < m; i++) q[oc + i] = rng.gauss();
    }
  }
}

/**
 * All eigenpairs of the symmetric m x m row-major matrix `a` (not modified), on flat arrays:
 *
 * 1. Householder tridiagonalisation T = E A E^T (Golub and Van Loan, "Matrix Computations",
 *    4th ed., 2013, section 8.3.1): for k = 0 .. m-3, with x = A[k, k+1:], the reflector
 *    H = I - beta v v^T maps x to alpha e_1; the trailing block S becomes H S H through
 *    p = beta S v, w = p - (beta / 2)(v^T p) v, S -= v w^T + w v^T. About (4/3) m^3 flops.
 * 2. E = H_{m-3} ... H_0 is accumulated by right-multiplying the identity by H_{m-3}, then
 *    H_{m-4}, ..., so that only the trailing block is touched: about (4/3) m^3 flops.
 * 3. Implicit symmetric QR steps with the Wilkinson shift on T (ibid., Algorithm 8.3.2), with
 *    deflation when |t_{i+1,i}| <= eps (|t_ii| + |t_{i+1,i+1}|); every Givens rotation of rows
 *    (i, i+1) of T is applied to rows i, i+1 of E, so the rows of E end as the eigenvectors.
 *
 * Every inner loop walks contiguous rows (the reason E is kept as rows rather than as the columns
 * of Q). Eigenvalues come out in descending order (stable on ties).
 */
export function symmetricEigen(a: Float64Array, m: number): Eigenpairs {
  const s = a.slice();
  const diag = new Float64Array(m);
  const off = new Float64Array(m); // off[i] = T[i+1][i]
  const beta = new Float64Array(m);
  // 1. Tridiagonalise; v of step k is kept in row k of s, columns k+1 .. m-1. The rank-2 update
  //    of step k is fused with the product S v of step k + 1: as soon as row k+1 is updated it
  //    yields the next reflector, and every later row is dotted with it while still in cache.
  let p = new Float64Array(m);
  let pNext = new Float64Array(m);
  if (m >= 3) {
    reflector(s, m, 0, diag, off, beta);
    if (beta[0] !== 0) {
      for (let i = 1; i < m; i++) p[i] = beta[0]! * dot(s, i * m + 1, s, 1, m - 1);
    }
  }
  for (let k = 0; k + 2 < m; k++) {
    const ok = k * m;
    const bk = beta[k]!;
    const next = k + 3 < m; // is there a step k + 1?
    const k1 = k + 1;
    if (bk !== 0) {
      // w = p - (beta / 2)(v^T p) v, kept in p.
      let vp = 0;
      for (let i = k1; i < m; i++) vp += s[ok + i]! * p[i]!;
      const half = (bk / 2) * vp;
      for (let i = k1; i < m; i++) p[i] = p[i]! - half * s[ok + i]!;
      for (let i = k1; i < m; i++) {
        const oi = i * m;
        const vi = s[ok + i]!;
        const wi = p[i]!;
        for (let j = k1; j < m; j++) s[oi + j] = s[oi + j]! - vi * p[j]! - wi * s[ok + j]!;
        if (!next) continue;
        if (i === k1) reflector(s, m, k1, diag, off, beta);
        else if (beta[k1] !== 0)
          pNext[i] = beta[k1]! * dot(s, oi + k1 + 1, s, k1 * m + k1 + 1, m - k1 - 1);
      }
    } else if (next) {
      reflector(s, m, k1, diag, off, beta);
      if (beta[k1] !== 0) {
        for (let i = k1 + 1; i < m; i++) {
          pNext[i] = beta[k1]! * dot(s, i * m + k1 + 1, s, k1 * m + k1 + 1, m - k1 - 1);
        }
      }
    }
    const swap = p;
    p = pNext;
    pNext = swap;
  }
  if (m >= 2) {
    diag[m - 2] = s[(m - 2) * m + m - 2]!;
    off[m - 2] = s[(m - 1) * m + m - 2]!;
  }
  if (m >= 1) diag[m - 1] = s[(m - 1) * m + m - 1]!;

  // 2. E = H_{m-3} ... H_0, row-major; two rows at a time share the loads of v.
  const e = new Float64Array(m * m);
  for (let i = 0; i < m; i++) e[i * m + i] = 1;
  for (let k = m - 3; k >= 0; k--) {
    const bk = beta[k]!;
    if (bk === 0) continue;
    const ok = k * m;
    let i = k + 1;
    for (; i + 1 < m; i += 2) {
      const oi = i * m;
      const oi1 = oi + m;
      let t0 = 0;
      let t1 = 0;
      for (let j = k + 1; j < m; j++) {
        const vj = s[ok + j]!;
        t0 += e[oi + j]! * vj;
        t1 += e[oi1 + j]! * vj;
      }
      t0 *= bk;
      t1 *= bk;
      for (let j = k + 1; j < m; j++) {
        const vj = s[ok + j]!;
        e[oi + j] = e[oi + j]! - t0 * vj;
        e[oi1 + j] = e[oi1 + j]! - t1 * vj;
      }
    }
    if (i < m) {
      const oi = i * m;
      const t = bk * dot(e, oi + k + 1, s, ok + k + 1, m - k - 1);
      for (let j = k + 1; j < m; j++) e[oi + j] = e[oi + j]! - t * s[ok + j]!;
    }
  }

  // 3. Implicit QR with Wilkinson shifts.
  const eps = Number.EPSILON;
  const rotC = new Float64Array(m);
  const rotS = new Float64Array(m);
  let q = m - 1;
  let steps = 0;
  while (q > 0) {
    if (Math.abs(off[q - 1]!) <= eps * (Math.abs(diag[q - 1]!) + Math.abs(diag[q]!))) {
      off[q - 1] = 0;
      q--;
      continue;
    }
    let lo = q - 1;
    while (
      lo > 0 &&
      Math.abs(off[lo - 1]!) > eps * (Math.abs(diag[lo - 1]!) + Math.abs(diag[lo]!))
    ) {
      lo--;
    }
    if (++steps > 30 * m) throw new Error('symmetricEigen: the QR iteration did not converge.');
    // Wilkinson shift from the trailing 2 x 2 block.
    const dd = (diag[q - 1]! - diag[q]!) / 2;
    const bq = off[q - 1]!;
    const mu = diag[q]! - (bq * bq) / (dd + (dd >= 0 ? 1 : -1) * Math.hypot(dd, bq));
    let x = diag[lo]! - mu;
    let z = off[lo]!;
    let bulge = 0;
    for (let k = lo; k < q; k++) {
      if (k > lo) {
        x = off[k - 1]!;
        z = bulge;
      }
      const r = Math.hypot(x, z);
      const c = r === 0 ? 1 : x / r;
      const sn = r === 0 ? 0 : z / r;
      rotC[k] = c;
      rotS[k] = sn;
      if (k > lo) off[k - 1] = r;
      const ak = diag[k]!;
      const ak1 = diag[k + 1]!;
      const bk = off[k]!;
      const cs = c * sn;
      diag[k] = c * c * ak + 2 * cs * bk + sn * sn * ak1;
      diag[k + 1] = sn * sn * ak - 2 * cs * bk + c * c * ak1;
      off[k] = cs * (ak1 - ak) + (c * c - sn * sn) * bk;
      if (k + 1 < q) {
        bulge = sn * off[k + 1]!;
        off[k + 1] = c * off[k + 1]!;
      }
    }
    applyRotations(e, m, lo, q, rotC, rotS);
  }

  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => diag[j]! - diag[i]! || i - j);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    const src = order[c]!;
    values[c] = diag[src]!;
    vectors.set(e.subarray(src * m, (src + 1) * m), c * m);
  }
  return { values, vectors };
}

/**
 * Apply the rotations of one QR sweep, (rotC[k], rotS[k]) on rows (k, k+1) for k = lo .. q-1 in
 * order, to the rows of E. The chain is run down each group of four columns with the running
 * row in registers: one load and one store per element and rotation, instead of two of each.
 */
function applyRotations(
  e: Float64Array,
  m: number,
  lo: number,
  q: number,
  rotC: Float64Array,
  rotS: Float64Array,
): void {
  const m4 = m - (m % 4);
  for (let j = 0; j < m4; j += 4) {
    let o = lo * m + j;
    let r0 = e[o]!;
    let r1 = e[o + 1]!;
    let r2 = e[o + 2]!;
    let r3 = e[o + 3]!;
    for (let k = lo; k < q; k++) {
      const c = rotC[k]!;
      const sn = rotS[k]!;
      const o1 = o + m;
      const n0 = e[o1]!;
      const n1 = e[o1 + 1]!;
      const n2 = e[o1 + 2]!;
      const n3 = e[o1 + 3]!;
      e[o] = c * r0 + sn * n0;
      e[o + 1] = c * r1 + sn * n1;
      e[o + 2] = c * r2 + sn * n2;
      e[o + 3] = c * r3 + sn * n3;
      r0 = c * n0 - sn * r0;
      r1 = c * n1 - sn * r1;
      r2 = c * n2 - sn * r2;
      r3 = c * n3 - sn * r3;
      o = o1;
    }
    e[o] = r0;
    e[o + 1] = r1;
    e[o + 2] = r2;
    e[o + 3] = r3;
  }
  for (let j = m4; j < m; j++) {
    let o = lo * m + j;
    let r0 = e[o]!;
    for (let k = lo; k < q; k++) {
      const o1 = o + m;
      const n0 = e[o1]!;
      e[o] = rotC[k]! * r0 + rotS[k]! * n0;
      r0 = rotC[k]! * n0 - rotS[k]! * r0;
      o = o1;
    }
    e[o] = r0;
  }
}

/**
 * The Householder reflector of step k from row k of `s` (x = s[k][k+1 ..]): beta = 2 / |v|^2 with
 * v = x - alpha e_1 stored over x, alpha = -sign(x_0) |x| (no cancellation in v_0), and
 * diag[k] = s[k][k], off[k] = alpha. beta = 0 when x is already zero.
 */
function reflector(
  s: Float64Array,
  m: number,
  k: number,
  diag: Float64Array,
  off: Float64Array,
  beta: Float64Array,
): void {
  const ok = k * m;
  let norm2 = 0;
  for (let j = k + 1; j < m; j++) norm2 += s[ok + j]! * s[ok + j]!;
  diag[k] = s[ok + k]!;
  const x0 = s[ok + k + 1]!;
  const norm = Math.sqrt(norm2);
  const alpha = x0 >= 0 ? -norm : norm;
  const vnorm2 = 2 * (norm2 - alpha * x0);
  off[k] = alpha;
  if (norm2 === 0 || vnorm2 === 0) {
    beta[k] = 0;
    return;
  }
  s[ok + k + 1] = x0 - alpha;
  beta[k] = 2 / vnorm2;
}
