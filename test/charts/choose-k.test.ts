import { describe, expect, it } from 'vitest';
import { chooseKSpec } from '../../src/charts/choose-k.js';
import { chooseKInput } from './examples.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('chooseKSpec', () => {
  it('chooseKSpec(input) draws one panel per criterion, rings each pick and bands the chosen k', () => {
    const s = chooseKSpec(chooseKInput) as Json;
    expect(s.concat.map((p: Json) => p.title.text)).toEqual([
      'Inertia (elbow)',
      'Silhouette',
      'Calinski-Harabasz',
      'Davies-Bouldin',
      'Gap statistic',
    ]);
    for (const p of s.concat) expect(p.layer[0].data.values).toEqual([{ k0: 2.5, k1: 3.5 }]);
    // inertia has no pick in the input: no ring layer
    expect(s.concat[0].layer.some((l: Json) => l.mark.size === 220)).toBe(false);
    const sil = s.concat[1];
    expect(sil.data.values.filter((v: Json) => v.pick).map((v: Json) => v.k)).toEqual([2]);
    const gap = s.concat[4];
    expect(gap.data.values[0]).toEqual({ k: 2, value: 0.5, pick: false, lo: 0.45, hi: 0.55 });
    expect(s.description).toContain('The analysis uses k=3 (recommended).');
  });
});
