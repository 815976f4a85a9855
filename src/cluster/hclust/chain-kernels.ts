/**
 * The nearest-neighbour chain on a condensed matrix in WebAssembly: the matrix, its Euclidean
 * distances and the chain's working arrays live in one `WebAssembly.Memory`, so the distances
 * are computed where the chain reads them (no copy), and the two inner loops of the chain, the
 * scan for the top's nearest neighbour and the Lance-Williams update after a merge, run as
 * compiled loops over the active list.
 *
 * The algorithm is `CondensedClusters` of nn-chain.ts, step for step: the same scan (column
 * minima from the cache, recomputed over the active i < p when stale, then row p over the
 * active i > p, strict '<' in index order), the same update of every active i != y (the
 * expressions of `lanceWilliamsRows`, operation for operation, one module per method) and the
 * same upkeep of the cache. The update reads and writes each element once, in one pass instead
 * of gather, update and scatter; the values are the same, so the linkage is bit for bit that of
 * the JavaScript chain. The chain itself (`nnChain`) stays in JavaScript: one call per step.
 *
 * Memory (little-endian): [header: 64 bytes][D: n (n - 1) / 2 f64][rb: n i32][active: n i32]
 * [stale: n i32][lowArg: n i32][size: n f64][lowMin: n f64][out: f64][X: n d f64]
 * [X transposed: d n f64] (the last two only when the distances are computed here). Element
 * (i, j), i < j, of D is at byte rb[i] + 8 j. Addresses are unsigned 32-bit: a matrix beyond
 * 4 GiB (n above about 32,000) runs in JavaScript.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import * as w from '../../wasm/index.js';
import { identity } from './distance.js';
import { condensedEuclideanRows } from './distance-kernels.js';
import { AVERAGE, COMPLETE, WARD, WARD_D, WEIGHTED } from './lance-williams.js';
import { condensedOffsets, positionSorted, removeSorted } from './matrix.js';
import { type ChainClusters, nnChain } from './nn-chain.js';

const o = w.op;
const { I32, F64 } = w;
const { I32_ADD, I32_SHL, I32_LT_S, I32_GT_S, I32_GE_S, I32_EQ, I32_AND, I32_OR, I32_EQZ } = o;
const { F64_LT, F64_LE, F64_EQ, F64_GT, F64_ADD, F64_SUB, F64_MUL, F64_DIV } = o;
const { IF, ELSE, END, SELECT } = o;

const HEADER = 64;

/** The methods whose update the module has (the NN-chain methods). */
const CHAIN_CODES = [COMPLETE, AVERAGE, WEIGHTED, WARD, WARD_D];

/** Byte offsets of the arrays in the memory (see the file header). */
interface Layout {
  rb: number;
  active: number;
  stale: number;
  lowArg: number;
  size: number;
  lowMin: number;
  out: number;
  x: number;
  xt: number;
  total: number;
}

function layoutOf(n: number, d: number): Layout {
  const rb = HEADER + 8 * ((n * (n - 1)) / 2);
  const active = rb + 4 * n;
  const stale = active + 4 * n;
  const lowArg = stale + 4 * n;
  const size = lowArg + 4 * n;
  const lowMin = size + 8 * n;
  const out = lowMin + 8 * n;
  const x = out + 8;
  const xt = x + 8 * n * d;
  return { rb, active, stale, lowArg, size, lowMin, out, x, xt, total: xt + 8 * n * d };
}

/**
 * The module of one method: `nearest(p, tp, m, start) -> q` (the scan of `nearest`, the value
 * found at out) and `merge(x, y, ty, m, dxy, nx, ny)` (the update of `merge` and the cache
 * upkeep; x already left the active list, y is at position ty). The array offsets are
 * parameters of both.
 */
