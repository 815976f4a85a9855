import { describe, expect, it } from 'vitest';
import { coreDistances, neighborSpace } from '../../../src/cluster/density/neighbors.js';
import { primScan, primTree } from '../../../src/cluster/density/prim.js';
import { RandomState } from '../../../src/util/random.js';

// The k-d tree's Prim must take R's steps exactly: the same rows in the same order, the same
// weights, ties (integer data, duplicates) included.
describe('Prim over the mutual reachability: k-d tree = scans', () => {
  for (const metric of ['euclidean', 'cityblock', 'chebyshev', 'sqeuclidean'] as const) {
    for (const [n, d, levels, minSamples] of [
      [400, 2, 0, 5],
      [400, 2, 6, 5],
      [300, 3, 4, 10],
      [250, 5, 0, 1],
      [150, 2, 3, 25],
    ] as const) {
      it(`${metric}, ${n} x ${d}, ${levels ? `integers < ${levels}` : 'reals'}, minSamples ${minSamples}`, () => {
        const rng = new RandomState(n + d + levels);
        const data = new Float64Array(n * d);
        for (let i = 0; i < data.length; i++) {
          const u = rng.uniform();
          data[i] = levels ? Math.floor(u * levels) : u * 4 + (i % 3);
        }
        const x = { rows: n, cols: d, data };
        const withTree = neighborSpace(x, metric, 'test', true);
        const scans = neighborSpace(x, metric, 'test', false);
        const core = coreDistances(scans, minSamples);
        const a = primTree(withTree, withTree.tree!, core);
        const b = primScan(scans, core);
        expect(a.from).toEqual(b.from);
        expect(a.to).toEqual(b.to);
        expect(a.weight).toEqual(b.weight);
      });
    }
  }

  it('separated blobs with duplicates (long jumps between components), 1200 x 2', () => {
    const rng = new RandomState(11);
    const n = 1200;
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const b = i % 4;
      // blob b at (40 b, 7 b); every third row repeats the previous one
      if (i % 3 === 2) {
        data[2 * i] = data[2 * i - 2]!;
        data[2 * i + 1] = data[2 * i - 1]!;
      } else {
        data[2 * i] = 40 * b + Math.floor(rng.uniform() * 8);
        data[2 * i + 1] = 7 * b + rng.uniform() * 3;
      }
    }
    const x = { rows: n, cols: 2, data };
    for (const minSamples of [1, 3, 10, 40]) {
      const withTree = neighborSpace(x, 'euclidean', 'test', true);
      const scans = neighborSpace(x, 'euclidean', 'test', false);
      const core = coreDistances(scans, minSamples);
      const a = primTree(withTree, withTree.tree!, core);
      const b = primScan(scans, core);
      expect(a.from).toEqual(b.from);
      expect(a.to).toEqual(b.to);
      expect(a.weight).toEqual(b.weight);
    }
  });
});
