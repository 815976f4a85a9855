/**
 * Mutual information between two labelings, normalized (NMI) and adjusted for chance (AMI).
 *
 *   MI = sum_ij (n_ij / n) log(n n_ij / (a_i b_j)),   H(U) = -sum_i (a_i / n) log(a_i / n)
 *   NMI = MI / mean(H(U), H(V))                       (arithmetic mean)
 *   AMI = (MI - E[MI]) / (mean(H(U), H(V)) - E[MI])
 *
 * with natural logarithms, n_ij the contingency table, a_i, b_j its row and column sums.
 * E[MI] is the exact expectation under the hypergeometric model of random labelings with the
 * same cluster sizes (Vinh, Epps and Bailey, "Information theoretic measures for clusterings
 * comparison", JMLR 11, 2010, pp. 2837-2854, eq. 24a), summed over every feasible n_ij in
 * log-space with log-factorials. Cost: O(sum_ij min(a_i, b_j)) for E[MI], O(n log n) otherwise.
 *
 * Parity: equal to scikit-learn 1.2.1's `normalized_mutual_info_score`,
 * `adjusted_mutual_info_score` (average_method='arithmetic', the default) and
 * `mutual_info_score`, including their special cases (both labelings a single cluster: 1; MI = 0
 * with NMI: 0), to 1e-10.
 *
 * Labels are integers or strings (see src/metrics/contingency.ts).
 */
import { pairwiseSum } from '../util/sum.js';
import {
  checkLabelPair,
  type EncodedLabels,
  type Labeling,
  type SparseContingency,
  sparseContingency,
} from './contingency.js';

const EPS = 2.220446049250313e-16;

/** Mutual information (nats) of two labelings of the same samples. */
export function mutualInfo(labelsA: Labeling, labelsB: Labeling): number {
  const [ea, eb] = checkLabelPair(labelsA, labelsB, 'mutualInfo');
  return miOf(sparseContingency(ea, eb));
}

/** Normalized mutual information (arithmetic mean of the entropies), in [0, 1]. */
export function normalizedMutualInfo(labelsA: Labeling, labelsB: Labeling): number {
  const [ea, eb] = checkLabelPair(labelsA, labelsB, 'normalizedMutualInfo');
  if (ea.classes.length === eb.classes.length && ea.classes.length <= 1) return 1;
  const mi = miOf(sparseContingency(ea, eb));
  if (mi === 0) return 0;
  return mi / ((entropyOf(ea) + entropyOf(eb)) / 2);
}

/** Adjusted mutual information (arithmetic mean of the entropies); 1 for equal partitions. */
export function adjustedMutualInfo(labelsA: Labeling, labelsB: Labeling): number {
  const [ea, eb] = checkLabelPair(labelsA, labelsB, 'adjustedMutualInfo');
  if (ea.classes.length === eb.classes.length && ea.classes.length <= 1) return 1;
  const t = sparseContingency(ea, eb);
  const mi = miOf(t);
  const emi = expectedMutualInfo(t);
  const normalizer = (entropyOf(ea) + entropyOf(eb)) / 2;
  let den = normalizer - emi;
  // emi can exceed the normalizer by rounding; keep the sign, avoid 0/0
  den = den < 0 ? Math.min(den, -EPS) : Math.max(den, EPS);
  return (mi - emi) / den;
}

/** MI from the contingency table, summed as scikit-learn (tiny terms set to 0, clipped at 0). */
function miOf(t: SparseContingency): number {
  if (t.rows === 1 || t.cols === 1) return 0;
  const total = t.n;
  const logTotal = Math.log(total);
  const logRowTotal = Math.log(pairwiseSum(t.rowSums, 0, t.rows));
  const logColTotal = Math.log(pairwiseSum(t.colSums, 0, t.cols));
  const m = t.nzVal.length;
  const terms = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const v = t.nzVal[i]!;
    const pn = v / total;
    const outer = t.rowSums[t.nzRow[i]!]! * t.colSums[t.nzCol[i]!]!;
    const logOuter = -Math.log(outer) + logRowTotal + logColTotal;
    const term = pn * (Math.log(v) - logTotal) + pn * logOuter;
    terms[i] = Math.abs(term) < EPS ? 0 : term;
  }
  const s = pairwiseSum(terms, 0, m);
  return Math.max(s, 0);
}

