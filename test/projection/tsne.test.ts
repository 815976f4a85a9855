/**
 * Barnes-Hut t-SNE (src/projection/tsne.ts): the input similarities against scikit-learn 1.2.1
 * (test/fixtures/projection/make_tsne.py), the gradient against finite differences of the exact
 * KL divergence, the quadtree at theta = 0 against direct sums, determinism, the quality of a
 * small embedding, and the option checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../src/data/dataset.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { trustworthiness } from '../../src/metrics/trustworthiness.js';
import { QuadTree } from '../../src/projection/quadtree.js';
import {
  conditionalProbabilities,
  jointProbabilities,
  type SparseRows,
} from '../../src/projection/tsne-affinities.js';
import { nearestNeighbors } from '../../src/projection/neighbors.js';
import {
  gradient,
  inputSimilarities,
  klDivergence,
  startingPoint,
  tsne,
  upperTriangle,
} from '../../src/projection/tsne.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/projection/tsne.json', import.meta.url), 'utf8'),
) as {
  perplexity: number;
  k: number;
  X: number[][];
  neighbors: number[][];
  sqdistances: number[][];
  conditional: number[][];
  P: number[][];
  metrics: Record<'cosine' | 'cityblock', { neighbors: number[][]; P: number[][] }>;
};

function matrix(rows: number[][]): FeatureMatrix {
  return { rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) };
}

/** Dense copy of a sparse P. */
function dense(P: SparseRows): Float64Array {
  const out = new Float64Array(P.n * P.n);
  for (let i = 0; i < P.n; i++) {
    for (let t = P.rowStart[i]!; t < P.rowStart[i + 1]!; t++) {
      out[i * P.n + P.columns[t]!] = P.values[t]!;
    }
  }
  return out;
}

/** Seeded Gaussian blobs: `centers` centres at N(0, spread^2), rows at N(centre, 1). */
function blobs(n: number, d: number, centers: number, spread: number, seed: number): FeatureMatrix {
  const rng = new RandomState(seed);
  const c = new Float64Array(centers * d);
  for (let t = 0; t < c.length; t++) c[t] = rng.gauss() * spread;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = c[(i % centers) * d + j]! + rng.gauss();
  }
  return { rows: n, cols: d, data };
}

/** 0, 1, ..., n - 1. */
function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Exact KL(P || Q) over all pairs, P dense. */
function exactKL(Pd: Float64Array, y: Float64Array, n: number): number {
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      z += 1 / (1 + dx * dx + dy * dy);
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = Pd[i * n + j]!;
      if (i === j || p === 0) continue;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      kl += p * Math.log(p / (1 / (1 + dx * dx + dy * dy) / z));
    }
  }
  return kl;
}

