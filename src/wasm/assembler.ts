/**
 * The WebAssembly assembler of the kernels: one opcode table, the LEB128 encoders, instruction
 * encoders, block and loop emitters, a frame that hands out named local slots, and the module
 * builder (one imported memory `env.memory`, exported functions). Kernels are assembled from
 * bytes at run time (no toolchain, no binary in the repository); `dump` (wasm/dump.ts) prints a
 * module as text for debugging.
 *
 * Instruction encodings: WebAssembly Core Specification 2.0, section 5.4 (SIMD: 5.4.8).
 */

/** Value types (section 5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** What follows an opcode in the byte stream; read by `dump`. */
export type Immediate =
  | 'none'
  | 'block' // a block type (0x40: no result)
  | 'depth' // a branch depth (uleb)
  | 'func' // a function index (uleb)
  | 'local' // a local index (uleb)
  | 'i32' // a signed LEB128 constant
  | 'f64' // eight bytes
  | 'mem' // memarg: alignment and offset (uleb, uleb)
  | 'lane' // a lane index (one byte)
  | 'memLane' // memarg and a lane index
  | 'bytes16'; // sixteen bytes (v128.const, i8x16.shuffle)

/**
 * The one opcode table: text name, opcode and immediate. Plain opcodes are one byte; the SIMD
 * ones (SIMD_OPS) are the prefix 0xfd followed by their number as unsigned LEB128.
 */
const OPS = {
  UNREACHABLE: ['unreachable', 0x00, 'none'],
  BLOCK: ['block', 0x02, 'block'],
  LOOP: ['loop', 0x03, 'block'],
  IF: ['if', 0x04, 'block'],
  ELSE: ['else', 0x05, 'none'],
  END: ['end', 0x0b, 'none'],
  BR: ['br', 0x0c, 'depth'],
  BR_IF: ['br_if', 0x0d, 'depth'],
  RETURN: ['return', 0x0f, 'none'],
  CALL: ['call', 0x10, 'func'],
  DROP: ['drop', 0x1a, 'none'],
  SELECT: ['select', 0x1b, 'none'],
  LOCAL_GET: ['local.get', 0x20, 'local'],
  LOCAL_SET: ['local.set', 0x21, 'local'],
  LOCAL_TEE: ['local.tee', 0x22, 'local'],
  I32_LOAD: ['i32.load', 0x28, 'mem'],
  F32_LOAD: ['f32.load', 0x2a, 'mem'],
  F64_LOAD: ['f64.load', 0x2b, 'mem'],
  I32_STORE: ['i32.store', 0x36, 'mem'],
  F32_STORE: ['f32.store', 0x38, 'mem'],
  F64_STORE: ['f64.store', 0x39, 'mem'],
  I32_CONST: ['i32.const', 0x41, 'i32'],
  F64_CONST: ['f64.const', 0x44, 'f64'],
  I32_EQZ: ['i32.eqz', 0x45, 'none'],
  I32_EQ: ['i32.eq', 0x46, 'none'],
  I32_NE: ['i32.ne', 0x47, 'none'],
  I32_LT_S: ['i32.lt_s', 0x48, 'none'],
  I32_LT_U: ['i32.lt_u', 0x49, 'none'],
  I32_GT_S: ['i32.gt_s', 0x4a, 'none'],
  I32_GT_U: ['i32.gt_u', 0x4b, 'none'],
  I32_LE_S: ['i32.le_s', 0x4c, 'none'],
  I32_GE_S: ['i32.ge_s', 0x4e, 'none'],
  I32_GE_U: ['i32.ge_u', 0x4f, 'none'],
  F64_EQ: ['f64.eq', 0x61, 'none'],
  F64_LT: ['f64.lt', 0x63, 'none'],
  F64_GT: ['f64.gt', 0x64, 'none'],
  F64_LE: ['f64.le', 0x65, 'none'],
  I32_CTZ: ['i32.ctz', 0x68, 'none'],
  I32_ADD: ['i32.add', 0x6a, 'none'],
  I32_SUB: ['i32.sub', 0x6b, 'none'],
  I32_MUL: ['i32.mul', 0x6c, 'none'],
  I32_AND: ['i32.and', 0x71, 'none'],
  I32_OR: ['i32.or', 0x72, 'none'],
  I32_SHL: ['i32.shl', 0x74, 'none'],
  I32_XOR: ['i32.xor', 0x73, 'none'],
  I32_SHR_U: ['i32.shr_u', 0x76, 'none'],
  I64_MUL: ['i64.mul', 0x7e, 'none'],
  I64_SHR_U: ['i64.shr_u', 0x88, 'none'],
  F64_TRUNC: ['f64.trunc', 0x9d, 'none'],
  F64_ABS: ['f64.abs', 0x99, 'none'],
  F64_SQRT: ['f64.sqrt', 0x9f, 'none'],
  F64_ADD: ['f64.add', 0xa0, 'none'],
  F64_SUB: ['f64.sub', 0xa1, 'none'],
  F64_MUL: ['f64.mul', 0xa2, 'none'],
  F64_DIV: ['f64.div', 0xa3, 'none'],
  F64_MIN: ['f64.min', 0xa4, 'none'],
  F64_MAX: ['f64.max', 0xa5, 'none'],
  I32_WRAP_I64: ['i32.wrap_i64', 0xa7, 'none'],
  I32_TRUNC_F64_S: ['i32.trunc_f64_s', 0xaa, 'none'],
  I64_EXTEND_I32_U: ['i64.extend_i32_u', 0xad, 'none'],
  F32_DEMOTE_F64: ['f32.demote_f64', 0xb6, 'none'],
  F64_CONVERT_I32_S: ['f64.convert_i32_s', 0xb7, 'none'],
  F64_CONVERT_I32_U: ['f64.convert_i32_u', 0xb8, 'none'],
  F64_PROMOTE_F32: ['f64.promote_f32', 0xbb, 'none'],
  I64_REINTERPRET_F64: ['i64.reinterpret_f64', 0xbd, 'none'],
} as const satisfies Record<string, readonly [string, number, Immediate]>;

