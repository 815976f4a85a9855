/**
 * The dendrogram layout, computed as scipy.cluster.hierarchy.dendrogram(Z, no_plot=True) does
 * with its default orientation and sorting: plain numbers, no drawing.
 *
 * Coordinates. Leaf j (left to right) sits at x = 5 + 10 j, y = 0. Each merge is a U-link of
 * four points: icoord = [xl, xl, xr, xr], dcoord = [yl, h, h, yr], where xl, xr are the x of the
 * left and right child (a leaf's x, or the midpoint of a child link's legs), yl, yr their heights
 * (0 for a leaf, also for a truncated leaf), and h the merge height. The left child is Z's first
 * id. Links are listed in post-order (left subtree, right subtree, node), like scipy.
 *
 * Truncation 'lastp': only the last p merges are shown; a node with id in [n, 2n - p) becomes a
 * leaf labelled '(size)' (or '' without leaf counts); its hidden merge heights are available as
 * contraction marks (x of the leaf, height), in scipy's pre-order.
 *
 * Colours. `colorIndex` reproduces scipy's `color_list` for the default palette C1..C9: links
 * below `colorThreshold` take the current palette index (0 = 'C1'), which advances each time the
 * traversal comes back below the threshold after a link above it; links at or above the threshold
 * get -1 (scipy's 'C0'). `linkCluster`/`leafCluster` colour by a flat cut instead: the cluster label
 * when every point under the link (leaf) is in one cluster, else -1; this is what a chart keyed
 * by cluster id needs.
 *
 * The traversal is iterative (an explicit stack), so a tree of depth 100,000 is laid out
 * without recursion. Time O(n), memory O(n).
 */
import { OptionError } from '../../util/errors.js';
import {
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  definedOnly,
} from '../../util/validate.js';
import { type CutSpec, hclustFromLinkage, type HClustResult, isHClustResult } from './tree.js';

/** Options of `dendrogram`. */
export interface DendrogramOptions {
  /** 'none' shows every merge; 'lastp' shows the last `p` merges (scipy's names). Default: 'none'. */
  truncateMode?: 'none' | 'lastp';
  /** Number of leaves with 'lastp'; values <= 0 or > n mean n. Default: 30. */
  p?: number;
  /** Height from which links get colorIndex -1. Default: 0.7 times the largest merge height (scipy). */
  colorThreshold?: number;
  /** Label truncated leaves '(size)'; otherwise ''. Default: true. */
  showLeafCounts?: boolean;
  /** Leaf names for `labels`; default the point indices. Default: undefined. */
  labels?: readonly string[];
  /** Flat clusters that give `linkCluster`/`leafCluster`, and the cut line. Default: undefined. */
  cut?: CutSpec;
}

/** The layout (see the file header). */
export interface DendrogramLayout {
  /** x of the four points of each U-link. */
  icoord: number[][];
  /** y of the four points of each U-link. */
  dcoord: number[][];
  /** Node id of each leaf, left to right (ids >= n are truncated subtrees). */
  leaves: number[];
  /** Label of each leaf: its name, or '(size)' for a truncated subtree. */
  labels: string[];
  /** scipy palette index of each link (0 = 'C1' .. 8 = 'C9'), -1 at or above the threshold. */
  colorIndex: number[];
  /** scipy's leaves_color_list as palette indices (-1 = above, null = no link reaches the leaf). */
  leafColorIndex: (number | null)[];
  /** Hidden merges of truncated leaves: x of the leaf, height of the merge. */
  contracted: { x: number; y: number }[];
  /** Cluster label of each link under `cut`, -1 when it joins several clusters (or no cut). */
  linkCluster: number[];
  /** Cluster label of each leaf under `cut` (-1 for a truncated leaf spanning clusters, or no cut). */
  leafCluster: number[];
  /** Height of the cut line: the given height, or for {k} midway between the merges n-k and n-k+1. */
  cutHeight: number | null;
  /** Number of clusters of the cut. */
  k: number | null;
  /** The threshold used for colorIndex. */
  colorThreshold: number;
}

