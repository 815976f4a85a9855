/**
 * The Lloyd pass of k-means in WebAssembly SIMD, generated at run time for a given k.
 *
 * One pass = for every row x_i: the squared distances to the k centres, two centres per 128-bit
 * lane pair (f64x2), each lane summing (x_ij - c_j)^2 over j in order, exactly as the
 * JavaScript kernels do (separate multiply and add, no fused multiply-add), so the distances,
 * labels and sums are bit for bit those of the JavaScript Lloyd pass; then the nearest centre
 * (lowest index on ties), whether the label changed, and the row added to its centre's sum.
 *
 * Memory (one `WebAssembly.Memory` per fit, little-endian f64/i32):
 *   [X: n*d f64][centres transposed: d*kp f64][labels: n i32][sums: k*d f64][weights: k f64]
 * with kp = k rounded up to even; the padding centre is +Infinity (never nearest).
 * X lives in this memory for the whole fit: `kmeans` writes the centred copy of the data there
 * instead of into a JavaScript array, so the data is not copied twice.
 *
 * The module is assembled from bytes here (no toolchain, no binary in the repository); it needs
 * the WebAssembly SIMD proposal (Node >= 16.4). When the runtime lacks it, or the data does not
 * fit in 4 GiB of 32-bit memory, `createLloydKernel` returns null and k-means uses JavaScript.
 * Instruction encodings: WebAssembly Core Specification 2.0, section 5.4 (SIMD: 5.4.8).
 */

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
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_SHL = [0x74];
const F64_LT = [0x63];
const F64_ADD = [0xa0];
const f64Load = (offset = 0) => [0x2b, 3, ...uleb(offset)];
const f64Store = (offset = 0) => [0x39, 3, ...uleb(offset)];
const I32_LOAD = [0x28, 2, 0];
const I32_STORE = [0x36, 2, 0];
const v128Load = (offset = 0) => [0xfd, ...uleb(0x00), 3, ...uleb(offset)];
const V128_ZERO = [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)];
const F64X2_SPLAT = [0xfd, ...uleb(0x14)];
const f64x2Lane = (lane: number) => [0xfd, ...uleb(0x21), lane];
const F64X2_ADD = [0xfd, ...uleb(0xf0)];
const F64X2_SUB = [0xfd, ...uleb(0xf1)];
const F64X2_MUL = [0xfd, ...uleb(0xf2)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = [0x0b];
const br = (depth: number) => [0x0c, ...uleb(depth)];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];

/**
 * The module of `pass(x, n, d, ct, labels, sums, weights) -> changed` for k centres (byte
 * offsets; sums and weights must be zero on entry).
 */
