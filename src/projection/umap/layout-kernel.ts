/**
 * The two-dimensional layout optimisation of optimize.ts (`optimizeLayout2`) in WebAssembly: the
 * same epochs, lanes, samples and draws, the same doubles rounded to the same single-precision
 * layout, and the same MT19937 words (the generator's 624 words and position are copied in and
 * back out, so the generator continues where the JavaScript would). The JavaScript function is
 * the twin; the parity tests compare the two bit for bit.
 *
 * The powers x^b and x^(b - 1) use pow.ts's tables, copied into memory: the squared distances of
 * a single-precision layout lie in [2^-298, 2^256] when positive, where the tables apply (no
 * fallback to Math.pow is needed here).
 *
 * Memory (little-endian): [MT words: 624 u32][position: i32][pad] at 0, then from TABLES the
 * tables 2^-e, 1/m0, (2^e)^b, m0^b, (2^e)^(b-1), m0^(b-1) (f64), then the edges (heads, tails:
 * i32; epochs per sample, per negative sample, next sample, next negative: f64), then the layout
 * of the heads and, in a transform, of the tails (f32 pairs).
 */
import * as w from '../../wasm/index.js';
import type { RandomState } from '../../util/random.js';
import { type PowerTable, powerBins } from './pow.js';

const { I32, I64, F64 } = w;

const MT_WORDS = 624;
const MT_SHIFT = 397;
const POSITION = MT_WORDS * 4;
/** Start of the tables. */
const TABLES = 2560;
const SCALE_LEN = 2046;
const BIN_LEN = 256;
const INV_POW2_AT = TABLES;
const INV_M0_AT = INV_POW2_AT + SCALE_LEN * 8;
const SCALE_B_AT = INV_M0_AT + BIN_LEN * 8;
const BIN_B_AT = SCALE_B_AT + SCALE_LEN * 8;
const SCALE_B1_AT = BIN_B_AT + BIN_LEN * 8;
const BIN_B1_AT = SCALE_B1_AT + SCALE_LEN * 8;
/** Start of the edges. */
const EDGES = BIN_B1_AT + BIN_LEN * 8;

/** What the kernel needs besides the memory: the settings of `optimizeLayout2`. */
export interface LayoutKernelInput {
  readonly head: Float32Array;
  /** The tail layout; the same array as `head` in a fit. */
  readonly tail: Float32Array;
  readonly heads: Int32Array;
  readonly tails: Int32Array;
  readonly epochsPerSample: Float64Array;
  readonly perNegative: Float64Array;
  readonly nextSample: Float64Array;
  readonly nextNegative: Float64Array;
  /** Where the edges split into the two lanes. */
  readonly split: number;
  readonly rows: number;
  readonly a: number;
  readonly b: number;
  readonly nEpochs: number;
  readonly learningRate: number;
  readonly moveOther: boolean;
  readonly powB: PowerTable;
  readonly powB1: PowerTable;
}

/**
 * Run the layout of `input` in WebAssembly, updating `head` (and `tail` when it moves) and the
 * generator; false (nothing done) without WebAssembly or when its memory cannot be had.
 * @internal
 */
