/**
 * JSON (an array of objects) and NDJSON (one object per line): `parseJson(text, options)` (pure)
 * and `loadJson(path, options)`.
 *
 * Each object is a row; the columns are the keys of all objects, in order of first appearance.
 * Values: numbers are numbers; `null` and an absent key are missing; strings are read like CSV
 * cells (so "5.1" is a number and "NA" is missing); booleans, objects and arrays are text.
 * Errors name the file and the line where the object starts (for NDJSON, its line).
 *
 * JSON text is parsed as a whole (`JSON.parse`), so these loaders hold the file in memory; use
 * CSV for data that does not fit.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DataError } from '../util/errors.js';
import {
  type ColumnOptions,
  type LoadedTable,
  TableBuilder,
  checkLoaderOptions,
} from './columns.js';
import type { Dataset } from './dataset.js';
import { fileError } from './csv.js';

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
    throw new TypeError(`parseJson expects the JSON text as a string. Got ${typeof text} instead.`);
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
    for (const { value, line } of records) {
      for (let j = 0; j < names.length; j++) fields[j] = cellText(value[names[j]!]);
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
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(error, path);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError('the file is not UTF-8 text. Save it as UTF-8.', { file: path });
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
    throw new DataError(`not valid JSON (${jsonMessage(error)}).`, place(lineOfError(text, error)));
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
  const match = /position (\d+)/.exec((error as Error).message);
  if (!match) return undefined;
  const position = Number(match[1]);
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
