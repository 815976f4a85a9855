import { describe, expect, it } from 'vitest';
import { screeSpec } from '../../src/charts/scree.js';

describe('screeSpec', () => {
  it('screeSpec(ratios) carries each ratio and the cumulative sum, and says when 90% is reached', () => {
    const s = screeSpec([0.5, 0.3, 0.15, 0.05]) as unknown as {
      data: { values: { pc: string; ratio: number; cumulative: number }[] };
      description: string;
      layer: { encoding: { y?: { datum?: number } } }[];
    };
    expect(s.data.values).toEqual([
      { pc: 'PC1', ratio: 0.5, cumulative: 0.5 },
      { pc: 'PC2', ratio: 0.3, cumulative: 0.8 },
      { pc: 'PC3', ratio: 0.15, cumulative: 0.95 },
      { pc: 'PC4', ratio: 0.05, cumulative: 1 },
    ]);
    expect(s.description).toContain('the first 3 reach 90%');
    expect(s.layer[3]!.encoding.y!.datum).toBe(0.9);
  });
});
