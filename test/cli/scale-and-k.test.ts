/**
 * The flags of choosing k and of scaling across commands: `report --k a..b`, what `kmeans --k a..b`
 * says about k = 1 and the edges of the range, and `--scale` with its one default (standard) on
 * kmeans, hclust, pca and report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { RandomState } from '../../src/util/random.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-scale-k-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function csv(name: string, header: string[], rows: number[][]): string {
  const path = join(folder, name);
  writeFileSync(path, `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

const rng = new RandomState(11);
const uniformFile = csv(
  'uniform.csv',
  ['a', 'b', 'c'],
  Array.from({ length: 300 }, () => [rng.randomSample(), rng.randomSample(), rng.randomSample()]),
);
// income in the thousands, age in units: unscaled distances are income's
const unequalFile = csv(
  'unequal.csv',
  ['income', 'age'],
  Array.from({ length: 60 }, (_, i) => [1000 * (i % 2) + 80 * rng.gauss(), 40 + rng.gauss()]),
);

describe('report --k a..b', () => {
  it('report iris --k 2..6 chooses among 2..6', async () => {
    const out = join(folder, 'iris-range.html');
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--label',
      'species',
      '--k',
      '2..6',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(folder, 'iris-range.json'), 'utf8'));
    expect(json.chooseK.table.map((row: { k: number }) => row.k)).toEqual([2, 3, 4, 5, 6]);
    expect(json.chooseK.rangeSource).toBe('given');
    expect(json.k).toBe(json.chooseK.recommended);
    expect(json.manifest.options.k).toEqual([2, 6]);
  });

  it('report iris --k 6..2 exits 1 with one line', async () => {
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--k',
      '6..2',
      '--out',
      join(folder, 'x.html'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "clusterlens: error: --k must be an integer >= 1 or 'auto' or a range a..b (a range a..b needs 1 <= a < b). Got '6..2' instead.\n",
    );
  });
});

describe('kmeans --k a..b', () => {
  it('on uniform data says there is no clear cluster structure, with the gap at k = 1 and H', async () => {
    const r = await cli(['kmeans', uniformFile, '--k', '2..6', '--n-init', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /\nNo clear cluster structure: the gap statistic picks k = 1 .*; the Hopkins statistic H = 0\.\d+ \(30 sampled rows/,
    );
  });

  it('on iris says k = 1 is ruled out, and --json carries the structure and the caveats', async () => {
    const r = await cli([
      'kmeans',
      'datasets/iris.csv',
      '--label',
      'species',
      '--k',
      '2..3',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.chooseK.structure.clear).toBe(true);
    expect(out.chooseK.structure.hopkins.sampleSize).toBe(15);
    expect(out.chooseK.range).toEqual([2, 3]);
    // k = 2 is the bottom of 2..3, but k = 1 was judged and ruled out: no caveat
    expect(out.chooseK.recommended).toBe(2);
    expect(out.chooseK.caveats).toEqual([]);
  });
});

describe('--scale on every command, standard by default', () => {
  it('kmeans and hclust without --scale equal --scale standard', async () => {
    for (const argv of [
      ['kmeans', 'datasets/wine.csv', '--label', 'cultivar', '--k', '3', '--n-init', '2', '--json'],
      ['hclust', 'datasets/wine.csv', '--label', 'cultivar', '--k', '3', '--json'],
    ]) {
      const plain = await cli(argv);
      const standard = await cli([...argv, '--scale', 'standard']);
      expect(plain.code, plain.stderr).toBe(0);
      const a = JSON.parse(plain.stdout);
      const b = JSON.parse(standard.stdout);
      expect(a.options.scale).toBe('standard');
      expect(a.labels).toEqual(b.labels);
      const none = JSON.parse((await cli([...argv, '--scale', 'none'])).stdout);
      expect(none.options.scale).toBe('none');
      expect(none.labels).not.toEqual(a.labels);
    }
  });

  it('pca: no flag, --scale and --scale standard are the correlation PCA; none, minmax and robust as said', async () => {
    const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
    const model = async (extra: string[]) => {
      const r = await cli(['pca', 'datasets/iris.csv', '--label', 'species', '--json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as {
        options: { scale: string };
        model: { explainedVarianceRatio: number[]; components: number[][] };
      };
    };
    const plain = await model([]);
    expect(plain.options.scale).toBe('standard');
    expect(plain.model.explainedVarianceRatio).toEqual(
      Array.from(pca(iris, { scale: true, components: 2 }).explainedVarianceRatio),
    );
    expect((await model(['--scale'])).model).toEqual(plain.model);
    expect((await model(['--scale', 'standard'])).model).toEqual(plain.model);
    const none = await model(['--scale', 'none']);
    expect(none.model.explainedVarianceRatio).toEqual(
      Array.from(pca(iris, { components: 2 }).explainedVarianceRatio),
    );
    for (const method of ['minmax', 'robust'] as const) {
      const m = await model(['--scale', method]);
      expect(m.options.scale).toBe(method);
      expect(m.model.explainedVarianceRatio).toEqual(
        Array.from(pca(scale(iris, { method }).scaled, { components: 2 }).explainedVarianceRatio),
      );
    }
    const bad = await cli(['pca', 'datasets/iris.csv', '--scale', 'zscore']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--scale none with variances 100x apart warns on every command, naming the dominant feature', async () => {
    for (const argv of [
      ['kmeans', unequalFile, '--k', '2'],
      ['hclust', unequalFile, '--k', '2'],
      ['pca', unequalFile],
      ['report', unequalFile, '--k', '2', '--out', join(folder, 'unequal.html')],
    ]) {
      const r = await cli([...argv, '--scale', 'none']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr, argv[0]).toMatch(
        /^clusterlens: warning: \w+: the features are not scaled and their variances differ by [\d.e+]+ times: 'income' \(variance [\d.e+]+, [\d.]+% of the total\) dominates the distances, 'age' \(variance [\d.]+\) counts for almost nothing; (--scale|scale 'standard')/,
      );
      const scaled = await cli(argv);
      expect(scaled.stderr, argv[0]).toBe('');
    }
  });
});
