/**
 * Barnes-Hut t-SNE (L. van der Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR
 * 15, 2014), two dimensions, single-threaded, with the choices of Rtsne 0.16 and scikit-learn
 * 1.2.1 where they agree.
 *
 * Pipeline of `tsne(X, options)`:
 * 1. Neighbours: the K = min(n - 1, floor(3 perplexity)) nearest rows of each row, exact
 *    up to `exactMaxRows(K + 1)` rows and by nearest-neighbour descent beyond (neighbors.ts), K as
 *    Rtsne (scikit-learn takes floor(3 perplexity + 1)).
 * 2. Input similarities (tsne-affinities.ts): per row, the Gaussian precision found by bisection
 *    to match log(perplexity) within 1e-5 nats, over the squared Euclidean distances (the plain
 *    distances for 'cosine' and 'cityblock', as scikit-learn); then P = (C + C^T) / sum, sparse.
 * 3. Start: 'pca' (default) the first two principal component scores of X (src/decomposition
 *    `pca`, covariance solver), both divided by the standard deviation of the first (population,
 *    n denominator) and multiplied by 1e-4 (scikit-learn 1.2 and openTSNE; zeros when every row
 *    is the same); 'random' n x 2 standard normal draws times 1e-4, row by row (Rtsne's start),
 *    from `RandomState(seed)`; or an n x 2 matrix used as given.
 * 4. Gradient descent for nIter iterations. The gradient of KL(P || Q) without the factor 4
 *    (Rtsne's convention):
 *      g_i = alpha sum_j p_ij w_ij (y_i - y_j) - (1 / Z) sum_{j != i} w_ij^2 (y_i - y_j),
 *      w_ij = 1 / (1 + |y_i - y_j|^2),  Z = sum_{k != l} w_kl,
 *    the first sum over the stored entries of P, the second and Z by the quadtree
 *    (quadtree.ts, rebuilt every iteration; theta = 0 is exact). alpha = earlyExaggeration
 *    during the first exaggerationIterations iterations, then 1 (Rtsne keeps it one iteration
 *    longer). Update (Rtsne, scikit-learn): gain_t += 0.2 where sign(g_t) differs from
 *    sign(u_t) (sign(0) = 0), else gain_t *= 0.8, at least 0.01; u = momentum u - eta gain g;
 *    y += u; then the embedding is re-centred (column means subtracted). Momentum 0.5 during
 *    the exaggeration, 0.8 after; gains start at 1, u at 0.
 * 5. learningRate 'auto' (default): eta = max(n / earlyExaggeration, 200). This is scikit-learn
 *    1.2's rule, max(n / earlyExaggeration / 4, 50), for its gradient that carries the factor
 *    4; with this gradient, eta = 200 is Rtsne's default.
 *
 * klDivergence: at the final embedding, sum_{ij} p_ij log(p_ij / q_ij) over the stored entries
 * of P (p_ij > 0), with q_ij = w_ij / Z and Z the Barnes-Hut estimate with the same theta, the
 * sum over i of the tree's estimate of sum_{j != i} w_ij (Rtsne's `evaluateError`, without its
 * FLT_MIN terms). With theta = 0 it is the exact KL divergence of the sparse P.
 *
 * Deterministic: the same data, options and seed give the same bytes. Memory: O(n K) for P
 * and the neighbours, O(n) for the tree; time O(n^2 d) for the exact neighbours, then
 * O(n K + n log n) per iteration.
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../data/dataset.js';
import { pca } from '../decomposition/pca/index.js';
import { withCollectedWarnings } from '../util/log.js';
import { DataError, OptionError } from '../util/errors.js';
import { withOrdinaryMagnitude } from '../util/magnitude.js';
import { RandomState } from '../util/random.js';
import { checkInteger, checkKeyword, checkKnownOptions, checkNumber } from '../util/validate.js';
import { QuadTree } from './quadtree.js';
import {
  conditionalProbabilities,
  jointProbabilities,
  type SparseRows,
} from './tsne-affinities.js';
import { nearestNeighbors } from './neighbors.js';

/** Distances t-SNE can take its neighbours by. */
export const TSNE_METRICS = ['euclidean', 'cosine', 'cityblock'] as const;
/** One of TSNE_METRICS. */
export type TSNEMetric = (typeof TSNE_METRICS)[number];

/** The named starts of t-SNE (besides a matrix). */
export const TSNE_INITS = ['pca', 'random'] as const;

