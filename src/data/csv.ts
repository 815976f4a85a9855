/**
 * CSV and TSV: `parseCsv(text, options)` (pure) and `loadCsv(path, options)` (streams the file).
 *
 * Format (RFC 4180, as spreadsheets write it): a header line with the column names, then one
 * record per line; fields separated by the delimiter; a field may be quoted with '"', and then
 * contains delimiters, line breaks and doubled quotes ('""' for '"'). A leading UTF-8 byte order
 * mark is skipped; line breaks are '\n', '\r\n' or '\r'. Blank lines (a line with nothing on it)
 * are skipped, wherever they are, as pandas does.
 *
 * Dialect: the delimiter (',', ';', tab, '|' or any one character) and the decimal mark ('.' or
 * ',') are options; left to 'auto' (the default), they are told from the first lines of the text
 * (dialect.ts), except that a .tsv or .tab file is tab-delimited. What was used, and why, is the
 * first entry of `source.notes`.
 *
 * Errors name the file, the 1-based physical line where the record starts (the header is line
 * 1; line breaks inside quoted fields count, so the number is the one a text editor shows) and
 * the column.
 *
 * Streaming: `loadCsv` reads the file in 1 MiB chunks and hashes them as they come; the tokenizer
 * keeps only the unfinished field of a chunk, and numeric columns accumulate into Float64Arrays
 * (columns.ts), so the text of the file is never held in memory as a whole.
 *
 * Limits: a field longer than `MAX_FIELD_LENGTH` characters is a `DataError` naming the line where
 * it starts (in practice a quote that is never closed, which would otherwise swallow the rest of
 * the file until JavaScript's largest string overflows). Bytes that are not UTF-8 are a
 * `DataError` naming the byte offset and the line.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DataError, OptionError } from '../util/errors.js';
import { type MessageLike, message, option } from '../util/message.js';
import { Utf8Checker, invalidUtf8Message } from './utf8.js';
import {
  type DecimalMark,
  type Dialect,
  type DialectOptions,
  SNIFF_CHARS,
  needsSniffing,
  sniffDialect,
} from './dialect.js';
import {
  type ColumnOptions,
  type LoadedTable,
  TableBuilder,
  checkLoaderOptions,
} from './columns.js';
import type { Dataset } from './dataset.js';

/** Options of `parseCsv` and `loadCsv`: the column options plus the format. */
export interface CsvOptions extends ColumnOptions {
  /**
   * Field delimiter: one character, or 'auto' to tell ',', ';', tab or '|' from the first lines
   * (',' when they do not settle it). Default: 'auto' (`loadCsv`: tab for a .tsv or .tab file).
   */
  delimiter?: string;
  /**
   * Decimal mark of the numbers: '.', ',' (R's `write.csv2`, European spreadsheets; thousands
   * groups separated by '.' or a space are read too), or 'auto': ',' when the delimiter is ';'
   * or tab and the first lines hold numbers with a decimal comma and none with a decimal point.
   * Default: 'auto'.
   */
  decimal?: DecimalMark | 'auto';
  /** File name used in messages (`parseCsv` only; `loadCsv` uses the path). Default: none. */
  file?: string;
}

const CSV_EXTRA_OPTIONS = ['delimiter', 'decimal', 'file'] as const;
const QUOTE = 34;
const LF = 10;
const CR = 13;

// Tokenizer states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote seen inside a quoted field: closing, or first of '""'

/**
 * Longest field the tokenizer accepts, in UTF-16 code units (256 Mi; JavaScript strings end at
 * about 512 Mi).
 */
export const MAX_FIELD_LENGTH = 2 ** 28;

/**
 * A streaming RFC 4180 tokenizer. `push` text chunks (split anywhere, also inside a field or
 * between '\r' and '\n'), then `end`. Each record is handed to `onRecord(fields, count, line)`
 * with a reused fields array (only its first `count` entries belong to the record) and the
 * 1-based physical line where the record starts.
 */
