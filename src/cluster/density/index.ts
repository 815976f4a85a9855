/**
 * Density-based clustering: DBSCAN, OPTICS and HDBSCAN. Rows in sparse regions are noise
 * (label -1); clusters have any shape; no number of clusters is given.
 *
 * - `dbscan`: the labels of scikit-learn 1.2.1's `DBSCAN` (dbscan.ts).
 * - `optics`: the ordering, reachability and core distances of scikit-learn 1.2.1's `OPTICS`,
 *   its xi clusters, and `extractDBSCAN` as its `cluster_optics_dbscan` (optics.ts).
 * - `hdbscan`: the clusters, membership probabilities and GLOSH outlier scores of R dbscan
 *   1.1-11's `hdbscan(x, minPts)` when minClusterSize = minSamples = minPts (hdbscan.ts).
 * - `knnDistances`: R dbscan's `kNNdist`, the distances behind a k-distance plot.
 *
 * Every function converts its data once with `toFeatureMatrix` (NaN and infinities are a
 * `DataError`) and checks its options with the messages of src/util/validate.ts. Searches:
 * neighbors.ts (core distances, radius neighbourhoods; a k-d tree, kdtree.ts, up to 10 columns)
 * and prim.ts (the minimum spanning tree of HDBSCAN; its k-d tree up to 8 columns). Data beyond 2^±500 is divided by a power
 * of two first and the distances in the results scaled back (neighbors.ts).
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import {
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
} from '../../util/validate.js';
import { METRICS, type Metric } from '../hclust/distance.js';
import type { HClustResult } from '../hclust/tree.js';
import { runDbscan } from './dbscan.js';
import {
  type ClusterSelectionMethod,
  type CondensedClusters,
  type CondensedTree,
  runHdbscan,
} from './hdbscan.js';
import {
  coreDistances,
  distanceDown,
  distanceUp,
  neighborSpace,
  ordinaryMagnitude,
  scanRadius,
} from './neighbors.js';
import { dbscanFromGraph, opticsGraph, xiClusters, xiLabels } from './optics.js';

export type { ClusterSelectionMethod, CondensedClusters, CondensedTree } from './hdbscan.js';
export type { DensityMetric } from './neighbors.js';

/** Options of `dbscan`. */
export interface DBSCANOptions {
  /** Neighbourhood radius: rows at distance <= eps are neighbours. Required, > 0. */
  eps: number;
  /** Rows (itself included) within eps that make a row a core point. Default: 5. */
  minSamples?: number;
  /** Distance between rows. Default: 'euclidean'. */
  metric?: Metric;
}

/** The result of `dbscan`. */
export interface DBSCANResult {
  /** Cluster of each row, 0..nClusters-1, or -1 for noise. */
  labels: Int32Array;
  /** 1 for the core points, 0 otherwise. */
  core: Uint8Array;
  /** Indices of the core points, ascending (scikit-learn's `core_sample_indices_`). */
  coreSampleIndices: Int32Array;
  /** Number of clusters. */
  nClusters: number;
  /** Number of noise rows. */
  nNoise: number;
  eps: number;
  minSamples: number;
  metric: Metric;
}

const DBSCAN_KNOWN = ['eps', 'minSamples', 'metric'] as const;

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

function needOptions(fn: string, options: unknown, required: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(
      `${fn} needs an options object with ${required}. Got ${Array.isArray(options) ? 'an array' : String(options)} instead.`,
    );
  }
}

/** The search structure of M at ordinary magnitudes (see `ordinaryMagnitude`). */
function searchSpace(M: FeatureMatrix, metric: Metric, fn: string) {
  const { x, unit } = ordinaryMagnitude(M);
  return neighborSpace(x, metric, fn, undefined, unit);
}

/** The data as a matrix of at least one row and one column. */
function densityData(X: MatrixLike, fn: string) {
  const M = toFeatureMatrix(X, { fn });
  if (M.rows === 0 || M.cols === 0) {
    throw new DataError(`${fn} needs at least one row and one column; got ${M.rows} x ${M.cols}.`);
  }
  return M;
}

