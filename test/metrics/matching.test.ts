import { describe, expect, it } from 'vitest';
import { crossTable, hungarian, matchClusters, relabel } from '../../src/metrics/matching.js';
import { RandomState } from '../../src/util/random.js';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

/** The minimum total cost over all assignments of a square matrix, by enumeration. */
function bruteForce(cost: number[][]): number {
  let best = Infinity;
  for (const p of permutations(cost.length)) {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += cost[i]![p[i]!]!;
    best = Math.min(best, s);
  }
  return best;
}

describe('hungarian', () => {
  it('hungarian(cost) solves a hand-worked 3x3 case', () => {
    // Rows pick columns 1, 0, 2 for 1 + 2 + 2 = 5 (checked by hand against the other 5 orders).
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(Array.from(hungarian(cost))).toEqual([1, 0, 2]);
  });

  it('hungarian(cost) matches enumeration on 200 random matrices (seed 7)', () => {
    const rng = new RandomState(7);
    for (let t = 0; t < 200; t++) {
      const n = 1 + rng.randint(6);
      const cost: number[][] = [];
      for (let i = 0; i < n; i++) {
        const r: number[] = [];
        for (let j = 0; j < n; j++) r.push(rng.randint(10));
        cost.push(r);
      }
      const frozen = structuredClone(cost);
      const a = hungarian(cost);
      expect(new Set(a).size).toBe(n);
      let s = 0;
      for (let i = 0; i < n; i++) s += cost[i]![a[i]!]!;
      expect(s).toBe(bruteForce(cost));
      expect(cost).toEqual(frozen);
    }
  });

  it('hungarian(cost) pads a rectangular matrix and marks unmatched rows with -1', () => {
    const a = hungarian([[5], [1], [3]]);
    expect(Array.from(a)).toEqual([-1, 0, -1]);
  });
});

describe('matchClusters', () => {
  it('matchClusters(a, b, 3, 3) renames a permuted clustering back to a', () => {
    const a = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
    const b = Int32Array.from([2, 2, 1, 0, 0, 0, 1, 1, 1, 1]); // one sample of a's 0 strays
    const map = matchClusters(a, b, 3, 3);
    expect(Array.from(map)).toEqual([1, 2, 0]);
    expect(Array.from(relabel(b, map))).toEqual([0, 0, 2, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('matchClusters(a, b, 2, 3) gives the extra cluster of b the next free label', () => {
    const a = [0, 0, 1, 1, 1, 1];
    const b = [1, 1, 0, 0, 2, 2];
    expect(Array.from(matchClusters(a, b, 2, 3))).toEqual([1, 0, 2]);
  });

  it('crossTable(a, b) skips negative labels', () => {
    expect(crossTable([0, 1, -1, 1], [1, 1, 0, -1], 2, 2)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});
