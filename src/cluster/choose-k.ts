/**
 * Choosing the number of clusters: k-means for every candidate k, five criteria, each
 * criterion's pick, and one recommendation that says where the criteria disagree.
 *
 * Pipeline: validate -> for each k: kmeans (same seed and options) -> inertia, silhouette,
 * Calinski-Harabasz, Davies-Bouldin -> gap statistic (k-means on B reference sets) -> picks ->
 * recommendation.
 *
 * The criteria and their picks:
 * - inertia (elbow): the k farthest below the chord from the first to the last point of the
 *   curve, both axes scaled to [0, 1] (the "maximum distance to the chord" rule, as Kneedle of
 *   Satopaa et al., ICDCS workshops 2011, for a decreasing convex curve). Needs >= 3 candidates.
 * - silhouette: highest mean silhouette (on a seeded subset of `silhouetteSampleSize` rows when
 *   n > 10,000).
 * - Calinski-Harabasz: highest. Davies-Bouldin: lowest.
 * - gap statistic (Tibshirani, Walther and Hastie, "Estimating the number of clusters in a data
 *   set via the gap statistic", JRSS B 63(2), 2001, pp. 411-423):
 *     W_k = inertia of the k-means fit (the pooled within-cluster sum of squares),
 *     Gap(k) = mean_b log W*_kb - log W_k over B reference sets drawn uniformly over the box
 *     of the data in its principal axes ('pca', the default: the paper's (b), R
 *     cluster::clusGap's default spaceH0 = 'scaledPCA'; it follows the shape of the data and on
 *     iris and wine it picks 3 where the plain box picks 5 and 4) or over the bounding box of
 *     the columns ('uniform', the paper's (a)),
 *     s_k = sd_k sqrt(1 + 1/B) with sd_k the standard deviation of the log W*_kb with divisor B
 *     (as the paper; R's clusGap divides by B - 1),
 *     pick = the smallest candidate k with Gap(k) >= Gap(k+1) - s_{k+1} (the paper's 1-SE rule,
 *     R's maxSE method 'Tibs2001SEmax'); the largest candidate if none.
 *   The reference sets come from `RandomState(seed)`, drawn row by row; each reference fit uses
 *   the same options as the data fits. Above `gapSampleSize` rows (default 5000) the gap is
 *   computed on a seeded random subset of that many rows (data and references alike), which
 *   bounds its cost at (number of k) x (1 + B) fits of 5000 rows.
 * - recommendation: the k picked by the most criteria; on a tie, the tied k the silhouette
 *   ranks highest (then the smaller k). The reason names the criteria for and against.
 *
 * Cost: (number of k) x (1 + B) k-means fits, plus the silhouettes (O(n^2 d) each, or of the
 * subset).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { crossDots } from '../decomposition/eigen.js';
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../data/dataset.js';
import { DataError, OptionError } from '../util/errors.js';
import { warn } from '../util/log.js';
import { divideBy, magnitudeUnit } from '../util/magnitude.js';
import { DEFAULT_SEED, RandomState } from '../util/random.js';
import {
  MAX_ITERATIONS,
  MAX_RESTARTS,
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
} from '../util/validate.js';
import { calinskiHarabasz } from '../metrics/calinski-harabasz.js';
import { daviesBouldin } from '../metrics/davies-bouldin.js';
import { silhouetteScore } from '../metrics/silhouette.js';
import {
  KMEANS_ALGORITHMS,
  type KMeansAlgorithm,
  type KMeansResult,
  kmeans,
  columnRanges,
  rescaledResult,
} from './kmeans.js';

/** Most reference sets of the gap statistic (each costs one k-means fit per candidate k). */
export const MAX_GAP_REFERENCES = 1000;

/** The reference distributions of the gap statistic. */
export const GAP_REFERENCES = ['uniform', 'pca'] as const;
/** A reference distribution of the gap statistic. */
export type GapReference = (typeof GAP_REFERENCES)[number];

