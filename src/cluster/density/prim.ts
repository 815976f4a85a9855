/**
 * Prim's minimum spanning tree of the mutual reachability distances
 * mrd(i, j) = max(core_i, core_j, d(i, j)), in R dbscan's order (`prims`): start at row 0; the
 * best weight of a row outside the tree is the smallest mrd to a tree row; the next row is the
 * one of smallest best weight, the lowest index on ties. Each step records (new row, previous
 * row, weight).
 *
 * The sequence depends only on the best weights, which are minima of exact doubles, so any
 * method that finds them gives R's steps. Two methods, both O(n d) memory:
 *
 * - `primScan`: every step scans all rows outside the tree (O(n^2 d)); a row whose best weight
 *   is already at most max(core of the new row, its own core) is skipped, since no mrd is
 *   below that.
 * - `primTree`: with a k-d tree (kdtree.ts), a step visits only the nodes where some row could
 *   improve: a node is skipped when max(core of the new row, the smallest core in the node, the
 *   distance to its box) is at least the largest best weight of its rows outside the tree. The
 *   next row comes from a binary heap ordered by (best weight, index).
 */
import { identity } from '../hclust/distance.js';
import { type KdTree, pairValue } from './kdtree.js';
import { distanceRow, type NeighborSpace, scanToDistance } from './neighbors.js';

/** The steps of Prim's algorithm: [from[e] (new row), to[e] (previous row), weight[e]]. */
export interface PrimSteps {
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
}

/** Prim's steps, with the k-d tree of `space` when it has one. n >= 2. */
export function primMutualReachability(space: NeighborSpace, core: Float64Array): PrimSteps {
  return space.tree !== null ? primTree(space, space.tree, core) : primScan(space, core);
}

/** Brute-force scans (see the file header). */
export function primScan(space: NeighborSpace, core: Float64Array): PrimSteps {
  const n = space.x.rows;
  const from = new Int32Array(n - 1);
  const to = new Int32Array(n - 1);
  const weight = new Float64Array(n - 1);
  const fringe = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const rest = identity(n);
  const need = new Int32Array(n);
  const dist = new Float64Array(n);
  let m = n;
  let c = 0;
  for (let e = 0; e < n - 1; e++) {
    // remove c from the ascending list of rows outside the tree
    let t = 0;
    while (rest[t] !== c) t++;
    rest.copyWithin(t, t + 1, m);
    m--;
    const coreC = core[c]!;
    let k = 0;
    for (let s = 0; s < m; s++) {
      const i = rest[s]!;
      if (fringe[i]! > Math.max(coreC, core[i]!)) need[k++] = i;
    }
    distanceRow(space, c, need, k, dist);
    for (let s = 0; s < k; s++) {
      const i = need[s]!;
      const v = Math.max(dist[s]!, coreC, core[i]!);
      if (v < fringe[i]!) fringe[i] = v;
    }
    let min = Number.POSITIVE_INFINITY;
    let minId = rest[0]!;
    for (let s = 0; s < m; s++) {
      const f = fringe[rest[s]!]!;
      if (f < min) {
        min = f;
        minId = rest[s]!;
      }
    }
    from[e] = minId;
    to[e] = c;
    weight[e] = min;
    c = minId;
  }
  return { from, to, weight };
}

