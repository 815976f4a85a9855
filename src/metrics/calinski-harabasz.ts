/**
 * The Calinski-Harabasz index (variance ratio criterion; Calinski and Harabasz, "A dendrite
 * method for cluster analysis", Communications in Statistics 3(1), 1974, pp. 1-27):
 *
 *   CH = [B / (k - 1)] / [W / (n - k)],
 *   B = sum_c n_c ||m_c - m||^2 (between-cluster dispersion),
 *   W = sum_c sum_{i in c} ||x_i - m_c||^2 (within-cluster dispersion),
 *
 * with m the mean of X and m_c the cluster means; CH = 1 when W = 0. Higher is better.
 * O(n d) time. Parity: scikit-learn 1.2.1's `calinski_harabasz_score` (label rule 2 <= k <= n-1).
 */
import { type MatrixLike, toFeatureMatrix, toLabels } from '../data/dataset.js';
import { withOrdinaryMagnitude } from '../util/magnitude.js';
import { encodeLabels, type LabelsLike } from './contingency.js';
import { checkNumberOfLabels, checkSameLength } from './silhouette.js';

/** Calinski-Harabasz index of X under `labels`. */
export function calinskiHarabasz(X: MatrixLike, labels: LabelsLike): number {
  const fn = 'calinskiHarabasz';
  // scale-invariant: extreme values are divided by a power of two first (util/magnitude.ts)
  const M = withOrdinaryMagnitude(toFeatureMatrix(X, { fn }));
  const l = toLabels(labels, fn);
  const { rows: n, cols: d, data } = M;
  checkSameLength(M, l, fn);
  const { codes, classes } = encodeLabels(l);
  const k = classes.length;
  checkNumberOfLabels(k, n, fn);
  const mean = new Float64Array(d);
  const cm = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    sizes[c]! += 1;
    for (let j = 0; j < d; j++) {
      mean[j]! += data[i * d + j]!;
      cm[c * d + j]! += data[i * d + j]!;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) cm[c * d + j]! /= sizes[c]!;
  let between = 0;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = cm[c * d + j]! - mean[j]!;
      s += e * e;
    }
    between += sizes[c]! * s;
  }
  let within = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    for (let j = 0; j < d; j++) {
      const e = data[i * d + j]! - cm[c * d + j]!;
      within += e * e;
    }
  }
  if (within === 0) return 1;
  return (between * (n - k)) / (within * (k - 1));
}
