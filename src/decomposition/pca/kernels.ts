/**
 * The two hot products of PCA in WebAssembly SIMD (f64x2), assembled at run time:
 *
 * - `gram`: the co-moment of one centred block of rows (decomposition/pca/covariance.ts),
 *     S[i][j] = sum_{r < b} z[r][i] z[r][j]   for j >= i (and some cells below the diagonal),
 *   with the block row-major, stride dp = d rounded up to even (the padding column is zero).
 * - `project`: the scores of one block of centred, scaled rows (model.ts),
 *     out[i][c] = sum_{t < d} z[i][t] v[c][t]  for the k components v_c,
 *   with the components transposed (d x kp, kp = k rounded up to even, the padding is zero).
 *
 * Each f64x2 lane holds one output cell (two neighbouring columns j, j+1, or two neighbouring
 * components c, c+1), and sums its products in the order of the index summed over, from +0, with
 * a separate multiply and add (no fused multiply-add): every cell is therefore bit for bit the
 * value of the JavaScript kernels (`accumulateUpper` in decomposition/pca/covariance.ts, `crossDots` in eigen.ts),
 * which sum in the same order. Register tiles: `gram` takes three rows i by three column pairs
 * (nine accumulators, three broadcasts and one load per step: 18 multiply-adds for six loads);
 * `project` two rows by up to four component pairs.
 *
 * The modules are assembled at run time with the assembler of src/wasm. When the runtime lacks
 * WebAssembly SIMD, or the memory cannot be allocated, the `create*` functions return null and
 * the callers use JavaScript; a module that does not compile throws (wasm/runtime.ts).
 */
import {
  allocate,
  assemble,
  br,
  brIf,
  Code,
  compiled,
  Frame,
  type Func,
  f64Load,
  f64Store,
  f64x2Lane,
  func,
  get,
  giveSpare,
  I32,
  i32,
  instantiate,
  op,
  set,
  simdSupported,
  takeSpare,
  tee,
  V128,
  v128Load,
  v128Store,
} from '../../wasm/index.js';
import { columnMoments } from './covariance.js';

const { I32_EQZ, I32_LT_U, I32_GT_U, I32_GE_U, I32_ADD, I32_MUL, I32_AND } = op;
const { F64_ADD, F64_CONVERT_I32_U, V128_ZERO, F64X2_SPLAT, F64X2_ADD, F64X2_SUB } = op;
const { F64X2_MUL, F64X2_DIV, F64X2_PMIN, F64X2_PMAX } = op;
/** f64.load then f64x2.splat: one scalar broadcast to both lanes. */
const splatLoad = (offset: number) => [...f64Load(offset), ...F64X2_SPLAT];

/** Register tile of `gram`: rows i per tile and column pairs per tile. */
const GRAM_ROWS = 3;
const GRAM_PAIRS = 3;
/** Register tile of `project`: rows per tile and component pairs per tile. */
const PROJECT_ROWS = 2;
const PROJECT_PAIRS = 4;

/** Broadcast slots of a tile: one per row, up to four rows. */
const SPLATS = 4;

/** Locals shared by both functions (after their parameters). */
interface Tile {
  /** i32 locals. */
  i0: number;
  jp: number;
  t: number;
  pa: number;
  pb: number;
  po: number;
  /** v128 locals: broadcasts, one loaded pair, accumulators. */
  spl: number;
  vb: number;
  acc: number;
}

/**
 * One register tile: acc[ri][c] = sum_{t < len} splat(A[pa + ri*aRow + t*aStep]) * B[pb + t*bStep
 * + 16c] (byte addresses), then stored at po + ri*oRow + 16c. pa, pb and po are set by the caller.
 */
function tile(
  f: Tile,
  R: number,
  C: number,
  len: number[],
  aRow: number,
  aStep: number,
  bStep: number,
  oRow: number,
): number[] {
  const code = new Code();
  const emit = code.emit;
  for (let a = 0; a < R * C; a++) emit(V128_ZERO, set(f.acc + a));
  emit(i32(0), set(f.t));
  code.loop(() => {
    emit(get(f.t), len, I32_LT_U, I32_EQZ, brIf(1));
    for (let ri = 0; ri < R; ri++) emit(get(f.pa), splatLoad(ri * aRow), set(f.spl + ri));
    for (let c = 0; c < C; c++) {
      emit(get(f.pb), v128Load(c * 16), set(f.vb));
      for (let ri = 0; ri < R; ri++) {
        const acc = f.acc + ri * C + c;
        emit(get(f.spl + ri), get(f.vb), F64X2_MUL, get(acc), F64X2_ADD, set(acc));
      }
    }
    emit(get(f.pa), i32(aStep), I32_ADD, set(f.pa));
    emit(get(f.pb), i32(bStep), I32_ADD, set(f.pb));
    emit(get(f.t), i32(1), I32_ADD, set(f.t), br(0));
  });
  for (let ri = 0; ri < R; ri++) {
    for (let c = 0; c < C; c++)
      emit(get(f.po), get(f.acc + ri * C + c), v128Store(ri * oRow + c * 16));
  }
  return code.bytes;
}

