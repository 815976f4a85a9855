import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readChunks } from '../../src/data/chunks.js';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { adjustedRandIndex } from '../../src/metrics/rand.js';
import { buildReport } from '../../src/report/build.js';
import { writeReport } from '../../src/report/files.js';
import { buildStreamedReport } from '../../src/report/stream.js';
import { collectingLogger, setLogger } from '../../src/util/log.js';
import { RandomState } from '../../src/util/random.js';
import { cli } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'clusterlens-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Four separated blobs in 5 columns of unequal spread, a label and (optionally) gaps. */
function blobsCsv(name: string, n: number, gaps = 0): string {
  const rng = new RandomState(11);
  const centres = [
    [0, 0, 0, 0, 0],
    [8, 1, -3, 20, 0.5],
    [-6, 9, 4, -15, 1],
    [3, -8, 10, 5, -1],
  ];
  const spread = [1, 2, 0.5, 4, 0.1];
  const lines = ['a,b,c,d,e,group'];
  for (let i = 0; i < n; i++) {
    const g = i % 4;
    const cells = centres[g]!.map((c, j) => {
      const v = c + spread[j]! * rng.gauss();
      return gaps > 0 && (i * 7 + j) % gaps === 0 ? '' : v.toPrecision(8);
    });
    lines.push(`${cells.join(',')},g${g}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const quietly = <T>(fn: () => Promise<T>): Promise<T> => {
  const previous = setLogger(collectingLogger());
  return fn().finally(() => setLogger(previous));
};

describe('buildStreamedReport', () => {
  const file = blobsCsv('blobs.csv', 3000);

  it('fits the scaling and PCA of all rows, equal to the in-memory ones; k-means agrees', async () => {
    const table = await readChunks(file, { label: 'group', chunkRows: 500 });
    const passes: number[] = [];
    const report = await quietly(() =>
      buildStreamedReport(table, {
        k: 4,
        sampleRows: 1000,
        projection: ['pca'],
        scratch: dir,
        onPass: (p) => passes.push(p),
      }),
    );
    expect(passes).toEqual([1, 2, 3]);
    const projection = report.charts.find((c) => c.name === 'projection')!;
    expect(String(projection.spec.description)).toMatch(/^Scatter plot of 1000 of 3000 samples/);
    const a = report.analysis;
    expect(a.n).toBe(1000);
    expect(a.stream?.rows).toBe(3000);
    expect(a.stream?.chunks).toBe(6);
    const all = await loadDataset(file, { label: 'group' });
    const scaled = scale(all, 'standard');
    for (let j = 0; j < 5; j++) {
      expect(a.scaling.center[j]).toBeCloseTo(scaled.center[j]!, 12);
      expect(Math.abs(a.scaling.scale[j]! / scaled.scale[j]! - 1)).toBeLessThan(1e-12);
    }
    // PCA of all rows, as pca() of the scaled rows in memory, to 1e-9
    const p = pca(scaled.scaled, { components: 5 });
    expect(a.pca.nSamples).toBe(3000);
    for (let c = 0; c < 5; c++) {
      const ratio = p.explainedVarianceRatio[c]!;
      expect(Math.abs(a.pca.explainedVarianceRatio[c]! - ratio)).toBeLessThan(1e-9 * ratio);
      const sign = Math.sign(
        a.pca.components[c]!.reduce((s, v, j) => s + v * p.components[c]![j]!, 0),
      );
      for (let j = 0; j < 5; j++) {
        expect(Math.abs(a.pca.components[c]![j]! - sign * p.components[c]![j]!)).toBeLessThan(1e-9);
      }
    }
    // the sizes of all rows: the four blobs
    expect(Array.from(a.stream!.sizes).sort()).toEqual([750, 750, 750, 750]);
    // the same clusters as the in-memory report's k-means
    const memory = await quietly(async () => buildReport(all, { k: 4, projection: ['pca'] }));
    const labels = readFileSync(report.labelsFile!.path, 'utf8').trim().split('\n');
    expect(labels[0]).toBe('id,label,kmeans,hierarchical,PC1,PC2');
    expect(labels).toHaveLength(3001);
    const streamed = Int32Array.from(labels.slice(1), (line) =>
      Number(line.split(',')[2]!.slice(1)),
    );
    expect(adjustedRandIndex(streamed, memory.analysis.kmeans.labels)).toBe(1);
    // scores on PC1 and PC2 of every row, as the in-memory PCA's (up to the sign)
    const scores = p.scores;
    const s0 = Math.sign(Number(labels[1]!.split(',')[4]) * scores.data[0]!);
    for (const i of [0, 1234, 2999]) {
      const cells = labels[i + 1]!.split(',');
      expect(cells[0]).toBe(String(i + 1));
      expect(cells[1]).toBe(`g${i % 4}`);
      expect(Math.abs(Number(cells[4]) - s0 * scores.data[i * 5]!)).toBeLessThan(1e-9);
    }
    // the tree in two stages (the centres of the sample): every row placed by its nearest
    // centre, the rows of the sample as the analysis placed them
    expect(a.twoStage?.sizes.length).toBe(256);
    const hier = labels.slice(1).map((line) => line.split(',')[3]!);
    expect(hier.filter((h) => h === '')).toHaveLength(0);
    expect(
      adjustedRandIndex(
        Int32Array.from(hier, (h) => Number(h.slice(1))),
        streamed,
      ),
    ).toBe(1);
    const ids = report.ids;
    for (let r = 0; r < ids.length; r += 97) {
      expect(hier[Number(ids[r]) - 1]).toBe(`C${a.hclustLabels[r]! + 1}`);
    }
    // the labels file's hash is that of its bytes
    expect(createHash('sha256').update(readFileSync(report.labelsFile!.path)).digest('hex')).toBe(
      report.labelsFile!.sha256,
    );
  });

  it('with hclustMaxRows, the tree of a seeded subsample labels exactly its rows', async () => {
    const table = await readChunks(file, { label: 'group', chunkRows: 1000 });
    const report = await quietly(() =>
      buildStreamedReport(table, {
        k: 4,
        sampleRows: 1000,
        hclustMaxRows: 300,
        projection: ['pca'],
        scratch: dir,
      }),
    );
    expect(report.analysis.twoStage).toBeUndefined();
    const labels = readFileSync(report.labelsFile!.path, 'utf8').trim().split('\n').slice(1);
    const placed = labels.filter((line) => line.split(',')[3] !== '');
    expect(placed).toHaveLength(300);
  });

  it('imputes missing values with the mean of all rows, as loadDataset does', async () => {
    const gappy = blobsCsv('gaps.csv', 1200, 13);
    const table = await readChunks(gappy, { label: 'group', missing: 'mean', chunkRows: 256 });
    const report = await quietly(() =>
      buildStreamedReport(table, {
        k: 4,
        sampleRows: 300,
        projection: ['pca'],
        scratch: dir,
      }),
    );
    const all = await quietly(() => loadDataset(gappy, { label: 'group', missing: 'mean' }));
    const scaled = scale(all, 'standard');
    for (let j = 0; j < 5; j++) {
      expect(Math.abs(report.analysis.scaling.center[j]! - scaled.center[j]!)).toBeLessThan(1e-12);
      expect(Math.abs(report.analysis.scaling.scale[j]! / scaled.scale[j]! - 1)).toBeLessThan(
        1e-12,
      );
    }
    const p = pca(scaled.scaled, { components: 5 });
    for (let c = 0; c < 5; c++) {
      const ratio = p.explainedVarianceRatio[c]!;
      expect(Math.abs(report.analysis.pca.explainedVarianceRatio[c]! - ratio)).toBeLessThan(
        1e-9 * ratio,
      );
    }
  });

  it('gives the same files for the same input, options and seed', async () => {
    const out = [mkdtempSync(join(dir, 'a-')), mkdtempSync(join(dir, 'b-'))];
    const hashes: string[][] = [];
    for (const folder of out) {
      const table = await readChunks(file, { label: 'group', chunkRows: 700 });
      const report = await quietly(() =>
        buildStreamedReport(table, { sampleRows: 800, scratch: folder, seed: 3 }),
      );
      await writeReport(join(folder, 'r.html'), report);
      hashes.push(
        ['r.html', 'r.json', 'r.labels.csv'].map((f) =>
          createHash('sha256')
            .update(readFileSync(join(folder, f)))
            .digest('hex'),
        ),
      );
      // nothing left behind but the outputs and their records
      expect(readdirSync(folder).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    }
    expect(hashes[0]).toEqual(hashes[1]);
  });

  it('refuses the options it cannot honour, with what to do', async () => {
    const table = await readChunks(file, { label: 'group' });
    await expect(buildStreamedReport(table, { density: { minClusterSize: 5 } })).rejects.toThrow(
      /HDBSCAN\) needs every row in memory/,
    );
    await expect(buildStreamedReport(table, { sampleRows: 2 })).rejects.toThrow(/sampleRows/);
    await expect(buildStreamedReport(table, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(buildStreamedReport(null as unknown as typeof table, {})).rejects.toThrow(
      /needs the chunks of a file as readChunks opens them/,
    );
    await expect(
      buildStreamedReport(table, null as unknown as Record<string, never>),
    ).rejects.toThrow(/expects an options object/);
  });
});

describe('clusterlens report on data past the memory budget', () => {
  it('streams it, says so on stderr, and writes a labels file with every row', async () => {
    const file = blobsCsv('cli.csv', 4000);
    const out = join(mkdtempSync(join(dir, 'cli-')), 'r.html');
    const r = await cli(['report', file, '--label', 'group', '--max-memory', '8M', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /would need about .* in memory, more than the budget of .*streaming it in 3 passes/,
    );
    const labels = readFileSync(out.replace(/\.html$/, '.labels.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(labels).toHaveLength(4001);
    const json = JSON.parse(readFileSync(out.replace(/\.html$/, '.json'), 'utf8'));
    expect(json.stream.rows).toBe(4000);
    expect(readFileSync(out, 'utf8')).toContain('streamed');
  });

  it('a Parquet file: its rows and columns from the metadata, streamed past the budget', async () => {
    const out = join(mkdtempSync(join(dir, 'pq-')), 'p.html');
    const r = await cli([
      'report',
      'test/fixtures/columnar/iris-zstd.parquet',
      ...['--label', 'species', '--missing', 'drop', '--exclude', 'measured,in_bloom'],
      ...['--k', '3', '--max-memory', '8M', '--out', out],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/about 150 rows x \d+ columns\) would need about/);
    const labels = readFileSync(out.replace(/\.html$/, '.labels.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(labels).toHaveLength(145); // the 144 complete rows
  });

  it('report --sql streams the rows of the query', async () => {
    const out = join(mkdtempSync(join(dir, 'sql-')), 'q.html');
    const query =
      "SELECT 'g' || (i % 3) AS grp, (i % 3) * 10 + sin(i) AS x, (i % 3) * -5 + cos(i * 7) AS y, " +
      'sin(i * 3) AS z FROM range(6000) t(i)';
    const r = await cli(['report', '--sql', query, '--label', 'grp', '--k', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/streaming the query's rows/);
    const json = JSON.parse(readFileSync(out.replace(/\.html$/, '.json'), 'utf8'));
    expect(json.stream.rows).toBe(6000);
    expect(json.stream.sizes).toEqual([2000, 2000, 2000]);
    const labels = readFileSync(out.replace(/\.html$/, '.labels.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(labels).toHaveLength(6001);
    expect(labels[3]).toMatch(/^3,g2,/);
  });

  it('--stream-sample needs --stream (or data past the budget)', async () => {
    const r = await cli(['report', 'datasets/iris.csv', '--stream-sample', '100']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--stream-sample is for a streamed report: add --stream/);
  });
});
