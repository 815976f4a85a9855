/**
 * Silhouette coefficients (Rousseeuw, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis", J. Comput. Appl. Math. 20, 1987, pp. 53-65), with Euclidean
 * distances:
 *
 *   a(i) = mean distance from i to the other members of its cluster,
 *   b(i) = min over other clusters C of the mean distance from i to the members of C,
 *   s(i) = (b(i) - a(i)) / max(a(i), b(i)),   and s(i) = 0 when i is alone in its cluster.
 *
 * Exact computation: each unordered pair's distance is computed once and added to both rows'
 * per-cluster sums (an n x k table), so time is O(n^2 d / 2) and extra memory O(n k + n d). The
 * pair loop runs in WebAssembly SIMD when the runtime has it (silhouette-kernels.ts; two coordinates per f64x2 lane
 * pair; equal to the JavaScript loop to about 1e-15), else in JavaScript. For large
 * n, `silhouetteScore` takes a seeded `sampleSize`: the score of the rows
 * `RandomState(seed).permutation(n)[:sampleSize]` only (distances among those rows).
 *
 * Parity: scikit-learn 1.2.1's `silhouette_samples` / `silhouette_score` (same label rules:
 * 2 <= number of labels <= n - 1; same subset for `random_state=seed`). scikit-learn computes
 * distances as sqrt(|x|^2 + |y|^2 - 2 x.y) and this module directly; on the iris, wine and
 * penguins fixtures the two agree to 7e-16, and this module equals scikit-learn on exact
 * distances (`metric='precomputed'` with scipy's `cdist`) to the last bit.
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix, toLabels } from '../data/dataset.js';
import { withOrdinaryMagnitude } from '../util/magnitude.js';
import { DataError } from '../util/errors.js';
import { DEFAULT_SEED, RandomState } from '../util/random.js';
import { checkInteger, checkKnownOptions } from '../util/validate.js';
import { encodeLabels, type LabelsLike } from './contingency.js';
import { silhouetteSumsSimd } from './silhouette-kernels.js';

/** Options of `silhouetteScore`. */
export interface SilhouetteScoreOptions {
  /**
   * Score a random subset of this many rows (an integer in [2, n]) instead of all rows.
   * Default: undefined (all rows).
   */
  sampleSize?: number;
  /** Seed of the subset draw. Default: 0. */
  seed?: number;
}

/** Silhouette coefficient of every row of X under `labels`. */
export function silhouetteSamples(X: MatrixLike, labels: LabelsLike): Float64Array {
  // scale-invariant: extreme values are divided by a power of two first (util/magnitude.ts)
  const M = withOrdinaryMagnitude(toFeatureMatrix(X, { fn: 'silhouetteSamples' }));
  const l = toLabels(labels, 'silhouetteSamples');
  checkSameLength(M, l, 'silhouetteSamples');
  return samples(M.data, M.rows, M.cols, l, 'silhouetteSamples');
}

/**
 * Mean silhouette coefficient (over all rows, or over a seeded subset of `sampleSize` rows).
 *
 * @example
 * import { silhouetteScore } from 'clusterlens';
 *
 * const score = silhouetteScore([[0, 0], [0, 1], [5, 5], [5, 6]], [0, 0, 1, 1]);
 * score.toFixed(3); // => '0.859'
 */
export function silhouetteScore(
  X: MatrixLike,
  labels: LabelsLike,
  options: SilhouetteScoreOptions = {},
): number {
  const fn = 'silhouetteScore';
  checkKnownOptions(fn, options, ['sampleSize', 'seed']);
  const M = withOrdinaryMagnitude(toFeatureMatrix(X, { fn }));
  const l = toLabels(labels, fn);
  checkSameLength(M, l, fn);
  let data = M.data;
  let rows = M.rows;
  let lab = l;
  if (options.sampleSize !== undefined) {
    const size = checkInteger(fn, 'sampleSize', options.sampleSize, 2, Math.max(2, M.rows));
    const seed = checkInteger(fn, 'seed', options.seed ?? DEFAULT_SEED, 0, 0xffffffff);
    const idx = new RandomState(seed).permutation(M.rows).subarray(0, size);
    const d = M.cols;
    data = new Float64Array(size * d);
    lab = new Int32Array(size);
    for (let t = 0; t < size; t++) {
      data.set(M.data.subarray(idx[t]! * d, idx[t]! * d + d), t * d);
      lab[t] = l[idx[t]!]!;
    }
    rows = size;
  }
  const s = samples(data, rows, M.cols, lab, fn);
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += s[i]!;
  return sum / rows;
}

