/**
 * The data model. `FeatureMatrix` is the one numeric type every algorithm works on; `Dataset` is
 * what a loader returns: the features plus the columns held out of them (ids, labels) and where
 * the data came from.
 *
 * Public fitting functions accept any `MatrixLike` and convert it once, at their boundary, with
 * `toFeatureMatrix`, which also rejects NaN and Infinity with the row and column.
 */
import { Matrix } from 'ml-matrix';
import { DataError } from '../util/errors.js';
import { finiteMagnitudeUnit, unitOfMax } from '../util/magnitude.js';

/** A dense row-major matrix of doubles: element (i, j) is `data[i * cols + j]`. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Where a dataset came from and what the loader did to it. */
export interface DatasetSource {
  /** Path as given by the user, or '<memory>' for parsed text. */
  path: string;
  /** SHA-256 of the bytes read, hex. */
  sha256: string;
  /** Data rows read from the file (not counting the header). */
  rowsRead: number;
  /** Rows dropped by the missing-value policy `drop`. */
  rowsDropped: number;
  /** Values imputed by the `mean` or `median` policy. */
  valuesImputed: number;
  /** Format the loader used. */
  format: 'csv' | 'tsv' | 'json' | 'ndjson';
  /** Columns of the file that were left out of the features, with the reason. */
  leftOut: { column: string; reason: string }[];
  /** CSV and TSV: the field delimiter used (given, or detected from the first lines). */
  delimiter?: string;
  /** CSV and TSV: the decimal mark of the numbers (given, or detected from the first lines). */
  decimal?: '.' | ',';
  /**
   * What the loader decided on its own, one sentence each, for the preprocessing log: the CSV
   * dialect and why, a column of row names taken as the id. Absent: nothing to note.
   */
  notes?: string[];
}

/** A table of features plus its held-out columns. */
export interface Dataset {
  /** The numeric features, one row per sample. */
  features: FeatureMatrix;
  /** Names of the feature columns, in the order of `features`' columns. */
  columns: string[];
  /** Row names from the id column, if one was given. */
  ids?: string[];
  /** Values of the held-out label column (e.g. species); never used in a fit. */
  labels?: string[];
  /** Name of the label column, if one was given. */
  labelColumn?: string;
  /** Name of the id column, if one was given. */
  idColumn?: string;
  /** Provenance. */
  source: DatasetSource;
}

/** Everything a fitting function accepts as its data argument. */
export type MatrixLike = FeatureMatrix | Dataset | Matrix | readonly (readonly number[])[];

/** A new zero-filled matrix, or a matrix over the given data (not copied). */
export function featureMatrix(rows: number, cols: number, data?: Float64Array): FeatureMatrix {
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new RangeError(
      `featureMatrix: data has ${data.length} values, expected rows*cols = ${rows * cols}.`,
    );
  }
  return { rows, cols, data };
}

/** True if `x` is a `FeatureMatrix`. */
export function isFeatureMatrix(x: unknown): x is FeatureMatrix {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as FeatureMatrix).data instanceof Float64Array &&
    typeof (x as FeatureMatrix).rows === 'number' &&
    typeof (x as FeatureMatrix).cols === 'number'
  );
}

/** True if `x` is a `Dataset`. */
export function isDataset(x: unknown): x is Dataset {
  return typeof x === 'object' && x !== null && isFeatureMatrix((x as Dataset).features);
}

/** Options of `toFeatureMatrix`. */
export interface ToFeatureMatrixOptions {
  /** Name of the calling function, for messages. Default: 'clusterlens'. */
  fn?: string;
  /** Accept NaN and Infinity. Default: false (a `DataError` names the first bad cell). */
  allowNonFinite?: boolean;
  /** Copy even when the input already is a `FeatureMatrix`. Default: false. */
  copy?: boolean;
}

/**
 * Convert any `MatrixLike` to a `FeatureMatrix`, once, at a public boundary. A `FeatureMatrix` or
 * `Dataset` is returned as is (not copied, unless `copy`); callers must not write to it.
 */
