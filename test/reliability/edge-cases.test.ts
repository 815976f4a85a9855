/**
 * Numeric edge cases through every engine: n = 1, n = 2, k = n, k above the number of distinct
 * rows, identical rows, a constant column, values near 1e300 and 1e-300 (and subnormals), NaN
 * and Infinity. Each case gives a correct result or a DataError/OptionError that says why.
 *
 * References: hand-worked values for the tiny cases; for extreme magnitudes, the same engine on
 * the same data at ordinary magnitude (whose results the per-module tests check against
 * scikit-learn, scipy and R): every engine here is scale-equivariant (distances, centroids and
 * heights scale with the data, variances with its square; labels, silhouettes,
 * Calinski-Harabasz, Davies-Bouldin and PCA on scaled data do not change).
 */
import { describe, expect, it } from 'vitest';
import { chooseK } from '../../src/cluster/choose-k.js';
import { pdist } from '../../src/cluster/hclust/distance.js';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { LINKAGE_METHODS, hclust } from '../../src/cluster/hclust/index.js';
import { miniBatchKMeans } from '../../src/cluster/kmeans/minibatch.js';
import { sampledHclust } from '../../src/cluster/hclust/sampled.js';
import { twoStage } from '../../src/cluster/hclust/two-stage.js';
import { parseCsv } from '../../src/data/csv.js';
import { scale } from '../../src/data/scale.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { calinskiHarabasz } from '../../src/metrics/calinski-harabasz.js';
import { daviesBouldin } from '../../src/metrics/davies-bouldin.js';
import { silhouetteSamples, silhouetteScore } from '../../src/metrics/silhouette.js';
import { buildReport } from '../../src/report/build.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { RandomState } from '../../src/util/random.js';

const quiet = <T>(fn: () => T): T => withCollectedWarnings(fn).value;

