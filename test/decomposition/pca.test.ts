import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { PCA } from 'ml-pca';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { type Dataset, featureMatrix } from '../../src/data/dataset.js';
import {
  type PCAJSON,
  pca,
  createPCAAccumulator,
  pcaFromJSON,
  pcaFromMlPCA,
} from '../../src/decomposition/pca/index.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { frozen, maxAbs, maxAbsDiff, randomData, rowsOf } from './helpers.js';

// scikit-learn 1.2.1 PCA(svd_solver='full'), signs flipped by our rule:
// test/fixtures/pca/make_pca_sklearn.py. R 4.2.2 prcomp: test/fixtures/pca/make_pca_r.R.
const fixtureDir = new URL('../fixtures/pca/', import.meta.url);
const sk = JSON.parse(readFileSync(new URL('sklearn.json', fixtureDir), 'utf8'));
const rp = JSON.parse(readFileSync(new URL('prcomp.json', fixtureDir), 'utf8'));

const NAMES = ['iris', 'wine', 'penguins'] as const;
const KINDS = ['raw', 'standardized'] as const;

interface SkFit {
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  components: number[][];
  mean: number[];
  scale: number[];
  scores: number[][];
  scores2: number[][];
  reconstruction2: number[][];
  reconstructionError2: number[];
  whitenedScores: number[][];
  componentsForVariance: Record<string, number>;
}

function X(name: string): number[][] {
  return sk[name].X;
}

function quiet<T>(fn: () => T): T {
  return withCollectedWarnings(fn).value;
}

describe('pca: hand-worked case', () => {
  // X = [[1,2],[3,4],[5,6]]: mean (3,4), centred rows (-2,-2), (0,0), (2,2); C = [[4,4],[4,4]];
  // eigenvalues 8 and 0; v1 = (1,1)/sqrt2, scores -2sqrt2, 0, 2sqrt2; singular values 4, 0.
  // v2 = +-(1,-1)/sqrt2: |entries| tie, so the first entry is made positive.
  const x = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  for (const solver of ['covariance', 'svd', 'randomized'] as const) {
    it(`pca(X, {solver: '${solver}'}) gives the hand-worked decomposition`, () => {
      const p = pca(x, { solver });
      const h = Math.SQRT1_2;
      expect(p.solver).toBe(solver);
      expect(
        maxAbsDiff(p.components, [
          [h, h],
          [h, -h],
        ]),
      ).toBeLessThan(1e-15);
      expect(maxAbsDiff(p.explainedVariance, [8, 0])).toBeLessThan(1e-14);
      expect(maxAbsDiff(p.explainedVarianceRatio, [1, 0])).toBeLessThan(1e-15);
      expect(maxAbsDiff(p.singularValues, [4, 0])).toBeLessThan(1e-14); // rounding-level 0 is 0
      expect(maxAbsDiff(p.mean, [3, 4])).toBe(0);
      expect(Array.from(p.scale)).toEqual([1, 1]);
      const s = 2 * Math.SQRT2;
      expect(
        maxAbsDiff(
          rowsOf(p.scores).map((r) => r[0]!),
          [-s, 0, s],
        ),
      ).toBeLessThan(1e-14);
      expect(p.totalVariance).toBeCloseTo(8, 14);
      // loadings[j][c] = components[c][j] * sqrt(ev[c]): (h*sqrt8, h*sqrt8) = (2, 2).
      expect(
        maxAbsDiff(
          p.loadings.map((r) => r[0]!),
          [2, 2],
        ),
      ).toBeLessThan(1e-14);
    });
  }
});