export function toFeatureMatrix(
  x: MatrixLike,
  options: ToFeatureMatrixOptions = {},
): FeatureMatrix {
  const fn = options.fn ?? 'clusterlens';
  let out: FeatureMatrix;
  let columns: string[] | undefined;
  if (isDataset(x)) {
    out = options.copy ? copyMatrix(x.features) : x.features;
    columns = x.columns;
  } else if (isFeatureMatrix(x)) {
    out = options.copy ? copyMatrix(x) : x;
  } else if (Matrix.isMatrix(x)) {
    const m = x as Matrix;
    out = featureMatrix(m.rows, m.columns);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = m.get(i, j);
    }
  } else if (Array.isArray(x)) {
    out = fromRows(x as readonly (readonly number[])[], fn);
  } else {
    throw new TypeError(
      `${fn} expects the data as number[][], an ml-matrix Matrix, a FeatureMatrix or a Dataset. ` +
        `Got ${x === null ? 'null' : typeof x} instead.`,
    );
  }
  if (!options.allowNonFinite) assertFinite(out, fn, columns);
  return out;
}

function fromRows(rows: readonly (readonly number[])[], fn: string): FeatureMatrix {
  const n = rows.length;
  const d = n === 0 ? 0 : (rows[0]?.length ?? 0);
  const out = featureMatrix(n, d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!row || typeof row.length !== 'number') {
      throw new DataError(`${fn} expects each row to be an array of numbers.`, { row: i });
    }
    if (row.length !== d) {
      throw new DataError(
        `${fn} expects every row to have ${d} values (as row 0); this row has ${row.length}.`,
        { row: i },
      );
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        throw new DataError(`${fn} expects numbers; got ${typeof v}.`, { row: i, column: j + 1 });
      }
      out.data[i * d + j] = v;
    }
  }
  return out;
}

/** Throw a `DataError` naming the first NaN or infinite cell. */
export function assertFinite(x: FeatureMatrix, fn = 'clusterlens', columns?: string[]): void {
  const { data, cols } = x;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v - v !== 0) {
      const row = Math.floor(k / cols);
      const col = k % cols;
      throw new DataError(
        `${fn} needs finite numbers, but the value is ${v}. Remove or impute it ` +
          `(the loaders' missing option, --missing drop|mean|median).`,
        { row, column: columns?.[col] ?? col + 1 },
      );
    }
  }
}

/**
 * `magnitudeUnit` of x's values (util/magnitude.ts) once they are known to be finite: NaN or an
 * infinity is the `DataError` of `assertFinite`, naming its row and column. `max` is the largest
 * |value| when a kernel has already found it (NaN if a value is not finite); else one pass here
 * finds both.
 */
export function finiteUnitOf(
  x: FeatureMatrix,
  fn: string,
  columns: string[] | undefined,
  range: { low?: number; high?: number; max?: number } = {},
): number {
  const unit =
    range.max === undefined
      ? finiteMagnitudeUnit(x.data, range.low, range.high)
      : unitOfMax(range.max, range.low, range.high);
  if (unit === null) {
    assertFinite(x, fn, columns);
    throw new Error(`${fn}: a non-finite value was not found again.`); // unreachable
  }
  return unit;
}

/** A deep copy. */
export function copyMatrix(x: FeatureMatrix): FeatureMatrix {
  return { rows: x.rows, cols: x.cols, data: x.data.slice() };
}

/** Rows as `number[][]` (for JSON and for interop with ml.js packages). */
export function toRows(x: FeatureMatrix): number[][] {
  const out: number[][] = new Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    out[i] = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
  }
  return out;
}

/** An ml-matrix `Matrix` with the same values. */
export function toMlMatrix(x: FeatureMatrix): Matrix {
  const m = new Matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) m.set(i, j, x.data[i * x.cols + j]!);
  }
  return m;
}

/** Labels given as `Int32Array` or `number[]`, checked to be integers, as an `Int32Array`. */
export function toLabels(
  labels: ArrayLike<number>,
  fn = 'clusterlens',
  what = 'labels',
): Int32Array {
  if (labels instanceof Int32Array) return labels;
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new DataError(`${fn} expects integer ${what}; got ${v}.`, { row: i });
    }
    out[i] = v;
  }
  return out;
}
