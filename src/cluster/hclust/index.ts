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
 * and x becomes inactive, so the cluster at index i always contains point i. After a merge of
 * x and y (sizes nx, ny, merge height dxy) the dissimilarity to every other active cluster i
 * (size ni) is the Lance-Williams update, evaluated exactly as scipy does (same operation order):
 *
 *   single    min(dxi, dyi)
 *   complete  max(dxi, dyi)
 *   average   (nx dxi + ny dyi) / (nx + ny)
 *   weighted  0.5 (dxi + dyi)
 *   centroid  sqrt(((nx dxi^2 + ny dyi^2) - nx ny dxy^2 / (nx + ny)) / (nx + ny))
 *   median    sqrt(0.5 (dxi^2 + dyi^2) - 0.25 dxy^2)
 *   ward      sqrt((ni + nx) t dxi^2 + (ni + ny) t dyi^2 - ni t dxy^2),  t = 1 / (nx + ny + ni)
 *   ward.D    ((ni + nx) dxi + (ni + ny) dyi - ni dxy) / (nx + ny + ni)   (R's hclust "ward.D":
 *             Ward's update applied to unsquared distances; not Ward's criterion unless the
 *             input holds squared Euclidean distances)
 *
 * Centroid, median and ward are defined on Euclidean geometry: their updates are exact for
 * Euclidean distances between points (for ward: sqrt(2 na nb / (na + nb)) |ca - cb|).
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
 * - `square`: n x n doubles. Every nearest-neighbour scan reads one contiguous row; updates
 *   write row y and column y. 8 n^2 bytes. The fastest, used whenever it fits.
 * - `condensed`: scipy's upper triangle, 4 n (n-1) bytes; scans read one column stride-wise
 *   up to the diagonal, then one row. Used when the square matrix does not fit.
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
 */
import { type MatrixLike, toFeatureMatrix, type FeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { message, option } from '../../util/message.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import {
  allocationFailure,
  availableMemory,
  capBudget,
  formatBytes,
  memoryBudget,
} from '../../util/memory.js';
import {
  checkArgument,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  definedOnly,
} from '../../util/validate.js';
import {
  type DistanceInput,
  distancesFromRow,
  identity,
  METRICS,
  type Metric,
  rowNorms,
  squareDistances,
  condensedDistances,
  toDistanceInput,
} from './distance.js';
import { squareEuclideanSimd } from './distance-kernels.js';
import { centroidScans, mstEuclideanSimd, wardCentroidsSimd } from './kernels.js';
import { type HClustResult, makeHClustResult } from './tree.js';

/** The linkage methods, by their canonical name. */
export const LINKAGE_METHODS = [
  'single',
  'complete',
  'average',
  'weighted',
  'centroid',
  'median',
  'ward',
  'ward.D',
] as const;
/** A canonical linkage method name. */
export type LinkageMethod = (typeof LINKAGE_METHODS)[number];

/** Other names with exactly the same meaning. */
export const LINKAGE_ALIASES = {
  'ward.D2': 'ward',
  mcquitty: 'weighted',
  upgma: 'average',
  wpgma: 'weighted',
} as const satisfies Record<string, LinkageMethod>;
/** An alias of a linkage method. */
export type LinkageAlias = keyof typeof LINKAGE_ALIASES;

/** Every name the `method` options accept: the canonical names, then the aliases. */
export const LINKAGE_NAMES: readonly (LinkageMethod | LinkageAlias)[] = [
  ...LINKAGE_METHODS,
  ...(Object.keys(LINKAGE_ALIASES) as LinkageAlias[]),
];

/** True if `x` is a method name or an alias. */
export function isLinkageName(x: unknown): x is LinkageMethod | LinkageAlias {
  return typeof x === 'string' && (LINKAGE_NAMES as readonly string[]).includes(x);
}

/** True if `x` is a canonical method name. */
export function isLinkageMethod(x: unknown): x is LinkageMethod {
  return typeof x === 'string' && (LINKAGE_METHODS as readonly string[]).includes(x);
}

/** The canonical method of a name or alias; throws `invalid linkage: wrad ...` otherwise. */
export function resolveLinkageMethod(name: unknown, fn = 'hclust'): LinkageMethod {
  if (isLinkageMethod(name)) return name;
  if (typeof name === 'string' && Object.hasOwn(LINKAGE_ALIASES, name)) {
    return LINKAGE_ALIASES[name as LinkageAlias];
  }
  throw new OptionError(
    `invalid linkage: ${typeof name === 'string' ? name : String(name)}. The 'method' option of ${fn} ` +
      `must be one of ${LINKAGE_METHODS.map((m) => `'${m}'`).join(', ')}, or an alias: ` +
      `${Object.entries(LINKAGE_ALIASES)
        .map(([a, m]) => `'${a}' (= '${m}')`)
        .join(', ')}.`,
  );
}

/** The ways out of a refusal: a sample, two stages, a larger memory limit. */
const SAMPLE = option('sample', 'N', { placeholder: true, library: 'sampledHclust()' });
const TWO_STAGE = option('twoStage', '[centres]', { placeholder: true, library: 'twoStage()' });

const RAISE_LIMIT = option('memoryLimit', undefined, {
  library: "the 'memoryLimit' option, or setMemoryBudget() for every step",
});

/** Where the working dissimilarities live; see the file header. */
/** The memory layouts of hclust. */
const LINKAGE_LAYOUTS = ['square', 'condensed', 'features'] as const;
export type LinkageLayout = (typeof LINKAGE_LAYOUTS)[number];

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
   * Layout of the working dissimilarities: 'auto' picks square when it fits in `memoryLimit`,
   * else the O(n d) features layout (single, ward, centroid, median on features), else condensed.
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

/** Largest number of elements of a typed array in Node 20 (V8 11). */
const MAX_TYPED_LENGTH = 2 ** 32;

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

