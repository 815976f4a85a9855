/**
 * SQL through DuckDB: `readSqlChunks(sql, options)` streams the result of a query as chunks of
 * rows, `loadSql(sql, options)` loads it whole as a `Dataset`. Any query DuckDB runs is a
 * source: `SELECT * FROM read_csv('data.csv')`, `read_parquet('s3://...')`, a join of files, an
 * aggregate, `range(n)`.
 *
 * DuckDB is an optional dependency (`npm install @duckdb/node-api`): the package is imported when
 * a query is first run, and without it the functions throw an `OptionError` that says how to
 * install it.
 *
 * The result is read as a columnar file (columnar.ts): each chunk DuckDB hands out (2,048 rows)
 * is one part, converted column by column, and goes through the table builder as the Parquet and
 * Arrow parts do, so the roles, type rules, row-name detection, missing-value policies and
 * warnings are those of `loadDataset` and `readChunks` (chunks.ts: the columns settled on the
 * first rows). Types: integers of every width, floats and decimals are numbers; NULL and a
 * floating-point NaN are missing values; booleans, text, dates, timestamps, times, intervals,
 * blobs and nested values are text (as DuckDB prints them). The rows are fetched one DuckDB chunk
 * at a time from a streaming result, never all at once; `again()` runs the query again.
 *
 * The source: `path` is 'sql:' and the query on one line (whitespace runs made one space),
 * which also names the query in errors; `sha256` is that of the query's text (UTF-8); `format`
 * is 'sql'. An error of DuckDB (syntax, a missing table or file, a failed conversion) is a
 * `DataError` on one line naming the query.
 */
import { createHash } from 'node:crypto';
import { DataError, OptionError } from '../util/errors.js';
import { checkKnownOptions } from '../util/validate.js';
import { type ChunkedTable, readColumnarChunks } from './chunks.js';
import {
  COLUMN_OPTION_NAMES,
  type ColumnOptions,
  type ColumnRun,
  type LoadedTable,
} from './columns.js';
import {
  type ColumnSelect,
  type ColumnarFile,
  type ColumnarPart,
  ValueConverter,
  loadColumnarTable,
  valueText,
} from './columnar.js';
import type { Dataset } from './dataset.js';

/** Options of `loadSql`: the column options. */
export type SqlOptions = ColumnOptions;

/** Options of `readSqlChunks`: the column options plus the chunk and probe sizes. */
export interface SqlChunkOptions extends ColumnOptions {
  /** Rows per chunk (at most). Default: 65,536. */
  chunkRows?: number;
  /** Rows that settle the columns. Default: 10,000 (fewer when the result has many columns). */
  probeRows?: number;
}

// --- the part of DuckDB's API used here ---

interface DuckType {
  typeId: number;
  toString(): string;
}
interface DuckChunk {
  readonly rowCount: number;
  getColumnValues(column: number): readonly unknown[];
}
interface DuckResult {
  columnNames(): string[];
  columnTypes(): DuckType[];
  fetchChunk(): Promise<DuckChunk | null>;
}
interface DuckConnection {
  stream(sql: string): Promise<DuckResult>;
  closeSync(): void;
}
interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync(): void;
}
/** What this module needs of `@duckdb/node-api`. @internal */
export interface DuckDBModule {
  DuckDBInstance: { create(path?: string): Promise<DuckInstance> };
  DuckDBTypeId: { readonly [id: number]: string };
}

const PACKAGE = '@duckdb/node-api';

const defaultImport = async (): Promise<DuckDBModule> => {
  const module = (await import(PACKAGE)) as Partial<DuckDBModule> & { default?: DuckDBModule };
  // the package is CommonJS: its names are on the namespace, or only on its default
  return module.DuckDBInstance === undefined ? module.default! : (module as DuckDBModule);
};

let importDuckDB: () => Promise<DuckDBModule> = defaultImport;

/**
 * Replace the import of DuckDB (tests: a package that is not installed, a fake module);
 * `undefined` restores the real import. @internal
 */
export function setDuckDBImport(load: (() => Promise<DuckDBModule>) | undefined): void {
  importDuckDB = load ?? defaultImport;
}