/** The criteria of `chooseK`. */
export const CHOOSE_K_CRITERIA = [
  'inertia',
  'silhouette',
  'calinskiHarabasz',
  'daviesBouldin',
  'gap',
] as const;
/** A criterion of `chooseK`. */
export type ChooseKCriterion = (typeof CHOOSE_K_CRITERIA)[number];

/** Options of `chooseK`. */
export interface ChooseKOptions {
  /**
   * Candidate k: [min, max] (inclusive, 1 <= min < max) or a list.
   * Default: [2, 10], or [2, n - 1] when n <= 10.
   */
  k?: readonly [number, number] | readonly number[];
  /** Restarts of each k-means fit. Default: 10. */
  nInit?: number;
  /** Seed of every fit and of the reference sets. Default: 0. */
  seed?: number;
  /** k-means algorithm (see `kmeans`). Default: 'auto'. */
  algorithm?: KMeansAlgorithm;
  /** Maximum iterations of each fit. Default: 300. */
  maxIterations?: number;
  /** Relative tolerance of each fit. Default: 1e-4. */
  tolerance?: number;
  /** Compute the gap statistic (B extra fits per k). Default: true. */
  gap?: boolean;
  /** Number B of reference sets of the gap statistic. Default: 10. */
  gapReferences?: number;
  /** Reference distribution: 'pca' (box of the principal axes, R clusGap's default) or 'uniform' (bounding box of the columns). Default: 'pca'. */
  gapReference?: GapReference;
  /** Rows used for the silhouette; all rows when n is at most this. Default: 10000. */
  silhouetteSampleSize?: number;
  /**
   * Rows used for the gap statistic (its data and reference fits); all rows when n is at most
   * this, else a seeded random subset. Default: 5000.
   */
  gapSampleSize?: number;
}

/** One candidate k and its scores (a criterion that is undefined for k is left out). */
export interface ChooseKRow {
  k: number;
  inertia: number;
  silhouette?: number;
  calinskiHarabasz?: number;
  daviesBouldin?: number;
  gap?: number;
  /** s_k of the gap statistic. */
  gapSe?: number;
  /** log W_k of the data. */
  logW?: number;
  /** Mean over the reference sets of log W*_k. */
  expectedLogW?: number;
}

/** The result of `chooseK`. */
export interface ChooseKResult {
  /** One row per candidate k, ascending. */
  table: ChooseKRow[];
  /** The k each criterion picked (a criterion that could not pick is absent). */
  picks: Partial<Record<ChooseKCriterion, number>>;
  /** The recommended k. */
  recommended: number;
  /** Why, in one sentence, naming the criteria that disagree. */
  reason: string;
  /** Criteria whose pick differs from the recommendation. */
  disagree: ChooseKCriterion[];
  /** The k-means fit of each candidate k, in table order. */
  fits: KMeansResult[];
  /** Rows the silhouettes were computed on. */
  silhouetteRows: number;
  /** Plain JSON (without the fits' labels). */
  toJSON(): ChooseKJSON;
}

/** JSON form of a `chooseK` result. */
export interface ChooseKJSON {
  table: ChooseKRow[];
  picks: Partial<Record<ChooseKCriterion, number>>;
  recommended: number;
  reason: string;
  disagree: ChooseKCriterion[];
  silhouetteRows: number;
}

const defaults = {
  k: [2, 10] as readonly number[],
  nInit: 10,
  seed: DEFAULT_SEED,
  algorithm: 'auto' as KMeansAlgorithm,
  maxIterations: 300,
  tolerance: 1e-4,
  gap: true,
  gapReferences: 10,
  gapReference: 'pca' as GapReference,
  silhouetteSampleSize: 10000,
  gapSampleSize: 5000,
};

const NAMES: Record<ChooseKCriterion, string> = {
  inertia: 'the elbow of inertia',
  silhouette: 'silhouette',
  calinskiHarabasz: 'Calinski-Harabasz',
  daviesBouldin: 'Davies-Bouldin',
  gap: 'the gap statistic',
};

