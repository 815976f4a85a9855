/**
 * An independent, deliberately simple model of what the loaders must return, for the property
 * tests: a character-by-character RFC 4180 reader over the whole text (no chunks, no fast paths)
 * and the column rules of the loader documentation, written from the documentation only.
 *
 * The oracle answers "error" or the exact dataset (columns, values bit for bit, rows read and
 * dropped). It does not model which error comes first; the tests only compare error-or-not, and
 * check the place of the error on inputs built so that there is exactly one.
 */

/** A cell: text as in the file, or a JSON number. */
export type Cell = string | { num: number };

/** A table: header names and data records with the 1-based line each starts on. */
export interface Table {
  header: string[];
  headerLine: number;
  records: { cells: Cell[]; line: number }[];
}

export type Expected =
  | {
      ok: true;
      columns: string[];
      rows: number;
      data: number[];
      rowsRead: number;
      rowsDropped: number;
      leftOut: string[];
      /** The row id column and its values (kept rows), when the loader takes row names. */
      idColumn?: string;
      ids?: string[];
    }
  | { ok: false; why: string };

const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'null', 'NULL', 'n/a', 'N/A']);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// Decimal comma (dialect.ts): digits, maybe in groups of 3 with one separator, then ',' digits.
const SEPARATORS = ['.', ' ', '\u00a0', '\u202f'];
const EXPONENT = '(?:[eE][+-]?\\d+)?';
function groupedDigits(sep: string): string {
  const s = sep === '.' ? '\\.' : sep;
  return `\\d{1,3}(?:${s}\\d{3})+`;
}
/** The value of a cell (trimmed) under the decimal mark ',', or undefined for text. */
function commaNumber(t: string): number | undefined {
  if (new RegExp(`^[+-]?(?:\\d+(?:,\\d*)?|,\\d+)${EXPONENT}$`).test(t)) {
    return Number(t.replace(',', '.'));
  }
  for (const sep of SEPARATORS) {
    if (new RegExp(`^[+-]?${groupedDigits(sep)}(?:,\\d*)?${EXPONENT}$`).test(t)) {
      return Number(t.split(sep).join('').replace(',', '.'));
    }
  }
  return undefined;
}
/** A number the sniffer counts as written with a decimal comma. */
function isCommaEvidence(t: string): boolean {
  if (new RegExp(`^[+-]?\\d*,\\d+${EXPONENT}$`).test(t)) return true;
  return SEPARATORS.some((sep) =>
    new RegExp(`^[+-]?${groupedDigits(sep)},\\d+${EXPONENT}$`).test(t),
  );
}
/** A number the sniffer counts as written with a decimal point ('1.234' is not: thousands). */
function isPointEvidence(t: string): boolean {
  return /^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$/.test(t) && !/^[+-]?\d{1,3}(?:\.\d{3})+$/.test(t);
}

/**
 * The delimiter and decimal mark the CSV loader must use for a whole text (documentation of
 * dialect.ts: the text must fit the sniffer's sample, 64 Ki characters and 100 records).
 * `delimiter` / `decimal` given: kept. `fallback`: ',' or, for .tsv files, tab (then settled).
 */
export function expectedDialect(
  text: string,
  o: { delimiter?: string; decimal?: '.' | ','; tsv?: boolean } = {},
): { delimiter: string; decimal: '.' | ',' } {
  if (text.length > 1 << 16) throw new Error('expectedDialect models texts of up to 64 Ki');
  const read = (d: string) => {
    const t = csvRecords(text, d);
    if ('why' in t) return undefined;
    const all = [t.header, ...t.records.map((r) => r.cells as string[])];
    if (all.length >= 100) throw new Error('expectedDialect models texts of < 100 records');
    return all;
  };
  const consistent = (records: string[][] | undefined) =>
    records?.every((r) => r.length === records[0]!.length && r.length >= 2) === true;
  let delimiter = o.delimiter ?? (o.tsv ? '\t' : undefined);
  if (delimiter === undefined) {
    if (consistent(read(','))) delimiter = ',';
    else {
      let best = 0;
      delimiter = ',';
      for (const d of [';', '\t', '|']) {
        const records = read(d);
        if (consistent(records) && records![0]!.length > best) {
          best = records![0]!.length;
          delimiter = d;
        }
      }
    }
  }
  let decimal = o.decimal ?? '.';
  if (o.decimal === undefined && (delimiter === ';' || delimiter === '\t')) {
    const records = read(delimiter) ?? [];
    let comma = 0;
    let point = 0;
    for (const record of records.slice(1)) {
      for (const cell of record) {
        if (isCommaEvidence(cell.trim())) comma++;
        else if (isPointEvidence(cell.trim())) point++;
      }
    }
    if (comma > 0 && point === 0) decimal = ',';
  }
  return { delimiter, decimal };
}

