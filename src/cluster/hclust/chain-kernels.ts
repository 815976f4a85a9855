/**
 * The nearest-neighbour chain on a condensed matrix in WebAssembly: the matrix, its Euclidean
 * distances and the chain's working arrays live in one `WebAssembly.Memory`, so the distances
 * are computed where the chain reads them (no copy), and the two inner loops of the chain, the
 * scan for the top's nearest neighbour and the Lance-Williams update after a merge, run as
 * compiled loops over the active list. The chain itself (`nnChain`) stays in JavaScript: one
 * call per step.
 *
 * The chain is that of `CondensedClusters` (nn-chain.ts), step for step: the same scans (the
 * first active i with the smallest d(i, p) < the start, strict '<' in index order), the same
 * cache and the same updates (the expressions of `lanceWilliamsRows`, operation for operation,
 * one module per method), so the linkage is bit for bit that of the JavaScript chain, which
 * runs where WebAssembly cannot (no SIMD, or a matrix past 4 GiB):
 *
 * - The cache of column minima keeps, for each column p, up to K = 4 of its smallest pairs
 *   (d(i, p), i) over the active i < p, in the order of (value, index), and a bound: every
 *   active i < p outside the slots has a pair above the bound, every one inside a pair at or
 *   below it. So i is in the slots exactly when its pair is not above the bound, which the
 *   update tests with the values it reads anyway. A merge of x into y takes x out of the slots
 *   of each column i > x where it is, takes y out (when its new pair is above the bound) or
 *   moves it, and inserts it when its new pair is below the bound (the last slot then goes out
 *   and the bound comes down to the new last); column y is built anew from its new values. The
 *   smallest pair is in the first slot while any slot is full; when a scan finds none, it reads
 *   column p again.
 * - The update of the active i < y runs in three passes: gather d(x, i) and d(i, y) (a load in
 *   another row, another page, for each i) to two scratch rows in a short loop that keeps many
 *   loads in flight, update in place, scatter to column y; 256 elements at a time, so that the
 *   scatter finds the pages of the gather still in the TLB.
 *
 * Memory (little-endian): [header: 64 bytes, the offsets of the arrays][D: n (n - 1) / 2 f64]
 * [rb: n i32], then the chain's arrays [active: n i32][count: n i32][bound index: n i32]
 * [slot index: K n i32][size: n f64][bound: n f64][slot value: K n f64][scratch: 2 n f64]
 * [out: f64], then the data while the distances are computed there (transposed, d n f64, and a
 * block of 64 rows, 64 d f64; the cache of column minima fills from each tile of distances as it
 * is computed, while the tile is in cache). Element (i, j), i < j, of D is at
 * byte rb[i] + 8 j. Addresses are unsigned 32-bit: a matrix beyond 4 GiB (n above about 32,000)
 * runs in JavaScript.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import * as w from '../../wasm/index.js';
import { identity } from './distance.js';
import { condensedDistanceRows, type SimdMetric } from './distance-kernels.js';
import { AVERAGE, COMPLETE, WARD, WARD_D, WEIGHTED } from './lance-williams.js';
import { condensedOffsets, positionSorted, removeSorted } from './matrix.js';
import { CHUNK, type ChainClusters, K, NO_INDEX, nnChain } from './nn-chain.js';

const o = w.op;
const { I32, F64 } = w;
const { I32_ADD, I32_SHL, I32_LT_S, I32_GT_S, I32_GE_S, I32_EQ, I32_AND, I32_OR, I32_EQZ } = o;
const { F64_LT, F64_LE, F64_EQ, F64_GT, F64_ADD, F64_SUB, F64_MUL, F64_DIV } = o;
const { IF, END, SELECT } = o;

const HEADER = 64;

/** The methods whose update the module has (the NN-chain methods). */
const CHAIN_CODES = [COMPLETE, AVERAGE, WEIGHTED, WARD, WARD_D];

/** Byte offsets of the arrays in the memory (see the file header). */
interface Layout {
  rb: number;
  active: number;
  count: number;
  boundIndex: number;
  slotIndex: number;
  size: number;
  bound: number;
  slot: number;
  scratch: number;
  out: number;
  x: number;
  xt: number;
  total: number;
}

/** Rows of the data the distance kernel holds at a time (distance-kernels.ts). */
const ROW_BLOCK = 64;

