/**
 * JSON (an array of objects) and NDJSON (one object per line): `parseJSON(text, options)` (pure)
 * and `loadJSON(path, options)`.
 *
 * Each object is a row; the columns are the keys of all objects, in order of first appearance.
 * Values: numbers are numbers (-0 stays -0); a number beyond the range of a double (1e999,
 * which `JSON.parse` reads as Infinity) is an error naming its cell, as in CSV; `null` and an
 * absent key are missing; strings are read like CSV cells (so "5.1" is a number and "NA" is
 * missing); booleans, objects and arrays are text (an array or object nested more than
 * `MAX_CELL_DEPTH` levels deep is an error naming its cell: it is no table cell, and its text
 * could not be written without recursion).
 * Errors name the file and the line where the object starts (for NDJSON, its line); a syntax
 * error names the line of the error when `JSON.parse` gives its position, else the line where the
 * element that does not parse starts.
 *
 * pandas' other layouts of `DataFrame.to_json` are read too (orient='records' is the array of
 * objects above, and `lines=True` is NDJSON):
 * - the default, orient='columns': {"col": {"row label": value, ...}, ...};
 * - orient='split': {"columns": [...], "index": [...], "data": [[...], ...]};
 * - orient='table': {"schema": {"fields": [...], "primaryKey": [...]}, "data": [{...}, ...]}.
 * Their index (the row labels) is read like a column of row names: the default index 0..n-1 says
 * nothing and is left out; any other index with distinct labels becomes the row ids (the column
 * 'index', or the index's name in orient='table'), said in a warning, unless --id names another
 * column; an index with repeated labels is left out, with a warning. orient='values' (no column
 * names) and orient='index' (which has the shape of orient='columns') are refused with a
 * message that asks for orient='records'. Rows and columns keep the order of the file (found by
 * a scan of the text, since `JSON.parse` puts integer-like keys first).
 *
 * JSON text is parsed as a whole (`JSON.parse`, which does not recurse on the call stack), so
 * these loaders hold the file in memory, and a file over `MAX_JSON_BYTES` is refused before it
 * is read; use CSV for data that does not fit. Everything here that walks a parsed value is
 * iterative, so no nesting depth overflows the stack.
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
import { warn } from '../util/log.js';
import { message, option } from '../util/message.js';

/**
 * Largest JSON file the loaders read: the longest string V8 builds on 64-bit machines
 * (2^29 - 24 UTF-16 code units), so the decoded text can always be held.
 */
export const MAX_JSON_BYTES = 2 ** 29 - 24;

/**
 * Deepest array or object a cell may hold (read as its JSON text). Deeper values are refused: no
 * table has them, and `JSON.stringify` recurses on the call stack.
 */
export const MAX_CELL_DEPTH = 100;

/** Options of `parseJSON` and `loadJSON`: the column options plus the format. */
export interface JSONOptions extends ColumnOptions {
  /** 'json' (an array of objects) or 'ndjson' (one object per line). Default: 'json' (`loadJSON`: 'ndjson' for a .ndjson or .jsonl file). */
  format?: 'json' | 'ndjson';
  /** File name used in messages (`parseJSON` only). Default: none. */
  file?: string;
}

const JSON_EXTRA_OPTIONS = ['format', 'file'] as const;

/** Parse JSON or NDJSON text (pure). */
export function parseJSON(text: string, options: JSONOptions = {}): Dataset {
  return parseJSONTable(text, options).dataset;
}

