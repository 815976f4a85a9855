import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setDuckDBImport } from '../../src/data/sql.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-sql-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => setDuckDBImport(undefined));

const IRIS = "SELECT * FROM read_csv('datasets/iris.csv')";

describe('--sql <query> instead of the data file', () => {
  it('kmeans and pca on a query print what they print on the same CSV', async () => {
    for (const args of [
      ['kmeans', '--label', 'species', '--k', '3'],
      ['kmeans', '--label', 'species', '--k', '3', '--json'],
      ['pca', '--label', 'species', '--json'],
      ['pca', '--exclude', 'species', '--components', '2'],
    ]) {
      const file = await cli([...args, 'datasets/iris.csv']);
      const query = await cli([...args, '--sql', IRIS]);
      expect(file.code, file.stderr).toBe(0);
      expect(query.code, query.stderr).toBe(0);
      if (args.includes('--json')) {
        // the JSON names the query and its hash instead of the file
        const a = JSON.parse(file.stdout);
        const b = JSON.parse(query.stdout);
        expect(b.file).toBe(`sql:${IRIS}`);
        expect(b.sha256).toBe(createHash('sha256').update(IRIS).digest('hex'));
        expect({ ...b, file: a.file, sha256: a.sha256 }).toEqual(a);
      } else {
        expect(query.stdout, args.join(' ')).toBe(file.stdout);
      }
      expect(query.stderr).toBe(file.stderr);
    }
  });

  it("--sample of a query is the file's sample (reservoir over the streamed rows)", async () => {
    const dir = 'test/fixtures/columnar';
    const common = ['--label', 'species', '--missing', 'drop', '--exclude', 'measured,in_bloom'];
    const sample = ['--sample', '20', '--seed', '5', '--scale', 'none', '--json'];
    const file = await cli(['pca', `${dir}/iris-zstd.parquet`, ...common, ...sample]);
    const query = await cli([
      'pca',
      '--sql',
      `SELECT * FROM read_parquet('${dir}/iris-zstd.parquet')`,
      ...common,
      ...sample,
    ]);
    expect(query.code, query.stderr).toBe(0);
    const a = JSON.parse(file.stdout);
    const b = JSON.parse(query.stdout);
    expect(b.sample).toEqual({ rows: 20, of: 144, seed: 5 });
    expect(b.sample).toEqual(a.sample);
    expect(b.model).toEqual(a.model);
  });

  it('a file and --sql, or neither, is an error on one line; so are CSV flags with --sql', async () => {
    const both = await cli(['kmeans', 'datasets/iris.csv', '--sql', IRIS, '--k', '3']);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe(
      "clusterlens: error: give the data as a file or as --sql <query>, not both (got the file 'datasets/iris.csv' and --sql).\n",
    );
    for (const command of ['kmeans', 'report', 'hclust', 'inspect', 'umap']) {
      const neither = await cli(command === 'kmeans' ? [command, '--k', '3'] : [command]);
      expect(neither.code, command).toBe(1);
      expect(neither.stderr, command).toMatch(/^clusterlens: error: missing the data: .*--sql/);
    }
    const report = await cli(['report', '--two-stage', 'datasets/iris.csv', '--sql', IRIS]);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain('is a file name');
    const delimiter = await cli(['pca', '--sql', IRIS, '--delimiter', ';']);
    expect(delimiter.code).toBe(1);
    expect(delimiter.stderr).toContain('--delimiter is for CSV files');
  });

  it('an error of the query is one line naming it; without DuckDB, how to install it', async () => {
    const bad = await cli(['pca', '--sql', 'SELEC 1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^clusterlens: error: sql:SELEC 1: the query failed: .*syntax error at or near "SELEC"\n$/,
    );
    setDuckDBImport(async () => {
      throw Object.assign(new Error("Cannot find package '@duckdb/node-api'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    const absent = await cli(['kmeans', '--sql', IRIS, '--k', '3']);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('npm install @duckdb/node-api');
    expect(absent.stderr.split('\n')).toHaveLength(2);
  });

  it('inspect --sql describes the columns of the result', async () => {
    const r = await cli([
      'inspect',
      '--sql',
      "SELECT i * 0.5 AS x, CASE WHEN i = 2 THEN NULL ELSE i END AS y, 'a' AS s FROM range(4) t(i)",
      '--json',
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe('sql');
    expect(out.file).toMatch(/^sql:SELECT i \* 0\.5 AS x/);
    expect(out.rowsRead).toBe(4);
    expect(out.columns.map((c: { name: string; missing: number }) => [c.name, c.missing])).toEqual([
      ['x', 0],
      ['y', 1],
      ['s', 0],
    ]);
  });

  // the built bin, in a fresh working folder
  const bin = 'dist/cli/main.js';
  it.skipIf(!existsSync(bin))('report --sql without --out writes reports/sql.html', () => {
    const cwd = mkdtempSync(join(folder, 'cwd-'));
    const r = spawnSync(
      process.execPath,
      [
        resolve(bin),
        'report',
        '--sql',
        `SELECT * FROM read_csv('${resolve('datasets/iris.csv')}')`,
        '--label',
        'species',
        '--k',
        '3',
        '--projection',
        'pca',
        '-q',
      ],
      { cwd, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(cwd, 'reports', 'sql.html'))).toBe(true);
    const json = JSON.parse(readFileSync(join(cwd, 'reports', 'sql.json'), 'utf8'));
    expect(json.k).toBe(3);
    expect(json.manifest.input.format).toBe('sql');
    expect(json.manifest.input.file).toBe(
      `sql:SELECT * FROM read_csv('${resolve('datasets/iris.csv')}')`,
    );
    expect(json.manifest.input.rowsRead).toBe(150);
  });
});
