/**
 * Exact k nearest neighbours by a brute-force scan, in the shape of `nearestNeighbors`
 * (row i's k neighbours at [i k, (i + 1) k), itself first, then by increasing distance, ties by
 * row index), for t-SNE's input similarities.
 *
 * Distances: 'euclidean' (sqrt of the sum of squared differences), 'cityblock' (sum of absolute
 * differences) and 'cosine' (1 - x.y / (|x| |y|); a zero row is at distance 1 from every row
 * but itself, as scikit-learn's `cosine_distances` after its normalisation leaves it at zero).
 * Every pair is computed once (O(n^2 d / 2) time; Euclidean sums in four partial sums, columns
 * c = 0, 1, 2, 3 mod 4, the remainder to the first) and offered to the lists of both rows; each
 * list is a bounded max-heap of k - 1 entries, sorted at the end. Memory: O(n k).
 */
import type { FeatureMatrix } from '../data/dataset.js';

/** Distances t-SNE can take its neighbours by. */
export type TSNEMetric = 'euclidean' | 'cosine' | 'cityblock';

/** k nearest neighbours of every row (itself included, first). */
export interface NeighborGraph {
  n: number;
  k: number;
  indices: Int32Array;
  distances: Float64Array;
}

/** Options of `exactNeighbors`; `seed` and `method` are accepted for the shared shape. */
export interface ExactNeighborOptions {
  metric?: TSNEMetric;
  seed?: number;
  method?: 'exact';
}

/** (distance, index) of a before (distance, index) of b. */
function before(da: number, ia: number, db: number, ib: number): boolean {
  return da < db || (da === db && ia < ib);
}

/** Offers (d, j) to the max-heap of m entries at [base, base + m) with `size` filled. */
function offer(
  hd: Float64Array,
  hi: Int32Array,
  base: number,
  size: number,
  m: number,
  d: number,
  j: number,
): number {
  if (size < m) {
    // sift up
    let c = size;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!before(hd[base + p]!, hi[base + p]!, d, j)) break;
      hd[base + c] = hd[base + p]!;
      hi[base + c] = hi[base + p]!;
      c = p;
    }
    hd[base + c] = d;
    hi[base + c] = j;
    return size + 1;
  }
  if (!before(d, j, hd[base]!, hi[base]!)) return size;
  // replace the root and sift down
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= m) break;
    let g = l;
    const r = l + 1;
    if (r < m && before(hd[base + l]!, hi[base + l]!, hd[base + r]!, hi[base + r]!)) g = r;
    if (!before(d, j, hd[base + g]!, hi[base + g]!)) break;
    hd[base + c] = hd[base + g]!;
    hi[base + c] = hi[base + g]!;
    c = g;
  }
  hd[base + c] = d;
  hi[base + c] = j;
  return size;
}

/**
 * The k nearest rows of each row of x (k >= 1, k <= n; itself first), by a full scan.
 */
export function exactNeighbors(
  x: FeatureMatrix,
  k: number,
  options: ExactNeighborOptions = {},
): NeighborGraph {
  const metric = options.metric ?? 'euclidean';
  const n = x.rows;
  const d = x.cols;
  const m = k - 1;
  let data = x.data;
  if (metric === 'cosine') {
    // unit rows: the distance is 1 - their dot product
    data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += x.data[i * d + c]! * x.data[i * d + c]!;
      const f = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let c = 0; c < d; c++) data[i * d + c] = x.data[i * d + c]! * f;
    }
  }
  const hd = new Float64Array(n * Math.max(m, 1));
  const hi = new Int32Array(n * Math.max(m, 1));
  const size = new Int32Array(n);
  if (m > 0) {
    for (let i = 0; i < n; i++) {
      const a = i * d;
      for (let j = i + 1; j < n; j++) {
        const b = j * d;
        let s = 0;
        if (metric === 'euclidean') {
          // four partial sums: independent additions
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let c = 0;
          for (; c + 3 < d; c += 4) {
            const t0 = data[a + c]! - data[b + c]!;
            const t1 = data[a + c + 1]! - data[b + c + 1]!;
            const t2 = data[a + c + 2]! - data[b + c + 2]!;
            const t3 = data[a + c + 3]! - data[b + c + 3]!;
            s0 += t0 * t0;
            s1 += t1 * t1;
            s2 += t2 * t2;
            s3 += t3 * t3;
          }
          for (; c < d; c++) {
            const t = data[a + c]! - data[b + c]!;
            s0 += t * t;
          }
          s = s0 + s1 + (s2 + s3);
        } else if (metric === 'cityblock') {
          for (let c = 0; c < d; c++) s += Math.abs(data[a + c]! - data[b + c]!);
        } else {
          for (let c = 0; c < d; c++) s += data[a + c]! * data[b + c]!;
          s = 1 - s;
          if (s < 0) s = 0;
        }
        size[i] = offer(hd, hi, i * m, size[i]!, m, s, j);
        size[j] = offer(hd, hi, j * m, size[j]!, m, s, i);
      }
    }
  }
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const base = i * m;
    // heap sort in place: pop the largest to the end
    for (let s = m; s > 1; s--) {
      const ld = hd[base + s - 1]!;
      const li = hi[base + s - 1]!;
      hd[base + s - 1] = hd[base]!;
      hi[base + s - 1] = hi[base]!;
      let c = 0;
      const size1 = s - 1;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size1) break;
        let g = l;
        const r = l + 1;
        if (r < size1 && before(hd[base + l]!, hi[base + l]!, hd[base + r]!, hi[base + r]!)) g = r;
        if (!before(ld, li, hd[base + g]!, hi[base + g]!)) break;
        hd[base + c] = hd[base + g]!;
        hi[base + c] = hi[base + g]!;
        c = g;
      }
      hd[base + c] = ld;
      hi[base + c] = li;
    }
    indices[i * k] = i;
    distances[i * k] = 0;
    for (let q = 0; q < m; q++) {
      indices[i * k + 1 + q] = hi[base + q]!;
      const v = hd[base + q]!;
      distances[i * k + 1 + q] = metric === 'euclidean' ? Math.sqrt(v) : v;
    }
  }
  return { n, k, indices, distances };
}
