import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../src/data/dataset.js';
import { symmetricEigen } from '../../src/decomposition/eigen.js';
import { trustworthiness } from '../../src/metrics/trustworthiness.js';
import { fitAB } from '../../src/projection/umap/curve.js';
import {
  components,
  fuzzyUnion,
  membership,
  type SparseGraph,
  smoothDistances,
} from '../../src/projection/umap/graph.js';
import { umap } from '../../src/projection/umap/index.js';
import { power, powerTable } from '../../src/projection/umap/pow.js';
import { spectralVectors } from '../../src/projection/umap/spectral.js';
import { OptionError } from '../../src/util/errors.js';
import { fixtureCsv } from './fixtures.js';
import { RandomState } from '../../src/util/random.js';

const dir = new URL('../fixtures/projection/', import.meta.url);
const uwot = JSON.parse(readFileSync(new URL('uwot.json', dir), 'utf8'));

const csv = (name: string): FeatureMatrix => fixtureCsv(name);

describe('the curve 1 / (1 + a d^(2b))', () => {
  it('has the a and b of uwot 0.1.14 (R nls) for every (minDist, spread)', () => {
    for (const { minDist, spread, a, b } of uwot.abParams) {
      const fit = fitAB(minDist, spread);
      expect(Math.abs(fit.a - a) / a).toBeLessThan(1e-6);
      expect(Math.abs(fit.b - b) / b).toBeLessThan(1e-6);
    }
  });
});

describe('power (x^y by tables)', () => {
  it('is within 1e-10 of Math.pow over a wide range of x, for exponents in [-2, 2]', () => {
    const rng = new RandomState(3);
    let worst = 0;
    for (const y of [-2, -1.2, -0.105, 0, 0.5, 0.8950608, 1, 1.334, 2]) {
      const t = powerTable(y);
      for (let s = 0; s < 50_000; s++) {
        const x = Math.exp((rng.randomSample() - 0.5) * 80);
        const exact = x ** y;
        worst = Math.max(worst, Math.abs(power(t, x) - exact) / exact);
      }
    }
    expect(worst).toBeLessThan(1e-10);
    const half = powerTable(0.5);
    expect(power(half, 0)).toBe(0);
    expect(power(half, 1e-310)).toBe(1e-310 ** 0.5);
    expect(power(half, 4)).toBeCloseTo(2, 10);
  });
});

describe('the fuzzy simplicial set', () => {
  // Four rows on a line at 0, 1, 3, 6; k = 3 (the row itself first).
  const knn = {
    n: 4,
    k: 3,
    indices: Int32Array.from([0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 2, 1]),
    distances: Float64Array.from([0, 1, 3, 0, 1, 2, 0, 2, 3, 0, 3, 5]),
  };

  it('sets rho to the nearest positive distance and sigma so the memberships sum to log2 k', () => {
    const { rho, sigma } = smoothDistances(knn, 1);
    expect(Array.from(rho)).toEqual([1, 1, 2, 3]);
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 1; j < 3; j++) {
        s += Math.exp(-Math.max(0, knn.distances[i * 3 + j]! - rho[i]!) / sigma[i]!);
      }
      expect(Math.abs(s - Math.log2(3))).toBeLessThan(1e-5);
    }
  });

  it('is the fuzzy union a + b - ab of the directed memberships, symmetric, without the diagonal', () => {
    const { rho, sigma } = smoothDistances(knn, 1);
    const w = membership(knn, rho, sigma);
    const g = fuzzyUnion(4, 3, knn.indices, w);
    const dense = new Float64Array(16);
    for (let i = 0; i < 4; i++) {
      for (let p = g.indptr[i]!; p < g.indptr[i + 1]!; p++)
        dense[i * 4 + g.indices[p]!] = g.weights[p]!;
    }
    const directed = new Float64Array(16);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) directed[i * 4 + knn.indices[i * 3 + j]!] = w[i * 3 + j]!;
    for (let i = 0; i < 4; i++) {
      expect(dense[i * 4 + i]).toBe(0);
      for (let j = 0; j < 4; j++) {
        const a = directed[i * 4 + j]!;
        const b = directed[j * 4 + i]!;
        expect(dense[i * 4 + j]).toBeCloseTo(a + b - a * b, 15);
        expect(dense[i * 4 + j]).toBe(dense[j * 4 + i]);
      }
    }
    // Row 0's neighbour 1 is at rho: membership 1 both ways.
    expect(dense[1]).toBe(1);
    expect(components(g).count).toBe(1);
  });
});

