import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  contributionSpec,
  featureContributions,
  MAX_CONTRIBUTION_BARS,
} from '../../src/charts/contrib.js';
import { loadDataset } from '../../src/data/load.js';
import { pca } from '../../src/decomposition/pca/index.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON
type Json = any;

/** factoextra 1.0.7 on prcomp(scale. = TRUE): test/fixtures/charts/make_contrib.R. */
const ref = JSON.parse(readFileSync('test/fixtures/charts/contrib.json', 'utf8')) as Record<
  string,
  { pc1: number[]; pc2: number[]; both: number[]; line: number }
>;

describe('featureContributions', () => {
  for (const [name, label] of [
    ['iris', 'species'],
    ['wine', 'cultivar'],
  ] as const) {
    it(`featureContributions(${name}) equals factoextra's get_pca_var()$contrib and fviz_contrib(axes = 1:2)`, async () => {
      const ds = await loadDataset(`datasets/${name}.csv`, { label });
      const p = pca(ds.features, { scale: true });
      const c = featureContributions(
        [p.components[0]!, p.components[1]!],
        [p.explainedVariance[0]!, p.explainedVariance[1]!],
      );
      const want = ref[name]!;
      for (let j = 0; j < ds.columns.length; j++) {
        expect(c.pc1[j]).toBeCloseTo(want.pc1[j]!, 10);
        expect(c.pc2[j]).toBeCloseTo(want.pc2[j]!, 10);
        expect(c.both[j]).toBeCloseTo(want.both[j]!, 10);
      }
      expect(100 / ds.columns.length).toBeCloseTo(want.line, 12);
    });
  }
});

describe('contributionSpec', () => {
  it('contributionSpec draws the largest contributions per panel, sorted, with the 100/d line', async () => {
    const ds = await loadDataset('datasets/wine.csv', { label: 'cultivar' });
    const p = pca(ds.features, { scale: true });
    const c = featureContributions(
      [p.components[0]!, p.components[1]!],
      [p.explainedVariance[0]!, p.explainedVariance[1]!],
    );
    const s = contributionSpec(ds.columns, c, { bars: 5 }) as Json;
    expect(s.hconcat).toHaveLength(3);
    const panels = [c.pc1, c.pc2, c.both];
    s.hconcat.forEach((unit: Json, t: number) => {
      const bars = unit.layer[0].data.values as {
        feature: string;
        rank: number;
        contribution: number;
      }[];
      expect(bars).toHaveLength(5);
      const values = Array.from(panels[t]!);
      const top = values
        .map((v, j) => ({ v, j }))
        .sort((a, b) => b.v - a.v)
        .slice(0, 5);
      expect(bars.map((b) => b.feature)).toEqual(top.map((x) => ds.columns[x.j]));
      expect(bars.map((b) => b.rank)).toEqual([0, 1, 2, 3, 4]);
      expect(unit.layer[1].data.values[0].average).toBeCloseTo(100 / 13, 5);
    });
    expect(s.title.subtitle.join(' ')).toContain('The 5 largest of 13 features per panel');
    const all = contributionSpec(ds.columns, c) as Json;
    expect(all.hconcat[0].layer[0].data.values).toHaveLength(Math.min(13, MAX_CONTRIBUTION_BARS));
    expect(all.title.subtitle.join(' ')).not.toContain('largest of');
  });
});
