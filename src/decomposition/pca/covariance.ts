/**
 * A mergeable, one-pass accumulator of the column means and the co-moment matrix
 *
 *   M = sum_i (x_i - mean)(x_i - mean)^T        (d x d; covariance = M / (n - 1))
 *
 * of a stream of row chunks. Rows are taken in blocks of `blockRows`; each block is centred on its
 * own mean, its co-moment is added with a register-blocked kernel (in WebAssembly SIMD when the
 * runtime has it, kernels.ts: the same numbers, bit for bit), and the block is merged into the
 * running totals with the pairwise update of Chan, Golub and LeVeque:
 *
 *   n = na + nb,   delta = mean_b - mean_a,
 *   mean = mean_a + delta * nb / n,
 *   M = M_a + M_b + delta delta^T * na * nb / n.
 *
 * `merge(other)` applies the same update to two accumulators, so partial fits of separate chunks
 * (or files) combine exactly. Column minima and maxima are kept too, so a constant column is
 * detected exactly (min === max) instead of by a tolerance on a rounded variance.
 *
 * Cost: n d^2 / 2 multiply-adds for the upper triangle plus d^2 / 2 per block for the merge;
 * memory d^2 + d * blockRows doubles, independent of n.
 *
 * Reference: T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing the sample
 * variance: analysis and recommendations", The American Statistician 37(3), 1983, pp. 242-247
 * (equation 2.1, pairwise update), generalised to co-moments.
 */
import {
  type FeatureMatrix,
  type MatrixLike,
  isDataset,
  toFeatureMatrix,
} from '../../data/dataset.js';
import { DataError } from '../../util/errors.js';
import { message, option } from '../../util/message.js';
import { createGramKernel, type GramKernel } from './kernels.js';

/** Rows per block: the centred block (d x blockRows) stays in cache while it is multiplied. */
const DEFAULT_BLOCK_ROWS = 256;

export class CovarianceAccumulator {
  /** Number of rows added so far. */
  count = 0;
  /** Number of columns; fixed by the first chunk (or the constructor). */
  cols: number;
  /** Column names, when the first chunk was a `Dataset`. */
  columns: string[] | undefined;
  /** Running column means (length d). */
  mean: Float64Array;
  /** Co-moment matrix, d x d row-major; only the upper triangle (j >= i) is kept up to date. */
  comoment: Float64Array;
  /** Column minima and maxima. */
  min: Float64Array;
  max: Float64Array;

  /** Rows per block: chunks are added in blocks of this many rows. */
  readonly blockRows: number;
  private block: Float64Array;
  private blockMean: Float64Array;
  /** The WebAssembly SIMD co-moment kernel (kernels.ts), or null: JavaScript. */
  private gram: GramKernel | null = null;

  /** @param cols number of columns, or -1 to take it from the first chunk. */
  constructor(cols = -1, blockRows = DEFAULT_BLOCK_ROWS) {
    this.blockRows = blockRows;
    this.cols = -1;
    this.mean = new Float64Array(0);
    this.comoment = new Float64Array(0);
    this.min = new Float64Array(0);
    this.max = new Float64Array(0);
    this.block = new Float64Array(0);
    this.blockMean = new Float64Array(0);
    if (cols >= 0) this.init(cols);
  }

  private init(d: number): void {
    this.cols = d;
    this.mean = new Float64Array(d);
    this.comoment = new Float64Array(d * d);
    this.min = new Float64Array(d).fill(Infinity);
    this.max = new Float64Array(d).fill(-Infinity);
    this.blockMean = new Float64Array(d);
    this.gram = createGramKernel(d, this.blockRows);
    this.block = this.gram === null ? new Float64Array(d * this.blockRows) : new Float64Array(0);
  }

  /**
   * Add a chunk of rows. NaN or Infinity throws a `DataError` naming the row (counted over all
   * rows added so far) and the column.
   */
  add(chunk: MatrixLike, fn = 'PCAAccumulator.add'): this {
    const x = toFeatureMatrix(chunk, { fn, allowNonFinite: true });
    if (this.columns === undefined && isDataset(chunk)) this.columns = chunk.columns;
    this.checkShape(x.cols, fn);
    const { data } = x;
    for (let k = 0; k < data.length; k++) {
      const v = data[k]!;
      if (v - v !== 0) {
        const col = k % x.cols;
        throw new DataError(
          message`${fn} needs finite numbers, but the value is ${v}. Remove or impute it (the loaders offer ${option('missing', ['drop', 'mean', 'median'])}).`,
          { row: this.count + Math.floor(k / x.cols), column: this.columns?.[col] ?? col + 1 },
        );
      }
    }
    this.addFinite(x);
    return this;
  }

