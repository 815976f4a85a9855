/**
 * UMAP (McInnes, Healy and Melville, arXiv:1802.03426): a nonlinear map of the rows to 2 (or
 * more) dimensions that keeps each row's nearest neighbours near.
 *
 * Steps, with umap-learn 0.5's definitions (uwot 0.1.14 shares them; where the two differ, the
 * choice is stated):
 * 1. the k nearest neighbours of every row, itself counted (neighbors.ts: exact, or
 *    nearest-neighbour descent on large data);
 * 2. the fuzzy simplicial set (graph.ts), its entries below max / nEpochs dropped;
 * 3. an initial layout: 'spectral' (spectral.ts; on a graph of several components, whose
 *    Laplacian has no single trivial eigenvector, the PCA layout instead, as uwot falls back to
 *    a PCA layout there), 'pca' (the first PCA scores) or 'random' (uniform in [-10, 10]); the
 *    spectral and PCA layouts are scaled to a largest |coordinate| of 10 and given Gaussian
 *    noise of standard deviation 1e-4 (uwot's scaling);
 * 4. nEpochs of the stochastic gradient descent of optimize.ts (500 epochs up to 10,000 rows,
 *    200 beyond).
 *
 * `transform` places new rows as umap-learn's `UMAP.transform` does: their k nearest fitted
 * rows, memberships with local connectivity 0, a start at the membership-weighted mean of those
 * rows, then a third of the fit's epochs when nEpochs was given, otherwise 100 epochs (30 for
 * more than 10,000 new rows), moving only the new rows, at a quarter of the learning rate.
 *
 * Deterministic: one MT19937 stream from the seed feeds the neighbour search, the start vector
 * of the spectral solver, the noise and the negative samples, in that order.
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { pca } from '../../decomposition/pca/index.js';
import { withCollectedWarnings } from '../../util/log.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import { DataError, OptionError } from '../../util/errors.js';
import { DEFAULT_SEED, RandomState } from '../../util/random.js';
import {
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  checkOptionsObject,
  definedOnly,
} from '../../util/validate.js';
import {
  type KnnGraph,
  nearestNeighbors,
  PROJECTION_METRICS,
  type ProjectionMetric,
  queryNeighbors,
} from '../neighbors.js';
import { fitAB } from './curve.js';
import {
  components,
  fuzzyUnion,
  membership,
  pruneBelow,
  type SparseGraph,
  smoothDistances,
} from './graph.js';
import { type LayoutEdges, optimizeLayout } from './optimize.js';
import { spectralVectors } from './spectral.js';

export type { SparseGraph } from './graph.js';
export type { KnnGraph, ProjectionMetric } from '../neighbors.js';

/** Initial layouts of `umap`. */
export const UMAP_INITS = ['spectral', 'pca', 'random'] as const;
/** An initial layout of `umap`. */
export type UMAPInit = (typeof UMAP_INITS)[number];
/** Neighbour searches: exact, nearest-neighbour descent, or chosen by size. */
export const NEIGHBOR_METHODS = ['auto', 'exact', 'nndescent'] as const;
/** A neighbour search of `umap`. */
export type NeighborMethod = (typeof NEIGHBOR_METHODS)[number];

/** Options of `umap`. */
export interface UMAPOptions {
  /** Neighbours of each row, itself counted (umap-learn's n_neighbors). Default: 15; >= 2. */
  nNeighbors?: number;
  /** Dimensions of the map. Default: 2. */
  nComponents?: number;
  /** Smallest distance between mapped rows, in [0, spread]. Default: 0.1. */
  minDist?: number;
  /** Scale of the mapped distances. Default: 1. */
  spread?: number;
  /** Epochs of the optimisation. Default: 500 up to 10,000 rows, 200 beyond. */
  nEpochs?: number;
  /** Distance of the data. Default: 'euclidean'. */
  metric?: ProjectionMetric;
  /** Initial layout. Default: 'spectral'. */
  init?: UMAPInit;
  /** Negative samples per positive sample. Default: 5. */
  negativeSampleRate?: number;
  /** Initial step of the descent. Default: 1. */
  learningRate?: number;
  /** Neighbour search. Default: 'auto' (exact up to a size, nearest-neighbour descent beyond). */
  neighbors?: NeighborMethod;
  /** Seed of every random draw. Default: 0. */
  seed?: number;
}

