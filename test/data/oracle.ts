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
    }
  | { ok: false; why: string };

const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'null', 'NULL', 'n/a', 'N/A']);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

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
    return `<text ${typeof v}>`; // booleans, objects, arrays: text
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

/** What the loader must return for a table under the missing-value policy 'error' or 'drop'. */
export function expectTable(table: Table, missing: 'error' | 'drop'): Expected {
  const names = table.header.map((h, j) => (h.trim() === '' ? `unnamed_${j + 1}` : h));
  if (new Set(names).size !== names.length) return { ok: false, why: 'duplicate column' };
  for (const r of table.records) {
    if (r.cells.length !== names.length) return { ok: false, why: 'ragged row' };
  }
  const n = table.records.length;
  if (n === 0) return { ok: false, why: 'no data rows' };
  const features: number[] = [];
  const values: number[][] = [];
  const leftOut: string[] = [];
  for (let j = 0; j < names.length; j++) {
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
        if (!DECIMAL.test(t)) {
          text = true;
          continue;
        }
        v = Number(t);
      }
      if (!Number.isFinite(v)) overflow = true;
      present++;
      column.push(v);
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
  return {
    ok: true,
    columns: features.map((j) => names[j]!),
    rows: keep.length,
    data,
    rowsRead: n,
    rowsDropped: n - keep.length,
    leftOut,
  };
}
