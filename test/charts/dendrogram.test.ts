import { describe, expect, it } from 'vitest';
import { dendrogramSegments, dendrogramSpec } from '../../src/charts/dendrogram.js';
import { dendrogramInput, stripInput } from './examples.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('dendrogramSegments', () => {
  it('dendrogramSegments(layout) colours links below the cut and splits legs that cross it', () => {
    // leaves a,b (C1) merge at 1; c,d (C2) at 1.5; both at 4; cut at 2.5
    const segs = dendrogramSegments(dendrogramInput);
    expect(segs).toEqual([
      { x: 5, x2: 5, y: 0, y2: 1, cluster: 'C1' },
      { x: 15, x2: 15, y: 0, y2: 1, cluster: 'C1' },
      { x: 5, x2: 15, y: 1, y2: 1, cluster: 'C1' },
      { x: 25, x2: 25, y: 0, y2: 1.5, cluster: 'C2' },
      { x: 35, x2: 35, y: 0, y2: 1.5, cluster: 'C2' },
      { x: 25, x2: 35, y: 1.5, y2: 1.5, cluster: 'C2' },
      { x: 10, x2: 10, y: 1, y2: 2.5, cluster: 'C1' },
      { x: 10, x2: 10, y: 2.5, y2: 4, cluster: 'above' },
      { x: 30, x2: 30, y: 1.5, y2: 2.5, cluster: 'C2' },
      { x: 30, x2: 30, y: 2.5, y2: 4, cluster: 'above' },
      { x: 10, x2: 30, y: 4, y2: 4, cluster: 'above' },
    ]);
  });
});

describe('dendrogramSpec', () => {
  it("dendrogramSpec(layout, {orientation: 'top'}) puts leaves on x with their labels as data", () => {
    const s = dendrogramSpec(dendrogramInput) as Json;
    const rules = s.layer[0];
    expect(rules.encoding.x.axis.values).toEqual([5, 15, 25, 35]);
    expect(rules.encoding.x.axis.orient).toBe('bottom');
    expect(s.params[0]).toEqual({ name: 'leafLabels', value: dendrogramInput.leafLabels });
    expect(rules.encoding.color.scale.domain).toEqual(['C1', 'C2', 'above']);
    expect(rules.encoding.color.legend.values).toEqual(['C1', 'C2']);
    expect(s.title.subtitle).toContain('cut at height 2.500 gives k = 2');
    // labels are looked up, never spliced into the expression
    expect(rules.encoding.x.axis.labelExpr).toBe('leafLabels[round((datum.value - 5) / 10)]');
  });

  it("dendrogramSpec(layout, {orientation: 'left'}) puts leaves on y and reverses the height axis", () => {
    const s = dendrogramSpec(dendrogramInput, { orientation: 'left' }) as Json;
    const rules = s.layer[0];
    expect(rules.encoding.y.axis.orient).toBe('right');
    expect(rules.encoding.x.scale.reverse).toBe(true);
    expect(s.width).toBe(300);
  });
});

describe('dendrogramSpec with a label strip', () => {
  it("dendrogramSpec({strip}) puts a grey strip of each leaf's label under the leaves, on the same x", () => {
    const s = dendrogramSpec({ ...dendrogramInput, strip: stripInput }) as Json;
    const [tree, strip] = s.vconcat;
    expect(tree.layer[0].encoding.x.scale).toEqual(strip.encoding.x.scale);
    expect(strip.data.values[1]).toEqual({ x: 10, x2: 20, label: 'x', share: 0.666667, size: 3 });
    expect(strip.encoding.color.scale.range).toEqual(['#404040', '#c8c8c8']);
    expect(s.params.map((p: Json) => p.name)).toEqual(['leafLabels', 'leafColors']);
  });

  it("dendrogramSpec({strip}, {orientation: 'left'}) leaves the strip out", () => {
    const s = dendrogramSpec(
      { ...dendrogramInput, strip: stripInput },
      { orientation: 'left' },
    ) as Json;
    expect(s.vconcat).toBeUndefined();
    expect(s.layer).toBeDefined();
  });
});
