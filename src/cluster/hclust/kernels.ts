/**
 * The row scans of hierarchical clustering on stored data (O(n d) memory, no distance matrix)
 * in WebAssembly SIMD: single linkage by Prim's algorithm, ward by the nearest-neighbour chain
 * over centroids, centroid and median by the generic algorithm's nearest-neighbour searches and
 * lower bounds (mst.ts, nn-chain.ts, ward.ts and generic.ts have the algorithms and their JavaScript form).
 *
 * All spend their time in one scan: from one point (or centroid) to every other active one, a
 * squared Euclidean distance, then a minimum in index order. Here the data is stored transposed
 * (column j of all points at j * cap), so two points sit in one f64x2 lane pair; each lane sums
 * (q_j - x_j)^2 over j in order with a separate multiply and add (and, for single linkage, takes
 * the square root, correctly rounded as Math.sqrt): the values are bit for bit those of the
 * JavaScript scans (distance.ts, mst.ts, ward.ts, generic.ts). The
 * running minimum is per lane (strict <, so the first of equal values in the lane wins), and
 * the two lanes are merged at the end preferring the lower position on a tie: the point found is
 * the one the JavaScript loop finds.
 *
 * Positions are in index order. A point that leaves the scan (joined the tree, merged away)
 * gets a penalty of +Infinity added to its value, so it never wins; when a quarter of the
 * positions are such holes, the arrays are compacted in order (JavaScript, O(n d)).
 *
 * Memory (little-endian f64): [xt: d * cap][values: cap][penalty: cap][query: d][out: 2]
 * with cap = n rounded up to even (the padding position has penalty +Infinity). `values` is the
 * best distance so far (single), the cluster sizes (ward) or the distances of the last scan
 * (centroid, median).
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import * as w from '../../wasm/index.js';
import type { WardClusters } from './ward.js';

const o = w.op;
const { F64X2_SQRT, F64X2_DIV, F64X2_PMIN, F64X2_LT, F64X2_SPLAT, I64X2_ADD } = o;
const { I64X2_SPLAT, I64_EXTEND_I32_U, I32_AND, I32_OR, I32_LT_S, F64_LT, F64_EQ, SELECT } = o;
const BITSELECT = o.V128_BITSELECT;
const { I32, F64, V128, i64x2, i32x4Lane, load64Splat, v128Store } = w;

type ScanKind = 'single' | 'single-squared' | 'ward' | 'generic';

/**
 * `scan(xt, cap8, m, q, values, pen, out, np, cur, from) -> i32` for d columns: over positions
 * from..m-1 (from even, m rounded up to even), v = the value of the position (below), and the
 * lowest position with the smallest v < cur, or -1; its v is written to out.
 *  single:          values[i] = min(values[i], dist(q, x_i)) + pen[i]; v = values[i]
 *  ward:            v = ((np * size_i) / (np + size_i)) * ||q - x_i||^2 + pen[i]
 *  generic:         values[i] = v = ||q - x_i||^2 + pen[i]
 * (np is used by ward only.)
 */
