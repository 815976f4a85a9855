/**
 * The Lance-Williams updates of the linkage methods, as the matrix algorithms (NN-chain, generic)
 * apply them to the working dissimilarities after each merge.
 *
 * Notation. Points 0..n-1; D is the dissimilarity between the clusters currently stored at two
 * indices. The cluster that results from merging the clusters at indices x < y is stored at y,
 * and x becomes inactive, so the cluster at index i always contains point i. After a merge of
 * x and y (sizes nx, ny, merge height dxy) the dissimilarity to every other active cluster i
 * (size ni) is the Lance-Williams update, evaluated exactly as scipy does (same operation order):
 *
 *   single    min(dxi, dyi)
 *   complete  max(dxi, dyi)
 *   average   (nx dxi + ny dyi) / (nx + ny)
 *   weighted  0.5 (dxi + dyi)
 *   centroid  sqrt(((nx dxi^2 + ny dyi^2) - nx ny dxy^2 / (nx + ny)) / (nx + ny))
 *   median    sqrt(0.5 (dxi^2 + dyi^2) - 0.25 dxy^2)
 *   ward      sqrt((ni + nx) t dxi^2 + (ni + ny) t dyi^2 - ni t dxy^2),  t = 1 / (nx + ny + ni)
 *   ward.D    ((ni + nx) dxi + (ni + ny) dyi - ni dxy) / (nx + ny + ni)   (R's hclust "ward.D":
 *             Ward's update applied to unsquared distances; not Ward's criterion unless the
 *             input holds squared Euclidean distances)
 *
 * Centroid, median and ward are defined on Euclidean geometry: their updates are exact for
 * Euclidean distances between points (for ward: sqrt(2 na nb / (na + nb)) |ca - cb|).
 */
import type { LinkageMethod } from './methods.js';

export const SINGLE = 0;
export const COMPLETE = 1;
export const AVERAGE = 2;
export const WEIGHTED = 3;
export const CENTROID = 4;
export const MEDIAN = 5;
export const WARD = 6;
export const WARD_D = 7;

export const METHOD_CODE: Record<LinkageMethod, number> = {
  single: SINGLE,
  complete: COMPLETE,
  average: AVERAGE,
  weighted: WEIGHTED,
  centroid: CENTROID,
  median: MEDIAN,
  ward: WARD,
  'ward.D': WARD_D,
};

/** One Lance-Williams update (the table above); kept small so V8 inlines it into the loops. */
export function lanceWilliams(
  code: number,
  dxi: number,
  dyi: number,
  dxy: number,
  nx: number,
  ny: number,
  ni: number,
): number {
  switch (code) {
    case SINGLE:
      return Math.min(dxi, dyi);
    case COMPLETE:
      return Math.max(dxi, dyi);
    case AVERAGE:
      return (nx * dxi + ny * dyi) / (nx + ny);
    case WEIGHTED:
      return 0.5 * (dxi + dyi);
    case CENTROID: {
      const v = (nx * dxi * dxi + ny * dyi * dyi - (nx * ny * dxy * dxy) / (nx + ny)) / (nx + ny);
      return v > 0 ? Math.sqrt(v) : 0;
    }
    case MEDIAN: {
      const v = 0.5 * (dxi * dxi + dyi * dyi) - 0.25 * dxy * dxy;
      return v > 0 ? Math.sqrt(v) : 0;
    }
    case WARD: {
      const t = 1.0 / (nx + ny + ni);
      const v = (ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy;
      return v > 0 ? Math.sqrt(v) : 0;
    }
    case WARD_D:
      return ((ni + nx) * dxi + (ni + ny) * dyi - ni * dxy) / (nx + ny + ni);
    default:
      throw new Error(`unknown linkage code ${code}`);
  }
}

/**
 * Update row/column y of a square matrix after merging x into y, for every active i != y.
 * One loop per method so the hot loop has no dispatch.
 */
export function updateSquare(
  D: Float64Array,
  n: number,
  code: number,
  x: number,
  y: number,
  dxy: number,
  nx: number,
  ny: number,
  size: Int32Array,
  active: Int32Array,
  m: number,
): void {
  const rx = x * n;
  const ry = y * n;
  switch (code) {
    case COMPLETE:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const v = Math.max(a, b);
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    case AVERAGE: {
      const s = nx + ny;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const v = (nx * D[rx + i]! + ny * D[ry + i]!) / s;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    }
    case WEIGHTED:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const v = 0.5 * (D[rx + i]! + D[ry + i]!);
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    case WARD:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const ni = size[i]!;
        const tt = 1.0 / (nx + ny + ni);
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const w = (ni + nx) * tt * a * a + (ni + ny) * tt * b * b - ni * tt * dxy * dxy;
        const v = w > 0 ? Math.sqrt(w) : 0;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    case CENTROID: {
      const s = nx + ny;
      const c = (nx * ny * dxy * dxy) / s;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const w = (nx * a * a + ny * b * b - c) / s;
        const v = w > 0 ? Math.sqrt(w) : 0;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    }
    case MEDIAN: {
      const c = 0.25 * dxy * dxy;
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const a = D[rx + i]!;
        const b = D[ry + i]!;
        const w = 0.5 * (a * a + b * b) - c;
        const v = w > 0 ? Math.sqrt(w) : 0;
        D[ry + i] = v;
        D[i * n + y] = v;
      }
      return;
    }
    default:
      for (let t = 0; t < m; t++) {
        const i = active[t]!;
        if (i === y) continue;
        const v = lanceWilliams(code, D[rx + i]!, D[ry + i]!, dxy, nx, ny, size[i]!);
        D[ry + i] = v;
        D[i * n + y] = v;
      }
  }
}

