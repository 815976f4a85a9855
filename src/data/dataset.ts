/**
 * The data model. `FeatureMatrix` is the one numeric type every algorithm works on; `Dataset` is
 * what a loader returns: the features plus the columns held out of them (ids, labels) and where
 * the data came from.
 *
 * Public fitting functions accept any `MatrixLike` and convert it once, at their boundary, with
 * `toFeatureMatrix`, which also rejects NaN and Infinity with the row and column.
 */
import { createHash } from 'node:crypto';
import { Matrix } from 'ml-matrix';
import { DataError } from '../util/errors.js';
import { finiteMagnitudeUnit, unitOfMax } from '../util/magnitude.js';
import { message, option } from '../util/message.js';
import { checkKnownOptions } from '../util/validate.js';

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
  /**
   * Format the loader used; 'matrix' for a dataset made from a matrix in memory
   * (`toDataset`, `buildReport` of a FeatureMatrix); 'image' for a folder of images
   * (`loadImageFolder`); 'sql' for the result of a query (`loadSql`, `readSqlChunks`).
   */
  format: 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet' | 'arrow' | 'matrix' | 'image' | 'sql';
  /**
   * A sample of the rows (`loadSample`, the CLI's --sample): `rows` of the `of` rows read (after
   * the missing-value policy 'drop'), drawn with `seed`. Absent: every row.
   */
  sample?: { rows: number; of: number; seed: number };
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

/**
 * A new zero-filled matrix, or a matrix over the given data (not copied). `rows` and `cols` are
 * non-negative safe integers and `data` has exactly rows * cols values (a `DataError` otherwise).
 */
export function featureMatrix(rows: number, cols: number, data?: Float64Array): FeatureMatrix {
  const fn = 'featureMatrix';
  checkDimension(fn, 'rows', rows);
  checkDimension(fn, 'cols', cols);
  if (data === undefined) {
    if (rows * cols > MAX_MATRIX_VALUES) tooLarge(fn, rows, cols);
    return { rows, cols, data: new Float64Array(rows * cols) };
  }
  if (!(data instanceof Float64Array)) {
    shapeError(fn, 'data', 'a Float64Array', data);
  }
  if (data.length !== rows * cols) lengthError(fn, rows, cols, data.length);
  return { rows, cols, data };
}

/**
 * Most values a `FeatureMatrix` can hold: the longest Float64Array of the engine (2^32 elements
 * on 64-bit Node 20; 2^31 - 1 before V8 11).
 */
const MAX_MATRIX_VALUES = 2 ** 32;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value;
}

function shapeError(fn: string, field: string, requirement: string, value: unknown): never {
  throw new DataError(
    `The data of ${fn} must be a FeatureMatrix whose '${field}' is ${requirement}. ` +
      `Got ${describe(value)} instead.`,
  );
}

function checkDimension(fn: string, field: 'rows' | 'cols', value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    shapeError(fn, field, 'a non-negative integer', value);
  }
  return value;
}

function lengthError(fn: string, rows: number, cols: number, length: number): never {
  throw new DataError(
    `The data of ${fn} must be a FeatureMatrix with rows * cols values (${rows} x ${cols} = ` +
      `${rows * cols}); its data has ${length}. Element (i, j) is data[i * cols + j].`,
  );
}

function tooLarge(fn: string, rows: number, cols: number): never {
  throw new DataError(
    `${fn}: a matrix of ${rows} x ${cols} = ${rows * cols} values is more than one ` +
      `Float64Array holds (${MAX_MATRIX_VALUES}). Use fewer rows (a sample) or fewer columns.`,
  );
}

/**
 * True if `x` has the fields of a `FeatureMatrix` (`rows`, `cols`, `data`), whatever their
 * values: `toFeatureMatrix` then checks them.
 */
function looksLikeFeatureMatrix(x: unknown): x is { rows: unknown; cols: unknown; data: unknown } {
  return typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'data' in x;
}

/**
 * The matrix checked at a public boundary: rows and cols non-negative safe integers, data a
 * Float64Array (used as is) or an array or typed array of numbers (copied), of rows * cols
 * values. A `DataError` names what is wrong.
 */
