/**
 * The density commands (hdbscan, dbscan, optics) in-process: labels equal the library's on the
 * same scaled data, noise as -1 in --json, an empty cell in the labels file and a `noise` row in
 * the printed table, --eps auto as suggestEps, one-line errors naming the flag, the rules of --out.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { suggestEps } from '../../src/cluster/density/eps.js';
import { dbscan, extractDBSCAN, hdbscan, optics } from '../../src/cluster/density/index.js';
import { loadDataset } from '../../src/data/load.js';
import { scale } from '../../src/data/scale.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-density-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** iris without the species, scaled as the commands scale by default. */
async function irisScaled() {
  const dataset = await loadDataset('datasets/iris.csv', { label: 'species' });
  return scale(dataset, { method: 'standard' }).scaled;
}

/** Two tight groups of 6 rows and one far row, named, with a class column. */
const small = join(folder, 'small.csv');
writeFileSync(
  small,
  [
    'name,x,y,kind',
    'a1,0,0,a',
    'a2,0,1,a',
    'a3,1,0,a',
    'a4,1,1,a',
    'a5,0.5,0.5,a',
    'a6,0.5,0,a',
    'b1,10,10,b',
    'b2,10,11,b',
    'b3,11,10,b',
    'b4,11,11,b',
    'b5,10.5,10.5,b',
    'b6,10.5,10,b',
    'far,30,-20,a',
    '',
  ].join('\n'),
);
const SMALL_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [0.5, 0.5],
  [0.5, 0],
  [10, 10],
  [10, 11],
  [11, 10],
  [11, 11],
  [10.5, 10.5],
  [10.5, 10],
  [30, -20],
];
const SMALL = [small, '--id', 'name', '--label', 'kind', '--scale', 'none'];

function oneLineError(r: { code: number; stdout: string; stderr: string }, message: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^clusterlens: error: [^\n]*\n$/);
  expect(r.stderr).toMatch(message);
}

