/**
 * The fitted PCA model: its parameters, `transform`, `inverseTransform` and
 * `reconstructionError`, its JSON form (`toJSON`, `pcaFromJSON`) and ml-pca 4's
 * (`toMlPCAModel`, `pcaFromMlPCA`).
 */
import type { PCAModel as MlPCAModel } from 'ml-pca';
import { Matrix } from 'ml-matrix';
import {
  type FeatureMatrix,
  type MatrixLike,
  featureMatrix,
  toFeatureMatrix,
} from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { checkInteger, checkKnownOptions } from '../../util/validate.js';
import { crossDots } from '../eigen.js';
import { createProjectKernel } from './kernels.js';
import { isPCASolver, PCA_SOLVERS, type PCAFittedSolver } from './options.js';
import { clip, orient } from './steps.js';

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
  /**
   * n x k scores of the fitted rows (row-major, as every matrix of clusterlens), computed on
   * first access (the fit itself does not project the rows). Read them before changing the rows
   * given to `pca`: changed rows are a `DataError` here.
   */
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
export interface PCAParts {
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

export class FittedPca implements PCAModel {
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
  /** What the model was built from (for `withScores`). */
  readonly #parts: PCAParts;

  constructor(p: PCAParts) {
    this.#parts = p;
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

  /** This model with the scores of the rows `x` (see `withScores`). */
  withScores(x: FeatureMatrix): PCAResult {
    return new FittedPcaWithScores(this.#parts, x, this.project(x));
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
    // With WebAssembly SIMD, both steps run in the kernel's memory (kernels.ts; the same numbers).
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

/** Rows as `pca` may keep them: a matrix, or arrays of d numbers each (checked by `pca`). */
type FittedRows = FeatureMatrix | readonly ArrayLike<number>[];

/** Rows r0 .. r0 + b - 1 of arrays of d numbers into `out`, row-major. @internal */
export function copyRows(
  rows: readonly ArrayLike<number>[],
  r0: number,
  b: number,
  d: number,
  out: Float64Array,
): void {
  for (let i = 0; i < b; i++) {
    const row = rows[r0 + i]!;
    const o = i * d;
    for (let j = 0; j < d; j++) out[o + j] = row[j]!;
  }
}

/** Rows per block when scores are projected from arrays of rows. */
const ROWS_BLOCK = 16384;

/**
 * The result of `pca`: the scores are computed on first access of `scores` (a fit alone, as
 * scikit-learn's `fit`, costs no projection). Until then the result keeps the fitted rows and a
 * fingerprint of their bits; rows changed in between are a `DataError`, never silently other
 * scores.
 */
/**
 * A model fitted on other rows (a stream's, `PCAAccumulator`) with the scores of the rows `x`
 * (e.g. a sample of them): a `PCAResult` whose `scores` are `model.transform(x)`.
 */
export function withScores(model: PCAModel, x: FeatureMatrix): PCAResult {
  if (!(model instanceof FittedPca)) {
    throw new TypeError('withScores: the model must be one clusterlens fitted.');
  }
  return model.withScores(x);
}

export class FittedPcaWithScores extends FittedPca implements PCAResult {
  #scores: FeatureMatrix | undefined;
  #rows: FittedRows | undefined;
  #print = 0;
  /** `scores`, when given, are those of x already computed (`scoresInDataUnits`, index.ts). */
  constructor(p: PCAParts, x: FittedRows, scores?: FeatureMatrix) {
    super(p);
    this.#scores = scores;
    if (scores === undefined) {
      this.#rows = x;
      this.#print = fingerprint(x, p.nFeatures);
    }
  }

  get scores(): FeatureMatrix {
    if (this.#scores === undefined) {
      const x = this.#rows!;
      const d = this.nFeatures;
      if (fingerprint(x, d) !== this.#print) {
        throw new DataError(
          'pca: the rows given to pca() changed before its scores were read (they are computed ' +
            'on first access of `scores`). Read `scores` before changing the data, or call ' +
            '`transform` with the rows as they were.',
        );
      }
      this.#scores = isRows(x) ? this.projectRows(x, d) : this.project(x);
      this.#rows = undefined;
    }
    return this.#scores;
  }

  /** The scores of arrays of rows, projected block by block (the same numbers as `project`). */
  private projectRows(rows: readonly ArrayLike<number>[], d: number): FeatureMatrix {
    const n = rows.length;
    const k = this.nComponents;
    const out = featureMatrix(n, k);
    const block = new Float64Array(Math.min(n, ROWS_BLOCK) * d);
    for (let r0 = 0; r0 < n; r0 += ROWS_BLOCK) {
      const b = Math.min(ROWS_BLOCK, n - r0);
      copyRows(rows, r0, b, d, block);
      out.data.set(this.project(featureMatrix(b, d, block.subarray(0, b * d))).data, r0 * k);
    }
    return out;
  }
}

function isRows(x: FittedRows): x is readonly ArrayLike<number>[] {
  return Array.isArray(x);
}

/**
 * A 32-bit fingerprint of the bits of the rows' values (four interleaved multiply-xor chains
 * over their 32-bit words, row by row): changes when any value changes, but for a one-in-2^32
 * collision.
 */
function fingerprint(x: FittedRows, d: number): number {
  const h = Int32Array.of(0x3c6ef372, 0x6a09e667, 0x510e527f, 0x1f83d9ab);
  if (!isRows(x)) {
    mixWords(h, new Int32Array(x.data.buffer, x.data.byteOffset, x.data.length * 2));
  } else {
    const row = new Float64Array(d);
    const words = new Int32Array(row.buffer);
    for (let i = 0; i < x.length; i++) {
      copyRows(x, i, 1, d, row);
      mixWords(h, words);
    }
  }
  return (h[0]! ^ Math.imul(h[1]!, 3) ^ Math.imul(h[2]!, 5) ^ Math.imul(h[3]!, 7)) | 0;
}

/** Mix `words` into the four chains h. */
function mixWords(h: Int32Array, words: Int32Array): void {
  const m = words.length;
  let h0 = h[0]!;
  let h1 = h[1]!;
  let h2 = h[2]!;
  let h3 = h[3]!;
  let t = 0;
  for (; t + 3 < m; t += 4) {
    h0 = Math.imul(h0 ^ words[t]!, 0x9e3779b1);
    h1 = Math.imul(h1 ^ words[t + 1]!, 0x85ebca77);
    h2 = Math.imul(h2 ^ words[t + 2]!, 0xc2b2ae3d);
    h3 = Math.imul(h3 ^ words[t + 3]!, 0x27d4eb2f);
  }
  for (; t < m; t++) h0 = Math.imul(h0 ^ words[t]!, 0x9e3779b1);
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
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
