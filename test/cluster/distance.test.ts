import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  METRICS,
  condensedIndex,
  pdist,
  toDistanceInput,
} from '../../src/cluster/hclust/distance.js';
import { DataError } from '../../src/util/errors.js';

// Reference values: scipy 1.10.1 pdist, made by test/fixtures/hclust/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/hclust/scipy.json', 'utf8'));
const iris: number[][] = fx.data.iris;

describe('pdist', () => {
  it("pdist(X, {metric}) equals scipy's pdist on iris (every 13th pair): bit for bit, cosine to 1e-15", () => {
    for (const metric of METRICS) {
      const got = pdist(iris, { metric });
      const want: number[] = fx.pdist_iris_every13[metric];
      expect(got.length).toBe((150 * 149) / 2);
      want.forEach((w, i) => {
        if (metric === 'cosine') expect(Math.abs(got[i * 13]! - w)).toBeLessThan(1e-15);
        else expect(got[i * 13]).toBe(w);
      });
    }
  });

  it('pdist(X, {metric}) on a hand example: (0,0), (3,4), (1,0)', () => {
    const X = [
      [0, 0],
      [3, 4],
      [1, 0],
    ];
    expect(Array.from(pdist(X))).toEqual([5, 1, Math.sqrt(20)]);
    expect(Array.from(pdist(X, { metric: 'sqeuclidean' }))).toEqual([25, 1, 20]);
    expect(Array.from(pdist(X, { metric: 'cityblock' }))).toEqual([7, 1, 6]);
    expect(Array.from(pdist(X, { metric: 'chebyshev' }))).toEqual([4, 1, 4]);
    expect(() => pdist(X, { metric: 'cosine' })).toThrow(DataError);
    const c = pdist(
      [
        [1, 0],
        [0, 2],
        [3, 3],
      ],
      { metric: 'cosine' },
    );
    expect(c[0]).toBe(1);
    expect(c[1]).toBeCloseTo(1 - Math.SQRT1_2, 15);
  });

  it("pdist(X, {layout: 'square'}) holds the condensed values mirrored, with a zero diagonal", () => {
    const X = iris.slice(0, 12);
    const c = pdist(X, { metric: 'cityblock' });
    const s = pdist(X, { metric: 'cityblock', layout: 'square' });
    for (let i = 0; i < 12; i++) {
      expect(s[i * 12 + i]).toBe(0);
      for (let j = i + 1; j < 12; j++) {
        expect(s[i * 12 + j]).toBe(c[condensedIndex(12, i, j)]);
        expect(s[j * 12 + i]).toBe(c[condensedIndex(12, i, j)]);
      }
    }
  });

  it("pdist(X, {metric: 'minkowski'}) throws the option template", () => {
    // @ts-expect-error: not a metric
    expect(() => pdist(iris, { metric: 'minkowski' })).toThrow(
      /The 'metric' option of pdist must be one of 'euclidean'/,
    );
  });
});

describe('toDistanceInput', () => {
  it('toDistanceInput(condensed) infers n and keeps the array; square input is checked cell by cell', () => {
    const v = Float64Array.from([1, 2, 3]);
    const r = toDistanceInput(v);
    expect(r.n).toBe(3);
    expect(r.condensed).toBe(v);
    expect(() =>
      toDistanceInput([
        [0, 1],
        [2, 0],
      ]),
    ).toThrow(/symmetric; D\[0\]\[1\] = 1 but D\[1\]\[0\] = 2/);
    expect(() => toDistanceInput([[0, 1, 2]])).toThrow(/must be square; got 1 x 3/);
    expect(() => toDistanceInput([0, Number.POSITIVE_INFINITY, 1])).toThrow(/element 1/);
  });
});
