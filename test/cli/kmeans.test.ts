import { mkdtempSync, readFileSync } from 'node:fs';
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
});
