/**
 * HDBSCAN (Campello, Moulavi and Sander 2013) as R dbscan 1.1-11's `hdbscan(x, minPts)`
 * computes it, with minPts split into `minSamples` (core distances) and `minClusterSize` (the
 * smallest cluster of the condensed tree), the selection methods 'eom' and 'leaf', an epsilon
 * threshold and a single cluster allowed, as scikit-learn 1.3's `HDBSCAN` offers them.
 *
 * Steps (each replicates R's conventions, ties included):
 *
 * 1. Core distance of a row: the distance to its minSamples-th nearest row, itself counted
 *    first (R: `kNNdist(x, minPts - 1)`). Mutual reachability of rows i, j:
 *    max(core_i, core_j, d(i, j)).
 * 2. Minimum spanning tree of the mutual reachability by Prim's algorithm with distances
 *    computed on the fly (O(n d) memory; prim.ts): start at row 0; the next row is the one of
 *    smallest best weight, the lowest index on ties. Each step records (new row, previous row,
 *    weight), as R's `prims` (Muellner 2011's MST algorithm; the single-linkage clusters are the
 *    same as with the true tree edges).
 * 3. Single-linkage merges: the steps sorted by weight with a stable sort (R's `order`), each
 *    merging the current cluster of the new row (left) with that of the previous row (right),
 *    as R's `hclustMergeOrder`.
 * 4. Condensed tree, top-down over the merges from the last (R's `computeStability`): a merge of
 *    two clusters of >= minClusterSize rows each is a split: the current cluster dies at its
 *    height and two clusters are born there (ids counted up, left then right). Otherwise both
 *    parts keep the current cluster, and a row leaves the cluster where it becomes a singleton:
 *    at the height of that merge, or at the death of the cluster when the cluster has already
 *    split. A cluster's death is the height of its split, or, when it never splits, the lowest
 *    merge of two single rows below it. The root is born at the top height and has death 0
 *    until it splits.
 * 5. Stability of a cluster: sum over its rows of (1/eps_row - 1/birth), in the order the rows
 *    left, plus nc/death - nc/birth when it split into clusters holding nc rows. A cluster whose
 *    death is 0 (duplicated rows) has stability NaN, as in R.
 * 6. 'eom' (R's `fosc`, post-order): a cluster is kept over its children unless its stability is
 *    strictly below the sum of their scores (a tie keeps the parent); a leaf's score is its
 *    stability. The root is never a cluster unless `allowSingleCluster`.
 * 7. Members of a selected cluster: every row that left it or any cluster below it.
 * 8. GLOSH score of a row: 1 - eps_max / eps_row, eps_max the smallest death among the leaf
 *    clusters below the cluster it left (its own death for a leaf); 0/0 counts as 0. With no
 *    split at all the root's death is 0 and every score is 1 (0 for a row at distance 0), as R.
 * 9. Membership probability (R's `membership_prob`): (max_f - core_row) / max_f, max_f the
 *    largest core distance in the row's cluster; 0 for noise.
 *
 * Where this differs from R (documented in the public function): when no cluster is found, R
 * gives the noise rows the probabilities they would have as one cluster, here they get 0; a
 * cluster whose core distances are all 0 gets probabilities 1 here, NaN in R. The options R
 * 1.1-11 lacks ('leaf', an epsilon, a single cluster) follow scikit-learn's `HDBSCAN` on this
 * tree (`selectClusters`).
 */
import { makeHClustResult, type HClustResult } from '../hclust/tree.js';
import { condensedDistances, identity, type Metric } from '../hclust/distance.js';
import { coreDistances, distanceDown, distanceUp, type NeighborSpace } from './neighbors.js';
import { type PrimSteps, primMutualReachability } from './prim.js';

/** How `hdbscan` selects clusters from the condensed tree. */
export type ClusterSelectionMethod = 'eom' | 'leaf';

