/**
 * The Lloyd pass of k-means in WebAssembly SIMD, generated at run time for a given k.
 *
 * One pass = for every row x_i: the squared distances to the k centres, two centres per 128-bit
 * lane pair (f64x2) and two rows per block (each centre pair loaded once for both), each lane
 * summing (x_ij - c_j)^2 over j in order, exactly as the JavaScript kernels do (separate
 * multiply and add, no fused multiply-add), so the distances, labels and sums are bit for bit
 * those of the JavaScript Lloyd pass; then the nearest centre without a branch per centre (the
 * minimum by a tree of f64x2.pmin, then the first centre equal to it, from the byte mask of
 * the comparisons: the lowest index on ties, as the JavaScript `<` scan), whether the label
 * changed, and the row added to its centre's sum (two columns per lane pair, rows in order).
 * The subtractions and additions of the distances (two per multiply) bound the pass: with
 * f64x2 at one lane pair per cycle on two adders, about 17 ms of the 21 ms a pass over 1M x 16
 * rows and 8 centres takes here; the branchy scalar minimum it replaced took another 15 ms.
 *
 * The same module evaluates the candidates of greedy k-means++ (cluster/kmeans/init.ts): for L =
 * 2 + floor(ln k) candidate rows, min(||x_i - c_t||^2, D(i)) for every row, two candidates per
 * lane pair and two rows per block, again bit for bit the JavaScript values. And the passes
 * over the data before the iterations: `maxabs` (largest |x|, NaN if a value is not finite:
 * the finiteness check and the magnitude of util/magnitude.ts in one read), column sums, sums of
 * squares and centring, with the JavaScript loops' order of additions.
 *
 * Also here: the row gather of mini-batch k-means (`createGatherKernel`), whose memory holds a
 * copy of X, one batch and the Lloyd pass for the batch and final labels, and adds the batch
 * rows to their centres; and the assembler helpers the silhouette kernel (metrics/silhouette.ts)
 * and the PCA kernels are built with.
 *
 * Memory (one `WebAssembly.Memory` per fit, little-endian f64/i32):
 *   [X: n*d f64][centres transposed: d*kp f64][labels: n i32][sums: k*d f64][weights: k f64]
 *   [candidates transposed: d*Lp f64][D: n f64][potentials: L*n f64]
 * with kp, Lp = k, L rounded up to even; the padding centre is +Infinity (never nearest).
 * X lives in this memory for the whole fit: `kmeans` copies the data there and centres it in
 * place, so the data is not copied twice. After a fit the memory (with its instance) is kept
 * as a spare for the next fit of a size it holds (util/spare.ts).
 *
 * The module is assembled from bytes here (no toolchain, no binary in the repository); it needs
 * the WebAssembly SIMD proposal (Node >= 16.4). When the runtime lacks it, or the data does not
 * fit in 4 GiB of 32-bit memory, `createLloydKernel` returns null and k-means uses JavaScript.
 * Instruction encodings: WebAssembly Core Specification 2.0, section 5.4 (SIMD: 5.4.8).
 */

import { giveSpare, takeSpare } from '../../util/spare.js';

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

