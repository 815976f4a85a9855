/**
 * The Davies-Bouldin index (Davies and Bouldin, "A cluster separation measure", IEEE TPAMI 1(2),
 * 1979, pp. 224-227):
 *
 *   S_c = mean distance of the members of cluster c to its centroid m_c,
 *   DB  = (1/k) sum_c max_{c' != c} (S_c + S_c') / ||m_c - m_c'||.
 *
 * Lower is better; 0 when every S_c is 0 or all centroids coincide (to 1e-8, as scikit-learn's
 * `np.allclose`); a pair of coincident centroids is skipped. O(n d + k^2 d) time.
 * Parity: scikit-learn 1.2.1's `davies_bouldin_score` (label rule 2 <= k <= n-1).
 */
import { type MatrixLike, toFeatureMatrix, toLabels } from '../data/dataset.js';
import { withOrdinaryMagnitude } from '../util/magnitude.js';
import { encodeLabels, type LabelsLike } from './contingency.js';
import { checkNumberOfLabels, checkSameLength } from './silhouette.js';

/** Davies-Bouldin index of X under `labels`. */
export function daviesBouldin(X: MatrixLike, labels: LabelsLike): number {
  const fn = 'daviesBouldin';
  // scale-invariant: extreme values are divided by a power of two first (util/magnitude.ts)
  const M = withOrdinaryMagnitude(toFeatureMatrix(X, { fn }));
  const l = toLabels(labels, fn);
  const { rows: n, cols: d, data } = M;
  checkSameLength(M, l, fn);
  const { codes, classes } = encodeLabels(l);
  const k = classes.length;
  checkNumberOfLabels(k, n, fn);
  const cm = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    sizes[c]! += 1;
    for (let j = 0; j < d; j++) cm[c * d + j]! += data[i * d + j]!;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) cm[c * d + j]! /= sizes[c]!;
  const intra = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = data[i * d + j]! - cm[c * d + j]!;
      s += e * e;
    }
    intra[c]! += Math.sqrt(s);
  }
  let allIntraZero = true;
  for (let c = 0; c < k; c++) {
    intra[c]! /= sizes[c]!;
    if (Math.abs(intra[c]!) > 1e-8) allIntraZero = false;
  }
  const cd = new Float64Array(k * k);
  let allCentroidsZero = true;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = cm[a * d + j]! - cm[b * d + j]!;
        s += e * e;
      }
      const v = Math.sqrt(s);
      cd[a * k + b] = v;
      cd[b * k + a] = v;
      if (v > 1e-8) allCentroidsZero = false;
    }
  }
  if (allIntraZero || allCentroidsZero) return 0;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (b === a || cd[a * k + b] === 0) continue;
      const r = (intra[a]! + intra[b]!) / cd[a * k + b]!;
      if (r > worst) worst = r;
    }
    total += worst;
  }
  return total / k;
}