export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly onRecord: (
    fields: string[],
    count: number,
    line: number,
    fieldLines: readonly number[] | undefined,
  ) => void;
  private readonly file: string | undefined;
  private fields: string[] = [];
  /** Line where each field of the current record starts. */
  private fieldLines: number[] = [];
  private count = 0;
  private state = FIELD_START;
  /** Text of the current field carried over from earlier chunks. */
  private carry = '';
  /** A quote appeared in the current record (so an empty line with "" is not blank). */
  private quoted = false;
  private afterCR = false;
  private line = 1;
  private recordLine = 1;
  private fieldLine = 1;
  private first = true;
  private readonly maxField: number;

  /**
   * @param maxFieldLength longest field accepted (see `MAX_FIELD_LENGTH`); smaller in tests.
   */
  constructor(
    delimiter: string,
    onRecord: (
      fields: string[],
      count: number,
      line: number,
      fieldLines: readonly number[] | undefined,
    ) => void,
    file?: string,
    maxFieldLength = MAX_FIELD_LENGTH,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.onRecord = onRecord;
    this.file = file;
    this.maxField = maxFieldLength;
  }

  /** The 1-based physical line the tokenizer has reached. */
  get currentLine(): number {
    return this.line;
  }

  private fail(message: MessageLike, line: number): never {
    const place: { file?: string; line: number; column: number } = {
      line,
      column: this.count + 1,
    };
    if (this.file !== undefined) place.file = this.file;
    throw new DataError(message, place);
  }

  /** The record of `count` fields ends: hand it on, unless it is a blank line. */
  private endRecord(count: number): void {
    if (count === 1 && this.fields[0] === '' && !this.quoted) {
      // blank line
    } else {
      // Field lines only matter when a quoted field spanned a line break.
      const multiline = this.fieldLines[count - 1] !== this.recordLine;
      this.onRecord(this.fields, count, this.recordLine, multiline ? this.fieldLines : undefined);
    }
    this.count = 0;
    this.quoted = false;
  }

  /** Tokenize the next chunk of text. */
  push(chunk: string): void {
    let start = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    const delimiter = this.delimiter;
    const fields = this.fields;
    const fieldLines = this.fieldLines;
    const length = chunk.length;
    let state = this.state;
    let carry = this.carry;
    let line = this.line;
    let afterCR = this.afterCR;
    let count = this.count;
    // `start` is where the unfinished text of the current field begins in this chunk.
    for (let i = start; i < length; i++) {
      let c = chunk.charCodeAt(i);
      if (state === FIELD_START) {
        fieldLines[count] = line;
        if (c === LF && afterCR) {
          afterCR = false;
          continue;
        }
        afterCR = false;
        if (c === QUOTE) {
          state = QUOTED;
          this.quoted = true;
          this.fieldLine = line;
          start = i + 1;
          continue;
        }
        state = UNQUOTED;
        start = i;
        // Fall through to UNQUOTED with the same character.
      }
      if (state === UNQUOTED) {
        // The body of an unquoted field: scan to its end in a tight loop.
        while (c !== delimiter && c !== LF && c !== CR && c !== QUOTE) {
          if (++i === length) break;
          c = chunk.charCodeAt(i);
        }
        if (i === length) break;
        if (c === QUOTE) {
          this.count = count;
          this.line = line;
          this.fail(
            'a quote (") inside an unquoted field. Quote the whole field and double the quotes ' +
              'inside it ("5\'11""").',
            line,
          );
        }
        fields[count++] = carry === '' ? chunk.slice(start, i) : carry + chunk.slice(start, i);
        carry = '';
        state = FIELD_START;
        if (c !== delimiter) {
          // LF or CR: the record ends.
          this.endRecord(count);
          count = 0;
          line++;
          afterCR = c === CR;
          this.recordLine = line;
        } else if (i + 1 === length) {
          // A delimiter at the very end of the chunk: the next field starts in the next chunk.
          fieldLines[count] = line;
        }
        continue;
      }
      if (state === QUOTED) {
        if (c === QUOTE) {
          carry += chunk.slice(start, i);
          state = QUOTE_IN_QUOTED;
          afterCR = false;
        } else if (c === LF) {
          if (!afterCR) line++;
          afterCR = false;
        } else if (c === CR) {
          line++;
          afterCR = true;
        } else {
          afterCR = false;
        }
        continue;
      }
      // QUOTE_IN_QUOTED
      if (c === QUOTE) {
        carry += '"';
        start = i + 1;
        state = QUOTED;
      } else if (c === delimiter) {
        fields[count++] = carry;
        carry = '';
        state = FIELD_START;
      } else if (c === LF || c === CR) {
        fields[count++] = carry;
        carry = '';
        state = FIELD_START;
        this.endRecord(count);
        count = 0;
        line++;
        afterCR = c === CR;
        this.recordLine = line;
      } else {
        this.count = count;
        this.line = line;
        this.fail(
          'text after the closing quote of a quoted field. Double the quotes inside a quoted ' +
            'field ("") or quote the whole field.',
          line,
        );
      }
    }
    // Keep the unfinished field for the next chunk.
    if (state === UNQUOTED || state === QUOTED) {
      carry += chunk.slice(start, length);
    }
    if (carry.length > this.maxField) {
      this.count = count;
      this.line = line;
      if (state === UNQUOTED) {
        this.fail(
          message`a field of more than ${this.maxField} characters without a delimiter or line break. Check the delimiter (${option('delimiter', 'tab', { library: "{delimiter: '\\t'}" })} for a tab-separated file).`,
          line,
        );
      }
      this.fail(
        `the quoted field that starts on line ${this.fieldLine} runs over more than ` +
          `${this.maxField} characters: its closing quote (") is probably missing.`,
        this.fieldLine,
      );
    }
    this.state = state;
    this.carry = carry;
    this.line = line;
    this.afterCR = afterCR;
    this.count = count;
  }

  /** Finish: emit the last record if the text does not end with a line break. */
  end(): void {
    if (this.state === QUOTED) {
      this.fail(
        `a quoted field that starts on line ${this.fieldLine} is never closed. Add the ` +
          'closing quote (") or double the quotes inside the field ("").',
        this.fieldLine,
      );
    }
    if (this.state !== FIELD_START || this.count > 0) {
      if (this.state === FIELD_START) this.fieldLines[this.count] = this.line;
      this.fields[this.count++] = this.carry;
      this.carry = '';
      this.state = FIELD_START;
      this.endRecord(this.count);
    }
  }
}