// instructions
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const f64 = (v: number) => [0x44, ...Array.from(new Uint8Array(new Float64Array([v]).buffer))];
const I32_EQZ = [0x45];
const I32_NE = [0x47];
const I32_LT_U = [0x49];
const I32_GT_U = [0x4b];
const I32_ADD = [0x6a];
const I32_SUB = [0x6b];
const I32_MUL = [0x6c];
const I32_SHL = [0x74];
const I32_SHR_U = [0x76];
const I32_CTZ = [0x68];
const F64_ADD = [0xa0];
const F64_SUB = [0xa1];
const F64_MAX = [0xa5];
const F64_GT = [0x64];
const F64_MUL = [0xa2];
const f64Load = (offset = 0) => [0x2b, 3, ...uleb(offset)];
const f64Store = (offset = 0) => [0x39, 3, ...uleb(offset)];
const I32_LOAD = [0x28, 2, 0];
const I32_STORE = [0x36, 2, 0];
const v128Load = (offset = 0) => [0xfd, ...uleb(0x00), 3, ...uleb(offset)];
const V128_STORE = (offset = 0) => [0xfd, ...uleb(0x0b), 3, ...uleb(offset)];
const V128_ZERO = [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)];
const load64Splat = (offset = 0) => [0xfd, ...uleb(0x0a), 3, ...uleb(offset)];
const v128Store64Lane = (lane: number, offset = 0) => [
  0xfd,
  ...uleb(0x5b),
  3,
  ...uleb(offset),
  lane,
];
const f64x2Lane = (lane: number) => [0xfd, ...uleb(0x21), lane];
const F64X2_ADD = [0xfd, ...uleb(0xf0)];
const F64X2_SUB = [0xfd, ...uleb(0xf1)];
const F64X2_MUL = [0xfd, ...uleb(0xf2)];
const F64X2_PMIN = [0xfd, ...uleb(0xf6)];
const F64X2_ABS = [0xfd, ...uleb(0xec)];
const F64X2_PMAX = [0xfd, ...uleb(0xf7)];
const F64X2_EQ = [0xfd, ...uleb(0x47)];
const I16X8_NARROW_I32X4_S = [0xfd, ...uleb(0x85)];
const I8X16_NARROW_I16X8_S = [0xfd, ...uleb(0x65)];
const I8X16_BITMASK = [0xfd, ...uleb(0x64)];
/** i8x16.shuffle of one vector with itself: its two f64 lanes swapped. */
const SWAP_LANES = [0xfd, ...uleb(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SELECT = [0x1b];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = [0x0b];
const br = (depth: number) => [0x0c, ...uleb(depth)];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];

/**
 * Emits the distances of the rows i .. i+R-1 (R = 1 or 2) of x (d columns) to the 2 * pairs
 * centres stored transposed at ct (d x 2 pairs): local ACC + r * pairs + c = sum over j in order
 * of (x_{i+r, j} - c_j)^2 for the centres 2c and 2c + 1, each centre pair loaded once for the R
 * rows (separate multiply and add: the bits of the JavaScript loops). Uses the locals i, j, q,
 * ROW[r] (row addresses), XS[r] (splats), CV, E.
 */
function blockDistances(
  emit: (...parts: number[][]) => void,
  R: number,
  pairs: number,
  l: {
    x: number;
    d: number;
    ct: number;
    i: number;
    j: number;
    q: number;
    ROW: number[];
    XS: number[];
    CV: number;
    E: number;
    ACC: number;
  },
): void {
  for (let r = 0; r < R; r++) {
    emit(get(l.x), get(l.i), i32(r), I32_ADD, get(l.d), I32_MUL, i32(3), I32_SHL, I32_ADD);
    emit(set(l.ROW[r]!));
    for (let c = 0; c < pairs; c++) emit(V128_ZERO, set(l.ACC + r * pairs + c));
  }
  emit(get(l.ct), set(l.q), i32(0), set(l.j));
  emit(BLOCK, LOOP);
  emit(get(l.j), get(l.d), I32_LT_U, I32_EQZ, brIf(1));
  for (let r = 0; r < R; r++) {
    emit(get(l.ROW[r]!), get(l.j), i32(3), I32_SHL, I32_ADD, load64Splat(), set(l.XS[r]!));
  }
  for (let c = 0; c < pairs; c++) {
    emit(get(l.q), v128Load(c * 16), set(l.CV));
    for (let r = 0; r < R; r++) {
      // acc = (x - c)^2 + acc, two centres per lane pair
      const acc = l.ACC + r * pairs + c;
      emit(get(l.XS[r]!), get(l.CV), F64X2_SUB, tee(l.E), get(l.E), F64X2_MUL);
      emit(get(acc), F64X2_ADD, set(acc));
    }
  }
  emit(get(l.q), i32(pairs * 16), I32_ADD, set(l.q));
  emit(get(l.j), i32(1), I32_ADD, set(l.j), br(0));
  emit(END, END);
}

/**
 * Body of `pass(x, n, d, ct, labels, sums, weights) -> changed` for k centres, or with
 * `weighted` of `passWeighted(x, n, d, ct, labels, sums, weights, rw)`, whose rows count with
 * their weights rw[i] (f64): sums[best] += x_i * rw[i], weights[best] += rw[i], as the
 * JavaScript pass.
 */
function passCode(k: number, weighted: boolean): number[] {
  const kp = k + (k & 1);
  const pairs = kp / 2;
  const P = { x: 0, n: 1, d: 2, ct: 3, labels: 4, sums: 5, weights: 6, rw: 7 };
  const l0 = weighted ? 8 : 7; // the first local
  const L = { i: l0, j: l0 + 1, q: l0 + 2, best: l0 + 3, changed: l0 + 4, t: l0 + 5 };
  const ROW = [l0 + 6, l0 + 7]; // row pointers of the block
  const A = { pa: l0 + 8, qs: l0 + 9 };
  const XS = [l0 + 10, l0 + 11];
  const E = l0 + 12;
  const CV = l0 + 13;
  const ACC = l0 + 14; // 2 * pairs accumulators: ACC + r * pairs + c
  const MIN = ACC + 2 * pairs;
  const WV = MIN + 1; // the row's weight in both lanes
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  /** Rows i .. i+R-1 (R = 1 or 2): each centre pair is loaded once for the R rows. */
  const rows = (R: number) => {
    blockDistances(emit, R, pairs, { ...P, ...L, ROW, XS, CV, E, ACC });
    for (let r = 0; r < R; r++) {
      // nearest centre, lowest index on ties: the minimum in both lanes (pairwise tree of
      // pmin, then the lanes swapped), then the first centre equal to it, from the byte mask
      // of the comparisons (8 centres per i8x16 mask, 2 bits each)
      const acc = (c: number) => ACC + r * pairs + c;
      const tree = (lo: number, hi: number) => {
        if (hi - lo === 1) {
          emit(get(acc(lo)));
          return;
        }
        const mid = (lo + hi) >> 1;
        tree(lo, mid);
        tree(mid, hi);
        emit(F64X2_PMIN);
      };
      tree(0, pairs);
      emit(set(MIN), get(MIN), get(MIN), get(MIN), SWAP_LANES, F64X2_PMIN, set(MIN));
      const equal = (c: number) => {
        if (c < pairs) emit(get(acc(c)), get(MIN), F64X2_EQ);
        else emit(V128_ZERO);
      };
      emit(i32(0), set(L.best));
      for (let g = Math.ceil(pairs / 4) - 1; g >= 0; g--) {
        equal(4 * g);
        equal(4 * g + 1);
        emit(I16X8_NARROW_I32X4_S);
        equal(4 * g + 2);
        equal(4 * g + 3);
        emit(I16X8_NARROW_I32X4_S, I8X16_NARROW_I16X8_S, I8X16_BITMASK, tee(L.t));
        emit(I32_CTZ, i32(1), I32_SHR_U, i32(8 * g), I32_ADD, get(L.best), get(L.t), SELECT);
        emit(set(L.best));
      }
      // label changed?
      emit(get(P.labels), get(L.i), i32(r), I32_ADD, i32(2), I32_SHL, I32_ADD, tee(L.t));
      emit(I32_LOAD, get(L.best), I32_NE, IF, get(L.t), get(L.best), I32_STORE);
      emit(get(L.changed), i32(1), I32_ADD, set(L.changed), END);
      // sums[best] += row (times its weight), two columns per lane pair; weights[best] += 1
      // (or the weight); rows in order
      if (weighted) {
        emit(get(P.rw), get(L.i), i32(r), I32_ADD, i32(3), I32_SHL, I32_ADD, load64Splat());
        emit(set(WV));
      }
      const times = weighted ? [...get(WV), ...F64X2_MUL] : [];
      const timesScalar = weighted ? [...get(WV), ...f64x2Lane(0), ...F64_MUL] : [];
      emit(get(P.sums), get(L.best), get(P.d), I32_MUL, i32(3), I32_SHL, I32_ADD, set(A.qs));
      emit(get(ROW[r]!), set(A.pa), i32(0), set(L.j));
      emit(BLOCK, LOOP);
      emit(get(L.j), i32(1), I32_ADD, get(P.d), I32_LT_U, I32_EQZ, brIf(1));
      emit(get(A.qs), get(A.qs), v128Load(), get(A.pa), v128Load(), times, F64X2_ADD);
      emit(V128_STORE(), get(A.qs), i32(16), I32_ADD, set(A.qs));
      emit(get(A.pa), i32(16), I32_ADD, set(A.pa));
      emit(get(L.j), i32(2), I32_ADD, set(L.j), br(0));
      emit(END, END);
      emit(get(L.j), get(P.d), I32_LT_U, IF);
      emit(get(A.qs), get(A.qs), f64Load(), get(A.pa), f64Load(), timesScalar, F64_ADD);
      emit(f64Store(), END);
      emit(get(P.weights), get(L.best), i32(3), I32_SHL, I32_ADD, tee(L.t));
      emit(get(L.t), f64Load(), weighted ? [...get(WV), ...f64x2Lane(0)] : f64(1));
      emit(F64_ADD, f64Store());
    }
  };
  emit(i32(0), set(L.i), i32(0), set(L.changed));
  emit(BLOCK, LOOP);
  emit(get(L.i), i32(1), I32_ADD, get(P.n), I32_LT_U, I32_EQZ, brIf(1));
  rows(2);
  emit(get(L.i), i32(2), I32_ADD, set(L.i), br(0));
  emit(END, END);
  emit(get(L.i), get(P.n), I32_LT_U, IF);
  rows(1);
  emit(END);
  emit(get(L.changed));
  const locals = vec([
    [...uleb(10), I32],
    [...uleb(6 + 2 * pairs), V128],
  ]);
  return [...locals, ...b, ...END];
}

/**
 * The module of `pass(x, n, d, ct, labels, sums, weights) -> changed` for k centres (byte
 * offsets; sums and weights must be zero on entry).
 */
function lloydModule(k: number): Uint8Array<ArrayBuffer> {
  const code = passCode(k, false);
  const weighted = passCode(k, true);
  const cand = candidatesCode(trials(k));
  const params7 = vec(new Array<number[]>(7).fill([I32]));
  const params6 = vec(new Array<number[]>(6).fill([I32]));
  const params5 = vec(new Array<number[]>(5).fill([I32]));
  const params8 = vec(new Array<number[]>(8).fill([I32]));
  const bodies = [
    code,
    cand,
    columnsCode('scan'),
    columnsCode('centre'),
    columnsCode('centreSquares'),
    inertiaCode(false),
    weighted,
    inertiaCode(true),
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vec([
        [0x60, ...params7, ...vec([[I32]])],
        [0x60, ...params6, ...vec([])],
        [0x60, ...params5, ...vec([[F64]])],
        [0x60, ...params8, ...vec([[I32]])],
        [0x60, ...params6, ...vec([[F64]])],
      ]),
    ),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0), uleb(1), uleb(2), uleb(2), uleb(2), uleb(2), uleb(3), uleb(4)])),
    ...section(
      7,
      vec([
        [...name('pass'), 0x00, ...uleb(0)],
        [...name('candidates'), 0x00, ...uleb(1)],
        [...name('scan'), 0x00, ...uleb(2)],
        [...name('centre'), 0x00, ...uleb(3)],
        [...name('centreSquares'), 0x00, ...uleb(4)],
        [...name('inertia'), 0x00, ...uleb(5)],
        [...name('passWeighted'), 0x00, ...uleb(6)],
        [...name('inertiaWeighted'), 0x00, ...uleb(7)],
      ]),
    ),
    ...section(10, vec(bodies.map((body) => [...uleb(body.length), ...body]))),
  ]);
}

