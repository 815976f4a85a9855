/**
 * Planning an hclust run before it allocates anything: the memory of each layout of the working
 * dissimilarities (square, condensed, features; see "Layouts" in cluster/hclust/index.ts), the
 * choice of layout under a memory limit, the refusal when nothing fits, and a rough running time
 * for messages.
 */
import { OptionError } from '../../util/errors.js';
import { availableMemory, formatBytes } from '../../util/memory.js';
import { message, option } from '../../util/message.js';
import { checkArgument, checkKeyword } from '../../util/validate.js';
import type { DistanceInput } from './distance.js';
import { LINKAGE_METHODS, type LinkageMethod } from './methods.js';

/** The ways out of a refusal: a sample, two stages, a larger memory limit. */
export const SAMPLE = option('sample', 'N', { placeholder: true, library: 'sampledHclust()' });
export const TWO_STAGE = option('twoStage', '[centres]', {
  placeholder: true,
  library: 'twoStage()',
});

export const RAISE_LIMIT = option('memoryLimit', undefined, {
  library: "the 'memoryLimit' option, or setMemoryBudget() for every step",
});

/** Where the working dissimilarities live; see "Layouts" in cluster/hclust/index.ts. */
/** The memory layouts of hclust. */
const LINKAGE_LAYOUTS = ['square', 'condensed', 'features'] as const;
export type LinkageLayout = (typeof LINKAGE_LAYOUTS)[number];

/** Largest number of elements of a typed array in Node 20 (V8 11). */
const MAX_TYPED_LENGTH = 2 ** 32;

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
 * at n = 50,000, d = 10, rounded up to the slowest method (without WebAssembly SIMD they are
 * slower). Real data of 10^5 rows runs slower per pair on the
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
 *   condensed   4 n (n - 1) (the matrix) + 96 n (row offsets, the scratch rows of the update,
 *               the cache of column minima of the NN-chain), and from features at most 16 n d
 *               (the data transposed, in the WebAssembly memory that holds the matrix)
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
  return {
    matrix: condensed,
    total: condensed + 96 * n + (options.precomputed ? 0 : 16 * n * d) + common,
  };
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
    // from features, the condensed matrix (half the memory, and half the first-touch page
    // faults, of the square one); a precomputed square matrix keeps its layout
    if (input === null && condensedOk && condensed.total <= memoryLimit) {
      return plan('condensed', condensed.total);
    }
    if (input !== null && squareOk && square.total <= memoryLimit) {
      return plan('square', square.total);
    }
    if (featuresPossible) {
      if (features.total > memoryLimit) throw tooBigForFeatures();
      return plan('features', features.total);
    }
    if (condensedOk && condensed.total <= memoryLimit) return plan('condensed', condensed.total);
    const seconds = estimateLinkageSeconds(n, d, 'condensed');
    const cause = condensedOk
      ? `needs ${formatBytes(condensed.matrix)} for its distance matrix ` +
        `(${formatBytes(condensed.total)} in all with its copies, work arrays and result, in ` +
        `the condensed layout, n(n-1)/2 doubles; and about ${formatSeconds(seconds)}), but the ` +
        `memory limit is ${limit}`
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
