// Shared helpers of the decomposition tests (not a test file).
import type { FeatureMatrix } from '../../src/data/dataset.js';
import { RandomState } from '../../src/util/random.js';

/** Largest absolute difference between two equally shaped arrays (or matrices). */
export function maxAbsDiff(a: ArrayLike<number> | number[][], b: ArrayLike<number> | number[][]) {
  const fa = flat(a);
  const fb = flat(b);
  if (fa.length !== fb.length) throw new Error(`length ${fa.length} vs ${fb.length}`);
  let m = 0;
  for (let i = 0; i < fa.length; i++) m = Math.max(m, Math.abs(fa[i]! - fb[i]!));
  return m;
}

/** Largest absolute value. */
export function maxAbs(a: ArrayLike<number> | number[][]): number {
  let m = 0;
  for (const v of flat(a)) m = Math.max(m, Math.abs(v));
  return m;
}

export function flat(a: ArrayLike<number> | number[][]): number[] {
  if (Array.isArray(a) && Array.isArray(a[0])) return (a as number[][]).flat();
  return Array.from(a as ArrayLike<number>);
}

/** Rows of a FeatureMatrix as number[][]. */
export function rowsOf(m: FeatureMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++)
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/**
 * Correlated Gaussian data: Z A + offset, Z standard normal (n x r), A (r x d) standard normal,
 * from RandomState(seed); rank min(r, d) before centring.
 */
export function randomData(n: number, d: number, seed: number, r = d, offset = 0): number[][] {
  const rng = new RandomState(seed);
  const a: number[][] = [];
  for (let t = 0; t < r; t++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++) row.push(rng.gauss() * (1 + j));
    a.push(row);
  }
  const x: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z: number[] = [];
    for (let t = 0; t < r; t++) z.push(rng.gauss());
    const row: number[] = [];
    for (let j = 0; j < d; j++) {
      let s = offset;
      for (let t = 0; t < r; t++) s += z[t]! * a[t]![j]!;
      row.push(s);
    }
    x.push(row);
  }
  return x;
}

/** Deep-freeze a number[][] so that any write throws in strict mode. */
export function frozen(x: number[][]): readonly (readonly number[])[] {
  for (const row of x) Object.freeze(row);
  return Object.freeze(x);
}
