import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dbscan, extractDBSCAN, optics } from '../../../src/cluster/density/index.js';
import { around15 } from '../../../src/cluster/density/optics.js';
import { OptionError } from '../../../src/util/errors.js';

// Reference values: scikit-learn 1.2.1, made by test/fixtures/density/make_fixtures.py.
// Infinite reachability and core distances are stored as null.
const fx = JSON.parse(readFileSync('test/fixtures/density/sklearn.json', 'utf8'));
type Case = {
  data: string;
  min_samples: number;
  xi: number;
  max_eps: number | null;
  min_cluster_size: number | null;
  metric: 'euclidean' | 'cityblock' | 'chebyshev';
  ordering: number[];
  reachability: (number | null)[];
  core_distances: (number | null)[];
  predecessor: number[];
  labels: number[];
  cluster_hierarchy: number[][];
  dbscan: { eps: number; labels: number[] }[];
};
const inf = (v: number | null): number => (v === null ? Number.POSITIVE_INFINITY : v);

describe('optics: scikit-learn 1.2.1 OPTICS', () => {
  const cases: Case[] = fx.optics;
  it.each(
    cases.map((c) => [
      `${c.data} ${c.metric} min_samples=${c.min_samples} xi=${c.xi} max_eps=${c.max_eps ?? 'inf'} min_cluster_size=${c.min_cluster_size ?? 'default'}`,
      c,
    ]),
  )('%s', (_name, c) => {
    const r = c as Case;
    const fit = optics(fx.data[r.data], {
      minSamples: r.min_samples,
      xi: r.xi,
      maxEps: r.max_eps ?? Number.POSITIVE_INFINITY,
      minClusterSize: r.min_cluster_size ?? undefined,
      metric: r.metric,
    });
    expect(Array.from(fit.ordering)).toEqual(r.ordering);
    expect(Array.from(fit.predecessor)).toEqual(r.predecessor);
    const n = r.ordering.length;
    for (let i = 0; i < n; i++) {
      const want = inf(r.reachability[i]!);
      const got = fit.reachability[i]!;
      if (!(got === want || Math.abs(got - want) <= 1e-9)) {
        throw new Error(`reachability of row ${i}: got ${got} want ${want}`);
      }
    }
    expect(Array.from(fit.coreDistances)).toEqual(r.core_distances.map(inf));
    expect(Array.from(fit.labels)).toEqual(r.labels);
    expect(fit.clusterHierarchy).toEqual(r.cluster_hierarchy);
    for (const d of r.dbscan) {
      expect(Array.from(extractDBSCAN(fit, d.eps))).toEqual(d.labels);
    }
  });
});

describe('optics: semantics', () => {
  it("rounds as numpy's around(x, 15), ties to even", () => {
    expect(around15(0.1 + 0.2)).toBe(0.3);
    expect(around15(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    // x * 1e15 overflows beyond about 1.8e293: numpy then gives Infinity
    expect(around15(1.7e293)).toBe(1.7e293);
    expect(around15(1e300)).toBe(Number.POSITIVE_INFINITY);
    expect(around15(2.5e-15)).toBe(2e-15);
    expect(around15(3.5e-15)).toBe(4e-15);
  });

  it('extractDBSCAN finds the core points of dbscan; noise agrees', () => {
    const X: number[][] = fx.data.blobs;
    const fit = optics(X, { minSamples: 5 });
    const direct = dbscan(X, { eps: 0.5, minSamples: 5 });
    const fromOptics = extractDBSCAN(fit, 0.5);
    for (let i = 0; i < X.length; i++) {
      if (direct.core[i]) expect(fromOptics[i]).not.toBe(-1);
    }
  });

  it('a fraction of the rows for minSamples and minClusterSize', () => {
    const X: number[][] = fx.data.moons;
    const fit = optics(X, { minSamples: 0.02, minClusterSize: 0.1 });
    expect(fit.minSamples).toBe(Math.max(2, Math.floor(0.02 * X.length)));
    expect(fit.minClusterSize).toBe(Math.floor(0.1 * X.length));
  });
});

describe('optics: bad options', () => {
  const X = [[0], [1], [2], [3]];
  it.each([
    [
      { minSamples: 1 },
      "The 'minSamples' option of optics must be an integer >= 2 or a fraction in (0, 1). Got 1 instead.",
    ],
    [
      { minSamples: 5 },
      "The 'minSamples' option of optics must be at most the number of rows (4). Got 5 instead.",
    ],
    [{ xi: 1.5 }, "The 'xi' option of optics must be a finite number in [0, 1]. Got 1.5 instead."],
    [{ maxEps: -1 }, "The 'maxEps' option of optics must be a finite number >= 0. Got -1 instead."],
    [
      { minSamples: 2, minClusterSize: 0 },
      "The 'minClusterSize' option of optics must be an integer >= 2 or a fraction in (0, 1). Got 0 instead.",
    ],
    [{ eps: 1 }, "optics has no option 'eps'."],
  ])('%j', (options, msg) => {
    expect(() => optics(X, options as never)).toThrow(OptionError);
    expect(() => optics(X, options as never)).toThrow(msg);
  });

  it('extractDBSCAN: eps > 0 and within maxEps', () => {
    const fit = optics(X, { minSamples: 2, maxEps: 2 });
    expect(() => extractDBSCAN(fit, 0)).toThrow(OptionError);
    expect(() => extractDBSCAN(fit, 3)).toThrow(
      "The 'eps' argument of extractDBSCAN must be at most the maxEps of the OPTICS fit (2). Got 3 instead.",
    );
  });
});
