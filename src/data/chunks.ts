/**
 * `readChunks(path, options)`: a data file as chunks of rows, read in one pass with bounded
 * memory, for the algorithms that see the data a piece at a time (reservoir samples, streaming
 * moments and PCA, mini-batch k-means).
 *
 * The columns are settled on the first rows (`probeRows`, default 10,000, fewer for wide files):
 * those rows go through the same table builder as `loadDataset` (columns.ts), with the same roles,
 * type rules, row-name detection and warnings, and the CSV dialect is told from the first block
 * of text as `loadDataset` tells it. Every later row is read against that decision: a feature
 * column that turns out to hold text further down is a `DataError` naming its line (or row
 * group and row), where `loadDataset` would have left the column out; exclude it (or name the
 * features) for such a file. A column with no value in the first rows is left out as empty.
 * For a file whose first `probeRows` rows settle what the whole file does, the chunks joined are
 * `loadDataset`'s features, ids and labels.
 *
 * Missing values: 'error' stops at the first one (its line); 'drop' drops the rows of each chunk;
 * 'mean' and 'median' leave NaN in the chunks (they need the whole column: the consumer imputes,
 * as `loadSample` does on its sample).
 *
 * Chunks: CSV/TSV and NDJSON are streamed in 1 MiB pieces of text (the file is never held
 * whole) and cut into chunks of about `chunkRows` rows; Parquet gives one chunk per row group
 * and Arrow one per record batch, cut into chunks of at most `chunkRows` rows. JSON (an array)
 * cannot be streamed: it is loaded whole and handed out in chunks.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { DataError, OptionError } from '../util/errors.js';
import { checkKeyword, checkKnownOptions } from '../util/validate.js';
import {
  COLUMN_OPTION_NAMES,
  type ColumnInfo,
  type ColumnOptions,
  type ColumnRun,
  type LoadedTable,
  TableBuilder,
} from './columns.js';
import type { ColumnarFile, ColumnarPart } from './columnar.js';
import { sha256OfFile } from './columnar.js';
import { type CsvOptions, CsvReader, MAX_FIELD_LENGTH, csvSetup, textChunks } from './csv.js';
import type { DatasetSource } from './dataset.js';
import type { Dialect } from './dialect.js';
import type { MissingPolicy } from './missing.js';
import { cellText } from './json.js';
import {
  checkNoCsvOptions,
  csvOptionsOf,
  DATA_FORMATS,
  type LoadOptions,
  formatOf,
  loadTable,
} from './load.js';

/** A chunk of rows: features row-major, with their ids and labels. */
export interface RowChunk {
  rows: number;
  cols: number;
  /** rows x cols values, row-major (NaN: missing, with the policies 'mean' and 'median'). */
  data: Float64Array;
  ids?: string[];
  labels?: string[];
  /** 0-based data row of the file where the chunk starts (dropped rows count). */
  firstRow: number;
  /** Data rows of the file the chunk covers: `rows` plus those the policy 'drop' dropped. */
  rowsRead: number;
  /**
   * CSV, TSV and NDJSON: bytes of the file read when the chunk was cut (for progress against
   * `ChunkedTable.total.bytes`). Absent for the other formats.
   */
  bytesRead?: number;
}

/** Options of `readChunks`: those of `loadDataset` plus the chunk and probe sizes. */
export interface ChunkOptions extends LoadOptions {
  /** Rows per chunk (CSV and NDJSON: about; columnar files: at most). Default: 65,536. */
  chunkRows?: number;
  /** Rows that settle the columns. Default: 10,000 (fewer when the file has many columns). */
  probeRows?: number;
}

