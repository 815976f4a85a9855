import { describe, expect, it } from 'vitest';
import { profilesSpec } from '../../src/charts/profiles.js';
import { anovaF } from '../../src/metrics/anova.js';
import { axisLabels, compileWarnings, runView } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('anovaF', () => {
  it('anovaF(x, n, d, labels, k) matches a hand-worked one-way ANOVA', () => {
    // groups {1, 2, 3} and {5, 6, 7}: grand mean 4, SSB = 3*4 + 3*4 = 24 (df 1),
    // SSW = 2 + 2 = 4 (df 4) -> F = 24 / (4 / 4) = 24. Second column constant -> NaN.
    const x = [1, 0, 2, 0, 3, 0, 5, 0, 6, 0, 7, 0];
    const f = anovaF(x, 6, 2, [0, 0, 0, 1, 1, 1], 2);
    expect(f[0]).toBeCloseTo(24, 12);
    expect(Number.isNaN(f[1]!)).toBe(true);
  });
});

describe('profilesSpec', () => {
  it('profilesSpec(input) orders features by decreasing F and keeps names as data', async () => {
    const s = profilesSpec({
      features: ['a', '<b>', 'c'],
      k: 2,
      meanZ: [
        [1, 0, -1],
        [-1, 0, 1],
      ],
      mean: [
        [3, 2, 1],
        [1, 2, 3],
      ],
      sizes: [4, 4],
      anovaF: [2, Number.NaN, 9],
    }) as Json;
    expect(s.vconcat[0].data.values).toEqual([
      { feature: 'c', rank: 0, F: 9 },
      { feature: 'a', rank: 1, F: 2 },
      { feature: '<b>', rank: 2, F: null },
    ]);
    expect(s.vconcat[1].data.values[0]).toEqual({
      cluster: 'C1',
      feature: 'c',
      rank: 0,
      z: -1,
      mean: 1,
      n: 4,
    });
    // drawn in that order (by rank, not by name), in both units
    const view = await runView(s);
    const labels = axisLabels(view).filter((l) => l.includes('a'));
    expect(labels).toEqual([['c', 'a', '<b>']]);
    view.finalize();
  });
});

describe('anovaF and profilesSpec with a feature constant within every cluster', () => {
  // column 0 separates the clusters and is constant inside each (as mtcars' am in 4 clusters);
  // column 1 varies. The group mean of 0.1, 0.1, 0.1 rounds to 0.10000000000000002, so the
  // computed SS_within of column 0 is 5.8e-34, not 0, and F came out as 5.3e33; it must be
  // Infinity, as scikit-learn's f_classif gives.
  const x = [0.1, 1.3, 0.1, 2.1, 0.1, 0.4, 0.7, 1.9, 0.7, 0.2, 0.7, 3.3, 0.7, 2.2];
  const labels = [0, 0, 0, 1, 1, 1, 1];

  it('anovaF gives Infinity for it, NaN for a constant column, and finite F otherwise', () => {
    const f = anovaF(x, 7, 2, labels, 2);
    expect(f[0]).toBe(Infinity);
    expect(Number.isFinite(f[1]!)).toBe(true);
    const withConstant = anovaF([1, 5, 1, 5, 2, 5, 2, 5], 4, 2, [0, 0, 1, 1], 2);
    expect(withConstant[0]).toBe(Infinity);
    expect(Number.isNaN(withConstant[1]!)).toBe(true);
  });

  it('profilesSpec draws an infinite F as a bar as tall as the largest finite one, marked ∞', () => {
    const s = profilesSpec({
      features: ['am', 'mpg', 'flat'],
      k: 2,
      meanZ: [
        [-1, 0.5, 0],
        [1, -0.5, 0],
      ],
      mean: [
        [0, 20, 3],
        [1, 18, 3],
      ],
      sizes: [3, 4],
      anovaF: [Infinity, 12.5, Number.NaN],
    }) as Json;
    const bars = s.vconcat[0];
    expect(bars.data.values).toEqual([
      {
        feature: 'am',
        rank: 0,
        F: 12.5,
        infinite: true,
        Flabel: '∞ (constant within every cluster)',
      },
      { feature: 'mpg', rank: 1, F: 12.5, infinite: false, Flabel: '12.5' },
      { feature: 'flat', rank: 2, F: null, infinite: false, Flabel: 'n/a' },
    ]);
    expect(bars.layer[1].mark.type).toBe('text');
    expect(bars.layer[1].encoding.text).toEqual({ value: '∞' });
    expect(compileWarnings(s)).toEqual([]);
  });
});
