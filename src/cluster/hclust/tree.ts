/**
 * The result of hierarchical clustering and the operations on its tree: scipy's linkage matrix
 * Z, the dendrogram leaf order, flat clusters by count or by height, cophenetic distances, and
 * converters to an ml-hclust `Cluster`, to R's hclust fields and to Newick.
 *
 * Z is (n-1) x 4: row k merges the clusters with ids a < b at height h into a cluster of s
 * points with id n + k; ids < n are the points. Children always precede their parent, so one
 * forward pass over the rows visits the tree bottom-up, and every traversal here is iterative
 * (a chain of 100,000 merges does not touch the call stack).
 *
 * Flat cluster labels are 0-based `Int32Array`s, numbered by first appearance in observation
 * order: the cluster of point 0 is 0, the next cluster met scanning points 0, 1, 2, ... is 1, and
 * so on (R's cutree rule, minus one). The numbering depends only on the partition, so equal
 * partitions get equal labels.
 */
import { Cluster } from 'ml-hclust';
import { OptionError } from '../../util/errors.js';
import { checkInteger, checkNumber } from '../../util/validate.js';
import type { Metric } from './distance.js';
import type { LinkageLayout, LinkageMethod } from './index.js';

/** What `cut` accepts: exactly k clusters, or a height. */
export type CutSpec = { k: number } | { height: number };

/** Cophenetic distances (condensed, scipy's order) and their correlation with the input distances. */
export interface Cophenetic {
  /** Height of the merge that first joins points i and j, condensed like `pdist`. */
  distances: Float64Array;
  /** Pearson correlation between `distances` and the input distances (scipy's `cophenet`). */
  correlation: number;
}

/** R's `hclust` fields. */
export interface RHClust {
  /** (n-1) x 2, 1-based: -i is point i, +k is the cluster of merge row k. */
  merge: number[][];
  height: number[];
  /** 1-based leaf order. */
  order: number[];
}

/** JSON form of an `HClustResult`. */
export interface HClustJSON {
  method: LinkageMethod | 'linkage';
  metric: Metric | 'precomputed' | 'unknown';
  n: number;
  linkage: number[][];
  order: number[];
}

/** Fields given to `makeHClustResult` by the algorithms. */
export interface HClustInfo {
  method: LinkageMethod | 'linkage';
  metric: Metric | 'precomputed' | 'unknown';
  layout: LinkageLayout | 'none';
  /** The input distances, condensed, computed on demand for the cophenetic correlation. */
  distances: (() => Float64Array) | null;
}

/** A fitted hierarchy. */
export interface HClustResult {
  /** Canonical method name ('linkage' when made from a given Z). */
  readonly method: LinkageMethod | 'linkage';
  /** Metric of the input distances. */
  readonly metric: Metric | 'precomputed' | 'unknown';
  /** Layout the algorithm used. */
  readonly layout: LinkageLayout | 'none';
  /** Number of observations. */
  readonly n: number;
  /** scipy's linkage matrix Z, (n-1) x 4: [a, b, height, size], a < b. */
  readonly linkage: number[][];
  /** Z as one row-major Float64Array (shared, do not write). */
  readonly Z: Float64Array;
  /** Leaf order of scipy's `dendrogram` with default options (= `leaves_list`). */
  readonly order: number[];
  /**
   * Flat clusters. `{k}`: exactly k clusters by undoing the last k-1 merges of Z (R's `cutree`,
   * scipy's `cut_tree`); always possible for 1 <= k <= n, also on the non-monotone trees of
   * centroid and median, and on ties. `{height}`: clusters whose largest merge height is <= the
   * height (scipy's `fcluster(Z, t, 'distance')`, which uses the largest height inside a
   * subtree, so inversions cannot split a cluster). Labels: see the file header.
   */
  cut(spec: CutSpec): Int32Array;
  /** Cophenetic distances and correlation (needs the input distances; O(n^2) memory). */
  cophenetic(): Cophenetic;
  /** True when no merge is lower than an earlier one (always, except centroid and median). */
  isMonotonic(): boolean;
  /**
   * An ml-hclust `Cluster` tree, children in Z order (left = a), so its `indices()` equals
   * `order`. ml-hclust's own `indices()` and `traverse()` recurse and overflow the stack on trees
   * deeper than about 10,000 levels; this builder does not.
   */
  toCluster(): Cluster;
  /** R's hclust `merge`, `height`, `order`. */
  toR(): RHClust;
  /** Newick string; branch length = parent height - child height. Names default to '0'..'n-1'. */
  toNewick(names?: readonly string[]): string;
  /** {method, metric, n, linkage, order}. */
  toJSON(): HClustJSON;
}

