import { describe, expect, it } from 'vitest';
import { calinskiHarabasz } from '../../src/metrics/calinski-harabasz.js';
import { DataError } from '../../src/util/errors.js';
import { fixture } from './fixture.js';

describe('calinskiHarabasz', () => {
  for (const [name, entry] of Object.entries(fixture.datasets)) {
    it(`calinskiHarabasz(${name}, labels) equals calinski_harabasz_score`, () => {
      for (const ref of Object.values(entry.labelings)) {
        const v = calinskiHarabasz(entry.X, ref.labels);
        expect(Math.abs(v - ref.calinskiHarabasz) / ref.calinskiHarabasz).toBeLessThanOrEqual(
          1e-12,
        );
      }
    });
  }

  it('calinskiHarabasz(X, labels) of 0, 1 | 4, 6 on a line', () => {
    // mean 2.75, cluster means 0.5 and 5: B = 2 (2.25)^2 + 2 (2.25)^2 = 20.25,
    // W = 0.25 + 0.25 + 1 + 1 = 2.5, CH = (20.25 / 1) / (2.5 / 2) = 16.2
    expect(calinskiHarabasz([[0], [1], [4], [6]], [0, 0, 1, 1])).toBeCloseTo(16.2, 13);
    // W = 0: 1 by convention
    expect(calinskiHarabasz([[0], [0], [4], [4]], [0, 0, 1, 1])).toBe(1);
  });

  it('calinskiHarabasz(X, labels) rejects a single label', () => {
    expect(() => calinskiHarabasz([[0], [1], [4]], [2, 2, 2])).toThrow(DataError);
  });
});
