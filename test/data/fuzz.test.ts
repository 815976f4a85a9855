/**
 * Hostile input for the loaders: random well-formed tables in random spellings, then mutated
 * (stray quotes, delimiters, line breaks, NUL, BOM, non-breaking spaces, lone surrogates, bytes
 * that are not UTF-8), fed to parseCsv/loadCsv (CSV and TSV), parseJSON/loadJSON (JSON and
 * NDJSON) and loadDataset. The only outcomes allowed: the dataset the oracle (oracle.ts) computes,
 * value for value, or a DataError/OptionError that names the file (and the line where there is
 * one); never another exception or a silently different number.
 *
 * Seeded: FUZZ_SEED=<n> replays a run; the seed in use is printed once.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CsvTokenizer,
  loadCsv,
  loadCsvTable,
  parseCsv,
  parseCsvChunks,
} from '../../src/data/csv.js';
import type { Dataset } from '../../src/data/dataset.js';
import { MAX_JSON_BYTES, loadJSON, parseJSON } from '../../src/data/json.js';
import { loadDataset } from '../../src/data/load.js';
import { Utf8Checker, findInvalidUtf8 } from '../../src/data/utf8.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { type Logger, setLogger, withCollectedWarnings } from '../../src/util/log.js';
import { type Expected, csvRecords, expectTable, expectedDialect, jsonRecords } from './oracle.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${SEED}`);
console.log(`loader fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`);
/** fast-check parameters of the k-th property. */
const params = (k: number, numRuns: number) => ({ seed: SEED + k, numRuns });

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-fuzz-'));
// The async loaders warn about text columns: keep the test output to the results.
let previousLogger: Logger;
beforeAll(() => {
  previousLogger = setLogger({ warn: () => undefined });
});
afterAll(() => {
  setLogger(previousLogger);
  rmSync(folder, { recursive: true, force: true });
});
let fileCount = 0;
function file(ext: string, content: string | Uint8Array): string {
  const path = join(folder, `f${fileCount++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

// ---------------------------------------------------------------------------------------------
// Generators

const MISSING_SPELLINGS = ['', 'NA', 'NaN', 'nan', 'null', 'NULL', 'n/a', 'N/A', ' NA ', '  '];
const NOT_NUMBERS = [
  '0x10',
  '0X1f',
  '0b101',
  '0o17',
  '1,234',
  '1_000',
  'Infinity',
  '-Infinity',
  'inf',
  'TRUE',
  '1.2.3',
  '--1',
  '1e',
  'e5',
  '.',
  '+',
  '\u00a00x10',
  '5%',
  '$5',
  '1 2',
  'abc',
  'x"y',
  'a,b',
  'two\nlines',
  'nul\0byte',
];

/** A double written in one of the spellings a data file may use. */
const numberText = fc
  .tuple(
    fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    ),
    fc.nat(9),
    fc.integer({ min: 1, max: 21 }),
  )
  .map(([x, style, p]) => {
    switch (style) {
      case 0:
        return String(x);
      case 1:
        return x.toExponential();
      case 2:
        return x.toPrecision(p);
      case 3:
        return Math.abs(x) < 1e15 ? x.toFixed(Math.min(p, 20)) : String(x);
      case 4:
        return x >= 0 ? `+${x}` : String(x);
      case 5:
        return ` ${x} `;
      case 6:
        return x.toExponential().toUpperCase();
      case 7:
        return Object.is(x, 0) || x === 0 ? '-0' : `${x}\u00a0`;
      case 8:
        return String(x).replace(/^(-?)0\./, '$1.');
      default:
        return Number.isInteger(x) && Math.abs(x) < 1e15 ? `${x}.` : `\t${x}`;
    }
  });

const cellOf = (kind: number) => {
  switch (kind) {
    case 0: // numbers
      return numberText;
    case 1: // numbers with missing values
      return fc.oneof({ weight: 4, arbitrary: numberText }, fc.constantFrom(...MISSING_SPELLINGS));
    case 2: // text
      return fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...NOT_NUMBERS));
    case 3: // numbers with the odd text cell
      return fc.oneof({ weight: 6, arbitrary: numberText }, fc.constantFrom(...NOT_NUMBERS));
    case 4: // numbers with the odd overflow
      return fc.oneof({ weight: 6, arbitrary: numberText }, fc.constantFrom('1e999', '-1E400'));
    default: // no values
      return fc.constantFrom(...MISSING_SPELLINGS);
  }
};

const headerName = fc.oneof(
  fc.constantFrom('a', 'b', 'x1', 'sepal length', 'é', '名前', '"q"', 'c,d', 'l\nm', '', ' '),
  fc.string({ maxLength: 6 }),
);

/** A table: header names, column kinds, rows of cell texts. */
const tableArb = fc
  .tuple(
    fc.uniqueArray(headerName, { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 12 }),
  )
  .chain(([header, n]) =>
    fc.array(fc.nat(5), { minLength: header.length, maxLength: header.length }).chain((kinds) =>
      fc.record({
        header: fc.constant(header),
        rows: fc.array(fc.tuple(...kinds.map(cellOf)), { minLength: n, maxLength: n }),
      }),
    ),
  );

/** How a table is spelled as CSV text. */
const spellingArb = fc.record({
  delimiter: fc.constantFrom(',', '\t', ';'),
  eols: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 4 }),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  blankAfter: fc.array(fc.nat(14), { maxLength: 3 }),
  finalEol: fc.boolean(),
});

function csvText(
  table: { header: string[]; rows: string[][] },
  s: {
    delimiter: string;
    eols: string[];
    bom: boolean;
    quoteAll: boolean;
    blankAfter: number[];
    finalEol: boolean;
  },
): string {
  const quote = (cell: string) =>
    s.quoteAll || cell.includes(s.delimiter) || /["\r\n]/.test(cell)
      ? `"${cell.replace(/"/g, '""')}"`
      : cell;
  // A lone empty field is written "" (else the line would be blank, and skipped), as writers do.
  const lines = [table.header, ...table.rows].map((r) =>
    r.length === 1 && r[0] === '' ? '""' : r.map(quote).join(s.delimiter),
  );
  let text = s.bom ? '\ufeff' : '';
  lines.forEach((line, k) => {
    text += line;
    if (k < lines.length - 1 || s.finalEol) text += s.eols[k % s.eols.length];
    if (s.blankAfter.includes(k) && k < lines.length - 1) text += s.eols[0];
  });
  return text;
}