/** One label per row of M, or a `DataError` stating both lengths. @internal */
export function checkSameLength(M: FeatureMatrix, labels: Int32Array, fn: string): void {
  if (labels.length !== M.rows) {
    throw new DataError(
      `${fn} needs one label per row: X has ${M.rows} rows, labels has ${labels.length}.`,
    );
  }
}

/** Number of distinct labels checked to be in [2, n - 1] (scikit-learn's rule). @internal */
export function checkNumberOfLabels(nLabels: number, n: number, fn: string): void {
  if (!(nLabels > 1 && nLabels < n)) {
    throw new DataError(
      `${fn}: number of labels is ${nLabels}. Valid values are 2 to n_samples - 1 (inclusive), n_samples=${n}.`,
    );
  }
}

function samples(
  X: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
  fn: string,
): Float64Array {
  const { codes, classes } = encodeLabels(labels);
  const k = classes.length;
  checkNumberOfLabels(k, n, fn);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[codes[i]!]! += 1;
  // sums[i * k + c] = sum of distances from row i to the rows of cluster c
  const sums = silhouetteSumsSimd(X, n, d, codes, k) ?? jsSums(X, n, d, codes, k);
  return fromSums(sums, n, k, codes, sizes);
}

/** Per-row, per-cluster distance sums in JavaScript: each unordered pair once. */
function jsSums(X: Float64Array, n: number, d: number, codes: Int32Array, k: number): Float64Array {
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const p = i * d;
    const ci = codes[i]!;
    const si = i * k;
    let j = i + 1;
    // four partner rows at a time: row i is loaded once for four distances
    for (; j + 4 <= n; j += 4) {
      const q0 = j * d;
      const q1 = q0 + d;
      const q2 = q1 + d;
      const q3 = q2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const x = X[p + t]!;
        const e0 = x - X[q0 + t]!;
        const e1 = x - X[q1 + t]!;
        const e2 = x - X[q2 + t]!;
        const e3 = x - X[q3 + t]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      const d0 = Math.sqrt(s0);
      const d1 = Math.sqrt(s1);
      const d2 = Math.sqrt(s2);
      const d3 = Math.sqrt(s3);
      const c0 = codes[j]!;
      const c1 = codes[j + 1]!;
      const c2 = codes[j + 2]!;
      const c3 = codes[j + 3]!;
      sums[si + c0]! += d0;
      sums[si + c1]! += d1;
      sums[si + c2]! += d2;
      sums[si + c3]! += d3;
      sums[j * k + ci]! += d0;
      sums[(j + 1) * k + ci]! += d1;
      sums[(j + 2) * k + ci]! += d2;
      sums[(j + 3) * k + ci]! += d3;
    }
    for (; j < n; j++) {
      const q = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = X[p + t]! - X[q + t]!;
        s += e * e;
      }
      const dist = Math.sqrt(s);
      sums[si + codes[j]!]! += dist;
      sums[j * k + ci]! += dist;
    }
  }
  return sums;
}

/** s(i) from the distance sums. */
function fromSums(
  sums: Float64Array,
  n: number,
  k: number,
  codes: Int32Array,
  sizes: Float64Array,
): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = codes[i]!;
    const own = sizes[ci]!;
    if (own <= 1) {
      out[i] = 0;
      continue;
    }
    const a = sums[i * k + ci]! / (own - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === ci) continue;
      const v = sums[i * k + c]! / sizes[c]!;
      if (v < b) b = v;
    }
    const m = Math.max(a, b);
    out[i] = m === 0 ? 0 : (b - a) / m;
  }
  return out;
}
