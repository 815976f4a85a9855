/**
 * Elkan's algorithm: Lloyd's iteration with k lower bounds per row and the centre-centre
 * distances, which rule out the centres a row cannot move to. C. Elkan, "Using the triangle
 * inequality to accelerate k-means", ICML 2003, pp. 147-153. O(n k) extra memory.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { dist2, inertiaOf, MARGIN } from './distances.js';
import type { KMeansRun } from './fit.js';
import { addRow, average, centreShift, relocateEmpty } from './update.js';

/** One run of Elkan's algorithm from `start` (k x d, consumed). */
export function elkan(
  M: FeatureMatrix,
  w: Float64Array | null,
  start: Float64Array,
  k: number,
  maxIterations: number,
  tol: number,
): KMeansRun {
  const { rows: n, cols: d, data: X } = M;
  let centres = start;
  let next: Float64Array = new Float64Array(k * d);
  const weightIn = new Float64Array(k);
  const shift = new Float64Array(k);
  const scratch = new Float64Array(k);
  const s = new Float64Array(k);
  const half = new Float64Array(k * k); // half the centre-centre distances
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const labels = new Int32Array(n);

  let strict = false;
  let converged = false;
  let it = 0;
  for (; it < maxIterations; it++) {
    let changed: number;
    if (it === 0) {
      // first assignment: every distance, which are all exact lower bounds
      next.fill(0);
      weightIn.fill(0);
      for (let i = 0; i < n; i++) {
        const p = i * d;
        let best = 0;
        let bd = Infinity;
        for (let c = 0; c < k; c++) {
          const v = dist2(X, p, centres, c * d, d);
          lower[i * k + c] = Math.sqrt(v);
          if (v < bd) {
            bd = v;
            best = c;
          }
        }
        labels[i] = best;
        upper[i] = Math.sqrt(bd);
        addRow(X, p, d, w, i, best, next, weightIn);
      }
      changed = n;
    } else {
      changed = elkanPass(
        X,
        n,
        d,
        w,
        centres,
        k,
        labels,
        upper,
        lower,
        s,
        half,
        shift,
        next,
        weightIn,
      );
    }
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
    elkanPass(X, n, d, w, centres, k, labels, upper, lower, s, half, shift, null, null);
  }
  return {
    labels,
    centres,
    inertia: inertiaOf(X, n, d, w, centres, labels),
    iterations,
    converged,
  };
}

/**
 * One Elkan pass after the centres moved by `shift`: move the bounds (upper += own shift, each
 * lower -= that centre's shift, floored at 0), then for each row test only the centres its
 * bounds and the centre-centre distances cannot rule out; accumulate the rows when `sums` is
 * given. Returns the rows relabelled.
 */
function elkanPass(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  s: Float64Array,
  half: Float64Array,
  shift: Float64Array,
  sums: Float64Array | null,
  weightIn: Float64Array | null,
): number {
  s.fill(Infinity);
  for (let a = 0; a < k; a++) {
    half[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) {
      const v = 0.5 * Math.sqrt(dist2(centres, a * d, centres, b * d, d));
      half[a * k + b] = v;
      half[b * k + a] = v;
      if (v < s[a]!) s[a] = v;
      if (v < s[b]!) s[b] = v;
    }
  }
  if (sums !== null) {
    sums.fill(0);
    weightIn!.fill(0);
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const lb = i * k;
    for (let c = 0; c < k; c++) {
      const v = lower[lb + c]! - shift[c]!;
      lower[lb + c] = Math.max(v, 0);
    }
    const a0 = labels[i]!;
    let a = a0;
    let u = upper[i]! + shift[a]!;
    const p = i * d;
    if (!(u * MARGIN < s[a]!)) {
      let tight = false;
      let ua2 = 0;
      for (let c = 0; c < k; c++) {
        if (c === a) continue;
        if (u * MARGIN < lower[lb + c]! || u * MARGIN < half[a * k + c]!) continue;
        if (!tight) {
          ua2 = dist2(X, p, centres, a * d, d);
          u = Math.sqrt(ua2);
          lower[lb + a] = u;
          tight = true;
          if (u * MARGIN < lower[lb + c]! || u * MARGIN < half[a * k + c]!) continue;
        }
        const v = dist2(X, p, centres, c * d, d);
        const dc = Math.sqrt(v);
        lower[lb + c] = dc;
        if (v < ua2 || (v === ua2 && c < a)) {
          a = c;
          ua2 = v;
          u = dc;
        }
      }
      if (a !== a0) {
        labels[i] = a;
        changed++;
      }
    }
    upper[i] = u;
    if (sums !== null) addRow(X, p, d, w, i, a, sums, weightIn!);
  }
  return changed;
}
