/**
 * Hierarchical clustering of a seeded sample of the rows, for data too large for the O(n^2)
 * distance matrix, with every other row given the cluster of the nearest cluster centroid.
 *
 * Pipeline of `sampledHclust(X, options)`:
 *
 *   resolve options -> convert X -> draw `sample` distinct rows (numpy's legacy
 *   `choice(n, sample, replace=False)` with the seed, sorted) -> hclust of the sample -> cut
 *   (k or height) -> centroid of each flat cluster (mean of its sampled rows) -> every row
 *   outside the sample gets the cluster of the nearest centroid (Euclidean; ties to the lower
 *   cluster number)
 *
 * Sampled rows keep the tree's cluster, so `labels` restricted to `rows` equals
 * `tree.cut(spec)`. With `sample >= n` every row is in the sample and the result is `hclust(X)`
 * cut. Complexity: hclust of the sample (O(s^2) memory and time) plus O(n k d) for the rest.
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { OptionError } from '../../util/errors.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import { DEFAULT_SEED } from '../../util/random.js';
import { sampleRows } from '../../util/sample.js';
import { checkInteger, checkKnownOptions } from '../../util/validate.js';
import type { Metric } from './distance.js';
import { nearestLabels } from '../kmeans/index.js';
import { type HClustOptions, hclust } from './index.js';
import { cutSpecFromOptions, type HClustResult } from './tree.js';

/** Options of `sampledHclust`. Give exactly one of `k` and `height`. */
export interface SampledHClustOptions {
  /** Number of rows in the sample, an integer >= 2. */
  sample: number;
  /** Linkage method (the names and aliases of `hclust`). Default: 'ward'. */
  method?: HClustOptions['method'];
  /** Distance between rows for the tree (see `hclust`). Default: 'euclidean'. */
  metric?: Metric;
  /** Cut into exactly k clusters (1 <= k <= sample). */
  k?: number;
  /** Cut at this height. */
  height?: number;
  /** Seed of the sample. Default: 0. */
  seed?: number;
  /** Working-memory limit of hclust in bytes. Default: the process budget. */
  memoryLimit?: number;
}

/** The result of `sampledHclust`. */
export interface SampledHClustResult {
  /** Cluster of every row (0-based; the numbering of `tree.cut` on the sample). */
  labels: Int32Array;
  /** The tree of the sampled rows (leaf i is row `rows[i]`). */
  tree: HClustResult;
  /** The sampled rows, ascending. */
  rows: Int32Array;
  /** Centroids of the flat clusters (k x d), from their sampled rows. */
  centroids: FeatureMatrix;
}

const known = ['sample', 'method', 'metric', 'k', 'height', 'seed', 'memoryLimit'];

/**
 * Hierarchical clustering of a seeded sample of `sample` rows (see the file header); the other
 * rows take the cluster of the nearest centroid. Never mutates `X`; deterministic for a seed.
 */
export function sampledHclust(X: MatrixLike, options: SampledHClustOptions): SampledHClustResult {
  checkKnownOptions('sampledHclust', options, known);
  const size = checkInteger('sampledHclust', 'sample', options.sample, 2);
  const seed = checkInteger('sampledHclust', 'seed', options.seed ?? DEFAULT_SEED, 0, 0xffffffff);
  const spec = cutSpecFromOptions('sampledHclust', options.k, options.height);
  const x = toFeatureMatrix(X, { fn: 'sampledHclust' });
  const { rows: n, cols: d } = x;
  // Centroid distances on values beyond 2^±500 are compared on the data divided by a power of
  // two (src/util/magnitude.ts); the centroids are reported in the data's units.
  const unit = magnitudeUnit(x.data);
  const data = unit === 1 ? x.data : divideBy(x.data, unit);
  const rows = sampleRows(n, size, seed);
  const s = rows.length;
  if ('k' in spec && spec.k > s) {
    throw new OptionError(`sampledHclust: k=${spec.k} should be <= the sample size (${s}).`);
  }
  const sub: FeatureMatrix = { rows: s, cols: d, data: new Float64Array(s * d) };
  for (let t = 0; t < s; t++) {
    sub.data.set(x.data.subarray(rows[t]! * d, (rows[t]! + 1) * d), t * d);
  }
  const tree = hclust(sub, {
    ...(options.method === undefined ? {} : { method: options.method }),
    ...(options.metric === undefined ? {} : { metric: options.metric }),
    ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
  });
  const cut = tree.cut(spec);
  let k = 0;
  for (let t = 0; t < s; t++) if (cut[t]! + 1 > k) k = cut[t]! + 1;
  const centroids: FeatureMatrix = { rows: k, cols: d, data: new Float64Array(k * d) };
  const count = new Float64Array(k);
  for (let t = 0; t < s; t++) {
    const c = cut[t]!;
    count[c]!++;
    for (let j = 0; j < d; j++) centroids.data[c * d + j]! += data[rows[t]! * d + j]!;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centroids.data[c * d + j]! /= count[c]!;
  const C = centroids.data;
  // every row to its nearest centroid (lowest index on ties), then the sample rows keep their cut
  const labels = nearestLabels(data, n, d, C, k);
  for (let t = 0; t < s; t++) labels[rows[t]!] = cut[t]!;
  if (unit !== 1) for (let i = 0; i < C.length; i++) C[i] = C[i]! * unit;
  return { labels, tree, rows, centroids };
}
