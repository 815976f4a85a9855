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
 * The subtractions and additions of the distances (two per multiply) bound the pass (f64x2 at
 * one lane pair per cycle on two adders); the branch-free minimum keeps the scan of the centres
 * off that path, where a branchy scalar minimum would add about as much again.
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
 * rows to their centres.
 *
 * Memory (one `WebAssembly.Memory` per fit, little-endian f64/i32):
 *   [X: n*d f64][centres transposed: d*kp f64][labels: n i32][sums: k*d f64][weights: k f64]
 *   [candidates transposed: d*Lp f64][D: n f64][potentials: L*n f64]
 * with kp, Lp = k, L rounded up to even; the padding centre is +Infinity (never nearest).
 * X lives in this memory for the whole fit: `kmeans` copies the data there and centres it in
 * place, so the data is not copied twice. After a fit the memory (with its instance) is kept
 * as a spare for the next fit of a size it holds (wasm/pool.ts).
 *
 * The module is assembled at run time with the assembler of src/wasm; it needs the WebAssembly
 * SIMD proposal (Node >= 16.4). When the runtime lacks it, or the data does not fit in 4 GiB of
 * 32-bit memory, `createLloydKernel` returns null and k-means uses JavaScript; a module that does
 * not compile throws (wasm/runtime.ts).
 */

import {
  allocate,
  assemble,
  br,
  brIf,
  Code,
  compiled,
  F64,
  type Func,
  Frame,
  f64,
  f64Load,
  f64Store,
  f64x2Lane,
  func,
  get,
  giveSpare,
  I32,
  i32,
  i32Load,
  i32Store,
  instantiate,
  load64Splat,
  op,
  set,
  shuffle,
  simdSupported,
  takeSpare,
  tee,
  V128,
  v128Load,
  v128Store,
  v128Store64Lane,
} from '../../wasm/index.js';

const { I32_EQZ, I32_NE, I32_LT_U, I32_GT_U, I32_ADD, I32_SUB, I32_MUL, I32_SHL } = op;
const { I32_SHR_U, I32_CTZ, F64_ADD, F64_SUB, F64_MAX, F64_GT, F64_MUL, SELECT } = op;
const { V128_ZERO, F64X2_ADD, F64X2_SUB, F64X2_MUL, F64X2_PMIN, F64X2_ABS, F64X2_PMAX } = op;
const { F64X2_EQ, I16X8_NARROW_I32X4_S, I8X16_NARROW_I16X8_S, I8X16_BITMASK } = op;
const { IF, END } = op;
const I32_LOAD = i32Load();
const I32_STORE = i32Store();
/** i8x16.shuffle of one vector with itself: its two f64 lanes swapped. */
const SWAP_LANES = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);

/**
 * Emits the distances of the rows i .. i+R-1 (R = 1 or 2) of x (d columns) to the 2 * pairs
 * centres stored transposed at ct (d x 2 pairs): local ACC + r * pairs + c = sum over j in order
 * of (x_{i+r, j} - c_j)^2 for the centres 2c and 2c + 1, each centre pair loaded once for the R
 * rows (separate multiply and add: the bits of the JavaScript loops). Uses the locals i, j, q,
 * ROW[r] (row addresses), XS[r] (splats), CV, E.
 */
function blockDistances(
  code: Code,
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
  const emit = code.emit;
  for (let r = 0; r < R; r++) {
    emit(get(l.x), get(l.i), i32(r), I32_ADD, get(l.d), I32_MUL, i32(3), I32_SHL, I32_ADD);
    emit(set(l.ROW[r]!));
    for (let c = 0; c < pairs; c++) emit(V128_ZERO, set(l.ACC + r * pairs + c));
  }
  emit(get(l.ct), set(l.q), i32(0), set(l.j));
  code.loop(() => {
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
  });
}