/** What `hclust` will allocate and run. */
export interface LinkagePlan {
  layout: LinkageLayout;
  /** Estimated bytes of every allocation of the run (`linkageBytes`), an upper bound. */
  bytes: number;
  /** Rough estimate of the running time in seconds (`estimateLinkageSeconds`). */
  seconds: number;
}

/**
 * Nanoseconds per pair of points, a + b d, by layout: measured on this project's reference
 * machine (2 cores, Node 20) with n = 4000 and d = 4, 20 over all methods, rounded up to the
 * slowest method (complete and centroid on the matrix layouts). Features: the WebAssembly scans
 * at n = 50,000, d = 10 (ward 7 ns per pair, centroid and median 8.5, single 2.7; without
 * WebAssembly SIMD about 3 times slower). Real data of 10^5 rows runs slower per pair on the
 * matrix layouts (the matrix no longer fits in cache). It is an order of magnitude for
 * messages, not a promise.
 */
const NS_PER_PAIR: Record<LinkageLayout, [number, number]> = {
  square: [30, 1.5],
  condensed: [80, 2.7],
  features: [3, 0.6],
};

/** Rough running time in seconds of hclust on n points of d columns in the given layout. */
export function estimateLinkageSeconds(n: number, d: number, layout: LinkageLayout): number {
  const fn = 'estimateLinkageSeconds';
  checkArgument.integer(fn, 'n', n, 0);
  checkArgument.integer(fn, 'd', d, 0);
  checkKeyword(fn, 'layout', layout, LINKAGE_LAYOUTS);
  const [a, b] = NS_PER_PAIR[layout];
  return ((n * (n - 1)) / 2) * (a + b * Math.max(d, 1)) * 1e-9;
}

/** '0.3 s', '12 s', '4 min', '2.5 h', '3 days'. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toPrecision(1))} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${Math.round(seconds / 86400)} days`;
}

/**
 * Bytes per observation of the O(n) arrays every run allocates besides its working layout: Z,
 * the stable sort and relabelling of the merges (an index array, a copy of Z, the union-find),
 * the result's `linkage` rows and leaf `order`, and the labels of a cut. Measured: 173 bytes at
 * n = 1,000,000 and 283 at n = 100,000 (the peak resident memory of sortAndRelabel +
 * makeHClustResult + cut, fixed costs of the heap included); 256 with the algorithms' own
 * per-point arrays (sizes, chains, nearest neighbours, candidates) bounds them above that.
 */
const RESULT_BYTES_PER_ROW = 256;
/** Bytes per observation of the algorithms' per-point work arrays (sizes, chains, heaps). */
const WORK_BYTES_PER_ROW = 64;
/** Largest n of the square layout (n^2 elements in one typed array). */
export const SQUARE_MAX_N = Math.floor(Math.sqrt(MAX_TYPED_LENGTH));
/** Largest n of the condensed layout (n (n - 1) / 2 elements in one typed array). */
export const CONDENSED_MAX_N = Math.floor((1 + Math.sqrt(1 + 8 * MAX_TYPED_LENGTH)) / 2);

/** The memory of one layout of an hclust run, as `linkageBytes` counts it. */
export interface LinkageBytes {
  /** The dissimilarity matrix alone (0 for the features layout). */
  matrix: number;
  /** Everything the run allocates: the matrix, copies of the data, work arrays and the result. */
  total: number;
}

/**
 * Every allocation of an hclust run on n points of d columns in one layout, an upper bound of
 * the resident memory it adds (measured peaks in the README's Limits paragraph):
 *
 *   square      8 n^2 (the matrix; from features also the data and its transpose, 16 n d, in
 *               the WebAssembly memory that holds the matrix; from a precomputed matrix a copy)
 *   condensed   4 n (n - 1) (the matrix) + 16 n (row offsets, a scratch row)
 *   features    8 n d (the centroids, or the transposed points of the WebAssembly scans)
 *   every one   + (RESULT_BYTES_PER_ROW + WORK_BYTES_PER_ROW) n, and `dataCopies` copies of the
 *               input (8 n d for features; the matrix for precomputed distances) made before
 *               the plan (conversion of number[][] or a Matrix, division of extreme magnitudes)
 *
 * Single linkage on a precomputed matrix only reads it (no matrix allocated). `d` is 0 for
 * precomputed distances.
 */
export function linkageBytes(
  n: number,
  d: number,
  layout: LinkageLayout,
  options: { readOnly?: boolean; precomputed?: 'square' | 'condensed'; dataCopies?: number } = {},
): LinkageBytes {
  const square = 8 * n * n;
  const condensed = 4 * n * (n - 1);
  const input =
    options.precomputed === 'square'
      ? square
      : options.precomputed === 'condensed'
        ? condensed
        : 8 * n * d;
  const common =
    (RESULT_BYTES_PER_ROW + WORK_BYTES_PER_ROW) * n + (options.dataCopies ?? 0) * input;
  if (options.readOnly) return { matrix: 0, total: common };
  if (layout === 'features') return { matrix: 0, total: 8 * n * d + common };
  if (layout === 'square') {
    return {
      matrix: square,
      total: square + (options.precomputed ? 0 : 16 * n * d) + common,
    };
  }
  return { matrix: condensed, total: condensed + 16 * n + common };
}

/**
 * Choose the layout and estimate the memory it needs (`linkageBytes`: the matrix, the copies,
 * the work arrays and the result); throw before allocating anything when the chosen (or the
 * only possible) layout does not fit in `memoryLimit`, or its matrix would pass the 2^32
 * elements a typed array can hold. `budgetSource` says where the limit comes from, for the
 * message; `dataCopies` counts the copies of the input hclust made before planning.
 */
