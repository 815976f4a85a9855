/**
 * x^y for a fixed y, for the optimisation's inner loop, where a call of Math.pow (or of Math.log
 * and Math.exp) costs more than the rest of a sample: plain arithmetic on two tables, inlined by
 * V8, with the same doubles on every platform.
 *
 * With x = 2^e m (e from the exponent bits, m in [1, 2)), m0 the centre of m's 1/256-wide bin
 * (its 8 leading mantissa bits) and f = m / m0 - 1 (|f| < 1/512):
 *
 *   x^y = (2^e)^y  m0^y  (1 + f)^y,
 *
 * the first two factors from tables made for y (2046 and 256 entries), the last from its binomial
 * series to f^3 (truncation below 1e-10 for |y| <= 2). Relative error below 1e-10 against
 * Math.pow (test/projection/umap.test.ts). `Math.pow` serves x that are not normal positive
 * doubles.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the 32-bit word holding a double's sign, exponent and high mantissa. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const MIN_NORMAL = 2.2250738585072014e-308;
/** INV_POW2[e + 1022] = 2^-e for e in [-1022, 1023]. */
const INV_POW2 = new Float64Array(2046);
for (let e = -1022; e <= 1023; e++) INV_POW2[e + 1022] = 2 ** -e;
/** 1 / m0 of each of the 256 bins of the mantissa, m0 = 1 + (i + 1/2) / 256. */
const INV_M0 = new Float64Array(256);
for (let i = 0; i < 256; i++) INV_M0[i] = 1 / (1 + (i + 0.5) / 256);

/** The tables shared by every y: 2^-e at e + 1022 and 1 / m0 of each bin (for kernels). @internal */
export function powerBins(): { readonly invPow2: Float64Array; readonly invM0: Float64Array } {
  return { invPow2: INV_POW2, invM0: INV_M0 };
}

/** The tables of x^y for one y. */
export interface PowerTable {
  readonly y: number;
  /** (2^e)^y at e + 1022. */
  readonly scale: Float64Array;
  /** m0^y of each bin. */
  readonly bin: Float64Array;
  /** The binomial coefficients of (1 + f)^y: y, y (y - 1) / 2, y (y - 1) (y - 2) / 6. */
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
}

/** The tables of x^y. */
export function powerTable(y: number): PowerTable {
  const scale = new Float64Array(2046);
  for (let e = -1022; e <= 1023; e++) scale[e + 1022] = 2 ** (e * y);
  const bin = new Float64Array(256);
  for (let i = 0; i < 256; i++) bin[i] = (1 + (i + 0.5) / 256) ** y;
  return { y, scale, bin, c1: y, c2: (y * (y - 1)) / 2, c3: (y * (y - 1) * (y - 2)) / 6 };
}

/** x^y for x > 0 by the tables of y (see the module comment). */
export function power(t: PowerTable, x: number): number {
  if (!(x >= MIN_NORMAL) || x === Infinity) return x ** t.y;
  f64[0] = x;
  const hi = u32[HI]!;
  const e = (hi >>> 20) - 1023;
  const i = (hi >>> 12) & 255;
  const f = x * INV_POW2[e + 1022]! * INV_M0[i]! - 1;
  return t.scale[e + 1022]! * t.bin[i]! * (1 + f * (t.c1 + f * (t.c2 + f * t.c3)));
}
