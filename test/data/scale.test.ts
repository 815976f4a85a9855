import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { featureMatrix, toRows } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { type ScaleMethod, scale } from '../../src/data/scale.js';
import { OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

// scikit-learn 1.2.1 StandardScaler / MinMaxScaler / RobustScaler on the bundled datasets:
// test/fixtures/scale/make_scale.py.
interface Fitted {
  center: number[];
  scale: number[];
  scaled: number[][];
}
interface Case {
  columns: string[];
  X: number[][];
  standard: Fitted;
  minmax: Fitted;
  robust: Fitted;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/scale/scale.json', import.meta.url), 'utf8'),
) as { cases: Record<string, Case> };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('scale(X, method) against scikit-learn', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    for (const method of ['standard', 'minmax', 'robust'] as const) {
      it(`scale(${name}, '${method}') equals scikit-learn to 1e-12`, () => {
        const X = Object.freeze(c.X.map((row) => Object.freeze(row.slice())));
        const { value: result, warnings } = withCollectedWarnings(() => scale(X, method));
        const want = c[method];
        expect(maxAbsDiff(result.scaled.data, want.scaled.flat())).toBeLessThanOrEqual(1e-12);
        expect(maxAbsDiff(result.center, want.center)).toBeLessThanOrEqual(1e-12);
        // scikit-learn stores a zero range/IQR/std as is (MinMaxScaler) or as 1; we always use 1.
        const wantScale = want.scale.map((s) => (s === 0 ? 1 : s));
        expect(maxAbsDiff(result.scale, wantScale)).toBeLessThanOrEqual(1e-12);
        expect(X).toEqual(c.X);
        expect(warnings.length).toBe(name === 'iris_constant' ? 1 : 0);
      });
    }
  }
});

describe('scale(X, method)', () => {
  it("scale(X, 'standard') by hand: mean 2, population std sqrt(2/3)", () => {
    const r = scale([[1], [2], [3]], 'standard');
    const s = Math.sqrt(2 / 3);
    expect(Array.from(r.scaled.data)).toEqual([-1 / s, 0, 1 / s]);
    expect(r.center[0]).toBe(2);
    expect(r.scale[0]).toBeCloseTo(s, 15);
  });

  it("scale(X, 'minmax') maps each column onto [0, 1]", () => {
    const r = scale(
      [
        [1, -5],
        [3, 5],
        [2, 0],
      ],
      'minmax',
    );
    expect(toRows(r.scaled)).toEqual([
      [0, 0],
      [1, 1],
      [0.5, 0.5],
    ]);
  });

  it("scale(X, 'robust') uses the median and numpy's linear interquartile range", () => {
    // 1 2 3 4 10: median 3, q25 2, q75 4 -> IQR 2.
    const r = scale([[1], [2], [3], [4], [10]], 'robust');
    expect(r.center[0]).toBe(3);
    expect(r.scale[0]).toBe(2);
    expect(Array.from(r.scaled.data)).toEqual([-1, -0.5, 0, 0.5, 3.5]);
  });

  it("scale(X, 'none') returns an equal copy", () => {
    const X = featureMatrix(2, 2, new Float64Array([1, 2, 3, 4]));
    const r = scale(X, 'none');
    expect(r.scaled.data).toEqual(X.data);
    expect(r.scaled.data).not.toBe(X.data);
  });

  for (const method of ['standard', 'minmax', 'robust'] as ScaleMethod[]) {
    it(`scale(X, '${method}') scales a constant column to 0 and warns naming it`, () => {
      const { value: r, warnings } = withCollectedWarnings(() =>
        scale(
          { rows: 3, cols: 2, data: new Float64Array([1, 7, 2, 7, 3, 7]) },
          {
            method,
            columns: ['a', 'flat'],
          },
        ),
      );
      expect([r.scaled.data[1], r.scaled.data[3], r.scaled.data[5]]).toEqual([0, 0, 0]);
      expect(r.constantColumns).toEqual([1]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("'flat'");
    });
  }

  it('scale(X).transform(Y) applies the fitted parameters; inverseTransform undoes them', () => {
    const r = scale([[0], [10]], 'minmax');
    expect(Array.from(r.transform([[5], [20]]).data)).toEqual([0.5, 2]);
    expect(Array.from(r.inverseTransform([[0.5]]).data)).toEqual([5]);
    expect(() => r.transform([[1, 2]])).toThrow(/2 columns, but the scaling was fitted on 1/);
  });

  it('scale(X, method) rejects unknown methods and NaN', () => {
    expect(() => scale([[1]], 'zscore' as ScaleMethod)).toThrow(OptionError);
    expect(() => scale([[1]], 'zscore' as ScaleMethod)).toThrow(
      "The 'method' option of scale must be one of 'none', 'standard', 'minmax', 'robust'. Got 'zscore' instead.",
    );
    expect(() => scale([[1], [Number.NaN]])).toThrow(/finite/);
  });

  it('scale(dataset) keeps the column names: in columns, toJSON, and a dataset that pca names its columns from', async () => {
    const data = await loadDataset('datasets/iris.csv', { label: 'species' });
    const r = scale(data, 'standard');
    expect(r.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(r.toJSON().columns).toEqual(r.columns);
    expect(r.dataset?.features).toBe(r.scaled);
    expect(r.dataset?.columns).toEqual(r.columns);
    expect(r.dataset?.labels).toBe(data.labels);
    expect(r.dataset?.source).toBe(data.source);
    expect(pca(r.dataset!, { components: 2 }).columns).toEqual(r.columns);
    // the input is unchanged
    expect(data.features.data[0]).toBe(5.1);
    // a plain matrix has no names unless they are given
    const plain = scale([
      [1, 2],
      [3, 5],
    ]);
    expect(plain.columns).toBeUndefined();
    expect(plain.dataset).toBeUndefined();
    expect('columns' in plain.toJSON()).toBe(false);
    expect(
      scale(
        [
          [1, 2],
          [3, 5],
        ],
        { columns: ['x', 'y'] },
      ).columns,
    ).toEqual(['x', 'y']);
  });

  it('scale(X, {columns}) needs one name per column', () => {
    expect(() =>
      scale(
        [
          [1, 2],
          [3, 5],
        ],
        { columns: ['x'] },
      ),
    ).toThrow(
      "The 'columns' option of scale must be 2 column names (strings), one per column. Got 1 name instead.",
    );
  });
});
