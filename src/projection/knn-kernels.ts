/**
 * The scan of the exact k-nearest-neighbour search: the raw values between one query row and a
 * run of data rows j in [from, to), in WebAssembly SIMD with a JavaScript twin.
 *
 * Raw values, by kind: 'squares' sums (q_t - x_jt)^2, 'absolute' sums |q_t - x_jt|, 'dot' sums
 * q_t x_jt, each over t in column order from +0, with a separate multiply and add (no fused
 * multiply-add). The kernel keeps the data transposed (d x n), so two rows j, j + 1 are the two
 * lanes of an f64x2; eight rows run at once to hide the latency of the additions, then pairs, then
 * one in scalar arithmetic. Every value is bit for bit the one of the twin (`scanJs`).
 *
 * Memory (little-endian f64): [X transposed: d*n][queries: m*d][out: SCAN_BLOCK].
 */
import type { FeatureMatrix } from '../data/dataset.js';
import * as w from '../wasm/index.js';

const { I32, F64, V128 } = w;

/** What the scan sums: squared differences, absolute differences, or products. */
export type ScanKind = 'squares' | 'absolute' | 'dot';

/** Most data rows one call of a scanner covers. */
export const SCAN_BLOCK = 256;

/**
 * Raw values between query row q and the data rows from..to-1 (to - from <= SCAN_BLOCK); the
 * value of row j is at `out[j - from]`.
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
      out[j - from] = s0;
      out[j - from + 1] = s1;
      out[j - from + 2] = s2;
      out[j - from + 3] = s3;
    }
    for (; j < to; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = qd[a + t]! - data[b + t]!;
        s += e * e;
      }
      out[j - from] = s;
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
      out[j - from] = s0;
      out[j - from + 1] = s1;
      out[j - from + 2] = s2;
      out[j - from + 3] = s3;
    }
    for (; j < to; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += Math.abs(qd[a + t]! - data[b + t]!);
      out[j - from] = s;
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
      out[j - from] = s0;
      out[j - from + 1] = s1;
      out[j - from + 2] = s2;
      out[j - from + 3] = s3;
    }
    for (; j < to; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += qd[a + t]! * data[b + t]!;
      out[j - from] = s;
    }
  }
}

/** The JavaScript scanner (the twin of `scanSimd`). */
export function scannerJs(x: FeatureMatrix, queries: FeatureMatrix, kind: ScanKind): Scanner {
  const out = new Float64Array(SCAN_BLOCK);
  return {
    out,
    scan: (q, from, to) => scanJs(x, queries, kind, q, from, to, out),
  };
}

/**
 * Module for d columns: `scan(qi, xt, n8, j, to, out)` writes the raw values of the query row at
 * address qi (d doubles) with the rows j..to-1 (transposed data at xt, n8 = 8 n bytes per
 * column) to the doubles at out + 8 j.
 */