const SIMD_OPS = {
  V128_LOAD: ['v128.load', 0x00, 'mem'],
  V128_LOAD64_SPLAT: ['v128.load64_splat', 0x0a, 'mem'],
  V128_STORE: ['v128.store', 0x0b, 'mem'],
  V128_CONST: ['v128.const', 0x0c, 'bytes16'],
  I8X16_SHUFFLE: ['i8x16.shuffle', 0x0d, 'bytes16'],
  I64X2_SPLAT: ['i64x2.splat', 0x12, 'none'],
  F64X2_SPLAT: ['f64x2.splat', 0x14, 'none'],
  I32X4_EXTRACT_LANE: ['i32x4.extract_lane', 0x1b, 'lane'],
  F64X2_EXTRACT_LANE: ['f64x2.extract_lane', 0x21, 'lane'],
  F64X2_EQ: ['f64x2.eq', 0x47, 'none'],
  F64X2_LT: ['f64x2.lt', 0x49, 'none'],
  V128_BITSELECT: ['v128.bitselect', 0x52, 'none'],
  V128_STORE64_LANE: ['v128.store64_lane', 0x5b, 'memLane'],
  I8X16_BITMASK: ['i8x16.bitmask', 0x64, 'none'],
  I8X16_NARROW_I16X8_S: ['i8x16.narrow_i16x8_s', 0x65, 'none'],
  I16X8_NARROW_I32X4_S: ['i16x8.narrow_i32x4_s', 0x85, 'none'],
  I64X2_ADD: ['i64x2.add', 0xce, 'none'],
  F64X2_ABS: ['f64x2.abs', 0xec, 'none'],
  F64X2_SQRT: ['f64x2.sqrt', 0xef, 'none'],
  F64X2_ADD: ['f64x2.add', 0xf0, 'none'],
  F64X2_SUB: ['f64x2.sub', 0xf1, 'none'],
  F64X2_MUL: ['f64x2.mul', 0xf2, 'none'],
  F64X2_DIV: ['f64x2.div', 0xf3, 'none'],
  F64X2_PMIN: ['f64x2.pmin', 0xf6, 'none'],
  F64X2_PMAX: ['f64x2.pmax', 0xf7, 'none'],
} as const satisfies Record<string, readonly [string, number, Immediate]>;

/** The SIMD prefix byte. */
export const SIMD_PREFIX = 0xfd;

/** One entry of the opcode table, as `dump` reads it. */
export interface OpcodeInfo {
  readonly text: string;
  readonly immediate: Immediate;
}

/** The table by opcode: plain opcodes by their byte, SIMD ones by their number. */
export const opcodes: {
  readonly plain: ReadonlyMap<number, OpcodeInfo>;
  readonly simd: ReadonlyMap<number, OpcodeInfo>;
} = {
  plain: new Map(Object.values(OPS).map(([text, code, immediate]) => [code, { text, immediate }])),
  simd: new Map(
    Object.values(SIMD_OPS).map(([text, code, immediate]) => [code, { text, immediate }]),
  ),
};

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
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

/** A name: its length and its (ASCII) bytes. */
export const name = (s: string): number[] => [
  ...uleb(s.length),
  ...Array.from(s, (c) => c.charCodeAt(0)),
];
/** A section: id, size, body. */
export const section = (id: number, body: number[]): number[] => [
  id,
  ...uleb(body.length),
  ...body,
];
/** A vector: count, then the items. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

type PlainName = keyof typeof OPS;
type SimdName = keyof typeof SIMD_OPS;

/** The bytes of an opcode (with the SIMD prefix for SIMD ones). */
function opcode(key: PlainName | SimdName): number[] {
  if (key in SIMD_OPS) return [SIMD_PREFIX, ...uleb(SIMD_OPS[key as SimdName][1])];
  return [OPS[key as PlainName][1]];
}