/**
 * The condensed tree, one edge per row and per non-root cluster. Cluster c of `clusters` is node
 * n + c (the root is node n); rows are nodes 0..n-1. Edges come top-down (by decreasing
 * distance, as the tree is built).
 */
export interface CondensedTree {
  /** Parent node of each edge (a cluster, >= n). */
  parent: Int32Array;
  /** Child node of each edge: a row (< n) or a cluster (>= n). */
  child: Int32Array;
  /** Distance at which the child leaves the parent (a cluster: its birth). */
  distance: Float64Array;
  /** 1 / distance (Infinity at distance 0), the scale of scikit-learn's and hdbscan's trees. */
  lambda: Float64Array;
  /** Rows under the child (1 for a row). */
  childSize: Int32Array;
}

/** The clusters of the condensed tree, indexed by cluster id (0 = root). */
export interface CondensedClusters {
  /** Parent cluster id, -1 for the root. */
  parent: Int32Array;
  /** Distance at which the cluster is born (its split from the parent; the top height for the root). */
  birth: Float64Array;
  /** Distance at which it dies (see hdbscan.ts, step 4). */
  death: Float64Array;
  /** Stability (step 5). */
  stability: Float64Array;
  /** Rows under the cluster. */
  size: Int32Array;
  /** Label given to the cluster when selected, -1 otherwise. */
  label: Int32Array;
}

/** Everything the engine computes. */
export interface HdbscanFit {
  labels: Int32Array;
  probabilities: Float64Array;
  outlierScores: Float64Array;
  coreDistances: Float64Array;
  condensedTree: CondensedTree;
  clusters: CondensedClusters;
  /** Stability of each label's cluster. */
  stabilities: Float64Array;
  singleLinkage: HClustResult;
}

export interface HdbscanSettings {
  minSamples: number;
  minClusterSize: number;
  method: ClusterSelectionMethod;
  epsilon: number;
  allowSingleCluster: boolean;
}

/**
 * The single-linkage merges (step 3): left[k], right[k] are node ids (a row i < n, or n + j for
 * the cluster of merge j), height[k] ascending, size[k] the merged size.
 */
function mergeOrder(
  n: number,
  mst: PrimSteps,
): { left: Int32Array; right: Int32Array; height: Float64Array; size: Int32Array } {
  const m = n - 1;
  const order = new Array<number>(m);
  for (let k = 0; k < m; k++) order[k] = k;
  const w = mst.weight;
  order.sort((a, b) => w[a]! - w[b]! || a - b);
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  const height = new Float64Array(m);
  const size = new Int32Array(m);
  const uf = identity(n);
  const node = identity(n);
  const count = new Int32Array(n).fill(1);
  const find = (v: number): number => {
    while (uf[v] !== v) {
      uf[v] = uf[uf[v]!]!;
      v = uf[v]!;
    }
    return v;
  };
  for (let k = 0; k < m; k++) {
    const e = order[k]!;
    const a = find(mst.from[e]!);
    const b = find(mst.to[e]!);
    left[k] = node[a]!;
    right[k] = node[b]!;
    height[k] = w[e]!;
    const s = count[a]! + count[b]!;
    size[k] = s;
    const r = count[a]! >= count[b]! ? a : b;
    uf[a] = r;
    uf[b] = r;
    count[r] = s;
    node[r] = n + k;
  }
  return { left, right, height, size };
}

/**
 * HDBSCAN of the rows of `space` (see the file header). n >= 2, minSamples <= n; `s.epsilon` in
 * the units of the searched data (`distanceDown`); the results in those of the data.
 */