/** |got - want| <= rel * |want| + abs, element by element. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs = 0) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Math.abs(g - w) <= rel * Math.abs(w) + abs)) {
      throw new Error(`element ${i}: got ${g}, want ${w} (rel ${rel}, abs ${abs})`);
    }
  }
}

const ALL_METHODS = LINKAGE_METHODS;

describe('n = 1', () => {
  const X = [[1, 2]];
  it('kmeans(X, {k: 1}) and miniBatchKMeans(X, {k: 1}) put the row in its own cluster; k = 2 is an OptionError', () => {
    const r = kmeans(X, { k: 1 });
    expect(Array.from(r.labels)).toEqual([0]);
    expect(r.centroids).toEqual([[1, 2]]);
    expect(r.inertia).toBe(0);
    const m = miniBatchKMeans(X, { k: 1 });
    expect(Array.from(m.labels)).toEqual([0]);
    expect(m.centroids).toEqual([[1, 2]]);
    expect(() => kmeans(X, { k: 2 })).toThrow(new OptionError('n_samples=1 should be >= k=2.'));
    expect(() => miniBatchKMeans(X, { k: 2 })).toThrow(OptionError);
  });

  it('hclust, pca, the metrics, chooseK and twoStage refuse one row with a DataError/OptionError', () => {
    for (const method of ALL_METHODS) {
      expect(() => hclust(X, { method })).toThrow(
        new DataError('hclust needs at least 2 observations; got n=1.'),
      );
    }
    for (const solver of ['covariance', 'svd', 'randomized'] as const) {
      expect(() => pca(X, { solver })).toThrow(/pca needs at least 2 rows/);
    }
    expect(() => silhouetteScore(X, [0])).toThrow(DataError);
    expect(() => calinskiHarabasz(X, [0])).toThrow(DataError);
    expect(() => daviesBouldin(X, [0])).toThrow(DataError);
    expect(() => chooseK(X)).toThrow(new OptionError('n_samples=1 should be >= k=2.'));
    expect(() => twoStage(X, { k: 1 })).toThrow(DataError);
  });

  it('scale(X) of one row reports every column as constant and scales it to 0', () => {
    const { value, warnings } = withCollectedWarnings(() => scale(X));
    expect(Array.from(value.scaled.data)).toEqual([0, 0]);
    expect(warnings).toHaveLength(2);
  });
});

describe('n = 2: (0, 0) and (3, 4), 5 apart', () => {
  const X = [
    [0, 0],
    [3, 4],
  ];
  it('kmeans(X, {k: 1 | 2}): the mean with inertia 25/2, or each row alone with 0; miniBatchKMeans separates them', () => {
    const one = kmeans(X, { k: 1 });
    expect(one.centroids).toEqual([[1.5, 2]]);
    expect(one.inertia).toBe(12.5);
    const two = kmeans(X, { k: 2 });
    expect(two.inertia).toBe(0);
    expect([...two.centroids].sort((a, b) => a[0]! - b[0]!)).toEqual(X);
    // mini-batch updates move a centre part of the way to its rows: the rows are separated,
    // each centre lies on the segment towards its row
    const mb = miniBatchKMeans(X, { k: 2 });
    expect(new Set(mb.labels).size).toBe(2);
    for (const [x, y] of mb.centroids) {
      expect(x! / 3).toBeCloseTo(y! / 4, 14);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(3);
    }
  });

  it('hclust(X, {method}) merges the two rows at height 5 for every method', () => {
    for (const method of ALL_METHODS) {
      expect(hclust(X, { method }).linkage, method).toEqual([[0, 1, 5, 2]]);
    }
  });

  it('pca(X) has one component along (0.6, 0.8) with variance 25/2 (n - 1 divisor), ratio 1', () => {
    for (const solver of ['covariance', 'svd'] as const) {
      const p = quiet(() => pca(X, { solver }));
      expectClose(p.explainedVariance, [12.5, 0], 1e-15, 1e-15);
      expectClose(p.explainedVarianceRatio, [1, 0], 1e-15, 1e-15);
      expectClose(p.components[0]!, [0.6, 0.8], 1e-15);
      expectClose(p.scores.data, [-2.5, 0, 2.5, 0], 1e-15, 1e-15);
    }
  });

  it('scale(X) gives -1 and 1; the metrics refuse 2 labels on 2 rows (scikit-learn: 2 <= labels <= n - 1)', () => {
    expect(Array.from(scale(X).scaled.data)).toEqual([-1, -1, 1, 1]);
    expect(() => silhouetteScore(X, [0, 1])).toThrow(/number of labels is 2/);
    expect(() => calinskiHarabasz(X, [0, 1])).toThrow(/number of labels is 2/);
    expect(() => daviesBouldin(X, [0, 1])).toThrow(/number of labels is 2/);
  });

  it('chooseK(X) tries k = 2 only and recommends it', () => {
    const r = chooseK(X);
    expect(r.table.map((row) => row.k)).toEqual([2]);
    expect(r.recommended).toBe(2);
  });
});

describe('k = n and k above the number of distinct rows', () => {
  const X = [
    [0, 0],
    [1, 0],
    [0, 2],
    [5, 5],
  ];
  it('kmeans(X, {k: n}) gives every row its own cluster with inertia 0; hclust cut at k = n too', () => {
    const r = kmeans(X, { k: 4 });
    expect(new Set(r.labels).size).toBe(4);
    expect(r.inertia).toBe(0);
    for (const method of ALL_METHODS) {
      expect(Array.from(hclust(X, { method }).cut({ k: 4 }))).toEqual([0, 1, 2, 3]);
    }
    expect(twoStage(X, { k: 4 }).labels).toEqual(Int32Array.from([0, 1, 2, 3]));
  });

  it('kmeans(X, {k: 3}) on 2 distinct rows warns once and still fits them exactly', () => {
    const D = [
      [0, 0],
      [0, 0],
      [1, 1],
      [1, 1],
      [1, 1],
    ];
    const { value, warnings } = withCollectedWarnings(() => kmeans(D, { k: 3 }));
    expect(warnings).toEqual([
      'Number of distinct clusters (2) found smaller than k (3): X has only 2 distinct rows.',
    ]);
    expect(value.inertia).toBe(0);
    expect(value.labels[0]).toBe(value.labels[1]);
    expect(value.labels[2]).toBe(value.labels[4]);
    // hclust cuts ties at height 0 into exactly k clusters; twoStage says k is above its centres.
    expect(new Set(hclust(D).cut({ k: 3 })).size).toBe(3);
    expect(() => twoStage(D, { k: 3 })).toThrow(/k=3 should be <= the number of centres \(2\)/);
  });
});

describe('all rows identical', () => {
  const X = [
    [1, 1],
    [1, 1],
    [1, 1],
    [1, 1],
  ];
  it('kmeans(X, {k: 1}) is the row with inertia 0; hclust heights are all 0', () => {
    const r = kmeans(X, { k: 1 });
    expect(r.centroids).toEqual([[1, 1]]);
    expect(r.inertia).toBe(0);
    for (const method of ALL_METHODS) {
      expect(hclust(X, { method }).linkage.map((row) => row[2])).toEqual([0, 0, 0]);
    }
  });

  it("the metrics give scikit-learn's values for no spread: silhouette 0, Calinski-Harabasz 1, Davies-Bouldin 0", () => {
    const labels = [0, 0, 1, 1];
    expect(silhouetteScore(X, labels)).toBe(0);
    expect(Array.from(silhouetteSamples(X, labels))).toEqual([0, 0, 0, 0]);
    expect(calinskiHarabasz(X, labels)).toBe(1);
    expect(daviesBouldin(X, labels)).toBe(0);
  });

  it('pca, chooseK and twoStage refuse with a DataError saying there is nothing to do; scale warns and gives 0', () => {
    expect(() => quiet(() => pca(X))).toThrow(/nothing to decompose/);
    expect(() => chooseK(X)).toThrow(/all 4 rows are identical/);
    expect(() => twoStage(X, { k: 1 })).toThrow(/at least 2 distinct rows/);
    const { value, warnings } = withCollectedWarnings(() => scale(X));
    expect(Array.from(value.scaled.data)).toEqual(new Array(8).fill(0));
    expect(warnings).toHaveLength(2);
  });
});

describe('a constant column', () => {
  const X = [
    [1, 5],
    [2, 5],
    [3, 5],
    [10, 5],
    [11, 5],
    [12, 5],
  ];
  it('scale(X) warns about column 2 and scales it to 0; pca puts everything on column 1', () => {
    const { value, warnings } = withCollectedWarnings(() => scale(X));
    expect(warnings).toEqual([
      'scale: column 2 is constant (every value is 5); it is scaled to 0.',
    ]);
    for (let i = 0; i < 6; i++) expect(value.scaled.data[2 * i + 1]).toBe(0);
    const p = quiet(() => pca(X));
    expectClose(p.components[0]!, [1, 0], 0, 1e-15);
    // variance of 1, 2, 3, 10, 11, 12 with n - 1: (2 * (5.5^2 + 4.5^2 + 3.5^2)) / 5 = 25.1
    expectClose([p.explainedVariance[0]!], [25.1], 1e-14);
    expectClose([p.explainedVarianceRatio[0]!], [1], 1e-15);
  });

  it('kmeans, hclust and the metrics ignore it', () => {
    const r = kmeans(X, { k: 2 });
    expect(Array.from(r.labels)).toEqual(
      [0, 0, 0, 1, 1, 1].map((l) => (r.labels[0] === 0 ? l : 1 - l)),
    );
    expect(r.inertia).toBe(4);
    expect(Array.from(hclust(X).cut({ k: 2 }))).toEqual([0, 0, 0, 1, 1, 1]);
    // hand-worked: a = 1.5 or 1 or 1.5, b = 9 to 10; s = 1 - a / b
    expect(silhouetteScore(X, [0, 0, 0, 1, 1, 1])).toBeCloseTo((0.85 + 8 / 9 + 0.8125) / 3, 14);
  });
});

describe('values near 1e300 and 1e-300 (and subnormals)', () => {
  const rs = new RandomState(21);
  const B: number[][] = Array.from({ length: 24 }, (_, i) => [
    4 * (i % 3) + rs.gauss(),
    rs.gauss(),
    2 * (i % 2) + rs.uniform(-1, 1),
  ]);
  const times = (f: number) => B.map((row) => row.map((v) => v * f));
  const FACTORS = [1e300, 1e-300];
  const labels = B.map((_, i) => i % 3);

  it('scale(X * f) equals scale(X) for every method, and its center and scale are f times theirs', () => {
    for (const f of FACTORS) {
      for (const method of ['standard', 'minmax', 'robust'] as const) {
        const base = scale(B, method);
        const big = scale(times(f), method);
        expect(big.scaled.data.every(Number.isFinite)).toBe(true);
        expectClose(big.scaled.data, base.scaled.data, 1e-13, 1e-14);
        expectClose(
          big.center,
          base.center.map((v) => v * f),
          1e-13,
        );
        expectClose(
          big.scale,
          base.scale.map((v) => v * f),
          1e-13,
        );
        expectClose(big.inverseTransform(big.scaled).data, times(f).flat(), 1e-13);
      }
    }
  });

  it('hclust(X * f, {method, layout}) has the tree of hclust(X) and f times its heights, every method and layout', () => {
    for (const f of FACTORS) {
      for (const method of ALL_METHODS) {
        const base = hclust(B, { method }).linkage;
        const layouts = ['square', 'condensed'] as ('square' | 'condensed' | 'features')[];
        if (['single', 'ward', 'centroid', 'median'].includes(method)) layouts.push('features');
        for (const layout of layouts) {
          const big = hclust(times(f), { method, layout }).linkage;
          expect(big.map((r) => [r[0], r[1], r[3]])).toEqual(base.map((r) => [r[0], r[1], r[3]]));
          expectClose(
            big.map((r) => r[2]!),
            base.map((r) => r[2]! * f),
            1e-12,
          );
        }
        const D = pdist(B).map((v) => v * f);
        const pre = hclust(D, { method, metric: 'precomputed' }).linkage;
        expect(pre.map((r) => [r[0], r[1]])).toEqual(base.map((r) => [r[0], r[1]]));
        expectClose(
          pre.map((r) => r[2]!),
          base.map((r) => r[2]! * f),
          1e-12,
        );
      }
    }
  });

  it('hclust on subnormal values gives their exact heights (hand-worked: 0, 1, 4 units of 5e-324)', () => {
    const u = Number.MIN_VALUE;
    const X = [[0], [u], [4 * u]];
    expect(hclust(X, { method: 'single' }).linkage).toEqual([
      [0, 1, u, 2],
      [2, 3, 3 * u, 3],
    ]);
    expect(hclust(X, { method: 'complete' }).linkage[1]![2]).toBe(4 * u);
  });

  it('hclust on data spanning more than the largest double is a DataError, not Infinity', () => {
    const X = [
      [1.7e308, 0],
      [-1.7e308, 0],
      [1.6e308, 1],
    ];
    expect(() => hclust(X, { method: 'single' })).toThrow(/exceeds the largest double/);
  });

  it('kmeans(X * f) has the labels of kmeans(X) and f times its centroids; the inertia is f^2 times (or Infinity with a warning)', () => {
    const base = kmeans(B, { k: 3, seed: 1 });
    for (const f of FACTORS) {
      for (const algorithm of ['lloyd', 'hamerly', 'elkan'] as const) {
        const { value: r, warnings } = withCollectedWarnings(() =>
          kmeans(times(f), { k: 3, seed: 1, algorithm }),
        );
        expect(r.labels).toEqual(base.labels);
        expectClose(
          r.centroids.flat(),
          base.centroids.flat().map((v) => v * f),
          1e-12,
          1e-310,
        );
        expect(r.predict(times(f))).toEqual(base.labels);
        if (f > 1) {
          expect(r.inertia).toBe(Infinity); // ~1e601: beyond every double
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toMatch(/inertia .* is beyond the largest double/);
        } else {
          expect(r.inertia).toBe(0); // ~1e-599: below every double
          expect(warnings).toHaveLength(0);
        }
      }
    }
    // Inside the ordinary range nothing is rescaled: exactly f^2 times (f a power of two).
    const f = 2 ** 400;
    const r = kmeans(times(f), { k: 3, seed: 1 });
    expect(r.inertia).toBe(base.inertia * f * f);
  });

  it('miniBatchKMeans(X * f) has the labels of miniBatchKMeans(X) and finite centroids f times theirs', () => {
    const base = miniBatchKMeans(B, { k: 3, seed: 1 });
    for (const f of FACTORS) {
      const r = quiet(() => miniBatchKMeans(times(f), { k: 3, seed: 1 }));
      expect(r.labels).toEqual(base.labels);
      expect(r.centroids.flat().every(Number.isFinite)).toBe(true);
      expectClose(
        r.centroids.flat(),
        base.centroids.flat().map((v) => v * f),
        1e-10,
        1e-310,
      );
    }
  });

  it('pca(X * f, {scale: true}) equals pca(X, {scale: true}) for every solver; without scaling the variances (~f^2) are a DataError', () => {
    for (const f of FACTORS) {
      for (const solver of ['covariance', 'svd', 'randomized'] as const) {
        const base = pca(B, { solver, scale: true, components: 2 });
        const big = pca(times(f), { solver, scale: true, components: 2 });
        expectClose(big.explainedVariance, base.explainedVariance, 1e-12);
        expectClose(big.explainedVarianceRatio, base.explainedVarianceRatio, 1e-12);
        expectClose(big.components.flat(), base.components.flat(), 1e-10, 1e-12);
        expectClose(big.scores.data, base.scores.data, 1e-10, 1e-12);
        expectClose(
          big.mean,
          base.mean.map((v) => v * f),
          1e-13,
        );
        expect(() => pca(times(f), { solver, components: 2 })).toThrow(
          /variances of values as extreme as these .* are beyond the range of doubles/,
        );
      }
    }
    // Where the variances are doubles (values near 1e±100, 1e±140), unscaled PCA gives them,
    // f^2 times those of X, with every solver.
    for (const f of [1e100, 1e-100, 1e140, 1e-140]) {
      for (const solver of ['covariance', 'svd', 'randomized'] as const) {
        const base = pca(B, { solver, components: 2 });
        const big = pca(times(f), { solver, components: 2 });
        expectClose(
          big.explainedVariance,
          base.explainedVariance.map((v) => v * f * f),
          1e-12,
        );
        expectClose(big.explainedVarianceRatio, base.explainedVarianceRatio, 1e-12);
        expectClose(big.components.flat(), base.components.flat(), 1e-10, 1e-12);
      }
    }
  });

  it('silhouettes, Calinski-Harabasz and Davies-Bouldin of X * f equal those of X', () => {
    for (const f of FACTORS) {
      expectClose([silhouetteScore(times(f), labels)], [silhouetteScore(B, labels)], 1e-12);
      expectClose(silhouetteSamples(times(f), labels), silhouetteSamples(B, labels), 1e-12, 1e-15);
      expectClose([calinskiHarabasz(times(f), labels)], [calinskiHarabasz(B, labels)], 1e-12);
      expectClose([daviesBouldin(times(f), labels)], [daviesBouldin(B, labels)], 1e-12);
    }
  });

  it('chooseK(X * f) recommends what chooseK(X) does, with the same criteria and log W shifted by 2 ln f', () => {
    const base = chooseK(B, { k: [2, 5], seed: 3 });
    for (const f of FACTORS) {
      const { value: r } = withCollectedWarnings(() => chooseK(times(f), { k: [2, 5], seed: 3 }));
      expect(r.recommended).toBe(base.recommended);
      expect(r.picks).toEqual(base.picks);
      for (let t = 0; t < base.table.length; t++) {
        const g = r.table[t]!;
        const w = base.table[t]!;
        expectClose(
          [g.silhouette!, g.calinskiHarabasz!, g.daviesBouldin!, g.gap!, g.gapSe!],
          [w.silhouette!, w.calinskiHarabasz!, w.daviesBouldin!, w.gap!, w.gapSe!],
          1e-9,
          1e-12,
        );
        expectClose([g.logW!], [w.logW! + 2 * Math.log(f)], 1e-12);
        expect(r.fits[t]!.labels).toEqual(base.fits[t]!.labels);
      }
    }
  });

  it('twoStage and sampledHclust on X * f give the labels they give on X', () => {
    for (const f of FACTORS) {
      expect(twoStage(times(f), { centres: 8, k: 3, seed: 2 }).labels).toEqual(
        twoStage(B, { centres: 8, k: 3, seed: 2 }).labels,
      );
      const s = sampledHclust(times(f), { sample: 12, k: 3, seed: 2 });
      const base = sampledHclust(B, { sample: 12, k: 3, seed: 2 });
      expect(s.labels).toEqual(base.labels);
      expectClose(
        s.centroids.data,
        base.centroids.data.map((v) => v * f),
        1e-12,
        1e-310,
      );
    }
  });

  it('buildReport of a CSV with values near 1e300 or 1e-300 equals the report of the ordinary values', () => {
    const csv = (f: number) =>
      `a,b,c\n${times(f)
        .map((row) => row.map((v) => v.toPrecision(17)).join(','))
        .join('\n')}\n`;
    const base = buildReport(parseCsv(csv(1)), { k: 3 }).analysis;
    for (const f of FACTORS) {
      const a = buildReport(parseCsv(csv(f)), { k: 3 }).analysis;
      expect(a.kmeans.labels).toEqual(base.kmeans.labels);
      expect(a.hclustLabels).toEqual(base.hclustLabels);
      expectClose([a.silhouetteMean], [base.silhouetteMean], 1e-9);
      expectClose(a.pca.explainedVarianceRatio, base.pca.explainedVarianceRatio, 1e-9);
      expect(a.anovaF.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('NaN and Infinity are rejected with their row and column', () => {
  const bad = (v: number) => [
    [0, 1],
    [2, 3],
    [4, v],
    [6, 7],
  ];
  const engines: [string, (X: number[][]) => unknown][] = [
    ['kmeans', (X) => kmeans(X, { k: 2 })],
    ['miniBatchKMeans', (X) => miniBatchKMeans(X, { k: 2 })],
    ...ALL_METHODS.map((method): [string, (X: number[][]) => unknown] => [
      `hclust ${method}`,
      (X) => hclust(X, { method }),
    ]),
    ['pca', (X) => pca(X)],
    ['pca randomized', (X) => pca(X, { solver: 'randomized', components: 1 })],
    ['scale', (X) => scale(X)],
    ['silhouetteScore', (X) => silhouetteScore(X, [0, 0, 1, 1])],
    ['calinskiHarabasz', (X) => calinskiHarabasz(X, [0, 0, 1, 1])],
    ['daviesBouldin', (X) => daviesBouldin(X, [0, 0, 1, 1])],
    ['chooseK', (X) => chooseK(X, { k: [2, 3] })],
    ['twoStage', (X) => twoStage(X, { k: 2 })],
    ['sampledHclust', (X) => sampledHclust(X, { sample: 3, k: 2 })],
  ];
  for (const v of [Number.NaN, Infinity, -Infinity]) {
    it(`every engine refuses ${v} in row 2, column 2 with a DataError naming them`, () => {
      for (const [name, run] of engines) {
        let error: unknown;
        try {
          run(bad(v));
        } catch (e) {
          error = e;
        }
        expect(error, name).toBeInstanceOf(DataError);
        expect((error as DataError).row, name).toBe(2);
        expect((error as DataError).column, name).toBe(2);
        expect((error as Error).message, name).toMatch(/row 2, column 2/);
      }
    });
  }
});