describe('pca: scikit-learn 1.2.1 PCA(svd_solver="full") on the bundled datasets', () => {
  for (const name of NAMES) {
    for (const kind of KINDS) {
      for (const solver of ['auto', 'covariance', 'svd'] as const) {
        it(`pca(${name} ${kind}, {solver: '${solver}'}) equals scikit-learn`, () => {
          const ref: SkFit = sk[name][kind];
          const p = pca(X(name), { scale: kind === 'standardized', solver });
          if (solver === 'auto') expect(p.solver).toBe('covariance');
          const d = ref.mean.length;
          expect(p.nComponents).toBe(d);
          expect(maxAbsDiff(p.explainedVarianceRatio, ref.explainedVarianceRatio)).toBeLessThan(
            1e-12,
          );
          for (let c = 0; c < d; c++) {
            expect(
              Math.abs(p.explainedVariance[c]! - ref.explainedVariance[c]!) /
                ref.explainedVariance[0]!,
            ).toBeLessThan(1e-12);
            expect(
              Math.abs(p.singularValues[c]! - ref.singularValues[c]!) / ref.singularValues[0]!,
            ).toBeLessThan(1e-12);
          }
          expect(maxAbsDiff(p.components, ref.components)).toBeLessThan(1e-10);
          expect(maxAbsDiff(p.mean, ref.mean) / maxAbs(ref.mean)).toBeLessThan(1e-14);
          expect(maxAbsDiff(p.scale, ref.scale) / maxAbs(ref.scale)).toBeLessThan(1e-14);
          expect(maxAbsDiff(rowsOf(p.scores), ref.scores) / maxAbs(ref.scores)).toBeLessThan(1e-12);
        });
      }

      it(`pca(${name} ${kind}, {components: 2}): scores, inverseTransform and reconstructionError equal scikit-learn`, () => {
        const ref: SkFit = sk[name][kind];
        const p = pca(X(name), { components: 2, scale: kind === 'standardized' });
        expect(p.components.length).toBe(2);
        expect(maxAbsDiff(rowsOf(p.scores), ref.scores2) / maxAbs(ref.scores2)).toBeLessThan(1e-12);
        const back = p.inverseTransform(p.scores);
        const scaleOfX = maxAbs(X(name));
        expect(maxAbsDiff(rowsOf(back), ref.reconstruction2) / scaleOfX).toBeLessThan(1e-13);
        const err = p.reconstructionError(X(name));
        const errScale = maxAbs(ref.reconstructionError2);
        expect(maxAbsDiff(err, ref.reconstructionError2) / errScale).toBeLessThan(1e-10);
      });

      it(`pca(${name} ${kind}, {whiten: true}) equals scikit-learn's whitened scores and inverts`, () => {
        const ref: SkFit = sk[name][kind];
        const p = pca(X(name), { whiten: true, scale: kind === 'standardized' });
        expect(maxAbsDiff(rowsOf(p.scores), ref.whitenedScores)).toBeLessThan(1e-10);
        const back = p.inverseTransform(p.scores);
        expect(maxAbsDiff(rowsOf(back), X(name)) / maxAbs(X(name))).toBeLessThan(1e-13);
      });

      it(`pca(${name} ${kind}).inverseTransform(scores) returns X (all components)`, () => {
        const p = pca(X(name), { scale: kind === 'standardized' });
        const back = p.inverseTransform(p.scores);
        expect(maxAbsDiff(rowsOf(back), X(name)) / maxAbs(X(name))).toBeLessThan(1e-14);
        expect(maxAbs(p.reconstructionError(X(name))) / maxAbs(X(name)) ** 2).toBeLessThan(1e-26);
      });

      it(`pca(${name} ${kind}, {variance: v}) keeps scikit-learn's number of components`, () => {
        const ref: SkFit = sk[name][kind];
        for (const [v, k] of Object.entries(ref.componentsForVariance)) {
          const p = pca(X(name), { variance: Number(v), scale: kind === 'standardized' });
          expect(p.nComponents, `variance ${v}`).toBe(k);
        }
      });
    }
  }

  it('pca(iris, {variance: 1}) keeps every component with non-zero variance', () => {
    expect(pca(X('iris'), { variance: 1 }).nComponents).toBe(4);
    expect(
      pca(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { variance: 1 },
      ).nComponents,
    ).toBe(1);
  });
});

