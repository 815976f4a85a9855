/**
 * The UMAP map of a report (the `projection` option): on by default from 3 feature columns up
 * to 100,000 rows, off with ['pca']; the map is `umap()` of the scaled features with the report's
 * seed, in NAME.json beside PCA with its settings; one chart with the PCA and UMAP views over the
 * shared sample table and linked selections; the memory plan counts it; --static renders it; the
 * CLI flag --projection.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { umap } from '../../src/projection/umap/index.js';
import { buildReport, planReport } from '../../src/report/build.js';
import { renderHtml } from '../../src/report/html.js';
import { resolveReportOptions } from '../../src/report/options.js';
import { OptionError } from '../../src/util/errors.js';
import { cli } from '../cli/helpers.js';

let iris: Dataset;
beforeAll(async () => {
  iris = await loadDataset('datasets/iris.csv', { label: 'species' });
});

interface UnitSpec {
  name: string;
  params?: { name: string; select: unknown; bind?: string }[];
  encoding: { x: { field: string }; y: { field: string }; opacity: unknown; stroke: unknown };
  transform?: unknown[];
}

describe('the UMAP map of a report', () => {
  it('buildReport(iris, {k: 3}) maps the scaled features with the report seed; NAME.json holds the map and its settings', () => {
    const report = buildReport(iris, { k: 3, seed: 5 });
    const want = umap(scale(iris, { method: 'standard' }).scaled, { seed: 5 });
    const json = report.toJSON() as {
      umap: Record<string, unknown> & { embedding: number[][] };
      manifest: { options: { projection: string[] } };
    };
    expect(json.umap).toMatchObject({
      type: 'umap',
      nNeighbors: 15,
      nComponents: 2,
      minDist: 0.1,
      spread: 1,
      nEpochs: 500,
      metric: 'euclidean',
      init: want.init,
      seed: 5,
      a: want.a,
      b: want.b,
      nGraphComponents: want.nGraphComponents,
    });
    expect(json.umap.embedding).toHaveLength(150);
    expect(json.umap.embedding.flat()).toEqual(Array.from(want.embedding.data));
    expect(json.manifest.options.projection).toEqual(['pca', 'umap']);
    // the text under the map states the seed and the parameters, and what the map does not show
    const section = report.document.sections.find((s) => s.id === 'projection')!;
    const text = section.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join(' ');
    expect(text).toContain(
      `seed 5, n_neighbors 15, min_dist 0.1, spread 1, 500 epochs, init ${want.init}`,
    );
    expect(text).toContain('metric euclidean');
    expect(text).toMatch(/distances between clusters on the map, their sizes and their densities/);
    expect(text).toMatch(/another seed moves/);
  });

  it('one chart: the PCA and UMAP views over the shared sample table, with linked selections', () => {
    const report = buildReport(iris, { k: 3 });
    const chart = report.charts.find((c) => c.name === 'umap')!;
    const projection = report.charts.find((c) => c.name === 'projection')!;
    const spec = chart.spec as unknown as {
      datasets: { rows: Record<string, unknown>[] };
      hconcat: UnitSpec[];
    };
    // the same array as the projection's: the page holds the table once
    expect(spec.datasets.rows).toBe(
      (projection.spec as unknown as { datasets: { rows: unknown } }).datasets.rows,
    );
    const row = spec.datasets.rows[0]!;
    const fit = report.analysis.umap!;
    expect(row.umap1).toBe(Number(fit.embedding.data[0]!.toPrecision(6)));
    expect(row.umap2).toBe(Number(fit.embedding.data[1]!.toPrecision(6)));
    expect(Object.keys(row)).toEqual(expect.arrayContaining(['id', 'cluster', 'pc1', 'pc2']));
    const [pcaView, umapView] = spec.hconcat;
    expect([pcaView!.name, umapView!.name]).toEqual(['pca', 'umap']);
    expect([pcaView!.encoding.x.field, pcaView!.encoding.y.field]).toEqual(['pc1', 'pc2']);
    expect([umapView!.encoding.x.field, umapView!.encoding.y.field]).toEqual(['umap1', 'umap2']);
    expect(pcaView!.params!.map((p) => p.name)).toEqual(['pick', 'hover', 'brush']);
    expect(umapView!.params!.map((p) => p.name)).toEqual(['uhover', 'ubrush']);
    // both views fade and ring by the same selections
    expect(umapView!.encoding.opacity).toEqual(pcaView!.encoding.opacity);
    expect(umapView!.encoding.stroke).toEqual(pcaView!.encoding.stroke);
    expect(JSON.stringify(pcaView!.encoding.opacity)).toContain('"ubrush"');
  });

  it("projection ['pca'] leaves the map out; the default leaves it out below 3 features", async () => {
    const off = buildReport(iris, { k: 3, projection: ['pca'] });
    expect(off.analysis.umap).toBeUndefined();
    expect(off.charts.map((c) => c.name)).not.toContain('umap');
    const json = off.toJSON() as Record<string, unknown> & {
      manifest: { options: { projection: string[] } };
    };
    expect('umap' in json).toBe(false);
    expect(json.manifest.options.projection).toEqual(['pca']);
    const two = await loadDataset('datasets/iris.csv', {
      label: 'species',
      features: ['sepal_length', 'sepal_width'],
    });
    expect(buildReport(two, { k: 3 }).analysis.umap).toBeUndefined();
    expect(buildReport(two, { k: 3, projection: ['pca', 'umap'] }).analysis.umap).toBeDefined();
  });

  it('the projection option is checked once, with the one error template', () => {
    expect(resolveReportOptions({ projection: ['umap', 'pca'] }).projection).toEqual([
      'pca',
      'umap',
    ]);
    for (const bad of [['umap'], ['pca', 'tsne'], 'pca', [], ['pca', 'pca'], null]) {
      expect(() => resolveReportOptions({ projection: bad as never })).toThrow(OptionError);
      expect(() => resolveReportOptions({ projection: bad as never })).toThrow(
        /^The 'projection' option of buildReport must be \['pca'\] or \['pca', 'umap'\]/,
      );
    }
  });

  it('the memory plan counts the map: 100 bytes per neighbour entry and 256 per row', () => {
    const on = planReport(50_000, 8, { k: 3 });
    const off = planReport(50_000, 8, { k: 3, projection: ['pca'] });
    expect(on.umap).toBe(100 * 50_000 * 15 + 256 * 50_000);
    expect(off.umap).toBe(0);
    expect(on.bytes - off.bytes).toBe(on.umap);
    // beyond 100,000 rows the default leaves it out
    expect(planReport(200_000, 8, { k: 3, hclustMaxRows: 100 }).umap).toBe(0);
  });

  it('above densityAbove the views draw the seeded sample of the table; --static renders the map as SVG', async () => {
    // silhouettes of 60 rows: the table holds them and the 40 points, which it flags
    const report = buildReport(iris, {
      k: 3,
      densityAbove: 100,
      densitySample: 40,
      silhouetteMaxRows: 60,
    });
    const spec = report.charts.find((c) => c.name === 'umap')!.spec as unknown as {
      datasets: { rows: { pt?: number; umap1?: number }[] };
      hconcat: UnitSpec[];
      description: string;
    };
    const rows = spec.datasets.rows;
    expect(rows.filter((r) => r.pt === 1)).toHaveLength(40);
    expect(rows.every((r) => typeof r.umap1 === 'number')).toBe(true);
    for (const view of spec.hconcat) expect(view.transform).toEqual([{ filter: 'datum.pt === 1' }]);
    expect(spec.description).toContain('a seeded sample of 40 of 150 samples');
    const html = await renderHtml(report.document, { static: true });
    const figure = html.match(/<figure class="chart" data-chart="umap">([\s\S]*?)<\/figure>/);
    expect(figure).not.toBeNull();
    expect(figure![1]).toMatch(/^<svg /);
    expect(figure![1]).toContain('UMAP 1');
    expect(html).not.toContain('<script');
  });

  it('clusterlens report --projection: pca or pca,umap; anything else is one line naming the flag', async () => {
    for (const value of ['umap', 'pca,tsne', '']) {
      const r = await cli(['report', 'datasets/iris.csv', '--projection', value]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `clusterlens: error: --projection must be 'pca' or 'pca,umap' (PCA is always drawn). Got '${value}' instead.\n`,
      );
    }
  });
});