/** The results `makeHClustResult` made: their Z and n are consistent by construction. */
const madeHere = new WeakSet<object>();

/** True if `x` is an `HClustResult` made by this library (hclust, hclustFromLinkage, ...), not a copy. */
export function isHClustResult(x: unknown): x is HClustResult {
  return typeof x === 'object' && x !== null && madeHere.has(x);
}

/** Wrap a Z matrix (Float64Array, row-major) in an `HClustResult`. */
export function makeHClustResult(Z: Float64Array, n: number, info: HClustInfo): HClustResult {
  const result = hclustResult(Z, n, info);
  madeHere.add(result);
  return result;
}

function hclustResult(Z: Float64Array, n: number, info: HClustInfo): HClustResult {
  const linkage: number[][] = new Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    linkage[k] = [Z[4 * k]!, Z[4 * k + 1]!, Z[4 * k + 2]!, Z[4 * k + 3]!];
  }
  const order = Array.from(leafOrder(Z, n));
  return {
    method: info.method,
    metric: info.metric,
    layout: info.layout,
    n,
    linkage,
    Z,
    order,
    cut(spec: CutSpec): Int32Array {
      return cutTree(Z, n, spec);
    },
    cophenetic(): Cophenetic {
      if (info.distances === null) {
        throw new OptionError(
          'cophenetic(): the input distances are unknown (the hierarchy was made from a linkage matrix).',
        );
      }
      const distances = copheneticDistances(Z, n);
      return { distances, correlation: pearson(distances, info.distances()) };
    },
    isMonotonic(): boolean {
      return isMonotonic(Z, n);
    },
    toCluster(): Cluster {
      return toCluster(Z, n);
    },
    toR(): RHClust {
      return toR(Z, n, order);
    },
    toNewick(names?: readonly string[]): string {
      return toNewick(Z, n, names);
    },
    toJSON(): HClustJSON {
      return { method: info.method, metric: info.metric, n, linkage, order };
    },
  };
}

/**
 * An `HClustResult` from a linkage matrix made elsewhere (scipy, fastcluster, a saved JSON).
 * Checks the convention: ids in range, each cluster used once and after it is formed, sizes
 * consistent, heights finite and non-negative.
 */
export function hclustFromLinkage(linkage: readonly (readonly number[])[]): HClustResult {
  if (!Array.isArray(linkage) || linkage.length === 0) {
    throw new OptionError(
      'hclustFromLinkage expects the linkage matrix as an array of n - 1 rows [a, b, height, size] ' +
        `(n >= 2). Got ${Array.isArray(linkage) ? 'an empty array' : linkage === null ? 'null' : typeof linkage} instead.`,
    );
  }
  const n = linkage.length + 1;
  const Z = new Float64Array(4 * (n - 1));
  const used = new Uint8Array(2 * n - 1);
  const size = new Float64Array(2 * n - 1).fill(1);
  for (let k = 0; k < n - 1; k++) {
    const row = linkage[k]!;
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw new OptionError(
        `hclustFromLinkage: row ${k} of the linkage matrix must be an array [a, b, height, size]; ` +
          `got ${row === null ? 'null' : typeof row}.`,
      );
    }
    const [a, b, h, s] = row as [number, number, number, number];
    const bad = (what: string): never => {
      throw new OptionError(
        `hclustFromLinkage: row ${k} of the linkage matrix ${what}; got [${Array.from(row as ArrayLike<unknown>, String).join(', ')}].`,
      );
    };
    if ((row as ArrayLike<unknown>).length !== 4) bad('must have 4 values');
    if (typeof h !== 'number' || typeof s !== 'number') bad('must hold numbers');
    for (const c of [a, b]) {
      if (!Number.isInteger(c) || c < 0 || c >= n + k)
        bad(`refers to a cluster id outside [0, ${n + k})`);
      if (used[c]) bad(`uses cluster ${c} a second time`);
      used[c] = 1;
    }
    if (!(h >= 0) || h === Infinity) bad('has a height that is not finite and non-negative');
    if (s !== size[a]! + size[b]!)
      bad(`has size ${s}, but its children hold ${size[a]! + size[b]!} points`);
    size[n + k] = s;
    Z[4 * k] = Math.min(a, b);
    Z[4 * k + 1] = Math.max(a, b);
    Z[4 * k + 2] = h;
    Z[4 * k + 3] = s;
  }
  return makeHClustResult(Z, n, {
    method: 'linkage',
    metric: 'unknown',
    layout: 'none',
    distances: null,
  });
}