function scanModule(d: number, kind: ScanKind): Uint8Array<ArrayBuffer> {
  const fr = new w.Frame();
  const P = fr.params({
    ...{ xt: I32, cap8: I32, m: I32, q: I32, values: I32, pen: I32, out: I32 },
    ...{ np: F64, cur: F64, from: I32 },
  });
  const L = fr.locals({ pos: I32, end: I32, a: I32, take: I32 });
  const V = fr.locals({ s: V128, e: V128, v: V128, minV: V128, minP: V128, posV: V128, npV: V128 });
  const F = fr.locals({ v0: F64, v1: F64 });
  const code = new w.Code();
  const emit = code.emit;
  // end = 8 * (m rounded up to even)
  emit(w.get(P.m), w.i32(1), o.I32_ADD, w.i32(-2), I32_AND, w.i32(3), o.I32_SHL, w.set(L.end));
  emit(w.get(P.cur), F64X2_SPLAT, w.set(V.minV), i64x2(-1, -1), w.set(V.minP));
  emit(w.get(P.from), I64_EXTEND_I32_U, I64X2_SPLAT, i64x2(0, 1), I64X2_ADD, w.set(V.posV));
  emit(w.get(P.np), F64X2_SPLAT, w.set(V.npV));
  emit(w.get(P.from), w.i32(3), o.I32_SHL, w.set(L.pos));
  code.loop(() => {
    emit(w.get(L.pos), w.get(L.end), o.I32_LT_U, o.I32_EQZ, w.brIf(1));
    // s = sum over j of (q_j - x_j)^2, two positions per lane pair
    emit(w.get(P.xt), w.get(L.pos), o.I32_ADD, w.set(L.a), o.V128_ZERO, w.set(V.s));
    for (let j = 0; j < d; j++) {
      emit(w.get(P.q), load64Splat(j * 8), w.get(L.a), w.v128Load(), o.F64X2_SUB, w.set(V.e));
      emit(w.get(V.s), w.get(V.e), w.get(V.e), o.F64X2_MUL, o.F64X2_ADD, w.set(V.s));
      if (j < d - 1) emit(w.get(L.a), w.get(P.cap8), o.I32_ADD, w.set(L.a));
    }
    const at = (base: number) => [...w.get(base), ...w.get(L.pos), ...o.I32_ADD];
    if (kind === 'ward') {
      // v = ((np * n_i) / (np + n_i)) * s + pen
      emit(w.get(V.npV), at(P.values), w.v128Load(), o.F64X2_MUL);
      emit(w.get(V.npV), at(P.values), w.v128Load(), o.F64X2_ADD, F64X2_DIV);
      emit(w.get(V.s), o.F64X2_MUL, at(P.pen), w.v128Load(), o.F64X2_ADD, w.set(V.v));
    } else if (kind === 'generic') {
      // values = v = s + pen
      emit(at(P.values), w.get(V.s), at(P.pen), w.v128Load(), o.F64X2_ADD);
      emit(w.set(V.v), w.get(V.v), v128Store());
    } else {
      // values = pmin(values, dist) + pen (pmin(b, v) = v < b ? v : b: the JavaScript update)
      emit(at(P.values), at(P.values), w.v128Load(), w.get(V.s));
      if (kind === 'single') emit(F64X2_SQRT);
      emit(F64X2_PMIN, at(P.pen), w.v128Load(), o.F64X2_ADD, w.set(V.v), w.get(V.v), v128Store());
    }
    // per lane: the first position with a v below the lane's minimum so far
    emit(w.get(V.posV), w.get(V.minP), w.get(V.v), w.get(V.minV), F64X2_LT, BITSELECT);
    emit(w.set(V.minP), w.get(V.minV), w.get(V.v), F64X2_PMIN, w.set(V.minV));
    emit(w.get(V.posV), i64x2(2, 2), I64X2_ADD, w.set(V.posV));
    emit(w.get(L.pos), w.i32(16), o.I32_ADD, w.set(L.pos), w.br(0));
  });
  // lane 1 wins if smaller, or as small at a lower position (-1, none found, is never lower
  // than a found position: a found value is below the starting one, which the other lane has)
  emit(w.get(V.minV), w.f64x2Lane(0), w.set(F.v0), w.get(V.minV), w.f64x2Lane(1), w.set(F.v1));
  emit(w.get(F.v1), w.get(F.v0), F64_LT);
  emit(w.get(F.v1), w.get(F.v0), F64_EQ, w.get(V.minP), i32x4Lane(2), w.get(V.minP), i32x4Lane(0));
  emit(I32_LT_S, I32_AND, I32_OR, w.set(L.take));
  emit(w.get(P.out), w.get(F.v1), w.get(F.v0), w.get(L.take), SELECT, w.f64Store(0));
  emit(w.get(V.minP), i32x4Lane(2), w.get(V.minP), i32x4Lane(0), w.get(L.take), SELECT);
  return w.assemble([w.func('scan', fr, code, [I32])]);
}

/** Points (or centroids) in scan order, with the scan in WebAssembly (see the file header). */
class ScanKernel {
  /** Positions in use (holes included); positions >= m have penalty +Infinity. */
  m: number;
  /** Positions that left the scan since the last compaction. */
  holes = 0;
  /** Original index at each position, and position of each original index. */
  readonly ids: Int32Array;
  readonly posOf: Int32Array;
  readonly cap: number;
  readonly xt: Float64Array;
  readonly values: Float64Array;
  readonly pen: Float64Array;
  readonly query: Float64Array;
  readonly out: Float64Array;
  private readonly fn: (...args: number[]) => number;
  private readonly offsets: { xt: number; values: number; pen: number; query: number; out: number };

