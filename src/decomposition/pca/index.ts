/**
 * Principal component analysis.
 *
 * Pipeline of `pca(X, options)`:
 *   resolve options -> convert X once (`toFeatureMatrix`: NaN/Infinity is a `DataError` naming
 *   row and column) -> choose the solver -> moments (one pass) -> prepare the centre and the scale
 *   -> decompose -> select k -> orient signs -> project (scores).
 *
 * Definitions (n rows, d columns, Z = (X - 1 mean^T) diag(scale)^-1):
 *   C = Z^T Z / (n - 1)                               (d x d; covariance when centred)
 *   C v_c = lambda_c v_c, lambda_1 >= lambda_2 >= ... >= 0   (values below the rounding level
 *   of the solver, m eps lambda_1 for an m x m eigenproblem, and negative ones are set to 0)
 *   explainedVariance_c = lambda_c   (n - 1 denominator, as scikit-learn's explained_variance_)
 *   explainedVarianceRatio_c = lambda_c / trace(C)    (over the total variance, every component)
 *   singularValues_c = sqrt(lambda_c (n - 1))         (the singular values of Z)
 *   scores = Z V^T (n x k), divided by sqrt(lambda_c) when `whiten`
 *   loadings[j][c] = components[c][j] * sqrt(lambda_c)
 *
 * Sign rule: in every component the entry of largest magnitude is positive (ties, i.e. entries
 * within a relative 1e-9 of the largest magnitude: the first of them). Scores are computed with
 * the oriented components, so they follow the same flips. This is scikit-learn's
 * `svd_flip(u_based_decision=False)` (used by scikit-learn >= 1.5 for its covariance solver);
 * scikit-learn 1.2 orients by U instead, so its outputs agree with ours up to that
 * per-component sign.
 *
 * Centre and scale:
 * - center=true: mean = column means. scale=true divides by the population standard deviation
 *   sqrt(sum (x - mean)^2 / n), as scikit-learn's StandardScaler (R's prcomp uses n - 1: its
 *   scores and sdev are ours times sqrt((n - 1) / n); components and ratios are identical).
 * - center=false: nothing is subtracted (mean is reported as zeros) and C holds second moments
 *   about 0 over n - 1, as R's prcomp(center = FALSE). scale=true divides by the root mean square
 *   sqrt(sum x^2 / n): the same rule as the centred case with 0 as the centre (R divides by
 *   sqrt(sum x^2 / (n - 1)); the same sqrt((n - 1) / n) factor relates the two).
 * - A column whose minimum equals its maximum has zero variance (`constantColumns`). When
 *   centring, it adds nothing to the components; without centring, only an all-zero column does.
 *   Such columns are named in a warning, left out of the eigenproblem (their entries in every
 *   component are exactly 0) and divided by 1 instead of 0 when scaling (as StandardScaler).
 *
 * Solvers (the result says which ran):
 * - 'covariance': one blocked pass accumulating C (see covariance.ts), then the symmetric
 *   eigendecomposition of the d x d matrix. O(n d^2 / 2 + 9 d^3) time, d^2 + one block of memory
 *   besides the data. Chunked data: `createPCAAccumulator()`.
 * - 'svd': the singular value decomposition of Z. When n >= d, Golub-Kahan-Reinsch on a centred
 *   copy (ml-matrix SVD; it does not square the condition number, but is slow: O(n d^2) with a
 *   large constant and n d memory). When n < d, through the n x n Gram matrix Z Z^T = U S^2 U^T,
 *   V = Z^T U S^-1 (O(n^2 d + 9 n^3)).
 * - 'randomized': the k largest eigenpairs of C (n >= d) or of the Gram matrix (n < d) by block
 *   Lanczos from a seeded Gaussian start block of 2 vectors (krylov.ts), each product
 *   Z^T (Z V) / (n - 1) made from a centred, scaled copy of the data in WebAssembly memory
 *   (kernels.ts `createNormalKernel`) without forming C; run until every residual
 *   ||C v - lambda v|| is below tolerance * lambda_1. `iterations` reports the block products. The basis holds at
 *   most max(3k + 20, min(n, d) / 4) vectors; when that is not enough (or the data has fewer free
 *   directions than k + 4) the fit forms C (or the Gram matrix) and runs seeded block subspace
 *   iteration on it instead (../eigen.ts `topEigen`). `createPCAAccumulator` has only C: subspace
 *   iteration. Needs `components` (a count), not `variance`.
 * - 'auto': 'randomized' when `components` is given, m = min(n, d) > 200 and
 *   components <= m / 10; otherwise 'covariance' when n >= d, else 'svd' (Gram).
 *
 * Files: index.ts (this: `pca` and `createPCAAccumulator`), options.ts (the options, their checks and
 * the 'auto' rule), steps.ts (centre, divisors, clipping, count and sign rule, shared by the
 * solvers), solver-covariance.ts, solver-svd.ts (with the Gram matrix) and solver-randomized.ts
 * (one per solver), covariance.ts (the co-moment accumulator), krylov.ts (block Lanczos),
 * model.ts (the fitted model, transforms, JSON and ml-pca forms), kernels.ts (the WebAssembly
 * kernels).
 */
