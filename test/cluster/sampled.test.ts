import { describe, expect, it } from 'vitest';
import { hclust } from '../../src/cluster/hclust/index.js';
import { sampledHclust } from '../../src/cluster/hclust/sampled.js';
import { sampleRows } from '../../src/util/sample.js';
import { OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';

function points(n: number, seed: number): number[][] {
  const rs = new RandomState(seed);
  return Array.from({ length: n }, (_, i) => [5 * (i % 4) + rs.gauss(), rs.gauss(), rs.gauss()]);
}

describe('sampledHclust', () => {
  it('sampledHclust(X, {sample, k}) cuts the tree of the sample and gives other rows the nearest centroid', () => {
    const X = points(300, 1);
    const frozen = Object.freeze(X.map((r) => Object.freeze([...r])));
    const r = sampledHclust(frozen, { sample: 60, k: 4, method: 'complete', seed: 3 });
    // numpy: np.sort(np.random.RandomState(3).choice(300, 60, replace=False)) is what
    // RandomState.choiceWithoutReplacement reproduces (verified in test/util/random.test.ts).
    expect(r.rows).toEqual(sampleRows(300, 60, 3));
    expect(r.rows.length).toBe(60);
    const tree = hclust(
      Array.from(r.rows, (i) => X[i]!),
      { method: 'complete' },
    );
    expect(r.tree.linkage).toEqual(tree.linkage);
    const cut = tree.cut({ k: 4 });
    for (let t = 0; t < r.rows.length; t++) expect(r.labels[r.rows[t]!]).toBe(cut[t]);
    // Centroids by hand, then the nearest one for every other row.
    const centroids = [0, 1, 2, 3].map((c) => {
      const members = Array.from(r.rows).filter((_, t) => cut[t] === c);
      return [0, 1, 2].map((j) => members.reduce((s, i) => s + X[i]![j]!, 0) / members.length);
    });
    for (let c = 0; c < 4; c++) {
      for (let j = 0; j < 3; j++)
        expect(r.centroids.data[3 * c + j]).toBeCloseTo(centroids[c]![j]!, 12);
    }
    const inSample = new Set(r.rows);
    for (let i = 0; i < 300; i++) {
      if (inSample.has(i)) continue;
      const d = centroids.map((c) => c.reduce((s, v, j) => s + (v - X[i]![j]!) ** 2, 0));
      expect(r.labels[i]).toBe(d.indexOf(Math.min(...d)));
    }
    // Deterministic.
    expect(sampledHclust(X, { sample: 60, k: 4, method: 'complete', seed: 3 }).labels).toEqual(
      r.labels,
    );
  });

  it('sampledHclust(X, {sample >= n}) is hclust(X) cut', () => {
    const X = points(50, 2);
    const r = sampledHclust(X, { sample: 50, height: 3 });
    expect(r.labels).toEqual(hclust(X).cut({ height: 3 }));
  });

  it('sampledHclust rejects bad options', () => {
    const X = points(20, 3);
    expect(() => sampledHclust(X, { sample: 1, k: 2 })).toThrow(OptionError);
    expect(() => sampledHclust(X, { sample: 10, k: 11 })).toThrow(
      /k=11 should be <= the sample size \(10\)/,
    );
    expect(() => sampledHclust(X, { sample: 10 })).toThrow(/exactly one of/);
  });
});
