/**
 * From a fitted hierarchy to what the dendrogram chart draws: scipy's `dendrogram` coordinates
 * (leaf i at x = 5 + 10 i in the order of `hc.order`, each merge at the midpoint of its children,
 * left child = Z[r][0]), optionally truncated to the last p merges as scipy's
 * truncate_mode='lastp' (the p clusters left after undoing the last p - 1 merges become leaves,
 * drawn from height 0 and labelled '(size)' unless they are single samples).
 */
import type { DendrogramInput } from '../charts/dendrogram.js';
import { clusterId } from '../charts/palette.js';
import type { HClustResult } from '../cluster/tree.js';

/** The dendrogram chart's input for `hc`, its matched flat labels and the leaf ids. */
export function dendrogramInput(
  hc: HClustResult,
  labels: Int32Array,
  ids: readonly string[],
  options: { k: number; lastp: number | undefined; method: string },
): DendrogramInput {
  const n = hc.n;
  const Z = hc.Z;
  const p = Math.max(options.k, Math.min(n, options.lastp ?? n));
  const firstMerge = n - p; // merges r >= firstMerge are drawn
  const nodes = 2 * n - 1;
  const minPos = new Float64Array(nodes);
  const size = new Int32Array(nodes).fill(1);
  const anyLeaf = new Int32Array(nodes);
  hc.order.forEach((leaf, pos) => {
    minPos[leaf] = pos;
    anyLeaf[leaf] = leaf;
  });
  for (let r = 0; r < n - 1; r++) {
    const a = Z[4 * r]!;
    const b = Z[4 * r + 1]!;
    minPos[n + r] = Math.min(minPos[a]!, minPos[b]!);
    size[n + r] = size[a]! + size[b]!;
    anyLeaf[n + r] = anyLeaf[a]!;
  }
  // fronts: nodes that exist after merges 0..firstMerge-1
  const alive = new Uint8Array(nodes);
  for (let i = 0; i < n; i++) alive[i] = 1;
  for (let r = 0; r < firstMerge; r++) {
    alive[Z[4 * r]!] = 0;
    alive[Z[4 * r + 1]!] = 0;
    alive[n + r] = 1;
  }
  const fronts: number[] = [];
  for (let v = 0; v < nodes; v++) if (alive[v]) fronts.push(v);
  fronts.sort((u, v) => minPos[u]! - minPos[v]!);
  const x = new Float64Array(nodes);
  const h = new Float64Array(nodes); // drawn height: 0 for leaves and fronts
  const leafLabels: string[] = [];
  const leafClusters: string[] = [];
  fronts.forEach((v, rank) => {
    x[v] = 5 + 10 * rank;
    leafLabels.push(v < n ? ids[v]! : `(${size[v]})`);
    leafClusters.push(clusterId(labels[anyLeaf[v]!]!));
  });
  const icoord: number[][] = [];
  const dcoord: number[][] = [];
  for (let r = firstMerge; r < n - 1; r++) {
    const a = Z[4 * r]!;
    const b = Z[4 * r + 1]!;
    const height = Z[4 * r + 2]!;
    x[n + r] = (x[a]! + x[b]!) / 2;
    h[n + r] = height;
    icoord.push([x[a]!, x[a]!, x[b]!, x[b]!]);
    dcoord.push([h[a]!, height, height, h[b]!]);
  }
  // The cut between the k-th and (k-1)-th highest merges (exactly k clusters below it).
  const heights = hc.linkage.map((row) => row[2]!).sort((u, v) => v - u);
  const k = options.k;
  const cut =
    k <= 1
      ? heights[0]! * 1.02
      : k >= n
        ? heights[heights.length - 1]! / 2
        : (heights[k - 2]! + heights[k - 1]!) / 2;
  return {
    icoord,
    dcoord,
    leafLabels,
    leafClusters,
    cut,
    k,
    samples: n,
    method: options.method,
  };
}