async function duckdb(fn: string): Promise<DuckDBModule> {
  try {
    return await importDuckDB();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new OptionError(
      `${fn} runs the query with DuckDB, an optional dependency that ${
        missing
          ? 'is not installed'
          : `cannot be loaded (${firstLine((error as Error).message ?? String(error))})`
      }. Install it beside clusterlens: npm install ${PACKAGE}`,
    );
  }
}

/** The first line of a message (DuckDB adds the query and a caret below). */
function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]!.trim();
  return line === '' ? text.trim() : line;
}

/** 'sql:' and the query on one line: the source's path and the place in messages. */
export function sqlSourceName(sql: string): string {
  return `sql:${sql.replace(/\s+/g, ' ').trim()}`;
}

function checkQuery(fn: string, sql: unknown): asserts sql is string {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new OptionError(
      `The query of ${fn} must be a non-empty string of SQL (as DuckDB runs it). Got ${
        typeof sql === 'string' ? 'an empty string' : (JSON.stringify(sql) ?? String(sql))
      } instead.`,
    );
  }
}

/** How the values of a DuckDB type are read: numbers, or text named by its type. */
function kindOf(type: DuckType, names: { readonly [id: number]: string }): string {
  const name = names[type.typeId] ?? type.toString();
  switch (name) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
    case 'HUGEINT':
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
    case 'UBIGINT':
    case 'UHUGEINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return 'number';
    case 'VARCHAR':
    case 'ENUM':
    case 'UUID':
      return 'text';
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'TIME':
    case 'TIME_TZ':
    case 'TIME_NS':
      return 'time';
    case 'INTERVAL':
      return 'interval';
    case 'BLOB':
    case 'BIT':
      return 'binary';
    case 'LIST':
    case 'STRUCT':
    case 'MAP':
    case 'ARRAY':
    case 'UNION':
      return 'nested';
    default:
      return name.startsWith('TIMESTAMP') ? 'timestamp' : name.toLowerCase();
  }
}

/** Milliseconds per unit of DuckDB's date and timestamp values, by the field that holds them. */
const TIME_FIELDS = [
  ['micros', 1e-3],
  ['millis', 1],
  ['seconds', 1e3],
  ['nanos', 1e-6],
  ['days', 86400e3],
] as const;

/**
 * The text of a DuckDB value: numbers exact; dates and timestamps in ISO 8601 (UTC) as the
 * columnar loaders write them, or as DuckDB prints them beyond the range of a JavaScript date
 * (infinity); DuckDB's other values as it prints them.
 */
function duckText(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return valueText(value);
  if (type === 'date' || type === 'timestamp') {
    const fields = value as Record<string, unknown>;
    for (const [field, ms] of TIME_FIELDS) {
      const v = fields[field];
      if (typeof v === 'bigint' || typeof v === 'number') {
        const date = new Date(Number(v) * ms);
        if (!Number.isNaN(date.getTime())) return date.toISOString();
        break;
      }
    }
  }
  return String(value);
}

/** Run `sql` and open its streaming result as a columnar file of DuckDB chunks. */
async function openSql(
  fn: string,
  sql: string,
  onRows?: (rowsRead: number) => void,
): Promise<ColumnarFile> {
  const duck = await duckdb(fn);
  const name = sqlSourceName(sql);
  const failed = (error: unknown) =>
    new DataError(`the query failed: ${firstLine((error as Error).message ?? String(error))}`, {
      file: name,
    });
  let instance: DuckInstance | undefined;
  let connection: DuckConnection | undefined;
  let result: DuckResult;
  const close = async () => {
    connection?.closeSync();
    instance?.closeSync();
    connection = undefined;
    instance = undefined;
  };
  try {
    instance = await duck.DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    result = await connection.stream(sql);
  } catch (error) {
    await close();
    throw failed(error);
  }
  const names = result.columnNames();
  const kinds = result.columnTypes().map((type) => kindOf(type, duck.DuckDBTypeId));
  const converter = new ValueConverter(name);
  return {
    path: name,
    format: 'sql',
    partName: 'chunk',
    names,
    index: new Set(),
    close,
    sha256: async () => createHash('sha256').update(sql, 'utf8').digest('hex'),
    async *parts(select: ColumnSelect): AsyncGenerator<ColumnarPart> {
      let firstRow = 0;
      for (let k = 1; ; k++) {
        let chunk: DuckChunk | null;
        try {
          chunk = await result.fetchChunk();
        } catch (error) {
          throw failed(error);
        }
        if (chunk === null || chunk.rowCount === 0) return;
        const rows = chunk.rowCount;
        const part = `chunk ${k}`;
        const runs: (ColumnRun | undefined)[] = new Array(names.length);
        for (let j = 0; j < names.length; j++) {
          if (!select.reads(j)) continue;
          runs[j] = toRun(chunk.getColumnValues(j), rows, kinds[j]!, select.keepsText(j), (v, i) =>
            converter.big(v, names[j]!, part, firstRow + i + 1),
          );
        }
        yield { rows, firstRow, name: part, runs };
        firstRow += rows;
        onRows?.(firstRow);
      }
    },
  };
}

