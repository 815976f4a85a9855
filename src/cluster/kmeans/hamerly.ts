/**
 * Hamerly's algorithm: Lloyd's iteration with one upper and one lower bound per row, which skip
 * the rows whose centre the bounds prove. G. Hamerly, "Making k-means even faster", SIAM SDM
 * 2010, pp. 130-140. O(n) extra memory.
 */
import type { FeatureMatrix } from '../../data/dataset.js';
import { dist2, inertiaOf, MARGIN } from './distances.js';
import type { KMeansRun } from './fit.js';
import { addRow, average, centreShift, relocateEmpty } from './update.js';

// results of nearestTwo (module scratch: no allocation per row)
let nBest = 0;
let nBestD = 0;
let nSecondD = 0;

/**
 * Nearest and second-nearest centre of the row at offset p: sets nBest (lowest index on ties),
 * nBestD and nSecondD (squared distances). Four centres per pass over the row.
 */
function nearestTwo(X: Float64Array, p: number, d: number, C: Float64Array, k: number): void {
  let best = 0;
  let bd = Infinity;
  let sd = Infinity;
  let c = 0;
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
      sd = bd;
      bd = s0;
      best = c;
    } else if (s0 < sd) sd = s0;
    if (s1 < bd) {
      sd = bd;
      bd = s1;
      best = c + 1;
    } else if (s1 < sd) sd = s1;
    if (s2 < bd) {
      sd = bd;
      bd = s2;
      best = c + 2;
    } else if (s2 < sd) sd = s2;
    if (s3 < bd) {
      sd = bd;
      bd = s3;
      best = c + 3;
    } else if (s3 < sd) sd = s3;
  }
  for (; c < k; c++) {
    const q = c * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = X[p + j]! - C[q + j]!;
      s += e * e;
    }
    if (s < bd) {
      sd = bd;
      bd = s;
      best = c;
    } else if (s < sd) sd = s;
  }
  nBest = best;
  nBestD = bd;
  nSecondD = sd;
}

/** Half the distance from each centre to its nearest other centre. */
function halfNearestCentre(C: Float64Array, k: number, d: number, s: Float64Array): void {
  s.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const v = 0.5 * Math.sqrt(dist2(C, a * d, C, b * d, d));
      if (v < s[a]!) s[a] = v;
      if (v < s[b]!) s[b] = v;
    }
  }
}

/** One run of Hamerly's algorithm from `start` (k x d, consumed). */
export function hamerly(
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
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const labels = new Int32Array(n);

  let strict = false;
  let converged = false;
  let it = 0;
  for (; it < maxIterations; it++) {
    let changed: number;
    if (it === 0) {
      // first assignment: exact, with both bounds
      next.fill(0);
      weightIn.fill(0);
      for (let i = 0; i < n; i++) {
        const p = i * d;
        nearestTwo(X, p, d, centres, k);
        const a = nBest;
        labels[i] = a;
        upper[i] = Math.sqrt(nBestD);
        lower[i] = Math.sqrt(nSecondD);
        addRow(X, p, d, w, i, a, next, weightIn);
      }
      changed = n;
    } else {
      changed = hamerlyPass(X, n, d, w, centres, k, labels, upper, lower, s, shift, next, weightIn);
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
  if (!strict) hamerlyPass(X, n, d, w, centres, k, labels, upper, lower, s, shift, null, null);
  return {
    labels,
    centres,
    inertia: inertiaOf(X, n, d, w, centres, labels),
    iterations,
    converged,
  };
}

/**
 * One Hamerly pass after the centres moved by `shift`: move the bounds (upper += own shift,
 * lower -= largest other shift), keep the label of every row its bounds prove, else tighten the
 * upper bound and, if still needed, search all centres. When `sums` is given, each row is added
 * to its cluster's sum in the same pass (rows in order, as Lloyd). Returns the rows relabelled.
 */
function hamerlyPass(
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
  shift: Float64Array,
  sums: Float64Array | null,
  weightIn: Float64Array | null,
): number {
  halfNearestCentre(centres, k, d, s);
  let m1 = 0;
  let m2 = 0;
  let arg = -1;
  for (let c = 0; c < k; c++) {
    const v = shift[c]!;
    if (v > m1) {
      m2 = m1;
      m1 = v;
      arg = c;
    } else if (v > m2) m2 = v;
  }
  if (sums !== null) {
    sums.fill(0);
    weightIn!.fill(0);
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let a = labels[i]!;
    const p = i * d;
    let u = upper[i]! + shift[a]!;
    const l = lower[i]! - (a === arg ? m2 : m1);
    upper[i] = u;
    lower[i] = l;
    const m = Math.max(s[a]!, l);
    if (!(u * MARGIN < m)) {
      u = Math.sqrt(dist2(X, p, centres, a * d, d));
      upper[i] = u;
      if (!(u * MARGIN < m)) {
        nearestTwo(X, p, d, centres, k);
        upper[i] = Math.sqrt(nBestD);
        lower[i] = Math.sqrt(nSecondD);
        if (nBest !== a) {
          a = nBest;
          labels[i] = a;
          changed++;
        }
      }
    }
    if (sums !== null) addRow(X, p, d, w, i, a, sums, weightIn!);
  }
  return changed;
}