/** Small edits that break or bend a text. */
const TOKENS = [
  '"',
  '""',
  ',',
  '\t',
  ';',
  '\n',
  '\r',
  '\r\n',
  '\0',
  '\ufeff',
  '\u00a0',
  ' ',
  '\ud800',
  '\udc00',
  'x',
  '1',
  '.',
  'e',
  'E9',
  '-',
  '0x',
  '9'.repeat(400),
  'NA',
  '{',
  '}',
  '[',
  ']',
  ':',
  'null',
  '1e999',
  '-0',
];
const mutationArb = fc.array(
  fc.record({ at: fc.nat(), op: fc.nat(3), token: fc.constantFrom(...TOKENS), len: fc.nat(6) }),
  { minLength: 1, maxLength: 4 },
);
function mutate(text: string, mutations: { at: number; op: number; token: string; len: number }[]) {
  for (const m of mutations) {
    const at = m.at % (text.length + 1);
    if (m.op === 0 || m.op === 3) text = text.slice(0, at) + m.token + text.slice(at);
    else if (m.op === 1) text = text.slice(0, at) + text.slice(at + m.len);
    else text = text.slice(0, at) + text.slice(at, at + m.len) + text.slice(at);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Checks

type Outcome = { dataset: Dataset } | { error: unknown };

function outcome(fn: () => Dataset): Outcome {
  try {
    return { dataset: withCollectedWarnings(fn).value };
  } catch (error) {
    return { error };
  }
}
async function outcomeAsync(fn: () => Promise<Dataset>): Promise<Outcome> {
  try {
    return { dataset: await fn() };
  } catch (error) {
    return { error };
  }
}

/** The first index where two arrays differ bit for bit (-0 differs from 0), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

/** Assert that `got` is what the oracle expects; a user error must name `file`. */
function check(got: Outcome, expected: Expected, file: string, input: string): void {
  const show = () => `input ${JSON.stringify(input.slice(0, 300))}`;
  if ('error' in got) {
    const error = got.error;
    if (!(error instanceof DataError || error instanceof OptionError)) {
      throw new Error(`unexpected ${String(error)} for ${show()}`, { cause: error });
    }
    if (expected.ok) {
      throw new Error(`expected a dataset, got "${error.message}" for ${show()}`);
    }
    if (error instanceof DataError) {
      expect(error.file, show()).toBe(file);
      expect(error.message.startsWith(`${file}`), error.message).toBe(true);
    }
    return;
  }
  if (!expected.ok) {
    if (expected.why.startsWith('an object')) return; // a pandas layout, tested elsewhere
    throw new Error(`expected an error (${expected.why}), got a dataset for ${show()}`);
  }
  const d = got.dataset;
  expect(d.columns, show()).toEqual(expected.columns);
  expect(d.features.rows, show()).toBe(expected.rows);
  expect(d.features.cols, show()).toBe(expected.columns.length);
  const at = firstDifference(d.features.data, expected.data);
  if (at !== -1) {
    throw new Error(
      `value ${at}: got ${d.features.data[at]}, expected ${expected.data[at]} for ${show()}`,
    );
  }
  expect(d.source.rowsRead, show()).toBe(expected.rowsRead);
  expect(d.source.rowsDropped, show()).toBe(expected.rowsDropped);
  expect(
    d.source.leftOut.map((c) => c.column),
    show(),
  ).toEqual(expected.leftOut);
  expect(d.idColumn, show()).toBe(expected.idColumn);
  expect(d.ids, show()).toEqual(expected.ids);
}

/** The oracle's dataset for CSV text read with the given dialect options (others sniffed). */
function expectedCsv(
  text: string,
  dialect: { delimiter?: string; tsv?: boolean },
  missing: 'error' | 'drop',
): Expected {
  const { delimiter, decimal } = expectedDialect(text, dialect);
  const table = csvRecords(text, delimiter);
  return 'why' in table ? { ok: false, why: table.why } : expectTable(table, missing, decimal);
}
function expectedJson(text: string, format: 'json' | 'ndjson', missing: 'error' | 'drop') {
  const table = jsonRecords(text, format);
  return 'why' in table ? ({ ok: false, why: table.why } as const) : expectTable(table, missing);
}

/** The error of a promise or function (fails when there is none). */
async function errorOf(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

// ---------------------------------------------------------------------------------------------
// CSV and TSV

describe('parseCsv / loadCsv on random and mutated input', () => {
  it('parseCsv(text) reads well-formed tables in any spelling exactly as the oracle does', () => {
    let datasets = 0;
    fc.assert(
      fc.property(tableArb, spellingArb, fc.boolean(), (table, spelling, drop) => {
        const text = csvText(table, spelling);
        const missing = drop ? 'drop' : 'error';
        // The oracle reads back what was written (a check of the oracle itself).
        const records = csvRecords(text, spelling.delimiter);
        if (!('why' in records)) {
          expect(records.header).toEqual(table.header);
          expect(records.records.length).toBeLessThanOrEqual(table.rows.length);
        }
        const expected = expectedCsv(text, { delimiter: spelling.delimiter }, missing);
        if (expected.ok) datasets++;
        const got = outcome(() =>
          parseCsv(text, { delimiter: spelling.delimiter, file: 'in.csv', missing }),
        );
        check(got, expected, 'in.csv', text);
      }),
      params(1, 400),
    );
    // Not vacuous: a good share of the tables load.
    expect(datasets).toBeGreaterThan(80);
  });

  it('parseCsv(text) on mutated text: the oracle dataset or a DataError naming the file', () => {
    fc.assert(
      fc.property(tableArb, spellingArb, mutationArb, (table, spelling, mutations) => {
        const text = mutate(csvText(table, spelling), mutations);
        const got = outcome(() =>
          parseCsv(text, { delimiter: spelling.delimiter, file: 'm.csv', missing: 'drop' }),
        );
        check(got, expectedCsv(text, { delimiter: spelling.delimiter }, 'drop'), 'm.csv', text);
      }),
      params(2, 600),
    );
  });

  it('parseCsvChunks(chunks) gives the result of parseCsv(text) wherever the text is cut', () => {
    fc.assert(
      fc.property(
        tableArb,
        spellingArb,
        fc.option(mutationArb),
        fc.array(fc.nat(), { maxLength: 8 }),
        (table, spelling, mutations, cuts) => {
          let text = csvText(table, spelling);
          if (mutations !== null) text = mutate(text, mutations);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks = ['', ...points.map((p, k) => text.slice(k === 0 ? 0 : points[k - 1], p))];
          chunks.push(text.slice(points.at(-1) ?? 0));
          const options = {
            delimiter: spelling.delimiter,
            file: 'c.csv',
            missing: 'drop' as const,
          };
          const whole = outcome(() => parseCsv(text, options));
          const pieces = outcome(() => parseCsvChunks(chunks, options).dataset);
          if ('error' in whole) {
            expect('error' in pieces).toBe(true);
            expect((pieces as { error: Error }).error.message).toBe((whole.error as Error).message);
          } else {
            expect('dataset' in pieces).toBe(true);
            const a = whole.dataset;
            const b = (pieces as { dataset: Dataset }).dataset;
            expect(firstDifference(a.features.data, b.features.data)).toBe(-1);
            expect(b.columns).toEqual(a.columns);
            expect(b.source).toEqual(a.source);
          }
        },
      ),
      params(3, 300),
    );
  });

  it('loadCsv(path) with invalid UTF-8 anywhere names the file and the line of the first bad byte', async () => {
    const BAD = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88]];
    await fc.assert(
      fc.asyncProperty(
        tableArb,
        spellingArb,
        fc.nat(),
        fc.constantFrom(...BAD),
        fc.integer({ min: 1, max: 64 }),
        async (table, spelling, at, bad, chunkSize) => {
          const text = csvText(table, spelling).replace(/[\ud800-\udfff]/g, 'x');
          const cut = at % (text.length + 1);
          const before = Buffer.from(text.slice(0, cut));
          const bytes = Buffer.concat([before, Buffer.from(bad), Buffer.from(text.slice(cut))]);
          const path = file('csv', bytes);
          const error = await errorOf(() =>
            loadCsvTable(path, { delimiter: spelling.delimiter }, false, chunkSize),
          );
          expect(error).toBeInstanceOf(DataError);
          expect((error as DataError).file).toBe(path);
          const line = 1 + (text.slice(0, cut).match(/\r\n|\r|\n/g)?.length ?? 0);
          expect((error as DataError).line, error.message).toBe(line);
          expect(error.message).toContain(`offset ${before.length} `);
        },
      ),
      params(4, 60),
    );
  });

  it('loadCsvTable(path) equals parseCsv(text) for any read size (chunks split UTF-8 and CRLF)', async () => {
    await fc.assert(
      fc.asyncProperty(
        tableArb,
        spellingArb,
        fc.integer({ min: 1, max: 40 }),
        async (table, spelling, chunkSize) => {
          const text = csvText(table, spelling);
          const path = file('csv', text);
          const options = { delimiter: spelling.delimiter, missing: 'drop' as const };
          const whole = outcome(() => parseCsv(text, { ...options, file: path }));
          const loaded = await outcomeAsync(
            async () => (await loadCsvTable(path, options, false, chunkSize)).dataset,
          );
          if ('error' in whole) {
            expect((loaded as { error: Error }).error?.message).toBe(
              (whole.error as Error).message,
            );
          } else {
            const b = (loaded as { dataset: Dataset }).dataset;
            expect(b, String((loaded as { error: Error }).error)).toBeDefined();
            expect(firstDifference(whole.dataset.features.data, b.features.data)).toBe(-1);
            expect(b.columns).toEqual(whole.dataset.columns);
          }
        },
      ),
      params(5, 80),
    );
  });

  it('parseCsv(text) places the one missing, overflowing or ragged cell on its line and column', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }), // two rows, so the column keeps a value
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('NA', '', '1e999', '-1E400', 'ragged'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        (rows, cols, ri, cj, bad, eol, multiline) => {
          const header = Array.from({ length: cols }, (_, j) => `c${j}`);
          const i = ri % rows;
          const j = cj % cols;
          // An id column with a two-line quoted value on every row shifts the physical lines.
          const lines: string[] = [[...header, 'id'].join(',')];
          for (let r = 0; r < rows; r++) {
            const cells = header.map((_, c) => String(r * cols + c + 0.5));
            if (r === i && bad !== 'ragged') cells[j] = bad;
            if (r === i && bad === 'ragged') cells.splice(j, 1);
            lines.push([...cells, multiline ? `"r${r}${eol}x"` : `r${r}`].join(','));
          }
          const text = lines.join(eol);
          const error = (() => {
            try {
              parseCsv(text, { id: 'id', file: 'p.csv' });
            } catch (e) {
              return e as DataError;
            }
            throw new Error('expected an error');
          })();
          expect(error).toBeInstanceOf(DataError);
          const line = 2 + i * (multiline ? 2 : 1);
          expect(error.line).toBe(line);
          expect(error.file).toBe('p.csv');
          if (bad === 'ragged') {
            // The row ends one field early: the missing field is the last one, 'id'.
            expect(error.column).toBe('id');
          } else expect(error.column).toBe(`c${j}`);
          expect(error.message).toContain(`p.csv, line ${line}, column `);
        },
      ),
      params(6, 200),
    );
  });
});

