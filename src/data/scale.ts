/**
 * `scale(X, method)`: centre and scale each feature column, and keep the fitted parameters so
 * new data can be transformed the same way (`result.transform(Y)`).
 *
 * Every method is x' = (x - center[j]) / scale[j], with
 *
 *   method     center[j]            scale[j]
 *   none       0                    1
 *   standard   mean                 population standard deviation (divisor n), as
 *                                   scikit-learn's StandardScaler
 *   minmax     min                  max - min (so x' is in [0, 1]), as MinMaxScaler
 *   robust     median               interquartile range q75 - q25 (numpy's linear percentiles),
 *                                   as RobustScaler
 *
 * A constant column (min = max) is reported with a warning naming it, gets scale 1 and center
 * its value, so it is scaled to exactly 0; nothing is divided by zero. A robust scale of 0 (a
 * column that is constant on its middle half) is likewise replaced by 1, with a warning.
 *
 * Extreme magnitudes. A column whose largest |x| is above 2^500 (~3e150) or below 2^-500
 * (~3e-151, subnormals included) is first divided by the power of two u[j] nearest below its
 * largest |x| (exact: only the exponent changes), its parameters are computed on x / u[j], and
 * it is transformed as (x / u[j] - center[j] / u[j]) / (scale[j] / u[j]). So the sums, squares
 * and differences of values near 1e300 do not overflow to Infinity and those of values near
 * 1e-300 do not underflow to 0: the scaled data is finite and as accurate as for ordinary
 * values. Other columns are computed exactly as before (u[j] = 1). The reported center and
 * scale are the true ones, u[j] times the computed ones (a range wider than the largest double,
 * as between -1.7e308 and 1.7e308, is reported as Infinity, but the scaled data stays right).
 *
 * Column names travel with the scaling: from a `Dataset` input (or the `columns` option) the
 * result keeps them in `columns` and in its JSON, and for a `Dataset` input `result.dataset` is
 * the same dataset with the scaled features (ids, labels and provenance kept), so that what is
 * fitted on it next (`pca(result.dataset)`) still names its columns.
 *
 * Cost: O(n d) for standard and minmax; robust sorts each column, O(n d log n).
 */
import { OptionError } from '../util/errors.js';
import { formatProse } from '../util/format.js';
import { warn } from '../util/log.js';
import { magnitudeUnit } from '../util/magnitude.js';
import { checkArgument, checkKeyword, checkKnownOptions } from '../util/validate.js';
import {
  type Dataset,
  type FeatureMatrix,
  type MatrixLike,
  featureMatrix,
  isDataset,
  toFeatureMatrix,
} from './dataset.js';

/** The scaling methods. */
export const SCALE_METHODS = ['none', 'standard', 'minmax', 'robust'] as const;

/** How `scale` centres and scales the columns. */
export type ScaleMethod = (typeof SCALE_METHODS)[number];

/** True if `value` is a scaling method. */
export function isScaleMethod(value: unknown): value is ScaleMethod {
  return typeof value === 'string' && (SCALE_METHODS as readonly string[]).includes(value);
}

/** Options of `scale`. */
export interface ScaleOptions {
  /** The method (see the table in the file comment). Default: 'standard'. */
  method?: ScaleMethod;
  /**
   * Names of the columns, one per column, for warnings and for the result's `columns`.
   * Default: the dataset's columns; for other inputs none (warnings say 'column 1', ...).
   */
  columns?: readonly string[];
}

const defaults = { method: 'standard' } as const;

