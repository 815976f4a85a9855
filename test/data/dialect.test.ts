import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCsv, parseCsv, parseCsvChunks } from '../../src/data/csv.js';
import type { Dataset } from '../../src/data/dataset.js';
import { SNIFF_CHARS, SNIFF_RECORDS, commaDecimalValue } from '../../src/data/dialect.js';
import { loadDataset } from '../../src/data/load.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-dialect-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

/** parseCsv with the warnings collected. */
function parse(text: string, options = {}): { d: Dataset; warnings: string[] } {
  const { value, warnings } = withCollectedWarnings(() => parseCsv(text, options));
  return { d: value, warnings };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('the delimiter, told from the first lines', () => {
  it("a comma file is read with ',' even when its numbers look like decimal commas ('1,5' is two fields)", () => {
    const { d } = parse('a,b\n1,5\n2,5\n3,5\n');
    expect(d.columns).toEqual(['a', 'b']);
    expect(Array.from(d.features.data)).toEqual([1, 5, 2, 5, 3, 5]);
    expect([d.source.delimiter, d.source.decimal]).toEqual([',', '.']);
    expect(d.source.notes![0]).toBe(
      "delimiter ',' (detected: 2 fields on every one of the first 4 lines), decimal mark '.'",
    );
  });

  it("reads ';', tab and '|' files, and says so", () => {
    for (const [delimiter, shown] of [
      [';', "';'"],
      ['\t', 'tab'],
      ['|', "'|'"],
    ]) {
      const text = ['x,y', 'a', 'b'].join(delimiter!) + '\n' + ['1', '2', '3'].join(delimiter!);
      const { d } = parse(`${text}\n`);
      expect(d.columns, shown).toEqual(['x,y', 'a', 'b']);
      expect(d.source.delimiter).toBe(delimiter);
      expect(d.source.format).toBe(delimiter === '\t' ? 'tsv' : 'csv');
      expect(d.source.notes![0]).toMatch(
        new RegExp(`^delimiter ${shown.replace('|', '\\|')} \\(detected: 3 fields on every one`),
      );
    }
  });

  it('an ambiguous file keeps the default, and the log says which other delimiter fits too', () => {
    const { d } = parse('a;b,c\n1;2,3\n4;5,6\n');
    expect(d.source.delimiter).toBe(',');
    expect(d.source.notes![0]).toBe(
      "delimiter ',' (detected: 2 fields on every one of the first 3 lines; ';' gives 2 fields " +
        "on every line too, so the file is ambiguous: give the delimiter if ',' is not right), " +
        "decimal mark '.'",
    );
  });

  it('among other delimiters, the one giving the most fields on every line wins', () => {
    // ';' gives 3 fields everywhere, '|' gives 2.
    const { d } = parse('a;b|c;d\n1;2|3;4\n');
    expect(d.source.delimiter).toBe(';');
    expect(d.columns).toEqual(['a', 'd']);
  });

  it("a file no delimiter splits evenly is read with ',' and the ragged row names the delimiter", () => {
    const error = thrown(() => parseCsv('a,b\n1;2;3\n', { file: 'r.csv' }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      "r.csv, line 2, column 'b': this row has 1 field, but the header has 2. Add the missing " +
        "fields (an empty field is a missing value). The fields are split at ','; if the file " +
        'uses another delimiter, give it (the delimiter option, --delimiter).',
    );
  });

  it("a one-column file is ',' by default, noted so", () => {
    const { d } = parse('x\n1\n2\n');
    expect(Array.from(d.features.data)).toEqual([1, 2]);
    expect(d.source.notes![0]).toMatch(
      /^delimiter ',' \(the default: no delimiter gives the same number of fields, at least 2, on every one of the first lines; ',' gives 1 field, ';' gives 1 field, tab gives 1 field, '\|' gives 1 field\)/,
    );
  });

  it("R's write.csv2 quoting: ',' would misread the quotes, so ';' is chosen", () => {
    const { d } = parse('"";"x";"name"\n"1";1,5;"a"\n"2";2,5;"b"\n', { label: 'name' });
    expect([d.columns, d.labels, d.ids]).toEqual([['x'], ['a', 'b'], ['1', '2']]);
    expect(Array.from(d.features.data)).toEqual([1.5, 2.5]);
  });

  it('a .tsv file is tab-delimited without sniffing; its decimal mark is still told', async () => {
    const d = await loadCsv(file('eu.tsv', 'a\tb\n1,5\t2\n2,25\t3\n'));
    expect(Array.from(d.features.data)).toEqual([1.5, 2, 2.25, 3]);
    expect(d.source.notes![0]).toBe(
      "delimiter tab (from the file extension), decimal mark ',' (detected: '1,5' and 1 more " +
        'numbers with a decimal comma in the first lines, none with a decimal point)',
    );
  });
});

describe('the decimal mark', () => {
  it("a decimal comma is assumed only with ';' or tab, never with '|' (its cells stay text)", () => {
    const { d, warnings } = parse('a|b\n1,5|2\n2,5|3\n');
    expect(d.columns).toEqual(['b']);
    expect(d.source.decimal).toBe('.');
    expect(warnings).toEqual([
      "column 'a' is not numeric (line 2: '1,5'); it is left out of the features. If ',' is " +
        "its decimal mark, give decimal ',' (--decimal ,). Name it in exclude (--exclude) or as " +
        'the label (--label) to silence this.',
    ]);
    const given = parse('a|b\n1,5|2\n2,5|3\n', { decimal: ',' }).d;
    expect(Array.from(given.features.data)).toEqual([1.5, 2, 2.5, 3]);
  });

  it('numbers with both marks: the point is kept, and the log says why', () => {
    const { d } = parse('a;b\n1,5;2.5\n2,5;3.5\n');
    expect(d.source.decimal).toBe('.');
    expect(d.columns).toEqual(['b']);
    expect(d.source.notes![0]).toContain(
      "decimal mark '.' (the first lines hold numbers with both marks, '2.5' and '1,5'; give " +
        "the decimal mark ',' if the comma is meant)",
    );
  });

  it("'1.234' counts for neither mark; with a decimal comma it is 1234", () => {
    const { d } = parse('a;b\n1.234;2,5\n12.345.678;-0,5\n');
    expect(d.source.decimal).toBe(',');
    expect(Array.from(d.features.data)).toEqual([1234, 2.5, 12345678, -0.5]);
    // Without any decimal comma, '1.234' is a decimal point number.
    expect(Array.from(parse('a;b\n1.234;2\n').d.features.data)).toEqual([1.234, 2]);
  });

  it('integers only: the mark stays the point, and a comma after the sample names the fix', () => {
    const lines = ['a;b'];
    for (let i = 0; i < SNIFF_RECORDS + 10; i++) lines.push(`${i};${i % 7}`);
    lines.push('5;1,5');
    const { d, warnings } = parse(`${lines.join('\n')}\n`, { file: 'late.csv' });
    expect(d.source.decimal).toBe('.');
    expect(d.columns).toEqual(['a']);
    expect(warnings[0]).toContain(
      `late.csv, column 'b' is not numeric (line ${SNIFF_RECORDS + 12}: '1,5'); it is left out ` +
        "of the features. If ',' is its decimal mark, give decimal ',' (--decimal ,).",
    );
  });

  it('commaDecimalValue reads grouped and plain decimal-comma numbers, exactly', () => {
    const cases: [string, number | undefined][] = [
      ['3,14', 3.14],
      ['-0,5', -0.5],
      [',5', 0.5],
      ['1,', 1],
      ['12', 12],
      ['1,5e-3', 0.0015],
      ['2,5E+10', 2.5e10],
      ['1.234,5', 1234.5],
      ['1.234.567', 1234567],
      ['1 234,5', 1234.5],
      ['1\u00a0234\u00a0567,25', 1234567.25],
      ['1\u202f234', 1234],
      ['0,1', 0.1],
      ['0,30000000000000004', 0.30000000000000004],
      ['1.5', undefined],
      ['1.23,5', undefined],
      ['1.234 567,5', undefined],
      ['1,2,3', undefined],
      [',', undefined],
      ['', undefined],
      ['1e', undefined],
      ['0x10', undefined],
    ];
    for (const [text, value] of cases) expect(commaDecimalValue(text), text).toBe(value);
    expect(Object.is(commaDecimalValue('-0,0'), -0)).toBe(true);
  });
});

describe('sniffing reads only the first lines, and the same way however the text arrives', () => {
  // A ';' file with decimal commas, more than one sample long.
  const rows = ['x;y;z'];
  for (let i = 0; rows.join('\n').length < 3 * SNIFF_CHARS; i++) {
    rows.push(`${i};${(i * 0.37).toFixed(3).replace('.', ',')};${(i % 13) - 6},5`);
  }
  const text = `${rows.join('\n')}\n`;

  it('parseCsvChunks gives the result of parseCsv for any split, across the sample boundary', () => {
    const whole = parseCsv(text);
    expect([whole.source.delimiter, whole.source.decimal]).toEqual([';', ',']);
    for (const size of [1, 7, 4096, SNIFF_CHARS - 1, SNIFF_CHARS, SNIFF_CHARS + 1, 100_000]) {
      const chunks: string[] = [];
      for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
      const split = parseCsvChunks(chunks).dataset;
      expect(split.source.notes, String(size)).toEqual(whole.source.notes);
      expect(
        Buffer.from(split.features.data.buffer).equals(Buffer.from(whole.features.data.buffer)),
      ).toBe(true);
    }
  });

  it('loadCsv streams the same dataset for any read size', async () => {
    const path = file('big.csv', text);
    const { loadCsvTable } = await import('../../src/data/csv.js');
    const whole = parseCsv(text, { file: path });
    for (const chunkSize of [1000, SNIFF_CHARS - 3, SNIFF_CHARS + 5]) {
      const loaded = (await loadCsvTable(path, {}, false, chunkSize)).dataset;
      expect(loaded.source.notes).toEqual(whole.source.notes);
      expect(Array.from(loaded.features.data.subarray(0, 9))).toEqual(
        Array.from(whole.features.data.subarray(0, 9)),
      );
      expect(loaded.features.rows).toBe(whole.features.rows);
    }
  });

  it('what comes after the sample does not change the dialect', () => {
    // The first SNIFF_RECORDS records say ',' and '.'; later lines say nothing else.
    const lines = ['a,b'];
    for (let i = 0; i < SNIFF_RECORDS; i++) lines.push(`${i}.5,${i}`);
    const head = parseCsv(`${lines.join('\n')}\n`).source.notes;
    lines.push('"1",2');
    expect(parseCsv(`${lines.join('\n')}\n`).source.notes).toEqual(head);
  });
});

describe('dialect options', () => {
  it('are checked: one character or auto; . , or auto', () => {
    expect(() => parseCsv('a\n1\n', { delimiter: ';;' })).toThrow(OptionError);
    expect(() => parseCsv('a\n1\n', { delimiter: '"' })).toThrow(
      `The 'delimiter' option of the CSV loader must be 'auto' or one character other than '"' and line breaks. Got "\\"" instead.`,
    );
    expect(() => parseCsv('a\n1\n', { decimal: ';' as ',' })).toThrow(
      `The 'decimal' option of the CSV loader must be '.', ',' or 'auto'. Got ";" instead.`,
    );
    expect(parseCsv('a;b\n1;2\n', { delimiter: 'auto', decimal: 'auto' }).columns).toEqual([
      'a',
      'b',
    ]);
  });

  it('loadDataset refuses them for JSON, naming the option and the flag', async () => {
    const path = file('d.json', '[{"a": 1}]');
    await expect(loadDataset(path, { delimiter: ';' })).rejects.toThrow(
      `The 'delimiter' option (--delimiter) is for CSV and TSV files; ${path} is read as JSON, whose numbers need neither.`,
    );
    await expect(loadDataset(path, { decimal: ',' })).rejects.toThrow(OptionError);
    expect((await loadDataset(path, { decimal: 'auto' })).columns).toEqual(['a']);
  });

  it("loadDataset passes them on; format 'csv' on a .tsv file reads it with ','", async () => {
    const path = file('eu.csv', 'a;b\n1,5;2\n');
    expect(Array.from((await loadDataset(path, { decimal: '.' })).columns)).toEqual(['b']);
    const tsv = file('x.tsv', 'a,b\n1,2\n');
    expect((await loadDataset(tsv, { format: 'csv' })).columns).toEqual(['a', 'b']);
    expect((await loadDataset(tsv, { format: 'tsv', delimiter: ',' })).columns).toEqual(['a', 'b']);
  });
});