/** `parseJSON` that also describes every column (for `inspect`). */
export function parseJSONTable(
  text: string,
  options: JSONOptions = {},
  keepMissing = false,
  sha256?: string,
): LoadedTable {
  if (typeof text !== 'string') {
    throw new DataError(
      `parseJSON expects the JSON text as a string. Got ${text === null ? 'null' : typeof text} instead.`,
    );
  }
  checkLoaderOptions('parseJSON', options, JSON_EXTRA_OPTIONS);
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
  const table = format === 'json' ? jsonTable(text, place) : ndjsonTable(text, place);
  const builderOptions = { ...columnOptions };
  if (table.index !== undefined) useIndex(table, builderOptions, file);

  const builder = new TableBuilder(builderOptions, { file, format }, keepMissing);
  const { names, rows } = table;
  if (rows > 0) {
    if (names.length === 0) {
      throw new DataError('the objects have no keys, so there are no columns.', place());
    }
    builder.setHeader(names, table.line(0));
    const d = names.length;
    const fields: string[] = new Array(d);
    const fieldLines: number[] = new Array(d);
    const overflowSeen = new Set<string>();
    for (let i = 0; i < rows; i++) {
      const line = table.line(i);
      fieldLines.fill(line);
      for (let j = 0; j < d; j++) {
        const name = names[j]!;
        if (!builder.reads(j)) {
          fields[j] = ''; // excluded: not read at all
          continue;
        }
        const cell = table.cell(i, j);
        const at = table.cellLine?.(i, j) ?? line;
        fieldLines[j] = at;
        if (typeof cell === 'number' && !Number.isFinite(cell)) {
          // JSON.parse read a literal beyond the double range as Infinity: hand the builder the
          // literal (found in the text, for the first such cell of a column), which it reports
          // as too large, as it does in CSV.
          const first = !overflowSeen.has(name);
          overflowSeen.add(name);
          fields[j] =
            (first && overflowLiteral(text, at, name, cell)) || `${cell < 0 ? '-' : ''}1e999`;
        } else if (typeof cell === 'object' && cell !== null) {
          if (nestingDepth(cell, MAX_CELL_DEPTH) > MAX_CELL_DEPTH) {
            throw new DataError(
              `the cell holds an array or object nested more than ${MAX_CELL_DEPTH} levels ` +
                'deep. A cell must be a number, a string, true/false or null (shallow arrays ' +
                'and objects are read as text); flatten the value or leave the key out.',
              { ...place(at), column: name },
            );
          }
          fields[j] = JSON.stringify(cell);
        } else {
          fields[j] = cellText(cell);
        }
      }
      builder.addRecord(fields, d, line, fieldLines);
    }
  }
  return builder.finish(sha256 ?? createHash('sha256').update(text, 'utf8').digest('hex'));
}

/** Read and parse a JSON or NDJSON file. */
export async function loadJSON(path: string, options: JSONOptions = {}): Promise<Dataset> {
  return (await loadJSONTable(path, options)).dataset;
}

/** `loadJSON` that also describes every column (for `inspect`). */
export async function loadJSONTable(
  path: string,
  options: JSONOptions = {},
  keepMissing = false,
): Promise<LoadedTable> {
  checkLoaderOptions('loadJSON', options, JSON_EXTRA_OPTIONS);
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
    // ignoreBOM: the BOM is left in the text, which parseJSONTable skips (as for parseJSON).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const problem = findInvalidUtf8(bytes);
    const place: { file: string; line?: number } = { file: path };
    if (problem !== undefined) place.line = problem.line;
    throw new DataError(invalidUtf8Message(problem), place);
  }
  const format = options.format ?? (/\.(ndjson|jsonl)$/i.test(path) ? 'ndjson' : 'json');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return parseJSONTable(text, { ...options, format, file: path }, keepMissing, sha256);
}

type Place = (line?: number) => { file?: string; line?: number };

/** The rows of a JSON file, whatever its layout: cell (i, j) of `names`, and where it is. */
interface JSONTable {
  names: string[];
  rows: number;
  cell(i: number, j: number): unknown;
  /** 1-based line where row i starts (line(0) also stands for the header). */
  line(i: number): number;
  /** Line of cell (i, j), where the cells of a row are not together (orient='columns'). */
  cellLine?: (i: number, j: number) => number;
  /** pandas' index: the columns of `names` that hold it, and the layout, for messages. */
  index?: { columns: number[]; orient: string };
}

const NOT_A_TABLE =
  'expected a JSON array of objects, one per row ([{"a": 1, "b": 2}, ...]). For one object ' +
  "per line, use the .ndjson extension. From pandas, write DataFrame.to_json(path, orient='records').";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property `key` of `o` (never one inherited from Object.prototype), else undefined. */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A key that a parsed object lists first (in numeric order), wherever it is in the text. */
const INTEGER_KEY = /^(?:0|[1-9]\d*)$/;