/**
 * Body of `inertia(x, n, d, c, labels) -> f64`: the sum over the rows, in order, of
 * ||x_i - c_{labels[i]}||^2 with c row-major (k x d), each distance summed as `inertiaOf`
 * (kmeans.ts) does: four squares at a time, ((e0^2 + e1^2) + e2^2) + e3^2 added to the running
 * distance, then the last d mod 4 one by one. Scalar: the same bits as the JavaScript. With
 * `weighted`, `inertiaWeighted(x, n, d, c, labels, rw)`: each distance times rw[i].
 */
function inertiaCode(weighted: boolean): number[] {
  const P = { x: 0, n: 1, d: 2, c: 3, labels: 4, rw: 5 };
  const l0 = weighted ? 6 : 5;
  const L = { i: l0, j: l0 + 1, p: l0 + 2, q: l0 + 3, s: l0 + 4, r: l0 + 5, e: l0 + 6 };
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  const square = (off: number) => {
    emit(get(L.p), f64Load(off), get(L.q), f64Load(off), F64_SUB, tee(L.e), get(L.e), F64_MUL);
  };
  emit(get(P.x), set(L.p), i32(0), set(L.i), BLOCK, LOOP);
  emit(get(L.i), get(P.n), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(P.c), get(P.labels), get(L.i), i32(2), I32_SHL, I32_ADD, I32_LOAD);
  emit(get(P.d), I32_MUL, i32(3), I32_SHL, I32_ADD, set(L.q));
  emit(f64(0), set(L.r), i32(0), set(L.j), BLOCK, LOOP);
  emit(get(L.j), i32(4), I32_ADD, get(P.d), I32_GT_U, brIf(1));
  emit(get(L.r));
  square(0);
  square(8);
  emit(F64_ADD);
  square(16);
  emit(F64_ADD);
  square(24);
  emit(F64_ADD, F64_ADD, set(L.r));
  emit(get(L.p), i32(32), I32_ADD, set(L.p), get(L.q), i32(32), I32_ADD, set(L.q));
  emit(get(L.j), i32(4), I32_ADD, set(L.j), br(0), END, END);
  emit(BLOCK, LOOP, get(L.j), get(P.d), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(L.r));
  square(0);
  emit(F64_ADD, set(L.r));
  emit(get(L.p), i32(8), I32_ADD, set(L.p), get(L.q), i32(8), I32_ADD, set(L.q));
  emit(get(L.j), i32(1), I32_ADD, set(L.j), br(0), END, END);
  emit(get(L.s), get(L.r));
  if (weighted) emit(get(P.rw), get(L.i), i32(3), I32_SHL, I32_ADD, f64Load(), F64_MUL);
  emit(F64_ADD, set(L.s));
  emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0), END, END);
  emit(get(L.s));
  const locals = vec([
    [...uleb(4), I32],
    [...uleb(3), F64],
  ]);
  return [...locals, ...b, ...END];
}