function layoutOf(n: number, d: number): Layout {
  const rb = HEADER + 8 * ((n * (n - 1)) / 2);
  const active = rb + 4 * n + (n % 2) * 4;
  const count = active + 4 * n;
  const boundIndex = count + 4 * n;
  const slotIndex = boundIndex + 4 * n;
  const size = slotIndex + 4 * n * K + (n % 2) * 4;
  const bound = size + 8 * n;
  const slot = bound + 8 * n;
  const scratch = slot + 8 * n * K;
  const out = scratch + 16 * n;
  // the data, while the distances are computed (and the cache of column minima filled from
  // each tile of them): transposed, then a block of rows
  const xt = out + 8;
  const x = xt + 8 * n * d;
  const total = x + 8 * ROW_BLOCK * d;
  return {
    ...{ rb, active, count, boundIndex, slotIndex, size, bound, slot, scratch, out },
    ...{ x, xt, total },
  };
}

/** The offsets of the arrays, as the header holds them (an i32 each, in this order). */
const BASES = {
  ...{ rb: I32, act: I32, cnt: I32, bi: I32, si: I32, sz: I32, bv: I32, sv: I32 },
  ...{ ga: I32, gb: I32, out: I32 },
};
type Bases = Record<keyof typeof BASES, number>;

/** Locals for the offsets, loaded from the header at the start of `code`. */
function loadBases(fr: w.Frame, code: w.Code): Bases {
  const B = fr.locals(BASES);
  Object.keys(BASES).forEach((k, t) => {
    code.emit(w.i32(0), w.i32Load(4 * t), w.set(B[k as keyof Bases]));
  });
  return B;
}
const INSERT = 0;
const REMOVE = 1;
const FIX = 2;

const at32 = (base: number, i: number) => [...w.get(base), ...w.get(i), ...w.i32(2), ...I32_SHL];
const at64 = (base: number, i: number) => [...w.get(base), ...w.get(i), ...w.i32(3), ...I32_SHL];
/** (a, ia) < (b, ib) in the order of (value, index), as an i32 on the stack. */
const pairLess = (a: number[], ia: number[], b: number[], ib: number[], orEqual = false) => [
  ...a,
  ...b,
  ...F64_LT,
  ...a,
  ...b,
  ...F64_EQ,
  ...ia,
  ...ib,
  ...(orEqual ? o.I32_LE_S : I32_LT_S),
  ...I32_AND,
  ...I32_OR,
];

/**
 * `insert(c, v, i)`: the pair (v, i), below column c's bound, into its sorted slots; when they
 * are full, the last goes out and the bound becomes the new last (or, if (v, i) is above the
 * last, it stays out and the bound becomes the last).
 */
function insertFunc(): w.Func {
  const fr = new w.Frame();
  const P = fr.params({ c: I32, v: F64, i: I32 });
  const L = fr.locals({ k: I32, s: I32, sb: I32, vb: I32, ev: I32, pi: I32 });
  const F = fr.locals({ pv: F64 });
  const code = new w.Code();
  const emit = code.emit;
  const B = loadBases(fr, code);
  const add = I32_ADD;
  emit(at32(B.cnt, P.c), add, w.i32Load(), w.set(L.k));
  emit(w.get(P.c), w.i32(K), o.I32_MUL, w.set(L.s));
  emit(at32(B.si, L.s), add, w.set(L.sb), at64(B.sv, L.s), add, w.set(L.vb), w.i32(0), w.set(L.ev));
  emit(w.get(L.k), w.i32(K), I32_EQ, IF);
  emit(w.get(L.vb), w.f64Load(8 * (K - 1)), w.set(F.pv), w.get(L.sb), w.i32Load(4 * (K - 1)));
  emit(w.set(L.pi));
  emit(pairLess(w.get(F.pv), w.get(L.pi), w.get(P.v), w.get(P.i)), IF);
  emit(at64(B.bv, P.c), add, w.get(F.pv), w.f64Store(), at32(B.bi, P.c), add, w.get(L.pi));
  emit(w.i32Store(), o.RETURN, END);
  emit(w.i32(K - 1), w.set(L.k), w.i32(1), w.set(L.ev), END);
  emit(w.get(L.k), w.set(L.s));
  code.loop(() => {
    emit(w.get(L.s), I32_EQZ, w.brIf(1));
    emit(w.get(L.vb), w.get(L.s), w.i32(3), I32_SHL, add, w.i32(8), o.I32_SUB, w.f64Load());
    emit(w.set(F.pv), w.get(L.sb), w.get(L.s), w.i32(2), I32_SHL, add, w.i32(4), o.I32_SUB);
    emit(w.i32Load(), w.set(L.pi));
    emit(pairLess(w.get(P.v), w.get(P.i), w.get(F.pv), w.get(L.pi)), I32_EQZ, w.brIf(1));
    emit(at64(L.vb, L.s), add, w.get(F.pv), w.f64Store());
    emit(at32(L.sb, L.s), add, w.get(L.pi), w.i32Store());
    emit(w.get(L.s), w.i32(1), o.I32_SUB, w.set(L.s), w.br(0));
  });
  emit(at64(L.vb, L.s), add, w.get(P.v), w.f64Store(), at32(L.sb, L.s), add, w.get(P.i));
  emit(w.i32Store(), at32(B.cnt, P.c), add, w.get(L.k), w.i32(1), add, w.i32Store());
  emit(w.get(L.ev), IF);
  emit(at64(B.bv, P.c), add, w.get(L.vb), w.f64Load(8 * (K - 1)), w.f64Store());
  emit(at32(B.bi, P.c), add, w.get(L.sb), w.i32Load(4 * (K - 1)), w.i32Store(), END);
  return w.func('insert', fr, code);
}

