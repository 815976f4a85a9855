import { describe, expect, it } from 'vitest';
import { anovaF, profilesSpec } from '../../src/charts/profiles.js';
import { axisLabels, runView } from './fixtures.js';

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
