/**
 * The options of `pca` and of `PCAAccumulator.finish`: their types, defaults and checks, the
 * checks of the data's shape against them, and the 'auto' choice of solver (see index.ts).
 */
import { DataError, OptionError } from '../../util/errors.js';
import { DEFAULT_SEED } from '../../util/random.js';
import {
  MAX_ITERATIONS,
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
} from '../../util/validate.js';

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
  /** 'auto' | 'covariance' | 'svd' | 'randomized' (see the header of index.ts). Default: 'auto'. */
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

export interface ResolvedPCAOptions {
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

export function resolveOptions(fn: string, options: PCAOptions): ResolvedPCAOptions {
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

export function checkShape(fn: string, o: ResolvedPCAOptions, n: number, d: number): void {
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

/** The 'auto' rule of the header of index.ts. */
export function chooseSolver(o: ResolvedPCAOptions, n: number, d: number): PCAFittedSolver {
  if (o.solver !== 'auto') return o.solver;
  const m = Math.min(n, d);
  if (o.components !== undefined && m > 200 && o.components <= m / 10) return 'randomized';
  return n >= d ? 'covariance' : 'svd';
}
