import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { collectingContext } from './helpers.js';

const sk = JSON.parse(
  readFileSync(new URL('../fixtures/pca/sklearn.json', import.meta.url), 'utf8'),
);

describe('clusterlens pca', () => {
  it('clusterlens pca iris.csv --label species --scale --out scores.csv writes the scores of pca()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-pca-'));
    const path = join(dir, 'scores.csv');
    const c = collectingContext();
    const status = await run(
      ['pca', 'datasets/iris.csv', '--label', 'species', '--scale', '--out', path],
      c.io,
    );
    expect(c.err()).toBe('');
    expect(status).toBe(0);
    expect(c.out()).toContain('solver covariance');
    expect(c.out()).toMatch(/PC1\s+2\.93809\s+0\.7296\s+0\.7296/);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('species,PC1,PC2');
    expect(lines.length).toBe(151);
    const want = pca(sk.iris.X, { scale: true, components: 2 }).scores;
    const [label, a, b] = lines[1]!.split(',');
    expect(label).toBe('setosa');
    expect(Number(a)).toBe(want.data[0]);
    expect(Number(b)).toBe(want.data[1]);
  });

  it('clusterlens pca wine.csv --label cultivar --variance 0.95 --json prints the model', async () => {
    const c = collectingContext();
    const status = await run(
      [
        'pca',
        'datasets/wine.csv',
        '--label',
        'cultivar',
        '--variance',
        '0.95',
        '--scale',
        '--json',
      ],
      c.io,
    );
    expect(status).toBe(0);
    const out = JSON.parse(c.out());
    expect(out.model.type).toBe('pca');
    expect(out.model.components.length).toBe(sk.wine.standardized.componentsForVariance['0.95']);
    expect(out.model.explainedVarianceRatio[0]).toBeCloseTo(
      sk.wine.standardized.explainedVarianceRatio[0],
      12,
    );
  });

  it('clusterlens pca with bad flags exits 1 with one line', async () => {
    for (const args of [
      ['pca', 'datasets/iris.csv', '--label', 'species', '--components', '9'],
      ['pca', 'datasets/iris.csv', '--label', 'species', '--components', 'two'],
      ['pca', 'datasets/iris.csv', '--components', '2', '--variance', '0.9'],
    ]) {
      const c = collectingContext();
      expect(await run(args, c.io)).toBe(1);
      expect(c.err().trim().split('\n').length).toBe(1);
    }
  });
});
