/**
 * Agglomerative hierarchical clustering: the linkage algorithms.
 *
 * Pipeline of `hclust(X, options)`:
 *
 *   resolve options -> convert X (features, or a validated precomputed distance matrix)
 *   -> plan (method -> algorithm, memory -> layout, refuse before allocating if it cannot fit)
 *   -> run the algorithm -> Z (scipy's linkage matrix) -> HClustResult (tree.ts)
 *
 * Methods and the algorithm each runs (the same choice as scipy 1.10, so the linkage matrix is
 * the same, ties included):
 *
 *   single                        Prim's minimum spanning tree
 *   complete, average, weighted,  nearest-neighbour chain (Murtagh 1985, p. 86)
 *   ward, ward.D
 *   centroid, median              Muellner's generic algorithm: a priority queue
 *                                 of nearest-neighbour candidates
 *
 * References: D. Muellner, "Modern hierarchical, agglomerative clustering algorithms",
 * arXiv:1109.2378 (2011), section 3 (the three algorithms, with proofs and complexity);
 * F. Murtagh, "Multidimensional Clustering Algorithms", Physica-Verlag, 1985, p. 86 (NN-chain).
 *
 * Notation. Points 0..n-1; D is the dissimilarity between the clusters currently stored at two
 * indices. The cluster that results from merging the clusters at indices x < y is stored at y,
 * and x becomes inactive, so the cluster at index i always contains point i. After a merge, the
 * dissimilarities to the new cluster follow the method's Lance-Williams update, evaluated exactly
 * as scipy does (the table is in lance-williams.ts).
 *
 * Weights (the `weights` option, initial cluster sizes w_i >= 1): observation i stands for w_i
 * identical points, as a k-means centre stands for its cluster. The result is the upper part of
 * the unweighted tree of the data with row i repeated w_i times, once each row's copies have
 * merged (at height 0): the Lance-Williams updates start from the sizes w_i, and the initial
 * dissimilarity between observations a and b (sizes wa, wb, distance d) is the one the method
 * gives between the two groups of copies:
 *
 *   ward      sqrt(2 wa wb / (wa + wb)) d      (Ward's distance between the two groups)
 *   ward.D    2 wa wb / (wa + wb) d
 *   centroid  d, then centroids weighted by size (the group's centroid is the point itself)
 *   average   d, then means weighted by size
 *   median, weighted, single, complete
 *             d, and the sizes play no part (their updates ignore sizes); only the size column
 *             of Z changes
 *
 * Column 4 of Z then counts represented points (sum of weights), not observations.
 *
 * Extreme magnitudes: when the largest |value| of the data (or of the precomputed distances) is
 * above 2^500 or below 2^-500, the algorithms run on the values divided by the power of two
 * that brings it into [1, 2) (exact), and the heights are multiplied back (squared for
 * 'sqeuclidean', not at all for 'cosine'). Values near 1e300 thus give finite heights instead of
 * Infinity, values near 1e-300 give their true heights instead of 0, and ordinary data runs
 * unchanged. A height beyond the largest double (data spanning more than ~1.8e308) is a
 * DataError.
 *
 * Output: Z, a Float64Array of (n-1) x 4, row-major. Row k is [a, b, h, s]: the clusters with
 * ids a < b merged at height h into a cluster of s points, which gets id n + k. Ids < n are
 * points. For single and the NN-chain methods, the merges are sorted by height with a stable
 * sort and relabelled with a union-find (scipy's convention); centroid and median keep merge
 * order, so their inversions (a merge lower than an earlier one) stay visible.
 *
 * Layouts of the working dissimilarity matrix:
 * - `condensed`: scipy's upper triangle, n (n-1) / 2 doubles, 4 n (n-1) bytes: half the memory
 *   (and half the first-touch page faults) of the square matrix. A scan reads one row, and the
 *   column part (stride-wise, one element per row) only when the NN-chain's cache of column
 *   minima lost its value (nn-chain.ts); updates gather column and row values into contiguous
 *   rows (lance-williams.ts). Used for feature data whenever it fits, and for a precomputed
 *   matrix when the square copy does not fit. With WebAssembly, the matrix of Euclidean
 *   distances (or a precomputed condensed one) lives in a WebAssembly memory, computed there
 *   in place, and the NN-chain's scans and updates run in it (chain-kernels.ts: the same
 *   linkage, bit for bit).
 * - `square`: n x n doubles. Every nearest-neighbour scan reads one contiguous row; updates
 *   write row y and column y. 8 n^2 bytes. Used for a precomputed square matrix when it fits,
 *   or when asked for.
 * - `features`: no matrix; dissimilarities are computed from the points or cluster centroids
 *   (O(n d) memory). Single: Prim with distances on the fly (identical output to the matrix
 *   version, and faster, so always used for single on features). Ward: NN-chain on centroids
 *   with key na nb / (na + nb) |ca - cb|^2. Centroid, median: the generic algorithm on centroids.
 *   Ward, centroid and median give the same tree as the matrix version when there are no exact
 *   ties, with heights equal to ~1e-15 relative; with ties they may resolve them differently.
 *
 * Complexity: O(n^2) time for single and the NN-chain methods, O(n^2 log n) worst case for the
 * generic algorithm (O(n^2) in practice); plus the distance matrix, O(n^2 d). The features
 * layout needs O(n^2 d) time for all methods.
 *
 * Files (cluster/hclust/):
 *
 *   index.ts           the public API: options, `hclust`, the choice of algorithm per layout
 *   methods.ts         method names, aliases and their resolution
 *   plan.ts            memory and time planning, the choice of layout, refusals
 *   distance.ts        distances between rows, validation of precomputed matrices
 *   matrix.ts          the square and condensed working matrices, the sorted active list
 *   weights.ts         the `weights` option (initial sizes and dissimilarities)
 *   lance-williams.ts  the Lance-Williams updates
 *   mst.ts             single linkage (Prim), on a matrix or on the features
 *   nn-chain.ts        the NN-chain (complete, average, weighted, ward, ward.D)
 *   ward.ts            ward on the features: the NN-chain over centroids
 *   generic.ts         the generic algorithm (centroid, median), on a matrix or on the features
 *   relabel.ts         merges to scipy's linkage matrix (stable sort, union-find)
 *   kernels.ts, distance-kernels.ts   the WebAssembly SIMD scans and distance matrices
 *   chain-kernels.ts   the NN-chain on the condensed matrix in WebAssembly
 *   tree.ts            the result: Z and the operations on the tree
 *   dendrogram.ts, two-stage.ts, sampled.ts   drawing, and clustering of large data
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import { allocationFailure, capBudget, memoryBudget } from '../../util/memory.js';
import { message, option } from '../../util/message.js';
import { checkKeyword, checkKnownOptions, checkNumber, definedOnly } from '../../util/validate.js';
import {
  condensedDistances,
  type DistanceInput,
  METRICS,
  type Metric,
  rowNorms,
  toDistanceInput,
} from './distance.js';
import { isSimdMetric } from './distance-kernels.js';
import { mstEuclideanSimd } from './kernels.js';
import { METHOD_CODE } from './lance-williams.js';
import {
  condensedDistancesInto,
  condensedMemory,
  hasChainKernel,
  nnChainCondensedWasm,
  prepareChain,
} from './chain-kernels.js';
import { condensedFromInput, squareFromFeatures, squareFromInput } from './matrix.js';
import { type LinkageAlias, type LinkageMethod, resolveLinkageMethod } from './methods.js';
import { mstCondensed, mstFeatures, mstSquare } from './mst.js';
import { nnChainCondensed, nnChainSquare } from './nn-chain.js';
import { genericCondensed, genericFeatures, genericSquare } from './generic.js';
import {
  type LinkageLayout,
  type LinkagePlan,
  planLinkage,
  RAISE_LIMIT,
  SAMPLE,
  TWO_STAGE,
} from './plan.js';
import { sortAndRelabel } from './relabel.js';
import { type HClustResult, makeHClustResult } from './tree.js';
import { wardFeatures } from './ward.js';
import { checkWeights, weightCondensed, weightSquare } from './weights.js';

export {
  isLinkageMethod,
  isLinkageName,
  LINKAGE_ALIASES,
  LINKAGE_METHODS,
  LINKAGE_NAMES,
  type LinkageAlias,
  type LinkageMethod,
  resolveLinkageMethod,
} from './methods.js';
export {
  CONDENSED_MAX_N,
  estimateLinkageSeconds,
  formatSeconds,
  type LinkageBytes,
  linkageBytes,
  type LinkageLayout,
  type LinkagePlan,
  planLinkage,
  SQUARE_MAX_N,
} from './plan.js';
export { sortAndRelabel } from './relabel.js';
export type { WardClusters } from './ward.js';

/** Options of `hclust`. */
export interface HClustOptions {
  /**
   * Linkage method (scipy's names; aliases 'ward.D2', 'mcquitty', 'upgma', 'wpgma'; R's 'ward.D'
   * is its own method). scipy's default is 'single' and R's is 'complete'.
   * Default: 'ward'.
   */
  method?: LinkageMethod | LinkageAlias;
  /**
   * Distance between rows of `X`, or 'precomputed' when `X` is a distance matrix: square
   * (number[][], `Matrix`, `FeatureMatrix`; symmetric, zero diagonal) or condensed (scipy's
   * pdist vector as `Float64Array` or `number[]`). Centroid, median, ward and ward.D need
   * 'euclidean' (or precomputed Euclidean distances).
   * Default: 'euclidean'.
   */
  metric?: Metric | 'precomputed';
  /**
   * Layout of the working dissimilarities: 'auto' picks condensed for feature data (square for
   * a precomputed square matrix) when it fits in `memoryLimit`, else the O(n d) features layout
   * (single, ward, centroid, median on features), else condensed.
   * Single on features always uses the features layout (same result, less memory, faster).
   * Default: 'auto'.
   */
  layout?: 'auto' | LinkageLayout;
  /**
   * Bytes the working memory may take. Before allocating, hclust estimates what it needs and
   * throws an `OptionError` saying so when it would not fit.
   * Default: the process budget (`memoryBudget()` of src/util/memory.ts: the CLI's
   * --max-memory, else 80% of the memory available to the process, control group included).
   */
  memoryLimit?: number;
  /**
   * Initial cluster sizes: observation i stands for `weights[i]` identical points (integers
   * >= 1, for instance the sizes of k-means clusters whose centres are the rows of `X`). The
   * result is the upper part of the tree that the unweighted method gives on the data with row
   * i repeated `weights[i]` times, after those copies have merged at height 0 (see "Weights" in
   * the file header), and column 4 of Z counts the represented points. Without weights every
   * row counts once.
   * Default: undefined (every weight 1).
   */
  weights?: ArrayLike<number>;
}