/**
 * An array of objects as a table: the columns are their keys, in order of first appearance in
 * the text. `Object.keys` gives that order unless a key is integer-like ('10', '0'): then
 * `keysInText` gives it.
 */
function recordsTable(
  records: Record<string, unknown>[],
  lines: ArrayLike<number>,
  keysInText: () => string[],
): JSONTable {
  const keys = new Map<string, number>();
  let integerKeys = false;
  for (const value of records) {
    for (const key of Object.keys(value)) {
      if (keys.has(key)) continue;
      keys.set(key, keys.size);
      if (INTEGER_KEY.test(key)) integerKeys = true;
    }
  }
  const names = integerKeys ? keysInText() : [...keys.keys()];
  return {
    names,
    rows: records.length,
    // own properties only: a row without the key '__proto__' or 'constructor' is missing it
    cell: (i, j) => {
      const value = records[i]!;
      const name = names[j]!;
      return Object.hasOwn(value, name) ? value[name] : null;
    },
    line: (i) => lines[i] ?? 1,
  };
}

function jsonTable(text: string, place: Place): JSONTable {
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
  if (isObject(parsed)) return pandasTable(parsed, text, place);
  if (!Array.isArray(parsed)) throw new DataError(NOT_A_TABLE, place(1));
  const lines = elementLines(text);
  checkRecords(parsed, (k) => lines[k] ?? 1, place);
  if (parsed.length === 0) throw new DataError('the file is empty.', place());
  return recordsTable(parsed, lines, () => keysAtDepth(text, 2));
}

/** Every element of `values` is an object, else a DataError naming the first that is not. */
function checkRecords(
  values: unknown[],
  lineOf: (k: number) => number,
  place: Place,
  what = 'the array',
): asserts values is Record<string, unknown>[] {
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (isObject(value)) continue;
    throw new DataError(
      `element ${k + 1} of ${what} is not an object; every row must be {"column": value, ...}.` +
        (Array.isArray(value)
          ? " An array of arrays has no column names (pandas' orient='values'): write " +
            "DataFrame.to_json(path, orient='records')."
          : ''),
      place(lineOf(k)),
    );
  }
}

function ndjsonTable(text: string, place: Place): JSONTable {
  const records: Record<string, unknown>[] = [];
  const recordLines: number[] = [];
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
    records.push(value);
    recordLines.push(k + 1);
  }
  if (records.length === 0) throw new DataError('the file is empty.', place());
  return recordsTable(records, recordLines, () => {
    const keys = new Set<string>();
    for (const k of recordLines) for (const key of keysAtDepth(lines[k - 1]!, 1)) keys.add(key);
    return [...keys];
  });
}

/** A name for pandas' index column that no column of `names` has: 'index', 'index_1', ... */
function indexName(names: readonly string[]): string {
  const taken = new Set(names);
  let name = 'index';
  for (let k = 1; taken.has(name); k++) name = `index_${k}`;
  return name;
}

/** A pandas column label as a column name: strings as they are, anything else as JSON. */
function labelText(label: unknown): string {
  return typeof label === 'string' ? label : cellText(label);
}

/**
 * A top-level object: one of pandas' layouts of `DataFrame.to_json` (orient='split', 'table' or
 * the default 'columns'; see the file header), or a DataError that asks for orient='records'.
 */
