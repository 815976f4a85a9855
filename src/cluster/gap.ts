/**
 * The parts of the gap statistic that do not depend on how the data was clustered: the
 * within-cluster dispersion W_k of a given clustering, the mean and standard error of the
 * reference log W*_k, and R's rules for reading the gap curve (`cluster::maxSE`). `chooseK`
 * (src/cluster/choose-k.ts) fits the clusterings and draws the reference sets; this module is
 * pure, so each part is checked against R on R's own clusterings and reference sets
 * (test/fixtures/kmeans/make_gap.R).
 *
 * Two conventions (`GapConvention`):
 *
 *   'tibshirani' (the paper: Tibshirani, Walther and Hastie, JRSS B 63(2), 2001)
 *     W_k = sum_r D_r / (2 n_r), D_r the sum of ||x_i - x_j||^p over the ordered pairs i, j of
 *     cluster r; with p = 2 (the default) W_k is the k-means inertia.
 *     s_k = sd_k sqrt(1 + 1/B), sd_k of the B reference log W*_kb with divisor B.
 *   'clusGap' (R cluster::clusGap, version 2.1.4)
 *     W_k = 0.5 sum_r (sum over the pairs i < j of cluster r of ||x_i - x_j||^p) / n_r, which is
 *     half the paper's W_k (a constant factor: the gap is the same); p = d.power, 1 by default,
 *     so the distances are not squared.
 *     s_k = sqrt((1 + 1/B) var_k), var_k with divisor B - 1 (R's var).
 *   In both, Gap(k) = mean_b log W*_kb - log W_k.
 *
 * The rules (`GAP_METHODS`, R's `maxSE(f, SE.f, method, SE.factor)`), with f the gap curve over
 * k = 1..K and s its standard errors times SE.factor:
 *
 *   Tibs2001SEmax  the smallest k with f(k) >= f(k+1) - s(k+1) (the paper's rule); K if none
 *   firstSEmax     the first local maximum k* (the first k with f(k+1) <= f(k), else K), then
 *                  the smallest k <= k* with f(k) >= f(k*) - s(k*) (R's default)
 *   globalSEmax    as firstSEmax around the global maximum (Dudoit and Fridlyand 2002)
 *   firstmax       the first local maximum
 *   globalmax      the global maximum (the first, on ties)
 */

/** The rules of R's `cluster::maxSE`. */
import { OptionError } from '../util/errors.js';
import { checkArgument, checkKeyword } from '../util/validate.js';

export const GAP_METHODS = [
  'Tibs2001SEmax',
  'firstSEmax',
  'globalSEmax',
  'firstmax',
  'globalmax',
] as const;
/** A rule for picking k from the gap curve. */
export type GapMethod = (typeof GAP_METHODS)[number];

/** How W_k and s_k are computed: as the paper, or as R's `cluster::clusGap`. */
export const GAP_CONVENTIONS = ['tibshirani', 'clusGap'] as const;
/** A convention of the gap statistic. */
export type GapConvention = (typeof GAP_CONVENTIONS)[number];

/**
 * R's `cluster::maxSE(f, SE.f, method, SE.factor)`: the 1-based position of the k picked from
 * the gap curve `f` with standard errors `se` (see the module comment for each rule).
 *
 * @example
 * maxSE([0.1, 0.5, 0.45, 0.6], [0.05, 0.05, 0.05, 0.05], 'firstSEmax'); // => 2
 */
export function maxSE(
  f: ArrayLike<number>,
  se: ArrayLike<number>,
  method: GapMethod = 'Tibs2001SEmax',
  seFactor = 1,
): number {
  const K = checkArgument.numbers('maxSE', 'f', f).length;
  checkArgument.numbers('maxSE', 'se', se, K);
  checkKeyword('maxSE', 'method', method, GAP_METHODS);
  checkArgument.number('maxSE', 'seFactor', seFactor, 0);
  if (K === 0) throw new OptionError("The 'f' argument of maxSE must hold at least one value.");
  // the first k whose successor does not increase, or K
  const firstMax = (): number => {
    for (let t = 0; t + 1 < K; t++) if (f[t + 1]! - f[t]! <= 0) return t + 1;
    return K;
  };
  // the smallest k < nc (1-based) with f(k) >= f(nc) - s(nc), else nc
  const withinSE = (nc: number): number => {
    const bar = f[nc - 1]! - seFactor * se[nc - 1]!;
    for (let t = 0; t < nc - 1; t++) if (f[t]! >= bar) return t + 1;
    return nc;
  };
  const globalMax = (): number => {
    let best = 0;
    for (let t = 1; t < K; t++) if (f[t]! > f[best]!) best = t;
    return best + 1;
  };
  switch (method) {
    case 'Tibs2001SEmax':
      for (let t = 0; t + 1 < K; t++) {
        if (f[t]! >= f[t + 1]! - seFactor * se[t + 1]!) return t + 1;
      }
      return K;
    case 'firstSEmax':
      return withinSE(firstMax());
    case 'globalSEmax':
      return withinSE(globalMax());
    case 'firstmax':
      return firstMax();
    case 'globalmax':
      return globalMax();
  }
}