/** Scratch rows of the condensed update (`updateCondensed`): n doubles, n doubles, n sizes. */
export interface CondensedScratch {
  a: Float64Array;
  b: Float64Array;
  s: Int32Array;
}

export function condensedScratch(n: number): CondensedScratch {
  return { a: new Float64Array(n), b: new Float64Array(n), s: new Int32Array(n) };
}

/**
 * Update the dissimilarities to y in a condensed matrix (element (i, j), i < j, at off[i] + j)
 * after merging x into y at height dxy, for every active i != y (x no longer in `active`).
 *
 * In three passes, so that each stays one plain loop: gather d(x, i), d(y, i) and the sizes of
 * the active i into the contiguous scratch rows (three ranges of i: below x both values sit in
 * column x and column y, one row apart per i; between x and y, in row x and column y; above y,
 * in rows x and y, read in order), apply the method's update to the scratch rows (the loops of
 * `updateSquare`, the same operations), and write the results back to column y and row y.
 */
export function updateCondensed(
  D: Float64Array,
  off: Float64Array,
  code: number,
  x: number,
  y: number,
  dxy: number,
  nx: number,
  ny: number,
  size: Int32Array,
  active: Int32Array,
  m: number,
  scratch: CondensedScratch,
): void {
  const { a, b, s } = scratch;
  const rx = off[x]!;
  const ry = off[y]!;
  // gather: k counts the active i != y in order
  let t = 0;
  let k = 0;
  for (; t < m; t++) {
    const i = active[t]!;
    if (i > x) break;
    const o = off[i]!;
    a[k] = D[o + x]!;
    b[k] = D[o + y]!;
    s[k++] = size[i]!;
  }
  for (; t < m; t++) {
    const i = active[t]!;
    if (i >= y) break;
    a[k] = D[rx + i]!;
    b[k] = D[off[i]! + y]!;
    s[k++] = size[i]!;
  }
  const ty = t;
  for (t++; t < m; t++) {
    const i = active[t]!;
    a[k] = D[rx + i]!;
    b[k] = D[ry + i]!;
    s[k++] = size[i]!;
  }
  lanceWilliamsRows(code, a, b, s, k, dxy, nx, ny);
  // scatter the results (in a) to column y below y and row y above it
  k = 0;
  for (t = 0; t < ty; t++) D[off[active[t]!]! + y] = a[k++]!;
  for (t = ty + 1; t < m; t++) D[ry + active[t]!] = a[k++]!;
}

/**
 * a[k] = the Lance-Williams update of (a[k], b[k]) for a cluster of s[k] points, k < len: the
 * expressions of `updateSquare`, operation for operation.
 */
export function lanceWilliamsRows(
  code: number,
  a: Float64Array,
  b: Float64Array,
  s: Int32Array,
  len: number,
  dxy: number,
  nx: number,
  ny: number,
): void {
  switch (code) {
    case SINGLE:
      for (let k = 0; k < len; k++) a[k] = Math.min(a[k]!, b[k]!);
      return;
    case COMPLETE:
      for (let k = 0; k < len; k++) a[k] = Math.max(a[k]!, b[k]!);
      return;
    case AVERAGE: {
      const sum = nx + ny;
      for (let k = 0; k < len; k++) a[k] = (nx * a[k]! + ny * b[k]!) / sum;
      return;
    }
    case WEIGHTED:
      for (let k = 0; k < len; k++) a[k] = 0.5 * (a[k]! + b[k]!);
      return;
    case WARD:
      for (let k = 0; k < len; k++) {
        const ni = s[k]!;
        const tt = 1.0 / (nx + ny + ni);
        const u = a[k]!;
        const v = b[k]!;
        const w = (ni + nx) * tt * u * u + (ni + ny) * tt * v * v - ni * tt * dxy * dxy;
        a[k] = w > 0 ? Math.sqrt(w) : 0;
      }
      return;
    case CENTROID: {
      const sum = nx + ny;
      const c = (nx * ny * dxy * dxy) / sum;
      for (let k = 0; k < len; k++) {
        const u = a[k]!;
        const v = b[k]!;
        const w = (nx * u * u + ny * v * v - c) / sum;
        a[k] = w > 0 ? Math.sqrt(w) : 0;
      }
      return;
    }
    case MEDIAN: {
      const c = 0.25 * dxy * dxy;
      for (let k = 0; k < len; k++) {
        const u = a[k]!;
        const v = b[k]!;
        const w = 0.5 * (u * u + v * v) - c;
        a[k] = w > 0 ? Math.sqrt(w) : 0;
      }
      return;
    }
    default:
      for (let k = 0; k < len; k++) a[k] = lanceWilliams(code, a[k]!, b[k]!, dxy, nx, ny, s[k]!);
  }
}
