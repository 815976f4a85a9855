/**
 * Mini-batch k-means (Sculley, "Web-scale k-means clustering", WWW 2010, pp. 1177-1178): each
 * step draws a batch of rows with replacement, assigns them to the nearest centre, and moves each
 * centre to the running mean of every row it has been given so far (a per-centre learning rate
 * 1 / count). For data too large to iterate over in full; the result is close to, not equal to,
 * full k-means.
 *
 * Pipeline of `miniBatchKMeans(X)`: validate -> draw a validation subset -> nInit initialisations
 * on random subsets of `initSize` rows, keep the one of lowest inertia on the validation subset
 * -> steps until early stopping -> label every row. `partialFit(chunk)` runs one step on a chunk
 * (initialising the centres from the first chunk).
 *
 * Parity: the draws and rules are those of scikit-learn 1.2.1's `MiniBatchKMeans` (fit and
 * partial_fit) from one numpy-compatible `RandomState(seed)`, so `miniBatchKMeans(X, {k, seed})`
 * gives the centres, steps and labels of `MiniBatchKMeans(k, random_state=seed, n_init=3)`:
 *
 * - batchSize = min(batchSize, n); initSize = 3 * batchSize (3k if that is below k), at most n.
 * - validation rows = `randint(0, n, initSize)`; each init first draws `randint(0, n, initSize)`
 *   rows (when initSize < n) and runs k-means++ or 'random' on them.
 * - steps: at most floor(maxIterations * n / batchSize), each on `randint(0, n, batchSize)`.
 * - random reassignment is considered whenever a centre has count 0 or 10k rows have been seen
 *   since the last one: centres whose count is below reassignmentRatio * max count move to rows
 *   `choice(batch, m, replace=False)` of the batch and take the smallest other count. (When more
 *   than half the batch would move, the centres of largest count are kept, by a stable sort.)
 * - early stopping: the batch inertia divided by batchSize is smoothed with weight
 *   alpha = min(1, 2 batchSize / (n + 1)); stop after `maxNoImprovement` steps without a new
 *   minimum (the first step is ignored), or when tolerance > 0 and the squared centre change
 *   is <= tolerance * mean column variance.
 * - X is not centred (as scikit-learn's MiniBatchKMeans); sample weights weight the means.
 * - values beyond 2^±500 are fitted divided by a power of two and the centroids and inertia
 *   scaled back (src/util/magnitude.ts), so their squares neither overflow nor underflow.
 *
 * Cost: O(steps * batchSize * k * d) plus one final labelling pass O(n k d); memory O(k d +
 * batchSize d) beyond X and the labels. With WebAssembly SIMD (cluster/kmeans/kernels.ts) the batch rows
 * are gathered, and all labels computed, in WebAssembly from a copy of X in its memory (n d
 * doubles more at the peak; random-row gathers are faster there than in a JavaScript
 * loop); the results are the same either way.
 */
import {
  type FeatureMatrix,
  finiteUnitOf,
  isDataset,
  type MatrixLike,
  toFeatureMatrix,
} from '../../data/dataset.js';
import { DataError, OptionError } from '../../util/errors.js';
import { warn } from '../../util/log.js';
import { divideBy, magnitudeUnit } from '../../util/magnitude.js';
import { DEFAULT_SEED, RandomState } from '../../util/random.js';
import {
  MAX_ITERATIONS,
  MAX_RESTARTS,
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  definedOnly,
} from '../../util/validate.js';
import { inertiaOf, nearestLabels } from './distances.js';
import { meanVariance } from './fit.js';
import { checkWeights } from './index.js';
import { createGatherKernel, type GatherKernel } from './kernels.js';
import {
  explicitCentres,
  gatherRows,
  KMEANS_INITS,
  type KMeansInitMethod,
  kmeansPlusPlusIndices,
  randomInitIndices,
} from './init.js';
import { pairwiseSum } from '../../util/sum.js';

