import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { squareDistances } from '../../src/cluster/hclust/distance.js';
import { squareEuclideanSimd } from '../../src/cluster/hclust/distance-kernels.js';
import { RandomState } from '../../src/util/random.js';
import { created, withoutWasm } from '../helpers/wasm.js';

// Reference values: scipy 1.10.1 pdist, made by test/fixtures/hclust/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/hclust/scipy.json', 'utf8'));
const iris: number[][] = fx.data.iris;

function randomMatrix(n: number, d: number, seed: number) {
  const rs = new RandomState(seed);
  const data = new Float64Array(n * d);
  // Mixed magnitudes, so that rounding differences would show.
  for (let i = 0; i < n * d; i++) data[i] = rs.gauss() * (i % 7 === 0 ? 1e3 : 1);
  return { rows: n, cols: d, data };
}

describe('squareEuclideanSimd', () => {
  it('squareEuclideanSimd(X, squared) equals the JavaScript squareDistances bit for bit (n, d with every remainder)', () => {
    const seed = 20240607;
    const frozen = randomMatrix(131, 10, seed);
    const copy = frozen.data.slice();
    const cases: [number, number][] = [
      [2, 1],
      [3, 1],
      [9, 2],
      [17, 3],
      [64, 10],
      [65, 10],
      [131, 7],
      [70, 33],
    ];
    for (const [n, d] of cases) {
      const X = n === 131 && d === 10 ? frozen : randomMatrix(n, d, seed + n * 100 + d);
      for (const squared of [false, true]) {
        const want = squareDistances(X, squared ? 'sqeuclidean' : 'euclidean');
        const got = created(squareEuclideanSimd(X, squared));
        expect(got.length).toBe(n * n);
        let differing = 0;
        for (let i = 0; i < n * n; i++) if (!Object.is(got[i], want[i])) differing++;
        expect(differing, `seed ${seed}, n ${n}, d ${d}, squared ${squared}`).toBe(0);
      }
    }
    expect(frozen.data).toEqual(copy);
  });

  it("squareEuclideanSimd(iris, false) holds scipy's pdist values (every 13th pair), zero diagonal", () => {
    const n = iris.length;
    const X = { rows: n, cols: 4, data: Float64Array.from(iris.flat()) };
    const D = created(squareEuclideanSimd(X, false));
    const want: number[] = fx.pdist_iris_every13.euclidean;
    let p = 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      expect(D[i * n + i]).toBe(0);
      for (let j = i + 1; j < n; j++, p++) {
        if (p % 13 === 0) {
          expect(D[i * n + j]).toBe(want[w]);
          expect(D[j * n + i]).toBe(want[w++]);
        }
      }
    }
    expect(w).toBe(want.length);
  });

  it('squareEuclideanSimd(X, false) is null with SIMD turned off (the caller uses JavaScript)', () => {
    expect(withoutWasm(() => squareEuclideanSimd(randomMatrix(5, 2, 1), false))).toBeNull();
  });
});
