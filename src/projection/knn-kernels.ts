/**
 * The scan of the exact k-nearest-neighbour search: the raw values between one query row and a
 * run of data rows j in [from, to), in WebAssembly SIMD with a JavaScript twin.
 *
 * Raw values, by kind: 'squares' sums (q_t - x_jt)^2, 'absolute' sums |q_t - x_jt|, 'dot' sums
 * q_t x_jt, each over t in column order from +0, with a separate multiply and add (no fused
 * multiply-add). The kernel keeps the data in panels of eight rows, each panel transposed (d x 8,
 * the rows past n zero), so two rows j, j + 1 are the two lanes of an f64x2 and a panel is read
 * in one sequential sweep; two panels (sixteen rows, eight lane pairs: enough sums to hide the
 * latency of the additions) run at once, then one. Every value is bit for bit the one of the twin (`scanJs`).
 *
 * Memory (little-endian f64): [panels: ceil(n/8)*8*d][queries: m*d][out: SCAN_BLOCK + 8].
 */
import type { FeatureMatrix } from '../data/dataset.js';
import * as w from '../wasm/index.js';

const { I32, V128 } = w;

/** What the scan sums: squared differences, absolute differences, or products. */
export type ScanKind = 'squares' | 'absolute' | 'dot';

/** Most data rows one call of a scanner covers. */
export const SCAN_BLOCK = 256;

/**
 * Raw values between query row q and the data rows from..to-1 (to - from <= SCAN_BLOCK); the
 * value of row j is at `out[j - (from & ~7)]` (the kernel starts at a panel).
 */
export interface Scanner {
  readonly out: Float64Array;
  scan(q: number, from: number, to: number): void;
}

/**
 * The JavaScript twin: the same sums as the kernel, in the same order, four rows at a time (each
 * its own sum, so the same doubles as one at a time). @internal
 */
export function scanJs(
  x: FeatureMatrix,
  queries: FeatureMatrix,
  kind: ScanKind,
  q: number,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const d = x.cols;
  const data = x.data;
  const qd = queries.data;
  const a = q * d;
  let j = from;
  const o = from & ~7;
  if (kind === 'squares') {
    for (; j + 3 < to; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const u = qd[a + t]!;
        const e0 = u - data[b0 + t]!;
        const e1 = u - data[b1 + t]!;
        const e2 = u - data[b2 + t]!;
        const e3 = u - data[b3 + t]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      out[j - o] = s0;
      out[j - o + 1] = s1;
      out[j - o + 2] = s2;
      out[j - o + 3] = s3;
    }
    for (; j < to; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = qd[a + t]! - data[b + t]!;
        s += e * e;
      }
      out[j - o] = s;
    }
  } else if (kind === 'absolute') {
    for (; j + 3 < to; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const u = qd[a + t]!;
        s0 += Math.abs(u - data[b0 + t]!);
        s1 += Math.abs(u - data[b1 + t]!);
        s2 += Math.abs(u - data[b2 + t]!);
        s3 += Math.abs(u - data[b3 + t]!);
      }
      out[j - o] = s0;
      out[j - o + 1] = s1;
      out[j - o + 2] = s2;
      out[j - o + 3] = s3;
    }
    for (; j < to; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += Math.abs(qd[a + t]! - data[b + t]!);
      out[j - o] = s;
    }
  } else {
    for (; j + 3 < to; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const u = qd[a + t]!;
        s0 += u * data[b0 + t]!;
        s1 += u * data[b1 + t]!;
        s2 += u * data[b2 + t]!;
        s3 += u * data[b3 + t]!;
      }
      out[j - o] = s0;
      out[j - o + 1] = s1;
      out[j - o + 2] = s2;
      out[j - o + 3] = s3;
    }
    for (; j < to; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += qd[a + t]! * data[b + t]!;
      out[j - o] = s;
    }
  }
}