/** The tile's locals in `fr`, with `accs` accumulators. */
function tileSlots(fr: Frame, accs: number): Tile {
  const { i0, jp, t, pa, pb, po } = fr.locals({
    ...{ i0: I32, jp: I32, t: I32 },
    ...{ pa: I32, pb: I32, po: I32 },
  });
  const spl = fr.array('spl', V128, SPLATS);
  const { vb } = fr.locals({ vb: V128 });
  const acc = fr.array('acc', V128, accs);
  return { i0, jp, t, pa, pb, po, spl, vb, acc };
}

/**
 * Body of `gram(z, b, s)` for stride dp: S = s[i*dp + j] (byte offsets z, s). Row tiles of R
 * rows i0..i0+R-1, and for each the column pairs from the pair holding i0 to dp - 1.
 */
function gramFunc(dp: number): Func {
  const fr = new Frame();
  const P = fr.params({ z: I32, b: I32, s: I32 });
  const f = tileSlots(fr, GRAM_ROWS * GRAM_PAIRS);
  const code = new Code();
  const emit = code.emit;
  const row = dp * 8;
  /** Tiles of R rows while i0 + R <= dp. */
  const rowTiles = (R: number) => {
    code.loop(() => {
      emit(get(f.i0), i32(R), I32_ADD, i32(dp), I32_GT_U, brIf(1));
      emit(get(f.i0), i32(-2), I32_AND, set(f.jp));
      for (const C of [GRAM_PAIRS, 1]) {
        code.loop(() => {
          emit(get(f.jp), i32(2 * C), I32_ADD, i32(dp), I32_GT_U, brIf(1));
          // pa = z + 8 i0, pb = z + 8 jp, po = s + 8 (i0 dp + jp)
          emit(get(P.z), get(f.i0), i32(8), I32_MUL, I32_ADD, set(f.pa));
          emit(get(P.z), get(f.jp), i32(8), I32_MUL, I32_ADD, set(f.pb));
          emit(get(P.s), get(f.i0), i32(row), I32_MUL, I32_ADD);
          emit(get(f.jp), i32(8), I32_MUL, I32_ADD, set(f.po));
          emit(tile(f, R, C, get(P.b), 8, row, row, row));
          emit(get(f.jp), i32(2 * C), I32_ADD, set(f.jp), br(0));
        });
      }
      emit(get(f.i0), i32(R), I32_ADD, set(f.i0), br(0));
    });
  };
  emit(i32(0), set(f.i0));
  rowTiles(GRAM_ROWS);
  rowTiles(1);
  return func('gram', fr, code);
}

/**
 * Body of `project(z, b, vt, out)` for d columns and kp (even) components: out[i*kp + c] (byte
 * offsets). Row tiles of R rows, and for each the component pairs, C at a time.
 */
function projectFunc(d: number, kp: number): Func {
  const fr = new Frame();
  const P = fr.params({ z: I32, b: I32, vt: I32, out: I32 });
  const f = tileSlots(fr, PROJECT_ROWS * PROJECT_PAIRS);
  const code = new Code();
  const emit = code.emit;
  const MUL = I32_MUL;
  const rowTiles = (R: number) => {
    code.loop(() => {
      emit(get(f.i0), i32(R), I32_ADD, get(P.b), I32_GT_U, brIf(1));
      emit(i32(0), set(f.jp));
      for (const C of [PROJECT_PAIRS, 1]) {
        code.loop(() => {
          emit(get(f.jp), i32(2 * C), I32_ADD, i32(kp), I32_GT_U, brIf(1));
          // pa = z + 8 d i0, pb = vt + 8 jp, po = out + 8 (i0 kp + jp)
          emit(get(P.z), get(f.i0), i32(8 * d), MUL, I32_ADD, set(f.pa));
          emit(get(P.vt), get(f.jp), i32(8), MUL, I32_ADD, set(f.pb));
          emit(get(P.out), get(f.i0), i32(8 * kp), MUL, I32_ADD);
          emit(get(f.jp), i32(8), MUL, I32_ADD, set(f.po));
          emit(tile(f, R, C, i32(d), 8 * d, 8, 8 * kp, 8 * kp));
          emit(get(f.jp), i32(2 * C), I32_ADD, set(f.jp), br(0));
        });
      }
      emit(get(f.i0), i32(R), I32_ADD, set(f.i0), br(0));
    });
  };
  emit(i32(0), set(f.i0));
  rowTiles(PROJECT_ROWS);
  rowTiles(1);
  return func('project', fr, code);
}