/**
 * Run k-means for each candidate k and score it (see the module comment for every rule).
 *
 * @example
 * const choice = chooseK(rows, {k: [2, 8], seed: 1});
 * choice.recommended; // e.g. 3
 * choice.reason; // 'k=3 is picked by silhouette, ... ; Calinski-Harabasz picks 4.'
 */
export function chooseK(X: MatrixLike, options: ChooseKOptions = {}): ChooseKResult {
  const fn = 'chooseK';
  checkKnownOptions(fn, options, Object.keys(defaults));
  const o = { ...defaults, ...definedOnly(options) };
  const X0 = toFeatureMatrix(X, { fn });
  // Values beyond 2^±500: every criterion is computed on the data divided by a power of two
  // (src/util/magnitude.ts); the fits and inertias are given back in the data's units, log W
  // of the gap statistic shifted by 2 ln(unit).
  const unit = magnitudeUnit(X0.data);
  const M = unit === 1 ? X0 : { rows: X0.rows, cols: X0.cols, data: divideBy(X0.data, unit) };
  const logUnit2 = 2 * Math.log(unit);
  const ranges = unit === 1 ? undefined : columnRanges(M, 1);
  const n = M.rows;
  if (n === 0 || M.cols === 0) {
    throw new DataError(`chooseK needs at least one row and one column; got ${n} x ${M.cols}.`);
  }
  if (n > 1 && allRowsEqual(M)) {
    throw new DataError(
      `chooseK: all ${n} rows are identical; there is no clustering to choose between.`,
    );
  }
  // The default range stops at n - 1 (k = n explains nothing); a given range is checked as is.
  const ks = candidates(
    options.k === undefined ? [2, Math.max(2, Math.min(10, n - 1))] : o.k,
    n,
    fn,
  );
  const nInit = checkInteger(fn, 'nInit', o.nInit, 1, MAX_RESTARTS);
  const seed = checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  const algorithm = checkKeyword(fn, 'algorithm', o.algorithm, KMEANS_ALGORITHMS);
  const maxIterations = checkInteger(fn, 'maxIterations', o.maxIterations, 1, MAX_ITERATIONS);
  const tolerance = checkNumber(fn, 'tolerance', o.tolerance, { min: 0 });
  const withGap = checkBoolean(fn, 'gap', o.gap);
  const B = checkInteger(fn, 'gapReferences', o.gapReferences, 1, MAX_GAP_REFERENCES);
  const reference = checkKeyword(fn, 'gapReference', o.gapReference, GAP_REFERENCES);
  const silRows = checkInteger(fn, 'silhouetteSampleSize', o.silhouetteSampleSize, 2);
  const gapRows = checkInteger(fn, 'gapSampleSize', o.gapSampleSize, 2);
  const fitOptions = { nInit, seed, algorithm, maxIterations, tolerance };

  const table: ChooseKRow[] = [];
  const fits: KMeansResult[] = [];
  const silhouetteRows = Math.min(n, silRows);
  const scaledInertia: number[] = [];
  for (const k of ks) {
    const fit = kmeans(M, { k, ...fitOptions });
    scaledInertia.push(fit.inertia);
    fits.push(unit === 1 ? fit : rescaledResult(fit, unit, M.cols, true, ranges));
    const row: ChooseKRow = { k, inertia: fits[fits.length - 1]!.inertia };
    const distinct = fit.sizes.filter((s) => s > 0).length;
    if (distinct >= 2 && distinct <= n - 1) {
      row.silhouette = silhouetteScore(
        M,
        fit.labels,
        n > silRows ? { sampleSize: silRows, seed } : {},
      );
      row.calinskiHarabasz = calinskiHarabasz(M, fit.labels);
      row.daviesBouldin = daviesBouldin(M, fit.labels);
    }
    table.push(row);
  }

  if (withGap) {
    // on a seeded subset of the rows when n is large (the data is then refitted on the subset)
    const G = n > gapRows ? subset(M, gapRows, seed) : M;
    const refs = referenceSets(G, B, reference, seed);
    for (const [t, row] of table.entries()) {
      const w = G === M ? scaledInertia[t]! : kmeans(G, { k: row.k, ...fitOptions }).inertia;
      const logs = new Float64Array(B);
      for (let b = 0; b < B; b++) {
        logs[b] = Math.log(kmeans(refs[b]!, { k: row.k, ...fitOptions }).inertia);
      }
      let mean = 0;
      for (let b = 0; b < B; b++) mean += logs[b]!;
      mean /= B;
      let v = 0;
      for (let b = 0; b < B; b++) v += (logs[b]! - mean) ** 2;
      const sd = Math.sqrt(v / B);
      row.logW = Math.log(w) + logUnit2;
      row.expectedLogW = mean + logUnit2;
      row.gap = mean - Math.log(w);
      row.gapSe = sd * Math.sqrt(1 + 1 / B);
    }
  }

  const picks: Partial<Record<ChooseKCriterion, number>> = {};
  if (table.some((r) => !Number.isFinite(r.inertia))) {
    warn(
      'chooseK: the inertias of these values are beyond the largest double and are reported ' +
        'as Infinity; every criterion is computed exactly on the data divided by ' +
        `${unit} (the elbow included).`,
    );
  }
  const elbow = elbowPick(
    table.map((r) => r.k),
    scaledInertia,
  );
  if (elbow !== undefined) picks.inertia = elbow;
  const best = (key: 'silhouette' | 'calinskiHarabasz' | 'daviesBouldin', sign: number) => {
    let pick: number | undefined;
    let value = -Infinity;
    for (const r of table) {
      const v = r[key];
      if (v !== undefined && Number.isFinite(v) && sign * v > value) {
        value = sign * v;
        pick = r.k;
      }
    }
    if (pick !== undefined) picks[key] = pick;
  };
  best('silhouette', 1);
  best('calinskiHarabasz', 1);
  best('daviesBouldin', -1);
  if (withGap) {
    picks.gap = gapPick(
      table.map((r) => r.k),
      table.map((r) => r.gap!),
      table.map((r) => r.gapSe!),
    );
  }
  const { recommended, reason, disagree } = recommend(table, picks);
  return {
    table,
    picks,
    recommended,
    reason,
    disagree,
    fits,
    silhouetteRows,
    toJSON: () => ({ table, picks, recommended, reason, disagree, silhouetteRows }),
  };
}

