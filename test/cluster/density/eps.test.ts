import { describe, expect, it } from 'vitest';
import { knnDistances } from '../../../src/cluster/density/index.js';
import { kneeIndex, suggestEps } from '../../../src/cluster/density/eps.js';
import { DataError, OptionError } from '../../../src/util/errors.js';

describe('kneeIndex', () => {
  it('finds the point farthest below the chord, both axes scaled to [0, 1] (worked by hand)', () => {
    // x = i / 4: 0, .25, .5, .75, 1; y = (d - 1) / 9: 0, 0, 1/9, 2/9, 1
    // x - y: 0, .25, .389, .528, 0 -> index 3
    expect(kneeIndex(Float64Array.of(1, 1, 2, 3, 10))).toBe(3);
    // x - y: 0, .25 - .1, .5 - .2, .75 - .9, 0 -> .15, .3, -.15 -> index 2
    expect(kneeIndex(Float64Array.of(0, 1, 2, 9, 10))).toBe(2);
  });

  it('takes the first point on ties, the last of a flat curve, and copes with short curves', () => {
    // x - y: 0, 1/3 - 0, 2/3 - 1/3 = 1/3, 0: a tie between 1 and 2
    expect(kneeIndex(Float64Array.of(0, 0, 1, 3))).toBe(1);
    expect(kneeIndex(Float64Array.of(2, 2, 2))).toBe(2);
    expect(kneeIndex(Float64Array.of(5))).toBe(0);
    expect(kneeIndex(Float64Array.of(1, 4))).toBe(0);
  });
});

describe('suggestEps', () => {
  it('reads the knee of the sorted (minSamples - 1)-distances (worked by hand)', () => {
    // two runs of 5 points 1 apart, one far point: nearest-other distances 1 (x10) and 26
    const x = [[0], [1], [2], [3], [4], [10], [11], [12], [13], [14], [40]];
    const s = suggestEps(x, { minSamples: 2 });
    expect(s.k).toBe(1);
    expect(Array.from(s.distances)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 26]);
    expect(s.knee).toBe(9);
    expect(s.eps).toBe(1);
    // minSamples 3: the 2nd nearest other row: ends of a run 2, inner rows 1, the far point 27 (to 13)
    // sorted: 1 x6, 2 x4, 27; x - y largest at the last 2 (i = 9: .9 - 1/26)
    const t = suggestEps(x, { minSamples: 3 });
    expect(t.k).toBe(2);
    expect(Array.from(t.distances)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 27]);
    expect(t.knee).toBe(9);
    expect(t.eps).toBe(2);
  });

  it('is the sorted knnDistances with k = minSamples - 1, with the metric given', () => {
    const x = [];
    for (let i = 0; i < 40; i++) x.push([Math.sin(i) * 3, Math.cos(i * 1.7) * 2 + (i % 3)]);
    const s = suggestEps(x, { minSamples: 4, metric: 'cityblock' });
    const d = knnDistances(x, { k: 3, metric: 'cityblock' }).sort();
    expect(s.distances).toEqual(d);
    expect(s.eps).toBe(d[s.knee]);
  });

  it('skips a zero distance at the knee, and refuses a curve of zeros', () => {
    // five copies of one row and two other rows: distances 0 x5, 1, 2 (knee: the last 0)
    const x = [[0], [0], [0], [0], [0], [1], [3]];
    const s = suggestEps(x, { minSamples: 2 });
    expect(s.knee).toBe(4);
    expect(s.eps).toBe(1);
    expect(() => suggestEps([[1], [1], [1]], { minSamples: 2 })).toThrow(DataError);
    expect(() => suggestEps([[1], [1], [1]], { minSamples: 2 })).toThrow(
      'suggestEps: every row has 1 other rows at distance 0 (duplicates), so no eps > 0 is suggested; give {eps: x} instead.',
    );
  });

  it('checks its options', () => {
    expect(() => suggestEps([[0], [1]], { minSamples: 1 })).toThrow(OptionError);
    expect(() => suggestEps([[0], [1]], { minSamples: 3 })).toThrow(/at most the number of rows/);
    expect(() => suggestEps([[0], [1]], { minSamples: 2, metric: 'x' as never })).toThrow(
      /'metric'/,
    );
  });
});
