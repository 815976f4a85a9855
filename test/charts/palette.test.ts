import { describe, expect, it } from 'vitest';
import { clusterIds, clusterScale, labelGreys, TABLEAU10 } from '../../src/charts/palette.js';

describe('palette', () => {
  it('clusterScale(k) keys Tableau 10 by C1..Ck and continues past 10 without repeating', () => {
    expect(clusterScale(3)).toEqual({
      domain: ['C1', 'C2', 'C3'],
      range: ['#4c78a8', '#f58518', '#e45756'],
    });
    const big = clusterScale(12);
    expect(big.range.slice(0, 10)).toEqual([...TABLEAU10]);
    expect(new Set(big.range).size).toBe(12);
    expect(clusterIds(0)).toEqual([]);
  });

  it('labelGreys(n) spreads greys from dark to light', () => {
    expect(labelGreys(3)).toEqual(['#404040', '#848484', '#c8c8c8']);
    expect(labelGreys(1)).toEqual(['#808080']);
  });
});
