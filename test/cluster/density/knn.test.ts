import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knnDistances } from '../../../src/cluster/density/index.js';
import { OptionError } from '../../../src/util/errors.js';

// Reference values: R 4.2.2 with dbscan 1.1-11, made by test/fixtures/density/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/density/r.json', 'utf8'));
type Case = { data: string; k: number; dist: number[] };

describe("knnDistances: R dbscan's kNNdist(x, k)", () => {
  const cases: Case[] = fx.kNNdist;
  it.each(cases.map((c) => [`${c.data} k=${c.k}`, c]))('%s', (_name, c) => {
    const { data, k, dist } = c as Case;
    expect(Array.from(knnDistances(fx.data[data], { k }))).toEqual(dist);
  });

  it('at extreme magnitudes, scaled', () => {
    const X = [[0], [1], [3], [7]];
    const big = X.map(([v]) => [v! * 2 ** 900]);
    expect(Array.from(knnDistances(X, { k: 2 }))).toEqual([3, 2, 3, 6]);
    expect(Array.from(knnDistances(big, { k: 2 }))).toEqual([3, 2, 3, 6].map((v) => v * 2 ** 900));
  });

  it.each([
    [{ k: 0 }, "The 'k' option of knnDistances must be an integer >= 1. Got 0 instead."],
    [
      { k: 4 },
      "The 'k' option of knnDistances must be less than the number of rows (4). Got 4 instead.",
    ],
    [{}, "knnDistances needs the option 'k' (>= 1)."],
    [{ k: 1, minPts: 2 }, "knnDistances has no option 'minPts'."],
  ])('%j', (options, msg) => {
    expect(() => knnDistances([[0], [1], [3], [7]], options as never)).toThrow(OptionError);
    expect(() => knnDistances([[0], [1], [3], [7]], options as never)).toThrow(msg);
  });
});
