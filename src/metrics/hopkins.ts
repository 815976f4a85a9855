/**
 * The Hopkins statistic of clustering tendency (Hopkins and Skellam, Annals of Botany 18, 1954;
 * in d dimensions as Cross and Jain, 1982, and R's `hopkins` package, Wright, The R Journal 14(4),
 * 2022): does the data look like points drawn uniformly over its box, or does it bunch up?
 *
 *   W: m rows of X drawn without replacement; w_i = distance from the i-th of them to its
 *      nearest other row of X (a duplicate row counts, at distance 0)
 *   U: m points drawn uniformly over the bounding box of the columns of X; u_i = distance from
 *      the i-th of them to its nearest row of X
 *   H = sum u_i^p / (sum u_i^p + sum w_i^p),  p = d (the number of columns) by default
 *
 * Euclidean distances. H is near 0.5 for uniformly scattered data, near 1 for clustered data
 * (the rows have close neighbours, the uniform points do not) and below 0.5 for regularly spaced
 * data. Under uniformity (complete spatial randomness) H follows Beta(m, m) whatever d is, when
 * p = d; `pValue` is the one-sided P(H' >= H) for H' ~ Beta(m, m): a small value says the data is
 * more clustered than uniform data would be. R's `hopkins::hopkins.pval` gives the two-sided value
 * (twice this one when H > 0.5).
 *
 * Two conventions are in use; this module follows R's `hopkins` package (H, near 1 = clustered,
 * distances to the power d). R's `clustertend::hopkins` (deprecated) and the `performance` /
 * `parameters` packages report 1 - H (near 0 = clustered), clustertend with distances to the power
 * 1; factoextra's `get_clust_tendency` reported a value near 0 for clustered data up to version
 * 1.0.7 and H with the power d from version 2.0.0. `power: 1` gives the power-1 variant.
 *
 * Sampling (seeded, deterministic): m = ceil(n / 10), at most 500 and at most n - 1, unless
 * `sampleSize` is given (as the `hopkins` package's default m = ceiling(nrow(X) / 10));
 * `RandomState(seed)` draws first the m rows (`choiceWithoutReplacement(n, m)`, numpy's
 * `choice(n, m, replace=False)`), then the m uniform points row by row. Sums of u^p and w^p are
 * accumulated as logarithms, so p = 1000 neither overflows nor underflows.
 *
 * Cost: 2 m n d (the nearest rows by scans of all rows, 16 points per scan).
 */
import { type MatrixLike, toFeatureMatrix } from '../data/dataset.js';
import { DataError } from '../util/errors.js';
import { withOrdinaryMagnitude } from '../util/magnitude.js';
import { DEFAULT_SEED, RandomState } from '../util/random.js';
import { checkInteger, checkKnownOptions, checkNumber } from '../util/validate.js';

/** Options of `hopkins`. */
export interface HopkinsOptions {
  /** m, the rows sampled and the uniform points drawn. Default: ceil(n / 10), at most 500. */
  sampleSize?: number;
  /** Power of the distances. Default: the number of columns (R's `hopkins` package). */
  power?: number;
  /** Seed of the sample and the uniform points. Default: 0. */
  seed?: number;
}

/** The Hopkins statistic and how it was sampled. */
export interface HopkinsResult {
  /** H: ~0.5 for uniform data, near 1 for clustered data. */
  statistic: number;
  /** One-sided P(H' >= H) under uniformity, H' ~ Beta(m, m). */
  pValue: number;
  /** m. */
  sampleSize: number;
  /** The power of the distances. */
  power: number;
  seed: number;
}

/** The default m for n rows: ceil(n / 10), at most 500 and at most n - 1. */
export function hopkinsSampleSize(n: number): number {
  return Math.max(1, Math.min(Math.ceil(n / 10), 500, n - 1));
}

/**
 * The Hopkins statistic of the rows of X (see the module comment for the definition and the
 * sampling).
 *
 * @example
 * const blobs = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
 * // about 0.5 for uniform noise, near 1 for separated clusters
 * hopkins(blobs, { seed: 1 }).statistic.toFixed(2); // => '0.97'
 */
export function hopkins(X: MatrixLike, options: HopkinsOptions = {}): HopkinsResult {
  const fn = 'hopkins';
  checkKnownOptions(fn, options, ['sampleSize', 'power', 'seed']);
  // the statistic is scale-invariant: extreme values are divided by a power of two first
  const M = withOrdinaryMagnitude(toFeatureMatrix(X, { fn }));
  const { rows: n, cols: d, data } = M;
  if (n < 2) throw new DataError(`hopkins needs at least 2 rows; got ${n}.`);
  const m =
    options.sampleSize === undefined
      ? hopkinsSampleSize(n)
      : checkInteger(fn, 'sampleSize', options.sampleSize, 1, n - 1);
  const power =
    options.power === undefined
      ? d
      : checkNumber(fn, 'power', options.power, { min: 0, minExclusive: true });
  const seed =
    options.seed === undefined
      ? DEFAULT_SEED
      : checkInteger(fn, 'seed', options.seed, 0, 2 ** 32 - 1);
  const rng = new RandomState(seed);
  const rows = rng.choiceWithoutReplacement(n, m);
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
  const U = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) U[i * d + j] = rng.uniform(lo[j]!, hi[j]!);
  }
  const statistic = hopkinsStatistic(data, n, d, U, rows, power);
  return { statistic, pValue: betaUpperTail(statistic, m), sampleSize: m, power, seed };
}