/** `remove(c, i)`: index i out of column c's slots (if there). */
function removeFunc(): w.Func {
  const fr = new w.Frame();
  const P = fr.params({ c: I32, i: I32 });
  const L = fr.locals({ k: I32, s: I32, sb: I32, vb: I32 });
  const code = new w.Code();
  const emit = code.emit;
  const B = loadBases(fr, code);
  const add = I32_ADD;
  emit(at32(B.cnt, P.c), add, w.i32Load(), w.set(L.k));
  emit(w.get(P.c), w.i32(K), o.I32_MUL, w.set(L.s));
  emit(at32(B.si, L.s), add, w.set(L.sb), at64(B.sv, L.s), add, w.set(L.vb), w.i32(0), w.set(L.s));
  code.loop(() => {
    emit(w.get(L.s), w.get(L.k), I32_GE_S, IF, o.RETURN, END);
    emit(at32(L.sb, L.s), add, w.i32Load(), w.get(P.i), I32_EQ, w.brIf(1));
    emit(w.get(L.s), w.i32(1), add, w.set(L.s), w.br(0));
  });
  emit(w.get(L.k), w.i32(1), o.I32_SUB, w.set(L.k));
  code.loop(() => {
    emit(w.get(L.s), w.get(L.k), I32_GE_S, w.brIf(1));
    emit(at64(L.vb, L.s), add, at64(L.vb, L.s), add, w.f64Load(8), w.f64Store());
    emit(at32(L.sb, L.s), add, at32(L.sb, L.s), add, w.i32Load(4), w.i32Store());
    emit(w.get(L.s), w.i32(1), add, w.set(L.s), w.br(0));
  });
  emit(at32(B.cnt, P.c), add, w.get(L.k), w.i32Store());
  return w.func('remove', fr, code);
}

/**
 * `fix(c, x, dx, y, dy, v)`: column c (> y) after the merge of x into y: x leaves, d(y, c) goes
 * from dy to v. Called when one of the three values is not above the bound.
 */
function fixFunc(): w.Func {
  const fr = new w.Frame();
  const P = fr.params({ c: I32, x: I32, dx: F64, y: I32, dy: F64, v: F64 });
  const L = fr.locals({ bI: I32, inX: I32, inY: I32, inV: I32 });
  const F = fr.locals({ b: F64 });
  const code = new w.Code();
  const emit = code.emit;
  const B = loadBases(fr, code);
  const add = I32_ADD;
  emit(at64(B.bv, P.c), add, w.f64Load(), w.set(F.b), at32(B.bi, P.c), add, w.i32Load());
  emit(w.set(L.bI));
  emit(pairLess(w.get(P.dx), w.get(P.x), w.get(F.b), w.get(L.bI), true), w.set(L.inX));
  emit(pairLess(w.get(P.dy), w.get(P.y), w.get(F.b), w.get(L.bI), true), w.set(L.inY));
  emit(pairLess(w.get(P.v), w.get(P.y), w.get(F.b), w.get(L.bI)), w.set(L.inV));
  emit(w.get(L.inX), IF, w.get(P.c), w.get(P.x), w.call(REMOVE), END);
  emit(w.get(L.inY), IF, w.get(P.c), w.get(P.y), w.call(REMOVE), END);
  emit(w.get(L.inV), IF, w.get(P.c), w.get(P.v), w.get(P.y), w.call(INSERT), END);
  return w.func('fix', fr, code);
}

/**
 * `init(i0, i1, j0, j1)`: the pairs of the rows i0 <= i < i1 and columns j0 <= j < j1 (i < j)
 * into the slots of their columns, row by row in order (counts 0 and bounds +Infinity before the
 * first call). A column's slots depend only on the order of the rows that enter it, so the tiles
 * of the matrix, taken in the order of their row blocks, fill them as one pass over the rows.
 */
