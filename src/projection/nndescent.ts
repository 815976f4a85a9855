/**
 * Approximate k nearest neighbours by nearest-neighbour descent (Dong, Charikar and Li, 2011,
 * "Efficient k-nearest neighbor graph construction for generic similarity measures"): a
 * neighbour of a neighbour is likely a neighbour. The lists start from the leaves of a forest of
 * random-projection trees (each pair in a leaf is tried), rows short of candidates get random
 * ones, then each round joins, for every row, its new candidates with each other and with its old
 * ones (forward and reverse neighbours, a random sample of at most `maxCandidates` each), until a
 * round changes fewer than delta * n * k entries.
 *
 * The rows are first reordered by the leaves of one tree, so that near rows lie near in memory.
 * Each row's join is keyed by one call of the join kernel (knn-kernels.ts, WebAssembly SIMD with a
 * JavaScript twin) whose sums stop once they pass both lists' worst keys (such a pair changes
 * nothing, so the graph does not depend on the cut); the distances of the final lists are summed
 * again as the exact scan sums them, so a neighbour found has the distance 'exact' gives it.
 *
 * Queries of new rows (`descentQuery`) descend the trees to a leaf for their first candidates,
 * then walk the graph best-first, expanding candidates within (1 + epsilon) of the current worst.
 *
 * Everything is single-threaded, in flat typed arrays, and drawn from one seeded MT19937: the same
 * data, k and seed give the same graph, with or without WebAssembly. Memory: the data (reordered),
 * the lists and the candidate lists, O(n (d + k + maxCandidates)).
 */
import type { FeatureMatrix } from '../data/dataset.js';
import type { RandomState } from '../util/random.js';
import { admits, type NeighborHeaps, neighborHeaps, push } from './heap.js';
import { boundedKey, type Joiner, joiner, type ScanKind } from './knn-kernels.js';

/**
 * The key between row a of `ad` and row b of `bd` (d columns): the raw sum of the exact scan
 * (knn-kernels.ts), summed in the same order, and 1 - sum for 'dot'.
 */
export function pairKey(
  ad: Float64Array,
  a: number,
  bd: Float64Array,
  b: number,
  d: number,
  kind: ScanKind,
): number {
  const pa = a * d;
  const pb = b * d;
  let s = 0;
  if (kind === 'squares') {
    for (let t = 0; t < d; t++) {
      const e = ad[pa + t]! - bd[pb + t]!;
      s += e * e;
    }
    return s;
  }
  if (kind === 'absolute') {
    for (let t = 0; t < d; t++) s += Math.abs(ad[pa + t]! - bd[pb + t]!);
    return s;
  }
  for (let t = 0; t < d; t++) s += ad[pa + t]! * bd[pb + t]!;
  return 1 - s;
}

/** The key a row's list must beat: its worst key when full, else infinity. */
function worstKey(h: NeighborHeaps, i: number): number {
  return h.count[i]! < h.size ? Number.POSITIVE_INFINITY : h.keys[i * h.size]!;
}

/** A random-projection tree: internal nodes split by a hyperplane, leaves hold rows. */
interface RpTree {
  /** The rows, each leaf's a contiguous run. */
  readonly order: Int32Array;
  /** Per node: the hyperplane's normal (internal nodes) or null (leaves). */
  readonly normals: (Float64Array | null)[];
  readonly offsets: number[];
  /** Per node: children (internal), or the leaf's run [start, end) in `order`. */
  readonly left: number[];
  readonly right: number[];
}

/**
 * A tree over the rows of x: a node of more than leafSize rows is split by the hyperplane halfway
 * between two of its rows drawn at random (rows on it go to a random side); a split that leaves
 * one side empty halves the node instead.
 */
function rpTree(x: FeatureMatrix, leafSize: number, rng: RandomState): RpTree {
  const { rows: n, cols: d, data } = x;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const tree: RpTree = { order, normals: [], offsets: [], left: [], right: [] };
  const stack: number[] = [0, n, 0]; // start, end, node
  tree.normals.push(null);
  tree.offsets.push(0);
  tree.left.push(0);
  tree.right.push(n);
  const margins = new Float64Array(n);
  while (stack.length > 0) {
    const node = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const size = end - start;
    if (size <= leafSize) continue; // stays a leaf: left/right hold its run
    const a = order[start + rng.randint(size)]!;
    let b = order[start + rng.randint(size - 1)]!;
    if (b === a) b = order[end - 1]!;
    const normal = new Float64Array(d);
    let offset = 0;
    const pa = a * d;
    const pb = b * d;
    for (let t = 0; t < d; t++) {
      const u = data[pa + t]!;
      const v = data[pb + t]!;
      normal[t] = u - v;
      offset -= (u - v) * ((u + v) / 2);
    }
    // partition [start, end): positive margins first
    for (let r = start; r < end; r++) {
      const p = order[r]! * d;
      let m = offset;
      for (let t = 0; t < d; t++) m += normal[t]! * data[p + t]!;
      margins[r] = m === 0 ? rng.randomSample() - 0.5 : m;
    }
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      if (margins[lo]! > 0) lo++;
      else {
        const ti = order[lo]!;
        order[lo] = order[hi]!;
        order[hi] = ti;
        const tm = margins[lo]!;
        margins[lo] = margins[hi]!;
        margins[hi] = tm;
        hi--;
      }
    }
    let mid = lo;
    if (mid === start || mid === end) mid = start + (size >> 1);
    const l = tree.normals.length;
    tree.normals.push(null, null);
    tree.offsets.push(0, 0);
    tree.left.push(start, mid);
    tree.right.push(mid, end);
    tree.normals[node] = normal;
    tree.offsets[node] = offset;
    tree.left[node] = l;
    tree.right[node] = l + 1;
    stack.push(start, mid, l, mid, end, l + 1);
  }
  return tree;
}

