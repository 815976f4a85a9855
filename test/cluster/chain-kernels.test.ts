import { describe, expect, it } from 'vitest';
import { condensedDistancesInto, condensedMemory } from '../../src/cluster/hclust/chain-kernels.js';
import { condensedDistances } from '../../src/cluster/hclust/distance.js';
import { hclust, type LinkageMethod } from '../../src/cluster/hclust/index.js';
import { featureMatrix } from '../../src/data/dataset.js';
import { RandomState } from '../../src/util/random.js';
import { withAndWithoutWasm } from '../helpers/wasm.js';

const CHAIN: LinkageMethod[] = ['ward', 'ward.D', 'average', 'complete', 'weighted'];
const OTHERS: LinkageMethod[] = ['single', 'centroid', 'median'];

/** Z with the WebAssembly kernels and with JavaScript alone, as raw doubles (-0 and NaN kept). */
function both(run: () => Float64Array): [number[], number[]] {
  const { wasm, js } = withAndWithoutWasm(() => Array.from(run()));
  return [wasm, js];
}

function expectSameBits(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  for (let t = 0; t < a.length; t++) expect(Object.is(a[t], b[t]), `Z[${t}]`).toBe(true);
}

describe('hclust on the condensed matrix: the WebAssembly chain', () => {
  // odd and even n; n = 700 empties the column caches many times; integer grids tie a lot
  const cases: [string, number, number, boolean][] = [
    ['gauss', 2, 1, false],
    ['gauss', 3, 2, false],
    ['gauss', 5, 1, false],
    ['gauss', 301, 3, false],
    ['gauss', 700, 10, false],
    ['grid', 64, 1, true],
    ['grid', 301, 2, true],
    ['grid', 500, 3, true],
  ];
  for (const [kind, n, d, grid] of cases) {
    const rng = new RandomState(n + d);
    const x = featureMatrix(n, d);
    for (let i = 0; i < n * d; i++) x.data[i] = grid ? rng.randint(4) : rng.gauss() * 3;
    const weights = Array.from({ length: n }, (_, i) => 1 + (i % 3));

    it(`every method (${kind}, n = ${n}, d = ${d}) gives the JavaScript linkage bit for bit`, () => {
      for (const method of [...CHAIN, ...OTHERS]) {
        const [a, b] = both(() => hclust(x, { method, layout: 'condensed' }).Z);
        expectSameBits(a, b);
        const [c, e] = both(() => hclust(x, { method, layout: 'condensed', weights }).Z);
        expectSameBits(c, e);
      }
      for (const method of ['average', 'complete', 'weighted', 'single'] as const) {
        const [a, b] = both(
          () => hclust(x, { method, metric: 'sqeuclidean', layout: 'condensed' }).Z,
        );
        expectSameBits(a, b);
      }
    });

    it(`a precomputed condensed matrix (${kind}, n = ${n}) gives the JavaScript linkage bit for bit`, () => {
      const D = condensedDistances(x, 'cityblock');
      for (const method of ['average', 'complete', 'weighted'] as const) {
        const [a, b] = both(
          () => hclust(D, { method, metric: 'precomputed', layout: 'condensed' }).Z,
        );
        expectSameBits(a, b);
      }
    });
  }

  it('computes the distances of condensedDistances (euclidean, sqeuclidean, cityblock, chebyshev), bit for bit, in place', () => {
    const rng = new RandomState(7);
    for (const [n, d] of [
      [2, 1],
      [3, 5],
      [130, 7],
      [257, 2],
    ] as const) {
      const x = featureMatrix(n, d);
      for (let i = 0; i < n * d; i++) x.data[i] = rng.gauss() * 10;
      // ties of absolute differences and zeros (-0 against +0) for the maxima
      for (let i = 0; i < n * d; i += 5) x.data[i] = Math.round(x.data[i]!);
      for (const metric of ['euclidean', 'sqeuclidean', 'cityblock', 'chebyshev'] as const) {
        const cm = condensedMemory(n, d);
        expect(cm, 'no WebAssembly memory').not.toBeNull();
        condensedDistancesInto(x, metric, cm!);
        expectSameBits(Array.from(cm!.D), Array.from(condensedDistances(x, metric)));
      }
    }
  });

  it('finds the tree of a hand-worked case', () => {
    // points 0, 1, 4, 9 on a line
    const x = featureMatrix(4, 1);
    x.data.set([0, 1, 4, 9]);
    const Z = Array.from(hclust(x, { method: 'complete', layout: 'condensed' }).Z);
    // {0,1} at 1; {0,1} with 4 at max(4, 3) = 4; with 9 at 9
    expect(Z).toEqual([0, 1, 1, 2, 2, 4, 4, 3, 3, 5, 9, 4]);
  });
});