  constructor(
    x: FeatureMatrix,
    memory: WebAssembly.Memory,
    fn: (...args: number[]) => number,
    cap: number,
  ) {
    const { rows: n, cols: d, data } = x;
    const xtOff = 0;
    const valuesOff = xtOff + d * cap * 8;
    const penOff = valuesOff + cap * 8;
    const queryOff = penOff + cap * 8;
    const outOff = queryOff + d * 8;
    const buffer = memory.buffer;
    this.offsets = { xt: xtOff, values: valuesOff, pen: penOff, query: queryOff, out: outOff };
    this.fn = fn;
    this.cap = cap;
    this.m = n;
    this.xt = new Float64Array(buffer, xtOff, d * cap);
    this.values = new Float64Array(buffer, valuesOff, cap);
    this.pen = new Float64Array(buffer, penOff, cap);
    this.query = new Float64Array(buffer, queryOff, d);
    this.out = new Float64Array(buffer, outOff, 2);
    this.ids = new Int32Array(n);
    this.posOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.ids[i] = i;
      this.posOf[i] = i;
    }
    transpose(data, n, d, this.xt, cap);
    this.pen.fill(Number.POSITIVE_INFINITY, n, cap);
  }

  /**
   * The scan from the query over positions [from, to) (from even): the lowest position whose
   * value is the smallest below `cur`, or -1; that value is in out[0].
   */
  scan(np: number, cur: number, from = 0, to = this.m): number {
    const f = this.offsets;
    return this.fn(f.xt, this.cap * 8, to, f.query, f.values, f.pen, f.out, np, cur, from);
  }

  /** The position leaves the scan. */
  remove(pos: number): void {
    this.pen[pos] = Number.POSITIVE_INFINITY;
    this.holes++;
  }

  /** The query: the column values at `pos`. */
  queryFrom(pos: number): void {
    const { xt, query, cap } = this;
    for (let j = 0; j < query.length; j++) query[j] = xt[j * cap + pos]!;
  }

  /** Drop the holes when they are a quarter of the positions, keeping the order. */
  compactIfSparse(): void {
    if (this.holes * 4 <= this.m) return;
    const { xt, values, pen, ids, posOf, cap } = this;
    const d = this.query.length;
    let t = 0;
    for (let pos = 0; pos < this.m; pos++) {
      if (pen[pos] !== 0) continue;
      if (t !== pos) {
        for (let j = 0; j < d; j++) xt[j * cap + t] = xt[j * cap + pos]!;
        values[t] = values[pos]!;
        ids[t] = ids[pos]!;
      }
      posOf[ids[t]!] = t;
      t++;
    }
    pen.fill(0, 0, t);
    pen.fill(Number.POSITIVE_INFINITY, t, cap);
    this.m = t;
    this.holes = 0;
  }
}

/** xt[j * cap + i] = data[i * d + j]. */
function transpose(data: Float64Array, n: number, d: number, xt: Float64Array, cap: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) xt[j * cap + i] = data[o + j]!;
  }
}

function createScanKernel(x: FeatureMatrix, kind: ScanKind): ScanKernel | null {
  const { rows: n, cols: d } = x;
  if (n < 2 || d < 1 || d > 256 || !w.simdSupported()) return null;
  const cap = n + (n & 1);
  const total = (d * cap + 2 * cap + d + 2) * 8;
  const memory = w.allocate(total, 'hierarchical clustering scans');
  if (memory === null) return null;
  const module = w.compiled(`scan ${kind} ${d}`, () => scanModule(d, kind));
  const instance = w.instantiate(module, memory);
  return new ScanKernel(x, memory, instance.exports.scan as (...a: number[]) => number, cap);
}

/**
 * Single linkage of the rows of x by Prim's algorithm (Euclidean, or squared Euclidean), the
 * unsorted rows of `mstFeatures` in mst.ts, bit for bit; null without WebAssembly SIMD (or
 * memory for it), and the caller runs the JavaScript form. @internal
 */
export function mstEuclideanSimd(x: FeatureMatrix, squared: boolean): Float64Array | null {
  const n = x.rows;
  const k = createScanKernel(x, squared ? 'single-squared' : 'single');
  if (k === null) return null;
  k.values.fill(Number.POSITIVE_INFINITY);
  const Z = new Float64Array(4 * (n - 1));
  let p = 0;
  for (let step = 0; step < n - 1; step++) {
    const pp = k.posOf[p]!;
    k.remove(pp);
    k.queryFrom(pp);
    const ypos = k.scan(0, Number.POSITIVE_INFINITY);
    if (ypos < 0) return null; // only infinite distances: the JavaScript form handles it
    const y = k.ids[ypos]!;
    Z[4 * step] = p;
    Z[4 * step + 1] = y;
    Z[4 * step + 2] = k.out[0]!;
    p = y;
    k.compactIfSparse();
  }
  return Z;
}

/**
 * Ward's clusters (ward.ts `WardClusters`, driven by `nnChain` in nn-chain.ts) with the nearest-cluster scan in WebAssembly SIMD:
 * the keys of the JavaScript `WardCentroids`, bit for bit; null without WebAssembly SIMD (or
 * memory for it). @internal
 */
export function wardCentroidsSimd(x: FeatureMatrix, size0: Int32Array): WardClusters | null {
  const k = createScanKernel(x, 'ward');
  if (k === null) return null;
  for (let i = 0; i < x.rows; i++) k.values[i] = size0[i]!;
  return new WardScans(k, x.cols);
}