export function planLinkage(
  n: number,
  d: number,
  method: LinkageMethod,
  layout: 'auto' | LinkageLayout,
  memoryLimit: number,
  input: DistanceInput | null = null,
  budgetSource = 'the memoryLimit option',
  dataCopies = 0,
): LinkagePlan {
  const fn = 'planLinkage';
  checkArgument.integer(fn, 'n', n, 0);
  checkArgument.integer(fn, 'd', d, 0);
  checkKeyword(fn, 'method', method, LINKAGE_METHODS);
  checkKeyword(fn, 'layout', layout, ['auto', ...LINKAGE_LAYOUTS]);
  checkArgument.number(fn, 'memoryLimit', memoryLimit, 0);
  const limit = `${formatBytes(memoryLimit)} (${budgetSource})`;
  const featuresPossible =
    input === null &&
    (method === 'single' || method === 'ward' || method === 'centroid' || method === 'median');
  const squareOk = n * n <= MAX_TYPED_LENGTH;
  const condensedOk = (n * (n - 1)) / 2 <= MAX_TYPED_LENGTH;
  // Single on a precomputed matrix only reads it: no working copy.
  const readOnly = input !== null && method === 'single';
  const precomputed = input === null ? undefined : input.square ? 'square' : 'condensed';
  const bytesOf = (l: LinkageLayout) =>
    linkageBytes(n, d, l, {
      readOnly,
      dataCopies,
      ...(precomputed === undefined ? {} : { precomputed }),
    });
  const square = bytesOf('square');
  const condensed = bytesOf('condensed');
  const features = bytesOf('features');
  const plan = (l: LinkageLayout, bytes: number): LinkagePlan => ({
    layout: l,
    bytes,
    seconds: estimateLinkageSeconds(n, d, l),
  });
  const tooBigForFeatures = () =>
    new OptionError(
      message`hclust: method '${method}' on n=${n} points of ${d} columns needs about ${formatBytes(features.total)} even from the stored feature data (its copies of the data, work arrays and result), but the memory limit is ${limit}. Instead: cluster a seeded sample of the rows (${SAMPLE}); or cluster in two stages (${TWO_STAGE}); or raise the limit (${RAISE_LIMIT}) if more memory is really available.`,
    );

  if (layout === 'features') {
    if (!featuresPossible) {
      throw new OptionError(
        `hclust: layout 'features' works for methods 'single', 'ward', 'centroid' and 'median' ` +
          `on feature data; got method '${method}'${input ? ' with precomputed distances' : ''}.`,
      );
    }
    if (features.total > memoryLimit) throw tooBigForFeatures();
    return plan('features', features.total);
  }
  if (layout === 'auto') {
    if (readOnly) {
      if (square.total > memoryLimit) {
        throw new OptionError(
          message`hclust: single linkage on the precomputed distances of n=${n} points needs about ${formatBytes(square.total)} for its work arrays and result, but the memory limit is ${limit}. Raise the limit (${RAISE_LIMIT}) if more memory is really available.`,
        );
      }
      return plan(input!.square ? 'square' : 'condensed', square.total);
    }
    if (featuresPossible && method === 'single') {
      if (features.total > memoryLimit) throw tooBigForFeatures();
      return plan('features', features.total);
    }
    if (squareOk && square.total <= memoryLimit) return plan('square', square.total);
    if (featuresPossible) {
      if (features.total > memoryLimit) throw tooBigForFeatures();
      return plan('features', features.total);
    }
    if (condensedOk && condensed.total <= memoryLimit) return plan('condensed', condensed.total);
    const seconds = estimateLinkageSeconds(n, d, 'condensed');
    const cause = condensedOk
      ? `needs ${formatBytes(condensed.matrix)} for its distance matrix ` +
        `(${formatBytes(condensed.total)} in all with its copies, work arrays and result; ` +
        `condensed layout; the faster square layout needs ${formatBytes(square.total)}; and ` +
        `about ${formatSeconds(seconds)}), but the memory limit is ${limit}`
      : `needs a distance matrix of n(n-1)/2 = ${((n * (n - 1)) / 2).toExponential(2)} ` +
        `elements, more than the 2^32 (${MAX_TYPED_LENGTH.toLocaleString('en-US')}) a typed ` +
        `array can hold in this JavaScript runtime: the condensed layout stops at ` +
        `n=${CONDENSED_MAX_N.toLocaleString('en-US')} points, the square one at ` +
        `n=${SQUARE_MAX_N.toLocaleString('en-US')}, whatever the memory`;
    const raise = condensedOk
      ? message`; or raise the limit (${RAISE_LIMIT}; ${formatBytes(availableMemory().bytes)} is available now) if more memory is really available.`
      : '.';
    throw new OptionError(
      message`hclust: method '${method}' on n=${n} points ${cause}. Instead: methods 'ward', 'single', 'centroid' and 'median' work from the stored Euclidean feature data in O(n*d) memory (${option('method', 'ward')}); or cluster a seeded sample of the rows (${SAMPLE}); or cluster in two stages, k-means into a few hundred centres then hierarchical clustering of the centres weighted by their sizes (${TWO_STAGE})${raise}`,
    );
  }
  const bytes = readOnly ? square.total : layout === 'square' ? square.total : condensed.total;
  const lengthOk = readOnly || (layout === 'square' ? squareOk : condensedOk);
  if (!lengthOk || bytes > memoryLimit) {
    throw new OptionError(
      `hclust: layout '${layout}' for n=${n} points needs ${formatBytes(bytes)}` +
        (lengthOk
          ? `, but the memory limit is ${limit}`
          : `: more than the 2^32 elements a typed array can hold (the ${layout} layout stops ` +
            `at n=${(layout === 'square' ? SQUARE_MAX_N : CONDENSED_MAX_N).toLocaleString('en-US')})`) +
        `. Use layout 'auto' (or 'condensed', which needs half as much).`,
    );
  }
  return plan(layout, bytes);
}

function condensedFromInput(input: DistanceInput): Float64Array {
  if (input.condensed) return input.condensed;
  const n = input.n;
  const s = input.square!;
  const out = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[p++] = s[i * n + j]!;
  return out;
}

/**
 * The square working matrix from the features: Euclidean and squared Euclidean distances in
 * WebAssembly SIMD when the runtime has it (cluster/hclust/distance-kernels.ts; the same values, computed about
 * twice as fast), otherwise in JavaScript.
 */