/**
 * Body of `prep(x, b, z, st)` for d columns (dp = d rounded up to even): the block statistics
 * and the centred block of the co-moment, two columns per lane pair, in row order as the
 * JavaScript path: st[j] = sum_r x[r][j] / b (the block mean), st[dp + j] = min(st[dp + j],
 * x[r][j]) and st[2dp + j] = max(..) by `v < lo ? v : lo` and `hi < v ? v : hi` (pmin, pmax: the
 * strict comparisons of the JavaScript loop), and z[r][j] = x[r][j] - mean_j. The rows x are
 * packed (stride d); with d odd the last pair reads one value past its row (the next row's first,
 * or the slack after the block), whose results land in the padding column and are never read.
 */
function prepFunc(d: number, dp: number): Func {
  const fr = new Frame();
  const P = fr.params({ x: I32, b: I32, z: I32, st: I32 });
  const Lc = fr.locals({
    ...{ j: I32, r: I32, px: I32, pz: I32, m: I32 },
    ...{ sum: V128, lo: V128, hi: V128, v: V128 },
  });
  const code = new Code();
  const emit = code.emit;
  const MUL = I32_MUL;
  emit(i32(0), set(Lc.j));
  code.loop(() => {
    emit(get(Lc.j), i32(dp), I32_GE_U, brIf(1));
    // st pointer of the pair: st + 8 j
    emit(V128_ZERO, set(Lc.sum));
    emit(get(P.st), get(Lc.j), i32(8), MUL, I32_ADD, tee(Lc.m), v128Load(dp * 8), set(Lc.lo));
    emit(get(Lc.m), v128Load(2 * dp * 8), set(Lc.hi));
    emit(get(P.x), get(Lc.j), i32(8), MUL, I32_ADD, set(Lc.px), i32(0), set(Lc.r));
    code.loop(() => {
      emit(get(Lc.r), get(P.b), I32_GE_U, brIf(1));
      emit(get(Lc.sum), get(Lc.px), v128Load(0), tee(Lc.v), F64X2_ADD, set(Lc.sum));
      emit(get(Lc.lo), get(Lc.v), F64X2_PMIN, set(Lc.lo));
      emit(get(Lc.hi), get(Lc.v), F64X2_PMAX, set(Lc.hi));
      emit(get(Lc.px), i32(d * 8), I32_ADD, set(Lc.px));
      emit(get(Lc.r), i32(1), I32_ADD, set(Lc.r), br(0));
    });
    emit(get(Lc.m), get(Lc.lo), v128Store(dp * 8), get(Lc.m), get(Lc.hi), v128Store(2 * dp * 8));
    emit(get(Lc.sum), get(P.b), F64_CONVERT_I32_U, F64X2_SPLAT, F64X2_DIV, set(Lc.sum));
    emit(get(Lc.m), get(Lc.sum), v128Store(0));
    // z[r][j..j+1] = x[r][j..j+1] - mean
    emit(get(P.x), get(Lc.j), i32(8), MUL, I32_ADD, set(Lc.px));
    emit(get(P.z), get(Lc.j), i32(8), MUL, I32_ADD, set(Lc.pz), i32(0), set(Lc.r));
    code.loop(() => {
      emit(get(Lc.r), get(P.b), I32_GE_U, brIf(1));
      emit(get(Lc.pz), get(Lc.px), v128Load(0), get(Lc.sum), F64X2_SUB, v128Store(0));
      emit(get(Lc.px), i32(d * 8), I32_ADD, set(Lc.px));
      emit(get(Lc.pz), i32(dp * 8), I32_ADD, set(Lc.pz));
      emit(get(Lc.r), i32(1), I32_ADD, set(Lc.r), br(0));
    });
    emit(get(Lc.j), i32(2), I32_ADD, set(Lc.j), br(0));
  });
  return func('prep', fr, code);
}

/**
 * Body of `scale(x, b, z, ms)` for d columns: z[r][j] = (x[r][j] - ms[j]) * ms[dp + j] for the b
 * packed rows (stride d), two columns per lane pair in row order; with d odd the last pair of a
 * row also writes the first value of the next row (rewritten when that row is done) or the
 * slack after the block.
 */