/**
 * DBSCAN clustering of the rows of X: the labels of scikit-learn 1.2.1's
 * `DBSCAN(eps, min_samples, metric).fit(X).labels_`, including the cluster a border point joins
 * (the first, in the order of the clusters' lowest-index core points). See dbscan.ts.
 *
 * Exact with the metrics 'euclidean', 'cityblock' and 'chebyshev' as long as scikit-learn
 * searches with its k-d tree (its default up to 15 columns): distances are summed in column
 * order and, for the Euclidean metric, squared sums are compared with eps^2, as the tree does.
 * Beyond 15 columns scikit-learn computes Euclidean distances from dot products, which round
 * differently: a row at a distance within a few ulps of eps may then fall on the other side.
 *
 * @example
 * import { dbscan } from 'clusterlens';
 *
 * dbscan([[0, 0], [0, 1], [1, 0], [9, 9]], { eps: 1.5, minSamples: 3 }).labels; // => [0, 0, 0, -1]
 */
export function dbscan(X: MatrixLike, options: DBSCANOptions): DBSCANResult {
  const fn = 'dbscan';
  needOptions(fn, options, 'eps');
  checkKnownOptions(fn, options, DBSCAN_KNOWN);
  const o = { minSamples: 5, metric: 'euclidean' as Metric, ...stripUndefined(options) };
  if (o.eps === undefined) throw new OptionError(`${fn} needs the option 'eps' (> 0).`);
  const eps = checkNumber(fn, 'eps', o.eps, { min: 0, minExclusive: true });
  const minSamples = checkInteger(fn, 'minSamples', o.minSamples, 1);
  const metric = checkKeyword(fn, 'metric', o.metric, METRICS);
  const M = densityData(X, fn);
  const space = searchSpace(M, metric, fn);
  const { labels, core } = runDbscan(
    space,
    scanRadius(metric, distanceDown(space, eps)),
    minSamples,
  );
  let nClusters = 0;
  let nNoise = 0;
  let nCore = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= nClusters) nClusters = labels[i]! + 1;
    if (labels[i] === -1) nNoise++;
    nCore += core[i]!;
  }
  const coreSampleIndices = new Int32Array(nCore);
  for (let i = 0, c = 0; i < core.length; i++) if (core[i] === 1) coreSampleIndices[c++] = i;
  return { labels, core, coreSampleIndices, nClusters, nNoise, eps, minSamples, metric };
}

/** The cluster selection methods of `hdbscan`. */
export const CLUSTER_SELECTION_METHODS = ['eom', 'leaf'] as const;

/** Options of `hdbscan`. */
export interface HDBSCANOptions {
  /** Smallest cluster of the condensed tree (R's minPts). Default: 5; >= 2. */
  minClusterSize?: number;
  /**
   * Rows counted for a core distance, the row itself first (R's minPts). Default:
   * minClusterSize; >= 1 and <= the number of rows.
   */
  minSamples?: number;
  /**
   * 'eom': the clusters of largest total stability (excess of mass, R's and scikit-learn's
   * default); 'leaf': the leaves of the condensed tree (finer, more homogeneous clusters).
   * Default: 'eom'.
   */
  clusterSelectionMethod?: ClusterSelectionMethod;
  /**
   * Clusters born at a distance below this are merged into their closest ancestor born above
   * it (scikit-learn's `cluster_selection_epsilon`). Default: 0 (off); >= 0.
   */
  clusterSelectionEpsilon?: number;
  /** Allow the whole data set as one cluster (scikit-learn's `allow_single_cluster`). Default: false. */
  allowSingleCluster?: boolean;
  /** Distance between rows. Default: 'euclidean' (R's hdbscan knows only this one). */
  metric?: Metric;
}

/** The result of `hdbscan`. */
export interface HDBSCANResult {
  /**
   * Cluster of each row, or -1 for noise. Clusters are numbered 0, 1, ... by first appearance
   * in row order (the cluster of the first clustered row is 0), so equal partitions get equal
   * labels; R numbers them in the order its cluster selection returns them.
   */
  labels: Int32Array;
  /** Membership strength in [0, 1] (R's `membership_prob`); 0 for noise. */
  probabilities: Float64Array;
  /** GLOSH outlier score of each row (R's `outlier_scores`). */
  outlierScores: Float64Array;
  /** Distance of each row to its minSamples-th nearest row, itself counted (R's `coredist`). */
  coreDistances: Float64Array;
  /** Stability of each cluster, by label (R's `cluster_scores`). */
  stabilities: Float64Array;
  /** The condensed tree (edges; cluster c is node n + c, the root is node n). */
  condensedTree: CondensedTree;
  /** The clusters of the condensed tree: parent, birth, death, stability, size, label. */
  clusters: CondensedClusters;
  /**
   * The single-linkage tree of the mutual reachability distances (R's `hc`), as hclust's result:
   * `cut`, `toNewick`, `toR`, and `cophenetic` (which computes all n(n-1)/2 distances).
   */
  singleLinkage: HClustResult;
  /** Number of clusters. */
  nClusters: number;
  /** Number of noise rows. */
  nNoise: number;
  minClusterSize: number;
  minSamples: number;
  clusterSelectionMethod: ClusterSelectionMethod;
  clusterSelectionEpsilon: number;
  allowSingleCluster: boolean;
  metric: Metric;
}