import {
  type FeatureMatrix,
  type MatrixLike,
  featureMatrix,
  finiteUnitOf,
  isDataset,
  toFeatureMatrix,
} from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { message, option } from '../../util/message.js';
import { divideBy, unitOfMax } from '../../util/magnitude.js';
import { CovarianceAccumulator } from './covariance.js';
import {
  copyRows,
  FittedPca,
  FittedPcaWithScores,
  type PCAModel,
  type PCAParts,
  type PCAResult,
} from './model.js';
import {
  checkShape,
  chooseSolver,
  type PCAOptions,
  type ResolvedPCAOptions,
  resolveOptions,
} from './options.js';
import { fitFromCovariance } from './solver-covariance.js';
import { fitKrylov } from './solver-randomized.js';
import { fitFromData } from './solver-svd.js';

export {
  type PCAJSON,
  type PCAModel,
  type PCAResult,
  pcaFromJSON,
  pcaFromMlPCA,
  toMlPCAModel,
} from './model.js';
export {
  isPCASolver,
  PCA_SOLVERS,
  type PCAFittedSolver,
  type PCAOptions,
  type PCASolver,
} from './options.js';

/**
 * The scores of X from the parts fitted on xs = X / unit: those of xs times unit, or as they are
 * when they do not depend on the units (scaled columns, whitened scores). Centring xs instead of
 * X keeps x - mean finite for data that spans nearly the whole range of doubles.
 */
function scoresInDataUnits(inner: PCAParts, xs: FeatureMatrix, unit: number): FeatureMatrix {
  const scores = new FittedPca(inner).project(xs);
  if (!inner.scaled && !inner.whiten) {
    const s = scores.data;
    for (let t = 0; t < s.length; t++) s[t] = s[t]! * unit;
  }
  return scores;
}

/**
 * Principal component analysis of `X` (n x d; `number[][]`, ml-matrix `Matrix`, `FeatureMatrix`
 * or `Dataset`; not modified). See the file header for definitions, solvers and conventions.
 *
 * @example
 * import { pca } from 'clusterlens';
 *
 * const model = pca([[2, 0], [0, 1], [-2, 0], [0, -1]], { components: 2 });
 * model.explainedVarianceRatio; // => [0.8, 0.2]
 * model.components; // => [[1, 0], [0, 1]]
 */
export function pca(X: MatrixLike, options: PCAOptions = {}): PCAResult {
  const o = resolveOptions('pca', options);
  const direct = Array.isArray(X) ? fitRows(X as readonly ArrayLike<number>[], o) : null;
  if (direct !== null) return direct;
  const x = toFeatureMatrix(X, { fn: 'pca', allowNonFinite: true });
  const columns = isDataset(X) ? X.columns : undefined;
  const n = x.rows;
  const d = x.cols;
  checkShape('pca', o, n, d);
  const solver = chooseSolver(o, n, d);
  // Extreme values: fit the data divided by a power of two (exact), then give the
  // parameters back in the data's units (src/util/magnitude.ts), so that squares of values near
  // 1e300 do not overflow and those near 1e-300 do not underflow.
  // The eigensolvers work on squares of the covariances (fourth powers of the data), hence the
  // narrower range [2^-60, 2^60]; a power of two changes no digit of the results.
  const unit = finiteUnitOf(x, 'pca', columns, { low: 2 ** -60, high: 2 ** 60 });
  const xs = unit === 1 ? x : { rows: n, cols: d, data: divideBy(x.data, unit) };
  let parts: PCAParts | null = solver === 'randomized' ? fitKrylov(xs, o, columns) : null;
  if (parts !== null) {
    // fitted on the data by block Lanczos
  } else if (solver === 'covariance' || (solver === 'randomized' && n >= d)) {
    const acc = new CovarianceAccumulator(d);
    acc.addFinite(xs);
    parts = fitFromCovariance(acc, o, solver, columns);
  } else {
    parts = fitFromData(xs, o, solver, columns);
  }
  const inner = parts;
  if (unit !== 1) parts = inDataUnits(parts, unit, x);
  const scores = unit === 1 ? undefined : scoresInDataUnits(inner, xs, unit);
  const result = new FittedPcaWithScores(parts, x, scores);
  if (unit !== 1 && !result.scores.data.every(Number.isFinite)) {
    throw new DataError(
      `pca: the scores of values as extreme as these (largest |x| about ${unit.toPrecision(3)}) ` +
        'are beyond the range of doubles. Divide the data by a constant first.',
    );
  }
  return result;
}

