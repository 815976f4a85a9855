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
 * - 'covariance': one blocked pass accumulating C (see decomposition/pca/covariance.ts), then the symmetric
 *   eigendecomposition of the d x d matrix. O(n d^2 / 2 + 9 d^3) time, d^2 + one block of memory
 *   besides the data. Chunked data: `createPCAAccumulator()`.
 * - 'svd': the singular value decomposition of Z. When n >= d, Golub-Kahan-Reinsch on a centred
 *   copy (ml-matrix SVD; it does not square the condition number, but is slow: O(n d^2) with a
 *   large constant and n d memory). When n < d, through the n x n Gram matrix Z Z^T = U S^2 U^T,
 *   V = Z^T U S^-1 (O(n^2 d + 9 n^3)).
 * - 'randomized': the k largest eigenpairs of C (n >= d) or of the Gram matrix (n < d) by block
 *   Lanczos from a seeded Gaussian start block of 2 vectors (decomposition/pca/krylov.ts), each product
 *   Z^T (Z V) / (n - 1) made from a centred, scaled copy of the data in WebAssembly memory
 *   (simd.ts `createNormalKernel`) without forming C; run until every residual ||C v - lambda v||
 *   is below tolerance * lambda_1. `iterations` reports the block products. The basis holds at
 *   most max(3k + 20, min(n, d) / 4) vectors; when that is not enough (or the data has fewer free
 *   directions than k + 4) the fit forms C (or the Gram matrix) and runs seeded block subspace
 *   iteration on it instead (eigen.ts `topEigen`). `createPCAAccumulator` has only C: subspace
 *   iteration. Needs `components` (a count), not `variance`.
 * - 'auto': 'randomized' when `components` is given, m = min(n, d) > 200 and
 *   components <= m / 10; otherwise 'covariance' when n >= d, else 'svd' (Gram).
 */
import type { PCAModel as MlPCAModel } from 'ml-pca';
import { Matrix, SVD } from 'ml-matrix';
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
import { warn } from '../../util/log.js';
import { divideBy } from '../../util/magnitude.js';
import { DEFAULT_SEED } from '../../util/random.js';
import {
  MAX_ITERATIONS,
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
} from '../../util/validate.js';
import { CovarianceAccumulator, columnMoments } from './covariance.js';
import { crossDots, symmetricEigen, topEigen } from '../eigen.js';
import { blockLanczos } from './krylov.js';
import { createNormalKernel, createProjectKernel } from './kernels.js';

/** The solvers of `pca`. */
export const PCA_SOLVERS = ['auto', 'covariance', 'svd', 'randomized'] as const;
/** A solver name, as an option. */
export type PCASolver = (typeof PCA_SOLVERS)[number];
/** The solver that ran ('auto' resolved). */
export type PCAFittedSolver = Exclude<PCASolver, 'auto'>;
/** True if `x` names a solver of `pca`. */
export function isPCASolver(x: unknown): x is PCASolver {
  return typeof x === 'string' && (PCA_SOLVERS as readonly string[]).includes(x);
}

/** Options of `pca` (and of `PCAAccumulator.finish`). */
export interface PCAOptions {
  /**
   * Number of components to keep, an integer in [1, min(n, d)]. Not together with `variance`.
   * Default: min(n, d) (all), unless `variance` is given.
   */
  components?: number;
  /**
   * Keep the smallest number of components whose explained-variance ratios add up to at least
   * this fraction, in (0, 1]. (scikit-learn's float n_components asks for strictly more.)
   * Default: unset.
   */
  variance?: number;
  /** Subtract the column means. Default: true. */
  center?: boolean;
  /**
   * Divide each column by its population standard deviation (by its root mean square when
   * `center` is false); zero divisors become 1. Default: false.
   */
  scale?: boolean;
  /** 'auto' | 'covariance' | 'svd' | 'randomized' (see the file header). Default: 'auto'. */
  solver?: PCASolver;
  /** Divide each column of the scores by sqrt(explainedVariance) (unit variance). Default: false. */
  whiten?: boolean;
  /** Seed of the randomized solver's start block. Default: 0. */
  seed?: number;
  /** Residual tolerance of the randomized solver, relative to lambda_1. Default: 1e-12. */
  tolerance?: number;
  /** Cap on the randomized solver's iterations. Default: 300. */
  maxIterations?: number;
}

interface ResolvedPCAOptions {
  components: number | undefined;
  variance: number | undefined;
  center: boolean;
  scale: boolean;
  solver: PCASolver;
  whiten: boolean;
  seed: number;
  tolerance: number;
  maxIterations: number;
}

const defaults: ResolvedPCAOptions = {
  components: undefined,
  variance: undefined,
  center: true,
  scale: false,
  solver: 'auto',
  whiten: false,
  seed: DEFAULT_SEED,
  tolerance: 1e-12,
  maxIterations: 300,
};

const KNOWN_OPTIONS = Object.keys(defaults);

/** Zero-variance columns named in the warning, at most. */
const MAX_NAMED = 10;

