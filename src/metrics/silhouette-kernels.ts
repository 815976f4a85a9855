/**
 * The pair loop of the silhouette (metrics/silhouette.ts) in WebAssembly SIMD: for every pair
 * i < j, the Euclidean distance added to the sums of i with j's cluster and of j with i's.
 */
import * as w from '../wasm/index.js';

const { I32, F64, V128 } = w;
const I32_LOAD = w.i32Load();

/**
 * The distance sums in WebAssembly SIMD (null without it, or beyond 4 GiB): module
 * `sums(x, n, labels, k, sums)` generated for d, each pair's squared distance summed over
 * coordinate pairs (f64x2; even and odd coordinates in two lanes, then added), so it can differ
 * from the JavaScript sum in the last bits.
 */
export function silhouetteSumsSimd(
  X: Float64Array,
  n: number,
  d: number,
  codes: Int32Array,
  k: number,
): Float64Array | null {
  if (!w.simdSupported() || d > 512) return null;
  const xBytes = n * d * 8;
  const labelsOff = xBytes;
  const sumsOff = labelsOff + Math.ceil((n * 4) / 16) * 16;
  const total = sumsOff + n * k * 8;
  const memory = w.allocate(total, 'silhouette');
  if (memory === null) return null;
  const instance = w.instantiate(
    w.compiled(`silhouette ${d}`, () => silhouetteModule(d)),
    memory,
  );
  new Float64Array(memory.buffer, 0, n * d).set(X.subarray(0, n * d));
  new Int32Array(memory.buffer, labelsOff, n).set(codes);
  (instance.exports.sums as (...args: number[]) => void)(0, n, labelsOff, k, sumsOff);
  return new Float64Array(memory.buffer, sumsOff, n * k).slice();
}

function silhouetteModule(d: number): Uint8Array<ArrayBuffer> {
  const o = w.op;
  const fr = new w.Frame();
  const P = fr.params({ x: I32, n: I32, labels: I32, k: I32, sums: I32 });
  const L = fr.locals({
    ...{ i: I32, j: I32, pi: I32, pj: I32, si: I32, li: I32, t: I32 },
    ...{ s: F64, e: F64, acc: V128, v: V128 },
  });
  const row = d * 8;
  const code = new w.Code();
  const emit = code.emit;
  emit(w.i32(0), w.set(L.i));
  code.loop(() => {
    emit(w.get(L.i), w.get(P.n), o.I32_LT_U, o.I32_EQZ, w.brIf(1));
    emit(w.get(P.x), w.get(L.i), w.i32(row), o.I32_MUL, o.I32_ADD, w.set(L.pi));
    emit(w.get(P.labels), w.get(L.i), w.i32(2), o.I32_SHL, o.I32_ADD, I32_LOAD, w.set(L.li));
    emit(w.get(P.sums), w.get(L.i), w.get(P.k), o.I32_MUL, w.i32(3), o.I32_SHL, o.I32_ADD);
    emit(w.set(L.si));
    emit(w.get(L.i), w.i32(1), o.I32_ADD, w.set(L.j), w.get(L.pi), w.i32(row), o.I32_ADD);
    emit(w.set(L.pj));
    code.loop(() => {
      emit(w.get(L.j), w.get(P.n), o.I32_LT_U, o.I32_EQZ, w.brIf(1));
      emit(o.V128_ZERO, w.set(L.acc));
      for (let t = 0; t + 2 <= d; t += 2) {
        emit(w.get(L.pi), w.v128Load(t * 8), w.get(L.pj), w.v128Load(t * 8), o.F64X2_SUB);
        emit(w.set(L.v), w.get(L.v), w.get(L.v), o.F64X2_MUL, w.get(L.acc), o.F64X2_ADD);
        emit(w.set(L.acc));
      }
      emit(w.get(L.acc), w.f64x2Lane(0), w.get(L.acc), w.f64x2Lane(1), o.F64_ADD, w.set(L.s));
      if (d % 2 === 1) {
        emit(w.get(L.pi), w.f64Load((d - 1) * 8), w.get(L.pj), w.f64Load((d - 1) * 8), o.F64_SUB);
        emit(w.tee(L.e), w.get(L.e), o.F64_MUL, w.get(L.s), o.F64_ADD, w.set(L.s));
      }
      emit(w.get(L.s), o.F64_SQRT, w.set(L.s));
      // sums[i][label j] += dist
      emit(w.get(L.si), w.get(P.labels), w.get(L.j), w.i32(2), o.I32_SHL, o.I32_ADD, I32_LOAD);
      emit(w.i32(3), o.I32_SHL, o.I32_ADD, w.tee(L.t), w.get(L.t), w.f64Load(), w.get(L.s));
      emit(o.F64_ADD, w.f64Store());
      // sums[j][label i] += dist
      emit(w.get(P.sums), w.get(L.j), w.get(P.k), o.I32_MUL, w.get(L.li), o.I32_ADD, w.i32(3));
      emit(o.I32_SHL, o.I32_ADD, w.tee(L.t), w.get(L.t), w.f64Load(), w.get(L.s), o.F64_ADD);
      emit(w.f64Store());
      emit(w.get(L.j), w.i32(1), o.I32_ADD, w.set(L.j), w.get(L.pj), w.i32(row), o.I32_ADD);
      emit(w.set(L.pj), w.br(0));
    });
    emit(w.get(L.i), w.i32(1), o.I32_ADD, w.set(L.i), w.br(0));
  });
  return w.assemble([w.func('sums', fr, code)]);
}
