import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HclustFlags, hclustCommand } from '../../src/cli/hclust.js';
import { run } from '../../src/cli/main.js';
import { cli, collectingContext } from './helpers.js';

// R 4.2.2 cutree(hclust(dist(X), 'ward.D2'), k) on the standardized penguins, from
// test/fixtures/hclust/make_fixtures.py.
const rx = JSON.parse(readFileSync('test/fixtures/hclust/r.json', 'utf8'));

describe('clusterlens hclust', () => {
  it('clusterlens hclust penguins.csv --scale standard --k 3 --out labels.csv writes R cutree labels of ward.D2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-hclust-'));
    const path = join(dir, 'labels.csv');
    const c = collectingContext();
    const flags: HclustFlags = {
      label: 'species',
      exclude: 'island,sex',
      scale: 'standard',
      k: '3',
      out: path,
    };
    await hclustCommand('datasets/penguins.csv', flags, c.ctx);
    expect(c.out()).toMatch(
      /342 rows, 4 columns, scaled \(standard\); method ward, metric euclidean; cut at k = 3/,
    );
    expect(c.out()).toMatch(/cophenetic correlation 0\.\d{4}/);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,label,hierarchical');
    expect(lines[1]).toBe('1,Adelie,C1');
    const want = rx.hclust.find(
      (h: { data: string; method: string }) => h.data === 'penguins_std' && h.method === 'ward.D2',
    );
    const cut = want.cuts.find((x: { k: number }) => x.k === 3).labels;
    // cluster C(l + 1) is label l
    expect(lines.slice(1).map((l) => Number(l.split(',')[2]!.slice(1)) - 1)).toEqual(cut);
  });

  it('clusterlens hclust iris.csv --method average --height 1 --json prints Z, order and labels', async () => {
    const c = collectingContext();
    await hclustCommand(
      'datasets/iris.csv',
      { label: 'species', method: 'average', height: '1', json: true },
      c.ctx,
    );
    const out = JSON.parse(c.out());
    expect(out.options).toEqual({
      method: 'average',
      metric: 'euclidean',
      scale: 'standard',
      height: 1,
    });
    expect(out.linkage.length).toBe(149);
    expect(out.order.length).toBe(150);
    expect(out.labels.length).toBe(150);
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('clusterlens hclust with a bad --k, or --out without a cut, is a user error', async () => {
    const c = collectingContext();
    await expect(
      hclustCommand('datasets/iris.csv', { label: 'species', k: 'x' }, c.ctx),
    ).rejects.toThrow("--k must be an integer >= 1. Got 'x' instead.");
    const r = await cli(['hclust', 'datasets/iris.csv', '--label', 'species', '--out', 'x.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'clusterlens: error: --out writes the clusters of a cut: give --k <n> or --height <h> ' +
        '(without them, hclust prints the top merges and a suggested cut).\n',
    );
  });

  it('run(["hclust", ...]) is registered and exits 1 on a user error', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    };
    expect(await run(['hclust', 'datasets/iris.csv', '--label', 'species', '--k', '3'], io)).toBe(
      0,
    );
    expect(out.join('')).toContain('method ward');
    expect(
      await run(
        ['hclust', 'datasets/iris.csv', '--label', 'species', '--method', 'wrad', '--k', '2'],
        io,
      ),
    ).toBe(1);
  });
});

