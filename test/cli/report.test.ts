import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-report-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('clusterlens report', () => {
  it('report --static of columns and labels named constructor, __proto__ or with U+2028 exits 0', async () => {
    const names = ['constructor', 'toString', 'valueOf', '__proto__', 'a\u2028b'];
    const labels = ['constructor', '__proto__', 'x\u2029y'];
    const lines = [[...names, 'hasOwnProperty'].join(',')];
    for (let i = 0; i < 30; i++) {
      const g = i % 3;
      lines.push(
        [...names.map((_, j) => 3 * ((g + j) % 3) + ((i * 7 + j) % 5) / 10), labels[g]].join(','),
      );
    }
    const data = join(folder, 'prototype.csv');
    writeFileSync(data, `${lines.join('\n')}\n`);
    for (const mode of [['--static'], []]) {
      const out = join(folder, `prototype${mode.length}.html`);
      const r = await cli([
        'report',
        data,
        '--label',
        'hasOwnProperty',
        '--k',
        '3',
        '--out',
        out,
        ...mode,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(readFileSync(out.replace(/html$/, 'json'), 'utf8'));
      expect(json.features).toEqual(names);
      const html = readFileSync(out, 'utf8');
      expect(html).toContain('hasOwnProperty vs k-means');
    }
  });

  it('report iris --label species --k 3 --out DIR/iris.html writes four outputs and lists them', async () => {
    const out = join(folder, 'iris.html');
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--label',
      'species',
      '--k',
      '3',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(out);
    for (const f of [
      out,
      join(folder, 'iris.json'),
      join(folder, 'iris.labels.csv'),
      join(folder, 'iris.vl'),
    ]) {
      expect(existsSync(f), f).toBe(true);
    }
    const json = JSON.parse(readFileSync(join(folder, 'iris.json'), 'utf8'));
    expect(json.k).toBe(3);
    expect(json.manifest.options.k).toBe(3);
    expect(json.manifest.options.scale).toBe('standard');
  });

  it('report iris without --out creates reports/ in the working folder', () => {
    const cwd = mkdtempSync(join(folder, 'cwd-'));
    const r = spawnSync(
      process.execPath,
      [resolve('dist/cli/main.js'), 'report', resolve('datasets/iris.csv'), '--k', '2', '-q'],
      { cwd, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(cwd, 'reports', 'iris.html'))).toBe(true);
  });

  it('report iris --static writes a report without scripts', async () => {
    const out = join(folder, 'static.html');
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--label',
      'species',
      '--k',
      '2',
      '--static',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('<script');
  });

  it('report on a terminal shows progress with timings on stderr, and nothing when piped', async () => {
    const { run } = await import('../../src/cli/main.js');
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: {
        isTTY: true,
        write: (t: string) => {
          stderr += t;
          return true;
        },
      },
    };
    const out = join(folder, 'tty.html');
    const code = await run(
      ['report', 'datasets/iris.csv', '--label', 'species', '--k', '2', '--out', out],
      io,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/^clusterlens: loading \(\d+\.\d s\)\n/);
    expect(stderr).toMatch(/clusterlens: done \(\d+\.\d s\)\n$/);
  });

  it('report iris --k two exits 1 with one line naming the flag', async () => {
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--k',
      'two',
      '--out',
      join(folder, 'x.html'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "clusterlens: error: --k must be an integer >= 1 or 'auto' or a range a..b. Got 'two' instead.\n",
    );
  });

  it('report iris --method wrad exits 1 naming the flag', async () => {
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--label',
      'species',
      '--method',
      'wrad',
      '--out',
      join(folder, 'y.html'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^clusterlens: error: option '--method <method>' argument 'wrad' is invalid\. Allowed choices are single, .*ward.*\n$/,
    );
  });

  it('report into a missing folder exits 1 before any work', async () => {
    const r = await cli(['report', 'datasets/iris.csv', '--out', join(folder, 'no', 'r.html')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('report iris --two-stage 20 and --subsample 60 reach the analysis; bad values exit 1', async () => {
    const two = join(folder, 'two.html');
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--k',
      '3',
      '--two-stage',
      '20',
      '--out',
      two,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(two.replace(/\.html$/, '.json'), 'utf8'));
    expect(json.hierarchical.twoStage.centres).toBe(20);
    expect(json.hierarchical.linkage).toHaveLength(19);
    const sampled = join(folder, 'sampled.html');
    const s = await cli([
      'report',
      'datasets/iris.csv',
      '--k',
      '3',
      '--subsample',
      '60',
      '--out',
      sampled,
    ]);
    expect(s.code, s.stderr).toBe(0);
    const sj = JSON.parse(readFileSync(sampled.replace(/\.html$/, '.json'), 'utf8'));
    expect(sj.hierarchical.rows).toHaveLength(60);
    expect(sj.metrics.silhouetteRows).toBe(60);
    for (const [flags, message] of [
      [['--two-stage', '1'], "--two-stage must be an integer >= 2. Got '1' instead."],
      [['--subsample', '2'], "--subsample must be an integer >= 3. Got '2' instead."],
    ] as const) {
      const bad = await cli([
        'report',
        'datasets/iris.csv',
        ...flags,
        '--out',
        join(folder, 'b.html'),
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe(`clusterlens: error: ${message}\n`);
    }
  });

  it('report iris --hdbscan --min-cluster-size 10 adds the density section; bad values exit 1', async () => {
    const out = join(folder, 'iris-density.html');
    const r = await cli([
      'report',
      'datasets/iris.csv',
      '--label',
      'species',
      '--k',
      '3',
      '--hdbscan',
      '--min-cluster-size',
      '10',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out.replace(/html$/, 'json'), 'utf8'));
    expect(json.density.minClusterSize).toBe(10);
    expect(json.density.minSamples).toBe(10);
    expect(json.manifest.options.density).toEqual({ minClusterSize: 10, minSamples: 10 });
    const labels = readFileSync(out.replace(/html$/, 'labels.csv'), 'utf8').split('\n');
    expect(labels[0]).toBe('id,label,kmeans,hierarchical,hdbscan,PC1,PC2,UMAP1,UMAP2');
    expect(readFileSync(out, 'utf8')).toContain('Density clustering');
    for (const [flags, message] of [
      [
        ['--hdbscan', '--min-cluster-size', '1'],
        "--min-cluster-size must be an integer >= 2. Got '1' instead.",
      ],
      [
        ['--hdbscan', '--min-samples', 'x'],
        "--min-samples must be an integer >= 1. Got 'x' instead.",
      ],
      [['--min-cluster-size', '10'], '--min-cluster-size needs --hdbscan.'],
    ] as const) {
      const bad = await cli([
        'report',
        'datasets/iris.csv',
        ...flags,
        '--out',
        join(folder, 'z.html'),
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe(`clusterlens: error: ${message}\n`);
    }
  });
});
