/**
 * `clusterlens umap` as a user runs it (`node dist/cli/main.js`): the CSV holds the label column
 * and umap1, umap2 equal to `umap()` on the standardized features with the same options; reruns
 * are byte-identical; the output rules of the other commands (not the input, not a file
 * clusterlens did not write, unless --force); bad flags are one line naming the flag.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { umap } from '../../src/projection/umap/index.js';

const bin = 'dist/cli/main.js';
const folder = mkdtempSync(join(tmpdir(), 'clusterlens-umap-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function clusterlens(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const IRIS = ['datasets/iris.csv', '--label', 'species'];
const FLAGS = ['--neighbors', '10', '--min-dist', '0.3', '--epochs', '50', '--seed', '7'];

describe('clusterlens umap', () => {
  it('writes the label column and umap1, umap2 of umap() on the standardized features', async () => {
    const out = join(folder, 'embedding.csv');
    const r = clusterlens(['umap', ...IRIS, ...FLAGS, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '150 rows x 4 columns, standardized; umap: 10 neighbours, min dist 0.3, spread 1, ' +
        '50 epochs, euclidean, init spectral, seed 7, 2 dimensions; the neighbour graph has 1 ' +
        'component\n',
    );
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('species,umap1,umap2');
    expect(lines.length).toBe(151);
    const data = await loadDataset('datasets/iris.csv', { label: 'species' });
    const want = umap(scale(data, { method: 'standard' }).scaled, {
      nNeighbors: 10,
      minDist: 0.3,
      nEpochs: 50,
      seed: 7,
    });
    expect(want.nGraphComponents).toBe(1);
    for (const i of [0, 75, 149]) {
      const [label, a, b] = lines[i + 1]!.split(',');
      expect(label).toBe(data.labels![i]);
      expect(Number(a)).toBe(want.embedding.data[2 * i]);
      expect(Number(b)).toBe(want.embedding.data[2 * i + 1]);
    }
  });

  it('the same flags give the same bytes; --id and --components 3 give id, umap1..umap3', () => {
    const a = join(folder, 'a.csv');
    const b = join(folder, 'b.csv');
    const named = join(folder, 'named.csv');
    const rows = ['name,x,y,z'];
    for (let i = 0; i < 40; i++) rows.push(`r${i},${i % 4},${(i * 7) % 9},${(i * 3) % 5}`);
    writeFileSync(named, `${rows.join('\n')}\n`);
    for (const out of [a, b]) {
      const r = clusterlens(['umap', named, '--id', 'name', '--components', '3', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(readFileSync(a)).toEqual(readFileSync(b));
    const lines = readFileSync(a, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('name,umap1,umap2,umap3');
    expect(lines[1]!.startsWith('r0,')).toBe(true);
    // a rerun over its own earlier output is allowed and gives the same bytes
    const again = clusterlens(['umap', named, '--id', 'name', '--components', '3', '--out', a]);
    expect(again.code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
  });

  it('refuses to replace the input or a file clusterlens did not write (unless --force)', () => {
    const input = join(folder, 'input.csv');
    writeFileSync(input, readFileSync('datasets/iris.csv'));
    const r = clusterlens(['umap', input, '--label', 'species', '--out', input]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(input)).toEqual(readFileSync('datasets/iris.csv'));
    const foreign = join(folder, 'notes.csv');
    writeFileSync(foreign, 'my notes\n');
    const refused = clusterlens(['umap', ...IRIS, '--epochs', '5', '--out', foreign]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^clusterlens: error: .*--force/);
    expect(readFileSync(foreign, 'utf8')).toBe('my notes\n');
    const forced = clusterlens(['umap', ...IRIS, '--epochs', '5', '--out', foreign, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(foreign, 'utf8').split('\n')[0]).toBe('species,umap1,umap2');
  });

  it('--out - writes the CSV on stdout and the summary on stderr; --json prints the settings and the map', () => {
    const r = clusterlens(['umap', ...IRIS, '--epochs', '5', '--out', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('species,umap1,umap2');
    expect(r.stderr).toMatch(/^150 rows x 4 columns, standardized; umap: 15 neighbours/);
    const j = clusterlens(['umap', ...IRIS, '--epochs', '5', '--init', 'pca', '--json']);
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out.settings).toMatchObject({ nNeighbors: 15, nEpochs: 5, init: 'pca', seed: 0 });
    expect(out.embedding).toHaveLength(150);
    expect(out.embedding[0]).toHaveLength(2);
  });

  it('bad flags are one line naming the flag, before the data is read', () => {
    const cases: [string[], RegExp][] = [
      [['--neighbors', '1'], /--neighbors must be an integer >= 2\. Got '1'/],
      [['--neighbors', 'ten'], /--neighbors must be an integer >= 2/],
      [['--min-dist', '-0.1'], /--min-dist must be a number >= 0/],
      [['--min-dist', '2'], /--min-dist \(2\) must not exceed --spread \(1\)/],
      [['--spread', '0'], /--spread must be a number > 0/],
      [['--epochs', '0'], /--epochs must be an integer in \[1, 1000000\]/],
      [['--components', '101'], /--components must be an integer in \[1, 100\]/],
      [['--negative-sample-rate', '-1'], /--negative-sample-rate must be an integer/],
      [['--learning-rate', 'NaN'], /--learning-rate must be a number > 0/],
      [['--seed', '-3'], /--seed must be an integer/],
      [['--metric', 'minkowski'], /--metric/],
      [['--init', 'tsne'], /--init/],
    ];
    for (const [flags, message] of cases) {
      const r = clusterlens(['umap', join(folder, 'no-such-file.csv'), ...flags]);
      expect(r.code, flags.join(' ')).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, flags.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^clusterlens: error: /);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).not.toMatch(/no-such-file/);
    }
  });
});