/** A given delimiter, checked; undefined for 'auto' (or none). */
function checkDelimiter(delimiter: unknown): string | undefined {
  if (delimiter === undefined || delimiter === 'auto') return undefined;
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '"' ||
    delimiter === '\n' ||
    delimiter === '\r'
  ) {
    throw new OptionError(
      `The 'delimiter' option of the CSV loader must be 'auto' or one character other than '"' ` +
        `and line breaks. Got ${JSON.stringify(delimiter)} instead.`,
    );
  }
  return delimiter;
}

/** A given decimal mark, checked; undefined for 'auto' (or none). */
function checkDecimal(decimal: unknown): DecimalMark | undefined {
  if (decimal === undefined || decimal === 'auto') return undefined;
  if (decimal !== '.' && decimal !== ',') {
    throw new OptionError(
      `The 'decimal' option of the CSV loader must be '.', ',' or 'auto'. Got ` +
        `${JSON.stringify(decimal)} instead.`,
    );
  }
  return decimal;
}

/** Where a `CsvReader` hands the dialect, the header and the records (a `TableBuilder`). */
export interface RecordSink {
  setDialect(dialect: Dialect): void;
  hasHeader(): boolean;
  setHeader(names: readonly string[], line: number): void;
  addRecord(
    fields: readonly string[],
    count: number,
    line: number,
    fieldLines?: readonly number[],
  ): void;
}

/**
 * Text in, records to a table builder out: the first record is the header. Until the dialect is
 * known (given, or sniffed from the first `SNIFF_CHARS` characters), the text is held back.
 */
export class CsvReader {
  private tokenizer: CsvTokenizer | undefined;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    private readonly builder: RecordSink,
    private readonly dialect: DialectOptions,
    private readonly file: string | undefined,
    private readonly maxFieldLength: number,
  ) {
    if (!needsSniffing(dialect)) this.start(sniffDialect('', false, dialect));
  }

  private start(dialect: Dialect): CsvTokenizer {
    const builder = this.builder;
    builder.setDialect(dialect);
    this.tokenizer = new CsvTokenizer(
      dialect.delimiter,
      (fields, count, line, fieldLines) => {
        if (builder.hasHeader()) builder.addRecord(fields, count, line, fieldLines);
        else builder.setHeader(fields.slice(0, count), line);
      },
      this.file,
      this.maxFieldLength,
    );
    return this.tokenizer;
  }

  /** Sniff the dialect from the text held back (all of the text when `complete`), then read it. */
  private begin(complete: boolean): void {
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    const sample = complete ? text : text.slice(0, SNIFF_CHARS);
    this.start(sniffDialect(sample, complete, this.dialect)).push(text);
  }

  push(text: string): void {
    if (this.tokenizer !== undefined) {
      this.tokenizer.push(text);
      return;
    }
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength > SNIFF_CHARS) this.begin(false);
  }

  end(): void {
    if (this.tokenizer === undefined) this.begin(true);
    this.tokenizer!.end();
  }
}

/** A reader feeding a table builder, for the options and the file (`tsv`: a .tsv/.tab path). */
function csvTable(
  options: CsvOptions,
  file: string | undefined,
  tsv: boolean,
  keepMissing: boolean,
  maxFieldLength = MAX_FIELD_LENGTH,
): { reader: CsvReader; builder: TableBuilder } {
  const { dialect, columnOptions, format } = csvSetup(options, tsv);
  const builder = new TableBuilder(columnOptions, { file, format }, keepMissing);
  return { reader: new CsvReader(builder, dialect, file, maxFieldLength), builder };
}

