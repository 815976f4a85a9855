import { readFileSync } from 'node:fs';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { hclust, planLinkage, resolveLinkageMethod } from '../../src/cluster/hclust/index.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';
import { naiveLinkage } from './naive-hclust.js';

// Reference values: scipy 1.10.1 and R 4.2.2, made by test/fixtures/hclust/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/hclust/scipy.json', 'utf8'));
const rx = JSON.parse(readFileSync('test/fixtures/hclust/r.json', 'utf8'));
type Case = { data: string; method: string; metric: string; Z: number[][]; leaves: number[] };
const cases: Case[] = fx.cases;
const data = (name: string): number[][] => fx.data[name];

/** Columns 0, 1, 3 identical; heights within `rel` relative (0 = bit-identical). */
function expectSameZ(got: number[][], want: number[][], rel = 0): void {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    const g = got[k]!;
    const w = want[k]!;
    if (g[0] !== w[0] || g[1] !== w[1] || g[3] !== w[3]) {
      throw new Error(`row ${k}: got [${g}] want [${w}]`);
    }
    const tol = rel * Math.abs(w[2]!);
    if (!(Math.abs(g[2]! - w[2]!) <= tol))
      throw new Error(`row ${k} height: got ${g[2]} want ${w[2]}`);
  }
}

describe('hclust: hand-worked example', () => {
  // Points on a line: 0, 1, 3, 7, 15.
  const X = [[0], [1], [3], [7], [15]];

  it("hclust(X, {method: 'single'}) merges at the gaps 1, 2, 4, 8", () => {
    expect(hclust(X, { method: 'single' }).linkage).toEqual([
      [0, 1, 1, 2],
      [2, 5, 2, 3],
      [3, 6, 4, 4],
      [4, 7, 8, 5],
    ]);
  });

  it("hclust(X, {method: 'complete'}) merges at the diameters 1, 3, 7, 15", () => {
    expect(hclust(X, { method: 'complete' }).linkage).toEqual([
      [0, 1, 1, 2],
      [2, 5, 3, 3],
      [3, 6, 7, 4],
      [4, 7, 15, 5],
    ]);
  });

  it("hclust(X, {method: 'ward'}) gives sqrt(2ab/(a+b)) times the centroid distance", () => {
    const Z = hclust(X, { method: 'ward' }).linkage;
    const w = (a: number, b: number, d: number) => Math.sqrt((2 * a * b) / (a + b)) * d;
    expect(Z.map((r) => [r[0], r[1], r[3]])).toEqual([
      [0, 1, 2],
      [2, 5, 3],
      [3, 6, 4],
      [4, 7, 5],
    ]);
    const want = [1, w(2, 1, 2.5), w(3, 1, 7 - 4 / 3), w(4, 1, 15 - 11 / 4)];
    Z.forEach((r, k) => {
      expect(r[2]).toBeCloseTo(want[k]!, 12);
    });
  });

  it("hclust(X, {method: 'ward.D'}) applies Ward's update to unsquared distances (R's ward.D)", () => {
    // {0,1}@1; d({0,1},3) = ((1+1)*3 + (1+1)*2 - 1*1)/3 = 3, d({0,1},7) = (2*7 + 2*6 - 1)/3 = 25/3;
    // then d({0,1,3},7) = ((1+2)*25/3 + (1+1)*4 - 1*3)/4 = 7.5
    const Z = hclust(X, { method: 'ward.D' }).linkage;
    expect(Z[0]).toEqual([0, 1, 1, 2]);
    expect(Z[1]).toEqual([2, 5, 3, 3]);
    expect(Z[2]![2]).toBeCloseTo((3 * (25 / 3) + 2 * 4 - 3) / 4, 12);
  });
});