/** A fitted UMAP map. */
export interface UMAPResult {
  /** The map: one row per row of the data, nComponents columns. */
  readonly embedding: FeatureMatrix;
  /** The k nearest neighbours of every row (itself first). */
  readonly knn: KnnGraph;
  /** The fuzzy simplicial set the layout was optimised on (symmetric, pruned). */
  readonly graph: SparseGraph;
  /** The curve parameters fitted from minDist and spread. */
  readonly a: number;
  readonly b: number;
  /** The initial layout used ('pca' when 'spectral' fell back on a disconnected graph). */
  readonly init: UMAPInit;
  /** Connected components of the graph. */
  readonly nGraphComponents: number;
  /** The settings used. */
  readonly nNeighbors: number;
  readonly nComponents: number;
  readonly minDist: number;
  readonly spread: number;
  readonly nEpochs: number;
  readonly metric: ProjectionMetric;
  readonly negativeSampleRate: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Places new rows (with the fitted data's columns) on the map. */
  transform(rows: MatrixLike): FeatureMatrix;
  /** The settings used and the map (rows of nComponents numbers) as plain JSON. */
  toJSON(): UMAPJSON;
}

/**
 * `UMAPResult.toJSON()`: the settings used (the start actually used, a, b, the graph's
 * components) and the map as one row of nComponents numbers per data row.
 */
export type UMAPJSON = Omit<UMAPResult, 'embedding' | 'knn' | 'graph' | 'transform' | 'toJSON'> & {
  type: 'umap';
  embedding: number[][];
};

const KNOWN = [
  'nNeighbors',
  'nComponents',
  'minDist',
  'spread',
  'nEpochs',
  'metric',
  'init',
  'negativeSampleRate',
  'learningRate',
  'neighbors',
  'seed',
] as const;

interface Settings {
  nNeighbors: number;
  nComponents: number;
  minDist: number;
  spread: number;
  nEpochs: number | undefined;
  metric: ProjectionMetric;
  init: UMAPInit;
  negativeSampleRate: number;
  learningRate: number;
  neighbors: NeighborMethod;
  seed: number;
}

function settings(fn: string, options: UMAPOptions): Settings {
  checkOptionsObject(fn, options);
  checkKnownOptions(fn, options, KNOWN);
  const o = {
    nNeighbors: 15,
    nComponents: 2,
    minDist: 0.1,
    spread: 1,
    metric: 'euclidean',
    init: 'spectral',
    negativeSampleRate: 5,
    learningRate: 1,
    neighbors: 'auto',
    seed: DEFAULT_SEED,
    ...definedOnly(options),
  };
  const spread = checkNumber(fn, 'spread', o.spread, { min: 0, minExclusive: true });
  const minDist = checkNumber(fn, 'minDist', o.minDist, { min: 0 });
  if (minDist > spread) {
    throw new OptionError(
      `${fn}: minDist (${minDist}) must not exceed spread (${spread}); raise spread or lower minDist.`,
    );
  }
  return {
    nNeighbors: checkInteger(fn, 'nNeighbors', o.nNeighbors, 2),
    nComponents: checkInteger(fn, 'nComponents', o.nComponents, 1, 100),
    minDist,
    spread,
    nEpochs:
      options.nEpochs === undefined
        ? undefined
        : checkInteger(fn, 'nEpochs', options.nEpochs, 1, 1_000_000),
    metric: checkKeyword(fn, 'metric', o.metric, PROJECTION_METRICS),
    init: checkKeyword(fn, 'init', o.init, UMAP_INITS),
    negativeSampleRate: checkInteger(fn, 'negativeSampleRate', o.negativeSampleRate, 0, 1000),
    learningRate: checkNumber(fn, 'learningRate', o.learningRate, { min: 0, minExclusive: true }),
    neighbors: checkKeyword(fn, 'neighbors', o.neighbors, NEIGHBOR_METHODS),
    seed: checkInteger(fn, 'seed', o.seed, 0, 0xffffffff),
  };
}

/**
 * The UMAP map of the rows of X (see the module comment for the steps and their sources).
 *
 * @example
 * import { umap } from 'clusterlens';
 *
 * const rows = [];
 * for (let i = 0; i < 30; i++) rows.push([i % 3 === 0 ? 0 : 10, i * 0.01, (i * 7) % 5]);
 * umap(rows, { nNeighbors: 5, seed: 1 }).embedding.rows; // => 30
 */
export function umap(X: MatrixLike, options: UMAPOptions = {}): UMAPResult {
  const fn = 'umap';
  const s = settings(fn, options);
  const x = toFeatureMatrix(X, { fn });
  const n = x.rows;
  if (n < 2 || x.cols < 1) {
    throw new DataError(`${fn} needs at least 2 rows and 1 column; got ${n} x ${x.cols}.`);
  }
  const k = Math.min(s.nNeighbors, n);
  const dim = s.nComponents;
  const nEpochs = s.nEpochs ?? (n <= 10_000 ? 500 : 200);
  const rng = new RandomState(s.seed);
  // Extreme values (beyond 2^+-500) are divided by a power of two, so that squared differences
  // neither overflow nor underflow; the graph does not change with the scale of the distances.
  const unit = magnitudeUnit(x.data);
  const xs = unit === 1 ? x : { rows: n, cols: x.cols, data: divideBy(x.data, unit) };
  const search = { metric: s.metric, seed: s.seed, method: s.neighbors, caller: fn };
  const found = nearestNeighbors(xs, k, search);
  const knn = unit === 1 ? found : inDataUnits(found, unit, s.metric);
  const { rho, sigma } = smoothDistances(found, 1);
  const full = fuzzyUnion(n, k, found.indices, membership(found, rho, sigma));
  const graph = pruneBelow(full, maxWeight(full) / nEpochs);
  const { a, b } = fitAB(s.minDist, s.spread);
  const { count } = components(graph);
  let init: UMAPInit = s.init;
  let layout: Float64Array | null = null;
  if (init === 'spectral') {
    layout = count === 1 ? spectralVectors(graph, dim, rng) : null;
    if (layout === null) init = 'pca';
  }
  if (init === 'pca') layout = pcaLayout(xs, dim);
  if (layout === null || init === 'random') {
    layout = new Float64Array(n * dim);
    for (let t = 0; t < n * dim; t++) layout[t] = rng.uniform(-10, 10);
  } else {
    scaleToMax(layout, 10);
    for (let t = 0; t < n * dim; t++) layout[t]! += 1e-4 * rng.gauss();
  }
  const edges = layoutEdges(graph);
  optimizeLayout(
    layout,
    layout,
    n,
    dim,
    edges,
    {
      a,
      b,
      nEpochs,
      learningRate: s.learningRate,
      negativeSampleRate: s.negativeSampleRate,
      moveOther: true,
    },
    rng,
  );
  const embedding: FeatureMatrix = { rows: n, cols: dim, data: layout };
  const fitted = { x: xs, unit, k, knn: found, embedding, a, b, nEpochs, s };
  const result: Omit<UMAPResult, 'transform' | 'toJSON'> = {
    embedding,
    knn,
    graph,
    a,
    b,
    init,
    nGraphComponents: count,
    nNeighbors: k,
    nComponents: dim,
    minDist: s.minDist,
    spread: s.spread,
    nEpochs,
    metric: s.metric,
    negativeSampleRate: s.negativeSampleRate,
    learningRate: s.learningRate,
    seed: s.seed,
  };
  return {
    ...result,
    transform: (rows: MatrixLike) => transformRows(fitted, rows),
    toJSON: () => umapJSON(result),
  };
}

function umapJSON(u: Omit<UMAPResult, 'transform' | 'toJSON'>): UMAPJSON {
  const dim = u.nComponents;
  const data = u.embedding.data;
  return {
    type: 'umap',
    nNeighbors: u.nNeighbors,
    nComponents: dim,
    minDist: u.minDist,
    spread: u.spread,
    nEpochs: u.nEpochs,
    metric: u.metric,
    init: u.init,
    negativeSampleRate: u.negativeSampleRate,
    learningRate: u.learningRate,
    seed: u.seed,
    a: u.a,
    b: u.b,
    nGraphComponents: u.nGraphComponents,
    embedding: Array.from({ length: u.embedding.rows }, (_, i) =>
      Array.from(data.subarray(i * dim, (i + 1) * dim)),
    ),
  };
}

interface Fitted {
  /** The fitted data, divided by `unit`. */
  x: FeatureMatrix;
  unit: number;
  k: number;
  knn: KnnGraph;
  embedding: FeatureMatrix;
  a: number;
  b: number;
  nEpochs: number;
  s: Settings;
}

function transformRows(f: Fitted, rows: MatrixLike): FeatureMatrix {
  const fn = 'umap transform';
  let y = toFeatureMatrix(rows, { fn });
  if (y.cols !== f.x.cols) {
    throw new DataError(
      `${fn}: the new rows have ${y.cols} columns; the map was fitted on ${f.x.cols}.`,
    );
  }
  if (f.unit !== 1) y = { rows: y.rows, cols: y.cols, data: divideBy(y.data, f.unit) };
  const m = y.rows;
  const dim = f.embedding.cols;
  const out = new Float64Array(m * dim);
  if (m === 0) return { rows: 0, cols: dim, data: out };
  const k = Math.min(f.k, f.x.rows);
  const knn = queryNeighbors(
    f.x,
    y,
    k,
    { metric: f.s.metric, seed: f.s.seed, method: f.s.neighbors, caller: fn },
    f.knn,
  );
  // Memberships with local connectivity 0 (umap-learn's transform): rho = 0.
  const { rho, sigma } = smoothDistances(knn, 0);
  const w = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const d = knn.distances[t]! - rho[i]!;
      w[t] = d <= 0 || sigma[i] === 0 ? 1 : Math.exp(-(d / sigma[i]!));
    }
  }
  // Start: the weighted mean of the neighbours' places (rows normalised to sum 1).
  const emb = f.embedding.data;
  for (let i = 0; i < m; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) total += w[i * k + j]!;
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const c = knn.indices[t]!;
      const share = total > 0 ? w[t]! / total : 1 / k;
      for (let q = 0; q < dim; q++) out[i * dim + q]! += share * emb[c * dim + q]!;
    }
  }
  const nFit = f.x.rows;
  const nEpochs =
    f.s.nEpochs !== undefined ? Math.max(1, Math.floor(f.nEpochs / 3)) : m <= 10_000 ? 100 : 30;
  let max = 0;
  for (let t = 0; t < m * k; t++) if (w[t]! > max) max = w[t]!;
  const threshold = max / nEpochs;
  let count = 0;
  for (let t = 0; t < m * k; t++) if (w[t]! >= threshold && w[t]! > 0) count++;
  const head = new Int32Array(count);
  const tail = new Int32Array(count);
  const epochsPerSample = new Float64Array(count);
  let e = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      if (w[t]! >= threshold && w[t]! > 0) {
        head[e] = i;
        tail[e] = knn.indices[t]!;
        epochsPerSample[e] = max / w[t]!;
        e++;
      }
    }
  }
  const rng = new RandomState(f.s.seed);
  optimizeLayout(
    out,
    emb.slice(),
    nFit,
    dim,
    { head, tail, epochsPerSample },
    {
      a: f.a,
      b: f.b,
      nEpochs,
      learningRate: f.s.learningRate / 4,
      negativeSampleRate: f.s.negativeSampleRate,
      moveOther: false,
    },
    rng,
  );
  return { rows: m, cols: dim, data: out };
}

