/**
 * Column moments of a stream of row chunks, and the scaling they give: what `scale` computes on
 * the rows in memory, computed in one pass over chunks (src/report/stream.ts).
 *
 * Per column: the count of values (NaN, a missing value left in the chunk, is skipped), the
 * mean, the sum of squared deviations M2, the minimum and maximum. Each chunk's moments are
 * computed by the corrected two-pass algorithm (as `scale` computes a column's), then merged into
 * the running totals by the pairwise update of Chan, Golub and LeVeque:
 *
 *   n = na + nb,   delta = mean_b - mean_a,
 *   mean = mean_a + delta * nb / n,
 *   M2 = M2_a + M2_b + delta^2 * na * nb / n.
 *
 * Missing values imputed with a value v (the column's mean, or its median) are merged as a block
 * of that many copies of v (mean v, M2 0), so the moments are those of the imputed column that
 * `loadDataset` would have given. The result equals `scale` on all rows to rounding (about 1e-15
 * relative).
 *
 * Reference: T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing the sample
 * variance: analysis and recommendations", The American Statistician 37(3), 1983, pp. 242-247.
 */
import { DataError } from '../util/errors.js';
import { warn } from '../util/log.js';
import { magnitudeUnit } from '../util/magnitude.js';
import type { ScaleMethod, ScalingParameters } from './scale.js';

/** Running per-column moments of the chunks added so far. */
export class RunningMoments {
  readonly cols: number;
  /** Rows added. */
  rows = 0;
  /** Values (not NaN) per column. */
  readonly count: Float64Array;
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean. */
  readonly m2: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  // per-chunk work arrays
  readonly #n: Float64Array;
  readonly #sum: Float64Array;
  readonly #ss: Float64Array;
  readonly #corr: Float64Array;

  constructor(cols: number) {
    this.cols = cols;
    this.count = new Float64Array(cols);
    this.mean = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
    this.min = new Float64Array(cols).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(cols).fill(Number.NEGATIVE_INFINITY);
    this.#n = new Float64Array(cols);
    this.#sum = new Float64Array(cols);
    this.#ss = new Float64Array(cols);
    this.#corr = new Float64Array(cols);
  }

  /** Add `rows` rows of `data` (row-major, `cols` values each; NaN: missing, skipped). */
  add(data: Float64Array, rows: number): void {
    const d = this.cols;
    const nb = this.#n.fill(0);
    const sum = this.#sum.fill(0);
    const ss = this.#ss.fill(0);
    const corr = this.#corr.fill(0);
    const { min, max } = this;
    for (let i = 0; i < rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) {
        const v = data[o + j]!;
        if (Number.isNaN(v)) continue;
        nb[j]!++;
        sum[j]! += v;
        if (v < min[j]!) min[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    }
    for (let j = 0; j < d; j++) sum[j] = nb[j]! > 0 ? sum[j]! / nb[j]! : 0; // the chunk's means
    for (let i = 0; i < rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) {
        const v = data[o + j]!;
        if (Number.isNaN(v)) continue;
        const dev = v - sum[j]!;
        ss[j]! += dev * dev;
        corr[j]! += dev;
      }
    }
    for (let j = 0; j < d; j++) {
      const n = nb[j]!;
      if (n === 0) continue;
      this.merge(j, n, sum[j]!, ss[j]! - (corr[j]! * corr[j]!) / n);
    }
    this.rows += rows;
  }

  /** Merge `n` values of mean `mean` and sum of squared deviations `m2` into column j. */
  merge(j: number, n: number, mean: number, m2: number): void {
    const na = this.count[j]!;
    const total = na + n;
    const delta = mean - this.mean[j]!;
    this.mean[j] = this.mean[j]! + (delta * n) / total;
    this.m2[j] = this.m2[j]! + m2 + (delta * delta * na * n) / total;
    this.count[j] = total;
  }

  /** Count every missing value of column j as `value` (the imputation of `loadDataset`). */
  impute(j: number, value: number): void {
    const missing = this.rows - this.count[j]!;
    if (missing <= 0) return;
    this.merge(j, missing, value, 0);
    if (value < this.min[j]!) this.min[j] = value;
    if (value > this.max[j]!) this.max[j] = value;
  }
}

/**
 * The parameters of `scale(X, method)` from the moments of all the rows of X ('none',
 * 'standard', 'minmax'; 'robust' needs the whole column sorted and is not computed here). Columns
 * of extreme magnitude (`magnitudeUnit` not 1) are a `DataError`: their sums of squares are not
 * representable in the stream; scale them by a constant first. Constant columns warn as `scale`
 * does.
 */
export function scalingFromMoments(
  how: Exclude<ScaleMethod, 'robust'>,
  m: RunningMoments,
  names: readonly string[],
  where: string,
): ScalingParameters {
  const d = m.cols;
  const center = new Float64Array(d);
  const factor = new Float64Array(d).fill(1);
  const unit = new Float64Array(d).fill(1);
  const constantColumns: number[] = [];
  for (let j = 0; j < d; j++) {
    if (how === 'none') continue;
    const min = m.min[j]!;
    const max = m.max[j]!;
    if (min === max) {
      constantColumns.push(j);
      center[j] = min;
      warn(`scale: column '${names[j]}' is constant (every value is ${min}); it is scaled to 0.`);
      continue;
    }
    if (magnitudeUnit([min, max]) !== 1) {
      throw new DataError(
        `${where}: column '${names[j]}' has values as extreme as ${Math.abs(min) > Math.abs(max) ? min : max}, ` +
          'beyond what a one-pass scaling can sum. Divide the column by a constant first.',
      );
    }
    if (how === 'standard') {
      center[j] = m.mean[j]!;
      factor[j] = Math.sqrt(m.m2[j]! / m.count[j]!);
    } else {
      center[j] = min;
      factor[j] = max - min;
    }
  }
  return {
    center,
    scale: factor,
    unit,
    centerU: center.slice(),
    factorU: factor.slice(),
    constantColumns,
  };
}
