import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/metrics/rand.js';
import { labelsCsv } from '../../src/report/labels-csv.js';
import { cli } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'clusterlens-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CSV file as header and rows of cells (no quoted commas in these files). */
function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('labelsCsv', () => {
  it('writes id (or the row number), label, the clusterings in order as C1..Ck, then extra columns', () => {
    const text = labelsCsv(
      { n: 3, labels: ['a', 'b', '=cmd'] },
      {
        clusterings: { hierarchical: [1, -1, 0], kmeans: new Int32Array([0, 2, 1]) },
        extra: [{ name: 'PC1', values: [0.5, Number.NaN, -1] }],
      },
    );
    expect(text).toBe(
      "id,label,kmeans,hierarchical,PC1\n1,a,C1,C2,0.5\n2,b,C3,,\n3,'=cmd,C2,C1,-1\n",
    );
    expect(labelsCsv({ n: 2, ids: ['x', 'y'] }, { clusterings: { kmeans: [0, 0] } })).toBe(
      'id,kmeans\nx,C1\ny,C1\n',
    );
    expect(() => labelsCsv({ n: 2 }, { clusterings: { kmeans: [0] } })).toThrow(
      "labelsCsv: column 'kmeans' has 1 values for 2 rows.",
    );
  });
});

describe('one labels file for kmeans, hclust and report', () => {
  // iris with an id column, to join the three files on it
  const iris = readFileSync('datasets/iris.csv', 'utf8').trimEnd().split('\n');
  const data = join(dir, 'iris-ids.csv');
  writeFileSync(
    data,
    `${[`flower,${iris[0]}`, ...iris.slice(1).map((line, i) => `f${i + 1},${line}`)].join('\n')}\n`,
  );

  it('kmeans --out, hclust --out and the report share the id and label columns and the cluster names', async () => {
    const flags = ['--id', 'flower', '--label', 'species', '--k', '3'];
    const km = await cli([
      'kmeans',
      data,
      ...flags,
      '--scale',
      'standard',
      '--out',
      join(dir, 'km.csv'),
    ]);
    expect(km.code, km.stderr).toBe(0);
    const hc = await cli([
      'hclust',
      data,
      ...flags,
      '--scale',
      'standard',
      '--out',
      join(dir, 'hc.csv'),
    ]);
    expect(hc.code, hc.stderr).toBe(0);
    const rp = await cli(['report', data, ...flags, '--out', join(dir, 'r.html')]);
    expect(rp.code, rp.stderr).toBe(0);

    const k = readCsv(join(dir, 'km.csv'));
    const h = readCsv(join(dir, 'hc.csv'));
    const r = readCsv(join(dir, 'r.labels.csv'));
    expect(k.header).toEqual(['id', 'label', 'kmeans']);
    expect(h.header).toEqual(['id', 'label', 'hierarchical']);
    expect(r.header).toEqual([
      'id',
      'label',
      'kmeans',
      'hierarchical',
      'PC1',
      'PC2',
      'UMAP1',
      'UMAP2',
    ]);
    // the same rows, in the same order, with the same ids and labels
    const lead = (t: { rows: string[][] }) => t.rows.map((row) => row.slice(0, 2).join(','));
    expect(lead(k)).toEqual(lead(r));
    expect(lead(h)).toEqual(lead(r));
    expect(r.rows[0]!.slice(0, 2)).toEqual(['f1', 'setosa']);
    expect(r.rows).toHaveLength(150);
    // clusters named C1..Ck in every file
    for (const t of [k, h, r]) {
      for (const row of t.rows) expect(row[2]).toMatch(/^C[1-3]$/);
    }
    // the report's k-means is the kmeans command's fit (same scaling, k, seed and restarts)
    expect(r.rows.map((row) => row[2])).toEqual(k.rows.map((row) => row[2]));
    // its hierarchical clusters are hclust's, renamed after the k-means clusters they overlap
    const hReport = r.rows.map((row) => row[3]!);
    const hCommand = h.rows.map((row) => row[2]!);
    expect(adjustedRandIndex(hReport, hCommand)).toBe(1);
    // the printed cluster tables use the same names
    expect(km.stdout).toMatch(/^C1 +\d+/m);
    expect(hc.stdout).toMatch(/^C3 +\d+/m);
  });
});