function initFunc(): w.Func {
  const fr = new w.Frame();
  const P = fr.params({ i0: I32, i1: I32, j0: I32, j1: I32 });
  const L = fr.locals({ i: I32, j: I32, row: I32 });
  const F = fr.locals({ v: F64, b: F64 });
  const code = new w.Code();
  const emit = code.emit;
  const B = loadBases(fr, code);
  const add = I32_ADD;
  emit(w.get(P.i0), w.set(L.i));
  code.loop(() => {
    emit(w.get(L.i), w.get(P.i1), I32_GE_S, w.brIf(1));
    // j from max(j0, i + 1)
    emit(w.get(L.i), w.i32(1), add, w.tee(L.j), w.get(P.j0), w.get(L.j), w.get(P.j0), I32_GT_S);
    emit(SELECT, w.set(L.j), at32(B.rb, L.i), add, w.i32Load(), w.set(L.row));
    code.loop(() => {
      emit(w.get(L.j), w.get(P.j1), I32_GE_S, w.brIf(1));
      emit(w.get(L.row), w.get(L.j), w.i32(3), I32_SHL, add, w.f64Load(), w.set(F.v));
      emit(w.get(F.v), at64(B.bv, L.j), add, w.f64Load(), w.tee(F.b), F64_LE, IF);
      const bi = [...at32(B.bi, L.j), ...add, ...w.i32Load()];
      emit(pairLess(w.get(F.v), w.get(L.i), w.get(F.b), bi), IF);
      emit(w.get(L.j), w.get(F.v), w.get(L.i), w.call(INSERT), END, END);
      emit(w.get(L.j), w.i32(1), add, w.set(L.j), w.br(0));
    });
    emit(w.get(L.i), w.i32(1), add, w.set(L.i), w.br(0));
  });
  return w.func('init', fr, code);
}

/**
 * The module of one method: `insert`, `remove`, `fix`, `init` (above), `nearest(p, tp, m,
 * start) -> q` (the scan of `nearest` over the m active clusters, p at position tp; the value
 * found at out) and `merge(x, y, ty, m, dxy, nx, ny)` (the update of `merge` and the upkeep of
 * the cache; x already left the active list, y is at position ty). Each function reads the
 * array offsets from the header.
 */
