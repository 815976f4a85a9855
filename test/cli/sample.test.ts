import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSample } from '../../src/data/sample.js';
import { buildReport } from '../../src/report/build.js';
import { collectingLogger, setLogger } from '../../src/util/log.js';
import { cli } from './helpers.js';

// numpy's reservoir samples of the complete rows of iris-columnar.csv
// (test/fixtures/columnar/make_sample.py)
const reference = JSON.parse(readFileSync('test/fixtures/columnar/sample.json', 'utf8')) as {
  of: number;
  cases: { n: number; seed: number; features: number[][] }[];
};
const dir = 'test/fixtures/columnar';
const common = ['--label', 'species', '--missing', 'drop', '--exclude', 'measured,in_bloom'];

describe('--sample N of the commands that load data', () => {
  it('pca FILE --sample 20 --seed 5 --json fits the seeded sample, and its JSON says so', async () => {
    const c = reference.cases.find((r) => r.n === 20 && r.seed === 5)!;
    for (const file of ['iris-columnar.csv', 'iris-zstd.parquet', 'iris.arrow']) {
      const r = await cli([
        'pca',
        `${dir}/${file}`,
        ...common,
        '--sample',
        '20',
        '--seed',
        '5',
        '--scale',
        'none',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.sample).toEqual({ rows: 20, of: reference.of, seed: 5 });
      expect(out.rows).toBe(20);
      // the model's centre is the mean of the reference sample's rows
      const cols = c.features[0]!.length;
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (const row of c.features) sum += row[j]!;
        expect(out.model.mean[j]).toBeCloseTo(sum / 20, 6);
      }
      // and the library reads the same rows
      const d = await loadSample(`${dir}/${file}`, 20, {
        seed: 5,
        label: 'species',
        missing: 'drop',
        exclude: ['measured', 'in_bloom'],
      });
      expect(Array.from(d.features.data)).toEqual(c.features.flat());
    }
  });

  it('the density commands take --seed for their sample; without --sample the JSON has no sample', async () => {
    const a = await cli([
      'hdbscan',
      `${dir}/iris.arrow`,
      ...common,
      '--sample',
      '100',
      '--seed',
      '7',
      '--json',
    ]);
    expect(a.code, a.stderr).toBe(0);
    const c = reference.cases.find((r) => r.n === 100 && r.seed === 7)!;
    expect(JSON.parse(a.stdout).sample).toEqual({ rows: c.n, of: reference.of, seed: 7 });
    const b = await cli(['hdbscan', `${dir}/iris.arrow`, ...common, '--json']);
    expect(JSON.parse(b.stdout).sample).toBeUndefined();
    expect(JSON.parse(b.stdout).rows).toBe(reference.of);
  });

  it('report and hclust take the shared --sample too (their O(n^2) samples are --subsample)', async () => {
    const c = reference.cases.find((r) => r.n === 20 && r.seed === 5)!;
    const folder = mkdtempSync(join(tmpdir(), 'clusterlens-sample-'));
    const out = join(folder, 'r.html');
    const r = await cli([
      'report',
      `${dir}/iris-columnar.csv`,
      ...common,
      '--sample',
      '20',
      '--seed',
      '5',
      '--k',
      '3',
      '--projection',
      'pca',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(out.replace(/\.html$/, '.json'), 'utf8'));
    expect(json.n).toBe(20);
    expect(json.manifest.input.sample).toEqual({ rows: 20, of: reference.of, seed: 5 });
    const h = await cli([
      'hclust',
      `${dir}/iris.arrow`,
      ...common,
      '--sample',
      '20',
      '--seed',
      '5',
      '--k',
      '2',
      '--json',
    ]);
    expect(h.code, h.stderr).toBe(0);
    const hj = JSON.parse(h.stdout);
    expect(hj.sample).toEqual({ rows: c.n, of: reference.of, seed: 5 });
    expect(hj.labels).toHaveLength(20);
    const both = await cli([
      'report',
      `${dir}/iris.arrow`,
      ...common,
      '--sample',
      '20',
      '--stream',
    ]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give one of them');
  });

  it('--sample must be a positive integer', async () => {
    const r = await cli(['pca', `${dir}/iris.arrow`, ...common, '--sample', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--sample must be an integer >= 1. Got '0' instead.");
  });

  it('a report of a sample says so: the overview and the manifest', async () => {
    const previous = setLogger(collectingLogger());
    try {
      const d = await loadSample(`${dir}/iris-snappy.parquet`, 60, {
        seed: 1,
        label: 'species',
        missing: 'drop',
        exclude: ['measured', 'in_bloom'],
      });
      const report = buildReport(d, { k: 3, projection: ['pca'] });
      expect(report.manifest.input.sample).toEqual({ rows: 60, of: 144, seed: 1 });
      const overview = JSON.stringify(report.document);
      expect(overview).toContain(
        'a seeded sample of 60 of the 144 rows (seed 1), read in one pass: every number in this report is of the sample',
      );
      expect(overview).toContain('a seeded sample (seed 1) of 60 of the 144 rows kept');
    } finally {
      setLogger(previous);
    }
  });
});
