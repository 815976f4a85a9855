import { describe, expect, it } from 'vitest';
import {
  orthonormalizeColumns,
  symmetricEigen,
  symmetricEigenMl,
  topEigen,
} from '../../src/decomposition/eigen.js';
import { RandomState } from '../../src/util/random.js';
import { maxAbsDiff } from './helpers.js';

/** A = Q diag(lambda) Q^T with Q from a seeded Gram-Schmidt of Gaussian columns. */
function spd(m: number, lambda: number[], seed: number): { a: Float64Array; q: Float64Array } {
  const rng = new RandomState(seed);
  const q = new Float64Array(m * m);
  for (let t = 0; t < q.length; t++) q[t] = rng.gauss();
  orthonormalizeColumns(q, m, m, rng); // column c = q[c*m .. c*m+m)
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += q[c * m + i]! * lambda[c]! * q[c * m + j]!;
      a[i * m + j] = s;
    }
  }
  return { a, q };
}

/** |<u, v>| for two unit vectors (1 when equal up to sign). */
function alignment(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i]! * v[i]!;
  return Math.abs(s);
}

describe('symmetricEigen', () => {
  it('symmetricEigen([[2,1],[1,2]]) gives 3, 1 with (1,1)/sqrt2, (1,-1)/sqrt2 up to sign', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(maxAbsDiff(values, [3, 1])).toBeLessThan(1e-15);
    expect(alignment(vectors.subarray(0, 2), [Math.SQRT1_2, Math.SQRT1_2])).toBeCloseTo(1, 15);
    expect(alignment(vectors.subarray(2, 4), [Math.SQRT1_2, -Math.SQRT1_2])).toBeCloseTo(1, 15);
  });

  it('symmetricEigen(Q diag(lambda) Q^T) recovers lambda (descending) and Q', () => {
    const lambda = [10, 7, 5, 3, 2, 1, 0.5, 0.1];
    const { a, q } = spd(8, lambda, 3);
    const { values, vectors } = symmetricEigen(a, 8);
    expect(maxAbsDiff(values, lambda)).toBeLessThan(1e-13);
    for (let c = 0; c < 8; c++) {
      expect(
        alignment(vectors.subarray(c * 8, c * 8 + 8), q.subarray(c * 8, c * 8 + 8)),
      ).toBeCloseTo(1, 12);
    }
  });
});