/**
 * The within-cluster dispersion W_k of a clustering of the row-major n x d matrix `data`
 * (`labels` in 0..k-1), with distances to the power `power`, in the given convention (module
 * comment). O(n d) for power 2 (from the cluster means), O(sum_r n_r^2 d) otherwise (all pairs
 * of each cluster).
 */
export function withinDispersion(
  data: ArrayLike<number>,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  k: number,
  power: number,
  convention: GapConvention,
): number {
  const fn = 'withinDispersion';
  checkArgument.integer(fn, 'n', n, 0);
  checkArgument.integer(fn, 'd', d, 0);
  checkArgument.numbers(fn, 'data', data, n * d);
  checkArgument.integer(fn, 'k', k, 1, Math.max(1, n));
  const l = checkArgument.numbers(fn, 'labels', labels, n);
  for (let i = 0; i < n; i++) {
    const c = l[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new OptionError(
        `The 'labels' argument of ${fn} must hold cluster numbers in 0..${k - 1}; labels[${i}] is ${c}.`,
      );
    }
  }
  checkArgument.number(fn, 'power', power, 0);
  checkKeyword(fn, 'convention', convention, GAP_CONVENTIONS);
  const half = convention === 'clusGap' ? 0.5 : 1;
  if (power === 2) {
    // sum over the pairs i < j of ||x_i - x_j||^2 is n_r times the sum of squares about the mean
    const counts = new Float64Array(k);
    const sums = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) for (let j = 0; j < d; j++) sums[c * d + j]! /= counts[c]!;
    }
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j]! - sums[c * d + j]!;
        ss += v * v;
      }
    }
    return half * ss;
  }
  // the rows of each cluster together, then every pair within a cluster
  const counts = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) counts[labels[i]! + 1]!++;
  for (let c = 0; c < k; c++) counts[c + 1]! += counts[c]!;
  const order = new Int32Array(n);
  const next = counts.slice(0, k);
  for (let i = 0; i < n; i++) order[next[labels[i]!]!++] = i;
  let w = 0;
  for (let c = 0; c < k; c++) {
    const start = counts[c]!;
    const end = counts[c + 1]!;
    let sum = 0;
    for (let a = start; a < end; a++) {
      const ia = order[a]! * d;
      for (let b = a + 1; b < end; b++) {
        const ib = order[b]! * d;
        let s = 0;
        for (let j = 0; j < d; j++) {
          const v = data[ia + j]! - data[ib + j]!;
          s += v * v;
        }
        sum += power === 1 ? Math.sqrt(s) : Math.sqrt(s) ** power;
      }
    }
    if (end > start) w += sum / (end - start);
  }
  return half * w;
}

/**
 * Mean and standard error s_k of the B reference values log W*_kb, in the given convention
 * (module comment). One reference set (B = 1) has s_k = 0 in the paper's convention and NaN in
 * R's (as R's var of one value).
 */
export function referenceSummary(
  logs: ArrayLike<number>,
  convention: GapConvention,
): { mean: number; se: number } {
  const B = logs.length;
  let mean = 0;
  for (let b = 0; b < B; b++) mean += logs[b]!;
  mean /= B;
  let v = 0;
  for (let b = 0; b < B; b++) v += (logs[b]! - mean) ** 2;
  if (convention === 'clusGap') return { mean, se: Math.sqrt((1 + 1 / B) * (v / (B - 1))) };
  return { mean, se: Math.sqrt(v / B) * Math.sqrt(1 + 1 / B) };
}
