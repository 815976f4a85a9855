/**
 * Seeded samples of rows: numpy's legacy `RandomState(seed).choice(n, size, replace=False)`,
 * sorted, so that a sample matches the one drawn in Python with the same seed.
 */
import { DEFAULT_SEED, RandomState } from './random.js';
import { checkArgument } from './validate.js';

/** A seeded sample of `size` distinct rows of 0..n-1, ascending (all rows when size >= n). */
export function sampleRows(n: number, size: number, seed: number = DEFAULT_SEED): Int32Array {
  const fn = 'sampleRows';
  checkArgument.integer(fn, 'n', n, 0, 2 ** 31 - 1);
  checkArgument.integer(fn, 'size', size, 0);
  checkArgument.integer(fn, 'seed', seed, 0, 0xffffffff);
  if (n <= size) return Int32Array.from({ length: n }, (_, i) => i);
  return new RandomState(seed).choiceWithoutReplacement(n, size).sort();
}
