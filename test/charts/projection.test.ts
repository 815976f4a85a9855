import { describe, expect, it } from 'vitest';
import { binDensity, projectionSpec } from '../../src/charts/projection.js';
import { tinyTable } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('projectionSpec', () => {
  it('projectionSpec(table, {variance}) titles the axes with the % variance and colours by cluster id', () => {
    const t = tinyTable();
    const frozen = structuredClone(t.rows);
    const s = projectionSpec(t, {
      variance: [0.731, 0.2285],
      labelName: 'species',
      idName: 'name',
    }) as Json;
    const points = s.layer.at(-1);
    expect(points.encoding.x.title).toBe('PC1 (73.1%)');
    expect(points.encoding.y.title).toBe('PC2 (22.9%)');
    expect(points.encoding.color.scale).toEqual({
      domain: ['C1', 'C2'],
      range: ['#4c78a8', '#f58518'],
    });
    expect(points.encoding.shape).toMatchObject({
      field: 'label',
      type: 'nominal',
      title: 'species',
    });
    expect(points.params[0]).toEqual({
      name: 'pick',
      select: { type: 'point', fields: ['cluster'] },
      bind: 'legend',
    });
    const tip = points.encoding.tooltip.map((f: Json) => f.title);
    expect(tip).toEqual([
      'name',
      'k-means cluster',
      'hierarchical',
      'species',
      'PC1',
      'PC2',
      'height',
      'width.cm',
      'a"b',
    ]);
    expect(s.datasets.rows).toEqual(frozen);
    expect(t.rows).toEqual(frozen);
  });

  it('projectionSpec(table without label) has no shape channel', () => {
    const s = projectionSpec(tinyTable({ label: false }), { variance: [0.5, 0.5] }) as Json;
    expect(s.layer[0].encoding.shape).toBeUndefined();
  });

  it('projectionSpec(table, {density}) draws the density under the points with its own colour scale', () => {
    const density = binDensity([0, 1], [0, 1], 2);
    const s = projectionSpec(tinyTable(), { variance: [0.5, 0.5], density }) as Json;
    expect(s.layer[0].mark.type).toBe('rect');
    expect(s.layer[0].data.values).toBe(density);
    expect(s.resolve).toEqual({ scale: { color: 'independent' } });
  });
});

describe('binDensity', () => {
  it('binDensity(x, y, 2) counts a hand-made 2 x 2 grid and leaves empty cells out', () => {
    // x in [0, 4], y in [0, 2]: cells are 2 wide and 1 high
    const cells = binDensity([0, 1, 3, 4, 4], [0, 0.5, 0, 2, 1.5], 2);
    expect(cells).toEqual([
      { x: 0, x2: 2, y: 0, y2: 1, count: 2 },
      { x: 2, x2: 4, y: 0, y2: 1, count: 1 },
      { x: 2, x2: 4, y: 1, y2: 2, count: 2 },
    ]);
  });
});
