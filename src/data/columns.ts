/**
 * Column roles and type inference: the table builder every loader feeds.
 *
 * Roles (options of every loader):
 * - `features`: the columns fitted on. Default: every numeric column that has no other role.
 *   A column named here must be numeric, else a `DataError` names its first text cell.
 * - `label`: held out of the features, kept as text (to colour charts and to score agreement).
 * - `id`: row names, kept as text.
 * - `exclude`: not read at all.
 * A column that is not numeric and has no role is left out of the features with a warning naming
 * it and its first text cell (name it in `exclude` to silence the warning).
 *
 * Row names, as R's `write.csv`, pandas' `to_csv` and spreadsheets write them, are never silently
 * a feature:
 * - The first column is row names when its header is empty or one that writers give row names
 *   ('Unnamed: 0' pandas, '...1' readr, 'rownames', 'rowname'), or it is named 'X' (R's
 *   `read.csv` names an empty header so) or 'index' (pandas' `reset_index`) and holds text or
 *   increasing integers. Without an `id` option, when its values are distinct and none is
 *   missing, it becomes the id; an empty-headed (or 'Unnamed: 0', ...) first column whose values
 *   repeat is left out with a warning. With an `id` option it is left out (the id option
 *   decides). Naming it in `features` (its name is 'unnamed_1' when the header is empty), `label`
 *   or `exclude` gives it that role instead.
 * - Elsewhere, a column named 'X', 'index', 'Unnamed: 0', '...1', 'rownames' or 'rowname' with
 *   distinct text or increasing integers becomes the id when no column is the id yet. Such a
 *   column that holds the row numbers 1..n or 0..n-1 (n >= 3) while another column is the id (a
 *   second index, as pandas writes R's file back) is left out with a warning.
 * - A numeric column chosen automatically whose values are the row numbers 1..n or 0..n-1 (n >= 3)
 *   and that did not become the id stays a feature, with a warning naming it and how to leave it
 *   out.
 * What was decided goes to `source.notes` (the report's preprocessing log).
 *
 * Type inference: a column is numeric when every non-missing cell is a decimal number:
 * optional sign, digits with an optional '.', optional exponent ('1', '-2.5', '.5', '1e-3'),
 * surrounding white space allowed. Anything else is text: '0x10', '1,234', 'Infinity', 'inf',
 * 'TRUE'. A number too large for a double ('1e999') is an error naming its cell. With the decimal
 * mark ',' (CSV option `decimal`, see dialect.ts) numbers are written '-2,5', '1.234,5', and
 * '1.5' is text.
 *
 * Memory: cells are not kept as text. Each candidate feature column accumulates its numbers in a
 * growable Float64Array (missing = NaN); a column that turns out to be text frees its numbers and
 * keeps only its first text cell for messages. Only label and id columns keep strings.
 */
import { DataError, type DataErrorPlace, OptionError } from '../util/errors.js';
import { type MessageLike, message, option } from '../util/message.js';
import { checkKeyword, checkKnownOptions } from '../util/validate.js';
import { warn } from '../util/log.js';
import { type Dataset, type DatasetSource, type FeatureMatrix, featureMatrix } from './dataset.js';
import { type Dialect, commaDecimalValue, looksLikeDecimalComma } from './dialect.js';
import { MISSING_POLICIES, type MissingPolicy, imputeColumn, isMissingToken } from './missing.js';

/** How a loader chooses and treats columns. Shared by every loader. */
export interface ColumnOptions {
  /** Column held out of the features and kept as text (e.g. species). Default: none. */
  label?: string;
  /** Column of row names, kept as text. Default: none. */
  id?: string;
  /** Feature columns, in this order. Default: every numeric column without another role. */
  features?: readonly string[];
  /** Columns not read at all. Default: none. */
  exclude?: readonly string[];
  /** What to do with missing values in feature columns (see missing.ts). Default: 'error'. */
  missing?: MissingPolicy;
}

/** Option names of `ColumnOptions`, for `checkKnownOptions`. */
export const COLUMN_OPTION_NAMES = ['label', 'id', 'features', 'exclude', 'missing'] as const;

/** What became of one column of the file. */
export type ColumnRole = 'feature' | 'label' | 'id' | 'excluded' | 'not selected' | 'left out';

/** Inferred type of a column: numbers, text, no values at all, or not read. */
export type ColumnType = 'number' | 'text' | 'empty' | 'unread';

/** Description of one column of the file, as `inspect` shows it. */
export interface ColumnInfo {
  /** Header name. */
  name: string;
  /** 1-based position in the file. */
  position: number;
  role: ColumnRole;
  type: ColumnType;
  /** Missing cells in the file (before any missing-value policy). */
  missing: number;
  /** Why the column is not a feature, when it is left out. */
  reason?: string;
}

/** A loaded table: the dataset plus what happened to every column. */
export interface LoadedTable {
  dataset: Dataset;
  columns: ColumnInfo[];
}

/** Where the rows come from, for messages and for `Dataset.source`. */
export interface TableSource {
  /** Path for messages and `source.path`; undefined for text in memory. */
  file: string | undefined;
  format: DatasetSource['format'];
  /**
   * Columnar files: what their parts are called ('row group', 'record batch'). Places are then
   * data rows (1-based) in a part instead of lines.
   */
  parts?: string;
}

/**
 * The values of one column for a run of rows of a columnar file (`TableBuilder.addColumns`).
 * A numeric column gives `numbers` (NaN: missing); a column of any other type gives `texts`
 * (null: missing) and names its `type` for messages ('text', 'boolean', 'timestamp'). A numeric
 * column the builder keeps as text (label, id, row names: `keepsText`) gives both.
 */
export interface ColumnRun {
  numbers?: Float64Array;
  texts?: readonly (string | null)[];
  type?: string;
}