describe('hclust equals scipy.cluster.hierarchy.linkage (scipy 1.10.1)', () => {
  for (const layout of ['square', 'condensed'] as const) {
    it(`hclust(X, {method, metric, layout: '${layout}'}) reproduces Z bit for bit on ${cases.length} cases (iris, wine, penguins raw and standardized, integer grid, duplicates; cosine heights to 1e-12)`, () => {
      for (const c of cases) {
        const r = hclust(data(c.data), {
          method: c.method as 'ward',
          metric: c.metric as 'euclidean',
          layout,
        });
        try {
          expectSameZ(r.linkage, c.Z, c.metric === 'cosine' ? 1e-12 : 0);
        } catch (e) {
          throw new Error(`${c.data} ${c.method} ${c.metric}: ${(e as Error).message}`);
        }
      }
    });
  }

  it("hclust(X, {method: 'single'}) on features (Prim with distances on the fly) reproduces scipy exactly", () => {
    for (const c of cases.filter((c) => c.method === 'single' && c.metric !== 'cosine')) {
      const r = hclust(data(c.data), { method: 'single', metric: c.metric as 'euclidean' });
      expect(r.layout).toBe('features');
      expectSameZ(r.linkage, c.Z);
    }
  });

  it("hclust(X, {layout: 'features'}) for ward, centroid, median gives scipy's tree on tie-free data, heights to 1e-12", () => {
    const tieFree = ['iris_std', 'wine', 'wine_std', 'penguins', 'penguins_std'];
    for (const c of cases.filter((c) => ['ward', 'centroid', 'median'].includes(c.method))) {
      if (!tieFree.includes(c.data)) continue;
      const r = hclust(data(c.data), { method: c.method as 'ward', layout: 'features' });
      expect(r.layout).toBe('features');
      expectSameZ(r.linkage, c.Z, 1e-12);
    }
  });

  it("hclust(D, {metric: 'precomputed'}) accepts square and condensed distances and gives the same Z", () => {
    const c = cases.find((c) => c.data === 'intdup80' && c.method === 'average')!;
    const X = data(c.data);
    const n = X.length;
    const sq: number[][] = X.map((p) =>
      X.map((q) => Math.sqrt(p.reduce((s, v, j) => s + (v - q[j]!) ** 2, 0))),
    );
    const condensed: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) condensed.push(sq[i]![j]!);
    for (const method of ['average', 'single', 'centroid'] as const) {
      const want = cases.find((c) => c.data === 'intdup80' && c.method === method)!.Z;
      expectSameZ(hclust(sq, { method, metric: 'precomputed' }).linkage, want);
      expectSameZ(hclust(condensed, { method, metric: 'precomputed' }).linkage, want);
      expectSameZ(
        hclust(Float64Array.from(condensed), { method, metric: 'precomputed', layout: 'condensed' })
          .linkage,
        want,
      );
    }
  });
});

describe("hclust(X, {method: 'ward.D'}) equals R's hclust(dist(X), 'ward.D')", () => {
  for (const c of rx.hclust.filter(
    (c: { method: string; data: string }) =>
      c.method === 'ward.D' && c.data !== 'intdup80' && c.data !== 'iris_std',
  )) {
    it(`on ${c.data}: merge, order, cutree identical; heights to 1e-12`, () => {
      const r = hclust(data(c.data), { method: 'ward.D' });
      const R = r.toR();
      expect(R.merge).toEqual(c.merge);
      expect(R.order).toEqual(c.order);
      R.height.forEach((h, i) => {
        expect(Math.abs(h - c.height[i]) / c.height[i]).toBeLessThan(1e-12);
      });
      for (const cut of c.cuts) expect(Array.from(r.cut({ k: cut.k }))).toEqual(cut.labels);
    });
  }
});

describe('hclust agrees with a naive O(n^3) implementation of the definitions', () => {
  const methods = [
    'single',
    'complete',
    'average',
    'weighted',
    'centroid',
    'median',
    'ward',
  ] as const;
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`hclust(X, {method}) on random 30 x 3 data (seed ${seed}) for all 7 methods and 3 layouts`, () => {
      const rs = new RandomState(seed);
      const X = Array.from({ length: 30 }, () => [rs.gauss(), rs.gauss(), rs.uniform(0, 5)]);
      for (const method of methods) {
        const want = naiveLinkage(X, method);
        for (const layout of ['square', 'condensed', 'features'] as const) {
          if (layout === 'features' && !['single', 'ward', 'centroid', 'median'].includes(method))
            continue;
          const got = hclust(X, { method, layout }).linkage;
          try {
            expectSameZ(got, want, 1e-12);
          } catch (e) {
            throw new Error(`seed ${seed} ${method} ${layout}: ${(e as Error).message}`);
          }
        }
      }
    });
  }
});