function chainModule(code: number): Uint8Array<ArrayBuffer> {
  const bases = { rb: I32, act: I32, stale: I32, larg: I32, sz: I32, lmin: I32, out: I32 };
  const at32 = (base: number, i: number) => [...w.get(base), ...w.get(i), ...w.i32(2), ...I32_SHL];
  const at64 = (base: number, i: number) => [...w.get(base), ...w.get(i), ...w.i32(3), ...I32_SHL];
  const add = I32_ADD;

  // nearest
  const fa = new w.Frame();
  const A = fa.params({ ...bases, p: I32, tp: I32, m: I32, start: F64 });
  const LA = fa.locals({ t: I32, i: I32, q: I32, la: I32, row: I32, p8: I32 });
  const FA = fa.locals({ v: F64, lm: F64, cur: F64 });
  const ca = new w.Code();
  let emit = ca.emit;
  emit(w.get(A.p), w.i32(3), I32_SHL, w.set(LA.p8));
  // stale: the column minimum again, over the active i < p in order
  emit(at32(A.stale, A.p), add, w.i32Load(), IF);
  emit(w.f64(Number.POSITIVE_INFINITY), w.set(FA.lm), w.i32(-1), w.set(LA.la), w.i32(0), w.set(LA.t));
  ca.loop(() => {
    emit(w.get(LA.t), w.get(A.tp), I32_GE_S, w.brIf(1));
    emit(at32(A.act, LA.t), add, w.i32Load(), w.set(LA.i));
    emit(at32(A.rb, LA.i), add, w.i32Load(), w.get(LA.p8), add, w.f64Load(), w.set(FA.v));
    emit(w.get(FA.v), w.get(FA.lm), F64_LT, IF);
    emit(w.get(FA.v), w.set(FA.lm), w.get(LA.i), w.set(LA.la), END);
    emit(w.get(LA.t), w.i32(1), add, w.set(LA.t), w.br(0));
  });
  emit(at64(A.lmin, A.p), add, w.get(FA.lm), w.f64Store());
  emit(at32(A.larg, A.p), add, w.get(LA.la), w.i32Store());
  emit(at32(A.stale, A.p), add, w.i32(0), w.i32Store(), END);
  // the column's minimum, then row p over the active i > p
  emit(w.get(A.start), w.set(FA.cur), w.i32(-1), w.set(LA.q));
  emit(at64(A.lmin, A.p), add, w.f64Load(), w.set(FA.v));
  emit(w.get(FA.v), w.get(FA.cur), F64_LT, IF);
  emit(w.get(FA.v), w.set(FA.cur), at32(A.larg, A.p), add, w.i32Load(), w.set(LA.q), END);
  emit(at32(A.rb, A.p), add, w.i32Load(), w.set(LA.row));
  emit(w.get(A.tp), w.i32(1), add, w.set(LA.t));
  ca.loop(() => {
    emit(w.get(LA.t), w.get(A.m), I32_GE_S, w.brIf(1));
    emit(at32(A.act, LA.t), add, w.i32Load(), w.set(LA.i));
    emit(w.get(LA.row), w.get(LA.i), w.i32(3), I32_SHL, add, w.f64Load(), w.set(FA.v));
    emit(w.get(FA.v), w.get(FA.cur), F64_LT, IF);
    emit(w.get(FA.v), w.set(FA.cur), w.get(LA.i), w.set(LA.q), END);
    emit(w.get(LA.t), w.i32(1), add, w.set(LA.t), w.br(0));
  });
  emit(w.get(A.out), w.get(FA.cur), w.f64Store(), w.get(LA.q));

  // merge
  const fm = new w.Frame();
  const M = fm.params({
    ...bases,
    ...{ x: I32, y: I32, ty: I32, m: I32, dxy: F64, nx: F64, ny: F64 },
  });
  const LM = fm.locals({ t: I32, i: I32, ri: I32, rx: I32, ry: I32, x8: I32, y8: I32 });
  const LM2 = fm.locals({ i8: I32, la: I32, arg: I32 });
  const FM = fm.locals({ dx: F64, dy: F64, ni: F64, v: F64, lm: F64, tt: F64, wv: F64, s: F64 });
  const cm = new w.Code();
  emit = cm.emit;
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
  const sizeOf = [...at64(M.sz, LM.i), ...add, ...w.f64Load(), ...w.set(FM.ni)];
  emit(w.get(M.nx), w.get(M.ny), F64_ADD, w.set(FM.s));
  emit(at32(M.rb, M.x), add, w.i32Load(), w.set(LM.rx), at32(M.rb, M.y), add, w.i32Load());
  emit(w.set(LM.ry), w.get(M.x), w.i32(3), I32_SHL, w.set(LM.x8));
  emit(w.get(M.y), w.i32(3), I32_SHL, w.set(LM.y8));
  emit(w.f64(Number.POSITIVE_INFINITY), w.set(FM.lm), w.i32(-1), w.set(LM2.la), w.i32(0));
  emit(w.set(LM.t));
  // the active i < y: d(x, i) in column x (i < x) or row x (i > x), d(i, y) in column y
  cm.loop(() => {
    emit(w.get(LM.t), w.get(M.ty), I32_GE_S, w.brIf(1));
    emit(at32(M.act, LM.t), add, w.i32Load(), w.set(LM.i));
    emit(at32(M.rb, LM.i), add, w.i32Load(), w.set(LM.ri));
    emit(w.get(LM.ri), w.get(LM.x8), add, w.get(LM.rx), w.get(LM.i), w.i32(3), I32_SHL, add);
    emit(w.get(LM.i), w.get(M.x), I32_LT_S, SELECT, w.f64Load(), w.set(FM.dx));
    emit(w.get(LM.ri), w.get(LM.y8), add, w.f64Load(), w.set(FM.dy), sizeOf, ...update());
    emit(w.get(LM.ri), w.get(LM.y8), add, w.get(FM.v), w.f64Store());
    emit(w.get(FM.v), w.get(FM.lm), F64_LT, IF);
    emit(w.get(FM.v), w.set(FM.lm), w.get(LM.i), w.set(LM2.la), END);
    // the i between x and y whose lowest was x lost it
    emit(w.get(LM.i), w.get(M.x), I32_GT_S, at32(M.larg, LM.i), add, w.i32Load(), w.get(M.x));
    emit(I32_EQ, I32_AND, IF, at32(M.stale, LM.i), add, w.i32(1), w.i32Store(), END);
    emit(w.get(LM.t), w.i32(1), add, w.set(LM.t), w.br(0));
  });
  emit(at64(M.lmin, M.y), add, w.get(FM.lm), w.f64Store());
  emit(at32(M.larg, M.y), add, w.get(LM2.la), w.i32Store());
  emit(at32(M.stale, M.y), add, w.i32(0), w.i32Store());
  emit(w.get(M.ty), w.i32(1), add, w.set(LM.t));
  // the active i > y: rows x and y; then the cache of column i
  cm.loop(() => {
    emit(w.get(LM.t), w.get(M.m), I32_GE_S, w.brIf(1));
    emit(at32(M.act, LM.t), add, w.i32Load(), w.tee(LM.i), w.i32(3), I32_SHL, w.set(LM2.i8));
    emit(w.get(LM.rx), w.get(LM2.i8), add, w.f64Load(), w.set(FM.dx));
    emit(w.get(LM.ry), w.get(LM2.i8), add, w.f64Load(), w.set(FM.dy), sizeOf, ...update());
    emit(w.get(LM.ry), w.get(LM2.i8), add, w.get(FM.v), w.f64Store());
    emit(at32(M.stale, LM.i), add, w.i32Load(), I32_EQZ, IF);
    emit(at32(M.larg, LM.i), add, w.i32Load(), w.tee(LM2.arg), w.get(M.x), I32_EQ, IF);
    emit(at32(M.stale, LM.i), add, w.i32(1), w.i32Store(), ELSE);
    emit(w.get(LM2.arg), w.get(M.y), I32_EQ, IF);
    emit(w.get(FM.v), at64(M.lmin, LM.i), add, w.f64Load(), F64_LE, IF);
    emit(at64(M.lmin, LM.i), add, w.get(FM.v), w.f64Store(), ELSE);
    emit(at32(M.stale, LM.i), add, w.i32(1), w.i32Store(), END, ELSE);
    // v < lowMin[i] || (v === lowMin[i] && y < arg)
    emit(at64(M.lmin, LM.i), add, w.f64Load(), w.set(FM.wv));
    emit(w.get(FM.v), w.get(FM.wv), F64_LT, w.get(FM.v), w.get(FM.wv), F64_EQ);
    emit(w.get(M.y), w.get(LM2.arg), I32_LT_S, I32_AND, I32_OR, IF);
    emit(at64(M.lmin, LM.i), add, w.get(FM.v), w.f64Store());
    emit(at32(M.larg, LM.i), add, w.get(M.y), w.i32Store(), END);
    emit(END, END, END);
    emit(w.get(LM.t), w.i32(1), add, w.set(LM.t), w.br(0));
  });
  return w.assemble([w.func('nearest', fa, ca, [I32]), w.func('merge', fm, cm)]);
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
 * The Euclidean (or squared Euclidean) distances between the rows of x into the matrix of `cm`,
 * in WebAssembly SIMD: the values of `condensedDistances`, bit for bit. @internal
 */
export function condensedEuclideanInto(x: FeatureMatrix, squared: boolean, cm: CondensedMemory): void {
  const { n, layout } = cm;
  const rb = new Int32Array(cm.memory.buffer, layout.rb, n);
  condensedEuclideanRows(x, squared, cm.memory, layout.x, layout.xt, rb);
}

/** True when the WebAssembly chain has the update of linkage code `code`. */
export function hasChainKernel(code: number): boolean {
  return CHAIN_CODES.includes(code);
}

/**
 * The NN-chain on the matrix of `cm` (overwritten) with the method's update, in WebAssembly:
 * the rows of Z of `nnChainCondensed`, bit for bit. @internal
 */
export function nnChainCondensedWasm(
  cm: CondensedMemory,
  code: number,
  size0: Int32Array,
): Float64Array {
  const module = w.compiled(`hclust chain ${code}`, () => chainModule(code));
  const instance = w.instantiate(module, cm.memory);
  return nnChain(cm.n, new WasmCondensedClusters(cm, instance, size0), false);
}

type NearestFn = (...args: number[]) => number;
type MergeFn = (...args: number[]) => void;

/** `ChainClusters` over the memory of a condensed matrix, the loops in WebAssembly. */
class WasmCondensedClusters implements ChainClusters {
  private readonly sizes: Int32Array;
  private readonly active: Int32Array;
  private readonly sizeF: Float64Array;
  private readonly rb: Int32Array;
  private readonly out: Float64Array;
  private readonly bases: number[];
  private readonly nearestFn: NearestFn;
  private readonly mergeFn: MergeFn;
  private readonly D: Float64Array;
  private m: number;

  constructor(cm: CondensedMemory, instance: WebAssembly.Instance, size0: Int32Array) {
    const { n, layout } = cm;
    const buffer = cm.memory.buffer;
    this.D = new Float64Array(buffer);
    this.rb = new Int32Array(buffer, layout.rb, n);
    this.active = new Int32Array(buffer, layout.active, n);
    this.active.set(identity(n));
    this.sizes = size0.slice();
    this.sizeF = new Float64Array(buffer, layout.size, n);
    for (let i = 0; i < n; i++) this.sizeF[i] = size0[i]!;
    // the column minima in one pass over the rows, in order (the first i on ties)
    const lowMin = new Float64Array(buffer, layout.lowMin, n).fill(Number.POSITIVE_INFINITY);
    const lowArg = new Int32Array(buffer, layout.lowArg, n).fill(-1);
    new Int32Array(buffer, layout.stale, n).fill(0);
    const D = cm.D;
    let p = 0;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const v = D[p++]!;
        if (v < lowMin[j]!) {
          lowMin[j] = v;
          lowArg[j] = i;
        }
      }
    }
    this.out = new Float64Array(buffer, layout.out, 1);
    const { rb, active, stale, lowArg: la, size, lowMin: lm, out } = layout;
    this.bases = [rb, active, stale, la, size, lm, out];
    this.nearestFn = instance.exports.nearest as NearestFn;
    this.mergeFn = instance.exports.merge as MergeFn;
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
    const b = this.bases;
    const q = this.nearestFn(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, p, tp, this.m, start);
    found[0] = q;
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
    const b = this.bases;
    this.mergeFn(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, x, y, ty, this.m, dxy, nx, ny);
  }
}
