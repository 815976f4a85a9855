import { describe, expect, it } from 'vitest';
import { biplotArrows, biplotSpec } from '../../src/charts/biplot.js';
import { textWidth } from '../../src/charts/labels.js';
import { sampleTable } from '../../src/charts/samples.js';
import { RandomState } from '../../src/util/random.js';
import { tinyTable } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

describe('biplotArrows', () => {
  it('biplotArrows(table, input) scales loadings so the longest reaches 80% of the largest |score|', () => {
    const t = tinyTable(); // largest |score| is 2 (pc1 of 'a' and 'f')
    const { arrows, factor } = biplotArrows(t, {
      components: [
        [0.6, 0.8, 0],
        [0, 0, 1],
      ],
      explainedVariance: [4, 1],
      variance: [0.8, 0.2],
    });
    // loadings: (0.6*2, 0), (0.8*2, 0), (0, 1); longest 1.6 -> factor = 0.8*2/1.6 = 1
    expect(factor).toBeCloseTo(1, 15);
    expect(arrows.map((a) => [a.l1, a.l2])).toEqual([
      [1.2, 0],
      [1.6, 0],
      [0, 1],
    ]);
    expect(arrows.map((a) => a.angle)).toEqual([90, 90, 0]);
    expect(arrows[1]!.x).toBe(1.6);
  });

  it('biplotSpec(...) states the scaling convention in its subtitle', () => {
    const s = biplotSpec(tinyTable(), {
      components: [
        [1, 0, 0],
        [0, 1, 0],
      ],
      explainedVariance: [1, 1],
      variance: [0.5, 0.5],
    }) as unknown as { title: { subtitle: string[] } };
    expect(s.title.subtitle.join(' ')).toMatch(
      /loadings \(eigenvector x sqrt\(variance\)\).*s = 1\.60/,
    );
  });
});

/** n samples on a circle-ish cloud, d features, ids 'id0'..; PC scores as given. */
function cloud(n: number, d: number) {
  const rng = new RandomState(7);
  const pc1 = Array.from({ length: n }, () => 3 * rng.gauss());
  const pc2 = Array.from({ length: n }, () => rng.gauss());
  const original = Array.from({ length: n * d }, () => rng.gauss());
  return sampleTable(
    {
      ids: Array.from({ length: n }, (_, i) => `id${i}`),
      clusters: Array.from({ length: n }, (_, i) => i % 2),
      pc1,
      pc2,
      features: Array.from({ length: d }, (_, j) => `feature_${j}`),
      original,
      zscores: original,
    },
    2,
  );
}

/** Unit eigenvectors over d features, with entries of decreasing size (and two directions). */
function components(d: number): [number[], number[]] {
  const v1 = Array.from({ length: d }, (_, j) => (j % 2 ? 1 : -1) * (d - j));
  const v2 = Array.from({ length: d }, (_, j) => (j % 3 ? 1 : -1) * (1 + ((j * 5) % d)));
  const unit = (v: number[]) => {
    const s = Math.hypot(...v);
    return v.map((x) => x / s);
  };
  return [unit(v1), unit(v2)];
}

/** The label boxes (px) of the text layers of a biplot spec. */
function labelBoxes(s: Json): { x0: number; y0: number; x1: number; y1: number }[] {
  const [x0, x1] = s.layer[0].encoding.x.scale.domain;
  const [y0, y1] = s.layer[0].encoding.y.scale.domain;
  const u = (x1 - x0) / s.width;
  const out = [];
  for (const layer of s.layer) {
    if (layer.mark.type !== 'text') continue;
    const size = layer.mark.fontSize;
    const bold = layer.mark.fontWeight === 'bold';
    for (const v of layer.data.values) {
      const text = v.feature ?? v.id;
      const px = (v.x - x0) / u;
      const py = (y1 - v.y) / u;
      const w = textWidth(text, size, bold);
      out.push({ x0: px, y0: py - (size + 2) / 2, x1: px + w, y1: py + (size + 2) / 2 });
    }
  }
  expect(y0).toBeLessThan(y1);
  return out;
}

