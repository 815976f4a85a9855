/**
 * CSV dialects: the delimiter and the decimal mark of a delimited text file, told from its first
 * lines when the options leave them to the loader (`'auto'`, the default), as users of R's
 * `read.csv2` and of pandas' `sep=None` expect.
 *
 * The sample is the first `SNIFF_CHARS` characters of the text, and of it at most the first
 * `SNIFF_RECORDS` records that end inside it (a record cut by the end of the sample is not used),
 * so the choice does not depend on how the text arrives in chunks, and a big file is read once.
 *
 * Delimiter: each candidate (',', ';', tab, '|') tokenizes the sample as RFC 4180 CSV. A
 * candidate is consistent when the sample tokenizes without error and every record has as many
 * fields as the header, at least 2. The default delimiter (',', or tab for a .tsv or .tab file,
 * where it is not sniffed) wins whenever it is consistent, so a normal file is never read another
 * way ('1,5' in a comma file is two fields); else the consistent candidate with the most fields,
 * ties in the order above; else the default (and the loader's message about the row that does
 * not fit follows). Which delimiter was used, and why, goes to the preprocessing log.
 *
 * Decimal mark: ',' is only assumed with the ';' or tab delimiter, when the data records of the
 * sample hold numbers written with a decimal comma ('3,14', '-0,5', '1.234,5', '1 234,5',
 * '2,5e-3') and none written with a decimal point that could not be a thousands separator ('3.14'
 * is such a number; '1.234' could be either and counts for neither). Otherwise '.'.
 *
 * With the decimal mark ',', a number cell is: optional sign, digits (optionally in groups of
 * three separated by one of '.', ' ', U+00A0 or U+202F, the same separator throughout), optional
 * ',' and digits (',5' and '1,' too, as '.5' and '1.' with a point), optional exponent. '1.5' is
 * text then, as R's `read.csv2` reads it.
 */
import { DataError } from '../util/errors.js';
import { CsvTokenizer } from './csv.js';

/** Characters of text the sniffer looks at (the first 64 Ki). */
export const SNIFF_CHARS = 1 << 16;

/** Records (header included) the sniffer looks at, at most. */
export const SNIFF_RECORDS = 100;

/** The delimiters the sniffer tries, in order of preference. */
export const SNIFF_DELIMITERS = [',', ';', '\t', '|'] as const;

/** Decimal marks. */
export type DecimalMark = '.' | ',';

/** The dialect a file is read with, and what the preprocessing log says about it. */
export interface Dialect {
  delimiter: string;
  decimal: DecimalMark;
  /** One line for the preprocessing log: what was given or detected, and why. */
  note: string;
}

/** How one candidate delimiter reads the sample. */
interface Reading {
  delimiter: string;
  /** Records of the sample (the header first), or undefined when the sample does not tokenize. */
  records: string[][] | undefined;
  /** The tokenizer's complaint, when the sample does not tokenize. */
  problem?: string;
  /** Fewest and most fields of a record. */
  min: number;
  max: number;
}

/** Thrown from the record callback to stop tokenizing a sample. */
const ENOUGH = Symbol('enough');

/** The records of `sample` as `delimiter` splits them, up to `SNIFF_RECORDS`. */
function read(sample: string, complete: boolean, delimiter: string): Reading {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, (fields, count) => {
    records.push(fields.slice(0, count));
    if (records.length === SNIFF_RECORDS) throw ENOUGH;
  });
  try {
    tokenizer.push(sample);
    if (complete) tokenizer.end();
  } catch (error) {
    if (error !== ENOUGH) {
      if (!(error instanceof DataError)) throw error;
      return { delimiter, records: undefined, problem: error.message, min: 0, max: 0 };
    }
  }
  let min = Infinity;
  let max = 0;
  for (const record of records) {
    if (record.length < min) min = record.length;
    if (record.length > max) max = record.length;
  }
  return { delimiter, records, min: records.length === 0 ? 0 : min, max };
}