/** Options of `miniBatchKMeans` and `createMiniBatchKMeans`. */
export interface MiniBatchKMeansOptions {
  /** Number of clusters, an integer >= 1. */
  k: number;
  /** Rows per step (capped at n). Default: 1024. */
  batchSize?: number;
  /** Initialisations on random subsets; the best on a validation subset is kept. Default: 3. */
  nInit?: number;
  /** 'k-means++', 'random', or k rows of d numbers. Default: 'k-means++'. */
  init?: KMeansInitMethod | readonly (readonly number[])[];
  /** Rows of each initialisation subset. Default: 3 * batchSize (at least 3k), at most n. */
  initSize?: number;
  /** Maximum number of passes over the data (epochs); steps = floor(epochs * n / batchSize). Default: 100. */
  maxIterations?: number;
  /** Steps without a new minimum of the smoothed batch inertia before stopping; 0 never stops on it. Default: 10. */
  maxNoImprovement?: number;
  /** Relative tolerance on the squared centre change per step; 0 disables it. Default: 0. */
  tolerance?: number;
  /** Fraction of the largest count below which a centre is moved to a random batch row. Default: 0.01. */
  reassignmentRatio?: number;
  /** Seed of the numpy-compatible generator. Default: 0. */
  seed?: number;
  /** Label every row (and compute the exact inertia) after fitting. Default: true. */
  computeLabels?: boolean;
  /** A non-negative weight per row. Default: all 1. */
  sampleWeight?: ArrayLike<number>;
}

/** JSON form of a mini-batch model. */
export interface MiniBatchKMeansJSON {
  k: number;
  centroids: number[][];
  counts: number[];
  steps: number;
  iterations: number;
  converged: boolean;
  inertia: number;
  labels: number[];
  seed: number;
}

/** A mini-batch k-means model: fitted by `miniBatchKMeans`, or grown chunk by chunk. */
export interface MiniBatchKMeansModel {
  /** Number of clusters. */
  readonly k: number;
  /** The centres, k x d (empty before the first `partialFit`). */
  readonly centroids: number[][];
  /** Total weight each centre has absorbed (empty before the first fit or chunk). */
  readonly counts: Float64Array;
  /** Steps made (batches in `fit`, one per `partialFit`). */
  readonly steps: number;
  /** Passes over the data made by the fit: ceil(steps * batchSize / n). */
  readonly iterations: number;
  /** True if the fit stopped early (no improvement, or tolerance). */
  readonly converged: boolean;
  /** Labels of the rows of the last fit or chunk (empty with computeLabels: false). */
  readonly labels: Int32Array;
  /**
   * Inertia of the last fit (all rows, final centres) or chunk (after its step); with
   * computeLabels: false, the smoothed batch inertia times n.
   */
  readonly inertia: number;
  /** Nearest centre of each row of new data. */
  predict(X: MatrixLike): Int32Array;
  /** One mini-batch step on a chunk (all of its rows), as scikit-learn's `partial_fit`. */
  partialFit(X: MatrixLike, sampleWeight?: ArrayLike<number>): MiniBatchKMeansModel;
  /** Plain JSON. */
  toJSON(): MiniBatchKMeansJSON;
}

const defaults = {
  batchSize: 1024,
  nInit: 3,
  init: 'k-means++' as KMeansInitMethod | readonly (readonly number[])[],
  maxIterations: 100,
  maxNoImprovement: 10,
  tolerance: 0,
  reassignmentRatio: 0.01,
  seed: DEFAULT_SEED,
  computeLabels: true,
};

const KNOWN = [
  'k',
  'batchSize',
  'nInit',
  'init',
  'initSize',
  'maxIterations',
  'maxNoImprovement',
  'tolerance',
  'reassignmentRatio',
  'seed',
  'computeLabels',
  'sampleWeight',
];

type Resolved = typeof defaults & {
  k: number;
  initSize: number | undefined;
  nInitGiven: boolean;
  sampleWeight?: ArrayLike<number>;
};

function resolve(fn: string, options: MiniBatchKMeansOptions): Resolved {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`${fn} needs an options object with k. Got ${options} instead.`);
  }
  checkKnownOptions(fn, options, KNOWN);
  const o = {
    ...defaults,
    ...definedOnly(options),
    nInitGiven: options.nInit !== undefined,
  } as Resolved;
  checkInteger(fn, 'k', o.k, 1);
  checkInteger(fn, 'batchSize', o.batchSize, 1);
  checkInteger(fn, 'nInit', o.nInit, 1, MAX_RESTARTS);
  if (o.initSize !== undefined) checkInteger(fn, 'initSize', o.initSize, 1);
  checkInteger(fn, 'maxIterations', o.maxIterations, 1, MAX_ITERATIONS);
  checkInteger(fn, 'maxNoImprovement', o.maxNoImprovement, 0);
  checkNumber(fn, 'tolerance', o.tolerance, { min: 0 });
  checkNumber(fn, 'reassignmentRatio', o.reassignmentRatio, { min: 0 });
  checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  checkBoolean(fn, 'computeLabels', o.computeLabels);
  if (typeof o.init === 'string' || !Array.isArray(o.init)) {
    checkKeyword(fn, 'init', o.init, KMEANS_INITS);
  }
  return o;
}