function pandasTable(top: Record<string, unknown>, text: string, place: Place): JSONTable {
  const keys = Object.keys(top);
  const columns = own(top, 'columns');
  const data = own(top, 'data');
  const index = own(top, 'index');
  const schema = own(top, 'schema');
  if (
    Array.isArray(columns) &&
    Array.isArray(data) &&
    (index === undefined || Array.isArray(index)) &&
    keys.every((k) => k === 'columns' || k === 'data' || k === 'index')
  ) {
    return splitTable(columns, data, index as unknown[] | undefined, text, place);
  }
  if (
    isObject(schema) &&
    Array.isArray(own(schema, 'fields')) &&
    Array.isArray(data) &&
    keys.length === 2
  ) {
    const lines = memberLines(scanMembers(text), 'data');
    checkRecords(data, (k) => lines[k] ?? 1, place, "'data'");
    if (data.length === 0) throw new DataError("the file is empty ('data' has no rows).", place());
    // pandas lists the columns in schema.fields, in their order
    const fields = (own(schema, 'fields') as unknown[]).map((f) =>
      isObject(f) ? String(own(f, 'name')) : '',
    );
    const table = recordsTable(data, lines, () => {
      const present = new Set(data.flatMap((r) => Object.keys(r)));
      const inFields = fields.filter((f) => present.has(f));
      const listed = new Set(inFields);
      return [...inFields, ...[...present].filter((k) => !listed.has(k))];
    });
    const primary = own(schema, 'primaryKey');
    const indexColumns = (Array.isArray(primary) ? primary : [])
      .map((name) => table.names.indexOf(String(name)))
      .filter((j) => j >= 0);
    if (indexColumns.length > 0) table.index = { columns: indexColumns, orient: 'table' };
    return table;
  }
  if (keys.length > 0 && keys.every((k) => isObject(top[k]))) {
    return columnsTable(top, text, place);
  }
  throw new DataError(NOT_A_TABLE, place(1));
}

/** orient='split': {"columns": [...], "index": [...], "data": [[...], ...]}. */
function splitTable(
  columns: unknown[],
  data: unknown[],
  index: unknown[] | undefined,
  text: string,
  place: Place,
): JSONTable {
  const lines = memberLines(scanMembers(text), 'data');
  const d = columns.length;
  for (let k = 0; k < data.length; k++) {
    const row = data[k];
    if (!Array.isArray(row) || row.length !== d) {
      throw new DataError(
        `row ${k + 1} of 'data' ` +
          (Array.isArray(row)
            ? `has ${row.length} value${row.length === 1 ? '' : 's'}, but 'columns' names ${d}.`
            : 'is not an array of values.') +
          ' (pandas\' orient=\'split\' layout: {"columns": [...], "index": [...], "data": [[...], ...]}.)',
        place(lines[k] ?? 1),
      );
    }
  }
  if (data.length === 0) throw new DataError("the file is empty ('data' has no rows).", place());
  if (index !== undefined && index.length !== data.length) {
    throw new DataError(
      `'index' has ${index.length} labels but 'data' has ${data.length} rows ` +
        "(pandas' orient='split' layout).",
      place(1),
    );
  }
  for (const [what, labels] of [
    ['columns', columns],
    ['index', index ?? []],
  ] as const) {
    if (labels.some((label) => typeof label === 'object' && label !== null)) {
      throw new DataError(
        `'${what}' holds an array or object, but a label must be a string or a number ` +
          '(pandas writes a MultiIndex so). Flatten the labels and write ' +
          "DataFrame.to_json(path, orient='records').",
        place(1),
      );
    }
  }
  const names = columns.map(labelText);
  const rows = data as unknown[][];
  const line = (i: number) => lines[i] ?? 1;
  if (index === undefined) return { names, rows: rows.length, cell: (i, j) => rows[i]![j], line };
  return {
    names: [indexName(names), ...names],
    rows: rows.length,
    cell: (i, j) => (j === 0 ? index[i] : rows[i]![j - 1]),
    line,
    index: { columns: [0], orient: 'split' },
  };
}

