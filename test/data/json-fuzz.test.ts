/**
 * Hostile JSON for the JSON loader: nesting deeper than the call stack anywhere in the file,
 * keys named like Object.prototype members, and pandas' layouts of the same frame.
 * - Nesting: arrays and objects nested up to 200,000 deep at the top, in a cell of an array of
 *   objects, of NDJSON, of orient='split' or of orient='columns'. The outcome is a DataError that
 *   names the file and the line (and the column, for a cell) when the nesting passes 100 levels
 *   where a cell or a row should be, the value's JSON text when a cell holds 100 levels or less;
 *   never a RangeError.
 * - Keys: column names and index labels drawn from Object.prototype's members, '__proto__' and
 *   line separators; the same frame written as records, NDJSON, orient='columns', 'split' and
 *   'table' (as pandas writes them) loads to the same dataset, ids from the index when it names
 *   rows.
 *
 * Seeded: FUZZ_SEED=<n> replays a run; the seed in use is printed once.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { toRows } from '../../src/data/dataset.js';
import { MAX_CELL_DEPTH, parseJSON } from '../../src/data/json.js';
import { DataError } from '../../src/util/errors.js';
import { setLogger } from '../../src/util/log.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${SEED}`);
console.log(`JSON fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`);

const previousLogger = setLogger({ warn: () => undefined });
afterAll(() => setLogger(previousLogger));

/** A value nested `depth` deep: each level an array or an object, as `kinds` says. */
function nested(depth: number, kinds: boolean[]): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let k = 0; k < depth; k++) {
    const object = kinds[k % kinds.length]!;
    open.push(object ? '{"k": ' : '[');
    close.push(object ? '}' : ']');
  }
  return `${open.join('')}1${close.reverse().join('')}`;
}

const PLACES = ['top', 'records', 'ndjson', 'split', 'columns'] as const;

describe('JSON nested at any depth, anywhere', () => {
  it('is a DataError naming the place, or text when a cell holds 100 levels or less', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 121, max: 200_000 })),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...PLACES),
        fc.integer({ min: 0, max: 3 }),
        (depth, kinds, where, row) => {
          const value = nested(depth, kinds);
          const rows = [0, 1, 2, 3].map((i) => (i === row ? value : String(i)));
          let text: string;
          let format: 'json' | 'ndjson' = 'json';
          switch (where) {
            case 'top':
              text = value;
              break;
            case 'records':
              text = `[\n${rows.map((v, i) => `{"a": ${i}, "b": ${v}}`).join(',\n')}\n]`;
              break;
            case 'ndjson':
              text = `${rows.map((v, i) => `{"a": ${i}, "b": ${v}}`).join('\n')}\n`;
              format = 'ndjson';
              break;
            case 'split':
              text = `{"columns": ["a", "b"], "data": [\n${rows.map((v, i) => `[${i}, ${v}]`).join(',\n')}\n]}`;
              break;
            case 'columns':
              text = `{"a": {"0": 0, "1": 1, "2": 2, "3": 3},\n"b": {${rows.map((v, i) => `\n"${i}": ${v}`).join(',')}}}`;
              break;
          }
          let error: unknown;
          let labels: string[] | undefined;
          try {
            const options = where === 'top' ? {} : { label: 'b' };
            labels = parseJSON(text, { file: 'n.json', format, ...options }).labels;
          } catch (e) {
            error = e;
          }
          if (where === 'top') {
            // a shallow nest of objects is a table (pandas' orient='columns'); a deep one is a
            // DataError on line 1
            if (error !== undefined) expect(error).toBeInstanceOf(DataError);
            if (depth > MAX_CELL_DEPTH) {
              expect((error as DataError).message).toMatch(/^n\.json, line 1[:,] /);
            }
            return;
          }
          if (depth > MAX_CELL_DEPTH) {
            expect(error).toBeInstanceOf(DataError);
            const line = where === 'ndjson' ? row + 1 : where === 'columns' ? row + 3 : row + 2;
            expect((error as DataError).message).toMatch(
              new RegExp(
                `^n\\.json, line ${line}, column 'b': the cell holds an array or object nested more than 100`,
              ),
            );
          } else {
            expect(error).toBeUndefined();
            expect(labels![row]).toBe(JSON.stringify(JSON.parse(value)));
          }
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });
});