function allRowsEqual(M: FeatureMatrix): boolean {
  const { rows: n, cols: d, data } = M;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < d; j++) if (data[i * d + j] !== data[j]) return false;
  }
  return true;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

/** The candidate k, ascending and distinct, checked against n. */
function candidates(spec: readonly number[], n: number, fn: string): number[] {
  if (!Array.isArray(spec) || spec.length === 0) {
    throw new OptionError(
      `The 'k' option of ${fn} must be [min, max] or a list of integers. Got ${spec} instead.`,
    );
  }
  let ks: number[];
  if (spec.length === 2) {
    // [min, max]: a reversed pair is a mistake, not a list of two
    const lo = checkInteger(fn, 'k', spec[0], 1);
    const hi = checkInteger(fn, 'k', spec[1], 1);
    if (hi < lo) {
      throw new OptionError(
        `The 'k' option of ${fn} must be [min, max] with min <= max. Got [${lo}, ${hi}] ` +
          `instead; did you mean [${hi}, ${lo}]?`,
      );
    }
    if (hi > n) throw new OptionError(`n_samples=${n} should be >= k=${hi}.`);
    ks = [];
    for (let k = lo; k <= hi; k++) ks.push(k);
  } else {
    ks = [...new Set(spec.map((k) => checkInteger(fn, 'k', k, 1)))].sort((a, b) => a - b);
  }
  const max = ks[ks.length - 1]!;
  if (max > n) throw new OptionError(`n_samples=${n} should be >= k=${max}.`);
  return ks;
}