describe('hclust: the condensed layout against the square one', () => {
  // Integer points on a small grid: many equal distances, so the order of the scans decides the
  // tree; the condensed NN-chain (its cache of column minima) must pick what the square one does.
  for (const seed of [11, 12]) {
    it(`hclust(X, {method, layout: 'condensed'}) equals layout 'square' bit for bit on 400 tied grid points (seed ${seed})`, () => {
      const rs = new RandomState(seed);
      const X = Array.from({ length: 400 }, () => [
        Math.floor(rs.uniform(0, 8)),
        Math.floor(rs.uniform(0, 8)),
        Math.floor(rs.uniform(0, 3)),
      ]);
      for (const method of [
        'complete',
        'average',
        'weighted',
        'ward',
        'centroid',
        'median',
      ] as const) {
        const square = hclust(X, { method, layout: 'square' }).Z;
        const condensed = hclust(X, { method, layout: 'condensed' }).Z;
        expect(Buffer.from(condensed.buffer).equals(Buffer.from(square.buffer)), method).toBe(true);
      }
    });
  }
});

describe('hclust: options and input checks', () => {
  const X = data('iris_std').slice(0, 20);

  it("resolveLinkageMethod maps 'ward.D2', 'mcquitty', 'upgma', 'wpgma' and keeps 'ward.D' apart", () => {
    expect(resolveLinkageMethod('ward.D2')).toBe('ward');
    expect(resolveLinkageMethod('mcquitty')).toBe('weighted');
    expect(resolveLinkageMethod('upgma')).toBe('average');
    expect(resolveLinkageMethod('wpgma')).toBe('weighted');
    expect(resolveLinkageMethod('ward.D')).toBe('ward.D');
    expect(hclust(X, { method: 'ward.D2' }).linkage).toEqual(hclust(X, { method: 'ward' }).linkage);
    expect(hclust(X, { method: 'ward.D' }).linkage).not.toEqual(
      hclust(X, { method: 'ward' }).linkage,
    );
  });

  it("hclust(X, {method: 'wrad'}) throws 'invalid linkage: wrad' listing the valid names", () => {
    // @ts-expect-error: not a method name
    expect(() => hclust(X, { method: 'wrad' })).toThrow(OptionError);
    // @ts-expect-error: not a method name
    expect(() => hclust(X, { method: 'wrad' })).toThrow(
      /invalid linkage: wrad.*'single'.*'ward\.D'.*'ward\.D2'/,
    );
  });

  it('hclust(X) defaults to ward with the euclidean metric', () => {
    const r = hclust(X);
    expect(r.method).toBe('ward');
    expect(r.metric).toBe('euclidean');
  });

  it("hclust(X, {method: 'centroid', metric: 'cityblock'}) throws: centroid needs euclidean", () => {
    expect(() => hclust(X, { method: 'centroid', metric: 'cityblock' })).toThrow(/Euclidean/);
  });

  it('hclust(X, {nmethod}) rejects an unknown option', () => {
    // @ts-expect-error: unknown option
    expect(() => hclust(X, { nmethod: 'ward' })).toThrow(/no option 'nmethod'/);
  });

  it('hclust(X) rejects NaN in the data and n < 2', () => {
    expect(() =>
      hclust([
        [1, 2],
        [Number.NaN, 1],
      ]),
    ).toThrow(DataError);
    expect(() => hclust([[1, 2]])).toThrow(/at least 2 observations/);
  });

  it("hclust(D, {metric: 'precomputed'}) rejects NaN, negative, asymmetric and non-hollow matrices", () => {
    const ok = [
      [0, 1, 2],
      [1, 0, 3],
      [2, 3, 0],
    ];
    expect(hclust(ok, { metric: 'precomputed', method: 'average' }).linkage[0]).toEqual([
      0, 1, 1, 2,
    ]);
    const bad = (i: number, j: number, v: number) =>
      ok.map((r, a) => r.map((x, b) => (a === i && b === j ? v : x)));
    expect(() => hclust(bad(0, 1, Number.NaN), { metric: 'precomputed' })).toThrow(
      /finite and non-negative/,
    );
    expect(() => hclust(bad(0, 1, -1), { metric: 'precomputed' })).toThrow(
      /finite and non-negative/,
    );
    expect(() => hclust(bad(0, 1, 1.5), { metric: 'precomputed' })).toThrow(/symmetric/);
    expect(() => hclust(bad(1, 1, 0.1), { metric: 'precomputed' })).toThrow(/diagonal/);
    expect(() => hclust([1, 2, Number.NaN], { metric: 'precomputed' })).toThrow(DataError);
    expect(() => hclust([1, 2, 3, 4], { metric: 'precomputed' })).toThrow(/n\(n-1\)\/2/);
  });

  it('hclust(X) accepts an ml-matrix Matrix and a FeatureMatrix and never mutates its input', () => {
    const rows = X.map((r) => Object.freeze([...r]));
    Object.freeze(rows);
    const fm = { rows: X.length, cols: 4, data: Float64Array.from(X.flat()) };
    const before = fm.data.slice();
    const a = hclust(rows, { method: 'centroid' }).linkage;
    expect(hclust(new Matrix(X), { method: 'centroid' }).linkage).toEqual(a);
    expect(hclust(fm, { method: 'centroid', layout: 'features' }).linkage.map((r) => r[3])).toEqual(
      a.map((r) => r[3]),
    );
    expect(hclust(fm, { method: 'ward', layout: 'features' }).linkage.length).toBe(19);
    expect(fm.data).toEqual(before);
    const D = Float64Array.from([1, 2, 3]);
    hclust(D, { metric: 'precomputed', method: 'average' });
    expect(Array.from(D)).toEqual([1, 2, 3]);
  });
});

