import { describe, expect, it } from 'vitest';
import { agreementSpec } from '../../src/charts/agreement.js';
import { axisLabels, runView } from './fixtures.js';

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
    expect(unit.title).toEqual({ text: 'k-means vs species', subtitle: 'ARI = 0.2' });
    expect(unit.data.values).toEqual([
      { r: 'C1', c: 'x', ri: 0, ci: 0, n: 3 },
      { r: 'C1', c: 'y', ri: 0, ci: 1, n: 0 },
      { r: 'C2', c: 'x', ri: 1, ci: 0, n: 1 },
      { r: 'C2', c: 'y', ri: 1, ci: 1, n: 2 },
    ]);
    expect(() => agreementSpec([])).toThrow(RangeError);
  });

  it('agreementSpec(tables) draws the categories in the order given, whatever their names', async () => {
    const rowIds = ['zeta', 'constructor', '__proto__', 'a\u2028b', 'alpha'];
    const s = agreementSpec([
      {
        rowsName: 'toString',
        colsName: 'k-means',
        rowIds,
        colIds: ['C2', 'C1'],
        counts: rowIds.map((_, i) => [i, 1]),
        ari: 0.1,
      },
    ]);
    const view = await runView(s);
    expect(axisLabels(view)).toEqual([['C2', 'C1'], rowIds]);
    view.finalize();
  });
});