/** The chunks of a file, with its columns settled before the first one. */
export interface ChunkedTable extends AsyncIterable<RowChunk> {
  /** The feature columns, in the order of the chunks' columns. */
  readonly columns: string[];
  readonly labelColumn?: string;
  readonly idColumn?: string;
  /** Every column of the file and its role, as decided on the first rows. */
  readonly info: ColumnInfo[];
  /**
   * Provenance. `rowsRead`, `rowsDropped` and `sha256` are complete once the chunks have been
   * read to the end; `valuesImputed` stays 0 (the chunks keep their missing values).
   */
  readonly source: DatasetSource;
  /**
   * Another pass over the file (for algorithms of several passes): the same columns, without
   * reading the first rows again or repeating their warnings. A `DataError` when the file's
   * header (or, at the end of the pass, its bytes) is no longer that of the first pass.
   */
  again(): Promise<ChunkedTable>;
  /**
   * What a pass will read, when known before it starts (for progress): the bytes of a CSV, TSV
   * or NDJSON file, the rows of a Parquet file (from its metadata). Absent: not known.
   */
  readonly total?: { rows?: number; bytes?: number };
  /** The missing-value policy the chunks follow (absent: 'error'). */
  readonly missing?: MissingPolicy;
}

/** What a later pass keeps of the first: the columns as settled, the header, the bytes' hash. */
interface Settled {
  table: LoadedTable;
  pinned: ColumnOptions;
  header: string[];
  sha256: () => string;
}

const CHUNK_OPTION_NAMES = [
  ...COLUMN_OPTION_NAMES,
  'format',
  'delimiter',
  'decimal',
  'chunkRows',
  'probeRows',
] as const;

/**
 * Open a data file as chunks of rows (see the file comment). Reads the first rows to settle the
 * columns before it returns; the chunks can be iterated once.
 *
 * @example
 * import { readChunks } from 'clusterlens/advanced';
 *
 * const table = await readChunks('datasets/iris.csv', { label: 'species', chunkRows: 64 });
 * table.columns.length; // => 4
 * const sizes = [];
 * for await (const chunk of table) sizes.push(chunk.rows);
 * sizes; // => [64, 64, 22]
 */
export async function readChunks(path: string, options: ChunkOptions = {}): Promise<ChunkedTable> {
  return openChunks(path, options);
}

async function openChunks(
  path: string,
  options: ChunkOptions,
  previous?: Settled,
): Promise<ChunkedTable> {
  const fn = 'readChunks';
  checkKnownOptions(fn, options, CHUNK_OPTION_NAMES);
  const { chunkRows: _c, probeRows: _p, ...loadOptions } = options;
  const { chunkRows, probeRows } = chunkSizes(fn, options);
  const format = checkKeyword(fn, 'format', loadOptions.format ?? formatOf(path), DATA_FORMATS);
  const { format: _f, delimiter: _d, decimal: _m, ...columnOptions } = loadOptions;
  if (format !== 'csv' && format !== 'tsv') checkNoCsvOptions(path, format, loadOptions);
  const stream = new ChunkStream(path, columnOptions, chunkRows, probeRows, previous);
  let pieces: AsyncGenerator<void>;
  let total: { rows?: number; bytes?: number } | undefined;
  switch (format) {
    case 'csv':
    case 'tsv':
      total = await sizeOf(path);
      pieces = csvPieces(path, csvOptionsOf(path, format, loadOptions), stream);
      break;
    case 'ndjson':
      total = await sizeOf(path);
      stream.setSource({ file: path, format: 'ndjson' });
      pieces = ndjsonPieces(path, stream);
      break;
    case 'parquet':
    case 'arrow': {
      // the columnar readers (and their packages) are loaded when such a file is read
      const file =
        format === 'parquet'
          ? await (await import('./parquet.js')).openParquet(path)
          : await (await import('./arrow.js')).openArrow(path);
      stream.setSource({ file: path, format, parts: file.partName });
      if (file.totalRows !== undefined) total = { rows: file.totalRows };
      pieces = columnarPieces(file, stream);
      break;
    }
    case 'json':
      pieces = wholePieces(path, { ...columnOptions, format }, stream);
      break;
  }
  return settleChunks(stream, pieces, total, () => openChunks(path, options, stream.kept()));
}

