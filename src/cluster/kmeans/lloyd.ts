/**
 * Lloyd's iteration: every row against every centre, O(n k d) per iteration. The pass runs in
 * WebAssembly SIMD (kernels.ts) when the kernel holds the data, else in JavaScript
 * (`assignAccumulate`); both give the same numbers, bit for bit.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { inertiaOf, nearestLabels } from './distances.js';
import type { KMeansRun } from './fit.js';
import type { LloydKernel } from './kernels.js';
import { average, centreShift, relocateEmpty } from './update.js';

/** One run of Lloyd's iteration from `start` (k x d, consumed), in the kernel when it holds X. */
export function lloyd(
  M: FeatureMatrix,
  w: Float64Array | null,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tol: number,
  kernel: LloydKernel | null,
): KMeansRun {
  const { rows: n, cols: d, data: X } = M;
  let centres = start;
  let next: Float64Array = new Float64Array(k * d);
  const weightIn = new Float64Array(k);
  const shift = new Float64Array(k);
  const scratch = new Float64Array(k);
  // with the WebAssembly kernel, the labels live in its memory during the run
  const useKernel = kernel !== null && kernel.X === X;
  const labels = useKernel ? kernel.labels : new Int32Array(n);
  labels.fill(-1);
  let strict = false;
  let converged = false;
  let it = 0;
  for (; it < maxIterations; it++) {
    const changed = useKernel
      ? kernel.pass(centres, next, weightIn)
      : assignAccumulate(X, n, d, w, centres, k, labels, next, weightIn);
    relocateEmpty(X, n, d, w, centres, next, weightIn, labels, k);
    average(next, weightIn, k, d);
    const tot = centreShift(centres, next, k, d, shift, scratch);
    const swap = centres;
    centres = next;
    next = swap;
    if (changed === 0) {
      strict = true;
      converged = true;
      break;
    }
    if (tot <= tol) {
      converged = true;
      break;
    }
  }
  const iterations = Math.min(it + 1, maxIterations);
  if (!strict) {
    if (useKernel) kernel.pass(centres, next, weightIn);
    else nearestLabels(X, n, d, centres, k, labels);
  }
  return {
    labels: useKernel ? labels.slice() : labels,
    centres,
    inertia: useKernel ? kernel.inertia(centres) : inertiaOf(X, n, d, w, centres, labels),
    iterations,
    converged,
  };
}

/**
 * One Lloyd pass: each row to its nearest centre (lowest index on ties), and its (weighted)
 * values added to that centre's sum in the same pass, rows in order. Returns the number of rows
 * whose label changed.
 */
function assignAccumulate(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  C: Float64Array,
  k: number,
  labels: Int32Array,
  sums: Float64Array,
  weightIn: Float64Array,
): number {
  sums.fill(0);
  weightIn.fill(0);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const p = i * d;
    let best = 0;
    let bd = Infinity;
    let c = 0;
    // four centres per pass over the row: each x_j is loaded once for four sums
    for (; c + 4 <= k; c += 4) {
      const q0 = c * d;
      const q1 = q0 + d;
      const q2 = q1 + d;
      const q3 = q2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const x = X[p + j]!;
        const e0 = x - C[q0 + j]!;
        const e1 = x - C[q1 + j]!;
        const e2 = x - C[q2 + j]!;
        const e3 = x - C[q3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      if (s0 < bd) {
        bd = s0;
        best = c;
      }
      if (s1 < bd) {
        bd = s1;
        best = c + 1;
      }
      if (s2 < bd) {
        bd = s2;
        best = c + 2;
      }
      if (s3 < bd) {
        bd = s3;
        best = c + 3;
      }
    }
    for (; c < k; c++) {
      const q = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = X[p + j]! - C[q + j]!;
        s += e * e;
      }
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    const q = best * d;
    if (w === null) {
      for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]!;
      weightIn[best]! += 1;
    } else {
      const wi = w[i]!;
      for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]! * wi;
      weightIn[best]! += wi;
    }
  }
  return changed;
}