export function runHdbscan(space: NeighborSpace, s: HdbscanSettings): HdbscanFit {
  const n = space.x.rows;
  const core = coreDistances(space, s.minSamples);
  const mst = primMutualReachability(space, core);
  const { left, right, height, size } = mergeOrder(n, mst);
  const minCS = s.minClusterSize;

  // Step 4: the condensed tree, top-down.
  const cap = n + 1;
  const clParent = new Int32Array(cap).fill(-1);
  const childL = new Int32Array(cap).fill(-1);
  const childR = new Int32Array(cap).fill(-1);
  const birth = new Float64Array(cap);
  const death = new Float64Array(cap);
  const processed = new Uint8Array(cap);
  const nChildren = new Int32Array(cap);
  const tracker = new Int32Array(n - 1);
  const clusterOf = new Int32Array(n);
  const eps = new Float64Array(n);
  const leftOrder = new Int32Array(n); // rows in the order they leave their cluster
  let nLeft = 0;
  // condensed edges: n rows plus two per split
  const eParent = new Int32Array(n + cap);
  const eChild = new Int32Array(n + cap);
  const eDist = new Float64Array(n + cap);
  const eSize = new Int32Array(n + cap);
  let nEdges = 0;
  birth[0] = height[n - 2]!;
  let g = 0;
  for (let k = n - 2; k >= 0; k--) {
    const L = left[k]!;
    const R = right[k]!;
    const cid = tracker[k]!;
    const h = height[k]!;
    if (L < n || R < n) {
      const e = processed[cid] ? death[cid]! : h;
      for (let side = 0; side < 2; side++) {
        const p = side === 0 ? L : R;
        if (p >= n) {
          tracker[p - n] = cid;
          continue;
        }
        clusterOf[p] = cid;
        eps[p] = e;
        leftOrder[nLeft++] = p;
        eParent[nEdges] = n + cid;
        eChild[nEdges] = p;
        eDist[nEdges] = e;
        eSize[nEdges++] = 1;
      }
      if (L < n && R < n && !processed[cid]) death[cid] = Math.min(h, death[cid]!);
      continue;
    }
    const s1 = size[L - n]!;
    const s2 = size[R - n]!;
    if (s1 >= minCS && s2 >= minCS) {
      death[cid] = h;
      processed[cid] = 1;
      nChildren[cid] = s1 + s2;
      const l = ++g;
      const r = ++g;
      childL[cid] = l;
      childR[cid] = r;
      clParent[l] = cid;
      clParent[r] = cid;
      tracker[L - n] = l;
      tracker[R - n] = r;
      birth[l] = h;
      birth[r] = h;
      death[l] = height[L - n]!;
      death[r] = height[R - n]!;
      for (let side = 0; side < 2; side++) {
        eParent[nEdges] = n + cid;
        eChild[nEdges] = n + (side === 0 ? l : r);
        eDist[nEdges] = h;
        eSize[nEdges++] = side === 0 ? s1 : s2;
      }
    } else {
      tracker[L - n] = cid;
      tracker[R - n] = cid;
    }
  }
  const nc = g + 1;

  // Step 5: stabilities, each sum in the order the rows left.
  const sums = new Float64Array(nc);
  for (let t = 0; t < n; t++) {
    const p = leftOrder[t]!;
    const c = clusterOf[p]!;
    sums[c]! += 1 / eps[p]! - 1 / birth[c]!;
  }
  const stability = new Float64Array(nc);
  for (let c = 0; c < nc; c++) {
    const k = nChildren[c]!;
    stability[c] = sums[c]! + ((k * 1) / death[c]! - (k * 1) / birth[c]!);
  }

  // Cluster sizes, bottom-up (children have larger ids than their parent).
  const clSize = new Int32Array(nc);
  for (let p = 0; p < n; p++) clSize[clusterOf[p]!]!++;
  for (let c = nc - 1; c > 0; c--) clSize[clParent[c]!]! += clSize[c]!;

  // Step 6: selection.
  const selected = selectClusters(s, nc, clParent, childL, childR, birth, stability);

  // Step 7: labels, numbered by first appearance in row order.
  const owner = new Int32Array(nc).fill(-1); // selected cluster above (or equal to) each cluster
  for (let c = 0; c < nc; c++) {
    owner[c] = selected[c] ? c : c === 0 ? -1 : owner[clParent[c]!]!;
  }
  let rootCut = Number.POSITIVE_INFINITY;
  if (selected[0]) {
    // a selected root keeps, of the rows that left it directly, those that left last
    // (scikit-learn's rule for a single cluster)
    rootCut = Number.POSITIVE_INFINITY;
    for (let t = 0; t < nEdges; t++) {
      if (eParent[t] === n && eDist[t]! < rootCut) rootCut = eDist[t]!;
    }
  }
  const labels = new Int32Array(n).fill(-1);
  const labelOf = new Int32Array(nc).fill(-1);
  let nLabels = 0;
  for (let p = 0; p < n; p++) {
    const c = clusterOf[p]!;
    const o = owner[c]!;
    if (o === -1) continue;
    if (o === 0 && c === 0 && !(eps[p]! <= rootCut)) continue;
    if (labelOf[o] === -1) labelOf[o] = nLabels++;
    labels[p] = labelOf[o]!;
  }
  const stabilities = new Float64Array(nLabels);
  for (let c = 0; c < nc; c++) if (labelOf[c]! >= 0) stabilities[labelOf[c]!] = stability[c]!;

  // Step 8: GLOSH.
  const minLeafDeath = new Float64Array(nc);
  for (let c = nc - 1; c >= 0; c--) {
    minLeafDeath[c] =
      childL[c] === -1 ? death[c]! : Math.min(minLeafDeath[childL[c]!]!, minLeafDeath[childR[c]!]!);
  }
  const outlierScores = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const v = 1 - minLeafDeath[clusterOf[p]!]! / eps[p]!;
    outlierScores[p] = Number.isNaN(v) ? 0 : v;
  }

  // Step 9: membership probabilities.
  const maxCore = new Float64Array(nLabels).fill(Number.NEGATIVE_INFINITY);
  for (let p = 0; p < n; p++) {
    const l = labels[p]!;
    if (l >= 0 && core[p]! > maxCore[l]!) maxCore[l] = core[p]!;
  }
  const probabilities = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const l = labels[p]!;
    if (l < 0) continue;
    const f = maxCore[l]!;
    probabilities[p] = f === 0 ? 1 : (f - core[p]!) / f;
  }

  // The single-linkage tree of the mutual reachability, in scipy's convention.
  const Z = new Float64Array(4 * (n - 1));
  for (let k = 0; k < n - 1; k++) {
    const a = left[k]!;
    const b = right[k]!;
    Z[4 * k] = Math.min(a, b);
    Z[4 * k + 1] = Math.max(a, b);
    Z[4 * k + 2] = distanceUp(space, height[k]!);
    Z[4 * k + 3] = size[k]!;
  }
  const x = space.x;
  const metric: Metric = space.metric;
  const singleLinkage = makeHClustResult(Z, n, {
    method: 'single',
    metric,
    layout: 'none',
    distances: () => {
      const D = mutualReachability(condensedDistances(x, metric), core, n);
      if (space.unit !== 1) for (let t = 0; t < D.length; t++) D[t] = distanceUp(space, D[t]!);
      return D;
    },
  });

  // Distances back in the units of the data (stabilities are sums of 1 / distance).
  const coreOut = core.slice();
  const distOut = eDist.slice(0, nEdges);
  const birthOut = birth.slice(0, nc);
  const deathOut = death.slice(0, nc);
  if (space.unit !== 1) {
    for (let p = 0; p < n; p++) coreOut[p] = distanceUp(space, core[p]!);
    for (let t = 0; t < nEdges; t++) distOut[t] = distanceUp(space, distOut[t]!);
    for (let c = 0; c < nc; c++) {
      birthOut[c] = distanceUp(space, birthOut[c]!);
      deathOut[c] = distanceUp(space, deathOut[c]!);
      stability[c] = distanceDown(space, stability[c]!);
    }
    for (let l = 0; l < nLabels; l++) stabilities[l] = distanceDown(space, stabilities[l]!);
  }
  const lambda = new Float64Array(nEdges);
  for (let t = 0; t < nEdges; t++) lambda[t] = 1 / distOut[t]!;
  const clusterLabel = new Int32Array(nc);
  for (let c = 0; c < nc; c++) clusterLabel[c] = labelOf[c]!;
  return {
    labels,
    probabilities,
    outlierScores,
    coreDistances: coreOut,
    condensedTree: {
      parent: eParent.slice(0, nEdges),
      child: eChild.slice(0, nEdges),
      distance: distOut,
      lambda,
      childSize: eSize.slice(0, nEdges),
    },
    clusters: {
      parent: clParent.slice(0, nc),
      birth: birthOut,
      death: deathOut,
      stability,
      size: clSize,
      label: clusterLabel,
    },
    stabilities,
    singleLinkage,
  };
}