class WardScans implements WardClusters {
  constructor(
    private readonly k: ScanKernel,
    private readonly d: number,
  ) {}

  first(): number {
    const { pen, ids } = this.k;
    let pos = 0;
    while (pen[pos] !== 0) pos++;
    return ids[pos]!;
  }

  size(i: number): number {
    return this.k.values[this.k.posOf[i]!]!;
  }

  key(a: number, b: number): number {
    const { xt, values: size, posOf, cap } = this.k;
    const pa = posOf[a]!;
    const pb = posOf[b]!;
    let s = 0;
    for (let j = 0; j < this.d; j++) {
      const t = xt[j * cap + pa]! - xt[j * cap + pb]!;
      s += t * t;
    }
    const na = size[pa]!;
    const nb = size[pb]!;
    return ((na * nb) / (na + nb)) * s;
  }

  nearest(p: number, cur: number, found: Float64Array): void {
    const { k } = this;
    const pp = k.posOf[p]!;
    k.queryFrom(pp);
    k.pen[pp] = Number.POSITIVE_INFINITY;
    const pos = k.scan(k.values[pp]!, cur);
    k.pen[pp] = 0;
    found[0] = pos >= 0 ? k.ids[pos]! : -1;
    found[1] = pos >= 0 ? k.out[0]! : cur;
  }

  merge(p: number, q: number, np: number, nq: number): void {
    const { k, d } = this;
    const { xt, values: size, posOf, cap } = k;
    const pp = posOf[p]!;
    const pq = posOf[q]!;
    const s = np + nq;
    for (let j = 0; j < d; j++) {
      xt[j * cap + pq] = (np * xt[j * cap + pp]! + nq * xt[j * cap + pq]!) / s;
    }
    size[pp] = 0;
    size[pq] = s;
    k.remove(pp);
    k.compactIfSparse();
  }
}

/** The distance callbacks of the generic algorithm (generic.ts `genericCore`) on centroids. */
export interface CentroidScans {
  /** Squared distance between the centroids of clusters a and b. */
  dist(a: number, b: number): number;
  /** out = [the active cluster above x nearest to x (first on ties) or -1, its distance]. */
  nearestAbove(x: number, active: Int32Array, m: number, out: Float64Array): void;
  /** Cluster x (nx points) merged into y (ny points): y's centroid, x leaves. */
  merge(x: number, y: number, h: number, nx: number, ny: number): void;
  /** out[t] = squared distance from y to active[t], for the active clusters below y. */
  lowerBounds(y: number, active: Int32Array, m: number, out: Float64Array): void;
}

/**
 * Centroid (or, with `median`, midpoint) linkage's scans over the centroids of x in WebAssembly
 * SIMD: the values of `genericFeatures` in generic.ts, bit for bit; null without WebAssembly
 * SIMD (or memory for it). @internal
 */
export function centroidScans(x: FeatureMatrix, median: boolean): CentroidScans | null {
  const d = x.cols;
  const k = createScanKernel(x, 'generic');
  if (k === null) return null;
  const { xt, posOf, ids, pen, values, cap } = k;
  const inf = Number.POSITIVE_INFINITY;
  return {
    dist(a, b) {
      const pa = posOf[a]!;
      const pb = posOf[b]!;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = xt[j * cap + pa]! - xt[j * cap + pb]!;
        s += t * t;
      }
      return s;
    },
    nearestAbove(p, _active, _m, out) {
      // from the even position at or before p's; p (and that one) penalised meanwhile
      const pp = posOf[p]!;
      const from = pp - (pp & 1);
      const before = pen[from]!;
      pen[from] = inf;
      pen[pp] = inf;
      k.queryFrom(pp);
      const pos = k.scan(0, inf, from);
      pen[from] = before;
      pen[pp] = 0;
      out[0] = pos >= 0 ? ids[pos]! : -1;
      out[1] = k.out[0]!;
    },
    merge(p, q, _h, np, nq) {
      const pp = posOf[p]!;
      const pq = posOf[q]!;
      if (median) {
        for (let j = 0; j < d; j++) {
          xt[j * cap + pq] = 0.5 * (xt[j * cap + pp]! + xt[j * cap + pq]!);
        }
      } else {
        const s = np + nq;
        for (let j = 0; j < d; j++) {
          xt[j * cap + pq] = (np * xt[j * cap + pp]! + nq * xt[j * cap + pq]!) / s;
        }
      }
      k.remove(pp);
      k.compactIfSparse();
    },
    lowerBounds(q, active, m, out) {
      const pq = posOf[q]!;
      k.queryFrom(pq);
      k.scan(0, inf, 0, pq);
      for (let t = 0; t < m; t++) {
        const z = active[t]!;
        if (z >= q) break;
        out[t] = values[posOf[z]!]!;
      }
    },
  };
}
