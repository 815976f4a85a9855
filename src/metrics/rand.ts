/**
 * The adjusted Rand index (Hubert and Arabie, "Comparing partitions", Journal of
 * Classification 2, 1985, pp. 193-218): the Rand index corrected for chance, 1 for identical
 * partitions, about 0 for independent ones, negative when worse than chance.
 *
 * From the pair confusion counts (pairs of samples counted ordered, as scikit-learn does):
 *   tp = sum_ij n_ij^2 - n,  fp = sum_j b_j^2 - sum_ij n_ij^2,  fn = sum_i a_i^2 - sum_ij n_ij^2,
 *   tn = n^2 - fp - fn - sum_ij n_ij^2,
 *   ARI = 2 (tp tn - fn fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)),  1 when fn = fp = 0,
 * with a_i, b_j the row and column sums of the contingency table n_ij. The counts are exact
 * integers (BigInt), so there is no cancellation for large n.
 *
 * Parity: equal to scikit-learn 1.2.1's `adjusted_rand_score` (to 1e-15).
 */
import { checkLabelPair, type Labeling, sparseContingency } from './contingency.js';

/**
 * Adjusted Rand index of two labelings of the same samples (symmetric). Labels are integers or
 * strings (see src/metrics/contingency.ts), so a clustering can be scored against a held-out
 * label column: `adjustedRandIndex(km.labels, dataset.labels)`.
 *
 * @example
 * import { adjustedRandIndex } from 'clusterlens';
 *
 * adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]); // => 1
 * adjustedRandIndex([0, 0, 1, 1], ['a', 'a', 'b', 'b']); // => 1
 * adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]); // => -0.5
 */
export function adjustedRandIndex(labelsA: Labeling, labelsB: Labeling): number {
  const [ea, eb] = checkLabelPair(labelsA, labelsB, 'adjustedRandIndex');
  const t = sparseContingency(ea, eb);
  let sumSquares = 0n;
  for (let i = 0; i < t.nzVal.length; i++) {
    const v = BigInt(t.nzVal[i]!);
    sumSquares += v * v;
  }
  let rowSq = 0n;
  for (let i = 0; i < t.rows; i++) {
    const v = BigInt(t.rowSums[i]!);
    rowSq += v * v;
  }
  let colSq = 0n;
  for (let j = 0; j < t.cols; j++) {
    const v = BigInt(t.colSums[j]!);
    colSq += v * v;
  }
  const n = BigInt(t.n);
  const tp = sumSquares - n;
  const fp = colSq - sumSquares;
  const fn = rowSq - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0n && fp === 0n) return 1;
  const num = 2n * (tp * tn - fn * fp);
  const den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return bigRatio(num, den);
}

/** num / den for big integers, rounded once-ish (scaled so both fit in a double). */
function bigRatio(num: bigint, den: bigint): number {
  const neg = num < 0n !== den < 0n;
  let a = num < 0n ? -num : num;
  let b = den < 0n ? -den : den;
  const shift = Math.max(0, Math.max(a.toString(2).length, b.toString(2).length) - 1000);
  if (shift > 0) {
    a >>= BigInt(shift);
    b >>= BigInt(shift);
  }
  const r = Number(a) / Number(b);
  return neg ? -r : r;
}