const HDBSCAN_KNOWN = [
  'minClusterSize',
  'minSamples',
  'clusterSelectionMethod',
  'clusterSelectionEpsilon',
  'allowSingleCluster',
  'metric',
] as const;

/**
 * HDBSCAN clustering of the rows of X. With minClusterSize = minSamples = minPts (the default
 * when only minClusterSize is given) the clusters, GLOSH scores and membership probabilities
 * are those of R dbscan 1.1-11's `hdbscan(x, minPts)`; see hdbscan.ts for the steps and their
 * conventions. Departures from R: noise rows get probability 0 even when no cluster is found (R
 * then computes probabilities over all rows as if they formed one cluster), and a cluster whose
 * core distances are all 0 (duplicated rows) gets probability 1 (R: NaN).
 *
 * scikit-learn 1.3's `HDBSCAN` builds the same mutual-reachability tree but condenses it
 * differently: a fragment smaller than min_cluster_size falls out of its cluster as a whole, at
 * the distance where it splits off, whereas R (and this function) lets each of its rows leave at
 * the distance where that row becomes a single point (or at the cluster's death, if that comes
 * first). Stabilities, and so the selected clusters, can therefore differ on the same data.
 * scikit-learn's probabilities are lambda ratios within the cluster, not core-distance ratios,
 * and its root is born at lambda 0 (R: at the top merge height), which matters with
 * `allowSingleCluster`. A selected root keeps scikit-learn's rule here: of the rows that leave
 * the root directly, only the last to leave are members.
 *
 * Memory O(n d): core distances by a k-nearest-neighbour search and Prim's minimum spanning tree
 * with distances computed on the fly; the core distances use a k-d tree up to 10 columns and
 * Prim up to 8 (lazily, prim.ts), otherwise they scan all rows (O(n^2 d) time). Both give the
 * same results.
 *
 * @example
 * import { hdbscan } from 'clusterlens';
 *
 * const points = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]];
 * points.push(...points.map(([x, y]) => [x + 10, y + 10]), [30, -20]);
 * const fit = hdbscan(points, { minClusterSize: 3 });
 * fit.labels; // => [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]
 * fit.outlierScores[10] > 0.9; // => true
 */
export function hdbscan(X: MatrixLike, options: HDBSCANOptions = {}): HDBSCANResult {
  const fn = 'hdbscan';
  checkKnownOptions(fn, options, HDBSCAN_KNOWN);
  const o = {
    minClusterSize: 5,
    clusterSelectionMethod: 'eom' as ClusterSelectionMethod,
    clusterSelectionEpsilon: 0,
    allowSingleCluster: false,
    metric: 'euclidean' as Metric,
    ...stripUndefined(options),
  };
  const minClusterSize = checkInteger(fn, 'minClusterSize', o.minClusterSize, 2);
  const minSamples = checkInteger(fn, 'minSamples', o.minSamples ?? minClusterSize, 1);
  const method = checkKeyword(
    fn,
    'clusterSelectionMethod',
    o.clusterSelectionMethod,
    CLUSTER_SELECTION_METHODS,
  );
  const epsilon = checkNumber(fn, 'clusterSelectionEpsilon', o.clusterSelectionEpsilon, {
    min: 0,
  });
  const allowSingleCluster = checkBoolean(fn, 'allowSingleCluster', o.allowSingleCluster);
  const metric = checkKeyword(fn, 'metric', o.metric, METRICS);
  const M = densityData(X, fn);
  if (M.rows < 2) {
    throw new DataError(`${fn} needs at least 2 rows; got ${M.rows}.`);
  }
  if (minSamples > M.rows) {
    throw new OptionError(
      `The 'minSamples' option of ${fn} must be at most the number of rows (${M.rows}). Got ${minSamples} instead.`,
    );
  }
  const space = searchSpace(M, metric, fn);
  const fit = runHdbscan(space, {
    minSamples,
    minClusterSize,
    method,
    epsilon: distanceDown(space, epsilon),
    allowSingleCluster,
  });
  let nNoise = 0;
  for (let i = 0; i < fit.labels.length; i++) if (fit.labels[i] === -1) nNoise++;
  return {
    ...fit,
    nClusters: fit.stabilities.length,
    nNoise,
    minClusterSize,
    minSamples,
    clusterSelectionMethod: method,
    clusterSelectionEpsilon: epsilon,
    allowSingleCluster,
    metric,
  };
}

