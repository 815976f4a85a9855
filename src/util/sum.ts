/** Summation in the order of numpy, so that sums compared with numpy and scikit-learn round alike. */

/**
 * Sum of `a[offset .. offset+n)` in numpy's pairwise order (`np.sum` of a contiguous float64
 * array: blocks of 128 summed with 8 accumulators, halves split on a multiple of 8), so that sums
 * compared with scikit-learn's round the same way.
 * @internal
 */
export function pairwiseSum(a: Float64Array, offset: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[offset + i]!;
    return s;
  }
  if (n <= 128) {
    let r0 = a[offset]!;
    let r1 = a[offset + 1]!;
    let r2 = a[offset + 2]!;
    let r3 = a[offset + 3]!;
    let r4 = a[offset + 4]!;
    let r5 = a[offset + 5]!;
    let r6 = a[offset + 6]!;
    let r7 = a[offset + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = offset + i;
      r0 += a[p]!;
      r1 += a[p + 1]!;
      r2 += a[p + 2]!;
      r3 += a[p + 3]!;
      r4 += a[p + 4]!;
      r5 += a[p + 5]!;
      r6 += a[p + 6]!;
      r7 += a[p + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[offset + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2) + pairwiseSum(a, offset + n2, n - n2);
}