/** The chunk and probe sizes of the options (defaults: 65,536 rows; the probe's own rule). */
function chunkSizes(
  fn: string,
  options: { chunkRows?: number; probeRows?: number },
): { chunkRows: number; probeRows: number | undefined } {
  const chunkRows = positiveInteger(fn, 'chunkRows', options.chunkRows, 65536);
  const given = options.probeRows;
  const probeRows = given === undefined ? undefined : positiveInteger(fn, 'probeRows', given, 1);
  return { chunkRows, probeRows };
}

/** The size of a file in bytes (nothing when it cannot be had: the read names the problem). */
async function sizeOf(path: string): Promise<{ bytes: number } | undefined> {
  try {
    return { bytes: (await stat(path)).size };
  } catch {
    return undefined;
  }
}

/** Read until the columns are settled, then the chunked table over the rest. */
async function settleChunks(
  stream: ChunkStream,
  pieces: AsyncGenerator<void>,
  total: { rows?: number; bytes?: number } | undefined,
  again: () => Promise<ChunkedTable>,
): Promise<ChunkedTable> {
  try {
    while (!stream.resolved) {
      const next = await pieces.next();
      if (next.done) break;
    }
  } catch (error) {
    await pieces.return(undefined);
    throw error;
  }
  return stream.table(pieces, again, total);
}

/** Options of a columnar source read in chunks (`readColumnarChunks`). @internal */
export interface ColumnarChunkOptions extends ColumnOptions {
  chunkRows?: number;
  probeRows?: number;
}

/**
 * The chunks of a columnar source that is not a file of a known format (sql.ts: a query's
 * result), opened by `open` for each pass; the same column rules as `readChunks`. The caller
 * checks the option names. @internal
 */
export async function readColumnarChunks(
  fn: string,
  open: () => Promise<ColumnarFile>,
  options: ColumnarChunkOptions,
): Promise<ChunkedTable> {
  const sizes = chunkSizes(fn, options);
  return openColumnar(open, options, sizes, undefined);
}

async function openColumnar(
  open: () => Promise<ColumnarFile>,
  options: ColumnarChunkOptions,
  sizes: { chunkRows: number; probeRows: number | undefined },
  previous: Settled | undefined,
): Promise<ChunkedTable> {
  const { chunkRows: _c, probeRows: _p, ...columnOptions } = options;
  const file = await open();
  const stream = new ChunkStream(
    file.path,
    columnOptions,
    sizes.chunkRows,
    sizes.probeRows,
    previous,
  );
  stream.setSource({ file: file.path, format: file.format, parts: file.partName });
  const total = file.totalRows === undefined ? undefined : { rows: file.totalRows };
  return settleChunks(stream, columnarPieces(file, stream), total, () =>
    openColumnar(open, options, sizes, stream.kept()),
  );
}

function positiveInteger(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new OptionError(
      `The '${name}' option of ${fn} must be a positive integer. Got ${JSON.stringify(value)} instead.`,
    );
  }
  return value;
}

/** A stored record of the first rows (fields copied). */
interface StoredRecord {
  fields: string[];
  line: number;
  fieldLines: number[] | undefined;
}

/**
 * The state of one chunked read: the probe builder until the columns are settled, then one
 * builder per chunk, and the chunks ready to hand out.
 */
class ChunkStream {
  private source: { file: string; format: DatasetSource['format']; parts?: string };
  private probe: TableBuilder | undefined;
  private current: TableBuilder | undefined;
  private pinned: ColumnOptions | undefined;
  private keepMissing: boolean;
  private dialect: Dialect | undefined;
  private header: string[] = [];
  private headerLine = 1;
  private headerSet = false;
  private stored: StoredRecord[] = [];
  private storedParts: ColumnarPart[] = [];
  private probeLimit: number;
  private settled: LoadedTable | undefined;
  readonly ready: RowChunk[] = [];
  private chunkStart = 0;
  rowsRead = 0;
  rowsDropped = 0;
  sha256 = '';
  /** Text formats: the bytes of the file read so far. */
  bytesRead: number | undefined;