/** Rows per block when projecting. */
const PROJECT_BLOCK = 256;

/** A fitted PCA model: everything needed to project new rows, and the fit's summary. */
export interface PCAModel {
  /** Principal axes, k x d; row c is the unit vector of component c, oriented by the sign rule. */
  readonly components: number[][];
  /** Variance along each component (eigenvalues of C, n - 1 denominator), length k. */
  readonly explainedVariance: Float64Array;
  /** explainedVariance / totalVariance, length k. */
  readonly explainedVarianceRatio: Float64Array;
  /** Singular values of the centred, scaled data: sqrt(explainedVariance * (n - 1)). */
  readonly singularValues: Float64Array;
  /** Centre subtracted from each column (zeros when center is false), length d. */
  readonly mean: Float64Array;
  /** Divisor of each column (ones when scale is false), length d. */
  readonly scale: Float64Array;
  /**
   * d x k: loadings[j][c] = components[c][j] * sqrt(explainedVariance[c]), the covariance of
   * (scaled) feature j with the unit-variance scores of component c (scores / sqrt(lambda_c)).
   * With scale=true it equals the correlation of feature j with component c times
   * sqrt(n / (n - 1)) (population scaling, n - 1 variances).
   */
  readonly loadings: number[][];
  /** trace(C): the variance of all d (scaled) columns, n - 1 denominator. */
  readonly totalVariance: number;
  /** Number of components k. */
  readonly nComponents: number;
  /** Rows of the fitted data. */
  readonly nSamples: number;
  /** Columns of the fitted data. */
  readonly nFeatures: number;
  /** Column names, when the data was a `Dataset`. */
  readonly columns: string[] | undefined;
  /** 0-based indices of the columns with zero variance. */
  readonly constantColumns: number[];
  /** Options as resolved (for the record). */
  readonly center: boolean;
  readonly scaled: boolean;
  readonly whiten: boolean;
  /** The solver that ran. */
  readonly solver: PCAFittedSolver;
  /** Products with C in the randomized solver; 0 for the direct solvers. */
  readonly iterations: number;
  /** False when the randomized solver stopped at maxIterations (a warning says so). */
  readonly converged: boolean;
  /** Scores of new rows (n x k), with the fitted centre, scale, components and whitening. */
  transform(X: MatrixLike): FeatureMatrix;
  /** Rows back in the original units from scores (n x k): mean + scale * (S W V). */
  inverseTransform(scores: MatrixLike): FeatureMatrix;
  /** Per row, the squared Euclidean distance between x and inverseTransform(transform(x)). */
  reconstructionError(X: MatrixLike): Float64Array;
  /** A plain JSON object (no scores); `pcaFromJSON` restores the model. */
  toJSON(): PCAJSON;
  /** The model in ml-pca 4's JSON format, for `PCA.load` (see `toMlPCAModel`). */
  toMlPca(): MlPCAModel;
}

/** The result of `pca`: the model plus the scores of the fitted rows. */
export interface PCAResult extends PCAModel {
  /** n x k scores of the fitted rows (row-major, as every matrix of clusterlens). */
  readonly scores: FeatureMatrix;
}

/** The JSON form of a PCA model (`model.toJSON()`; `pcaFromJSON` reads it back exactly). */
export interface PCAJSON {
  type: 'pca';
  version: 1;
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  mean: number[];
  scale: number[];
  loadings: number[][];
  totalVariance: number;
  nSamples: number;
  nFeatures: number;
  columns?: string[];
  constantColumns: number[];
  center: boolean;
  scaled: boolean;
  whiten: boolean;
  solver: PCAFittedSolver;
  iterations: number;
  converged: boolean;
}

/** What a fit produces, before it becomes a model. */
interface PCAParts {
  /** k x d row-major, oriented. */
  components: Float64Array;
  k: number;
  values: Float64Array;
  totalVariance: number;
  mean: Float64Array;
  scale: Float64Array;
  nSamples: number;
  nFeatures: number;
  columns: string[] | undefined;
  constantColumns: number[];
  center: boolean;
  scaled: boolean;
  whiten: boolean;
  solver: PCAFittedSolver;
  iterations: number;
  converged: boolean;
}

class FittedPca implements PCAModel {
  readonly components: number[][];
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
  readonly singularValues: Float64Array;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly loadings: number[][];
  readonly totalVariance: number;
  readonly nComponents: number;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly columns: string[] | undefined;
  readonly constantColumns: number[];
  readonly center: boolean;
  readonly scaled: boolean;
  readonly whiten: boolean;
  readonly solver: PCAFittedSolver;
  readonly iterations: number;
  readonly converged: boolean;
  /** Components, k x d row-major, for the loops. */
  readonly #v: Float64Array;
  /** 1 / scale. */
  readonly #inverseScale: Float64Array;
  /** Factor applied to score c: 1 / sqrt(lambda_c) when whitening (1 if lambda_c = 0), else 1. */
  readonly #scoreFactor: Float64Array;

