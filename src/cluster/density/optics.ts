/**
 * OPTICS (Ankerst, Breunig, Kriegel and Sander 1999) as scikit-learn 1.2.1 computes it
 * (`compute_optics_graph`, `cluster_optics_xi`, `cluster_optics_dbscan`), ties included.
 *
 * - Core distance: the distance to the minSamples-th nearest row, itself counted first; Infinity
 *   when above maxEps. Core and reachability distances are rounded as numpy's
 *   `np.around(x, 15)`: rint(x * 1e15) / 1e15, ties to even.
 * - Order: the unprocessed row of smallest reachability comes next, the lowest index on ties
 *   (Infinity included, so a new component starts at its lowest-index row). A processed row with
 *   a finite core distance lowers the reachability of each unprocessed row within maxEps to
 *   max(distance, its core distance), rounded, when that is strictly smaller, and becomes its
 *   predecessor.
 * - Distances are those of scipy's `cdist` (scikit-learn's default metric 'minkowski' with
 *   p = 2 is scipy's Euclidean distance: the square root of the column-order sum); the radius
 *   test for maxEps is that of the k-d tree (squared sums against maxEps^2).
 * - xi clusters: a port of `_xi_cluster` and `_extract_xi_labels`, with their quirks (the
 *   predecessor correction looks up `ordering[predecessor]`, and a predecessor of -1 reads the
 *   last row of the ordering, as numpy's negative index).
 */
import {
  coreDistances,
  distanceUp,
  type NeighborSpace,
  scanRadius,
  scanRow,
  scanToDistance,
} from './neighbors.js';

