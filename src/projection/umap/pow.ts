/**
 * x^y for the optimisation's inner loop: 2^(y log2 x) in plain arithmetic, which V8 inlines; a
 * call of Math.log and Math.exp, or of Math.pow, costs more than the rest of a sample. Same
 * doubles on every platform (plain arithmetic and tables).
 *
 * - log2 x = e + log2 m with x = 2^e m, m in [sqrt(1/2), sqrt(2)): e from the exponent bits, m by
 *   an exact product with 2^-e, and ln m = 2 atanh(s), s = (m - 1) / (m + 1), by its series to
 *   s^9 (|s| <= 0.172: truncation below 1e-9 / |y|... see below);
 * - 2^t = 2^k e^(r ln 2), k = floor(t + 1/2), |r ln 2| <= 0.347: Taylor series of e^u to u^8
 *   (truncation below 3e-10), times 2^k from a table.
 *
 * Relative error below 5e-9 for |y| <= 2 (test/projection/umap.test.ts checks it against
 * Math.pow), well under the single precision in which umap-learn and uwot keep the map.
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
/** 2 / ((2i + 1) ln 2): the atanh series as log2. */
const L1 = 2 / Math.LN2;
const L3 = L1 / 3;
const L5 = L1 / 5;
const L7 = L1 / 7;
const L9 = L1 / 9;

/** x^y for x > 0 (see the module comment). */
export function powPositive(x: number, y: number): number {
  if (!(x >= MIN_NORMAL) || x === Infinity) return x ** y;
  f64[0] = x;
  let e = (u32[HI]! >>> 20) - 1023;
  let m = x * INV_POW2[e + 1022]!;
  if (m > Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t = y * (e + s * (L1 + s2 * L3 + s4 * (L5 + s2 * L7 + s4 * L9)));
  if (!(t > -1000 && t < 1000)) return x ** y;
  const k = Math.floor(t + 0.5);
  const r = (t - k) * Math.LN2;
  const r2 = r * r;
  const r4 = r2 * r2;
  const ex =
    1 +
    r +
    r2 * (1 / 2 + r * (1 / 6)) +
    r4 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720 + r * (1 / 5040)) + r4 * (1 / 40320));
  return ex * POW2[k + 1022]!;
}