/** pandas' default orient='columns': {"column": {"row label": value, ...}, ...}. */
function columnsTable(top: Record<string, unknown>, text: string, place: Place): JSONTable {
  // document order: JSON.parse lists integer-like keys first, in numeric order
  const members = scanMembers(text);
  const first = members.find((m) => m.childKeys !== undefined);
  const rowKeys = first?.childKeys ?? [];
  const seen = new Set(rowKeys);
  const names = members.map((m) => m.key);
  const objects = names.map((name) => top[name] as Record<string, unknown>);
  for (const o of objects) {
    for (const key of Object.keys(o)) {
      if (!seen.has(key)) {
        seen.add(key);
        rowKeys.push(key);
      }
    }
  }
  if (rowKeys.length === 0) throw new DataError('the file is empty (no rows).', place());
  // orient='index' has the same shape with rows and columns swapped: refuse what looks like it
  // (row numbers outside, or an inner object that mixes numbers and text, as a row does and a
  // pandas column seldom does); an all-numeric frame with a labelled index cannot be told apart
  const isRange = (labels: readonly string[]) => labels.every((label, i) => label === String(i));
  const mixed = objects.findIndex((o) => {
    let numbers = false;
    let texts = false;
    for (const value of Object.values(o)) {
      if (typeof value === 'number') numbers = true;
      else if (typeof value === 'string') texts = true;
    }
    return numbers && texts;
  });
  if ((isRange(names) && !isRange(rowKeys)) || mixed >= 0) {
    throw new DataError(
      (mixed >= 0
        ? `the object of '${clip(names[mixed]!)}' mixes numbers and text, as a row does`
        : 'the keys of the top object are row numbers (0, 1, ...) and the keys inside are not') +
        ": this looks like pandas' DataFrame.to_json(orient='index'), which has the shape of " +
        "the default orient='columns' with rows and columns swapped. Write the file with " +
        "orient='records' (or 'split').",
      place(mixed >= 0 ? members[mixed]!.line : 1),
    );
  }
  const d = names.length;
  const inOrder = members.map((m) => m.sameKeys && m.childLines.length === rowKeys.length);
  const cellLine = (i: number, j: number) => {
    const m = members[j - 1]!;
    return (inOrder[j - 1] ? m.childLines[i] : undefined) ?? m.line;
  };
  return {
    names: [indexName(names), ...names],
    rows: rowKeys.length,
    cell: (i, j) => (j === 0 ? rowKeys[i] : (own(objects[j - 1]!, rowKeys[i]!) ?? null)),
    line: (i) => (d > 0 ? cellLine(i, 1) : 1),
    cellLine: (i, j) => (j === 0 ? cellLine(i, 1) : cellLine(i, j)),
    index: { columns: [0], orient: 'columns' },
  };
}

/**
 * Decide the role of pandas' index columns (see the file header), by adding to `options`: the
 * index becomes the id when its labels are distinct and not 0..n-1 and no id is given; else it
 * is excluded. An index column the options name already keeps the role they give it.
 */