/** The run [start, end) of the leaf of the tree that row q of y falls in. */
function leafOf(tree: RpTree, y: Float64Array, q: number, d: number, rng: RandomState): number {
  let node = 0;
  const p = q * d;
  for (;;) {
    const normal = tree.normals[node];
    if (normal === null || normal === undefined) return node;
    let m = tree.offsets[node]!;
    for (let t = 0; t < d; t++) m += normal[t]! * y[p + t]!;
    if (m === 0) m = rng.randomSample() - 0.5;
    node = m > 0 ? tree.left[node]! : tree.right[node]!;
  }
}

/**
 * Trees of the forest for n rows: more for more rows (pynndescent's count), at most 8 (beyond,
 * the descent rounds find the same neighbours for less time than more trees).
 */
export function treeCount(n: number): number {
  return Math.min(8, 5 + Math.round(Math.sqrt(n) / 20));
}

/** The parameters of the descent. */
export interface DescentParams {
  /** Trees of the initial forest. */
  readonly trees: number;
  /** Largest leaf. */
  readonly leafSize: number;
  /** Most rounds. */
  readonly rounds: number;
  /** Most new (and most old) candidates per row and round. */
  readonly maxCandidates: number;
  /** A round that changes fewer than delta * n * size entries ends the descent. */
  readonly delta: number;
}

/** The default parameters for n rows and lists of `size` entries. */
export function descentParams(n: number, size: number): DescentParams {
  return {
    trees: treeCount(n),
    leafSize: Math.max(10, Math.min(60, size + 1)),
    rounds: Math.max(5, Math.round(Math.log2(Math.max(n, 2)))),
    maxCandidates: Math.min(60, Math.max(4 * size, 10)),
    delta: 0.001,
  };
}

/**
 * Candidate lists: row i's at [i*cap, (i+1)*cap), a max-heap by priority keeping the `cap`
 * smallest priorities, without duplicates.
 */
function candidatePush(
  ids: Int32Array,
  pri: Float64Array,
  count: Int32Array,
  cap: number,
  i: number,
  r: number,
  id: number,
): void {
  const base = i * cap;
  const c = count[i]!;
  if (c === cap && r >= pri[base]!) return;
  for (let t = 0; t < c; t++) if (ids[base + t] === id) return;
  if (c < cap) {
    let at = c;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (pri[base + parent]! >= r) break;
      pri[base + at] = pri[base + parent]!;
      ids[base + at] = ids[base + parent]!;
      at = parent;
    }
    pri[base + at] = r;
    ids[base + at] = id;
    count[i] = c + 1;
    return;
  }
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= cap) break;
    let child = left;
    if (left + 1 < cap && pri[base + left + 1]! > pri[base + left]!) child = left + 1;
    if (pri[base + child]! <= r) break;
    pri[base + at] = pri[base + child]!;
    ids[base + at] = ids[base + child]!;
    at = child;
  }
  pri[base + at] = r;
  ids[base + at] = id;
}

/**
 * The lists of `size` nearest other rows of every row of x (prepared for the metric, see
 * neighbors.ts), by nearest-neighbour descent; unsorted heaps (sort with `sortHeaps`).
 */