type NoImmediate<T extends Record<string, readonly [string, number, Immediate]>> = {
  [K in keyof T]: T[K][2] extends 'none' ? K : never;
}[keyof T];

/**
 * The instructions without immediates, as bytes, by their table name (I32_ADD, F64X2_MUL, ...),
 * and the block starts with no result (BLOCK, LOOP, IF) and V128_ZERO (v128.const 0).
 */
export const op = (() => {
  const out: Record<string, number[]> = {};
  for (const [key, [, , imm]] of Object.entries(OPS)) {
    if (imm === 'none') out[key] = opcode(key as PlainName);
  }
  for (const [key, [, , imm]] of Object.entries(SIMD_OPS)) {
    if (imm === 'none') out[key] = opcode(key as SimdName);
  }
  out.BLOCK = [...opcode('BLOCK'), 0x40];
  out.LOOP = [...opcode('LOOP'), 0x40];
  out.IF = [...opcode('IF'), 0x40];
  out.V128_ZERO = v128Const(new Array<number>(16).fill(0));
  return out as Record<
    NoImmediate<typeof OPS> | NoImmediate<typeof SIMD_OPS> | 'BLOCK' | 'LOOP' | 'IF' | 'V128_ZERO',
    number[]
  >;
})();

// instructions with immediates
/** Alignment of a memarg: log2 of the access size. */
const ALIGN = { i32: 2, f32: 2, f64: 3, v128: 3 } as const;
export const get = (i: number): number[] => [...opcode('LOCAL_GET'), ...uleb(i)];
export const set = (i: number): number[] => [...opcode('LOCAL_SET'), ...uleb(i)];
export const tee = (i: number): number[] => [...opcode('LOCAL_TEE'), ...uleb(i)];
export const i32 = (v: number): number[] => [...opcode('I32_CONST'), ...sleb(v)];
export const f64 = (v: number): number[] => [
  ...opcode('F64_CONST'),
  ...Array.from(new Uint8Array(new Float64Array([v]).buffer)),
];
export const i32Load = (offset = 0): number[] => [
  ...opcode('I32_LOAD'),
  ALIGN.i32,
  ...uleb(offset),
];
export const i32Store = (offset = 0): number[] => [
  ...opcode('I32_STORE'),
  ALIGN.i32,
  ...uleb(offset),
];
export const f32Load = (offset = 0): number[] => [
  ...opcode('F32_LOAD'),
  ALIGN.f32,
  ...uleb(offset),
];
export const f32Store = (offset = 0): number[] => [
  ...opcode('F32_STORE'),
  ALIGN.f32,
  ...uleb(offset),
];
export const f64Load = (offset = 0): number[] => [
  ...opcode('F64_LOAD'),
  ALIGN.f64,
  ...uleb(offset),
];
export const f64Store = (offset = 0): number[] => [
  ...opcode('F64_STORE'),
  ALIGN.f64,
  ...uleb(offset),
];
export const v128Load = (offset = 0): number[] => [
  ...opcode('V128_LOAD'),
  ALIGN.v128,
  ...uleb(offset),
];
export const v128Store = (offset = 0): number[] => [
  ...opcode('V128_STORE'),
  ALIGN.v128,
  ...uleb(offset),
];
/** v128.load64_splat: one double loaded to both lanes. */
export const load64Splat = (offset = 0): number[] => [
  ...opcode('V128_LOAD64_SPLAT'),
  ALIGN.f64,
  ...uleb(offset),
];
/** v128.store64_lane: one f64 lane stored. */
export const v128Store64Lane = (lane: number, offset = 0): number[] => [
  ...opcode('V128_STORE64_LANE'),
  ALIGN.f64,
  ...uleb(offset),
  lane,
];
export const f64x2Lane = (lane: number): number[] => [...opcode('F64X2_EXTRACT_LANE'), lane];
export const i32x4Lane = (lane: number): number[] => [...opcode('I32X4_EXTRACT_LANE'), lane];
/** v128.const of sixteen bytes. */
export function v128Const(bytes: number[]): number[] {
  if (bytes.length !== 16) throw new RangeError('v128.const takes 16 bytes');
  return [...opcode('V128_CONST'), ...bytes];
}
/** v128.const of two i64 lanes. */
export const i64x2 = (a: number, b: number): number[] =>
  v128Const(Array.from(new Uint8Array(new BigInt64Array([BigInt(a), BigInt(b)]).buffer)));