function squareFromFeatures(x: FeatureMatrix, metric: Metric): Float64Array {
  if (metric === 'euclidean' || metric === 'sqeuclidean') {
    const D = squareEuclideanSimd(x, metric === 'sqeuclidean');
    if (D !== null) return D;
  }
  return squareDistances(x, metric);
}

function squareFromInput(input: DistanceInput): Float64Array {
  const n = input.n;
  if (input.square) return input.square.slice();
  const c = input.condensed!;
  const out = new Float64Array(n * n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = c[p++]!;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
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
  const D = features
    ? condensedDistances(features, metric as Metric)
    : (input!.condensed?.slice() ?? condensedFromInput(input!));
  if (sizes !== null) weightCondensed(D, n, code, sizes);
  if (method === 'single') return sortAndRelabel(mstCondensed(D, n), n, sizes);
  if (method === 'centroid' || method === 'median') return genericCondensed(D, n, code, size0);
  return sortAndRelabel(nnChainCondensed(D, n, code, size0), n, sizes);
}

function divided(x: FeatureMatrix, unit: number): FeatureMatrix {
  return { rows: x.rows, cols: x.cols, data: divideBy(x.data, unit) };
}

function times(values: Float64Array, unit: number): Float64Array {
  if (unit !== 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! * unit;
  return values;
}

/** Largest total weight: sizes are held in 32-bit integers. */
const MAX_TOTAL_WEIGHT = 2 ** 31 - 1;

/** The weights as initial sizes: n integers >= 1 whose sum fits in an Int32. */
function checkWeights(weights: ArrayLike<number>, n: number): Int32Array {
  if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw new OptionError(
      `The 'weights' option of hclust must be an array of integers >= 1. Got ${typeof weights} instead.`,
    );
  }
  if (weights.length !== n) {
    throw new OptionError(
      `The 'weights' option of hclust must have one entry per observation: n=${n}, got ${weights.length} weights.`,
    );
  }
  const out = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1) {
      throw new OptionError(
        `The 'weights' option of hclust must hold integers >= 1. Got ${String(w)} at index ${i} instead.`,
      );
    }
    total += w;
    out[i] = w;
  }
  if (total > MAX_TOTAL_WEIGHT) {
    throw new OptionError(
      `The 'weights' option of hclust must sum to at most ${MAX_TOTAL_WEIGHT}. Got ${total} instead.`,
    );
  }
  return out;
}

/**
 * The dissimilarity between two weighted observations of sizes a and b at distance d, as the
 * method sees the two groups of a and b copies once each group has merged: ward
 * sqrt(2ab/(a+b)) d, ward.D 2ab/(a+b) d, every other method d. Returns the factor on d
 * (1 for the others), or 0 when the method needs no change.
 */
function weightFactor(code: number, a: number, b: number): number {
  if (code === WARD) return Math.sqrt((2 * a * b) / (a + b));
  if (code === WARD_D) return (2 * a * b) / (a + b);
  return 0;
}

function weightSquare(D: Float64Array, n: number, code: number, w: Int32Array): void {
  if (code !== WARD && code !== WARD_D) return;
  for (let i = 0; i < n; i++) {
    const a = w[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) {
      if (j !== i) D[row + j] = D[row + j]! * weightFactor(code, a, w[j]!);
    }
  }
}

