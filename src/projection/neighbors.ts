/**
 * k nearest neighbours of every row (interim brute force).
 */
import type { FeatureMatrix } from '../data/dataset.js';

export const PROJECTION_METRICS = ['euclidean', 'cosine', 'cityblock'] as const;
export type ProjectionMetric = (typeof PROJECTION_METRICS)[number];

export interface KnnGraph {
  readonly n: number;
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

export interface KnnOptions {
  metric: ProjectionMetric;
  seed: number;
  method: 'auto' | 'exact' | 'nndescent';
}

function dist(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  d: number,
  m: ProjectionMetric,
): number {
  let s = 0;
  if (m === 'euclidean') {
    for (let c = 0; c < d; c++) {
      const e = a[i * d + c]! - b[j * d + c]!;
      s += e * e;
    }
    return Math.sqrt(s);
  }
  if (m === 'cityblock') {
    for (let c = 0; c < d; c++) s += Math.abs(a[i * d + c]! - b[j * d + c]!);
    return s;
  }
  let uv = 0;
  let uu = 0;
  let vv = 0;
  for (let c = 0; c < d; c++) {
    uv += a[i * d + c]! * b[j * d + c]!;
    uu += a[i * d + c]! ** 2;
    vv += b[j * d + c]! ** 2;
  }
  return 1 - uv / Math.sqrt(uu * vv);
}

function search(
  x: FeatureMatrix,
  y: FeatureMatrix,
  k: number,
  metric: ProjectionMetric,
  self: boolean,
): KnnGraph {
  const n = y.rows;
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const row = new Float64Array(x.rows);
  const order = new Int32Array(x.rows);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < x.rows; j++) {
      row[j] = self && j === i ? -1 : dist(y.data, i, x.data, j, x.cols, metric);
      order[j] = j;
    }
    order.sort((p, q) => row[p]! - row[q]! || p - q);
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = order[t]!;
      distances[i * k + t] = self && t === 0 ? 0 : row[order[t]!]!;
    }
  }
  return { n, k, indices, distances };
}

export function nearestNeighbors(x: FeatureMatrix, k: number, options: KnnOptions): KnnGraph {
  return search(x, x, k, options.metric, true);
}

export function queryNeighbors(
  x: FeatureMatrix,
  y: FeatureMatrix,
  k: number,
  options: KnnOptions,
): KnnGraph {
  return search(x, y, k, options.metric, false);
}