/**
 * `pca` of rows given as arrays, without a converted copy of them all, when that gives the same
 * result: every row an array (or typed array) of d finite numbers of ordinary magnitude and the
 * covariance solver. The rows go block by block into the co-moment accumulator (the blocks of
 * `addFinite`, so the same sums), and the scores are projected from them on first access. null
 * (the general path converts, and names any bad row, column or value) otherwise.
 */
function fitRows(rows: readonly ArrayLike<number>[], o: ResolvedPCAOptions): PCAResult | null {
  const n = rows.length;
  if (n === 0) return null;
  const first = rows[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) return null;
  const d = first.length;
  if (d === 0) return null;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if ((!Array.isArray(row) && !ArrayBuffer.isView(row)) || row.length !== d) return null;
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number') return null;
      const a = Math.abs(v);
      if (!(a <= max)) {
        if (a > max) max = a;
        else return null; // NaN
      }
    }
  }
  if (unitOfMax(max, 2 ** -60, 2 ** 60) !== 1) return null;
  checkShape('pca', o, n, d);
  if (chooseSolver(o, n, d) !== 'covariance') return null;
  const acc = new CovarianceAccumulator(d);
  const block = new Float64Array(Math.min(n, acc.blockRows) * d);
  for (let r0 = 0; r0 < n; r0 += acc.blockRows) {
    const b = Math.min(acc.blockRows, n - r0);
    copyRows(rows, r0, b, d, block);
    acc.addFinite(featureMatrix(b, d, block.subarray(0, b * d)));
  }
  return new FittedPcaWithScores(fitFromCovariance(acc, o, 'covariance', undefined), rows);
}

/**
 * Parts fitted on X / unit, in the units of X: the centre (and, with scaling, the divisors)
 * times unit; without scaling the variances times unit^2. A variance that this puts beyond the
 * range of normal doubles is a `DataError` (its value cannot be represented).
 */
function inDataUnits(p: PCAParts, unit: number, x: FeatureMatrix): PCAParts {
  const mean = p.mean.map((v) => v * unit);
  if (p.scaled) {
    return { ...p, mean, scale: p.scale.map((v) => v * unit) };
  }
  const unit2 = unit * unit;
  const values = p.values.map((v) => v * unit2);
  const totalVariance = p.totalVariance * unit2;
  const bad = (v: number, before: number): boolean =>
    !Number.isFinite(v) || (before > 0 && v < 2.2250738585072014e-308);
  if (bad(totalVariance, p.totalVariance) || values.some((v, c) => bad(v, p.values[c]!))) {
    let max = 0;
    for (let i = 0; i < x.data.length; i++) max = Math.max(max, Math.abs(x.data[i]!));
    throw new DataError(
      message`pca: the variances of values as extreme as these (largest |x| = ${max}) are beyond the range of doubles (about 2.2e-308 to 1.8e308). Use ${option('scale', true)} or divide the data by a constant first.`,
    );
  }
  return { ...p, mean, values, totalVariance };
}

/**
 * A streaming PCA: add chunks of rows (for data larger than memory, or several files), merge
 * partial accumulators, then `finish(options)`. It keeps the column means and the co-moment
 * matrix (d^2 doubles), merged exactly (Chan et al.; see covariance.ts), so `finish` gives the
 * same model as `pca(X, options)` on all the rows, to rounding (about 1e-15 relative). The rows
 * themselves are not kept: the model has no scores (call `transform` per chunk).
 * Solvers: 'auto' (= 'covariance', or 'randomized' by the rule of `pca`), 'covariance',
 * 'randomized'.
 */
export class PCAAccumulator {
  readonly #acc = new CovarianceAccumulator();

  /** Rows added so far. */
  get count(): number {
    return this.#acc.count;
  }

  /** Add a chunk (any `MatrixLike`; not modified). NaN/Infinity throw a `DataError`. */
  add(chunk: MatrixLike): this {
    this.#acc.add(chunk, 'PCAAccumulator.add');
    return this;
  }

  /** Merge the rows of another accumulator into this one (the other is not modified). */
  merge(other: PCAAccumulator): this {
    this.#acc.merge(other.#acc);
    return this;
  }

  /** Fit the model of all the rows added so far. */
  finish(options: PCAOptions = {}): PCAModel {
    const fn = 'PCAAccumulator.finish';
    const o = resolveOptions(fn, options);
    const n = this.#acc.count;
    const d = Math.max(this.#acc.cols, 0);
    checkShape(fn, o, n, d);
    if (o.solver === 'svd') {
      throw new OptionError(
        `The 'solver' option of ${fn} must be one of 'auto', 'covariance', 'randomized' ` +
          `(the rows are not kept). Got 'svd' instead.`,
      );
    }
    let solver = chooseSolver(o, n, d);
    if (solver === 'svd') solver = 'covariance';
    return new FittedPca(fitFromCovariance(this.#acc, o, solver, this.#acc.columns));
  }
}

/** A new, empty streaming PCA (see `PCAAccumulator`). */
export function createPCAAccumulator(): PCAAccumulator {
  return new PCAAccumulator();
}