describe('clusterlens hclust without a cut', () => {
  it('prints the top 10 merges from Z and suggests the k of the largest gap below one of them', async () => {
    const argv = ['hclust', 'datasets/iris.csv', '--label', 'species', '--scale', 'standard'];
    const j = await cli([...argv, '--json']);
    expect(j.code, j.stderr).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out.labels).toBeUndefined();
    const Z = out.linkage as number[][];
    expect(Z).toHaveLength(149);
    // the top merges, from the top one down, as Z has them
    expect(out.topMerges).toHaveLength(10);
    out.topMerges.forEach(
      (m: { merge: number; height: number; clusters: number; gap: number }, t: number) => {
        expect(m.merge).toBe(149 - t);
        expect(m.height).toBe(Z[148 - t]![2]);
        expect(m.clusters).toBe(1 + t);
        expect(m.gap).toBe(Z[148 - t]![2]! - Z[147 - t]![2]!);
      },
    );
    // the largest gap below a top merge, found again from Z
    let best = 0;
    for (let t = 1; t < 10; t++) {
      const gap = (u: number) => Z[148 - u]![2]! - Z[147 - u]![2]!;
      if (gap(t) > gap(best)) best = t;
    }
    expect(out.suggestedCut.k).toBe(best + 2);
    expect(out.suggestedCut.above).toBe(Z[148 - best]![2]);
    expect(out.suggestedCut.below).toBe(Z[147 - best]![2]);
    const h = out.suggestedCut.height as number;
    expect(h).toBeGreaterThan(out.suggestedCut.below);
    expect(h).toBeLessThan(out.suggestedCut.above);

    const r = await cli(argv);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '150 rows, 4 columns, scaled (standard); method ward, metric euclidean; no cut (--k or --height)',
    );
    expect(r.stdout).toContain(
      'the top 10 of 149 merges (clusters: how many are left after the merge):',
    );
    expect(r.stdout).toMatch(/^merge +height +clusters +joins +gap below$/m);
    expect(r.stdout).toMatch(/^ +149 +27\.2499 +1 +49 \+ 101 +14\.6131$/m);
    expect(r.stdout).toContain(
      `suggested cut: --k ${best + 2} (or --height ${h}): the largest gap below one of the top 10 merges`,
    );
    expect(r.stdout).toContain('A reading aid, not a criterion');
    // the suggested height cuts the tree into the suggested k
    const cut = await cli([...argv, '--height', String(h)]);
    expect(cut.stdout).toContain(`cut at height ${h} -> k = ${best + 2}`);
  });

  it('says so on a tree of one merge, and leaves out the height on a tree with inversions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-hclust-'));
    const two = join(dir, 'two.csv');
    writeFileSync(two, 'x,y\n0,0\n1,1\n');
    const r = await cli(['hclust', two]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('the top 1 of 1 merges');
    expect(r.stdout).toContain('no cut suggested: the tree has a single merge.');
    const centroid = await cli([
      'hclust',
      'datasets/iris.csv',
      '--label',
      'species',
      '--method',
      'centroid',
    ]);
    expect(centroid.stdout).toContain('the tree has inversions');
    expect(centroid.stdout).toMatch(/suggested cut: --k \d+: the largest gap/);
  });

  it('--two-stage without a cut shows the top merges of the tree of the centres', async () => {
    const r = await cli([
      'hclust',
      'datasets/iris.csv',
      '--label',
      'species',
      '--scale',
      'standard',
      '--two-stage',
      '20',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('two stages: k-means into 20 centres');
    expect(r.stdout).toContain('the top 10 of 19 merges of the centres');
    expect(r.stdout).toMatch(/suggested cut: --k \d+/);
  });
});

