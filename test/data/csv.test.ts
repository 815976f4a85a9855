import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvParseSync } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvTokenizer, loadCsv, parseCsv } from '../../src/data/csv.js';
import { toRows } from '../../src/data/dataset.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-csv-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

/** The error thrown by `fn` (fails the test if none). */
function thrown(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    return error as DataError;
  }
  throw new Error('expected an error');
}
async function rejected(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    return error as DataError;
  }
  throw new Error('expected an error');
}

/** Every record of a text, as the tokenizer sees it: [fields, start line, field lines]. */
function tokenize(chunks: string[], delimiter = ','): [string[], number, number[] | undefined][] {
  const out: [string[], number, number[] | undefined][] = [];
  const t = new CsvTokenizer(delimiter, (fields, count, line, fieldLines) =>
    out.push([fields.slice(0, count), line, fieldLines?.slice(0, count)]),
  );
  for (const chunk of chunks) t.push(chunk);
  t.end();
  return out;
}

describe('CsvTokenizer', () => {
  it('tokenizes RFC 4180 quoting: commas, doubled quotes, line breaks in quoted fields', () => {
    const text = 'a,b,c\n"x, y","say ""hi""","two\nlines"\n1,,3\n';
    expect(tokenize([text]).map((r) => r[0])).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '', '3'],
    ]);
  });

  it('counts physical lines: CRLF, CR, LF, line breaks inside quotes, blank lines skipped', () => {
    const text = '\ufeffa,b\r\n1,"x\r\ny"\r\n\r\n3,4\r5,"p\rq\nr",6\n\n';
    const records = tokenize([text]);
    expect(records.map((r) => [r[0], r[1]])).toEqual([
      [['a', 'b'], 1],
      [['1', 'x\r\ny'], 2],
      [['3', '4'], 5],
      [['5', 'p\rq\nr', '6'], 6],
    ]);
    // The field after a two-line quoted field starts on line 8.
    expect(records[3]![2]).toEqual([6, 6, 8]);
  });

  it('gives the same records whatever the chunking (property, including splits inside CRLF)', () => {
    const cell = fc.oneof(
      fc.constantFrom('', '1', '-2.5', 'NA', 'x y', 'a,b', 'q"q', 'l1\nl2', 'c\r\nd', ' '),
      fc.string({ maxLength: 5 }),
    );
    const table = fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(table, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (rows, cuts, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const quote = (s: string) =>
          /[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
        const text = rows.map((r) => r.map(quote).join(',')).join(eol) + eol;
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(text.slice(last, p));
          last = p;
        }
        chunks.push(text.slice(last));
        const whole = tokenize([text]);
        expect(tokenize(chunks)).toEqual(whole);
        // Same fields as csv-parse, an independent RFC 4180 parser.
        expect(whole.map((r) => r[0])).toEqual(csvParseSync(text, { relax_column_count: true }));
        // Start lines: one more than the line breaks before the record.
        let line = 1;
        rows.forEach((r, k) => {
          expect(whole[k]![1]).toBe(line);
          line += 1 + r.join(',').split(/\r\n|\r|\n/).length - 1;
        });
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });
});