/**
 * Body of `pass(x, n, d, ct, labels, sums, weights) -> changed` for k centres, or with
 * `weighted` of `passWeighted(x, n, d, ct, labels, sums, weights, rw)`, whose rows count with
 * their weights rw[i] (f64): sums[best] += x_i * rw[i], weights[best] += rw[i], as the
 * JavaScript pass.
 */
function passFunc(k: number, weighted: boolean): Func {
  const kp = k + (k & 1);
  const pairs = kp / 2;
  const f = new Frame();
  const P = f.params({ x: I32, n: I32, d: I32, ct: I32, labels: I32, sums: I32, weights: I32 });
  const rw = weighted ? f.params({ rw: I32 }).rw : -1;
  const L = f.locals({ i: I32, j: I32, q: I32, best: I32, changed: I32, t: I32 });
  const row = f.array('row', I32, 2); // row pointers of the block
  const ROW = [row, row + 1];
  const A = f.locals({ pa: I32, qs: I32 });
  const xs = f.array('xs', V128, 2);
  const XS = [xs, xs + 1];
  const { e: E, cv: CV } = f.locals({ e: V128, cv: V128 });
  const ACC = f.array('acc', V128, 2 * pairs); // ACC + r * pairs + c
  const { min: MIN, wv: WV } = f.locals({ min: V128, wv: V128 }); // wv: the row's weight
  const code = new Code();
  const emit = code.emit;
  /** Rows i .. i+R-1 (R = 1 or 2): each centre pair is loaded once for the R rows. */
  const rows = (R: number) => {
    blockDistances(code, R, pairs, { ...P, ...L, ROW, XS, CV, E, ACC });
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
        emit(get(rw), get(L.i), i32(r), I32_ADD, i32(3), I32_SHL, I32_ADD, load64Splat());
        emit(set(WV));
      }
      const times = weighted ? [...get(WV), ...F64X2_MUL] : [];
      const timesScalar = weighted ? [...get(WV), ...f64x2Lane(0), ...F64_MUL] : [];
      emit(get(P.sums), get(L.best), get(P.d), I32_MUL, i32(3), I32_SHL, I32_ADD, set(A.qs));
      emit(get(ROW[r]!), set(A.pa), i32(0), set(L.j));
      code.loop(() => {
        emit(get(L.j), i32(1), I32_ADD, get(P.d), I32_LT_U, I32_EQZ, brIf(1));
        emit(get(A.qs), get(A.qs), v128Load(), get(A.pa), v128Load(), times, F64X2_ADD);
        emit(v128Store(), get(A.qs), i32(16), I32_ADD, set(A.qs));
        emit(get(A.pa), i32(16), I32_ADD, set(A.pa));
        emit(get(L.j), i32(2), I32_ADD, set(L.j), br(0));
      });
      emit(get(L.j), get(P.d), I32_LT_U, IF);
      emit(get(A.qs), get(A.qs), f64Load(), get(A.pa), f64Load(), timesScalar, F64_ADD);
      emit(f64Store(), END);
      emit(get(P.weights), get(L.best), i32(3), I32_SHL, I32_ADD, tee(L.t));
      emit(get(L.t), f64Load(), weighted ? [...get(WV), ...f64x2Lane(0)] : f64(1));
      emit(F64_ADD, f64Store());
    }
  };
  emit(i32(0), set(L.i), i32(0), set(L.changed));
  code.loop(() => {
    emit(get(L.i), i32(1), I32_ADD, get(P.n), I32_LT_U, I32_EQZ, brIf(1));
    rows(2);
    emit(get(L.i), i32(2), I32_ADD, set(L.i), br(0));
  });
  emit(get(L.i), get(P.n), I32_LT_U, IF);
  rows(1);
  emit(END);
  emit(get(L.changed));
  return func(weighted ? 'passWeighted' : 'pass', f, code, [I32]);
}

/**
 * The module of `pass(x, n, d, ct, labels, sums, weights) -> changed` for k centres (byte
 * offsets; sums and weights must be zero on entry).
 */