/** Options of `optics`. */
export interface OPTICSOptions {
  /**
   * Rows (itself included) counted for a core distance: an integer >= 2, or a fraction in
   * (0, 1) of the rows (at least 2). Default: 5.
   */
  minSamples?: number;
  /** Largest neighbourhood radius (Infinity: all rows). Default: Infinity; >= 0. */
  maxEps?: number;
  /** Minimum steepness of a cluster boundary in the reachability plot, in [0, 1]. Default: 0.05. */
  xi?: number;
  /**
   * Smallest xi cluster: an integer >= 2, or a fraction in (0, 1) of the rows (at least 2).
   * Default: minSamples.
   */
  minClusterSize?: number;
  /** Correct xi clusters by the predecessors (scikit-learn's `predecessor_correction`). Default: true. */
  predecessorCorrection?: boolean;
  /**
   * Distance between rows. Default: 'euclidean', which is scikit-learn's default metric
   * ('minkowski' with p = 2, computed by scipy's `cdist`).
   */
  metric?: Metric;
}

/** The result of `optics`. */
export interface OPTICSResult {
  /** Rows in the order visited (scikit-learn's `ordering_`). */
  ordering: Int32Array;
  /** Reachability distance of each row, by row (Infinity where undefined). */
  reachability: Float64Array;
  /** Core distance of each row (Infinity when above maxEps). */
  coreDistances: Float64Array;
  /** The row that set each row's reachability, -1 if none. */
  predecessor: Int32Array;
  /** xi clusters of each row, -1 for noise (scikit-learn's `labels_`). */
  labels: Int32Array;
  /**
   * The xi clusters as [start, end] positions in `ordering`, inclusive, nested ones included
   * (scikit-learn's `cluster_hierarchy_`).
   */
  clusterHierarchy: [number, number][];
  /** Number of xi clusters in `labels`. */
  nClusters: number;
  minSamples: number;
  minClusterSize: number;
  maxEps: number;
  xi: number;
  metric: Metric;
}

const OPTICS_KNOWN = [
  'minSamples',
  'maxEps',
  'xi',
  'minClusterSize',
  'predecessorCorrection',
  'metric',
] as const;

/** A count given as an integer >= 2 or a fraction in (0, 1) of n (at least 2). */
function countOrFraction(fn: string, option: string, value: unknown, n: number): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    ((Number.isInteger(value) && value >= 2) || (value > 0 && value < 1));
  if (!ok) {
    throw new OptionError(
      `The '${option}' option of ${fn} must be an integer >= 2 or a fraction in (0, 1). Got ${String(value)} instead.`,
    );
  }
  if ((value as number) > n) {
    throw new OptionError(
      `The '${option}' option of ${fn} must be at most the number of rows (${n}). Got ${value} instead.`,
    );
  }
  return (value as number) < 1 ? Math.max(2, Math.floor((value as number) * n)) : (value as number);
}

/**
 * OPTICS ordering of the rows of X with scikit-learn 1.2.1's `OPTICS(min_samples, max_eps, xi,
 * min_cluster_size)`: the same ordering (ties included), reachability and core distances
 * (rounded to 15 decimals as scikit-learn does), predecessors, xi clusters and labels. See
 * optics.ts. `extractDBSCAN` reads DBSCAN clusters off the result. As for `dbscan`, exact while
 * scikit-learn's nearest-neighbour search uses its k-d tree (up to 15 columns); beyond, its
 * core distances come from dot products and may differ in the last digits. Like scikit-learn, distances
 * are rounded to 15 decimals (absolute): data whose distances are below about 1e-12 loses
 * digits (multiply it by a power of ten first); beyond 2^±500 the data is first divided by a
 * power of two, so the rounding applies to the divided distances.
 *
 * @example
 * import { optics } from 'clusterlens';
 * import { extractDBSCAN } from 'clusterlens/advanced';
 *
 * const points = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]];
 * points.push(...points.map(([x, y]) => [x + 10, y + 10]), [30, -20]);
 * const o = optics(points, { minSamples: 3 });
 * o.labels; // => [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]
 * extractDBSCAN(o, 2); // => [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]
 */