  /** Add a chunk already known to hold only finite numbers. */
  addFinite(x: FeatureMatrix): this {
    this.checkShape(x.cols, 'PCAAccumulator.add');
    for (let r0 = 0; r0 < x.rows; r0 += this.blockRows) {
      this.addBlock(x.data, r0, Math.min(this.blockRows, x.rows - r0));
    }
    return this;
  }

  private checkShape(d: number, fn: string): void {
    if (this.cols < 0) this.init(d);
    else if (d !== this.cols) {
      throw new DataError(`${fn} expects ${this.cols} columns (as the first chunk); got ${d}.`);
    }
  }

  /** Centre rows [r0, r0 + b) on their mean, add their co-moment, merge (Chan et al.). */
  private addBlock(data: Float64Array, r0: number, b: number): void {
    if (this.gram !== null) {
      this.addBlockSimd(data, r0, b, this.gram);
      return;
    }
    const d = this.cols;
    const t = this.block;
    const bm = this.blockMean;
    const { min, max } = this;
    // Transpose: column j of the block becomes the contiguous run t[j*b .. j*b+b), so every dot
    // product below walks two contiguous arrays.
    for (let i = 0; i < b; i++) {
      const o = (r0 + i) * d;
      for (let j = 0; j < d; j++) t[j * b + i] = data[o + j]!;
    }
    // Per column: sum, minimum, maximum; then centre on the block mean.
    for (let j = 0; j < d; j++) {
      const o = j * b;
      let sum = 0;
      let lo = min[j]!;
      let hi = max[j]!;
      for (let i = 0; i < b; i++) {
        const v = t[o + i]!;
        sum += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[j] = lo;
      max[j] = hi;
      const mj = sum / b;
      bm[j] = mj;
      for (let i = 0; i < b; i++) t[o + i] = t[o + i]! - mj;
    }
    accumulateUpper(t, d, b, this.comoment);
    this.mergeBlock(b);
  }

  /**
   * The same as the JavaScript path with the co-moment from the SIMD kernel (kernels.ts), and the
   * same numbers: the block sums run over the rows in the same order, and the kernel sums each
   * cell over the rows in order from zero, as `accumulateUpper`.
   */
  private addBlockSimd(data: Float64Array, r0: number, b: number, g: GramKernel): void {
    const d = this.cols;
    const dp = g.stride;
    g.centre(data, r0, b, this.blockMean, this.min, this.max);
    const s = g.gram(b);
    const m = this.comoment;
    for (let i = 0; i < d; i++) {
      const o = i * d;
      const os = i * dp;
      for (let j = i; j < d; j++) m[o + j] += s[os + j]!;
    }
    this.mergeBlock(b);
  }

  /** Merge the block (its mean in blockMean, its co-moment already added) into the totals. */
  private mergeBlock(b: number): void {
    const d = this.cols;
    const bm = this.blockMean;
    const na = this.count;
    const n = na + b;
    const mean = this.mean;
    if (na === 0) {
      mean.set(bm);
    } else {
      const f = (na * b) / n;
      const w = b / n;
      const m = this.comoment;
      // delta is kept in bm (the block mean is no longer needed).
      for (let j = 0; j < d; j++) bm[j] = bm[j]! - mean[j]!;
      for (let i = 0; i < d; i++) {
        const fi = f * bm[i]!;
        if (fi === 0) continue;
        const o = i * d;
        for (let j = i; j < d; j++) m[o + j] += fi * bm[j]!;
      }
      for (let j = 0; j < d; j++) mean[j] += bm[j]! * w;
    }
    this.count = n;
  }

  /** Merge another accumulator into this one (Chan et al.'s pairwise update). */
  merge(other: CovarianceAccumulator): this {
    if (other.count === 0) return this;
    if (this.cols < 0) this.init(other.cols);
    if (other.cols !== this.cols) {
      throw new DataError(
        `PCAAccumulator.merge expects ${this.cols} columns; the other accumulator has ${other.cols}.`,
      );
    }
    if (this.columns === undefined) this.columns = other.columns;
    const d = this.cols;
    const na = this.count;
    const nb = other.count;
    const n = na + nb;
    const m = this.comoment;
    const mo = other.comoment;
    const mean = this.mean;
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = other.mean[j]! - mean[j]!;
    const f = (na * nb) / n;
    for (let i = 0; i < d; i++) {
      const o = i * d;
      const fi = f * delta[i]!;
      for (let j = i; j < d; j++) m[o + j] += mo[o + j]! + fi * delta[j]!;
    }
    const w = nb / n;
    for (let j = 0; j < d; j++) {
      mean[j] = na === 0 ? other.mean[j]! : mean[j]! + delta[j]! * w;
      if (other.min[j]! < this.min[j]!) this.min[j] = other.min[j]!;
      if (other.max[j]! > this.max[j]!) this.max[j] = other.max[j]!;
    }
    this.count = n;
    return this;
  }

  /** The full symmetric co-moment matrix (a copy, d x d row-major). */
  symmetricComoment(): Float64Array {
    const d = this.cols;
    const out = this.comoment.slice();
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) out[j * d + i] = out[i * d + j]!;
    }
    return out;
  }
}