function useIndex(table: JSONTable, options: ColumnOptions, file: string | undefined): void {
  const { columns, orient } = table.index!;
  const where = `${file === undefined ? '' : `${file}: `}pandas orient='${orient}'`;
  const named = (name: string) =>
    options.label === name ||
    options.id === name ||
    (options.features?.includes(name) ?? false) ||
    (options.exclude?.includes(name) ?? false);
  const exclude: string[] = [];
  for (const j of columns) {
    const name = table.names[j]!;
    if (named(name)) continue;
    let range = true;
    let repeated: string | undefined;
    const labels = new Set<string>();
    let nested = false;
    for (let i = 0; i < table.rows; i++) {
      const value = table.cell(i, j);
      if (range && value !== i && value !== String(i)) range = false;
      if (typeof value === 'object' && value !== null) {
        nested = true; // an array or object names no row (and is checked as a cell later)
        break;
      }
      const label = cellText(value);
      if (repeated === undefined && labels.has(label)) repeated = label;
      labels.add(label);
      if (!range && repeated !== undefined) break;
    }
    if (nested) {
      exclude.push(name);
      continue;
    }
    if (!range && repeated === undefined && options.id === undefined && columns.length === 1) {
      options.id = name;
      warn(
        message`${where}: its index (row labels such as '${clip(labelText(table.cell(0, j)))}') becomes the row ids, as column '${name}'; name another column with ${option('id')} to change that.`,
      );
      continue;
    }
    exclude.push(name);
    if (!range) {
      warn(
        message`${where}: the index column '${name}' is left out${
          repeated !== undefined
            ? ` (its label '${clip(repeated)}' repeats, so it cannot name rows).`
            : options.id !== undefined
              ? message` (the id is column '${options.id}', from ${option('id')}).`
              : ' (one of several index levels).'
        }`,
      );
    }
  }
  if (exclude.length > 0) options.exclude = [...(options.exclude ?? []), ...exclude];
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Depth of the arrays and objects nested in `value` (1 for [] or {}), found without recursion;
 * the walk stops as soon as the depth passes `limit`.
 */
function nestingDepth(value: object, limit: number): number {
  const stack: object[] = [value];
  const depths: number[] = [1];
  let deepest = 0;
  while (stack.length > 0) {
    const v = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return deepest;
}

/** A member of the top-level object of a JSON text, as a scan of the text finds it. */
interface ScannedMember {
  key: string;
  /** Line where its value starts. */
  line: number;
  /** Line of each element (array) or member value (object) of its value, in document order. */
  childLines: number[];
  /** The keys of the first member whose value is an object, in document order. */
  childKeys?: string[];
  /** Its value is an object whose keys are those `childKeys`, in the same order so far. */
  sameKeys: boolean;
}

/**
 * The members of the top-level object of valid JSON `text`, in document order, with the lines
 * of their values and of the values one level down. One pass over the text, no recursion.
 */
function scanMembers(text: string): ScannedMember[] {
  const members: ScannedMember[] = [];
  const n = text.length;
  const isObjectAt: boolean[] = [];
  let line = 1;
  let depth = 0;
  let expectKey = false;
  let current: ScannedMember | undefined;
  let firstKeys: string[] | undefined; // raw (quoted) keys of the first object-valued member
  let owner: ScannedMember | undefined; // that member
  let keyIndex = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 58) {
      expectKey = false; // ':'
      continue;
    }
    if (c === 44) {
      expectKey = isObjectAt[depth] === true; // ','
      continue;
    }
    if (c === 125 || c === 93) {
      depth--; // '}' or ']'
      expectKey = false;
      continue;
    }
    if (c === 34 && expectKey) {
      const end = stringEnd(text, i);
      if (depth === 1) {
        current = { key: JSON.parse(text.slice(i, end + 1)), line, childLines: [], sameKeys: true };
        members.push(current);
      } else if (depth === 2 && current !== undefined) {
        const raw = text.slice(i, end + 1);
        if (current === owner) {
          firstKeys!.push(raw);
          current.childKeys!.push(JSON.parse(raw));
        } else if (current.sameKeys && firstKeys![keyIndex] !== raw) {
          current.sameKeys = false;
        }
        keyIndex++;
      }
      i = end;
      continue;
    }
    // a value starts here
    if (depth === 1 && current !== undefined) current.line = line;
    else if (depth === 2 && current !== undefined) current.childLines.push(line);
    if (c === 123 || c === 91) {
      depth++;
      isObjectAt[depth] = c === 123;
      expectKey = c === 123;
      if (depth === 2 && c === 123 && current !== undefined) {
        keyIndex = 0;
        if (owner === undefined) {
          owner = current;
          firstKeys = [];
          current.childKeys = [];
        }
      } else if (depth === 2 && current !== undefined) {
        current.sameKeys = false;
      }
      continue;
    }
    if (c === 34) {
      i = stringEnd(text, i);
      continue;
    }
    // a number, true, false or null: skip to its end
    while (i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next === 44 || next === 93 || next === 125 || next <= 32) break;
      i++;
    }
  }
  return members;
}

/**
 * The keys of the objects at `depth` of valid JSON `text` (1: the top-level value, 2: the
 * elements of a top-level array), in order of first appearance in the text.
 */
function keysAtDepth(text: string, depth: number): string[] {
  const keys = new Map<string, string>(); // quoted text -> key
  const isObjectAt: boolean[] = [];
  let level = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      if (expectKey && level === depth) {
        const raw = text.slice(i, end + 1);
        if (!keys.has(raw)) keys.set(raw, JSON.parse(raw));
      }
      i = end;
    } else if (c === 123 || c === 91) {
      level++;
      isObjectAt[level] = c === 123;
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      level--;
      expectKey = false;
    } else if (c === 44) {
      expectKey = isObjectAt[level] === true;
    } else if (c === 58) {
      expectKey = false;
    }
  }
  return [...new Set(keys.values())];
}

/** Index of the closing quote of the JSON string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  for (let k = start + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 34) return k;
  }
  return text.length - 1;
}

/** Lines of the elements of the member `key`'s value (empty when there is no such member). */
function memberLines(members: ScannedMember[], key: string): number[] {
  return members.find((m) => m.key === key)?.childLines ?? [];
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

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
