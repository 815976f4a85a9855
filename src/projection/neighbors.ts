/**
 * The k-nearest-neighbour graph of the nonlinear maps (UMAP, t-SNE): exact by a blocked
 * brute-force scan (knn-kernels.ts, WebAssembly SIMD with a JavaScript twin) or approximate by
 * nearest-neighbour descent (nndescent.ts).
 *
 * The exact scan takes every pair once: tiles of 64 query rows by SCAN_BLOCK data rows (so the
 * block stays in cache), each pair's value offered to both rows' bounded lists (heap.ts). Memory:
 * O(n k) beyond the data, plus a copy of the data (in panels for the kernel, or normalised for
 * cosine and correlation). Time O(n^2 d).
 *
 * The metrics compare keys: the sum of squared differences for 'euclidean' (its square root is
 * the distance), the sum of absolute differences for 'cityblock', 1 - u.v of the rows scaled to
 * unit length for 'cosine' (as scikit-learn's cosine_distances, clipped below at 0), and the same
 * of the rows centred first for 'correlation'. Lists are ordered by (distance, index): each row
 * is first in its own list (distance 0), ties go to the smaller index.
 */
import type { FeatureMatrix } from '../data/dataset.js';
import { DataError } from '../util/errors.js';
import { RandomState } from '../util/random.js';
import { checkInteger, checkKeyword, checkKnownOptions } from '../util/validate.js';
import { type NeighborHeaps, neighborHeaps, push, sortHeaps } from './heap.js';
import { SCAN_BLOCK, type ScanKind, scanner } from './knn-kernels.js';
import { descent, descentQuery } from './nndescent.js';

/** The metrics of the neighbour search. */
export const PROJECTION_METRICS = ['euclidean', 'cosine', 'cityblock', 'correlation'] as const;
/** One of PROJECTION_METRICS. */
export type ProjectionMetric = (typeof PROJECTION_METRICS)[number];

/** The methods of the neighbour search: 'auto' is exact up to `exactMaxRows(k)` rows. */
export const KNN_METHODS = ['auto', 'exact', 'nndescent'] as const;

/**
 * Most rows for which 'auto' searches exactly; beyond, nearest-neighbour descent, which is then
 * faster (its time grows about as n log n, the scan's as n^2) and finds nearly all neighbours.
 * Queries are exact while they take at most the pairs of this exact graph (EXACT_MAX_ROWS^2 / 2).
 */
export const EXACT_MAX_ROWS = 8192;

/**
 * Most rows for which 'auto' searches k neighbours exactly: EXACT_MAX_ROWS for up to 15, and
 * proportionally more for more neighbours, as the descent's work grows with k while the scan's
 * does not (t-SNE's 91 neighbours of 10,000 x 50 rows: 2.2 s exact, 9 s by descent).
 */
export function exactMaxRows(k: number): number {
  return Math.max(EXACT_MAX_ROWS, Math.floor((EXACT_MAX_ROWS * k) / 15));
}

/** A k-nearest-neighbour graph. */
export interface KnnGraph {
  /** Rows. */
  readonly n: number;
  /** Neighbours per row. */
  readonly k: number;
  /**
   * Row i's neighbours at [i*k, (i+1)*k): itself first (distance 0, for a graph of the data),
   * then ascending by (distance, index).
   */
  readonly indices: Int32Array;
  /** The distances of the metric (Euclidean: the square root of the sum of squares). */
  readonly distances: Float64Array;
}

/** Options of `nearestNeighbors` and `queryNeighbors`. */
export interface KnnOptions {
  metric: ProjectionMetric;
  /** Seed of the random-projection trees and samples of nearest-neighbour descent. */
  seed: number;
  /** 'exact' (brute force), 'nndescent' (approximate), or 'auto' (by size). */
  method: 'auto' | 'exact' | 'nndescent';
  /** The function named in error messages. Default: the search's own name. */
  caller?: string;
}

const KNOWN = ['metric', 'seed', 'method', 'caller'] as const;

/** The data as the search compares it, and how keys become distances. */
interface Prepared {
  readonly x: FeatureMatrix;
  readonly kind: ScanKind;
}