// Column kinds while reading.
const FEATURE = 0; // named in `features`: must be numeric
const AUTO = 1; // feature if numeric, else left out
const TEXT = 2; // AUTO column that turned out to be text
const SKIP = 3; // excluded or not selected: not read
const KEEP = 4; // label or id: kept as text
const ROWS = 5; // maybe row names: kept as text and as numbers, decided at the end
const ROWS_TEXT = 6; // ROWS column that turned out to be text

// How much a column looks like row names (see the file comment).
const NOT_ROW_NAMES = 0;
const ROW_NAMES = 1; // an empty header, 'Unnamed: 0', ... in the first column
const MAYBE_ROW_NAMES = 2; // 'X', 'index', ...: row names if text or increasing integers

/** Headers that writers give a first column of row names. */
const ROW_NAME_HEADERS: ReadonlySet<string> = new Set([
  'Unnamed: 0',
  '...1',
  'rownames',
  'rowname',
]);
/** Headers that may be row names or data ('X', 'index'), and the above elsewhere. */
const MAYBE_ROW_NAME_HEADERS: ReadonlySet<string> = new Set([...ROW_NAME_HEADERS, 'X', 'index']);

/** How much the column `name` (as in the header), at 0-based `position`, looks like row names. */
function rowNameLikeness(name: string, position: number): number {
  if (position === 0 && (name.trim() === '' || ROW_NAME_HEADERS.has(name))) return ROW_NAMES;
  return MAYBE_ROW_NAME_HEADERS.has(name) ? MAYBE_ROW_NAMES : NOT_ROW_NAMES;
}

/**
 * Collects the records of a table, one at a time, and turns them into a `Dataset` at the end.
 * Loaders call `setHeader` once, then `addRecord` per data record (with its 1-based physical
 * line), then `finish`.
 */
export class TableBuilder {
  private readonly options: Required<Omit<ColumnOptions, 'label' | 'id' | 'features'>> &
    ColumnOptions;
  private readonly source: TableSource;
  private readonly keepMissing: boolean;
  private header: string[] = [];
  private kinds = new Uint8Array(0);
  /**
   * The numbers of the candidate feature columns, row-major, in blocks of rows: the current
   * block holds rows blockStart.. (row i, slot k at (i - blockStart) * slots + k), the full
   * ones wait in `blocks`. `finish` joins them into one n x slots array (when there is one
   * block, the usual case of a file under 1024 rows or of a narrow file, without a copy, so that
   * when every candidate is a feature and no row is dropped the buffer already is the matrix).
   * Blocks instead of one array that doubles: a wide file (100,000 columns) is never copied
   * whole while it is read.
   */
  private buffer = new Float64Array(0);
  private blocks: Float64Array[] = [];
  private blockStart = 0;
  /** Slot of each column in a buffer row, or -1 for columns that are not numbers. */
  private slot = new Int32Array(0);
  private slots = 0;
  private texts: (string[] | null)[] = [];
  private missing: number[] = [];
  private firstMissingLine: number[] = [];
  private firstMissingText: string[] = [];
  private firstTextLine: number[] = [];
  private firstText: string[] = [];
  private firstOverflowLine: number[] = [];
  private firstOverflow: string[] = [];
  private rows = 0;
  private capacity = 0;
  private headerSet = false;
  /** ROW_NAMES, MAYBE_ROW_NAMES or NOT_ROW_NAMES per column. */
  private rowNames = new Uint8Array(0);
  /** Decimal mark of the numbers: '.' (46) or ',' (44). */
  private point = 46;
  private delimiter: string | undefined;
  /** Lines for `source.notes`. */
  private readonly notes: string[] = [];
  /** Columnar files: the parts read so far (first data row, 0-based, and name). */
  private parts: { start: number; name: string }[] = [];
  /** Columnar files: the type of each text column, for messages. */
  private textType: string[] = [];
  /** A builder of one chunk of a stream (see `chunk` of the constructor). */
  private readonly chunk: boolean;

  /**
   * @param options column options, validated here.
   * @param source file and format, for messages and `Dataset.source`.
   * @param keepMissing leave missing values as NaN instead of applying the policy (`inspect`).
   * @param chunk the builder reads one chunk of a longer stream (chunks.ts), whose columns were
   *   settled before: a feature column with no value in the chunk, or a chunk whose rows are all
   *   dropped, is no error.
   */
  constructor(options: ColumnOptions, source: TableSource, keepMissing = false, chunk = false) {
    this.options = resolveColumnOptions(options);
    this.source = source;
    this.keepMissing = keepMissing;
    this.chunk = chunk;
  }

  /**
   * The place of a `DataError`: the file, the line (text files) or the data row and its part
   * (columnar files: `line` is then the 1-based data row), and the column.
   */
  private place(line?: number, column?: string | number): DataErrorPlace {
    const place: DataErrorPlace = {};
    if (this.source.file !== undefined) place.file = this.source.file;
    if (line !== undefined) {
      if (this.source.parts === undefined) place.line = line;
      else {
        const part = this.partOf(line);
        if (part !== undefined) place.part = part;
        place.row = line;
      }
    }
    if (column !== undefined) place.column = column;
    return place;
  }

  /** The name of the part that holds data row `row` (1-based) of a columnar file. */
  private partOf(row: number): string | undefined {
    const parts = this.parts;
    let found: string | undefined;
    for (let k = 0; k < parts.length && parts[k]!.start < row; k++) found = parts[k]!.name;
    return found;
  }

  /**
   * The CSV dialect the records are read with (before `setHeader`): its decimal mark applies to
   * every number cell; its note starts `source.notes`.
   */
  setDialect(dialect: Dialect): void {
    this.point = dialect.decimal.charCodeAt(0);
    this.delimiter = dialect.delimiter;
    this.source.format = dialect.delimiter === '\t' ? 'tsv' : 'csv';
    this.notes.push(dialect.note);
  }

