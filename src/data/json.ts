/**
 * JSON (an array of objects) and NDJSON (one object per line): `parseJson(text, options)` (pure)
 * and `loadJson(path, options)`.
 *
 * Each object is a row; the columns are the keys of all objects, in order of first appearance.
 * Values: numbers are numbers (-0 stays -0); a number beyond the range of a double (1e999,
 * which `JSON.parse` reads as Infinity) is an error naming its cell, as in CSV; `null` and an
 * absent key are missing; strings are read like CSV cells (so "5.1" is a number and "NA" is
 * missing); booleans, objects and arrays are text.
 * Errors name the file and the line where the object starts (for NDJSON, its line); a syntax
 * error names the line of the error when `JSON.parse` gives its position, else the line where the
 * element that does not parse starts.
 *
 * JSON text is parsed as a whole (`JSON.parse`), so these loaders hold the file in memory, and a
 * file over `MAX_JSON_BYTES` is refused before it is read; use CSV for data that does not fit.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { DataError } from '../util/errors.js';
import {
  type ColumnOptions,
  type LoadedTable,
  TableBuilder,
  checkLoaderOptions,
} from './columns.js';
import type { Dataset } from './dataset.js';
import { fileError } from './csv.js';
import { findInvalidUtf8, invalidUtf8Message } from './utf8.js';

/**
 * Largest JSON file the loaders read: the longest string V8 builds on 64-bit machines
 * (2^29 - 24 UTF-16 code units), so the decoded text can always be held.
 */
export const MAX_JSON_BYTES = 2 ** 29 - 24;

/** Options of `parseJson` and `loadJson`: the column options plus the format. */
export interface JsonOptions extends ColumnOptions {
  /** 'json' (an array of objects) or 'ndjson' (one object per line). Default: 'json' (`loadJson`: 'ndjson' for a .ndjson or .jsonl file). */
  format?: 'json' | 'ndjson';
  /** File name used in messages (`parseJson` only). Default: none. */
  file?: string;
}

const JSON_EXTRA_OPTIONS = ['format', 'file'] as const;

/** Parse JSON or NDJSON text (pure). */
export function parseJson(text: string, options: JsonOptions = {}): Dataset {
  return parseJsonTable(text, options).dataset;
}

/** `parseJson` that also describes every column (for `inspect`). */
export function parseJsonTable(
  text: string,
  options: JsonOptions = {},
  keepMissing = false,
  sha256?: string,
): LoadedTable {
  if (typeof text !== 'string') {
    throw new DataError(
      `parseJson expects the JSON text as a string. Got ${text === null ? 'null' : typeof text} instead.`,
    );
  }
  checkLoaderOptions('parseJson', options, JSON_EXTRA_OPTIONS);
  const { format = 'json', file, ...columnOptions } = options;
  if (format !== 'json' && format !== 'ndjson') {
    throw new DataError(`unknown JSON format '${String(format)}'; use 'json' or 'ndjson'.`);
  }
  const place = (line?: number) => {
    const p: { file?: string; line?: number } = {};
    if (file !== undefined) p.file = file;
    if (line !== undefined) p.line = line;
    return p;
  };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = format === 'json' ? jsonRecords(text, place) : ndjsonRecords(text, place);

  const builder = new TableBuilder(columnOptions, { file, format }, keepMissing);
  if (records.length > 0) {
    const keys = new Map<string, number>();
    for (const { value } of records) {
      for (const key of Object.keys(value)) if (!keys.has(key)) keys.set(key, keys.size);
    }
    if (keys.size === 0) {
      throw new DataError('the objects have no keys, so there are no columns.', place());
    }
    const names = [...keys.keys()];
    builder.setHeader(names, records[0]!.line);
    const fields: string[] = new Array(names.length);
    const overflowSeen = new Set<string>();
    for (const { value, line } of records) {
      for (let j = 0; j < names.length; j++) {
        // Own properties only: a row without the key '__proto__' or 'constructor' is missing it.
        const name = names[j]!;
        const cell = Object.hasOwn(value, name) ? value[name] : null;
        if (typeof cell === 'number' && !Number.isFinite(cell)) {
          // JSON.parse read a literal beyond the double range as Infinity: hand the builder the
          // literal (found in the text, for the first such cell of a column), which it reports
          // as too large, as it does in CSV.
          const first = !overflowSeen.has(name);
          overflowSeen.add(name);
          fields[j] =
            (first && overflowLiteral(text, line, name, cell)) || `${cell < 0 ? '-' : ''}1e999`;
        } else {
          fields[j] = cellText(cell);
        }
      }
      builder.addRecord(fields, names.length, line);
    }
  }
  return builder.finish(sha256 ?? createHash('sha256').update(text, 'utf8').digest('hex'));
}

/** Read and parse a JSON or NDJSON file. */
export async function loadJson(path: string, options: JsonOptions = {}): Promise<Dataset> {
  return (await loadJsonTable(path, options)).dataset;
}