function scaleFunc(d: number, dp: number): Func {
  const fr = new Frame();
  const P = fr.params({ x: I32, b: I32, z: I32, ms: I32 });
  const Lc = fr.locals({ r: I32, j: I32, px: I32, pz: I32 });
  const code = new Code();
  const emit = code.emit;
  emit(get(P.x), set(Lc.px), get(P.z), set(Lc.pz), i32(0), set(Lc.r));
  code.loop(() => {
    emit(get(Lc.r), get(P.b), I32_GE_U, brIf(1));
    for (let j = 0; j < dp; j += 2) {
      emit(get(Lc.pz), get(Lc.px), v128Load(j * 8), get(P.ms), v128Load(j * 8), F64X2_SUB);
      emit(get(P.ms), v128Load((dp + j) * 8), F64X2_MUL, v128Store(j * 8));
    }
    emit(get(Lc.px), i32(d * 8), I32_ADD, set(Lc.px));
    emit(get(Lc.pz), i32(d * 8), I32_ADD, set(Lc.pz));
    emit(get(Lc.r), i32(1), I32_ADD, set(Lc.r), br(0));
  });
  return func('scale', fr, code);
}

/** The functions of a (cached) module bound to a new memory of `bytes`, or null. */
function bind(
  key: string,
  build: () => Uint8Array<ArrayBuffer>,
  bytes: number,
): { memory: WebAssembly.Memory; fns: Record<string, (...args: number[]) => void> } | null {
  if (!simdSupported()) return null;
  const memory = allocate(bytes, 'PCA products');
  if (memory === null) return null;
  const instance = instantiate(compiled(key, build), memory);
  return {
    memory,
    fns: instance.exports as Record<string, (...args: number[]) => void>,
  };
}

/** The co-moment kernel of blocks of up to `blockRows` rows of d columns. @internal */
export interface GramKernel {
  /** Row stride of `block` (d rounded up to even); cells of the padding column are not read. */
  readonly stride: number;
  /** The centred block, row-major (blockRows x stride), filled by the caller. */
  readonly block: Float64Array;
  /**
   * S[i*stride + j] = sum_{r < b} block[r][i] block[r][j] for j >= i (cells below the diagonal
   * hold partial products: do not read them). The returned view is overwritten by the next call.
   */
  gram(b: number): Float64Array;
  /**
   * Fill `block` with rows [r0, r0 + b) of `data` (d columns) centred on their mean, written to
   * `mean`; `min` and `max` are updated with the block's values. The same numbers as the
   * JavaScript loops (sums over the rows in order, strict comparisons).
   */
  centre(
    data: Float64Array,
    r0: number,
    b: number,
    mean: Float64Array,
    min: Float64Array,
    max: Float64Array,
  ): void;
}

/** A co-moment kernel for d columns, or null without WebAssembly SIMD. @internal */
export function createGramKernel(d: number, blockRows: number): GramKernel | null {
  const dp = d + (d & 1);
  const sOff = blockRows * dp * 8;
  const xOff = sOff + dp * dp * 8;
  // the raw rows, and 16 bytes of slack for the last pair of an odd d
  const stOff = xOff + Math.ceil((blockRows * d * 8 + 8) / 16) * 16;
  const k = bind(`gram ${d}`, () => assemble([gramFunc(dp), prepFunc(d, dp)]), stOff + 3 * dp * 8);
  if (k === null) return null;
  const { buffer } = k.memory;
  const { gram, prep } = k.fns as Record<'gram' | 'prep', (...args: number[]) => void>;
  const block = new Float64Array(buffer, 0, blockRows * dp);
  const s = new Float64Array(buffer, sOff, dp * dp);
  const x = new Float64Array(buffer, xOff, blockRows * d);
  const st = new Float64Array(buffer, stOff, 3 * dp);
  return {
    stride: dp,
    block,
    gram(b) {
      gram(0, b, sOff);
      return s;
    },
    centre(data, r0, b, mean, min, max) {
      x.set(data.subarray(r0 * d, (r0 + b) * d));
      st.set(min, dp);
      st.set(max, 2 * dp);
      prep(xOff, b, 0, stOff);
      for (let j = 0; j < d; j++) {
        mean[j] = st[j]!;
        min[j] = st[dp + j]!;
        max[j] = st[2 * dp + j]!;
      }
    },
  };
}

/** The scores kernel: blocks of up to `blockRows` rows against k components. @internal */
export interface ProjectKernel {
  /** The centred and scaled rows (blockRows x d, row-major), filled by the caller. */
  readonly block: Float64Array;
  /** out[o + i*k + c] = sum_{t < d} block[i][t] v[c][t] for the first b rows. */
  project(b: number, out: Float64Array, o: number): void;
  /**
   * `project` of rows [r0, r0 + b) of `data` (d columns), each value centred and scaled into
   * `block` first: (x - mean_j) * inverseScale_j, as the JavaScript loop.
   */
  scores(data: Float64Array, r0: number, b: number, out: Float64Array, o: number): void;
}

