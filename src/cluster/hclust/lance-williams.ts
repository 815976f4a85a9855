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

/**
 * Update the dissimilarities to y in a condensed matrix (element (i, j), i < j, at off[i] + j)
 * after merging x into y at height dxy, for every active i != y.
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
): void {
  const rx = off[x]!;
  const ry = off[y]!;
  for (let t = 0; t < m; t++) {
    const i = active[t]!;
    if (i === y) continue;
    const ix = i < x ? off[i]! + x : rx + i;
    const iy = i < y ? off[i]! + y : ry + i;
    D[iy] = lanceWilliams(code, D[ix]!, D[iy]!, dxy, nx, ny, size[i]!);
  }
}
