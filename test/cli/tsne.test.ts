/**
 * `clusterlens tsne` as a user runs it (`node dist/cli/main.js`): the CSV holds the label column
 * and tsne1, tsne2 equal to `tsne()` on the standardized features with the same options, and the
 * summary line its KL divergence; reruns are byte-identical; the output rules of the other
 * commands (not the input, not a file clusterlens did not write, unless --force); bad flags are
 * one line naming the flag, before the data is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { tsne } from '../../src/projection/tsne.js';

const bin = 'dist/cli/main.js';
const folder = mkdtempSync(join(tmpdir(), 'clusterlens-tsne-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function clusterlens(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const IRIS = ['datasets/iris.csv', '--label', 'species'];
const FLAGS = [
  '--perplexity',
  '12',
  '--early-exaggeration',
  '8',
  '--exaggeration-iterations',
  '40',
  '--iterations',
  '120',
  '--learning-rate',
  '150',
  '--theta',
  '0.3',
  '--init',
  'random',
  '--seed',
  '7',
];

describe('clusterlens tsne', () => {
  it('writes the label column and tsne1, tsne2 of tsne() on the standardized features; the summary gives its KL divergence', async () => {
    const out = join(folder, 'embedding.csv');
    const r = clusterlens(['tsne', ...IRIS, ...FLAGS, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const data = await loadDataset('datasets/iris.csv', { label: 'species' });
    const want = tsne(scale(data, { method: 'standard' }).scaled, {
      perplexity: 12,
      earlyExaggeration: 8,
      exaggerationIterations: 40,
      nIter: 120,
      learningRate: 150,
      theta: 0.3,
      init: 'random',
      seed: 7,
    });
    // the KL divergence printed with 6 significant digits
    const kl = Number(want.klDivergence.toPrecision(6));
    expect(kl).toBeGreaterThan(0);
    expect(r.stdout).toBe(
      '150 rows x 4 columns, standardized; tsne: perplexity 12 (36 neighbours), 120 iterations ' +
        '(40 exaggerated x8), learning rate 150, theta 0.3, euclidean, init random, seed 7; ' +
        `KL divergence ${kl}\n`,
    );
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('species,tsne1,tsne2');
    expect(lines.length).toBe(151);
    for (let i = 0; i < 150; i++) {
      const [label, a, b] = lines[i + 1]!.split(',');
      expect(label).toBe(data.labels![i]);
      expect(Number(a)).toBe(want.embedding.data[2 * i]);
      expect(Number(b)).toBe(want.embedding.data[2 * i + 1]);
    }
  });

  it('the defaults: perplexity 30, 1000 iterations, learning rate auto (200 for 150 rows), PCA start', async () => {
    const r = clusterlens(['tsne', ...IRIS, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.settings).toEqual({
      perplexity: 30,
      nNeighbors: 90,
      earlyExaggeration: 12,
      exaggerationIterations: 250,
      nIter: 1000,
      learningRate: 200,
      theta: 0.5,
      init: 'pca',
      metric: 'euclidean',
      seed: 0,
    });
    const data = await loadDataset('datasets/iris.csv', { label: 'species' });
    const want = tsne(scale(data, { method: 'standard' }).scaled);
    expect(out.klDivergence).toBe(want.klDivergence);
    expect(out.embedding).toHaveLength(150);
    expect(out.embedding[149]).toEqual([want.embedding.data[298], want.embedding.data[299]]);
  });

  it('the same flags give the same bytes; --id gives id, tsne1, tsne2; --scale none and --metric reach tsne()', async () => {
    const a = join(folder, 'a.csv');
    const b = join(folder, 'b.csv');
    const named = join(folder, 'named.csv');
    const rows = ['name,x,y,z'];
    for (let i = 0; i < 40; i++) rows.push(`r${i},${i % 4},${(i * 7) % 9},${(i * 3) % 5}`);
    writeFileSync(named, `${rows.join('\n')}\n`);
    const argv = ['tsne', named, '--id', 'name', '--perplexity', '5', '--iterations', '100'];
    for (const out of [a, b]) {
      const r = clusterlens([...argv, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(readFileSync(a)).toEqual(readFileSync(b));
    const lines = readFileSync(a, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('name,tsne1,tsne2');
    expect(lines[1]!.startsWith('r0,')).toBe(true);
    // a rerun over its own earlier output is allowed and gives the same bytes
    const again = clusterlens([...argv, '--out', a]);
    expect(again.code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
    // unscaled, cityblock
    const c = join(folder, 'c.csv');
    const r = clusterlens([...argv, '--scale', 'none', '--metric', 'cityblock', '--out', c]);
    expect(r.code, r.stderr).toBe(0);
    const data = await loadDataset(named, { id: 'name' });
    const want = tsne(data.features, { perplexity: 5, nIter: 100, metric: 'cityblock' });
    const got = readFileSync(c, 'utf8').trimEnd().split('\n').slice(1);
    expect(got.flatMap((line) => line.split(',').slice(1).map(Number))).toEqual(
      Array.from(want.embedding.data),
    );
    expect(r.stdout).toMatch(
      /^40 rows x 3 columns; tsne: perplexity 5 \(15 neighbours\).* cityblock,/,
    );
  });

  it('refuses to replace the input or a file clusterlens did not write (unless --force)', () => {
    const input = join(folder, 'input.csv');
    writeFileSync(input, readFileSync('datasets/iris.csv'));
    const r = clusterlens(['tsne', input, '--label', 'species', '--out', input]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(input)).toEqual(readFileSync('datasets/iris.csv'));
    const foreign = join(folder, 'notes.csv');
    writeFileSync(foreign, 'my notes\n');
    const refused = clusterlens(['tsne', ...IRIS, '--iterations', '5', '--out', foreign]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^clusterlens: error: .*--force/);
    expect(readFileSync(foreign, 'utf8')).toBe('my notes\n');
    const forced = clusterlens(['tsne', ...IRIS, '--iterations', '5', '--out', foreign, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(foreign, 'utf8').split('\n')[0]).toBe('species,tsne1,tsne2');
  });

  it('--out - writes the CSV on stdout and the summary on stderr; --out - with --json is refused', () => {
    const r = clusterlens(['tsne', ...IRIS, '--iterations', '5', '--out', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('species,tsne1,tsne2');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(151);
    expect(r.stderr).toMatch(/^150 rows x 4 columns, standardized; tsne: perplexity 30/);
    const both = clusterlens(['tsne', ...IRIS, '--out', '-', '--json']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--json both write to standard output/);
  });

  it('a perplexity too large for the rows is one line naming --perplexity', () => {
    const small = join(folder, 'small.csv');
    writeFileSync(small, 'x,y\n0.5,1\n1,0\n2,2\n3,1\n4,4\n5,3\n');
    const r = clusterlens(['tsne', small]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'clusterlens: error: --perplexity (30) must be below 5, the number of rows (6) - 1; ' +
        'give a smaller --perplexity.\n',
    );
    expect(clusterlens(['tsne', small, '--perplexity', '4.9', '--iterations', '10']).code).toBe(0);
  });

  it('bad flags are one line naming the flag, before the data is read', () => {
    const cases: [string[], RegExp][] = [
      [['--perplexity', '0.5'], /--perplexity must be a number >= 1\. Got '0\.5'/],
      [['--perplexity', 'many'], /--perplexity must be a number >= 1/],
      [['--early-exaggeration', '0.9'], /--early-exaggeration must be a number >= 1/],
      [['--exaggeration-iterations', '-1'], /--exaggeration-iterations must be an integer/],
      [
        ['--iterations', '100', '--exaggeration-iterations', '200'],
        /--exaggeration-iterations \(200\) must not exceed --iterations \(100\)/,
      ],
      [['--exaggeration-iterations', '1001'], /must not exceed --iterations \(1000\)/],
      [['--iterations', '0'], /--iterations must be an integer in \[1, 1000000\]/],
      [['--iterations', '1e9'], /--iterations must be an integer in \[1, 1000000\]/],
      [['--learning-rate', '0'], /--learning-rate must be a number > 0 or 'auto'\. Got '0'/],
      [['--learning-rate', 'fast'], /--learning-rate must be a number > 0 or 'auto'/],
      [['--theta', '1.5'], /--theta must be a number in \[0, 1\]/],
      [['--seed', '-3'], /--seed must be an integer/],
      [['--metric', 'correlation'], /--metric/],
      [['--init', 'spectral'], /--init/],
      [['--scale', 'log'], /--scale/],
    ];
    for (const [flags, message] of cases) {
      const r = clusterlens(['tsne', join(folder, 'no-such-file.csv'), ...flags]);
      expect(r.code, flags.join(' ')).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, flags.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^clusterlens: error: /);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).not.toMatch(/no-such-file/);
    }
  });
});