  /**
   * Set the column names (the header record, on line `line`). `rowNames` names columns a writer
   * marked as its row index (pandas' index in a Parquet or Arrow file): they are read as row
   * names wherever they stand, as an empty-headed first column of a CSV is.
   */
  setHeader(names: readonly string[], line = 1, rowNames?: ReadonlySet<string>): void {
    const header = names.map((name, j) => (name.trim() === '' ? `unnamed_${j + 1}` : name));
    const seen = new Map<string, number>();
    header.forEach((name, j) => {
      const before = seen.get(name);
      if (before !== undefined) {
        throw new DataError(
          `the header names column '${name}' twice, at columns ${before + 1} and ${j + 1}. ` +
            'Rename one of them.',
          this.place(line, j + 1),
        );
      }
      seen.set(name, j);
    });
    const { label, id, features, exclude } = this.options;
    const available = () => listNames(header);
    const known = (option: string, name: string) => {
      if (!seen.has(name)) {
        const near = nearNames(name, header);
        throw new OptionError(
          `The '${option}' option names column '${name}', which is not in ` +
            `${this.source.file ?? 'the data'}` +
            (near.length > 0
              ? `. Did you mean ${near.map((c) => `'${c}'`).join(' or ')}? Names are matched ` +
                'exactly, spaces and case included.'
              : `. Available columns: ${available()}.`),
        );
      }
    };
    if (label !== undefined) known('label', label);
    if (id !== undefined) known('id', id);
    for (const name of features ?? []) known('features', name);
    for (const name of exclude) known('exclude', name);

    const d = header.length;
    this.header = header;
    this.kinds = new Uint8Array(d);
    this.rowNames = new Uint8Array(d);
    const featureSet = features === undefined ? undefined : new Set(features);
    const excludeSet = new Set(exclude);
    for (let j = 0; j < d; j++) {
      const name = header[j]!;
      const likeness = rowNames?.has(names[j]!) ? ROW_NAMES : rowNameLikeness(names[j]!, j);
      if (name === label || name === id) this.kinds[j] = KEEP;
      else if (excludeSet.has(name)) this.kinds[j] = SKIP;
      else if (featureSet?.has(name)) this.kinds[j] = FEATURE;
      else {
        this.rowNames[j] = likeness;
        // Row names while the id option names another column are never a feature.
        if (likeness === ROW_NAMES && id !== undefined) this.kinds[j] = SKIP;
        else if (likeness !== NOT_ROW_NAMES && id === undefined) this.kinds[j] = ROWS;
        else this.kinds[j] = featureSet === undefined ? AUTO : SKIP;
      }
    }
    this.slot = new Int32Array(d).fill(-1);
    this.slots = 0;
    this.texts = new Array(d).fill(null);
    this.missing = new Array(d).fill(0);
    this.firstMissingLine = new Array(d).fill(0);
    this.firstMissingText = new Array(d).fill('');
    this.firstTextLine = new Array(d).fill(0);
    this.firstText = new Array(d).fill('');
    this.firstOverflowLine = new Array(d).fill(0);
    this.firstOverflow = new Array(d).fill('');
    this.textType = new Array(d).fill('text');
    for (let j = 0; j < d; j++) {
      const kind = this.kinds[j];
      if (kind === FEATURE || kind === AUTO || kind === ROWS) this.slot[j] = this.slots++;
      if (kind === KEEP || kind === ROWS) this.texts[j] = [];
    }
    // 1024 rows, or fewer for wide files: the first buffer holds at most 2^20 values (8 MiB)
    // and grows by doubling (100,000 columns would otherwise start with 800 MB)
    this.capacity = Math.max(1, Math.min(1024, Math.floor(2 ** 20 / Math.max(1, this.slots))));
    this.buffer = new Float64Array(this.capacity * this.slots);
    this.headerSet = true;
  }

  /** True once the header is set. */
  hasHeader(): boolean {
    return this.headerSet;
  }

  /** False for a column that is excluded or not selected, whose cells are not read. */
  reads(j: number): boolean {
    return this.kinds[j] !== SKIP;
  }

  /** True for a column kept as text (label, id, maybe row names): its runs need `texts`. */
  keepsText(j: number): boolean {
    return this.kinds[j]! >= KEEP;
  }

  /**
   * Add `count` rows of a columnar file, column by column: `runs[j]` holds column j's values
   * (undefined for a column that is not read). `firstRow` is the 0-based data row of the file
   * where the run starts and `part` names the part it comes from ('row group 3'), for messages.
   */
  addColumns(
    count: number,
    runs: readonly (ColumnRun | undefined)[],
    firstRow: number,
    part: string,
  ): void {
    const d = this.header.length;
    this.parts.push({ start: firstRow, name: part });
    let done = 0;
    while (done < count) {
      if (this.rows - this.blockStart === this.capacity) this.grow();
      const at = this.rows - this.blockStart;
      const room = Math.min(count - done, this.capacity - at);
      const { buffer, slots } = this;
      for (let j = 0; j < d; j++) {
        const kind = this.kinds[j]!;
        if (kind === SKIP) continue;
        const run = runs[j];
        if (run === undefined) throw new Error(`addColumns: no values for column ${j}`);
        const k = this.slot[j]!;
        const numbers = run.numbers;
        const texts = run.texts;
        if (kind >= KEEP) {
          if (texts === undefined) throw new Error(`addColumns: no texts for column ${j}`);
          const kept = this.texts[j]!;
          for (let i = done; i < done + room; i++) kept.push(texts[i] ?? '');
          if (kind === KEEP) continue;
        }
        const line0 = firstRow + 1; // row i of the run is data row line0 + i
        if (numbers !== undefined) {
          if (kind === TEXT || kind === ROWS_TEXT) continue;
          for (let i = 0; i < room; i++) {
            const v = numbers[done + i]!;
            buffer[(at + i) * slots + k] = v;
            if (v - v !== 0) {
              if (Number.isNaN(v)) this.countMissing(j, line0 + done + i, '');
              else if (this.firstOverflowLine[j] === 0) {
                this.firstOverflowLine[j] = line0 + done + i;
                this.firstOverflow[j] = String(v);
              }
            }
          }
          continue;
        }
        if (texts === undefined) throw new Error(`addColumns: no values for column ${j}`);
        for (let i = done; i < done + room; i++) {
          const text = texts[i];
          const kindNow = this.kinds[j]!;
          if (text === null || text === undefined) {
            this.countMissing(j, line0 + i, '');
            if (kindNow !== TEXT && kindNow !== ROWS_TEXT)
              buffer[(at + i - done) * slots + k] = Number.NaN;
            continue;
          }
          if (kindNow === TEXT || kindNow === ROWS_TEXT) continue;
          this.firstTextLine[j] = line0 + i;
          this.firstText[j] = text;
          this.textType[j] = run.type ?? 'text';
          if (kindNow === AUTO) this.kinds[j] = TEXT;
          else if (kindNow === ROWS) this.kinds[j] = ROWS_TEXT;
          else {
            throw new DataError(
              `column '${this.header[j]}' is named in features but holds ${run.type ?? 'text'} ` +
                `values ('${clip(text)}'), not numbers. Leave the column out of features.`,
              this.place(line0 + i, this.header[j]),
            );
          }
        }
      }
      this.rows += room;
      done += room;
    }
  }