/** `loadJson` that also describes every column (for `inspect`). */
export async function loadJsonTable(
  path: string,
  options: JsonOptions = {},
  keepMissing = false,
): Promise<LoadedTable> {
  checkLoaderOptions('loadJson', options, JSON_EXTRA_OPTIONS);
  let bytes: Buffer;
  try {
    const { size } = await stat(path);
    if (size > MAX_JSON_BYTES) {
      throw new DataError(
        `the file is ${(size / 2 ** 20).toFixed(0)} MiB, more than the JSON loader can read ` +
          `(${MAX_JSON_BYTES} bytes: JSON is parsed whole, as one string). Convert it to CSV, ` +
          'which is read in pieces.',
        { file: path },
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(error, path);
  }
  let text: string;
  try {
    // ignoreBOM: the BOM is left in the text, which parseJsonTable skips (as for parseJson).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const problem = findInvalidUtf8(bytes);
    const place: { file: string; line?: number } = { file: path };
    if (problem !== undefined) place.line = problem.line;
    throw new DataError(invalidUtf8Message(problem), place);
  }
  const format = options.format ?? (/\.(ndjson|jsonl)$/i.test(path) ? 'ndjson' : 'json');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return parseJsonTable(text, { ...options, format, file: path }, keepMissing, sha256);
}

type Place = (line?: number) => { file?: string; line?: number };
interface JsonRecord {
  value: Record<string, unknown>;
  line: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonRecords(text: string, place: Place): JsonRecord[] {
  if (text.trim() === '') throw new DataError('the file is empty.', place());
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(
      `not valid JSON (${jsonMessage(error)}).`,
      place(lineOfError(text, error) ?? lineOfBadElement(text)),
    );
  }
  if (!Array.isArray(parsed)) {
    throw new DataError(
      'expected a JSON array of objects, one per row ([{"a": 1, "b": 2}, ...]). ' +
        'For one object per line, use the .ndjson extension.',
      place(1),
    );
  }
  const lines = elementLines(text);
  return parsed.map((value, k) => {
    const line = lines[k] ?? 1;
    if (!isObject(value)) {
      throw new DataError(
        `element ${k + 1} of the array is not an object; every row must be {"column": value, ...}.`,
        place(line),
      );
    }
    return { value, line };
  });
}

function ndjsonRecords(text: string, place: Place): JsonRecord[] {
  const records: JsonRecord[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let k = 0; k < lines.length; k++) {
    const source = lines[k]!;
    if (source.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new DataError(`not valid JSON (${jsonMessage(error)}).`, place(k + 1));
    }
    if (!isObject(value)) {
      throw new DataError(
        'expected one JSON object per line ({"column": value, ...}).',
        place(k + 1),
      );
    }
    records.push({ value, line: k + 1 });
  }
  if (records.length === 0) throw new DataError('the file is empty.', place());
  return records;
}

/** The 1-based line where each element of the top-level array starts. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      continue;
    }
    if (inString) {
      if (c === 92)
        i++; // backslash escapes the next character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (depth === 1 && expectElement) {
      lines.push(line);
      expectElement = false;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1) expectElement = true;
  }
  return lines;
}

/** The message of a JSON.parse error without the quoted text V8 appends to some of them. */
function jsonMessage(error: unknown): string {
  const message = (error as Error).message;
  const cut = message.indexOf(', "');
  return (cut === -1 ? message : message.slice(0, cut)).replace(/\s+/g, ' ');
}

/** Line of a JSON.parse error, from the position in its message. */
function lineOfError(text: string, error: unknown): number | undefined {
  const message = (error as Error).message;
  const match = /position (\d+)/.exec(message);
  // The text ends too soon: the error is on the last line that has something on it.
  const position = match
    ? Number(match[1])
    : /end of JSON/.test(message)
      ? text.trimEnd().length
      : -1;
  if (position < 0) return undefined;
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/**
 * The 1-based line where the first top-level array element that does not parse on its own
 * starts, or undefined (for a syntax error outside the elements, or text that is not an array).
 */
function lineOfBadElement(text: string): number | undefined {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== '[') return undefined;
  let depth = 0;
  let inString = false;
  let start = i + 1;
  const check = (end: number): boolean => {
    const element = text.slice(start, end);
    if (element.trim() === '') return true;
    try {
      JSON.parse(element);
      return true;
    } catch {
      return false;
    }
  };
  const lineAt = (offset: number): number => {
    let s = start;
    while (s < offset && /\s/.test(text[s]!)) s++;
    let line = 1;
    for (let k = 0; k < s; k++) {
      const c = text.charCodeAt(k);
      if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) line++;
    }
    return line;
  };
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && depth > 0) depth--;
    else if (depth === 0 && (c === 44 || c === 93)) {
      if (!check(i)) return lineAt(i);
      if (c === 93) return undefined;
      start = i + 1;
    }
  }
  return check(text.length) ? undefined : lineAt(text.length);
}

/**
 * The number literal of `key` in the object that starts on `line`, when it reads as `value`
 * (±Infinity); undefined when it cannot be found (a key written with escapes, say).
 */
function overflowLiteral(
  text: string,
  line: number,
  key: string,
  value: number,
): string | undefined {
  let offset = 0;
  for (let l = 1; l < line && offset < text.length; offset++) {
    const c = text.charCodeAt(offset);
    if (c === 10 || (c === 13 && text.charCodeAt(offset + 1) !== 10)) l++;
  }
  const quoted = JSON.stringify(key);
  for (let at = text.indexOf(quoted, offset); at !== -1; at = text.indexOf(quoted, at + 1)) {
    const match = /^\s*:\s*(-?\d[\d.eE+-]*)/.exec(
      text.slice(at + quoted.length, at + quoted.length + 400),
    );
    if (match !== null && Number(match[1]) === value) return match[1];
  }
  return undefined;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