function weightCondensed(D: Float64Array, n: number, code: number, w: Int32Array): void {
  if (code !== WARD && code !== WARD_D) return;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const a = w[i]!;
    for (let j = i + 1; j < n; j++) {
      D[p] = D[p]! * weightFactor(code, a, w[j]!);
      p++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Lance-Williams updates

const SINGLE = 0;
const COMPLETE = 1;
const AVERAGE = 2;
const WEIGHTED = 3;
const CENTROID = 4;
const MEDIAN = 5;
const WARD = 6;
const WARD_D = 7;

const METHOD_CODE: Record<LinkageMethod, number> = {
  single: SINGLE,
  complete: COMPLETE,
  average: AVERAGE,
  weighted: WEIGHTED,
  centroid: CENTROID,
  median: MEDIAN,
  ward: WARD,
  'ward.D': WARD_D,
};

/** One Lance-Williams update (header table); kept small so V8 inlines it into the loops. */
function lanceWilliams(
  code: number,
  dxi: number,
  dyi: number,
  dxy: number,
  nx: number,
  ny: number,
  ni: number,
): number {
  switch (code) {
    case SINGLE:
      return Math.min(dxi, dyi);
    case COMPLETE:
      return Math.max(dxi, dyi);
    case AVERAGE:
      return (nx * dxi + ny * dyi) / (nx + ny);
    case WEIGHTED:
      return 0.5 * (dxi + dyi);
    case CENTROID: {
      const v = (nx * dxi * dxi + ny * dyi * dyi - (nx * ny * dxy * dxy) / (nx + ny)) / (nx + ny);
      return v > 0 ? Math.sqrt(v) : 0;
    }
    case MEDIAN: {
      const v = 0.5 * (dxi * dxi + dyi * dyi) - 0.25 * dxy * dxy;
      return v > 0 ? Math.sqrt(v) : 0;
    }
    case WARD: {
      const t = 1.0 / (nx + ny + ni);
      const v = (ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy;
      return v > 0 ? Math.sqrt(v) : 0;
    }
    case WARD_D:
      return ((ni + nx) * dxi + (ni + ny) * dyi - ni * dxy) / (nx + ny + ni);
    default:
      throw new Error(`unknown linkage code ${code}`);
  }
}

/**
 * Update row/column y of a square matrix after merging x into y, for every active i != y.
 * One loop per method so the hot loop has no dispatch.
 */
function updateSquare(
  D: Float64Array,
  n: number,
  code: number,
  x: number,
  y: number,
  dxy: number,
  nx: number,
  ny: number,
  size: Int32Array,
  active: Int32Array,
  m: number,
): void {
  const rx = x * n;
  const ry = y * n;
  switch (code) {
    case COMPLETE:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const v = Math.max(a, b);
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    case AVERAGE: {
      const s = nx + ny;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const v = (nx * D[rx + i]! + ny * D[ry + i]!) / s;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    }
    case WEIGHTED:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const v = 0.5 * (D[rx + i]! + D[ry + i]!);
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    case WARD:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const ni = size[i]!;
        const tt = 1.0 / (nx + ny + ni);
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const w = (ni + nx) * tt * a * a + (ni + ny) * tt * b * b - ni * tt * dxy * dxy;
        const v = w > 0 ? Math.sqrt(w) : 0;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    case CENTROID: {
      const s = nx + ny;
      const c = (nx * ny * dxy * dxy) / s;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const w = (nx * a * a + ny * b * b - c) / s;
        const v = w > 0 ? Math.sqrt(w) : 0;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    }
    case MEDIAN: {
      const c = 0.25 * dxy * dxy;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const w = 0.5 * (a * a + b * b) - c;
        const v = w > 0 ? Math.sqrt(w) : 0;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    }
    default:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const v = lanceWilliams(code, D[rx + i]!, D[ry + i]!, dxy, nx, ny, size[i]!);
        D[ry + i] = v;
        D[i * n + y] = v;
      }
  }
}

/** Offsets such that element (i, j), i < j, of a condensed matrix is at off[i] + j. */
function condensedOffsets(n: number): Float64Array {
  const off = new Float64Array(n);
  for (let i = 0; i < n; i++) off[i] = n * i - (i * (i + 1)) / 2 - i - 1;
  return off;
}

/** Remove value v from the ascending list a[0..m); returns the new length. */
function removeSorted(a: Int32Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  a.copyWithin(lo, lo + 1, m);
  return m - 1;
}

/** Position of v in the ascending list a[0..m) (v must be there). */
function positionSorted(a: Int32Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Post-processing shared by single and the NN-chain methods

/**
 * Sort merges (rows [x, y, h, .] of point indices, each the representative of its cluster at
 * merge time) by height with a stable sort, then give clusters scipy's ids with a union-find:
 * each row's a < b are the current roots, s the merged size. In place; returns Z.
 */
export function sortAndRelabel(
  Z: Float64Array,
  n: number,
  weights: Int32Array | null = null,
): Float64Array {
  const m = n - 1;
  const idx = new Array<number>(m);
  for (let k = 0; k < m; k++) idx[k] = k;
  idx.sort((a, b) => Z[4 * a + 2]! - Z[4 * b + 2]! || a - b);
  const rows = Z.slice();
  const parent = identity(2 * n - 1);
  const size = new Int32Array(2 * n - 1).fill(1);
  if (weights !== null) size.set(weights);
  let next = n;
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[v] !== r) {
      const p = parent[v]!;
      parent[v] = r;
      v = p;
    }
    return r;
  };
  for (let k = 0; k < m; k++) {
    const src = 4 * idx[k]!;
    const rx = find(rows[src]!);
    const ry = find(rows[src + 1]!);
    const a = Math.min(rx, ry);
    const b = Math.max(rx, ry);
    parent[a] = next;
    parent[b] = next;
    const s = size[a]! + size[b]!;
    size[next] = s;
    next++;
    Z[4 * k] = a;
    Z[4 * k + 1] = b;
    Z[4 * k + 2] = rows[src + 2]!;
    Z[4 * k + 3] = s;
  }
  return Z;
}

// ---------------------------------------------------------------------------------------------
// Single linkage: Prim's minimum spanning tree (Muellner 2011, sec. 3, MST algorithm)
//
// Input: dissimilarities of n points. Invariant after step k: `merged` holds k+1 points (the
// tree so far), best[i] = min over merged p of d(p, i) for every other i. Step: the unmerged i
// with the smallest best[i] (first in index order on ties) joins; the row records (last joined
// point, new point, best). O(n^2) time, O(n) extra memory. The unsorted rows become Z through
// `sortAndRelabel`.

function mstSquare(D: Float64Array, n: number): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const best = new Float64Array(n).fill(Infinity);
  const rest = identity(n);
  let m = n;
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    m = removeSorted(rest, m, x);
    let cur = Infinity;
    let y = -1;
    const row = x * n;
    for (let t = 0; t < m; t++) {
      const i = rest[t]!;
      const v = D[row + i]!;
      let b = best[i]!;
      if (b > v) best[i] = b = v;
      if (b < cur) {
        cur = b;
        y = i;
      }
    }
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    x = y;
  }
  return Z;
}

function mstCondensed(D: Float64Array, n: number): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const off = condensedOffsets(n);
  const best = new Float64Array(n).fill(Infinity);
  const rest = identity(n);
  let m = n;
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    m = removeSorted(rest, m, x);
    let cur = Infinity;
    let y = -1;
    const rowX = off[x]!;
    for (let t = 0; t < m; t++) {
      const i = rest[t]!;
      const v = i < x ? D[off[i]! + x]! : D[rowX + i]!;
      let b = best[i]!;
      if (b > v) best[i] = b = v;
      if (b < cur) {
        cur = b;
        y = i;
      }
    }
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    x = y;
  }
  return Z;
}

/** Prim with distances computed from the features on the fly: O(n d) memory. */
function mstFeatures(x: FeatureMatrix, metric: Metric): Float64Array {
  const n = x.rows;
  const Z = new Float64Array(4 * (n - 1));
  const norms = metric === 'cosine' ? rowNorms(x, 'hclust') : null;
  const best = new Float64Array(n).fill(Infinity);
  const rest = identity(n);
  const dist = new Float64Array(n);
  let m = n;
  let p = 0;
  for (let k = 0; k < n - 1; k++) {
    m = removeSorted(rest, m, p);
    distancesFromRow(x, metric, norms, p, rest, 0, m, dist);
    let cur = Infinity;
    let y = -1;
    for (let t = 0; t < m; t++) {
      const i = rest[t]!;
      const v = dist[t]!;
      let b = best[i]!;
      if (b > v) best[i] = b = v;
      if (b < cur) {
        cur = b;
        y = i;
      }
    }
    Z[4 * k] = p;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    p = y;
  }
  return Z;
}