/**
 * A scores kernel for d columns, the k components v (k x d, row-major), the centre `mean` and the
 * `inverseScale` (length d each), or null without WebAssembly SIMD. @internal
 */
export function createProjectKernel(
  d: number,
  v: Float64Array,
  k: number,
  blockRows: number,
  mean: Float64Array = new Float64Array(d),
  inverseScale: Float64Array = new Float64Array(d).fill(1),
): ProjectKernel | null {
  const kp = k + (k & 1);
  const dp = d + (d & 1);
  // block and raw rows, each with 8 bytes of slack for the last pair of an odd d
  const rowsBytes = Math.ceil((blockRows * d * 8 + 8) / 16) * 16;
  const xOff = rowsBytes;
  const msOff = 2 * rowsBytes;
  const vtOffAligned = msOff + 2 * dp * 8;
  const outOff = vtOffAligned + d * kp * 8;
  const kern = bind(
    `project ${d} ${kp}`,
    () => assemble([projectFunc(d, kp), scaleFunc(d, dp)]),
    outOff + blockRows * kp * 8,
  );
  if (kern === null) return null;
  const { buffer } = kern.memory;
  const run = kern.fns.project!;
  const scale = kern.fns.scale!;
  const block = new Float64Array(buffer, 0, blockRows * d);
  const x = new Float64Array(buffer, xOff, blockRows * d);
  const ms = new Float64Array(buffer, msOff, 2 * dp);
  ms.set(mean);
  ms.set(inverseScale, dp);
  const vt = new Float64Array(buffer, vtOffAligned, d * kp);
  for (let t = 0; t < d; t++) for (let c = 0; c < k; c++) vt[t * kp + c] = v[c * d + t]!;
  const res = new Float64Array(buffer, outOff, blockRows * kp);
  const project = (b: number, out: Float64Array, o: number) => {
    run(0, b, vtOffAligned, outOff);
    if (kp === k) out.set(res.subarray(0, b * k), o);
    else {
      for (let i = 0; i < b; i++) {
        for (let c = 0; c < k; c++) out[o + i * k + c] = res[i * kp + c]!;
      }
    }
  };
  return {
    block,
    project,
    scores(data, r0, b, out, o) {
      x.set(data.subarray(r0 * d, (r0 + b) * d));
      scale(xOff, b, 0, msOff);
      project(b, out, o);
    },
  };
}

/** An instance of a kernel module: its memory and its functions (kept as a spare, wasm/pool.ts). */
interface Instance {
  memory: WebAssembly.Memory;
  fns: Record<string, (...args: number[]) => void>;
}

/** Register tiles of the normal-product kernel: rows (or column pairs) by vectors. */
const NORMAL_ROWS = 4;
const NORMAL_VECTORS = 2;
/** Rows of A per block of the normal-product kernel (both passes find the block in cache). */
const NORMAL_BLOCK = 32;

/**
 * Body of `nproject(a, rb, v, tb)` for rows of stride dp (even) and wp (even) vectors of length
 * dp (v[c*dp + t]): tb[i*wp + c] = sum_t a[i][t] v[c][t] for i < rb, in tiles of R rows by two
 * vectors. Lane 0 sums the even t in order, lane 1 the odd t; the cell is lane 0 + lane 1.
 */
function nprojectFunc(dp: number, wp: number): Func {
  const R = NORMAL_ROWS;
  const C = NORMAL_VECTORS;
  const fr = new Frame();
  const P = fr.params({ a: I32, rb: I32, v: I32, tb: I32 });
  const L = {
    ...fr.locals({ i0: I32, c0: I32, t: I32, pa: I32, pv: I32 }),
    av: fr.array('av', V128, R),
    vv: fr.array('vv', V128, C),
    acc: fr.array('acc', V128, R * C),
  };
  const code = new Code();
  const emit = code.emit;
  const MUL = I32_MUL;
  const rowTiles = (rows: number) => {
    code.loop(() => {
      emit(get(L.i0), i32(rows), I32_ADD, get(P.rb), I32_GT_U, brIf(1));
      emit(i32(0), set(L.c0));
      code.loop(() => {
        emit(get(L.c0), i32(wp), I32_GE_U, brIf(1));
        for (let a = 0; a < rows * C; a++) emit(V128_ZERO, set(L.acc + a));
        emit(get(P.a), get(L.i0), i32(dp * 8), MUL, I32_ADD, set(L.pa));
        emit(get(P.v), get(L.c0), i32(dp * 8), MUL, I32_ADD, set(L.pv));
        emit(i32(0), set(L.t));
        code.loop(() => {
          emit(get(L.t), i32(dp / 2), I32_GE_U, brIf(1));
          for (let r = 0; r < rows; r++) emit(get(L.pa), v128Load(r * dp * 8), set(L.av + r));
          for (let c = 0; c < C; c++) emit(get(L.pv), v128Load(c * dp * 8), set(L.vv + c));
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < C; c++) {
              const acc = L.acc + r * C + c;
              emit(get(L.av + r), get(L.vv + c), F64X2_MUL, get(acc), F64X2_ADD, set(acc));
            }
          }
          emit(get(L.pa), i32(16), I32_ADD, set(L.pa));
          emit(get(L.pv), i32(16), I32_ADD, set(L.pv));
          emit(get(L.t), i32(1), I32_ADD, set(L.t), br(0));
        });
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < C; c++) {
            const acc = L.acc + r * C + c;
            // tb + 8 ((i0 + r) wp + c0 + c) = lane 0 + lane 1
            emit(get(P.tb), get(L.i0), i32(wp * 8), MUL, I32_ADD, get(L.c0), i32(8), MUL, I32_ADD);
            emit(get(acc), f64x2Lane(0), get(acc), f64x2Lane(1), F64_ADD);
            emit(f64Store((r * wp + c) * 8));
          }
        }
        emit(get(L.c0), i32(C), I32_ADD, set(L.c0), br(0));
      });
      emit(get(L.i0), i32(rows), I32_ADD, set(L.i0), br(0));
    });
  };
  emit(i32(0), set(L.i0));
  rowTiles(R);
  rowTiles(1);
  return func('nproject', fr, code);
}