  /** Data rows added so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Number of columns of the header. */
  get columnCount(): number {
    return this.header.length;
  }

  /** The header names. */
  get columnNames(): readonly string[] {
    return this.header;
  }

  /** The current block is full: keep it, and start one twice as long (at most 2^24 values). */
  private grow(): void {
    this.blocks.push(this.buffer);
    this.blockStart = this.rows;
    const cap = Math.max(this.capacity, Math.floor(2 ** 24 / Math.max(1, this.slots)));
    this.capacity = Math.min(2 * this.capacity, cap);
    this.buffer = new Float64Array(this.capacity * this.slots);
  }

  /** Join the blocks into one array of n x slots values (nothing to do with one block). */
  private joinBlocks(): void {
    if (this.blocks.length === 0) return;
    const all = new Float64Array(this.rows * this.slots);
    let offset = 0;
    for (const block of this.blocks) {
      all.set(block, offset);
      offset += block.length;
    }
    all.set(this.buffer.subarray(0, (this.rows - this.blockStart) * this.slots), offset);
    this.blocks = [];
    this.blockStart = 0;
    this.buffer = all;
    this.capacity = this.rows;
  }

  /**
   * Add one data record: the first `count` entries of `fields` (text cells), which started on
   * physical line `line`. Throws a `DataError` for a record with the wrong number of fields.
   */
  addRecord(
    fields: readonly string[],
    count: number,
    line: number,
    fieldLines?: readonly number[],
  ): void {
    const d = this.header.length;
    if (count !== d) this.ragged(count, line);
    if (this.rows - this.blockStart === this.capacity) this.grow();
    const i = this.rows;
    const kinds = this.kinds;
    const buffer = this.buffer;
    const slot = this.slot;
    const o = (i - this.blockStart) * this.slots;
    const point = this.point;
    for (let j = 0; j < d; j++) {
      const kind = kinds[j];
      if (kind === SKIP) continue;
      const text = fields[j]!;
      if (kind >= KEEP) {
        // Copy long strings: a slice would keep the whole chunk of text it came from alive.
        this.texts[j]!.push(text.length < 13 ? text : copyText(text));
        if (kind !== ROWS) continue;
      } else if (kind === TEXT) {
        if (isMissingToken(text)) this.countMissing(j, fieldLines?.[j] ?? line, text);
        continue;
      }
      // FEATURE, AUTO or ROWS: parse as a number. Number() accepts more than decimal numbers
      // (hex, binary, octal, 'Infinity', Unicode white space, nothing at all), so it is only
      // trusted for a cell that starts with a digit, a sign or '.' and has no radix prefix; the
      // rest goes through the strict path (and every cell that is not plain, with a decimal
      // comma).
      const fast = plainDecimal(text, point);
      if (!Number.isNaN(fast)) {
        buffer[o + slot[j]!] = fast;
        continue;
      }
      const v = point === 46 ? Number(text) : Number.NaN;
      const c0 = text.charCodeAt(0);
      if (
        v - v === 0 &&
        ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46) &&
        !(c0 === 48 && text.length > 2 && isRadixPrefix(text))
      ) {
        buffer[o + slot[j]!] = v;
      } else {
        this.slowCell(j, i, text, fieldLines?.[j] ?? line);
      }
    }
    this.rows++;
  }

  /** The cases the fast path of `addRecord` leaves: white space, missing, text, overflow. */
  private slowCell(j: number, i: number, text: string, line: number): void {
    const trimmed = text.trim();
    if (isMissingToken(trimmed)) {
      this.countMissing(j, line, text);
      this.buffer[(i - this.blockStart) * this.slots + this.slot[j]!] = Number.NaN;
      return;
    }
    const v =
      this.point === 46
        ? isDecimal(trimmed)
          ? Number(trimmed)
          : undefined
        : commaDecimalValue(trimmed);
    if (v !== undefined) {
      if (Number.isFinite(v)) {
        this.buffer[(i - this.blockStart) * this.slots + this.slot[j]!] = v;
        return;
      }
      if (this.firstOverflowLine[j] === 0) {
        this.firstOverflowLine[j] = line;
        this.firstOverflow[j] = text;
      }
      this.buffer[(i - this.blockStart) * this.slots + this.slot[j]!] = Number.NaN;
      return;
    }
    // Text: remember where, for the warning or the error.
    this.firstTextLine[j] = line;
    this.firstText[j] = text;
    if (this.kinds[j] === AUTO) {
      this.kinds[j] = TEXT; // its slot is no longer written
    } else if (this.kinds[j] === ROWS) {
      this.kinds[j] = ROWS_TEXT;
    } else {
      // A column named in `features` cannot hold text.
      throw new DataError(
        `column '${this.header[j]}' is named in features but holds text ('${clip(text)}'), ` +
          'not a number. Fix the cell, or leave the column out of features.',
        this.place(line, this.header[j]),
      );
    }
  }

  private countMissing(j: number, line: number, text: string): void {
    if (this.missing[j] === 0) {
      this.firstMissingLine[j] = line;
      this.firstMissingText[j] = text;
    }
    this.missing[j]!++;
  }

  private ragged(count: number, line: number): never {
    const d = this.header.length;
    const column = count < d ? this.header[count]! : d + 1;
    const delimiter = this.delimiter === '\t' ? 'tab' : `'${this.delimiter}'`;
    const fix =
      count > d
        ? 'Quote fields that contain the delimiter, or remove the extra fields.'
        : 'Add the missing fields (an empty field is a missing value).';
    const other =
      this.delimiter !== undefined && (count > d || count === 1)
        ? message` The fields are split at ${delimiter}; if the file uses another delimiter, give it (${option('delimiter')}).`
        : '';
    throw new DataError(
      message`this row has ${count} field${count === 1 ? '' : 's'}, but the header has ${d}. ${fix}${other}`,
      this.place(line, column),
    );
  }

  /** Build the dataset: infer types, apply the missing-value policy, report left-out columns. */
  finish(sha256: string): LoadedTable {
    const file = this.source.file;
    if (!this.headerSet) {
      throw new DataError(
        'the file is empty: no header and no data. Expected a header line with the column ' +
          'names, then one line per row.',
        this.place(),
      );
    }
    const n = this.rows;
    if (n === 0) {
      throw new DataError(
        this.source.format === 'sql'
          ? 'the query returned no rows.'
          : 'the file has a header but no data rows. Expected one line per row after the header.',
        this.place(),
      );
    }
    this.joinBlocks();
    const { label, id, features } = this.options;
    const excluded = new Set(this.options.exclude);
    const header = this.header;
    const d = header.length;
    const columns: ColumnInfo[] = [];
    const leftOut: { column: string; reason: string }[] = [];
    const featureIndex: number[] = [];
    // One warning per left-out column for the first few, then one for the rest (a wide file of
    // text would otherwise print thousands of lines).
    let warned = 0;
    const unwarned: string[] = [];
    const leftOutWarning = (name: string, text: MessageLike) => {
      if (warned++ < WARNED_COLUMNS) warn(text);
      else unwarned.push(name);
    };
    const inFile = file === undefined ? '' : `${file}, `;
    const idIndex = id === undefined ? this.rowNameColumn() : header.indexOf(id);
    for (let j = 0; j < d; j++) {
      const name = header[j]!;
      let kind = this.kinds[j];
      const info: ColumnInfo = {
        name,
        position: j + 1,
        role: 'feature',
        type: 'number',
        missing: this.missing[j]!,
      };
      columns.push(info);
      if (kind === ROWS || kind === ROWS_TEXT) {
        const texts = this.texts[j]!;
        const named = this.rowNames[j] === ROW_NAMES;
        const what = `column '${name}'${name === `unnamed_${j + 1}` ? ' (no name in the header)' : ''}`;
        if (j === idIndex) {
          info.role = 'id';
          info.type = 'text';
          info.missing = 0;
          info.reason = `row names: distinct ${kind === ROWS_TEXT ? 'names' : 'row numbers'}${named ? '' : ` in a column named '${name}'`}`;
          this.notes.push(
            `${what} holds distinct row names (${sampleValues(texts)}): it is the row id, not a ` +
              "feature. The 'id' option chooses another id column; naming it in the 'features' " +
              'option keeps it as a feature.',
          );
          continue;
        }
        if (named) {
          info.role = 'left out';
          info.type = 'text';
          info.missing = countMissing(texts);
          const at = repeatedValue(texts);
          info.reason =
            `row names whose values ${at.missing ? 'are missing' : 'repeat'} ` +
            `(row ${at.row + 1}: '${clip(texts[at.row]!)}')`;
          leftOut.push({ column: name, reason: info.reason });
          leftOutWarning(
            name,
            message`${inFile}${what} looks like row names, but its values ${at.missing ? 'are missing' : 'repeat'} (row ${at.row + 1}: '${clip(texts[at.row]!)}'); it is left out of the features. Name it in ${option('features')} to use it as a feature, or as ${option('id')}.`,
          );
          continue;
        }
        // 'X', 'index', ... holding measurements: an ordinary column.
        if (features !== undefined) kind = SKIP;
        else if (kind === ROWS_TEXT) {
          kind = TEXT;
          info.missing = this.missing[j] = countMissing(texts);
        } else kind = AUTO;
      }
      if (kind === SKIP && this.rowNames[j] === ROW_NAMES) {
        info.role = 'left out';
        info.type = 'unread';
        info.reason = `row names (the id column is '${id}')`;
        leftOut.push({ column: name, reason: info.reason });
        continue;
      }
      if (
        kind === AUTO &&
        this.rowNames[j] === MAYBE_ROW_NAMES &&
        n >= 3 &&
        this.missing[j] === 0 &&
        this.rowNumbersFrom(j) !== -1
      ) {
        // 'X', 'index', ... holding the row numbers while another column is the id.
        const first = this.rowNumbersFrom(j);
        info.role = 'left out';
        info.reason = `row numbers ${first}..${n - 1 + first}, a second index column`;
        leftOut.push({ column: name, reason: info.reason });
        leftOutWarning(
          name,
          message`${inFile}column '${name}' holds the row numbers ${first}..${n - 1 + first}, as an index column does, and the id is ${idIndex === -1 ? 'not taken from it' : `'${header[idIndex]}'`}; it is left out of the features. Name it in ${option('features')} to use it.`,
        );
        continue;
      }
      if (kind === KEEP) {
        info.role = name === label ? 'label' : 'id';
        info.type = 'text';
        info.missing = 0;
        for (const text of this.texts[j]!) if (isMissingToken(text)) info.missing++;
        continue;
      }
      if (kind === SKIP) {
        info.role = features !== undefined && !excluded.has(name) ? 'not selected' : 'excluded';
        info.type = 'unread';
        if (info.role === 'excluded') leftOut.push({ column: name, reason: 'excluded' });
        else leftOut.push({ column: name, reason: 'not in features' });
        continue;
      }
      if (kind === TEXT) {
        info.role = 'left out';
        info.type = 'text';
        info.reason =
          this.source.parts === undefined
            ? `not numeric (line ${this.firstTextLine[j]}: '${clip(this.firstText[j]!)}')`
            : `not numeric (${this.textType[j]}; row ${this.firstTextLine[j]}: '${clip(this.firstText[j]!)}')`;
        leftOut.push({ column: name, reason: info.reason });
        const text = this.firstText[j]!.trim();
        leftOutWarning(
          name,
          message`${inFile}column '${name}' is ${info.reason}; it is left out of the features. ${
            this.point === 46 && looksLikeDecimalComma(text)
              ? message`If ',' is its decimal mark, give ${option('decimal', ',')}. `
              : ''
          }Name it in ${option('exclude')} (or as ${option('label')}) to silence this.`,
        );
        continue;
      }
      if (this.missing[j] === n && !(this.chunk && kind === FEATURE)) {
        if (kind === FEATURE) {
          throw new DataError(
            'the column is named in features but has no values (every cell is missing).',
            this.place(undefined, name),
          );
        }
        info.role = 'left out';
        info.type = 'empty';
        info.reason = 'no values (every cell is missing)';
        leftOut.push({ column: name, reason: info.reason });
        leftOutWarning(
          name,
          `${inFile}column '${name}' has no values; it is left out of the features.`,
        );
        continue;
      }
      if (this.firstOverflowLine[j] !== 0) {
        const value = this.firstOverflow[j]!;
        throw new DataError(
          this.source.parts !== undefined && /Infinity$/.test(value)
            ? `the value is ${value}; features must be finite numbers. Fix the value, or ` +
                'leave the column out.'
            : `'${clip(value)}' is too large for a double-precision number. ` +
                'Rescale the column (or fix the cell).',
          this.place(this.firstOverflowLine[j], name),
        );
      }
      featureIndex.push(j);
    }
    if (unwarned.length > 0) {
      warn(
        `${file === undefined ? '' : `${file}: `}${unwarned.length} more columns are not numeric ` +
          `or have no values, and are left out of the features: ${listNames(unwarned)}.`,
      );
    }
    // Keep the order of `features` when it was given.
    if (features !== undefined) {
      const order = new Map(features.map((name, k) => [name, k]));
      featureIndex.sort((a, b) => order.get(header[a]!)! - order.get(header[b]!)!);
    }
    if (featureIndex.length === 0) {
      throw new DataError(
        message`no numeric feature columns. Columns: ${describeColumns(columns)}. Name numeric columns with ${option('features')}${this.dialectText()}.`,
        this.place(),
      );
    }
    // Row numbers among the features chosen automatically.
    if (n >= 3) {
      for (const j of featureIndex) {
        if (this.kinds[j] === FEATURE || this.missing[j] !== 0) continue;
        const first = this.rowNumbersFrom(j);
        if (first === -1) continue;
        warn(
          message`${inFile}column '${header[j]}' holds the row numbers ${first}..${n - 1 + first}, so the order of the rows in the file takes part in the analysis as a feature. Leave it out with ${option('exclude', header[j]!, { library: `{exclude: ['${header[j]}']}` })} or make it the row id (${option('id', header[j]!)}); name it in ${option('features')} to keep it without this warning.`,
        );
      }
    }

    // Missing-value policy.
    const policy = this.options.missing;
    let keep: Uint8Array | undefined;
    let rowsDropped = 0;
    let valuesImputed = 0;
    if (!this.keepMissing) {
      if (policy === 'error') {
        let line = 0;
        let at = -1;
        for (const j of featureIndex) {
          if (
            this.missing[j]! > 0 &&
            (line === 0 ||
              this.firstMissingLine[j]! < line ||
              (this.firstMissingLine[j] === line && j < at))
          ) {
            line = this.firstMissingLine[j]!;
            at = j;
          }
        }
        if (at !== -1) {
          const text = this.firstMissingText[at]!;
          throw new DataError(
            message`missing value (${this.source.parts !== undefined ? 'null' : text.trim() === '' ? 'empty cell' : `'${text}'`}) in a feature column. Use ${option('missing', ['drop', 'mean', 'median'])} to drop the rows or impute the values, or leave the column out with ${option('exclude')}.`,
            this.place(line, header[at]),
          );
        }
      } else if (policy === 'drop') {
        keep = new Uint8Array(n).fill(1);
        for (const j of featureIndex) {
          if (this.missing[j] === 0) continue;
          const { buffer, slots } = this;
          const k = this.slot[j]!;
          for (let i = 0; i < n; i++) if (Number.isNaN(buffer[i * slots + k])) keep[i] = 0;
        }
        for (let i = 0; i < n; i++) if (keep[i] === 0) rowsDropped++;
        if (rowsDropped === n && !this.chunk) {
          throw new DataError(
            message`every one of the ${n} rows has a missing feature value, so ${option('missing', 'drop')} leaves no data. Use ${option('missing', ['mean', 'median'])}, or leave the emptiest columns out with ${option('exclude')}.`,
            this.place(),
          );
        }
        if (rowsDropped === 0) keep = undefined;
      } else {
        for (const j of featureIndex) {
          if (this.missing[j]! === 0) continue;
          const { buffer, slots } = this;
          const k = this.slot[j]!;
          const column = new Float64Array(n);
          for (let i = 0; i < n; i++) column[i] = buffer[i * slots + k]!;
          valuesImputed += imputeColumn(column, n, policy);
          for (let i = 0; i < n; i++) buffer[i * slots + k] = column[i]!;
        }
      }
    }

    // Row-major features. When every slot is a feature, in slot order, and no row was dropped,
    // the buffer already is the matrix (copied only when it would waste more than 1/8 of itself).
    const cols = featureIndex.length;
    const rows = n - rowsDropped;
    const slots = this.slots;
    const slotOf = featureIndex.map((j) => this.slot[j]!);
    const identity = cols === slots && slotOf.every((k, index) => k === index);
    let matrix: FeatureMatrix;
    if (identity && keep === undefined) {
      const used = n * slots;
      const data =
        (this.buffer.length - used) * 8 > this.buffer.length
          ? this.buffer.slice(0, used)
          : this.buffer.subarray(0, used);
      matrix = featureMatrix(rows, cols, data);
    } else {
      matrix = featureMatrix(rows, cols);
      const { buffer } = this;
      const data = matrix.data;
      let r = 0;
      for (let i = 0; i < n; i++) {
        if (keep !== undefined && keep[i] === 0) continue;
        const o = r * cols;
        const from = i * slots;
        for (let k = 0; k < cols; k++) data[o + k] = buffer[from + slotOf[k]!]!;
        r++;
      }
    }
    this.buffer = new Float64Array(0);
    const keptText = (texts: string[]): string[] =>
      keep === undefined ? texts : texts.filter((_, i) => keep![i] === 1);

    const dataset: Dataset = {
      features: matrix,
      columns: featureIndex.map((j) => header[j]!),
      source: {
        path: file ?? '<memory>',
        sha256,
        rowsRead: n,
        rowsDropped,
        valuesImputed,
        format: this.source.format,
        leftOut,
        notes: this.notes,
      },
    };
    if (this.delimiter !== undefined) {
      dataset.source.delimiter = this.delimiter;
      dataset.source.decimal = this.point === 46 ? '.' : ',';
    }
    if (label !== undefined) {
      dataset.labels = keptText(this.texts[header.indexOf(label)]!);
      dataset.labelColumn = label;
    }
    if (idIndex !== -1) {
      dataset.ids = keptText(this.texts[idIndex]!);
      dataset.idColumn = header[idIndex]!;
    }
    return { dataset, columns };
  }

  /**
   * The column of row names that becomes the id (no id option given), or -1: the first column
   * that looks like row names (see the file comment) with distinct values, none missing.
   */
  private rowNameColumn(): number {
    for (let j = 0; j < this.header.length; j++) {
      const kind = this.kinds[j];
      if (kind !== ROWS && kind !== ROWS_TEXT) continue;
      if (
        (this.rowNames[j] === ROW_NAMES || kind === ROWS_TEXT || this.increasingIntegers(j)) &&
        repeatedValue(this.texts[j]!).row === -1
      ) {
        return j;
      }
    }
    return -1;
  }

  /** True when the numbers of column j (which has a slot) are integers, each above the last. */
  private increasingIntegers(j: number): boolean {
    const { buffer, slots } = this;
    const k = this.slot[j]!;
    let last = -Infinity;
    for (let i = 0; i < this.rows; i++) {
      const v = buffer[i * slots + k]!;
      if (!Number.isInteger(v) || v <= last) return false;
      last = v;
    }
    return true;
  }

  /** 1 or 0 when the numbers of column j are 1..n or 0..n-1 in file order, else -1. */
  private rowNumbersFrom(j: number): number {
    const { buffer, slots } = this;
    const k = this.slot[j]!;
    const first = buffer[k]!;
    if (first !== 0 && first !== 1) return -1;
    for (let i = 1; i < this.rows; i++) if (buffer[i * slots + k] !== first + i) return -1;
    return first;
  }

  /** ', or check the delimiter (...)' for messages about delimited text, else ''. */
  private dialectText(): MessageLike {
    if (this.delimiter === undefined) return '';
    const delimiter = this.delimiter === '\t' ? 'tab' : `'${this.delimiter}'`;
    return message`, or check the delimiter (${delimiter} was used) and the decimal mark ('${String.fromCharCode(this.point)}'): ${option('delimiter')} and ${option('decimal')}`;
  }
}