describe('the spectral initialisation', () => {
  it('finds the eigenvectors of the smallest nontrivial eigenvalues of the normalised Laplacian', () => {
    // A ring of 40 rows with chords: compare with a dense eigendecomposition of D^-1/2 W D^-1/2.
    const n = 40;
    const rows: number[][] = Array.from({ length: n }, () => []);
    const add = (i: number, j: number, w: number) => {
      rows[i]![j] = w;
      rows[j]![i] = w;
    };
    for (let i = 0; i < n; i++) {
      add(i, (i + 1) % n, 1);
      add(i, (i + 2) % n, 0.5 + (i % 3) * 0.1);
    }
    add(0, 20, 0.3);
    const indptr = new Int32Array(n + 1);
    const indices: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < n; i++) {
      rows[i]!.forEach((w, j) => {
        if (w !== undefined) {
          indices.push(j);
          weights.push(w);
        }
      });
      indptr[i + 1] = indices.length;
    }
    const g: SparseGraph = {
      n,
      indptr,
      indices: Int32Array.from(indices),
      weights: Float64Array.from(weights),
    };
    const v = spectralVectors(g, 2, new RandomState(0))!;
    const deg = new Float64Array(n);
    for (let i = 0; i < n; i++)
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) deg[i]! += weights[p]!;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
        m[i * n + indices[p]!] = weights[p]! / Math.sqrt(deg[i]! * deg[indices[p]!]!);
      }
    }
    const dense = symmetricEigen(m, n);
    expect(dense.values[0]).toBeCloseTo(1, 12);
    for (let c = 0; c < 2; c++) {
      // M v = lambda v with lambda the (c + 2)-th largest eigenvalue.
      const lambda = dense.values[c + 1]!;
      let norm = 0;
      let res = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += m[i * n + j]! * v[j * 2 + c]!;
        res += (s - lambda * v[i * 2 + c]!) ** 2;
        norm += v[i * 2 + c]! ** 2;
      }
      expect(Math.sqrt(norm)).toBeCloseTo(1, 10);
      expect(Math.sqrt(res)).toBeLessThan(1e-5);
    }
  });
});

