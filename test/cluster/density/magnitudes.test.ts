/**
 * The density methods across the range of doubles: a small integer matrix B and B * 2^e give
 * the same labels, orderings, probabilities and GLOSH scores, and distances times 2^e (the data
 * is divided by a power of two when its values are extreme; src/cluster/density/neighbors.ts).
 * OPTICS only beyond 2^±500, where that division happens: at ordinary magnitudes it rounds its
 * distances to 15 decimals as scikit-learn does, so tiny values (B * 2^-400) lose their digits.
 */
import { describe, expect, it } from 'vitest';
import { dbscan, hdbscan, optics } from '../../../src/cluster/density/index.js';
import { RandomState } from '../../../src/util/random.js';

const rng = new RandomState(3);
const n = 80;
const B: number[][] = [];
for (let i = 0; i < n; i++) {
  const c = i % 3;
  B.push([c * 12 + Math.floor(rng.uniform() * 6), c * 5 + Math.floor(rng.uniform() * 6)]);
}
const times = (s: number) => B.map((row) => row.map((v) => v * s));

function closeArrays(got: ArrayLike<number>, want: ArrayLike<number>, s: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]! * s;
    const g = got[i]!;
    if (w === g) continue;
    if (!(Math.abs(g - w) <= 1e-12 * Math.abs(w))) throw new Error(`${i}: got ${g} want ${w}`);
  }
}

describe('density methods at extreme magnitudes', () => {
  const h0 = hdbscan(B, { minClusterSize: 5 });
  const o0 = optics(B, { minSamples: 5 });
  const d0 = dbscan(B, { eps: 2, minSamples: 4 });
  expect(h0.nClusters).toBeGreaterThan(1);
  for (const e of [-1000, -700, -400, 400, 700, 1000]) {
    const s = 2 ** e;
    it(`B * 2^${e}`, () => {
      const X = times(s);
      const h = hdbscan(X, { minClusterSize: 5 });
      expect(h.labels).toEqual(h0.labels);
      closeArrays(h.probabilities, h0.probabilities, 1);
      closeArrays(h.outlierScores, h0.outlierScores, 1);
      closeArrays(h.coreDistances, h0.coreDistances, s);
      closeArrays(h.condensedTree.distance, h0.condensedTree.distance, s);
      closeArrays(h.stabilities, h0.stabilities, 1 / s);
      closeArrays(
        h.singleLinkage.Z,
        h0.singleLinkage.Z.map((v, i) => (i % 4 === 2 ? v : v / s)),
        s,
      );
      if (Math.abs(e) > 500) {
        const o = optics(X, { minSamples: 5 });
        expect(o.ordering).toEqual(o0.ordering);
        expect(o.labels).toEqual(o0.labels);
        closeArrays(o.reachability, o0.reachability, s);
      }
      expect(dbscan(X, { eps: 2 * s, minSamples: 4 }).labels).toEqual(d0.labels);
    });
  }
});