describe('hclust: memory plan', () => {
  it('planLinkage picks condensed for features when it fits, the features layout for ward when it does not, square for a precomputed square matrix', () => {
    expect(planLinkage(1000, 10, 'ward', 'auto', 1e9).layout).toBe('condensed');
    expect(planLinkage(1000, 10, 'average', 'auto', 1e9).layout).toBe('condensed');
    const square = { n: 1000, square: new Float64Array(0), condensed: null };
    expect(planLinkage(1000, 0, 'average', 'auto', 1e9, square).layout).toBe('square');
    expect(planLinkage(1000, 10, 'ward', 'auto', 1e6).layout).toBe('features');
    expect(planLinkage(1000, 10, 'average', 'auto', 5e6).layout).toBe('condensed');
    expect(planLinkage(1000, 10, 'single', 'auto', 1e12).layout).toBe('features');
  });

  it('hclust refuses before allocating when no layout fits, saying what it needs and what to do', () => {
    const X = data('iris_std');
    expect(() => hclust(X, { method: 'average', memoryLimit: 1000 })).toThrow(OptionError);
    expect(() => hclust(X, { method: 'average', memoryLimit: 1000 })).toThrow(
      /method 'average' on n=150 points needs 87.3 KiB for its distance matrix .*about .* s\), but the memory limit is .*'ward', 'single', 'centroid' and 'median'.*\{method: 'ward'\}.*sampledHclust\(\).*twoStage\(\).*'memoryLimit' option/,
    );
    expect(() => hclust(X, { method: 'average', layout: 'square', memoryLimit: 1000 })).toThrow(
      /layout 'square'/,
    );
    expect(() => hclust(X, { method: 'average', layout: 'features' })).toThrow(
      /layout 'features' works for/,
    );
  });

  it('hclust(X, {memoryLimit}) falls back to the features layout for ward', () => {
    const X = data('wine_std');
    const r = hclust(X, { method: 'ward', memoryLimit: 100_000 });
    expect(r.layout).toBe('features');
    expectSameZ(r.linkage, hclust(X, { method: 'ward' }).linkage, 1e-12);
  });
});

/**
 * The upper part of a tree over repeated rows: for every merge of two clusters that hold copies
 * of different original rows, the set of original rows of the result (as a sorted key) -> its
 * height and size. `origin[i]` is the original row of leaf i.
 */
function upperPart(Z: number[][], origin: readonly number[]): Map<string, [number, number]> {
  const n = origin.length;
  const sets: Set<number>[] = origin.map((o) => new Set([o]));
  const key = (s: Set<number>) => [...s].sort((a, b) => a - b).join(',');
  const out = new Map<string, [number, number]>();
  for (let k = 0; k < Z.length; k++) {
    const [a, b, h, s] = Z[k]!;
    const A = sets[a!]!;
    const B = sets[b!]!;
    const union = new Set([...A, ...B]);
    sets[n + k] = union;
    if (key(A) === key(B)) {
      // Copies of one row merge at height 0, before anything else touches them.
      expect(A.size).toBe(1);
      expect(Math.abs(h!)).toBeLessThan(1e-12); // naive centroid means round
      continue;
    }
    expect(out.has(key(union))).toBe(false);
    out.set(key(union), [h!, s!]);
  }
  return out;
}

function expectSameUpperPart(
  got: Map<string, [number, number]>,
  want: Map<string, [number, number]>,
  rel: number,
  what: string,
): void {
  expect([...got.keys()].sort(), what).toEqual([...want.keys()].sort());
  for (const [k, [h, s]] of want) {
    const [gh, gs] = got.get(k)!;
    expect(gs, `${what}: size of {${k}}`).toBe(s);
    if (!(Math.abs(gh - h) <= rel * Math.abs(h))) {
      throw new Error(`${what}: height of {${k}}: got ${gh}, want ${h}`);
    }
  }
}