/**
 * Body of a column pass `f(x, n, d, v, s) -> f64` over the rows of x in order, two columns per
 * lane pair, with the order of additions of the JavaScript loops (sequential sums per column):
 * - 'scan': v[j] += x_ij; returns the largest |x_ij|, or NaN if a value is not finite (the
 *   magnitudes by f64x2.pmax, one instruction unlike f64x2.max; sums of x - x, which stay 0
 *   unless a value is NaN or infinite): the finiteness check, the magnitude of
 *   util/magnitude.ts and the column sums in one read of the data;
 * - 'centre': x_ij = x_ij - v[j];
 * - 'centreSquares': the same, and s[j] += x_ij * x_ij of the centred value.
 */
function columnsCode(kind: 'scan' | 'centre' | 'centreSquares'): number[] {
  const P = { x: 0, n: 1, d: 2, v: 3, s: 4 };
  const L = { i: 5, j: 6, p: 7, q: 8, delta: 9, max: 10, m: 11, z: 12, t: 13 };
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  /** One step at p (row), q (v) and q + delta (s), `wide` two columns, else one. */
  const step = (wide: boolean) => {
    const load = wide ? v128Load() : f64Load();
    const store = wide ? V128_STORE() : f64Store();
    const [add, sub, mul] = wide ? [F64X2_ADD, F64X2_SUB, F64X2_MUL] : [F64_ADD, F64_SUB, F64_MUL];
    if (kind === 'scan') {
      emit(get(L.q), get(L.q), load, get(L.p), load, add, store);
      emit(get(L.p), wide ? v128Load() : load64Splat(), tee(L.t), F64X2_ABS, get(L.m), F64X2_PMAX);
      emit(set(L.m), get(L.z), get(L.t), get(L.t), F64X2_SUB, F64X2_ADD, set(L.z));
      return;
    }
    // e = x - v, stored; with squares, s += e * e
    emit(get(L.p), get(L.p), load, get(L.q), load, sub);
    if (kind === 'centre') {
      emit(store);
      return;
    }
    emit(tee(wide ? L.t : L.max), store);
    const e = wide ? L.t : L.max;
    emit(get(L.q), get(L.delta), I32_ADD, get(L.q), get(L.delta), I32_ADD, load);
    emit(get(e), get(e), mul, add, store);
  };
  emit(get(P.s), get(P.v), I32_SUB, set(L.delta));
  emit(V128_ZERO, set(L.m), V128_ZERO, set(L.z));
  emit(get(P.x), set(L.p), i32(0), set(L.i), BLOCK, LOOP);
  emit(get(L.i), get(P.n), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(P.v), set(L.q), i32(0), set(L.j), BLOCK, LOOP);
  emit(get(L.j), i32(1), I32_ADD, get(P.d), I32_LT_U, I32_EQZ, brIf(1));
  step(true);
  emit(get(L.p), i32(16), I32_ADD, set(L.p), get(L.q), i32(16), I32_ADD, set(L.q));
  emit(get(L.j), i32(2), I32_ADD, set(L.j), br(0), END, END);
  emit(get(L.j), get(P.d), I32_LT_U, IF);
  step(false);
  emit(get(L.p), i32(8), I32_ADD, set(L.p), END);
  emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0), END, END);
  // the largest magnitude + 0, or NaN when a sum of x - x is NaN
  emit(get(L.m), f64x2Lane(0), get(L.m), f64x2Lane(1), F64_MAX);
  emit(get(L.z), f64x2Lane(0), F64_ADD, get(L.z), f64x2Lane(1), F64_ADD);
  const locals = vec([
    [...uleb(5), I32],
    [...uleb(1), F64],
    [...uleb(3), V128],
  ]);
  return [...locals, ...b, ...END];
}

