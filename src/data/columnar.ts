/**
 * What the columnar loaders (parquet.ts, arrow.ts) share: the opened file as column names plus
 * parts of rows (Parquet row groups, Arrow record batches) read one at a time, the conversion of
 * their values to the runs the table builder takes (columns.ts), and the load of a whole table.
 *
 * Type rules, as pandas and R read the same file and as the CSV loader reads the CSV they would
 * write: integers (8 to 64 bits, signed or not), floats (16, 32, 64 bits) and decimals are
 * numbers, so candidate features; a null is a missing value, and so is a floating-point NaN
 * (pandas makes no difference between them); an infinite value in a feature is an error naming
 * it. Strings, dictionary (categorical) columns, booleans, dates, timestamps, times, binary and
 * nested values are not numbers: as label or id they are kept as text (timestamps as ISO 8601,
 * booleans as 'true'/'false'), otherwise left out of the features with the usual warning. A
 * 64-bit integer beyond 2^53 in magnitude has no exact double: a warning names the column and the
 * first such value, which is rounded to the nearest double (make the column an id, or exclude it,
 * when it is a key).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { warn } from '../util/log.js';
import { type ColumnOptions, type ColumnRun, type LoadedTable, TableBuilder } from './columns.js';
import type { DatasetSource } from './dataset.js';
import { fileError } from './csv.js';

/** Which columns a reader must convert, and how (a `TableBuilder` is one). */
export interface ColumnSelect {
  /** False for a column that is not read. */
  reads(j: number): boolean;
  /** True for a column kept as text (its numbers need their text too). */
  keepsText(j: number): boolean;
}

/** One part of a columnar file, converted. */
export interface ColumnarPart {
  /** Rows in the part. */
  rows: number;
  /** 0-based data row of the file where the part starts. */
  firstRow: number;
  /** 'row group 2', 'record batch 5' (1-based), for messages. */
  name: string;
  /** The values of each column read (undefined for the others). */
  runs: (ColumnRun | undefined)[];
}

/** A columnar file opened for reading. */
export interface ColumnarFile {
  path: string;
  format: DatasetSource['format'];
  /** What the parts are called: 'row group', 'record batch'. */
  partName: string;
  /** Column names, in file order. */
  names: string[];
  /** The columns that hold pandas' row index (from the 'pandas' metadata), read as row names. */
  index: Set<string>;
  /** The parts in file order, converting the columns `select` reads. */
  parts(select: ColumnSelect): AsyncIterable<ColumnarPart>;
  /** Release the file. */
  close(): Promise<void>;
  /** Rows in all, when the file says so before it is read (Parquet's metadata). */
  totalRows?: number;
  /** The SHA-256 of `Dataset.source`, when it is not that of the bytes at `path` (a query). */
  sha256?: () => Promise<string>;
}

/** Largest integer magnitude every double above which is no longer exact: 2^53. */
const EXACT = 2 ** 53;

/**
 * Converts the values of one file's columns, warning once per column about 64-bit integers
 * beyond 2^53.
 */
export class ValueConverter {
  private readonly warned = new Set<string>();

  constructor(private readonly path: string) {}

  /** A 64-bit integer as a double, with the warning when it is not exact. */
  big(value: bigint, column: string, part: string, row: number): number {
    const v = Number(value);
    if ((v >= EXACT || v <= -EXACT) && BigInt(v) !== value && !this.warned.has(column)) {
      this.warned.add(column);
      warn(
        `${this.path}, ${part}, row ${row}, column '${column}': the 64-bit integer ${value} is ` +
          `beyond 2^53 and has no exact double; it is read as ${v} (values of this column are ` +
          'rounded). If the column is a key, make it the id or exclude it.',
      );
    }
    return v;
  }
}

/**
 * The columns of pandas' index, from the JSON of the 'pandas' metadata key that pandas (through
 * pyarrow) writes: `index_columns` lists them by name (a RangeIndex is stored as a description,
 * not a column, and is skipped). Nothing for other writers or unreadable metadata.
 */
export function pandasIndexColumns(
  metadata: string | undefined,
  names: readonly string[],
): Set<string> {
  const out = new Set<string>();
  if (metadata === undefined) return out;
  try {
    const parsed = JSON.parse(metadata) as { index_columns?: unknown };
    if (Array.isArray(parsed.index_columns)) {
      for (const c of parsed.index_columns)
        if (typeof c === 'string' && names.includes(c)) out.add(c);
    }
  } catch {
    // not pandas' metadata
  }
  return out;
}

/** The text of any cell value: numbers and bigints exact, dates ISO 8601, the rest as JSON. */
export function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

/** Texts of `values`, for a column kept as text. */
export function textsOf(values: ArrayLike<unknown>, count: number): (string | null)[] {
  const out: (string | null)[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = valueText(values[i]);
  return out;
}

/** The SHA-256 of a file's bytes, read in 1 MiB pieces. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
    }
  } catch (error) {
    throw fileError(error, path);
  }
  return hash.digest('hex');
}

/** Load a whole columnar file through the table builder (as the text loaders do). */
export async function loadColumnarTable(
  file: ColumnarFile,
  options: ColumnOptions,
  keepMissing: boolean,
): Promise<LoadedTable> {
  try {
    const builder = new TableBuilder(
      options,
      { file: file.path, format: file.format, parts: file.partName },
      keepMissing,
    );
    builder.setHeader(file.names, 1, file.index);
    for await (const part of file.parts(builder)) {
      builder.addColumns(part.rows, part.runs, part.firstRow, part.name);
    }
    return builder.finish(
      file.sha256 === undefined ? await sha256OfFile(file.path) : await file.sha256(),
    );
  } finally {
    await file.close();
  }
}