/**
 * Body of `naccum(a, rb, tb, w)`: w[c][t] += sum_{i < rb} a[i][t] tb[i*wp + c] (rows of stride
 * dp, w[c*dp + t]), the products added in row order to the value already in w; tiles of R column
 * pairs by two vectors (a pair of columns per lane pair, one broadcast of tb per vector).
 */
function naccumFunc(dp: number, wp: number): Func {
  const R = NORMAL_ROWS;
  const C = NORMAL_VECTORS;
  const fr = new Frame();
  const P = fr.params({ a: I32, rb: I32, tb: I32, w: I32 });
  const L = {
    ...fr.locals({ t0: I32, c0: I32, i: I32, pa: I32, pt: I32, pw: I32 }),
    av: fr.array('av', V128, R),
    sv: fr.array('sv', V128, C),
    acc: fr.array('acc', V128, R * C),
  };
  const code = new Code();
  const emit = code.emit;
  const MUL = I32_MUL;
  const colTiles = (pairs: number) => {
    code.loop(() => {
      emit(get(L.t0), i32(2 * pairs), I32_ADD, i32(dp), I32_GT_U, brIf(1));
      emit(i32(0), set(L.c0));
      code.loop(() => {
        emit(get(L.c0), i32(wp), I32_GE_U, brIf(1));
        // pw = w + 8 (c0 dp + t0)
        emit(get(P.w), get(L.c0), i32(dp * 8), MUL, I32_ADD, get(L.t0), i32(8), MUL, I32_ADD);
        emit(set(L.pw));
        for (let r = 0; r < pairs; r++) {
          for (let c = 0; c < C; c++) {
            emit(get(L.pw), v128Load(c * dp * 8 + r * 16), set(L.acc + r * C + c));
          }
        }
        emit(get(P.a), get(L.t0), i32(8), MUL, I32_ADD, set(L.pa));
        emit(get(P.tb), get(L.c0), i32(8), MUL, I32_ADD, set(L.pt));
        emit(i32(0), set(L.i));
        code.loop(() => {
          emit(get(L.i), get(P.rb), I32_GE_U, brIf(1));
          for (let r = 0; r < pairs; r++) emit(get(L.pa), v128Load(r * 16), set(L.av + r));
          for (let c = 0; c < C; c++) emit(get(L.pt), splatLoad(c * 8), set(L.sv + c));
          for (let r = 0; r < pairs; r++) {
            for (let c = 0; c < C; c++) {
              const acc = L.acc + r * C + c;
              emit(get(L.av + r), get(L.sv + c), F64X2_MUL, get(acc), F64X2_ADD, set(acc));
            }
          }
          emit(get(L.pa), i32(dp * 8), I32_ADD, set(L.pa));
          emit(get(L.pt), i32(wp * 8), I32_ADD, set(L.pt));
          emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0));
        });
        for (let r = 0; r < pairs; r++) {
          for (let c = 0; c < C; c++) {
            emit(get(L.pw), get(L.acc + r * C + c), v128Store(c * dp * 8 + r * 16));
          }
        }
        emit(get(L.c0), i32(C), I32_ADD, set(L.c0), br(0));
      });
      emit(get(L.t0), i32(2 * pairs), I32_ADD, set(L.t0), br(0));
    });
  };
  emit(i32(0), set(L.t0));
  colTiles(R);
  colTiles(1);
  return func('naccum', fr, code);
}

