import { describe, expect, it } from 'vitest';
import { featureMatrix } from '../../src/data/dataset.js';
import { CovarianceAccumulator } from '../../src/decomposition/pca/covariance.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { createGramKernel, createProjectKernel } from '../../src/decomposition/pca/kernels.js';
import { RandomState } from '../../src/util/random.js';
import { created, withAndWithoutWasm, withoutWasm } from '../helpers/wasm.js';
import { randomData } from './helpers.js';

/** n x d uniform values in [-0.5, 0.5) from RandomState(seed). */
function uniform(n: number, d: number, seed: number): Float64Array {
  const rng = new RandomState(seed);
  const x = new Float64Array(n * d);
  for (let t = 0; t < x.length; t++) x[t] = rng.randomSample() - 0.5;
  return x;
}

// Column counts around the register tiles (3 rows x 3 column pairs; 2 rows x 4 component pairs):
// odd and even, below one tile, and with tails of every size.
const COLS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 50, 51];

describe('PCA SIMD kernels', () => {
  it('createGramKernel(d, b) is available (WebAssembly SIMD in this runtime)', () => {
    expect(createGramKernel(3, 8)).not.toBeNull();
    expect(createProjectKernel(3, new Float64Array(3), 1, 8)).not.toBeNull();
    expect(withoutWasm(() => createGramKernel(3, 8))).toBeNull();
  });

  it('gram(b) equals the row-order dot products bit for bit (odd d, partial blocks)', () => {
    for (const d of COLS) {
      const g = created(createGramKernel(d, 37));
      const dp = g.stride;
      expect(dp).toBe(d + (d & 1));
      for (const b of [1, 2, 5, 37]) {
        const z = uniform(b, d, 100 * d + b);
        g.block.fill(0);
        for (let r = 0; r < b; r++) g.block.set(z.subarray(r * d, (r + 1) * d), r * dp);
        const s = g.gram(b);
        for (let i = 0; i < d; i++) {
          for (let j = i; j < d; j++) {
            let ref = 0;
            for (let r = 0; r < b; r++) ref += z[r * d + i]! * z[r * d + j]!;
            expect(s[i * dp + j]).toBe(ref);
          }
        }
      }
    }
  });

  it('project(b, out, o) equals the column-order dot products bit for bit (odd k, tails)', () => {
    for (const d of COLS) {
      for (const k of [1, 2, 3, 7, 8, 9, 10, 11]) {
        const v = uniform(k, d, 7 * d + k);
        const p = created(createProjectKernel(d, v, k, 9));
        for (const b of [1, 2, 3, 9]) {
          const z = uniform(b, d, 1000 + 13 * d + b);
          p.block.set(z);
          const out = new Float64Array(2 + b * k + 2).fill(-1);
          p.project(b, out, 2);
          expect([out[0], out[1], out[2 + b * k], out[3 + b * k]]).toEqual([-1, -1, -1, -1]);
          for (let i = 0; i < b; i++) {
            for (let c = 0; c < k; c++) {
              let ref = 0;
              for (let t = 0; t < d; t++) ref += z[i * d + t]! * v[c * d + t]!;
              expect(out[2 + i * k + c]).toBe(ref);
            }
          }
        }
      }
    }
  });

  it('scores(data, r0, b, out, o) centres, scales and projects rows r0.. as the JavaScript loop', () => {
    for (const d of [1, 3, 8, 13, 50]) {
      for (const k of [1, 4, 9]) {
        const v = uniform(k, d, 3 * d + k);
        const mean = uniform(1, d, 500 + d);
        const inv = uniform(1, d, 600 + d).map((t) => 2 + t);
        const p = created(createProjectKernel(d, v, k, 7, mean, inv));
        const n = 19;
        const data = uniform(n, d, 700 + d);
        const out = new Float64Array(n * k);
        for (let r0 = 0; r0 < n; r0 += 7) p.scores(data, r0, Math.min(7, n - r0), out, r0 * k);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < k; c++) {
            let ref = 0;
            for (let t = 0; t < d; t++)
              ref += (data[i * d + t]! - mean[t]!) * inv[t]! * v[c * d + t]!;
            expect(out[i * k + c]).toBe(ref);
          }
        }
      }
    }
  });

  it('new CovarianceAccumulator().add(X) keeps the same minima and maxima of signed zeros', () => {
    const x = [
      [0, -0, 1],
      [-0, 0, -0],
      [0, -0, 0],
    ];
    const { wasm: simd, js } = withAndWithoutWasm(() => new CovarianceAccumulator().add(x));
    expect(simd.min).toEqual(js.min);
    expect(simd.max).toEqual(js.max);
    expect(simd.symmetricComoment()).toEqual(js.symmetricComoment());
  });

  it('new CovarianceAccumulator(-1, b).add(X) is the same with and without SIMD, bit for bit', () => {
    for (const d of COLS) {
      for (const [n, block] of [
        [2, 256],
        [300, 64],
        [1001, 256],
      ] as const) {
        const x = randomData(n, d, 40 + d, d, 3);
        const { wasm: simd, js } = withAndWithoutWasm(() =>
          new CovarianceAccumulator(-1, block).add(x.slice(0, n >> 1)).add(x.slice(n >> 1)),
        );
        expect(simd.count).toBe(js.count);
        expect(simd.symmetricComoment()).toEqual(js.symmetricComoment());
        expect(simd.mean).toEqual(js.mean);
        expect(simd.min).toEqual(js.min);
        expect(simd.max).toEqual(js.max);
      }
    }
  });

  it('pca(X, {components, scale, whiten}) scores are the same with and without SIMD, bit for bit', () => {
    for (const [n, d, k] of [
      [600, 7, 3],
      [517, 13, 11],
      [259, 50, 10],
    ] as const) {
      const x = featureMatrix(n, d, Float64Array.from(randomData(n, d, n + d, d, -2).flat()));
      for (const options of [
        { components: k },
        { components: k, scale: true, whiten: true, solver: 'covariance' as const },
      ]) {
        const { wasm: simd, js } = withAndWithoutWasm(() => pca(x, options));
        expect(simd.components).toEqual(js.components);
        expect(simd.explainedVariance).toEqual(js.explainedVariance);
        expect(simd.scores.data).toEqual(js.scores.data);
        expect(simd.transform(x).data).toEqual(js.transform(x).data);
      }
    }
  });
});
