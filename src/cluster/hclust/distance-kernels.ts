/**
 * The square Euclidean (or squared Euclidean) distance matrix in WebAssembly SIMD.
 *
 * The matrix lives in a `WebAssembly.Memory` and is returned as a Float64Array view on it, so it
 * is built in place (no copy). Each distance is the sum of (x_ik - x_jk)^2 over k in column
 * order, two pairs (i, j), (i, j + 1) per f64x2 lane pair (the data is stored transposed, so the
 * two j are adjacent), with a separate multiply and add (no fused multiply-add) and the lane
 * square root, which is correctly rounded as `Math.sqrt` is: every value is bit for bit the one
 * of the JavaScript loop in distance.ts. Four lane pairs (eight j) run at once to hide the
 * latency of the additions.
 *
 * Memory (little-endian f64): [D: n*n][X: n*d][X transposed: d*n]. Returns null when the runtime
 * has no WebAssembly SIMD (or it is turned off with `setSimdEnabled(false)`), or when this does
 * not fit in 4 GiB of 32-bit memory (n above about 23,000); the caller then uses JavaScript.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { simdSupported, wasm } from '../kmeans/kernels.js';

const PAGE = 65536;
const F64X2_SPLAT = [0xfd, ...wasm.uleb(0x14)];
const F64X2_SQRT = [0xfd, ...wasm.uleb(0xef)];
const v128Store = (offset: number) => [0xfd, ...wasm.uleb(0x0b), 3, ...wasm.uleb(offset)];
const I32_GT_U = [0x4b];
const I32_LT_U = [0x49];
const F64_SQRT = [0x9f];
const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
const IF = [0x04, 0x40];

/**
 * Module for d columns: `row(xi, xt, n8, j, to, out)` writes the distances of the row at
 * address xi (d doubles) to the points j..to-1 (transposed data at xt, n8 = 8 n bytes per
 * column) to the doubles at out + 8 j.
 */
function distanceModule(d: number, squared: boolean): Uint8Array<ArrayBuffer> {
  const w = wasm;
  const o = w.op;
  const P = { xi: 0, xt: 1, n8: 2, j: 3, to: 4, out: 5 };
  const L = { p: 6, a0: 7, a1: 8, a2: 9, a3: 10, u: 11, e: 12, s: 13, f: 14 };
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  const root = squared ? [] : F64X2_SQRT;
  // Blocks of 2 * lanes points j (lanes = 4 or 1 lane pairs).
  const blocks = (lanes: number) => {
    const acc = [L.a0, L.a1, L.a2, L.a3].slice(0, lanes);
    emit(o.BLOCK, o.LOOP);
    // while (j + 2 lanes <= to)
    emit(w.get(P.j), w.i32(2 * lanes), o.I32_ADD, w.get(P.to), I32_GT_U, w.brIf(1));
    emit(w.get(P.xt), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.set(L.p));
    for (const a of acc) emit(o.V128_ZERO, w.set(a));
    for (let k = 0; k < d; k++) {
      emit(w.get(P.xi), w.f64Load(k * 8), F64X2_SPLAT, w.set(L.u));
      acc.forEach((a, q) => {
        emit(w.get(L.u), w.get(L.p), w.v128Load(16 * q), o.F64X2_SUB, w.set(L.e));
        emit(w.get(a), w.get(L.e), w.get(L.e), o.F64X2_MUL, o.F64X2_ADD, w.set(a));
      });
      if (k < d - 1) emit(w.get(L.p), w.get(P.n8), o.I32_ADD, w.set(L.p));
    }
    acc.forEach((a, q) => {
      emit(w.get(P.out), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD);
      emit(w.get(a), root, v128Store(16 * q));
    });
    emit(w.get(P.j), w.i32(2 * lanes), o.I32_ADD, w.set(P.j), w.br(0), o.END, o.END);
  };
  blocks(4);
  blocks(1);
  // One point left (j < to): the same sum in scalar arithmetic.
  emit(w.get(P.j), w.get(P.to), I32_LT_U, IF);
  emit(w.get(P.xt), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.set(L.p));
  emit(F64_ZERO, w.set(L.s));
  for (let k = 0; k < d; k++) {
    emit(w.get(P.xi), w.f64Load(k * 8), w.get(L.p), w.f64Load(0), o.F64_SUB, w.set(L.f));
    emit(w.get(L.s), w.get(L.f), w.get(L.f), o.F64_MUL, o.F64_ADD, w.set(L.s));
    if (k < d - 1) emit(w.get(L.p), w.get(P.n8), o.I32_ADD, w.set(L.p));
  }
  emit(w.get(P.out), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.get(L.s));
  emit(squared ? [] : F64_SQRT, w.f64Store(0), o.END);

  const { I32, F64, V128 } = w.types;
  const locals = w.vec([
    [...w.uleb(1), I32],
    [...w.uleb(6), V128],
    [...w.uleb(2), F64],
  ]);
  const code = [...locals, ...b, ...o.END];
  const params = w.vec(new Array<number[]>(6).fill([I32]));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...w.section(1, w.vec([[0x60, ...params, ...w.vec([])]])),
    ...w.section(2, w.vec([[...w.name('env'), ...w.name('memory'), 0x02, 0x00, ...w.uleb(1)]])),
    ...w.section(3, w.vec([w.uleb(0)])),
    ...w.section(7, w.vec([[...w.name('row'), 0x00, ...w.uleb(0)]])),
    ...w.section(10, w.vec([[...w.uleb(code.length), ...code]])),
  ]);
}