// ---------------------------------------------------------------------------------------------
// Nearest-neighbour chain (Muellner 2011, sec. 3; Murtagh 1985, p. 86) for the reducible methods: complete,
// average, weighted, ward, ward.D.
//
// Input: D (working copy, overwritten), n points. Invariant: the chain c_0, c_1, ..., c_l is a
// list of active clusters with d(c_j, c_{j+1}) non-increasing; the top's nearest neighbour is
// searched over active indices in ascending order with a strict '<', starting from the
// previous chain element so that it is preferred on ties. When the nearest neighbour of the
// top is the previous element, the two are reciprocal nearest neighbours and are merged
// (reducibility guarantees this merge is in the dendrogram). The merged cluster goes to the
// larger index. O(n^2) time (every step either grows the chain, at most 3n times, or merges),
// O(n) extra memory.

function nnChainSquare(D: Float64Array, n: number, code: number, size0: Int32Array): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const size = size0.slice();
  const active = identity(n);
  let m = n;
  const chain = new Int32Array(n);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      chain[0] = active[0]!;
      len = 1;
    }
    let x = 0;
    let y = 0;
    let cur = Infinity;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        cur = D[x * n + y]!;
      } else {
        cur = Infinity;
      }
      const row = x * n;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === x) continue;
        const v = D[row + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    Z[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    m = removeSorted(active, m, x);
    updateSquare(D, n, code, x, y, cur, nx, ny, size, active, m);
  }
  return Z;
}

function nnChainCondensed(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const off = condensedOffsets(n);
  const size = size0.slice();
  const active = identity(n);
  let m = n;
  const chain = new Int32Array(n);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      chain[0] = active[0]!;
      len = 1;
    }
    let x = 0;
    let y = 0;
    let cur = Infinity;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        cur = x < y ? D[off[x]! + y]! : D[off[y]! + x]!;
      } else {
        cur = Infinity;
      }
      const rowX = off[x]!;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === x) continue;
        const v = i < x ? D[off[i]! + x]! : D[rowX + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[4 * k] = x;
    Z[4 * k + 1] = y;
    Z[4 * k + 2] = cur;
    Z[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    m = removeSorted(active, m, x);
    const rx = off[x]!;
    const ry = off[y]!;
    for (let t = 0; t < m; t++) {
      const i = active[t]!;
      if (i === y) continue;
      const ix = i < x ? off[i]! + x : rx + i;
      const iy = i < y ? off[i]! + y : ry + i;
      D[iy] = lanceWilliams(code, D[ix]!, D[iy]!, cur, nx, ny, size[i]!);
    }
  }
  return Z;
}

/**
 * Ward on stored data: the NN-chain over cluster centroids. Dissimilarity key(a, b) =
 * na nb / (na + nb) |ca - cb|^2, height sqrt(2 key) (equal to the Lance-Williams ward height).
 * Memory O(n d): the centroids (n x d) and sizes. Time O(n^2 d). The scans run in WebAssembly
 * SIMD when there is a kernel for them (cluster/hclust/kernels.ts), else in JavaScript; both give the same
 * bits.
 */
function wardFeatures(x: FeatureMatrix, size0: Int32Array): Float64Array {
  return wardChain(x.rows, wardCentroidsSimd(x, size0) ?? new WardCentroids(x, size0));
}

/**
 * The NN-chain of ward over the clusters of `c` (unsorted rows of Z): the top's nearest active
 * cluster in index order with a strict '<', starting from the previous chain element, which is
 * so preferred on ties.
 */
function wardChain(n: number, c: WardClusters): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const chain = new Int32Array(n);
  const found = new Float64Array(2);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      chain[0] = c.first();
      len = 1;
    }
    let p = 0;
    let q = 0;
    let cur = Infinity;
    for (;;) {
      p = chain[len - 1]!;
      if (len > 1) {
        q = chain[len - 2]!;
        cur = c.key(p, q);
      } else {
        cur = Infinity;
      }
      c.nearest(p, cur, found);
      if (found[0]! >= 0) {
        q = found[0]!;
        cur = found[1]!;
      }
      if (len > 1 && q === chain[len - 2]) break;
      chain[len++] = q;
    }
    len -= 2;
    if (p > q) {
      const t = p;
      p = q;
      q = t;
    }
    const np = c.size(p);
    const nq = c.size(q);
    Z[4 * k] = p;
    Z[4 * k + 1] = q;
    Z[4 * k + 2] = Math.sqrt(2 * cur);
    Z[4 * k + 3] = np + nq;
    c.merge(p, q, np, nq);
  }
  return Z;
}

/** The active clusters of ward on stored data, their centroids and sizes. @internal */
export interface WardClusters {
  /** The smallest active index. */
  first(): number;
  /** ((n_a n_b) / (n_a + n_b)) ||c_a - c_b||^2, summed over the columns in order. */
  key(a: number, b: number): number;
  /**
   * found = [the active cluster other than p with the smallest key(p, i) < cur (the first in
   * index order), or -1; that key].
   */
  nearest(p: number, cur: number, found: Float64Array): void;
  size(i: number): number;
  /** p (np points) merges into q (nq points): q's centroid becomes the weighted mean, p leaves. */
  merge(p: number, q: number, np: number, nq: number): void;
}

/** The clusters of ward on stored data in JavaScript: centroids row-major, a sorted active list. */
class WardCentroids implements WardClusters {
  private readonly C: Float64Array;
  private readonly sizes: Int32Array;
  private readonly active: Int32Array;
  private m: number;
  private readonly d: number;

  constructor(x: FeatureMatrix, size0: Int32Array) {
    this.C = x.data.slice();
    this.sizes = size0.slice();
    this.active = identity(x.rows);
    this.m = x.rows;
    this.d = x.cols;
  }

  first(): number {
    return this.active[0]!;
  }

  size(i: number): number {
    return this.sizes[i]!;
  }

