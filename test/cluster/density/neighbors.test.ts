import { describe, expect, it } from 'vitest';
import { buildKdTree, withinRadius } from '../../../src/cluster/density/kdtree.js';
import {
  coreDistances,
  neighborCounts,
  neighborSpace,
  scanRadius,
} from '../../../src/cluster/density/neighbors.js';
import { RandomState } from '../../../src/util/random.js';

function matrix(n: number, d: number, seed: number, integers: boolean) {
  const rng = new RandomState(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) {
    const u = rng.uniform();
    data[i] = integers ? Math.floor(u * 5) : u * 10 - 3;
  }
  return { rows: n, cols: d, data };
}

describe('k-d tree searches: the same doubles as the brute-force scans', () => {
  for (const metric of ['euclidean', 'sqeuclidean', 'cityblock', 'chebyshev'] as const) {
    for (const [n, d, integers] of [
      [300, 2, false],
      [300, 2, true],
      [200, 5, true],
      [257, 3, false],
    ] as const) {
      it(`${metric}, ${n} x ${d}${integers ? ' integers' : ''}`, () => {
        const x = matrix(n, d, n + d, integers);
        const tree = neighborSpace(x, metric, 'test', true);
        const brute = neighborSpace(x, metric, 'test', false);
        expect(tree.tree).not.toBeNull();
        expect(brute.tree).toBeNull();
        for (const k of [1, 2, 5, 17, n]) {
          expect(coreDistances(tree, k)).toEqual(coreDistances(brute, k));
        }
        for (const eps of [0.5, 1, Math.SQRT2, 2, 3.7]) {
          const r = scanRadius(metric, eps);
          expect(neighborCounts(tree, r)).toEqual(neighborCounts(brute, r));
        }
      });
    }
  }

  it('one row per leaf range, every row once; all-equal rows make one leaf', () => {
    const x = { rows: 100, cols: 2, data: new Float64Array(200).fill(1) };
    const t = buildKdTree(x, 'sqeuclidean');
    expect(t.left[0]).toBe(-1);
    expect(withinRadius(t, 0, 0, new Int32Array(100))).toBe(100);
    const y = matrix(1000, 3, 7, false);
    const u = buildKdTree(y, 'sqeuclidean');
    expect(Array.from(u.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });
});
