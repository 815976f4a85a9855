// The density section of a report (the density option): HDBSCAN on three blobs and uniform noise.
import { describe, expect, it } from 'vitest';
import { NOISE_COLOR } from '../../src/charts/palette.js';
import { hdbscan } from '../../src/cluster/density/index.js';
import { scale } from '../../src/data/scale.js';
import { silhouetteSamples } from '../../src/metrics/silhouette.js';
import { buildReport, resolveReportOptions } from '../../src/report/build.js';
import { takeRows } from '../../src/report/columns.js';
import { reportLabelsCsv } from '../../src/report/results.js';
import { OptionError } from '../../src/util/errors.js';
import { blobsWithNoise } from './density-data.js';

describe('buildReport with the density option', () => {
  const data = blobsWithNoise();
  const report = buildReport(data, { k: 3, density: { minClusterSize: 10 } });
  const dn = report.analysis.density!;
  const n = report.analysis.n;

  it('runs HDBSCAN on the scaled features with the given sizes', () => {
    const Xs = scale(data, 'standard').scaled;
    const fit = hdbscan(Xs, { minClusterSize: 10 });
    expect(Array.from(dn.fit.labels)).toEqual(Array.from(fit.labels));
    expect(dn.fit.minSamples).toBe(10);
    expect(dn.fit.nClusters).toBe(3);
    expect(dn.fit.nNoise).toBeGreaterThan(5);
  });

  it('counts the noise in the summary and names the section', () => {
    const summary = report.document.sections[0]!.blocks[0]!;
    expect(summary.kind).toBe('table');
    const row = (summary as unknown as { rows: string[][] }).rows.find(
      (r) => r[0] === 'density clusters (HDBSCAN)',
    );
    expect(row?.[1]).toContain(`3 clusters and ${dn.fit.nNoise} noise rows`);
    const ids = report.document.sections.map((s) => s.id);
    expect(ids.slice(-2)).toEqual(['density', 'manifest']);
  });

  it('matches the clusters to the k-means colours and draws the noise grey', () => {
    // three well separated blobs: each HDBSCAN cluster is one k-means cluster
    const ids = new Set(dn.labels);
    expect([...ids].sort()).toEqual([-1, 0, 1, 2]);
    // each cluster takes the colour of the k-means cluster holding most of its rows
    const counts = [0, 1, 2].map(() => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      if (dn.labels[i]! >= 0) counts[dn.labels[i]!]![report.analysis.kmeans.labels[i]!]!++;
    }
    for (let c = 0; c < 3; c++) {
      expect(counts[c]![c]).toBe(Math.max(...counts[c]!));
      expect(counts[c]![c]).toBeGreaterThan(50);
    }
    const projection = report.charts.find((c) => c.name === 'density-projection')!;
    const text = JSON.stringify(projection.spec);
    expect(text).toContain(NOISE_COLOR);
    expect(text).toContain('"cluster":"noise"');
  });

  it('draws the condensed tree with the selected clusters marked, and the k-distance curve', () => {
    const tree = report.charts.find((c) => c.name === 'condensed-tree')!.spec as unknown as {
      data: { values: { cluster: string; selected: number; size: number }[] };
    };
    const values = tree.data.values;
    expect(values.length).toBe(dn.fit.clusters.parent.length);
    expect(values[0]!.size).toBe(n);
    expect(
      values
        .filter((v) => v.selected === 1)
        .map((v) => v.cluster)
        .sort(),
    ).toEqual(['C1', 'C2', 'C3']);
    const kd = report.charts.find((c) => c.name === 'k-distance')!.spec as unknown as {
      layer: { data: { values: { rank: number; distance: number }[] } }[];
    };
    const curve = kd.layer[0]!.data.values;
    expect(curve.length).toBe(n);
    for (let t = 1; t < n; t++)
      expect(curve[t]!.distance).toBeGreaterThanOrEqual(curve[t - 1]!.distance);
    expect(dn.kDistanceK).toBe(9);
  });

  it('computes the silhouettes without the noise rows', () => {
    const Xs = scale(data, 'standard').scaled;
    const rows = Int32Array.from(dn.clustered);
    const s = silhouetteSamples(
      takeRows(Xs, rows),
      Int32Array.from(rows, (i) => dn.labels[i]!),
    );
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    expect(dn.silhouetteMean).toBeCloseTo(mean, 12);
    expect(dn.silhouetteRows).toBe(n - dn.fit.nNoise);
    for (let i = 0; i < n; i++) {
      expect(Number.isNaN(dn.silhouette[i]!)).toBe(dn.labels[i] === -1);
    }
    // the profiles count only the clustered rows
    expect(Array.from(dn.sizes).reduce((a, b) => a + b, 0)).toBe(n - dn.fit.nNoise);
    const section = report.document.sections.find((s) => s.id === 'density')!;
    expect(JSON.stringify(section.blocks)).toContain('computed without the noise rows');
  });

  it('gives the agreement tables a noise row', () => {
    const spec = report.charts.find((c) => c.name === 'density-agreement')!.spec as unknown as {
      hconcat: { data: { values: { r: string; c: string; n: number }[] } }[];
    };
    expect(spec.hconcat.length).toBe(2);
    for (const unit of spec.hconcat) {
      const noise = unit.data.values.filter((v) => v.r === 'noise');
      expect(noise.reduce((a, v) => a + v.n, 0)).toBe(dn.fit.nNoise);
    }
  });

  it('writes the labels, probabilities and outlier scores to the JSON and the labels file', () => {
    const json = JSON.parse(JSON.stringify(report.toJSON())) as {
      density: {
        labels: string[];
        probabilities: number[];
        outlierScores: number[];
        nNoise: number;
      };
      manifest: { options: { density: unknown } };
    };
    expect(json.density.labels.filter((l) => l === 'noise').length).toBe(dn.fit.nNoise);
    expect(json.density.probabilities).toEqual(Array.from(dn.fit.probabilities));
    expect(json.density.outlierScores).toEqual(Array.from(dn.fit.outlierScores));
    expect(json.manifest.options.density).toEqual({ minClusterSize: 10, minSamples: 10 });
    const csv = reportLabelsCsv(report).split('\n');
    expect(csv[0]).toBe('id,label,kmeans,hierarchical,hdbscan,PC1,PC2');
    const noiseRows = csv.slice(1).filter((line) => line.split(',')[4] === 'noise');
    expect(noiseRows.length).toBe(dn.fit.nNoise);
  });

  it('leaves a report without the option as it was', () => {
    const plain = buildReport(data, { k: 3 });
    expect(plain.analysis.density).toBeUndefined();
    expect(plain.charts.some((c) => c.name.startsWith('density') || c.name === 'k-distance')).toBe(
      false,
    );
    expect('density' in plain.manifest.options).toBe(false);
    expect('density' in plain.toJSON()).toBe(false);
  });

  it('refuses bad density options with the option named', () => {
    expect(() => resolveReportOptions({ density: { minClusterSize: 1 } })).toThrow(
      /'density.minClusterSize' option of buildReport/,
    );
    expect(() => resolveReportOptions({ density: { minSamples: 0 } })).toThrow(
      /'density.minSamples' option of buildReport/,
    );
    expect(() =>
      resolveReportOptions({ density: { eps: 1 } as unknown as { minSamples: number } }),
    ).toThrow(/has no field 'eps'/);
    expect(() =>
      resolveReportOptions({ density: null as unknown as { minSamples: number } }),
    ).toThrow(OptionError);
    expect(() => buildReport(data, { k: 3, density: { minSamples: 500 } })).toThrow(
      /'density.minSamples' option of buildReport must be at most the number of rows \(210\)/,
    );
    expect(resolveReportOptions({ density: {} }).density).toEqual({
      minClusterSize: 5,
      minSamples: 5,
    });
  });
});