  key(a: number, b: number): number {
    const { C, d } = this;
    const oa = a * d;
    const ob = b * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = C[oa + j]! - C[ob + j]!;
      s += t * t;
    }
    const na = this.sizes[a]!;
    const nb = this.sizes[b]!;
    return ((na * nb) / (na + nb)) * s;
  }

  nearest(p: number, start: number, found: Float64Array): void {
    const { C, d, active, m, sizes: size } = this;
    let cur = start;
    let q = -1;
    const op = p * d;
    const np = size[p]!;
    let t = 0;
    // Four candidates at a time (independent sums), then compared in index order.
    for (; t + 3 < m; t += 4) {
      const i0 = active[t]!;
      const i1 = active[t + 1]!;
      const i2 = active[t + 2]!;
      const i3 = active[t + 3]!;
      const o0 = i0 * d;
      const o1 = i1 * d;
      const o2 = i2 * d;
      const o3 = i3 * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const c = C[op + j]!;
        const e0 = c - C[o0 + j]!;
        const e1 = c - C[o1 + j]!;
        const e2 = c - C[o2 + j]!;
        const e3 = c - C[o3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      let ni = size[i0]!;
      let v = ((np * ni) / (np + ni)) * s0;
      if (i0 !== p && v < cur) {
        cur = v;
        q = i0;
      }
      ni = size[i1]!;
      v = ((np * ni) / (np + ni)) * s1;
      if (i1 !== p && v < cur) {
        cur = v;
        q = i1;
      }
      ni = size[i2]!;
      v = ((np * ni) / (np + ni)) * s2;
      if (i2 !== p && v < cur) {
        cur = v;
        q = i2;
      }
      ni = size[i3]!;
      v = ((np * ni) / (np + ni)) * s3;
      if (i3 !== p && v < cur) {
        cur = v;
        q = i3;
      }
    }
    for (; t < m; t++) {
      const i = active[t]!;
      if (i === p) continue;
      const oi = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const u = C[op + j]! - C[oi + j]!;
        s += u * u;
      }
      const ni = size[i]!;
      const v = ((np * ni) / (np + ni)) * s;
      if (v < cur) {
        cur = v;
        q = i;
      }
    }
    found[0] = q;
    found[1] = cur;
  }

  merge(p: number, q: number, np: number, nq: number): void {
    const { C, d } = this;
    const op = p * d;
    const oq = q * d;
    const s = np + nq;
    for (let j = 0; j < d; j++) C[oq + j] = (np * C[op + j]! + nq * C[oq + j]!) / s;
    this.sizes[p] = 0;
    this.sizes[q] = s;
    this.m = removeSorted(this.active, this.m, p);
  }
}

// ---------------------------------------------------------------------------------------------
// Generic algorithm (Muellner 2011, sec. 3, the generic clustering algorithm) for centroid and median.
//
// Input: D (working copy, overwritten), n points. Invariant: for every active x < n-1,
// neighbor[x] is an active index > x and minDist[x] <= min over active j > x of d(x, j) (a lower
// bound, exact when neighbor[x] is the nearest). A binary heap keyed by x holds minDist. Step:
// pop the smallest candidate; if its stored distance still equals d(x, neighbor[x]) it is the
// closest pair, otherwise recompute x's nearest neighbour and retry. After merging x into y,
// update the dissimilarities to y, redirect candidates that pointed to x, lower the bounds of
// indices < y that are now closer to y, and recompute y's own neighbour. Index n-1 is never
// removed (the removed index is the smaller one), so every x < n-1 has a neighbour. The heap
// uses strict comparisons in both sifts (ties keep their place), which fixes the order of equal
// candidates. O(n^2 log n) worst case, close to O(n^2) in practice; O(n) extra memory.

/** Binary min-heap over keys 0..size-1 with values, supporting value changes. */
class IndexedHeap {
  readonly values: Float64Array;
  readonly keyAt: Int32Array;
  readonly indexOf: Int32Array;
  size: number;