/** A column's values as a run: numbers (NULL and NaN: missing) and/or texts. */
function toRun(
  values: readonly unknown[],
  rows: number,
  type: string,
  keepsText: boolean,
  big: (value: bigint, i: number) => number,
): ColumnRun {
  const texts = type !== 'number' || keepsText ? new Array<string | null>(rows) : undefined;
  if (texts !== undefined) for (let i = 0; i < rows; i++) texts[i] = duckText(values[i], type);
  if (type !== 'number') return { texts: texts!, type };
  const numbers = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (typeof v === 'number') numbers[i] = v;
    else if (typeof v === 'bigint') numbers[i] = big(v, i);
    else if (v === null || v === undefined) numbers[i] = Number.NaN;
    else numbers[i] = (v as { toDouble(): number }).toDouble(); // DECIMAL
  }
  const run: ColumnRun = { numbers, type };
  if (texts !== undefined) run.texts = texts;
  return run;
}

const SQL_CHUNK_OPTION_NAMES = [...COLUMN_OPTION_NAMES, 'chunkRows', 'probeRows'] as const;

/**
 * Run a query with DuckDB and read its result as chunks of rows (see the file comment and
 * `readChunks`): the columns settled on the first rows, then one chunk at a time.
 *
 * @example
 * import { readSqlChunks } from 'clusterlens/advanced';
 *
 * const table = await readSqlChunks("SELECT * FROM read_csv('datasets/iris.csv')", {
 *   label: 'species',
 * });
 * table.columns.length; // => 4
 * let rows = 0;
 * for await (const chunk of table) rows += chunk.rows;
 * rows; // => 150
 */
export async function readSqlChunks(
  sql: string,
  options: SqlChunkOptions = {},
): Promise<ChunkedTable> {
  const fn = 'readSqlChunks';
  checkQuery(fn, sql);
  checkKnownOptions(fn, options, SQL_CHUNK_OPTION_NAMES);
  return readColumnarChunks(fn, () => openSql(fn, sql), options);
}

/**
 * Run a query with DuckDB and load its whole result as a `Dataset`, as `loadDataset` loads a
 * file (see the file comment).
 *
 * @example
 * import { loadSql } from 'clusterlens/advanced';
 *
 * const d = await loadSql('SELECT i, i * 0.5 AS x FROM range(10) t(i)');
 * d.columns; // => ['i', 'x']
 * d.features.rows; // => 10
 */
export async function loadSql(sql: string, options: SqlOptions = {}): Promise<Dataset> {
  return (await loadSqlTable(sql, options)).dataset;
}

/**
 * `loadSql` that also describes every column (for `inspect`); `onRows` is told the rows read
 * after each DuckDB chunk (for a progress meter). @internal
 */
export async function loadSqlTable(
  sql: string,
  options: SqlOptions = {},
  keepMissing = false,
  onRows?: (rowsRead: number) => void,
): Promise<LoadedTable> {
  const fn = 'loadSql';
  checkQuery(fn, sql);
  checkKnownOptions(fn, options, COLUMN_OPTION_NAMES);
  return loadColumnarTable(await openSql(fn, sql, onRows), options, keepMissing);
}
