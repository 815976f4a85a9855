/**
 * Two-stage hierarchical clustering, for data too large for the O(n^2) distance matrix.
 *
 * Pipeline of `twoStage(X, options)`:
 *
 *   resolve options -> convert X -> partition (k-means into `centres` clusters, seeded: exact
 *   k-means up to `MINIBATCH_ABOVE` rows, mini-batch k-means above, its centres then replaced
 *   by the means of their rows; or, when X has no more distinct rows than `centres`, the
 *   distinct rows themselves) -> drop empty centres -> hclust of the centres with `weights` =
 *   their sizes -> cut (k or height) -> every row gets the cluster of its centre
 *
 * Meaning. Stage 2 is exact: `hclust(centres, {method, weights: sizes})` is the upper part of
 * the tree of the data in which every row is replaced by its centre (see "Weights" in
 * index.ts). The approximation is stage 1 alone: rows sharing a centre always end in the
 * same cluster, and the tree starts from the centres rather than from the rows. It is closest
 * for ward (whose criterion is the k-means criterion: the within-cluster sum of squares of the
 * rows equals that of the centres plus the k-means inertia) and for centroid and average; for
 * single and complete the sizes play no part and the centres stand in for their clusters'
 * extreme points. When X has at most `centres` distinct rows, stage 1 is exact (each distinct
 * row is a centre, its count the weight) and the result equals `hclust(X)` on the merges above
 * height 0.
 *
 * Complexity: stage 1 is k-means, O(n m d) per iteration (m = centres; mini-batch k-means is
 * much faster than exact k-means on many rows, for a slightly higher inertia, which a fine
 * over-partition can afford); stage 2 is O(m^2 d) time and 8 m^2 bytes, independent of n.
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { message, option } from '../../util/message.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import { DEFAULT_SEED } from '../../util/random.js';
import {
  MAX_RESTARTS,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  definedOnly,
} from '../../util/validate.js';
import { kmeans } from '../kmeans/index.js';
import { miniBatchKMeans } from '../kmeans/minibatch.js';
import { type HClustOptions, hclust, resolveLinkageMethod } from './index.js';
import { type CutSpec, cutSpecFromOptions, type HClustResult } from './tree.js';

/** Default number of stage-1 centres. */
export const DEFAULT_CENTRES = 256;

/** Above this many rows, stage 1 'auto' runs mini-batch k-means instead of exact k-means. */
export const MINIBATCH_ABOVE = 50_000;

/** How stage 1 partitions the rows. */
export const FIRST_STAGES = ['auto', 'kmeans', 'minibatch'] as const;
/** A stage-1 method. */
export type FirstStage = (typeof FIRST_STAGES)[number];

/** Options of `twoStage`. Give exactly one of `k` and `height`. */
export interface TwoStageOptions {
  /**
   * Number of stage-1 centres (k-means clusters), an integer >= 2; fewer are used when X has
   * fewer distinct rows. A few hundred keep stage 2 under a second and its matrix under 1 MB.
   * Default: 256.
   */
  centres?: number;
  /** Linkage method of stage 2 (the names and aliases of `hclust`). Default: 'ward'. */
  method?: HClustOptions['method'];
  /** Cut into exactly k clusters (1 <= k <= number of centres). */
  k?: number;
  /** Cut at this height of the centre tree (scipy's fcluster 'distance' rule). */
  height?: number;
  /** Seed of the k-means of stage 1. Default: 0. */
  seed?: number;
  /** k-means restarts of stage 1 (a fine partition needs few). Default: 1. */
  nInit?: number;
  /**
   * Stage 1: 'kmeans' (exact), 'minibatch' (mini-batch k-means, centres then set to the means of
   * their rows), or 'auto': exact up to 50,000 rows, mini-batch above.
   * Default: 'auto'.
   */
  firstStage?: FirstStage;
  /** Working-memory limit of stage 2 in bytes (see `hclust`). Default: the process budget. */
  memoryLimit?: number;
}

