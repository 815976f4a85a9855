/**
 * The report's account of k: the default range follows n, a given range is used, a pick at the
 * end of the range and the absence of cluster structure are said in the summary, an infinite
 * ANOVA F is shown as such, and unscaled features of unequal variances are named.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import type { Dataset } from '../../src/data/dataset.js';
import { buildReport, type Report } from '../../src/report/build.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { RandomState } from '../../src/util/random.js';

function table(names: string[], rows: number[][]): Dataset {
  return parseCsv(`${names.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
}

function uniform(seed: number, n: number): Dataset {
  const rng = new RandomState(seed);
  return table(
    ['a', 'b', 'c'],
    Array.from({ length: n }, () => [rng.randomSample(), rng.randomSample(), rng.randomSample()]),
  );
}

/** Blobs of `per` rows around `centres`, sd 1; the blob index as an extra column with `index`. */
function blobs(seed: number, centres: number[][], per: number, sd = 1, index = false): Dataset {
  const rng = new RandomState(seed);
  const rows: number[][] = [];
  centres.forEach((c, b) => {
    for (let i = 0; i < per; i++) {
      rows.push([...c.map((v) => v + sd * rng.gauss()), ...(index ? [10 * b] : [])]);
    }
  });
  const names = ['x', 'y', 'z'].slice(0, centres[0]!.length);
  return table(index ? [...names, 'group'] : names, rows);
}

const THREE = [
  [0, 0],
  [10, 0],
  [5, 9],
];

function summary(r: Report): Map<string, string> {
  const block = r.document.sections[0]!.blocks[0] as unknown as { rows: string[][] };
  return new Map(block.rows.map((row) => [row[0]!, row[1]!]));
}

const everything = (r: Report) => JSON.stringify(r.document);