/** Fitted scaling: the scaled data and the parameters that produced it. */
export interface ScaleResult {
  method: ScaleMethod;
  /** The scaled data (a new matrix; the input is not changed). */
  scaled: FeatureMatrix;
  /** Names of the columns (the `columns` option, else a dataset's columns), if known. */
  columns: string[] | undefined;
  /**
   * For a `Dataset` input: the dataset with `scaled` as its features; its columns, ids, labels
   * and source are the input's (the `columns` option names only `columns` and the warnings).
   * Undefined for other inputs.
   */
  dataset: Dataset | undefined;
  /** Subtracted from each column. */
  center: Float64Array;
  /** Each centred column is divided by this (never 0). */
  scale: Float64Array;
  /** 0-based indices of the constant columns (scaled to 0). */
  constantColumns: number[];
  /** Scale new data with the fitted parameters (same number of columns). */
  transform(X: MatrixLike): FeatureMatrix;
  /** Undo the scaling: x = x' * scale + center. */
  inverseTransform(X: MatrixLike): FeatureMatrix;
  /** The parameters as plain JSON. */
  toJSON(): {
    method: ScaleMethod;
    center: number[];
    scale: number[];
    constantColumns: number[];
    /** Present when the names are known. */
    columns?: string[];
  };
}

/**
 * Fit a scaling to `X` and return the scaled data with the fitted parameters.
 *
 * @example
 * import { scale } from 'clusterlens';
 *
 * const { scaled, center } = scale([[1, 10], [3, 30]]);
 * scaled.data; // => [-1, -1, 1, 1]
 * center; // => [2, 20]
 */
export function scale(X: MatrixLike, method: ScaleMethod | ScaleOptions = {}): ScaleResult {
  const options: ScaleOptions = typeof method === 'string' ? { method } : method;
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(
      `scale expects a method ('none', 'standard', 'minmax', 'robust') or an options object. Got ${String(options)} instead.`,
    );
  }
  checkKnownOptions('scale', options, ['method', 'columns']);
  const resolved = { ...defaults, ...options };
  const how = checkKeyword('scale', 'method', resolved.method, SCALE_METHODS);
  const x = toFeatureMatrix(X, { fn: 'scale' });
  const names = resolved.columns ?? (isDataset(X) ? X.columns : undefined);
  const { rows: n, cols: d, data } = x;
  if (names !== undefined) checkNames(names, d);
  if (n === 0) throw new OptionError('scale needs at least one row. Got 0 rows.');

  const center = new Float64Array(d);
  const factor = new Float64Array(d).fill(1);
  // Per column: the power of two the values are divided by (1 unless extreme), and the center
  // and scale of the divided values, which the transform uses.
  const unit = new Float64Array(d).fill(1);
  const centerU = new Float64Array(d);
  const factorU = new Float64Array(d).fill(1);
  const constantColumns: number[] = [];
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j]!;
      column[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (how === 'none') continue;
    if (min === max) {
      constantColumns.push(j);
      center[j] = min;
      centerU[j] = min;
      warn(
        `scale: column ${columnName(names, j)} is constant (every value is ${min}); it is ` +
          'scaled to 0.',
      );
      continue;
    }
    const u = magnitudeUnit([min, max]);
    if (u !== 1) {
      for (let i = 0; i < n; i++) column[i] = column[i]! / u;
      min /= u;
      max /= u;
    }
    unit[j] = u;
    switch (how) {
      case 'standard': {
        // Two-pass: the mean, then the mean squared deviation (population variance).
        let sum = 0;
        for (let i = 0; i < n; i++) sum += column[i]!;
        const mean = sum / n;
        let ss = 0;
        let correction = 0;
        for (let i = 0; i < n; i++) {
          const dev = column[i]! - mean;
          ss += dev * dev;
          correction += dev;
        }
        // Corrected two-pass algorithm (Chan, Golub and LeVeque 1983, eq. 1.7).
        const variance = (ss - (correction * correction) / n) / n;
        center[j] = mean;
        factor[j] = Math.sqrt(variance);
        break;
      }
      case 'minmax':
        center[j] = min;
        factor[j] = max - min;
        break;
      case 'robust': {
        column.sort();
        center[j] = medianOfSorted(column);
        const iqr = percentileOfSorted(column, 0.75) - percentileOfSorted(column, 0.25);
        if (iqr === 0) {
          warn(
            `scale: column ${columnName(names, j)} has an interquartile range of 0; it is ` +
              'centred on its median but not scaled.',
          );
        } else {
          factor[j] = iqr;
        }
        break;
      }
    }
    centerU[j] = center[j]!;
    factorU[j] = factor[j]!;
    center[j] = center[j]! * u;
    factor[j] = factor[j]! * u;
  }
  return scalingFrom(
    how,
    { center, scale: factor, unit, centerU, factorU, constantColumns },
    X,
    names,
    x,
  );
}