// Row names (columns.ts): headers of a first column of row names, and of maybe-row-names.
const ROW_NAME_HEADERS = ['Unnamed: 0', '...1', 'rownames', 'rowname'];
const MAYBE_ROW_NAME_HEADERS = [...ROW_NAME_HEADERS, 'X', 'index'];

/** RFC 4180 records of `text` (BOM skipped, blank lines skipped), or the reason it is not CSV. */
export function csvRecords(text: string, delimiter: string): Table | { why: string } {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const records: { cells: string[]; line: number }[] = [];
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        quotedAny = true;
        i++;
        for (;;) {
          if (i >= text.length) return { why: 'unclosed quote' };
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\r') {
            line++;
            if (text[i + 1] === '\n') {
              field += '\r\n';
              i += 2;
              continue;
            }
          } else if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          return { why: 'text after a closing quote' };
        }
      } else {
        while (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') return { why: 'quote in an unquoted field' };
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      if (i < text.length && text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') {
      i++;
      if (text[i] === '\n') i++;
      line++;
    } else if (text[i] === '\n') {
      i++;
      line++;
    }
    if (!(fields.length === 1 && fields[0] === '' && !quotedAny)) {
      records.push({ cells: fields, line: start });
    }
  }
  if (records.length === 0) return { why: 'no header' };
  const [head, ...rest] = records;
  return { header: head!.cells, headerLine: head!.line, records: rest };
}

/** Records of JSON (an array of objects) or NDJSON text, or the reason they are not usable. */
export function jsonRecords(text: string, format: 'json' | 'ndjson'): Table | { why: string } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const objects: { value: Record<string, unknown>; line: number }[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (format === 'ndjson') {
    const lines = text.split(/\r\n|\n|\r/);
    for (let k = 0; k < lines.length; k++) {
      if (lines[k]!.trim() === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(lines[k]!);
      } catch {
        return { why: 'syntax' };
      }
      if (!isObject(v)) return { why: 'not an object' };
      objects.push({ value: v, line: k + 1 });
    }
  } else {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return { why: 'syntax' };
    }
    // a top-level object is one of pandas' layouts (json.test.ts, json-fuzz.test.ts) or an error
    if (isObject(v)) return { why: 'an object: a pandas layout or an error' };
    if (!Array.isArray(v)) return { why: 'not an array' };
    for (const e of v) {
      if (!isObject(e)) return { why: 'element not an object' };
      objects.push({ value: e, line: 0 });
    }
  }
  if (objects.length === 0) return { why: 'empty' };
  // the keys in order of first appearance in the text (Object.keys puts '0', '10' first)
  const keys = [...new Set(keysInText(text, format === 'json' ? 2 : 1))];
  if (keys.length === 0) return { why: 'no keys' };
  const cell = (v: unknown): Cell => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return { num: v };
    if (typeof v === 'string') return v;
    return JSON.stringify(v); // booleans, objects, arrays: text, as JSON writes them
  };
  return {
    header: keys,
    headerLine: objects[0]!.line,
    records: objects.map((o) => ({
      cells: keys.map((k) => (Object.hasOwn(o.value, k) ? cell(o.value[k]) : '')),
      line: o.line,
    })),
  };
}

/** The keys of the objects `depth` levels down in valid JSON text, in the order of the text. */
function keysInText(text: string, depth: number): string[] {
  const keys: string[] = [];
  const open: string[] = [];
  const tokens = text.matchAll(/"(?:[^"\\]|\\.)*"|[[\]{}:,]/g);
  let previous = '';
  for (const [token] of tokens) {
    if (token === '{' || token === '[') open.push(token);
    else if (token === '}' || token === ']') open.pop();
    else if (token === ':' && previous.startsWith('"') && open.length === depth) {
      keys.push(JSON.parse(previous));
    }
    previous = token;
  }
  return keys;
}

/**
 * What the loader must return for a table under the missing-value policy 'error' or 'drop' (no
 * column options), reading numbers with the decimal mark `decimal`.
 */