function checkedFeatureMatrix(
  x: { rows: unknown; cols: unknown; data: unknown },
  fn: string,
): FeatureMatrix {
  const rows = checkDimension(fn, 'rows', x.rows);
  const cols = checkDimension(fn, 'cols', x.cols);
  const data = x.data;
  let length: number;
  if (data instanceof Float64Array) length = data.length;
  else if (
    Array.isArray(data) ||
    (ArrayBuffer.isView(data) && !(data instanceof DataView) && !isBigIntArray(data))
  ) {
    length = (data as ArrayLike<unknown>).length;
  } else {
    shapeError(fn, 'data', 'a Float64Array or an array of numbers', data);
  }
  if (length !== rows * cols) lengthError(fn, rows, cols, length);
  if (data instanceof Float64Array) return { rows, cols, data };
  const values = data as ArrayLike<unknown>;
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const v = values[k];
    if (typeof v !== 'number') {
      throw new DataError(
        `${fn} expects numbers; data[${k}] is ${v === null ? 'null' : typeof v}.`,
        { row: cols === 0 ? 0 : Math.floor(k / cols), column: (k % cols) + 1 },
      );
    }
    out[k] = v;
  }
  return { rows, cols, data: out };
}

function isBigIntArray(x: ArrayBufferView): boolean {
  return x instanceof BigInt64Array || x instanceof BigUint64Array;
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
 * `Dataset` is returned as is (not copied, unless `copy`); callers must not write to it. Its
 * shape is checked: rows and cols non-negative safe integers, data.length = rows * cols (a
 * `FeatureMatrix` whose data is a plain array of numbers is copied into a Float64Array), and a
 * Dataset's `columns` one name per column. Anything else is a `DataError` naming the problem.
 */
export function toFeatureMatrix(
  x: MatrixLike,
  options: ToFeatureMatrixOptions = {},
): FeatureMatrix {
  checkKnownOptions('toFeatureMatrix', options, ['fn', 'allowNonFinite', 'copy']);
  const fn = options.fn ?? 'clusterlens';
  let out: FeatureMatrix;
  let columns: string[] | undefined;
  if (typeof x === 'object' && x !== null && 'features' in x && !Array.isArray(x)) {
    const features = (x as { features: unknown }).features;
    if (!looksLikeFeatureMatrix(features)) {
      throw new DataError(
        `The data of ${fn} must be a Dataset whose 'features' is a FeatureMatrix ` +
          `({rows, cols, data}). Got ${describe(features)} instead.`,
      );
    }
    const checked = checkedFeatureMatrix(features, fn);
    columns = checkColumns(fn, (x as { columns?: unknown }).columns, checked.cols);
    out = options.copy && checked.data === features.data ? copyMatrix(checked) : checked;
  } else if (looksLikeFeatureMatrix(x) && !Matrix.isMatrix(x)) {
    const checked = checkedFeatureMatrix(x, fn);
    out = options.copy && checked.data === x.data ? copyMatrix(checked) : checked;
  } else if (Matrix.isMatrix(x)) {
    const m = x as Matrix;
    if (m.rows * m.columns > MAX_MATRIX_VALUES) tooLarge(fn, m.rows, m.columns);
    out = featureMatrix(m.rows, m.columns);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = m.get(i, j);
    }
  } else if (Array.isArray(x)) {
    out = fromRows(x as readonly (readonly number[])[], fn);
  } else {
    throw new DataError(
      `The data of ${fn} must be number[][], an ml-matrix Matrix, a FeatureMatrix ` +
        `({rows, cols, data}) or a Dataset. Got ${describe(x)} instead.`,
    );
  }
  if (!options.allowNonFinite) assertFinite(out, fn, columns);
  return out;
}

/** A Dataset's feature names: undefined (none given) or one string per column. */
function checkColumns(fn: string, columns: unknown, cols: number): string[] | undefined {
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns) || columns.length !== cols) {
    throw new DataError(
      `The data of ${fn} must be a Dataset with one name in 'columns' per feature column ` +
        `(${cols}). Got ${describe(columns)} instead.`,
    );
  }
  for (let j = 0; j < cols; j++) {
    if (typeof columns[j] !== 'string') {
      throw new DataError(
        `The data of ${fn} must be a Dataset whose 'columns' are strings; columns[${j}] is ` +
          `${describe(columns[j])}.`,
      );
    }
  }
  return columns as string[];
}

