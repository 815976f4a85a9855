import { describe, expect, it } from 'vitest';
import { daviesBouldin } from '../../src/metrics/davies-bouldin.js';
import { DataError } from '../../src/util/errors.js';
import { fixture } from './fixture.js';

describe('daviesBouldin', () => {
  for (const [name, entry] of Object.entries(fixture.datasets)) {
    it(`daviesBouldin(${name}, labels) equals davies_bouldin_score`, () => {
      for (const ref of Object.values(entry.labelings)) {
        const v = daviesBouldin(entry.X, ref.labels);
        expect(Math.abs(v - ref.daviesBouldin) / ref.daviesBouldin).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it('daviesBouldin(X, labels) of 0, 1 | 4, 6 on a line', () => {
    // S_0 = mean |x - 0.5| = 0.5, S_1 = mean |x - 5| = 1, centroid distance 4.5:
    // R = (0.5 + 1) / 4.5 = 1/3 for both clusters, DB = 1/3
    expect(daviesBouldin([[0], [1], [4], [6]], [0, 0, 1, 1])).toBeCloseTo(1 / 3, 15);
    // every S_c = 0: 0 by convention
    expect(daviesBouldin([[0], [0], [4], [4]], [0, 0, 1, 1])).toBe(0);
  });

  it('daviesBouldin(X, labels) rejects n labels', () => {
    expect(() => daviesBouldin([[0], [1], [4]], [0, 1, 2])).toThrow(DataError);
  });
});
