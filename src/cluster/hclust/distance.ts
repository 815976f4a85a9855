/**
 * Pairwise distances between the rows of a feature matrix, and validation of precomputed
 * distance matrices.
 *
 * Metrics (u, v are rows of length d; sums run j = 0..d-1 in order, which makes the values equal
 * bit for bit to scipy.spatial.distance.pdist on the same doubles):
 *
 *   euclidean    sqrt(sum (u_j - v_j)^2)
 *   sqeuclidean  sum (u_j - v_j)^2
 *   cityblock    sum |u_j - v_j|
 *   chebyshev    max |u_j - v_j|
 *   cosine       1 - (u.v) / (|u| |v|), the quotient clipped to [-1, 1]; a zero row is an error
 *
 * Layouts: `square` is the full n x n row-major matrix (element (i, j) at i*n + j), `condensed`
 * is scipy's upper triangle without the diagonal, row by row: element (i, j), i < j, at
 * n*i - i*(i+1)/2 + (j - i - 1).
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError } from '../../util/errors.js';
import { checkKeyword, checkKnownOptions } from '../../util/validate.js';

/** The metrics that `pdist` and `hclust` compute from features. */
export const METRICS = ['euclidean', 'sqeuclidean', 'cityblock', 'cosine', 'chebyshev'] as const;
/** A metric name. */
export type Metric = (typeof METRICS)[number];

/** True if `x` is one of `METRICS`. */
export function isMetric(x: unknown): x is Metric {
  return typeof x === 'string' && (METRICS as readonly string[]).includes(x);
}

/** Options of `pdist`. */
export interface PdistOptions {
  /** Distance between two rows. Default: 'euclidean'. */
  metric?: Metric;
  /** `condensed` (scipy's pdist vector, n(n-1)/2 values) or `square` (n*n values). Default: 'condensed'. */
  layout?: 'condensed' | 'square';
}

const pdistDefaults: Required<PdistOptions> = { metric: 'euclidean', layout: 'condensed' };

/**
 * Distances between all pairs of rows of `X`, as scipy's `pdist` (condensed, default) or as a
 * full square matrix. Never mutates `X`.
 */
export function pdist(X: MatrixLike, options: PdistOptions = {}): Float64Array {
  checkKnownOptions('pdist', options, Object.keys(pdistDefaults));
  const o = { ...pdistDefaults, ...options };
  checkKeyword('pdist', 'metric', o.metric, METRICS);
  checkKeyword('pdist', 'layout', o.layout, ['condensed', 'square'] as const);
  const x = toFeatureMatrix(X, { fn: 'pdist' });
  return o.layout === 'square' ? squareDistances(x, o.metric) : condensedDistances(x, o.metric);
}

/** Index of element (i, j), i < j, in a condensed matrix of n points. */
export function condensedIndex(n: number, i: number, j: number): number {
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/** Row norms for the cosine metric; throws a DataError on a zero row. */
export function rowNorms(x: FeatureMatrix, fn = 'pdist'): Float64Array {
  const { rows: n, cols: d, data } = x;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) s += data[o + k]! * data[o + k]!;
    const r = Math.sqrt(s);
    if (r === 0) {
      throw new DataError(
        `${fn}: the cosine distance is undefined for a row of zeros. Remove the row or use another metric.`,
        { row: i },
      );
    }
    norms[i] = r;
  }
  return norms;
}

/**
 * Sums of squared differences from row `row` to rows `targets[from..to)`, written to
 * `out[from..to)` (their square roots when `root`): four targets at a time, independent sums, each
 * in column order (the same doubles as one at a time). The Euclidean scans of hclust and of the
 * density methods.
 */
export function sumsOfSquares(
  x: FeatureMatrix,
  row: number,
  targets: Int32Array,
  from: number,
  to: number,
  out: Float64Array,
  root: boolean,
): void {
  const { cols: d, data } = x;
  const a = row * d;
  let t = from;
  for (; t + 3 < to; t += 4) {
    const b0 = targets[t]! * d;
    const b1 = targets[t + 1]! * d;
    const b2 = targets[t + 2]! * d;
    const b3 = targets[t + 3]! * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < d; k++) {
      const u = data[a + k]!;
      const e0 = u - data[b0 + k]!;
      const e1 = u - data[b1 + k]!;
      const e2 = u - data[b2 + k]!;
      const e3 = u - data[b3 + k]!;
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    out[t] = root ? Math.sqrt(s0) : s0;
    out[t + 1] = root ? Math.sqrt(s1) : s1;
    out[t + 2] = root ? Math.sqrt(s2) : s2;
    out[t + 3] = root ? Math.sqrt(s3) : s3;
  }
  for (; t < to; t++) {
    const b = targets[t]! * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const e = data[a + k]! - data[b + k]!;
      s += e * e;
    }
    out[t] = root ? Math.sqrt(s) : s;
  }
}