type ResolvedHClustOptions = Required<Omit<HClustOptions, 'memoryLimit' | 'weights'>> & {
  memoryLimit: number | undefined;
  weights: ArrayLike<number> | undefined;
};

const defaults: ResolvedHClustOptions = {
  method: 'ward',
  metric: 'euclidean',
  layout: 'auto',
  memoryLimit: undefined,
  weights: undefined,
};

const EUCLIDEAN_ONLY: readonly LinkageMethod[] = ['centroid', 'median', 'ward', 'ward.D'];

/**
 * Agglomerative hierarchical clustering of the rows of `X` (or of a precomputed distance
 * matrix with `metric: 'precomputed'`). Returns scipy's linkage matrix and the tree operations.
 * Never mutates `X`. Throws `DataError` for NaN/Infinity/negative distances, `OptionError` for
 * invalid options or when the working memory would exceed `memoryLimit`.
 *
 * @example
 * import { hclust } from 'clusterlens';
 *
 * const tree = hclust([[0, 0], [0, 1], [5, 5], [5, 6.5]], { method: 'average' });
 * tree.cut({ k: 2 }); // => [0, 0, 1, 1]
 * tree.linkage[0]; // => [0, 1, 1, 2]
 */
export function hclust(
  X: MatrixLike | ArrayLike<number>,
  options: HClustOptions = {},
): HClustResult {
  checkKnownOptions('hclust', options, Object.keys(defaults));
  const o = { ...defaults, ...definedOnly(options) };
  const method = resolveLinkageMethod(o.method);
  const metric = checkKeyword('hclust', 'metric', o.metric, [...METRICS, 'precomputed'] as const);
  const layoutOption = checkKeyword('hclust', 'layout', o.layout, [
    'auto',
    'square',
    'condensed',
    'features',
  ] as const);
  // a given limit is capped at the process's hard limits (control group, ulimit), as the default
  const budget =
    o.memoryLimit === undefined
      ? memoryBudget()
      : capBudget({
          bytes: checkNumber('hclust', 'memoryLimit', o.memoryLimit, { min: 0 }),
          source: 'the memoryLimit option',
        });
  const memoryLimit = budget.bytes;
  if (metric !== 'precomputed' && metric !== 'euclidean' && EUCLIDEAN_ONLY.includes(method)) {
    throw new OptionError(
      `hclust: method '${method}' is defined on Euclidean geometry and needs metric 'euclidean' ` +
        `(or precomputed Euclidean distances); got metric '${metric}'.`,
    );
  }

  let features: FeatureMatrix | null = null;
  let input: DistanceInput | null = null;
  let n: number;
  let dataCopies = 0;
  if (metric === 'precomputed') {
    input = toDistanceInput(X as MatrixLike | ArrayLike<number>, 'hclust');
    n = input.n;
    if (!isHeldBy(input.square ?? input.condensed!, X)) dataCopies++;
  } else {
    features = toFeatureMatrix(X as MatrixLike, { fn: 'hclust' });
    if (!isHeldBy(features.data, X)) dataCopies++;
    n = features.rows;
    if (metric === 'cosine') rowNorms(features, 'hclust');
  }
  if (n < 2) {
    throw new DataError(`hclust needs at least 2 observations; got n=${n}.`);
  }
  const sizes = o.weights === undefined ? null : checkWeights(o.weights, n);
  // Extreme magnitudes: work on the data divided by a power of two (exact), so that squares of
  // values near 1e300 do not overflow and those near 1e-300 do not underflow; heights are
  // multiplied back (see "Extreme magnitudes" in the file header).
  let unit = 1;
  if (features !== null) {
    unit = magnitudeUnit(features.data);
    if (unit !== 1) {
      features = divided(features, unit);
      dataCopies++;
    }
  } else {
    unit = magnitudeUnit(input!.square ?? input!.condensed!);
    if (unit !== 1) {
      dataCopies++;
      input = {
        n,
        square: input!.square ? divideBy(input!.square, unit) : null,
        condensed: input!.condensed ? divideBy(input!.condensed, unit) : null,
      };
    }
  }
  const heightUnit = metric === 'cosine' ? 1 : metric === 'sqeuclidean' ? unit * unit : unit;

  const plan = planLinkage(
    n,
    features ? features.cols : 0,
    method,
    layoutOption,
    memoryLimit,
    input,
    budget.source,
    dataCopies,
  );
  let Z: Float64Array;
  try {
    Z = runLinkage(plan, method, metric, features, input, n, sizes);
  } catch (error) {
    // the plan fitted, but the runtime could not allocate it (a limit the plan could not see)
    throw allocationFailure(error, {
      what: `hclust (method '${method}', layout '${plan.layout}') on n=${n} points`,
      bytes: plan.bytes,
      budget,
      options: [
        message`methods 'ward', 'single', 'centroid' and 'median' work from the stored feature data in O(n*d) memory (${option('method', 'ward')})`,
        message`cluster a seeded sample of the rows (${SAMPLE})`,
        message`cluster in two stages (${TWO_STAGE})`,
        message`give ${RAISE_LIMIT} what the process can really allocate, so that hclust picks a smaller layout or refuses before starting`,
      ],
    });
  }
  if (heightUnit !== 1) {
    for (let k = 0; k < n - 1; k++) {
      const h = Z[4 * k + 2]! * heightUnit;
      if (!Number.isFinite(h)) {
        throw new DataError(
          `hclust: a merge height (${Z[4 * k + 2]} x ${heightUnit}) exceeds the largest double ` +
            `(${Number.MAX_VALUE.toPrecision(3)}): the data spans more than floating point can ` +
            'hold. Divide it by a constant (or scale it) first.',
        );
      }
      Z[4 * k + 2] = h;
    }
  }
  const fx = features;
  const fi = input;
  const distances =
    fx !== null
      ? () => times(condensedDistances(fx, metric as Metric), heightUnit)
      : () => times(condensedFromInput(fi!), heightUnit);
  return makeHClustResult(Z, n, { method, metric, layout: plan.layout, distances });
}