/** Candidates per k-means++ step: 2 + floor(ln k), as cluster/kmeans/init.ts. */
function trials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/**
 * Body of `candidates(x, n, d, ct, closest, out)`: for every row i and candidate t < L,
 * out[t n + i] = min(||x_i - c_t||^2, closest[i]) (the k-means++ potential with candidate t),
 * two candidates per lane pair and two rows per block (each candidate pair loaded once for both
 * rows); ct holds the candidates transposed (d x Lp). The minimum is f64x2.pmin (d < cl ? d :
 * cl, no branch), each lane stored to its candidate's row of out.
 */
function candidatesCode(L: number): number[] {
  const Lp = L + (L & 1);
  const pairs = Lp / 2;
  const P = { x: 0, n: 1, d: 2, ct: 3, closest: 4, out: 5 };
  const Lc = { i: 6, j: 7, q: 8, o: 9, stride: 10 };
  const ROW = [11, 12];
  const XS = [13, 14];
  const E = 15;
  const CV = 16;
  const CL = 17;
  const ACC = 18; // ACC + r * pairs + c
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  const rows = (R: number) => {
    blockDistances(emit, R, pairs, { ...P, ...Lc, ROW, XS, CV, E, ACC });
    for (let r = 0; r < R; r++) {
      emit(get(Lc.i), i32(r), I32_ADD, i32(3), I32_SHL, tee(Lc.o));
      emit(get(P.closest), I32_ADD, load64Splat(), set(CL));
      emit(get(P.out), get(Lc.o), I32_ADD, set(Lc.o));
      for (let t = 0; t < L; t++) {
        // out[t n + i] = d < cl ? d : cl
        emit(get(Lc.o), get(Lc.stride), i32(t), I32_MUL, I32_ADD);
        emit(get(CL), get(ACC + r * pairs + (t >> 1)), F64X2_PMIN, v128Store64Lane(t & 1));
      }
    }
  };
  emit(get(P.n), i32(3), I32_SHL, set(Lc.stride), i32(0), set(Lc.i));
  emit(BLOCK, LOOP);
  emit(get(Lc.i), i32(1), I32_ADD, get(P.n), I32_LT_U, I32_EQZ, brIf(1));
  rows(2);
  emit(get(Lc.i), i32(2), I32_ADD, set(Lc.i), br(0));
  emit(END, END);
  emit(get(Lc.i), get(P.n), I32_LT_U, IF);
  rows(1);
  emit(END);
  const locals = vec([
    [...uleb(7), I32],
    [...uleb(5 + 2 * pairs), V128],
  ]);
  return [...locals, ...b, ...END];
}

/**
 * The byte encoders above, for other kernels assembled the same way (the silhouette).
 * @internal
 */
export const wasm = {
  uleb,
  name,
  section,
  vec,
  get,
  set,
  tee,
  i32,
  f64Load,
  f64Store,
  v128Load,
  f64x2Lane,
  br,
  brIf,
  types: { I32, F64, V128 },
  op: {
    I32_EQZ,
    I32_LT_U,
    I32_ADD,
    I32_MUL,
    I32_SHL,
    I32_LOAD,
    F64_ADD,
    F64_SUB,
    F64_MUL,
    F64_SQRT: [0x9f],
    V128_ZERO,
    F64X2_ADD,
    F64X2_SUB,
    F64X2_MUL,
    BLOCK,
    LOOP,
    END,
  },
};

const modules = new Map<number, WebAssembly.Module>();
let supported: boolean | undefined;
let enabled = true;

/**
 * Turn the WebAssembly kernel off (false) or on again; returns the previous setting. For tests
 * and benchmarks that compare it with the JavaScript kernel; results are the same either way.
 * @internal
 */
export function setSimdEnabled(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** True if the runtime compiles WebAssembly SIMD (and the kernel is not turned off). */
export function simdSupported(): boolean {
  if (!enabled) return false;
  if (supported === undefined) {
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(lloydModule(2));
    } catch {
      supported = false;
    }
  }
  return supported;
}

