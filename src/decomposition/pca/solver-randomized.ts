/**
 * The 'randomized' solver on the data itself: block Lanczos (krylov.ts) with the products made in
 * the kernel's memory (kernels.ts `createNormalKernel`), never forming C (see index.ts).
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { crossDots } from '../eigen.js';
import { columnMoments } from './covariance.js';
import { createNormalKernel, type NormalKernel } from './kernels.js';
import { blockLanczos } from './krylov.js';
import type { PCAParts } from './model.js';
import type { ResolvedPCAOptions } from './options.js';
import { checkTotal, clip, orient, prepare, warnInert } from './steps.js';

/** Vectors per block of the Krylov solver. */
const KRYLOV_BLOCK = 2;

/**
 * The 'randomized' fit on the data itself: block Lanczos (krylov.ts) on C = Z^T Z / (n - 1) when
 * n >= d, or on the Gram matrix Z Z^T / (n - 1) when n < d, each product made from a centred and
 * scaled copy of the data (never forming C). The basis holds at most max(3k + 20, min(n, d) / 4)
 * vectors: past that, forming C is cheaper, and null sends the fit there (as it does when the
 * data has fewer free directions than the basis needs, or when n < d and a wanted eigenvalue is
 * at rounding level).
 */
export function fitKrylov(
  x: FeatureMatrix,
  o: ResolvedPCAOptions,
  columns: string[] | undefined,
): PCAParts | null {
  const { rows: n, cols: d } = x;
  const k = o.components ?? Math.min(n, d);
  const b = KRYLOV_BLOCK;
  const wide = n < d;
  const dim = wide ? n : d;
  // A = Z (n x d), or Z^T (d x n) when n < d; A^T A / (n - 1) is the operator. When n >= d the
  // rows are copied as they are and centred and scaled in place (with the moments, in the kernel).
  const kern = wide ? createNormalKernel(d, n, b) : createNormalKernel(n, d, b);
  try {
    const { a, v: kv, w: kw, stride } = kern;
    if (!wide) {
      if (stride === d) a.set(x.data);
      else for (let i = 0; i < n; i++) a.set(x.data.subarray(i * d, (i + 1) * d), i * stride);
    }
    const mo = wide ? columnMoments(x) : kern.moments();
    // quiet: a fit that falls back to the covariance solver warns there, once
    const { centre, divisor, constant, inert } = prepare(
      n,
      mo.mean,
      mo.sumSquares,
      mo.min,
      mo.max,
      o,
      columns,
      true,
    );
    const free = wide ? n : d - inert.length;
    if (k + 2 * b > free) return null;
    const inv = new Float64Array(d);
    for (let j = 0; j < d; j++) inv[j] = 1 / divisor[j]!;
    let total = loadScaled(kern, x, wide, centre, inv, inert, mo, o.center);
    const nm1 = n - 1;
    total /= nm1;
    checkTotal(total);
    const op = {
      dim,
      apply(vin: Float64Array, bb: number, out: Float64Array) {
        for (let c = 0; c < bb; c++) kv.set(vin.subarray(c * dim, (c + 1) * dim), c * stride);
        kern.apply();
        for (let c = 0; c < bb; c++) {
          const oc = c * stride;
          for (let t = 0; t < dim; t++) out[c * dim + t] = kw[oc + t]! / nm1;
        }
      },
    };
    const maxBasis = Math.min(
      Math.max(3 * k + 20, Math.floor(Math.min(n, d) / 4)),
      o.maxIterations * b,
    );
    const top = blockLanczos(op, k, {
      block: b,
      seed: o.seed,
      tolerance: o.tolerance,
      maxBasis,
      zeros: wide ? [] : inert,
    });
    if (!top.converged) return null;
    const values = top.values;
    clip(values, Math.min(n, d) * Number.EPSILON);
    let vectors = top.vectors;
    if (wide) {
      if (!(values[k - 1]! > 0)) return null;
      vectors = componentsFromWide(a, stride, n, d, top.vectors, values, k, nm1);
    }
    warnInert(inert, o, columns);
    return {
      components: orient(vectors, k, d),
      k,
      values,
      totalVariance: total,
      mean: centre,
      scale: divisor,
      nSamples: n,
      nFeatures: d,
      columns,
      constantColumns: constant,
      center: o.center,
      scaled: o.scale,
      whiten: o.whiten,
      solver: 'randomized',
      iterations: top.iterations,
      converged: true,
    };
  } finally {
    kern.release();
  }
}

/**
 * Z into the kernel's A: transposed (d x n) when n < d, else the rows already in A centred and
 * scaled in place. Returns the sum of z^2 over the columns that carry something (from the
 * moments when n >= d: about the mean, or about 0 without centring).
 */
function loadScaled(
  kern: NormalKernel,
  x: FeatureMatrix,
  wide: boolean,
  centre: Float64Array,
  inv: Float64Array,
  inert: number[],
  mo: { mean: Float64Array; sumSquares: Float64Array },
  center: boolean,
): number {
  const { rows: n, cols: d } = x;
  const { a, stride } = kern;
  let total = 0;
  if (wide) {
    for (let i = 0; i < n; i++) {
      const oi = i * d;
      for (let j = 0; j < d; j++) {
        const z = (x.data[oi + j]! - centre[j]!) * inv[j]!;
        total += z * z;
        a[j * stride + i] = z;
      }
    }
  } else {
    kern.centre(centre, inv);
    // sum of z^2 by column, from the moments: about the mean, or about 0 without centring
    for (let j = 0; j < d; j++) {
      if (inert.includes(j)) continue;
      const ss = center ? mo.sumSquares[j]! : mo.sumSquares[j]! + n * mo.mean[j]! * mo.mean[j]!;
      total += ss * inv[j]! * inv[j]!;
    }
  }
  return total;
}

/**
 * v_c = Z^T u_c / sqrt(lambda_c (n - 1)) when n < d, A = Z^T (d x n, row stride `stride`): rows
 * of A dotted with the eigenvectors u_c of the Gram matrix.
 */
function componentsFromWide(
  a: Float64Array,
  stride: number,
  n: number,
  d: number,
  u: Float64Array,
  values: Float64Array,
  k: number,
  nm1: number,
): Float64Array {
  const v = new Float64Array(k * d);
  const rowsOfA = stride === n ? a : compact(a, d, n, stride);
  crossDots(rowsOfA, d, u, k, n, v, 1, d);
  for (let c = 0; c < k; c++) {
    const f = 1 / Math.sqrt(values[c]! * nm1);
    for (let j = 0; j < d; j++) v[c * d + j] = v[c * d + j]! * f;
  }
  return v;
}

/** The rows x cols matrix stored with row stride `stride`, packed. */
function compact(a: Float64Array, rows: number, cols: number, stride: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(a.subarray(i * stride, i * stride + cols), i * cols);
  return out;
}
