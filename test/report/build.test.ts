import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossTable } from '../../src/metrics/matching.js';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { adjustedRandIndex } from '../../src/metrics/rand.js';
import {
  buildReport,
  type Report,
  resolveReportOptions,
  silhouetteStructure,
  writeReport,
} from '../../src/report/build.js';
import { renderHtml } from '../../src/report/html.js';
import { formatProse } from '../../src/util/format.js';
import { OptionError } from '../../src/util/errors.js';
import { setMemoryBudget } from '../../src/util/memory.js';

// scikit-learn 1.2.1 / scipy 1.10.1 values: test/fixtures/report/make_iris_report.py
const ref = JSON.parse(readFileSync('test/fixtures/report/iris-report.json', 'utf8')) as {
  kmeansLabels: number[];
  inertia: number;
  hclustLabels: number[];
  ariKmeansHclust: number;
  ariSpeciesKmeans: number;
  explainedVarianceRatio: number[];
  silhouette: number;
  anovaF: number[];
};

let iris: Dataset;
let report: Report;
let before: Float64Array;
let dir: string;

beforeAll(async () => {
  iris = await loadDataset('datasets/iris.csv', { label: 'species' });
  before = iris.features.data.slice();
  report = buildReport(iris, { k: 3 });
  dir = mkdtempSync(join(tmpdir(), 'clusterlens-report-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildReport', () => {
  it('buildReport(iris, {k: 3}) reproduces scikit-learn and scipy on the same pipeline', () => {
    const a = report.analysis;
    expect(a.k).toBe(3);
    expect(adjustedRandIndex(a.kmeans.labels, ref.kmeansLabels)).toBe(1);
    expect(a.kmeans.inertia).toBeCloseTo(ref.inertia, 8);
    expect(adjustedRandIndex(a.hclustLabels, ref.hclustLabels)).toBe(1);
    expect(a.ariHclust).toBeCloseTo(ref.ariKmeansHclust, 12);
    expect(a.ariLabel).toBeCloseTo(ref.ariSpeciesKmeans, 12);
    Array.from(a.pca.explainedVarianceRatio).forEach((r, i) => {
      expect(r).toBeCloseTo(ref.explainedVarianceRatio[i]!, 10);
    });
    expect(a.silhouetteMean).toBeCloseTo(ref.silhouette, 10);
    Array.from(a.anovaF).forEach((f, j) => {
      expect(f).toBeCloseTo(ref.anovaF[j]!, 8);
    });
  });

  it('buildReport(iris) renames hierarchical clusters to the k-means cluster they overlap most', () => {
    const a = report.analysis;
    const table = crossTable(a.kmeans.labels, a.hclustLabels, 3, 3);
    const diagonal = table[0]![0]! + table[1]![1]! + table[2]![2]!;
    // every other assignment of the 3 hierarchical clusters overlaps less or equally
    const perms = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const p of perms) {
      const s = table[0]![p[0]!]! + table[1]![p[1]!]! + table[2]![p[2]!]!;
      expect(diagonal).toBeGreaterThanOrEqual(s);
    }
  });

  it('buildReport(iris) summarises each feature as pandas describe() does (sd with n-1)', () => {
    const data = report.document.sections[1]!;
    const table = data.blocks[1] as unknown as { kind: 'table'; rows: string[][] };
    // pandas: iris.sepal_length.describe() -> mean 5.843333, std 0.828066, min 4.3, max 7.9
    expect(table.rows[0]).toEqual(['sepal_length', '5.843', '0.8281', '4.3', '7.9', '218.6']);
  });

  it('buildReport(iris, {k: 3}) summarises the findings first', () => {
    const summary = report.document.sections[0]!.blocks[0] as unknown as { rows: string[][] };
    expect(summary.rows.map((r) => r[0])).toEqual([
      'number of clusters',
      'separation',
      'k-means vs hierarchical',
      'k-means vs species',
      'features that separate the clusters most',
    ]);
    expect(summary.rows[0]![1]).toBe('k = 3, given; the criteria recommend k = 2');
    expect(summary.rows[1]![1]).toMatch(
      /^mean silhouette 0\.4599: a weak structure that could be artificial/,
    );
    expect(summary.rows[4]![1]).toBe(
      'petal_length (F = 860.6), petal_width (F = 525.7), sepal_length (F = 218.6)',
    );
  });

  it('silhouetteStructure(mean) reads the mean silhouette as Kaufman and Rousseeuw', () => {
    expect([0.8, 0.6, 0.3, 0.1].map(silhouetteStructure)).toEqual([
      'a strong structure',
      'a reasonable structure',
      'a weak structure that could be artificial',
      'no substantial structure',
    ]);
  });

  it('buildReport(iris) does not mutate the dataset', () => {
    expect(iris.features.data).toEqual(before);
  });

  it('buildReport(iris) twice gives identical JSON and HTML', async () => {
    const again = buildReport(iris, { k: 3 });
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(report.toJSON()));
    expect(await renderHtml(again.document)).toBe(await renderHtml(report.document));
  });

  it('buildReport(iris) has the sections of the report, in order', () => {
    expect(report.document.sections.map((s) => s.id)).toEqual([
      'summary',
      'data',
      'choose-k',
      'pca',
      'projection',
      'dendrogram',
      'silhouette',
      'profiles',
      'agreement',
      'manifest',
    ]);
    expect(report.charts.map((c) => c.name)).toEqual([
      'choose-k',
      'scree',
      'biplot',
      'contributions',
      'projection',
      'umap',
      'dendrogram',
      'silhouette',
      'profiles',
      'agreement',
    ]);
  });

  it('buildReport(iris, small thresholds) samples hierarchical rows, silhouettes and points', () => {
    const r = buildReport(iris, {
      k: 3,
      hclustMaxRows: 50,
      silhouetteMaxRows: 60,
      densityAbove: 100,
      densitySample: 40,
    });
    const a = r.analysis;
    expect(a.hclustRows.length).toBe(50);
    expect(Array.from(a.hclustLabels).filter((l) => l < 0).length).toBe(100);
    expect(Array.from(a.silhouette).filter((s) => Number.isNaN(s)).length).toBe(90);
    const projection = r.charts.find((c) => c.name === 'projection')!.spec as unknown as {
      datasets: { rows: { pt?: number; spos?: number }[] };
      hconcat: { layer: { transform?: unknown[] }[] }[];
    };
    // the points (40) are nested in the silhouette sample (60): the table holds the 60 rows and
    // flags the 40 points, which the projection keeps
    const rows = projection.datasets.rows;
    expect(rows.length).toBe(60);
    expect(rows.filter((x) => x.pt === 1).length).toBe(40);
    expect(rows.every((x) => x.spos !== undefined)).toBe(true);
    expect(projection.hconcat[0]!.layer.length).toBe(2); // density under the points
    expect(projection.hconcat[0]!.layer[1]!.transform).toEqual([{ filter: 'datum.pt === 1' }]);
    // one silhouette sample size, stated alike in the text, the summary and the chart
    const silhouette = r.charts.find((c) => c.name === 'silhouette')!.spec as unknown as {
      title: { subtitle: string };
      description: string;
    };
    expect(silhouette.title.subtitle).toContain('A seeded sample of 60 of 150 samples.');
    expect(silhouette.description).toMatch(/^Silhouette plot of 60 samples/);
    const text = r.document.sections
      .find((s) => s.id === 'silhouette')!
      .blocks.map((b) => (b.kind === 'text' ? b.text : ''))
      .join(' ');
    expect(text).toContain('over a seeded sample of 60 of 150 rows');
    const mean = formatProse(a.silhouetteMean);
    expect(silhouette.title.subtitle).toContain(`mean ${mean}`);
    expect(text).toContain(`Mean silhouette ${mean}`);
  });

  it('buildReport(iris, {k: 3, twoStage: 20}) clusters every row through 20 weighted k-means centres', () => {
    const r = buildReport(iris, { k: 3, twoStage: 20 });
    const a = r.analysis;
    expect(a.twoStage!.stage1).toBe('kmeans');
    expect(a.twoStage!.sizes.length).toBe(20);
    expect(a.twoStage!.sizes.reduce((x, y) => x + y, 0)).toBe(150);
    expect(a.hclust.n).toBe(20);
    expect(a.hclust.linkage.at(-1)![3]).toBe(150);
    expect(a.hclustRows.length).toBe(150);
    expect(Array.from(a.hclustLabels).every((l) => l >= 0)).toBe(true);
    // rows of one centre share a cluster
    for (let i = 0; i < 150; i++) {
      const first = a.twoStage!.assignment.indexOf(a.twoStage!.assignment[i]!);
      expect(a.hclustLabels[i]).toBe(a.hclustLabels[first]);
    }
    // the dendrogram's leaves are the centres, marked with their row counts
    const spec = r.charts.find((c) => c.name === 'dendrogram')!.spec as unknown as {
      params: { name: string; value: string[] }[];
      description: string;
    };
    const leaves = spec.params.find((p) => p.name === 'leafLabels')!.value;
    expect(leaves).toHaveLength(20);
    expect(leaves.every((l) => /^\(\d+\)$/.test(l))).toBe(true);
    expect(leaves.reduce((s, l) => s + Number(l.slice(1, -1)), 0)).toBe(150);
    const json = r.toJSON() as { hierarchical: { twoStage: { centres: number; sizes: number[] } } };
    expect(json.hierarchical.twoStage.centres).toBe(20);
    expect(r.document.sections.map((s) => JSON.stringify(s)).join('')).toContain(
      'in two stages: the tree of 20 k-means centres weighted by their sizes',
    );
    expect(() => resolveReportOptions({ twoStage: 1 })).toThrow(
      "The 'twoStage' option of buildReport must be an integer >= 2. Got 1 instead.",
    );
  });

  it('buildReport(iris) refuses before any work when its memory plan exceeds the budget', () => {
    const previous = setMemoryBudget({ bytes: 9000, source: '--max-memory' });
    try {
      expect(() => buildReport(iris, { k: 3, twoStage: 20 })).toThrow(
        /^A report on 150 rows x 4 features \(its copies of the data, per-row results and charts, .* KiB; the criteria of k on 150 rows, .* MiB; the UMAP map, .* KiB; the hierarchical clustering of 20 centres, .* KiB\) would need about .* MiB of memory, but the budget is 8\.79 KiB \(--max-memory\)\. Instead: .*\{hclustMaxRows: N\}.*setMemoryBudget/,
      );
    } finally {
      setMemoryBudget(previous);
    }
  });

  it('resolveReportOptions rejects bad options with the one error template', () => {
    expect(() => resolveReportOptions({ k: 0 })).toThrow(
      new OptionError("The 'k' option of buildReport must be an integer >= 1. Got 0 instead."),
    );
    // @ts-expect-error: the method is typed as the linkage names; a JavaScript caller is checked
    expect(() => resolveReportOptions({ method: 'wrad' })).toThrow(
      /'method' option of buildReport/,
    );
    expect(() => resolveReportOptions({ nStarts: 3 } as never)).toThrow(/has no option 'nStarts'/);
    expect(() => resolveReportOptions({ nInit: 0 })).toThrow(
      "The 'nInit' option of buildReport must be an integer >= 1. Got 0 instead.",
    );
  });
});

describe('writeReport', () => {
  it('writeReport(path, report) writes the HTML, the specs, the JSON and the labels, byte-identically twice', async () => {
    const path = join(dir, 'iris.html');
    const written = await writeReport(path, report);
    const first = [written.html, written.json, written.labels, ...written.specs].map((f) =>
      readFileSync(f),
    );
    await writeReport(path, report);
    const second = [written.html, written.json, written.labels, ...written.specs].map((f) =>
      readFileSync(f),
    );
    expect(second).toEqual(first);
    expect(readdirSync(join(dir, 'iris.vl')).sort()).toEqual(
      report.charts.map((c) => `${c.name}.vl.json`).sort(),
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('.tmp'))).toEqual([]);
    const csv = readFileSync(written.labels, 'utf8').split('\n');
    expect(csv[0]).toBe('id,label,kmeans,hierarchical,PC1,PC2,UMAP1,UMAP2');
    expect(csv.length).toBe(152);
    expect(csv[1]).toMatch(/^1,setosa,C\d,C\d,-?\d/);
    const json = JSON.parse(readFileSync(written.json, 'utf8'));
    // each row's place on the UMAP map: the report's embedding
    const map = report.analysis.umap!.embedding;
    for (const i of [0, 77, 149]) {
      const cells = csv[i + 1]!.split(',');
      expect(Number(cells[6])).toBe(map.data[2 * i]);
      expect(Number(cells[7])).toBe(map.data[2 * i + 1]);
    }
    expect(json.hierarchical.linkage.length).toBe(149);
    expect(json.kmeans.labels.length).toBe(150);
    expect(json.manifest.input.file).toBe('iris.csv');
    for (const f of written.specs) {
      const spec = JSON.parse(readFileSync(f, 'utf8'));
      const text = JSON.stringify(spec);
      if (text.includes('"name":"rows"')) expect(spec.datasets.rows.length).toBe(150);
    }
  });

  it('writeReport(path) into a missing folder throws an OptionError before writing anything', async () => {
    await expect(writeReport(join(dir, 'nope', 'x.html'), report)).rejects.toThrow(OptionError);
  });
});