/** A seeded random subset of `size` rows (the first `size` of `permutation(n)`). */
function subset(M: FeatureMatrix, size: number, seed: number): FeatureMatrix {
  const idx = new RandomState(seed).permutation(M.rows).subarray(0, size);
  const d = M.cols;
  const data = new Float64Array(size * d);
  for (let t = 0; t < size; t++) data.set(M.data.subarray(idx[t]! * d, idx[t]! * d + d), t * d);
  return { rows: size, cols: d, data };
}

/**
 * B reference data sets of X's shape: uniform over the bounding box of the columns, or over the
 * bounding box of the data in its principal axes (then rotated back and shifted to the mean).
 * The draws go row by row, one per axis of the box (`principalBox`).
 */
function referenceSets(
  M: FeatureMatrix,
  B: number,
  reference: GapReference,
  seed: number,
): FeatureMatrix[] {
  const { rows: n, cols: d } = M;
  const rng = new RandomState(seed);
  const box: PrincipalBox =
    reference === 'pca'
      ? principalBox(M)
      : { mean: new Float64Array(d), axes: null, r: d, lo: columnMin(M), hi: columnMax(M) };
  const { mean, axes: V, r, lo, hi } = box;
  // the Gram axes come axis by axis (r x d); the rotation reads them feature by feature (d x r)
  let Vt: Float64Array | null = null;
  if (box.gram && V !== null) {
    Vt = new Float64Array(d * r);
    for (let c = 0; c < r; c++) for (let j = 0; j < d; j++) Vt[j * r + c] = V[c * d + j]!;
  }
  const out: FeatureMatrix[] = [];
  for (let b = 0; b < B; b++) {
    const Rb = new Float64Array(n * r);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < r; c++) Rb[i * r + c] = rng.uniform(lo[c]!, hi[c]!);
    }
    if (V === null) {
      out.push({ rows: n, cols: d, data: Rb });
      continue;
    }
    const R = new Float64Array(n * d);
    if (Vt !== null) {
      // R = Rb V^T (n x r times r x d) by the tiled dot products, then shifted to the mean
      crossDots(Rb, n, Vt, d, r, R, d, 1);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) R[i * d + j]! += mean[j]!;
      out.push({ rows: n, cols: d, data: R });
      continue;
    }
    for (let i = 0; i < n; i++) {
      const o = i * r;
      for (let j = 0; j < d; j++) {
        let s = mean[j]!;
        const p = j * r;
        for (let c = 0; c < r; c++) s += Rb[o + c]! * V[p + c]!;
        R[i * d + j] = s;
      }
    }
    out.push({ rows: n, cols: d, data: R });
  }
  return out;
}

/**
 * The box of the gap statistic's 'pca' reference: the column means, r principal axes of the
 * centred data (d x r, row-major: axis c of feature j at `axes[j * r + c]`) and the range
 * [lo_c, hi_c] of the data's coordinates on each axis. `axes` is null for the plain box of the
 * columns ('uniform'). @internal
 */
export interface PrincipalBox {
  mean: Float64Array;
  axes: Float64Array | null;
  r: number;
  lo: Float64Array;
  hi: Float64Array;
  /**
   * True when the axes came from the Gram matrix (d > n): `axes` is then stored axis by axis
   * (r x d, axis c of feature j at `axes[c * d + j]`), the layout of the tiled products.
   */
  gram?: boolean;
}

