/**
 * The 'covariance' solver (and 'randomized' when n >= d and the data is not at hand, or block
 * Lanczos gave up): C from the accumulated co-moments, then its symmetric eigendecomposition, or
 * its leading eigenpairs by subspace iteration (see index.ts).
 */
import type { CovarianceAccumulator } from './covariance.js';
import { symmetricEigen, topEigen } from '../eigen.js';
import type { PCAParts } from './model.js';
import type { PCAFittedSolver, ResolvedPCAOptions } from './options.js';
import { checkTotal, clip, orient, prepare, selectCount, warnNotConverged } from './steps.js';

/** The 'covariance' and 'randomized' (n >= d) fits, from accumulated moments. */
export function fitFromCovariance(
  acc: CovarianceAccumulator,
  o: ResolvedPCAOptions,
  solver: PCAFittedSolver,
  columns: string[] | undefined,
): PCAParts {
  const n = acc.count;
  const d = acc.cols;
  const a = acc.symmetricComoment();
  const diag = new Float64Array(d);
  for (let j = 0; j < d; j++) diag[j] = a[j * d + j]!;
  const { centre, divisor, constant, inert } = prepare(
    n,
    acc.mean,
    diag,
    acc.min,
    acc.max,
    o,
    columns,
  );
  covarianceFromComoment(a, acc, o, constant, divisor);
  let total = 0;
  for (let j = 0; j < d; j++) total += a[j * d + j]!;
  checkTotal(total);

  // Inert columns have an exactly zero row and column in C: they are left out of the
  // eigenproblem, so that every component has exact zeros there, and come back as unit vectors
  // of variance 0 after the others.
  const keep: number[] = [];
  for (let j = 0, t = 0; j < d; j++) {
    if (inert[t] === j) t++;
    else keep.push(j);
  }
  const dk = keep.length;
  const ak = new Float64Array(dk * dk);
  for (let i = 0; i < dk; i++) {
    for (let j = 0; j < dk; j++) ak[i * dk + j] = a[keep[i]! * d + keep[j]!]!;
  }
  const wanted = o.components ?? Math.min(n, d);
  let small: { values: Float64Array; vectors: Float64Array };
  let iterations = 0;
  let converged = true;
  if (solver === 'randomized') {
    const top = topEigen(ak, dk, Math.min(wanted, dk), {
      seed: o.seed,
      tolerance: o.tolerance,
      maxIterations: o.maxIterations,
    });
    small = top;
    ({ iterations, converged } = top);
    warnNotConverged(top.converged, top.iterations);
  } else {
    small = symmetricEigen(ak, dk);
  }
  const found = small.values.length;
  const available = Math.min(d, found + inert.length);
  const values = new Float64Array(available);
  const vectors = new Float64Array(available * d);
  values.set(small.values);
  for (let c = 0; c < found; c++) {
    for (let i = 0; i < dk; i++) vectors[c * d + keep[i]!] = small.vectors[c * dk + i]!;
  }
  for (let c = found; c < available; c++) vectors[c * d + inert[c - found]!] = 1;
  clip(values, dk * Number.EPSILON);
  const k = selectCount(o, values, total, Math.min(n, d));
  return {
    components: orient(vectors.slice(0, k * d), k, d),
    k,
    values: values.slice(0, k),
    totalVariance: total,
    mean: centre,
    scale: divisor,
    nSamples: n,
    nFeatures: d,
    columns,
    constantColumns: constant,
    center: o.center,
    scaled: o.scale,
    whiten: o.whiten,
    solver,
    iterations,
    converged,
  };
}

/**
 * C in place of the co-moment matrix `a` (d x d) of `acc`: the constant columns' co-moments set
 * to 0, moments about 0 without centring, divided by (n - 1) and by the divisors.
 */
function covarianceFromComoment(
  a: Float64Array,
  acc: CovarianceAccumulator,
  o: ResolvedPCAOptions,
  constant: number[],
  divisor: Float64Array,
): void {
  const n = acc.count;
  const d = acc.cols;
  // A constant column's co-moments are exactly 0 (its block means may round).
  for (const j of constant) {
    for (let i = 0; i < d; i++) {
      a[i * d + j] = 0;
      a[j * d + i] = 0;
    }
  }
  if (!o.center) {
    // Second moments about 0: M + n mean mean^T (the constant columns' true mean is min).
    const mu = acc.mean.slice();
    for (const j of constant) mu[j] = acc.min[j]!;
    for (let i = 0; i < d; i++) {
      const fi = n * mu[i]!;
      for (let j = 0; j < d; j++) a[i * d + j] += fi * mu[j]!;
    }
  }
  const nm1 = n - 1;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) a[i * d + j] = a[i * d + j]! / (nm1 * divisor[i]! * divisor[j]!);
  }
}