function lloydModule(k: number): Uint8Array<ArrayBuffer> {
  const kp = k + (k & 1);
  const pairs = kp / 2;
  const P = { x: 0, n: 1, d: 2, ct: 3, labels: 4, sums: 5, weights: 6 };
  const L = { i: 7, j: 8, p: 9, q: 10, best: 11, changed: 12, t: 13, bd: 14, v: 15 };
  const XS = 16;
  const E = 17;
  const ACC = 18; // pairs accumulators
  const b: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) b.push(...part);
  };
  emit(i32(0), set(L.i), i32(0), set(L.changed));
  emit(BLOCK, LOOP);
  emit(get(L.i), get(P.n), I32_LT_U, I32_EQZ, brIf(1));
  // p = x + 8 i d
  emit(get(P.x), get(L.i), get(P.d), I32_MUL, i32(3), I32_SHL, I32_ADD, set(L.p));
  for (let c = 0; c < pairs; c++) emit(V128_ZERO, set(ACC + c));
  emit(get(P.ct), set(L.q), i32(0), set(L.j));
  emit(BLOCK, LOOP);
  emit(get(L.j), get(P.d), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(L.p), get(L.j), i32(3), I32_SHL, I32_ADD, f64Load(), F64X2_SPLAT, set(XS));
  for (let c = 0; c < pairs; c++) {
    // acc_c = acc_c + (x - c)^2, two centres per lane pair
    emit(get(XS), get(L.q), v128Load(c * 16), F64X2_SUB, tee(E), get(E), F64X2_MUL);
    emit(get(ACC + c), F64X2_ADD, set(ACC + c));
  }
  emit(get(L.q), i32(kp * 8), I32_ADD, set(L.q));
  emit(get(L.j), i32(1), I32_ADD, set(L.j), br(0));
  emit(END, END);
  // nearest centre, in index order, strict <
  emit(f64(Number.POSITIVE_INFINITY), set(L.bd), i32(0), set(L.best));
  for (let c = 0; c < k; c++) {
    emit(get(ACC + (c >> 1)), f64x2Lane(c & 1), tee(L.v), get(L.bd), F64_LT, IF);
    emit(get(L.v), set(L.bd), i32(c), set(L.best), END);
  }
  // label changed?
  emit(get(P.labels), get(L.i), i32(2), I32_SHL, I32_ADD, tee(L.t), I32_LOAD, get(L.best), I32_NE);
  emit(IF, get(L.t), get(L.best), I32_STORE);
  emit(get(L.changed), i32(1), I32_ADD, set(L.changed), END);
  // sums[best] += row, weights[best] += 1
  emit(get(P.sums), get(L.best), get(P.d), I32_MUL, i32(3), I32_SHL, I32_ADD, set(L.q));
  emit(i32(0), set(L.j));
  emit(BLOCK, LOOP);
  emit(get(L.j), get(P.d), I32_LT_U, I32_EQZ, brIf(1));
  emit(get(L.q), get(L.q), f64Load(), get(L.p), f64Load(), F64_ADD, f64Store());
  emit(get(L.q), i32(8), I32_ADD, set(L.q), get(L.p), i32(8), I32_ADD, set(L.p));
  emit(get(L.j), i32(1), I32_ADD, set(L.j), br(0));
  emit(END, END);
  emit(get(P.weights), get(L.best), i32(3), I32_SHL, I32_ADD, tee(L.t));
  emit(get(L.t), f64Load(), f64(1), F64_ADD, f64Store());
  emit(get(L.i), i32(1), I32_ADD, set(L.i), br(0));
  emit(END, END);
  emit(get(L.changed));
  const locals = vec([
    [...uleb(7), I32],
    [...uleb(2), F64],
    [...uleb(2 + pairs), V128],
  ]);
  const code = [...locals, ...b, ...END];
  const params = vec(new Array<number[]>(7).fill([I32]));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...params, ...vec([[I32]])]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...name('pass'), 0x00, ...uleb(0)]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

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
   * count written to `sums` and `counts`. Returns the number of labels that changed.
   */
  pass(centres: Float64Array, sums: Float64Array, counts: Float64Array): number;
}

const PAGE = 65536;

/** A kernel for n x d data and k centres, or null without SIMD or beyond 4 GiB. @internal */
export function createLloydKernel(n: number, d: number, k: number): LloydKernel | null {
  if (!simdSupported()) return null;
  const kp = k + (k & 1);
  const xBytes = n * d * 8;
  const ctOff = xBytes;
  const labelsOff = ctOff + d * kp * 8;
  const sumsOff = labelsOff + Math.ceil((n * 4) / 16) * 16;
  const weightsOff = sumsOff + k * d * 8;
  const total = weightsOff + k * 8;
  const pages = Math.ceil(total / PAGE);
  if (pages > 65536) return null;
  let memory: WebAssembly.Memory;
  let instance: WebAssembly.Instance;
  try {
    memory = new WebAssembly.Memory({ initial: pages });
    let module = modules.get(k);
    if (module === undefined) {
      module = new WebAssembly.Module(lloydModule(k));
      modules.set(k, module);
    }
    instance = new WebAssembly.Instance(module, { env: { memory } });
  } catch {
    return null; // out of memory for the module: JavaScript will do
  }
  const fn = instance.exports.pass as (...args: number[]) => number;
  const buffer = memory.buffer;
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
      const changed = fn(0, n, d, ctOff, labelsOff, sumsOff, weightsOff);
      outSums.set(sums);
      outCounts.set(weights);
      return changed;
    },
  };
}