/** The JavaScript scanner (the twin of `scanSimd`). */
export function scannerJs(x: FeatureMatrix, queries: FeatureMatrix, kind: ScanKind): Scanner {
  const out = new Float64Array(SCAN_BLOCK + 8);
  return {
    out,
    scan: (q, from, to) => scanJs(x, queries, kind, q, from, to, out),
  };
}

/**
 * Module for d columns: `scan(qi, panels, j, to, out)` writes the raw values of the query row at
 * address qi (d doubles) with the rows of the panels j/8 .. to/8 - 1 (j, to multiples of 8;
 * panels at `panels`, 64 d bytes each) to the doubles at out.
 */
function scanModule(d: number, kind: ScanKind): Uint8Array<ArrayBuffer> {
  const o = w.op;
  const fr = new w.Frame();
  const P = fr.params({ qi: I32, panels: I32, j: I32, to: I32, out: I32 });
  const L = fr.locals({ p: I32, u: V128, e: V128 });
  const first = fr.array('a', V128, 8);
  const code = new w.Code();
  const emit = code.emit;
  // p = panels + 8 d j (the panel of row j)
  emit(w.get(P.panels), w.get(P.j), w.i32(8 * d), o.I32_MUL, o.I32_ADD, w.set(L.p));
  // `panels` panels per step (2, then 1): 4 * panels lane pairs, each its own sum
  const steps = (panels: number) => {
    const acc = Array.from({ length: 4 * panels }, (_, q) => first + q);
    // the lane pair q of the step: panel q >> 2, lanes 2 (q & 3), 2 (q & 3) + 1
    const at = (t: number, q: number) => 64 * d * (q >> 2) + 64 * t + 16 * (q & 3);
    code.loop(() => {
      emit(w.get(P.j), w.i32(8 * panels), o.I32_ADD, w.get(P.to), o.I32_GT_U, w.brIf(1));
      for (const a of acc) emit(o.V128_ZERO, w.set(a));
      for (let t = 0; t < d; t++) {
        emit(w.get(P.qi), w.f64Load(t * 8), o.F64X2_SPLAT, w.set(L.u));
        acc.forEach((a, q) => {
          emit(w.get(L.u), w.get(L.p), w.v128Load(at(t, q)));
          if (kind === 'squares') {
            emit(o.F64X2_SUB, w.set(L.e), w.get(a), w.get(L.e), w.get(L.e), o.F64X2_MUL);
          } else if (kind === 'absolute') {
            emit(o.F64X2_SUB, o.F64X2_ABS, w.set(L.e), w.get(a), w.get(L.e));
          } else {
            emit(o.F64X2_MUL, w.set(L.e), w.get(a), w.get(L.e));
          }
          emit(o.F64X2_ADD, w.set(a));
        });
      }
      acc.forEach((a, q) => {
        emit(w.get(P.out), w.get(a), w.v128Store(16 * q));
      });
      emit(w.get(P.out), w.i32(64 * panels), o.I32_ADD, w.set(P.out));
      emit(w.get(L.p), w.i32(64 * d * panels), o.I32_ADD, w.set(L.p));
      emit(w.get(P.j), w.i32(8 * panels), o.I32_ADD, w.set(P.j), w.br(0));
    });
  };
  steps(2);
  steps(1);
  return w.assemble([w.func('scan', fr, code)]);
}

/**
 * The WebAssembly scanner of the rows of x against the query rows of `queries` (the same column
 * count), or null without WebAssembly SIMD (or with it turned off), beyond 1024 columns, or when
 * the memory cannot be had. @internal
 */