function fromRows(rows: readonly (readonly number[])[], fn: string): FeatureMatrix {
  const n = rows.length;
  const first = rows[0];
  if (n > 0 && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
    throw new DataError(`${fn} expects each row to be an array of numbers.`, { row: 0 });
  }
  const d = n === 0 ? 0 : (first as ArrayLike<number>).length;
  if (n * d > MAX_MATRIX_VALUES) tooLarge(fn, n, d);
  const out = featureMatrix(n, d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
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
        message`${fn} needs finite numbers, but the value is ${v}. Remove or impute it (the loaders offer ${option('missing', ['drop', 'mean', 'median'])}).`,
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

/**
 * A `Dataset` from any `MatrixLike`, checked at a public boundary. A Dataset is returned as is
 * once its parts are checked (features as in `toFeatureMatrix`; one string per column in
 * `columns`; `ids` and `labels`, when given, one string per row; a `source` object). A matrix
 * becomes a Dataset with columns 'x1'..'xd' and a source of format 'matrix' whose SHA-256 is
 * that of the values (8 bytes each, little-endian, row by row). NaN and Infinity pass here;
 * the fits reject them with their row and column.
 */
export function toDataset(x: MatrixLike, fn = 'toDataset'): Dataset {
  const features = toFeatureMatrix(x, { fn, allowNonFinite: true });
  const { rows, cols } = features;
  if (typeof x === 'object' && x !== null && 'features' in x && !Array.isArray(x)) {
    const ds = x as Dataset;
    if (ds.columns === undefined) {
      throw new DataError(
        `The data of ${fn} must be a Dataset with 'columns', one name per column.`,
      );
    }
    const texts = (field: 'ids' | 'labels') => {
      const v = ds[field] as unknown;
      if (v === undefined) return;
      if (!Array.isArray(v) || v.length !== rows || v.some((t) => typeof t !== 'string')) {
        throw new DataError(
          `The data of ${fn} must be a Dataset whose '${field}' has one string per row (${rows}). ` +
            `Got ${describe(v)} instead.`,
        );
      }
    };
    texts('ids');
    texts('labels');
    for (const field of ['labelColumn', 'idColumn'] as const) {
      if (ds[field] !== undefined && typeof ds[field] !== 'string') {
        throw new DataError(
          `The data of ${fn} must be a Dataset whose '${field}' is a string. Got ${describe(ds[field])} instead.`,
        );
      }
    }
    const s = ds.source as unknown as Record<string, unknown> | undefined;
    const sourceOk =
      typeof s === 'object' &&
      s !== null &&
      typeof s.path === 'string' &&
      typeof s.sha256 === 'string' &&
      typeof s.format === 'string' &&
      Number.isSafeInteger(s.rowsRead) &&
      Number.isSafeInteger(s.rowsDropped) &&
      Number.isSafeInteger(s.valuesImputed) &&
      Array.isArray(s.leftOut);
    if (!sourceOk) {
      throw new DataError(
        `The data of ${fn} must be a Dataset with its 'source' (path, sha256, format, rowsRead, ` +
          'rowsDropped, valuesImputed, leftOut), as the loaders return it.',
      );
    }
    return features === ds.features ? ds : { ...ds, features };
  }
  const columns = new Array<string>(cols);
  for (let j = 0; j < cols; j++) columns[j] = `x${j + 1}`;
  const bytes = new Uint8Array(features.data.buffer, features.data.byteOffset, rows * cols * 8);
  return {
    features,
    columns,
    source: {
      path: '<memory>',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      rowsRead: rows,
      rowsDropped: 0,
      valuesImputed: 0,
      format: 'matrix',
      leftOut: [],
    },
  };
}

/** A deep copy. */
export function copyMatrix(x: FeatureMatrix): FeatureMatrix {
  return { rows: x.rows, cols: x.cols, data: x.data.slice() };
}

/** Rows as `number[][]` (for JSON and for interop with ml.js packages). */
export function toRows(x: FeatureMatrix): number[][] {
  x = toFeatureMatrix(x, { fn: 'toRows', allowNonFinite: true });
  const out: number[][] = new Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    out[i] = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
  }
  return out;
}

/** An ml-matrix `Matrix` with the same values. */
export function toMlMatrix(x: FeatureMatrix): Matrix {
  x = toFeatureMatrix(x, { fn: 'toMlMatrix', allowNonFinite: true });
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
  if (!Array.isArray(labels) && !(ArrayBuffer.isView(labels) && !(labels instanceof DataView))) {
    throw new DataError(
      `The ${what} of ${fn} must be an array of integers (or an Int32Array). ` +
        `Got ${describe(labels)} instead.`,
    );
  }
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new DataError(`${fn} expects integer ${what}; got ${v}.`, { row: i });
    }
    out[i] = v;
  }
  return out;
}
