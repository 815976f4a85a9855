/**
 * t-SNE input similarities (van der Maaten, "Accelerating t-SNE using tree-based algorithms",
 * JMLR 15, 2014, section 4.1) from the K nearest neighbours of each row.
 *
 * Conditional probabilities: row i gives its K neighbours j the weights
 *   p_{j|i} = exp(-beta_i d_ij) / sum_l exp(-beta_i d_il)
 * where d_ij is the squared Euclidean distance (or, for the other metrics, the distance itself,
 * as scikit-learn 1.2.1 does) and beta_i is found by bisection so that the entropy
 *   H_i = log(sum_l exp(-beta_i d_il)) + beta_i sum_j d_ij p_{j|i}   (nats)
 * equals log(perplexity) within 1e-5. The search is scikit-learn's `_binary_search_perplexity`
 * and Rtsne's `computeGaussianPerplexity`: beta starts at 1; while no bound is known it doubles
 * (H too high) or halves (H too low), then it bisects between the bounds; at most 200 steps. A
 * row whose weights all underflow has its sum taken as 1e-8 (scikit-learn's rule), so that beta
 * falls.
 *
 * Joint probabilities: P = (C + C^T) / sum(C + C^T), C the sparse matrix of the p_{j|i}, kept in
 * compressed rows (each row's columns ascending). The sum is 2n up to rounding (every row of C
 * sums to 1); dividing by the computed sum is what scikit-learn and Rtsne do.
 */

/** Entropy tolerance of the bisection (nats), as scikit-learn and Rtsne. */
export const PERPLEXITY_TOLERANCE = 1e-5;
/** Most bisection steps per row (Rtsne's 200; scikit-learn stops at 100). */
export const PERPLEXITY_STEPS = 200;

/** A symmetric sparse matrix in compressed rows. */
export interface SparseRows {
  n: number;
  /** Row i's entries at [rowStart[i], rowStart[i + 1]). */
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/**
 * p_{j|i} for the n x K (row-major) neighbour distances `dist` (self excluded), into a new
 * n x K array. `betas`, when given (length n), receives each row's precision.
 */
export function conditionalProbabilities(
  dist: Float64Array,
  n: number,
  K: number,
  perplexity: number,
  betas?: Float64Array,
): Float64Array {
  const P = new Float64Array(n * K);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < PERPLEXITY_STEPS; step++) {
      let sum = 0;
      for (let j = 0; j < K; j++) {
        const v = Math.exp(-dist[o + j]! * beta);
        P[o + j] = v;
        sum += v;
      }
      if (sum === 0) sum = 1e-8;
      let sumDP = 0;
      for (let j = 0; j < K; j++) {
        const v = P[o + j]! / sum;
        P[o + j] = v;
        sumDP += dist[o + j]! * v;
      }
      const diff = Math.log(sum) + beta * sumDP - target;
      if (Math.abs(diff) <= PERPLEXITY_TOLERANCE) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    if (betas !== undefined) betas[i] = beta;
  }
  return P;
}

/**
 * P = (C + C^T) / sum, C the n x K conditional probabilities of the neighbours `indices`
 * (n x K, row-major, self excluded).
 */
export function jointProbabilities(
  indices: Int32Array,
  cond: Float64Array,
  n: number,
  K: number,
): SparseRows {
  // row i of C + C^T holds row i of C and column i of C
  const count = new Int32Array(n + 1);
  for (let t = 0; t < n * K; t++) {
    count[Math.floor(t / K) + 1]! += 1;
    count[indices[t]! + 1]! += 1;
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const fill = count.slice(0, n);
  const cols = new Int32Array(count[n]!);
  const vals = new Float64Array(count[n]!);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < K; q++) {
      const t = i * K + q;
      const j = indices[t]!;
      const v = cond[t]!;
      let f = fill[i]!++;
      cols[f] = j;
      vals[f] = v;
      f = fill[j]!++;
      cols[f] = i;
      vals[f] = v;
    }
  }
  // per row: sort by column, merge the pairs (i, j) present in both C and C^T
  const rowStart = new Int32Array(n + 1);
  const outCols = new Int32Array(count[n]!);
  const outVals = new Float64Array(count[n]!);
  const slot = new Int32Array(n).fill(-1);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const a = count[i]!;
    const b = count[i + 1]!;
    const start = w;
    for (let t = a; t < b; t++) {
      const j = cols[t]!;
      const s = slot[j]!;
      if (s >= 0) {
        outVals[s]! += vals[t]!;
      } else {
        slot[j] = w;
        outCols[w] = j;
        outVals[w] = vals[t]!;
        w++;
      }
    }
    // insertion sort of the row by column (rows are short)
    for (let t = start + 1; t < w; t++) {
      const c = outCols[t]!;
      const v = outVals[t]!;
      let u = t;
      while (u > start && outCols[u - 1]! > c) {
        outCols[u] = outCols[u - 1]!;
        outVals[u] = outVals[u - 1]!;
        u--;
      }
      outCols[u] = c;
      outVals[u] = v;
    }
    for (let t = start; t < w; t++) slot[outCols[t]!] = -1;
    rowStart[i + 1] = w;
  }
  let total = 0;
  for (let t = 0; t < w; t++) total += outVals[t]!;
  const values = new Float64Array(w);
  for (let t = 0; t < w; t++) values[t] = outVals[t]! / total;
  return { n, rowStart, columns: outCols.slice(0, w), values };
}