/** The result of `twoStage`. */
export interface TwoStageResult {
  /**
   * Cluster of every row: its centre's cluster in `centreLabels` (0-based, numbered by first
   * appearance in centre order, the rule of `cut`; with distinct rows as centres, the centres are
   * in order of first appearance, so this is also first appearance in row order).
   */
  labels: Int32Array;
  /** The tree of the centres, weighted by their sizes (column 4 of Z counts rows). */
  tree: HClustResult;
  /** Centre of every row (an index into `centres`). */
  assignment: Int32Array;
  /** The centres, one row each (empty k-means clusters left out). */
  centres: FeatureMatrix;
  /** Rows per centre. */
  sizes: Int32Array;
  /** Cluster of every centre, as `tree.cut` gives it. */
  centreLabels: Int32Array;
  /** What stage 1 ran: 'kmeans', 'minibatch', or 'distinct' (the centres are the distinct rows). */
  stage1: 'kmeans' | 'minibatch' | 'distinct';
  /** Sum of squared distances of the rows to their centres (0 for 'distinct'). */
  inertia: number;
  /** Labels of every row for another cut of the same tree. */
  cut(spec: CutSpec): Int32Array;
}

const defaults = {
  centres: DEFAULT_CENTRES,
  method: 'ward' as NonNullable<HClustOptions['method']>,
  k: undefined as number | undefined,
  height: undefined as number | undefined,
  seed: DEFAULT_SEED,
  nInit: 1,
  firstStage: 'auto' as FirstStage,
  memoryLimit: undefined as number | undefined,
};

/**
 * Hierarchical clustering of large data in two stages (see the file header): k-means into
 * `centres` clusters, then `hclust` of the centres weighted by their sizes, cut into k clusters
 * or at a height; each row gets its centre's cluster. Never mutates `X`; deterministic for a
 * given seed. Throws `OptionError` for invalid options or a k above the number of centres,
 * `DataError` when X has fewer than 2 distinct rows.
 */
export function twoStage(X: MatrixLike, options: TwoStageOptions): TwoStageResult {
  checkKnownOptions('twoStage', options, Object.keys(defaults));
  const o = {
    ...defaults,
    ...definedOnly(options),
  } as typeof defaults;
  const m = checkInteger('twoStage', 'centres', o.centres, 2);
  const method = resolveLinkageMethod(o.method, 'twoStage');
  const seed = checkInteger('twoStage', 'seed', o.seed, 0, 0xffffffff);
  const nInit = checkInteger('twoStage', 'nInit', o.nInit, 1, MAX_RESTARTS);
  const firstStage = checkKeyword('twoStage', 'firstStage', o.firstStage, FIRST_STAGES);
  const spec = cutSpecFromOptions('twoStage', o.k, o.height);
  const x = toFeatureMatrix(X, { fn: 'twoStage' });

  const mini = firstStage === 'minibatch' || (firstStage === 'auto' && x.rows > MINIBATCH_ABOVE);
  const stage1 = partition(x, m, seed, nInit, mini);
  if (stage1.sizes.length < 2) {
    throw new DataError(
      `twoStage needs at least 2 distinct rows to build a tree; the data has ${stage1.sizes.length}.`,
    );
  }
  if ('k' in spec && spec.k > stage1.sizes.length) {
    throw new OptionError(
      message`twoStage: k=${spec.k} should be <= the number of centres (${stage1.sizes.length}); raise ${option('centres', 'N', { placeholder: true })} or lower ${option('k')}.`,
    );
  }
  const tree = hclust(stage1.centres, {
    method,
    weights: stage1.sizes,
    ...(o.memoryLimit === undefined ? {} : { memoryLimit: o.memoryLimit }),
  });
  const cut = (s: CutSpec): Int32Array => spread(tree.cut(s), stage1.assignment);
  const centreLabels = tree.cut(spec);
  return {
    labels: spread(centreLabels, stage1.assignment),
    tree,
    assignment: stage1.assignment,
    centres: stage1.centres,
    sizes: stage1.sizes,
    centreLabels,
    stage1: stage1.kind,
    inertia: stage1.inertia,
    cut,
  };
}

interface Partition {
  kind: 'kmeans' | 'minibatch' | 'distinct';
  centres: FeatureMatrix;
  sizes: Int32Array;
  assignment: Int32Array;
  inertia: number;
}

/**
 * Stage 1. The distinct rows when there are at most m of them (found in one pass that stops as
 * soon as m + 1 are seen), else k-means with k = m; empty clusters are dropped and the
 * assignment renumbered.
 */