  constructor(p: PCAParts) {
    const { k, nFeatures: d } = p;
    this.#v = p.components;
    this.nComponents = k;
    this.nSamples = p.nSamples;
    this.nFeatures = d;
    this.columns = p.columns;
    this.constantColumns = p.constantColumns;
    this.center = p.center;
    this.scaled = p.scaled;
    this.whiten = p.whiten;
    this.solver = p.solver;
    this.iterations = p.iterations;
    this.converged = p.converged;
    this.mean = p.mean;
    this.scale = p.scale;
    this.totalVariance = p.totalVariance;
    this.explainedVariance = p.values;
    this.explainedVarianceRatio = new Float64Array(k);
    this.singularValues = new Float64Array(k);
    this.#scoreFactor = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const lambda = p.values[c]!;
      this.explainedVarianceRatio[c] = p.totalVariance > 0 ? lambda / p.totalVariance : 0;
      this.singularValues[c] = Math.sqrt(lambda * (p.nSamples - 1));
      this.#scoreFactor[c] = p.whiten && lambda > 0 ? 1 / Math.sqrt(lambda) : 1;
    }
    this.#inverseScale = new Float64Array(d);
    for (let j = 0; j < d; j++) this.#inverseScale[j] = 1 / p.scale[j]!;
    this.components = [];
    for (let c = 0; c < k; c++)
      this.components.push(Array.from(p.components.subarray(c * d, (c + 1) * d)));
    this.loadings = [];
    for (let j = 0; j < d; j++) {
      const row = new Array<number>(k);
      for (let c = 0; c < k; c++) row[c] = p.components[c * d + j]! * Math.sqrt(p.values[c]!);
      this.loadings.push(row);
    }
  }

  transform(X: MatrixLike): FeatureMatrix {
    return this.project(this.checkInput(X, 'pca.transform', this.nFeatures, 'columns'));
  }

  /** Scores of a validated matrix with d columns. */
  project(x: FeatureMatrix): FeatureMatrix {
    const { rows: n, data } = x;
    const d = this.nFeatures;
    const k = this.nComponents;
    const out = featureMatrix(n, k);
    const mean = this.mean;
    const inv = this.#inverseScale;
    const f = this.#scoreFactor;
    const s = out.data;
    // Rows are centred and scaled PROJECT_BLOCK at a time into a scratch block, then multiplied by
    // the components with the tiled dot-product kernel (rows of both operands are contiguous).
    // With WebAssembly SIMD, both steps run in the kernel's memory (simd.ts; the same numbers).
    const kernel = createProjectKernel(d, this.#v, k, Math.min(n, PROJECT_BLOCK), mean, inv);
    const z = new Float64Array(kernel === null ? Math.min(n, PROJECT_BLOCK) * d : 0);
    for (let r0 = 0; r0 < n; r0 += PROJECT_BLOCK) {
      const b = Math.min(PROJECT_BLOCK, n - r0);
      if (kernel !== null) {
        kernel.scores(data, r0, b, s, r0 * k);
        continue;
      }
      for (let i = 0; i < b; i++) {
        const o = (r0 + i) * d;
        const oz = i * d;
        for (let j = 0; j < d; j++) z[oz + j] = (data[o + j]! - mean[j]!) * inv[j]!;
      }
      crossDots(z, b, this.#v, k, d, s.subarray(r0 * k, (r0 + b) * k), k, 1);
    }
    if (this.whiten) for (let t = 0; t < s.length; t++) s[t] = s[t]! * f[t % k]!;
    return out;
  }

  inverseTransform(scores: MatrixLike): FeatureMatrix {
    const sm = this.checkInput(scores, 'pca.inverseTransform', this.nComponents, 'components');
    const n = sm.rows;
    const d = this.nFeatures;
    const k = this.nComponents;
    const out = featureMatrix(n, d);
    const w = new Float64Array(k);
    const f = this.#scoreFactor;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) w[c] = sm.data[i * k + c]! / f[c]!;
      this.reconstructRow(w, out.data, i * d);
    }
    return out;
  }

  /** out[o .. o+d) = mean + scale * (sum_c w_c v_c), w in unwhitened units. */
  private reconstructRow(w: Float64Array, out: Float64Array, o: number): void {
    const d = this.nFeatures;
    const k = this.nComponents;
    const v = this.#v;
    for (let j = 0; j < d; j++) out[o + j] = 0;
    for (let c = 0; c < k; c++) {
      const wc = w[c]!;
      const oc = c * d;
      for (let j = 0; j < d; j++) out[o + j] += wc * v[oc + j]!;
    }
    const { mean, scale } = this;
    for (let j = 0; j < d; j++) out[o + j] = mean[j]! + scale[j]! * out[o + j]!;
  }

  reconstructionError(X: MatrixLike): Float64Array {
    const x = this.checkInput(X, 'pca.reconstructionError', this.nFeatures, 'columns');
    const n = x.rows;
    const d = this.nFeatures;
    const k = this.nComponents;
    const scores = this.project(x);
    const f = this.#scoreFactor;
    const w = new Float64Array(k);
    const row = new Float64Array(d);
    const err = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) w[c] = scores.data[i * k + c]! / f[c]!;
      this.reconstructRow(w, row, 0);
      let e = 0;
      for (let j = 0; j < d; j++) {
        const r = x.data[i * d + j]! - row[j]!;
        e += r * r;
      }
      err[i] = e;
    }
    return err;
  }

  private checkInput(X: MatrixLike, fn: string, cols: number, what: string): FeatureMatrix {
    const x = toFeatureMatrix(X, { fn });
    if (x.cols !== cols) {
      throw new DataError(`${fn} expects ${cols} columns (the model's ${what}); got ${x.cols}.`);
    }
    return x;
  }

  toJSON(): PCAJSON {
    const json: PCAJSON = {
      type: 'pca',
      version: 1,
      components: this.components.map((r) => r.slice()),
      explainedVariance: Array.from(this.explainedVariance),
      explainedVarianceRatio: Array.from(this.explainedVarianceRatio),
      singularValues: Array.from(this.singularValues),
      mean: Array.from(this.mean),
      scale: Array.from(this.scale),
      loadings: this.loadings.map((r) => r.slice()),
      totalVariance: this.totalVariance,
      nSamples: this.nSamples,
      nFeatures: this.nFeatures,
      constantColumns: this.constantColumns.slice(),
      center: this.center,
      scaled: this.scaled,
      whiten: this.whiten,
      solver: this.solver,
      iterations: this.iterations,
      converged: this.converged,
    };
    if (this.columns !== undefined) json.columns = this.columns.slice();
    return json;
  }

  toMlPca(): MlPCAModel {
    return toMlPCAModel(this);
  }
}

