/**
 * The engines across the whole range of doubles, as a property (fast-check): a random small
 * matrix of integers B, and the same matrix times 2^e for e from -1074 (the smallest subnormal)
 * to 1015 (values near 1e307). A power of two changes no digit of B, so every engine must give
 * on B * 2^e what it gives on B, scaled:
 *
 *   kmeans      the same labels; centroids times 2^e; inertia times 2^2e (0 below the smallest
 *               double, Infinity with a warning above the largest)
 *   hclust      every method: the same merges; heights times 2^e
 *   pca         with scale: the same ratios and scores; without: variances times 2^2e, or a
 *               DataError when they are beyond the normal doubles
 *   scale       the same scaled values; centre and divisor times 2^e
 *   silhouette, Calinski-Harabasz: the same values
 *
 * The results on B come from the same engines at ordinary magnitudes, which the per-module
 * tests check against scikit-learn and scipy. Values are compared to 1e-12 relative, plus a few
 * units of the smallest subnormal (a result below 2^-1022 has fewer digits). Then values at
 * Number.MAX_VALUE itself, whose unit once overflowed to Infinity (log2 rounds it to 1024).
 *
 * Seeded: MAGNITUDE_SEED=<n> replays a run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { hclust, LINKAGE_METHODS } from '../../src/cluster/hclust/index.js';
import { scale } from '../../src/data/scale.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { calinskiHarabasz } from '../../src/metrics/calinski-harabasz.js';
import { silhouetteScore } from '../../src/metrics/silhouette.js';
import { DataError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { powerOfTwoAtMost } from '../../src/util/magnitude.js';

const SEED = Number(process.env.MAGNITUDE_SEED ?? 20261205);
console.log(`magnitude sweep: seed ${SEED} (MAGNITUDE_SEED=${SEED} replays this run)`);

const quiet = <T>(fn: () => T): T => withCollectedWarnings(fn).value;
const TINY = 4 * Number.MIN_VALUE;
const MIN_NORMAL = 2.2250738585072014e-308;

/** |got - want| <= rel |want| + abs, element by element, with the place in the message. */
function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-12) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= rel * Math.abs(w) + TINY)) {
      throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
    }
  }
}

const matrix = fc
  .record({
    n: fc.integer({ min: 4, max: 10 }),
    d: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ n, d }) =>
    fc
      .array(fc.integer({ min: -20, max: 20 }), { minLength: n * d, maxLength: n * d })
      .map((values) => Array.from({ length: n }, (_, i) => values.slice(i * d, (i + 1) * d))),
  )
  // at least three distinct rows, so that k = 2 and the silhouettes are defined
  .filter((rows) => new Set(rows.map((r) => r.join(','))).size >= 3);

const exponent = fc.oneof(
  fc.integer({ min: -1074, max: 1015 }),
  fc.constantFrom(-1074, -1070, -1063, -1022, -1000, -530, -500, 0, 500, 530, 1000, 1015),
);