/** Leaves in pre-order, left child = Z[k][0] (scipy's `leaves_list`). */
export function leafOrder(Z: Float64Array, n: number): Int32Array {
  const out = new Int32Array(n);
  if (n === 1) return out;
  const stack = new Int32Array(n);
  let top = 0;
  stack[0] = 2 * n - 2;
  let p = 0;
  while (top >= 0) {
    const id = stack[top--]!;
    if (id < n) {
      out[p++] = id;
      continue;
    }
    const r = 4 * (id - n);
    stack[++top] = Z[r + 1]!;
    stack[++top] = Z[r]!;
  }
  return out;
}

/** Union-find root with path halving. */
function root(parent: Int32Array, v: number): number {
  while (parent[v] !== v) {
    parent[v] = parent[parent[v]!]!;
    v = parent[v]!;
  }
  return v;
}

/** Labels numbered by first appearance in observation order from a union-find over points. */
function labelsFromRoots(parent: Int32Array, n: number): Int32Array {
  const labels = new Int32Array(n);
  const seen = new Int32Array(parent.length).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const r = root(parent, i);
    if (seen[r] === -1) seen[r] = next++;
    labels[i] = seen[r]!;
  }
  return labels;
}

/**
 * The cut asked for by the `k` and `height` options of a function that fits and cuts in one
 * call: exactly one of them (an `OptionError` naming `fn` otherwise), k an integer >= 1, height
 * a number >= 0.
 */
export function cutSpecFromOptions(
  fn: string,
  k: number | undefined,
  height: number | undefined,
): CutSpec {
  if ((k === undefined) === (height === undefined)) {
    throw new OptionError(`${fn} needs exactly one of the options 'k' and 'height'.`);
  }
  return k !== undefined
    ? { k: checkInteger(fn, 'k', k, 1) }
    : { height: checkNumber(fn, 'height', height, { min: 0 }) };
}

/** Flat clusters of a Z matrix; see `HClustResult.cut`. */
export function cutTree(Z: Float64Array, n: number, spec: CutSpec): Int32Array {
  if (typeof spec !== 'object' || spec === null) {
    throw new OptionError('cut() expects {k} or {height}.');
  }
  const hasK = 'k' in spec && spec.k !== undefined;
  const hasH = 'height' in spec && spec.height !== undefined;
  if (hasK === hasH) {
    throw new OptionError('cut() expects exactly one of {k} (number of clusters) and {height}.');
  }
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  if (hasK) {
    const k = checkInteger('cut', 'k', (spec as { k: number }).k, 1, n);
    for (let r = 0; r < n - k; r++) {
      parent[Z[4 * r]!] = n + r;
      parent[Z[4 * r + 1]!] = n + r;
    }
  } else {
    const t = checkNumber('cut', 'height', (spec as { height: number }).height);
    const maxH = maxHeights(Z, n);
    for (let r = 0; r < n - 1; r++) {
      if (maxH[r]! <= t) {
        parent[Z[4 * r]!] = n + r;
        parent[Z[4 * r + 1]!] = n + r;
      }
    }
  }
  return labelsFromRoots(parent, n);
}

/** For each merge row, the largest height in its subtree (scipy's `maxdists`). */
export function maxHeights(Z: Float64Array, n: number): Float64Array {
  const md = new Float64Array(n - 1);
  for (let r = 0; r < n - 1; r++) {
    let h = Z[4 * r + 2]!;
    const a = Z[4 * r]!;
    const b = Z[4 * r + 1]!;
    if (a >= n && md[a - n]! > h) h = md[a - n]!;
    if (b >= n && md[b - n]! > h) h = md[b - n]!;
    md[r] = h;
  }
  return md;
}

/** True when every merge height is >= the heights of its children. */
export function isMonotonic(Z: Float64Array, n: number): boolean {
  for (let r = 0; r < n - 1; r++) {
    const h = Z[4 * r + 2]!;
    const a = Z[4 * r]!;
    const b = Z[4 * r + 1]!;
    if (a >= n && Z[4 * (a - n) + 2]! > h) return false;
    if (b >= n && Z[4 * (b - n) + 2]! > h) return false;
  }
  return true;
}

/**
 * Condensed cophenetic distances: for each merge, every pair (left member, right member) gets
 * the merge height. Members are kept as linked lists that are concatenated in O(1), so the
 * whole computation is O(n^2) with O(n) extra memory.
 */
