import { describe, expect, it } from 'vitest';
import { featureMatrix } from '../../src/data/dataset.js';
import { CovarianceAccumulator, columnMoments } from '../../src/decomposition/pca/covariance.js';
import { maxAbs, maxAbsDiff, randomData } from './helpers.js';

/** Two-pass textbook co-moment, the naive reference. */
function naive(x: number[][]): { mean: number[]; m: number[][] } {
  const n = x.length;
  const d = x[0]!.length;
  const mean = new Array(d).fill(0);
  for (const r of x) for (let j = 0; j < d; j++) mean[j] += r[j]! / n;
  const m = Array.from({ length: d }, () => new Array(d).fill(0));
  for (const r of x) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) m[i]![j] += (r[i]! - mean[i]) * (r[j]! - mean[j]);
    }
  }
  return { mean, m };
}

function toMatrix(flat: Float64Array, d: number): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
}

describe('CovarianceAccumulator', () => {
  it('new CovarianceAccumulator().add(X) equals the two-pass co-moment (odd d, partial blocks)', () => {
    const x = randomData(1001, 7, 31, 7, 50); // seed 31
    const acc = new CovarianceAccumulator(-1, 64).add(x);
    const ref = naive(x);
    expect(acc.count).toBe(1001);
    expect(maxAbsDiff(acc.mean, ref.mean) / 50).toBeLessThan(1e-14);
    expect(maxAbsDiff(toMatrix(acc.symmetricComoment(), 7), ref.m) / maxAbs(ref.m)).toBeLessThan(
      1e-13,
    );
  });

  it('a.merge(b) equals one accumulator over both chunks', () => {
    const x = randomData(500, 6, 32, 6, -20);
    const whole = new CovarianceAccumulator().add(x);
    const a = new CovarianceAccumulator().add(x.slice(0, 123));
    const b = new CovarianceAccumulator().add(x.slice(123));
    a.merge(b);
    expect(a.count).toBe(500);
    expect(maxAbsDiff(a.mean, whole.mean)).toBeLessThan(1e-13);
    const mw = whole.symmetricComoment();
    expect(maxAbsDiff(a.symmetricComoment(), mw) / maxAbs(mw)).toBeLessThan(1e-14);
    expect(Array.from(a.min)).toEqual(Array.from(whole.min));
    expect(Array.from(a.max)).toEqual(Array.from(whole.max));
    // Merging into an empty accumulator copies.
    const e = new CovarianceAccumulator().merge(whole);
    expect(Array.from(e.mean)).toEqual(Array.from(whole.mean));
  });

  it('columnMoments(X) equals the two-pass mean and sum of squares', () => {
    const x = randomData(100, 5, 33, 5, 7);
    const ref = naive(x);
    const mo = columnMoments(featureMatrix(100, 5, Float64Array.from(x.flat())));
    expect(maxAbsDiff(mo.mean, ref.mean)).toBeLessThan(1e-13);
    expect(
      maxAbsDiff(
        mo.sumSquares,
        ref.m.map((r, i) => r[i]!),
      ) / maxAbs(mo.sumSquares),
    ).toBeLessThan(1e-14);
  });
});