class FittedPcaWithScores extends FittedPca implements PCAResult {
  readonly scores: FeatureMatrix;
  /** `scores`, when given, are those of x already computed (see `scoresInDataUnits`). */
  constructor(p: PCAParts, x: FeatureMatrix, scores?: FeatureMatrix) {
    super(p);
    this.scores = scores ?? this.project(x);
  }
}

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

function resolveOptions(fn: string, options: PCAOptions): ResolvedPCAOptions {
  checkKnownOptions(fn, options, KNOWN_OPTIONS);
  const o: ResolvedPCAOptions = { ...defaults, ...options };
  for (const key of KNOWN_OPTIONS as (keyof ResolvedPCAOptions)[]) {
    if (o[key] === undefined) (o as unknown as Record<string, unknown>)[key] = defaults[key];
  }
  if (o.components !== undefined) checkInteger(fn, 'components', o.components, 1);
  if (o.variance !== undefined) {
    checkNumber(fn, 'variance', o.variance, { min: 0, max: 1, minExclusive: true });
  }
  if (o.components !== undefined && o.variance !== undefined) {
    throw new OptionError(`${fn} takes either 'components' or 'variance', not both.`);
  }
  checkBoolean(fn, 'center', o.center);
  checkBoolean(fn, 'scale', o.scale);
  checkKeyword(fn, 'solver', o.solver, PCA_SOLVERS);
  checkBoolean(fn, 'whiten', o.whiten);
  checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  checkNumber(fn, 'tolerance', o.tolerance, { min: 0, minExclusive: true });
  checkInteger(fn, 'maxIterations', o.maxIterations, 1, MAX_ITERATIONS);
  if (o.solver === 'randomized' && o.variance !== undefined) {
    throw new OptionError(
      `The 'variance' option of ${fn} needs every eigenvalue; solver 'randomized' computes only ` +
        `the leading ones. Give 'components' or use solver 'covariance'.`,
    );
  }
  return o;
}

function checkShape(fn: string, o: ResolvedPCAOptions, n: number, d: number): void {
  if (d < 1) throw new DataError(`${fn} needs at least 1 column; got 0.`);
  if (n < 2)
    throw new DataError(`${fn} needs at least 2 rows (variances divide by n - 1); got ${n}.`);
  const m = Math.min(n, d);
  if (o.components !== undefined && o.components > m) {
    throw new OptionError(
      `${fn}: components=${o.components} should be <= min(n_samples=${n}, n_features=${d}) = ${m}.`,
    );
  }
}

/** The 'auto' rule of the file header. */
function chooseSolver(o: ResolvedPCAOptions, n: number, d: number): PCAFittedSolver {
  if (o.solver !== 'auto') return o.solver;
  const m = Math.min(n, d);
  if (o.components !== undefined && m > 200 && o.components <= m / 10) return 'randomized';
  return n >= d ? 'covariance' : 'svd';
}

/**
 * Centre, divisors, zero-variance columns and the columns that carry nothing (see the file
 * header). `inert` are the columns whose values about the centre are all 0: the constant columns
 * when centring, the all-zero columns when not. They are warned about by name.
 */