export function layoutWasm(input: LayoutKernelInput, rng: RandomState): boolean {
  if (!w.simdSupported()) return false;
  const { head, tail, heads, split, rows, powB, powB1 } = input;
  const m = heads.length;
  const same = head === tail;
  const at = placement(m, head.length, same ? 0 : tail.length);
  const memory = w.allocate(at.end, 'UMAP layout');
  if (memory === null) return false;
  const buffer = memory.buffer;
  const { mt, index } = rng.words();
  new Uint32Array(buffer, 0, MT_WORDS).set(mt);
  new Int32Array(buffer, POSITION, 1)[0] = index;
  const bins = powerBins();
  new Float64Array(buffer, INV_POW2_AT, SCALE_LEN).set(bins.invPow2);
  new Float64Array(buffer, INV_M0_AT, BIN_LEN).set(bins.invM0);
  new Float64Array(buffer, SCALE_B_AT, SCALE_LEN).set(powB.scale);
  new Float64Array(buffer, BIN_B_AT, BIN_LEN).set(powB.bin);
  new Float64Array(buffer, SCALE_B1_AT, SCALE_LEN).set(powB1.scale);
  new Float64Array(buffer, BIN_B1_AT, BIN_LEN).set(powB1.bin);
  new Int32Array(buffer, at.heads, m).set(heads);
  new Int32Array(buffer, at.tails, m).set(input.tails);
  new Float64Array(buffer, at.eps, m).set(input.epochsPerSample);
  new Float64Array(buffer, at.perNeg, m).set(input.perNegative);
  new Float64Array(buffer, at.nextS, m).set(input.nextSample);
  new Float64Array(buffer, at.nextN, m).set(input.nextNegative);
  const headMem = new Float32Array(buffer, at.head, head.length);
  headMem.set(head);
  const tailAt = same ? at.head : at.tail;
  const tailMem = same ? headMem : new Float32Array(buffer, at.tail, tail.length);
  if (!same) tailMem.set(tail);
  const module = w.compiled('umap layout 2', layoutModule);
  const run = w.instantiate(module, memory).exports.layout as (...args: number[]) => void;
  const { a, b } = input;
  run(
    m,
    split,
    input.nEpochs,
    rows,
    (4294967296 - rows) % rows,
    input.moveOther ? 1 : 0,
    at.heads,
    at.tails,
    at.eps,
    at.perNeg,
    at.nextS,
    at.nextN,
    at.head,
    tailAt,
    a,
    -2 * a * b,
    2 * b,
    input.learningRate,
    powB.c1,
    powB.c2,
    powB.c3,
    powB1.c1,
    powB1.c2,
    powB1.c3,
  );
  head.set(headMem);
  if (!same && input.moveOther) tail.set(tailMem);
  rng.setWords(new Uint32Array(buffer, 0, MT_WORDS), new Int32Array(buffer, POSITION, 1)[0]!);
  return true;
}

/** Byte offsets of the arrays of one run (8-byte aligned). */
function placement(m: number, headFloats: number, tailFloats: number) {
  const pad = (bytes: number) => Math.ceil(bytes / 8) * 8;
  const heads = EDGES;
  const tails = heads + pad(4 * m);
  const eps = tails + pad(4 * m);
  const perNeg = eps + 8 * m;
  const nextS = perNeg + 8 * m;
  const nextN = nextS + 8 * m;
  const head = nextN + 8 * m;
  const tail = head + pad(4 * headFloats);
  return { heads, tails, eps, perNeg, nextS, nextN, head, tail, end: tail + pad(4 * tailFloats) };
}

