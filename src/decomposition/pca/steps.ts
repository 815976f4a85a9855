/**
 * The steps every PCA solver shares: the centre and divisors of the columns and the warning about
 * the columns that carry nothing, the total variance check, the clipping of eigenvalues at
 * rounding level, the number of components kept, and the sign rule (see index.ts).
 */
import { DataError } from '../../util/errors.js';
import { warn } from '../../util/log.js';
import type { ResolvedPCAOptions } from './options.js';

/** Zero-variance columns named in the warning, at most. */
const MAX_NAMED = 10;

/**
 * Centre, divisors, zero-variance columns and the columns that carry nothing (see the file
 * header). `inert` are the columns whose values about the centre are all 0: the constant columns
 * when centring, the all-zero columns when not. They are warned about by name.
 */
export function prepare(
  n: number,
  mean: Float64Array,
  sumSquares: Float64Array,
  min: Float64Array,
  max: Float64Array,
  o: ResolvedPCAOptions,
  columns: string[] | undefined,
  quiet = false,
): { centre: Float64Array; divisor: Float64Array; constant: number[]; inert: number[] } {
  const d = mean.length;
  const centre = new Float64Array(d);
  const divisor = new Float64Array(d).fill(1);
  const constant: number[] = [];
  const inert: number[] = [];
  for (let j = 0; j < d; j++) {
    const isConstant = min[j] === max[j];
    if (isConstant) constant.push(j);
    if (isConstant && (o.center || min[j] === 0)) inert.push(j);
    if (o.center) centre[j] = isConstant ? min[j]! : mean[j]!;
    if (o.scale) {
      // Sum of squares about the centre: about the mean, or about 0 (= M_jj + n mean_j^2).
      let ss: number;
      if (o.center) ss = isConstant ? 0 : sumSquares[j]!;
      else ss = isConstant ? n * min[j]! * min[j]! : sumSquares[j]! + n * mean[j]! * mean[j]!;
      if (ss > 0) divisor[j] = Math.sqrt(ss / n);
    }
  }
  if (!quiet) warnInert(inert, o, columns);
  return { centre, divisor, constant, inert };
}

/** The warning that names the inert columns (see `prepare`), if there are any. */
export function warnInert(
  inert: number[],
  o: ResolvedPCAOptions,
  columns: string[] | undefined,
): void {
  if (inert.length > 0) {
    const names = inert
      .slice(0, MAX_NAMED)
      .map((j) => (columns?.[j] !== undefined ? `'${columns[j]}'` : `${j + 1}`));
    if (inert.length > MAX_NAMED) names.push(`and ${inert.length - MAX_NAMED} more`);
    const one = inert.length === 1;
    const what = o.center
      ? one
        ? 'has zero variance and adds'
        : 'have zero variance and add'
      : one
        ? 'holds only zeros and adds'
        : 'hold only zeros and add';
    warn(
      `pca: ${one ? 'column' : 'columns'} ${names.join(', ')} ${what} nothing to the components` +
        (o.scale ? '; scaling divides them by 1, not 0.' : '.'),
    );
  }
}

/**
 * Values at rounding level become 0: negative ones and those <= relativeFloor * values[0]. For an
 * m x m symmetric eigenproblem the floor is m * eps (the accuracy of a backward-stable solver on a
 * matrix of norm lambda_1: a rank-deficient covariance otherwise shows noise of about
 * 1e-16 lambda_1 as variance); for squared singular values it is (m * eps)^2.
 */
export function clip(values: Float64Array, relativeFloor: number): void {
  const floor = relativeFloor * Math.max(values[0] ?? 0, 0);
  for (let c = 0; c < values.length; c++) if (!(values[c]! > floor)) values[c] = 0;
}

export function checkTotal(total: number): void {
  if (!(total > 0)) {
    throw new DataError(
      'pca: there is nothing to decompose: every column is constant (or, without centring, zero).',
    );
  }
}

export function warnNotConverged(converged: boolean, iterations: number): void {
  if (!converged) {
    warn(
      `pca: the randomized solver stopped after ${iterations} iterations without reaching its ` +
        `tolerance; raise 'maxIterations' or use solver 'covariance'.`,
    );
  }
}

/**
 * k: the count asked for; the smallest count whose cumulative ratio reaches `variance` (a
 * relative slack of 1e-13 absorbs rounding, so variance=1 means every non-zero component);
 * or every available component.
 */
export function selectCount(
  o: ResolvedPCAOptions,
  values: Float64Array,
  total: number,
  available: number,
): number {
  if (o.components !== undefined) return o.components;
  const m = Math.min(available, values.length);
  if (o.variance === undefined) return m;
  const target = o.variance * total * (1 - 1e-13);
  let cum = 0;
  for (let c = 0; c < m; c++) {
    cum += Math.max(values[c]!, 0);
    if (cum >= target) return c + 1;
  }
  return m;
}

/**
 * The sign rule: flip each row so that its entry of largest magnitude is positive. Entries within
 * a relative 1e-9 of the largest magnitude count as tied, and the first of them decides, so that
 * solvers whose results differ by rounding pick the same sign.
 */
export function orient(v: Float64Array, k: number, d: number): Float64Array {
  for (let c = 0; c < k; c++) {
    const o = c * d;
    let best = 0;
    for (let j = 0; j < d; j++) best = Math.max(best, Math.abs(v[o + j]!));
    const cut = best * (1 - 1e-9);
    let at = 0;
    while (at < d - 1 && !(Math.abs(v[o + at]!) >= cut)) at++;
    if (v[o + at]! < 0) for (let j = 0; j < d; j++) v[o + j] = v[o + j] === 0 ? 0 : -v[o + j]!;
  }
  return v;
}
