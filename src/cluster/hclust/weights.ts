/**
 * The `weights` option of hclust: checked initial cluster sizes, and the initial dissimilarities
 * between weighted observations (see "Weights" in cluster/hclust/index.ts).
 */
import { OptionError } from '../../util/errors.js';
import { WARD, WARD_D } from './lance-williams.js';

/** Largest total weight: sizes are held in 32-bit integers. */
const MAX_TOTAL_WEIGHT = 2 ** 31 - 1;

/** The weights as initial sizes: n integers >= 1 whose sum fits in an Int32. */
export function checkWeights(weights: ArrayLike<number>, n: number): Int32Array {
  if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw new OptionError(
      `The 'weights' option of hclust must be an array of integers >= 1. Got ${typeof weights} instead.`,
    );
  }
  if (weights.length !== n) {
    throw new OptionError(
      `The 'weights' option of hclust must have one entry per observation: n=${n}, got ${weights.length} weights.`,
    );
  }
  const out = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1) {
      throw new OptionError(
        `The 'weights' option of hclust must hold integers >= 1. Got ${String(w)} at index ${i} instead.`,
      );
    }
    total += w;
    out[i] = w;
  }
  if (total > MAX_TOTAL_WEIGHT) {
    throw new OptionError(
      `The 'weights' option of hclust must sum to at most ${MAX_TOTAL_WEIGHT}. Got ${total} instead.`,
    );
  }
  return out;
}

/**
 * The dissimilarity between two weighted observations of sizes a and b at distance d, as the
 * method sees the two groups of a and b copies once each group has merged: ward
 * sqrt(2ab/(a+b)) d, ward.D 2ab/(a+b) d, every other method d. Returns the factor on d
 * (1 for the others), or 0 when the method needs no change.
 */
function weightFactor(code: number, a: number, b: number): number {
  if (code === WARD) return Math.sqrt((2 * a * b) / (a + b));
  if (code === WARD_D) return (2 * a * b) / (a + b);
  return 0;
}

export function weightSquare(D: Float64Array, n: number, code: number, w: Int32Array): void {
  if (code !== WARD && code !== WARD_D) return;
  for (let i = 0; i < n; i++) {
    const a = w[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) {
      if (j !== i) D[row + j] = D[row + j]! * weightFactor(code, a, w[j]!);
    }
  }
}

export function weightCondensed(D: Float64Array, n: number, code: number, w: Int32Array): void {
  if (code !== WARD && code !== WARD_D) return;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const a = w[i]!;
    for (let j = i + 1; j < n; j++) {
      D[p] = D[p]! * weightFactor(code, a, w[j]!);
      p++;
    }
  }
}