/** Options of `tsne`. */
export interface TSNEOptions {
  /** Dimensions of the embedding: 2 only (the Barnes-Hut quadtree). Default: 2. */
  nComponents?: 2;
  /** Effective number of neighbours, >= 1 and < n - 1. Default: 30. */
  perplexity?: number;
  /** Factor on P during the first iterations, >= 1. Default: 12. */
  earlyExaggeration?: number;
  /** Iterations with exaggeration and momentum 0.5, in [0, nIter]. Default: 250. */
  exaggerationIterations?: number;
  /** Iterations in all, in [1, 1000000]. Default: 1000. */
  nIter?: number;
  /** Step size eta > 0, or 'auto': max(n / earlyExaggeration, 200). Default: 'auto'. */
  learningRate?: number | 'auto';
  /** Barnes-Hut accuracy, in [0, 1]: 0 is exact (O(n^2) per iteration). Default: 0.5. */
  theta?: number;
  /** Start: 'pca', 'random' or an n x 2 matrix. Default: 'pca'. */
  init?: 'pca' | 'random' | MatrixLike;
  /** Distance of the input space. Default: 'euclidean'. */
  metric?: TSNEMetric;
  /** Seed of the random start. Default: 0. */
  seed?: number;
}

/** The result of `tsne`. */
export interface TSNEResult {
  /** n x 2 coordinates (row-major). */
  embedding: FeatureMatrix;
  /** KL(P || Q) at the embedding, Q normalised by the Barnes-Hut estimate of Z. */
  klDivergence: number;
  /** Iterations run. */
  nIter: number;
  perplexity: number;
  /** Neighbours per row behind P: min(n - 1, floor(3 perplexity)). */
  nNeighbors: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  /** The step size used (the 'auto' rule resolved). */
  learningRate: number;
  theta: number;
  init: 'pca' | 'random' | 'matrix';
  metric: TSNEMetric;
  seed: number;
  /** The settings used, the KL divergence and the map (rows of two numbers) as plain JSON. */
  toJSON(): TSNEJSON;
}

/** `TSNEResult.toJSON()`: the result's numbers, and the map as one row of two per data row. */
export type TSNEJSON = Omit<TSNEResult, 'embedding' | 'toJSON'> & {
  type: 'tsne';
  embedding: number[][];
};

const KNOWN = [
  'nComponents',
  'perplexity',
  'earlyExaggeration',
  'exaggerationIterations',
  'nIter',
  'learningRate',
  'theta',
  'init',
  'metric',
  'seed',
] as const;

/** The most iterations `nIter` takes (as umap's nEpochs): a larger count is a typo, not a run. */
const MAX_ITERATIONS = 1_000_000;

interface Resolved {
  perplexity: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  nIter: number;
  learningRate: number | 'auto';
  theta: number;
  init: 'pca' | 'random' | MatrixLike;
  metric: TSNEMetric;
  seed: number;
}

function resolve(fn: string, options: TSNEOptions): Resolved {
  checkKnownOptions(fn, options, KNOWN);
  if (options.nComponents !== undefined && options.nComponents !== 2) {
    throw new OptionError(
      `The 'nComponents' option of ${fn} must be 2 (the Barnes-Hut quadtree embeds in two dimensions). Got ${String(options.nComponents)} instead.`,
    );
  }
  const perplexity =
    options.perplexity === undefined
      ? 30
      : checkNumber(fn, 'perplexity', options.perplexity, { min: 1 });
  const earlyExaggeration =
    options.earlyExaggeration === undefined
      ? 12
      : checkNumber(fn, 'earlyExaggeration', options.earlyExaggeration, { min: 1 });
  const nIter =
    options.nIter === undefined
      ? 1000
      : checkInteger(fn, 'nIter', options.nIter, 1, MAX_ITERATIONS);
  const exaggerationIterations =
    options.exaggerationIterations === undefined
      ? Math.min(250, nIter)
      : checkInteger(fn, 'exaggerationIterations', options.exaggerationIterations, 0, nIter);
  let learningRate: number | 'auto' = 'auto';
  if (options.learningRate !== undefined && options.learningRate !== 'auto') {
    if (typeof options.learningRate === 'string') {
      checkKeyword(fn, 'learningRate', options.learningRate, ['auto']);
    }
    learningRate = checkNumber(fn, 'learningRate', options.learningRate, {
      min: 0,
      minExclusive: true,
    });
  }
  const theta =
    options.theta === undefined ? 0.5 : checkNumber(fn, 'theta', options.theta, { min: 0, max: 1 });
  const metric =
    options.metric === undefined
      ? 'euclidean'
      : checkKeyword(fn, 'metric', options.metric, TSNE_METRICS);
  const seed =
    options.seed === undefined ? 0 : checkInteger(fn, 'seed', options.seed, 0, 0xffffffff);
  let init: 'pca' | 'random' | MatrixLike = 'pca';
  if (options.init !== undefined) {
    if (typeof options.init === 'string') {
      init = checkKeyword(fn, 'init', options.init, TSNE_INITS);
    } else if (typeof options.init === 'object' && options.init !== null) {
      init = options.init;
    } else {
      throw new OptionError(
        `The 'init' option of ${fn} must be 'pca', 'random' or an n x 2 matrix. Got ${String(options.init)} instead.`,
      );
    }
  }
  return {
    perplexity,
    earlyExaggeration,
    exaggerationIterations,
    nIter,
    learningRate,
    theta,
    init,
    metric,
    seed,
  };
}

