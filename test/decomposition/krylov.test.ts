import { describe, expect, it } from 'vitest';
import { featureMatrix } from '../../src/data/dataset.js';
import { columnMoments } from '../../src/decomposition/pca/covariance.js';
import { blockLanczos } from '../../src/decomposition/pca/krylov.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { createNormalKernel } from '../../src/decomposition/pca/kernels.js';
import { RandomState } from '../../src/util/random.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { withAndWithoutWasm, withoutWasm } from '../helpers/wasm.js';
import { maxAbs, maxAbsDiff } from './helpers.js';

/**
 * Image-like data as the PCA benchmark's: rank r plus noise, clipped to [0, 1], with the first
 * and last `flat` columns constant (zero variance).
 */
function imageLike(n: number, d: number, seed: number, r = 6, flat = 3): Float64Array {
  const rng = new RandomState(seed);
  const w = new Float64Array(r * d);
  for (let t = 0; t < w.length; t++) w[t] = rng.gauss() * 0.1;
  const x = new Float64Array(n * d);
  const z = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) z[t] = rng.gauss();
    for (let j = 0; j < d; j++) {
      let s = 0.5;
      for (let t = 0; t < r; t++) s += z[t]! * w[t * d + j]!;
      s += 0.05 * rng.gauss();
      x[i * d + j] = j < flat || j >= d - flat ? 0.25 : Math.min(1, Math.max(0, s));
    }
  }
  return x;
}

describe('blockLanczos', () => {
  it('finds the known leading eigenpairs of Q diag(lambda) Q^T', () => {
    // lambda_i = 100 * 0.8^i (m = 100), rotated by a Householder reflection H = I - 2 u u^T:
    // the eigenvectors are the columns of H, the eigenvalues are lambda exactly.
    const m = 100;
    const rng = new RandomState(3);
    const u = new Float64Array(m);
    for (let i = 0; i < m; i++) u[i] = rng.gauss();
    const nu = Math.hypot(...u);
    for (let i = 0; i < m; i++) u[i] = u[i]! / nu;
    const lambda = (i: number) => 100 * 0.8 ** i;
    const a = new Float64Array(m * m); // H diag H
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let t = 0; t < m; t++) {
          const hit = (i === t ? 1 : 0) - 2 * u[i]! * u[t]!;
          const hjt = (j === t ? 1 : 0) - 2 * u[j]! * u[t]!;
          s += hit * lambda(t) * hjt;
        }
        a[i * m + j] = s;
      }
    }
    const op = {
      dim: m,
      apply(v: Float64Array, b: number, out: Float64Array) {
        for (let c = 0; c < b; c++) {
          for (let i = 0; i < m; i++) {
            let s = 0;
            for (let j = 0; j < m; j++) s += a[i * m + j]! * v[c * m + j]!;
            out[c * m + i] = s;
          }
        }
      },
    };
    const k = 5;
    const r = blockLanczos(op, k, { block: 2, seed: 0, tolerance: 1e-12, maxBasis: 100 });
    expect(r.converged).toBe(true);
    for (let c = 0; c < k; c++) {
      expect(Math.abs(r.values[c]! - lambda(c))).toBeLessThan(1e-11);
      // the c-th column of H, up to sign
      let dotH = 0;
      for (let i = 0; i < m; i++) {
        const h = (i === c ? 1 : 0) - 2 * u[i]! * u[c]!;
        dotH += h * r.vectors[c * m + i]!;
      }
      expect(Math.abs(Math.abs(dotH) - 1)).toBeLessThan(1e-12);
    }
  });

  it('keeps the coordinates it is told are zero at exactly 0', () => {
    const m = 30;
    const op = {
      dim: m,
      apply(v: Float64Array, b: number, out: Float64Array) {
        // diag(1.5^j) outside the zero coordinates 0 and 29
        for (let c = 0; c < b; c++) {
          for (let j = 0; j < m; j++) {
            out[c * m + j] = j === 0 || j === 29 ? 0 : 1.5 ** j * v[c * m + j]!;
          }
        }
      },
    };
    const r = blockLanczos(op, 3, {
      block: 2,
      seed: 5,
      tolerance: 1e-12,
      maxBasis: 28,
      zeros: [0, 29],
    });
    expect(r.converged).toBe(true);
    const want = [1.5 ** 28, 1.5 ** 27, 1.5 ** 26];
    for (let c = 0; c < 3; c++)
      expect(Math.abs(r.values[c]! - want[c]!) / want[0]!).toBeLessThan(1e-13);
    for (let c = 0; c < 3; c++) {
      expect(r.vectors[c * m]).toBe(0);
      expect(r.vectors[c * m + 29]).toBe(0);
    }
  });
});