/** A Lloyd kernel bound to its memory, for one fit of n x d data and k centres. @internal */
export interface LloydKernel {
  /** The data, to be filled (centred) by the caller; a view on the kernel's memory. */
  readonly X: Float64Array;
  /** Labels of the current run (-1 before the first pass); a view on the kernel's memory. */
  readonly labels: Int32Array;
  /**
   * One pass against `centres` (k x d, row-major): labels updated, and each cluster's sum and
   * count (weighted sum and total weight, with row weights) written to `sums` and `counts`.
   * Returns the number of labels that changed.
   */
  pass(centres: Float64Array, sums: Float64Array, counts: Float64Array): number;
  /** Candidates per k-means++ step (2 + floor(ln k)). */
  readonly trials: number;
  /** k-means++ distances to the nearest chosen centre; a view on the kernel's memory. */
  readonly closest: Float64Array;
  /** k-means++ potentials with each candidate (`trials` rows of n); views on the memory. */
  readonly candidates: Float64Array[];
  /** Fill `candidates` for the candidate rows `ids` of X (length `trials`). */
  evaluate(ids: Int32Array): void;
  /**
   * Copy `data` (n x d) into X; returns the largest |value|, or NaN when a value is not
   * finite. The same read sums the columns, for `centre`.
   */
  load(data: Float64Array): number;
  /**
   * Centre X (as loaded) in place: the column means (sequential sums over the rows, then
   * divided by n, as `columnMeans`), and, if asked, the population variances of the columns
   * (sums of the squared centred values divided by n, as `meanVariance`), in the same pass.
   */
  centre(variances: boolean): { mean: Float64Array; variance: Float64Array | null };
  /**
   * The inertia of X with the labels of the last pass and `centres` (k x d, row-major): the
   * sum and its order as `inertiaOf` (kmeans.ts), with the kernel's row weights if it has them.
   */
  inertia(centres: Float64Array): number;
  /** Done with the kernel: its memory may serve the next one (no view may be used after). */
  release(): void;
}

/** A Lloyd kernel's memory and instance, kept for the next fit (util/spare.ts). */
interface LloydSpare {
  memory: WebAssembly.Memory;
  k: number;
  instance: WebAssembly.Instance;
}

const PAGE = 65536;

/**
 * A kernel for n x d data and k centres (rows weighted by `rowWeights` if given), or null
 * without SIMD or beyond 4 GiB. @internal
 */
export function createLloydKernel(
  n: number,
  d: number,
  k: number,
  rowWeights: Float64Array | null = null,
): LloydKernel | null {
  if (!simdSupported()) return null;
  const kp = k + (k & 1);
  const xBytes = n * d * 8;
  const ctOff = xBytes;
  const labelsOff = ctOff + d * kp * 8;
  const sumsOff = labelsOff + Math.ceil((n * 4) / 16) * 16;
  const weightsOff = sumsOff + k * d * 8;
  const L = trials(k);
  const Lp = L + (L & 1);
  const candCtOff = weightsOff + Math.ceil((k * 8) / 16) * 16;
  const closestOff = candCtOff + d * Lp * 8;
  const candOff = closestOff + n * 8;
  const rwOff = candOff + L * n * 8;
  const total = rwOff + (rowWeights ? n * 8 : 0);
  const pages = Math.ceil(total / PAGE);
  if (pages > 65536) return null;
  let spare = takeSpare<LloydSpare>('lloyd', total);
  try {
    if (spare === null || spare.k !== k) {
      const memory = spare?.memory ?? new WebAssembly.Memory({ initial: pages });
      let module = modules.get(k);
      if (module === undefined) {
        module = new WebAssembly.Module(lloydModule(k));
        modules.set(k, module);
      }
      spare = { memory, k, instance: new WebAssembly.Instance(module, { env: { memory } }) };
    }
  } catch {
    return null; // out of memory for the module: JavaScript will do
  }
  const { memory, instance } = spare;
  const kept = spare;
  // with row weights, the passes and the inertia that weigh each row
  const fn = instance.exports[rowWeights ? 'passWeighted' : 'pass'] as (...a: number[]) => number;
  const inertiaFn = instance.exports[rowWeights ? 'inertiaWeighted' : 'inertia'] as (
    ...a: number[]
  ) => number;
  const candFn = instance.exports.candidates as (...args: number[]) => void;
  const columns = instance.exports as Record<
    'scan' | 'centre' | 'centreSquares',
    (...a: number[]) => number
  >;
  /** Column sums of the data after `load`. */
  const colSums = new Float64Array(d);
  const buffer = memory.buffer;
  if (rowWeights) new Float64Array(buffer, rwOff, n).set(rowWeights);
  const candCt = new Float64Array(buffer, candCtOff, d * Lp);
  const closest = new Float64Array(buffer, closestOff, n);
  const candidates: Float64Array[] = [];
  for (let t = 0; t < L; t++) candidates.push(new Float64Array(buffer, candOff + t * n * 8, n));
  const X = new Float64Array(buffer, 0, n * d);
  const ct = new Float64Array(buffer, ctOff, d * kp);
  const labels = new Int32Array(buffer, labelsOff, n);
  const sums = new Float64Array(buffer, sumsOff, k * d);
  const weights = new Float64Array(buffer, weightsOff, k);
  return {
    X,
    labels,
    pass(centres, outSums, outCounts) {
      for (let j = 0; j < d; j++) {
        for (let c = 0; c < k; c++) ct[j * kp + c] = centres[c * d + j]!;
        if (kp > k) ct[j * kp + k] = Number.POSITIVE_INFINITY;
      }
      sums.fill(0);
      weights.fill(0);
      const changed = fn(0, n, d, ctOff, labelsOff, sumsOff, weightsOff, rwOff);
      outSums.set(sums);
      outCounts.set(weights);
      return changed;
    },
    trials: L,
    closest,
    candidates,
    evaluate(ids) {
      for (let j = 0; j < d; j++) {
        for (let t = 0; t < L; t++) candCt[j * Lp + t] = X[ids[t]! * d + j]!;
        if (Lp > L) candCt[j * Lp + L] = 0;
      }
      candFn(0, n, d, candCtOff, closestOff, candOff);
    },
    release() {
      giveSpare('lloyd', kept);
    },
    inertia(centres) {
      sums.set(centres);
      return inertiaFn(0, n, d, sumsOff, labelsOff, rwOff);
    },
    load(data) {
      X.set(data);
      const v = sums.subarray(0, d);
      v.fill(0);
      const max = columns.scan(0, n, d, sumsOff, sumsOff);
      colSums.set(v);
      return max;
    },
    centre(variances) {
      // the mean in `sums`, the sums of squares in `candCt` (d * Lp >= 2d doubles)
      const mean = colSums.slice();
      for (let j = 0; j < d; j++) mean[j]! /= n;
      sums.set(mean);
      if (!variances) {
        columns.centre(0, n, d, sumsOff, candCtOff);
        return { mean, variance: null };
      }
      candCt.fill(0, 0, d);
      columns.centreSquares(0, n, d, sumsOff, candCtOff);
      const variance = candCt.slice(0, d);
      for (let j = 0; j < d; j++) variance[j]! /= n;
      return { mean, variance };
    },
  };
}