const modules = new Map<string, WebAssembly.Module>();

/**
 * The full symmetric n x n matrix of Euclidean distances between the rows of x (squared ones
 * with `squared`), zero diagonal, as a view on a WebAssembly memory; null when SIMD is not
 * available or the memory would pass 4 GiB. @internal
 */
export function squareEuclideanSimd(x: FeatureMatrix, squared: boolean): Float64Array | null {
  const { rows: n, cols: d } = x;
  if (n < 2 || d < 1 || d > 1024 || !simdSupported()) return null;
  const dOff = 0;
  const xOff = n * n * 8;
  const xtOff = xOff + n * d * 8;
  const total = xtOff + n * d * 8;
  const pages = Math.ceil(total / PAGE);
  if (pages > 65536) return null;
  let memory: WebAssembly.Memory;
  let row: (xi: number, xt: number, n8: number, j: number, to: number, out: number) => void;
  try {
    const key = `${d}${squared ? 's' : ''}`;
    let module = modules.get(key);
    if (module === undefined) {
      module = new WebAssembly.Module(distanceModule(d, squared));
      modules.set(key, module);
    }
    memory = new WebAssembly.Memory({ initial: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    row = instance.exports.row as typeof row;
  } catch {
    return null; // no memory for it: JavaScript will do
  }
  const buffer = memory.buffer;
  new Float64Array(buffer, xOff, n * d).set(x.data.subarray(0, n * d));
  const xt = new Float64Array(buffer, xtOff, n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) xt[k * n + i] = x.data[i * d + k]!;
  const out = new Float64Array(buffer, dOff, n * n);
  // Tiles of B x B as in distance.ts: each row piece is computed, then mirrored while the tile
  // is in cache. Addresses beyond 2^31 pass to the module as negative i32, the same bits.
  const B = 64;
  const n8 = n * 8;
  for (let bi = 0; bi < n; bi += B) {
    const ei = Math.min(bi + B, n);
    for (let bj = bi; bj < n; bj += B) {
      const ej = Math.min(bj + B, n);
      for (let i = bi; i < ei; i++) {
        const from = Math.max(bj, i + 1);
        if (from >= ej) continue;
        const ri = i * n;
        row(xOff + i * d * 8, xtOff, n8, from, ej, dOff + ri * 8);
        for (let j = from; j < ej; j++) out[j * n + i] = out[ri + j]!;
      }
    }
  }
  return out;
}