/** Rows scaled to unit length (centred first for correlation); DataError on a zero row. */
function prepare(x: FeatureMatrix, metric: ProjectionMetric, fn: string): Prepared {
  if (metric === 'euclidean') return { x, kind: 'squares' };
  if (metric === 'cityblock') return { x, kind: 'absolute' };
  const { rows: n, cols: d, data } = x;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let mean = 0;
    if (metric === 'correlation') {
      for (let t = 0; t < d; t++) mean += data[o + t]!;
      mean /= d;
    }
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = data[o + t]! - mean;
      out[o + t] = v;
      s += v * v;
    }
    const r = Math.sqrt(s);
    if (!(r > 0)) {
      const what = metric === 'cosine' ? 'is all zeros' : 'has equal values in every column';
      throw new DataError(
        `${fn}: row ${i + 1} ${what}, which has no ${metric} distance; remove it or use another metric.`,
        { row: i },
      );
    }
    for (let t = 0; t < d; t++) out[o + t] = out[o + t]! / r;
  }
  return { x: { rows: n, cols: d, data: out }, kind: 'dot' };
}

/** A key of the scan (raw value) as the key the lists compare. */
const keyOf = (kind: ScanKind, v: number): number => (kind === 'dot' ? 1 - v : v);

/** The distance of a key. */
const distanceOf = (kind: ScanKind, key: number): number =>
  kind === 'squares' ? Math.sqrt(key) : kind === 'dot' ? Math.max(0, key) : key;

/** Lists of the `size` nearest other rows of every row, by the blocked scan of every pair. */
function exactHeaps(p: Prepared, size: number): NeighborHeaps {
  const n = p.x.rows;
  const h = neighborHeaps(n, size);
  if (size === 0) return h;
  const sc = scanner(p.x, p.x, p.kind);
  const out = sc.out;
  const dot = p.kind === 'dot';
  // each row's worst key once its list is full (infinity before): most pairs stop at this test
  const worst = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const keys = h.keys;
  const count = h.count;
  const TILE = 64;
  for (let bi = 0; bi < n; bi += TILE) {
    const ei = Math.min(bi + TILE, n);
    for (let bj = bi; bj < n; bj += SCAN_BLOCK) {
      const ej = Math.min(bj + SCAN_BLOCK, n);
      for (let i = bi; i < ei; i++) {
        const from = Math.max(bj, i + 1);
        if (from >= ej) continue;
        sc.scan(i, from, ej);
        const o = from & ~7;
        let wi = worst[i]!;
        for (let j = from; j < ej; j++) {
          const v = out[j - o]!;
          const key = dot ? 1 - v : v;
          if (key <= wi && push(h, i, key, j, 0, false) && count[i] === size) wi = keys[i * size]!;
          if (key <= worst[j]! && push(h, j, key, i, 0, false) && count[j] === size) {
            worst[j] = keys[j * size]!;
          }
        }
        worst[i] = wi;
      }
    }
  }
  return h;
}

/** Lists of the `size` nearest rows of x to every row of y, by a blocked scan. */
function exactQueryHeaps(p: Prepared, q: Prepared, size: number): NeighborHeaps {
  const m = q.x.rows;
  const n = p.x.rows;
  const h = neighborHeaps(m, size);
  if (size === 0) return h;
  const sc = scanner(p.x, q.x, p.kind);
  const out = sc.out;
  const TILE = 64;
  for (let bi = 0; bi < m; bi += TILE) {
    const ei = Math.min(bi + TILE, m);
    for (let bj = 0; bj < n; bj += SCAN_BLOCK) {
      const ej = Math.min(bj + SCAN_BLOCK, n);
      for (let i = bi; i < ei; i++) {
        sc.scan(i, bj, ej);
        let wi = h.count[i] === size ? h.keys[i * size]! : Number.POSITIVE_INFINITY;
        for (let j = bj; j < ej; j++) {
          const key = keyOf(p.kind, out[j - bj]!); // bj is a multiple of 8
          if (key <= wi && push(h, i, key, j, 0, false) && h.count[i] === size) {
            wi = h.keys[i * size]!;
          }
        }
      }
    }
  }
  return h;
}

