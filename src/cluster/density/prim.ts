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
 * - `primTree`: with a k-d tree (kdtree.ts; up to PRIM_TREE_MAX_COLS columns), lazily: a new tree row updates only the rows near it,
 *   and the radius grows only when a row beyond it could still be next (see the function). The
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

/**
 * Most columns for which Prim's steps use the k-d tree: its growing radii prune less than a
 * k-nearest or radius search, and beyond this the scans are faster on clustered data.
 */
export const PRIM_TREE_MAX_COLS = 8;

/**
 * Prim's steps, with the k-d tree of `space` when it has one and the data at most
 * PRIM_TREE_MAX_COLS columns. n >= 2.
 */
export function primMutualReachability(space: NeighborSpace, core: Float64Array): PrimSteps {
  return space.tree !== null && space.x.cols <= PRIM_TREE_MAX_COLS
    ? primTree(space, space.tree, core)
    : primScan(space, core);
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

/**
 * With the k-d tree (see the file header). Lazy: a row c that joins the tree lowers the best
 * weights of the rows within a radius rho_c of it only (the rows j with mrd(c, j) <= rho_c, found
 * with the tree); every row farther away has mrd(c, j) > rho_c. The row of smallest (best weight,
 * index) is then the true next row as soon as its weight w is at most the smallest rho of the
 * tree: no pending mrd can be below w. Otherwise the smallest radius grows to max(w, 2 rho) and
 * the test repeats. Radii start at the row's core distance.
 */
export function primTree(space: NeighborSpace, tree: KdTree, core: Float64Array): PrimSteps {
  const n = space.x.rows;
  const metric = space.metric;
  const euclidean = metric === 'euclidean';
  const fringe = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const rho = new Float64Array(n);
  const inTree = new Uint8Array(n);
  const rows = new PrimHeap(n, fringe, true);
  const radii = new PrimHeap(n, rho, false);
  const from = new Int32Array(n - 1);
  const to = new Int32Array(n - 1);
  const weight = new Float64Array(n - 1);
  // covers every row whose distance, as the metric rounds it, is <= r
  const SLACK = 1 + 1e-12;

  // per node: rows not yet in the tree, smallest core distance; parents and leaves for updates
  const { index, start, end, left, right, lo, hi, stack } = tree;
  const nodes = tree.nodes;
  const { cols: d, data } = space.x;
  const kind = tree.metric === 'sqeuclidean' ? 0 : tree.metric === 'cityblock' ? 1 : 2;
  const parent = new Int32Array(nodes).fill(-1);
  const leafOf = new Int32Array(n);
  const open = new Int32Array(nodes);
  const minCore = new Float64Array(nodes);
  for (let v = nodes - 1; v >= 0; v--) {
    const l = left[v]!;
    if (l === -1) {
      let mc = Number.POSITIVE_INFINITY;
      for (let t = start[v]!; t < end[v]!; t++) {
        const i = index[t]!;
        leafOf[i] = v;
        if (core[i]! < mc) mc = core[i]!;
      }
      minCore[v] = mc;
    } else {
      const r = right[v]!;
      parent[l] = v;
      parent[r] = v;
      minCore[v] = Math.min(minCore[l]!, minCore[r]!);
    }
    open[v] = end[v]! - start[v]!;
  }

  /** Row c joins the tree. */
  function close(c: number): void {
    inTree[c] = 1;
    for (let v = leafOf[c]!; v !== -1; v = parent[v]!) open[v]!--;
  }

  /** Distance (scan units) from row q to the box of node v; see kdtree.ts `boxBound`. */
  function boxBound(v: number, q: number): number {
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
    return s;
  }

  /** Lower the best weights of the rows j with mrd(c, j) <= r (and maybe a few more). */
  function push(c: number, r: number): void {
    const coreC = core[c]!;
    if (coreC > r) return;
    const scanR = r === Number.POSITIVE_INFINITY ? r : euclidean ? r * r * SLACK : r;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const v = stack[--top]!;
      if (open[v] === 0 || minCore[v]! > r || boxBound(v, c) > scanR) continue;
      const l = left[v]!;
      if (l !== -1) {
        stack[top++] = right[v]!;
        stack[top++] = l;
        continue;
      }
      for (let t = start[v]!; t < end[v]!; t++) {
        const j = index[t]!;
        if (inTree[j]) continue;
        const lower = Math.max(coreC, core[j]!);
        const f = fringe[j]!;
        if (!(f > lower) || lower > r) continue;
        const w = Math.max(scanToDistance(metric, pairValue(tree, c, j)), lower);
        if (w < f) {
          fringe[j] = w;
          rows.decrease(j);
        }
      }
    }
  }

  let c = 0;
  rows.remove(0);
  for (let e = 0; e < n - 1; e++) {
    close(c);
    rho[c] = core[c]!;
    push(c, rho[c]!);
    radii.insert(c);
    for (;;) {
      if (radii.count === 0) break; // every tree row has reached every row
      const w = fringe[rows.peek()]!;
      const g = radii.peek();
      if (w <= rho[g]!) break;
      const r = Math.max(w, 2 * rho[g]!);
      rho[g] = r;
      push(g, r);
      if (r === Number.POSITIVE_INFINITY) radii.remove(g);
      else radii.increase(g);
    }
    const next = rows.pop();
    from[e] = next;
    to[e] = c;
    weight[e] = fringe[next]!;
    c = next;
  }
  return { from, to, weight };
}

/** A binary min-heap of rows by (key, index), keys read from `key`. */
class PrimHeap {
  private readonly heap: Int32Array;
  /** Position of each row in the heap, -1 when absent. */
  private readonly pos: Int32Array;
  private size: number;
  /** `full`: all n rows, in index order (a valid heap when their keys are equal). */
  constructor(
    n: number,
    private readonly key: Float64Array,
    full: boolean,
  ) {
    this.heap = identity(n);
    this.pos = full ? identity(n) : new Int32Array(n).fill(-1);
    this.size = full ? n : 0;
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

  /** Number of rows in the heap. */
  get count(): number {
    return this.size;
  }

  /** The row of smallest (key, index); the heap must not be empty. */
  peek(): number {
    return this.heap[0]!;
  }

  /** Add row v (absent). */
  insert(v: number): void {
    this.place(this.size, v);
    this.up(this.size++);
  }

  /** Row v's key went down. */
  decrease(v: number): void {
    this.up(this.pos[v]!);
  }

  /** Row v's key went up. */
  increase(v: number): void {
    this.down(this.pos[v]!);
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
    const removed = this.heap[p]!;
    this.pos[removed] = -1;
    const last = this.heap[--this.size]!;
    if (p === this.size) return;
    this.place(p, last);
    if (this.less(last, removed)) this.up(p);
    else this.down(p);
  }
}