describe('biplotSpec at width', () => {
  it('biplotSpec draws equal units per pixel on both axes', () => {
    for (const [n, d] of [
      [30, 12],
      [200, 4],
    ] as const) {
      const s = biplotSpec(cloud(n, d), {
        components: components(d),
        explainedVariance: [9, 1],
        variance: [0.6, 0.1],
      }) as Json;
      const [x0, x1] = s.layer[0].encoding.x.scale.domain;
      const [y0, y1] = s.layer[0].encoding.y.scale.domain;
      const perPixel = [(x1 - x0) / s.width, (y1 - y0) / s.height];
      expect(perPixel[0]! / perPixel[1]!).toBeCloseTo(1, 4);
      // every layer shares the domains
      for (const layer of s.layer) {
        expect(layer.encoding.x.scale.domain).toEqual([x0, x1]);
        expect(layer.encoding.y.scale.domain).toEqual([y0, y1]);
      }
      // PC1 spreads three times as far as PC2: the plot is wider than high
      expect(s.width).toBeGreaterThan(s.height);
    }
  });

  it('biplotSpec draws the 10 features of largest contribution to PC1-2 and says how many are hidden', () => {
    const d = 14;
    const comps = components(d);
    const s = biplotSpec(cloud(30, d), {
      components: comps,
      explainedVariance: [9, 1],
      variance: [0.6, 0.1],
    }) as Json;
    const arrows = s.layer[1].data.values as { feature: string; contribution: number }[];
    expect(arrows).toHaveLength(10);
    const contribution = comps[0].map((v, j) => (100 * (9 * v * v + comps[1][j]! ** 2)) / 10);
    const top = contribution
      .map((c, j) => ({ c, j }))
      .sort((a, b) => b.c - a.c)
      .slice(0, 10)
      .map((t) => `feature_${t.j}`);
    expect(arrows.map((a) => a.feature)).toEqual(top);
    expect(s.title.subtitle.join(' ')).toContain('The 10 of 14 features that contribute most');
    expect(s.title.subtitle.join(' ')).toContain('4 are hidden');
    expect(s.description).toContain('4 features are hidden');
  });

  it('biplotSpec places arrow labels and point names without overlaps, inside the plot', () => {
    const s = biplotSpec(
      cloud(60, 12),
      { components: components(12), explainedVariance: [9, 1], variance: [0.6, 0.1] },
      { pointNames: true },
    ) as Json;
    const names = s.layer.find(
      (l: Json) => l.mark.type === 'text' && l.encoding.text.field === 'id',
    );
    expect(names).toBeDefined();
    const boxes = labelBoxes(s);
    expect(boxes.length).toBeGreaterThan(30);
    for (let a = 0; a < boxes.length; a++) {
      const b = boxes[a]!;
      expect(b.x0).toBeGreaterThanOrEqual(-0.01);
      expect(b.x1).toBeLessThanOrEqual(s.width + 0.01);
      expect(b.y0).toBeGreaterThanOrEqual(-0.01);
      expect(b.y1).toBeLessThanOrEqual(s.height + 0.01);
      for (let c = a + 1; c < boxes.length; c++) {
        const o = boxes[c]!;
        // 6 significant digits of the positions: a tolerance of 0.01 px
        const apart =
          b.x1 <= o.x0 + 0.01 || o.x1 <= b.x0 + 0.01 || b.y1 <= o.y0 + 0.01 || o.y1 <= b.y0 + 0.01;
        expect(apart, `labels ${a} and ${c} overlap`).toBe(true);
      }
    }
    // the subtitle counts the names left out
    const named = names.data.values.length;
    if (named < 60) expect(s.title.subtitle.join(' ')).toContain(`Names of ${named} of 60 points`);
  });

  it('biplotSpec names points only with pointNames and at most maxNamedPoints points', () => {
    const input = {
      components: components(4),
      explainedVariance: [9, 1] as [number, number],
      variance: [0.6, 0.1] as [number, number],
    };
    const idLayers = (s: Json) =>
      s.layer.filter((l: Json) => l.mark.type === 'text' && l.encoding.text.field === 'id');
    expect(idLayers(biplotSpec(cloud(50, 4), input) as Json)).toHaveLength(0);
    expect(idLayers(biplotSpec(cloud(50, 4), input, { pointNames: true }) as Json)).toHaveLength(1);
    expect(idLayers(biplotSpec(cloud(101, 4), input, { pointNames: true }) as Json)).toHaveLength(
      0,
    );
  });
});