/**
 * The principal box of X (n x d). When d <= n, the axes are the d eigenvectors of the d x d
 * scatter matrix (ml-matrix's symmetric decomposition, eigenvalues ascending). When d > n that
 * matrix has rank at most n - 1 and would need d^2 doubles (80 GB for 100,000 columns): the
 * axes are then found from the n x n Gram matrix G = Xc Xc^T, whose eigenpairs (lambda, u) give
 * the axes v = Xc^T u / sqrt(lambda) of the same nonzero eigenvalues. The axes of the other
 * (zero) eigenvalues have no spread (lo = hi = 0) and are left out, so r is the rank of Xc, and
 * the reference sets are drawn in the same (ascending) order of eigenvalues. O(n^2 d + n^3)
 * time, O(n d) memory. @internal
 */
export function principalBox(M: FeatureMatrix): PrincipalBox {
  const { rows: n, cols: d, data } = M;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  let V: Float64Array;
  let r: number;
  if (d <= n) {
    // the scatter matrix, upper triangle summed row by row, then mirrored
    const cov = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let a = 0; a < d; a++) {
        const xa = data[o + a]! - mean[a]!;
        const p = a * d;
        for (let b = a; b < d; b++) cov[p + b]! += xa * (data[o + b]! - mean[b]!);
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a]!;
    const E = new EigenvalueDecomposition(new Matrix(toRowArrays(cov, d, d)), {
      assumeSymmetric: true,
    }).eigenvectorMatrix;
    r = d;
    V = new Float64Array(d * d);
    for (let j = 0; j < d; j++) for (let c = 0; c < d; c++) V[j * d + c] = E.get(j, c);
  } else {
    const Xc = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) Xc[i * d + j] = data[i * d + j]! - mean[j]!;
    }
    const G = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += Xc[a * d + j]! * Xc[b * d + j]!;
        G[a * n + b] = s;
        G[b * n + a] = s;
      }
    }
    const E = new EigenvalueDecomposition(new Matrix(toRowArrays(G, n, n)), {
      assumeSymmetric: true,
    });
    const values = E.realEigenvalues;
    const U = E.eigenvectorMatrix;
    let top = 0;
    for (const v of values) if (v > top) top = v;
    // eigenvalues at rounding level of the largest belong to the null space of Xc
    const tol = top * n * 2.220446049250313e-16;
    const kept: number[] = [];
    for (let c = 0; c < n; c++) if (values[c]! > tol) kept.push(c);
    r = kept.length;
    // axis by axis (r x d): v_t = Xc^T u_t, normalised (= Xc^T u / sqrt(lambda) but for rounding)
    V = new Float64Array(r * d);
    for (let t = 0; t < r; t++) {
      const c = kept[t]!;
      const v = V.subarray(t * d, (t + 1) * d);
      for (let i = 0; i < n; i++) {
        const u = U.get(i, c);
        const o = i * d;
        for (let j = 0; j < d; j++) v[j]! += u * Xc[o + j]!;
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += v[j]! * v[j]!;
      norm = Math.sqrt(norm);
      for (let j = 0; j < d; j++) v[j] = v[j]! / norm;
    }
    // the data's coordinates on the axes (Xc V, n x r), and their range
    const Z = new Float64Array(n * r);
    crossDots(Xc, n, V, r, d, Z, r, 1);
    const lo = new Float64Array(r).fill(Infinity);
    const hi = new Float64Array(r).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < r; c++) {
        const s = Z[i * r + c]!;
        if (s < lo[c]!) lo[c] = s;
        if (s > hi[c]!) hi[c] = s;
      }
    }
    return { mean, axes: V, r, lo, hi, gram: true };
  }
  // the data's coordinates on the axes, and their range
  const lo = new Float64Array(r).fill(Infinity);
  const hi = new Float64Array(r).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let c = 0; c < r; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[o + j]! - mean[j]!) * V[j * r + c]!;
      if (s < lo[c]!) lo[c] = s;
      if (s > hi[c]!) hi[c] = s;
    }
  }
  return { mean, axes: V, r, lo, hi };
}

function toRowArrays(a: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(a.subarray(i * cols, (i + 1) * cols));
  return out;
}