const KEYS = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'then',
  'a\u2028b',
  'c\u2029d',
  'x.y',
  '0',
  '10',
  'index',
];

/** A frame as pandas writes it in each layout (index: its labels, or the default 0..n-1). */
function layouts(columns: string[], index: (string | number)[], rows: number[][]) {
  const q = JSON.stringify;
  const records = rows.map((r) => `{${columns.map((c, j) => `${q(c)}:${q(r[j])}`).join(',')}}`);
  const byColumn = columns.map(
    (c, j) => `${q(c)}:{${index.map((l, i) => `${q(String(l))}:${q(rows[i]![j])}`).join(',')}}`,
  );
  const indexName = columns.includes('index') ? 'level_0' : 'index';
  const table = rows.map(
    (r, i) =>
      `{${q(indexName)}:${q(index[i])},${columns.map((c, j) => `${q(c)}:${q(r[j])}`).join(',')}}`,
  );
  return {
    records: `[${records.join(',')}]`,
    ndjson: `${records.join('\n')}\n`,
    columns: `{${byColumn.join(',')}}`,
    split: `{"columns":${q(columns)},"index":${q(index)},"data":${q(rows)}}`,
    table:
      `{"schema":{"fields":[${[indexName, ...columns].map((c) => `{"name":${q(c)}}`).join(',')}],` +
      `"primaryKey":[${q(indexName)}],` +
      `"pandas_version":"1.4.0"},"data":[${table.join(',')}]}`,
  };
}

describe("pandas' layouts with hostile keys", () => {
  it('records, NDJSON, orient=columns, split and table load to the same dataset', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('range', 'labels', 'shuffled', 'repeated'),
        fc.integer({ min: 0, max: 1000 }),
        (columns, n, indexKind, salt) => {
          // a column named 'index' holding increasing integers is the row id (columns.ts): its
          // values here are never integers, so that every key stays a feature
          const rows = Array.from({ length: n }, (_, i) =>
            columns.map((c, j) => ((i * 7 + j * 3 + salt) % 17) / 4 + (c === 'index' ? 0.125 : 0)),
          );
          const index: (string | number)[] =
            indexKind === 'range'
              ? rows.map((_, i) => i)
              : indexKind === 'labels'
                ? rows.map((_, i) => KEYS[(i + salt) % KEYS.length]! + (i >= KEYS.length ? i : ''))
                : indexKind === 'shuffled'
                  ? rows.map((_, i) => (i * 5 + 3) % (n + 7))
                  : rows.map((_, i) => (i === 0 && n > 1 ? 'same' : i === 1 ? 'same' : `r${i}`));
          const distinct = new Set(index.map(String)).size === n;
          const isRange = index.every((l, i) => String(l) === String(i));
          const files = layouts(columns, index, rows);
          const want = parseJSON(files.records);
          expect(want.columns).toEqual(columns);
          expect(toRows(want.features)).toEqual(rows);
          expect(toRows(parseJSON(files.ndjson, { format: 'ndjson' }).features)).toEqual(rows);
          const layoutsWithIndex: [string, string][] = [
            ['split', files.split],
            ['table', files.table],
          ];
          // orient='columns' cannot hold a repeated index (pandas refuses to write it)
          if (distinct) layoutsWithIndex.push(['columns', files.columns]);
          // columns named 0..d-1 around an index that is not: the shape of orient='index',
          // refused rather than guessed
          if (distinct && columns.every((c, j) => c === String(j)) && !isRange) {
            expect(() => parseJSON(files.columns)).toThrow(/orient='index'/);
            layoutsWithIndex.pop();
          }
          for (const [name, text] of layoutsWithIndex) {
            const got = parseJSON(text, { file: `${name}.json` });
            expect(got.columns, name).toEqual(columns);
            expect(toRows(got.features), name).toEqual(rows);
            if (distinct && !isRange) expect(got.ids, name).toEqual(index.map(String));
            else expect(got.ids, name).toBeUndefined();
          }
        },
      ),
      { seed: SEED + 1, numRuns: 200 },
    );
  });
});
