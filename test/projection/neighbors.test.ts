/**
 * The k-nearest-neighbour search of the projections: a hand-worked case, scikit-learn 1.2.1's
 * NearestNeighbors (test/fixtures/projection/make_neighbors.py), the WebAssembly scan against its
 * JavaScript twin, and nearest-neighbour descent against the exact graph.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../src/data/dataset.js';
import {
  type KnnGraph,
  nearestNeighbors,
  type ProjectionMetric,
  queryNeighbors,
} from '../../src/projection/neighbors.js';
import {
  joinerJs,
  joinSimd,
  SCAN_BLOCK,
  type ScanKind,
  scanJs,
  scanSimd,
} from '../../src/projection/knn-kernels.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';
import { created, withAndWithoutWasm } from '../helpers/wasm.js';

interface Reference {
  indices: number[][];
  distances: number[][];
  queryIndices: number[][];
  queryDistances: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/projection/neighbors.json', import.meta.url), 'utf8'),
) as { X: number[][]; Y: number[][]; k: number; metrics: Record<ProjectionMetric, Reference> };

const matrix = (rows: number[][]): FeatureMatrix => ({
  rows: rows.length,
  cols: rows[0]!.length,
  data: Float64Array.from(rows.flat()),
});
const rowsOf = (a: ArrayLike<number>, k: number): number[][] => {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += k) out.push(Array.from(a).slice(i, i + k));
  return out;
};

/** Seeded Gaussian blobs: `centres` centres uniform in [-6, 6]^cols, standard deviation 1. */
function blobs(rows: number, cols: number, centres: number, seed: number): FeatureMatrix {
  const rng = new RandomState(seed);
  const c = new Float64Array(centres * cols);
  for (let t = 0; t < c.length; t++) c[t] = rng.uniform(-6, 6);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const b = rng.randint(centres);
    for (let t = 0; t < cols; t++) data[i * cols + t] = c[b * cols + t]! + rng.gauss();
  }
  return { rows, cols, data };
}

/** Mean fraction of each row's neighbours in `truth` that `g` found. */
function recall(g: KnnGraph, truth: KnnGraph): number {
  let found = 0;
  for (let i = 0; i < g.n; i++) {
    const set = new Set(truth.indices.subarray(i * g.k, (i + 1) * g.k));
    for (let t = 0; t < g.k; t++) if (set.has(g.indices[i * g.k + t]!)) found++;
  }
  return found / (g.n * g.k);
}

const exact = (metric: ProjectionMetric = 'euclidean') =>
  ({ metric, seed: 0, method: 'exact' }) as const;

