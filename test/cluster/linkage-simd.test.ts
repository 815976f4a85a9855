import { describe, expect, it } from 'vitest';
import { hclust } from '../../src/cluster/hclust/index.js';
import { featureMatrix } from '../../src/data/dataset.js';
import { RandomState } from '../../src/util/random.js';
import { simdSupported } from '../../src/wasm/index.js';
import { withAndWithoutWasm } from '../helpers/wasm.js';

/** The linkage with the WebAssembly scans and with the JavaScript ones. */
function both(run: () => number[][]): [number[][], number[][]] {
  const { wasm, js } = withAndWithoutWasm(run);
  return [wasm, js];
}

describe('hclust on stored data: the WebAssembly scans', () => {
  it('runs where WebAssembly SIMD is (Node 20)', () => {
    expect(simdSupported()).toBe(true);
  });

  // odd and even n; n = 301 and 700 compact their arrays many times; integer grids tie a lot
  const cases: [string, number, number, boolean][] = [
    ['gauss', 2, 1, false],
    ['gauss', 3, 2, false],
    ['gauss', 301, 3, false],
    ['gauss', 700, 10, false],
    ['grid', 301, 2, true],
    ['grid', 500, 3, true],
    ['grid', 64, 1, true],
  ];
  for (const [kind, n, d, grid] of cases) {
    const rng = new RandomState(n + d);
    const x = featureMatrix(n, d);
    for (let i = 0; i < n * d; i++) x.data[i] = grid ? rng.randint(4) : rng.gauss() * 3;

    it(`single, ward, centroid, median (${kind}, n = ${n}, d = ${d}) give the JavaScript linkage bit for bit`, () => {
      for (const metric of ['euclidean', 'sqeuclidean'] as const) {
        const [a, b] = both(
          () => hclust(x, { method: 'single', metric, layout: 'features' }).linkage,
        );
        expect(a).toEqual(b);
      }
      const [a, b] = both(() => hclust(x, { method: 'ward', layout: 'features' }).linkage);
      expect(a).toEqual(b);
      const weights = Array.from({ length: n }, (_, i) => 1 + (i % 3));
      const [c, e] = both(() => hclust(x, { method: 'ward', layout: 'features', weights }).linkage);
      expect(c).toEqual(e);
      for (const method of ['centroid', 'median'] as const) {
        const [f, g] = both(() => hclust(x, { method, layout: 'features' }).linkage);
        expect(f).toEqual(g);
        const [h, i] = both(() => hclust(x, { method, layout: 'features', weights }).linkage);
        expect(h).toEqual(i);
      }
    });
  }
});