describe('clusterlens hdbscan', () => {
  it('iris --min-cluster-size 10 --json: the labels, probabilities and scores of hdbscan on the scaled data', async () => {
    const r = await cli([
      'hdbscan',
      'datasets/iris.csv',
      '--label',
      'species',
      '--min-cluster-size',
      '10',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const fit = hdbscan(await irisScaled(), { minClusterSize: 10 });
    expect(out.labels).toEqual(Array.from(fit.labels));
    expect(out.probabilities).toEqual(Array.from(fit.probabilities));
    expect(out.outlierScores).toEqual(Array.from(fit.outlierScores));
    expect(out.stabilities).toEqual(Array.from(fit.stabilities));
    expect(Object.keys(out)).toEqual([
      'file',
      'sha256',
      'rows',
      'columns',
      'options',
      'nClusters',
      'nNoise',
      'noiseShare',
      'sizes',
      'stabilities',
      'meanOutlierScore',
      'meanProbability',
      'labels',
      'probabilities',
      'outlierScores',
    ]);
    expect(out.options).toEqual({
      minClusterSize: 10,
      minSamples: 10,
      clusterSelectionMethod: 'eom',
      clusterSelectionEpsilon: 0,
      allowSingleCluster: false,
      metric: 'euclidean',
      scale: 'standard',
    });
    expect(out.nClusters).toBe(fit.nClusters);
    expect(out.nNoise).toBe(fit.nNoise);
    expect(out.noiseShare).toBe(fit.nNoise / 150);
    expect(out.sizes.reduce((a: number, b: number) => a + b, 0) + out.nNoise).toBe(150);
    let mean = 0;
    for (let i = 0; i < 150; i++) mean += (fit.outlierScores[i]! - mean) / (i + 1);
    expect(out.meanOutlierScore).toBe(mean);
  });

  it('passes --min-samples, --selection, --epsilon, --allow-single-cluster and --metric on', async () => {
    const r = await cli([
      'hdbscan',
      'datasets/iris.csv',
      '--label',
      'species',
      '--min-cluster-size',
      '8',
      '--min-samples',
      '4',
      '--selection',
      'leaf',
      '--epsilon',
      '0.2',
      '--allow-single-cluster',
      '--metric',
      'cityblock',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const fit = hdbscan(await irisScaled(), {
      minClusterSize: 8,
      minSamples: 4,
      clusterSelectionMethod: 'leaf',
      clusterSelectionEpsilon: 0.2,
      allowSingleCluster: true,
      metric: 'cityblock',
    });
    expect(JSON.parse(r.stdout).labels).toEqual(Array.from(fit.labels));
  });

  it('prints the clusters, sizes, stabilities, the noise row and the mean outlier score', async () => {
    const r = await cli(['hdbscan', ...SMALL, '--min-cluster-size', '3']);
    expect(r.code, r.stderr).toBe(0);
    const fit = hdbscan(SMALL_X, { minClusterSize: 3 });
    expect(Array.from(fit.labels)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, -1]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '13 rows, 2 columns; hdbscan, min cluster size 3, min samples 3, selection eom, metric euclidean',
    );
    expect(lines[1]).toBe('2 clusters, 1 noise row (7.7% of 13)');
    expect(lines[3]).toMatch(/^cluster {2}size {2}stability {2}a {2}b$/);
    expect(lines[4]).toMatch(/^C1 +6 +[\d.]+ +6 +0$/);
    expect(lines[5]).toMatch(/^C2 +6 +[\d.]+ +0 +6$/);
    expect(lines[6]).toMatch(/^noise +1 +1 +0$/);
    expect(r.stdout).toMatch(/mean outlier score \(GLOSH, 0 to 1, high: an outlier\) [\d.]+/);
  });

  it('--out writes id, label, hdbscan (noise reads "noise"), probability and outlier_score', async () => {
    const out = join(folder, 'hdbscan.csv');
    const r = await cli(['hdbscan', ...SMALL, '--min-cluster-size', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const fit = hdbscan(SMALL_X, { minClusterSize: 3 });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,label,hdbscan,probability,outlier_score');
    expect(lines[1]).toBe(`a1,a,C1,${fit.probabilities[0]},${fit.outlierScores[0]}`);
    expect(lines[13]).toBe(`far,a,noise,0,${fit.outlierScores[12]}`);
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual([
      ...new Array(6).fill('C1'),
      ...new Array(6).fill('C2'),
      'noise',
    ]);
  });

  it('finds no cluster in too few rows and says so', async () => {
    const r = await cli(['hdbscan', ...SMALL, '--min-cluster-size', '13', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.nClusters).toBe(0);
    expect(out.labels).toEqual(new Array(13).fill(-1));
    expect(out.meanProbability).toBeNull();
    const text = await cli(['hdbscan', ...SMALL, '--min-cluster-size', '13']);
    expect(text.stdout).toMatch(/0 clusters, 13 noise rows \(100\.0% of 13\)/);
    expect(text.stdout).toMatch(/no cluster found: every row is noise/);
  });
});

describe('clusterlens dbscan', () => {
  it('iris --eps 0.5 --min-samples 5 --json: the labels and core points of dbscan on the scaled data', async () => {
    const r = await cli([
      'dbscan',
      'datasets/iris.csv',
      '--label',
      'species',
      '--eps',
      '0.5',
      '--min-samples',
      '5',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const fit = dbscan(await irisScaled(), { eps: 0.5, minSamples: 5 });
    expect(out.labels).toEqual(Array.from(fit.labels));
    expect(out.coreSampleIndices).toEqual(Array.from(fit.coreSampleIndices));
    expect(Object.keys(out)).toEqual([
      'file',
      'sha256',
      'rows',
      'columns',
      'options',
      'epsSuggested',
      'nClusters',
      'nNoise',
      'noiseShare',
      'sizes',
      'coreSizes',
      'labels',
      'coreSampleIndices',
    ]);
    expect(out.options).toEqual({
      eps: 0.5,
      minSamples: 5,
      metric: 'euclidean',
      scale: 'standard',
    });
    expect(out.epsSuggested).toBeNull();
    expect(out.nNoise).toBe(fit.nNoise);
    expect(out.labels.filter((l: number) => l === -1)).toHaveLength(fit.nNoise);
  });

  it('--eps auto takes the knee of the k-distance curve (k = min samples - 1) and says so', async () => {
    const X = await irisScaled();
    const s = suggestEps(X, { minSamples: 5 });
    const r = await cli(['dbscan', 'datasets/iris.csv', '--label', 'species', '--eps', 'auto']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`; dbscan, eps ${s.eps} (suggested), min samples 5`);
    expect(r.stdout).toContain(`eps ${s.eps} was suggested: the knee of the k-distance curve`);
    expect(r.stdout).toContain('its 4th nearest other row (k = min samples - 1)');
    expect(r.stdout).toContain('give --eps <x> to choose another');
    const json = JSON.parse(
      (await cli(['dbscan', 'datasets/iris.csv', '--label', 'species', '--eps', 'auto', '--json']))
        .stdout,
    );
    expect(json.options.eps).toBe(s.eps);
    expect(json.epsSuggested).toMatchObject({ eps: s.eps, k: 4, knee: s.knee });
    expect(json.labels).toEqual(Array.from(dbscan(X, { eps: s.eps, minSamples: 5 }).labels));
  });

  it('prints eps, clusters, sizes with core points and the noise row; --out writes noise as "noise"', async () => {
    const out = join(folder, 'dbscan.csv');
    const r = await cli(['dbscan', ...SMALL, '--eps', '1', '--min-samples', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      '13 rows, 2 columns; dbscan, eps 1, min samples 3, metric euclidean',
      '2 clusters, 1 noise row (7.7% of 13)',
    ]);
    expect(r.stdout).toMatch(/\ncluster {2}size {2}core {2}a {2}b\n/);
    expect(r.stdout).toMatch(/\nnoise +1 +1 +0\n/);
    const fit = dbscan(SMALL_X, { eps: 1, minSamples: 3 });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,label,dbscan');
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(
      Array.from(fit.labels, (l) => (l < 0 ? 'noise' : `C${l + 1}`)),
    );
    expect(lines[13]).toBe('far,a,noise');
  });

  it('every row noise: said, and "noise" in every row', async () => {
    const out = join(folder, 'all-noise.csv');
    const r = await cli(['dbscan', ...SMALL, '--eps', '0.1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 clusters, 13 noise rows \(100\.0% of 13\)/);
    expect(r.stdout).toMatch(/no cluster found: every row is noise/);
    expect(
      readFileSync(out, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .every((l) => l.endsWith(',noise')),
    ).toBe(true);
  });
});

describe('clusterlens optics', () => {
  it('iris --min-samples 10 --json: the xi labels, ordering and reachability of optics', async () => {
    const r = await cli([
      'optics',
      'datasets/iris.csv',
      '--label',
      'species',
      '--min-samples',
      '10',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const fit = optics(await irisScaled(), { minSamples: 10 });
    expect(out.clusters).toBe('xi');
    expect(out.labels).toEqual(Array.from(fit.labels));
    expect(out.ordering).toEqual(Array.from(fit.ordering));
    expect(out.reachability).toEqual(
      Array.from(fit.reachability, (v) => (Number.isFinite(v) ? v : null)),
    );
    expect(out.reachability[fit.ordering[0]!]).toBeNull();
    expect(out.clusterHierarchy).toEqual(fit.clusterHierarchy);
    expect(out.options).toMatchObject({
      minSamples: 10,
      minClusterSize: 10,
      maxEps: null,
      xi: 0.05,
    });
  });

  it('--eps gives the DBSCAN clusters read off the ordering; --max-eps and --xi are passed on', async () => {
    const r = await cli([
      'optics',
      'datasets/iris.csv',
      '--label',
      'species',
      '--min-samples',
      '10',
      '--max-eps',
      '2',
      '--xi',
      '0.1',
      '--eps',
      '0.6',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const fit = optics(await irisScaled(), { minSamples: 10, maxEps: 2, xi: 0.1 });
    const out = JSON.parse(r.stdout);
    expect(out.clusters).toBe('dbscan');
    expect(out.labels).toEqual(Array.from(extractDBSCAN(fit, 0.6)));
    const text = await cli(['optics', ...SMALL, '--min-samples', '3']);
    expect(text.stdout).toMatch(/\nxi clusters \(xi 0\.05\): \d+ clusters?, \d+ noise rows? /);
    expect(text.stdout).toMatch(/\nnoise +\d+/);
  });
});

describe('bad flags of the density commands', () => {
  const iris = ['datasets/iris.csv', '--label', 'species'];
  const CASES: [string, string[], RegExp][] = [
    [
      'hdbscan --min-cluster-size 1',
      ['hdbscan', ...iris, '--min-cluster-size', '1'],
      /--min-cluster-size must be an integer >= 2\. Got '1' instead\./,
    ],
    [
      'hdbscan --min-samples 0',
      ['hdbscan', ...iris, '--min-samples', '0'],
      /--min-samples must be an integer >= 1\. Got '0' instead\./,
    ],
    [
      'hdbscan --min-samples 151',
      ['hdbscan', ...iris, '--min-samples', '151'],
      /--min-samples must be at most the number of rows \(150\)\. Got 151 instead\./,
    ],
    [
      'hdbscan --min-cluster-size 200',
      ['hdbscan', ...iris, '--min-cluster-size', '200'],
      /--min-cluster-size \(also --min-samples when not given\) must be at most the number of rows/,
    ],
    [
      'hdbscan --epsilon -0.5',
      ['hdbscan', ...iris, '--epsilon=-0.5'],
      /--epsilon must be a number >= 0\. Got '-0\.5' instead\./,
    ],
    ['hdbscan --selection best', ['hdbscan', ...iris, '--selection', 'best'], /--selection/],
    ['hdbscan --metric nope', ['hdbscan', ...iris, '--metric', 'nope'], /--metric/],
    ['dbscan without --eps', ['dbscan', ...iris], /--eps/],
    [
      'dbscan --eps 0',
      ['dbscan', ...iris, '--eps', '0'],
      /--eps must be a number > 0 or 'auto'\. Got '0'/,
    ],
    [
      'dbscan --eps -1',
      ['dbscan', ...iris, '--eps', '-1'],
      /--eps must be a number > 0 or 'auto'\. Got '-1'/,
    ],
    [
      'dbscan --eps abc',
      ['dbscan', ...iris, '--eps', 'abc'],
      /--eps must be a number > 0 or 'auto'/,
    ],
    [
      'dbscan --min-samples 0',
      ['dbscan', ...iris, '--eps', '1', '--min-samples', '0'],
      /--min-samples must be an integer >= 1\. Got '0' instead\./,
    ],
    [
      'dbscan --eps auto --min-samples 1',
      ['dbscan', ...iris, '--eps', 'auto', '--min-samples', '1'],
      /--eps auto needs --min-samples >= 2/,
    ],
    [
      'dbscan --eps auto --min-samples 151',
      ['dbscan', ...iris, '--eps', 'auto', '--min-samples', '151'],
      /--min-samples \(with --eps auto\) must be at most the number of rows \(150\)/,
    ],
    [
      'optics --min-samples 1',
      ['optics', ...iris, '--min-samples', '1'],
      /--min-samples must be an integer >= 2 or a fraction in \(0, 1\) of the rows\. Got '1'/,
    ],
    [
      'optics --min-samples 0',
      ['optics', ...iris, '--min-samples', '0'],
      /--min-samples must be an integer >= 2 or a fraction/,
    ],
    [
      'optics --xi 2',
      ['optics', ...iris, '--xi', '2'],
      /--xi must be a number in \[0, 1\]\. Got '2'/,
    ],
    [
      'optics --eps 3 --max-eps 2',
      ['optics', ...iris, '--eps', '3', '--max-eps', '2'],
      /--eps must be at most --max-eps \(2\)\. Got 3 instead\./,
    ],
    ['optics --max-eps 0', ['optics', ...iris, '--max-eps', '0'], /--max-eps must be a number > 0/],
  ];
  it('clusterlens dbscan --eps auto on duplicated rows exits 1 naming --eps', async () => {
    const dup = join(folder, 'dup.csv');
    writeFileSync(dup, 'x,y\n1,2\n1,2\n1,2\n1,2\n1,2\n1,2\n');
    oneLineError(
      await cli(['dbscan', dup, '--scale', 'none', '--eps', 'auto']),
      /no eps > 0 is suggested; give --eps x instead\./,
    );
  });

  for (const [what, argv, message] of CASES) {
    it(`clusterlens ${what} exits 1 with one line naming the flag`, async () => {
      oneLineError(await cli(argv), message);
    });
  }
});

describe('--out of the density commands', () => {
  it('refuses the input, even with --force', async () => {
    for (const command of [
      ['hdbscan', '--min-cluster-size', '3'],
      ['dbscan', '--eps', '1'],
      ['optics', '--min-samples', '3'],
    ]) {
      const before = readFileSync(small, 'utf8');
      const r = await cli([command[0]!, ...SMALL, ...command.slice(1), '--force', '--out', small]);
      oneLineError(r, /it is the input file/);
      expect(readFileSync(small, 'utf8')).toBe(before);
    }
  });

  it('refuses a file clusterlens did not write unless --force, then replaces its own', async () => {
    const out = join(folder, 'mine.csv');
    writeFileSync(out, 'my notes\n');
    const argv = ['dbscan', ...SMALL, '--eps', '1', '--out', out];
    oneLineError(await cli(argv), /the file exists and clusterlens did not write it/);
    expect(readFileSync(out, 'utf8')).toBe('my notes\n');
    expect((await cli([...argv, '--force'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^id,label,dbscan\n/);
    // its own output now: replaced without --force, byte for byte the same
    const first = readFileSync(out, 'utf8');
    expect((await cli(argv)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(first);
    // another density command may replace it too
    expect((await cli(['hdbscan', ...SMALL, '--min-cluster-size', '3', '--out', out])).code).toBe(
      0,
    );
    expect(readFileSync(out, 'utf8')).toMatch(/^id,label,hdbscan,probability,outlier_score\n/);
  });

  it('--out - writes the CSV to standard output and the summary to stderr; not with --json', async () => {
    const r = await cli(['optics', ...SMALL, '--min-samples', '3', '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^id,label,optics\n/);
    expect(r.stderr).toMatch(/^13 rows, 2 columns; optics/);
    oneLineError(
      await cli(['hdbscan', ...SMALL, '--out', '-', '--json']),
      /--out '-' and --json both write to standard output/,
    );
    expect(existsSync(join(folder, '-'))).toBe(false);
  });
});