function lloydFuncs(k: number): Func[] {
  return [
    passFunc(k, false),
    candidatesFunc(trials(k)),
    columnsFunc('scan'),
    columnsFunc('centre'),
    columnsFunc('centreSquares'),
    inertiaFunc(false),
    passFunc(k, true),
    inertiaFunc(true),
  ];
}

/**
 * Body of `inertia(x, n, d, c, labels) -> f64`: the sum over the rows, in order, of
 * ||x_i - c_{labels[i]}||^2 with c row-major (k x d), each distance summed as `inertiaOf`
 * (distances.ts) does: four squares at a time, ((e0^2 + e1^2) + e2^2) + e3^2 added to the running
 * distance, then the last d mod 4 one by one. Scalar: the same bits as the JavaScript. With
 * `weighted`, `inertiaWeighted(x, n, d, c, labels, rw)`: each distance times rw[i].
 */
function inertiaFunc(weighted: boolean): Func {
  const f = new Frame();
  const P = f.params({ x: I32, n: I32, d: I32, c: I32, labels: I32 });
  const rw = weighted ? f.params({ rw: I32 }).rw : -1;
  const L = f.locals({ i: I32, j: I32, p: I32, q: I32, s: F64, r: F64, e: F64 });
  const code = new Code();
  const emit = code.emit;
  const square = (off: number) => {
    emit(get(L.p), f64Load(off), get(L.q), f64Load(off), F64_SUB, tee(L.e), get(L.e), F64_MUL);
  };
  emit(get(P.x), set(L.p), i32(0), set(L.i));
  code.loop(() => {
    emit(get(L.i), get(P.n), I32_LT_U, I32_EQZ, brIf(1));
    emit(get(P.c), get(P.labels), get(L.i), i32(2), I32_SHL, I32_ADD, I32_LOAD);
    emit(get(P.d), I32_MUL, i32(3), I32_SHL, I32_ADD, set(L.q));
    emit(f64(0), set(L.r), i32(0), set(L.j));
    code.loop(() => {
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
      emit(get(L.j), i32(4), I32_ADD, set(L.j), br(0));
    });
    code.loop(() => {
      emit(get(L.j), get(P.d), I32_LT_U, I32_EQZ, brIf(1));
      emit(get(L.r));
      square(0);
      emit(F64_ADD, set(L.r));
      emit(get(L.p), i32(8), I32_ADD, set(L.p), get(L.q), i32(8), I32_ADD, set(L.q));
      emit(get(L.j), i32(1), I32_ADD, set(L.j), br(0));
    });
    emit(get(L.s), get(L.r));
    if (weighted) emit(get(rw), get(L.i), i32(3), I32_SHL, I32_ADD, f64Load(), F64_MUL);
    emit(F64_ADD, set(L.s));
    emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0));
  });
  emit(get(L.s));
  return func(weighted ? 'inertiaWeighted' : 'inertia', f, code, [F64]);
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
function columnsFunc(kind: 'scan' | 'centre' | 'centreSquares'): Func {
  const f = new Frame();
  const P = f.params({ x: I32, n: I32, d: I32, v: I32, s: I32 });
  const L = f.locals({
    ...{ i: I32, j: I32, p: I32, q: I32, delta: I32 },
    ...{ max: F64, m: V128, z: V128, t: V128 },
  });
  const code = new Code();
  const emit = code.emit;
  /** One step at p (row), q (v) and q + delta (s), `wide` two columns, else one. */
  const step = (wide: boolean) => {
    const load = wide ? v128Load() : f64Load();
    const store = wide ? v128Store() : f64Store();
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
  emit(get(P.x), set(L.p), i32(0), set(L.i));
  code.loop(() => {
    emit(get(L.i), get(P.n), I32_LT_U, I32_EQZ, brIf(1));
    emit(get(P.v), set(L.q), i32(0), set(L.j));
    code.loop(() => {
      emit(get(L.j), i32(1), I32_ADD, get(P.d), I32_LT_U, I32_EQZ, brIf(1));
      step(true);
      emit(get(L.p), i32(16), I32_ADD, set(L.p), get(L.q), i32(16), I32_ADD, set(L.q));
      emit(get(L.j), i32(2), I32_ADD, set(L.j), br(0));
    });
    emit(get(L.j), get(P.d), I32_LT_U);
    code.when(() => {
      step(false);
      emit(get(L.p), i32(8), I32_ADD, set(L.p));
    });
    emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0));
  });
  // the largest magnitude + 0, or NaN when a sum of x - x is NaN
  emit(get(L.m), f64x2Lane(0), get(L.m), f64x2Lane(1), F64_MAX);
  emit(get(L.z), f64x2Lane(0), F64_ADD, get(L.z), f64x2Lane(1), F64_ADD);
  return func(kind, f, code, [F64]);
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
function candidatesFunc(L: number): Func {
  const Lp = L + (L & 1);
  const pairs = Lp / 2;
  const f = new Frame();
  const P = f.params({ x: I32, n: I32, d: I32, ct: I32, closest: I32, out: I32 });
  const Lc = f.locals({ i: I32, j: I32, q: I32, o: I32, stride: I32 });
  const row = f.array('row', I32, 2);
  const ROW = [row, row + 1];
  const xs = f.array('xs', V128, 2);
  const XS = [xs, xs + 1];
  const { e: E, cv: CV, cl: CL } = f.locals({ e: V128, cv: V128, cl: V128 });
  const ACC = f.array('acc', V128, 2 * pairs); // ACC + r * pairs + c
  const code = new Code();
  const emit = code.emit;
  const rows = (R: number) => {
    blockDistances(code, R, pairs, { ...P, ...Lc, ROW, XS, CV, E, ACC });
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
  code.loop(() => {
    emit(get(Lc.i), i32(1), I32_ADD, get(P.n), I32_LT_U, I32_EQZ, brIf(1));
    rows(2);
    emit(get(Lc.i), i32(2), I32_ADD, set(Lc.i), br(0));
  });
  emit(get(Lc.i), get(P.n), I32_LT_U, IF);
  rows(1);
  emit(END);
  return func('candidates', f, code);
}

/** The Lloyd module for k centres, compiled once per k. */
function lloydModule(k: number): WebAssembly.Module {
  return compiled(`lloyd ${k}`, () => assemble(lloydFuncs(k)));
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
   * sum and its order as `inertiaOf` (distances.ts), with the kernel's row weights if it has them.
   */
  inertia(centres: Float64Array): number;
  /** Done with the kernel: its memory may serve the next one (no view may be used after). */
  release(): void;
}

/** A Lloyd kernel's memory and instance, kept for the next fit (wasm/pool.ts). */
interface LloydSpare {
  memory: WebAssembly.Memory;
  k: number;
  instance: WebAssembly.Instance;
}

/**
 * A kernel for n x d data and k centres (rows weighted by `rowWeights` if given), or null
 * without SIMD or without the memory (beyond 4 GiB). @internal
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
  let spare = takeSpare<LloydSpare>('lloyd', total);
  if (spare === null || spare.k !== k) {
    const memory = spare?.memory ?? allocate(total, 'k-means Lloyd pass');
    if (memory === null) return null;
    spare = { memory, k, instance: instantiate(lloydModule(k), memory) };
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

/** A gather kernel's memory and instances, kept for the next fit (wasm/pool.ts). */
interface GatherSpare {
  memory: WebAssembly.Memory;
  d: number;
  k: number;
  gather: WebAssembly.Instance;
  lloyd: WebAssembly.Instance;
}

/**
 * `gather(x, indices, m, out)` for rows of d doubles: two doubles per v128 load and store, where
 * a JavaScript loop copying random rows is several times slower.
 */
function gatherFunc(d: number): Func {
  const f = new Frame();
  const P = f.params({ x: I32, indices: I32, m: I32, out: I32 });
  const L = f.locals({ t: I32, src: I32, dst: I32 });
  const row = d * 8;
  const code = new Code();
  const emit = code.emit;
  emit(i32(0), set(L.t));
  code.loop(() => {
    emit(get(L.t), get(P.m), I32_LT_U, I32_EQZ, brIf(1));
    emit(get(P.x), get(P.indices), get(L.t), i32(2), I32_SHL, I32_ADD, I32_LOAD, i32(row), I32_MUL);
    emit(I32_ADD, set(L.src), get(P.out), get(L.t), i32(row), I32_MUL, I32_ADD, set(L.dst));
    for (let q = 0; q + 2 <= d; q += 2) {
      emit(get(L.dst), get(L.src), v128Load(q * 8), v128Store(q * 8));
    }
    if (d % 2 === 1) emit(get(L.dst), get(L.src), f64Load((d - 1) * 8), f64Store((d - 1) * 8));
    emit(get(L.t), i32(1), I32_ADD, set(L.t), br(0));
  });
  return func('gather', f, code);
}

/** The module of `gather` and `accumulate` for rows of d doubles, compiled once per d. */
function gatherModule(d: number): WebAssembly.Module {
  return compiled(`gather ${d}`, () => assemble([gatherFunc(d), accumulateFunc(d)]));
}

/**
 * Body of `accumulate(rows, m, labels, out, active)` for rows of d doubles: out[c] += rows[t]
 * for t < m in order, c = labels[t], when active[c] > 0 (f64); two columns per lane pair, the
 * sums of the JavaScript loop.
 */
function accumulateFunc(d: number): Func {
  const f = new Frame();
  const P = f.params({ rows: I32, m: I32, labels: I32, out: I32, active: I32 });
  const L = f.locals({ t: I32, c: I32, src: I32, dst: I32 });
  const row = d * 8;
  const code = new Code();
  const emit = code.emit;
  emit(get(P.rows), set(L.src), i32(0), set(L.t));
  code.loop(() => {
    emit(get(L.t), get(P.m), I32_LT_U, I32_EQZ, brIf(1));
    emit(get(P.labels), get(L.t), i32(2), I32_SHL, I32_ADD, I32_LOAD, set(L.c));
    emit(get(P.active), get(L.c), i32(3), I32_SHL, I32_ADD, f64Load(), f64(0), F64_GT);
    code.when(() => {
      emit(get(P.out), get(L.c), i32(row), I32_MUL, I32_ADD, set(L.dst));
      for (let q = 0; q + 2 <= d; q += 2) {
        emit(get(L.dst), get(L.dst), v128Load(q * 8), get(L.src), v128Load(q * 8), F64X2_ADD);
        emit(v128Store(q * 8));
      }
      if (d % 2 === 1) {
        const o = (d - 1) * 8;
        emit(get(L.dst), get(L.dst), f64Load(o), get(L.src), f64Load(o), F64_ADD, f64Store(o));
      }
    });
    emit(get(L.src), i32(row), I32_ADD, set(L.src));
    emit(get(L.t), i32(1), I32_ADD, set(L.t), br(0));
  });
  return func('accumulate', f, code);
}

/**
 * A gather kernel for n x d data and batches of m rows, or null (no SIMD, d > 512, or no memory:
 * beyond 4 GiB).
 */
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
  let spare = takeSpare<GatherSpare>('gather', total);
  if (spare === null || spare.d !== d || spare.k !== k) {
    const memory = spare?.memory ?? allocate(total, 'mini-batch k-means');
    if (memory === null) return null;
    spare = {
      memory,
      d,
      k,
      gather: instantiate(gatherModule(d), memory),
      lloyd: instantiate(lloydModule(k), memory),
    };
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
