/**
 * Distance matrices in WebAssembly SIMD: the square Euclidean (or squared Euclidean) one, and
 * the condensed one for the Euclidean, squared Euclidean, cityblock and Chebyshev metrics.
 *
 * The matrix lives in a `WebAssembly.Memory` and is returned as a Float64Array view on it, so it
 * is built in place (no copy). Each distance is the sum of (x_ik - x_jk)^2 over k in column
 * order, two pairs (i, j), (i, j + 1) per f64x2 lane pair (the data is stored transposed, so the
 * two j are adjacent), with a separate multiply and add (no fused multiply-add) and the lane
 * square root, which is correctly rounded as `Math.sqrt` is: every value is bit for bit the one
 * of the JavaScript loop in distance.ts (and so are the sums of absolute differences and the
 * maxima of the other two metrics). Four lane pairs (eight j) run at once to hide the latency of
 * the additions.
 *
 * Memory (little-endian f64): [D: n*n][X: n*d][X transposed: d*n]. Returns null when the runtime
 * has no WebAssembly SIMD (or it is turned off with `setSimdEnabled(false)`), or when this does
 * not fit in 4 GiB of 32-bit memory (n above about 23,000); the caller then uses JavaScript.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import * as w from '../../wasm/index.js';

const { F64X2_SPLAT, F64X2_SQRT, I32_GT_U, I32_LT_U, F64_SQRT, IF } = w.op;
const { I32, F64, V128 } = w;

/** The metrics the distance module computes. */
export type SimdMetric = 'euclidean' | 'sqeuclidean' | 'cityblock' | 'chebyshev';

/** True when the distance module computes `metric`. */
export function isSimdMetric(metric: string): metric is SimdMetric {
  return (
    metric === 'euclidean' ||
    metric === 'sqeuclidean' ||
    metric === 'cityblock' ||
    metric === 'chebyshev'
  );
}

/**
 * Module for d columns: `row(xi, xt, n8, j, to, out)` writes the distances of the row at
 * address xi (d doubles) to the points j..to-1 (transposed data at xt, n8 = 8 n bytes per
 * column) to the doubles at out + 8 j. Per point, over the columns k in order from s = 0, with
 * e = x_ik - x_jk: s + e * e (then the square root for 'euclidean'), s + |e| ('cityblock'), or
 * e's absolute value when it is above s ('chebyshev'; f64x2.pmax is exactly that): the
 * operations of `distancesFromRow` (distance.ts).
 */
function distanceModule(d: number, metric: SimdMetric): Uint8Array<ArrayBuffer> {
  const o = w.op;
  const fr = new w.Frame();
  const P = fr.params({ xi: I32, xt: I32, n8: I32, j: I32, to: I32, out: I32 });
  const L = fr.locals({
    ...{ p: I32, a0: V128, a1: V128, a2: V128, a3: V128, u: V128, e: V128 },
    ...{ s: F64, f: F64 },
  });
  const code = new w.Code();
  const emit = code.emit;
  const root = metric === 'euclidean' ? F64X2_SQRT : [];
  /** acc = acc (op) e, in lanes. */
  const accumulate = (a: number) => {
    if (metric === 'cityblock') emit(w.get(a), w.get(L.e), o.F64X2_ABS, o.F64X2_ADD, w.set(a));
    else if (metric === 'chebyshev')
      emit(w.get(a), w.get(L.e), o.F64X2_ABS, o.F64X2_PMAX, w.set(a));
    else emit(w.get(a), w.get(L.e), w.get(L.e), o.F64X2_MUL, o.F64X2_ADD, w.set(a));
  };
  // Blocks of 2 * lanes points j (lanes = 4 or 1 lane pairs).
  const blocks = (lanes: number) => {
    const acc = [L.a0, L.a1, L.a2, L.a3].slice(0, lanes);
    code.loop(() => {
      // while (j + 2 lanes <= to)
      emit(w.get(P.j), w.i32(2 * lanes), o.I32_ADD, w.get(P.to), I32_GT_U, w.brIf(1));
      emit(w.get(P.xt), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.set(L.p));
      for (const a of acc) emit(o.V128_ZERO, w.set(a));
      for (let k = 0; k < d; k++) {
        emit(w.get(P.xi), w.f64Load(k * 8), F64X2_SPLAT, w.set(L.u));
        acc.forEach((a, q) => {
          emit(w.get(L.u), w.get(L.p), w.v128Load(16 * q), o.F64X2_SUB, w.set(L.e));
          accumulate(a);
        });
        if (k < d - 1) emit(w.get(L.p), w.get(P.n8), o.I32_ADD, w.set(L.p));
      }
      acc.forEach((a, q) => {
        emit(w.get(P.out), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD);
        emit(w.get(a), root, w.v128Store(16 * q));
      });
      emit(w.get(P.j), w.i32(2 * lanes), o.I32_ADD, w.set(P.j), w.br(0));
    });
  };
  blocks(4);
  blocks(1);
  // One point left (j < to): the same in scalar arithmetic.
  emit(w.get(P.j), w.get(P.to), I32_LT_U, IF);
  emit(w.get(P.xt), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.set(L.p));
  emit(w.f64(0), w.set(L.s));
  for (let k = 0; k < d; k++) {
    emit(w.get(P.xi), w.f64Load(k * 8), w.get(L.p), w.f64Load(0), o.F64_SUB, w.set(L.f));
    if (metric === 'cityblock') {
      emit(w.get(L.s), w.get(L.f), o.F64_ABS, o.F64_ADD, w.set(L.s));
    } else if (metric === 'chebyshev') {
      // s = |f| > s ? |f| : s
      emit(w.get(L.f), o.F64_ABS, w.set(L.f));
      emit(w.get(L.f), w.get(L.s), w.get(L.f), w.get(L.s), o.F64_GT, o.SELECT, w.set(L.s));
    } else {
      emit(w.get(L.s), w.get(L.f), w.get(L.f), o.F64_MUL, o.F64_ADD, w.set(L.s));
    }
    if (k < d - 1) emit(w.get(L.p), w.get(P.n8), o.I32_ADD, w.set(L.p));
  }
  emit(w.get(P.out), w.get(P.j), w.i32(3), o.I32_SHL, o.I32_ADD, w.get(L.s));
  emit(metric === 'euclidean' ? F64_SQRT : [], w.f64Store(0), o.END);
  return w.assemble([w.func('row', fr, code)]);
}