describe('the normal-product kernel', () => {
  for (const [rows, cols] of [
    [70, 33],
    [64, 40],
    [5, 9],
  ] as const) {
    it(`${rows} x ${cols}: WebAssembly SIMD and JavaScript give the same bits`, () => {
      const rng = new RandomState(rows + cols);
      const x = new Float64Array(rows * cols);
      for (let t = 0; t < x.length; t++) x[t] = rng.gauss() * 3 + 10;
      const run = () => {
        const k = createNormalKernel(rows, cols, 2);
        for (let i = 0; i < rows; i++) {
          k.a.set(x.subarray(i * cols, (i + 1) * cols), i * k.stride);
        }
        const mo = k.moments();
        const inv = mo.sumSquares.map((s) => 1 / Math.sqrt(s / rows));
        k.centre(mo.mean, inv);
        for (let t = 0; t < cols; t++) {
          k.v[t] = Math.sin(t + 1);
          k.v[k.stride + t] = Math.cos(t);
        }
        k.apply();
        const out = { mo, w: Array.from(k.w), simd: k.simd };
        k.release();
        return out;
      };
      const { wasm: simd, js } = withAndWithoutWasm(run);
      expect(simd.simd).toBe(true);
      expect(js.simd).toBe(false);
      expect(simd.w).toEqual(js.w);
      for (const key of ['mean', 'sumSquares', 'min', 'max'] as const) {
        expect(Array.from(simd.mo[key])).toEqual(Array.from(js.mo[key]));
      }
      // and the moments are those of columnMoments
      const ref = columnMoments(featureMatrix(rows, cols, x));
      expect(Array.from(simd.mo.mean)).toEqual(Array.from(ref.mean));
      expect(Array.from(simd.mo.sumSquares)).toEqual(Array.from(ref.sumSquares));
      // W = Z^T Z V against a direct sum
      const z = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          z[i * cols + j] =
            (x[i * cols + j]! - ref.mean[j]!) / Math.sqrt(ref.sumSquares[j]! / rows);
        }
      }
      for (let c = 0; c < 2; c++) {
        for (let t = 0; t < cols; t++) {
          let s = 0;
          for (let i = 0; i < rows; i++) {
            let zv = 0;
            for (let j = 0; j < cols; j++)
              zv += z[i * cols + j]! * (c === 0 ? Math.sin(j + 1) : Math.cos(j));
            s += z[i * cols + t]! * zv;
          }
          expect(Math.abs(simd.w[c * (cols + (cols & 1)) + t]! - s)).toBeLessThan(1e-9 * rows);
        }
      }
    });
  }
});