  constructor(values: Float64Array) {
    this.size = values.length;
    this.values = values.slice();
    this.keyAt = identity(this.size);
    this.indexOf = identity(this.size);
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  minKey(): number {
    return this.keyAt[0]!;
  }

  minValue(): number {
    return this.values[0]!;
  }

  removeMin(): void {
    this.swap(0, this.size - 1);
    this.size--;
    this.siftDown(0);
  }

  change(key: number, value: number): void {
    const i = this.indexOf[key]!;
    const old = this.values[i]!;
    this.values[i] = value;
    if (value < old) this.siftUp(i);
    else this.siftDown(i);
  }

  private siftUp(i: number): void {
    const v = this.values;
    let p = (i - 1) >> 1;
    while (i > 0 && v[p]! > v[i]!) {
      this.swap(i, p);
      i = p;
      p = (i - 1) >> 1;
    }
  }

  private siftDown(i: number): void {
    const v = this.values;
    let c = 2 * i + 1;
    while (c < this.size) {
      if (c + 1 < this.size && v[c + 1]! < v[c]!) c++;
      if (v[i]! > v[c]!) {
        this.swap(i, c);
        i = c;
        c = 2 * i + 1;
      } else break;
    }
  }

  private swap(i: number, j: number): void {
    const v = this.values;
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
    const ki = this.keyAt[i]!;
    const kj = this.keyAt[j]!;
    this.keyAt[i] = kj;
    this.keyAt[j] = ki;
    this.indexOf[ki] = j;
    this.indexOf[kj] = i;
  }
}

/**
 * The generic algorithm over an abstract dissimilarity: `dist(a, b)` for a < b, `nearest(x)`
 * writes the nearest active index > x and its dissimilarity, and `merge(x, y, h, nx, ny)` updates
 * the dissimilarities to y. Returns Z in merge order with cluster ids.
 */
function genericCore(
  n: number,
  dist: (a: number, b: number) => number,
  nearestAbove: (x: number, active: Int32Array, m: number, out: Float64Array) => void,
  merge: (
    x: number,
    y: number,
    h: number,
    nx: number,
    ny: number,
    size: Int32Array,
    active: Int32Array,
    m: number,
  ) => void,
  lowerBounds: (y: number, active: Int32Array, m: number, out: Float64Array) => void,
  height: (v: number) => number,
  size0: Int32Array,
): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const size = size0.slice();
  const clusterId = identity(n);
  const neighbor = new Int32Array(n - 1);
  const minDist = new Float64Array(n - 1);
  const active = identity(n);
  let m = n;
  const found = new Float64Array(2);
  const below = new Float64Array(n);
  for (let x = 0; x < n - 1; x++) {
    nearestAbove(x, active, m, found);
    neighbor[x] = found[0]!;
    minDist[x] = found[1]!;
  }
  const heap = new IndexedHeap(minDist);
  for (let k = 0; k < n - 1; k++) {
    let x = 0;
    let y = 0;
    let h = 0;
    for (let i = 0; i < n - k; i++) {
      x = heap.minKey();
      h = heap.minValue();
      y = neighbor[x]!;
      if (h === dist(x, y)) break;
      nearestAbove(x, active, m, found);
      y = found[0]!;
      h = found[1]!;
      neighbor[x] = y;
      minDist[x] = h;
      heap.change(x, h);
    }
    heap.removeMin();
    let idx = clusterId[x]!;
    let idy = clusterId[y]!;
    if (idx > idy) {
      const t = idx;
      idx = idy;
      idy = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[4 * k] = idx;
    Z[4 * k + 1] = idy;
    Z[4 * k + 2] = height(h);
    Z[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    clusterId[y] = n + k;
    m = removeSorted(active, m, x);
    merge(x, y, h, nx, ny, size, active, m);
    for (let t = 0; t < m; t++) {
      const z = active[t]!;
      if (z >= x) break;
      if (neighbor[z] === x) neighbor[z] = y;
    }
    lowerBounds(y, active, m, below);
    for (let t = 0; t < m; t++) {
      const z = active[t]!;
      if (z >= y) break;
      const v = below[t]!;
      if (v < minDist[z]!) {
        neighbor[z] = y;
        minDist[z] = v;
        heap.change(z, v);
      }
    }
    if (y < n - 1) {
      nearestAbove(y, active, m, found);
      if (found[0]! >= 0) {
        neighbor[y] = found[0]!;
        minDist[y] = found[1]!;
        heap.change(y, found[1]!);
      }
    }
  }
  return Z;
}

function genericSquare(D: Float64Array, n: number, code: number, size0: Int32Array): Float64Array {
  return genericCore(
    n,
    (a, b) => D[a * n + b]!,
    (x, active, m, out) => {
      let cur = Infinity;
      let y = -1;
      const row = x * n;
      for (let t = positionSorted(active, m, x) + 1; t < m; t++) {
        const i = active[t]!;
        const v = D[row + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      out[0] = y;
      out[1] = cur;
    },
    (x, y, h, nx, ny, size, active, m) =>
      updateSquare(D, n, code, x, y, h, nx, ny, size, active, m),
    (y, active, m, out) => {
      const row = y * n;
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= y) break;
        out[t] = D[row + z]!;
      }
    },
    (v) => v,
    size0,
  );
}

function genericCondensed(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  const off = condensedOffsets(n);
  return genericCore(
    n,
    (a, b) => D[off[a]! + b]!,
    (x, active, m, out) => {
      let cur = Infinity;
      let y = -1;
      const row = off[x]!;
      for (let t = positionSorted(active, m, x) + 1; t < m; t++) {
        const i = active[t]!;
        const v = D[row + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      out[0] = y;
      out[1] = cur;
    },
    (x, y, h, nx, ny, size, active, m) => {
      const rx = off[x]!;
      const ry = off[y]!;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const ix = i < x ? off[i]! + x : rx + i;
        const iy = i < y ? off[i]! + y : ry + i;
        D[iy] = lanceWilliams(code, D[ix]!, D[iy]!, h, nx, ny, size[i]!);
      }
    },
    (y, active, m, out) => {
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= y) break;
        out[t] = D[off[z]! + y]!;
      }
    },
    (v) => v,
    size0,
  );
}

/**
 * Centroid (or, with `median`, the unweighted midpoint) on stored data: the generic algorithm
 * with squared Euclidean distances between cluster centroids computed on demand; heights are
 * their square roots. Memory O(n d).
 */
function genericFeatures(x: FeatureMatrix, median: boolean, size0: Int32Array): Float64Array {
  const n = x.rows;
  const d = x.cols;
  // the scans in WebAssembly SIMD (the same values), else JavaScript
  const scans = centroidScans(x, median);
  if (scans !== null) {
    const { dist, nearestAbove, merge, lowerBounds } = scans;
    return genericCore(n, dist, nearestAbove, merge, lowerBounds, Math.sqrt, size0);
  }
  const C = x.data.slice();
  const sq = (a: number, b: number): number => {
    const oa = a * d;
    const ob = b * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = C[oa + j]! - C[ob + j]!;
      s += t * t;
    }
    return s;
  };
  return genericCore(
    n,
    sq,
    (p, active, m, out) => {
      let cur = Infinity;
      let y = -1;
      for (let t = positionSorted(active, m, p) + 1; t < m; t++) {
        const i = active[t]!;
        const v = sq(p, i);
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      out[0] = y;
      out[1] = cur;
    },
    (p, q, _h, np, nq) => {
      const op = p * d;
      const oq = q * d;
      if (median) {
        for (let j = 0; j < d; j++) C[oq + j] = 0.5 * (C[op + j]! + C[oq + j]!);
      } else {
        const s = np + nq;
        for (let j = 0; j < d; j++) C[oq + j] = (np * C[op + j]! + nq * C[oq + j]!) / s;
      }
    },
    (q, active, m, out) => {
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= q) break;
        out[t] = sq(z, q);
      }
    },
    (v) => Math.sqrt(v),
    size0,
  );
}
