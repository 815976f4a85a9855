/**
 * The centre update shared by Lloyd's, Hamerly's and Elkan's iterations: add a row to its
 * cluster's sum, give empty clusters the farthest rows, divide the sums by the weights, and
 * measure how far the centres moved.
 */
import { dist2, dist2Grouped } from './distances.js';
import { pairwiseSum } from '../../util/sum.js';

/**
 * Give every empty cluster (zero weight) the row farthest from its own centre, taking rows by
 * decreasing distance (lowest index first on ties): the row's weighted values move from its
 * cluster's sum to the empty cluster's sum. Labels are not changed (the next assignment does).
 * Returns the number of clusters relocated.
 */
export function relocateEmpty(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array | null,
  oldCentres: Float64Array,
  sums: Float64Array,
  weightIn: Float64Array,
  labels: Int32Array,
  k: number,
): number {
  let nEmpty = 0;
  for (let c = 0; c < k; c++) if (weightIn[c] === 0) nEmpty++;
  if (nEmpty === 0) return 0;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) dist[i] = dist2(X, i * d, oldCentres, labels[i]! * d, d);
  const far = farthest(dist, Math.min(nEmpty, n));
  let idx = 0;
  for (let c = 0; c < k && idx < far.length; c++) {
    if (weightIn[c] !== 0) continue;
    const f = far[idx++]!;
    const wf = w ? w[f]! : 1;
    const old = labels[f]!;
    const p = f * d;
    for (let j = 0; j < d; j++) {
      sums[old * d + j]! -= X[p + j]! * wf;
      sums[c * d + j] = X[p + j]! * wf;
    }
    weightIn[c] = wf;
    weightIn[old]! -= wf;
  }
  return nEmpty;
}

/** Indices of the m largest values, by decreasing value, lowest index first on ties. */
function farthest(v: Float64Array, m: number): Int32Array {
  const out = new Int32Array(m);
  const taken = new Uint8Array(v.length);
  for (let t = 0; t < m; t++) {
    let b = -1;
    let bv = -Infinity;
    for (let i = 0; i < v.length; i++) {
      if (!taken[i] && v[i]! > bv) {
        bv = v[i]!;
        b = i;
      }
    }
    taken[b] = 1;
    out[t] = b;
  }
  return out;
}

/** Divide each non-empty cluster's sum by its weight (multiplying by the reciprocal). */
export function average(sums: Float64Array, weightIn: Float64Array, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    const wc = weightIn[c]!;
    if (wc > 0) {
      const alpha = 1 / wc;
      for (let j = 0; j < d; j++) sums[c * d + j]! *= alpha;
    }
  }
}

/** Per-centre Euclidean shift; returns sum_j shift_j^2 (numpy's pairwise order). */
export function centreShift(
  oldC: Float64Array,
  newC: Float64Array,
  k: number,
  d: number,
  shift: Float64Array,
  scratch: Float64Array,
): number {
  for (let c = 0; c < k; c++) {
    shift[c] = Math.sqrt(dist2Grouped(newC, c * d, oldC, c * d, d));
    scratch[c] = shift[c]! * shift[c]!;
  }
  return pairwiseSum(scratch, 0, k);
}

/** Add row i (offset p), weighted, to cluster a's sum. */
export function addRow(
  X: Float64Array,
  p: number,
  d: number,
  w: Float64Array | null,
  i: number,
  a: number,
  sums: Float64Array,
  weightIn: Float64Array,
): void {
  const q = a * d;
  if (w === null) {
    for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]!;
    weightIn[a]! += 1;
  } else {
    const wi = w[i]!;
    for (let j = 0; j < d; j++) sums[q + j]! += X[p + j]! * wi;
    weightIn[a]! += wi;
  }
}