/**
 * The parameters of a fitted scaling: the reported `center` and `scale` (the true ones), and per
 * column the power-of-two unit the values are divided by and the center and scale of the divided
 * values, which the transform uses (see the file comment).
 */
export interface ScalingParameters {
  center: Float64Array;
  scale: Float64Array;
  unit: Float64Array;
  centerU: Float64Array;
  factorU: Float64Array;
  constantColumns: number[];
}

/**
 * The `ScaleResult` of parameters fitted elsewhere (by `scale`, or from the column moments of a
 * stream: src/report/stream.ts), applied to `X` (`converted`: X as a FeatureMatrix, when the
 * caller has it).
 */
export function scalingFrom(
  how: ScaleMethod,
  params: ScalingParameters,
  X: MatrixLike,
  names: readonly string[] | undefined,
  converted?: FeatureMatrix,
): ScaleResult {
  const { center, scale: factor, unit, centerU, factorU, constantColumns } = params;
  const d = center.length;
  const apply = (input: MatrixLike, fn: string): FeatureMatrix => {
    const y = toFeatureMatrix(input, { fn });
    checkColumns(y, d, fn);
    const out = featureMatrix(y.rows, d);
    for (let i = 0; i < y.rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) {
        out.data[o + j] = (y.data[o + j]! / unit[j]! - centerU[j]!) / factorU[j]!;
      }
    }
    return out;
  };
  const scaled = apply(converted ?? X, 'scale');
  const columns = names === undefined ? undefined : [...names];
  return {
    method: how,
    scaled,
    columns,
    dataset: isDataset(X) ? { ...X, features: scaled, columns: [...X.columns] } : undefined,
    center,
    scale: factor,
    constantColumns,
    transform: (Y) => apply(Y, 'scale().transform'),
    inverseTransform(Y) {
      const y = toFeatureMatrix(Y, { fn: 'scale().inverseTransform' });
      checkColumns(y, d, 'scale().inverseTransform');
      const out = featureMatrix(y.rows, d);
      for (let i = 0; i < y.rows; i++) {
        const o = i * d;
        for (let j = 0; j < d; j++) {
          out.data[o + j] = (y.data[o + j]! * factorU[j]! + centerU[j]!) * unit[j]!;
        }
      }
      return out;
    },
    toJSON: () => ({
      method: how,
      center: Array.from(center),
      scale: Array.from(factor),
      constantColumns: constantColumns.slice(),
      ...(columns === undefined ? {} : { columns: columns.slice() }),
    }),
  };
}

function checkNames(names: readonly string[], d: number): void {
  if (!Array.isArray(names) || names.length !== d || names.some((v) => typeof v !== 'string')) {
    throw new OptionError(
      `The 'columns' option of scale must be ${d} column names (strings), one per column. Got ` +
        `${Array.isArray(names) ? `${names.length} ${names.length === 1 ? 'name' : 'names'}` : typeof names} instead.`,
    );
  }
}

function checkColumns(y: FeatureMatrix, d: number, fn: string): void {
  if (y.cols !== d) {
    throw new OptionError(
      `${fn}: the data has ${y.cols} columns, but the scaling was fitted on ${d}.`,
    );
  }
}

function columnName(names: readonly string[] | undefined, j: number): string {
  const name = names?.[j];
  return name === undefined ? `${j + 1}` : `'${name}'`;
}

