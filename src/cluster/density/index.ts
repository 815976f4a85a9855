/**
 * Density-based clustering: DBSCAN, OPTICS and HDBSCAN. Rows in sparse regions are noise
 * (label -1); clusters have any shape; no number of clusters is given.
 *
 * - `dbscan`: the labels of scikit-learn 1.2.1's `DBSCAN` (dbscan.ts).
 * - `optics`: the ordering, reachability and core distances of scikit-learn 1.2.1's `OPTICS`,
 *   its xi clusters, and `extractDbscan` as its `cluster_optics_dbscan` (optics.ts).
 * - `hdbscan`: the clusters, membership probabilities and GLOSH outlier scores of R dbscan
 *   1.1-11's `hdbscan(x, minPts)` when minClusterSize = minSamples = minPts (hdbscan.ts).
 *
 * Every function converts its data once with `toFeatureMatrix` (NaN and infinities are a
 * `DataError`) and checks its options with the messages of src/util/validate.ts.
 */
import { type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { checkInteger, checkKeyword, checkKnownOptions, checkNumber } from '../../util/validate.js';
import { METRICS, type Metric } from '../hclust/distance.js';
import { runDbscan } from './dbscan.js';
import { neighborSpace, scanRadius } from './neighbors.js';

export type { DensityMetric } from './neighbors.js';

/** Options of `dbscan`. */
export interface DbscanOptions {
  /** Neighbourhood radius: rows at distance <= eps are neighbours. Required, > 0. */
  eps: number;
  /** Rows (itself included) within eps that make a row a core point. Default: 5. */
  minSamples?: number;
  /** Distance between rows. Default: 'euclidean'. */
  metric?: Metric;
}

/** The result of `dbscan`. */
export interface DbscanResult {
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
 * @example
 * dbscan([[0, 0], [0, 1], [1, 0], [9, 9]], {eps: 1.5, minSamples: 3}).labels; // [0, 0, 0, -1]
 */
export function dbscan(X: MatrixLike, options: DbscanOptions): DbscanResult {
  const fn = 'dbscan';
  needOptions(fn, options, 'eps');
  checkKnownOptions(fn, options, DBSCAN_KNOWN);
  const o = { minSamples: 5, metric: 'euclidean' as Metric, ...stripUndefined(options) };
  if (o.eps === undefined) throw new OptionError(`${fn} needs the option 'eps' (> 0).`);
  const eps = checkNumber(fn, 'eps', o.eps, { min: 0, minExclusive: true });
  const minSamples = checkInteger(fn, 'minSamples', o.minSamples, 1);
  const metric = checkKeyword(fn, 'metric', o.metric, METRICS);
  const M = densityData(X, fn);
  const space = neighborSpace(M, metric, fn);
  const { labels, core } = runDbscan(space, scanRadius(metric, eps), minSamples);
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