describe('t-SNE input similarities', () => {
  const n = fixture.X.length;
  const K = fixture.k;

  it('the neighbours are scikit-learn NearestNeighbors (itself first, then by distance)', () => {
    const g = nearestNeighbors(matrix(fixture.X), K + 1, {
      metric: 'euclidean',
      seed: 0,
      method: 'exact',
    });
    for (let i = 0; i < n; i++) {
      expect(g.indices[i * (K + 1)]).toBe(i);
      expect(Array.from(g.indices.subarray(i * (K + 1) + 1, (i + 1) * (K + 1)))).toEqual(
        fixture.neighbors[i],
      );
      for (let q = 0; q < K; q++) {
        const d = g.distances[i * (K + 1) + 1 + q]!;
        // the fixture's squared distances are float32
        expect(Math.abs(d * d - fixture.sqdistances[i]![q]!)).toBeLessThan(1e-5 * (1 + d * d));
      }
    }
  });

  it('conditional probabilities equal _binary_search_perplexity on the same distances', () => {
    const dist = Float64Array.from(fixture.sqdistances.flat());
    const betas = new Float64Array(n);
    const cond = conditionalProbabilities(dist, n, K, fixture.perplexity, betas);
    const ref = fixture.conditional.flat();
    let worst = 0;
    for (let t = 0; t < n * K; t++) worst = Math.max(worst, Math.abs(cond[t]! - ref[t]!));
    expect(worst).toBeLessThan(1e-14);
    // every row's entropy is log(perplexity) within the tolerance
    for (let i = 0; i < n; i++) {
      let h = 0;
      let s = 0;
      for (let q = 0; q < K; q++) {
        const p = cond[i * K + q]!;
        s += p;
        if (p > 0) h -= p * Math.log(p);
      }
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      expect(Math.abs(h - Math.log(fixture.perplexity))).toBeLessThanOrEqual(1e-5 + 1e-12);
      expect(betas[i]).toBeGreaterThan(0);
    }
  });

  it('the joint P equals _joint_probabilities_nn (float32 distances there: 1e-5 relative)', () => {
    const P = inputSimilarities(matrix(fixture.X), fixture.perplexity, K, 'euclidean');
    const Pd = dense(P);
    const ref = fixture.P.flat();
    let total = 0;
    let worst = 0;
    let zeros = 0;
    let asymmetric = 0;
    for (let t = 0; t < n * n; t++) {
      total += Pd[t]!;
      if ((Pd[t] === 0) !== (ref[t] === 0)) zeros++;
      if (ref[t]! > 0) worst = Math.max(worst, Math.abs(Pd[t]! - ref[t]!) / ref[t]!);
      if (Pd[t] !== Pd[(t % n) * n + Math.floor(t / n)]) asymmetric++;
    }
    expect(zeros).toBe(0);
    expect(asymmetric).toBe(0);
    expect(worst).toBeLessThan(1e-5);
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    // compressed rows: columns ascending
    for (let i = 0; i < n; i++) {
      for (let t = P.rowStart[i]! + 1; t < P.rowStart[i + 1]!; t++) {
        expect(P.columns[t]!).toBeGreaterThan(P.columns[t - 1]!);
      }
    }
  });

  for (const metric of ['cosine', 'cityblock'] as const) {
    it(`metric '${metric}': the neighbours and P of scikit-learn (unsquared distances)`, () => {
      const ref = fixture.metrics[metric];
      const g = nearestNeighbors(matrix(fixture.X), K + 1, { metric, seed: 0, method: 'exact' });
      for (let i = 0; i < n; i++) {
        expect(Array.from(g.indices.subarray(i * (K + 1) + 1, (i + 1) * (K + 1)))).toEqual(
          ref.neighbors[i],
        );
      }
      const Pd = dense(inputSimilarities(matrix(fixture.X), fixture.perplexity, K, metric));
      const flat = ref.P.flat();
      let worst = 0;
      let zeros = 0;
      for (let t = 0; t < n * n; t++) {
        if ((Pd[t] === 0) !== (flat[t] === 0)) zeros++;
        if (flat[t]! > 0) worst = Math.max(worst, Math.abs(Pd[t]! - flat[t]!) / flat[t]!);
      }
      expect(zeros).toBe(0);
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('joins (i, j) found from both sides into one entry: a hand-worked case', () => {
    // 3 rows, K = 1: 0 -> 1 (1), 1 -> 0 (1), 2 -> 1 (1): C + C^T = [[0,2,0],[2,0,1],[0,1,0]]
    const P = jointProbabilities(Int32Array.from([1, 0, 1]), Float64Array.from([1, 1, 1]), 3, 1);
    expect(Array.from(P.rowStart)).toEqual([0, 1, 3, 4]);
    expect(Array.from(P.columns)).toEqual([1, 0, 2, 1]);
    expect(Array.from(P.values)).toEqual([2 / 6, 2 / 6, 1 / 6, 1 / 6]);
  });
});

describe('t-SNE gradient and quadtree', () => {
  it('theta = 0: the gradient times 4 is the derivative of the exact KL (finite differences)', () => {
    const x = blobs(12, 3, 2, 3, 5);
    const P = inputSimilarities(x, 3, 9, 'euclidean');
    const n = x.rows;
    const Pd = dense(P);
    const rng = new RandomState(1);
    const y = new Float64Array(2 * n);
    for (let t = 0; t < 2 * n; t++) y[t] = rng.gauss();
    const grad = new Float64Array(2 * n);
    gradient(
      upperTriangle(P, identity(n), identity(n)),
      y,
      1,
      0,
      new QuadTree(n),
      new Float64Array(2 * n),
      grad,
    );
    const h = 1e-6;
    for (let t = 0; t < 2 * n; t++) {
      const keep = y[t]!;
      y[t] = keep + h;
      const up = exactKL(Pd, y, n);
      y[t] = keep - h;
      const down = exactKL(Pd, y, n);
      y[t] = keep;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(4 * grad[t]! - numeric)).toBeLessThan(1e-7);
    }
    // klDivergence at theta = 0 is the exact KL of the sparse P
    const kl = klDivergence(P, y, 0, new QuadTree(n), new Float64Array(2 * n));
    expect(Math.abs(kl - exactKL(Pd, y, n))).toBeLessThan(1e-12);
  });

  it('theta = 0: the repulsion and Z are the direct sums, duplicate points included', () => {
    const n = 40;
    const rng = new RandomState(3);
    const y = new Float64Array(2 * n);
    for (let t = 0; t < 2 * n; t++) y[t] = rng.gauss() * (t < 20 ? 1e-3 : 5);
    // rows 5, 6, 7 at one position; row 8 on the root's dividing lines is not special-cased
    y[12] = y[10]!;
    y[13] = y[11]!;
    y[14] = y[10]!;
    y[15] = y[11]!;
    const tree = new QuadTree(n);
    tree.build(y);
    expect(tree.size).toBeLessThanOrEqual(2 * n - 1);
    const force = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const z = tree.repulsion(i, 0, force);
      let zz = 0;
      let fx = 0;
      let fy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dx = y[2 * i]! - y[2 * j]!;
        const dy = y[2 * i + 1]! - y[2 * j + 1]!;
        const w = 1 / (1 + dx * dx + dy * dy);
        zz += w;
        fx += w * w * dx;
        fy += w * w * dy;
      }
      expect(Math.abs(z - zz)).toBeLessThan(1e-12 * zz);
      expect(Math.abs(force[2 * i]! - fx)).toBeLessThan(1e-12);
      expect(Math.abs(force[2 * i + 1]! - fy)).toBeLessThan(1e-12);
    }
  });

  it('theta > 0: the Barnes-Hut gradient nears the exact one as theta falls (400 points)', () => {
    const x = blobs(400, 5, 4, 4, 11);
    const P = inputSimilarities(x, 10, 30, 'euclidean');
    const n = x.rows;
    const rng = new RandomState(2);
    const y = new Float64Array(2 * n);
    for (let t = 0; t < 2 * n; t++) y[t] = rng.gauss() * 10;
    const tree = new QuadTree(n);
    const neg = new Float64Array(2 * n);
    const exact = new Float64Array(2 * n);
    const upper = upperTriangle(P, identity(n), identity(n));
    const z0 = gradient(upper, y, 1, 0, tree, neg, exact);
    const errors: number[] = [];
    for (const theta of [0.5, 0.2, 0.05]) {
      const approx = new Float64Array(2 * n);
      const z = gradient(upper, y, 1, theta, tree, neg, approx);
      let num = 0;
      let den = 0;
      for (let t = 0; t < 2 * n; t++) {
        num += (approx[t]! - exact[t]!) ** 2;
        den += exact[t]! ** 2;
      }
      errors.push(Math.sqrt(num / den), Math.abs(z - z0) / z0);
    }
    // measured (force, Z): 0.092, 0.034 (theta 0.5); 0.0071, 0.0033 (0.2); 0.00012, 0.000036 (0.05)
    const bounds = [0.12, 0.05, 0.01, 0.005, 0.0003, 0.0001];
    for (let t = 0; t < 6; t++) expect(errors[t]).toBeLessThan(bounds[t]!);
    expect(errors[4]).toBeGreaterThan(0);
  });
});