/**
 * Mini-batch k-means of the rows of X (see the module comment for the exact rules).
 *
 * @example
 * const blobs = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
 * const model = miniBatchKMeans(blobs, { k: 3, seed: 1 });
 * model.labels; // => [1, 1, 1, 2, 2, 2, 0, 0, 0]
 * model.partialFit([[0, 0.5], [20, 0.5]]); // one more step on new data
 * model.steps > 0; // => true
 */
export function miniBatchKMeans(
  X: MatrixLike,
  options: MiniBatchKMeansOptions,
): MiniBatchKMeansModel {
  const fn = 'miniBatchKMeans';
  const o = resolve(fn, options);
  const M = toFeatureMatrix(X, { fn, allowNonFinite: true });
  // values beyond 2^±500 are fitted divided by a power of two (src/util/magnitude.ts); the
  // same pass finds NaN and infinities, which assertFinite reports by row and column
  const unit = finiteUnitOf(M, fn, isDataset(X) ? X.columns : undefined);
  const model = new Model(o, M.cols);
  model.fit(
    unit === 1 ? M : { rows: M.rows, cols: M.cols, data: divideBy(M.data, unit) },
    o,
    fn,
    unit,
  );
  return model;
}

/**
 * An unfitted mini-batch model, to be grown with `partialFit(chunk)`; the first chunk sets the
 * batch size (min(batchSize, rows of the chunk)) and initialises the centres (one init).
 */
export function createMiniBatchKMeans(options: MiniBatchKMeansOptions): MiniBatchKMeansModel {
  const o = resolve('createMiniBatchKMeans', options);
  return new Model(o, -1);
}

class Model implements MiniBatchKMeansModel {
  readonly k: number;
  private d: number;
  private centres: Float64Array = new Float64Array(0);
  counts: Float64Array;
  steps = 0;
  iterations = 0;
  converged = false;
  labels: Int32Array = new Int32Array(0);
  inertia = Number.NaN;
  private batchSize = 0;
  private sinceReassign = 0;
  private partialRng: RandomState | null = null;
  /** The data are fitted divided by this power of two (1 for ordinary magnitudes). */
  private unit = 1;
  private readonly o: Resolved;
  // early stopping state
  private ewa: number | null = null;
  private ewaMin: number | null = null;
  private noImprovement = 0;

  constructor(o: Resolved, d: number) {
    this.o = o;
    this.k = o.k;
    this.d = d;
    // allocated by the first fit or chunk, once k is known to be at most its rows
    this.counts = new Float64Array(0);
  }

  get centroids(): number[][] {
    const out: number[][] = [];
    if (this.centres.length === 0) return out;
    for (let c = 0; c < this.k; c++) {
      const row = Array.from(this.centres.subarray(c * this.d, (c + 1) * this.d));
      out.push(this.unit === 1 ? row : row.map((v) => v * this.unit));
    }
    return out;
  }

  /** Batch size, init size and the number of inits, from the data of the first fit or chunk. */
  private sizes(n: number, fn: string): { initSize: number; nInit: number } {
    const { o, k } = this;
    if (n < k) throw new OptionError(`n_samples=${n} should be >= k=${k}.`);
    this.batchSize = Math.min(o.batchSize, n);
    let initSize = o.initSize;
    if (initSize === undefined) {
      initSize = 3 * this.batchSize;
      if (initSize < k) initSize = 3 * k;
    } else if (initSize < k) {
      warn(`${fn}: initSize=${initSize} should be at least k=${k}; using ${3 * k}.`);
      initSize = 3 * k;
    }
    initSize = Math.min(initSize, n);
    let nInit = o.nInit;
    if (typeof o.init !== 'string') {
      if (o.nInitGiven && nInit !== 1) {
        warn(
          `Explicit initial centres were given: ${fn} performs one initialisation instead of nInit=${nInit}.`,
        );
      }
      nInit = 1;
    }
    return { initSize, nInit };
  }