describe('pca: solvers agree with each other', () => {
  for (const name of NAMES) {
    it(`pca(${name}, {components: 3, solver}) is the same for covariance, svd and randomized`, () => {
      const fits = (['covariance', 'svd', 'randomized'] as const).map((solver) =>
        pca(X(name), { components: 3, scale: true, solver }),
      );
      for (const p of fits.slice(1)) {
        expect(maxAbsDiff(p.components, fits[0]!.components)).toBeLessThan(1e-10);
        expect(maxAbsDiff(p.explainedVarianceRatio, fits[0]!.explainedVarianceRatio)).toBeLessThan(
          1e-13,
        );
        expect(maxAbsDiff(p.scores.data, fits[0]!.scores.data)).toBeLessThan(1e-10);
      }
    });
  }

  it('pca(X 40 x 90, {solver}) agrees across the Gram (n < d), covariance and randomized solvers', () => {
    const x = randomData(40, 90, 11, 40, 3); // seed 11
    const svd = pca(x, { solver: 'svd' });
    const cov = pca(x, { solver: 'covariance' });
    const rnd = pca(x, { solver: 'randomized', components: 5 });
    expect(svd.solver).toBe('svd');
    expect(svd.nComponents).toBe(40);
    // Centred data of 40 rows has rank 39: 39 determined components, the 40th has variance 0.
    expect(maxAbsDiff(svd.components.slice(0, 39), cov.components.slice(0, 39))).toBeLessThan(1e-9);
    expect(maxAbsDiff(svd.explainedVarianceRatio, cov.explainedVarianceRatio)).toBeLessThan(1e-13);
    expect(svd.explainedVariance[39]).toBe(0);
    expect(maxAbsDiff(rnd.components, cov.components.slice(0, 5))).toBeLessThan(1e-10);
    // The components are orthonormal, including the completed 40th.
    for (let a = 0; a < 40; a++) {
      for (let b = a; b < 40; b++) {
        let s = 0;
        for (let j = 0; j < 90; j++) s += svd.components[a]![j]! * svd.components[b]![j]!;
        expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it("pca(X, {solver: 'auto'}) reports its choice", () => {
    expect(pca(X('iris')).solver).toBe('covariance');
    expect(pca(randomData(10, 20, 1)).solver).toBe('svd');
    const wide = randomData(300, 250, 2, 20);
    const r = pca(wide, { components: 5 });
    expect(r.solver).toBe('randomized');
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.converged).toBe(true);
    expect(pca(wide, { components: 100 }).solver).toBe('covariance');
  });

  it("pca(X, {solver: 'randomized', seed}) is deterministic and seed-independent to 1e-10", () => {
    const x = randomData(500, 60, 5, 60, 10);
    const a = pca(x, { solver: 'randomized', components: 4, seed: 1 });
    const b = pca(x, { solver: 'randomized', components: 4, seed: 1 });
    const c = pca(x, { solver: 'randomized', components: 4, seed: 2 });
    expect(Array.from(a.scores.data)).toEqual(Array.from(b.scores.data));
    expect(a.components).toEqual(b.components);
    expect(maxAbsDiff(a.components, c.components)).toBeLessThan(1e-10);
  });
});

describe('pca: properties on random small matrices (fast-check, seed 20261129)', () => {
  it('pca(X) with every component reconstructs X, and the covariance and SVD solvers agree', () => {
    const matrix = fc
      .record({ n: fc.integer({ min: 2, max: 12 }), d: fc.integer({ min: 1, max: 6 }) })
      .chain(({ n, d }) =>
        fc.array(
          fc.array(
            fc.integer({ min: -100_000, max: 100_000 }).map((v) => v / 1000),
            { minLength: d, maxLength: d },
          ),
          { minLength: n, maxLength: n },
        ),
      );
    fc.assert(
      fc.property(matrix, fc.boolean(), (x, scale) => {
        const fit = withCollectedWarnings(() => {
          try {
            return {
              cov: pca(x, { scale, solver: 'covariance' }),
              svd: pca(x, { scale, solver: 'svd' }),
            };
          } catch (error) {
            if (error instanceof DataError) return undefined; // every column constant
            throw error;
          }
        }).value;
        if (fit === undefined) return;
        const { cov, svd } = fit;
        const size = Math.max(1, maxAbs(x));
        expect(maxAbsDiff(rowsOf(cov.inverseTransform(cov.scores)), x) / size).toBeLessThan(1e-12);
        expect(maxAbsDiff(cov.explainedVarianceRatio, svd.explainedVarianceRatio)).toBeLessThan(
          1e-12,
        );
        // Ratios add up to 1 over all min(n, d) components, unless the rank is capped by n - 1.
        let sum = 0;
        for (const r of cov.explainedVarianceRatio) sum += r;
        expect(sum).toBeLessThanOrEqual(1 + 1e-12);
        if (x.length > x[0]!.length) expect(sum).toBeCloseTo(1, 12);
      }),
      { seed: 20261129, numRuns: 200 },
    );
  });
});

describe("pca: R's prcomp", () => {
  // prcomp scales by the sample standard deviation (n - 1); clusterlens by the population one
  // (n), as scikit-learn's StandardScaler. So R's scores and sdev are ours times
  // sqrt((n - 1) / n), while components and variance ratios are identical.
  for (const name of NAMES) {
    it(`pca(${name}, {scale: true}) equals prcomp(scale.=TRUE) after the factor sqrt((n-1)/n)`, () => {
      const ref = rp[name];
      const n = ref.n as number;
      const f = Math.sqrt((n - 1) / n);
      const p = pca(X(name), { scale: true });
      expect(maxAbsDiff(p.components, ref.scaled.components)).toBeLessThan(1e-10);
      const sdev = Array.from(p.explainedVariance, (v) => Math.sqrt(v) * f);
      expect(maxAbsDiff(sdev, ref.scaled.sdev)).toBeLessThan(1e-12);
      const scores = rowsOf(p.scores).map((r) => r.map((v) => v * f));
      expect(maxAbsDiff(scores, ref.scaled.scores)).toBeLessThan(1e-12);
      const scale = Array.from(p.scale, (v) => v / f);
      expect(maxAbsDiff(scale, ref.scaled.scale) / maxAbs(scale)).toBeLessThan(1e-14);
    });

    it(`pca(${name}, {center: false, scale: true}) divides by the root mean square, as prcomp(center=FALSE, scale.=TRUE) up to the same factor`, () => {
      const ref = rp[name];
      const n = ref.n as number;
      const f = Math.sqrt((n - 1) / n);
      const p = pca(X(name), { center: false, scale: true });
      expect(Array.from(p.mean)).toEqual(new Array(p.nFeatures).fill(0));
      const scale = Array.from(p.scale, (v) => v / f);
      expect(maxAbsDiff(scale, ref.uncenteredScaled.scale) / maxAbs(scale)).toBeLessThan(1e-14);
      expect(maxAbsDiff(p.components, ref.uncenteredScaled.components)).toBeLessThan(1e-10);
      const sdev = Array.from(p.explainedVariance, (v) => Math.sqrt(v) * f);
      expect(maxAbsDiff(sdev, ref.uncenteredScaled.sdev) / sdev[0]!).toBeLessThan(1e-12);
      const scores = rowsOf(p.scores).map((r) => r.map((v) => v * f));
      expect(maxAbsDiff(scores, ref.uncenteredScaled.scores) / maxAbs(scores)).toBeLessThan(1e-12);
    });

    it(`pca(${name}, {center: false}) equals prcomp(center=FALSE) exactly (no factor)`, () => {
      const ref = rp[name];
      const p = pca(X(name), { center: false });
      const sdev = Array.from(p.explainedVariance, (v) => Math.sqrt(v));
      expect(maxAbsDiff(sdev, ref.uncentered.sdev) / sdev[0]!).toBeLessThan(1e-12);
      expect(
        maxAbsDiff(p.components.slice(0, 2), ref.uncentered.components.slice(0, 2)),
      ).toBeLessThan(1e-10);
      const scores = rowsOf(p.scores).map((r) => r.slice(0, 2));
      const refScores = (ref.uncentered.scores as number[][]).map((r) => r.slice(0, 2));
      expect(maxAbsDiff(scores, refScores) / maxAbs(refScores)).toBeLessThan(1e-12);
    });
  }

  it('pca(X, {scale: true}).loadings are the correlations of features with scores times sqrt(n/(n-1))', () => {
    const x = X('wine');
    const n = x.length;
    const p = pca(x, { scale: true, components: 3 });
    for (let j = 0; j < p.nFeatures; j++) {
      for (let c = 0; c < 3; c++) {
        const a = x.map((r) => r[j]!);
        const b = rowsOf(p.scores).map((r) => r[c]!);
        const corr = pearson(a, b);
        expect(Math.abs(p.loadings[j]![c]! - corr * Math.sqrt(n / (n - 1)))).toBeLessThan(1e-12);
      }
    }
  });
});

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('pca: sign rule', () => {
  it('pca(X) makes the largest-magnitude entry of every component positive, and flips the scores with it', () => {
    for (const name of NAMES) {
      const p = pca(X(name), { scale: true });
      for (const v of p.components) {
        let at = 0;
        for (let j = 1; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[at]!)) at = j;
        expect(v[at]).toBeGreaterThan(0);
      }
      // Scores are the projection on the oriented components.
      expect(maxAbsDiff(p.transform(X(name)).data, p.scores.data)).toBe(0);
    }
  });

  it('pca(-X) has the same components as pca(X) and the negated scores', () => {
    const x = X('iris');
    const neg = x.map((r) => r.map((v) => -v));
    const a = pca(x);
    const b = pca(neg);
    expect(maxAbsDiff(a.components, b.components)).toBeLessThan(1e-14);
    expect(
      maxAbsDiff(
        a.scores.data,
        Array.from(b.scores.data, (v) => -v),
      ),
    ).toBeLessThan(1e-13);
  });
});

describe('pca: zero-variance columns, bad values, options', () => {
  const withConstant = X('iris').map((r) => [r[0]!, 0.1, r[1]!, r[2]!, r[3]!]);

  it('pca(X with a constant column, {scale: true}) warns once naming it and divides it by 1', () => {
    const dataset: Dataset = {
      features: featureMatrix(150, 5, Float64Array.from(withConstant.flat())),
      columns: ['sepal_length', 'const', 'sepal_width', 'petal_length', 'petal_width'],
      source: {
        path: '<memory>',
        sha256: '',
        rowsRead: 150,
        rowsDropped: 0,
        valuesImputed: 0,
        format: 'csv',
        leftOut: [],
      },
    };
    const { value: p, warnings } = withCollectedWarnings(() =>
      pca(dataset, { scale: true, components: 4 }),
    );
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain("'const'");
    expect(warnings[0]).toContain('by 1');
    expect(p.constantColumns).toEqual([1]);
    expect(p.scale[1]).toBe(1);
    expect(p.mean[1]).toBe(0.1);
    expect(p.columns).toEqual(dataset.columns);
    // The other columns decompose as if the constant one were absent.
    const ref: SkFit = sk.iris.standardized;
    const reduced = p.components.map((v) => [v[0]!, v[2]!, v[3]!, v[4]!]);
    expect(maxAbsDiff(reduced, ref.components)).toBeLessThan(1e-10);
    expect(p.components.map((v) => Math.abs(v[1]!))).toEqual([0, 0, 0, 0]);
    expect(maxAbsDiff(p.explainedVarianceRatio, ref.explainedVarianceRatio)).toBeLessThan(1e-12);
  });

  it('pca(X with a constant column) without scaling warns by column number', () => {
    const { warnings } = withCollectedWarnings(() => pca(withConstant, { solver: 'svd' }));
    expect(warnings).toEqual([
      'pca: column 2 has zero variance and adds nothing to the components.',
    ]);
  });

  it('pca(X with constant columns, {center: false}) keeps a constant non-zero column and leaves out a zero one', () => {
    const x = X('iris').map((r) => [r[0]!, 2, r[1]!, 0, r[2]!]);
    for (const scale of [false, true]) {
      const { value: cov, warnings } = withCollectedWarnings(() =>
        pca(x, { center: false, scale, solver: 'covariance' }),
      );
      expect(warnings.length).toBe(1);
      expect(warnings[0]).toContain('column 4 holds only zeros');
      expect(cov.constantColumns).toEqual([1, 3]);
      const svd = quiet(() => pca(x, { center: false, scale, solver: 'svd' }));
      expect(maxAbsDiff(cov.components.slice(0, 4), svd.components.slice(0, 4))).toBeLessThan(
        1e-10,
      );
      expect(maxAbsDiff(cov.explainedVarianceRatio, svd.explainedVarianceRatio)).toBeLessThan(
        1e-13,
      );
      // The constant 2 enters the uncentred second moments; the zero column does not.
      expect(cov.components.some((v) => Math.abs(v[1]!) > 0.01)).toBe(true);
      expect(cov.components.slice(0, 4).map((v) => Math.abs(v[3]!))).toEqual([0, 0, 0, 0]);
      expect(cov.scale[3]).toBe(1);
      if (scale) expect(cov.scale[1]).toBeCloseTo(2, 15);
    }
  });

  it('pca(constant X) throws a DataError', () => {
    expect(() =>
      quiet(() =>
        pca([
          [1, 2],
          [1, 2],
        ]),
      ),
    ).toThrow(DataError);
  });

  it('pca(X with NaN or Infinity) throws a DataError naming row and column', () => {
    const x = X('iris').map((r) => r.slice());
    x[7]![2] = Number.NaN;
    expect(() => pca(x)).toThrow(DataError);
    expect(() => pca(x)).toThrow(/row 7, column 3/);
    x[7]![2] = Number.POSITIVE_INFINITY;
    expect(() => pca(x)).toThrow(/row 7, column 3/);
  });

  it('pca(X, bad options) throws OptionError with the template', () => {
    const x = X('iris');
    expect(() => pca(x, { components: 0 })).toThrow(
      "The 'components' option of pca must be an integer >= 1. Got 0 instead.",
    );
    expect(() => pca(x, { components: 5 })).toThrow(
      'pca: components=5 should be <= min(n_samples=150, n_features=4) = 4.',
    );
    expect(() => pca(x, { variance: 0 })).toThrow(OptionError);
    expect(() => pca(x, { variance: 1.5 })).toThrow(OptionError);
    expect(() => pca(x, { components: 2, variance: 0.9 })).toThrow(OptionError);
    expect(() => pca(x, { solver: 'randomized', variance: 0.9 })).toThrow(OptionError);
    // @ts-expect-error 'nipals' is not a solver
    expect(() => pca(x, { solver: 'nipals' })).toThrow(OptionError);
    // @ts-expect-error unknown option
    expect(() => pca(x, { nComponents: 2 })).toThrow("pca has no option 'nComponents'");
    expect(() => pca([[1, 2]])).toThrow(DataError);
  });

  it('pca(frozen X) does not mutate its input', () => {
    const x = frozen(X('wine').map((r) => r.slice()));
    const copy = JSON.stringify(x);
    const p = pca(x, { scale: true, components: 2 });
    p.transform(x);
    p.reconstructionError(x);
    expect(JSON.stringify(x)).toBe(copy);
    const fm = featureMatrix(178, 13, Float64Array.from(X('wine').flat()));
    const before = fm.data.slice();
    pca(fm, { solver: 'svd' });
    pca(fm, { solver: 'randomized', components: 2 });
    expect(fm.data).toEqual(before);
  });

  it('pca(X).transform(X with other width) throws a DataError', () => {
    const p = pca(X('iris'), { components: 2 });
    expect(() => p.transform([[1, 2, 3]])).toThrow(DataError);
    expect(() => p.inverseTransform([[1, 2, 3]])).toThrow(DataError);
  });

  it('pca(X) accepts an ml-matrix Matrix and gives the same result as number[][]', () => {
    const a = pca(new Matrix(X('iris')));
    const b = pca(X('iris'));
    expect(Array.from(a.scores.data)).toEqual(Array.from(b.scores.data));
  });
});

describe('createPCAAccumulator', () => {
  it('createPCAAccumulator().add(chunks).finish() equals pca(X) to 1e-12, and merges', () => {
    const x = randomData(3000, 12, 21, 12, 1000); // seed 21, mean 1000
    const one = pca(x, { components: 5, scale: true });
    const a = createPCAAccumulator().add(x.slice(0, 1)).add(x.slice(1, 700));
    const b = createPCAAccumulator().add(x.slice(700, 1901)).add(x.slice(1901));
    const m = a.merge(b).finish({ components: 5, scale: true });
    expect(a.count).toBe(3000);
    expect(maxAbsDiff(m.mean, one.mean) / 1000).toBeLessThan(1e-15);
    expect(maxAbsDiff(m.scale, one.scale) / maxAbs(one.scale)).toBeLessThan(1e-13);
    expect(maxAbsDiff(m.explainedVarianceRatio, one.explainedVarianceRatio)).toBeLessThan(1e-13);
    expect(
      maxAbsDiff(m.explainedVariance, one.explainedVariance) / one.explainedVariance[0]!,
    ).toBeLessThan(1e-13);
    expect(maxAbsDiff(m.components, one.components)).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.transform(x).data, one.scores.data) / maxAbs(one.scores.data)).toBeLessThan(
      1e-12,
    );
    expect(m.nSamples).toBe(3000);
  });

  it('createPCAAccumulator() fitted on iris chunks equals scikit-learn', () => {
    const acc = createPCAAccumulator();
    const x = X('iris');
    for (let i = 0; i < 150; i += 37) acc.add(x.slice(i, i + 37));
    const m = acc.finish();
    const ref: SkFit = sk.iris.raw;
    expect(maxAbsDiff(m.explainedVarianceRatio, ref.explainedVarianceRatio)).toBeLessThan(1e-12);
    expect(maxAbsDiff(m.components, ref.components)).toBeLessThan(1e-10);
  });

  it('createPCAAccumulator().add(chunk with NaN) names the row counted over all chunks', () => {
    const acc = createPCAAccumulator().add(X('iris').slice(0, 10));
    const bad = X('iris')
      .slice(10, 20)
      .map((r) => r.slice());
    bad[3]![1] = Number.NaN;
    expect(() => acc.add(bad)).toThrow(/row 13, column 2/);
  });

  it("createPCAAccumulator().finish({solver: 'randomized', components}) equals the covariance solver and can be called again", () => {
    const x = randomData(400, 30, 23, 30, -7);
    const acc = createPCAAccumulator().add(x);
    const r = acc.finish({ solver: 'randomized', components: 3 });
    const c = acc.finish({ solver: 'covariance', components: 3 });
    expect(r.solver).toBe('randomized');
    expect(r.iterations).toBeGreaterThan(0);
    expect(maxAbsDiff(r.components, c.components)).toBeLessThan(1e-10);
    expect(maxAbsDiff(r.explainedVarianceRatio, c.explainedVarianceRatio)).toBeLessThan(1e-14);
  });

  it("createPCAAccumulator().finish({solver: 'svd'}) throws an OptionError", () => {
    const acc = createPCAAccumulator().add(X('iris'));
    expect(() => acc.finish({ solver: 'svd' })).toThrow(OptionError);
    expect(() =>
      createPCAAccumulator()
        .add([[1, 2, 3]])
        .add([[1, 2]]),
    ).toThrow(DataError);
  });
});

