/**
 * x^y for the optimisation's inner loop: 2^(y log2 x) in plain arithmetic and small tables,
 * which V8 inlines (a call of Math.log and Math.exp, or of Math.pow, costs more than the rest of
 * a sample), with the same doubles on every platform.
 *
 * - log2 x = e + log2 m0 + log2(1 + f): x = 2^e m, m in [1, 2), e from the exponent bits; m0 the
 *   centre of m's 1/256-wide bin (8 mantissa bits, log2 m0 and 1/m0 from tables) and
 *   f = m / m0 - 1, |f| < 1/512; ln(1 + f) by its series to f^4 (truncation below 1e-14).
 * - 2^t = 2^q 2^(i/256) e^r with t = q + i/256 + r / ln 2, |r| <= ln 2 / 512 (both powers of two
 *   from tables), e^r by its series to r^3 (truncation below 2e-13).
 *
 * Relative error below 1e-12 against Math.pow for |y| <= 2 (test/projection/umap.test.ts).
 * `Math.pow` serves the cases outside its range: x not a normal positive double, or
 * |y log2 x| > 1000.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the 32-bit word holding a double's sign, exponent and high mantissa. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const MIN_NORMAL = 2.2250738585072014e-308;
/** POW2[e + 1022] = 2^e and INV_POW2[e + 1022] = 2^-e for e in [-1022, 1023]. */
const POW2 = new Float64Array(2046);
const INV_POW2 = new Float64Array(2046);
for (let e = -1022; e <= 1023; e++) {
  POW2[e + 1022] = 2 ** e;
  INV_POW2[e + 1022] = 2 ** -e;
}
/** For the bin i of the mantissa: 1 / m0, log2 m0 (m0 = 1 + (i + 1/2) / 256), and 2^(i/256). */
const INV_M0 = new Float64Array(256);
const LOG2_M0 = new Float64Array(256);
const EXP2_BIN = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const m0 = 1 + (i + 0.5) / 256;
  INV_M0[i] = 1 / m0;
  LOG2_M0[i] = Math.log2(m0);
  EXP2_BIN[i] = 2 ** (i / 256);
}
const LOG2E = Math.LOG2E;
const LN2 = Math.LN2;

/** x^y for x > 0 (see the module comment). */
export function powPositive(x: number, y: number): number {
  if (!(x >= MIN_NORMAL) || x === Infinity) return x ** y;
  f64[0] = x;
  const hi = u32[HI]!;
  const e = (hi >>> 20) - 1023;
  const i = (hi >>> 12) & 255;
  const f = x * INV_POW2[e + 1022]! * INV_M0[i]! - 1;
  const t = y * (e + LOG2_M0[i]! + f * LOG2E * (1 - f * (1 / 2 - f * (1 / 3 - f * (1 / 4)))));
  if (!(t > -1000 && t < 1000)) return x ** y;
  const n = Math.floor(t * 256 + 0.5);
  const r = (t - n * (1 / 256)) * LN2;
  return POW2[(n >> 8) + 1022]! * EXP2_BIN[n & 255]! * (1 + r * (1 + r * (1 / 2 + r * (1 / 6))));
}
