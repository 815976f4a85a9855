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