/** Median of sorted values: the middle one, or the mean of the two middle ones. */
function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Percentile q in [0, 1] of sorted values with linear interpolation between the closest ranks
 * (numpy's default 'linear' method): h = (n - 1) q, x[floor h] + (h - floor h)(x[floor h + 1] -
 * x[floor h]); for a fraction >= 0.5 the same point is computed from the upper neighbour, which is
 * how numpy rounds it.
 */
export function percentileOfSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo]!;
  if (lo + 1 >= n) return a;
  const b = sorted[lo + 1]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Variances that differ by at least this factor make unscaled distances one feature's. */
export const VARIANCE_RATIO_WARNING = 100;

/** How unequal the variances of the (non-constant) columns are: `varianceSpread`. */
export interface VarianceSpread {
  /** Largest over smallest variance (Infinity beyond the double range). */
  ratio: number;
  /** The column of the largest variance, its variance and its share of the sum of variances. */
  dominant: { column: number; name: string; variance: number; share: number };
  /** The column of the smallest variance and its variance. */
  smallest: { column: number; name: string; variance: number };
}

/**
 * The spread of the column variances (population variance; constant columns left out), or
 * undefined with fewer than two non-constant columns. Unscaled Euclidean distances weigh each
 * feature by its variance: with a `ratio` of 100 or more (`VARIANCE_RATIO_WARNING`), the
 * `dominant` feature decides the clusters and the principal components almost alone. Columns of
 * extreme magnitude are handled as logarithms, so no variance overflows.
 */
export function varianceSpread(
  X: MatrixLike,
  columns?: readonly string[],
): VarianceSpread | undefined {
  const x = toFeatureMatrix(X, { fn: 'varianceSpread' });
  if (columns !== undefined) checkArgument.strings('varianceSpread', 'columns', columns, x.cols);
  const names = columns ?? (isDataset(X) ? X.columns : undefined);
  const { rows: n, cols: d, data } = x;
  const logVar = new Float64Array(d).fill(-Infinity);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * d + j]!;
    const u = magnitudeUnit(column);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += column[i]! / u;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const dev = column[i]! / u - mean;
      ss += dev * dev;
    }
    if (ss > 0) logVar[j] = Math.log(ss / n) + 2 * Math.log(u);
  }
  let hi = -1;
  let lo = -1;
  for (let j = 0; j < d; j++) {
    if (logVar[j] === -Infinity) continue;
    if (hi < 0 || logVar[j]! > logVar[hi]!) hi = j;
    if (lo < 0 || logVar[j]! < logVar[lo]!) lo = j;
  }
  if (hi < 0 || hi === lo) return undefined;
  let sum = 0;
  for (let j = 0; j < d; j++)
    if (logVar[j] !== -Infinity) sum += Math.exp(logVar[j]! - logVar[hi]!);
  const name = (j: number) => names?.[j] ?? `column ${j + 1}`;
  return {
    ratio: Math.exp(logVar[hi]! - logVar[lo]!),
    dominant: { column: hi, name: name(hi), variance: Math.exp(logVar[hi]!), share: 1 / sum },
    smallest: { column: lo, name: name(lo), variance: Math.exp(logVar[lo]!) },
  };
}

/**
 * The spread in one clause, for a warning or a report: "the features are not scaled and their
 * variances differ by 1.5e+4 times: 'disp' (variance 1.536e+4, 89% of the total) dominates the
 * distances, 'am' (variance 0.2) counts for almost nothing".
 */
export function describeVarianceSpread(spread: VarianceSpread): string {
  const d = spread.dominant;
  return (
    `the features are not scaled and their variances differ by ${formatProse(spread.ratio)} ` +
    `times: '${d.name}' (variance ${formatProse(d.variance)}, ${formatProse(100 * d.share)}% ` +
    `of the total) dominates the distances, '${spread.smallest.name}' (variance ` +
    `${formatProse(spread.smallest.variance)}) counts for almost nothing`
  );
}
