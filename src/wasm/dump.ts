/**
 * A text dump of a module built by the assembler (wasm/assembler.ts), for debugging a kernel:
 * the types, the memory import, each function with its exports, locals and instructions, one per
 * line, indented by block. Names of local slots are printed when the functions are given (the
 * `Func` list the module was assembled from). Only the opcodes of the table are known; any other
 * byte stops the function's listing with a line saying so.
 */
import { F64, type Func, I32, I64, opcodes, SIMD_PREFIX, V128 } from './assembler.js';

const TYPE_NAMES = new Map([
  [I32, 'i32'],
  [I64, 'i64'],
  [F64, 'f64'],
  [V128, 'v128'],
]);

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError('unexpected end of the module');
    return this.bytes[this.at++]!;
  }

  uleb(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }

  sleb(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return b & 0x40 ? result - 2 ** shift : result;
  }

  name(): string {
    const n = this.uleb();
    let s = '';
    for (let t = 0; t < n; t++) s += String.fromCharCode(this.byte());
    return s;
  }

  take(n: number): Uint8Array {
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

const typeName = (t: number) => TYPE_NAMES.get(t) ?? `0x${t.toString(16)}`;

/** The module as text (see the file header). */
export function dump(bytes: Uint8Array, fns?: readonly Func[]): string {
  const r = new Reader(bytes, 8);
  const lines: string[] = ['(module'];
  const signatures: string[] = [];
  const funcTypes: number[] = [];
  const exports = new Map<number, string[]>();
  let bodies: Uint8Array[] = [];
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.uleb();
    const s = new Reader(r.take(size));
    if (id === 1) {
      const n = s.uleb();
      for (let t = 0; t < n; t++) {
        s.byte(); // 0x60
        const params = Array.from({ length: s.uleb() }, () => typeName(s.byte()));
        const results = Array.from({ length: s.uleb() }, () => typeName(s.byte()));
        const sig = `(func (param ${params.join(' ')}) (result ${results.join(' ')}))`;
        signatures.push(sig);
        lines.push(`  (type ${t} ${sig})`);
      }
    } else if (id === 2) {
      const n = s.uleb();
      for (let t = 0; t < n; t++) {
        const mod = s.name();
        const field = s.name();
        const kind = s.byte();
        const flags = s.byte();
        const min = s.uleb();
        const max = flags & 1 ? ` ${s.uleb()}` : '';
        const what = kind === 0x02 ? `(memory ${min}${max})` : `(kind ${kind})`;
        lines.push(`  (import "${mod}" "${field}" ${what})`);
      }
    } else if (id === 3) {
      const n = s.uleb();
      for (let t = 0; t < n; t++) funcTypes.push(s.uleb());
    } else if (id === 7) {
      const n = s.uleb();
      for (let t = 0; t < n; t++) {
        const field = s.name();
        s.byte(); // kind: function
        const index = s.uleb();
        exports.set(index, [...(exports.get(index) ?? []), field]);
      }
    } else if (id === 10) {
      const n = s.uleb();
      bodies = Array.from({ length: n }, () => s.take(s.uleb()));
    }
  }
  bodies.forEach((body, f) => {
    const names = exports.get(f)?.map((e) => ` (export "${e}")`) ?? [];
    lines.push(`  (func ${f} (type ${funcTypes[f]})${names.join('')}`);
    dumpBody(new Reader(body), fns?.[f]?.locals, lines);
    lines.push('  )');
  });
  lines.push(')');
  return lines.join('\n');
}

function dumpBody(r: Reader, names: readonly string[] | undefined, lines: string[]): void {
  const runs = r.uleb();
  for (let t = 0; t < runs; t++) {
    const count = r.uleb();
    lines.push(`    (local ${typeName(r.byte())} x${count})`);
  }
  const slot = (i: number) => (names?.[i] !== undefined ? `$${names[i]}` : `${i}`);
  let depth = 0;
  while (r.at < r.bytes.length) {
    const start = r.at;
    const b = r.byte();
    const info = b === SIMD_PREFIX ? opcodes.simd.get(r.uleb()) : opcodes.plain.get(b);
    if (info === undefined) {
      lines.push(`    ;; unknown opcode at byte ${start}: 0x${b.toString(16)}`);
      return;
    }
    let text = info.text;
    switch (info.immediate) {
      case 'block':
        r.byte();
        break;
      case 'depth':
      case 'func':
        text += ` ${r.uleb()}`;
        break;
      case 'local':
        text += ` ${slot(r.uleb())}`;
        break;
      case 'i32':
        text += ` ${r.sleb()}`;
        break;
      case 'f64':
        text += ` ${new Float64Array(Uint8Array.from(r.take(8)).buffer)[0]}`;
        break;
      case 'mem':
        r.uleb();
        text += ` offset=${r.uleb()}`;
        break;
      case 'lane':
        text += ` ${r.byte()}`;
        break;
      case 'memLane':
        r.uleb();
        text += ` offset=${r.uleb()} ${r.byte()}`;
        break;
      case 'bytes16':
        text += ` ${Array.from(r.take(16)).join(' ')}`;
        break;
    }
    if (text === 'end' || text === 'else') depth--;
    if (depth >= 0) lines.push(`    ${'  '.repeat(depth)}${text}`);
    if (info.immediate === 'block' || text === 'else') depth++;
  }
}