/** i8x16.shuffle of the 16 byte lanes (0-15 the first operand, 16-31 the second). */
export function shuffle(lanes: number[]): number[] {
  if (lanes.length !== 16) throw new RangeError('i8x16.shuffle takes 16 lanes');
  return [...opcode('I8X16_SHUFFLE'), ...lanes];
}
export const br = (depth: number): number[] => [...opcode('BR'), ...uleb(depth)];
/** call of the function at `index` in the module (the order of `assemble`'s list). */
export const call = (index: number): number[] => [...opcode('CALL'), ...uleb(index)];
export const brIf = (depth: number): number[] => [...opcode('BR_IF'), ...uleb(depth)];

/**
 * A function body being written: `emit` appends instructions; `loop` and `when` emit the
 * structured control around a body.
 */
export class Code {
  readonly bytes: number[] = [];

  /** Append instructions (each an array of bytes) in order. */
  readonly emit = (...parts: number[][]): void => {
    for (const part of parts) for (let t = 0; t < part.length; t++) this.bytes.push(part[t]!);
  };

  /**
   * `block loop <body> end end`: inside `body`, br(1) leaves the loop and br(0) starts the next
   * iteration (the body ends with its own br(0) to loop).
   */
  loop(body: () => void): void {
    this.emit(op.BLOCK, op.LOOP);
    body();
    this.emit(op.END, op.END);
  }

  /** `if <body> end` on the i32 on the stack. */
  when(body: () => void): void {
    this.emit(op.IF);
    body();
    this.emit(op.END);
  }
}

/** Local slots of a function: its parameters, then its locals, each with a name. */
export class Frame {
  readonly #types: number[] = [];
  readonly #names: string[] = [];
  #params = 0;

  /** Parameters in order (only before any local); returns their slots by name. */
  params<K extends string>(types: Record<K, number>): Record<K, number> {
    if (this.#types.length !== this.#params) throw new Error('parameters come before locals');
    const out = this.#add(types);
    this.#params = this.#types.length;
    return out;
  }

  /** Locals in order; returns their slots by name. */
  locals<K extends string>(types: Record<K, number>): Record<K, number> {
    return this.#add(types);
  }

  /** `count` locals of one type named name[0..count-1]; returns the first slot. */
  array(name: string, type: number, count: number): number {
    const first = this.#types.length;
    for (let t = 0; t < count; t++) {
      this.#types.push(type);
      this.#names.push(`${name}[${t}]`);
    }
    return first;
  }

  #add<K extends string>(types: Record<K, number>): Record<K, number> {
    const out = {} as Record<K, number>;
    for (const key of Object.keys(types) as K[]) {
      out[key] = this.#types.length;
      this.#types.push(types[key]);
      this.#names.push(key);
    }
    return out;
  }

  /** Parameter types, for the function's signature. */
  get paramTypes(): number[] {
    return this.#types.slice(0, this.#params);
  }

  /** The name of every slot, by slot. */
  get names(): string[] {
    return this.#names.slice();
  }

  /** The local declarations of the body: runs of one type. */
  declarations(): number[] {
    const runs: number[][] = [];
    let t = this.#params;
    while (t < this.#types.length) {
      const type = this.#types[t]!;
      let end = t;
      while (end < this.#types.length && this.#types[end] === type) end++;
      runs.push([...uleb(end - t), type]);
      t = end;
    }
    return vec(runs);
  }
}

/** A function of a module: exported under `name`. */
export interface Func {
  readonly name: string;
  readonly params: number[];
  readonly results: number[];
  /** The body as the code section holds it: local declarations, instructions, end. */
  readonly code: number[];
  /** Slot names, for `dump`. */
  readonly locals?: string[];
}

/** A function from its frame and body. */
export function func(name: string, frame: Frame, code: Code, results: number[] = []): Func {
  return {
    name,
    params: frame.paramTypes,
    results,
    code: [...frame.declarations(), ...code.bytes, ...op.END],
    locals: frame.names,
  };
}

/** Magic number and version 1. */
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/**
 * The module of `fns`: one imported memory (env.memory, at least one page), each function
 * exported under its name; signatures shared by functions of the same type.
 */
export function assemble(fns: readonly Func[]): Uint8Array<ArrayBuffer> {
  const types: number[][] = [];
  const keys: string[] = [];
  const typeOf = fns.map((f) => {
    const t = [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))];
    const key = t.join(',');
    let at = keys.indexOf(key);
    if (at < 0) {
      at = keys.length;
      keys.push(key);
      types.push(t);
    }
    return at;
  });
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...section(7, vec(fns.map((f, t) => [...name(f.name), 0x00, ...uleb(t)]))),
    ...section(10, vec(fns.map((f) => [...uleb(f.code.length), ...f.code]))),
  ]);
}
