import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hdbscan } from '../../../src/cluster/density/index.js';
import { DataError, OptionError } from '../../../src/util/errors.js';

// Reference values: R 4.2.2 with dbscan 1.1-11, made by test/fixtures/density/make_fixtures.py.
const fx = JSON.parse(readFileSync('test/fixtures/density/r.json', 'utf8'));
type Case = {
  data: string;
  minPts: number;
  cluster: number[];
  membership_prob: number[];
  outlier_scores: number[];
  coredist: number[];
  cluster_scores: number[];
  height: number[];
  merge: number[][];
};
// R's NaN is stored as null
const nan = (v: number | null): number => (v === null ? Number.NaN : v);
const cases: Case[] = fx.hdbscan.map((c: Case) => ({
  ...c,
  membership_prob: c.membership_prob.map(nan),
  outlier_scores: c.outlier_scores.map(nan),
  cluster_scores: c.cluster_scores.map(nan),
}));

/** Our label for each R cluster (R: 0 = noise, 1..k), checking that the partitions agree. */
function matchPartition(ours: Int32Array, r: number[]): Map<number, number> {
  const map = new Map<number, number>();
  const back = new Map<number, number>();
  for (let i = 0; i < r.length; i++) {
    const want = r[i] === 0 ? -1 : undefined;
    if (want === -1) {
      if (ours[i] !== -1) throw new Error(`row ${i}: R noise, ours ${ours[i]}`);
      continue;
    }
    if (ours[i] === -1) throw new Error(`row ${i}: R cluster ${r[i]}, ours noise`);
    const m = map.get(r[i]!);
    if (m === undefined) {
      if (back.has(ours[i]!)) throw new Error(`row ${i}: two R clusters in our ${ours[i]}`);
      map.set(r[i]!, ours[i]!);
      back.set(ours[i]!, r[i]!);
    } else if (m !== ours[i]) throw new Error(`row ${i}: R cluster ${r[i]} split`);
  }
  return map;
}

function close(got: number, want: number, tol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  return Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));
}

describe('hdbscan: R dbscan 1.1-11 hdbscan(x, minPts)', () => {
  it.each(cases.map((c) => [`${c.data} minPts=${c.minPts}`, c]))('%s', (_name, c) => {
    const r = c as Case;
    const X: number[][] = fx.data[r.data];
    const n = X.length;
    const fit = hdbscan(X, { minClusterSize: r.minPts });
    expect(fit.minSamples).toBe(r.minPts);
    // core distances: the same doubles
    expect(Array.from(fit.coreDistances)).toEqual(r.coredist);
    // the single-linkage tree: R's heights, and R's merges as unordered pairs
    const Z = fit.singleLinkage.Z;
    const id = (v: number) => (v < n ? -(v + 1) : v - n + 1);
    for (let k = 0; k < n - 1; k++) {
      expect(Z[4 * k + 2]).toBe(r.height[k]);
      const pair = [id(Z[4 * k]!), id(Z[4 * k + 1]!)].sort((a, b) => a - b);
      expect(pair).toEqual(r.merge[k]!.slice().sort((a, b) => a - b));
    }
    // clusters: the same partition
    const map = matchPartition(fit.labels, r.cluster);
    const rClusters = Math.max(0, ...r.cluster);
    expect(fit.nClusters).toBe(rClusters);
    // labels by first appearance
    let next = 0;
    const seen = new Set<number>();
    for (const l of fit.labels) {
      if (l === -1 || seen.has(l)) continue;
      expect(l).toBe(next++);
      seen.add(l);
    }
    // stabilities (R's cluster_scores, R cluster i at position i - 1)
    for (let i = 1; i <= rClusters; i++) {
      const got = fit.stabilities[map.get(i)!]!;
      if (!close(got, r.cluster_scores[i - 1]!, 1e-12)) {
        throw new Error(`stability of R cluster ${i}: got ${got} want ${r.cluster_scores[i - 1]}`);
      }
    }
    for (let i = 0; i < n; i++) {
      const g = fit.outlierScores[i]!;
      if (!(Math.abs(g - r.outlier_scores[i]!) <= 1e-9)) {
        throw new Error(`GLOSH of row ${i}: got ${g} want ${r.outlier_scores[i]}`);
      }
      // probabilities: R's where R has a cluster (R: NaN for all-zero core distances, ours 1)
      const want =
        r.cluster[i] === 0 ? 0 : Number.isNaN(r.membership_prob[i]!) ? 1 : r.membership_prob[i]!;
      const p = fit.probabilities[i]!;
      if (!(Math.abs(p - want) <= 1e-9)) {
        throw new Error(`probability of row ${i}: got ${p} want ${want}`);
      }
    }
  });
});