/** Entropy (nats) of an encoded labeling. */
function entropyOf(e: EncodedLabels<number | string>): number {
  const k = e.classes.length;
  if (k <= 1) return 0;
  const counts = new Float64Array(k);
  for (let i = 0; i < e.codes.length; i++) counts[e.codes[i]!]! += 1;
  const total = pairwiseSum(counts, 0, k);
  const logTotal = Math.log(total);
  const terms = new Float64Array(k);
  for (let i = 0; i < k; i++) terms[i] = (counts[i]! / total) * (Math.log(counts[i]!) - logTotal);
  return -pairwiseSum(terms, 0, k);
}

/** E[MI] under random labelings with the same cluster sizes (Vinh et al. 2010, eq. 24a). */
function expectedMutualInfo(t: SparseContingency): number {
  const { rows: R, cols: C, n } = t;
  if (R === 1 || C === 1) return 0;
  const a = t.rowSums;
  const b = t.colSums;
  const N = n;
  const lf = logFactorials(N);
  let maxAB = 0;
  for (let i = 0; i < R; i++) maxAB = Math.max(maxAB, a[i]!);
  for (let j = 0; j < C; j++) maxAB = Math.max(maxAB, b[j]!);
  const logN = Math.log(N);
  const logNnij = new Float64Array(maxAB + 1);
  const term1 = new Float64Array(maxAB + 1);
  for (let v = 0; v <= maxAB; v++) {
    const nij = v === 0 ? 1 : v;
    logNnij[v] = logN + Math.log(nij);
    term1[v] = nij / N;
  }
  const glnN = lf[N]!;
  let emi = 0;
  for (let i = 0; i < R; i++) {
    const ai = a[i]!;
    const logA = Math.log(ai);
    const glnA = lf[ai]!;
    const glnNa = lf[N - ai]!;
    for (let j = 0; j < C; j++) {
      const bj = b[j]!;
      const logB = Math.log(bj);
      const glnB = lf[bj]!;
      const glnNb = lf[N - bj]!;
      const start = Math.max(ai - N + bj, 1);
      const end = Math.min(ai, bj) + 1;
      for (let nij = start; nij < end; nij++) {
        const term2 = logNnij[nij]! - logA - logB;
        const gln =
          glnA +
          glnB +
          glnNa +
          glnNb -
          glnN -
          lf[nij]! -
          lf[ai - nij]! -
          lf[bj - nij]! -
          lf[N - ai - bj + nij]!;
        emi += term1[nij]! * term2 * Math.exp(gln);
      }
    }
  }
  return emi;
}

/** log(m!) for m = 0..n: exact products below 19, Stirling's series with 8 terms above. */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  let f = 1;
  for (let m = 0; m <= n; m++) {
    if (m <= 18) {
      if (m > 0) f *= m;
      out[m] = Math.log(f);
    } else {
      out[m] = logGammaLarge(m + 1);
    }
  }
  return out;
}

const HALF_LOG_2PI = 0.9189385332046728;

/** ln Gamma(x) for x >= 19 by Stirling's series (error below 1e-17 relative). */
function logGammaLarge(x: number): number {
  const z = 1 / (x * x);
  const series =
    (1 / 12 +
      z *
        (-1 / 360 +
          z *
            (1 / 1260 +
              z *
                (-1 / 1680 +
                  z * (1 / 1188 + z * (-691 / 360360 + z * (1 / 156 + z * (-3617 / 122400)))))))) /
    x;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
}