/** The input similarities P of x (sparse, symmetric, summing to 1). @internal */
export function inputSimilarities(
  x: FeatureMatrix,
  perplexity: number,
  K: number,
  metric: TSNEMetric,
  seed = 0,
): SparseRows {
  const n = x.rows;
  const graph = nearestNeighbors(x, K + 1, { metric, seed, method: 'auto', caller: 'tsne' });
  const k1 = graph.k;
  const idx = new Int32Array(n * K);
  const dist = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    // row i's list without i (or without its last entry if i is not in it)
    let w = 0;
    for (let q = 0; q < k1 && w < K; q++) {
      const j = graph.indices[i * k1 + q]!;
      if (j === i) continue;
      const d = graph.distances[i * k1 + q]!;
      idx[i * K + w] = j;
      dist[i * K + w] = metric === 'euclidean' ? d * d : d;
      w++;
    }
  }
  const cond = conditionalProbabilities(dist, n, K, perplexity);
  return jointProbabilities(idx, cond, n, K);
}

/** The start: PCA scores scaled to a first-column std of 1e-4, random, or given. @internal */
export function startingPoint(
  fn: string,
  x: FeatureMatrix,
  o: Pick<Resolved, 'init' | 'seed'>,
): Float64Array {
  const n = x.rows;
  const y = new Float64Array(2 * n);
  if (o.init === 'random') {
    const rng = new RandomState(o.seed);
    for (let t = 0; t < 2 * n; t++) y[t] = rng.gauss() * 1e-4;
    return y;
  }
  if (o.init === 'pca') {
    if (x.cols < 2) {
      throw new DataError(
        `${fn}: init 'pca' needs at least 2 columns (X has ${x.cols}); use init: 'random'.`,
      );
    }
    // every row the same: nothing to decompose, every point starts at 0
    let constant = true;
    for (let t = x.cols; t < x.data.length && constant; t++) {
      if (x.data[t] !== x.data[t % x.cols]) constant = false;
    }
    if (constant) return y;
    // The start's PCA: its notes on constant columns are not the user's concern here.
    const s = withCollectedWarnings(() =>
      pca(x, { components: 2, solver: 'covariance', seed: o.seed }),
    ).value.scores;
    const k = s.cols;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += s.data[i * k]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const t = s.data[i * k]! - mean;
      ss += t * t;
    }
    const sd = Math.sqrt(ss / n);
    const f = sd > 0 ? 1e-4 / sd : 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < Math.min(k, 2); c++) y[2 * i + c] = s.data[i * k + c]! * f;
    }
    return y;
  }
  const m = toFeatureMatrix(o.init, { fn: `${fn} (init)` });
  if (m.rows !== n || m.cols !== 2) {
    throw new DataError(
      `The 'init' matrix of ${fn} must have one row per row of X and 2 columns: X has ${n} rows, init is ${m.rows} x ${m.cols}.`,
    );
  }
  y.set(m.data);
  return y;
}

/**
 * An order of the rows in which neighbours in P sit close together: breadth-first from row 0
 * along the entries of P (each row's columns ascending), then from the first row not reached.
 * The descent works in this order so that the points a row is attracted to are near it in
 * memory. @internal
 */