describe('hdbscan: results', () => {
  const r = cases.find((c) => c.data === 'moons' && c.minPts === 10)!;
  const X: number[][] = fx.data.moons;
  const fit = hdbscan(X, { minClusterSize: 10 });
  const n = X.length;

  it('the condensed tree has one edge per row and two per split', () => {
    const t = fit.condensedTree;
    const rows = t.child.filter((c) => c < n).length;
    expect(rows).toBe(n);
    // every split adds two clusters, each with its edge
    expect(t.child.length - n).toBe(fit.clusters.parent.length - 1);
    for (let e = 0; e < t.child.length; e++) {
      expect(t.parent[e]).toBeGreaterThanOrEqual(n);
      expect(t.lambda[e]).toBe(1 / t.distance[e]!);
    }
    expect(fit.clusters.size[0]).toBe(n);
    expect(Math.max(...r.cluster)).toBe(fit.nClusters);
  });

  it('the single-linkage tree cuts and writes Newick', () => {
    const two = fit.singleLinkage.cut({ k: 2 });
    expect(two.length).toBe(n);
    expect(fit.singleLinkage.toNewick().endsWith(';')).toBe(true);
    expect(fit.singleLinkage.method).toBe('single');
  });

  it('leaf selection gives the leaves; allowSingleCluster may give one cluster', () => {
    const leaf = hdbscan(X, { minClusterSize: 10, clusterSelectionMethod: 'leaf' });
    const leaves = leaf.clusters.label.filter((l, c) => l >= 0 && c > 0).length;
    expect(leaves).toBe(leaf.nClusters);
    expect(leaf.nClusters).toBeGreaterThanOrEqual(fit.nClusters);
    const blob = Array.from({ length: 40 }, (_, i) => [Math.cos(i), Math.sin(i) * 0.5]);
    expect(hdbscan(blob, { minClusterSize: 30 }).nClusters).toBe(0);
    const single = hdbscan(blob, { minClusterSize: 30, allowSingleCluster: true });
    expect(single.nClusters).toBe(1);
  });

  it('clusterSelectionEpsilon merges clusters born below it', () => {
    const fine = hdbscan(X, { minClusterSize: 5 });
    const merged = hdbscan(X, { minClusterSize: 5, clusterSelectionEpsilon: 0.5 });
    expect(merged.nClusters).toBeLessThan(fine.nClusters);
    expect(merged.nClusters).toBeGreaterThanOrEqual(1);
  });

  it('minSamples apart from minClusterSize', () => {
    const a = hdbscan(X, { minClusterSize: 10, minSamples: 3 });
    expect(a.minSamples).toBe(3);
    expect(a.coreDistances[0]).toBeLessThanOrEqual(fit.coreDistances[0]!);
  });
});

describe('hdbscan: bad options', () => {
  const X = [[0], [1], [2]];
  it.each([
    [
      { minClusterSize: 1 },
      "The 'minClusterSize' option of hdbscan must be an integer >= 2. Got 1 instead.",
    ],
    [
      { minSamples: 0 },
      "The 'minSamples' option of hdbscan must be an integer >= 1. Got 0 instead.",
    ],
    [
      { minSamples: 4 },
      "The 'minSamples' option of hdbscan must be at most the number of rows (3). Got 4 instead.",
    ],
    [
      { clusterSelectionMethod: 'excess' },
      "The 'clusterSelectionMethod' option of hdbscan must be one of 'eom', 'leaf'. Got 'excess' instead.",
    ],
    [
      { clusterSelectionEpsilon: -1 },
      "The 'clusterSelectionEpsilon' option of hdbscan must be a finite number >= 0. Got -1 instead.",
    ],
    [
      { allowSingleCluster: 1 },
      "The 'allowSingleCluster' option of hdbscan must be a boolean. Got 1 instead.",
    ],
    [{ minPts: 5 }, "hdbscan has no option 'minPts'."],
  ])('%j', (options, msg) => {
    expect(() => hdbscan(X, options as never)).toThrow(OptionError);
    expect(() => hdbscan(X, options as never)).toThrow(msg);
  });

  it('needs 2 rows', () => {
    expect(() => hdbscan([[1]], { minClusterSize: 2 })).toThrow(DataError);
  });
});