describe('symmetricEigen against ml-matrix EVD (symmetricEigenMl)', () => {
  for (const m of [1, 2, 3, 7, 60, 121]) {
    it(`symmetricEigen(G^T G, ${m}) equals symmetricEigenMl to rounding, with small residuals`, () => {
      const rng = new RandomState(100 + m); // seed logged in the name: 100 + m
      const g = new Float64Array(m * m);
      for (let t = 0; t < g.length; t++) g[t] = rng.gauss();
      const a = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let t = 0; t < m; t++) s += g[t * m + i]! * g[t * m + j]!;
          a[i * m + j] = s;
        }
      }
      const frozenA = a.slice();
      const ours = symmetricEigen(a, m);
      const ref = symmetricEigenMl(a, m);
      expect(Array.from(a)).toEqual(Array.from(frozenA));
      const top = ref.values[0]!;
      expect(maxAbsDiff(ours.values, ref.values) / top).toBeLessThan(1e-13);
      for (let c = 0; c < m; c++) {
        const u = ours.vectors.subarray(c * m, (c + 1) * m);
        let r2 = 0;
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < m; j++) s += a[i * m + j]! * u[j]!;
          r2 += (s - ours.values[c]! * u[i]!) ** 2;
        }
        expect(Math.sqrt(r2) / top).toBeLessThan(1e-13);
        // Eigenvalues of a random Gram matrix are distinct: vectors agree up to sign.
        expect(1 - alignment(u, ref.vectors.subarray(c * m, (c + 1) * m))).toBeLessThan(1e-9);
      }
    });
  }

  it('symmetricEigen(matrices with zero rows and repeated eigenvalues) keeps orthonormal vectors and small residuals', () => {
    const m = 7;
    const cases: Float64Array[] = [];
    const identity = new Float64Array(m * m);
    for (let i = 0; i < m; i++) identity[i * m + i] = 1;
    cases.push(identity);
    // Row and column 2 zero, the rest a rank-2 matrix: eigenvalues with multiplicity.
    const rng = new RandomState(77);
    const u = Array.from({ length: m }, (_, i) => (i === 2 ? 0 : rng.gauss()));
    const w = Array.from({ length: m }, (_, i) => (i === 2 ? 0 : rng.gauss()));
    const lowRank = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) lowRank[i * m + j] = u[i]! * u[j]! + 2 * w[i]! * w[j]!;
    }
    cases.push(lowRank);
    cases.push(new Float64Array(m * m));
    for (const a of cases) {
      const { values, vectors } = symmetricEigen(a, m);
      const scale = Math.max(1, Math.abs(values[0]!));
      for (let c = 0; c < m; c++) {
        for (let e = c; e < m; e++) {
          let dotCE = 0;
          for (let j = 0; j < m; j++) dotCE += vectors[c * m + j]! * vectors[e * m + j]!;
          expect(Math.abs(dotCE - (c === e ? 1 : 0))).toBeLessThan(1e-14);
        }
        let r2 = 0;
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < m; j++) s += a[i * m + j]! * vectors[c * m + j]!;
          r2 += (s - values[c]! * vectors[c * m + i]!) ** 2;
        }
        expect(Math.sqrt(r2) / scale).toBeLessThan(1e-14);
      }
      for (let c = 1; c < m; c++) expect(values[c]!).toBeLessThanOrEqual(values[c - 1]!);
    }
  });

  it('symmetricEigen(diagonal) returns the sorted diagonal and unit vectors', () => {
    const a = Float64Array.from([1, 0, 0, 0, 3, 0, 0, 0, 2]);
    const { values, vectors } = symmetricEigen(a, 3);
    expect(Array.from(values)).toEqual([3, 2, 1]);
    expect(Array.from(vectors).map(Math.abs)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0]);
  });
});

describe('topEigen', () => {
  it('topEigen(A, m, 3) equals the leading eigenpairs of symmetricEigen', () => {
    const m = 60;
    const lambda = Array.from({ length: m }, (_, i) => 100 * 0.8 ** i);
    const { a } = spd(m, lambda, 4);
    const full = symmetricEigen(a, m);
    const top = topEigen(a, m, 3, { seed: 9 });
    expect(top.converged).toBe(true);
    expect(top.iterations).toBeGreaterThan(1);
    expect(maxAbsDiff(top.values, full.values.subarray(0, 3)) / 100).toBeLessThan(1e-13);
    for (let c = 0; c < 3; c++) {
      const u = top.vectors.subarray(c * m, (c + 1) * m);
      expect(alignment(u, full.vectors.subarray(c * m, (c + 1) * m))).toBeCloseTo(1, 12);
    }
  });

  it('topEigen(rank-2 A, m, 4) returns the two non-zero eigenpairs and zeros', () => {
    const m = 30;
    const lambda = [5, 2, ...new Array(m - 2).fill(0)];
    const { a } = spd(m, lambda, 5);
    const top = topEigen(a, m, 4);
    expect(top.converged).toBe(true);
    expect(Math.abs(top.values[0]! - 5)).toBeLessThan(1e-13);
    expect(Math.abs(top.values[1]! - 2)).toBeLessThan(1e-13);
    expect(Math.abs(top.values[2]!)).toBeLessThan(1e-13);
  });

  it('topEigen(A, m, k, {maxIterations: 1}) reports converged=false on a slow problem', () => {
    const m = 50;
    const lambda = Array.from({ length: m }, (_, i) => 1 - i * 0.001);
    const { a } = spd(m, lambda, 6);
    const top = topEigen(a, m, 2, { maxIterations: 1, oversamples: 1 });
    expect(top.iterations).toBe(1);
    expect(top.converged).toBe(false);
  });
});