export function scanSimd(x: FeatureMatrix, queries: FeatureMatrix, kind: ScanKind): Scanner | null {
  const { rows: n, cols: d } = x;
  const m = queries.rows;
  if (n < 1 || d < 1 || d > 1024 || !w.simdSupported()) return null;
  const n8 = Math.ceil(n / 8) * 8;
  const panelOff = 0;
  const qOff = n8 * d * 8;
  const outOff = qOff + m * d * 8;
  const total = outOff + (SCAN_BLOCK + 8) * 8;
  const memory = w.allocate(total, 'nearest neighbours');
  if (memory === null) return null;
  const module = w.compiled(`knn scan ${kind} ${d}`, () => scanModule(d, kind));
  const instance = w.instantiate(module, memory);
  const scan = instance.exports.scan as (
    qi: number,
    panels: number,
    j: number,
    to: number,
    out: number,
  ) => void;
  const buffer = memory.buffer;
  const panels = new Float64Array(buffer, panelOff, n8 * d);
  const data = x.data;
  for (let i = 0; i < n; i++) {
    const base = (i >> 3) * 8 * d + (i & 7);
    for (let t = 0; t < d; t++) panels[base + 8 * t] = data[i * d + t]!;
  }
  new Float64Array(buffer, qOff, m * d).set(queries.data.subarray(0, m * d));
  const out = new Float64Array(buffer, outOff, SCAN_BLOCK + 8);
  return {
    out,
    scan: (q, from, to) => scan(qOff + q * d * 8, panelOff, from & ~7, (to + 7) & ~7, outOff),
  };
}

/** The WebAssembly scanner when it can be had, else its JavaScript twin. @internal */
export function scanner(x: FeatureMatrix, queries: FeatureMatrix, kind: ScanKind): Scanner {
  return scanSimd(x, queries, kind) ?? scannerJs(x, queries, kind);
}

/**
 * The key of rows a and b of data for the descent, or some partial sum above `bound` once the
 * sum passes it (squares and absolute values only grow; checked every 8 columns): a key that no
 * list whose worst key is at most `bound` admits, found sooner. Even and odd columns are summed
 * apart, then added (so it can differ from `pairKey` in the last bits; the graph's distances are
 * recomputed with `pairKey` at the end). 'dot' keys are computed in full. The JavaScript twin
 * of the join kernel. @internal
 */
export function boundedKey(
  data: Float64Array,
  a: number,
  b: number,
  d: number,
  kind: ScanKind,
  bound: number,
): number {
  const pa = a * d;
  const pb = b * d;
  let s0 = 0;
  let s1 = 0;
  const even = d - (d & 1);
  let t = 0;
  if (kind === 'squares') {
    while (t < even) {
      const stop = Math.min(t + 8, even);
      for (; t < stop; t += 2) {
        const e0 = data[pa + t]! - data[pb + t]!;
        const e1 = data[pa + t + 1]! - data[pb + t + 1]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
      }
      if (s0 + s1 > bound) return s0 + s1;
    }
    let s = s0 + s1;
    if (even < d) {
      const e = data[pa + even]! - data[pb + even]!;
      s += e * e;
    }
    return s;
  }
  if (kind === 'absolute') {
    while (t < even) {
      const stop = Math.min(t + 8, even);
      for (; t < stop; t += 2) {
        s0 += Math.abs(data[pa + t]! - data[pb + t]!);
        s1 += Math.abs(data[pa + t + 1]! - data[pb + t + 1]!);
      }
      if (s0 + s1 > bound) return s0 + s1;
    }
    let s = s0 + s1;
    if (even < d) s += Math.abs(data[pa + even]! - data[pb + even]!);
    return s;
  }
  for (; t < even; t += 2) {
    s0 += data[pa + t]! * data[pb + t]!;
    s1 += data[pa + t + 1]! * data[pb + t + 1]!;
  }
  let s = s0 + s1;
  if (even < d) s += data[pa + even]! * data[pb + even]!;
  return 1 - s;
}

/**
 * The pair keys of one row's join in nearest-neighbour descent (nndescent.ts): for candidates
 * `ids` (nNew new ones, then nOld old ones) and their bounds, the key of each pair (a, b) of new
 * candidates a < b, then of each new a with each old b, in that order, to `out` (`boundedKey`
 * with bound max(bounds[a], bounds[b])). `data` is where the rows must be written.
 */
export interface Joiner {
  readonly data: Float64Array;
  readonly ids: Int32Array;
  readonly bounds: Float64Array;
  readonly out: Float64Array;
  join(nNew: number, nOld: number): void;
}