/** The edges of a graph in entry order, sampled every max w / w epochs. */
function layoutEdges(g: SparseGraph): LayoutEdges {
  const { n, indptr, indices, weights } = g;
  const m = indices.length;
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const epochsPerSample = new Float64Array(m);
  const max = maxWeight(g);
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      head[p] = i;
      tail[p] = indices[p]!;
      epochsPerSample[p] = max / weights[p]!;
    }
  }
  return { head, tail, epochsPerSample };
}

function maxWeight(g: SparseGraph): number {
  let max = 0;
  for (let p = 0; p < g.weights.length; p++) if (g.weights[p]! > max) max = g.weights[p]!;
  return max;
}

/** The first `dim` PCA scores (zeros beyond the data's rank), or null when PCA cannot run. */
function pcaLayout(x: FeatureMatrix, dim: number): Float64Array | null {
  const n = x.rows;
  const c = Math.min(dim, x.cols, n);
  if (c < 1) return null;
  // The start's PCA: its notes on constant columns are not the user's concern here.
  const scores = withCollectedWarnings(() => pca(x, { components: c })).value.scores;
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < c; q++) out[i * dim + q] = scores.data[i * c + q]!;
  }
  let max = 0;
  for (let t = 0; t < out.length; t++) max = Math.max(max, Math.abs(out[t]!));
  return max > 0 ? out : null;
}

/** The neighbour distances times `unit` (cosine and correlation do not depend on the scale). */
function inDataUnits(g: KnnGraph, unit: number, metric: ProjectionMetric): KnnGraph {
  if (metric === 'cosine' || metric === 'correlation') return g;
  const distances = new Float64Array(g.distances.length);
  for (let t = 0; t < distances.length; t++) distances[t] = g.distances[t]! * unit;
  return { n: g.n, k: g.k, indices: g.indices, distances };
}

/** Scales `v` so that its largest |value| is `to` (unchanged when all are 0). */
function scaleToMax(v: Float64Array, to: number): void {
  let max = 0;
  for (let t = 0; t < v.length; t++) max = Math.max(max, Math.abs(v[t]!));
  if (max === 0) return;
  const f = to / max;
  for (let t = 0; t < v.length; t++) v[t]! *= f;
}