/**
 * The full symmetric n x n matrix of Euclidean distances between the rows of x (squared ones
 * with `squared`), zero diagonal, as a view on a WebAssembly memory; null when SIMD is not
 * available or the memory would pass 4 GiB. @internal
 */
export function squareEuclideanSimd(x: FeatureMatrix, squared: boolean): Float64Array | null {
  const { rows: n, cols: d } = x;
  if (n < 2 || d < 1 || d > 1024 || !w.simdSupported()) return null;
  const dOff = 0;
  const xOff = n * n * 8;
  const xtOff = xOff + n * d * 8;
  const total = xtOff + n * d * 8;
  const memory = w.allocate(total, 'distance matrix');
  if (memory === null) return null;
  const row = rowFunction(d, squared ? 'sqeuclidean' : 'euclidean', memory);
  const buffer = memory.buffer;
  new Float64Array(buffer, xOff, n * d).set(x.data.subarray(0, n * d));
  transposeInto(buffer, xtOff, x);
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

/**
 * The distances (`metric`) between the rows of x into a condensed matrix
 * in `memory`: element (i, j), i < j, at byte rb[i] + 8 j. The data goes transposed to xtOff
 * (d n doubles), and `block` rows at a time to xOff (block d doubles). The values are those of
 * `condensedDistances` (distance.ts), bit for bit. `onTile(i0, i1, j0, j1)` is called after
 * each tile of rows i0..i1-1 and columns j0..j1-1, the tiles in the order of their row blocks.
 * The caller has checked that SIMD is there.
 * @internal
 */
export function condensedDistanceRows(
  x: FeatureMatrix,
  metric: SimdMetric,
  memory: WebAssembly.Memory,
  xOff: number,
  xtOff: number,
  rb: Int32Array,
  block: number,
  onTile?: (i0: number, i1: number, j0: number, j1: number) => void,
): void {
  const { rows: n, cols: d } = x;
  const row = rowFunction(d, metric, memory);
  const buffer = memory.buffer;
  const rows = new Float64Array(buffer, xOff, block * d);
  transposeInto(buffer, xtOff, x);
  // tiles of block x block, so that the transposed columns of a tile stay in cache across its
  // rows
  const n8 = n * 8;
  for (let bi = 0; bi < n; bi += block) {
    const ei = Math.min(bi + block, n);
    rows.set(x.data.subarray(bi * d, ei * d));
    for (let bj = bi; bj < n; bj += block) {
      const ej = Math.min(bj + block, n);
      for (let i = bi; i < ei; i++) {
        const from = Math.max(bj, i + 1);
        if (from < ej) row(xOff + (i - bi) * d * 8, xtOff, n8, from, ej, rb[i]!);
      }
      onTile?.(bi, ei, bj, ej);
    }
  }
}

/** `row(xi, xt, n8, j, to, out)` of the distance module for d columns, on `memory`. */
type RowFunction = (xi: number, xt: number, n8: number, j: number, to: number, out: number) => void;

function rowFunction(d: number, metric: SimdMetric, memory: WebAssembly.Memory): RowFunction {
  const module = w.compiled(`distance ${d} ${metric}`, () => distanceModule(d, metric));
  return w.instantiate(module, memory).exports.row as RowFunction;
}

/** The rows of x transposed (column k of all rows at k * n) into `buffer` at byte `xtOff`. */
function transposeInto(buffer: ArrayBufferLike, xtOff: number, x: FeatureMatrix): void {
  const { rows: n, cols: d, data } = x;
  const xt = new Float64Array(buffer, xtOff, n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) xt[k * n + i] = data[i * d + k]!;
}