describe('hclust(X, {weights}) equals the unweighted tree of the rows repeated weight times', () => {
  const methods = [
    'single',
    'complete',
    'average',
    'weighted',
    'centroid',
    'median',
    'ward',
    'ward.D',
  ] as const;
  for (const seed of [11, 12, 13, 14]) {
    it(`hclust(C, {method, weights, layout}) on 12 random centres with weights 1..5 (seed ${seed}): upper part of the repeated rows' tree (naive reference and hclust), every method and layout`, () => {
      const rs = new RandomState(seed);
      const C = Array.from({ length: 12 }, () => [rs.gauss(), rs.gauss(), rs.uniform(0, 3)]);
      const weights = C.map(() => 1 + rs.randint(5));
      const repeated: number[][] = [];
      const origin: number[] = [];
      C.forEach((row, i) => {
        for (let c = 0; c < weights[i]!; c++) {
          repeated.push(row);
          origin.push(i);
        }
      });
      const identityOrigin = C.map((_, i) => i);
      const frozenW = Object.freeze([...weights]);
      for (const method of methods) {
        const fast = upperPart(hclust(repeated, { method }).linkage, origin);
        if (method !== 'ward.D') {
          const naive = upperPart(naiveLinkage(repeated, method), origin);
          expectSameUpperPart(fast, naive, 1e-12, `${method}: fast vs naive on repeated rows`);
        }
        for (const layout of ['square', 'condensed', 'features'] as const) {
          if (layout === 'features' && !['single', 'ward', 'centroid', 'median'].includes(method)) {
            continue;
          }
          const weighted = hclust(C, { method, layout, weights: frozenW });
          expectSameUpperPart(
            upperPart(weighted.linkage, identityOrigin),
            fast,
            1e-12,
            `${method} ${layout} seed ${seed}`,
          );
        }
        // Precomputed Euclidean distances between the centres give the same tree.
        const D = C.map((p) => C.map((q) => Math.hypot(...p.map((v, j) => v - q[j]!))));
        const pre = hclust(D, { method, metric: 'precomputed', weights });
        expectSameUpperPart(
          upperPart(pre.linkage, identityOrigin),
          fast,
          1e-12,
          `${method} precomputed seed ${seed}`,
        );
      }
      expect(weights).toEqual(frozenW);
    });
  }

  it("hclust(X, {method: 'ward', weights}) merges two weighted points at sqrt(2ab/(a+b)) |ca - cb| (hand-worked)", () => {
    // Sizes 1 and 3 at distance 2: sqrt(2 * 3 / 4) * 2 = sqrt(6).
    const r = hclust([[0], [2]], { method: 'ward', weights: [1, 3] });
    expect(r.linkage[0]![2]).toBeCloseTo(Math.sqrt(6), 14);
    expect(r.linkage[0]![3]).toBe(4);
    // Average: the point at 0 (size 1) and the pair {2 (size 3), 3 (size 1)}: (3 * 2 + 1 * 3) / 4.
    const a = hclust([[0], [2], [3]], { method: 'average', weights: [1, 3, 1] });
    expect(a.linkage.map((row) => row[2])).toEqual([1, 9 / 4]);
    expect(a.linkage.map((row) => row[3])).toEqual([4, 5]);
  });

  it('hclust(X, {weights: [1, 1, 1]}) gives the unweighted tree bit for bit', () => {
    const X = data('iris_std');
    for (const method of methods) {
      const w = new Array(X.length).fill(1);
      expect(hclust(X, { method, weights: w }).linkage).toEqual(hclust(X, { method }).linkage);
    }
  });

  it('hclust(X, {weights}) rejects weights of the wrong length, non-integers and values < 1', () => {
    const X = [[0], [1], [3]];
    expect(() => hclust(X, { weights: [1, 2] })).toThrow(/one entry per observation: n=3, got 2/);
    expect(() => hclust(X, { weights: [1, 2.5, 1] })).toThrow(/integers >= 1. Got 2.5 at index 1/);
    expect(() => hclust(X, { weights: [1, 0, 1] })).toThrow(OptionError);
    expect(() => hclust(X, { weights: [1, Number.NaN, 1] })).toThrow(OptionError);
  });
});