/** Row gathering for mini-batch k-means: the data and one batch in a WebAssembly memory. @internal */
export interface GatherKernel {
  /** The data (n x d), to be filled by the caller; a view on the kernel's memory. */
  readonly X: Float64Array;
  /** The batch rows (m x d) after `gather`; a view on the kernel's memory. */
  readonly batch: Float64Array;
  /** Row indices of the batch, to be filled by the caller; a view on the kernel's memory. */
  readonly indices: Int32Array;
  /** batch[t] = X[indices[t]] for t < m. */
  gather(): void;
  /**
   * Nearest of the k centres (lowest index on ties) for every batch row, by the Lloyd pass
   * (bit for bit the JavaScript labels); the returned view is overwritten by the next call.
   */
  nearest(centres: Float64Array): Int32Array;
  /** The same for every row of X (a new array). */
  nearestAll(centres: Float64Array): Int32Array;
  /** The inertia of X with the labels of the last `nearestAll`, as `inertiaOf` (unweighted). */
  inertiaAll(centres: Float64Array): number;
  /**
   * out[c] += batch row t (k x d, row-major), t in order, c its label from the last `nearest`,
   * for the clusters with active[c] > 0.
   */
  accumulate(out: Float64Array, active: Float64Array): void;
  /** Copy `data` (n x d) into X. */
  load(data: Float64Array): void;
  /** Done with the kernel: its memory may serve the next one (no view may be used after). */
  release(): void;
}

/** A gather kernel's memory and instances, kept for the next fit (util/spare.ts). */
interface GatherSpare {
  memory: WebAssembly.Memory;
  d: number;
  k: number;
  gather: WebAssembly.Instance;
  lloyd: WebAssembly.Instance;
}

const gatherModules = new Map<number, WebAssembly.Module>();

/**
 * `gather(x, indices, m, out)` for rows of d doubles: two doubles per v128 load and store. A
 * JavaScript loop copying random rows is several times slower (measured: 2.8M random rows of
 * 16 doubles from 128 MB took 650-800 ms in JavaScript, 100 ms here and 210-250 ms in numpy).
 */
function gatherModule(d: number): Uint8Array<ArrayBuffer> {
  const P = { x: 0, indices: 1, m: 2, out: 3 };
  const L = { t: 4, src: 5, dst: 6 };
  const row = d * 8;
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  emit(i32(0), set(L.t), BLOCK, LOOP);
  emit(get(L.t), get(P.m), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(P.x), get(P.indices), get(L.t), i32(2), I32_SHL, I32_ADD, I32_LOAD, i32(row), I32_MUL);
  emit(I32_ADD, set(L.src), get(P.out), get(L.t), i32(row), I32_MUL, I32_ADD, set(L.dst));
  for (let q = 0; q + 2 <= d; q += 2) {
    emit(get(L.dst), get(L.src), v128Load(q * 8), V128_STORE(q * 8));
  }
  if (d % 2 === 1) emit(get(L.dst), get(L.src), f64Load((d - 1) * 8), f64Store((d - 1) * 8));
  emit(get(L.t), i32(1), I32_ADD, set(L.t), br(0), END, END);
  const locals = vec([[...uleb(3), I32]]);
  const code = [...locals, ...b, ...END];
  const acc = accumulateCode(d);
  const params4 = vec(new Array<number[]>(4).fill([I32]));
  const params5 = vec(new Array<number[]>(5).fill([I32]));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vec([
        [0x60, ...params4, ...vec([])],
        [0x60, ...params5, ...vec([])],
      ]),
    ),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0), uleb(1)])),
    ...section(
      7,
      vec([
        [...name('gather'), 0x00, ...uleb(0)],
        [...name('accumulate'), 0x00, ...uleb(1)],
      ]),
    ),
    ...section(
      10,
      vec([
        [...uleb(code.length), ...code],
        [...uleb(acc.length), ...acc],
      ]),
    ),
  ]);
}

/**
 * Body of `accumulate(rows, m, labels, out, active)` for rows of d doubles: out[c] += rows[t]
 * for t < m in order, c = labels[t], when active[c] > 0 (f64); two columns per lane pair, the
 * sums of the JavaScript loop.
 */