export function neighbourOrder(P: SparseRows): Int32Array {
  const n = P.n;
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    seen[s] = 1;
    order[tail++] = s;
    while (head < tail) {
      const i = order[head++]!;
      for (let e = P.rowStart[i]!; e < P.rowStart[i + 1]!; e++) {
        const j = P.columns[e]!;
        if (!seen[j]) {
          seen[j] = 1;
          order[tail++] = j;
        }
      }
    }
  }
  return order;
}

/**
 * The entries of P above the diagonal, with rows and columns renumbered: new row r is old row
 * order[r] (inverse[order[r]] = r); each row's columns in the order of the old row. @internal
 */
export function upperTriangle(P: SparseRows, order: Int32Array, inverse: Int32Array): SparseRows {
  const n = P.n;
  const rowStart = new Int32Array(n + 1);
  let w = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    for (let e = P.rowStart[i]!; e < P.rowStart[i + 1]!; e++) {
      if (inverse[P.columns[e]!]! > r) w++;
    }
    rowStart[r + 1] = w;
  }
  const columns = new Int32Array(w);
  const values = new Float64Array(w);
  w = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    for (let e = P.rowStart[i]!; e < P.rowStart[i + 1]!; e++) {
      const c = inverse[P.columns[e]!]!;
      if (c > r) {
        columns[w] = c;
        values[w] = P.values[e]!;
        w++;
      }
    }
  }
  return { n, rowStart, columns, values };
}

/**
 * The gradient (see the file header) at y into grad, with P multiplied by alpha; returns Z.
 * `upper` is P above its diagonal (P is symmetric: each pair is computed once and acts on both
 * rows); `neg` is scratch of length 2n. @internal
 */
export function gradient(
  upper: SparseRows,
  y: Float64Array,
  alpha: number,
  theta: number,
  tree: QuadTree,
  neg: Float64Array,
  grad: Float64Array,
): number {
  const n = upper.n;
  tree.build(y);
  neg.fill(0);
  const theta2 = theta * theta;
  let z = 0;
  // in the tree's order of the points: consecutive walks visit the same nodes
  for (let p = 0; p < n; p++) z += tree.repulsion(tree.point(p), theta2, neg);
  const rowStart = upper.rowStart;
  const cols = upper.columns;
  const vals = upper.values;
  grad.fill(0);
  for (let i = 0; i < n; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    const b = rowStart[i + 1]!;
    for (let e = rowStart[i]!; e < b; e++) {
      const j = cols[e]!;
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      const m = vals[e]! / (1 + dx * dx + dy * dy);
      const mx = m * dx;
      const my = m * dy;
      fx += mx;
      fy += my;
      grad[2 * j]! -= mx;
      grad[2 * j + 1]! -= my;
    }
    grad[2 * i]! += fx;
    grad[2 * i + 1]! += fy;
  }
  const invZ = 1 / z;
  for (let t = 0; t < 2 * n; t++) grad[t] = alpha * grad[t]! - neg[t]! * invZ;
  return z;
}

/** KL(P || Q) with Z by the tree at theta (see the file header). @internal */
export function klDivergence(
  P: SparseRows,
  y: Float64Array,
  theta: number,
  tree: QuadTree,
  neg: Float64Array,
): number {
  const n = P.n;
  tree.build(y);
  const theta2 = theta * theta;
  let z = 0;
  for (let p = 0; p < n; p++) z += tree.repulsion(tree.point(p), theta2, neg);
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const b = P.rowStart[i + 1]!;
    for (let e = P.rowStart[i]!; e < b; e++) {
      const p = P.values[e]!;
      if (!(p > 0)) continue;
      const j = P.columns[e]!;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      kl += p * Math.log(p * z * (1 + dx * dx + dy * dy));
    }
  }
  return kl;
}

/**
 * t-SNE embedding of `X` (n x d; `number[][]`, ml-matrix `Matrix`, `FeatureMatrix` or
 * `Dataset`; not modified) in two dimensions. See the file header for the definitions.
 * For example `tsne(X, { perplexity: 30, seed: 0 })` gives `embedding` (n x 2) and
 * `klDivergence`.
 *
 * @example
 * import { tsne } from 'clusterlens';
 *
 * // two groups of 15 rows, far apart
 * const rows = [];
 * for (let i = 0; i < 30; i++) rows.push([i < 15 ? 0 : 10, (i % 15) * 0.1, (i * 7) % 5]);
 * const map = tsne(rows, { perplexity: 5, nIter: 100, exaggerationIterations: 50, seed: 1 });
 * map.embedding.rows; // => 30
 * map.embedding.cols; // => 2
 * map.learningRate; // => 200
 * map.nNeighbors; // => 15
 */