function chainModule(code: number): Uint8Array<ArrayBuffer> {
  const add = I32_ADD;

  // nearest
  const fa = new w.Frame();
  const A = fa.params({ p: I32, tp: I32, m: I32, start: F64 });
  const LA = fa.locals({ t: I32, i: I32, q: I32, row: I32, p8: I32 });
  const FA = fa.locals({ v: F64, cur: F64, b: F64 });
  const LA2 = fa.locals({ bI: I32 });
  const ca = new w.Code();
  let emit = ca.emit;
  const BA = loadBases(fa, ca);
  emit(w.get(A.p), w.i32(3), I32_SHL, w.set(LA.p8));
  // no pair left in column p: its smallest pairs again, over the active i < p in order
  emit(at32(BA.cnt, A.p), add, w.i32Load(), I32_EQZ, IF);
  emit(at64(BA.bv, A.p), add, w.f64(Number.POSITIVE_INFINITY), w.f64Store());
  emit(at32(BA.bi, A.p), add, w.i32(NO_INDEX), w.i32Store(), w.i32(0), w.set(LA.t));
  emit(w.f64(Number.POSITIVE_INFINITY), w.set(FA.b), w.i32(NO_INDEX), w.set(LA2.bI));
  ca.loop(() => {
    emit(w.get(LA.t), w.get(A.tp), I32_GE_S, w.brIf(1));
    emit(at32(BA.act, LA.t), add, w.i32Load(), w.set(LA.i));
    emit(at32(BA.rb, LA.i), add, w.i32Load(), w.get(LA.p8), add, w.f64Load(), w.set(FA.v));
    emit(w.get(FA.v), w.get(FA.b), F64_LE, IF);
    emit(pairLess(w.get(FA.v), w.get(LA.i), w.get(FA.b), w.get(LA2.bI)), IF);
    emit(w.get(A.p), w.get(FA.v), w.get(LA.i), w.call(INSERT));
    emit(at64(BA.bv, A.p), add, w.f64Load(), w.set(FA.b), at32(BA.bi, A.p), add, w.i32Load());
    emit(w.set(LA2.bI), END, END);
    emit(w.get(LA.t), w.i32(1), add, w.set(LA.t), w.br(0));
  });
  emit(END);
  // the column's smallest pair, then row p
  emit(w.get(A.start), w.set(FA.cur), w.i32(-1), w.set(LA.q));
  emit(w.get(A.p), w.i32(K), o.I32_MUL, w.set(LA.t));
  emit(at64(BA.sv, LA.t), add, w.f64Load(), w.set(FA.v));
  emit(at32(BA.cnt, A.p), add, w.i32Load(), I32_EQZ, I32_EQZ, w.get(FA.v), w.get(FA.cur), F64_LT);
  emit(I32_AND, IF);
  emit(w.get(FA.v), w.set(FA.cur), at32(BA.si, LA.t), add, w.i32Load(), w.set(LA.q), END);
  // row p over the active i > p
  emit(at32(BA.rb, A.p), add, w.i32Load(), w.set(LA.row));
  emit(w.get(A.tp), w.i32(1), add, w.set(LA.t));
  ca.loop(() => {
    emit(w.get(LA.t), w.get(A.m), I32_GE_S, w.brIf(1));
    emit(at32(BA.act, LA.t), add, w.i32Load(), w.set(LA.i));
    emit(w.get(LA.row), w.get(LA.i), w.i32(3), I32_SHL, add, w.f64Load(), w.set(FA.v));
    emit(w.get(FA.v), w.get(FA.cur), F64_LT, IF);
    emit(w.get(FA.v), w.set(FA.cur), w.get(LA.i), w.set(LA.q), END);
    emit(w.get(LA.t), w.i32(1), add, w.set(LA.t), w.br(0));
  });
  emit(w.get(BA.out), w.get(FA.cur), w.f64Store(), w.get(LA.q));

  // merge
  const fm = new w.Frame();
  const M = fm.params({ x: I32, y: I32, ty: I32, m: I32, dxy: F64, nx: F64, ny: F64 });
  const LM = fm.locals({ t: I32, i: I32, ri: I32, rx: I32, ry: I32, x8: I32, y8: I32 });
  const LMc = fm.locals({ c0: I32, c1: I32 });
  const LM2 = fm.locals({ i8: I32, bI: I32, byI: I32 });
  const FM = fm.locals({ dx: F64, dy: F64, ni: F64, v: F64, tt: F64, wv: F64, s: F64, b: F64 });
  const FM2 = fm.locals({ by: F64 });
  const cm = new w.Code();
  emit = cm.emit;
  const BM = loadBases(fm, cm);
  // v = the update of (dx, dy) for a cluster of ni points (lanceWilliamsRows)
  const update = (): number[][] => {
    const { dx, dy, ni, v, tt, wv, s } = FM;
    const g = w.get;
    switch (code) {
      case COMPLETE:
        return [g(dx), g(dy), o.F64_MAX, w.set(v)];
      case AVERAGE:
        return [g(M.nx), g(dx), F64_MUL, g(M.ny), g(dy), F64_MUL, F64_ADD, g(s), F64_DIV, w.set(v)];
      case WEIGHTED:
        return [w.f64(0.5), g(dx), g(dy), F64_ADD, F64_MUL, w.set(v)];
      case WARD:
        return [
          ...[w.f64(1), g(s), g(ni), F64_ADD, F64_DIV, w.set(tt)],
          ...[g(ni), g(M.nx), F64_ADD, g(tt), F64_MUL, g(dx), F64_MUL, g(dx), F64_MUL],
          ...[g(ni), g(M.ny), F64_ADD, g(tt), F64_MUL, g(dy), F64_MUL, g(dy), F64_MUL, F64_ADD],
          ...[g(ni), g(tt), F64_MUL, g(M.dxy), F64_MUL, g(M.dxy), F64_MUL, F64_SUB, w.set(wv)],
          ...[g(wv), o.F64_SQRT, w.f64(0), g(wv), w.f64(0), F64_GT, SELECT, w.set(v)],
        ];
      case WARD_D:
        return [
          ...[g(ni), g(M.nx), F64_ADD, g(dx), F64_MUL, g(ni), g(M.ny), F64_ADD, g(dy), F64_MUL],
          ...[F64_ADD, g(ni), g(M.dxy), F64_MUL, F64_SUB, g(s), g(ni), F64_ADD, F64_DIV, w.set(v)],
        ];
      default:
        throw new Error(`no chain update for linkage code ${code}`);
    }
  };
  const sizeOf = [...at64(BM.sz, LM.i), ...add, ...w.f64Load(), ...w.set(FM.ni)];
  const boundOf = (c: number) => [
    ...[...at64(BM.bv, c), ...add, ...w.f64Load(), ...w.set(FM.b)],
    ...[...at32(BM.bi, c), ...add, ...w.i32Load(), ...w.set(LM2.bI)],
  ];
  emit(w.get(M.nx), w.get(M.ny), F64_ADD, w.set(FM.s));
  emit(at32(BM.rb, M.x), add, w.i32Load(), w.set(LM.rx), at32(BM.rb, M.y), add, w.i32Load());
  emit(w.set(LM.ry), w.get(M.x), w.i32(3), I32_SHL, w.set(LM.x8));
  emit(w.get(M.y), w.i32(3), I32_SHL, w.set(LM.y8));
  // column y anew: no pairs, no bound
  emit(at32(BM.cnt, M.y), add, w.i32(0), w.i32Store());
  emit(at64(BM.bv, M.y), add, w.f64(Number.POSITIVE_INFINITY), w.f64Store());
  emit(at32(BM.bi, M.y), add, w.i32(NO_INDEX), w.i32Store(), w.i32(0), w.set(LM.t));
  emit(w.f64(Number.POSITIVE_INFINITY), w.set(FM2.by), w.i32(NO_INDEX), w.set(LM2.byI));
  // the active i < y in three passes, so that the one over the columns (a load in another row,
  // another page, for each i) is a short loop with many loads in flight: gather d(x, i) (column
  // x for i < x, row x for i > x) and d(i, y) (column y) to the scratch rows ga and gb, update
  // in place of ga (and the cache), scatter ga to column y. The passes run over CHUNK elements
  // at a time: the scatter then finds the rows' pages still in the TLB (a whole column at once
  // left them long gone: 1.41 s for the chain of ward at 10,000 points against 1.22 s)
  const t8 = [...w.get(LM.t), ...w.i32(3), ...I32_SHL];
  emit(w.i32(0), w.set(LMc.c0));
  cm.loop(() => {
    emit(w.get(LMc.c0), w.get(M.ty), I32_GE_S, w.brIf(1));
    emit(w.get(LMc.c0), w.i32(CHUNK), add, w.tee(LMc.c1), w.get(M.ty), w.get(LMc.c1), w.get(M.ty));
    emit(I32_LT_S, SELECT, w.set(LMc.c1), w.get(LMc.c0), w.set(LM.t));
    cm.loop(() => {
      emit(w.get(LM.t), w.get(LMc.c1), I32_GE_S, w.brIf(1));
      emit(at32(BM.act, LM.t), add, w.i32Load(), w.set(LM.i));
      emit(at32(BM.rb, LM.i), add, w.i32Load(), w.set(LM.ri), w.get(BM.ga), t8, add);
      emit(w.get(LM.ri), w.get(LM.x8), add, w.get(LM.rx), w.get(LM.i), w.i32(3), I32_SHL, add);
      emit(w.get(LM.i), w.get(M.x), I32_LT_S, SELECT, w.f64Load(), w.f64Store());
      emit(w.get(BM.gb), t8, add, w.get(LM.ri), w.get(LM.y8), add, w.f64Load(), w.f64Store());
      emit(w.get(LM.t), w.i32(1), add, w.set(LM.t), w.br(0));
    });
    emit(w.get(LMc.c0), w.set(LM.t));
    cm.loop(() => {
      emit(w.get(LM.t), w.get(LMc.c1), I32_GE_S, w.brIf(1));
      emit(at32(BM.act, LM.t), add, w.i32Load(), w.set(LM.i));
      emit(w.get(BM.ga), t8, add, w.f64Load(), w.set(FM.dx));
      emit(w.get(BM.gb), t8, add, w.f64Load(), w.set(FM.dy), sizeOf, ...update());
      emit(w.get(BM.ga), t8, add, w.get(FM.v), w.f64Store());
      emit(w.get(FM.v), w.get(FM2.by), F64_LE, IF);
      emit(pairLess(w.get(FM.v), w.get(LM.i), w.get(FM2.by), w.get(LM2.byI)), IF);
      emit(w.get(M.y), w.get(FM.v), w.get(LM.i), w.call(INSERT), boundOf(M.y));
      emit(w.get(FM.b), w.set(FM2.by), w.get(LM2.bI), w.set(LM2.byI), END, END);
      // column i (x < i < y) loses x
      emit(w.get(LM.i), w.get(M.x), I32_GT_S, IF, at64(BM.bv, LM.i), add, w.f64Load(), w.set(FM.b));
      emit(w.get(FM.dx), w.get(FM.b), F64_LE, IF, boundOf(LM.i));
      emit(pairLess(w.get(FM.dx), w.get(M.x), w.get(FM.b), w.get(LM2.bI), true), IF);
      emit(w.get(LM.i), w.get(M.x), w.call(REMOVE), END, END, END);
      emit(w.get(LM.t), w.i32(1), add, w.set(LM.t), w.br(0));
    });
    emit(w.get(LMc.c0), w.set(LM.t));
    cm.loop(() => {
      emit(w.get(LM.t), w.get(LMc.c1), I32_GE_S, w.brIf(1));
      emit(at32(BM.act, LM.t), add, w.i32Load(), w.set(LM.i), at32(BM.rb, LM.i), add, w.i32Load());
      emit(w.get(LM.y8), add, w.get(BM.ga), t8, add, w.f64Load(), w.f64Store());
      emit(w.get(LM.t), w.i32(1), add, w.set(LM.t), w.br(0));
    });
    emit(w.get(LMc.c1), w.set(LMc.c0), w.br(0));
  });
  // the active i > y: rows x and y; column i loses x and has a new d(y, i)
  emit(w.get(M.ty), w.i32(1), add, w.set(LM.t));
  cm.loop(() => {
    emit(w.get(LM.t), w.get(M.m), I32_GE_S, w.brIf(1));
    emit(at32(BM.act, LM.t), add, w.i32Load(), w.tee(LM.i), w.i32(3), I32_SHL, w.set(LM2.i8));
    emit(w.get(LM.rx), w.get(LM2.i8), add, w.f64Load(), w.set(FM.dx));
    emit(w.get(LM.ry), w.get(LM2.i8), add, w.f64Load(), w.set(FM.dy), sizeOf, ...update());
    emit(w.get(LM.ry), w.get(LM2.i8), add, w.get(FM.v), w.f64Store());
    // the exact test only when a value is not above the bound (rare)
    emit(at64(BM.bv, LM.i), add, w.f64Load(), w.set(FM.b));
    emit(w.get(FM.dx), w.get(FM.b), F64_LE, w.get(FM.dy), w.get(FM.b), F64_LE, I32_OR);
    emit(w.get(FM.v), w.get(FM.b), F64_LE, I32_OR, IF, w.get(LM.i), w.get(M.x));
    emit(w.get(FM.dx), w.get(M.y), w.get(FM.dy), w.get(FM.v), w.call(FIX), END);
    emit(w.get(LM.t), w.i32(1), add, w.set(LM.t), w.br(0));
  });
  return w.assemble([
    insertFunc(),
    removeFunc(),
    fixFunc(),
    initFunc(),
    w.func('nearest', fa, ca, [I32]),
    w.func('merge', fm, cm),
  ]);
}