export function descent(
  x: FeatureMatrix,
  kind: ScanKind,
  size: number,
  rng: RandomState,
  params: DescentParams = descentParams(x.rows, size),
): NeighborHeaps {
  const { rows: n, cols: d } = x;
  if (size === 0) return neighborHeaps(n, size);
  // The rows in the order of the leaves of one tree: near rows near in memory.
  const order = rpTree(x, params.leafSize, rng).order;
  const jn = joiner(n, d, kind, params.maxCandidates);
  const data = jn.data;
  const src = x.data;
  for (let i = 0; i < n; i++) {
    const from = order[i]! * d;
    for (let t = 0; t < d; t++) data[i * d + t] = src[from + t]!;
  }
  const p = descentInOrder({ rows: n, cols: d, data }, kind, size, rng, params, jn);
  // back to the rows of x
  const h = neighborHeaps(n, size);
  for (let i = 0; i < n; i++) {
    const from = i * size;
    const to = order[i]! * size;
    h.count[order[i]!] = p.count[i]!;
    for (let t = 0; t < size; t++) {
      const id = p.ids[from + t]!;
      if (id < 0) continue;
      // the key of the exact scan (summed in column order), so distances are those of 'exact'
      h.keys[to + t] = pairKey(x.data, order[i]!, x.data, order[id]!, d, kind);
      h.ids[to + t] = order[id]!;
    }
  }
  return h;
}

/** `descent` on rows stored in an order with near rows near in memory. */
function descentInOrder(
  x: FeatureMatrix,
  kind: ScanKind,
  size: number,
  rng: RandomState,
  params: DescentParams,
  jn: Joiner,
): NeighborHeaps {
  const { rows: n, cols: d, data } = x;
  const h = neighborHeaps(n, size);
  // 1. the leaves of the forest
  for (let t = 0; t < params.trees; t++) {
    const tree = rpTree(x, params.leafSize, rng);
    const order = tree.order;
    for (let node = 0; node < tree.normals.length; node++) {
      if (tree.normals[node] !== null) continue;
      const start = tree.left[node]!;
      const end = tree.right[node]!;
      for (let u = start; u < end; u++) {
        const p = order[u]!;
        for (let v = u + 1; v < end; v++) {
          const q = order[v]!;
          const key = boundedKey(data, p, q, d, kind, Math.max(worstKey(h, p), worstKey(h, q)));
          if (admits(h, p, key, q)) push(h, p, key, q, 1, true);
          if (admits(h, q, key, p)) push(h, q, key, p, 1, true);
        }
      }
    }
  }
  // 2. random rows for the lists still short
  for (let i = 0; i < n; i++) {
    for (let tries = 0; h.count[i]! < size && tries < 4 * size; tries++) {
      const j = rng.randint(n);
      if (j === i) continue;
      push(h, i, boundedKey(data, i, j, d, kind, Number.POSITIVE_INFINITY), j, 1, true);
    }
    // when the lists hold nearly every row, draws may miss some: take the rows in order
    for (let j = 0; h.count[i]! < size && j < n; j++) {
      if (j !== i)
        push(h, i, boundedKey(data, i, j, d, kind, Number.POSITIVE_INFINITY), j, 1, true);
    }
  }
  // 3. the rounds
  const cap = params.maxCandidates;
  const newIds = new Int32Array(n * cap);
  const newPri = new Float64Array(n * cap);
  const newCount = new Int32Array(n);
  const oldIds = new Int32Array(n * cap);
  const oldPri = new Float64Array(n * cap);
  const oldCount = new Int32Array(n);
  const { ids, fresh, count } = h;
  for (let round = 0; round < params.rounds; round++) {
    newCount.fill(0);
    oldCount.fill(0);
    for (let i = 0; i < n; i++) {
      const base = i * size;
      for (let t = 0; t < count[i]!; t++) {
        const j = ids[base + t]!;
        const r = rng.randomSample();
        if (fresh[base + t] === 1) {
          candidatePush(newIds, newPri, newCount, cap, i, r, j);
          candidatePush(newIds, newPri, newCount, cap, j, r, i);
        } else {
          candidatePush(oldIds, oldPri, oldCount, cap, i, r, j);
          candidatePush(oldIds, oldPri, oldCount, cap, j, r, i);
        }
      }
    }
    // entries taken as new candidates of their row are no longer new
    for (let i = 0; i < n; i++) {
      const base = i * size;
      const cb = i * cap;
      const nc = newCount[i]!;
      for (let t = 0; t < count[i]!; t++) {
        if (fresh[base + t] !== 1) continue;
        const j = ids[base + t]!;
        for (let u = 0; u < nc; u++) {
          if (newIds[cb + u] === j) {
            fresh[base + t] = 0;
            break;
          }
        }
      }
    }
    let changes = 0;
    const jIds = jn.ids;
    const jBounds = jn.bounds;
    const jOut = jn.out;
    for (let i = 0; i < n; i++) {
      const nc = newCount[i]!;
      const oc = oldCount[i]!;
      if (nc === 0) continue;
      for (let a = 0; a < nc; a++) {
        const id = newIds[i * cap + a]!;
        jIds[a] = id;
        jBounds[a] = worstKey(h, id);
      }
      for (let b = 0; b < oc; b++) {
        const id = oldIds[i * cap + b]!;
        jIds[nc + b] = id;
        jBounds[nc + b] = worstKey(h, id);
      }
      // the keys of the pairs (new, later new or old), bounded by the lists as they were
      jn.join(nc, oc);
      let o = 0;
      const end = nc + oc;
      for (let a = 0; a < nc; a++) {
        const p = jIds[a]!;
        for (let b = a + 1; b < end; b++) {
          const q = jIds[b]!;
          const key = jOut[o++]!;
          if (q === p) continue;
          if (admits(h, p, key, q) && push(h, p, key, q, 1, true)) changes++;
          if (admits(h, q, key, p) && push(h, q, key, p, 1, true)) changes++;
        }
      }
    }
    if (changes <= params.delta * n * size) break;
  }
  return h;
}

