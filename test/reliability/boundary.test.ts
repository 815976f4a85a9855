/**
 * The library boundary: every public function checks its arguments before it works on them.
 *
 * - FeatureMatrix shapes (fast-check): {rows, cols, data} with every kind of wrong field (data
 *   too short or too long, fractional, negative, NaN or huge rows, data of strings, null) is a
 *   DataError from every engine; a consistent one is accepted (a plain number[] data as well).
 * - Hostile arguments (a table over src/index.ts and src/advanced.ts): each function is called
 *   with valid arguments, then with each argument and each option field replaced by a hostile
 *   value (null, undefined, NaN, -1, 1.5, 2^53, 1e9, strings, objects, arrays, functions). The
 *   only outcomes allowed: a result, or a DataError/OptionError; never a TypeError, a RangeError
 *   or a stack overflow, and nothing that runs for long (limits such as nInit <= 10,000 are
 *   checked first).
 * - Named cases: reversed k ranges, huge nInit, buildReport(null), buildReport(matrix),
 *   writeReport(path, null).
 *
 * Seeded: BOUNDARY_SEED=<n> replays a run of the properties.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { afterAll, describe, expect, it } from 'vitest';
import * as advanced from '../../src/advanced.js';
import type { Dataset, FeatureMatrix, MatrixLike, Report } from '../../src/index.js';
import * as main from '../../src/index.js';
import { DataError, isUserError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

/** The whole public surface: the main entry and `clusterlens/advanced`. */
const cl = { ...main, ...advanced };

const SEED = Number(process.env.BOUNDARY_SEED ?? 20261205);
console.log(`boundary properties: seed ${SEED} (BOUNDARY_SEED=${SEED} replays this run)`);

const quiet = <T>(fn: () => T): T => withCollectedWarnings(fn).value;

const X = [
  [1, 2],
  [1.5, 1.8],
  [5, 8],
  [8, 8],
  [1, 0.6],
  [9, 11],
];
const L = [0, 0, 1, 1, 0, 1];

/** Values no argument or option should take. */
const HOSTILE_VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  Infinity,
  -Infinity,
  '',
  'x',
  true,
  {},
  [],
  [[]],
  [Number.NaN],
  [null],
  () => 1,
  2 ** 53,
  1e9,
  2 ** 31,
  [10, 2],
  { rows: 2, cols: 2, data: [1, 2, 3] },
  new Matrix(0, 0),
];

/** The outcome of a call: 'ok', 'user' (DataError/OptionError) or the unexpected error. */
function outcome(f: () => unknown): 'ok' | 'user' | Error {
  try {
    const r = quiet(f);
    if (r instanceof Promise) r.catch(() => {});
    return 'ok';
  } catch (error) {
    return isUserError(error) ? 'user' : (error as Error);
  }
}

/** The engines that take a matrix, each with options that fit a 6 x 2 matrix. */
const ENGINES: [string, (m: unknown) => unknown][] = [
  ['kmeans', (m) => cl.kmeans(m as MatrixLike, { k: 1 })],
  ['miniBatchKMeans', (m) => cl.miniBatchKMeans(m as MatrixLike, { k: 1 })],
  ['hclust', (m) => cl.hclust(m as MatrixLike)],
  ['pca', (m) => cl.pca(m as MatrixLike)],
  ['scale', (m) => cl.scale(m as MatrixLike)],
  ['pdist', (m) => cl.pdist(m as MatrixLike)],
  ['kmeansPlusPlus', (m) => cl.kmeansPlusPlus(m as MatrixLike, { k: 1 })],
  ['twoStage', (m) => cl.twoStage(m as MatrixLike, { k: 1, centres: 2 })],
  ['sampledHclust', (m) => cl.sampledHclust(m as MatrixLike, { k: 1, sample: 2 })],
  ['toRows', (m) => cl.toRows(m as FeatureMatrix)],
  ['toMlMatrix', (m) => cl.toMlMatrix(m as FeatureMatrix)],
  ['toDataset', (m) => cl.toDataset(m as MatrixLike)],
  ['umap', (m) => cl.umap(m as MatrixLike, { nNeighbors: 2, nEpochs: 5 })],
  ['tsne', (m) => cl.tsne(m as MatrixLike, { perplexity: 1, nIter: 5 })],
];