/**
 * A condensed working matrix in a WebAssembly memory, with room for the chain's arrays (and for
 * the data when `d` > 0, to compute the distances in place).
 */
export interface CondensedMemory {
  readonly n: number;
  readonly memory: WebAssembly.Memory;
  /** The matrix: element (i, j), i < j, at condensedIndex(n, i, j). */
  readonly D: Float64Array;
  readonly layout: Layout;
}

/**
 * The memory of a condensed matrix of n points (and n x d data), or null when WebAssembly SIMD
 * is off or unavailable or the memory cannot be had (then the JavaScript chain runs).
 * @internal
 */
export function condensedMemory(n: number, d: number): CondensedMemory | null {
  if (n < 2 || !w.simdSupported()) return null;
  const layout = layoutOf(n, d);
  const memory = w.allocate(layout.total, 'condensed distance matrix');
  if (memory === null) return null;
  const D = new Float64Array(memory.buffer, HEADER, (n * (n - 1)) / 2);
  const off = condensedOffsets(n);
  const rb = new Int32Array(memory.buffer, layout.rb, n);
  for (let i = 0; i < n; i++) rb[i] = HEADER + 8 * off[i]!;
  return { n, memory, D, layout };
}

/**
 * The distances (`metric`) between the rows of x into the matrix of `cm`, in WebAssembly SIMD:
 * the values of `condensedDistances`, bit for bit. With `chain`, each tile of the matrix also
 * enters the chain's cache of column minima while it is in cache. @internal
 */