/** How a delimiter is written in messages. */
export function showDelimiter(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

function consistent(r: Reading): boolean {
  return r.records !== undefined && r.records.length > 0 && r.min === r.max && r.min >= 2;
}

function describe(r: Reading): string {
  if (r.records === undefined) return `${showDelimiter(r.delimiter)} breaks the quoting`;
  if (r.min === r.max) {
    return `${showDelimiter(r.delimiter)} gives ${r.min} field${r.min === 1 ? '' : 's'}`;
  }
  return `${showDelimiter(r.delimiter)} gives ${r.min} to ${r.max} fields`;
}

// A number with a decimal comma (thousands groups allowed), after trimming.
const COMMA_NUMBER =
  /^[+-]?(?:\d+|\d{1,3}([. \u00a0\u202f])\d{3}(?:\1\d{3})*)?,\d+(?:[eE][+-]?\d+)?$/;
// A number with a decimal point that cannot be read as thousands groups ('1.234' can).
const POINT_NUMBER = /^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$/;
const THOUSANDS = /^[+-]?\d{1,3}(?:\.\d{3})+$/;

/** True when a (trimmed) cell looks like a number written with a decimal comma ('3,14'). */
export function looksLikeDecimalComma(text: string): boolean {
  return COMMA_NUMBER.test(text);
}

/** Counts of decimal-comma and decimal-point numbers among the data cells of `records`. */
function decimalEvidence(records: readonly string[][]): {
  comma: number;
  point: number;
  firstComma: string;
  firstPoint: string;
} {
  const evidence = { comma: 0, point: 0, firstComma: '', firstPoint: '' };
  for (let r = 1; r < records.length; r++) {
    for (const cell of records[r]!) {
      const text = cell.trim();
      if (COMMA_NUMBER.test(text)) {
        if (evidence.comma++ === 0) evidence.firstComma = text;
      } else if (POINT_NUMBER.test(text) && !THOUSANDS.test(text)) {
        if (evidence.point++ === 0) evidence.firstPoint = text;
      }
    }
  }
  return evidence;
}

/** What the caller settled before sniffing. */
export interface DialectOptions {
  /** A delimiter given (one character), or undefined to sniff one. */
  delimiter: string | undefined;
  /** The delimiter when nothing else is consistent: ',' or, for .tsv/.tab files, tab. */
  fallback: string;
  /** True when the file's extension settles the delimiter (.tsv, .tab): it is not sniffed. */
  settled: boolean;
  /** A decimal mark given, or undefined to sniff one. */
  decimal: DecimalMark | undefined;
}

/** True when `sniffDialect` needs to look at the text for these options. */
export function needsSniffing(o: DialectOptions): boolean {
  if (o.decimal !== undefined) return o.delimiter === undefined && !o.settled;
  const delimiter = o.delimiter ?? (o.settled ? o.fallback : undefined);
  return delimiter === undefined || delimiter === ';' || delimiter === '\t';
}

/**
 * The dialect of a text from its beginning: `sample` is its first `SNIFF_CHARS` characters (or
 * all of it, then `complete`). Options that are given are kept as given; see the file comment for
 * the rest.
 */
export function sniffDialect(sample: string, complete: boolean, o: DialectOptions): Dialect {
  const notes: string[] = [];
  let delimiter: string;
  let chosen: Reading | undefined;
  if (o.delimiter !== undefined || o.settled) {
    delimiter = o.delimiter ?? o.fallback;
    notes.push(
      `delimiter ${showDelimiter(delimiter)} (${o.delimiter !== undefined ? 'given' : 'from the file extension'})`,
    );
  } else {
    const readings = SNIFF_DELIMITERS.map((d) => read(sample, complete, d));
    const first = readings.find((r) => r.delimiter === o.fallback)!;
    const others = readings.filter((r) => r !== first && consistent(r));
    const lines = first.records?.length ?? 0;
    const span = `the first ${lines === 1 ? 'line' : `${lines} lines`}`;
    if (consistent(first)) {
      chosen = first;
      delimiter = first.delimiter;
      notes.push(
        `delimiter ${showDelimiter(delimiter)} (detected: ${first.min} fields on every one of ` +
          `${span}` +
          (others.length === 0
            ? ')'
            : `; ${others.map(describe).join(', ')} on every line too, so the file is ` +
              `ambiguous: give the delimiter if ${showDelimiter(delimiter)} is not right)`),
      );
    } else if (others.length > 0) {
      // Most fields first; ties keep the order of SNIFF_DELIMITERS (sort is stable).
      others.sort((a, b) => b.min - a.min);
      chosen = others[0]!;
      delimiter = chosen.delimiter;
      const rest = readings.filter((r) => r !== chosen);
      const n = chosen.records!.length;
      notes.push(
        `delimiter ${showDelimiter(delimiter)} (detected: ${chosen.min} fields on every one of ` +
          `the first ${n === 1 ? 'line' : `${n} lines`}; ${rest.map(describe).join(', ')})`,
      );
    } else {
      delimiter = o.fallback;
      notes.push(
        `delimiter ${showDelimiter(delimiter)} (the default: no delimiter gives the same number ` +
          `of fields, at least 2, on every one of the first lines; ${readings.map(describe).join(', ')})`,
      );
    }
  }

  let decimal: DecimalMark = '.';
  if (o.decimal !== undefined) {
    decimal = o.decimal;
    notes.push(`decimal mark '${decimal}' (given)`);
  } else if (delimiter === ';' || delimiter === '\t') {
    const records = (chosen ?? read(sample, complete, delimiter)).records ?? [];
    const e = decimalEvidence(records);
    if (e.comma > 0 && e.point === 0) {
      decimal = ',';
      notes.push(
        `decimal mark ',' (detected: '${e.firstComma}'` +
          (e.comma > 1 ? ` and ${e.comma - 1} more numbers` : '') +
          ' with a decimal comma in the first lines, none with a decimal point)',
      );
    } else if (e.comma > 0) {
      notes.push(
        `decimal mark '.' (the first lines hold numbers with both marks, '${e.firstPoint}' and ` +
          `'${e.firstComma}'; give the decimal mark ',' if the comma is meant)`,
      );
    } else {
      notes.push(`decimal mark '.'`);
    }
  } else {
    notes.push(`decimal mark '.'`);
  }
  return { delimiter, decimal, note: notes.join(', ') };
}

/**
 * The value of a cell (already trimmed) read with the decimal mark ',', or undefined when it is
 * not such a number. `Number` rounds correctly, so the value is that of the same number written
 * with a decimal point.
 */
export function commaDecimalValue(text: string): number | undefined {
  const match = COMMA_OR_INTEGER.exec(text);
  if (match === null) return undefined;
  const separator = match[1];
  let plain = separator === undefined ? text : text.split(separator).join('');
  plain = plain.replace(',', '.');
  return Number(plain);
}

// COMMA_NUMBER with the fraction optional (integers, grouped or not, are numbers too) and its
// digits optional ('1,' as '1.' is a number).
const COMMA_OR_INTEGER =
  /^[+-]?(?:(?:\d+|\d{1,3}([. \u00a0\u202f])\d{3}(?:\1\d{3})*)(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;