export function copheneticDistances(Z: Float64Array, n: number): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  const head = new Int32Array(2 * n - 1);
  const tail = new Int32Array(2 * n - 1);
  const next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    head[i] = i;
    tail[i] = i;
  }
  for (let r = 0; r < n - 1; r++) {
    const a = Z[4 * r]!;
    const b = Z[4 * r + 1]!;
    const h = Z[4 * r + 2]!;
    for (let i = head[a]!; i !== -1; i = next[i]!) {
      for (let j = head[b]!; j !== -1; j = next[j]!) {
        const lo = Math.min(i, j);
        const hi = Math.max(i, j);
        out[n * lo - (lo * (lo + 1)) / 2 + (hi - lo - 1)] = h;
      }
    }
    next[tail[a]!] = head[b]!;
    head[n + r] = head[a]!;
    tail[n + r] = tail[b]!;
  }
  return out;
}

/** Pearson correlation as scipy's `cophenet` computes it (centred sums). */
function pearson(x: Float64Array, y: Float64Array): number {
  const m = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < m; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / m;
  const my = sy / m;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < m; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    xy += a * b;
    xx += a * a;
    yy += b * b;
  }
  return xy / Math.sqrt(xx * yy);
}

/** ml-hclust `Cluster` tree, built bottom-up in one pass. */
export function toCluster(Z: Float64Array, n: number): Cluster {
  const nodes: Cluster[] = new Array(2 * n - 1);
  for (let i = 0; i < n; i++) {
    const c = new Cluster();
    c.isLeaf = true;
    c.index = i;
    c.height = 0;
    c.size = 1;
    nodes[i] = c;
  }
  for (let r = 0; r < n - 1; r++) {
    const c = new Cluster();
    c.children = [nodes[Z[4 * r]!]!, nodes[Z[4 * r + 1]!]!];
    c.height = Z[4 * r + 2]!;
    c.size = Z[4 * r + 3]!;
    nodes[n + r] = c;
  }
  return nodes[2 * n - 2]!;
}

/**
 * R's hclust fields. R's merge convention (a singleton before a cluster, two singletons or two
 * clusters in increasing order) is exactly Z's a < b, so merge row k is Z row k with point i as
 * -(i+1) and cluster n+j as j+1; R's order is the same pre-order as `order`, 1-based.
 */
export function toR(Z: Float64Array, n: number, order: readonly number[]): RHClust {
  const merge: number[][] = new Array(n - 1);
  const height: number[] = new Array(n - 1);
  const id = (c: number) => (c < n ? -(c + 1) : c - n + 1);
  for (let r = 0; r < n - 1; r++) {
    merge[r] = [id(Z[4 * r]!), id(Z[4 * r + 1]!)];
    height[r] = Z[4 * r + 2]!;
  }
  return { merge, height, order: order.map((i) => i + 1) };
}

const NEEDS_QUOTES = /[\s()[\]':;,_]/;

function newickLabel(name: string): string {
  if (name === '' || NEEDS_QUOTES.test(name)) return `'${name.replaceAll("'", "''")}'`;
  return name;
}

/**
 * Newick text of the tree: leaves named by `names` (default: their indices), children in Z
 * order, branch length = parent height - child height (negative on the inversions of centroid
 * and median). Built with an explicit stack.
 */
export function toNewick(Z: Float64Array, n: number, names?: readonly string[]): string {
  if (names !== undefined && names.length !== n) {
    throw new OptionError(
      `toNewick: names has ${names.length} entries; the tree has n=${n} leaves.`,
    );
  }
  const label = (i: number) => newickLabel(names ? String(names[i]) : String(i));
  const heightOf = (id: number) => (id < n ? 0 : Z[4 * (id - n) + 2]!);
  if (n === 1) return `${label(0)};`;
  const parts: string[] = [];
  // Stack of [node id, state]: state 0 = enter, 1 = between children, 2 = leave.
  const ids = new Int32Array(2 * n);
  const states = new Uint8Array(2 * n);
  let top = 0;
  ids[0] = 2 * n - 2;
  states[0] = 0;
  while (top >= 0) {
    const id = ids[top]!;
    const s = states[top]!;
    if (id < n) {
      parts.push(label(id));
      top--;
      continue;
    }
    const r = 4 * (id - n);
    const h = Z[r + 2]!;
    if (s === 0) {
      parts.push('(');
      states[top] = 1;
      ids[++top] = Z[r]!;
      states[top] = 0;
    } else if (s === 1) {
      parts.push(`:${h - heightOf(Z[r]!)},`);
      states[top] = 2;
      ids[++top] = Z[r + 1]!;
      states[top] = 0;
    } else {
      parts.push(`:${h - heightOf(Z[r + 1]!)})`);
      top--;
    }
  }
  parts.push(';');
  return parts.join('');
}