function partition(
  x: FeatureMatrix,
  m: number,
  seed: number,
  nInit: number,
  mini: boolean,
): Partition {
  const { rows: n, cols: d, data } = x;
  const index = new Map<string, number>();
  const assignment = new Int32Array(n);
  let distinct = true;
  for (let i = 0; i < n; i++) {
    // -0 and 0 are the same point: normalise before taking the key.
    const key = Array.from(data.subarray(i * d, (i + 1) * d), (v) => v + 0).join(',');
    let c = index.get(key);
    if (c === undefined) {
      if (index.size === m) {
        distinct = false;
        break;
      }
      c = index.size;
      index.set(key, c);
    }
    assignment[i] = c;
  }
  if (distinct) {
    const count = index.size;
    const centres: FeatureMatrix = { rows: count, cols: d, data: new Float64Array(count * d) };
    const sizes = new Int32Array(count);
    const seen = new Uint8Array(count);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      sizes[c]!++;
      if (seen[c] === 0) {
        seen[c] = 1;
        centres.data.set(data.subarray(i * d, (i + 1) * d), c * d);
      }
    }
    return { kind: 'distinct', centres, sizes, assignment, inertia: 0 };
  }
  if (mini) return miniBatchPartition(x, m, seed, nInit);
  const km = kmeans(x, { k: m, seed, nInit });
  const renumber = new Int32Array(m).fill(-1);
  let used = 0;
  for (let c = 0; c < m; c++) if (km.sizes[c]! > 0) renumber[c] = used++;
  const centres: FeatureMatrix = { rows: used, cols: d, data: new Float64Array(used * d) };
  const sizes = new Int32Array(used);
  for (let c = 0; c < m; c++) {
    const r = renumber[c]!;
    if (r < 0) continue;
    sizes[r] = km.sizes[c]!;
    const row = km.centroids[c]!;
    for (let j = 0; j < d; j++) centres.data[r * d + j] = row[j]!;
  }
  for (let i = 0; i < n; i++) assignment[i] = renumber[km.labels[i]!]!;
  return { kind: 'kmeans', centres, sizes, assignment, inertia: km.inertia };
}

/**
 * Stage 1 by mini-batch k-means (on the data divided by a power of two when its values are
 * extreme, src/util/magnitude.ts), then each centre set to the mean of its rows, so that the
 * centres are exactly what the rows are replaced by; empty clusters dropped.
 */
function miniBatchPartition(x: FeatureMatrix, m: number, seed: number, nInit: number): Partition {
  const { rows: n, cols: d } = x;
  const unit = magnitudeUnit(x.data);
  const data = unit === 1 ? x.data : divideBy(x.data, unit);
  const mb = miniBatchKMeans({ rows: n, cols: d, data }, { k: m, seed, nInit });
  const sums = new Float64Array(m * d);
  const counts = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const c = mb.labels[i]!;
    counts[c]!++;
    for (let j = 0; j < d; j++) sums[c * d + j]! += data[i * d + j]!;
  }
  const renumber = new Int32Array(m).fill(-1);
  let used = 0;
  for (let c = 0; c < m; c++) if (counts[c]! > 0) renumber[c] = used++;
  const means = new Float64Array(used * d);
  const sizes = new Int32Array(used);
  for (let c = 0; c < m; c++) {
    const r = renumber[c]!;
    if (r < 0) continue;
    sizes[r] = counts[c]!;
    for (let j = 0; j < d; j++) means[r * d + j] = sums[c * d + j]! / counts[c]!;
  }
  const assignment = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const r = renumber[mb.labels[i]!]!;
    assignment[i] = r;
    for (let j = 0; j < d; j++) {
      const e = data[i * d + j]! - means[r * d + j]!;
      inertia += e * e;
    }
  }
  const centres: FeatureMatrix = { rows: used, cols: d, data: means };
  if (unit !== 1) for (let t = 0; t < means.length; t++) means[t] = means[t]! * unit;
  return { kind: 'minibatch', centres, sizes, assignment, inertia: inertia * unit * unit };
}

/** Row labels from centre labels: each row takes its centre's label. */
function spread(centreLabels: Int32Array, assignment: Int32Array): Int32Array {
  const n = assignment.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = centreLabels[assignment[i]!]!;
  return out;
}