/** Memory of a joiner: [data: n*d][ids: 2 cap (padded to 8 bytes)][bounds: 2 cap][out: 2 cap^2]. */
function joinLayout(n: number, d: number, cap: number) {
  const idsOff = n * d * 8;
  const boundsOff = idsOff + Math.ceil((2 * cap * 4) / 8) * 8;
  const outOff = boundsOff + 2 * cap * 8;
  return { idsOff, boundsOff, outOff, total: outOff + 2 * cap * cap * 8 };
}

/** The JavaScript joiner (the twin of the kernel). @internal */
export function joinerJs(n: number, d: number, kind: ScanKind, cap: number): Joiner {
  const data = new Float64Array(n * d);
  const ids = new Int32Array(2 * cap);
  const bounds = new Float64Array(2 * cap);
  const out = new Float64Array(2 * cap * cap);
  return {
    data,
    ids,
    bounds,
    out,
    join(nNew, nOld) {
      let o = 0;
      for (let a = 0; a < nNew; a++) {
        const p = ids[a]!;
        const ba = bounds[a]!;
        for (let b = a + 1; b < nNew + nOld; b++) {
          const bb = bounds[b]!;
          out[o++] = boundedKey(data, p, ids[b]!, d, kind, Math.max(ba, bb));
        }
      }
    },
  };
}

/**
 * Module for d columns: `join(data, ids, nNew, nOld, bounds, out)`, `boundedKey` over lane pairs
 * of columns (even columns in lane 0, odd in lane 1, added at each check and at the end).
 */
function joinModule(d: number, kind: ScanKind): Uint8Array<ArrayBuffer> {
  const o = w.op;
  const fr = new w.Frame();
  const P = fr.params({ data: I32, ids: I32, nNew: I32, nOld: I32, bounds: I32, out: I32 });
  const L = fr.locals({ a: I32, b: I32, end: I32, pa: I32, pb: I32, acc: V128, e: V128 });
  const F = fr.locals({ ba: w.F64, bound: w.F64, s: w.F64, f: w.F64 });
  const code = new w.Code();
  const emit = code.emit;
  const row = d * 8;
  const even = d - (d & 1);
  // end = nNew + nOld
  emit(w.get(P.nNew), w.get(P.nOld), o.I32_ADD, w.set(L.end));
  emit(w.i32(0), w.set(L.a));
  code.loop(() => {
    emit(w.get(L.a), w.get(P.nNew), o.I32_LT_U, o.I32_EQZ, w.brIf(1));
    // pa = data + row * ids[a]; ba = bounds[a]
    emit(w.get(P.data), w.get(P.ids), w.get(L.a), w.i32(2), o.I32_SHL, o.I32_ADD, w.i32Load());
    emit(w.i32(row), o.I32_MUL, o.I32_ADD, w.set(L.pa));
    emit(w.get(P.bounds), w.get(L.a), w.i32(3), o.I32_SHL, o.I32_ADD, w.f64Load(), w.set(F.ba));
    emit(w.get(L.a), w.i32(1), o.I32_ADD, w.set(L.b));
    code.loop(() => {
      emit(w.get(L.b), w.get(L.end), o.I32_LT_U, o.I32_EQZ, w.brIf(1));
      emit(w.get(P.data), w.get(P.ids), w.get(L.b), w.i32(2), o.I32_SHL, o.I32_ADD, w.i32Load());
      emit(w.i32(row), o.I32_MUL, o.I32_ADD, w.set(L.pb));
      // bound = max(ba, bounds[b]) (never NaN)
      emit(w.get(P.bounds), w.get(L.b), w.i32(3), o.I32_SHL, o.I32_ADD, w.f64Load(), w.set(F.f));
      emit(w.get(F.ba), w.get(F.f), w.get(F.ba), w.get(F.f), o.F64_GT, o.SELECT, w.set(F.bound));
      emit(o.V128_ZERO, w.set(L.acc));
      // the sum, in a block that the checks leave with s set
      emit(o.BLOCK);
      for (let t = 0; t < even; t += 2) {
        emit(w.get(L.pa), w.v128Load(t * 8), w.get(L.pb), w.v128Load(t * 8));
        if (kind === 'squares') {
          emit(o.F64X2_SUB, w.set(L.e), w.get(L.acc), w.get(L.e), w.get(L.e), o.F64X2_MUL);
        } else if (kind === 'absolute') {
          emit(o.F64X2_SUB, o.F64X2_ABS, w.set(L.e), w.get(L.acc), w.get(L.e));
        } else {
          emit(o.F64X2_MUL, w.set(L.e), w.get(L.acc), w.get(L.e));
        }
        emit(o.F64X2_ADD, w.set(L.acc));
        const chunkEnd = (t + 2) % 8 === 0 || t + 2 === even;
        if (kind !== 'dot' && chunkEnd) {
          emit(w.get(L.acc), w.f64x2Lane(0), w.get(L.acc), w.f64x2Lane(1), o.F64_ADD, w.tee(F.s));
          emit(w.get(F.bound), o.F64_GT, w.brIf(0));
        }
      }
      emit(w.get(L.acc), w.f64x2Lane(0), w.get(L.acc), w.f64x2Lane(1), o.F64_ADD, w.set(F.s));
      if (even < d) {
        emit(w.get(L.pa), w.f64Load(even * 8), w.get(L.pb), w.f64Load(even * 8));
        if (kind === 'squares') {
          emit(o.F64_SUB, w.set(F.f), w.get(F.s), w.get(F.f), w.get(F.f), o.F64_MUL);
        } else if (kind === 'absolute') {
          emit(o.F64_SUB, w.set(F.f), w.get(F.s), w.f64(0), w.get(F.f), o.F64_SUB);
          emit(w.get(F.f), o.F64_MAX);
        } else {
          emit(o.F64_MUL, w.set(F.f), w.get(F.s), w.get(F.f));
        }
        emit(o.F64_ADD, w.set(F.s));
      }
      if (kind === 'dot') emit(w.f64(1), w.get(F.s), o.F64_SUB, w.set(F.s));
      emit(o.END);
      emit(w.get(P.out), w.get(F.s), w.f64Store());
      emit(w.get(P.out), w.i32(8), o.I32_ADD, w.set(P.out));
      emit(w.get(L.b), w.i32(1), o.I32_ADD, w.set(L.b), w.br(0));
    });
    emit(w.get(L.a), w.i32(1), o.I32_ADD, w.set(L.a), w.br(0));
  });
  return w.assemble([w.func('join', fr, code)]);
}