describe('CSV dialects told from the first lines', () => {
  it('parseCsv(text) with no delimiter reads a table spelled with , ; tab or | as the oracle does', () => {
    const delimiters = fc.constantFrom(',', ';', '\t', '|');
    let sniffed = 0;
    fc.assert(
      fc.property(
        tableArb,
        spellingArb,
        delimiters,
        fc.option(mutationArb, { freq: 3 }),
        (table, spelling, delimiter, mutations) => {
          let text = csvText(table, { ...spelling, delimiter });
          if (mutations !== null) text = mutate(text, mutations);
          const got = outcome(() => parseCsv(text, { file: 's.csv', missing: 'drop' }));
          check(got, expectedCsv(text, {}, 'drop'), 's.csv', text);
          if ('dataset' in got && got.dataset.source.delimiter !== ',') sniffed++;
        },
      ),
      params(7, 400),
    );
    // Not vacuous: other delimiters than the default are found.
    expect(sniffed).toBeGreaterThan(40);
  });

  it('a well-formed comma table of 2 or more columns is always read with ,', () => {
    fc.assert(
      fc.property(tableArb, spellingArb, (table, spelling) => {
        fc.pre(table.header.length >= 2 && table.rows.length > 0);
        const text = csvText(table, { ...spelling, delimiter: ',' });
        const got = outcome(() => parseCsv(text, { file: 'in.csv', missing: 'drop' }));
        if ('dataset' in got) expect(got.dataset.source.delimiter).toBe(',');
        const expected = expectedCsv(text, { delimiter: ',' }, 'drop');
        check(got, expected, 'in.csv', text);
      }),
      params(8, 300),
    );
  });

  it("a numeric table spelled with ';' and decimal commas (grouped thousands too) reads as with ',' and '.'", () => {
    // Numbers, numbers with missing values, no values; names without , ; tab | or quotes.
    const plainName = headerName.filter((h) => !/[,;\t|"\r\n]/.test(h));
    const numericTable = fc
      .tuple(
        fc.uniqueArray(plainName, { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 12 }),
      )
      .chain(([header, n]) =>
        fc
          .array(fc.constantFrom(0, 1, 5), { minLength: header.length, maxLength: header.length })
          .chain((kinds) =>
            fc.record({
              header: fc.constant(header),
              rows: fc.array(fc.tuple(...kinds.map(cellOf)), { minLength: n, maxLength: n }),
            }),
          ),
      );
    const toComma = (cell: string, group: string | null): string => {
      let out = cell.replace('.', ',');
      if (group !== null && /\d,/.test(out))
        out = out.replace(/(\d)(?=(?:\d{3})+,)/g, `$1${group}`);
      return out;
    };
    let compared = 0;
    fc.assert(
      fc.property(
        numericTable,
        spellingArb,
        fc.constantFrom(null, '.', ' ', '\u00a0', '\u202f'),
        (table, spelling, group) => {
          const european = {
            header: table.header,
            rows: table.rows.map((r) => r.map((cell) => toComma(cell, group))),
          };
          const a = outcome(() =>
            parseCsv(csvText(table, { ...spelling, delimiter: ',' }), { missing: 'drop' }),
          );
          const textB = csvText(european, { ...spelling, delimiter: ';' });
          const b = outcome(() => parseCsv(textB, { missing: 'drop' }));
          const given = outcome(() => parseCsv(textB, { missing: 'drop', decimal: ',' }));
          expect('error' in a, textB).toBe('error' in given);
          if ('dataset' in a && 'dataset' in given) {
            expect(given.dataset.columns).toEqual(a.dataset.columns);
            expect(given.dataset.source.delimiter).toBe(';');
            expect(firstDifference(given.dataset.features.data, a.dataset.features.data)).toBe(-1);
          }
          // Told from the first lines: ',' whenever a number there has a decimal comma.
          if ('dataset' in b && b.dataset.source.decimal === ',') {
            compared++;
            if (!('dataset' in a)) throw new Error(`only the ';' file loads: ${textB}`);
            expect(firstDifference(b.dataset.features.data, a.dataset.features.data)).toBe(-1);
          }
          if ('dataset' in b) {
            expect(b.dataset.source.decimal).toBe(expectedDialect(textB).decimal);
          }
        },
      ),
      params(9, 300),
    );
    expect(compared).toBeGreaterThan(100);
  });
});

describe('parseCsv / loadCsv on the awkward cases', () => {
  it("parseCsv(text) reads '-0' as -0 and '1e999' as an error naming the cell", () => {
    const d = parseCsv('a,b\n-0,1\n+0,2\n-0.0e5,3\n');
    expect(Object.is(d.features.data[0], -0)).toBe(true);
    expect(Object.is(d.features.data[2], 0)).toBe(true);
    expect(Object.is(d.features.data[4], -0)).toBe(true);
    expect(() => parseCsv('a,b\n1,2\n3,1e999\n', { file: 'o.csv' })).toThrow(
      "o.csv, line 3, column 'b': '1e999' is too large for a double-precision number.",
    );
  });

  it("parseCsv(text) keeps '0x10', '1,234' and 'Infinity' as text, never as numbers", () => {
    for (const cell of ['0x10', '"1,234"', 'Infinity', '0b11', '1_000', '\u00a00x10', '1e']) {
      const { value, warnings } = withCollectedWarnings(() => parseCsv(`a,b\n1,${cell}\n2,3\n`));
      expect(value.columns, cell).toEqual(['a']);
      expect(warnings.length, cell).toBe(1);
    }
  });

  it('parseCsv(text) reads a cell of Unicode white space only as missing, not as 0 (regression)', () => {
    // Number('\u00a0') and Number('\ufeff') are 0: the fast path trusted them.
    for (const space of ['\u00a0', '\ufeff', '\u2028', '\u3000 ']) {
      const d = parseCsv(`a,b\n1,2\n${space},4\n`, { missing: 'drop' });
      expect(Array.from(d.features.data), JSON.stringify(space)).toEqual([1, 2]);
      expect(d.source.rowsDropped).toBe(1);
    }
    // And a number wrapped in such white space still reads.
    expect(Array.from(parseCsv('a\n\u00a012\u00a0\n').features.data)).toEqual([12]);
  });

  it('parseCsvChunks(chunks) skips the BOM even after an empty first chunk (regression)', () => {
    const d = parseCsvChunks(['', '\ufeffa,b\n1,2\n']).dataset;
    expect(d.columns).toEqual(['a', 'b']);
  });

  it('parseCsv(text) errors on only a header, only blank lines, or nothing, naming the file', () => {
    for (const text of ['a,b', 'a,b\r\n', 'a,b\n\n\r\n\r', '', '\n\n\n', '\r\n\r\n', '\ufeff']) {
      const error = (() => {
        try {
          parseCsv(text, { file: 'e.csv' });
        } catch (e) {
          return e as Error;
        }
        throw new Error(`expected an error for ${JSON.stringify(text)}`);
      })();
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toMatch(/^e\.csv: the file (is empty|has a header but no data rows)/);
    }
  });

  it('parseCsv(text) reads BOM + mixed CRLF/CR/LF line ends, blank lines and a NUL in a label', () => {
    const text = '\ufeffx,y,name\r\n1,2,a\r3,4,"b\0c"\n\r\n5,6,"d\r\ne"\r\n';
    const d = parseCsv(text, { label: 'name' });
    expect(d.columns).toEqual(['x', 'y']);
    expect(Array.from(d.features.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.labels).toEqual(['a', 'b\0c', 'd\r\ne']);
  });

  it('parseCsv(text) reads a 10,000-column table, and an 8 MiB quoted field', () => {
    const d = 10_000;
    const header = Array.from({ length: d }, (_, j) => `v${j}`).join(',');
    const rows = [0, 1, 2].map((i) => Array.from({ length: d }, (_, j) => i * d + j).join(','));
    const wide = parseCsv(`${header}\n${rows.join('\n')}\n`);
    expect(wide.features.cols).toBe(d);
    expect(wide.features.rows).toBe(3);
    expect(wide.features.data[2 * d + 9999]).toBe(2 * d + 9999);

    const big = 'q'.repeat(1 << 23);
    const field = `"${big.slice(0, 100)},\n""${big.slice(100)}"`;
    const tall = parseCsv(`x,label\n1,${field}\n2,b\n`, { label: 'label' });
    expect(tall.labels![0]!.length).toBe((1 << 23) + 3);
    expect(tall.labels![1]).toBe('b');
  });

  it('parseCsv(text) with a 10,000-column text table warns about 10 columns and then once', () => {
    const d = 10_000;
    const header = Array.from({ length: d }, (_, j) => `t${j}`).join(',');
    const row = Array.from({ length: d }, (_, j) => (j === 0 ? '1' : 'x')).join(',');
    const { value, warnings } = withCollectedWarnings(() => parseCsv(`${header}\n${row}\n`));
    expect(value.columns).toEqual(['t0']);
    expect(warnings.length).toBe(11);
    expect(warnings[10]).toMatch(/^9989 more columns are not numeric .* \(9969 more\)\.$/);
    // An unknown column option lists 20 names, not 10,000.
    const error = (() => {
      try {
        parseCsv(`${header}\n${row}\n`, { label: 'nope' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(OptionError);
    expect(error.message.length).toBeLessThan(400);
  });

  it('CsvTokenizer refuses a field that never ends, naming the line where its quote opens', () => {
    const tokenizer = new CsvTokenizer(',', () => undefined, 'long.csv', 1000);
    tokenizer.push('a,b\n1,2\n3,"open\n');
    const error = (() => {
      try {
        for (let k = 0; k < 100; k++) tokenizer.push('x'.repeat(50));
      } catch (e) {
        return e as DataError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(DataError);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(
      /^long\.csv, line 3, column 2: the quoted field that starts on line 3 runs over more than 1000 characters/,
    );
    const unquoted = new CsvTokenizer('\t', () => undefined, 'wide.tsv', 1000);
    expect(() => unquoted.push(`a\tb\n${'y'.repeat(2000)}`)).toThrow(
      /^wide\.tsv, line 2, column 1: a field of more than 1000 characters without a delimiter/,
    );
  });

  it('loadCsv(path) and loadDataset(path) read .tsv and .csv files the same way', async () => {
    const tsv = file('tsv', 'a\tb\tname\n1\t2\tx\n3\t4\ty\n');
    const csv = file('csv', 'a,b,name\n1,2,x\n3,4,y\n');
    for (const path of [tsv, csv]) {
      const a = await loadDataset(path, { label: 'name' });
      const b = await loadCsv(path, {
        label: 'name',
        delimiter: path.endsWith('.tsv') ? '\t' : ',',
      });
      expect(Array.from(a.features.data)).toEqual([1, 2, 3, 4]);
      expect(Array.from(b.features.data)).toEqual([1, 2, 3, 4]);
      expect(a.labels).toEqual(['x', 'y']);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// JSON and NDJSON

/** A table as JSON objects: numbers as numbers, some missing keys, some strings. */
const jsonTableArb = fc
  .tuple(
    fc.uniqueArray(
      fc.oneof(
        fc.constantFrom('a', 'b', 'x y', '', '"', '__proto__', 'constructor', 'toString'),
        fc.string({ maxLength: 5 }),
      ),
      { minLength: 1, maxLength: 5 },
    ),
    fc.integer({ min: 0, max: 10 }),
  )
  .chain(([keys, n]) =>
    fc
      .array(
        fc.array(
          fc.oneof(
            { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
            { weight: 2, arbitrary: fc.integer() },
            { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, -0, 'NA', '2.5', 'x') },
            { weight: 1, arbitrary: fc.constantFrom([1], { a: 1 }, '0x10', ' 7 ') },
          ),
          { minLength: keys.length, maxLength: keys.length },
        ),
        { minLength: n, maxLength: n },
      )
      .map((rows) => ({ keys, rows })),
  );

function jsonText(
  t: { keys: string[]; rows: unknown[][] },
  format: 'json' | 'ndjson',
  eol: string,
  pretty: boolean,
): string {
  const objects = t.rows.map((row) => {
    const parts: string[] = [];
    row.forEach((v, j) => {
      if (v === undefined) return; // an absent key
      const literal = Object.is(v, -0) ? '-0' : JSON.stringify(v);
      parts.push(`${JSON.stringify(t.keys[j])}:${pretty ? ' ' : ''}${literal}`);
    });
    return `{${parts.join(pretty ? ', ' : ',')}}`;
  });
  if (format === 'ndjson') return objects.join(eol) + (pretty ? eol : '');
  return pretty ? `[${eol}  ${objects.join(`,${eol}  `)}${eol}]${eol}` : `[${objects.join(',')}]`;
}

describe('parseJSON / loadJSON on random and mutated input', () => {
  it('parseJSON(text) reads well-formed JSON and NDJSON exactly as the oracle does', () => {
    let datasets = 0;
    fc.assert(
      fc.property(
        jsonTableArb,
        fc.constantFrom('json', 'ndjson'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        (table, format, eol, pretty, drop) => {
          const text = jsonText(table, format as 'json' | 'ndjson', eol, pretty);
          const missing = drop ? 'drop' : 'error';
          const expected = expectedJson(text, format as 'json' | 'ndjson', missing);
          if (expected.ok) datasets++;
          const got = outcome(() =>
            parseJSON(text, { format: format as 'json' | 'ndjson', file: 'in.json', missing }),
          );
          check(got, expected, 'in.json', text);
        },
      ),
      params(11, 400),
    );
    expect(datasets).toBeGreaterThan(60);
  });

  it('parseJSON(text) on mutated text: the oracle dataset or a DataError naming the file', () => {
    fc.assert(
      fc.property(
        jsonTableArb,
        fc.constantFrom('json', 'ndjson'),
        fc.boolean(),
        mutationArb,
        (table, format, pretty, mutations) => {
          const f = format as 'json' | 'ndjson';
          const text = mutate(jsonText(table, f, '\n', pretty), mutations);
          const got = outcome(() =>
            parseJSON(text, { format: f, file: 'm.json', missing: 'drop' }),
          );
          check(got, expectedJson(text, f, 'drop'), 'm.json', text);
        },
      ),
      params(12, 600),
    );
  });

  it('loadJSON(path) with invalid UTF-8 names the file and the line of the first bad byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonTableArb,
        fc.constantFrom('json', 'ndjson'),
        fc.nat(),
        fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xbf, 0xbf], [0xf4, 0x90]),
        async (table, format, at, bad) => {
          const text = jsonText(table, format as 'json' | 'ndjson', '\r\n', true);
          const cut = at % (text.length + 1);
          const before = Buffer.from(text.slice(0, cut));
          const bytes = Buffer.concat([before, Buffer.from(bad), Buffer.from(text.slice(cut))]);
          const path = file(format, bytes);
          const error = await errorOf(() => loadDataset(path));
          expect(error).toBeInstanceOf(DataError);
          expect((error as DataError).line).toBe(
            1 + (text.slice(0, cut).match(/\r\n|\r|\n/g)?.length ?? 0),
          );
          expect(error.message).toContain(`offset ${before.length} `);
        },
      ),
      params(13, 40),
    );
  });
});

describe('parseJSON / loadJSON on the awkward cases', () => {
  it('parseJSON(text) keeps -0, and rejects 1e999 (Infinity after JSON.parse) naming the cell', () => {
    const d = parseJSON('[{"a": -0, "b": 1}, {"a": 0, "b": -0.0}]');
    expect(Object.is(d.features.data[0], -0)).toBe(true);
    expect(Object.is(d.features.data[3], -0)).toBe(true);
    for (const [text, format, literal] of [
      ['[{"a": 1},\n {"a": 1e999}]', 'json', '1e999'],
      ['{"a": 1}\n{"a": -1e400}', 'ndjson', '-1e400'],
      ['{"a": 1}\n{"b": 1, "a": 2E+309}\n{"a": 1e500}', 'ndjson', '2E+309'],
    ] as const) {
      expect(() => parseJSON(text, { format, file: 'o.json' })).toThrow(
        `o.json, line 2, column 'a': '${literal}' is too large for a double-precision number.`,
      );
    }
  });

  it("parseJSON(text) treats a key such as 'constructor' absent from a row as missing (regression)", () => {
    // Rows without the key used to read Object.prototype's property and crash.
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const text = `{"${key}": 1, "b": 2}\n{"b": 3}\n`;
      const d = parseJSON(text, { format: 'ndjson', missing: 'drop' });
      expect(d.columns, key).toEqual([key, 'b']);
      expect(Array.from(d.features.data), key).toEqual([1, 2]);
      expect(() => parseJSON(text, { format: 'ndjson', file: 'k.ndjson' }), key).toThrow(
        `k.ndjson, line 2, column '${key}': missing value`,
      );
    }
  });

  it('parseJSON(text) names the line of a syntax error, also when JSON.parse gives no position', () => {
    const cases: [string, number][] = [
      ['[\n{"a": 1},\n{"a": }\n]', 3], // "Unexpected token '}'" has no position
      ['[\n{"a": 1},\n{"a": 2},\n{"a": NaN}\n]', 4],
      ['[\n{"a": 1},\n{"a": 2}', 3], // ends too soon
      ['[\r{"a": 1},\r{"a" 2}]', 3], // CR line ends
    ];
    for (const [text, line] of cases) {
      const error = (() => {
        try {
          parseJSON(text, { file: 's.json' });
        } catch (e) {
          return e as DataError;
        }
        throw new Error('expected an error');
      })();
      expect(error, text).toBeInstanceOf(DataError);
      expect(error.line, `${text}: ${error.message}`).toBe(line);
    }
  });

  it('parseJSON(text) reads an NDJSON file with 10,000 keys', () => {
    const keys = Array.from({ length: 10_000 }, (_, j) => `k${j}`);
    const line = (i: number) => JSON.stringify(Object.fromEntries(keys.map((k, j) => [k, i + j])));
    const d = parseJSON(`${line(0)}\n${line(1)}\n`, { format: 'ndjson' });
    expect(d.features.cols).toBe(10_000);
    expect(d.features.data[10_000 + 9_999]).toBe(10_000);
  });

  it('parseJSON(text) errors on empty input, an empty array, blank lines, keyless objects', () => {
    for (const [text, format] of [
      ['', 'json'],
      ['  \n', 'json'],
      ['[]', 'json'],
      ['[{}, {}]', 'json'],
      ['\n\r\n', 'ndjson'],
      ['{"a": "x"}', 'ndjson'],
      ['[1, 2]', 'json'],
      ['{"a": 1}', 'json'],
      ['[{"a": 1}]', 'ndjson'],
    ] as const) {
      const error = (() => {
        try {
          parseJSON(text, { format, file: 'e.json' });
        } catch (e) {
          return e;
        }
        throw new Error(`expected an error for ${text}`);
      })();
      expect(error, text).toBeInstanceOf(DataError);
      expect((error as DataError).message.startsWith('e.json'), text).toBe(true);
    }
  });

  it('loadJSON(path) refuses a file larger than a JavaScript string before reading it', async () => {
    // A sparse file: no disk space, no read (the size check comes first).
    const path = file('json', '');
    truncateSync(path, MAX_JSON_BYTES + 1);
    const error = await errorOf(() => loadJSON(path));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/more than the JSON loader can read .* Convert it to CSV/);
    truncateSync(path, 0);
  });
});

describe('loadDataset on random and mutated files', () => {
  it('loadDataset(path) picks the loader by extension and gives the oracle dataset or a DataError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(tableArb, fc.constantFrom('csv', 'tsv')),
          fc.tuple(jsonTableArb, fc.constantFrom('json', 'ndjson')),
        ),
        fc.option(mutationArb),
        async ([table, ext], mutations) => {
          let text =
            ext === 'csv' || ext === 'tsv'
              ? csvText(table as { header: string[]; rows: string[][] }, {
                  delimiter: ext === 'tsv' ? '\t' : ',',
                  eols: ['\r\n', '\n'],
                  bom: true,
                  quoteAll: false,
                  blankAfter: [],
                  finalEol: true,
                })
              : jsonText(table as { keys: string[]; rows: unknown[][] }, ext as 'json', '\n', true);
          if (mutations !== null) text = mutate(text, mutations);
          // Lone surrogates cannot be written as UTF-8: the file would hold U+FFFD instead.
          text = text.replace(/[\ud800-\udfff]/g, '\ufffd');
          const path = file(ext, text);
          const expected =
            ext === 'csv' || ext === 'tsv'
              ? expectedCsv(text, { tsv: ext === 'tsv' }, 'drop')
              : expectedJson(text, ext as 'json', 'drop');
          check(
            await outcomeAsync(() => loadDataset(path, { missing: 'drop' })),
            expected,
            path,
            text,
          );
        },
      ),
      params(31, 120),
    );
  });
});

describe('Utf8Checker', () => {
  it('Utf8Checker agrees with a fatal TextDecoder on random bytes, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 255 }),
            fc.constantFrom(0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0x80, 0xbf),
          ),
          { maxLength: 24 },
        ),
        fc.nat(24),
        (list, cut) => {
          const bytes = Uint8Array.from(list);
          let decodes = true;
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          } catch {
            decodes = false;
          }
          const whole = findInvalidUtf8(bytes);
          expect(whole === undefined).toBe(decodes);
          const checker = new Utf8Checker();
          const c = Math.min(cut, bytes.length);
          if (checker.push(bytes.subarray(0, c))) checker.push(bytes.subarray(c));
          checker.end();
          expect(checker.problem?.offset).toBe(whole?.offset);
          expect(checker.problem?.line).toBe(whole?.line);
          if (whole !== undefined) {
            // Everything before the reported offset decodes.
            expect(() =>
              new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, whole.offset)),
            ).not.toThrow();
          }
        },
      ),
      params(21, 2000),
    );
  });
});