const PALETTE_SIZE = 9;

const defaults = {
  truncateMode: 'none' as 'none' | 'lastp',
  p: 30,
  colorThreshold: undefined as number | undefined,
  showLeafCounts: true,
  labels: undefined as readonly string[] | undefined,
  cut: undefined as CutSpec | undefined,
};

/** Lay out the dendrogram of a fitted hierarchy (or of a scipy linkage matrix). */
export function dendrogram(
  tree: HClustResult | readonly (readonly number[])[],
  options: DendrogramOptions = {},
): DendrogramLayout {
  if (!Array.isArray(tree) && !isHClustResult(tree)) {
    throw new OptionError(
      'dendrogram expects a tree made by hclust (or hclustFromLinkage, twoStage, sampledHclust) or a ' +
        `linkage matrix (number[][]). Got ${tree === null ? 'null' : typeof tree} instead.`,
    );
  }
  checkKnownOptions('dendrogram', options, Object.keys(defaults));
  const o = { ...defaults, ...definedOnly(options) };
  const h: HClustResult = Array.isArray(tree) ? hclustFromLinkage(tree) : (tree as HClustResult);
  const { n, Z } = h;
  if (n < 2) throw new OptionError('dendrogram needs a tree of at least 2 points.');
  const mode = checkKeyword('dendrogram', 'truncateMode', o.truncateMode, [
    'none',
    'lastp',
  ] as const);
  let p = checkInteger('dendrogram', 'p', o.p);
  if (mode === 'lastp' && (p > n || p <= 0)) p = n;
  checkBoolean('dendrogram', 'showLeafCounts', o.showLeafCounts);
  if (o.labels !== undefined && o.labels.length !== n) {
    throw new OptionError(
      `dendrogram: labels has ${o.labels.length} entries; the tree has n=${n} points.`,
    );
  }
  let maxH = 0;
  for (let r = 0; r < n - 1; r++) if (Z[4 * r + 2]! > maxH) maxH = Z[4 * r + 2]!;
  const threshold =
    o.colorThreshold === undefined
      ? maxH * 0.7
      : checkNumber('dendrogram', 'colorThreshold', o.colorThreshold);

  // Cluster of every node under the cut (-1 = spans several), bottom-up over Z.
  const nodeCluster = new Int32Array(2 * n - 1).fill(-1);
  let cutHeight: number | null = null;
  let k: number | null = null;
  if (o.cut !== undefined) {
    const labels = h.cut(o.cut);
    for (let i = 0; i < n; i++) nodeCluster[i] = labels[i]!;
    for (let r = 0; r < n - 1; r++) {
      const a = nodeCluster[Z[4 * r]!]!;
      nodeCluster[n + r] = a === nodeCluster[Z[4 * r + 1]!]! ? a : -1;
    }
    let kk = 0;
    for (let i = 0; i < n; i++) if (labels[i]! + 1 > kk) kk = labels[i]! + 1;
    k = kk;
    if ('height' in o.cut && o.cut.height !== undefined) cutHeight = o.cut.height;
    else if (kk === 1) cutHeight = Z[4 * (n - 2) + 2]!;
    else if (kk === n) cutHeight = 0;
    else cutHeight = 0.5 * (Z[4 * (n - kk - 1) + 2]! + Z[4 * (n - kk) + 2]!);
  }

  const icoord: number[][] = [];
  const dcoord: number[][] = [];
  const colorIndex: number[] = [];
  const linkCluster: number[] = [];
  const leaves: number[] = [];
  const labels: string[] = [];
  const leafCluster: number[] = [];
  const contracted: { x: number; y: number }[] = [];
  let currentColor = 0;
  let below = false;

  // Explicit stack emulating scipy's recursion; r* hold the last return value (x, width, height).
  const depth = 2 * n;
  const sNode = new Int32Array(depth);
  const sStage = new Uint8Array(depth);
  const sIv = new Float64Array(depth);
  const sLeftX = new Float64Array(depth);
  const sLeftW = new Float64Array(depth);
  const sLeftH = new Float64Array(depth);
  const sColor = new Int32Array(depth);
  let top = 0;
  sNode[0] = 2 * n - 2;
  sStage[0] = 0;
  sIv[0] = 0;
  let rx = 0;
  let rw = 0;
  let rh = 0;
  const contractStack = new Int32Array(depth);

  while (top >= 0) {
    const i = sNode[top]!;
    const iv = sIv[top]!;
    if (sStage[top] === 0) {
      if (mode === 'lastp' && i >= n && i < 2 * n - p) {
        leaves.push(i);
        labels.push(o.showLeafCounts ? `(${Z[4 * (i - n) + 3]})` : '');
        leafCluster.push(nodeCluster[i]!);
        // contraction marks: pre-order over the internal descendants of i
        let ct = 0;
        contractStack[ct++] = Z[4 * (i - n) + 1]!;
        contractStack[ct++] = Z[4 * (i - n)]!;
        while (ct > 0) {
          const j = contractStack[--ct]!;
          if (j < n) continue;
          contracted.push({ x: iv + 5, y: Z[4 * (j - n) + 2]! });
          contractStack[ct++] = Z[4 * (j - n) + 1]!;
          contractStack[ct++] = Z[4 * (j - n)]!;
        }
        rx = iv + 5;
        rw = 10;
        rh = 0;
        top--;
        continue;
      }
      if (i < n) {
        leaves.push(i);
        labels.push(o.labels ? String(o.labels[i]) : String(i));
        leafCluster.push(nodeCluster[i]!);
        rx = iv + 5;
        rw = 10;
        rh = 0;
        top--;
        continue;
      }
      sStage[top] = 1;
      top++;
      sNode[top] = Z[4 * (i - n)]!;
      sStage[top] = 0;
      sIv[top] = iv;
      continue;
    }
    const hgt = Z[4 * (i - n) + 2]!;
    if (sStage[top] === 1) {
      sLeftX[top] = rx;
      sLeftW[top] = rw;
      sLeftH[top] = rh;
      if (hgt >= threshold || threshold <= 0) {
        if (below) currentColor = (currentColor + 1) % PALETTE_SIZE;
        below = false;
        sColor[top] = -1;
      } else {
        below = true;
        sColor[top] = currentColor;
      }
      sStage[top] = 2;
      const nextIv = iv + rw;
      top++;
      sNode[top] = Z[4 * (i - n) + 1]!;
      sStage[top] = 0;
      sIv[top] = nextIv;
      continue;
    }
    const lx = sLeftX[top]!;
    icoord.push([lx, lx, rx, rx]);
    dcoord.push([sLeftH[top]!, hgt, hgt, rh]);
    colorIndex.push(sColor[top]!);
    linkCluster.push(nodeCluster[i]!);
    rx = (lx + rx) / 2;
    rw = sLeftW[top]! + rw;
    rh = hgt;
    top--;
  }

  // scipy's leaves_color_list: a leaf takes the colour of the (last) link with a point at its
  // position on the axis (y = 0, x an odd multiple of 5).
  const leafColorIndex: (number | null)[] = new Array(leaves.length).fill(null);
  for (let t = 0; t < icoord.length; t++) {
    for (let q = 0; q < 4; q++) {
      const x = icoord[t]![q]!;
      if (dcoord[t]![q] === 0 && x % 5 === 0 && x % 2 === 1)
        leafColorIndex[(x - 5) / 10] = colorIndex[t]!;
    }
  }

  return {
    icoord,
    dcoord,
    leaves,
    labels,
    colorIndex,
    leafColorIndex,
    contracted,
    linkCluster,
    leafCluster,
    cutHeight,
    k,
    colorThreshold: threshold,
  };
}
