import { describe, expect, it } from 'vitest';
import { setLogger } from '../../src/util/log.js';
import {
  allocate,
  assemble,
  br,
  brIf,
  Code,
  compiled,
  dump,
  F64,
  Frame,
  f64,
  f64Load,
  f64x2Lane,
  fallbackCount,
  func,
  get,
  I32,
  i32,
  instantiate,
  op,
  set,
  sleb,
  uleb,
  V128,
} from '../../src/wasm/index.js';

describe('wasm assembler: encoders', () => {
  it('uleb(n) is the unsigned LEB128 of n (section 5.2.2)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('sleb(n) is the signed LEB128 of n', () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('instructions: plain opcodes one byte, SIMD ones 0xfd and their number in LEB128', () => {
    expect(op.I32_ADD).toEqual([0x6a]);
    expect(op.F64X2_ADD).toEqual([0xfd, 0xf0, 0x01]);
    expect(op.F64X2_SPLAT).toEqual([0xfd, 0x14]);
    expect(op.LOOP).toEqual([0x03, 0x40]);
    expect(get(300)).toEqual([0x20, 0xac, 0x02]);
    expect(i32(-2)).toEqual([0x41, 0x7e]);
    expect(f64(1)).toEqual([0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(f64x2Lane(1)).toEqual([0xfd, 0x21, 1]);
  });
});

describe('wasm assembler: named local slots', () => {
  it('parameters first, then locals in order; declarations are runs of one type', () => {
    const f = new Frame();
    const P = f.params({ x: I32, n: I32, scale: F64 });
    const L = f.locals({ i: I32, j: I32 });
    const acc = f.array('acc', V128, 3);
    const { s } = f.locals({ s: F64 });
    expect(P).toEqual({ x: 0, n: 1, scale: 2 });
    expect(L).toEqual({ i: 3, j: 4 });
    expect(acc).toBe(5);
    expect(s).toBe(8);
    expect(f.paramTypes).toEqual([I32, I32, F64]);
    expect(f.names).toEqual(['x', 'n', 'scale', 'i', 'j', 'acc[0]', 'acc[1]', 'acc[2]', 's']);
    expect(f.declarations()).toEqual([3, 2, I32, 3, V128, 1, F64]);
    expect(() => f.params({ late: I32 })).toThrow('parameters come before locals');
  });
});

/** sum(p, n): the sum of the n doubles at p, in order. */
function sumFunc() {
  const f = new Frame();
  const P = f.params({ p: I32, n: I32 });
  const L = f.locals({ i: I32, s: F64 });
  const c = new Code();
  c.emit(f64(0), set(L.s), i32(0), set(L.i));
  c.loop(() => {
    c.emit(get(L.i), get(P.n), op.I32_LT_U, op.I32_EQZ, brIf(1));
    c.emit(get(L.s), get(P.p), get(L.i), i32(3), op.I32_SHL, op.I32_ADD);
    c.emit(f64Load(), op.F64_ADD, set(L.s));
    c.emit(get(L.i), i32(1), op.I32_ADD, set(L.i), br(0));
  });
  c.emit(get(L.s));
  return func('sum', f, c, [F64]);
}

describe('wasm assembler: modules', () => {
  it('assemble(fns) builds a valid module whose exports run', () => {
    const bytes = assemble([sumFunc()]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = allocate(64, 'test')!;
    const sum = instantiate(new WebAssembly.Module(bytes), memory).exports.sum as (
      p: number,
      n: number,
    ) => number;
    new Float64Array(memory.buffer, 0, 4).set([1, 2, 3, 0.5]);
    expect(sum(0, 4)).toBe(6.5);
    expect(sum(8, 2)).toBe(5);
  });

  it('dump(bytes, fns) prints the module as text, with the names of the slots', () => {
    const fn = sumFunc();
    const text = dump(assemble([fn]), [fn]);
    expect(text).toBe(
      [
        '(module',
        '  (type 0 (func (param i32 i32) (result f64)))',
        '  (import "env" "memory" (memory 1))',
        '  (func 0 (type 0) (export "sum")',
        '    (local i32 x1)',
        '    (local f64 x1)',
        '    f64.const 0',
        '    local.set $s',
        '    i32.const 0',
        '    local.set $i',
        '    block',
        '      loop',
        '        local.get $i',
        '        local.get $n',
        '        i32.lt_u',
        '        i32.eqz',
        '        br_if 1',
        '        local.get $s',
        '        local.get $p',
        '        local.get $i',
        '        i32.const 3',
        '        i32.shl',
        '        i32.add',
        '        f64.load offset=0',
        '        f64.add',
        '        local.set $s',
        '        local.get $i',
        '        i32.const 1',
        '        i32.add',
        '        local.set $i',
        '        br 0',
        '      end',
        '    end',
        '    local.get $s',
        '  )',
        ')',
      ].join('\n'),
    );
    // without names, the slot numbers; SIMD opcodes and their immediates
    const c = new Code();
    c.emit(op.V128_ZERO, f64x2Lane(1), op.DROP);
    const bare = dump(assemble([func('lane', new Frame(), c)]));
    expect(bare).toContain('v128.const 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0');
    expect(bare).toContain('f64x2.extract_lane 1');
  });
});

describe('wasm runtime: failure policy', () => {
  it('a module that does not compile throws its CompileError (no fallback to JavaScript)', () => {
    const c = new Code();
    c.emit(op.F64_ADD); // nothing on the stack
    const bad = () => assemble([func('bad', new Frame(), c)]);
    expect(() => compiled('test: invalid module', bad)).toThrow(WebAssembly.CompileError);
  });

  it('a memory beyond 4 GiB is null, with a debug message and a fallback counted', () => {
    const messages: string[] = [];
    const previous = setLogger({ warn() {}, debug: (m) => messages.push(m) });
    try {
      const before = fallbackCount();
      expect(allocate(2 ** 32 + 1, 'test kernel')).toBeNull();
      expect(fallbackCount()).toBe(before + 1);
      expect(messages).toEqual([
        'test kernel: JavaScript instead of WebAssembly: 4294967297 bytes do not fit in 4 GiB of 32-bit memory',
      ]);
    } finally {
      setLogger(previous);
    }
  });
});