describe('pca: JSON and ml-pca interop', () => {
  it('pcaFromJSON(JSON of pca(X)) transforms exactly as the fitted model', () => {
    const p = pca(X('wine'), { scale: true, components: 4, whiten: true });
    const text = JSON.stringify(p);
    const json = JSON.parse(text) as PCAJSON;
    expect(json.type).toBe('pca');
    expect('scores' in json).toBe(false);
    const q = pcaFromJSON(json);
    expect(Array.from(q.transform(X('wine')).data)).toEqual(Array.from(p.scores.data));
    expect(q.components).toEqual(p.components);
    expect(Array.from(q.explainedVarianceRatio)).toEqual(Array.from(p.explainedVarianceRatio));
    expect(q.solver).toBe(p.solver);
    expect(JSON.stringify(q)).toBe(text);
    expect(() => pcaFromJSON({ type: 'kmeans' } as unknown as PCAJSON)).toThrow(DataError);
  });

  for (const options of [{ scale: true }, { center: false, scale: true }, {}]) {
    it(`PCA.load(pca(X, ${JSON.stringify(options)}).toMlPca()).predict(X) equals our scores`, () => {
      const p = pca(X('penguins'), { ...options, components: 3 });
      const ml = PCA.load(p.toMlPca());
      const predicted = ml.predict(X('penguins')).to2DArray();
      expect(maxAbsDiff(predicted, rowsOf(p.scores)) / maxAbs(p.scores.data)).toBeLessThan(1e-14);
    });
  }

  it('pcaFromMlPCA(new PCA(X)) has our components, ratios and scores', () => {
    const ml = new PCA(X('iris'));
    const m = pcaFromMlPCA(ml, { nSamples: 150 });
    const p = pca(X('iris'));
    expect(maxAbsDiff(m.components, p.components)).toBeLessThan(1e-13);
    expect(maxAbsDiff(m.explainedVarianceRatio, p.explainedVarianceRatio)).toBeLessThan(1e-14);
    expect(maxAbsDiff(m.singularValues, p.singularValues) / p.singularValues[0]!).toBeLessThan(
      1e-14,
    );
    expect(maxAbsDiff(m.transform(X('iris')).data, p.scores.data)).toBeLessThan(1e-12);
  });
});