describe('umap', () => {
  const digits = csv('digits.csv');
  const cancer = csv('breast_cancer_std.csv');
  const mean = (runs: { trustworthiness: number }[]) =>
    runs.reduce((s, r) => s + r.trustworthiness, 0) / runs.length;

  it("keeps digits' neighbourhoods as well as uwot does (trustworthiness, k = 15)", () => {
    const r = umap(digits, { seed: 42 });
    expect(r.embedding.rows).toBe(1797);
    expect(r.embedding.cols).toBe(2);
    expect(r.init).toBe('spectral');
    expect(r.nEpochs).toBe(500);
    const t = trustworthiness(digits, r.embedding, { nNeighbors: 15 });
    expect(t).toBeGreaterThanOrEqual(mean(uwot.datasets.digits.runs) - 0.01);
  }, 60_000);

  it('keeps the standardized breast cancer neighbourhoods as well as uwot does', () => {
    const r = umap(cancer, { seed: 42 });
    const t = trustworthiness(cancer, r.embedding, { nNeighbors: 15 });
    expect(t).toBeGreaterThanOrEqual(mean(uwot.datasets.breast_cancer_std.runs) - 0.01);
  }, 60_000);

  it('gives the same doubles for the same seed, others for another', () => {
    const a = umap(cancer, { seed: 7, nEpochs: 50 });
    const b = umap(cancer, { seed: 7, nEpochs: 50 });
    const c = umap(cancer, { seed: 8, nEpochs: 50 });
    expect(Buffer.from(a.embedding.data.buffer).equals(Buffer.from(b.embedding.data.buffer))).toBe(
      true,
    );
    expect(Buffer.from(a.embedding.data.buffer).equals(Buffer.from(c.embedding.data.buffer))).toBe(
      false,
    );
  });

  it('places new rows next to the fitted rows they resemble (transform)', () => {
    const r = umap(cancer, { seed: 1, nEpochs: 200 });
    const some = { rows: 50, cols: cancer.cols, data: cancer.data.slice(0, 50 * cancer.cols) };
    const placed = r.transform(some);
    expect(placed.rows).toBe(50);
    // Each transformed row lands among the 15 map neighbours of its own fitted place.
    let near = 0;
    const e = r.embedding.data;
    for (let i = 0; i < 50; i++) {
      const px = placed.data[i * 2]!;
      const py = placed.data[i * 2 + 1]!;
      const own = (px - e[i * 2]!) ** 2 + (py - e[i * 2 + 1]!) ** 2;
      let closer = 0;
      for (let j = 0; j < r.embedding.rows; j++) {
        if ((px - e[j * 2]!) ** 2 + (py - e[j * 2 + 1]!) ** 2 < own) closer++;
      }
      if (closer < 15) near++;
    }
    expect(near).toBeGreaterThanOrEqual(40);
    expect(() => r.transform([[1, 2]])).toThrow(/2 columns; the map was fitted on 30/);
  });

  it('handles tiny data: 2 and 5 rows, k larger than n, one column, several components', () => {
    expect(umap([[0], [1]]).embedding.rows).toBe(2);
    const five = umap(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [10, 10],
        [10, 11],
      ],
      { seed: 3 },
    );
    expect(five.nNeighbors).toBe(5);
    expect(five.embedding.data.every(Number.isFinite)).toBe(true);
    const two = [];
    for (let i = 0; i < 40; i++) two.push([i < 20 ? 0 : 1000, (i % 20) * 0.1, (i * 7) % 3]);
    const r = umap(two, { nNeighbors: 5, seed: 2 });
    expect(r.nGraphComponents).toBeGreaterThan(1);
    expect(r.init).toBe('pca');
  });

  it('maps data of extreme magnitude as the same data at ordinary scale (no overflow)', () => {
    const rows: number[][] = [];
    for (let i = 0; i < 60; i++) rows.push([i % 7, i * 0.1, (i * 13) % 5]);
    const big = rows.map((r) => r.map((v) => v * 2 ** 990));
    const small = rows.map((r) => r.map((v) => v * 2 ** -1000));
    const base = umap(rows, { seed: 4, nEpochs: 100 });
    for (const scaled of [big, small]) {
      const r = umap(scaled, { seed: 4, nEpochs: 100 });
      expect(r.nGraphComponents).toBe(base.nGraphComponents);
      expect(Array.from(r.embedding.data)).toEqual(Array.from(base.embedding.data));
    }
    const r = umap(big, { seed: 4, nEpochs: 100 });
    expect(r.knn.distances[1]).toBe(base.knn.distances[1]! * 2 ** 990);
    expect(Array.from(r.transform(big.slice(0, 3)).data)).toEqual(
      Array.from(base.transform(rows.slice(0, 3)).data),
    );
  });

  it('rejects bad options with their name', () => {
    expect(() => umap(cancer, { nNeighbors: 1 })).toThrow(OptionError);
    expect(() => umap(cancer, { minDist: 2 })).toThrow(/minDist \(2\) must not exceed spread/);
    expect(() => umap(cancer, { init: 'tsne' as 'pca' })).toThrow(/init/);
    expect(() => umap(cancer, { metric: 'hamming' as 'cosine' })).toThrow(/metric/);
    expect(() => umap(cancer, { nEpochs: 0 })).toThrow(/nEpochs/);
    expect(() => umap(cancer, { wrong: 1 } as object)).toThrow(/wrong/);
    expect(() => umap([[1, 2]])).toThrow(/at least 2 rows/);
    expect(() =>
      umap(
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
        { metric: 'cosine' },
      ),
    ).toThrow(/row 1 is all zeros/);
  });
});