function accumulateCode(d: number): number[] {
  const P = { rows: 0, m: 1, labels: 2, out: 3, active: 4 };
  const L = { t: 5, c: 6, src: 7, dst: 8 };
  const row = d * 8;
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  emit(get(P.rows), set(L.src), i32(0), set(L.t), BLOCK, LOOP);
  emit(get(L.t), get(P.m), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(P.labels), get(L.t), i32(2), I32_SHL, I32_ADD, I32_LOAD, set(L.c));
  emit(get(P.active), get(L.c), i32(3), I32_SHL, I32_ADD, f64Load(), f64(0), F64_GT, IF);
  emit(get(P.out), get(L.c), i32(row), I32_MUL, I32_ADD, set(L.dst));
  for (let q = 0; q + 2 <= d; q += 2) {
    emit(get(L.dst), get(L.dst), v128Load(q * 8), get(L.src), v128Load(q * 8), F64X2_ADD);
    emit(V128_STORE(q * 8));
  }
  if (d % 2 === 1) {
    const o = (d - 1) * 8;
    emit(get(L.dst), get(L.dst), f64Load(o), get(L.src), f64Load(o), F64_ADD, f64Store(o));
  }
  emit(END, get(L.src), i32(row), I32_ADD, set(L.src));
  emit(get(L.t), i32(1), I32_ADD, set(L.t), br(0), END, END);
  return [...vec([[...uleb(4), I32]]), ...b, ...END];
}

/** A gather kernel for n x d data and batches of m rows, or null (no SIMD, > 4 GiB, d > 512). */
export function createGatherKernel(
  n: number,
  d: number,
  m: number,
  k: number,
): GatherKernel | null {
  if (!simdSupported() || d > 512) return null;
  const kp = k + (k & 1);
  const batchOff = n * d * 8;
  const indicesOff = batchOff + m * d * 8;
  const ctOff = indicesOff + Math.ceil((m * 4) / 16) * 16;
  const labelsOff = ctOff + d * kp * 8;
  const sumsOff = labelsOff + Math.ceil((m * 4) / 16) * 16;
  const weightsOff = sumsOff + k * d * 8;
  const allLabelsOff = weightsOff + Math.ceil((k * 8) / 16) * 16;
  const total = allLabelsOff + n * 4;
  const pages = Math.ceil(total / PAGE);
  if (pages > 65536) return null;
  let spare = takeSpare<GatherSpare>('gather', total);
  try {
    if (spare === null || spare.d !== d || spare.k !== k) {
      const memory = spare?.memory ?? new WebAssembly.Memory({ initial: pages });
      let module = gatherModules.get(d);
      if (module === undefined) {
        module = new WebAssembly.Module(gatherModule(d));
        gatherModules.set(d, module);
      }
      let lloyd = modules.get(k);
      if (lloyd === undefined) {
        lloyd = new WebAssembly.Module(lloydModule(k));
        modules.set(k, lloyd);
      }
      spare = {
        memory,
        d,
        k,
        gather: new WebAssembly.Instance(module, { env: { memory } }),
        lloyd: new WebAssembly.Instance(lloyd, { env: { memory } }),
      };
    }
  } catch {
    return null;
  }
  const { memory, gather: instance, lloyd: lloydInstance } = spare;
  const kept = spare;
  const fn = instance.exports.gather as (...args: number[]) => void;
  const acc = instance.exports.accumulate as (...args: number[]) => void;
  const pass = lloydInstance.exports.pass as (...args: number[]) => number;
  const inertiaFn = lloydInstance.exports.inertia as (...a: number[]) => number;
  const buffer = memory.buffer;
  const ct = new Float64Array(buffer, ctOff, d * kp);
  const labels = new Int32Array(buffer, labelsOff, m);
  const sums = new Float64Array(buffer, sumsOff, k * d);
  const weights = new Float64Array(buffer, weightsOff, k);
  const X = new Float64Array(buffer, 0, n * d);
  return {
    X,
    load(data) {
      X.set(data);
    },
    release() {
      giveSpare('gather', kept);
    },
    accumulate(out, active) {
      sums.set(out);
      weights.set(active);
      acc(batchOff, m, labelsOff, sumsOff, weightsOff);
      out.set(sums);
    },
    batch: new Float64Array(buffer, batchOff, m * d),
    indices: new Int32Array(buffer, indicesOff, m),
    gather() {
      fn(0, indicesOff, m, batchOff);
    },
    nearest(centres) {
      for (let j = 0; j < d; j++) {
        for (let c = 0; c < k; c++) ct[j * kp + c] = centres[c * d + j]!;
        if (kp > k) ct[j * kp + k] = Number.POSITIVE_INFINITY;
      }
      sums.fill(0);
      weights.fill(0);
      pass(batchOff, m, d, ctOff, labelsOff, sumsOff, weightsOff);
      return labels;
    },
    nearestAll(centres) {
      for (let j = 0; j < d; j++) {
        for (let c = 0; c < k; c++) ct[j * kp + c] = centres[c * d + j]!;
        if (kp > k) ct[j * kp + k] = Number.POSITIVE_INFINITY;
      }
      sums.fill(0);
      weights.fill(0);
      const all = new Int32Array(buffer, allLabelsOff, n);
      all.fill(-1);
      pass(0, n, d, ctOff, allLabelsOff, sumsOff, weightsOff);
      return all.slice();
    },
    inertiaAll(centres) {
      sums.set(centres);
      return inertiaFn(0, n, d, sumsOff, allLabelsOff);
    },
  };
}