/**
 * Body of `nstats(a, n, st)` (mode 'stats'), `nsquares(a, n, st)` ('squares') or `ncentre(a, n,
 * st)` ('centre') for n rows of stride dp, walking the rows in order with a column pair per lane
 * pair: 'stats' adds each row to st[0..dp) (sums) and takes st[dp..2dp) = pmin (strict <) and
 * st[2dp..3dp) = pmax (strict >), as the JavaScript loops of `columnMoments`; 'squares' adds
 * (a - st[j])^2 to st[dp + j]; 'centre' rewrites a[i][j] = (a[i][j] - st[j]) * st[dp + j].
 */
function nrowsFunc(dp: number, mode: 'stats' | 'squares' | 'centre'): Func {
  const fr = new Frame();
  const P = fr.params({ a: I32, n: I32, st: I32 });
  const L = fr.locals({ i: I32, pa: I32, v: V128, s: V128 });
  const code = new Code();
  const emit = code.emit;
  emit(get(P.a), set(L.pa), i32(0), set(L.i));
  code.loop(() => {
    emit(get(L.i), get(P.n), I32_GE_U, brIf(1));
    for (let j = 0; j < dp; j += 2) {
      const at = j * 8;
      emit(get(L.pa), v128Load(at), set(L.v));
      if (mode === 'stats') {
        emit(get(P.st), get(P.st), v128Load(at), get(L.v), F64X2_ADD, v128Store(at));
        emit(get(P.st), get(P.st), v128Load(at + dp * 8), get(L.v), F64X2_PMIN);
        emit(v128Store(at + dp * 8));
        emit(get(P.st), get(P.st), v128Load(at + 2 * dp * 8), get(L.v), F64X2_PMAX);
        emit(v128Store(at + 2 * dp * 8));
      } else if (mode === 'squares') {
        emit(get(L.v), get(P.st), v128Load(at), F64X2_SUB, tee(L.s), get(L.s), F64X2_MUL, set(L.s));
        emit(get(P.st), get(P.st), v128Load(at + dp * 8), get(L.s), F64X2_ADD);
        emit(v128Store(at + dp * 8));
      } else {
        emit(get(L.pa), get(L.v), get(P.st), v128Load(at), F64X2_SUB);
        emit(get(P.st), v128Load(at + dp * 8), F64X2_MUL, v128Store(at));
      }
    }
    emit(get(L.pa), i32(dp * 8), I32_ADD, set(L.pa));
    emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0));
  });
  return func(`n${mode}`, fr, code);
}

/**
 * The products of the Krylov solver of PCA: W = A^T (A V) for a matrix A (rows x cols) held in
 * the kernel's memory and up to `width` vectors V of length cols. For blocks of 32 rows A_b in
 * order: T_b = A_b V, then W += A_b^T T_b (rows in order). Rows, vectors and products have the
 * stride cols rounded up to even, whose padding entry is zero. @internal
 */
export interface NormalKernel {
  readonly rows: number;
  readonly cols: number;
  /** Row stride of a, v and w: cols rounded up to even. */
  readonly stride: number;
  /** Vectors per product: width rounded up to even (unused vectors stay zero). */
  readonly width: number;
  /** A, row-major (rows x stride; the padding column stays zero), filled by the caller. */
  readonly a: Float64Array;
  /** The vectors (width x stride: v[c * stride + t]), set by the caller (padding zero). */
  readonly v: Float64Array;
  /** W = A^T A V (width x stride), written by `apply`. */
  readonly w: Float64Array;
  /** True when the kernel runs in WebAssembly SIMD. */
  readonly simd: boolean;
  apply(): void;
  /** Done with the kernel: its memory may serve the next one (no view may be used after). */
  release(): void;
  /**
   * The column moments of the rows in `a`, with the sums, comparisons and divisions of
   * `columnMoments` (decomposition/pca/covariance.ts) in the same order: the same numbers.
   */
  moments(): { mean: Float64Array; sumSquares: Float64Array; min: Float64Array; max: Float64Array };
  /** a[i][j] = (a[i][j] - centre[j]) * inverseScale[j] for every row. */
  centre(centre: Float64Array, inverseScale: Float64Array): void;
}

/**
 * The normal-product kernel, in WebAssembly SIMD, or in JavaScript without it (or when the
 * memory cannot be had); both sum in the same order, so they give the same bits. @internal
 */