/**
 * Distances from row `x` to rows `targets[from..to)` written to `out[from..to)`. The kernel of
 * every distance computation here, so that all layouts give identical doubles.
 * `norms` is required for cosine.
 */
export function distancesFromRow(
  x: FeatureMatrix,
  metric: Metric,
  norms: Float64Array | null,
  row: number,
  targets: Int32Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const { cols: d, data } = x;
  const a = row * d;
  switch (metric) {
    case 'euclidean':
    case 'sqeuclidean':
      sumsOfSquares(x, row, targets, from, to, out, metric === 'euclidean');
      return;
    case 'cityblock':
      for (let t = from; t < to; t++) {
        const b = targets[t]! * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += Math.abs(data[a + k]! - data[b + k]!);
        out[t] = s;
      }
      return;
    case 'chebyshev':
      for (let t = from; t < to; t++) {
        const b = targets[t]! * d;
        let s = 0;
        for (let k = 0; k < d; k++) {
          const v = Math.abs(data[a + k]! - data[b + k]!);
          if (v > s) s = v;
        }
        out[t] = s;
      }
      return;
    case 'cosine': {
      const nr = norms!;
      const na = nr[row]!;
      for (let t = from; t < to; t++) {
        const j = targets[t]!;
        const b = j * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += data[a + k]! * data[b + k]!;
        let c = s / (na * nr[j]!);
        if (c > 1) c = 1;
        else if (c < -1) c = -1;
        out[t] = 1 - c;
      }
      return;
    }
  }
}

/**
 * Euclidean (or squared) distances from row i to rows from..to-1, written to out[offset + j].
 * The same operations as `distancesFromRow`, without the index indirection, for the matrix
 * builders.
 */
function euclideanRow(
  data: Float64Array,
  d: number,
  i: number,
  from: number,
  to: number,
  out: Float64Array,
  offset: number,
  squared: boolean,
): void {
  const a = i * d;
  let j = from;
  // Four rows at a time: four independent sums (each still added in column order, so the
  // values are those of the one-row loop) hide the latency of the dependent additions.
  for (; j + 3 < to; j += 4) {
    const b0 = j * d;
    const b1 = b0 + d;
    const b2 = b1 + d;
    const b3 = b2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < d; k++) {
      const u = data[a + k]!;
      const e0 = u - data[b0 + k]!;
      const e1 = u - data[b1 + k]!;
      const e2 = u - data[b2 + k]!;
      const e3 = u - data[b3 + k]!;
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    if (squared) {
      out[offset + j] = s0;
      out[offset + j + 1] = s1;
      out[offset + j + 2] = s2;
      out[offset + j + 3] = s3;
    } else {
      out[offset + j] = Math.sqrt(s0);
      out[offset + j + 1] = Math.sqrt(s1);
      out[offset + j + 2] = Math.sqrt(s2);
      out[offset + j + 3] = Math.sqrt(s3);
    }
  }
  for (; j < to; j++) {
    const b = j * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const diff = data[a + k]! - data[b + k]!;
      s += diff * diff;
    }
    out[offset + j] = squared ? s : Math.sqrt(s);
  }
}

/** Copy the upper triangle of a square matrix to the lower one, in cache-sized blocks. */
function mirrorUpper(out: Float64Array, n: number): void {
  const B = 64;
  for (let bi = 0; bi < n; bi += B) {
    const ei = Math.min(bi + B, n);
    for (let bj = bi; bj < n; bj += B) {
      const ej = Math.min(bj + B, n);
      for (let i = bi; i < ei; i++) {
        const ri = i * n;
        for (let j = Math.max(bj, i + 1); j < ej; j++) out[j * n + i] = out[ri + j]!;
      }
    }
  }
}

/** Full n x n distance matrix (zero diagonal, exactly symmetric). */
export function squareDistances(x: FeatureMatrix, metric: Metric): Float64Array {
  const n = x.rows;
  const out = new Float64Array(n * n);
  if (metric === 'euclidean' || metric === 'sqeuclidean') {
    // Tiles of B x B: each row piece is computed, then mirrored while the tile is in cache.
    const B = 64;
    const squared = metric === 'sqeuclidean';
    for (let bi = 0; bi < n; bi += B) {
      const ei = Math.min(bi + B, n);
      for (let bj = bi; bj < n; bj += B) {
        const ej = Math.min(bj + B, n);
        for (let i = bi; i < ei; i++) {
          const from = Math.max(bj, i + 1);
          if (from >= ej) continue;
          const ri = i * n;
          euclideanRow(x.data, x.cols, i, from, ej, out, ri, squared);
          for (let j = from; j < ej; j++) out[j * n + i] = out[ri + j]!;
        }
      }
    }
    return out;
  } else {
    const norms = metric === 'cosine' ? rowNorms(x) : null;
    const targets = identity(n);
    const scratch = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      distancesFromRow(x, metric, norms, i, targets, i + 1, n, scratch);
      out.set(scratch.subarray(i + 1, n), i * n + i + 1);
    }
  }
  mirrorUpper(out, n);
  return out;
}

