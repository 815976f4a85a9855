import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kmeansCommand, parseK } from '../../src/cli/kmeans.js';
import { cli, collectingContext } from './helpers.js';

// scikit-learn 1.2.1 KMeans on the standardized iris (test/fixtures/kmeans/make_kmeans.py).
const fixture = JSON.parse(readFileSync('test/fixtures/kmeans/kmeans.json', 'utf8'));

describe('clusterlens kmeans', () => {
  it('clusterlens kmeans iris.csv --label species --scale standard --k 3 --out labels.csv writes KMeans labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-kmeans-'));
    const path = join(dir, 'labels.csv');
    const c = collectingContext();
    await kmeansCommand(
      'datasets/iris.csv',
      { label: 'species', scale: 'standard', k: '3', out: path },
      c.ctx,
    );
    const ref = fixture.datasets.iris.runs.find(
      (r: { k: number; seed: number; algorithm: string; init: string }) =>
        r.k === 3 && r.seed === 0 && r.algorithm === 'lloyd' && r.init === 'k-means++',
    );
    expect(c.out()).toMatch(
      /150 rows, 4 columns, scaled \(standard\); k = 3, lloyd, 10 runs, seed 0/,
    );
    expect(c.out()).toContain(`${ref.iterations} iterations`);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,label,kmeans');
    expect(lines[1]).toMatch(/^1,setosa,C\d$/);
    // cluster C(l + 1) is label l
    expect(lines.slice(1).map((l) => Number(l.split(',')[2]!.slice(1)) - 1)).toEqual(ref.labels);
  });

  it('clusterlens kmeans wine.csv --label cultivar --scale standard --k 2..5 --json prints the k table and the recommended fit', async () => {
    const c = collectingContext();
    await kmeansCommand(
      'datasets/wine.csv',
      { label: 'cultivar', scale: 'standard', k: '2..5', nInit: '3', json: true },
      c.ctx,
    );
    const out = JSON.parse(c.out());
    expect(out.chooseK.table.map((r: { k: number }) => r.k)).toEqual([2, 3, 4, 5]);
    expect(out.k).toBe(out.chooseK.recommended);
    expect(out.labels).toHaveLength(178);
    expect(out.sizes.reduce((a: number, b: number) => a + b, 0)).toBe(178);
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('clusterlens kmeans penguins.csv --k 2..4 prints the criteria, picks and recommendation', async () => {
    const c = collectingContext();
    await kmeansCommand(
      'datasets/penguins.csv',
      { label: 'species', exclude: 'island,sex', scale: 'standard', k: '2..4', nInit: '2' },
      c.ctx,
    );
    expect(c.out()).toMatch(/silhouette/);
    expect(c.out()).toMatch(/recommended: k=\d is picked by/);
    expect(c.out()).toMatch(/342 rows, 4 columns/);
  });

  it('clusterlens kmeans with a bad --k exits with status 1 and one line', async () => {
    const r = await cli(['kmeans', 'datasets/iris.csv', '--label', 'species', '--k', 'three']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("--k must be an integer >= 1 or a range a..b. Got 'three' instead.");
    expect(parseK('2..10')).toEqual({ range: [2, 10] });
    expect(() => parseK('5..2')).toThrow(/1 <= a < b/);
  });

  it('clusterlens kmeans iris.csv --scale standard --k 3 prints the cluster means in the units of the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-kmeans-'));
    const path = join(dir, 'labels.csv');
    const c = collectingContext();
    await kmeansCommand(
      'datasets/iris.csv',
      { label: 'species', scale: 'standard', k: '3', out: path },
      c.ctx,
    );
    // the means of the rows of each cluster, from the raw file and the labels file
    const raw = readFileSync('datasets/iris.csv', 'utf8').trimEnd().split('\n').slice(1);
    const clusters = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1);
    const sums = new Map<string, { n: number; sum: number[] }>();
    raw.forEach((line, i) => {
      const values = line.split(',').slice(0, 4).map(Number);
      const cluster = clusters[i]!.split(',')[2]!;
      const s = sums.get(cluster) ?? { n: 0, sum: [0, 0, 0, 0] };
      s.n++;
      values.forEach((v, j) => {
        s.sum[j]! += v;
      });
      sums.set(cluster, s);
    });
    const text = c.out();
    expect(text).toContain('cluster means (units of the input):');
    const table = text.slice(text.indexOf('cluster means')).split('\n');
    expect(table[1]).toMatch(/^feature +C1 +C2 +C3$/);
    const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
    names.forEach((name, j) => {
      const cells = table[2 + j]!.trim().split(/ +/);
      expect(cells[0]).toBe(name);
      for (const [c, cluster] of ['C1', 'C2', 'C3'].entries()) {
        const s = sums.get(cluster)!;
        expect(Number(cells[1 + c])).toBeCloseTo(s.sum[j]! / s.n, 4);
      }
    });
    // --json: centroids in the scaled coordinates of the fit, means in the input's units, and
    // the means are the centroids with the scaling undone
    const j = collectingContext();
    await kmeansCommand(
      'datasets/iris.csv',
      { label: 'species', scale: 'standard', k: '3', json: true },
      j.ctx,
    );
    const out = JSON.parse(j.out());
    const { scale } = await import('../../src/data/scale.js');
    const { loadDataset } = await import('../../src/data/load.js');
    const fitted = scale(await loadDataset('datasets/iris.csv', { label: 'species' }), 'standard');
    const undone = fitted.inverseTransform(out.centroids as number[][]);
    out.means.flat().forEach((m: number, i: number) => {
      expect(Math.abs(m - undone.data[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(m));
    });
    expect(out.centroids[0][0]).not.toBeCloseTo(out.means[0][0], 1);
  });

  it('clusterlens kmeans on a wide table shows the first 20 means and says how many are left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-kmeans-'));
    const path = join(dir, 'wide.csv');
    const header = Array.from({ length: 25 }, (_, j) => `f${j + 1}`).join(',');
    const rows = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 25 }, (_, j) => (i < 6 ? 0 : 10) + ((i * 7 + j) % 5)).join(','),
    );
    writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
    const c = collectingContext();
    await kmeansCommand(path, { k: '2' }, c.ctx);
    expect(c.out()).toMatch(/^f20 /m);
    expect(c.out()).not.toMatch(/^f21 /m);
    expect(c.out()).toContain('... and 5 more features (every one in --json)');
  });
});