/** The dialect options, the column options and the format of CSV options, checked. */
export function csvSetup(
  options: CsvOptions,
  tsv: boolean,
): { dialect: DialectOptions; columnOptions: ColumnOptions; format: 'csv' | 'tsv' } {
  const { delimiter: givenDelimiter, decimal: givenDecimal, file: _f, ...columnOptions } = options;
  const delimiter = checkDelimiter(givenDelimiter);
  const decimal = checkDecimal(givenDecimal);
  const dialect: DialectOptions = { delimiter, fallback: tsv ? '\t' : ',', settled: tsv, decimal };
  const format = (delimiter ?? (tsv ? '\t' : ',')) === '\t' ? 'tsv' : 'csv';
  return { dialect, columnOptions, format };
}

/** Parse CSV text (pure): see the file comment for the format and csv options for the rest. */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  return parseCsvTable(text, options).dataset;
}

/** `parseCsv` that also describes every column (for `inspect`). */
export function parseCsvTable(
  text: string,
  options: CsvOptions = {},
  keepMissing = false,
): LoadedTable {
  if (typeof text !== 'string') {
    throw new DataError(
      `parseCsv expects the CSV text as a string. Got ${text === null ? 'null' : typeof text} instead.`,
    );
  }
  return parseCsvChunks([text], options, keepMissing);
}

/**
 * `parseCsvTable` over text given in pieces split anywhere (the result does not depend on where);
 * the SHA-256 is that of the whole text. `maxFieldLength` is for tests.
 */
export function parseCsvChunks(
  chunks: Iterable<string>,
  options: CsvOptions = {},
  keepMissing = false,
  maxFieldLength = MAX_FIELD_LENGTH,
): LoadedTable {
  checkLoaderOptions('parseCsv', options, CSV_EXTRA_OPTIONS);
  const { reader, builder } = csvTable(options, options.file, false, keepMissing, maxFieldLength);
  const hash = createHash('sha256');
  for (const chunk of chunks) {
    reader.push(chunk);
    hash.update(chunk, 'utf8');
  }
  reader.end();
  return builder.finish(hash.digest('hex'));
}

/** Read and parse a CSV (or TSV) file, streaming. */
export async function loadCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  return (await loadCsvTable(path, options)).dataset;
}

/**
 * `loadCsv` that also describes every column (for `inspect`). `chunkSize` (bytes read at a time)
 * is for tests.
 */
export async function loadCsvTable(
  path: string,
  options: CsvOptions = {},
  keepMissing = false,
  chunkSize = 1 << 20,
): Promise<LoadedTable> {
  checkLoaderOptions('loadCsv', options, CSV_EXTRA_OPTIONS);
  const { reader, builder } = csvTable(options, path, /\.(tsv|tab)$/i.test(path), keepMissing);
  const sha256 = await streamText(path, (text) => reader.push(text), chunkSize);
  reader.end();
  return builder.finish(sha256);
}

/**
 * Read a UTF-8 file in chunks of `chunkSize` bytes, handing the decoded text to `onText`; returns
 * the SHA-256 of the bytes. A missing file, a folder or bytes that are not UTF-8 are `DataError`s
 * (for bytes, naming the offset and line of the first bad one).
 */
export async function streamText(
  path: string,
  onText: (text: string) => void,
  chunkSize = 1 << 20,
): Promise<string> {
  const hash = createHash('sha256');
  for await (const text of textChunks(path, hash, chunkSize)) onText(text);
  return hash.digest('hex');
}

/**
 * The text of a UTF-8 file in pieces of `chunkSize` bytes, hashing the bytes into `hash` as they
 * come; errors as `streamText`.
 */
export async function* textChunks(
  path: string,
  hash: { update(bytes: Buffer): unknown },
  chunkSize = 1 << 20,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let text: string;
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw await notUtf8(path);
      }
      yield text;
    }
    try {
      text = decoder.decode();
    } catch {
      throw await notUtf8(path);
    }
    yield text;
  } catch (error) {
    throw fileError(error, path);
  } finally {
    stream.destroy();
  }
}

/** The `DataError` for a file that is not UTF-8, naming the first bad bytes (read again). */
async function notUtf8(path: string): Promise<DataError> {
  const checker = new Utf8Checker();
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) if (!checker.push(chunk)) break;
  stream.destroy();
  checker.end();
  const place: { file: string; line?: number } = { file: path };
  if (checker.problem !== undefined) place.line = checker.problem.line;
  return new DataError(invalidUtf8Message(checker.problem), place);
}

/** Turn a file-system error into a `DataError` naming the file; other errors pass through. */
export function fileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new DataError('no such file. Check the path (it is relative to the current folder).', {
      file: path,
    });
  }
  if (code === 'EISDIR') return new DataError('this is a folder, not a data file.', { file: path });
  if (code === 'EACCES' || code === 'EPERM') {
    return new DataError('permission denied: the file cannot be read.', { file: path });
  }
  return error;
}
