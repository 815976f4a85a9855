/**
 * Determinism of the CLI: each command run twice on the same input gives byte-identical stdout
 * and files; and where the result must not depend on the order of the rows, a shuffled copy of
 * the input gives the same numbers (to rounding: sums in another order round differently):
 * PCA's explained variance, and its scores row for row (same sign rule); hierarchical
 * clustering's merge heights and flat clusters (up to label names) on data without ties.
 * k-means is not claimed to be row-order independent: its seeded initialisation picks rows by
 * position.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/util/random.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-determinism-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** n seeded points in 3 blobs, 4 features, ids r0..r{n-1}; continuous values, so no ties. */
function blobs(n: number): string[][] {
  const random = new RandomState(42);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const g = i % 3;
    rows.push([
      `r${i}`,
      ...[0, 1, 2, 3].map((j) => String(3 * g * (j % 2) + random.gauss() + 0.1 * j)),
    ]);
  }
  return rows;
}
const HEADER = 'id,a,b,c,d';
const csv = (rows: string[][]) => `${HEADER}\n${rows.map((r) => r.join(',')).join('\n')}\n`;

const rows = blobs(240);
const input = join(folder, 'blobs.csv');
writeFileSync(input, csv(rows));
const permutation = Array.from(new RandomState(5).permutation(rows.length));
const shuffledInput = join(folder, 'shuffled.csv');
writeFileSync(shuffledInput, csv(permutation.map((i) => rows[i]!)));

/** Run the CLI; fail with its stderr unless it succeeds. */
async function ok(argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(argv);
  expect(code, stderr).toBe(0);
  return stdout;
}

/** Every file under `dir`, by relative path, with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path.slice(dir.length), readFileSync(path));
  }
  return out;
}

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
}

describe('the CLI run twice', () => {
  const COMMANDS: [string, (out: string) => string[]][] = [
    ['inspect --json', () => ['inspect', input, '--id', 'id', '--json']],
    ['inspect', () => ['inspect', input, '--id', 'id']],
    ['kmeans', (out) => ['kmeans', input, '--id', 'id', '--k', '3', '--json', '--out', out]],
    ['kmeans (k range)', (out) => ['kmeans', input, '--id', 'id', '--k', '2..4', '--out', out]],
    ['hclust', (out) => ['hclust', input, '--id', 'id', '--k', '3', '--json', '--out', out]],
    [
      'hclust (table)',
      (out) => ['hclust', input, '--id', 'id', '--method', 'average', '--k', '3', '--out', out],
    ],
    ['pca', (out) => ['pca', input, '--id', 'id', '--json', '--out', out]],
    ['pca (table)', (out) => ['pca', input, '--id', 'id', '--variance', '0.9', '--out', out]],
    [
      'hdbscan',
      (out) => ['hdbscan', input, '--id', 'id', '--min-cluster-size', '3', '--json', '--out', out],
    ],
    ['hdbscan (table)', (out) => ['hdbscan', input, '--id', 'id', '--out', out]],
    ['dbscan', (out) => ['dbscan', input, '--id', 'id', '--eps', 'auto', '--json', '--out', out]],
    ['dbscan (table)', (out) => ['dbscan', input, '--id', 'id', '--eps', 'auto', '--out', out]],
    [
      'optics',
      (out) => ['optics', input, '--id', 'id', '--min-samples', '3', '--json', '--out', out],
    ],
    ['optics (table)', (out) => ['optics', input, '--id', 'id', '--out', out]],
  ];
  for (const [name, argv] of COMMANDS) {
    it(`clusterlens ${name} gives byte-identical output`, async () => {
      const runs = [];
      for (const k of [1, 2]) {
        const dir = mkdtempSync(join(folder, `${name.replace(/\W+/g, '-')}-${k}-`));
        const stdout = await ok(argv(join(dir, 'out.csv')));
        runs.push({ stdout, files: snapshot(dir) });
      }
      expect(runs[0]!.stdout.length).toBeGreaterThan(0);
      expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
      expectSameFiles(runs[0]!.files, runs[1]!.files);
    });
  }

  it('clusterlens report gives byte-identical HTML, JSON, labels and specs', async () => {
    const runs = [];
    for (const k of [1, 2]) {
      const dir = mkdtempSync(join(folder, `report-${k}-`));
      const stdout = await ok([
        'report',
        'datasets/iris.csv',
        '--label',
        'species',
        '--out',
        join(dir, 'iris.html'),
      ]);
      runs.push({ stdout: stdout.replaceAll(dir, '<dir>'), files: snapshot(dir) });
    }
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[0]!.files.size).toBeGreaterThanOrEqual(4);
    expectSameFiles(runs[0]!.files, runs[1]!.files);
  });
});

/** Relative closeness with a floor for values near zero. */
function expectClose(a: readonly number[], b: readonly number[], what: string): void {
  expect(b.length, what).toBe(a.length);
  const scale = Math.max(...a.map(Math.abs), 1e-300);
  for (let k = 0; k < a.length; k++) {
    expect(Math.abs(a[k]! - b[k]!), `${what}[${k}]: ${a[k]} vs ${b[k]}`).toBeLessThanOrEqual(
      1e-10 * scale,
    );
  }
}

