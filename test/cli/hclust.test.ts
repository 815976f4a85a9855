import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HclustFlags, hclustCommand } from '../../src/cli/hclust.js';
import { run } from '../../src/cli/main.js';

// R 4.2.2 cutree(hclust(dist(X), 'ward.D2'), k) on the standardized penguins, from
// test/fixtures/hclust/make_fixtures.py.
const rx = JSON.parse(readFileSync('test/fixtures/hclust/r.json', 'utf8'));

function context() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    ctx: {
      io: {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: (t: string) => err.push(t) },
      },
      verbose: false,
      quiet: false,
      progress() {},
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('clusterlens hclust', () => {
  it('clusterlens hclust penguins.csv --scale standard --k 3 --out labels.csv writes R cutree labels of ward.D2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-hclust-'));
    const path = join(dir, 'labels.csv');
    const c = context();
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
    expect(lines[0]).toBe('species,cluster');
    const want = rx.hclust.find(
      (h: { data: string; method: string }) => h.data === 'penguins_std' && h.method === 'ward.D2',
    );
    const cut = want.cuts.find((x: { k: number }) => x.k === 3).labels;
    expect(lines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(cut);
  });

  it('clusterlens hclust iris.csv --method average --height 1 --json prints Z, order and labels', async () => {
    const c = context();
    await hclustCommand(
      'datasets/iris.csv',
      { label: 'species', method: 'average', height: '1', json: true },
      c.ctx,
    );
    const out = JSON.parse(c.out());
    expect(out.options).toEqual({
      method: 'average',
      metric: 'euclidean',
      scale: 'none',
      height: 1,
    });
    expect(out.linkage.length).toBe(149);
    expect(out.order.length).toBe(150);
    expect(out.labels.length).toBe(150);
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('clusterlens hclust without --k or --height is a user error', async () => {
    const c = context();
    await expect(hclustCommand('datasets/iris.csv', {}, c.ctx)).rejects.toThrow(
      /--k <n> or --height <h>/,
    );
    await expect(
      hclustCommand('datasets/iris.csv', { label: 'species', k: 'x' }, c.ctx),
    ).rejects.toThrow(/--k must be a number/);
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
