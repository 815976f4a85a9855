import { describe, expect, it } from 'vitest';
import { silhouetteSpec } from '../../src/charts/silhouette.js';
import { tinyTable } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('silhouetteSpec', () => {
  it('silhouetteSpec(table) sorts samples within cluster and draws the mean', () => {
    const t = tinyTable();
    // cluster C1: a .7, b .8, c .2 -> b, a, c; C2: d .9, e .6, f .75 -> d, f, e, after a gap of 1
    expect(t.rows.map((r) => [r.id, r.spos])).toEqual([
      ['a', 1],
      ['b', 0],
      ['c', 2],
      ['d', 4],
      ['e', 6],
      ['f', 5],
    ]);
    const s = silhouetteSpec(t) as Json;
    expect(s.layer[1].encoding.x.datum).toBeCloseTo((0.7 + 0.8 + 0.2 + 0.9 + 0.6 + 0.75) / 6, 6);
    expect(s.layer[2].data.values).toEqual([
      { cluster: 'C1', mid: 1.5, text: 'C1 (n=3, mean 0.5667)' },
      { cluster: 'C2', mid: 5.5, text: 'C2 (n=3, mean 0.75)' },
    ]);
  });

  it('silhouetteSpec(table without silhouettes) throws', () => {
    const t = { ...tinyTable(), hasSilhouette: false };
    expect(() => silhouetteSpec(t)).toThrow(/no silhouettes/);
  });
});