export function createNormalKernel(rows: number, cols: number, width: number): NormalKernel {
  const wp = width + (width & 1);
  const dp = cols + (cols & 1);
  const aBytes = rows * dp * 8;
  const vOff = aBytes;
  const wOff = vOff + wp * dp * 8;
  const tOff = wOff + wp * dp * 8;
  const stOff = tOff + NORMAL_BLOCK * wp * 8;
  const total = stOff + 3 * dp * 8;
  const key = `normal ${dp} ${wp}`;
  const kern =
    total < 2 ** 31
      ? ((simdSupported() ? takeSpare<Instance>(key, total) : null) ??
        bind(
          key,
          () =>
            assemble([
              nprojectFunc(dp, wp),
              naccumFunc(dp, wp),
              nrowsFunc(dp, 'stats'),
              nrowsFunc(dp, 'squares'),
              nrowsFunc(dp, 'centre'),
            ]),
          total,
        ))
      : null;
  // no spread of a shared `base` into the two literals below: an object built by spread gets a
  // hidden class of its own that V8 may drop and rebuild between fits, and the code that calls
  // the kernel's methods would then be discarded and recompiled
  if (kern !== null) {
    const { buffer } = kern.memory;
    const { nproject, naccum, nstats, nsquares, ncentre } = kern.fns as Record<
      'nproject' | 'naccum' | 'nstats' | 'nsquares' | 'ncentre',
      (...a: number[]) => void
    >;
    const w = new Float64Array(buffer, wOff, wp * dp);
    const st = new Float64Array(buffer, stOff, 3 * dp);
    const column = (from: number) => st.slice(from, from + cols);
    const a = new Float64Array(buffer, 0, rows * dp);
    const v = new Float64Array(buffer, vOff, wp * dp);
    // A reused memory holds old values: zero what is read before it is written (the padding
    // column of A and the vectors).
    if (dp !== cols) for (let i = 0; i < rows; i++) a[i * dp + cols] = 0;
    v.fill(0);
    return {
      rows,
      cols,
      stride: dp,
      width: wp,
      simd: true,
      a,
      v,
      w,
      release() {
        giveSpare(key, kern);
      },
      apply() {
        w.fill(0);
        for (let r0 = 0; r0 < rows; r0 += NORMAL_BLOCK) {
          const at = r0 * dp * 8;
          const rb = Math.min(NORMAL_BLOCK, rows - r0);
          nproject(at, rb, vOff, tOff);
          naccum(at, rb, tOff, wOff);
        }
      },
      moments() {
        st.fill(0, 0, dp);
        st.fill(Infinity, dp, 2 * dp);
        st.fill(-Infinity, 2 * dp, 3 * dp);
        nstats(0, rows, stOff);
        const min = column(dp);
        const max = column(2 * dp);
        for (let j = 0; j < dp; j++) st[j] = st[j]! / rows;
        const mean = column(0);
        st.fill(0, dp, 2 * dp);
        nsquares(0, rows, stOff);
        return { mean, sumSquares: column(dp), min, max };
      },
      centre(centre, inverseScale) {
        st.fill(0, 0, dp);
        st.set(centre);
        st.fill(1, dp, 2 * dp);
        st.set(inverseScale, dp);
        ncentre(0, rows, stOff);
      },
    };
  }
  const a = new Float64Array(rows * dp);
  const v = new Float64Array(wp * dp);
  const w = new Float64Array(wp * dp);
  const tb = new Float64Array(NORMAL_BLOCK * wp);
  return {
    rows,
    cols,
    stride: dp,
    width: wp,
    simd: false,
    a,
    v,
    w,
    release() {},
    apply() {
      w.fill(0);
      for (let r0 = 0; r0 < rows; r0 += NORMAL_BLOCK) {
        const rb = Math.min(NORMAL_BLOCK, rows - r0);
        for (let i = 0; i < rb; i++) {
          const oi = (r0 + i) * dp;
          for (let c = 0; c < wp; c++) {
            const oc = c * dp;
            let even = 0;
            let odd = 0;
            for (let t = 0; t < dp; t += 2) {
              even += a[oi + t]! * v[oc + t]!;
              odd += a[oi + t + 1]! * v[oc + t + 1]!;
            }
            tb[i * wp + c] = even + odd;
          }
        }
        for (let c = 0; c < wp; c++) {
          const oc = c * dp;
          for (let i = 0; i < rb; i++) {
            const s = tb[i * wp + c]!;
            const oi = (r0 + i) * dp;
            for (let t = 0; t < dp; t++) w[oc + t] += a[oi + t]! * s;
          }
        }
      }
    },
    moments() {
      return columnMoments({ rows, cols, data: a }, dp);
    },
    centre(centre, inverseScale) {
      for (let i = 0; i < rows; i++) {
        const o = i * dp;
        for (let j = 0; j < cols; j++) a[o + j] = (a[o + j]! - centre[j]!) * inverseScale[j]!;
      }
    },
  };
}