export function optics(X: MatrixLike, options: OPTICSOptions = {}): OPTICSResult {
  const fn = 'optics';
  checkKnownOptions(fn, options, OPTICS_KNOWN);
  const o = {
    minSamples: 5,
    maxEps: Number.POSITIVE_INFINITY,
    xi: 0.05,
    predecessorCorrection: true,
    metric: 'euclidean' as Metric,
    ...stripUndefined(options),
  };
  const maxEps =
    o.maxEps === Number.POSITIVE_INFINITY
      ? o.maxEps
      : checkNumber(fn, 'maxEps', o.maxEps, { min: 0 });
  const xi = checkNumber(fn, 'xi', o.xi, { min: 0, max: 1 });
  const predecessorCorrection = checkBoolean(fn, 'predecessorCorrection', o.predecessorCorrection);
  const metric = checkKeyword(fn, 'metric', o.metric, METRICS);
  const M = densityData(X, fn);
  const n = M.rows;
  const minSamples = countOrFraction(fn, 'minSamples', o.minSamples, n);
  const minClusterSize = countOrFraction(fn, 'minClusterSize', o.minClusterSize ?? minSamples, n);
  const space = searchSpace(M, metric, fn);
  const graph = opticsGraph(space, minSamples, distanceDown(space, maxEps));
  const clusterHierarchy = xiClusters(graph, xi, minSamples, minClusterSize, predecessorCorrection);
  const labels = xiLabels(graph.ordering, clusterHierarchy);
  let nClusters = 0;
  for (let i = 0; i < n; i++) if (labels[i]! >= nClusters) nClusters = labels[i]! + 1;
  return {
    ...graph,
    labels,
    clusterHierarchy,
    nClusters,
    minSamples,
    minClusterSize,
    maxEps,
    xi,
    metric,
  };
}

/**
 * DBSCAN clusters at `eps` from an OPTICS result (scikit-learn's `cluster_optics_dbscan`): a row
 * whose reachability exceeds eps starts a new cluster if its core distance is within eps and is
 * noise otherwise. The same clusters as `dbscan` with minSamples, except that a border point
 * may join another neighbouring cluster. eps must be > 0 and at most the fit's maxEps.
 */
export function extractDBSCAN(fit: OPTICSResult, eps: number): Int32Array {
  const fn = 'extractDBSCAN';
  const n = typeof fit === 'object' && fit !== null ? fit.ordering?.length : undefined;
  if (
    !(fit?.ordering instanceof Int32Array) ||
    !(fit.reachability instanceof Float64Array) ||
    !(fit.coreDistances instanceof Float64Array) ||
    fit.reachability.length !== n ||
    fit.coreDistances.length !== n
  ) {
    throw new OptionError(`${fn} expects the result of optics as its first argument.`);
  }
  if (typeof eps !== 'number' || !(eps > 0) || Number.isNaN(eps)) {
    throw new OptionError(
      `The 'eps' argument of ${fn} must be a number > 0. Got ${String(eps)} instead.`,
    );
  }
  if (eps > fit.maxEps) {
    throw new OptionError(
      `The 'eps' argument of ${fn} must be at most the maxEps of the OPTICS fit (${fit.maxEps}). Got ${eps} instead.`,
    );
  }
  return dbscanFromGraph(fit, eps);
}

/** Options of `knnDistances`. */
export interface KnnDistancesOptions {
  /** Which neighbour: the k-th nearest other row. Required, >= 1 and < the number of rows. */
  k: number;
  /** Distance between rows. Default: 'euclidean'. */
  metric?: Metric;
}

/**
 * The distance from each row to its k-th nearest other row (R dbscan's `kNNdist(x, k)`; the same
 * doubles). Sorted, these distances make the k-distance plot that suggests DBSCAN's eps (with
 * minSamples = k + 1): the eps at the knee of the curve.
 */
export function knnDistances(X: MatrixLike, options: KnnDistancesOptions): Float64Array {
  const fn = 'knnDistances';
  needOptions(fn, options, 'k');
  checkKnownOptions(fn, options, ['k', 'metric']);
  const o = { metric: 'euclidean' as Metric, ...stripUndefined(options) };
  if (o.k === undefined) throw new OptionError(`${fn} needs the option 'k' (>= 1).`);
  const k = checkInteger(fn, 'k', o.k, 1);
  const metric = checkKeyword(fn, 'metric', o.metric, METRICS);
  const M = densityData(X, fn);
  if (k >= M.rows) {
    throw new OptionError(
      `The 'k' option of ${fn} must be less than the number of rows (${M.rows}). Got ${k} instead.`,
    );
  }
  const space = searchSpace(M, metric, fn);
  const out = coreDistances(space, k + 1);
  if (space.unit !== 1) for (let i = 0; i < out.length; i++) out[i] = distanceUp(space, out[i]!);
  return out;
}