/**
 * m[i][j] += dot(t_i, t_j) for j >= i, where t_i = t[i*b .. i*b+b). The output is computed in
 * tiles of 3 x 3 cells: nine dot products share one pass over six rows of length b (six loads per
 * nine multiply-adds, instead of two per one), which is faster than 2 x 2 tiles and than 4 x 4
 * (whose sixteen accumulators no longer fit in registers). Diagonal tiles also
 * write three cells below the diagonal; they are never read. Rows left over when d is not a
 * multiple of 3 are done one cell at a time.
 */
function accumulateUpper(t: Float64Array, d: number, b: number, m: Float64Array): void {
  const d3 = d - (d % 3);
  for (let i = 0; i < d3; i += 3) {
    const oi = i * b;
    const oi1 = oi + b;
    const oi2 = oi1 + b;
    for (let j = i; j < d3; j += 3) {
      const oj = j * b;
      const oj1 = oj + b;
      const oj2 = oj1 + b;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      for (let r = 0; r < b; r++) {
        const a0 = t[oi + r]!;
        const a1 = t[oi1 + r]!;
        const a2 = t[oi2 + r]!;
        const c0 = t[oj + r]!;
        const c1 = t[oj1 + r]!;
        const c2 = t[oj2 + r]!;
        s00 += a0 * c0;
        s01 += a0 * c1;
        s02 += a0 * c2;
        s10 += a1 * c0;
        s11 += a1 * c1;
        s12 += a1 * c2;
        s20 += a2 * c0;
        s21 += a2 * c1;
        s22 += a2 * c2;
      }
      const o = i * d + j;
      const o1 = o + d;
      const o2 = o1 + d;
      m[o] += s00;
      m[o + 1] += s01;
      m[o + 2] += s02;
      m[o1] += s10;
      m[o1 + 1] += s11;
      m[o1 + 2] += s12;
      m[o2] += s20;
      m[o2 + 1] += s21;
      m[o2 + 2] += s22;
    }
  }
  // The last d % 3 columns j against every row i <= j: three rows at a time, then the corner.
  for (let j = d3; j < d; j++) {
    const oj = j * b;
    for (let i = 0; i < d3; i += 3) {
      const oi = i * b;
      const oi1 = oi + b;
      const oi2 = oi1 + b;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let r = 0; r < b; r++) {
        const c = t[oj + r]!;
        s0 += t[oi + r]! * c;
        s1 += t[oi1 + r]! * c;
        s2 += t[oi2 + r]! * c;
      }
      m[i * d + j] += s0;
      m[(i + 1) * d + j] += s1;
      m[(i + 2) * d + j] += s2;
    }
    for (let i = d3; i <= j; i++) {
      const oi = i * b;
      let s = 0;
      for (let r = 0; r < b; r++) s += t[oi + r]! * t[oj + r]!;
      m[i * d + j] += s;
    }
  }
}

/** Per-column mean, sum of squared deviations, minimum and maximum of a matrix. */
export interface ColumnMoments {
  count: number;
  mean: Float64Array;
  /** sum_i (x_ij - mean_j)^2. */
  sumSquares: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/**
 * Column moments by two passes over the rows (sum, then squared deviations from the mean), the
 * textbook-accurate algorithm when the data is in memory. O(n d), no d x d storage. Rows start
 * `stride` values apart (default: packed).
 */
export function columnMoments(x: FeatureMatrix, stride = x.cols): ColumnMoments {
  const { rows: n, cols: d, data } = x;
  const mean = new Float64Array(d);
  const sumSquares = new Float64Array(d);
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    for (let j = 0; j < d; j++) {
      const v = data[o + j]!;
      mean[j] += v;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  }
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    for (let j = 0; j < d; j++) {
      const e = data[o + j]! - mean[j]!;
      sumSquares[j] += e * e;
    }
  }
  return { count: n, mean, sumSquares, min, max };
}
