import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hclust } from '../../src/cluster/hclust/index.js';
import { hclustFromLinkage } from '../../src/cluster/hclust/tree.js';
import { OptionError } from '../../src/util/errors.js';

// Reference values: scipy 1.10.1 and R 4.2.2, made by test/fixtures/hclust/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/hclust/scipy.json', 'utf8'));
const rx = JSON.parse(readFileSync('test/fixtures/hclust/r.json', 'utf8'));
type Labeled = { labels: number[] };
type Case = {
  data: string;
  method: string;
  metric: string;
  Z: number[][];
  leaves: number[];
  cophenet: number | null;
  fcluster_distance: (Labeled & { t: number })[];
  fcluster_maxclust: (Labeled & { k: number })[];
};
const cases: Case[] = fx.cases;
const MONOTONE = ['single', 'complete', 'average', 'weighted', 'ward'];

/** A caterpillar tree: (n-1, (n-2, ... (2, (0, 1)))), depth n-1. */
function caterpillar(n: number): number[][] {
  const Z: number[][] = [[0, 1, 1, 2]];
  for (let k = 1; k < n - 1; k++) Z.push([k + 1, n + k - 1, k + 1, k + 2]);
  return Z;
}

describe('HClustResult.order', () => {
  it("hclust(X).order equals scipy's leaves_list / dendrogram leaves on every fixture", () => {
    for (const c of cases) expect(hclustFromLinkage(c.Z).order).toEqual(c.leaves);
  });
});