function columnMin(M: FeatureMatrix): Float64Array {
  const { rows: n, cols: d, data } = M;
  const out = new Float64Array(d).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) if (data[i * d + j]! < out[j]!) out[j] = data[i * d + j]!;
  }
  return out;
}

function columnMax(M: FeatureMatrix): Float64Array {
  const { rows: n, cols: d, data } = M;
  const out = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) if (data[i * d + j]! > out[j]!) out[j] = data[i * d + j]!;
  }
  return out;
}

/**
 * The elbow: with k and the values scaled to [0, 1] between the first and last candidate, the
 * candidate whose value lies farthest below the chord joining the first and last points (first
 * on ties). Undefined with fewer than 3 candidates or when no point lies below the chord.
 * @internal
 */
export function elbowPick(ks: readonly number[], values: readonly number[]): number | undefined {
  const m = ks.length;
  if (m < 3) return undefined;
  const k0 = ks[0]!;
  const k1 = ks[m - 1]!;
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const v of values) {
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v);
  }
  if (!(vmax > vmin)) return undefined;
  const y = (v: number) => (v - vmin) / (vmax - vmin);
  const y0 = y(values[0]!);
  const y1 = y(values[m - 1]!);
  let pick: number | undefined;
  let best = 0;
  for (let t = 1; t < m - 1; t++) {
    const x = (ks[t]! - k0) / (k1 - k0);
    const chord = y0 + (y1 - y0) * x;
    const below = chord - y(values[t]!);
    if (below > best) {
      best = below;
      pick = ks[t];
    }
  }
  return pick;
}

/**
 * Tibshirani et al.'s 1-SE rule over the candidates in order: the first k_t with
 * gap_t >= gap_{t+1} - se_{t+1}; the last candidate if there is none (R's maxSE,
 * 'Tibs2001SEmax').
 * @internal
 */
export function gapPick(
  ks: readonly number[],
  gap: readonly number[],
  se: readonly number[],
): number {
  for (let t = 0; t + 1 < ks.length; t++) {
    if (gap[t]! >= gap[t + 1]! - se[t + 1]!) return ks[t]!;
  }
  return ks[ks.length - 1]!;
}

/** The majority pick, ties broken by the silhouette's ranking, then by the smaller k. */
function recommend(
  table: readonly ChooseKRow[],
  picks: Partial<Record<ChooseKCriterion, number>>,
): { recommended: number; reason: string; disagree: ChooseKCriterion[] } {
  const votes = new Map<number, ChooseKCriterion[]>();
  for (const c of CHOOSE_K_CRITERIA) {
    const k = picks[c];
    if (k === undefined) continue;
    votes.set(k, [...(votes.get(k) ?? []), c]);
  }
  if (votes.size === 0) {
    const k = table[0]!.k;
    return { recommended: k, reason: `k=${k}: no criterion could pick a k.`, disagree: [] };
  }
  const sil = new Map(table.map((r) => [r.k, r.silhouette ?? -Infinity]));
  const ranked = [...votes.entries()].sort(
    (a, b) => b[1].length - a[1].length || sil.get(b[0])! - sil.get(a[0])! || a[0] - b[0],
  );
  const [recommended, forIt] = ranked[0]!;
  const disagree = CHOOSE_K_CRITERIA.filter(
    (c) => picks[c] !== undefined && picks[c] !== recommended,
  );
  const total = forIt.length + disagree.length;
  let reason = `k=${recommended} is picked by ${list(forIt.map((c) => NAMES[c]))} (${forIt.length} of ${total} criteria)`;
  if (ranked.length > 1 && ranked[1]![1].length === forIt.length) {
    reason += `, tied with k=${ranked[1]![0]} and preferred for its higher silhouette`;
  }
  if (disagree.length > 0) {
    reason += `; ${disagree.map((c) => `${NAMES[c]} picks ${picks[c]}`).join(', ')}`;
  } else {
    reason += '; the criteria agree';
  }
  return { recommended, reason: `${reason}.`, disagree };
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