describe('the CLI on shuffled rows', () => {
  it('clusterlens pca: the same explained variance, components and per-row scores', async () => {
    const parse = (text: string) =>
      JSON.parse(text) as {
        model: {
          explainedVariance: number[];
          explainedVarianceRatio: number[];
          components: number[][];
        };
      };
    const outA = join(folder, 'pca-a.csv');
    const outB = join(folder, 'pca-b.csv');
    const a = parse(
      await ok(['pca', input, '--id', 'id', '--components', '3', '--json', '--out', outA]),
    );
    const b = parse(
      await ok(['pca', shuffledInput, '--id', 'id', '--components', '3', '--json', '--out', outB]),
    );
    expectClose(a.model.explainedVariance, b.model.explainedVariance, 'explainedVariance');
    expectClose(a.model.explainedVarianceRatio, b.model.explainedVarianceRatio, 'ratio');
    expectClose(a.model.components.flat(), b.model.components.flat(), 'components');
    // Scores by id: row r of the shuffled file is row permutation[r] of the original.
    const scores = (path: string) =>
      new Map(
        readFileSync(path, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => {
            const [id, ...values] = line.split(',');
            return [id!, values.map(Number)] as const;
          }),
      );
    const sa = scores(outA);
    const sb = scores(outB);
    expect(sb.size).toBe(rows.length);
    const ids = [...sa.keys()];
    expectClose(
      ids.flatMap((id) => sa.get(id)!),
      ids.flatMap((id) => sb.get(id)!),
      'scores',
    );
  });

  for (const method of ['ward', 'average', 'complete', 'single', 'centroid']) {
    it(`clusterlens hclust --method ${method}: the same merge heights and the same clusters`, async () => {
      const parse = (text: string) => JSON.parse(text) as { linkage: number[][]; labels: number[] };
      const argv = (file: string) => [
        'hclust',
        file,
        '--id',
        'id',
        '--method',
        method,
        '--k',
        '4',
        '--json',
      ];
      const a = parse(await ok(argv(input)));
      const b = parse(await ok(argv(shuffledInput)));
      // Heights in merge order (ascending for all but centroid, which keeps its order).
      const heights = (z: number[][]) => z.map((row) => row[2]!).sort((x, y) => x - y);
      expectClose(heights(a.linkage), heights(b.linkage), 'heights');
      // Cluster sizes of the merges, as a multiset.
      const sizes = (z: number[][]) => z.map((row) => row[3]!).sort((x, y) => x - y);
      expect(sizes(b.linkage)).toEqual(sizes(a.linkage));
      // The 4 flat clusters are the same partition of the rows (labels up to renaming).
      const pairs = new Map<number, number>();
      permutation.forEach((original, r) => {
        const la = a.labels[original]!;
        const lb = b.labels[r]!;
        if (!pairs.has(la)) pairs.set(la, lb);
        expect(pairs.get(la), `row ${original}`).toBe(lb);
      });
      expect(new Set(pairs.values()).size).toBe(pairs.size);
    });
  }
});