/** Validate and complete column options. */
export function resolveColumnOptions(
  options: ColumnOptions,
): Required<Omit<ColumnOptions, 'label' | 'id' | 'features'>> & ColumnOptions {
  const fn = 'the loader';
  const missing = checkKeyword(fn, 'missing', options.missing ?? 'error', MISSING_POLICIES);
  const name = (option: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      throw new OptionError(
        `The '${option}' option of ${fn} must be a column name. Got ${JSON.stringify(value)} instead.`,
      );
    }
    return value;
  };
  const list = (option: string, value: unknown): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new OptionError(
        `The '${option}' option of ${fn} must be an array of column names. Got ${JSON.stringify(value)} instead.`,
      );
    }
    return value as string[];
  };
  const label = name('label', options.label);
  const id = name('id', options.id);
  const features = list('features', options.features);
  const exclude = list('exclude', options.exclude) ?? [];
  if (features !== undefined && features.length === 0) {
    throw new OptionError(`The 'features' option of ${fn} must name at least one column.`);
  }
  if (label !== undefined && label === id) {
    throw new OptionError(`Column '${label}' cannot be both the label and the id.`);
  }
  for (const held of [label, id]) {
    if (held === undefined) continue;
    const role = held === label ? 'label' : 'id';
    if (features?.includes(held)) {
      throw new OptionError(
        `Column '${held}' is the ${role}, so it cannot be a feature too. Remove it from features.`,
      );
    }
    if (exclude.includes(held)) {
      throw new OptionError(`Column '${held}' is the ${role}, so it cannot be excluded too.`);
    }
  }
  const excluded = new Set(exclude);
  const named = new Set<string>();
  for (const name of features ?? []) {
    if (excluded.has(name)) {
      throw new OptionError(`Column '${name}' is named both in features and in exclude.`);
    }
    if (named.has(name)) throw new OptionError(`Column '${name}' is named twice in features.`);
    named.add(name);
  }
  const resolved: Required<Omit<ColumnOptions, 'label' | 'id' | 'features'>> & ColumnOptions = {
    exclude,
    missing,
  };
  if (label !== undefined) resolved.label = label;
  if (id !== undefined) resolved.id = id;
  if (features !== undefined) resolved.features = features;
  return resolved;
}