/** Put (key, id) on the frontier (a min-heap by key of fl entries); returns the new length. */
function frontierPush(
  fKeys: Float64Array,
  fIds: Int32Array,
  fl: number,
  key: number,
  id: number,
): number {
  let at = fl;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (fKeys[parent]! <= key) break;
    fKeys[at] = fKeys[parent]!;
    fIds[at] = fIds[parent]!;
    at = parent;
  }
  fKeys[at] = key;
  fIds[at] = id;
  return fl + 1;
}

/**
 * The `size` nearest rows of x to each row of y (both prepared alike) from the graph of x
 * (`graph`: `width` neighbours per row): the first candidates come from the leaves of `trees`
 * random-projection trees, then a best-first walk of the graph expands every candidate whose key
 * is within `bound` times the current worst (bound = (1 + epsilon), squared for squared keys).
 */
export function descentQuery(
  x: FeatureMatrix,
  y: FeatureMatrix,
  kind: ScanKind,
  size: number,
  graph: Int32Array,
  width: number,
  rng: RandomState,
  trees: number,
  bound: number,
): NeighborHeaps {
  const { rows: n, cols: d, data } = x;
  const m = y.rows;
  const yd = y.data;
  const h = neighborHeaps(m, size);
  if (size === 0) return h;
  const leafSize = Math.max(10, Math.min(60, size + 1));
  const forest: RpTree[] = [];
  for (let t = 0; t < trees; t++) forest.push(rpTree(x, leafSize, rng));
  const seen = new Int32Array(n).fill(-1);
  // the frontier: a min-heap by key of rows to expand
  const fKeys = new Float64Array(n);
  const fIds = new Int32Array(n);
  for (let q = 0; q < m; q++) {
    let fl = 0;
    // the first candidates: the rows of q's leaf in each tree, then random rows if short
    for (let tr = 0; tr <= forest.length; tr++) {
      const tree = forest[tr];
      let u = 0;
      let to = 4 * size;
      if (tree !== undefined) {
        const leaf = leafOf(tree, yd, q, d, rng);
        u = tree.left[leaf]!;
        to = tree.right[leaf]!;
      }
      for (; u < to; u++) {
        if (tree === undefined && h.count[q]! >= size) break;
        const j = tree === undefined ? rng.randint(n) : tree.order[u]!;
        if (seen[j] === q) continue;
        seen[j] = q;
        const key = pairKey(yd, q, data, j, d, kind);
        push(h, q, key, j, 0, false);
        fl = frontierPush(fKeys, fIds, fl, key, j);
      }
    }
    const root = q * size;
    while (fl > 0) {
      const key = fKeys[0]!;
      const c = fIds[0]!;
      // pop the nearest
      fl--;
      if (fl > 0) {
        const lk = fKeys[fl]!;
        const li = fIds[fl]!;
        let at = 0;
        for (;;) {
          const left = 2 * at + 1;
          if (left >= fl) break;
          let child = left;
          if (left + 1 < fl && fKeys[left + 1]! < fKeys[left]!) child = left + 1;
          if (fKeys[child]! >= lk) break;
          fKeys[at] = fKeys[child]!;
          fIds[at] = fIds[child]!;
          at = child;
        }
        fKeys[at] = lk;
        fIds[at] = li;
      }
      if (h.count[q] === size && key > bound * h.keys[root]!) break;
      const gb = c * width;
      for (let t = 0; t < width; t++) {
        const j = graph[gb + t]!;
        if (seen[j] === q) continue;
        const jk = pairKey(yd, q, data, j, d, kind);
        seen[j] = q;
        if (h.count[q]! < size || jk < bound * h.keys[root]!) {
          push(h, q, jk, j, 0, false);
          fl = frontierPush(fKeys, fIds, fl, jk, j);
        }
      }
    }
    // rows the walk could not reach (a graph in pieces, k near the rows): in order
    for (let j = 0; h.count[q]! < size && j < n; j++) {
      if (seen[j] !== q) push(h, q, pairKey(yd, q, data, j, d, kind), j, 0, true);
    }
  }
  return h;
}