describe('FeatureMatrix shapes (fast-check)', () => {
  const dimension = fc.oneof(
    fc.integer({ min: 0, max: 6 }),
    fc.constantFrom(-1, -6, 1.5, 2.5, Number.NaN, Infinity, 1e300, 2 ** 53, 2 ** 40, -0),
    fc.constantFrom('3' as unknown, null, undefined, true),
  );
  const data = fc.oneof(
    fc.array(fc.double({ noNaN: true, min: -10, max: 10 }), { maxLength: 40 }).map((a) => ({
      kind: 'f64',
      value: Float64Array.from(a) as unknown,
    })),
    fc.array(fc.double({ noNaN: true, min: -10, max: 10 }), { maxLength: 40 }).map((a) => ({
      kind: 'array',
      value: a as unknown,
    })),
    fc
      .array(fc.constantFrom('1', null, undefined, {}), { minLength: 1, maxLength: 12 })
      .map((a) => ({ kind: 'garbage', value: a as unknown })),
    fc.constantFrom(null, undefined, 'abc', 7, {}).map((v) => ({ kind: 'garbage', value: v })),
  );

  it('a consistent {rows, cols, data} is accepted by toFeatureMatrix; anything else is a DataError from every engine', () => {
    fc.assert(
      fc.property(dimension, dimension, data, (rows, cols, d) => {
        const m = { rows, cols, data: d.value };
        const valid =
          typeof rows === 'number' &&
          typeof cols === 'number' &&
          Number.isSafeInteger(rows) &&
          Number.isSafeInteger(cols) &&
          rows >= 0 &&
          cols >= 0 &&
          d.kind !== 'garbage' &&
          (d.value as ArrayLike<number>).length === rows * cols;
        if (valid) {
          const fm = cl.toFeatureMatrix(m as MatrixLike);
          expect(fm.rows).toBe(rows);
          expect(fm.cols).toBe(cols);
          expect(Array.from(fm.data)).toEqual(Array.from(d.value as ArrayLike<number>));
          return;
        }
        for (const [name, engine] of ENGINES) {
          let thrown: unknown;
          try {
            quiet(() => engine(m));
          } catch (error) {
            thrown = error;
          }
          if (!(thrown instanceof DataError)) {
            throw new Error(
              `${name}(${JSON.stringify({ rows, cols, kind: d.kind })}): expected a DataError, ` +
                `got ${thrown === undefined ? 'a result' : String(thrown)}`,
            );
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('the cases seen in the field: data too short, too long, fractional, NaN or huge rows', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { rows: 6, cols: 2, data: new Float64Array(10) },
        /rows \* cols values \(6 x 2 = 12\); its data has 10/,
      ],
      [{ rows: 6, cols: 2, data: new Float64Array(14) }, /its data has 14/],
      [
        { rows: 6.5, cols: 2, data: new Float64Array(13) },
        /'rows' is a non-negative integer. Got 6.5/,
      ],
      [
        { rows: Number.NaN, cols: 2, data: new Float64Array(12) },
        /'rows' is a non-negative integer. Got NaN/,
      ],
      [
        { rows: 1e300, cols: 0, data: new Float64Array(0) },
        /'rows' is a non-negative integer. Got 1e\+300/,
      ],
      [{ rows: 2 ** 40, cols: 2 ** 20, data: new Float64Array(12) }, /its data has 12/],
      [
        { rows: 6, cols: 2, data: null },
        /'data' is a Float64Array or an array of numbers. Got null/,
      ],
      [
        { features: { rows: 6, cols: 2, data: new Float64Array(12) }, columns: ['a'] },
        /one name in 'columns' per feature column \(2\)/,
      ],
    ];
    for (const [m, message] of cases) {
      for (const [name, engine] of ENGINES) {
        expect(() => quiet(() => engine(m)), name).toThrow(DataError);
        expect(() => quiet(() => engine(m)), name).toThrow(message);
      }
    }
    // a consistent matrix whose data is a plain array is copied and fitted
    const fit = cl.kmeans({ rows: 6, cols: 2, data: X.flat() } as unknown as FeatureMatrix, {
      k: 2,
    });
    expect(Array.from(fit.labels)).toEqual(Array.from(cl.kmeans(X, { k: 2 }).labels));
  });
});

describe('hostile arguments to every public function', () => {
  const FM = cl.featureMatrix(6, 2, Float64Array.from(X.flat()));
  const ds = cl.parseCsv('a,b\n1,2\n1.5,1.8\n5,8\n8,8\n1,0.6\n9,11\n');
  const tree = cl.hclust(X);
  const fitted = cl.pca(X);
  const table = () =>
    cl.sampleTable(
      {
        ids: ['a', 'b'],
        clusters: [0, 1],
        pc1: [1, 2],
        pc2: [1, 2],
        features: ['f'],
        original: [1, 2],
        zscores: [1, 2],
        silhouette: [0.5, 0.5],
      },
      2,
    );
  const layout = cl.dendrogram(tree, { cut: { k: 2 } });
  const dendrogramInput = {
    icoord: layout.icoord,
    dcoord: layout.dcoord,
    leafLabels: layout.labels,
    leafClusters: layout.leafCluster.map(String),
    cut: layout.cutHeight!,
    k: 2,
    samples: 6,
    method: 'ward',
  };
  const biplotInput = {
    components: [[1], [0]],
    explainedVariance: [1, 0.5],
    variance: [0.6, 0.3],
  };
  // Each function with valid arguments (a factory: some arguments are mutable state).
  const FUNCTIONS: Record<string, () => unknown[]> = {
    featureMatrix: () => [6, 2, FM.data],
    toFeatureMatrix: () => [X, {}],
    toDataset: () => [X],
    toLabels: () => [L],
    toMlMatrix: () => [FM],
    toRows: () => [FM],
    parseCsv: () => ['a,b\n1,2\n', {}],
    parseJSON: () => ['[{"a":1}]', {}],
    scale: () => [X, { method: 'standard' }],
    chooseK: () => [X, { k: [2, 3], gapReferences: 2, nInit: 2 }],
    kmeans: () => [X, { k: 2 }],
    kmeansPlusPlus: () => [X, { k: 2 }],
    createMiniBatchKMeans: () => [{ k: 2 }],
    miniBatchKMeans: () => [X, { k: 2 }],
    calinskiHarabasz: () => [X, L],
    contingencyMatrix: () => [L, L],
    daviesBouldin: () => [X, L],
    adjustedMutualInfo: () => [L, L],
    mutualInfo: () => [L, L],
    normalizedMutualInfo: () => [L, L],
    adjustedRandIndex: () => [L, L],
    silhouetteSamples: () => [X, L],
    silhouetteScore: () => [X, L, {}],
    dendrogram: () => [tree, {}],
    pdist: () => [X, {}],
    estimateLinkageSeconds: () => [100, 2, 'square'],
    hclust: () => [X, { method: 'ward' }],
    planLinkage: () => [100, 2, 'ward', 'auto', 1e9],
    resolveLinkageMethod: () => ['ward'],
    hclustFromLinkage: () => [tree.linkage],
    sampledHclust: () => [X, { sample: 4, k: 2 }],
    twoStage: () => [X, { centres: 4, k: 2 }],
    pca: () => [X, {}],
    pcaFromJSON: () => [fitted.toJSON()],
    pcaFromMlPCA: () => [fitted.toMlPca()],
    toMlPCAModel: () => [fitted],
    buildReport: () => [ds, { k: 2 }],
    clusterColors: () => [3],
    clusterIds: () => [3],
    clusterScale: () => [3],
    hungarian: () => [
      [
        [1, 2],
        [3, 4],
      ],
    ],
    relabel: () => [L, [1, 0]],
    crossTable: () => [L, L, 2, 2],
    matchClusters: () => [L, L, 2, 2],
    anovaF: () => [FM.data, 6, 2, L, 2],
    binDensity: () => [[1, 2, 3], [1, 2, 3], 10],
    screeSpec: () => [[0.5, 0.3], {}],
    eigenImagesSpec: () => [
      { width: 2, height: 2, mean: [1, 2, 3, 4], components: [[0.5, 0.5, 0.5, 0.5]], ratios: [1] },
      {},
    ],
    reconstructionsSpec: () => [
      {
        width: 2,
        height: 2,
        rows: ['a'],
        ks: [1, 4],
        explained: [0.9, 1],
        pixels: [
          [
            [1, 2, 3, 4],
            [1, 2, 3, 4],
          ],
        ],
        range: [0, 4],
      },
      {},
    ],
    sampleTable: () => [
      {
        ids: ['a', 'b'],
        clusters: [0, 1],
        pc1: [1, 2],
        pc2: [1, 2],
        features: ['f'],
        original: [1, 2],
        zscores: [1, 2],
      },
      2,
    ],
    projectionSpec: () => [table(), { variance: [0.5, 0.3] }],
    silhouetteSpec: () => [table(), {}],
    exploreSpec: () => [table(), [1], { variance: [0.5, 0.3] }],
    biplotSpec: () => [table(), biplotInput, {}],
    biplotArrows: () => [table(), biplotInput],
    profilesSpec: () => [
      {
        features: ['a', 'b'],
        k: 2,
        meanZ: [
          [1, 2],
          [3, 4],
        ],
        mean: [
          [1, 2],
          [3, 4],
        ],
        sizes: [3, 3],
        anovaF: [1, 2],
      },
      {},
    ],
    selectionProfileSpec: () => [table(), [1], {}],
    agreementSpec: () => [
      [
        {
          rowsName: 'a',
          colsName: 'b',
          rowIds: ['C1', 'C2'],
          colIds: ['C1', 'C2'],
          counts: [
            [1, 2],
            [3, 4],
          ],
          ari: 0.5,
        },
      ],
      {},
    ],
    chooseKSpec: () => [
      { table: [{ k: 2, inertia: 3 }], picks: { inertia: 2 }, chosen: 2, recommended: true },
      {},
    ],
    dendrogramSpec: () => [dendrogramInput, {}],
    dendrogramSegments: () => [dendrogramInput],
    sampleRows: () => [10, 4, 0],
    varianceSpread: () => [X, ['a', 'b']],
    defaultKRange: () => [40],
    maxSE: () => [[1, 2, 3], [0.1, 0.1, 0.1], 'firstSEmax', 1],
    withinDispersion: () => [[0, 0, 1, 1, 5, 5, 6, 6], 4, 2, [0, 0, 1, 1], 2, 2, 'clusGap'],
    hopkins: () => [X, { sampleSize: 2, seed: 1 }],
    compressImage: () => [
      { width: 4, height: 4, channels: 1, pixels: Float64Array.from({ length: 16 }, (_, i) => i) },
      { components: 2, block: 2 },
    ],
    imageFromRow: () => [[1, 2, 3, 4], 2, 2, 1],
    trustworthiness: () => [X, X, { nNeighbors: 2 }],
    dbscan: () => [X, { eps: 1, minSamples: 2 }],
    hdbscan: () => [X, { minClusterSize: 2 }],
    optics: () => [X, { minSamples: 2 }],
    extractDBSCAN: () => [cl.optics(X, { minSamples: 2 }), 1],
    knnDistances: () => [X, { k: 2 }],
    suggestEps: () => [X, { minSamples: 2 }],
    umap: () => [
      X,
      {
        nNeighbors: 3,
        nComponents: 2,
        minDist: 0.1,
        spread: 1,
        nEpochs: 20,
        metric: 'euclidean',
        init: 'spectral',
        negativeSampleRate: 2,
        learningRate: 1,
        neighbors: 'exact',
        seed: 1,
      },
    ],
    tsne: () => [
      X,
      {
        nComponents: 2,
        perplexity: 1.5,
        earlyExaggeration: 4,
        exaggerationIterations: 10,
        nIter: 30,
        learningRate: 'auto',
        theta: 0.5,
        init: 'pca',
        metric: 'euclidean',
        seed: 1,
      },
    ],
  };
  const extra: Record<string, (...args: unknown[]) => unknown> = {
    RandomState: (seed) => new cl.RandomState(seed as number),
  };
  FUNCTIONS.RandomState = () => [3];
  const HOSTILE = HOSTILE_VALUES;

  it('covers every function exported from src/index.ts and src/advanced.ts that takes arguments', () => {
    const skipped = new Set([
      // no arguments, or arguments that are not user data: the memory budget of the process
      // (its own module checks them), the logger, the streaming PCA class, type guards
      'availableMemory',
      'checkMemory',
      'estimate',
      'formatBytes',
      'memoryBudget',
      'parseSize',
      'setMemoryBudget',
      'setLogger',
      'PCAAccumulator',
      'createPCAAccumulator',
      'isPCASolver',
      'isUserError',
      'DataError',
      'OptionError',
      // async file writers: writeReport is checked below; the other writers belong to the
      // output-path checks of their own tests
      'writeReport',
      'writeCsv',
      'writeFileAtomic',
      'checkOutputPath',
      'checkOutputFolder',
      'removeStaleTemporaries',
      'toCsv',
      'renderHtml',
      'loadCsv',
      'loadJSON',
      'loadDataset',
      'loadTable',
      // async image files: checked in 'the image readers and writer reject hostile arguments'
      'loadImage',
      'saveImage',
      'loadImageFolder',
      // async loaders of files: their checks are in test/data/columnar.test.ts and chunks.test.ts
      'loadParquet',
      'loadArrow',
      'readChunks',
      'loadSample',
      // the async report of a chunked table: its checks are in test/report/stream.test.ts
      'buildStreamedReport',
      // async queries: their checks are in test/data/sql.test.ts
      'readSqlChunks',
      'loadSql',
    ]);
    const functions = Object.entries(cl)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k);
    const untested = functions.filter((k) => !(k in FUNCTIONS) && !skipped.has(k));
    expect(untested).toEqual([]);
  });

  it('every call returns, or throws a DataError/OptionError', () => {
    const bad: string[] = [];
    const call = (name: string, args: unknown[], what: string) => {
      const fn = (extra[name] ?? (cl as unknown as Record<string, unknown>)[name]) as (
        ...a: unknown[]
      ) => unknown;
      const t0 = performance.now();
      const r = outcome(() => fn(...args));
      const ms = performance.now() - t0;
      if (r !== 'ok' && r !== 'user') bad.push(`${name} ${what}: ${r.name}: ${r.message}`);
      if (ms > 2000) bad.push(`${name} ${what}: took ${ms.toFixed(0)} ms`);
    };
    for (const [name, valid] of Object.entries(FUNCTIONS)) {
      const base = valid();
      const first = outcome(() =>
        (
          (extra[name] ?? (cl as unknown as Record<string, unknown>)[name]) as (
            ...a: unknown[]
          ) => unknown
        )(...base),
      );
      expect(first, `${name} with valid arguments`).toBe('ok');
      for (let p = 0; p < Math.max(base.length, 1); p++) {
        for (const h of HOSTILE) {
          // sampleRows(1e9, ...) is numpy's O(n) permutation of a billion rows: correct, not quick
          if (name === 'sampleRows' && p === 0 && typeof h === 'number' && h >= 1e9) continue;
          const args = valid();
          args[p] = h;
          call(name, args, `argument ${p} = ${String(h)}`);
        }
        const arg = base[p];
        if (
          typeof arg === 'object' &&
          arg !== null &&
          !Array.isArray(arg) &&
          !ArrayBuffer.isView(arg) &&
          Object.getPrototypeOf(arg) === Object.prototype
        ) {
          for (const key of Object.keys(arg)) {
            for (const h of HOSTILE) {
              const args = valid();
              args[p] = { ...(args[p] as object), [key]: h };
              call(name, args, `argument ${p}.${key} = ${String(h)}`);
            }
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('named cases', () => {
  it('the image readers and writer reject hostile arguments with a DataError/OptionError', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'clusterlens-boundary-image-'));
    try {
      const image = { width: 2, height: 1, channels: 1, pixels: Float64Array.of(1, 2) };
      const path = join(folder, 'x.png');
      await cl.saveImage(path, image as main.Image);
      // a hostile name ('x') stays inside the test's folder
      const inside = (h: unknown) => (typeof h === 'string' && h !== '' ? join(folder, h) : h);
      const calls: [string, (h: unknown) => Promise<unknown>][] = [
        ['loadImage(path)', (h) => cl.loadImage(inside(h) as string)],
        ['loadImageFolder(dir)', (h) => cl.loadImageFolder(inside(h) as string)],
        ['saveImage(path, image)', (h) => cl.saveImage(inside(h) as string, image as main.Image)],
        ['saveImage(path, image)', (h) => cl.saveImage(path, h as main.Image)],
      ];
      for (const key of Object.keys(image)) {
        calls.push([
          `saveImage image.${key}`,
          (h) => cl.saveImage(path, { ...image, [key]: h } as main.Image),
        ]);
      }
      const bad: string[] = [];
      for (const [what, call] of calls) {
        for (const h of HOSTILE_VALUES) {
          try {
            await call(h);
          } catch (error) {
            if (!isUserError(error)) bad.push(`${what} = ${String(h)}: ${(error as Error).name}`);
          }
        }
      }
      expect(bad).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('chooseK with a reversed range is an OptionError, not a table', () => {
    expect(() => chooseKQuiet([10, 2])).toThrow(
      new OptionError(
        "The 'k' option of chooseK must be [min, max] with min <= max. Got [10, 2] instead; did you mean [2, 10]?",
      ),
    );
    // a list of three or more is a list, in any order; [a, a] is the one candidate a
    expect(chooseKQuiet([4, 2, 3]).table.map((r) => r.k)).toEqual([2, 3, 4]);
    expect(chooseKQuiet([2, 2]).table.map((r) => r.k)).toEqual([2]);
  });

  function chooseKQuiet(k: number[]) {
    const Y = Array.from({ length: 12 }, (_, i) => [i % 3, (i * 7) % 5]);
    return quiet(() => cl.chooseK(Y, { k, gapReferences: 2, nInit: 2 }));
  }

  it('restarts, iterations and gap references have limits, checked before any work', () => {
    expect(() => cl.kmeans(X, { k: 2, nInit: 1e9 })).toThrow(
      "The 'nInit' option of kmeans must be an integer in [1, 10000]. Got 1000000000 instead.",
    );
    expect(() => cl.chooseK(X, { k: [2, 3], nInit: 10001 })).toThrow(/'nInit' .* \[1, 10000\]/);
    expect(() => cl.miniBatchKMeans(X, { k: 2, nInit: 1e6 })).toThrow(/\[1, 10000\]/);
    expect(() => cl.twoStage(X, { k: 2, centres: 3, nInit: 1e6 })).toThrow(/\[1, 10000\]/);
    expect(() => cl.kmeans(X, { k: 2, maxIterations: 2e6 })).toThrow(/\[1, 1000000\]/);
    expect(() => cl.chooseK(X, { k: [2, 3], gapReferences: 1e9 })).toThrow(/\[1, 1000\]/);
    // a range far beyond n is refused before its candidates are listed
    expect(() => cl.chooseK(X, { k: [2, 1e12] })).toThrow(
      'n_samples=6 should be >= k=1000000000000.',
    );
  });

  it('buildReport(null) is a DataError; buildReport(matrix) reports the matrix as columns x1..xd', () => {
    expect(() => cl.buildReport(null as unknown as Dataset)).toThrow(DataError);
    expect(() => cl.buildReport(null as unknown as Dataset)).toThrow(
      /The data of buildReport must be number\[\]\[\], an ml-matrix Matrix, a FeatureMatrix/,
    );
    const Y = Array.from({ length: 30 }, (_, i) => [(i % 3) * 5 + (i % 7) / 7, (i % 5) / 5]);
    const fm = cl.featureMatrix(30, 2, Float64Array.from(Y.flat()));
    const report = quiet(() => cl.buildReport(fm, { k: 3 }));
    expect(report.analysis.features).toEqual(['x1', 'x2']);
    expect(report.manifest.input.format).toBe('matrix');
    // the same values as number[][] give the same report
    const again = quiet(() => cl.buildReport(Y, { k: 3 }));
    expect(again.analysis.kmeans.labels).toEqual(report.analysis.kmeans.labels);
    expect(again.manifest.input.sha256).toBe(report.manifest.input.sha256);
    // a Dataset whose labels do not match its rows
    expect(() => cl.buildReport({ ...cl.toDataset(Y), labels: ['a'] })).toThrow(
      /'labels' has one string per row \(30\)/,
    );
  });

  it('writeReport(path, null) and writeReport of a hand-made object are OptionErrors; nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-boundary-'));
    const path = join(dir, 'r.html');
    await expect(cl.writeReport(path, null as unknown as Report)).rejects.toThrow(
      new OptionError('writeReport needs the report that buildReport returned. Got null instead.'),
    );
    await expect(cl.writeReport(path, {} as Report)).rejects.toThrow(OptionError);
    await expect(cl.writeReport(null as unknown as string, {} as Report)).rejects.toThrow(
      /writeReport needs the path of the HTML file to write/,
    );
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('umap: options out of range are OptionErrors naming the option; too little data is a DataError', () => {
    expect(() => cl.umap(X, { minDist: 2, spread: 1 })).toThrow(
      new OptionError(
        'umap: minDist (2) must not exceed spread (1); raise spread or lower minDist.',
      ),
    );
    expect(() => cl.umap(X, { nNeighbors: 1 })).toThrow(OptionError);
    expect(() => cl.umap(X, { nNeighbors: 1 })).toThrow(/'nNeighbors'/);
    expect(() => cl.umap(X, { init: 'tsne' as 'pca' })).toThrow(/'init'/);
    expect(() => cl.umap(X, { nEpochs: 2e6 })).toThrow(/'nEpochs'/);
    expect(() => cl.umap(X, { seeds: 1 } as object)).toThrow(OptionError);
    expect(() => cl.umap([[1, 2]])).toThrow(
      new DataError('umap needs at least 2 rows and 1 column; got 1 x 2.'),
    );
  });

  it('tsne: options out of range are OptionErrors naming the option; too little data is a DataError', () => {
    expect(() => cl.tsne(X, { perplexity: 1.5, nIter: 2e6 })).toThrow(
      new OptionError(
        "The 'nIter' option of tsne must be an integer in [1, 1000000]. Got 2000000 instead.",
      ),
    );
    expect(() => cl.tsne(X, { perplexity: 0.5 })).toThrow(/'perplexity'/);
    expect(() => cl.tsne(X, { perplexity: 1.5, theta: 2 })).toThrow(/'theta'/);
    expect(() => cl.tsne(X, { learningRate: 'fast' as 'auto' })).toThrow(/'learningRate'/);
    expect(() => cl.tsne(X, { init: 'spectral' as 'pca' })).toThrow(/'init'/);
    expect(() => cl.tsne(X, { perplexty: 2 } as object)).toThrow(OptionError);
    expect(() => cl.tsne(X)).toThrow(
      new DataError(
        'tsne needs more than perplexity + 1 rows: X has 6 rows and perplexity is 30; use a perplexity below 5.',
      ),
    );
  });

  afterAll(() => {});
});
