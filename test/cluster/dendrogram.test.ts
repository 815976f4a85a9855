import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dendrogram } from '../../src/cluster/hclust/dendrogram.js';
import { hclust } from '../../src/cluster/hclust/index.js';
import { hclustFromLinkage } from '../../src/cluster/hclust/tree.js';

// Reference values: scipy 1.10.1 dendrogram(Z, no_plot=True, ...), made by
// test/fixtures/hclust/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/hclust/scipy.json', 'utf8'));
type Dendro = {
  data: string;
  method: string;
  options: {
    color_threshold?: number;
    truncate_mode?: string;
    p?: number;
    show_leaf_counts?: boolean;
  };
  icoord: number[][];
  dcoord: number[][];
  color_list: string[];
  leaves: number[];
  ivl: string[];
  leaves_color_list: (string | null)[];
};
const colour = (c: string | null) => (c === null ? null : c === 'C0' ? -1 : Number(c.slice(1)) - 1);

describe('dendrogram equals scipy.cluster.hierarchy.dendrogram(Z, no_plot=True)', () => {
  for (const d of fx.dendrograms as Dendro[]) {
    it(`dendrogram(hclust(${d.data}, {method: '${d.method}'}), ${JSON.stringify(d.options)})`, () => {
      const tree = hclust(fx.data[d.data], { method: d.method as 'ward' });
      const got = dendrogram(tree, {
        colorThreshold: d.options.color_threshold,
        truncateMode: d.options.truncate_mode === 'lastp' ? 'lastp' : 'none',
        p: d.options.p,
        showLeafCounts: d.options.show_leaf_counts,
      });
      expect(got.leaves).toEqual(d.leaves);
      expect(got.labels).toEqual(d.ivl);
      expect(got.icoord).toEqual(d.icoord);
      expect(got.dcoord).toEqual(d.dcoord);
      expect(got.colorIndex).toEqual(d.color_list.map(colour));
      expect(got.leafColorIndex).toEqual(d.leaves_color_list.map(colour));
    });
  }
});

describe('dendrogram: cut colouring and truncation', () => {
  // ((0, 1)@1, (2, 3)@2)@5, then 4 joins @9
  const Z = [
    [0, 1, 1, 2],
    [2, 3, 2, 2],
    [5, 6, 5, 4],
    [4, 7, 9, 5],
  ];

  it('dendrogram(tree, {cut: {k}}) gives each link and leaf its cluster, -1 across clusters, and the cut line', () => {
    const r = dendrogram(Z, { cut: { k: 3 } });
    expect(r.leaves).toEqual([4, 0, 1, 2, 3]);
    // post-order: (0,1), (2,3), ((0,1),(2,3)), root
    expect(r.linkCluster).toEqual([0, 1, -1, -1]);
    expect(r.leafCluster).toEqual([2, 0, 0, 1, 1]);
    expect(r.k).toBe(3);
    expect(r.cutHeight).toBe(3.5);
    expect(dendrogram(Z, { cut: { height: 6 } }).linkCluster).toEqual([0, 0, 0, -1]);
  });

  it("dendrogram(tree, {truncateMode: 'lastp', p: 2}) shows two leaves with counts and the hidden merges", () => {
    const r = dendrogram(Z, { truncateMode: 'lastp', p: 2 });
    expect(r.leaves).toEqual([4, 7]);
    expect(r.labels).toEqual(['4', '(4)']);
    expect(r.icoord).toEqual([[5, 5, 15, 15]]);
    expect(r.dcoord).toEqual([[0, 9, 9, 0]]);
    // the merges inside the truncated leaf (its own merge at 5 is the leaf)
    expect(r.contracted).toEqual([
      { x: 15, y: 1 },
      { x: 15, y: 2 },
    ]);
  });

  it('dendrogram(tree) lays out a 100,000-deep caterpillar without recursion', () => {
    const n = 100_000;
    const Zc: number[][] = [[0, 1, 1, 2]];
    for (let k = 1; k < n - 1; k++) Zc.push([k + 1, n + k - 1, k + 1, k + 2]);
    const r = dendrogram(hclustFromLinkage(Zc));
    expect(r.icoord.length).toBe(n - 1);
    expect(r.leaves[0]).toBe(n - 1);
    expect(r.icoord[n - 2]![0]).toBe(5);
  });

  it('dendrogram(Z, {labels}) names the leaves and rejects a wrong count', () => {
    expect(dendrogram(Z, { labels: ['a', 'b', 'c', 'd', 'e'] }).labels).toEqual([
      'e',
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(() => dendrogram(Z, { labels: ['a'] })).toThrow(/labels has 1 entries/);
    // @ts-expect-error: unknown truncation mode
    expect(() => dendrogram(Z, { truncateMode: 'level' })).toThrow(
      /'truncateMode' option of dendrogram/,
    );
  });
});