export function expectTable(
  table: Table,
  missing: 'error' | 'drop',
  decimal: '.' | ',' = '.',
): Expected {
  const names = table.header.map((h, j) => (h.trim() === '' ? `unnamed_${j + 1}` : h));
  if (new Set(names).size !== names.length) return { ok: false, why: 'duplicate column' };
  for (const r of table.records) {
    if (r.cells.length !== names.length) return { ok: false, why: 'ragged row' };
  }
  const n = table.records.length;
  if (n === 0) return { ok: false, why: 'no data rows' };
  // Every column as the loader reads it: numbers (NaN missing), or text.
  const read = names.map((_, j) => {
    const column: number[] = [];
    let text = false;
    let overflow = false;
    let present = 0;
    for (const r of table.records) {
      const c = r.cells[j]!;
      let v: number;
      if (typeof c === 'object') v = c.num;
      else {
        const t = c.trim();
        if (MISSING.has(t)) {
          column.push(Number.NaN);
          continue;
        }
        const parsed = decimal === '.' ? (DECIMAL.test(t) ? Number(t) : undefined) : commaNumber(t);
        if (parsed === undefined) {
          text = true;
          continue;
        }
        v = parsed;
      }
      if (!Number.isFinite(v)) overflow = true;
      present++;
      column.push(v);
    }
    return { column, text, overflow, present };
  });
  // Row names: the first column that looks like them, with distinct values, none missing.
  // (JSON numbers as json.ts hands them on; a number beyond the double range is 'Infinity' here
  // but its literal there, which only matters for two such cells in one row-name column.)
  const texts = (j: number) =>
    table.records.map((r) => {
      const c = r.cells[j]!;
      return typeof c === 'string' ? c : Object.is(c.num, -0) ? '-0' : String(c.num);
    });
  const distinct = (values: string[]) =>
    new Set(values).size === values.length && values.every((v) => !MISSING.has(v.trim()));
  const named = (j: number) =>
    j === 0 && (table.header[0]!.trim() === '' || ROW_NAME_HEADERS.includes(table.header[0]!));
  let idColumn = -1;
  for (let j = 0; j < names.length && idColumn === -1; j++) {
    const maybe = !named(j) && MAYBE_ROW_NAME_HEADERS.includes(table.header[j]!);
    if (!named(j) && !maybe) continue;
    if (!distinct(texts(j))) continue;
    const { column, text } = read[j]!;
    const increasing = column.every(
      (v, i) => Number.isInteger(v) && (i === 0 || v > column[i - 1]!),
    );
    if (named(j) || text || increasing) idColumn = j;
  }
  const features: number[] = [];
  const values: number[][] = [];
  const leftOut: string[] = [];
  for (let j = 0; j < names.length; j++) {
    if (j === idColumn) continue;
    if (named(j)) {
      leftOut.push(names[j]!); // row names whose values repeat
      continue;
    }
    const { column, text, overflow, present } = read[j]!;
    const rowNumbers =
      n >= 3 &&
      !text &&
      (column[0] === 0 || column[0] === 1) &&
      column.every((v, i) => v === column[0]! + i);
    if (MAYBE_ROW_NAME_HEADERS.includes(table.header[j]!) && rowNumbers) {
      leftOut.push(names[j]!); // a second index column
      continue;
    }
    if (text || present === 0) leftOut.push(names[j]!);
    else if (overflow) return { ok: false, why: 'overflow' };
    else {
      features.push(j);
      values.push(column);
    }
  }
  if (features.length === 0) return { ok: false, why: 'no numeric column' };
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (values.every((column) => !Number.isNaN(column[i]))) keep.push(i);
    else if (missing === 'error') return { ok: false, why: 'missing value' };
  }
  if (keep.length === 0) return { ok: false, why: 'every row dropped' };
  const data: number[] = [];
  for (const i of keep) for (const column of values) data.push(column[i]!);
  const expected: Expected = {
    ok: true,
    columns: features.map((j) => names[j]!),
    rows: keep.length,
    data,
    rowsRead: n,
    rowsDropped: n - keep.length,
    leftOut,
  };
  if (idColumn !== -1) {
    const ids = texts(idColumn);
    expected.idColumn = names[idColumn]!;
    expected.ids = keep.map((i) => ids[i]!);
  }
  return expected;
}