/** The module: `layout(...)`, the whole optimisation (see `layoutWasm` for its arguments). */
function layoutModule(): Uint8Array<ArrayBuffer> {
  const o = w.op;
  const fr = new w.Frame();
  const P = fr.params({
    m: I32,
    split: I32,
    nEpochs: I32,
    rows: I32,
    reject: I32,
    moveOther: I32,
    heads: I32,
    tails: I32,
    eps: I32,
    perNeg: I32,
    nextS: I32,
    nextN: I32,
    head: I32,
    tail: I32,
    a: F64,
    negTwoAB: F64,
    twoB: F64,
    learningRate: F64,
    c1B: F64,
    c2B: F64,
    c3B: F64,
    c1B1: F64,
    c2B1: F64,
    c3B1: F64,
  });
  const L = fr.locals({
    epoch: I32,
    ea: I32,
    eb: I32,
    hasA: I32,
    hasB: I32,
    nA: I32,
    nB: I32,
    both: I32,
    p: I32,
    ja: I32,
    jb: I32,
    k: I32,
    idx: I32,
    y: I32,
    kk: I32,
    hi: I32,
    ex: I32,
    bin: I32,
    e4: I32,
    e8: I32,
    rows64: I64,
    u: I64,
    epochF: F64,
    nEpochsF: F64,
    alpha: F64,
    d0: F64,
    d1: F64,
    d2: F64,
    y0: F64,
    y1: F64,
    pw: F64,
    f: F64,
    coef: F64,
    g0: F64,
    g1: F64,
  });
  const code = new w.Code();
  const emit = code.emit;
  const shift32 = [...w.i32(32), ...o.I64_EXTEND_I32_U];
  const f32At = (addr: number[], offset = 0) => [
    ...addr,
    ...w.f32Load(offset),
    ...o.F64_PROMOTE_F32,
  ];

  // x^y of d2 by the tables at scaleAt, binAt and the coefficients c1..c3 (pow.ts `power`)
  const power = (scaleAt: number, binAt: number, c1: number, c2: number, c3: number) => {
    emit(w.get(L.d2), o.I64_REINTERPRET_F64, shift32, o.I64_SHR_U, o.I32_WRAP_I64);
    emit(w.set(L.hi));
    // ex = e + 1023; the tables are indexed by e + 1022 = ex - 1: offsets minus 8 bytes
    emit(w.get(L.hi), w.i32(20), o.I32_SHR_U, w.i32(3), o.I32_SHL, w.set(L.ex));
    emit(w.get(L.hi), w.i32(12), o.I32_SHR_U, w.i32(255), o.I32_AND, w.i32(3), o.I32_SHL);
    emit(w.set(L.bin));
    // f = x * INV_POW2[e + 1022] * INV_M0[i] - 1
    emit(w.get(L.d2), w.get(L.ex), w.f64Load(INV_POW2_AT - 8), o.F64_MUL);
    emit(w.get(L.bin), w.f64Load(INV_M0_AT), o.F64_MUL, w.f64(1), o.F64_SUB, w.set(L.f));
    // scale[e + 1022] * bin[i] * (1 + f * (c1 + f * (c2 + f * c3)))
    emit(w.get(L.ex), w.f64Load(scaleAt - 8), w.get(L.bin), w.f64Load(binAt), o.F64_MUL);
    emit(w.f64(1), w.get(L.f), w.get(c1), w.get(L.f), w.get(c2), w.get(L.f), w.get(c3));
    emit(o.F64_MUL, o.F64_ADD, o.F64_MUL, o.F64_ADD, o.F64_MUL, o.F64_ADD, o.F64_MUL);
  };
  // Math.min(4, Math.max(-4, g)) of the g on the stack (the same for every double, NaN too)
  const clip = () => emit(w.f64(-4), o.F64_MAX, w.f64(4), o.F64_MIN);

  // k = the byte offset of a uniformly drawn tail row (Lemire on the MT19937 words)
  const draw = () => {
    code.loop(() => {
      // the next word: twist the 624 words when they are used up
      emit(w.get(L.idx), w.i32(MT_WORDS), o.I32_GE_U, o.IF);
      emit(w.i32(0), w.set(L.kk));
      code.loop(() => {
        emit(w.get(L.kk), w.i32(MT_WORDS), o.I32_GE_U, w.brIf(1));
        // y = (mt[kk] & UPPER) | (mt[kk + 1 mod N] & LOWER)
        emit(w.get(L.kk), w.i32(2), o.I32_SHL, w.i32Load(), w.i32(0x80000000 | 0), o.I32_AND);
        emit(w.i32(0), w.get(L.kk), w.i32(1), o.I32_ADD, w.tee(L.y), w.i32(2), o.I32_SHL);
        emit(w.get(L.y), w.i32(MT_WORDS), o.I32_GE_U, o.SELECT, w.i32Load());
        emit(w.i32(0x7fffffff), o.I32_AND, o.I32_OR, w.set(L.y));
        // mt[kk] = mt[kk + M mod N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
        emit(w.get(L.kk), w.i32(2), o.I32_SHL);
        emit(w.get(L.kk), w.i32(MT_SHIFT - MT_WORDS), o.I32_ADD, w.i32(2), o.I32_SHL);
        emit(w.get(L.kk), w.i32(MT_SHIFT), o.I32_ADD, w.i32(2), o.I32_SHL);
        emit(w.get(L.kk), w.i32(MT_WORDS - MT_SHIFT), o.I32_GE_U, o.SELECT, w.i32Load());
        emit(w.get(L.y), w.i32(1), o.I32_SHR_U, o.I32_XOR);
        emit(w.i32(0), w.get(L.y), w.i32(1), o.I32_AND, o.I32_SUB, w.i32(0x9908b0df | 0));
        emit(o.I32_AND, o.I32_XOR, w.i32Store());
        emit(w.get(L.kk), w.i32(1), o.I32_ADD, w.set(L.kk), w.br(0));
      });
      emit(w.i32(0), w.set(L.idx), o.END);
      // y = mt[idx++], tempered
      emit(w.get(L.idx), w.i32(2), o.I32_SHL, w.i32Load(), w.set(L.y));
      emit(w.get(L.idx), w.i32(1), o.I32_ADD, w.set(L.idx));
      emit(w.get(L.y), w.get(L.y), w.i32(11), o.I32_SHR_U, o.I32_XOR, w.set(L.y));
      emit(w.get(L.y), w.get(L.y), w.i32(7), o.I32_SHL, w.i32(0x9d2c5680 | 0), o.I32_AND);
      emit(o.I32_XOR, w.set(L.y));
      emit(w.get(L.y), w.get(L.y), w.i32(15), o.I32_SHL, w.i32(0xefc60000 | 0), o.I32_AND);
      emit(o.I32_XOR, w.set(L.y));
      emit(w.get(L.y), w.get(L.y), w.i32(18), o.I32_SHR_U, o.I32_XOR, w.set(L.y));
      // u = y * rows; accept when its low word >= reject: the row is its high word
      emit(w.get(L.y), o.I64_EXTEND_I32_U, w.get(L.rows64), o.I64_MUL, w.set(L.u));
      emit(w.get(L.u), o.I32_WRAP_I64, w.get(P.reject), o.I32_GE_U, o.IF);
      emit(w.get(L.u), shift32, o.I64_SHR_U, o.I32_WRAP_I64, w.i32(3), o.I32_SHL);
      emit(w.get(P.tail), o.I32_ADD, w.set(L.k), w.br(2), o.END);
      emit(w.br(0));
    });
  };

  // the repulsive step of the head row at byte offset j from the tail row at k
  const repel = (j: number) => {
    draw();
    emit(f32At(w.get(j)), w.set(L.y0), f32At(w.get(j), 4), w.set(L.y1));
    emit(w.get(L.y0), f32At(w.get(L.k)), o.F64_SUB, w.set(L.d0));
    emit(w.get(L.y1), f32At(w.get(L.k), 4), o.F64_SUB, w.set(L.d1));
    emit(w.get(L.d0), w.get(L.d0), o.F64_MUL, w.get(L.d1), w.get(L.d1), o.F64_MUL, o.F64_ADD);
    emit(w.tee(L.d2), w.f64(0), o.F64_GT);
    code.when(() => {
      // coef = twoB / ((0.001 + d2) * (a * d2^b + 1))
      emit(w.get(P.twoB), w.f64(0.001), w.get(L.d2), o.F64_ADD, w.get(P.a));
      power(SCALE_B_AT, BIN_B_AT, P.c1B, P.c2B, P.c3B);
      emit(o.F64_MUL, w.f64(1), o.F64_ADD, o.F64_MUL, o.F64_DIV, w.set(L.coef));
      emit(w.get(j), w.get(L.y0), w.get(L.coef), w.get(L.d0), o.F64_MUL);
      clip();
      emit(w.get(L.alpha), o.F64_MUL, o.F64_ADD, o.F32_DEMOTE_F64, w.f32Store());
      emit(w.get(j), w.get(L.y1), w.get(L.coef), w.get(L.d1), o.F64_MUL);
      clip();
      emit(w.get(L.alpha), o.F64_MUL, o.F64_ADD, o.F32_DEMOTE_F64, w.f32Store(4));
    });
  };

  // the attractive step of edge e (byte offsets e4, e8) whose head row is at j
  const attract = (j: number) => {
    emit(w.get(L.e4), w.get(P.tails), o.I32_ADD, w.i32Load(), w.i32(3), o.I32_SHL);
    emit(w.get(P.tail), o.I32_ADD, w.set(L.k));
    emit(f32At(w.get(j)), f32At(w.get(L.k)), o.F64_SUB, w.set(L.d0));
    emit(f32At(w.get(j), 4), f32At(w.get(L.k), 4), o.F64_SUB, w.set(L.d1));
    emit(w.get(L.d0), w.get(L.d0), o.F64_MUL, w.get(L.d1), w.get(L.d1), o.F64_MUL, o.F64_ADD);
    emit(w.tee(L.d2), w.f64(0), o.F64_GT);
    code.when(() => {
      power(SCALE_B1_AT, BIN_B1_AT, P.c1B1, P.c2B1, P.c3B1);
      emit(w.set(L.pw));
      // coef = (-2ab pb1) / (a pb1 d2 + 1)
      emit(w.get(P.negTwoAB), w.get(L.pw), o.F64_MUL);
      emit(w.get(P.a), w.get(L.pw), o.F64_MUL, w.get(L.d2), o.F64_MUL, w.f64(1), o.F64_ADD);
      emit(o.F64_DIV, w.set(L.coef));
      emit(w.get(L.coef), w.get(L.d0), o.F64_MUL);
      clip();
      emit(w.get(L.alpha), o.F64_MUL, w.set(L.g0));
      emit(w.get(L.coef), w.get(L.d1), o.F64_MUL);
      clip();
      emit(w.get(L.alpha), o.F64_MUL, w.set(L.g1));
      emit(w.get(j), f32At(w.get(j)), w.get(L.g0), o.F64_ADD, o.F32_DEMOTE_F64, w.f32Store());
      emit(w.get(j), f32At(w.get(j), 4), w.get(L.g1), o.F64_ADD, o.F32_DEMOTE_F64);
      emit(w.f32Store(4));
      emit(w.get(P.moveOther));
      code.when(() => {
        emit(w.get(L.k), f32At(w.get(L.k)), w.get(L.g0), o.F64_SUB, o.F32_DEMOTE_F64);
        emit(w.f32Store());
        emit(w.get(L.k), f32At(w.get(L.k), 4), w.get(L.g1), o.F64_SUB, o.F32_DEMOTE_F64);
        emit(w.f32Store(4));
      });
    });
  };

  // one lane's sample of edge `e` (a local): attract, advance, count negatives into n
  const sample = (e: number, j: number, n: number) => {
    emit(w.get(e), w.i32(2), o.I32_SHL, w.set(L.e4), w.get(e), w.i32(3), o.I32_SHL, w.set(L.e8));
    emit(w.get(L.e4), w.get(P.heads), o.I32_ADD, w.i32Load(), w.i32(3), o.I32_SHL);
    emit(w.get(P.head), o.I32_ADD, w.set(j));
    attract(j);
    // nextSample[e] += epochsPerSample[e]
    emit(w.get(L.e8), w.get(P.nextS), o.I32_ADD, w.get(L.e8), w.get(P.nextS), o.I32_ADD);
    emit(w.f64Load(), w.get(L.e8), w.get(P.eps), o.I32_ADD, w.f64Load(), o.F64_ADD, w.f64Store());
    // n = trunc((epoch - nextNegative[e]) / perNegative[e])
    emit(w.get(L.epochF), w.get(L.e8), w.get(P.nextN), o.I32_ADD, w.f64Load(), o.F64_SUB);
    // (NaN when negativeSampleRate is 0: no negatives, as the twin's loops run none)
    emit(w.get(L.e8), w.get(P.perNeg), o.I32_ADD, w.f64Load(), o.F64_DIV, o.F64_TRUNC);
    emit(w.tee(L.f), w.get(L.f), o.F64_EQ, o.IF, w.get(L.f), o.I32_TRUNC_F64_S, w.set(n));
    emit(o.ELSE, w.i32(0), w.set(n), o.END);
  };
  // nextNegative[e] += n * perNegative[e]; e++
  const advance = (e: number, n: number) => {
    emit(w.get(e), w.i32(3), o.I32_SHL, w.set(L.e8));
    emit(w.get(L.e8), w.get(P.nextN), o.I32_ADD, w.get(L.e8), w.get(P.nextN), o.I32_ADD);
    emit(w.f64Load(), w.get(n), o.F64_CONVERT_I32_S, w.get(L.e8), w.get(P.perNeg), o.I32_ADD);
    emit(w.f64Load(), o.F64_MUL, o.F64_ADD, w.f64Store());
    emit(w.get(e), w.i32(1), o.I32_ADD, w.set(e));
  };
  // while (e < end && nextSample[e] > epoch) e++
  const skip = (e: number, end: number[]) => {
    code.loop(() => {
      emit(w.get(e), end, o.I32_GE_S, w.brIf(1));
      emit(w.get(e), w.i32(3), o.I32_SHL, w.get(P.nextS), o.I32_ADD, w.f64Load());
      emit(w.get(L.epochF), o.F64_GT, o.I32_EQZ, w.brIf(1));
      emit(w.get(e), w.i32(1), o.I32_ADD, w.set(e), w.br(0));
    });
  };
  // for (p = from; p < to; p++) body
  const repeat = (from: number[], to: number, body: () => void) => {
    emit(from, w.set(L.p));
    code.loop(() => {
      emit(w.get(L.p), w.get(to), o.I32_GE_S, w.brIf(1));
      body();
      emit(w.get(L.p), w.i32(1), o.I32_ADD, w.set(L.p), w.br(0));
    });
  };

  emit(w.i32(POSITION), w.i32Load(), w.set(L.idx));
  emit(w.get(P.rows), o.I64_EXTEND_I32_U, w.set(L.rows64));
  emit(w.get(P.nEpochs), o.F64_CONVERT_I32_S, w.set(L.nEpochsF));
  emit(w.i32(0), w.set(L.epoch));
  code.loop(() => {
    emit(w.get(L.epoch), w.get(P.nEpochs), o.I32_GE_S, w.brIf(1));
    emit(w.get(L.epoch), o.F64_CONVERT_I32_S, w.set(L.epochF));
    // alpha = learningRate * (1 - epoch / nEpochs)
    emit(w.get(P.learningRate), w.f64(1), w.get(L.epochF), w.get(L.nEpochsF), o.F64_DIV);
    emit(o.F64_SUB, o.F64_MUL, w.set(L.alpha));
    emit(w.i32(0), w.set(L.ea), w.get(P.split), w.set(L.eb));
    code.loop(() => {
      skip(L.ea, w.get(P.split));
      skip(L.eb, w.get(P.m));
      emit(w.get(L.ea), w.get(P.split), o.I32_LT_S, w.tee(L.hasA));
      emit(w.get(L.eb), w.get(P.m), o.I32_LT_S, w.tee(L.hasB), o.I32_OR, o.I32_EQZ, w.brIf(1));
      emit(w.i32(0), w.set(L.nA), w.i32(0), w.set(L.nB));
      emit(w.get(L.hasA));
      code.when(() => sample(L.ea, L.ja, L.nA));
      emit(w.get(L.hasB));
      code.when(() => sample(L.eb, L.jb, L.nB));
      // both lanes while both have samples left, then the longer one alone
      emit(w.get(L.nA), w.get(L.nB), w.get(L.nA), w.get(L.nB), o.I32_LT_S, o.SELECT);
      emit(w.set(L.both));
      repeat(w.i32(0), L.both, () => {
        repel(L.ja);
        repel(L.jb);
      });
      repeat(w.get(L.both), L.nA, () => repel(L.ja));
      repeat(w.get(L.both), L.nB, () => repel(L.jb));
      emit(w.get(L.hasA));
      code.when(() => advance(L.ea, L.nA));
      emit(w.get(L.hasB));
      code.when(() => advance(L.eb, L.nB));
      emit(w.br(0));
    });
    emit(w.get(L.epoch), w.i32(1), o.I32_ADD, w.set(L.epoch), w.br(0));
  });
  emit(w.i32(POSITION), w.get(L.idx), w.i32Store());
  return w.assemble([w.func('layout', fr, code)]);
}