  /** Initial centres on a random subset of initSize rows (scikit-learn's `_init_centroids`). */
  private initCentres(
    M: FeatureMatrix,
    initSize: number,
    rng: RandomState,
    fn: string,
  ): Float64Array {
    const { k } = this;
    const d = M.cols;
    if (typeof this.o.init !== 'string') {
      const C = explicitCentres(this.o.init, k, d, fn);
      if (this.unit !== 1) for (let t = 0; t < C.length; t++) C[t]! /= this.unit;
      return C;
    }
    let S = M;
    if (initSize < M.rows) {
      const idx = new Int32Array(initSize);
      for (let t = 0; t < initSize; t++) idx[t] = rng.randint(M.rows);
      S = { rows: initSize, cols: d, data: gatherRows(M, idx) };
    }
    const idx =
      this.o.init === 'k-means++'
        ? kmeansPlusPlusIndices(S, k, rng)
        : randomInitIndices(S.rows, k, rng);
    return gatherRows(S, idx);
  }

  fit(M: FeatureMatrix, o: Resolved, fn: string, unit = 1): void {
    this.unit = unit;
    const { rows: n, cols: d, data } = M;
    const { k } = this;
    if (n === 0 || d === 0)
      throw new DataError(`${fn} needs at least one row and one column; got ${n} x ${d}.`);
    const w =
      o.sampleWeight === undefined
        ? null
        : checkWeights(o.sampleWeight as ArrayLike<number>, n, fn);
    const { initSize, nInit } = this.sizes(n, fn);
    const tol = o.tolerance === 0 ? 0 : meanVariance(M) * o.tolerance;
    const rng = new RandomState(o.seed);
    const batch = this.batchSize;

    // validation subset for choosing among the inits
    const validIdx = new Int32Array(initSize);
    for (let t = 0; t < initSize; t++) validIdx[t] = rng.randint(n);
    const validX = gatherRows(M, validIdx);
    const validW = w ? gatherWeights(w, validIdx) : null;
    const validLabels = new Int32Array(initSize);
    let best: Float64Array | null = null;
    let bestInertia = Infinity;
    for (let r = 0; r < nInit; r++) {
      const start = this.initCentres(M, initSize, rng, fn);
      nearestLabels(validX, initSize, d, start, k, validLabels);
      const inertia = inertiaOf(validX, initSize, d, validW, start, validLabels);
      if (best === null || inertia < bestInertia) {
        best = start;
        bestInertia = inertia;
      }
    }
    let centres = best!;
    let next: Float64Array = new Float64Array(k * d);
    this.counts = new Float64Array(k);
    this.ewa = null;
    this.ewaMin = null;
    this.noImprovement = 0;
    this.sinceReassign = 0;

    const nSteps = Math.floor((o.maxIterations * n) / batch);
    // with WebAssembly, the batch rows are gathered from a copy of X in its memory
    const kernel = nSteps > 0 ? createGatherKernel(n, d, batch, k) : null;
    kernel?.load(data);
    const bx = kernel ? kernel.batch : new Float64Array(batch * d);
    const bw = w ? new Float64Array(batch) : null;
    const bl = new Int32Array(batch);
    const diff = new Float64Array(k * d);
    let i = 0;
    let stopped = false;
    for (; i < nSteps; i++) {
      // randint(0, n, batch): masked rejection on 32-bit draws (as numpy)
      if (kernel) {
        const idx = kernel.indices;
        for (let t = 0; t < batch; t++) idx[t] = rng.interval(n - 1);
        if (bw) for (let t = 0; t < batch; t++) bw[t] = w![idx[t]!]!;
        kernel.gather();
      } else {
        for (let t = 0; t < batch; t++) {
          const r = rng.interval(n - 1);
          const src = r * d;
          const dst = t * d;
          for (let j = 0; j < d; j++) bx[dst + j] = data[src + j]!;
          if (bw) bw[t] = w![r]!;
        }
      }
      const reassign = this.shouldReassign();
      const batchInertia = this.step(bx, batch, bw, bl, centres, next, rng, reassign, kernel);
      let change = 0;
      if (tol > 0) {
        for (let t = 0; t < k * d; t++) {
          const e = next[t]! - centres[t]!;
          diff[t] = e * e;
        }
        change = pairwiseSum(diff, 0, k * d);
      }
      const swap = centres;
      centres = next;
      next = swap;
      if (this.convergence(i, n, change, batchInertia, tol)) {
        stopped = true;
        break;
      }
    }
    this.centres = centres;
    this.d = d;
    this.steps = Math.min(i + 1, Math.max(nSteps, 1));
    if (nSteps === 0) this.steps = 0;
    this.iterations = Math.ceil((this.steps * batch) / n);
    this.converged = stopped;
    if (o.computeLabels) {
      this.labels = kernel ? kernel.nearestAll(centres) : nearestLabels(data, n, d, centres, k);
      const inertia =
        kernel && !w ? kernel.inertiaAll(centres) : inertiaOf(data, n, d, w, centres, this.labels);
      this.inertia = inertia * unit * unit;
    } else {
      this.labels = new Int32Array(0);
      this.inertia = (this.ewa ?? Number.NaN) * n * unit * unit;
    }
    kernel?.release();
  }

