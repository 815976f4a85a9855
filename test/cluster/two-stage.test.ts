import { describe, expect, it } from 'vitest';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { hclust } from '../../src/cluster/hclust/index.js';
import { MINIBATCH_ABOVE, twoStage } from '../../src/cluster/hclust/two-stage.js';
import { adjustedRandIndex } from '../../src/metrics/rand.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';

/** n rows around each of the given centres, with Gaussian noise of the given spread. */
function blobs(centres: number[][], n: number, spread: number, seed: number) {
  const rs = new RandomState(seed);
  const X: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < n * centres.length; i++) {
    const c = i % centres.length;
    X.push(centres[c]!.map((v) => v + spread * rs.gauss()));
    truth.push(c);
  }
  return { X, truth };
}

describe('twoStage', () => {
  it('twoStage(X, {centres, k}) on data with few distinct rows uses them as centres and equals hclust(X) cut at k', () => {
    const rs = new RandomState(3);
    const base = Array.from({ length: 15 }, () => [rs.gauss(), rs.gauss()]);
    // Every base row 1..4 times, interleaved.
    const X: number[][] = [];
    for (let r = 0; r < 4; r++) {
      base.forEach((row, i) => {
        if (i % 4 >= r) X.push(row);
      });
    }
    for (const method of ['ward', 'average', 'centroid', 'complete', 'single'] as const) {
      for (const k of [2, 3, 5, 15]) {
        const r = twoStage(X, { centres: 20, method, k });
        expect(r.stage1).toBe('distinct');
        expect(r.sizes.length).toBe(15);
        expect(r.inertia).toBe(0);
        // Same partition, same numbering rule: identical labels.
        expect(r.labels).toEqual(hclust(X, { method }).cut({ k }));
      }
    }
  });

  it('twoStage(X, {centres: 24, k: 3}) runs k-means, then a weighted tree of the centres; rows follow their centre', () => {
    const { X, truth } = blobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
      ],
      400,
      1,
      7,
    );
    const frozen = Object.freeze(X.map((row) => Object.freeze([...row])));
    const r = twoStage(frozen, { centres: 24, k: 3, seed: 5 });
    expect(r.stage1).toBe('kmeans');
    expect(adjustedRandIndex(r.labels, truth)).toBe(1);
    // Stage 1 is kmeans(X, {k: 24, seed, nInit: 1}); no cluster is empty on this data.
    const km = kmeans(X, { k: 24, seed: 5, nInit: 1 });
    expect(r.assignment).toEqual(km.labels);
    expect(r.sizes).toEqual(km.sizes);
    expect(r.inertia).toBe(km.inertia);
    expect(Array.from(r.centres.data)).toEqual(km.centroids.flat());
    // Stage 2 is the weighted hclust of the centres; the root counts every row.
    const tree = hclust(r.centres, { method: 'ward', weights: r.sizes });
    expect(r.tree.linkage).toEqual(tree.linkage);
    expect(r.tree.linkage.at(-1)![3]).toBe(X.length);
    expect(r.centreLabels).toEqual(tree.cut({ k: 3 }));
    for (let i = 0; i < X.length; i++) {
      expect(r.labels[i]).toBe(
        r.labels[r.assignment.indexOf(r.assignment[i]!)], // same centre, same cluster
      );
    }
    // cut() at another k, and by height, agree with the tree.
    expect(new Set(r.cut({ k: 5 })).size).toBe(5);
    const h = (r.tree.linkage.at(-2)![2] + r.tree.linkage.at(-3)![2]) / 2; // between the 3rd and 2nd last merges
    expect(twoStage(X, { centres: 24, height: h, seed: 5 }).labels).toEqual(r.labels);
    // Deterministic: same seed, same output.
    expect(twoStage(X, { centres: 24, k: 3, seed: 5 })).toMatchObject({
      labels: r.labels,
      assignment: r.assignment,
    });
  });

  it("twoStage(X, {firstStage: 'minibatch'}) uses mini-batch k-means, then the means of the rows as centres", () => {
    const { X, truth } = blobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
      ],
      300,
      1,
      8,
    );
    const r = twoStage(X, { centres: 20, k: 3, firstStage: 'minibatch', seed: 2 });
    expect(r.stage1).toBe('minibatch');
    expect(adjustedRandIndex(r.labels, truth)).toBe(1);
    expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(900);
    // each centre is the mean of its rows; the inertia is the sum of squares about them
    const sums = Array.from(r.sizes, () => [0, 0]);
    let inertia = 0;
    X.forEach((row, i) => {
      sums[r.assignment[i]!]![0]! += row[0]!;
      sums[r.assignment[i]!]![1]! += row[1]!;
    });
    for (let c = 0; c < r.sizes.length; c++) {
      expect(r.centres.data[2 * c]).toBeCloseTo(sums[c]![0]! / r.sizes[c]!, 12);
      expect(r.centres.data[2 * c + 1]).toBeCloseTo(sums[c]![1]! / r.sizes[c]!, 12);
    }
    X.forEach((row, i) => {
      const c = r.assignment[i]!;
      inertia +=
        (row[0]! - r.centres.data[2 * c]!) ** 2 + (row[1]! - r.centres.data[2 * c + 1]!) ** 2;
    });
    expect(r.inertia).toBeCloseTo(inertia, 8);
    // 'auto' switches to mini-batch above MINIBATCH_ABOVE rows
    const many = blobs([[0], [10]], (MINIBATCH_ABOVE >> 1) + 1, 1, 3);
    const auto = twoStage(many.X, { k: 2 });
    expect(auto.stage1).toBe('minibatch');
    expect(adjustedRandIndex(auto.labels, many.truth)).toBe(1);
    expect(twoStage(X, { k: 3, centres: 20 }).stage1).toBe('kmeans');
  });

  it('twoStage(X, {k}) drops empty k-means clusters', () => {
    // 40 distinct rows (> centres = 30) of which 39 sit at two points: k-means leaves some empty.
    const X = [
      ...Array.from({ length: 20 }, () => [0, 0]),
      ...Array.from({ length: 19 }, () => [1, 1]),
      ...Array.from({ length: 31 }, (_, i) => [5 + i, 5]),
    ];
    const r = twoStage(X, { centres: 32, k: 2 });
    expect(r.sizes.every((s) => s > 0)).toBe(true);
    expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(X.length);
    expect(Math.max(...r.assignment)).toBe(r.sizes.length - 1);
  });

  it('twoStage rejects bad options and data it cannot build a tree from', () => {
    const X = [[0], [1], [2], [3]];
    expect(() => twoStage(X, {})).toThrow(/exactly one of the options 'k' and 'height'/);
    expect(() => twoStage(X, { k: 2, height: 1 })).toThrow(OptionError);
    expect(() => twoStage(X, { k: 5, centres: 4 })).toThrow(
      /k=5 should be <= the number of centres \(4\)/,
    );
    expect(() => twoStage(X, { k: 2, centres: 1 })).toThrow(
      "The 'centres' option of twoStage must be an integer >= 2. Got 1 instead.",
    );
    expect(() => twoStage(X, { k: 2, method: 'wrad' as never })).toThrow(/invalid linkage: wrad/);
    expect(() => twoStage([[1], [1], [1]], { k: 1 })).toThrow(DataError);
    expect(() => twoStage([[1], [Number.NaN]], { k: 1 })).toThrow(/row 1, column 1/);
  });
});