describe('the report on data without clusters', () => {
  it('uniform random data: the summary and the subtitle say there is no clear cluster structure', () => {
    for (const seed of [8, 9]) {
      const r = buildReport(uniform(seed, 300));
      const kc = r.analysis.kChoice!;
      expect(kc.structure!.clear).toBe(false);
      expect(summary(r).get('number of clusters')).toContain('No clear cluster structure: ');
      expect(r.document.subtitle).toContain('no clear cluster structure');
      // the Hopkins statistic of uniform data is near 0.5 and not significant
      const h = kc.structure!.hopkins!;
      expect(h.statistic).toBeGreaterThan(0.35);
      expect(h.statistic).toBeLessThan(0.65);
      expect(h.pValue).toBeGreaterThanOrEqual(0.05);
      expect(summary(r).get('number of clusters')).toMatch(
        /Hopkins statistic H = 0\.\d{1,4} \(30 sampled rows/,
      );
    }
  });

  it('three separated blobs: k = 3, k = 1 ruled out, and no doubt about the structure anywhere', () => {
    const r = buildReport(blobs(3, THREE, 60));
    const kc = r.analysis.kChoice!;
    expect(r.analysis.k).toBe(3);
    expect(kc.structure!.clear).toBe(true);
    expect(kc.structure!.gapPicksOne).toBe(false);
    expect(kc.structure!.hopkins!.pValue).toBeLessThan(1e-6);
    expect(kc.caveats).toEqual([]);
    expect(everything(r)).not.toMatch(/no clear cluster structure/i);
    expect(everything(r)).toContain(
      'k = 1 is ruled out: the gap statistic prefers clusters to k = 1',
    );
  });
});

describe('the range of k', () => {
  it('32 rows are offered k = 2..4 (sqrt(n / 2)); a pick at 4 is flagged with a wider range to try', () => {
    // 8 tight groups of 4 rows: every criterion wants as many clusters as it may have
    const centres = Array.from({ length: 8 }, (_, g) => [10 * (g % 4), 10 * Math.floor(g / 4)]);
    const r = buildReport(blobs(2, centres, 4, 0.3));
    const kc = r.analysis.kChoice!;
    expect(kc.table.map((row) => row.k)).toEqual([2, 3, 4]);
    expect(kc.rangeSource).toBe('default');
    expect(r.analysis.k).toBe(4);
    const text = summary(r).get('number of clusters')!;
    expect(text).toMatch(/^k = 4, recommended among 2\.\.4: /);
    expect(text).toContain(
      'At the edge of the range: k = 4 is the largest k tried, so the criteria may prefer more ' +
        'clusters: try a wider range, e.g. 2..8; but 32 rows support about sqrt(n / 2) = 4 ' +
        'clusters of 8 rows (where the default range stops)',
    );
    // the range given wider: the 8 groups are found, and the pick is no longer at an edge
    const wide = buildReport(blobs(2, centres, 4, 0.3), { k: [2, 12] });
    expect(wide.analysis.k).toBe(8);
    expect(wide.analysis.kChoice!.caveats).toEqual([]);
  });

  it('buildReport(data, {k: [2, 6]}) chooses among 2..6 and says so', () => {
    const r = buildReport(blobs(3, THREE, 60), { k: [2, 6] });
    const kc = r.analysis.kChoice!;
    expect(kc.table.map((row) => row.k)).toEqual([2, 3, 4, 5, 6]);
    expect(kc.rangeSource).toBe('given');
    expect(r.analysis.k).toBe(kc.recommended);
    expect(summary(r).get('number of clusters')).toMatch(/^k = 3, recommended among 2\.\.6: /);
    expect(r.document.subtitle).toContain('k = 3 (recommended)');
    expect(() => buildReport(blobs(3, THREE, 2), { k: [2, 9] })).toThrow(
      /k = 2\.\.9 needs at least 9 rows/,
    );
    expect(() => buildReport(blobs(3, THREE, 60), { k: [4, 4] as never })).toThrow(/'k'/);
  });

  it('the gap statistic at k = 1 is a row of the choose-k table and a point of its chart', () => {
    const r = buildReport(blobs(3, THREE, 60));
    const section = r.document.sections.find((s) => s.id === 'choose-k')!;
    const t = section.blocks.find((b) => b.kind === 'table') as unknown as { rows: string[][] };
    expect(t.rows[0]![0]).toBe('1');
    expect(Number(t.rows[0]![5])).toBeCloseTo(r.analysis.kChoice!.structure!.gapAtOne!.gap, 3);
    const spec = r.charts.find((c) => c.name === 'choose-k')!.spec as unknown as {
      concat: { title: { text: string }; data: { values: { k: number }[] } }[];
    };
    const gap = spec.concat.find((p) => p.title.text === 'Gap statistic')!;
    expect(gap.data.values[0]!.k).toBe(1);
  });
});

describe('infinite F and numbers in the summary', () => {
  it('a feature constant within every cluster has F = ∞ in the summary, the data table and the JSON', () => {
    const r = buildReport(blobs(5, THREE, 40, 1, true), { k: 3 });
    const j = r.analysis.features.indexOf('group');
    expect(r.analysis.anovaF[j]).toBe(Infinity);
    const features = summary(r).get('features that separate the clusters most')!;
    expect(features).toMatch(/^group \(F = ∞, constant within every cluster\), /);
    expect(features).not.toMatch(/e\+/);
    // the other F values with 4 significant digits
    for (const m of features.matchAll(/F = ([\d.]+)\)/g)) {
      expect(m[1]!.replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(4);
    }
    const data = r.document.sections[1]!.blocks[1] as unknown as { rows: string[][] };
    expect(data.rows[j]![5]).toBe('∞');
    const json = r.toJSON() as { metrics: { anovaF: (number | string | null)[] } };
    expect(json.metrics.anovaF[j]).toBe('Infinity');
    const profiles = r.charts.find((c) => c.name === 'profiles')!.spec as unknown as {
      vconcat: { data: { values: { feature: string; infinite?: boolean }[] } }[];
    };
    expect(profiles.vconcat[0]!.data.values[0]).toMatchObject({ feature: 'group', infinite: true });
  });
});

describe('unscaled features', () => {
  it("scale 'none' with variances 100x apart: a warning and the summary name the dominant feature", () => {
    const rng = new RandomState(4);
    const rows = Array.from({ length: 90 }, (_, i) => [
      1000 * (i % 3) + 50 * rng.gauss(),
      rng.gauss(),
      (i % 3) + 0.2 * rng.gauss(),
    ]);
    const data = table(['income', 'age', 'score'], rows);
    const { value: r, warnings } = withCollectedWarnings(() =>
      buildReport(data, { scale: 'none', k: 3 }),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^buildReport: the features are not scaled and their variances differ by [\d.e+]+ times: 'income' \(variance [\d.e+]+, 100% of the total\) dominates the distances, 'score' \(variance [\d.]+\) counts for almost nothing; scale 'standard' weighs the features equally\.$/,
    );
    expect(summary(r).get('scaling')).toMatch(
      /^The features are not scaled .* 'income' .* dominates the distances/,
    );
    // scaled: nothing to say
    const { value: s, warnings: none } = withCollectedWarnings(() => buildReport(data, { k: 3 }));
    expect(none).toEqual([]);
    expect(summary(s).has('scaling')).toBe(false);
  });
});
