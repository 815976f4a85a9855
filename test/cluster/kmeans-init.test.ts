import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus } from '../../src/cluster/kmeans/init.js';
import { pairwiseSum } from '../../src/util/sum.js';
import { OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';
import { withAndWithoutWasm } from '../helpers/wasm.js';

// test/fixtures/kmeans/make_kmeans.py (scikit-learn 1.2.1) and make_pairwise.py (numpy 1.24).
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/kmeans/kmeans.json', import.meta.url), 'utf8'),
);
const pairwise = JSON.parse(
  readFileSync(new URL('../fixtures/kmeans/pairwise.json', import.meta.url), 'utf8'),
);

function centred(X: number[][]): number[][] {
  const d = X[0]!.length;
  const mean = new Array<number>(d).fill(0);
  for (const row of X) for (let j = 0; j < d; j++) mean[j]! += row[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= X.length;
  return X.map((row) => row.map((v, j) => v - mean[j]!));
}

describe('kmeansPlusPlus', () => {
  for (const [name, entry] of Object.entries(fixture.datasets) as [
    string,
    { X: number[][]; plusplus: { k: number; seed: number; indices: number[] }[] },
  ][]) {
    it(`kmeansPlusPlus(${name} centred, {k: 2..8, seed}) picks the rows of kmeans_plusplus`, () => {
      const X = centred(entry.X);
      for (const ref of entry.plusplus) {
        const r = kmeansPlusPlus(X, { k: ref.k, seed: ref.seed });
        expect(Array.from(r.indices), `k=${ref.k} seed=${ref.seed}`).toEqual(ref.indices);
        expect(r.centroids[1]).toEqual(X[ref.indices[1]!]);
      }
    });
  }

  it('kmeansPlusPlus(X, {k, seed}) is the same with and without WebAssembly', () => {
    const rng = new RandomState(5);
    const X = Array.from({ length: 3000 }, () => [rng.gauss(), rng.gauss() * 3, rng.randint(4)]);
    for (const k of [2, 5, 8, 21]) {
      const { wasm: simd, js } = withAndWithoutWasm(() => kmeansPlusPlus(X, { k, seed: k }));
      expect(Array.from(simd.indices)).toEqual(Array.from(js.indices));
    }
  });

  it('kmeansPlusPlus(X, {k: 1, seed}) takes row randint(n) of RandomState(seed)', () => {
    const X = Array.from({ length: 37 }, (_, i) => [i, i % 5]);
    for (const seed of [0, 1, 2, 99]) {
      const first = new RandomState(seed).randint(37);
      expect(Array.from(kmeansPlusPlus(X, { k: 1, seed }).indices)).toEqual([first]);
    }
  });

  it('kmeansPlusPlus(X, {k: 2}) takes the second centre from the far group', () => {
    // Ten rows at 0 and ten at 100 (plus tiny offsets): every draw after the first lands on a
    // row of the other group, whose squared distances hold all of the potential.
    const X = Array.from({ length: 20 }, (_, i) => [i < 10 ? i * 1e-3 : 100 + i * 1e-3]);
    for (let seed = 0; seed < 20; seed++) {
      const [a, b] = kmeansPlusPlus(X, { k: 2, seed }).indices;
      expect(a! < 10).not.toBe(b! < 10);
    }
  });

  it('kmeansPlusPlus(X, {k}) validates its options', () => {
    expect(() => kmeansPlusPlus([[1], [2]], { k: 3 })).toThrow('n_samples=2 should be >= k=3.');
    expect(() => kmeansPlusPlus([[1], [2]], { k: 1, localTrials: 0 })).toThrow(OptionError);
  });
});

describe('pairwiseSum', () => {
  it('pairwiseSum(a, 0, n) rounds as numpy.sum (pairwise), not as a running sum', () => {
    let differs = 0;
    for (const c of pairwise.cases as { values: number[]; sum: number; sequential: number }[]) {
      const a = Float64Array.from(c.values);
      expect(pairwiseSum(a, 0, a.length)).toBe(c.sum);
      if (c.sum !== c.sequential) differs++;
    }
    // the fixture does tell the two orders apart
    expect(differs).toBeGreaterThan(3);
  });
});
