import { describe, expect, it } from 'vitest';
import { toRows } from '../../src/data/dataset.js';
import { parseCsv } from '../../src/data/csv.js';
import { MISSING_TOKENS, imputeColumn, isMissingToken, median } from '../../src/data/missing.js';
import { OptionError } from '../../src/util/errors.js';

// a: 1, NA, 3, 10   b: 2, 4, n/a, 8   (rows 2 and 3 have a missing value)
const TEXT = 'a,b\n1,2\nNA,4\n3,n/a\n10,8\n';

describe('missing-value tokens', () => {
  it('isMissingToken(text) accepts exactly the documented case-sensitive tokens', () => {
    expect(MISSING_TOKENS).toEqual(['', 'NA', 'NaN', 'nan', 'null', 'NULL', 'n/a', 'N/A']);
    for (const t of [...MISSING_TOKENS, ' ', ' NA ', '\tnull'])
      expect(isMissingToken(t), t).toBe(true);
    for (const t of ['na', 'Null', 'N/a', 'none', 'None', '-', '?', '0', 'NAN']) {
      expect(isMissingToken(t), t).toBe(false);
    }
  });

  it('parseCsv(text) treats every missing token in a numeric column as missing', () => {
    const text = `a,b\n${MISSING_TOKENS.map((t, i) => `${i},${t}`).join('\n')}\n9,1\n`;
    const d = parseCsv(text, { missing: 'drop' });
    expect(d.source.rowsDropped).toBe(MISSING_TOKENS.length);
    expect(toRows(d.features)).toEqual([[9, 1]]);
  });
});

describe('parseCsv(text, {missing})', () => {
  it("missing: 'error' (default) names the first missing cell in file order", () => {
    expect(() => parseCsv(TEXT, { file: 'm.csv' })).toThrow(
      "m.csv, line 3, column 'a': missing value ('NA') in a feature column. Use missing 'drop', 'mean' or 'median' (--missing drop|mean|median)",
    );
  });

  it("missing: 'drop' drops the rows and counts them", () => {
    const d = parseCsv(TEXT, { missing: 'drop', label: undefined });
    expect(toRows(d.features)).toEqual([
      [1, 2],
      [10, 8],
    ]);
    expect(d.source).toMatchObject({ rowsRead: 4, rowsDropped: 2, valuesImputed: 0 });
  });

  it("missing: 'drop' drops the labels and ids of the dropped rows too", () => {
    const d = parseCsv('id,a,k\nr1,1,x\nr2,,y\nr3,3,z\n', {
      id: 'id',
      label: 'k',
      missing: 'drop',
    });
    expect(d.ids).toEqual(['r1', 'r3']);
    expect(d.labels).toEqual(['x', 'z']);
  });

  it("missing: 'mean' imputes the mean of the column's other values (pandas fillna(mean()))", () => {
    const d = parseCsv(TEXT, { missing: 'mean' });
    // a: mean(1, 3, 10) = 14/3; b: mean(2, 4, 8) = 14/3.
    expect(toRows(d.features)).toEqual([
      [1, 2],
      [14 / 3, 4],
      [3, 14 / 3],
      [10, 8],
    ]);
    expect(d.source).toMatchObject({ rowsDropped: 0, valuesImputed: 2 });
  });

  it("missing: 'median' imputes the median of the column's other values", () => {
    const d = parseCsv(TEXT, { missing: 'median' });
    expect(toRows(d.features)).toEqual([
      [1, 2],
      [3, 4],
      [3, 4],
      [10, 8],
    ]);
  });

  it("missing: 'drop' that would drop every row is an error", () => {
    expect(() => parseCsv('a,b\n1,\n,2\n', { missing: 'drop' })).toThrow(/every one of the 2 rows/);
  });

  it('missing values in text columns that are left out do not stop loading', () => {
    const d = parseCsv('a,t\n1,\n2,x\n', { exclude: ['t'] });
    expect(Array.from(d.features.data)).toEqual([1, 2]);
  });

  it('an unknown policy is an OptionError', () => {
    // @ts-expect-error: not a policy
    expect(() => parseCsv(TEXT, { missing: 'zero' })).toThrow(OptionError);
  });
});

describe('imputeColumn(values, n, policy)', () => {
  it('fills NaN with the mean or median of the other values and counts them', () => {
    const v = new Float64Array([1, Number.NaN, 2, 100, Number.NaN]);
    expect(imputeColumn(v, 5, 'median')).toBe(2);
    expect(Array.from(v)).toEqual([1, 2, 2, 100, 2]);
    expect(median(new Float64Array([4, 1, 3, 2]))).toBe(2.5);
  });
});