/** numpy's `rint`: the nearest integer, ties to even; values beyond 2^52 are integers already. */
function rint(y: number): number {
  if (!(Math.abs(y) < 4503599627370496)) return y;
  const r = Math.round(y); // ties toward +Infinity
  return r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * numpy's `np.around(x, 15)` (the precision of float64): rint(x * 1e15) / 1e15. Like numpy, a
 * value above about 1.8e293 becomes Infinity (x * 1e15 overflows).
 */
export function around15(x: number): number {
  return rint(x * 1e15) / 1e15;
}

/** The OPTICS graph of scikit-learn's `compute_optics_graph`. */
export interface OpticsGraph {
  /** Rows in the order visited. */
  ordering: Int32Array;
  /** Reachability distance of each row (Infinity for the first row of each component). */
  reachability: Float64Array;
  /** Core distance of each row (Infinity when above maxEps). */
  coreDistances: Float64Array;
  /** The row that gave each row its reachability, -1 if none. */
  predecessor: Int32Array;
}

/**
 * `compute_optics_graph` of scikit-learn 1.2.1 (see the file header). `maxEps` in the units of
 * the searched data; the distances returned in those of the data (`distanceUp`: for data
 * divided by a power of two, the rounding to 15 decimals applies to the divided distances).
 */
export function opticsGraph(space: NeighborSpace, minSamples: number, maxEps: number): OpticsGraph {
  const n = space.x.rows;
  const metric = space.metric;
  const core = coreDistances(space, minSamples);
  for (let i = 0; i < n; i++) {
    if (core[i]! > maxEps) core[i] = Number.POSITIVE_INFINITY;
    core[i] = around15(core[i]!);
  }
  const radius = scanRadius(metric, maxEps);
  const reach = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const pred = new Int32Array(n).fill(-1);
  const ordering = new Int32Array(n);
  const rest = new Int32Array(n); // unprocessed rows, ascending
  for (let i = 0; i < n; i++) rest[i] = i;
  const scan = new Float64Array(n);
  const need = new Int32Array(n);
  let m = n;
  for (let o = 0; o < n; o++) {
    let best = 0;
    let min = reach[rest[0]!]!;
    for (let t = 1; t < m; t++) {
      const v = reach[rest[t]!]!;
      if (v < min) {
        min = v;
        best = t;
      }
    }
    const point = rest[best]!;
    rest.copyWithin(best, best + 1, m);
    m--;
    ordering[o] = point;
    const cp = core[point]!;
    if (cp === Number.POSITIVE_INFINITY || m === 0) continue;
    // a row whose reachability is at most cp cannot improve (the candidates are >= cp)
    let k = 0;
    for (let t = 0; t < m; t++) if (reach[rest[t]!]! > cp) need[k++] = rest[t]!;
    scanRow(space, point, need, k, scan);
    for (let t = 0; t < k; t++) {
      const s = scan[t]!;
      if (!(s <= radius)) continue;
      const q = need[t]!;
      const d = scanToDistance(metric, s);
      const r = around15(Math.max(d, cp));
      if (r < reach[q]!) {
        reach[q] = r;
        pred[q] = point;
      }
    }
  }
  if (space.unit !== 1) {
    for (let i = 0; i < n; i++) {
      reach[i] = distanceUp(space, reach[i]!);
      core[i] = distanceUp(space, core[i]!);
    }
  }
  return { ordering, reachability: reach, coreDistances: core, predecessor: pred };
}

/** scikit-learn's `cluster_optics_dbscan`: DBSCAN labels at `eps` read off the graph. */
export function dbscanFromGraph(graph: OpticsGraph, eps: number): Int32Array {
  const { ordering, reachability, coreDistances: core } = graph;
  const n = ordering.length;
  const labels = new Int32Array(n);
  let count = 0;
  for (let o = 0; o < n; o++) {
    const p = ordering[o]!;
    if (reachability[p]! > eps && core[p]! <= eps) count++;
    labels[p] = count - 1;
  }
  for (let p = 0; p < n; p++) {
    if (reachability[p]! > eps && !(core[p]! <= eps)) labels[p] = -1;
  }
  return labels;
}

/** A steep down area of `_xi_cluster`. */
interface SteepDownArea {
  start: number;
  end: number;
  mib: number;
}

/** `_extend_region`: the end of the steep region that starts at `start`. */
function extendRegion(
  steep: Uint8Array,
  xward: Uint8Array,
  start: number,
  minSamples: number,
): number {
  const n = steep.length;
  let nonXward = 0;
  let end = start;
  for (let index = start; index < n; index++) {
    if (steep[index]) {
      nonXward = 0;
      end = index;
    } else if (!xward[index]) {
      nonXward++;
      if (nonXward > minSamples) break;
    } else return end;
  }
  return end;
}

/** `_update_filter_sdas`. */
function filterSdas(
  sdas: SteepDownArea[],
  mib: number,
  xiComplement: number,
  plot: Float64Array,
): SteepDownArea[] {
  if (mib === Number.POSITIVE_INFINITY || mib === Number.NEGATIVE_INFINITY) return [];
  const res = sdas.filter((sda) => mib <= plot[sda.start]! * xiComplement);
  for (const sda of res) sda.mib = Math.max(sda.mib, mib);
  return res;
}

/** `_correct_predecessor`; null when the cluster vanishes. */
function correctPredecessor(
  plot: Float64Array,
  predPlot: Int32Array,
  ordering: Int32Array,
  s: number,
  e: number,
): [number, number] | null {
  const n = ordering.length;
  while (s < e) {
    if (plot[s]! > plot[e]!) return [s, e];
    const pe = predPlot[e]!;
    const pointE = ordering[pe < 0 ? n + pe : pe]!;
    for (let i = s; i < e; i++) if (pointE === ordering[i]) return [s, e];
    e--;
  }
  return null;
}

/** `_xi_cluster`: the xi clusters as [start, end] positions in the ordering. */
export function xiClusters(
  graph: OpticsGraph,
  xi: number,
  minSamples: number,
  minClusterSize: number,
  predecessorCorrection: boolean,
): [number, number][] {
  const { ordering, reachability, predecessor } = graph;
  const n = ordering.length;
  const plot = new Float64Array(n + 1);
  const predPlot = new Int32Array(n);
  for (let o = 0; o < n; o++) {
    plot[o] = reachability[ordering[o]!]!;
    predPlot[o] = predecessor[ordering[o]!]!;
  }
  plot[n] = Number.POSITIVE_INFINITY;
  const xiComplement = 1 - xi;
  const downLimit = 1 / xiComplement;
  const steepUp = new Uint8Array(n);
  const steepDown = new Uint8Array(n);
  const downward = new Uint8Array(n);
  const upward = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const ratio = plot[i]! / plot[i + 1]!;
    steepUp[i] = ratio <= xiComplement ? 1 : 0;
    steepDown[i] = ratio >= downLimit ? 1 : 0;
    downward[i] = ratio > 1 ? 1 : 0;
    upward[i] = ratio < 1 ? 1 : 0;
  }
  let sdas: SteepDownArea[] = [];
  const clusters: [number, number][] = [];
  let index = 0;
  let mib = 0;
  for (let steepIndex = 0; steepIndex < n; steepIndex++) {
    if (!steepUp[steepIndex] && !steepDown[steepIndex]) continue;
    if (steepIndex < index) continue;
    let top = plot[index]!;
    for (let t = index + 1; t <= steepIndex; t++) if (plot[t]! > top) top = plot[t]!;
    mib = Math.max(mib, top);
    if (steepDown[steepIndex]) {
      sdas = filterSdas(sdas, mib, xiComplement, plot);
      const dEnd = extendRegion(steepDown, upward, steepIndex, minSamples);
      sdas.push({ start: steepIndex, end: dEnd, mib: 0 });
      index = dEnd + 1;
      mib = plot[index]!;
      continue;
    }
    sdas = filterSdas(sdas, mib, xiComplement, plot);
    const uStart = steepIndex;
    const uEnd = extendRegion(steepUp, downward, uStart, minSamples);
    index = uEnd + 1;
    mib = plot[index]!;
    const uClusters: [number, number][] = [];
    for (const D of sdas) {
      let cStart = D.start;
      let cEnd = uEnd;
      if (plot[cEnd + 1]! * xiComplement < D.mib) continue;
      const dMax = plot[D.start]!;
      if (dMax * xiComplement >= plot[cEnd + 1]!) {
        while (plot[cStart + 1]! > plot[cEnd + 1]! && cStart < D.end) cStart++;
      } else if (plot[cEnd + 1]! * xiComplement >= dMax) {
        // plot[-1] is numpy's last element: the appended Infinity
        while ((cEnd === 0 ? plot[n]! : plot[cEnd - 1]!) > dMax && cEnd > uStart) cEnd--;
      }
      if (predecessorCorrection) {
        const c = correctPredecessor(plot, predPlot, ordering, cStart, cEnd);
        if (c === null) continue;
        [cStart, cEnd] = c;
      }
      if (cEnd - cStart + 1 < minClusterSize) continue;
      if (cStart > D.end) continue;
      if (cEnd < uStart) continue;
      uClusters.push([cStart, cEnd]);
    }
    uClusters.reverse();
    for (const c of uClusters) clusters.push(c);
  }
  return clusters;
}

/** `_extract_xi_labels`: each row's label from the clusters, the first of nested ones kept. */
export function xiLabels(ordering: Int32Array, clusters: readonly [number, number][]): Int32Array {
  const n = ordering.length;
  const byPosition = new Int32Array(n).fill(-1);
  let label = 0;
  for (const [s, e] of clusters) {
    let free = true;
    for (let i = s; i <= e; i++) {
      if (byPosition[i] !== -1) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    byPosition.fill(label, s, e + 1);
    label++;
  }
  const labels = new Int32Array(n);
  for (let o = 0; o < n; o++) labels[ordering[o]!] = byPosition[o]!;
  return labels;
}
