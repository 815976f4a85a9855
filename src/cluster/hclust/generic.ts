/**
 * Generic algorithm (Muellner 2011, sec. 3, the generic clustering algorithm) for centroid and
 * median.
 *
 * Input: D (working copy, overwritten), n points. Invariant: for every active x < n-1,
 * neighbor[x] is an active index > x and minDist[x] <= min over active j > x of d(x, j) (a lower
 * bound, exact when neighbor[x] is the nearest). A binary heap keyed by x holds minDist. Step:
 * pop the smallest candidate; if its stored distance still equals d(x, neighbor[x]) it is the
 * closest pair, otherwise recompute x's nearest neighbour and retry. After merging x into y,
 * update the dissimilarities to y, redirect candidates that pointed to x, lower the bounds of
 * indices < y that are now closer to y, and recompute y's own neighbour. Index n-1 is never
 * removed (the removed index is the smaller one), so every x < n-1 has a neighbour. The heap
 * uses strict comparisons in both sifts (ties keep their place), which fixes the order of equal
 * candidates. O(n^2 log n) worst case, close to O(n^2) in practice; O(n) extra memory.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { identity } from './distance.js';
import { centroidScans } from './kernels.js';
import { condensedScratch, updateCondensed, updateSquare } from './lance-williams.js';
import { condensedOffsets, positionSorted, removeSorted } from './matrix.js';

/** Binary min-heap over keys 0..size-1 with values, supporting value changes. */
class IndexedHeap {
  readonly values: Float64Array;
  readonly keyAt: Int32Array;
  readonly indexOf: Int32Array;
  size: number;

