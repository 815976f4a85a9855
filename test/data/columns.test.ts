import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TableBuilder, isDecimal, parseCell, plainDecimal } from '../../src/data/columns.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

function table(rows: string[][], options = {}, file = 'f.csv') {
  const b = new TableBuilder(options, { file, format: 'csv' });
  b.setHeader(rows[0]!);
  rows.slice(1).forEach((r, k) => {
    b.addRecord(r, r.length, k + 2);
  });
  return b.finish('0'.repeat(64));
}

describe('parseCell(text)', () => {
  it('parseCell(text) reads decimal numbers, NaN for missing, undefined for text', () => {
    expect(parseCell('1.5')).toBe(1.5);
    expect(parseCell(' -2e3 ')).toBe(-2000);
    expect(parseCell('NA')).toBeNaN();
    expect(parseCell('')).toBeNaN();
    for (const t of ['0x10', '1,234', 'Infinity', '1_000', 'e5', '.', '+'])
      expect(parseCell(t), t).toBeUndefined();
    expect(parseCell('1e999')).toBe(Number.POSITIVE_INFINITY);
    expect(isDecimal('5.')).toBe(true);
  });
});

describe('plainDecimal(text)', () => {
  it('plainDecimal(text) equals Number(text) bit for bit, or declines with NaN (property)', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 20 });
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), digits, fc.boolean(), digits)
      .map(([sign, a, dot, b]) => `${sign}${a}${dot ? '.' : ''}${dot ? b : ''}`);
    fc.assert(
      fc.property(decimal, (text) => {
        const fast = plainDecimal(text);
        const total = text.replace(/[^0-9]/g, '').length;
        if (total >= 1 && total <= 15) expect(Object.is(fast, Number(text)), text).toBe(true);
        else expect(fast).toBeNaN();
      }),
      { seed: 7, numRuns: 5000 },
    );
    expect(Object.is(plainDecimal('-0.0'), -0)).toBe(true);
    for (const text of ['', '.', '-', '1e5', '0x1', ' 1', '1 ', '1.2.3', '1234567890123456']) {
      expect(plainDecimal(text), text).toBeNaN();
    }
  });
});

describe('TableBuilder', () => {
  it('infers roles: numeric columns are features, text is left out with one warning naming it', () => {
    const { value, warnings } = withCollectedWarnings(() =>
      table(
        [
          ['n', 't', 'e', 'k'],
          ['1', 'a', '', 'x'],
          ['2', 'b', 'NA', 'y'],
        ],
        { label: 'k' },
      ),
    );
    expect(value.dataset.columns).toEqual(['n']);
    expect(value.columns.map((c) => [c.name, c.role, c.type, c.missing])).toEqual([
      ['n', 'feature', 'number', 0],
      ['t', 'left out', 'text', 0],
      ['e', 'left out', 'empty', 2],
      ['k', 'label', 'text', 0],
    ]);
    expect(warnings).toEqual([
      "f.csv, column 't' is not numeric (line 2: 'a'); it is left out of the features. Name it in exclude (--exclude) or as the label (--label) to silence this.",
      "f.csv, column 'e' has no values; it is left out of the features.",
    ]);
    expect(value.dataset.source.leftOut.map((l) => l.column)).toEqual(['t', 'e']);
  });

  it('a column that turns to text late reports its first text line', () => {
    const { warnings } = withCollectedWarnings(() =>
      table([
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
        ['5', 'five'],
      ]),
    );
    expect(warnings[0]).toContain("column 'b' is not numeric (line 4: 'five')");
  });

  it('a ragged row with too many fields names the line, both counts and the extra column', () => {
    const b = new TableBuilder({}, { file: 'r.csv', format: 'csv' });
    b.setHeader(['a', 'b']);
    const e = (() => {
      try {
        b.addRecord(['1', '2', '3'], 3, 7);
      } catch (error) {
        return error as DataError;
      }
    })()!;
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      'r.csv, line 7, column 3: this row has 3 fields, but the header has 2. Quote fields that contain the delimiter, or remove the extra fields.',
    );
  });

  it('option conflicts are OptionErrors', () => {
    expect(() =>
      table(
        [
          ['a', 'b'],
          ['1', '2'],
        ],
        { features: ['a'], exclude: ['a'] },
      ),
    ).toThrow(OptionError);
    expect(() =>
      table(
        [
          ['a', 'b'],
          ['1', '2'],
        ],
        { features: [] },
      ),
    ).toThrow(OptionError);
    expect(() =>
      table(
        [
          ['a', 'b'],
          ['1', '2'],
        ],
        { features: ['a', 'a'] },
      ),
    ).toThrow(/twice/);
    expect(() =>
      table(
        [
          ['a', 'b'],
          ['1', '2'],
        ],
        { label: 'a', exclude: ['a'] },
      ),
    ).toThrow(OptionError);
  });

  it('columns not named in features are not read and are marked not selected', () => {
    const { columns, dataset } = table(
      [
        ['a', 'b'],
        ['1', 'x'],
      ],
      { features: ['a'] },
    );
    expect(columns[1]).toMatchObject({ role: 'not selected', type: 'unread' });
    expect(dataset.source.leftOut).toEqual([{ column: 'b', reason: 'not in features' }]);
  });
});