export function tsne(X: MatrixLike, options: TSNEOptions = {}): TSNEResult {
  const fn = 'tsne';
  const o = resolve(fn, options);
  const x = toFeatureMatrix(X, { fn });
  const n = x.rows;
  if (n < 3 || o.perplexity >= n - 1) {
    throw new DataError(
      `${fn} needs more than perplexity + 1 rows: X has ${n} rows and perplexity is ${o.perplexity}` +
        (n >= 3 ? `; use a perplexity below ${n - 1}.` : '.'),
    );
  }
  const K = Math.min(n - 1, Math.floor(3 * o.perplexity));
  const xs = withOrdinaryMagnitude(x);
  const P = inputSimilarities(xs, o.perplexity, K, o.metric, o.seed);
  // The PCA start is scaled to a fixed spread: the same on the data divided by a power of two.
  const y0 = startingPoint(fn, xs, o);
  const eta = o.learningRate === 'auto' ? Math.max(n / o.earlyExaggeration, 200) : o.learningRate;
  // the descent runs on the rows renumbered by neighbourOrder
  const order = neighbourOrder(P);
  const inverse = new Int32Array(n);
  for (let r = 0; r < n; r++) inverse[order[r]!] = r;
  const upper = upperTriangle(P, order, inverse);
  const y = new Float64Array(2 * n);
  for (let r = 0; r < n; r++) {
    y[2 * r] = y0[2 * order[r]!]!;
    y[2 * r + 1] = y0[2 * order[r]! + 1]!;
  }
  const tree = new QuadTree(n);
  const neg = new Float64Array(2 * n);
  const grad = new Float64Array(2 * n);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  for (let iter = 0; iter < o.nIter; iter++) {
    const early = iter < o.exaggerationIterations;
    const alpha = early ? o.earlyExaggeration : 1;
    const momentum = early ? 0.5 : 0.8;
    gradient(upper, y, alpha, o.theta, tree, neg, grad);
    let mx = 0;
    let my = 0;
    for (let t = 0; t < 2 * n; t++) {
      const g = grad[t]!;
      const u = update[t]!;
      const sg = g > 0 ? 1 : g < 0 ? -1 : 0;
      const su = u > 0 ? 1 : u < 0 ? -1 : 0;
      let gain = sg !== su ? gains[t]! + 0.2 : gains[t]! * 0.8;
      if (gain < 0.01) gain = 0.01;
      gains[t] = gain;
      const v = momentum * u - eta * gain * g;
      update[t] = v;
      const yt = y[t]! + v;
      y[t] = yt;
      if (t & 1) my += yt;
      else mx += yt;
    }
    mx /= n;
    my /= n;
    for (let i = 0; i < n; i++) {
      y[2 * i]! -= mx;
      y[2 * i + 1]! -= my;
    }
  }
  for (let r = 0; r < n; r++) {
    y0[2 * order[r]!] = y[2 * r]!;
    y0[2 * order[r]! + 1] = y[2 * r + 1]!;
  }
  const kl = klDivergence(P, y0, o.theta, tree, neg);
  const result: Omit<TSNEResult, 'toJSON'> = {
    embedding: { rows: n, cols: 2, data: y0 },
    klDivergence: kl,
    nIter: o.nIter,
    perplexity: o.perplexity,
    nNeighbors: K,
    earlyExaggeration: o.earlyExaggeration,
    exaggerationIterations: o.exaggerationIterations,
    learningRate: eta,
    theta: o.theta,
    init: typeof o.init === 'string' ? o.init : 'matrix',
    metric: o.metric,
    seed: o.seed,
  };
  return { ...result, toJSON: () => tsneJSON(result) };
}

function tsneJSON(r: Omit<TSNEResult, 'toJSON'>): TSNEJSON {
  const { embedding, ...settings } = r;
  const data = embedding.data;
  return {
    type: 'tsne',
    ...settings,
    embedding: Array.from({ length: embedding.rows }, (_, i) => [data[2 * i]!, data[2 * i + 1]!]),
  };
}