  constructor(
    readonly path: string,
    private readonly options: ColumnOptions,
    private readonly chunkRows: number,
    private readonly probeRows: number | undefined,
    private readonly previous?: Settled,
  ) {
    this.source = { file: path, format: 'csv' };
    const missing = options.missing ?? 'error';
    this.keepMissing = missing === 'mean' || missing === 'median';
    this.probeLimit = probeRows ?? 10000;
    if (previous !== undefined) {
      this.settled = previous.table;
      this.pinned = previous.pinned;
    }
  }

  /** The header of a later pass (NDJSON takes its columns from it). */
  get presetHeader(): string[] | undefined {
    return this.previous?.header;
  }

  /** What a later pass needs of this one. */
  kept(): Settled {
    if (this.previous !== undefined) return this.previous;
    return {
      table: this.settled!,
      pinned: this.pinned!,
      header: this.header,
      sha256: () => this.sha256,
    };
  }

  get resolved(): boolean {
    return this.settled !== undefined;
  }

  setSource(source: { file: string; format: DatasetSource['format']; parts?: string }): void {
    this.source = source;
  }

  /** The builder of the first rows (keeps missing values: the chunks apply the policy). */
  private probeBuilder(): TableBuilder {
    if (this.probe === undefined) {
      this.probe = new TableBuilder(this.options, { ...this.source }, true);
    }
    return this.probe;
  }

  // --- the record sink of the CSV reader ---

  setDialect(dialect: Dialect): void {
    this.dialect = dialect;
    this.source.format = dialect.delimiter === '\t' ? 'tsv' : 'csv';
    if (this.previous === undefined) this.probeBuilder().setDialect(dialect);
  }

  hasHeader(): boolean {
    return this.headerSet;
  }

  setHeader(names: readonly string[], line = 1, rowNames?: ReadonlySet<string>): void {
    this.header = [...names];
    this.headerLine = line;
    this.headerSet = true;
    if (this.previous !== undefined) {
      const before = this.previous.header;
      if (names.length !== before.length || names.some((name, j) => name !== before[j])) {
        throw new DataError(
          'the columns of the file are not those of the first pass over it: the file changed ' +
            'while it was read.',
          { file: this.path },
        );
      }
      this.current = this.builder();
      return;
    }
    const probe = this.probeBuilder();
    probe.setHeader(names, line, rowNames);
    // wide files: at most 2^20 cells before the columns are settled
    if (this.probeRows === undefined) {
      this.probeLimit = Math.max(
        100,
        Math.min(10000, Math.floor(2 ** 20 / Math.max(1, names.length))),
      );
    }
  }

  addRecord(
    fields: readonly string[],
    count: number,
    line: number,
    fieldLines?: readonly number[],
  ): void {
    if (this.settled === undefined) {
      const probe = this.probe!;
      probe.addRecord(fields, count, line, fieldLines);
      this.stored.push({
        fields: fields.slice(0, count),
        line,
        fieldLines: fieldLines === undefined ? undefined : fieldLines.slice(0, count),
      });
      if (probe.rowCount >= this.probeLimit) this.settle();
      return;
    }
    const builder = this.current!;
    builder.addRecord(fields, count, line, fieldLines);
    if (builder.rowCount >= this.chunkRows) this.flush();
  }

  // --- columnar parts ---

  /** Which builder decides the columns read now. */
  get selecting(): TableBuilder {
    return this.current ?? this.probeBuilder();
  }

  addPart(part: ColumnarPart): void {
    if (this.settled === undefined) {
      const probe = this.probeBuilder();
      probe.addColumns(part.rows, part.runs, part.firstRow, part.name);
      this.storedParts.push(part);
      if (probe.rowCount >= this.probeLimit) this.settle();
      return;
    }
    this.feedPart(part);
  }

  private feedPart(part: ColumnarPart): void {
    for (let from = 0; from < part.rows; ) {
      const builder = this.current!;
      const to = Math.min(part.rows, from + this.chunkRows - builder.rowCount);
      const runs =
        from === 0 && to === part.rows
          ? part.runs
          : part.runs.map((run) => sliceRun(run, from, to));
      builder.addColumns(to - from, runs, part.firstRow + from, part.name);
      if (builder.rowCount >= this.chunkRows) this.flush();
      from = to;
    }
  }