describe('tsne', () => {
  const x = blobs(150, 10, 3, 4, 7);

  it('is deterministic per seed; the seed moves a random start', () => {
    const o = { perplexity: 10, nIter: 120, exaggerationIterations: 60, init: 'random' as const };
    const a = tsne(x, { ...o, seed: 4 });
    const b = tsne(x, { ...o, seed: 4 });
    const c = tsne(x, { ...o, seed: 5 });
    expect(Buffer.from(a.embedding.data.buffer)).toEqual(Buffer.from(b.embedding.data.buffer));
    expect(a.klDivergence).toBe(b.klDivergence);
    expect(Buffer.from(a.embedding.data.buffer)).not.toEqual(Buffer.from(c.embedding.data.buffer));
  });

  it('embeds three blobs faithfully (trustworthiness, KL) and reports its options', () => {
    const r = tsne(x, { perplexity: 10, nIter: 400, exaggerationIterations: 100 });
    expect(r.embedding.rows).toBe(150);
    expect(r.embedding.cols).toBe(2);
    expect(r.nNeighbors).toBe(30);
    expect(r.learningRate).toBe(200);
    expect(r.init).toBe('pca');
    expect(r.theta).toBe(0.5);
    expect(r.nIter).toBe(400);
    // centred
    let mx = 0;
    let my = 0;
    for (let i = 0; i < 150; i++) {
      mx += r.embedding.data[2 * i]!;
      my += r.embedding.data[2 * i + 1]!;
    }
    expect(Math.abs(mx / 150)).toBeLessThan(1e-9);
    expect(Math.abs(my / 150)).toBeLessThan(1e-9);
    const t = trustworthiness(x, r.embedding, { nNeighbors: 15 });
    expect(t).toBeGreaterThan(TRUST_MIN);
    expect(r.klDivergence).toBeGreaterThan(0);
    expect(r.klDivergence).toBeLessThan(KL_MAX);
  });

  it('embeds data of extreme magnitude as the same data at ordinary scale (no overflow)', () => {
    const o = { perplexity: 10, nIter: 200, exaggerationIterations: 60 };
    const base = tsne(x, o);
    for (const f of [2 ** 990, 2 ** -1000]) {
      const scaled = { rows: x.rows, cols: x.cols, data: x.data.map((v) => v * f) };
      const r = tsne(scaled, o);
      expect(r.embedding.data.every(Number.isFinite)).toBe(true);
      expect(Math.abs(r.klDivergence - base.klDivergence)).toBeLessThan(1e-6);
    }
  });

  it('starts from PCA scores scaled to a first-column std of 1e-4, or from N(0, 1e-8) draws', () => {
    const y = startingPoint('tsne', x, { init: 'pca', seed: 0 });
    const s = pca(x, { components: 2 }).scores.data;
    let mean = 0;
    for (let i = 0; i < 150; i++) mean += s[2 * i]!;
    mean /= 150;
    let ss = 0;
    for (let i = 0; i < 150; i++) ss += (s[2 * i]! - mean) ** 2;
    const f = 1e-4 / Math.sqrt(ss / 150);
    for (let t = 0; t < 300; t++) expect(Math.abs(y[t]! - s[t]! * f)).toBeLessThan(1e-20);
    let m1 = 0;
    let v1 = 0;
    for (let i = 0; i < 150; i++) m1 += y[2 * i]! / 150;
    for (let i = 0; i < 150; i++) v1 += (y[2 * i]! - m1) ** 2 / 150;
    expect(Math.abs(Math.sqrt(v1) - 1e-4)).toBeLessThan(1e-16);
    const r = startingPoint('tsne', x, { init: 'random', seed: 3 });
    const rng = new RandomState(3);
    for (let t = 0; t < 300; t++) expect(r[t]).toBe(rng.gauss() * 1e-4);
  });

  it('starts from a given matrix', () => {
    const start = new Float64Array(300);
    const rng = new RandomState(9);
    for (let t = 0; t < 300; t++) start[t] = rng.gauss() * 1e-4;
    const r = tsne(x, {
      perplexity: 10,
      nIter: 1,
      exaggerationIterations: 1,
      init: { rows: 150, cols: 2, data: start },
    });
    expect(r.init).toBe('matrix');
    // one step of length < eta * gain * |g|: still near the start
    let far = 0;
    for (let t = 0; t < 300; t++) far = Math.max(far, Math.abs(r.embedding.data[t]! - start[t]!));
    expect(far).toBeGreaterThan(0);
    expect(start[0]).not.toBe(r.embedding.data[0]);
  });

  it('one column needs a random start; rows all the same stay at 0', () => {
    const line = Array.from({ length: 30 }, (_, i) => [i]);
    expect(() => tsne(line, { perplexity: 3 })).toThrow(/init: 'random'/);
    expect(tsne(line, { perplexity: 3, nIter: 50, init: 'random' }).klDivergence).toBeGreaterThan(
      0,
    );
    const same = tsne(
      Array.from({ length: 20 }, () => [1, 1]),
      { perplexity: 3, nIter: 20 },
    );
    expect(Array.from(same.embedding.data)).toEqual(new Array(40).fill(0));
    expect(Number.isFinite(same.klDivergence)).toBe(true);
  });

  it('rejects bad options and data clearly', () => {
    expect(() => tsne(x, { nComponents: 3 as 2 })).toThrow(OptionError);
    expect(() => tsne(x, { nComponents: 3 as 2 })).toThrow(/must be 2/);
    expect(() => tsne(x, { perplexity: 0.5 })).toThrow(OptionError);
    expect(() => tsne(x, { theta: 2 })).toThrow(/'theta'/);
    expect(() => tsne(x, { learningRate: 'fast' as 'auto' })).toThrow(/'learningRate'/);
    expect(() => tsne(x, { learningRate: 0 })).toThrow(OptionError);
    expect(() => tsne(x, { nIter: 10, exaggerationIterations: 20 })).toThrow(
      /'exaggerationIterations'/,
    );
    expect(() => tsne(x, { metric: 'manhattan' as 'cityblock' })).toThrow(/'metric'/);
    expect(() => tsne(x, { init: 'spectral' as 'pca' })).toThrow(/'init'/);
    expect(() => tsne(x, { seed: -1 })).toThrow(/'seed'/);
    expect(() => tsne(x, { perplexty: 5 } as never)).toThrow(/no option 'perplexty'/);
    expect(() => tsne(x, { init: [[0, 0]] })).toThrow(DataError);
    expect(() =>
      tsne(
        [
          [0, 1],
          [1, 0],
          [2, 2],
        ],
        {},
      ),
    ).toThrow(/perplexity below 2/);
    expect(() =>
      tsne(
        [
          [0, Number.NaN],
          [1, 0],
          [2, 2],
          [3, 3],
        ],
        { perplexity: 1 },
      ),
    ).toThrow(DataError);
  });
});

/** Measured 0.951 (k = 15) and KL 0.693 for the three blobs; the bounds leave a margin. */
const TRUST_MIN = 0.93;
const KL_MAX = 0.8;