export function condensedDistancesInto(
  x: FeatureMatrix,
  metric: SimdMetric,
  cm: CondensedMemory,
  chain?: PreparedChain,
): void {
  const { n, layout } = cm;
  const rb = new Int32Array(cm.memory.buffer, layout.rb, n);
  const onTile = chain ? (chain.instance.exports.init as Fn) : undefined;
  condensedDistanceRows(x, metric, cm.memory, layout.x, layout.xt, rb, ROW_BLOCK, onTile);
}

/** True when the WebAssembly chain has the update of linkage code `code`. */
export function hasChainKernel(code: number): boolean {
  return CHAIN_CODES.includes(code);
}

/** The chain module of a method on the memory of a matrix, its cache of column minima empty. */
export interface PreparedChain {
  readonly instance: WebAssembly.Instance;
}

/**
 * The chain of linkage code `code` on the memory of `cm`, ready for the distances to fill its
 * cache tile by tile (`condensedDistancesInto`). @internal
 */
export function prepareChain(cm: CondensedMemory, code: number): PreparedChain {
  const { n, layout: b } = cm;
  const module = w.compiled(`hclust chain ${code}`, () => chainModule(code));
  const instance = w.instantiate(module, cm.memory);
  const buffer = cm.memory.buffer;
  const header: Bases = {
    ...{ rb: b.rb, act: b.active, cnt: b.count, bi: b.boundIndex, si: b.slotIndex },
    ...{ sz: b.size, bv: b.bound, sv: b.slot, ga: b.scratch, gb: b.scratch + 8 * n, out: b.out },
  };
  const keys = Object.keys(BASES) as (keyof Bases)[];
  new Int32Array(buffer, 0, keys.length).set(keys.map((k) => header[k]));
  new Int32Array(buffer, b.count, n).fill(0);
  new Float64Array(buffer, b.bound, n).fill(Number.POSITIVE_INFINITY);
  new Int32Array(buffer, b.boundIndex, n).fill(NO_INDEX);
  return { instance };
}