  /** Settle the columns on the rows read so far, and feed them to the first chunk. */
  settle(): void {
    if (this.settled !== undefined) return;
    const probe = this.probeBuilder();
    if (!probe.hasHeader()) probe.setHeader(this.header, this.headerLine);
    const table = probe.finish('');
    this.settled = table;
    this.probe = undefined;
    const d = table.dataset;
    const pinned: ColumnOptions = {
      features: d.columns,
      exclude: table.columns
        .filter((c) => c.name !== d.labelColumn && c.name !== d.idColumn && c.role !== 'feature')
        .map((c) => c.name),
    };
    if (d.labelColumn !== undefined) pinned.label = d.labelColumn;
    if (d.idColumn !== undefined) pinned.id = d.idColumn;
    if (this.options.missing !== undefined) pinned.missing = this.options.missing;
    this.pinned = pinned;
    this.current = this.builder();
    const stored = this.stored;
    this.stored = [];
    for (const r of stored) {
      this.current.addRecord(r.fields, r.fields.length, r.line, r.fieldLines);
      if (this.current.rowCount >= this.chunkRows) this.flush();
    }
    const parts = this.storedParts;
    this.storedParts = [];
    for (const part of parts) this.feedPart(part);
  }

  private builder(): TableBuilder {
    const builder = new TableBuilder(this.pinned!, { ...this.source }, this.keepMissing, true);
    if (this.dialect !== undefined) builder.setDialect(this.dialect);
    builder.setHeader(this.header, this.headerLine);
    return builder;
  }

  /** The rows of the current builder as a chunk. */
  flush(): void {
    const builder = this.current;
    if (builder === undefined || builder.rowCount === 0) return;
    const { dataset } = builder.finish('');
    this.current = this.builder();
    this.rowsRead += dataset.source.rowsRead;
    this.rowsDropped += dataset.source.rowsDropped;
    this.chunkStart += dataset.source.rowsRead;
    if (dataset.features.rows === 0) return;
    const chunk: RowChunk = {
      rows: dataset.features.rows,
      cols: dataset.features.cols,
      data: dataset.features.data,
      firstRow: this.chunkStart - dataset.source.rowsRead,
      rowsRead: dataset.source.rowsRead,
    };
    if (dataset.ids !== undefined) chunk.ids = dataset.ids;
    if (dataset.labels !== undefined) chunk.labels = dataset.labels;
    if (this.bytesRead !== undefined) chunk.bytesRead = this.bytesRead;
    this.ready.push(chunk);
  }

  /** True when the chunks keep missing values as NaN (the policies 'mean' and 'median'). */
  get keepsMissing(): boolean {
    return this.keepMissing;
  }

  /** A table loaded whole (JSON): settled, and handed out in chunks of `chunkRows` rows. */
  takeWhole(table: LoadedTable): void {
    this.settled = table;
    const d = table.dataset;
    const { rows, cols, data } = d.features;
    for (let from = 0; from < rows; from += this.chunkRows) {
      const to = Math.min(rows, from + this.chunkRows);
      const chunk: RowChunk = {
        rows: to - from,
        cols,
        data: data.slice(from * cols, to * cols),
        firstRow: from,
        rowsRead: to - from,
      };
      if (d.ids !== undefined) chunk.ids = d.ids.slice(from, to);
      if (d.labels !== undefined) chunk.labels = d.labels.slice(from, to);
      this.ready.push(chunk);
    }
    this.rowsRead = d.source.rowsRead;
    this.rowsDropped = d.source.rowsDropped;
    this.sha256 = d.source.sha256;
  }

  /** Column names for columnar files (the header of the probe), and pandas' index columns. */
  setNames(names: string[], index: ReadonlySet<string>): void {
    this.setHeader(names, 1, index);
  }

  /** The end of the file: settle (a short file), then hand out the last rows. */
  end(): void {
    this.settle();
    this.flush();
  }