describe('pca: scores on first access', () => {
  const x = featureMatrix(
    6,
    3,
    Float64Array.from([2, 0, 1, 0, 1, 3, -2, 0, 4, 0, -1, 1, 5, 2, 0, 1, 1, 1]),
  );

  it('are the projection of the fitted rows, the same object on every access', () => {
    const p = pca(x);
    const s = p.scores;
    expect(p.scores).toBe(s);
    expect(Array.from(s.data)).toEqual(Array.from(p.transform(x).data));
    // hand check of one score: (row 0 - mean) . component 0
    let v = 0;
    for (let j = 0; j < 3; j++) v += (x.data[j]! - p.mean[j]!) * p.components[0]![j]!;
    expect(s.data[0]).toBeCloseTo(v, 12);
  });

  it('refuse rows changed between the fit and the first access, and keep scores read before', () => {
    const y = featureMatrix(6, 3, x.data.slice());
    const p = pca(y);
    y.data[7] = 9;
    expect(() => p.scores).toThrow(DataError);
    expect(() => p.scores).toThrow(/changed before its scores were read/);
    const z = featureMatrix(6, 3, x.data.slice());
    const q = pca(z);
    const before = Array.from(q.scores.data);
    z.data[7] = 9;
    expect(Array.from(q.scores.data)).toEqual(before);
  });

  it('from number[][] rows over several blocks: the model and scores of the same FeatureMatrix, bit for bit', () => {
    const n = 2500;
    const d = 7;
    const rows = randomData(n, d, 77);
    const m = featureMatrix(n, d, Float64Array.from(rows.flat()));
    const a = pca(rows);
    const b = pca(m);
    expect(a.solver).toBe('covariance');
    expect(Array.from(a.explainedVariance)).toEqual(Array.from(b.explainedVariance));
    expect(a.components).toEqual(b.components);
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
    expect(Array.from(a.scores.data)).toEqual(Array.from(b.scores.data));
    const c = pca(rows, { components: 3, scale: true });
    expect(Array.from(c.scores.data)).toEqual(
      Array.from(pca(m, { components: 3, scale: true }).scores.data),
    );
  });

  it('from number[][] rows changed before the first access are refused', () => {
    const rows = Array.from({ length: 6 }, (_, i) => Array.from(x.data.subarray(3 * i, 3 * i + 3)));
    const p = pca(rows);
    rows[2]![1] = -7;
    expect(() => p.scores).toThrow(/changed before its scores were read/);
  });

  it('of number[][] rows with a bad value name it as before', () => {
    expect(() =>
      pca([
        [1, 2],
        [3, Number.NaN],
        [4, 5],
      ]),
    ).toThrow(DataError);
    expect(() => pca([[1, 2], [3], [4, 5]])).toThrow(/every row to have 2 values/);
  });

  it('of rows given as number[][] are those of the same rows as a FeatureMatrix', () => {
    const rows = Array.from({ length: 6 }, (_, i) => Array.from(x.data.subarray(3 * i, 3 * i + 3)));
    expect(Array.from(pca(rows).scores.data)).toEqual(Array.from(pca(x).scores.data));
  });
});