describe("pca(X, {solver: 'randomized'}) by block Lanczos on the data", () => {
  const cases = [
    { name: 'n > d, odd d, constant columns', n: 300, d: 61, k: 4, options: {} },
    { name: 'n > d, scale', n: 300, d: 60, k: 5, options: { scale: true } },
    { name: 'n > d, no centring', n: 250, d: 40, k: 3, options: { center: false } },
    { name: 'n < d (Gram side)', n: 45, d: 120, k: 4, options: {} },
  ];
  for (const c of cases) {
    it(`${c.name}: equals the covariance solver (values 1e-12, components 1e-9)`, () => {
      const x = featureMatrix(c.n, c.d, imageLike(c.n, c.d, c.n + c.d));
      const base = { components: c.k, ...c.options };
      const rnd = pca(x, { ...base, solver: 'randomized' });
      const ref = pca(x, { ...base, solver: c.n >= c.d ? 'covariance' : 'svd' });
      expect(rnd.solver).toBe('randomized');
      expect(rnd.converged).toBe(true);
      expect(rnd.iterations).toBeGreaterThan(0);
      const scale = ref.explainedVariance[0]!;
      expect(maxAbsDiff(rnd.explainedVariance, ref.explainedVariance) / scale).toBeLessThan(1e-12);
      expect(Math.abs(rnd.totalVariance - ref.totalVariance) / ref.totalVariance).toBeLessThan(
        1e-12,
      );
      expect(maxAbsDiff(rnd.components, ref.components)).toBeLessThan(1e-9);
      expect(maxAbsDiff(rnd.scores.data, ref.scores.data) / maxAbs(ref.scores.data)).toBeLessThan(
        1e-9,
      );
      // inert (constant) columns are exactly zero in every component
      if (c.options.center !== false) {
        for (const row of rnd.components) expect(row[0]).toBe(0);
      }
    });
  }

  it('is the same with and without WebAssembly SIMD, and when a fit reuses the memory of the last', () => {
    const x = featureMatrix(200, 51, imageLike(200, 51, 9));
    const a = pca(x, { components: 3, solver: 'randomized' });
    const b = pca(x, { components: 3, solver: 'randomized' });
    const js = withoutWasm(() => pca(x, { components: 3, solver: 'randomized' }));
    // a different matrix in between leaves other values in the reused memory
    pca(featureMatrix(200, 51, imageLike(200, 51, 10)), { components: 3, solver: 'randomized' });
    const c = pca(x, { components: 3, solver: 'randomized' });
    for (const other of [b, js, c]) {
      expect(other.components).toEqual(a.components);
      expect(Array.from(other.explainedVariance)).toEqual(Array.from(a.explainedVariance));
      expect(Array.from(other.scores.data)).toEqual(Array.from(a.scores.data));
    }
  });

  it('falls back to the covariance matrix when the data has too few free directions', () => {
    // 12 columns, 8 of them constant: 4 free directions, fewer than components + 2 blocks
    const rng = new RandomState(4);
    const x = featureMatrix(50, 12);
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 12; j++) x.data[i * 12 + j] = j < 4 ? rng.gauss() : 1;
    }
    const { value: rnd, warnings } = withCollectedWarnings(() =>
      pca(x, { components: 2, solver: 'randomized' }),
    );
    // the constant columns are named once, by the covariance fit it fell back to
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/columns 5, 6, 7, 8, 9, 10, 11, 12 have zero variance/);
    const ref = withCollectedWarnings(() => pca(x, { components: 2, solver: 'covariance' })).value;
    expect(rnd.solver).toBe('randomized');
    expect(maxAbsDiff(rnd.explainedVariance, ref.explainedVariance)).toBeLessThan(1e-12);
    expect(maxAbsDiff(rnd.components, ref.components)).toBeLessThan(1e-9);
  });

  it('names zero-variance columns once when block Lanczos stops at its basis cap and falls back', () => {
    const rng = new RandomState(6);
    const x = featureMatrix(200, 40);
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 40; j++) x.data[i * 40 + j] = j === 7 ? 3 : rng.gauss() * (1 + j / 10);
    }
    // maxIterations 2: a basis of at most 4 vectors, too few for 3 components
    const capped = withCollectedWarnings(() =>
      pca(x, { components: 3, solver: 'randomized', maxIterations: 2 }),
    );
    const free = withCollectedWarnings(() => pca(x, { components: 3, solver: 'randomized' }));
    expect(free.value.iterations).toBeGreaterThan(2);
    expect(capped.warnings.filter((m) => /column 8 has zero variance/.test(m))).toHaveLength(1);
    expect(free.warnings.filter((m) => /column 8 has zero variance/.test(m))).toHaveLength(1);
    expect(capped.value.solver).toBe('randomized');
  });
});
