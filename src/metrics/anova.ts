/**
 * One-way analysis of variance of every feature across clusters: the F statistic that orders the
 * features of the cluster profiles (src/charts/profiles.ts) and of the report's prose.
 */
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';

/**
 * One-way ANOVA F statistic of every column of `x` (row-major n x d) across the groups in
 * `labels` (0..k-1): F = [SS_between / (k - 1)] / [SS_within / (n - k)]. A column that is constant
 * within every group but not across them gives Infinity (as scikit-learn's `f_classif`); a
 * constant column gives NaN. "Constant" allows for rounding: SS_within at most (n eps)^2 times the
 * total sum of squares (eps = 2^-52) is the rounding error of the group means, not variance, and
 * counts as 0 (without this, a column constant within the groups came out as F ~ 1e32).
 */
export function anovaF(
  x: ArrayLike<number>,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  k: number,
): Float64Array {
  const fn = 'anovaF';
  checkArgument.integer(fn, 'n', n, 0);
  checkArgument.integer(fn, 'd', d, 0);
  checkArgument.numbers(fn, 'x', x, n * d);
  checkArgument.integer(fn, 'k', k, 1, Math.max(1, n));
  checkArgument.numbers(fn, 'labels', labels, n);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < k) || !Number.isInteger(c)) {
      throw new OptionError(`anovaF: label ${c} of row ${i} is not an integer in [0, ${k}).`);
    }
  }
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const total = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      sums[c * d + j]! += v;
      total[j]! += v;
    }
  }
  const within = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    for (let j = 0; j < d; j++) {
      const dv = x[i * d + j]! - sums[c * d + j]! / counts[c]!;
      within[j]! += dv * dv;
    }
  }
  const out = new Float64Array(d);
  let groups = 0;
  for (let c = 0; c < k; c++) if (counts[c]! > 0) groups++;
  const rounding = (n * Number.EPSILON) ** 2;
  for (let j = 0; j < d; j++) {
    const grand = total[j]! / n;
    let between = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      const dm = sums[c * d + j]! / counts[c]! - grand;
      between += counts[c]! * dm * dm;
    }
    const w = within[j]! <= rounding * (between + within[j]!) ? 0 : within[j]!;
    out[j] = between / (groups - 1) / (w / (n - groups));
  }
  return out;
}