describe('nearestNeighbors, exact', () => {
  it('a hand-worked line: itself first, then by distance', () => {
    const x = matrix([[0], [1], [3], [7], [15]]);
    for (const metric of ['euclidean', 'cityblock'] as const) {
      const g = nearestNeighbors(x, 3, exact(metric));
      expect(g.n).toBe(5);
      expect(g.k).toBe(3);
      expect(rowsOf(g.indices, 3)).toEqual([
        [0, 1, 2],
        [1, 0, 2],
        [2, 1, 0],
        [3, 2, 1],
        [4, 3, 2],
      ]);
      expect(rowsOf(g.distances, 3)).toEqual([
        [0, 1, 3],
        [0, 1, 2],
        [0, 2, 3],
        [0, 4, 6],
        [0, 8, 12],
      ]);
    }
  });

  it('ties go to the smaller index; Euclidean distances are square roots', () => {
    // row 0 has rows 1, 2, 3 at distance 1 and row 4 at sqrt(2)
    const x = matrix([
      [0, 0],
      [1, 0],
      [0, 1],
      [-1, 0],
      [1, 1],
    ]);
    const g = nearestNeighbors(x, 4, exact());
    expect(Array.from(g.indices.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    expect(Array.from(g.distances.subarray(0, 4))).toEqual([0, 1, 1, 1]);
    // row 4: rows 1 and 2 at 1, then row 0 at sqrt(2), then row 3 at sqrt(5)
    expect(Array.from(g.indices.subarray(16, 20))).toEqual([4, 1, 2, 0]);
    expect(g.distances[19]).toBe(Math.SQRT2);
    const all = nearestNeighbors(x, 5, exact('cityblock'));
    expect(Array.from(all.indices.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(all.distances.subarray(0, 5))).toEqual([0, 1, 1, 1, 2]);
    expect(Array.from(all.indices.subarray(20, 25))).toEqual([4, 1, 2, 0, 3]);
    expect(Array.from(all.distances.subarray(20, 25))).toEqual([0, 1, 1, 2, 3]);
  });

  it('k = 1 is each row alone', () => {
    const g = nearestNeighbors(matrix([[1], [2], [4]]), 1, exact());
    expect(Array.from(g.indices)).toEqual([0, 1, 2]);
    expect(Array.from(g.distances)).toEqual([0, 0, 0]);
  });

  for (const metric of ['euclidean', 'cosine', 'cityblock', 'correlation'] as const) {
    it(`${metric}: scikit-learn's NearestNeighbors.kneighbors, WebAssembly and JavaScript alike`, () => {
      const ref = fixture.metrics[metric];
      const x = matrix(fixture.X);
      const { wasm, js } = withAndWithoutWasm(() => nearestNeighbors(x, fixture.k, exact(metric)));
      expect(wasm.indices).toEqual(js.indices);
      expect(wasm.distances).toEqual(js.distances);
      expect(rowsOf(wasm.indices, fixture.k)).toEqual(ref.indices);
      const got = rowsOf(wasm.distances, fixture.k);
      for (let i = 0; i < got.length; i++) {
        expect(got[i]![0]).toBe(0);
        // scikit-learn's own distance of a row to itself is a rounding error
        expect(ref.distances[i]![0]!).toBeLessThan(1e-6);
        for (let t = 1; t < fixture.k; t++) {
          expect(got[i]![t]!).toBeCloseTo(ref.distances[i]![t]!, 10);
        }
      }
    });

    it(`${metric}: queryNeighbors of new rows, exact and through the graph`, () => {
      const ref = fixture.metrics[metric];
      const x = matrix(fixture.X);
      const y = matrix(fixture.Y);
      const { wasm, js } = withAndWithoutWasm(() => queryNeighbors(x, y, fixture.k, exact(metric)));
      expect(wasm.indices).toEqual(js.indices);
      expect(wasm.distances).toEqual(js.distances);
      expect(wasm.n).toBe(9);
      expect(rowsOf(wasm.indices, fixture.k)).toEqual(ref.queryIndices);
      const got = rowsOf(wasm.distances, fixture.k);
      for (let i = 0; i < got.length; i++) {
        for (let t = 0; t < fixture.k; t++) {
          expect(got[i]![t]!).toBeCloseTo(ref.queryDistances[i]![t]!, 10);
        }
      }
      // the walk of the graph finds the same neighbours on this small set
      const opts = { metric, seed: 3, method: 'nndescent' } as const;
      const graph = nearestNeighbors(x, 10, opts);
      const walked = queryNeighbors(x, y, fixture.k, opts, graph);
      expect(rowsOf(walked.indices, fixture.k)).toEqual(ref.queryIndices);
      expect(walked.distances).toEqual(wasm.distances);
    });
  }
});

describe('the scan kernel', () => {
  const kinds: ScanKind[] = ['squares', 'absolute', 'dot'];
  it('gives the doubles of its JavaScript twin for every shape', () => {
    for (const cols of [1, 2, 7, 8, 33]) {
      for (const rows of [1, 9, 300]) {
        const x = blobs(rows, cols, 3, rows + cols);
        const q = blobs(5, cols, 2, 99);
        for (const kind of kinds) {
          const simd = created(scanSimd(x, q, kind));
          const twin = new Float64Array(SCAN_BLOCK + 8);
          for (let i = 0; i < 5; i++) {
            for (const [from, to] of [
              [0, Math.min(rows, SCAN_BLOCK)],
              [rows >> 1, Math.min(rows, (rows >> 1) + 11)],
              [rows - 1, rows],
            ] as const) {
              simd.scan(i, from, to);
              scanJs(x, q, kind, i, from, to, twin);
              const o = from & ~7;
              expect(simd.out.subarray(from - o, to - o)).toEqual(twin.subarray(from - o, to - o));
            }
          }
        }
      }
    }
  });

  it('the join of the descent gives the doubles of its JavaScript twin, cut short or not', () => {
    for (const cols of [1, 2, 7, 8, 17, 50]) {
      const x = blobs(40, cols, 3, cols);
      for (const kind of kinds) {
        const simd = created(joinSimd(40, cols, kind, 12));
        const twin = joinerJs(40, cols, kind, 12);
        simd.data.set(x.data);
        twin.data.set(x.data);
        const rng = new RandomState(cols);
        for (const [nNew, nOld] of [
          [12, 12],
          [5, 0],
          [1, 7],
          [12, 3],
        ] as const) {
          for (let t = 0; t < nNew + nOld; t++) {
            const id = rng.randint(40);
            // infinite bounds, bounds that cut most sums short, and ones in between
            const b = t % 3 === 0 ? Number.POSITIVE_INFINITY : (t % 3) * cols * 0.5;
            simd.ids[t] = twin.ids[t] = id;
            simd.bounds[t] = twin.bounds[t] = b;
          }
          simd.out.fill(Number.NaN);
          simd.join(nNew, nOld);
          twin.join(nNew, nOld);
          const pairs = (nNew * (nNew - 1)) / 2 + nNew * nOld;
          expect(simd.out.subarray(0, pairs)).toEqual(twin.out.subarray(0, pairs));
          expect(simd.out[pairs]).toBeNaN();
        }
      }
    }
  });

  it('descent graphs are the same with and without WebAssembly', () => {
    const x = blobs(600, 9, 4, 3);
    for (const metric of ['euclidean', 'cosine', 'cityblock'] as const) {
      const { wasm, js } = withAndWithoutWasm(() =>
        nearestNeighbors(x, 10, { metric, seed: 5, method: 'nndescent' }),
      );
      expect(wasm.indices).toEqual(js.indices);
      expect(wasm.distances).toEqual(js.distances);
    }
  });

  it('exact graphs over several blocks are the same with and without WebAssembly', () => {
    const x = blobs(700, 13, 4, 1);
    for (const metric of ['euclidean', 'cosine', 'cityblock'] as const) {
      const { wasm, js } = withAndWithoutWasm(() => nearestNeighbors(x, 9, exact(metric)));
      expect(wasm.indices).toEqual(js.indices);
      expect(wasm.distances).toEqual(js.distances);
      // each row is first; distances ascend
      for (let i = 0; i < 700; i++) {
        expect(wasm.indices[i * 9]).toBe(i);
        for (let t = 1; t < 9; t++) {
          expect(wasm.distances[i * 9 + t]!).toBeGreaterThanOrEqual(wasm.distances[i * 9 + t - 1]!);
        }
      }
    }
  });
});

describe('nearest-neighbour descent', () => {
  const x = blobs(3000, 20, 8, 5);
  const truth = nearestNeighbors(x, 15, exact());

  it('finds at least 90% of the exact neighbours, with their exact distances, the same for a seed', () => {
    const opts = { metric: 'euclidean', seed: 11, method: 'nndescent' } as const;
    const g = nearestNeighbors(x, 15, opts);
    expect(recall(g, truth)).toBeGreaterThanOrEqual(0.9);
    const again = nearestNeighbors(x, 15, opts);
    expect(again.indices).toEqual(g.indices);
    expect(again.distances).toEqual(g.distances);
    const other = nearestNeighbors(x, 15, { ...opts, seed: 12 });
    expect(recall(other, truth)).toBeGreaterThanOrEqual(0.9);
    // a neighbour found has the distance of the exact search
    const exactOf = new Map<number, number>();
    for (let i = 0; i < 50; i++) {
      exactOf.clear();
      for (let t = 0; t < 15; t++) {
        exactOf.set(truth.indices[i * 15 + t]!, truth.distances[i * 15 + t]!);
      }
      expect(g.indices[i * 15]).toBe(i);
      for (let t = 0; t < 15; t++) {
        const d = exactOf.get(g.indices[i * 15 + t]!);
        if (d !== undefined) expect(g.distances[i * 15 + t]).toBe(d);
      }
    }
  });

  it('cosine and cityblock too', () => {
    for (const metric of ['cosine', 'cityblock'] as const) {
      const t = nearestNeighbors(x, 10, exact(metric));
      const g = nearestNeighbors(x, 10, { metric, seed: 1, method: 'nndescent' });
      expect(recall(g, t)).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('with k equal to the rows, every row', () => {
    const small = blobs(12, 3, 2, 8);
    const a = nearestNeighbors(small, 12, { metric: 'euclidean', seed: 0, method: 'nndescent' });
    const b = nearestNeighbors(small, 12, exact());
    expect(a.indices).toEqual(b.indices);
    expect(a.distances).toEqual(b.distances);
    // more rows than a leaf holds, in four far blobs: every row still, and for new rows too
    const more = blobs(150, 4, 4, 9);
    const opts = { metric: 'euclidean', seed: 2, method: 'nndescent' } as const;
    const c = nearestNeighbors(more, 150, opts);
    const e = nearestNeighbors(more, 150, exact());
    expect(c.indices).toEqual(e.indices);
    expect(c.distances).toEqual(e.distances);
    const y = blobs(5, 4, 4, 10);
    const q = queryNeighbors(more, y, 150, opts, nearestNeighbors(more, 15, opts));
    expect(q.indices).toEqual(queryNeighbors(more, y, 150, exact()).indices);
  });

  it('queries new rows through the graph', () => {
    const y = blobs(200, 20, 8, 5); // the same centres, new draws
    const opts = { metric: 'euclidean', seed: 4, method: 'nndescent' } as const;
    const ref = queryNeighbors(x, y, 15, exact());
    const got = queryNeighbors(x, y, 15, opts, nearestNeighbors(x, 15, opts));
    expect(recall(got, ref)).toBeGreaterThanOrEqual(0.9);
    // without a graph, one is computed
    const own = queryNeighbors(x, y, 15, opts);
    expect(recall(own, ref)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('checks', () => {
  const x = matrix([
    [0, 1],
    [1, 0],
    [0, 0],
  ]);
  it('names bad options', () => {
    expect(() => nearestNeighbors(x, 2, { ...exact(), metric: 'minkowski' as 'cosine' })).toThrow(
      OptionError,
    );
    expect(() => nearestNeighbors(x, 2, { ...exact(), method: 'kd' as 'exact' })).toThrow(
      /'method'/,
    );
    expect(() => nearestNeighbors(x, 4, exact())).toThrow(/'k'/);
    expect(() => queryNeighbors(x, matrix([[1, 2, 3]]), 2, exact())).toThrow(DataError);
  });
  it('refuses a row of zeros for cosine, and a constant row for correlation', () => {
    expect(() => nearestNeighbors(x, 2, exact('cosine'))).toThrow(DataError);
    expect(() =>
      nearestNeighbors(
        matrix([
          [1, 2],
          [3, 3],
        ]),
        2,
        exact('correlation'),
      ),
    ).toThrow(/equal values/);
  });
});