  /** The chunked table over `pieces`, which push chunks into `ready` as they read. */
  table(
    pieces: AsyncGenerator<void>,
    again: () => Promise<ChunkedTable>,
    total?: { rows?: number; bytes?: number },
  ): ChunkedTable {
    if (this.settled === undefined) this.end();
    const table = this.settled!;
    const d = table.dataset;
    const source: DatasetSource = {
      path: this.path,
      sha256: '',
      rowsRead: 0,
      rowsDropped: 0,
      valuesImputed: 0,
      format: d.source.format,
      leftOut: d.source.leftOut,
    };
    if (d.source.notes !== undefined) source.notes = d.source.notes;
    if (d.source.delimiter !== undefined) source.delimiter = d.source.delimiter;
    if (d.source.decimal !== undefined) source.decimal = d.source.decimal;
    const stream = this;
    let started = false;
    const result: ChunkedTable = {
      columns: d.columns,
      info: table.columns,
      source,
      async *[Symbol.asyncIterator]() {
        if (started) throw new Error('readChunks: the chunks can be read once');
        started = true;
        let done = false;
        try {
          for (;;) {
            while (stream.ready.length > 0) yield stream.ready.shift()!;
            const next = await pieces.next();
            if (next.done) break;
          }
          while (stream.ready.length > 0) yield stream.ready.shift()!;
          done = true;
        } finally {
          // a reader that stops early: close the file
          if (!done) await pieces.return(undefined);
        }
        source.rowsRead = stream.rowsRead;
        source.rowsDropped = stream.rowsDropped;
        source.sha256 = stream.sha256;
        const first = stream.previous?.sha256();
        if (first !== undefined && first !== '' && first !== stream.sha256) {
          throw new DataError(
            'the bytes of the file are not those of the first pass over it: the file changed ' +
              'between the passes.',
            { file: stream.path },
          );
        }
      },
      again,
    };
    if (d.labelColumn !== undefined)
      (result as { labelColumn?: string }).labelColumn = d.labelColumn;
    if (d.idColumn !== undefined) (result as { idColumn?: string }).idColumn = d.idColumn;
    if (total !== undefined) (result as { total?: typeof total }).total = total;
    if (this.options.missing !== undefined) {
      (result as { missing?: MissingPolicy }).missing = this.options.missing;
    }
    return result;
  }
}

/** Rows from..to-1 of a run. */
function sliceRun(run: ColumnRun | undefined, from: number, to: number): ColumnRun | undefined {
  if (run === undefined) return undefined;
  const out: ColumnRun = {};
  if (run.type !== undefined) out.type = run.type;
  if (run.numbers !== undefined) out.numbers = run.numbers.subarray(from, to);
  if (run.texts !== undefined) out.texts = run.texts.slice(from, to);
  return out;
}

/** A SHA-256 that also counts the bytes it is given into `stream.bytesRead`. */
function countingHash(stream: ChunkStream): {
  update(bytes: Buffer): void;
  digest(encoding: 'hex'): string;
} {
  const hash = createHash('sha256');
  stream.bytesRead = 0;
  return {
    update(bytes: Buffer) {
      stream.bytesRead! += bytes.length;
      hash.update(bytes);
    },
    digest: (encoding) => hash.digest(encoding),
  };
}

/** CSV: the text in 1 MiB pieces through the reader; one step per piece. */
async function* csvPieces(
  path: string,
  options: CsvOptions,
  stream: ChunkStream,
): AsyncGenerator<void> {
  const { dialect, format } = csvSetup(options, /\.(tsv|tab)$/i.test(path));
  stream.setSource({ file: path, format });
  const reader = new CsvReader(stream, dialect, path, MAX_FIELD_LENGTH);
  const hash = countingHash(stream);
  for await (const text of textChunks(path, hash)) {
    reader.push(text);
    yield;
  }
  reader.end();
  if (!stream.hasHeader()) {
    throw new DataError(
      'the file is empty: no header and no data. Expected a header line with the column ' +
        'names, then one line per row.',
      { file: path },
    );
  }
  stream.end();
  stream.sha256 = hash.digest('hex');
}