describe('clusterlens hclust on data too large for the distance matrix', async () => {
  const { writeFileSync } = await import('node:fs');
  const { cli } = await import('./helpers.js');
  const { RandomState } = await import('../../src/util/random.js');
  const { hclust } = await import('../../src/cluster/hclust/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'clusterlens-hclust-large-'));
  const data = join(dir, 'blobs.csv');
  const rs = new RandomState(9);
  const rows: number[][] = [];
  for (let i = 0; i < 900; i++) {
    const c = i % 3;
    rows.push([10 * c + rs.gauss(), 10 * (c === 2 ? 1 : 0) + rs.gauss()]);
  }
  writeFileSync(data, `x,y\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  // 900 rows: the condensed matrix alone is 3.1 MiB, over a 1M budget.

  it('clusterlens hclust big.csv --method average --k 3 --max-memory 1M refuses in one line, saying what it needs, the budget, what is free and what to do', async () => {
    const r = await cli(['hclust', data, '--method', 'average', '--k', '3', '--max-memory', '1M']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^clusterlens: error: hclust: method 'average' on n=900 points needs 3\.\d+ MiB for its distance matrix .*about .* s\), but the memory limit is 1 MiB \(--max-memory\)\. Instead: .*--method ward.*--sample N.*--two-stage \[centres\].*--max-memory; .* is available now/,
    );
  });

  it('clusterlens hclust big.csv --method average --k 3 --two-stage 30 --json fits in the same budget', async () => {
    const r = await cli([
      'hclust',
      data,
      '--method',
      'average',
      '--k',
      '3',
      '--two-stage',
      '30',
      '--seed',
      '4',
      '--json',
      '--max-memory',
      '1M',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.options).toMatchObject({ method: 'average', k: 3, twoStage: 30, seed: 4 });
    expect(out.twoStage.centres).toBe(30);
    expect(out.twoStage.sizes.reduce((a: number, b: number) => a + b, 0)).toBe(900);
    expect(out.linkage).toHaveLength(29);
    expect(out.linkage.at(-1)[3]).toBe(900);
    expect(out.labels).toHaveLength(900);
    // The three blobs (rows i % 3) are found exactly.
    expect(new Set(out.labels.slice(0, 3)).size).toBe(3);
    for (let i = 0; i < 900; i++) expect(out.labels[i]).toBe(out.labels[i % 3]);
    // Same run, same bytes.
    const again = await cli([
      'hclust',
      data,
      '--method',
      'average',
      '--k',
      '3',
      '--two-stage',
      '30',
      '--seed',
      '4',
      '--json',
    ]);
    expect(again.stdout).toBe(r.stdout);
    // The flag alone means 256 centres.
    const plain = await cli(['hclust', data, '--k', '3', '--two-stage']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('two stages: k-means into 256 centres');
  });

  it('clusterlens hclust big.csv --method average --k 3 --subsample 200 --json clusters a seeded sample, the rest by nearest centroid', async () => {
    const r = await cli([
      'hclust',
      data,
      '--method',
      'average',
      '--k',
      '3',
      '--subsample',
      '200',
      '--scale',
      'none',
      '--json',
      '--max-memory',
      '1M',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.options).toMatchObject({ sample: 200, seed: 0 });
    expect(out.sample.rows).toHaveLength(200);
    expect(out.linkage).toHaveLength(199);
    const sampled = hclust(
      out.sample.rows.map((i: number) => rows[i]!),
      { method: 'average' },
    );
    expect(out.linkage).toEqual(sampled.linkage);
    for (let i = 0; i < 900; i++) expect(out.labels[i]).toBe(out.labels[i % 3]);
  });

  it('clusterlens hclust big.csv --k 3 --max-memory 1M runs ward from the stored data and leaves out the cophenetic correlation (6.2 MiB)', async () => {
    const small = await cli(['hclust', data, '--k', '3', '--max-memory', '1M']);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stdout).not.toContain('cophenetic');
    const ample = await cli(['hclust', data, '--k', '3']);
    expect(ample.stdout).toMatch(/cophenetic correlation 0\.\d{4}/);
  });

  it('clusterlens hclust --two-stage and --subsample reject bad values before reading the data', async () => {
    const absent = join(dir, 'absent.csv');
    const cases: [string[], RegExp][] = [
      [['--two-stage', '1'], /--two-stage must be an integer >= 2. Got '1'/],
      [['--subsample', 'x'], /--subsample must be an integer >= 2/],
      [['--two-stage', '--metric', 'cityblock'], /--two-stage needs --metric euclidean/],
      [['--two-stage', '10', '--subsample', '10'], /cannot be used with option/],
      [['--seed', '-1'], /--seed must be an integer in \[0, 4294967295\]/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['hclust', absent, '--k', '2', ...flags]);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.stderr, flags.join(' ')).toMatch(message);
    }
  });
});