  /** scikit-learn's `_random_reassign`: due when a count is 0 or 10k rows went by. */
  private shouldReassign(): boolean {
    this.sinceReassign += this.batchSize;
    let empty = false;
    for (let c = 0; c < this.k; c++) if (this.counts[c] === 0) empty = true;
    if (empty || this.sinceReassign >= 10 * this.k) {
      this.sinceReassign = 0;
      return true;
    }
    return false;
  }

  /**
   * One step on the batch rows bx (m x d): labels and inertia against `centres`, then the
   * count-weighted update into `out` (may be `centres` itself), then random reassignment.
   */
  private step(
    bx: Float64Array,
    m: number,
    bw: Float64Array | null,
    bl: Int32Array,
    centres: Float64Array,
    out: Float64Array,
    rng: RandomState,
    reassign: boolean,
    kernel: GatherKernel | null = null,
  ): number {
    const { k, counts } = this;
    const d = this.d > 0 ? this.d : bx.length / m;
    if (kernel) bl.set(kernel.nearest(centres));
    else nearestLabels(bx, m, d, centres, k, bl);
    const inertia = inertiaOf(bx, m, d, bw, centres, bl);
    // the count-weighted update, rows in order within each cluster (as one scan per cluster)
    const wsum = new Float64Array(k);
    for (let t = 0; t < m; t++) wsum[bl[t]!]! += bw ? bw[t]! : 1;
    for (let c = 0; c < k; c++) {
      const q = c * d;
      if (wsum[c]! > 0) {
        const cnt = counts[c]!;
        for (let j = 0; j < d; j++) out[q + j] = centres[q + j]! * cnt;
      } else if (out !== centres) {
        for (let j = 0; j < d; j++) out[q + j] = centres[q + j]!;
      }
    }
    if (kernel && !bw) {
      kernel.accumulate(out, wsum);
    } else {
      for (let t = 0; t < m; t++) {
        const c = bl[t]!;
        if (!(wsum[c]! > 0)) continue;
        const p = t * d;
        const q = c * d;
        if (bw) {
          const wt = bw[t]!;
          for (let j = 0; j < d; j++) out[q + j]! += bx[p + j]! * wt;
        } else {
          for (let j = 0; j < d; j++) out[q + j]! += bx[p + j]!;
        }
      }
    }
    for (let c = 0; c < k; c++) {
      if (!(wsum[c]! > 0)) continue;
      counts[c]! += wsum[c]!;
      const alpha = 1 / counts[c]!;
      const q = c * d;
      for (let j = 0; j < d; j++) out[q + j]! *= alpha;
    }
    const ratio = this.o.reassignmentRatio;
    if (reassign && ratio > 0) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (counts[c]! > max) max = counts[c]!;
      const move = new Uint8Array(k);
      let nMove = 0;
      for (let c = 0; c < k; c++) {
        if (counts[c]! < ratio * max) {
          move[c] = 1;
          nMove++;
        }
      }
      if (nMove > 0.5 * m) {
        const order = Array.from({ length: k }, (_, c) => c).sort(
          (a, b) => counts[a]! - counts[b]! || a - b,
        );
        for (let t = Math.floor(0.5 * m); t < k; t++) move[order[t]!] = 0;
        nMove = 0;
        for (let c = 0; c < k; c++) nMove += move[c]!;
      }
      if (nMove > 0) {
        const rows = rng.choiceWithoutReplacement(m, nMove);
        let t = 0;
        for (let c = 0; c < k; c++) {
          if (!move[c]) continue;
          const p = rows[t++]! * d;
          for (let j = 0; j < d; j++) out[c * d + j] = bx[p + j]!;
        }
        let minKept = Infinity;
        for (let c = 0; c < k; c++) if (!move[c] && counts[c]! < minKept) minKept = counts[c]!;
        for (let c = 0; c < k; c++) if (move[c]) counts[c] = minKept;
      }
    }
    return inertia;
  }

  /** scikit-learn's `_mini_batch_convergence`: true to stop after step i (0-based). */
  private convergence(
    i: number,
    n: number,
    change: number,
    batchInertia: number,
    tol: number,
  ): boolean {
    const batch = this.batchSize;
    const v = batchInertia / batch;
    if (i === 0) return false;
    if (this.ewa === null) this.ewa = v;
    else {
      const alpha = Math.min((batch * 2) / (n + 1), 1);
      this.ewa = this.ewa * (1 - alpha) + v * alpha;
    }
    if (tol > 0 && change <= tol) return true;
    if (this.ewaMin === null || this.ewa < this.ewaMin) {
      this.noImprovement = 0;
      this.ewaMin = this.ewa;
    } else {
      this.noImprovement++;
    }
    return this.o.maxNoImprovement > 0 && this.noImprovement >= this.o.maxNoImprovement;
  }

  partialFit(X: MatrixLike, sampleWeight?: ArrayLike<number>): MiniBatchKMeansModel {
    const fn = 'partialFit';
    const M0 = toFeatureMatrix(X, { fn });
    const { rows: n, cols: d } = M0;
    // the first chunk fixes the power of two the data are divided by (src/util/magnitude.ts)
    if (this.centres.length === 0) this.unit = magnitudeUnit(M0.data);
    const M = this.unit === 1 ? M0 : { rows: n, cols: d, data: divideBy(M0.data, this.unit) };
    if (n === 0 || d === 0)
      throw new DataError(`${fn} needs at least one row and one column; got ${n} x ${d}.`);
    if (this.centres.length > 0 && d !== this.d) {
      throw new DataError(`${fn} expects ${this.d} columns (as the first data); got ${d}.`);
    }
    const w = sampleWeight === undefined ? null : checkWeights(sampleWeight, n, fn);
    if (this.partialRng === null) this.partialRng = new RandomState(this.o.seed);
    const rng = this.partialRng;
    if (this.centres.length === 0) {
      const { initSize } = this.sizes(n, fn);
      this.d = d;
      this.centres = this.initCentres(M, initSize, rng, fn);
      this.counts = new Float64Array(this.k);
      this.sinceReassign = 0;
    }
    const reassign = this.shouldReassign();
    const labels = new Int32Array(n);
    this.step(M.data, n, w, labels, this.centres, this.centres, rng, reassign);
    if (this.o.computeLabels) {
      this.labels = nearestLabels(M.data, n, d, this.centres, this.k);
      this.inertia = inertiaOf(M.data, n, d, w, this.centres, this.labels) * this.unit * this.unit;
    }
    this.steps++;
    return this;
  }

  predict(X: MatrixLike): Int32Array {
    const M = toFeatureMatrix(X, { fn: 'predict' });
    if (this.centres.length === 0)
      throw new OptionError('predict needs a fitted model (call partialFit first).');
    if (M.cols !== this.d)
      throw new DataError(`predict expects ${this.d} columns (as the fitted data); got ${M.cols}.`);
    const data = this.unit === 1 ? M.data : divideBy(M.data, this.unit);
    return nearestLabels(data, M.rows, this.d, this.centres, this.k);
  }

  toJSON(): MiniBatchKMeansJSON {
    return {
      k: this.k,
      centroids: this.centroids,
      counts: Array.from(this.counts),
      steps: this.steps,
      iterations: this.iterations,
      converged: this.converged,
      inertia: this.inertia,
      labels: Array.from(this.labels),
      seed: this.o.seed,
    };
  }
}

function gatherWeights(w: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let t = 0; t < idx.length; t++) out[t] = w[idx[t]!]!;
  return out;
}
