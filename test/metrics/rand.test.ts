import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/metrics/rand.js';
import { DataError } from '../../src/util/errors.js';
import { fixture } from './fixture.js';

describe('adjustedRandIndex', () => {
  it('adjustedRandIndex(a, b) equals adjusted_rand_score on real and random labelings', () => {
    for (const p of fixture.pairs) {
      expect(Math.abs(adjustedRandIndex(p.a, p.b) - p.ari), p.name).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(adjustedRandIndex(p.b, p.a) - p.ari), p.name).toBeLessThanOrEqual(1e-15);
    }
  });

  it('adjustedRandIndex(a, b) of hand-worked pairs', () => {
    // [[1,1],[1,1]]: sum n_ij^2 = 4, n = 4, row and column square sums 8:
    // tp = 0, fp = fn = 4, tn = 16 - 4 - 4 - 4 = 4; ARI = 2(0 - 16) / (4*8 + 4*8) = -0.5
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBe(-0.5);
    // one row of ones: tp = fp = 0, fn = 12, tn = 0; ARI = 0 / (12 * 12) = 0
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    // the same partition under other names: fn = fp = 0, ARI = 1
    expect(adjustedRandIndex(new Int32Array([0, 0, 1, 2]), [7, 7, -1, 3])).toBe(1);
    expect(adjustedRandIndex([], [])).toBe(1);
  });

  it('adjustedRandIndex(a, b) rejects labelings of different lengths or non-integers', () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(DataError);
    expect(() => adjustedRandIndex([0, 1.5], [0, 1])).toThrow(DataError);
  });
});