describe('B * 2^e gives the results of B, scaled, for e in [-1074, 1015] (fast-check)', () => {
  it('kmeans, hclust (every method), pca, scale, silhouette and Calinski-Harabasz', () => {
    fc.assert(
      fc.property(matrix, exponent, (B, e) => {
        const f = 2 ** e;
        const S = B.map((row) => row.map((v) => v * f));
        // k-means
        const base = kmeans(B, { k: 2, seed: 1 });
        const big = quiet(() => kmeans(S, { k: 2, seed: 1 }));
        expect(Array.from(big.labels), `kmeans labels, e=${e}`).toEqual(Array.from(base.labels));
        close(
          `kmeans centroids, e=${e}`,
          big.centroids.flat(),
          base.centroids.flat().map((v) => v * f),
        );
        close(`kmeans inertia, e=${e}`, [big.inertia], [base.inertia * f * f]);
        // hierarchical clustering, every method
        for (const method of LINKAGE_METHODS) {
          const h0 = hclust(B, { method }).linkage;
          const h1 = hclust(S, { method }).linkage;
          expect(
            h1.map((r) => [r[0], r[1], r[3]]),
            `${method} merges, e=${e}`,
          ).toEqual(h0.map((r) => [r[0], r[1], r[3]]));
          close(
            `${method} heights, e=${e}`,
            h1.map((r) => r[2]!),
            h0.map((r) => r[2]! * f),
          );
        }
        // PCA of the scaled columns: unchanged
        const p0 = pca(B, { scale: true });
        const p1 = pca(S, { scale: true });
        close(`pca ratios, e=${e}`, p1.explainedVarianceRatio, p0.explainedVarianceRatio, 1e-10);
        for (let t = 0; t < p0.scores.data.length; t++) {
          const g = p1.scores.data[t]!;
          const w = p0.scores.data[t]!;
          if (!(Math.abs(g - w) <= 1e-9 * (1 + Math.abs(w)))) {
            throw new Error(`pca scores[${t}], e=${e}: got ${g}, want ${w}`);
          }
        }
        // PCA in the data's units: variances times 2^2e, or a DataError when no double holds them
        const u0 = pca(B);
        const want = Array.from(u0.explainedVariance, (v) => v * f * f);
        const total = u0.totalVariance * f * f;
        // the total is positive (at least three distinct rows): representable when it is a normal
        // double; a component whose variance is zero on B may underflow to 0
        const representable = [total, ...want].every(
          (v, i) =>
            (Number.isFinite(v) && v >= MIN_NORMAL) ||
            (i > 0 && u0.explainedVariance[i - 1]! <= 1e-12 * u0.totalVariance),
        );
        let u1: ReturnType<typeof pca> | undefined;
        try {
          u1 = pca(S);
        } catch (error) {
          expect(error, `pca, e=${e}`).toBeInstanceOf(DataError);
          expect(representable, `pca refused representable variances, e=${e}`).toBe(false);
        }
        if (u1 !== undefined) {
          close(`pca variances, e=${e}`, u1.explainedVariance, want, 1e-10);
          close(`pca ratios, e=${e}`, u1.explainedVarianceRatio, u0.explainedVarianceRatio, 1e-10);
        }
        // scaling
        for (const method of ['standard', 'minmax', 'robust'] as const) {
          const s0 = scale(B, method);
          const s1 = scale(S, method);
          for (let t = 0; t < s0.scaled.data.length; t++) {
            const g = s1.scaled.data[t]!;
            const w = s0.scaled.data[t]!;
            if (!(Math.abs(g - w) <= 1e-12 * (1 + Math.abs(w)))) {
              throw new Error(`scale ${method}[${t}], e=${e}: got ${g}, want ${w}`);
            }
          }
          close(
            `scale ${method} centre, e=${e}`,
            s1.center,
            Array.from(s0.center, (v) => v * f),
          );
        }
        // metrics of the k-means labels
        if (new Set(base.labels).size === 2) {
          const sil0 = silhouetteScore(B, base.labels);
          const sil1 = silhouetteScore(S, base.labels);
          expect(Math.abs(sil1 - sil0), `silhouette, e=${e}`).toBeLessThanOrEqual(1e-12);
          close(
            `Calinski-Harabasz, e=${e}`,
            [calinskiHarabasz(S, base.labels)],
            [calinskiHarabasz(B, base.labels)],
            1e-10,
          );
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe('values at Number.MAX_VALUE', () => {
  const M = Number.MAX_VALUE;
  const X = [
    [M, M * 0.9],
    [M * 0.99, M * 0.95],
    [-M, -M * 0.9],
    [-M * 0.98, -M],
    [M, -M],
    [0.97 * M, -M],
  ];

  it('the magnitude unit of MAX_VALUE is 2^1023 (log2 rounds it to 1024, whose power is Infinity)', () => {
    expect(Math.log2(M)).toBe(1024);
    expect(powerOfTwoAtMost(M)).toBe(2 ** 1023);
    for (let e = -1074; e <= 1023; e++) {
      const p = 2 ** e;
      expect(powerOfTwoAtMost(p)).toBe(p);
      // just below the next power of two (p * (2 - 2^-52), when it is a double)
      if (e > -1022) expect(powerOfTwoAtMost(p * (2 - 2 ** -52))).toBe(p);
    }
  });

  it('kmeans gives finite centroids inside the data (a one-row cluster is its row) and an Infinity inertia with a warning', () => {
    for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
      for (const k of [2, 3, 4]) {
        const { value: r, warnings } = withCollectedWarnings(() =>
          kmeans(X, { k, seed: 0, algorithm }),
        );
        expect(r.centroids.flat().every(Number.isFinite), `${algorithm} k=${k}`).toBe(true);
        expect(r.inertia).toBe(Infinity);
        expect(warnings.some((w) => /inertia .* is beyond the largest double/.test(w))).toBe(true);
        // each centroid is the mean of its rows, to rounding, and lies within their range
        for (let c = 0; c < k; c++) {
          const rows = X.filter((_, i) => r.labels[i] === c);
          if (rows.length === 0) continue;
          for (let j = 0; j < 2; j++) {
            const col = rows.map((row) => row[j]!);
            const mean = col.reduce((s, v) => s + v / rows.length, 0);
            expect(Math.abs(r.centroids[c]![j]! - mean)).toBeLessThanOrEqual(1e-12 * M);
            expect(r.centroids[c]![j]!).toBeGreaterThanOrEqual(Math.min(...col));
            expect(r.centroids[c]![j]!).toBeLessThanOrEqual(Math.max(...col));
          }
          if (rows.length === 1) expect(r.centroids[c]).toEqual(rows[0]);
        }
        expect(r.predict(X)).toEqual(r.labels);
      }
    }
  });

  it('scale, silhouettes and PCA of the scaled columns are finite; unscaled PCA and hclust say why they cannot', () => {
    for (const method of ['standard', 'minmax', 'robust'] as const) {
      expect(scale(X, method).scaled.data.every(Number.isFinite), method).toBe(true);
    }
    const labels = [0, 0, 1, 1, 2, 2];
    expect(Number.isFinite(silhouetteScore(X, labels))).toBe(true);
    expect(Number.isFinite(calinskiHarabasz(X, labels))).toBe(true);
    const p = pca(X, { scale: true });
    expect(p.scores.data.every(Number.isFinite)).toBe(true);
    expect(Array.from(p.explainedVarianceRatio).every(Number.isFinite)).toBe(true);
    expect(() => pca(X)).toThrow(/variances of values as extreme as these .* beyond the range/);
    for (const method of LINKAGE_METHODS) {
      expect(() => hclust(X, { method }), method).toThrow(/exceeds the largest double/);
    }
  });
});