/** Condensed distances (scipy's pdist vector), into `out` when given (of that length). */
export function condensedDistances(
  x: FeatureMatrix,
  metric: Metric,
  out: Float64Array = new Float64Array((x.rows * (x.rows - 1)) / 2),
): Float64Array {
  const n = x.rows;
  if (metric === 'euclidean' || metric === 'sqeuclidean') {
    let p = 0;
    for (let i = 0; i < n; i++) {
      euclideanRow(x.data, x.cols, i, i + 1, n, out, p - (i + 1), metric === 'sqeuclidean');
      p += n - i - 1;
    }
    return out;
  }
  const norms = metric === 'cosine' ? rowNorms(x) : null;
  const targets = identity(n);
  const scratch = new Float64Array(n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    distancesFromRow(x, metric, norms, i, targets, i + 1, n, scratch);
    out.set(scratch.subarray(i + 1, n), p);
    p += n - i - 1;
  }
  return out;
}

/** 0, 1, ..., n-1. */
export function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** A validated precomputed distance matrix: the number of points and one of the two layouts. */
export interface DistanceInput {
  n: number;
  /** Full matrix, row-major (not copied; never written). */
  square: Float64Array | null;
  /** Condensed vector (not copied; never written). */
  condensed: Float64Array | null;
}

/** Number of points of a condensed vector of length m, or -1 if m is not n(n-1)/2. */
export function pointsOfCondensed(m: number): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * m)) / 2);
  return (n * (n - 1)) / 2 === m ? n : -1;
}

/**
 * Validate a precomputed distance matrix: a square matrix (number[][], ml-matrix `Matrix`,
 * `FeatureMatrix`) or a condensed vector (`Float64Array`, `number[]`). Checks: finite (no NaN),
 * non-negative, and for a square matrix a zero diagonal and exact symmetry. Throws `DataError`
 * naming the first offending cell.
 */
export function toDistanceInput(
  D: MatrixLike | ArrayLike<number>,
  fn = 'hclust',
  tolerance = 0,
): DistanceInput {
  const isVector =
    ArrayBuffer.isView(D) ||
    (Array.isArray(D) && (D.length === 0 || typeof (D as unknown[])[0] === 'number'));
  if (isVector) {
    const v = D as ArrayLike<number>;
    const n = pointsOfCondensed(v.length);
    if (n < 0) {
      throw new DataError(
        `${fn}: a condensed distance vector must have n(n-1)/2 values for some n; ` +
          `got ${v.length} values.`,
      );
    }
    const c = v instanceof Float64Array ? v : Float64Array.from(v);
    for (let k = 0; k < c.length; k++) {
      const x = c[k]!;
      if (!(x >= 0) || x === Infinity) {
        throw new DataError(
          `${fn}: distances must be finite and non-negative; element ${k} of the condensed vector is ${x}.`,
        );
      }
    }
    return { n, square: null, condensed: c };
  }
  const m = toFeatureMatrix(D as MatrixLike, { fn, allowNonFinite: true });
  const n = m.rows;
  if (m.cols !== n) {
    throw new DataError(
      `${fn}: a precomputed distance matrix must be square; got ${m.rows} x ${m.cols}.`,
    );
  }
  const a = m.data;
  for (let i = 0; i < n; i++) {
    if (a[i * n + i] !== 0) {
      throw new DataError(
        `${fn}: the diagonal of a distance matrix must be 0; got ${a[i * n + i]}.`,
        {
          row: i,
          column: i + 1,
        },
      );
    }
    for (let j = 0; j < n; j++) {
      const x = a[i * n + j]!;
      if (!(x >= 0) || x === Infinity) {
        throw new DataError(`${fn}: distances must be finite and non-negative; got ${x}.`, {
          row: i,
          column: j + 1,
        });
      }
      if (j > i) {
        const y = a[j * n + i]!;
        if (Math.abs(x - y) > tolerance * Math.max(Math.abs(x), Math.abs(y))) {
          throw new DataError(
            `${fn}: a distance matrix must be symmetric; D[${i}][${j}] = ${x} but D[${j}][${i}] = ${y}.`,
            { row: i, column: j + 1 },
          );
        }
      }
    }
  }
  return { n, square: a, condensed: null };
}