function scanModule(d: number, kind: ScanKind): Uint8Array<ArrayBuffer> {
  const o = w.op;
  const fr = new w.Frame();
  const P = fr.params({ qi: I32, xt: I32, n8: I32, j: I32, to: I32, out: I32 });
  const L = fr.locals({
    ...{ p: I32, a0: V128, a1: V128, a2: V128, a3: V128, u: V128, e: V128 },
    ...{ s: F64, f: F64 },
  });
  const code = new w.Code();
  const emit = code.emit;
  // acc += term(u, value at p + offset), lane-wise or scalar
  const vterm = (a: number, offset: number) => {
    emit(w.get(L.u), w.get(L.p), w.v128Load(offset));
    if (kind === 'squares') {
      emit(o.F64X2_SUB, w.set(L.e), w.get(a), w.get(L.e), w.get(L.e), o.F64X2_MUL);
    } else if (kind === 'absolute') {
      emit(o.F64X2_SUB, o.F64X2_ABS, w.set(L.e), w.get(a), w.get(L.e));
    } else {
      emit(o.F64X2_MUL, w.set(L.e), w.get(a), w.get(L.e));
    }
    emit(o.F64X2_ADD, w.set(a));
  };
  const blocks = (lanes: number) => {
    const acc = [L.a0, L.a1, L.a2, L.a3].slice(0, lanes);
    code.loop(() => {
      // while (j + 2 lanes <= to)
      emit(w.get(P.j), w.i32(2 * lanes), o.I32_ADD, w.get(P.to), o.I32_GT_U, w.brIf(1));
      emit(w.get(P.xt), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.set(L.p));
      for (const a of acc) emit(o.V128_ZERO, w.set(a));
      for (let t = 0; t < d; t++) {
        emit(w.get(P.qi), w.f64Load(t * 8), o.F64X2_SPLAT, w.set(L.u));
        acc.forEach((a, q) => {
          vterm(a, 16 * q);
        });
        if (t < d - 1) emit(w.get(L.p), w.get(P.n8), o.I32_ADD, w.set(L.p));
      }
      acc.forEach((a, q) => {
        emit(w.get(P.out), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD);
        emit(w.get(a), w.v128Store(16 * q));
      });
      emit(w.get(P.j), w.i32(2 * lanes), o.I32_ADD, w.set(P.j), w.br(0));
    });
  };
  blocks(4);
  blocks(1);
  // One row left (j < to): the same sum in scalar arithmetic.
  emit(w.get(P.j), w.get(P.to), o.I32_LT_U, o.IF);
  emit(w.get(P.xt), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.set(L.p));
  emit(w.f64(0), w.set(L.s));
  for (let t = 0; t < d; t++) {
    emit(w.get(P.qi), w.f64Load(t * 8), w.get(L.p), w.f64Load(0));
    if (kind === 'squares') {
      emit(o.F64_SUB, w.set(L.f), w.get(L.s), w.get(L.f), w.get(L.f), o.F64_MUL);
    } else if (kind === 'absolute') {
      // |a - b| = max(a - b, b - a) for finite values (f64 has no abs in the table)
      emit(o.F64_SUB, w.set(L.f), w.get(L.s), w.f64(0), w.get(L.f), o.F64_SUB);
      emit(w.get(L.f), o.F64_MAX);
    } else {
      emit(o.F64_MUL, w.set(L.f), w.get(L.s), w.get(L.f));
    }
    emit(o.F64_ADD, w.set(L.s));
    if (t < d - 1) emit(w.get(L.p), w.get(P.n8), o.I32_ADD, w.set(L.p));
  }
  emit(w.get(P.out), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.get(L.s));
  emit(w.f64Store(0), o.END);
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
  const xtOff = 0;
  const qOff = n * d * 8;
  const outOff = qOff + m * d * 8;
  const total = outOff + SCAN_BLOCK * 8;
  const memory = w.allocate(total, 'nearest neighbours');
  if (memory === null) return null;
  const module = w.compiled(`knn scan ${kind} ${d}`, () => scanModule(d, kind));
  const instance = w.instantiate(module, memory);
  const scan = instance.exports.scan as (
    qi: number,
    xt: number,
    n8: number,
    j: number,
    to: number,
    out: number,
  ) => void;
  const buffer = memory.buffer;
  const xt = new Float64Array(buffer, xtOff, n * d);
  const data = x.data;
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) xt[t * n + i] = data[i * d + t]!;
  new Float64Array(buffer, qOff, m * d).set(queries.data.subarray(0, m * d));
  const out = new Float64Array(buffer, outOff, SCAN_BLOCK);
  const n8 = n * 8;
  return {
    out,
    // out + 8 j lands on out[j - from]; the i32 arithmetic wraps as the kernel's does
    scan: (q, from, to) => scan(qOff + q * d * 8, xtOff, n8, from, to, (outOff - 8 * from) | 0),
  };
}

/** The WebAssembly scanner when it can be had, else its JavaScript twin. @internal */
export function scanner(x: FeatureMatrix, queries: FeatureMatrix, kind: ScanKind): Scanner {
  return scanSimd(x, queries, kind) ?? scannerJs(x, queries, kind);
}
