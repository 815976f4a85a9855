import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { hclust } from '../../src/cluster/hclust/index.js';
import { hclustFromLinkage } from '../../src/cluster/hclust/tree.js';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { OptionError } from '../../src/util/errors.js';

let iris: Dataset;
let wine: Dataset;
let dir: string;

beforeAll(async () => {
  iris = await loadDataset('datasets/iris.csv', { label: 'species' });
  wine = await loadDataset('datasets/wine.csv', { label: 'cultivar' });
  dir = mkdtempSync(join(tmpdir(), 'clusterlens-given-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildReport with fits made by the caller', () => {
  it('uses the given k-means, tree and PCA as they are, and takes k from the k-means fit', () => {
    const { scaled } = scale(iris, 'standard');
    const km = kmeans(scaled, { k: 4, seed: 7, nInit: 2 });
    const tree = hclust(scaled, { method: 'average' });
    const fit = pca(scaled, { components: 2 });
    const report = buildReport(iris, { kmeans: km, hclust: tree, pca: fit });
    const a = report.analysis;
    expect(a.kmeans).toBe(km);
    expect(a.hclust).toBe(tree);
    expect(a.pca).toBe(fit);
    expect(a.k).toBe(4);
    expect(a.kSource).toBe('fit');
    expect(a.given).toEqual(['kmeans', 'hclust', 'pca']);
    expect(a.hclustRows).toHaveLength(150);
    // the scree shows the given fit's two components
    const scree = report.charts.find((c) => c.name === 'scree')!;
    expect(JSON.stringify(scree.spec)).toContain('PC2');
    expect(JSON.stringify(scree.spec)).not.toContain('PC3');
    const summary = report.document.sections[0]!.blocks[0]!;
    expect(JSON.stringify(summary)).toContain('k = 4, from the given k-means fit');
    expect(JSON.stringify(report.document)).toContain('average linkage (the given tree)');
    expect(JSON.stringify(report.document)).toContain('(the given fit: 2 restarts, seed 7)');
    // the manifest names the given fits, it does not copy them
    expect(report.manifest.options.given).toEqual(['kmeans', 'hclust', 'pca']);
    expect(JSON.stringify(report.manifest)).not.toContain('centroids');
  });

  it('the fits the report would make, given, give the same numbers as the report making them', () => {
    const { scaled } = scale(iris, 'standard');
    const own = buildReport(iris, { k: 3 });
    const given = buildReport(iris, {
      kmeans: kmeans(scaled, { k: 3, seed: 0 }),
      hclust: hclust(scaled, { method: 'ward' }),
      pca: pca(scaled, { components: 4 }),
    });
    const a = own.analysis;
    const b = given.analysis;
    expect(Array.from(b.kmeans.labels)).toEqual(Array.from(a.kmeans.labels));
    expect(Array.from(b.hclustLabels)).toEqual(Array.from(a.hclustLabels));
    expect(b.ariHclust).toBe(a.ariHclust);
    expect(b.ariLabel).toBe(a.ariLabel);
    expect(b.silhouetteMean).toBe(a.silhouetteMean);
    expect(Array.from(b.anovaF)).toEqual(Array.from(a.anovaF));
    expect(Array.from(b.pca.scores.data)).toEqual(Array.from(a.pca.scores.data));
    // the criteria of k are still shown, for comparison
    expect(b.kChoice?.recommended).toBe(a.kChoice?.recommended);
  });

  it('a tree from hclustFromLinkage is named as a given linkage matrix', () => {
    const { scaled } = scale(iris, 'standard');
    const tree = hclustFromLinkage(hclust(scaled, { method: 'complete' }).linkage);
    const report = buildReport(iris, { k: 3, hclust: tree });
    expect(report.analysis.hclust).toBe(tree);
    expect(report.document.subtitle).toContain('a given linkage matrix');
  });

  it('nInit sets the restarts of every k-means fit and is recorded in the manifest', () => {
    const report = buildReport(iris, { k: 3, nInit: 1 });
    expect(report.analysis.kmeans.nInit).toBe(1);
    expect(report.manifest.options.nInit).toBe(1);
    expect(buildReport(iris, { k: 3 }).manifest.options.nInit).toBe(10);
  });

  it('refuses fits of other data, naming the option and both shapes', () => {
    const wineScaled = scale(wine, 'standard').scaled;
    const irisScaled = scale(iris, 'standard').scaled;
    const cases: [Parameters<typeof buildReport>[1], string][] = [
      [
        { kmeans: kmeans(wineScaled, { k: 3, seed: 0 }) },
        "The 'kmeans' option of buildReport is a fit of other data: it has 178 labels, but the data has 150 rows and 4 features. Fit it on the scaled features of this dataset.",
      ],
      [
        { hclust: hclust(wineScaled) },
        "The 'hclust' option of buildReport is a fit of other data: its tree has 178 leaves, but the data has 150 rows and 4 features. Fit it on the scaled features of this dataset.",
      ],
      [
        { pca: pca(wineScaled) },
        "The 'pca' option of buildReport is a fit of other data: it has 13 features, but the data has 150 rows and 4 features. Fit it on the scaled features of this dataset.",
      ],
      [
        { pca: pca(scale(iris).dataset!, { components: 2 }) },
        '', // the same data: accepted
      ],
    ];
    for (const [options, text] of cases) {
      if (text === '') expect(() => buildReport(iris, options)).not.toThrow();
      else expect(() => buildReport(iris, options)).toThrow(new OptionError(text));
    }
    // a k-means fit with one feature too many
    const kmIris = kmeans(irisScaled, { k: 2, seed: 0 });
    const widened = { ...kmIris, centroids: kmIris.centroids.map((c) => [...c, 0]) };
    expect(() => buildReport(iris, { kmeans: widened })).toThrow(
      /'kmeans' option .*its centroids have 5 values, but the data has 150 rows and 4 features/,
    );
    // a weighted tree (two stages) of 150 leaves holding more points
    const weighted = hclust(irisScaled, { weights: new Array(150).fill(2) });
    expect(() => buildReport(iris, { hclust: weighted })).toThrow(
      /its tree holds 300 points in 150 leaves \(a weighted tree\)/,
    );
  });

  it('refuses options that contradict the given fits', () => {
    const { scaled } = scale(iris, 'standard');
    const km = kmeans(scaled, { k: 3, seed: 0 });
    expect(() => buildReport(iris, { kmeans: km, k: 4 })).toThrow(
      "The 'k' option of buildReport (4) differs from the k of the given k-means fit (3); leave 'k' out or give a fit with k = 4.",
    );
    expect(() => buildReport(iris, { kmeans: km, k: 3 })).not.toThrow();
    const tree = hclust(scaled, { method: 'average' });
    expect(() => buildReport(iris, { k: 3, hclust: tree, method: 'ward' })).toThrow(
      "The 'method' option of buildReport ('ward') differs from the method of the given tree ('average'); leave 'method' out or give a tree of that method.",
    );
    expect(() => buildReport(iris, { k: 3, hclust: tree, method: 'upgma' })).not.toThrow();
    expect(() => buildReport(iris, { k: 3, hclust: tree, twoStage: 20 })).toThrow(
      /either a tree \(the 'hclust' option\) or builds one in two stages/,
    );
    expect(() => buildReport(iris, { kmeans: { k: 3 } as never })).toThrow(
      "The 'kmeans' option of buildReport must be a k-means result (kmeans()). Got object instead.",
    );
  });
});

describe('writeReport', () => {
  it('refuses a path that does not end in .html, writing nothing', async () => {
    const report = buildReport(iris, { k: 3, nInit: 1 });
    for (const name of ['r.htm', 'r.html.txt', 'r', 'r.json']) {
      await expect(writeReport(join(dir, name), report)).rejects.toThrow(
        new OptionError(
          'A report is written to a path ending in .html (its JSON, labels and specs go next to ' +
            `it, named after it); got '${join(dir, name)}'.`,
        ),
      );
    }
    expect(readdirSync(dir)).toEqual([]);
    const written = await writeReport(join(dir, 'R.HTML'), report);
    expect(written.json).toBe(join(dir, 'R.json'));
    expect(existsSync(join(dir, 'R.labels.csv'))).toBe(true);
  });
});
