/**
 * trustworthiness against scikit-learn 1.2.1 (test/fixtures/projection/make_trustworthiness.py):
 * equal to `sklearn.manifold.trustworthiness` to 1e-12 (the ranks in the original space follow
 * numpy's argsort, ties included); where the embedding has tied distances at the k-th
 * neighbour (ties-40), equal to the definition with the embedding's ties broken by row index.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trustworthiness } from '../../src/advanced.js';
import { DataError, OptionError } from '../../src/util/errors.js';

interface Case {
  name: string;
  X: number[][];
  embedding: number[][];
  values: Record<string, { sklearn: number; ordered: number }>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/projection/trustworthiness.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

describe('trustworthiness', () => {
  for (const c of fixture.cases) {
    for (const [k, v] of Object.entries(c.values)) {
      it(`${c.name}, k = ${k}`, () => {
        const t = trustworthiness(c.X, c.embedding, { nNeighbors: Number(k) });
        expect(Math.abs(t - v.ordered)).toBeLessThanOrEqual(1e-12);
        if (c.name !== 'ties-40') expect(Math.abs(t - v.sklearn)).toBeLessThanOrEqual(1e-12);
      });
    }
  }

  it('is 1 for the data itself, with the default k = 5', () => {
    const X = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i / 7]);
    expect(trustworthiness(X, X)).toBe(1);
  });

  it('checks its arguments', () => {
    const X = [
      [0, 0],
      [1, 0],
      [0, 2],
      [3, 1],
      [5, 5],
      [2, 7],
    ];
    expect(() => trustworthiness(X, X, { nNeighbors: 3 })).toThrow(
      new DataError('trustworthiness: nNeighbors (3) should be less than n_samples / 2 (3).'),
    );
    expect(() => trustworthiness(X, X.slice(1))).toThrow(DataError);
    expect(() => trustworthiness(X, X, { nNeighbors: 0 })).toThrow(OptionError);
    expect(() => trustworthiness(X, X, { nNeighbors: 1.5 })).toThrow(OptionError);
    expect(() => trustworthiness(X, X, { metric: 'cosine' as 'euclidean' })).toThrow(OptionError);
    expect(() => trustworthiness(X, X, { k: 2 } as object)).toThrow(OptionError);
  });
});