/** NDJSON: one object per line, streamed; the columns are the keys of the first rows. */
async function* ndjsonPieces(path: string, stream: ChunkStream): AsyncGenerator<void> {
  const hash = countingHash(stream);
  let carry = '';
  let lineNumber = 0;
  let first = true;
  let names: string[] | undefined;
  let index = new Map<string, number>();
  const pending: { value: Record<string, unknown>; line: number }[] = [];
  let fields: string[] = [];
  let fieldLines: number[] = [];
  const probeLimit = 10000;
  const place = (line: number, column?: string) =>
    column === undefined ? { file: path, line } : { file: path, line, column };

  const settleNames = () => {
    const keys = new Map<string, number>();
    for (const { value } of pending)
      for (const key of Object.keys(value)) if (!keys.has(key)) keys.set(key, keys.size);
    if (keys.size === 0)
      throw new DataError('the objects have no keys, so there are no columns.', { file: path });
    names = [...keys.keys()];
    index = keys;
    fields = new Array(names.length);
    fieldLines = new Array(names.length);
    stream.setHeader(names, pending[0]!.line);
    for (const { value, line } of pending) addObject(value, line);
    pending.length = 0;
  };

  const addObject = (value: Record<string, unknown>, line: number) => {
    const d = names!.length;
    fields.fill('');
    fieldLines.fill(line);
    for (const key of Object.keys(value)) {
      const j = index.get(key);
      if (j === undefined) {
        throw new DataError(
          `the key '${key}' is not among the columns the first rows have (${names!.length}); a ` +
            'file read in chunks takes its columns from the first rows. Give every object the ' +
            'same keys, or use loadDataset.',
          place(line, key),
        );
      }
      const cell = value[key];
      fields[j] =
        typeof cell === 'number' && !Number.isFinite(cell)
          ? `${cell < 0 ? '-' : ''}1e999`
          : cellText(cell);
    }
    stream.addRecord(fields, d, line, fieldLines);
  };

  const onLine = (source: string) => {
    lineNumber++;
    if (first) {
      first = false;
      if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
    }
    if (source.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new DataError(`not valid JSON (${(error as Error).message}).`, place(lineNumber));
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataError(
        'expected one JSON object per line ({"column": value, ...}).',
        place(lineNumber),
      );
    }
    if (names === undefined) {
      pending.push({ value: value as Record<string, unknown>, line: lineNumber });
      if (pending.length >= probeLimit) settleNames();
      return;
    }
    addObject(value as Record<string, unknown>, lineNumber);
  };

  const preset = stream.presetHeader;
  if (preset !== undefined) {
    names = preset;
    index = new Map(preset.map((name, j) => [name, j]));
    fields = new Array(preset.length);
    fieldLines = new Array(preset.length);
    stream.setHeader(preset, 1);
  }
  for await (const text of textChunks(path, hash)) {
    const lines = (carry + text).split('\n');
    carry = lines.pop()!;
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    yield;
  }
  if (carry !== '') onLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry);
  if (names === undefined) {
    if (pending.length === 0) throw new DataError('the file is empty.', { file: path });
    settleNames();
  }
  stream.end();
  stream.sha256 = hash.digest('hex');
}

/** Parquet row groups, Arrow record batches. */
async function* columnarPieces(file: ColumnarFile, stream: ChunkStream): AsyncGenerator<void> {
  try {
    stream.setNames(file.names, file.index);
    const select = {
      reads: (j: number) => stream.selecting.reads(j),
      keepsText: (j: number) => stream.selecting.keepsText(j),
    };
    for await (const part of file.parts(select)) {
      stream.addPart(part);
      yield;
    }
    stream.end();
  } finally {
    await file.close();
  }
  stream.sha256 = file.sha256 === undefined ? await sha256OfFile(file.path) : await file.sha256();
}

/** JSON arrays: loaded whole, then handed out as chunks. */
async function* wholePieces(
  path: string,
  options: LoadOptions,
  stream: ChunkStream,
): AsyncGenerator<void> {
  // (a later pass loads it again, warnings included)
  stream.takeWhole(await loadTable(path, options, stream.keepsMissing));
  yield;
}
