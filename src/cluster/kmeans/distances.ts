/**
 * Distances between rows and centres, shared by Lloyd's, Hamerly's and Elkan's iterations
 * (lloyd.ts, hamerly.ts, elkan.ts), `predict` and mini-batch k-means. X is row-major n x d;
 * centres are row-major k x d. Squared distances are always summed over j in order, so every
 * kernel gives bit-identical distances and the algorithms agree.
 */

/** Relative margin by which a bound must prove a row's centre before the row is skipped. */
export const MARGIN = 1 + 1e-10;

/** Nearest centre (lowest index on ties) of every row. @internal */
export function nearestLabels(
  X: Float64Array,
  n: number,
  d: number,
  C: Float64Array,
  k: number,
  out: Int32Array = new Int32Array(n),
): Int32Array {
  for (let i = 0; i < n; i++) {
    const p = i * d;
    let best = 0;
    let bd = Infinity;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const q0 = c * d;
      const q1 = q0 + d;
      const q2 = q1 + d;
      const q3 = q2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const x = X[p + j]!;
        const e0 = x - C[q0 + j]!;
        const e1 = x - C[q1 + j]!;
        const e2 = x - C[q2 + j]!;
        const e3 = x - C[q3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      if (s0 < bd) {
        bd = s0;
        best = c;
      }
      if (s1 < bd) {
        bd = s1;
        best = c + 1;
      }
      if (s2 < bd) {
        bd = s2;
        best = c + 2;
      }
      if (s3 < bd) {
        bd = s3;
        best = c + 3;
      }
    }
    for (; c < k; c++) {
      const s = dist2(X, p, C, c * d, d);
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Squared distance between row p of X and row q of C, summed in order. */
export function dist2(X: Float64Array, p: number, C: Float64Array, q: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const e = X[p + j]! - C[q + j]!;
    s += e * e;
  }
  return s;
}

/**
 * Squared distance with scikit-learn's grouping (4 terms at a time), used for the inertia and
 * the centre shift so that those sums round as scikit-learn's.
 */
export function dist2Grouped(
  a: Float64Array,
  p: number,
  b: Float64Array,
  q: number,
  d: number,
): number {
  let r = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const e0 = a[p + j]! - b[q + j]!;
    const e1 = a[p + j + 1]! - b[q + j + 1]!;
    const e2 = a[p + j + 2]! - b[q + j + 2]!;
    const e3 = a[p + j + 3]! - b[q + j + 3]!;
    r += e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3;
  }
  for (; j < d; j++) {
    const e = a[p + j]! - b[q + j]!;
    r += e * e;
  }
  return r;
}

/** sum_i w_i ||x_i - c_{label_i}||^2. @internal */
export function inertiaOf(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  C: Float64Array,
  labels: Int32Array,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = dist2Grouped(X, i * d, C, labels[i]! * d, d);
    s += w ? v * w[i]! : v;
  }
  return s;
}