/**
 * The WebAssembly joiner for n rows of d columns and at most `cap` new and `cap` old candidates,
 * or null without WebAssembly SIMD (or turned off), beyond 1024 columns, or without memory.
 * @internal
 */
export function joinSimd(n: number, d: number, kind: ScanKind, cap: number): Joiner | null {
  if (n < 1 || d < 1 || d > 1024 || !w.simdSupported()) return null;
  const { idsOff, boundsOff, outOff, total } = joinLayout(n, d, cap);
  const memory = w.allocate(total, 'nearest-neighbour descent');
  if (memory === null) return null;
  const instance = w.instantiate(
    w.compiled(`knn join ${kind} ${d}`, () => joinModule(d, kind)),
    memory,
  );
  const join = instance.exports.join as (...args: number[]) => void;
  const buffer = memory.buffer;
  return {
    data: new Float64Array(buffer, 0, n * d),
    ids: new Int32Array(buffer, idsOff, 2 * cap),
    bounds: new Float64Array(buffer, boundsOff, 2 * cap),
    out: new Float64Array(buffer, outOff, 2 * cap * cap),
    join: (nNew, nOld) => join(0, idsOff, nNew, nOld, boundsOff, outOff),
  };
}

/** The WebAssembly joiner when it can be had, else its JavaScript twin. @internal */
export function joiner(n: number, d: number, kind: ScanKind, cap: number): Joiner {
  return joinSimd(n, d, kind, cap) ?? joinerJs(n, d, kind, cap);
}