/**
 * H for given uniform points `U` (row-major m x d) and sampled rows `rows` (m indices of X):
 * sum u^p / (sum u^p + sum w^p), summed as logarithms. NaN when every distance is 0.
 * @internal
 */
export function hopkinsStatistic(
  data: Float64Array,
  n: number,
  d: number,
  U: Float64Array,
  rows: ArrayLike<number>,
  power: number,
): number {
  const m = rows.length;
  const sampled = new Float64Array(m * d);
  const skip = new Int32Array(m);
  for (let t = 0; t < m; t++) {
    sampled.set(data.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
    skip[t] = rows[t]!;
  }
  const u2 = new Float64Array(m);
  const w2 = new Float64Array(m);
  nearestSquared(data, n, d, U, new Int32Array(m).fill(-1), u2);
  nearestSquared(data, n, d, sampled, skip, w2);
  // p log(distance) = (p / 2) log(squared distance)
  const logU = new Float64Array(m);
  const logW = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    logU[t] = (power / 2) * Math.log(u2[t]!);
    logW[t] = (power / 2) * Math.log(w2[t]!);
  }
  let top = -Infinity;
  for (let t = 0; t < m; t++) top = Math.max(top, logU[t]!, logW[t]!);
  if (top === -Infinity) return Number.NaN;
  let su = 0;
  let sw = 0;
  for (let t = 0; t < m; t++) {
    su += Math.exp(logU[t]! - top);
    sw += Math.exp(logW[t]! - top);
  }
  return su / (su + sw);
}

/** Queries per scan of the rows: the rows are read from memory once per block, not per query. */
const QUERY_BLOCK = 16;

/**
 * For each of the q points of `queries` (row-major q x d), the squared distance to its nearest row
 * of X other than `skip[t]` (-1: none), into `out`. The rows are scanned once per block of
 * `QUERY_BLOCK` queries; four running sums per distance, and a distance is left as soon as its
 * partial sum passes the query's best so far (checked every 16 columns).
 */
function nearestSquared(
  data: Float64Array,
  n: number,
  d: number,
  queries: Float64Array,
  skip: Int32Array,
  out: Float64Array,
): void {
  const q = skip.length;
  const d4 = d - (d % 4);
  for (let t0 = 0; t0 < q; t0 += QUERY_BLOCK) {
    const t1 = Math.min(q, t0 + QUERY_BLOCK);
    for (let t = t0; t < t1; t++) out[t] = Infinity;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let t = t0; t < t1; t++) {
        if (skip[t] === i) continue;
        const p = t * d;
        const best = out[t]!;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        while (j < d4) {
          const a = data[o + j]! - queries[p + j]!;
          const b = data[o + j + 1]! - queries[p + j + 1]!;
          const c = data[o + j + 2]! - queries[p + j + 2]!;
          const e = data[o + j + 3]! - queries[p + j + 3]!;
          s0 += a * a;
          s1 += b * b;
          s2 += c * c;
          s3 += e * e;
          j += 4;
          if ((j & 15) === 0 && s0 + s1 + s2 + s3 >= best) break;
        }
        let s = s0 + s1 + s2 + s3;
        if (s >= best) continue;
        for (; j < d; j++) {
          const v = data[o + j]! - queries[p + j]!;
          s += v * v;
        }
        if (s < best) out[t] = s;
      }
    }
  }
}

/** P(B >= x) for B ~ Beta(m, m). */
function betaUpperTail(x: number, m: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return regularizedBeta(1 - x, m, m);
}

/**
 * The regularized incomplete beta function I_x(a, b) (the CDF of Beta(a, b) at x), by Lentz's
 * continued fraction (Numerical Recipes, 3rd ed., section 6.4), to about 1e-15 relative.
 * @internal
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // the fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let dd = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(dd) < tiny) dd = tiny;
  dd = 1 / dd;
  let h = dd;
  for (let i = 1; i <= 10000; i++) {
    const i2 = 2 * i;
    let aa = (i * (b - i) * x) / ((a - 1 + i2) * (a + i2));
    dd = 1 + aa * dd;
    if (Math.abs(dd) < tiny) dd = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    dd = 1 / dd;
    h *= dd * c;
    aa = (-(a + i) * (a + b + i) * x) / ((a + i2) * (a + 1 + i2));
    dd = 1 + aa * dd;
    if (Math.abs(dd) < tiny) dd = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    dd = 1 / dd;
    const del = dd * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** ln Gamma(x) for x > 0 (Lanczos, g = 607/128, 15 terms; about 1e-15 relative). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const t = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i]! / (t + i);
  const g = t + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (t + 0.5) * Math.log(g) - g + Math.log(s);
}

const LANCZOS_G = 607 / 128;
const LANCZOS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746,
  -0.4919138160976202, 3.399464998481189e-5, 4.652362892704858e-5, -9.837447530487956e-5,
  1.580887032249125e-4, -2.1026444172410488e-4, 2.1743961811521265e-4, -1.643181065367639e-4,
  8.441822398385275e-5, -2.6190838401581408e-5, 3.6899182659531625e-6,
];