  constructor(values: Float64Array) {
    this.size = values.length;
    this.values = values.slice();
    this.keyAt = identity(this.size);
    this.indexOf = identity(this.size);
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  minKey(): number {
    return this.keyAt[0]!;
  }

  minValue(): number {
    return this.values[0]!;
  }

  removeMin(): void {
    this.swap(0, this.size - 1);
    this.size--;
    this.siftDown(0);
  }

  change(key: number, value: number): void {
    const i = this.indexOf[key]!;
    const old = this.values[i]!;
    this.values[i] = value;
    if (value < old) this.siftUp(i);
    else this.siftDown(i);
  }

  private siftUp(i: number): void {
    const v = this.values;
    let p = (i - 1) >> 1;
    while (i > 0 && v[p]! > v[i]!) {
      this.swap(i, p);
      i = p;
      p = (i - 1) >> 1;
    }
  }

  private siftDown(i: number): void {
    const v = this.values;
    let c = 2 * i + 1;
    while (c < this.size) {
      if (c + 1 < this.size && v[c + 1]! < v[c]!) c++;
      if (v[i]! > v[c]!) {
        this.swap(i, c);
        i = c;
        c = 2 * i + 1;
      } else break;
    }
  }

  private swap(i: number, j: number): void {
    const v = this.values;
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
    const ki = this.keyAt[i]!;
    const kj = this.keyAt[j]!;
    this.keyAt[i] = kj;
    this.keyAt[j] = ki;
    this.indexOf[ki] = j;
    this.indexOf[kj] = i;
  }
}

/**
 * The generic algorithm over an abstract dissimilarity: `dist(a, b)` for a < b, `nearest(x)`
 * writes the nearest active index > x and its dissimilarity, and `merge(x, y, h, nx, ny)` updates
 * the dissimilarities to y. Returns Z in merge order with cluster ids.
 */
function genericCore(
  n: number,
  dist: (a: number, b: number) => number,
  nearestAbove: (x: number, active: Int32Array, m: number, out: Float64Array) => void,
  merge: (
    x: number,
    y: number,
    h: number,
    nx: number,
    ny: number,
    size: Int32Array,
    active: Int32Array,
    m: number,
  ) => void,
  lowerBounds: (y: number, active: Int32Array, m: number, out: Float64Array) => void,
  height: (v: number) => number,
  size0: Int32Array,
): Float64Array {
  const Z = new Float64Array(4 * (n - 1));
  const size = size0.slice();
  const clusterId = identity(n);
  const neighbor = new Int32Array(n - 1);
  const minDist = new Float64Array(n - 1);
  const active = identity(n);
  let m = n;
  const found = new Float64Array(2);
  const below = new Float64Array(n);
  for (let x = 0; x < n - 1; x++) {
    nearestAbove(x, active, m, found);
    neighbor[x] = found[0]!;
    minDist[x] = found[1]!;
  }
  const heap = new IndexedHeap(minDist);
  for (let k = 0; k < n - 1; k++) {
    let x = 0;
    let y = 0;
    let h = 0;
    for (let i = 0; i < n - k; i++) {
      x = heap.minKey();
      h = heap.minValue();
      y = neighbor[x]!;
      if (h === dist(x, y)) break;
      nearestAbove(x, active, m, found);
      y = found[0]!;
      h = found[1]!;
      neighbor[x] = y;
      minDist[x] = h;
      heap.change(x, h);
    }
    heap.removeMin();
    let idx = clusterId[x]!;
    let idy = clusterId[y]!;
    if (idx > idy) {
      const t = idx;
      idx = idy;
      idy = t;
    }
    const nx = size[x]!;
    const ny = size[y]!;
    Z[4 * k] = idx;
    Z[4 * k + 1] = idy;
    Z[4 * k + 2] = height(h);
    Z[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    clusterId[y] = n + k;
    m = removeSorted(active, m, x);
    merge(x, y, h, nx, ny, size, active, m);
    for (let t = 0; t < m; t++) {
      const z = active[t]!;
      if (z >= x) break;
      if (neighbor[z] === x) neighbor[z] = y;
    }
    lowerBounds(y, active, m, below);
    for (let t = 0; t < m; t++) {
      const z = active[t]!;
      if (z >= y) break;
      const v = below[t]!;
      if (v < minDist[z]!) {
        neighbor[z] = y;
        minDist[z] = v;
        heap.change(z, v);
      }
    }
    if (y < n - 1) {
      nearestAbove(y, active, m, found);
      if (found[0]! >= 0) {
        neighbor[y] = found[0]!;
        minDist[y] = found[1]!;
        heap.change(y, found[1]!);
      }
    }
  }
  return Z;
}

export function genericSquare(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  return genericCore(
    n,
    (a, b) => D[a * n + b]!,
    (x, active, m, out) => {
      let cur = Infinity;
      let y = -1;
      const row = x * n;
      for (let t = positionSorted(active, m, x) + 1; t < m; t++) {
        const i = active[t]!;
        const v = D[row + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      out[0] = y;
      out[1] = cur;
    },
    (x, y, h, nx, ny, size, active, m) =>
      updateSquare(D, n, code, x, y, h, nx, ny, size, active, m),
    (y, active, m, out) => {
      const row = y * n;
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= y) break;
        out[t] = D[row + z]!;
      }
    },
    (v) => v,
    size0,
  );
}

export function genericCondensed(
  D: Float64Array,
  n: number,
  code: number,
  size0: Int32Array,
): Float64Array {
  const off = condensedOffsets(n);
  const scratch = condensedScratch(n);
  return genericCore(
    n,
    (a, b) => D[off[a]! + b]!,
    (x, active, m, out) => {
      let cur = Infinity;
      let y = -1;
      const row = off[x]!;
      for (let t = positionSorted(active, m, x) + 1; t < m; t++) {
        const i = active[t]!;
        const v = D[row + i]!;
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      out[0] = y;
      out[1] = cur;
    },
    (x, y, h, nx, ny, size, active, m) =>
      updateCondensed(D, off, code, x, y, h, nx, ny, size, active, m, scratch),
    (y, active, m, out) => {
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= y) break;
        out[t] = D[off[z]! + y]!;
      }
    },
    (v) => v,
    size0,
  );
}

/**
 * Centroid (or, with `median`, the unweighted midpoint) on stored data: the generic algorithm
 * with squared Euclidean distances between cluster centroids computed on demand; heights are
 * their square roots. Memory O(n d).
 */
export function genericFeatures(
  x: FeatureMatrix,
  median: boolean,
  size0: Int32Array,
): Float64Array {
  const n = x.rows;
  const d = x.cols;
  // the scans in WebAssembly SIMD (the same values), else JavaScript
  const scans = centroidScans(x, median);
  if (scans !== null) {
    const { dist, nearestAbove, merge, lowerBounds } = scans;
    return genericCore(n, dist, nearestAbove, merge, lowerBounds, Math.sqrt, size0);
  }
  const C = x.data.slice();
  const sq = (a: number, b: number): number => {
    const oa = a * d;
    const ob = b * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = C[oa + j]! - C[ob + j]!;
      s += t * t;
    }
    return s;
  };
  return genericCore(
    n,
    sq,
    (p, active, m, out) => {
      let cur = Infinity;
      let y = -1;
      for (let t = positionSorted(active, m, p) + 1; t < m; t++) {
        const i = active[t]!;
        const v = sq(p, i);
        if (v < cur) {
          cur = v;
          y = i;
        }
      }
      out[0] = y;
      out[1] = cur;
    },
    (p, q, _h, np, nq) => {
      const op = p * d;
      const oq = q * d;
      if (median) {
        for (let j = 0; j < d; j++) C[oq + j] = 0.5 * (C[op + j]! + C[oq + j]!);
      } else {
        const s = np + nq;
        for (let j = 0; j < d; j++) C[oq + j] = (np * C[op + j]! + nq * C[oq + j]!) / s;
      }
    },
    (q, active, m, out) => {
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= q) break;
        out[t] = sq(z, q);
      }
    },
    (v) => Math.sqrt(v),
    size0,
  );
}