/**
 * The NN-chain on the matrix of `cm` (overwritten) with the method's update, in WebAssembly:
 * the rows of Z of `nnChainCondensed`, bit for bit. `chain`: the chain whose cache the
 * distances filled (`condensedDistancesInto`); without it, the cache is filled from the matrix
 * in one pass over its rows. @internal
 */
export function nnChainCondensedWasm(
  cm: CondensedMemory,
  code: number,
  size0: Int32Array,
  chain?: PreparedChain,
): Float64Array {
  let prepared = chain;
  if (prepared === undefined) {
    prepared = prepareChain(cm, code);
    (prepared.instance.exports.init as Fn)(0, cm.n, 0, cm.n);
  }
  return nnChain(cm.n, new WasmCondensedClusters(cm, prepared.instance, size0), false);
}

type Fn = (...args: number[]) => number;

/** `ChainClusters` over the memory of a condensed matrix, the loops in WebAssembly. */
class WasmCondensedClusters implements ChainClusters {
  private readonly sizes: Int32Array;
  private readonly sizeF: Float64Array;
  private readonly active: Int32Array;
  private readonly rb: Int32Array;
  private readonly out: Float64Array;
  private readonly nearestFn: Fn;
  private readonly mergeFn: Fn;
  private readonly D: Float64Array;
  private m: number;

  constructor(cm: CondensedMemory, instance: WebAssembly.Instance, size0: Int32Array) {
    const { n, layout: b } = cm;
    const buffer = cm.memory.buffer;
    this.D = new Float64Array(buffer);
    this.rb = new Int32Array(buffer, b.rb, n);
    this.active = new Int32Array(buffer, b.active, n);
    this.active.set(identity(n));
    this.sizes = size0.slice();
    this.sizeF = new Float64Array(buffer, b.size, n);
    for (let i = 0; i < n; i++) this.sizeF[i] = size0[i]!;
    this.out = new Float64Array(buffer, b.out, 1);
    this.nearestFn = instance.exports.nearest as Fn;
    this.mergeFn = instance.exports.merge as Fn;
    this.m = n;
  }

  first(): number {
    return this.active[0]!;
  }

  size(i: number): number {
    return this.sizes[i]!;
  }

  key(a: number, b: number): number {
    const { D, rb } = this;
    return a < b ? D[(rb[a]! >>> 0) / 8 + b]! : D[(rb[b]! >>> 0) / 8 + a]!;
  }

  nearest(p: number, start: number, found: Float64Array): void {
    const tp = positionSorted(this.active, this.m, p);
    found[0] = this.nearestFn(p, tp, this.m, start);
    found[1] = this.out[0]!;
  }

  merge(x: number, y: number, nx: number, ny: number, dxy: number): void {
    const size = this.sizes;
    size[x] = 0;
    size[y] = nx + ny;
    this.sizeF[x] = 0;
    this.sizeF[y] = nx + ny;
    this.m = removeSorted(this.active, this.m, x);
    const ty = positionSorted(this.active, this.m, y);
    this.mergeFn(x, y, ty, this.m, dxy, nx, ny);
  }
}