/** Check the option names of a loader (column options plus `extra`). */
export function checkLoaderOptions(fn: string, options: object, extra: readonly string[]): void {
  checkKnownOptions(fn, options, [...COLUMN_OPTION_NAMES, ...extra]);
}

/** A decimal number: sign, digits with optional '.', optional exponent. No hex, no Infinity. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Strict number parsing of one cell: the number, NaN for a missing token, or undefined for text
 * (including '0x10', '1,234', 'Infinity'). Overflow ('1e999') gives ±Infinity.
 */
export function parseCell(text: string): number | undefined {
  const trimmed = text.trim();
  if (isMissingToken(trimmed)) return Number.NaN;
  return isDecimal(trimmed) ? Number(trimmed) : undefined;
}

/** Exact powers of ten, 10^0 .. 10^22 (every one is a double exactly). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The value of a plain decimal cell ('-12.345': sign, at most 15 digits, optional decimal mark),
 * or NaN for anything else (the caller then falls back to `Number`). Exact: the digits form an
 * integer below 2^53 and 10^k (k <= 15) is exact, so the one division rounds correctly, as
 * `Number` does (Clinger's fast path). `point` is the character code of the decimal mark: 46
 * '.' (default) or 44 ','.
 */
export function plainDecimal(text: string, point = 46): number {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  for (; i < n; i++) {
    c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    digits++;
  }
  if (i < n && c + 48 === point) {
    // the decimal mark
    for (i++; i < n; i++) {
      c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      mantissa = mantissa * 10 + c;
      digits++;
      fraction++;
    }
  }
  if (i !== n || digits === 0 || digits > 15) return Number.NaN;
  const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

function isRadixPrefix(text: string): boolean {
  const c1 = text.charCodeAt(1) | 0x20;
  return c1 === 120 || c1 === 98 || c1 === 111; // x b o
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A flat copy of `text` (through UTF-8), or `text` itself when it holds a lone surrogate, which
 * UTF-8 cannot carry (only text handed in as a string can hold one; a file's bytes cannot).
 */
function copyText(text: string): string {
  return LONE_SURROGATE.test(text) ? text : Buffer.from(text, 'utf8').toString('utf8');
}

/** Missing cells among `texts`. */
function countMissing(texts: readonly string[]): number {
  let count = 0;
  for (const text of texts) if (isMissingToken(text)) count++;
  return count;
}

/**
 * The first value of `texts` that is missing or repeats an earlier one: its row (0-based) and
 * whether it is missing; row -1 when the values are distinct and present.
 */
function repeatedValue(texts: readonly string[]): { row: number; missing: boolean } {
  const seen = new Set<string>();
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (isMissingToken(text)) return { row: i, missing: true };
    if (seen.has(text)) return { row: i, missing: false };
    seen.add(text);
  }
  return { row: -1, missing: false };
}

/** "'1', '2', ..., '272'": the first two values and the last, for notes. */
function sampleValues(texts: readonly string[]): string {
  const show = (text: string) => `'${clip(text)}'`;
  if (texts.length <= 3) return texts.map(show).join(', ');
  return `${show(texts[0]!)}, ${show(texts[1]!)}, ..., ${show(texts[texts.length - 1]!)}`;
}

/** Left-out columns warned about one by one; the rest share one warning. */
const WARNED_COLUMNS = 10;

/** At most this many names are listed in a message. */
const LISTED = 20;

/**
 * Header names close to `name`, for the message about a name that matches no column: the same
 * name but for surrounding spaces or case, else names at most 2 edits away (for names of at
 * least 4 characters). At most 5, in header order. Linear in the number of columns.
 */
export function nearNames(name: string, header: readonly string[]): string[] {
  const folded = name.trim().toLowerCase();
  const same = header.filter((h) => h.trim().toLowerCase() === folded);
  if (same.length > 0) return same.slice(0, 5);
  if (folded.length < 4) return [];
  const out: string[] = [];
  for (const h of header) {
    if (Math.abs(h.length - name.length) <= 2 && editDistanceAtMost(name, h, 2)) out.push(h);
    if (out.length === 5) break;
  }
  return out;
}

/** True if a and b are at most `max` insertions, deletions or substitutions apart. */
function editDistanceAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(v);
      if (v < best) best = v;
    }
    if (best > max) return false;
    previous = current;
  }
  return previous[b.length]! <= max;
}

/** "'a', 'b', 'c'", or the first 20 and how many more. */
function listNames(names: readonly string[]): string {
  const listed = names.slice(0, LISTED).map((name) => `'${clip(name)}'`);
  if (names.length > LISTED) listed.push(`... (${names.length - LISTED} more)`);
  return listed.join(', ');
}

function describeColumns(columns: ColumnInfo[]): string {
  const listed = columns
    .slice(0, LISTED)
    .map((c) => `'${clip(c.name)}' (${c.type === 'unread' ? c.role : c.type})`);
  if (columns.length > LISTED) listed.push(`... (${columns.length - LISTED} more)`);
  return listed.join(', ');
}