/**
 * The graph of sorted lists: each row's distances from its keys, ordered by (distance, index)
 * (a key order can tie once the keys are distances), after the row itself when `self`.
 */
function toGraph(h: NeighborHeaps, kind: ScanKind, self: boolean): KnnGraph {
  sortHeaps(h);
  const { n, size, keys, ids } = h;
  const k = size + (self ? 1 : 0);
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let at = o;
    if (self) {
      indices[at] = i;
      distances[at] = 0;
      at++;
    }
    const base = i * size;
    const first = at;
    for (let t = 0; t < size; t++, at++) {
      const v = distanceOf(kind, keys[base + t]!);
      const id = ids[base + t]!;
      // insertion by (distance, index); the keys are sorted, so this moves little
      let u = at;
      while (
        u > first &&
        (distances[u - 1]! > v || (distances[u - 1] === v && indices[u - 1]! > id))
      ) {
        distances[u] = distances[u - 1]!;
        indices[u] = indices[u - 1]!;
        u--;
      }
      distances[u] = v;
      indices[u] = id;
    }
  }
  return { n, k, indices, distances };
}

function checkOptions(fn: string, options: KnnOptions): void {
  checkKnownOptions(fn, options, KNOWN);
  checkKeyword(fn, 'metric', options.metric, PROJECTION_METRICS);
  checkKeyword(fn, 'method', options.method, KNN_METHODS);
  checkInteger(fn, 'seed', options.seed, 0, 0xffffffff);
}

/**
 * The k nearest neighbours of every row of x (k counts the row itself, first at distance 0):
 * exact, by nearest-neighbour descent (approximate, deterministic for a seed), or 'auto' (exact
 * up to `exactMaxRows(k)` rows). The caller checks 1 <= k <= rows and finite data.
 */
export function nearestNeighbors(x: FeatureMatrix, k: number, options: KnnOptions): KnnGraph {
  const fn = options.caller ?? 'nearestNeighbors';
  checkOptions(fn, options);
  checkInteger(fn, 'k', k, 1, Math.max(1, x.rows));
  const p = prepare(x, options.metric, fn);
  const exact =
    options.method === 'exact' || (options.method === 'auto' && x.rows <= exactMaxRows(k));
  const h = exact
    ? exactHeaps(p, k - 1)
    : descent(p.x, p.kind, k - 1, new RandomState(options.seed));
  return toGraph(h, p.kind, true);
}

/**
 * The k nearest rows of x to each row of y (for placing new rows in a fitted map; no row is
 * skipped as itself). Exact, or by a best-first walk of the graph of x (`graph`, computed when
 * not given) from the leaves of random-projection trees; 'auto' is exact while rows of x times
 * rows of y stay at most EXACT_MAX_ROWS^2 / 2.
 */
export function queryNeighbors(
  x: FeatureMatrix,
  y: FeatureMatrix,
  k: number,
  options: KnnOptions,
  graph?: KnnGraph,
): KnnGraph {
  const fn = options.caller ?? 'queryNeighbors';
  checkOptions(fn, options);
  checkInteger(fn, 'k', k, 1, Math.max(1, x.rows));
  if (y.cols !== x.cols) {
    throw new DataError(
      `${fn}: the new rows have ${y.cols} columns, the data ${x.cols}. Give rows of the same columns.`,
    );
  }
  const p = prepare(x, options.metric, fn);
  const q = prepare(y, options.metric, fn);
  const exact =
    options.method === 'exact' ||
    (options.method === 'auto' && x.rows * y.rows <= (EXACT_MAX_ROWS * EXACT_MAX_ROWS) / 2);
  if (exact) return toGraph(exactQueryHeaps(p, q, k), p.kind, false);
  const g = graph ?? nearestNeighbors(x, Math.min(x.rows, Math.max(k, 15)), options);
  if (g.n !== x.rows) {
    throw new DataError(`${fn}: the graph has ${g.n} rows, the data ${x.rows}.`);
  }
  const rng = new RandomState(options.seed);
  const bound = p.kind === 'squares' ? 1.1 * 1.1 : 1.1;
  const h = descentQuery(p.x, q.x, p.kind, k, g.indices, g.k, rng, 2, bound);
  return toGraph(h, p.kind, false);
}
