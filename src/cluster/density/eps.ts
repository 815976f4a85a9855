/**
 * A suggested eps for DBSCAN from the knee of the k-distance curve.
 *
 * The curve: for each row, the distance to its k-th nearest other row with k = minSamples - 1
 * (`knnDistances`, R dbscan's `kNNdist`), sorted ascending. `dbscan`'s minSamples counts the row
 * itself (scikit-learn's `min_samples`), so a row is a core point exactly when eps is at least
 * this distance: the curve at eps tells how many rows are core. It is R's
 * `kNNdistplot(x, k = minPts - 1)`.
 *
 * The knee, as in the 'kneedle' method: both axes scaled to [0, 1] (position i / (n - 1), and
 * (d_i - d_0) / (d_{n-1} - d_0)), the point farthest below the chord from the first point to the
 * last, that is the largest i / (n - 1) - (d_i - d_0) / (d_{n-1} - d_0); the first such point on
 * ties. Rows left of the knee are in dense regions, those right of it, where the curve turns
 * steep, are the sparse ones. A flat curve (every distance equal) has its knee at the last
 * point. When the distance at the knee is 0 (duplicated rows), eps is the first positive
 * distance after it; a curve of zeros has none and is a `DataError`.
 *
 * It is a reading of a curve, not a fit: a curve with several bends (clusters of different
 * densities) has several knees, and this rule finds the one farthest from the chord.
 */
import { type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { message, option } from '../../util/message.js';
import { checkInteger, checkKeyword, checkKnownOptions } from '../../util/validate.js';
import { METRICS, type Metric } from '../hclust/distance.js';
import { knnDistances } from './index.js';

/** Options of `suggestEps`. */
export interface SuggestEpsOptions {
  /** The minSamples of the `dbscan` run, the row itself counted. Default: 5; >= 2. */
  minSamples?: number;
  /** Distance between rows. Default: 'euclidean'. */
  metric?: Metric;
}

/** The result of `suggestEps`. */
export interface EpsSuggestion {
  /** The suggested eps: the k-distance at the knee (> 0). */
  eps: number;
  /** The neighbour whose distance the curve shows: minSamples - 1 (other rows). */
  k: number;
  /** The k-distance of every row, sorted ascending (the curve). */
  distances: Float64Array;
  /** Position of the knee in `distances` (0-based). */
  knee: number;
}

/**
 * The knee of an ascending curve (see the file header): the index of the point farthest below
 * the chord from the first point to the last, both axes scaled to [0, 1]; the first on ties;
 * the last index for a flat curve. `sorted` holds at least one value.
 */
export function kneeIndex(sorted: Float64Array): number {
  const n = sorted.length;
  const first = sorted[0]!;
  const span = sorted[n - 1]! - first;
  if (!(span > 0) || n < 3) return span > 0 ? 0 : n - 1;
  let best = 0;
  let bestGap = 0;
  for (let i = 1; i < n - 1; i++) {
    const gap = i / (n - 1) - (sorted[i]! - first) / span;
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best;
}

/**
 * An eps for `dbscan(X, {eps, minSamples})`: the distance at the knee of the sorted distances of
 * each row to its (minSamples - 1)-th nearest other row (see the file header for the rule).
 *
 * @example
 * import { suggestEps } from 'clusterlens/advanced';
 *
 * const x = [[0], [1], [2], [3], [4], [10], [11], [12], [13], [14], [40]];
 * suggestEps(x, { minSamples: 2 }).eps; // => 1
 */
export function suggestEps(X: MatrixLike, options: SuggestEpsOptions = {}): EpsSuggestion {
  const fn = 'suggestEps';
  checkKnownOptions(fn, options, ['minSamples', 'metric']);
  const minSamples = checkInteger(fn, 'minSamples', options.minSamples ?? 5, 2);
  const metric = checkKeyword(fn, 'metric', options.metric ?? 'euclidean', METRICS);
  const M = toFeatureMatrix(X, { fn });
  if (minSamples > M.rows) {
    throw new OptionError(
      `The 'minSamples' option of ${fn} must be at most the number of rows (${M.rows}). Got ${minSamples} instead.`,
    );
  }
  const k = minSamples - 1;
  const distances = knnDistances(M, { k, metric }).sort();
  const knee = kneeIndex(distances);
  let at = knee;
  while (at < distances.length && !(distances[at]! > 0)) at++;
  if (at === distances.length) {
    throw new DataError(
      message`${fn}: every row has ${k} other rows at distance 0 (duplicates), so no eps > 0 is suggested; give ${option('eps', 'x', { placeholder: true })} instead.`,
    );
  }
  return { eps: distances[at]!, k, distances, knee };
}