/**
 * True when `values` is the caller's own array (X itself, a FeatureMatrix's or a Dataset's
 * data), false when the conversion of X copied it (number[][], an ml-matrix `Matrix`).
 */
function isHeldBy(values: Float64Array, X: unknown): boolean {
  const x = X as { data?: unknown; features?: { data?: unknown } };
  return values === X || values === x.data || values === x.features?.data;
}

function runLinkage(
  plan: LinkagePlan,
  method: LinkageMethod,
  metric: Metric | 'precomputed',
  features: FeatureMatrix | null,
  input: DistanceInput | null,
  n: number,
  sizes: Int32Array | null,
): Float64Array {
  const code = METHOD_CODE[method];
  const size0 = sizes ?? new Int32Array(n).fill(1);
  if (plan.layout === 'features') {
    const x = features!;
    switch (method) {
      case 'single': {
        // the scans in WebAssembly SIMD for Euclidean data (the same rows), else JavaScript
        const euclidean = metric === 'euclidean' || metric === 'sqeuclidean';
        const Z = euclidean ? mstEuclideanSimd(x, metric === 'sqeuclidean') : null;
        return sortAndRelabel(Z ?? mstFeatures(x, metric as Metric), n, sizes);
      }
      case 'ward':
        return sortAndRelabel(wardFeatures(x, size0), n, sizes);
      case 'centroid':
      case 'median':
        return genericFeatures(x, method === 'median', size0);
      default:
        throw new Error(`unreachable: features layout for ${method}`);
    }
  }
  if (method === 'single' && input !== null) {
    return sortAndRelabel(
      input.square ? mstSquare(input.square, n) : mstCondensed(input.condensed!, n),
      n,
      sizes,
    );
  }
  if (plan.layout === 'square') {
    const D = features ? squareFromFeatures(features, metric as Metric) : squareFromInput(input!);
    if (sizes !== null) weightSquare(D, n, code, sizes);
    if (method === 'single') return sortAndRelabel(mstSquare(D, n), n, sizes);
    if (method === 'centroid' || method === 'median') return genericSquare(D, n, code, size0);
    return sortAndRelabel(nnChainSquare(D, n, code, size0), n, sizes);
  }
  // The matrix goes to a WebAssembly memory, where the NN-chain runs (chain-kernels.ts), and
  // the distances of every metric but cosine are computed there; JavaScript when the runtime
  // has no WebAssembly SIMD or the memory would pass 4 GiB.
  const simdDistances = features !== null && isSimdMetric(metric) && features.cols <= 1024;
  const cm = condensedMemory(n, simdDistances ? features.cols : 0);
  // the chain's cache of column minima fills from each tile of distances as it is computed
  // (weights change the matrix after, so then it fills from the matrix)
  const chain =
    cm !== null && simdDistances && sizes === null && hasChainKernel(code)
      ? prepareChain(cm, code)
      : undefined;
  let D: Float64Array;
  if (cm !== null) {
    D = cm.D;
    if (simdDistances) condensedDistancesInto(features, metric, cm, chain);
    else if (features) condensedDistances(features, metric as Metric, D);
    else condensedFromInput(input!, D);
  } else {
    D = features
      ? condensedDistances(features, metric as Metric)
      : (input!.condensed?.slice() ?? condensedFromInput(input!));
  }
  if (sizes !== null) weightCondensed(D, n, code, sizes);
  if (method === 'single') return sortAndRelabel(mstCondensed(D, n), n, sizes);
  if (method === 'centroid' || method === 'median') return genericCondensed(D, n, code, size0);
  const Z =
    cm !== null && hasChainKernel(code)
      ? nnChainCondensedWasm(cm, code, size0, chain)
      : nnChainCondensed(D, n, code, size0);
  return sortAndRelabel(Z, n, sizes);
}

function divided(x: FeatureMatrix, unit: number): FeatureMatrix {
  return { rows: x.rows, cols: x.cols, data: divideBy(x.data, unit) };
}

function times(values: Float64Array, unit: number): Float64Array {
  if (unit !== 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! * unit;
  return values;
}
