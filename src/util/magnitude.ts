/**
 * Extreme magnitudes: squares of values near 1e300 overflow to Infinity and those of values
 * near 1e-300 underflow to 0. Algorithms that square differences run on the values divided by
 * a power of two (exact: only the exponent changes, unless the result is subnormal) and scale
 * their results back:
 *
 *   const unit = magnitudeUnit(x.data);          // 1 for ordinary data: nothing changes
 *   const y = unit === 1 ? x.data : divideBy(x.data, unit);
 *   ... distances d(y) ...  ->  d(x) = unit * d(y), squared distances unit^2 * ...
 *
 * When the largest |value| is inside [2^-500, 2^500] (about 3e-151 to 3e150) nothing is
 * rescaled, so ordinary data keeps its exact, bit-for-bit results: a squared difference is then
 * at most 2^1002 and a sum of up to 2^22 (4 million) of them stays below the largest double
 * (2^1024), and squares of values down to 2^-500 stay normal (2^-1000 > 2^-1022).
 */

/** Bounds of the largest |value| inside which no rescaling is needed. */
export const MAGNITUDE_LOW = 2 ** -500;
export const MAGNITUDE_HIGH = 2 ** 500;

/**
 * The power of two that brings the largest |value| into [1, 2) when it lies outside
 * [low, high] (default [2^-500, 2^500]), else 1 (also for all-zero or empty input). Algorithms
 * that raise values to the fourth power (an eigensolver on a covariance matrix) pass a narrower
 * range.
 */
export function magnitudeUnit(
  values: ArrayLike<number>,
  low = MAGNITUDE_LOW,
  high = MAGNITUDE_HIGH,
): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > max) max = a;
  }
  if (max === 0 || (max <= high && max >= low)) return 1;
  return powerOfTwoAtMost(max);
}

/**
 * The largest power of two <= `max` (a positive finite double, subnormals included).
 * `Math.log2` rounds: log2(Number.MAX_VALUE) is 1024 as a double, and 2^1024 is Infinity, so the
 * exponent is corrected by one step either way.
 */
export function powerOfTwoAtMost(max: number): number {
  const e = Math.min(Math.floor(Math.log2(max)), 1023);
  const p = 2 ** e;
  if (p > max) return 2 ** (e - 1);
  return p * 2 <= max ? p * 2 : p;
}

/**
 * `magnitudeUnit` and a finiteness check in one pass: null when a value is NaN or infinite (the
 * caller then reports it, e.g. with `assertFinite`).
 */
export function finiteMagnitudeUnit(
  values: ArrayLike<number>,
  low = MAGNITUDE_LOW,
  high = MAGNITUDE_HIGH,
): number | null {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (!(a <= max)) {
      if (a > max) max = a;
      else return null; // NaN
    }
  }
  return unitOfMax(max, low, high);
}

/**
 * `magnitudeUnit` from the largest |value| (found by a kernel): null when it is NaN or
 * infinite (some value was).
 */
export function unitOfMax(max: number, low = MAGNITUDE_LOW, high = MAGNITUDE_HIGH): number | null {
  if (!(max < Infinity)) return null;
  if (max === 0 || (max <= high && max >= low)) return 1;
  return powerOfTwoAtMost(max);
}

/** A new array of the values divided by `unit`. */
export function divideBy(values: ArrayLike<number>, unit: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / unit;
  return out;
}

/**
 * The matrix itself, or, when its values are extreme (see `magnitudeUnit`), a copy divided by
 * the power of two: for results that do not change when every value is multiplied by the same
 * positive number (silhouettes, Calinski-Harabasz, Davies-Bouldin, labels of k-means).
 */
export function withOrdinaryMagnitude<M extends { rows: number; cols: number; data: Float64Array }>(
  m: M,
): { rows: number; cols: number; data: Float64Array } {
  const unit = magnitudeUnit(m.data);
  return unit === 1 ? m : { rows: m.rows, cols: m.cols, data: divideBy(m.data, unit) };
}
