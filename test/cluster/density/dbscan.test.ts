import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dbscan } from '../../../src/cluster/density/index.js';
import { DataError, OptionError } from '../../../src/util/errors.js';

// Reference values: scikit-learn 1.2.1, made by test/fixtures/density/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/density/sklearn.json', 'utf8'));
type Case = {
  data: string;
  eps: number;
  min_samples: number;
  metric: 'euclidean' | 'cityblock' | 'chebyshev';
  labels: number[];
};

describe('dbscan: scikit-learn 1.2.1 DBSCAN labels', () => {
  const cases: Case[] = fx.dbscan;
  it.each(cases.map((c) => [`${c.data} ${c.metric} eps=${c.eps} min_samples=${c.min_samples}`, c]))(
    '%s',
    (_name, c) => {
      const { data, eps, min_samples: minSamples, metric, labels } = c as Case;
      const fit = dbscan(fx.data[data], { eps, minSamples, metric });
      expect(Array.from(fit.labels)).toEqual(labels);
      expect(fit.nClusters).toBe(Math.max(-1, ...labels) + 1);
      expect(fit.nNoise).toBe(labels.filter((v) => v === -1).length);
    },
  );
});

describe('dbscan: semantics', () => {
  it('a border point joins the cluster of the lowest-index core point that reaches it', () => {
    // Rows 0..3 and 5..8 are core (4 rows within 3); row 4 (at 5) is within 3 of rows 3 and 5.
    const X = [[0], [0], [1], [2], [5], [8], [9], [10], [10]];
    const fit = dbscan(X, { eps: 3, minSamples: 4 });
    expect(Array.from(fit.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(fit.core)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1]);
    const reversed = X.slice().reverse();
    expect(Array.from(dbscan(reversed, { eps: 3, minSamples: 4 }).labels)).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 1,
    ]);
  });

  it('counts the row itself; minSamples 1 makes every row core', () => {
    const X = [[0], [10], [20]];
    expect(Array.from(dbscan(X, { eps: 1, minSamples: 1 }).labels)).toEqual([0, 1, 2]);
    expect(Array.from(dbscan(X, { eps: 1, minSamples: 2 }).labels)).toEqual([-1, -1, -1]);
    expect(Array.from(dbscan(X, { eps: 10, minSamples: 2 }).coreSampleIndices)).toEqual([0, 1, 2]);
  });

  it('a point at exactly eps is a neighbour', () => {
    const X = [
      [0, 0],
      [3, 4],
      [6, 8],
    ];
    expect(Array.from(dbscan(X, { eps: 5, minSamples: 2 }).labels)).toEqual([0, 0, 0]);
    expect(Array.from(dbscan(X, { eps: 5, minSamples: 2, metric: 'cityblock' }).labels)).toEqual([
      -1, -1, -1,
    ]);
  });
});

describe('dbscan: bad options', () => {
  const X = [[0], [1]];
  it.each([
    [{ eps: 0 }, "The 'eps' option of dbscan must be a finite number > 0. Got 0 instead."],
    [{ eps: -1 }, "The 'eps' option of dbscan must be a finite number > 0. Got -1 instead."],
    [
      { eps: Number.NaN },
      "The 'eps' option of dbscan must be a finite number > 0. Got NaN instead.",
    ],
    [
      { eps: 1, minSamples: 0 },
      "The 'minSamples' option of dbscan must be an integer >= 1. Got 0 instead.",
    ],
    [
      { eps: 1, minSamples: 2.5 },
      "The 'minSamples' option of dbscan must be an integer >= 1. Got 2.5 instead.",
    ],
    [
      { eps: 1, metric: 'minkowski' },
      "The 'metric' option of dbscan must be one of 'euclidean', 'sqeuclidean', 'cityblock', 'cosine', 'chebyshev'. Got 'minkowski' instead.",
    ],
    [
      { eps: 1, min_samples: 3 },
      "dbscan has no option 'min_samples'. Known options: 'eps', 'minSamples', 'metric'.",
    ],
    [{}, "dbscan needs the option 'eps' (> 0)."],
  ])('%j', (options, msg) => {
    expect(() => dbscan(X, options as never)).toThrow(OptionError);
    expect(() => dbscan(X, options as never)).toThrow(msg);
  });

  it('rejects NaN in the data and empty data', () => {
    expect(() => dbscan([[0], [Number.NaN]], { eps: 1 })).toThrow(DataError);
    expect(() => dbscan([], { eps: 1 })).toThrow(DataError);
  });
});