function prepare(
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
function warnInert(inert: number[], o: ResolvedPCAOptions, columns: string[] | undefined): void {
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

/** The 'covariance' and 'randomized' (n >= d) fits, from accumulated moments. */
function fitFromCovariance(
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

/** The 'svd' fits and 'randomized' when n < d, on a centred and scaled copy Z of the data. */
function fitFromData(
  x: FeatureMatrix,
  o: ResolvedPCAOptions,
  solver: PCAFittedSolver,
  columns: string[] | undefined,
): PCAParts {
  const { rows: n, cols: d } = x;
  const mo = columnMoments(x);
  const { centre, divisor, constant } = prepare(
    n,
    mo.mean,
    mo.sumSquares,
    mo.min,
    mo.max,
    o,
    columns,
  );
  const z = new Float64Array(n * d);
  const inv = new Float64Array(d);
  for (let j = 0; j < d; j++) inv[j] = 1 / divisor[j]!;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j < d; j++) z[oi + j] = (x.data[oi + j]! - centre[j]!) * inv[j]!;
  }
  const nm1 = n - 1;
  let total = 0;
  for (let t = 0; t < z.length; t++) total += z[t]! * z[t]!;
  total /= nm1;
  checkTotal(total);

  let values: Float64Array;
  let vectors: Float64Array;
  let iterations = 0;
  let converged = true;
  let k: number;
  if (n >= d) {
    // Golub-Kahan-Reinsch SVD of Z (only reached with solver 'svd').
    const zm = Matrix.from1DArray(n, d, z);
    const svd = new SVD(zm, {
      computeLeftSingularVectors: false,
      computeRightSingularVectors: true,
    });
    const s = svd.diagonal;
    const vm = svd.rightSingularVectors;
    const order = Array.from({ length: d }, (_, i) => i).sort((p, q) => s[q]! - s[p]! || p - q);
    values = new Float64Array(d);
    vectors = new Float64Array(d * d);
    for (let c = 0; c < d; c++) {
      const src = order[c]!;
      values[c] = (s[src]! * s[src]!) / nm1;
      for (let j = 0; j < d; j++) vectors[c * d + j] = vm.get(j, src);
    }
    clip(values, (d * Number.EPSILON) ** 2);
    k = selectCount(o, values, total, d);
  } else {
    // Gram matrix K = Z Z^T / (n - 1) (n x n): its eigenvalues are those of C.
    const g = gram(z, n, d, nm1);
    let u: Float64Array;
    if (solver === 'randomized') {
      const kk = o.components ?? n;
      const top = topEigen(g, n, kk, {
        seed: o.seed,
        tolerance: o.tolerance,
        maxIterations: o.maxIterations,
      });
      ({ values, vectors: u, iterations, converged } = top);
      warnNotConverged(top.converged, top.iterations);
    } else {
      ({ values, vectors: u } = symmetricEigen(g, n));
    }
    clip(values, n * Number.EPSILON);
    k = selectCount(o, values, total, n);
    vectors = componentsFromGram(z, n, d, u, values, k, nm1);
  }
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

/** Vectors per block of the Krylov solver. */
const KRYLOV_BLOCK = 2;

/**
 * The 'randomized' fit on the data itself: block Lanczos (decomposition/pca/krylov.ts) on C = Z^T Z / (n - 1) when
 * n >= d, or on the Gram matrix Z Z^T / (n - 1) when n < d, each product made from a centred and
 * scaled copy of the data (never forming C). The basis holds at most max(3k + 20, min(n, d) / 4)
 * vectors: past that, forming C is cheaper, and null sends the fit there (as it does when the
 * data has fewer free directions than the basis needs, or when n < d and a wanted eigenvalue is
 * at rounding level).
 */
function fitKrylov(
  x: FeatureMatrix,
  o: ResolvedPCAOptions,
  columns: string[] | undefined,
): PCAParts | null {
  const { rows: n, cols: d } = x;
  const k = o.components ?? Math.min(n, d);
  const b = KRYLOV_BLOCK;
  const wide = n < d;
  const dim = wide ? n : d;
  // A = Z (n x d), or Z^T (d x n) when n < d; A^T A / (n - 1) is the operator. When n >= d the
  // rows are copied as they are and centred and scaled in place (with the moments, in the kernel).
  const kern = wide ? createNormalKernel(d, n, b) : createNormalKernel(n, d, b);
  try {
    const { a, v: kv, w: kw, stride } = kern;
    if (!wide) {
      if (stride === d) a.set(x.data);
      else for (let i = 0; i < n; i++) a.set(x.data.subarray(i * d, (i + 1) * d), i * stride);
    }
    const mo = wide ? columnMoments(x) : kern.moments();
    // quiet: a fit that falls back to the covariance solver warns there, once
    const { centre, divisor, constant, inert } = prepare(
      n,
      mo.mean,
      mo.sumSquares,
      mo.min,
      mo.max,
      o,
      columns,
      true,
    );
    const free = wide ? n : d - inert.length;
    if (k + 2 * b > free) return null;
    const inv = new Float64Array(d);
    for (let j = 0; j < d; j++) inv[j] = 1 / divisor[j]!;
    let total = 0;
    if (wide) {
      for (let i = 0; i < n; i++) {
        const oi = i * d;
        for (let j = 0; j < d; j++) {
          const z = (x.data[oi + j]! - centre[j]!) * inv[j]!;
          total += z * z;
          a[j * stride + i] = z;
        }
      }
    } else {
      kern.centre(centre, inv);
      // sum of z^2 by column, from the moments: about the mean, or about 0 without centring
      for (let j = 0; j < d; j++) {
        if (inert.includes(j)) continue;
        const ss = o.center ? mo.sumSquares[j]! : mo.sumSquares[j]! + n * mo.mean[j]! * mo.mean[j]!;
        total += ss * inv[j]! * inv[j]!;
      }
    }
    const nm1 = n - 1;
    total /= nm1;
    checkTotal(total);
    const op = {
      dim,
      apply(vin: Float64Array, bb: number, out: Float64Array) {
        for (let c = 0; c < bb; c++) kv.set(vin.subarray(c * dim, (c + 1) * dim), c * stride);
        kern.apply();
        for (let c = 0; c < bb; c++) {
          const oc = c * stride;
          for (let t = 0; t < dim; t++) out[c * dim + t] = kw[oc + t]! / nm1;
        }
      },
    };
    const maxBasis = Math.min(
      Math.max(3 * k + 20, Math.floor(Math.min(n, d) / 4)),
      o.maxIterations * b,
    );
    const top = blockLanczos(op, k, {
      block: b,
      seed: o.seed,
      tolerance: o.tolerance,
      maxBasis,
      zeros: wide ? [] : inert,
    });
    if (!top.converged) return null;
    const values = top.values;
    clip(values, Math.min(n, d) * Number.EPSILON);
    let vectors = top.vectors;
    if (wide) {
      if (!(values[k - 1]! > 0)) return null;
      // v_c = Z^T u_c / sqrt(lambda_c (n - 1)): rows of A dotted with u_c.
      const v = new Float64Array(k * d);
      const rowsOfA = stride === n ? a : compact(a, d, n, stride);
      crossDots(rowsOfA, d, top.vectors, k, n, v, 1, d);
      for (let c = 0; c < k; c++) {
        const f = 1 / Math.sqrt(values[c]! * nm1);
        for (let j = 0; j < d; j++) v[c * d + j] = v[c * d + j]! * f;
      }
      vectors = v;
    }
    warnInert(inert, o, columns);
    return {
      components: orient(vectors, k, d),
      k,
      values,
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
      solver: 'randomized',
      iterations: top.iterations,
      converged: true,
    };
  } finally {
    kern.release();
  }
}

/** The rows x cols matrix stored with row stride `stride`, packed. */
function compact(a: Float64Array, rows: number, cols: number, stride: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(a.subarray(i * stride, i * stride + cols), i * cols);
  return out;
}

/** Z Z^T / (n - 1) for row-major Z (n x d): dot products of contiguous rows, in 3 x 3 tiles. */
function gram(z: Float64Array, n: number, d: number, nm1: number): Float64Array {
  const g = new Float64Array(n * n);
  crossDots(z, n, z, n, d, g, n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      // Average the two computed halves: exactly symmetric whatever the summation order.
      const s = (g[i * n + j]! + g[j * n + i]!) / (2 * nm1);
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  return g;
}

/**
 * v_c = Z^T u_c / sqrt(lambda_c (n - 1)) for the first k eigenvectors u_c of the Gram matrix.
 * Where lambda_c is at rounding level (<= 1e-12 lambda_1, e.g. the n-th component of centred data
 * with n <= d) v_c is not determined by the data: the basis is completed with the first unit
 * vectors e_j independent of the components before it (Gram-Schmidt), deterministically.
 */
function componentsFromGram(
  z: Float64Array,
  n: number,
  d: number,
  u: Float64Array,
  values: Float64Array,
  k: number,
  nm1: number,
): Float64Array {
  const v = new Float64Array(k * d);
  const floor = 1e-12 * Math.max(values[0]!, 0);
  let complete = k;
  for (let c = 0; c < k; c++) {
    const lambda = values[c]!;
    if (!(lambda > floor)) {
      complete = c;
      break;
    }
    const f = 1 / Math.sqrt(lambda * nm1);
    const oc = c * d;
    for (let i = 0; i < n; i++) {
      const w = u[c * n + i]! * f;
      if (w === 0) continue;
      const oi = i * d;
      for (let j = 0; j < d; j++) v[oc + j] += w * z[oi + j]!;
    }
  }
  // Complete the basis: e_0, e_1, ... minus their projections on the components so far (twice),
  // keeping those that leave a clear remainder.
  let unit = 0;
  for (let c = complete; c < k; c++) {
    const oc = c * d;
    for (; unit < d; unit++) {
      v.fill(0, oc, oc + d);
      v[oc + unit] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let e = 0; e < c; e++) {
          const oe = e * d;
          let p = 0;
          for (let j = 0; j < d; j++) p += v[oe + j]! * v[oc + j]!;
          for (let j = 0; j < d; j++) v[oc + j] -= p * v[oe + j]!;
        }
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += v[oc + j]! * v[oc + j]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-3) {
        for (let j = 0; j < d; j++) v[oc + j] = v[oc + j]! / norm;
        unit++;
        break;
      }
    }
    values[c] = 0;
  }
  return v;
}

/**
 * Values at rounding level become 0: negative ones and those <= relativeFloor * values[0]. For an
 * m x m symmetric eigenproblem the floor is m * eps (the accuracy of a backward-stable solver on a
 * matrix of norm lambda_1: a rank-deficient covariance otherwise shows noise of about
 * 1e-16 lambda_1 as variance); for squared singular values it is (m * eps)^2.
 */
function clip(values: Float64Array, relativeFloor: number): void {
  const floor = relativeFloor * Math.max(values[0] ?? 0, 0);
  for (let c = 0; c < values.length; c++) if (!(values[c]! > floor)) values[c] = 0;
}

function checkTotal(total: number): void {
  if (!(total > 0)) {
    throw new DataError(
      'pca: there is nothing to decompose: every column is constant (or, without centring, zero).',
    );
  }
}

function warnNotConverged(converged: boolean, iterations: number): void {
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
function selectCount(
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
function orient(v: Float64Array, k: number, d: number): Float64Array {
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

/**
 * A streaming PCA: add chunks of rows (for data larger than memory, or several files), merge
 * partial accumulators, then `finish(options)`. It keeps the column means and the co-moment
 * matrix (d^2 doubles), merged exactly (Chan et al.; see decomposition/pca/covariance.ts), so `finish` gives the
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

/** Restore a model from `model.toJSON()` (or its `JSON.parse`d text). */
export function pcaFromJSON(json: PCAJSON): PCAModel {
  const fn = 'pcaFromJSON';
  if (typeof json !== 'object' || json === null || json.type !== 'pca') {
    throw new DataError(`${fn} expects the object written by a PCA model's toJSON() (type 'pca').`);
  }
  if (json.version !== 1) throw new DataError(`${fn}: unknown version ${String(json.version)}.`);
  checkModelJson(fn, json);
  const d = json.nFeatures;
  const k = json.components.length;
  if (
    json.mean.length !== d ||
    json.scale.length !== d ||
    json.explainedVariance.length !== k ||
    json.components.some((r) => r.length !== d)
  ) {
    throw new DataError(
      `${fn}: the sizes of mean, scale, components and explainedVariance disagree.`,
    );
  }
  const components = new Float64Array(k * d);
  for (let c = 0; c < k; c++) components.set(json.components[c]!, c * d);
  return new FittedPca({
    components,
    k,
    values: Float64Array.from(json.explainedVariance),
    totalVariance: json.totalVariance,
    mean: Float64Array.from(json.mean),
    scale: Float64Array.from(json.scale),
    nSamples: json.nSamples,
    nFeatures: d,
    columns: json.columns?.slice(),
    constantColumns: json.constantColumns.slice(),
    center: json.center,
    scaled: json.scaled,
    whiten: json.whiten,
    solver: json.solver,
    iterations: json.iterations,
    converged: json.converged,
  });
}

/** The fields of a `PCAJSON`, each of its type: a `DataError` naming the first that is not. */
function checkModelJson(fn: string, json: PCAJSON): void {
  const fail = (field: string, what: string): never => {
    throw new DataError(`${fn}: the field '${field}' of the model must be ${what}.`);
  };
  const numbers = (field: keyof PCAJSON, value: unknown): void => {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
      fail(field, 'an array of numbers');
    }
  };
  if (!Number.isSafeInteger(json.nFeatures) || json.nFeatures < 1) {
    fail('nFeatures', 'an integer >= 1');
  }
  if (!Array.isArray(json.components) || json.components.length < 1) {
    fail('components', 'an array of at least one row');
  }
  for (const row of json.components) numbers('components', row);
  numbers('explainedVariance', json.explainedVariance);
  numbers('mean', json.mean);
  numbers('scale', json.scale);
  numbers('constantColumns', json.constantColumns);
  if (typeof json.totalVariance !== 'number') fail('totalVariance', 'a number');
  if (typeof json.nSamples !== 'number') fail('nSamples', 'a number');
  if (typeof json.iterations !== 'number') fail('iterations', 'a number');
  for (const field of ['center', 'scaled', 'whiten', 'converged'] as const) {
    if (typeof json[field] !== 'boolean') fail(field, 'true or false');
  }
  if (!isPCASolver(json.solver) || (json.solver as string) === 'auto') {
    fail('solver', `one of ${PCA_SOLVERS.filter((x) => x !== 'auto').join(', ')}`);
  }
  if (
    json.columns !== undefined &&
    (!Array.isArray(json.columns) ||
      json.columns.length !== json.nFeatures ||
      json.columns.some((c) => typeof c !== 'string'))
  ) {
    fail('columns', 'one name per feature');
  }
}

/**
 * The model in ml-pca 4's JSON format, for `PCA.load(model)`: `U` holds the k components as
 * columns and `S` their eigenvalues. ml-pca only scales when it centres, so the model is written
 * with center=true and `means` = our centre (zeros when center was false), `stdevs` = our
 * divisors. ml-pca's `getExplainedVariance()` normalises over the exported eigenvalues only, so
 * it matches `explainedVarianceRatio` only when every component was kept. Whitening is not
 * representable in that format (an `OptionError`).
 */
export function toMlPCAModel(model: PCAModel): MlPCAModel {
  if (!(model instanceof FittedPca)) {
    throw new OptionError(
      'toMlPCAModel expects a model made by pca, pcaFromJSON, pcaFromMlPCA or ' +
        `createPCAAccumulator().finish(). Got ${model === null ? 'null' : typeof model} instead.`,
    );
  }
  if (model.whiten) {
    throw new OptionError('toMlPCAModel: ml-pca has no whitening; fit with whiten=false.');
  }
  const d = model.nFeatures;
  const k = model.nComponents;
  const u = new Matrix(d, k);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) u.set(j, c, model.components[c]![j]!);
  return {
    name: 'PCA',
    center: true,
    scale: true,
    means: Array.from(model.mean),
    stdevs: Array.from(model.scale),
    U: u,
    S: Array.from(model.explainedVariance),
    excludedFeatures: [],
  };
}

/**
 * A model from ml-pca 4's JSON (`pca.toJSON()`), with our sign rule applied to its components.
 * ml-pca stores no row count: give `nSamples` to get singular values (they are NaN otherwise).
 * The explained-variance ratio is over the eigenvalues in the model (all of them for ml-pca's
 * SVD and covariance methods). Models with `excludedFeatures` are not supported.
 */
export function pcaFromMlPCA(
  model: MlPCAModel | { toJSON(): MlPCAModel },
  options: { nSamples?: number } = {},
): PCAModel {
  const fn = 'pcaFromMlPCA';
  if (typeof model !== 'object' || model === null) {
    throw new DataError(`${fn} expects an ml-pca model (name 'PCA') or a PCA with toJSON().`);
  }
  checkKnownOptions(fn, options, ['nSamples']);
  if (options.nSamples !== undefined) checkInteger(fn, 'nSamples', options.nSamples, 1);
  const m: MlPCAModel =
    'name' in model || typeof (model as { toJSON?: unknown }).toJSON !== 'function'
      ? (model as MlPCAModel)
      : (model as { toJSON(): MlPCAModel }).toJSON();
  if (typeof m !== 'object' || m === null || m.name !== 'PCA') {
    throw new DataError(`${fn} expects an ml-pca model (name 'PCA').`);
  }
  const rowsOk = (u: unknown[]) =>
    u.length > 0 &&
    u.every(
      (r) =>
        Array.isArray(r) &&
        r.length === (u[0] as unknown[]).length &&
        r.length > 0 &&
        r.every((v) => typeof v === 'number'),
    );
  if (
    !(Matrix.isMatrix(m.U) && m.U.rows > 0 && m.U.columns > 0) &&
    !(Array.isArray(m.U) && rowsOk(m.U))
  ) {
    throw new DataError(`${fn}: the model's U must be a matrix (rows of numbers).`);
  }
  const isNumbers = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!isNumbers(m.S)) throw new DataError(`${fn}: the model's S must be an array of numbers.`);
  if (m.center && !isNumbers(m.means)) {
    throw new DataError(`${fn}: the model's means must be an array of numbers.`);
  }
  if (m.center && m.scale && !isNumbers(m.stdevs)) {
    throw new DataError(`${fn}: the model's stdevs must be an array of numbers.`);
  }
  if (
    m.excludedFeatures !== undefined &&
    (!Array.isArray(m.excludedFeatures) || m.excludedFeatures.length > 0)
  ) {
    throw new DataError(`${fn}: models with excludedFeatures are not supported.`);
  }
  const u = Matrix.checkMatrix(m.U);
  const d = u.rows;
  const k = u.columns;
  const components = new Float64Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) components[c * d + j] = u.get(j, c);
  const values = Float64Array.from(m.S.slice(0, k));
  clip(values, 0);
  let total = 0;
  for (const s of m.S) total += Math.max(s, 0);
  const mean = new Float64Array(d);
  const scale = new Float64Array(d).fill(1);
  if (m.center) {
    mean.set(m.means);
    if (m.scale) scale.set(m.stdevs);
  }
  return new FittedPca({
    components: orient(components, k, d),
    k,
    values,
    totalVariance: total,
    mean,
    scale,
    nSamples: options.nSamples ?? Number.NaN,
    nFeatures: d,
    columns: undefined,
    constantColumns: [],
    center: m.center,
    scaled: m.center && m.scale,
    whiten: false,
    solver: 'covariance',
    iterations: 0,
    converged: true,
  });
}