describe('HClustResult.cut', () => {
  it("cut({k}) equals R's cutree(tree, k) on scipy's trees, inversions (centroid, median) and ties included", () => {
    let checked = 0;
    for (const set of rx.cutree_on_scipy) {
      const c = cases.find(
        (c) => c.data === set.data && c.method === set.method && c.metric === 'euclidean',
      )!;
      const tree = hclustFromLinkage(c.Z);
      for (const cut of set.cuts) {
        expect(Array.from(tree.cut({ k: cut.k })), `${set.data} ${set.method} k=${cut.k}`).toEqual(
          cut.labels,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('cut({k}) returns exactly k clusters for every k on data with 40 duplicated points', () => {
    for (const method of ['single', 'ward', 'centroid']) {
      const c = cases.find((c) => c.data === 'intdup80' && c.method === method)!;
      const tree = hclustFromLinkage(c.Z);
      for (let k = 1; k <= 80; k++) {
        const labels = tree.cut({ k });
        expect(new Set(labels).size).toBe(k);
        expect(Math.max(...labels)).toBe(k - 1);
      }
    }
  });

  it("cut({height}) equals scipy's fcluster(Z, t, 'distance') (max height inside a subtree)", () => {
    for (const c of cases) {
      const tree = hclustFromLinkage(c.Z);
      for (const f of c.fcluster_distance)
        expect(Array.from(tree.cut({ height: f.t }))).toEqual(f.labels);
    }
  });

  it("cut({k}) equals scipy's fcluster(Z, k, 'maxclust') whenever that gives exactly k clusters on a monotone tree", () => {
    let compared = 0;
    for (const c of cases.filter((c) => MONOTONE.includes(c.method))) {
      const tree = hclustFromLinkage(c.Z);
      for (const f of c.fcluster_maxclust) {
        if (new Set(f.labels).size !== f.k) continue;
        expect(Array.from(tree.cut({ k: f.k }))).toEqual(f.labels);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('cut() numbers clusters by first appearance in observation order', () => {
    // points 0..3 = a, b, c, d with {a, d} and {b, c}: labels 0, 1, 1, 0
    const tree = hclustFromLinkage([
      [1, 2, 1, 2],
      [0, 3, 2, 2],
      [4, 5, 3, 4],
    ]);
    expect(Array.from(tree.cut({ k: 2 }))).toEqual([0, 1, 1, 0]);
    expect(Array.from(tree.cut({ k: 3 }))).toEqual([0, 1, 1, 2]);
    expect(Array.from(tree.cut({ height: 0.5 }))).toEqual([0, 1, 2, 3]);
    expect(Array.from(tree.cut({ height: 3 }))).toEqual([0, 0, 0, 0]);
  });

  it('cut() rejects k outside [1, n] and a spec with both or neither of k and height', () => {
    const tree = hclustFromLinkage(cases[0]!.Z);
    expect(() => tree.cut({ k: 0 })).toThrow(/'k' option of cut must be an integer in \[1, 150\]/);
    expect(() => tree.cut({ k: 151 })).toThrow(OptionError);
    expect(() => tree.cut({ k: 2, height: 1 } as never)).toThrow(/exactly one/);
    expect(() => tree.cut({} as never)).toThrow(/exactly one/);
  });
});

describe('HClustResult.cophenetic', () => {
  it("cophenetic().correlation equals scipy's cophenet(Z, pdist(X)) to 1e-12 on every fixture", () => {
    for (const c of cases) {
      const r = hclust(fx.data[c.data], {
        method: c.method as 'ward',
        metric: c.metric as 'euclidean',
      });
      const got = r.cophenetic().correlation;
      if (c.cophenet === null) expect(got).toBeNaN();
      else
        expect(Math.abs(got - c.cophenet), `${c.data} ${c.method} ${c.metric}`).toBeLessThan(1e-12);
    }
  });

  it('cophenetic().distances holds the height of the merge joining each pair (hand example)', () => {
    const r = hclust([[0], [1], [3], [7]], { method: 'single' });
    // condensed order: (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    expect(Array.from(r.cophenetic().distances)).toEqual([1, 2, 4, 2, 4, 4]);
  });

  it('cophenetic() on a hierarchy made by hclustFromLinkage throws: the input distances are unknown', () => {
    expect(() => hclustFromLinkage(cases[0]!.Z).cophenetic()).toThrow(
      /input distances are unknown/,
    );
  });
});

describe('HClustResult converters', () => {
  it("toR() equals R's hclust merge, height and order where R builds the same tree (wine, penguins)", () => {
    const ours: Record<string, string> = { 'ward.D2': 'ward', mcquitty: 'weighted' };
    let compared = 0;
    for (const c of rx.hclust) {
      if (!['wine_std', 'penguins_std'].includes(c.data)) continue;
      const r = hclust(fx.data[c.data], { method: (ours[c.method] ?? c.method) as 'ward' });
      const R = r.toR();
      expect(R.merge).toEqual(c.merge);
      expect(R.order).toEqual(c.order);
      R.height.forEach((h, i) => {
        expect(Math.abs(h - c.height[i]) / c.height[i]).toBeLessThan(1e-12);
      });
      for (const cut of c.cuts) expect(Array.from(r.cut({ k: cut.k }))).toEqual(cut.labels);
      compared++;
    }
    expect(compared).toBe(12);
  });

  it('toCluster() gives an ml-hclust Cluster whose indices() equals order and whose nodes carry Z', () => {
    const c = cases.find((c) => c.data === 'iris_std' && c.method === 'ward')!;
    const r = hclustFromLinkage(c.Z);
    const root = r.toCluster();
    expect(root.indices()).toEqual(r.order);
    expect(root.size).toBe(150);
    expect(root.height).toBe(c.Z[148]![2]);
    expect(root.children[0]!.height).toBe(c.Z[c.Z[148]![0]! - 150]![2]);
    expect(root.isLeaf).toBe(false);
  });

  it('toNewick(names) writes nested pairs with branch lengths and quotes names that need it', () => {
    const r = hclustFromLinkage([
      [0, 1, 1, 2],
      [2, 3, 4, 3],
    ]);
    // Z order: in row [2, 3] the point 2 is the left child
    expect(r.toNewick()).toBe('(2:4,(0:1,1:1):3);');
    expect(r.toNewick(['a', "b'c", 'd e'])).toBe("('d e':4,(a:1,'b''c':1):3);");
    expect(() => r.toNewick(['a'])).toThrow(/names has 1 entries/);
  });

  it('toJSON() carries method, metric, n, linkage and order', () => {
    const r = hclust([[0], [1], [3]], { method: 'average' });
    expect(JSON.parse(JSON.stringify(r))).toEqual({
      method: 'average',
      metric: 'euclidean',
      n: 3,
      linkage: [
        [0, 1, 1, 2],
        [2, 3, 2.5, 3],
      ],
      order: [2, 0, 1],
    });
  });

  it('isMonotonic() is false exactly when a merge is lower than one of its children', () => {
    const c = cases.find((c) => c.data === 'penguins_std' && c.method === 'centroid')!;
    const inversions = c.Z.some((r) =>
      [r[0]!, r[1]!].some((id) => id >= 342 && c.Z[id - 342]![2]! > r[2]!),
    );
    expect(inversions).toBe(true);
    expect(hclustFromLinkage(c.Z).isMonotonic()).toBe(false);
    expect(
      hclustFromLinkage(
        cases.find((c) => c.data === 'penguins_std' && c.method === 'ward')!.Z,
      ).isMonotonic(),
    ).toBe(true);
  });

  it('hclustFromLinkage rejects a row that reuses a cluster, refers ahead, or has a wrong size', () => {
    expect(() =>
      hclustFromLinkage([
        [0, 1, 1, 2],
        [0, 2, 2, 3],
      ]),
    ).toThrow(/uses cluster 0 a second time/);
    expect(() =>
      hclustFromLinkage([
        [0, 3, 1, 2],
        [1, 2, 2, 3],
      ]),
    ).toThrow(/outside/);
    expect(() =>
      hclustFromLinkage([
        [0, 1, 1, 3],
        [2, 3, 2, 4],
      ]),
    ).toThrow(/size 3/);
  });
});

describe('iterative traversals', () => {
  it('a caterpillar of 100,000 merges: order, cut, toR, toNewick and toCluster do not overflow the stack', () => {
    const n = 100_000;
    const r = hclustFromLinkage(caterpillar(n));
    expect(r.order.slice(0, 3)).toEqual([n - 1, n - 2, n - 3]);
    expect(r.order.slice(n - 3)).toEqual([2, 0, 1]);
    expect(new Set(r.cut({ k: 3 })).size).toBe(3);
    expect(Array.from(r.cut({ height: n - 2.5 }).subarray(n - 3))).toEqual([0, 1, 2]);
    expect(r.toR().order.length).toBe(n);
    const nwk = r.toNewick();
    expect(nwk.split('(').length - 1).toBe(n - 1);
    expect(nwk.endsWith(`(0:1,1:1)${':1)'.repeat(n - 2)};`)).toBe(true);
    expect(r.toCluster().size).toBe(n);
  });
});
