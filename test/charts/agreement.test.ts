import { describe, expect, it } from 'vitest';
import { agreementSpec } from '../../src/charts/agreement.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('agreementSpec', () => {
  it('agreementSpec(tables) writes every cell of each contingency table and its ARI', () => {
    const s = agreementSpec([
      {
        rowsName: 'k-means',
        colsName: 'species',
        rowIds: ['C1', 'C2'],
        colIds: ['x', 'y'],
        counts: [
          [3, 0],
          [1, 2],
        ],
        ari: 0.2,
      },
    ]) as Json;
    const unit = s.hconcat[0];
    expect(unit.title).toEqual({ text: 'k-means vs species', subtitle: 'ARI = 0.200' });
    expect(unit.data.values).toEqual([
      { r: 'C1', c: 'x', n: 3 },
      { r: 'C1', c: 'y', n: 0 },
      { r: 'C2', c: 'x', n: 1 },
      { r: 'C2', c: 'y', n: 2 },
    ]);
    expect(() => agreementSpec([])).toThrow(RangeError);
  });
});