/** Condensed distances turned into mutual reachability distances, in place. */
function mutualReachability(D: Float64Array, core: Float64Array, n: number): Float64Array {
  let t = 0;
  for (let i = 0; i < n; i++) {
    const ci = core[i]!;
    for (let j = i + 1; j < n; j++, t++) {
      const cj = core[j]!;
      const c = Math.max(ci, cj);
      if (c > D[t]!) D[t] = c;
    }
  }
  return D;
}

/**
 * Steps 6 and the options of scikit-learn's `HDBSCAN`: the selected clusters as flags.
 * 'eom' keeps a cluster over its children unless its stability is strictly below the sum of
 * their scores; 'leaf' keeps the leaves. The root counts only with `allowSingleCluster`.
 * `epsilon` > 0 then replaces a selected cluster born below epsilon by its closest ancestor
 * born above it (not the root, unless `allowSingleCluster`), as hdbscan's `epsilon_search`.
 */
function selectClusters(
  s: HdbscanSettings,
  nc: number,
  clParent: Int32Array,
  childL: Int32Array,
  childR: Int32Array,
  birth: Float64Array,
  stability: Float64Array,
): Uint8Array {
  const chosen = new Uint8Array(nc);
  if (s.method === 'eom') {
    const score = new Float64Array(nc);
    for (let c = nc - 1; c >= 0; c--) {
      if (childL[c] === -1) {
        score[c] = stability[c]!;
        chosen[c] = 1;
        continue;
      }
      const sum = 0 + score[childL[c]!]! + score[childR[c]!]!;
      const old = stability[c]!;
      if (old < sum) score[c] = sum;
      else {
        score[c] = old;
        chosen[c] = 1;
      }
    }
  } else {
    for (let c = 0; c < nc; c++) if (childL[c] === -1) chosen[c] = 1;
  }
  if (!s.allowSingleCluster) chosen[0] = 0;
  // top-down: a cluster is selected when chosen and no ancestor is selected
  const selected = new Uint8Array(nc);
  const under = new Uint8Array(nc); // 1 when an ancestor (or itself) is selected
  for (let c = 0; c < nc; c++) {
    const above = c === 0 ? 0 : under[clParent[c]!]!;
    if (!above && chosen[c]) selected[c] = 1;
    under[c] = above || selected[c]! ? 1 : 0;
  }
  if (s.epsilon > 0) {
    const out = new Uint8Array(nc);
    for (let c = 0; c < nc; c++) {
      if (!selected[c]) continue;
      let t = c;
      if (c !== 0 && birth[c]! < s.epsilon) {
        for (;;) {
          const p = clParent[t]!;
          if (p === 0) {
            if (s.allowSingleCluster) t = 0;
            break;
          }
          t = p;
          if (birth[p]! > s.epsilon) break;
        }
      }
      out[t] = 1;
    }
    // keep the topmost of nested selections
    for (let c = 0; c < nc; c++) {
      const above = c === 0 ? 0 : under[clParent[c]!]!;
      under[c] = above;
      if (out[c]) {
        if (above) out[c] = 0;
        else under[c] = 1;
      }
    }
    return out;
  }
  return selected;
}