/** With the k-d tree (see the file header). */
export function primTree(space: NeighborSpace, tree: KdTree, core: Float64Array): PrimSteps {
  const n = space.x.rows;
  const metric = space.metric;
  const { index, start, end, left, right, lo, hi } = tree;
  const { cols: d, data } = space.x;
  // the tree's metric: 0 squared sums, 1 cityblock, 2 chebyshev
  const kind = tree.metric === 'sqeuclidean' ? 0 : tree.metric === 'cityblock' ? 1 : 2;
  const euclidean = metric === 'euclidean';
  const nodes = tree.nodes;
  const parent = new Int32Array(nodes).fill(-1);
  const leafOf = new Int32Array(n);
  const minCore = new Float64Array(nodes);
  for (let v = nodes - 1; v >= 0; v--) {
    const l = left[v]!;
    if (l === -1) {
      let mc = Number.POSITIVE_INFINITY;
      for (let t = start[v]!; t < end[v]!; t++) {
        leafOf[index[t]!] = v;
        if (core[index[t]!]! < mc) mc = core[index[t]!]!;
      }
      minCore[v] = mc;
    } else {
      const r = right[v]!;
      parent[l] = v;
      parent[r] = v;
      minCore[v] = Math.min(minCore[l]!, minCore[r]!);
    }
  }
  // largest best weight of the rows outside the tree under each node (-Infinity: none left)
  const maxFringe = new Float64Array(nodes).fill(Number.POSITIVE_INFINITY);
  const fringe = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const inTree = new Uint8Array(n);
  const heap = new PrimHeap(n, fringe);
  const from = new Int32Array(n - 1);
  const to = new Int32Array(n - 1);
  const weight = new Float64Array(n - 1);
  const stack = tree.stack;
  let c = 0;
  heap.remove(0);
  for (let e = 0; e < n - 1; e++) {
    inTree[c] = 1;
    refresh(leafOf[c]!);
    const coreC = core[c]!;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const v = stack[--top]!;
      const mf = maxFringe[v]!;
      if (!(Math.max(coreC, minCore[v]!) < mf)) continue;
      if (!(boxDistance(v, c) < mf)) continue;
      const l = left[v]!;
      if (l !== -1) {
        stack[top++] = right[v]!;
        stack[top++] = l;
        continue;
      }
      let changed = false;
      for (let t = start[v]!; t < end[v]!; t++) {
        const i = index[t]!;
        if (inTree[i]) continue;
        const f = fringe[i]!;
        const lower = Math.max(coreC, core[i]!);
        if (!(f > lower)) continue;
        const d = scanToDistance(metric, pairValue(tree, c, i));
        const w = Math.max(d, lower);
        if (w < f) {
          fringe[i] = w;
          heap.decrease(i);
          changed = true;
        }
      }
      if (changed) refresh(v);
    }
    const next = heap.pop();
    from[e] = next;
    to[e] = c;
    weight[e] = fringe[next]!;
    c = next;
  }
  return { from, to, weight };

  /** Distance (in the metric) from row q to the box of node v; see kdtree.ts `boxBound`. */
  function boxDistance(v: number, q: number): number {
    const o = v * d;
    const a = q * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const u = data[a + j]!;
      const l = lo[o + j]!;
      const h = hi[o + j]!;
      const g = u < l ? l - u : u > h ? u - h : 0;
      if (kind === 0) s += g * g;
      else if (kind === 1) s += g;
      else if (g > s) s = g;
    }
    return euclidean ? Math.sqrt(s) : s;
  }

  /** Recompute the largest best weight of leaf v, then of its ancestors. */
  function refresh(v: number): void {
    let mf = Number.NEGATIVE_INFINITY;
    for (let t = start[v]!; t < end[v]!; t++) {
      const i = index[t]!;
      if (!inTree[i] && fringe[i]! > mf) mf = fringe[i]!;
    }
    maxFringe[v] = mf;
    for (let p = parent[v]!; p !== -1; p = parent[p]!) {
      const m = Math.max(maxFringe[left[p]!]!, maxFringe[right[p]!]!);
      if (maxFringe[p] === m) break;
      maxFringe[p] = m;
    }
  }
}

/** A binary min-heap of rows by (key, index), keys read from `key`, with decrease-key. */
class PrimHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private size: number;
  constructor(
    n: number,
    private readonly key: Float64Array,
  ) {
    this.heap = identity(n); // equal keys: index order is a valid heap
    this.pos = identity(n);
    this.size = n;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private place(p: number, v: number): void {
    this.heap[p] = v;
    this.pos[v] = p;
  }

  private up(p: number): void {
    const v = this.heap[p]!;
    while (p > 0) {
      const q = (p - 1) >> 1;
      const u = this.heap[q]!;
      if (!this.less(v, u)) break;
      this.place(p, u);
      p = q;
    }
    this.place(p, v);
  }

  private down(p: number): void {
    const v = this.heap[p]!;
    const size = this.size;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= size) break;
      if (c + 1 < size && this.less(this.heap[c + 1]!, this.heap[c]!)) c++;
      const u = this.heap[c]!;
      if (!this.less(u, v)) break;
      this.place(p, u);
      p = c;
    }
    this.place(p, v);
  }

  /** Row v's key went down. */
  decrease(v: number): void {
    this.up(this.pos[v]!);
  }

  /** Remove and return the row of smallest (key, index). */
  pop(): number {
    const v = this.heap[0]!;
    this.removeAt(0);
    return v;
  }

  /** Remove row v. */
  remove(v: number): void {
    this.removeAt(this.pos[v]!);
  }

  private removeAt(p: number): void {
    const last = this.heap[--this.size]!;
    if (p === this.size) return;
    const removed = this.heap[p]!;
    this.place(p, last);
    if (this.less(last, removed)) this.up(p);
    else this.down(p);
  }
}