describe('parseCsv(text, options)', () => {
  it('parseCsv(text) reads numeric columns as features and names the label', () => {
    const d = parseCsv('a,b,species\n1,2,x\n3,4.5,y\n', { label: 'species' });
    expect(d.columns).toEqual(['a', 'b']);
    expect(toRows(d.features)).toEqual([
      [1, 2],
      [3, 4.5],
    ]);
    expect(d.labels).toEqual(['x', 'y']);
    expect(d.labelColumn).toBe('species');
    expect(d.source).toMatchObject({
      path: '<memory>',
      rowsRead: 2,
      rowsDropped: 0,
      format: 'csv',
    });
    expect(d.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("parseCsv(text, {delimiter: '\\t'}) reads TSV", () => {
    const d = parseCsv('a\tb\n1\t2\n', { delimiter: '\t' });
    expect(toRows(d.features)).toEqual([[1, 2]]);
    expect(d.source.format).toBe('tsv');
  });

  it('parseCsv(text) parses numbers strictly: hex, thousands separators and Infinity are text', () => {
    for (const bad of [
      '0x10',
      '1,234',
      'Infinity',
      '-Infinity',
      'inf',
      '1e',
      '--1',
      '0b11',
      'TRUE',
    ]) {
      const quoted = bad.includes(',') ? `"${bad}"` : bad;
      const { value: d, warnings } = withCollectedWarnings(() =>
        parseCsv(`a,b\n1,${quoted}\n2,3\n`, { file: 't.csv' }),
      );
      expect(d.columns, bad).toEqual(['a']);
      expect(warnings, bad).toHaveLength(1);
      expect(warnings[0]).toContain("column 'b'");
      expect(warnings[0]).toContain('line 2');
    }
    const d = parseCsv('a\n+1\n.5\n5.\n-1e-3\n 7 \n00012\n');
    expect(Array.from(d.features.data)).toEqual([1, 0.5, 5, -0.001, 7, 12]);
  });

  it('parseCsv(text) rejects a number that overflows to Infinity, naming the cell', () => {
    const e = thrown(() => parseCsv('a,b\n1,2\n3,1e999\n', { file: 'big.csv' }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      "big.csv, line 3, column 'b': '1e999' is too large for a double-precision number. Rescale the column (or fix the cell).",
    );
  });

  it('parseCsv(text) tolerates a trailing blank line, a missing final newline and blank lines', () => {
    expect(parseCsv('a\n1\n2').features.rows).toBe(2);
    expect(parseCsv('a\n1\n\n2\n\n\n').features.rows).toBe(2);
  });

  it('parseCsv(text) errors on empty text, header only and blank lines only', () => {
    expect(thrown(() => parseCsv('', { file: 'e.csv' })).message).toMatch(
      /^e\.csv: the file is empty/,
    );
    expect(thrown(() => parseCsv('\n\n\r\n')).message).toMatch(/the file is empty/);
    expect(thrown(() => parseCsv('a,b\n', { file: 'h.csv' })).message).toBe(
      'h.csv: the file has a header but no data rows. Expected one line per row after the header.',
    );
  });

  it('parseCsv(text) names unknown columns and lists the available ones', () => {
    const e = thrown(() => parseCsv('a,b\n1,2\n', { file: 'f.csv', label: 'c' }));
    expect(e).toBeInstanceOf(OptionError);
    expect(e.message).toBe(
      "The 'label' option names column 'c', which is not in f.csv. Available columns: 'a', 'b'.",
    );
    expect(thrown(() => parseCsv('a,b\n1,2\n', { features: ['a', 'z'] })).message).toMatch(
      /'features' option names column 'z'.*'a', 'b'/,
    );
    expect(thrown(() => parseCsv('a,b\n1,2\n', { exclude: ['q'] })).message).toMatch(/'exclude'/);
  });

  it('parseCsv(text, {features}) keeps the given order and errors on a text column with its line', () => {
    const d = parseCsv('a,b,c\n1,2,3\n', { features: ['c', 'a'] });
    expect(d.columns).toEqual(['c', 'a']);
    expect(Array.from(d.features.data)).toEqual([3, 1]);
    const e = thrown(() => parseCsv('a,b\n1,2\n3,x\n', { file: 'f.csv', features: ['a', 'b'] }));
    expect(e.message).toBe(
      "f.csv, line 3, column 'b': column 'b' is named in features but holds text ('x'), not a number. Fix the cell, or leave the column out of features.",
    );
    expect([e.line, e.column, e.file]).toEqual([3, 'b', 'f.csv']);
  });

  it('parseCsv(text, {label, id}) never makes the label or id a feature, even when numeric', () => {
    const d = parseCsv('id,x,cls\n10,1,0\n11,2,1\n', { id: 'id', label: 'cls' });
    expect(d.columns).toEqual(['x']);
    expect(d.ids).toEqual(['10', '11']);
    expect(d.labels).toEqual(['0', '1']);
    expect(() => parseCsv('a,b\n1,2\n', { label: 'a', features: ['a'] })).toThrow(OptionError);
    expect(() => parseCsv('a,b\n1,2\n', { label: 'a', id: 'a' })).toThrow(OptionError);
  });

  it('parseCsv(text, {exclude}) does not read excluded columns and records why', () => {
    const { value: d, warnings } = withCollectedWarnings(() =>
      parseCsv('a,b,t\n1,2,x\n', { exclude: ['t', 'b'] }),
    );
    expect(d.columns).toEqual(['a']);
    expect(warnings).toEqual([]);
    expect(d.source.leftOut).toEqual([
      { column: 'b', reason: 'excluded' },
      { column: 't', reason: 'excluded' },
    ]);
  });

  it('parseCsv(text) errors when no column is numeric', () => {
    const { value: e } = withCollectedWarnings(() => thrown(() => parseCsv('a,b\nx,y\n')));
    expect(e.message).toMatch(/no numeric feature columns. Columns: 'a' \(text\), 'b' \(text\)/);
  });

  it('parseCsv(text) reports a stray quote and an unclosed quote with line and column', () => {
    expect(thrown(() => parseCsv('a,b\n1,2\n3,4"5\n', { file: 'q.csv' })).message).toMatch(
      /^q\.csv, line 3, column 2: a quote \("\) inside an unquoted field/,
    );
    expect(thrown(() => parseCsv('a,b\n1,"2\n3,4\n', { file: 'q.csv' })).message).toMatch(
      /^q\.csv, line 2, column 2: a quoted field that starts on line 2 is never closed/,
    );
    expect(thrown(() => parseCsv('a,b\n1,"2"x\n')).message).toMatch(
      /^line 2, column 2: text after the closing quote/,
    );
  });

  it('parseCsv(text) names an empty header cell by its position', () => {
    const d = parseCsv('a,,b\n1,2,3\n4,5,6\n');
    expect(d.columns).toEqual(['a', 'unnamed_2', 'b']);
    // The first column, empty-named, is row names: the id, under the name its position gives.
    const r = parseCsv(',a\n1,2\n');
    expect([r.columns, r.idColumn, r.ids]).toEqual([['a'], 'unnamed_1', ['1']]);
  });
});

// A deliberately broken file: BOM, CRLF, quoted commas, a quoted line break, an empty cell,
// 'n/a', a duplicated header and a ragged row. Each problem is fixed in turn to reach the next.
const BROKEN = [
  '\ufeffid,name,x,y,name', // line 1: 'name' twice (columns 2 and 5)
  '1,"Smith, J.",1.5,2.0,a', // line 2: quoted comma; 'name' is text
  '2,"two', // line 3: a quoted field with a line break...
  'lines",,3.0,b', // line 4: ...so the empty x cell is on line 4
  '3,plain,2.5,n/a,c', // line 5: 'n/a' in y
  '4,"say ""hi""",3.5,4.0', // line 6: 4 fields, the header has 5
  '5,last,4.5,5.0,e', // line 7
  '',
].join('\r\n');

describe('loadCsv(path) on a broken file', () => {
  it('names the duplicated header columns', async () => {
    const path = file('broken.csv', BROKEN);
    const e = await rejected(loadCsv(path, { id: 'id' }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      `${path}, line 1, column 5: the header names column 'name' twice, at columns 2 and 5. Rename one of them.`,
    );
    expect([e.file, e.line, e.column]).toEqual([path, 1, 5]);
  });

  const fixed1 = BROKEN.replace('y,name', 'y,code');
  it('names the ragged row with both field counts and the first missing column', async () => {
    const path = file('broken1.csv', fixed1);
    const e = await rejected(loadCsv(path, { id: 'id' }));
    expect(e.message).toBe(
      `${path}, line 6, column 'code': this row has 4 fields, but the header has 5. Add the missing fields (an empty field is a missing value).`,
    );
    expect([e.line, e.column]).toEqual([6, 'code']);
  });

  const fixed2 = fixed1.replace('3.5,4.0', '3.5,4.0,d');
  it('names the empty cell, counting the line break inside the quoted field', async () => {
    const path = file('broken2.csv', fixed2);
    const { value: e, warnings } = await collect(() => rejected(loadCsv(path, { id: 'id' })));
    expect(e.message).toBe(
      `${path}, line 4, column 'x': missing value (empty cell) in a feature column. Use missing 'drop', 'mean' or 'median' (--missing drop|mean|median) to drop the rows or impute the values, or leave the column out with exclude (--exclude).`,
    );
    expect(warnings.some((w) => w.includes("column 'name'") && w.includes('line 2'))).toBe(true);
  });

  it("names the 'n/a' cell", async () => {
    const path = file('broken3.csv', fixed2.replace('",,3.0', '",2.0,3.0'));
    const { value: e } = await collect(() => rejected(loadCsv(path, { id: 'id' })));
    expect(e.message).toMatch(
      new RegExp(`^${path.replace(/[.]/g, '\\.')}, line 5, column 'y': missing value \\('n/a'\\)`),
    );
  });

  it('loads with --missing drop, reporting the text columns it left out by line and column', async () => {
    const path = file('broken4.csv', fixed2);
    const { value: d, warnings } = await collect(() =>
      loadCsv(path, { id: 'id', missing: 'drop' }),
    );
    expect(d.columns).toEqual(['x', 'y']);
    expect(d.ids).toEqual(['1', '4', '5']);
    expect(toRows(d.features)).toEqual([
      [1.5, 2],
      [3.5, 4],
      [4.5, 5],
    ]);
    expect(d.source).toMatchObject({ rowsRead: 5, rowsDropped: 2, valuesImputed: 0 });
    expect(warnings).toEqual([
      `${path}, column 'name' is not numeric (line 2: 'Smith, J.'); it is left out of the features. Name it in exclude (--exclude) or as the label (--label) to silence this.`,
      `${path}, column 'code' is not numeric (line 2: 'a'); it is left out of the features. Name it in exclude (--exclude) or as the label (--label) to silence this.`,
    ]);
  });
});

async function collect<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const { setLogger, collectingLogger } = await import('../../src/util/log.js');
  const logger = collectingLogger();
  const previous = setLogger(logger);
  try {
    return { value: await fn(), warnings: logger.messages };
  } finally {
    setLogger(previous);
  }
}

describe('loadCsv(path)', () => {
  it('loadCsv(path) equals parseCsv(text) across 1 MiB chunk boundaries, with the same sha256', async () => {
    // ~3 MB: quoted fields with line breaks land on chunk boundaries somewhere.
    const lines = ['a,b,note'];
    for (let i = 0; i < 60000; i++) lines.push(`${i},${i * 0.25 - 7},"x\r\n${'y'.repeat(i % 37)}"`);
    const text = `${lines.join('\r\n')}\r\n`;
    const path = file('big.csv', text);
    const { value: fromFile } = await collect(() => loadCsv(path, { label: 'note' }));
    const fromText = parseCsv(text, { label: 'note' });
    expect(fromFile.features.data).toEqual(fromText.features.data);
    expect(fromFile.labels).toEqual(fromText.labels);
    expect(fromFile.source.sha256).toBe(fromText.source.sha256);
    expect(fromFile.source.rowsRead).toBe(60000);
    expect(fromFile.features.data.length).toBe(120000);
    for (const i of [0, 1, 4095, 59999]) {
      expect([fromFile.features.data[2 * i], fromFile.features.data[2 * i + 1]]).toEqual([
        i,
        i * 0.25 - 7,
      ]);
    }
    // Line of the last record: 1 + 2 lines per record.
    const e = await rejected(loadCsv(file('big2.csv', `${text}1,2\r\n`), { label: 'note' }));
    expect(e.line).toBe(1 + 2 * 60000 + 1);
  });

  it('loadCsv(path) reads .tsv files with a tab delimiter', async () => {
    const d = await loadCsv(file('t.tsv', 'a\tb\n1\t2\n'));
    expect(d.source.format).toBe('tsv');
    expect(d.columns).toEqual(['a', 'b']);
  });

  it('loadCsv(path) errors clearly for a missing file, a folder and non-UTF-8 bytes', async () => {
    const missing = join(folder, 'nope.csv');
    expect((await rejected(loadCsv(missing))).message).toBe(
      `${missing}: no such file. Check the path (it is relative to the current folder).`,
    );
    expect((await rejected(loadCsv(folder))).message).toMatch(/is a folder|this is a folder/);
    const latin1 = join(folder, 'latin1.csv');
    writeFileSync(latin1, Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    expect((await rejected(loadCsv(latin1))).message).toMatch(/not UTF-8 text/);
  });
});
