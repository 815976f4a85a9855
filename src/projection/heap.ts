/**
 * Bounded neighbour lists of many rows in flat typed arrays: row i's list is a max-heap by
 * (key, index) of at most `size` entries at [i*size, (i+1)*size), so the worst entry is at its
 * root and a candidate is kept only when it is better. Keys are what the searches compare
 * (squared distances for the Euclidean metric); ties on the key go to the smaller index.
 */

/** The neighbour lists of n rows, `size` entries each. */
export interface NeighborHeaps {
  readonly n: number;
  readonly size: number;
  readonly keys: Float64Array;
  readonly ids: Int32Array;
  /** Entries per row so far. */
  readonly count: Int32Array;
  /** 1 for an entry not yet used by a descent step (nndescent.ts), else 0. */
  readonly fresh: Uint8Array;
}

/** Empty lists: n rows of `size` entries. */
export function neighborHeaps(n: number, size: number): NeighborHeaps {
  return {
    n,
    size,
    keys: new Float64Array(n * size).fill(Number.POSITIVE_INFINITY),
    ids: new Int32Array(n * size).fill(-1),
    count: new Int32Array(n),
    fresh: new Uint8Array(n * size),
  };
}

/** True when (key, id) would enter row i's list (it is not full, or beats its worst entry). */
export function admits(h: NeighborHeaps, i: number, key: number, id: number): boolean {
  const size = h.size;
  if (size === 0) return false;
  if (h.count[i]! < size) return true;
  const root = i * size;
  const k = h.keys[root]!;
  return key < k || (key === k && id < h.ids[root]!);
}

/**
 * Put (key, id) in row i's list if it enters, replacing the worst entry when the list is full;
 * when `unique`, an id already in the list is not added again. Returns true when added.
 */
export function push(
  h: NeighborHeaps,
  i: number,
  key: number,
  id: number,
  fresh: number,
  unique: boolean,
): boolean {
  const size = h.size;
  if (size === 0) return false;
  const base = i * size;
  const keys = h.keys;
  const ids = h.ids;
  const flags = h.fresh;
  const c = h.count[i]!;
  if (c === size) {
    const k = keys[base]!;
    if (!(key < k || (key === k && id < ids[base]!))) return false;
  }
  if (unique) for (let t = 0; t < c; t++) if (ids[base + t] === id) return false;
  if (c < size) {
    // sift up from the end
    let at = c;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pk = keys[base + parent]!;
      if (pk > key || (pk === key && ids[base + parent]! > id)) break;
      keys[base + at] = pk;
      ids[base + at] = ids[base + parent]!;
      flags[base + at] = flags[base + parent]!;
      at = parent;
    }
    keys[base + at] = key;
    ids[base + at] = id;
    flags[base + at] = fresh;
    h.count[i] = c + 1;
    return true;
  }
  siftDown(keys, ids, flags, base, size, 0, key, id, fresh);
  return true;
}

/** Place (key, id, flag) at `at` of the heap at base (length len) and sift it down. */
function siftDown(
  keys: Float64Array,
  ids: Int32Array,
  flags: Uint8Array,
  base: number,
  len: number,
  at: number,
  key: number,
  id: number,
  flag: number,
): void {
  for (;;) {
    const left = 2 * at + 1;
    if (left >= len) break;
    let child = left;
    let ck = keys[base + left]!;
    let ci = ids[base + left]!;
    const right = left + 1;
    if (right < len) {
      const rk = keys[base + right]!;
      const ri = ids[base + right]!;
      if (rk > ck || (rk === ck && ri > ci)) {
        child = right;
        ck = rk;
        ci = ri;
      }
    }
    if (ck < key || (ck === key && ci < id)) break;
    keys[base + at] = ck;
    ids[base + at] = ci;
    flags[base + at] = flags[base + child]!;
    at = child;
  }
  keys[base + at] = key;
  ids[base + at] = id;
  flags[base + at] = flag;
}

/** Sort every row's list ascending by (key, id) in place (a heap sort); the flags go along. */
export function sortHeaps(h: NeighborHeaps): void {
  const { n, size, keys, ids, fresh } = h;
  for (let i = 0; i < n; i++) {
    const base = i * size;
    for (let len = h.count[i]!; len > 1; len--) {
      const last = len - 1;
      const k = keys[base]!;
      const id = ids[base]!;
      const f = fresh[base]!;
      siftDown(
        keys,
        ids,
        fresh,
        base,
        last,
        0,
        keys[base + last]!,
        ids[base + last]!,
        fresh[base + last]!,
      );
      keys[base + last] = k;
      ids[base + last] = id;
      fresh[base + last] = f;
    }
  }
}
