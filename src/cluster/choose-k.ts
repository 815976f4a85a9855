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
 *     the columns ('uniform', the paper's (a), clusGap's spaceH0 = 'original'),
 *     s_k = sd_k sqrt(1 + 1/B) with sd_k the standard deviation of the log W*_kb with divisor B
 *     (as the paper; R's clusGap divides by B - 1),
 *     pick = the smallest candidate k with Gap(k) >= Gap(k+1) - s_{k+1} (the paper's 1-SE rule,
 *     R's maxSE method 'Tibs2001SEmax'); the largest candidate if none.
 *   The reference sets come from `RandomState(seed)`, drawn row by row; each reference fit uses
 *   the same options as the data fits. Above `gapSampleSize` rows (default 5000) the gap is
 *   computed on a seeded random subset of that many rows (data and references alike), which
 *   bounds its cost at (number of k) x (1 + B) fits of 5000 rows.
 *   Options give R's choices (src/cluster/gap.ts): `gapConvention: 'clusGap'` computes W_k and
 *   s_k as clusGap (W_k from the distances to the power d.power, `gapDPower`, 1 by default, not
 *   squared; s_k with divisor B - 1) and reads the curve with clusGap's default rule
 *   'firstSEmax'; `gapMethod` picks any of maxSE's five rules, `gapSeFactor` its SE.factor.
 * - k = 1 (no cluster structure), which no criterion above can pick from a range that starts at
 *   2: the gap statistic at k = 1 (W_1 = the total sum of squares, from the same reference sets)
 *   and the gap rule applied from k = 1, and the Hopkins statistic of clustering tendency
 *   (src/metrics/hopkins.ts: H near 0.5 for uniform data, near 1 for clustered data, with the
 *   p-value of Beta(m, m)), both on the rows the gap statistic uses. There is no clear cluster
 *   structure when the gap rule picks k = 1 or when H is not significantly above 0.5
 *   (p >= 0.05); the result then says so in `caveats`, and the recommendation is still the best k
 *   of the range (the partition to look at if clusters are wanted).
 * - the range: by default k = 2 .. min(10, max(3, floor(sqrt(n / 2)))), and at most n - 1
 *   (`defaultKRange`): the rule of thumb k ~ sqrt(n / 2) as the largest k, so that 32 rows are
 *   offered 2..4 (clusters of 8 rows on average), 150 rows 2..8, 10,000 rows 2..10. A
 *   recommendation at the largest k tried is flagged in `caveats` with a wider range to try (the
 *   criteria may prefer more clusters); one at the smallest k tried above 2 likewise.
 * - recommendation: the k picked by the most criteria; on a tie, the tied k the silhouette
 *   ranks highest (then the smaller k). The reason names the criteria for and against.
 *
 * Cost: (number of k) x (1 + B) k-means fits, plus the silhouettes (O(n^2 d) each, or of the
 * subset).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../data/dataset.js';
import { symmetricEigen } from '../decomposition/eigen.js';
import { DataError, OptionError } from '../util/errors.js';
import { warn } from '../util/log.js';
import { formatProse } from '../util/format.js';
import { divideBy, magnitudeUnit } from '../util/magnitude.js';
import { DEFAULT_SEED, RandomState } from '../util/random.js';
import {
  MAX_ITERATIONS,
  MAX_RESTARTS,
  checkArgument,
  checkBoolean,
  checkInteger,
  checkKeyword,
  checkKnownOptions,
  checkNumber,
  definedOnly,
} from '../util/validate.js';
import { calinskiHarabasz } from '../metrics/calinski-harabasz.js';
import { daviesBouldin } from '../metrics/davies-bouldin.js';
import { type HopkinsResult, hopkins } from '../metrics/hopkins.js';
import { silhouetteScore } from '../metrics/silhouette.js';
import {
  GAP_CONVENTIONS,
  GAP_METHODS,
  type GapConvention,
  type GapMethod,
  maxSE,
  referenceSummary,
  withinDispersion,
} from './gap.js';
import {
  KMEANS_ALGORITHMS,
  type KMeansAlgorithm,
  type KMeansResult,
  kmeans,
  rescaledResult,
} from './kmeans/index.js';

/** Most reference sets of the gap statistic (each costs one k-means fit per candidate k). */
export const MAX_GAP_REFERENCES = 1000;

/** The reference distributions of the gap statistic. */
export const GAP_REFERENCES = ['uniform', 'pca'] as const;
/** A reference distribution of the gap statistic. */
export type GapReference = (typeof GAP_REFERENCES)[number];
/** R clusGap's names of the reference distributions: 'scaledPCA' is 'pca', 'original' is 'uniform'. */
const GAP_REFERENCE_ALIASES = { scaledPCA: 'pca', original: 'uniform' } as const;

export { GAP_CONVENTIONS, GAP_METHODS, type GapConvention, type GapMethod };

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
   * Default: `defaultKRange(n)`, 2 .. min(10, max(3, floor(sqrt(n / 2)))), at most n - 1.
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
  /**
   * Reference distribution: 'pca' (box of the principal axes, R clusGap's default, which R calls
   * 'scaledPCA') or 'uniform' (bounding box of the columns, R's 'original'). Default: 'pca'.
   */
  gapReference?: GapReference | keyof typeof GAP_REFERENCE_ALIASES;
  /**
   * How W_k and s_k are computed: 'tibshirani' (the paper: W_k the inertia, s_k with divisor B)
   * or 'clusGap' (R's clusGap: W_k from distances to the power `gapDPower`, half the paper's
   * scale; s_k with divisor B - 1). Default: 'tibshirani'.
   */
  gapConvention?: GapConvention;
  /**
   * The rule that reads the gap curve (R's maxSE methods, src/cluster/gap.ts).
   * Default: 'Tibs2001SEmax' (the paper's), 'firstSEmax' with `gapConvention: 'clusGap'`.
   */
  gapMethod?: GapMethod;
  /** Power of the distances in W_k (R's d.power). Default: 2 (squared, the inertia), 1 with `gapConvention: 'clusGap'`. */
  gapDPower?: number;
  /** Multiplier of s_k in the rule (R's SE.factor). Default: 1. */
  gapSeFactor?: number;
  /**
   * Compute the Hopkins statistic of clustering tendency (src/metrics/hopkins.ts) on the rows of
   * the gap statistic, to judge k = 1. Default: true.
   */
  hopkins?: boolean;
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

/** The gap statistic at one k: Gap(k), s_k, log W_k and the mean reference log W*_k. */
export interface GapAtK {
  gap: number;
  gapSe: number;
  logW: number;
  expectedLogW: number;
}

/** Something the reader of a choice of k should know, in one sentence. */
export interface ChooseKCaveat {
  /**
   * 'no-structure': the gap rule picks k = 1 or the Hopkins statistic finds no clustering
   * tendency; 'upper-edge' / 'lower-edge': the recommendation is the largest / smallest k tried
   * (and k = 1 was not assessed, for the lower edge); 'n-limit': the largest k tried is n - 1.
   */
  kind: 'no-structure' | 'upper-edge' | 'lower-edge' | 'n-limit';
  text: string;
}

/** How the data's cluster structure was judged against k = 1. */
export interface StructureAssessment {
  /** False when the gap rule picks k = 1 or H is not significantly above 0.5 (p >= 0.05). */
  clear: boolean;
  /** The gap statistic at k = 1 (absent when 1 is a candidate: see the table, or with the gap off). */
  gapAtOne?: GapAtK;
  /** The gap rule applied from k = 1 picks k = 1 (absent with the gap off or a range not starting at 1 or 2). */
  gapPicksOne?: boolean;
  /** The Hopkins statistic (absent with `hopkins: false`). */
  hopkins?: HopkinsResult;
  /** What was found, in one sentence. */
  text: string;
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
  /** The smallest and the largest k tried. */
  range: [number, number];
  /** Whether the range is `defaultKRange(n)` or was given. */
  rangeSource: 'default' | 'given';
  /** The judgement of k = 1 (absent when neither the gap statistic nor the Hopkins statistic ran). */
  structure?: StructureAssessment;
  /** What the reader should know about the recommendation; empty when nothing. */
  caveats: ChooseKCaveat[];
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
  range: [number, number];
  rangeSource: 'default' | 'given';
  structure?: StructureAssessment;
  caveats: ChooseKCaveat[];
}

/**
 * The default candidate k for n rows: 2 .. min(10, max(3, floor(sqrt(n / 2)))), at most n - 1
 * (the rule of thumb k ~ sqrt(n / 2) as the largest k; at least 2..3 when n allows).
 * n = 32: 2..4; 150: 2..8; 10,000: 2..10. Undefined for n < 3 (no k in 2..n - 1).
 *
 * @example
 * defaultKRange(32); // => [2, 4]
 */
export function defaultKRange(n: number): [number, number] | undefined {
  checkArgument.integer('defaultKRange', 'n', n, 0);
  const hi = Math.min(10, Math.max(3, Math.floor(Math.sqrt(n / 2))), n - 1);
  return hi >= 2 ? [2, hi] : undefined;
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
  gapReference: 'pca' as GapReference | keyof typeof GAP_REFERENCE_ALIASES,
  gapConvention: 'tibshirani' as GapConvention,
  gapMethod: undefined as GapMethod | undefined,
  gapDPower: undefined as number | undefined,
  gapSeFactor: 1,
  hopkins: true,
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
 * import { chooseK } from 'clusterlens';
 *
 * const blobs = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
 * const choice = chooseK(blobs, { k: [2, 4], seed: 1 });
 * choice.recommended; // => 3
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
  const n = M.rows;
  if (n === 0 || M.cols === 0) {
    throw new DataError(`chooseK needs at least one row and one column; got ${n} x ${M.cols}.`);
  }
  if (n > 1 && allRowsEqual(M)) {
    throw new DataError(
      `chooseK: all ${n} rows are identical; there is no clustering to choose between.`,
    );
  }
  // The default range grows as sqrt(n / 2) and stops at n - 1 (k = n explains nothing); a given
  // range is checked as is.
  const rangeSource = options.k === undefined ? 'default' : 'given';
  const ks = candidates(options.k === undefined ? (defaultKRange(n) ?? [2, 2]) : o.k, n, fn);
  const nInit = checkInteger(fn, 'nInit', o.nInit, 1, MAX_RESTARTS);
  const seed = checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  const algorithm = checkKeyword(fn, 'algorithm', o.algorithm, KMEANS_ALGORITHMS);
  const maxIterations = checkInteger(fn, 'maxIterations', o.maxIterations, 1, MAX_ITERATIONS);
  const tolerance = checkNumber(fn, 'tolerance', o.tolerance, { min: 0 });
  const withGap = checkBoolean(fn, 'gap', o.gap);
  const B = checkInteger(fn, 'gapReferences', o.gapReferences, 1, MAX_GAP_REFERENCES);
  const given = checkKeyword(fn, 'gapReference', o.gapReference, [
    ...GAP_REFERENCES,
    ...(Object.keys(GAP_REFERENCE_ALIASES) as (keyof typeof GAP_REFERENCE_ALIASES)[]),
  ]);
  const reference: GapReference =
    given in GAP_REFERENCE_ALIASES
      ? GAP_REFERENCE_ALIASES[given as keyof typeof GAP_REFERENCE_ALIASES]
      : (given as GapReference);
  const convention = checkKeyword(fn, 'gapConvention', o.gapConvention, GAP_CONVENTIONS);
  const gapMethod = checkKeyword(
    fn,
    'gapMethod',
    o.gapMethod ?? (convention === 'clusGap' ? 'firstSEmax' : 'Tibs2001SEmax'),
    GAP_METHODS,
  );
  const dPower = checkNumber(fn, 'gapDPower', o.gapDPower ?? (convention === 'clusGap' ? 1 : 2), {
    min: 0,
    minExclusive: true,
  });
  const seFactor = checkNumber(fn, 'gapSeFactor', o.gapSeFactor, { min: 0 });
  const withHopkins = checkBoolean(fn, 'hopkins', o.hopkins);
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
    fits.push(unit === 1 ? fit : rescaledResult(fit, unit, M.cols, true, M));
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

  // on a seeded subset of the rows when n is large (the data is then refitted on the subset)
  const G = n > gapRows ? subset(M, gapRows, seed) : M;
  let gapAtOne: GapAtK | undefined;
  if (withGap) {
    const refs = referenceSets(G, B, reference, seed);
    // W_k of a k-means fit: the paper's with squared distances is the inertia (to the last bit
    // as before the other conventions existed); any other is computed from the labels
    const exact = convention === 'tibshirani' && dPower === 2;
    const dispersion = (X: FeatureMatrix, fit: KMeansResult): number =>
      exact
        ? fit.inertia
        : withinDispersion(X.data, X.rows, X.cols, fit.labels, fit.k, dPower, convention);
    // W_1 without a fit: the rows as one cluster
    const single = (X: FeatureMatrix): number =>
      withinDispersion(X.data, X.rows, X.cols, new Int32Array(X.rows), 1, dPower, convention);
    // a dispersion in the data's units: log W shifted by p ln(unit)
    const logShift = dPower === 2 ? logUnit2 : (dPower / 2) * logUnit2;
    const gapOf = (w: number, reference: (R: FeatureMatrix) => number): GapAtK => {
      const logs = new Float64Array(B);
      for (let b = 0; b < B; b++) logs[b] = Math.log(reference(refs[b]!));
      const { mean, se } = referenceSummary(logs, convention);
      return {
        logW: Math.log(w) + logShift,
        expectedLogW: mean + logShift,
        gap: mean - Math.log(w),
        gapSe: se,
      };
    };
    for (const [t, row] of table.entries()) {
      const k = row.k;
      let w: number;
      if (G === M) w = exact ? scaledInertia[t]! : dispersion(M, fits[t]!);
      else w = dispersion(G, kmeans(G, { k, ...fitOptions }));
      Object.assign(
        row,
        gapOf(w, (R) => dispersion(R, kmeans(R, { k, ...fitOptions }))),
      );
    }
    if (ks[0] === 2) gapAtOne = gapOf(single(G), single);
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
    const at = maxSE(
      table.map((r) => r.gap!),
      table.map((r) => r.gapSe!),
      gapMethod,
      seFactor,
    );
    picks.gap = ks[at - 1]!;
  }
  const { recommended, reason, disagree } = recommend(table, picks);

  // k = 1: the gap rule from k = 1, and the Hopkins statistic on the rows of the gap statistic
  let gapPicksOne: boolean | undefined;
  if (withGap && ks[0] === 1) gapPicksOne = picks.gap === 1;
  else if (gapAtOne !== undefined) {
    const at = maxSE(
      [gapAtOne.gap, ...table.map((r) => r.gap!)],
      [gapAtOne.gapSe, ...table.map((r) => r.gapSe!)],
      gapMethod,
      seFactor,
    );
    gapPicksOne = at === 1;
  }
  const hop = withHopkins && G.rows >= 2 ? hopkins(G, { seed }) : undefined;
  const judged =
    gapPicksOne === undefined && hop === undefined
      ? undefined
      : assessStructure(gapPicksOne, gapAtOne ?? table[0], table, hop, gapMethod, G.rows < n);
  const structure = judged?.assessment;
  const range: [number, number] = [ks[0]!, ks[ks.length - 1]!];
  const caveats = caveatsOf(recommended, range, n, rangeSource, judged);
  const json = (): ChooseKJSON => ({
    table,
    picks,
    recommended,
    reason,
    disagree,
    silhouetteRows,
    range,
    rangeSource,
    ...(structure ? { structure } : {}),
    caveats,
  });
  return {
    table,
    picks,
    recommended,
    reason,
    disagree,
    fits,
    silhouetteRows,
    range,
    rangeSource,
    ...(structure ? { structure } : {}),
    caveats,
    toJSON: json,
  };
}

/** Significance level of the Hopkins statistic's one-sided test. */
const HOPKINS_ALPHA = 0.05;

/** The judgement of k = 1 from the gap rule and the Hopkins statistic, with its sentence. */
function assessStructure(
  gapPicksOne: boolean | undefined,
  first: GapAtK | ChooseKRow | undefined,
  table: readonly ChooseKRow[],
  hop: HopkinsResult | undefined,
  method: GapMethod,
  sampled: boolean,
): { assessment: StructureAssessment; reasons: string } {
  const parts: string[] = [];
  const two = table.find((r) => r.k === 2);
  if (gapPicksOne !== undefined && first?.gap !== undefined) {
    const values =
      `Gap(1) = ${formatProse(first.gap)}` +
      (two?.gap !== undefined
        ? `, Gap(2) = ${formatProse(two.gap)} with s = ${formatProse(two.gapSe!)}`
        : '');
    const rule = method === 'Tibs2001SEmax' ? 'the 1-SE rule' : `the ${method} rule`;
    parts.push(
      gapPicksOne
        ? `the gap statistic picks k = 1 (${rule} applied from k = 1; ${values})`
        : `the gap statistic prefers clusters to k = 1 (${rule} applied from k = 1; ${values})`,
    );
  }
  const tendency = hop !== undefined && hop.pValue < HOPKINS_ALPHA;
  if (hop !== undefined) {
    const p = hop.pValue < 1e-4 ? 'p < 0.0001' : `p = ${formatProse(hop.pValue)}`;
    const h =
      `the Hopkins statistic H = ${formatProse(hop.statistic)} ` +
      `(${hop.sampleSize} sampled rows and as many uniform points, ${p})`;
    parts.push(
      tendency && gapPicksOne === true
        ? `${h} says the rows are not uniformly scattered, which one dense group also explains`
        : tendency
          ? `${h} shows a clustering tendency (0.5 = uniformly scattered, 1 = clustered)`
          : hop.statistic < 0.5
            ? `${h} is below the 0.5 of uniformly scattered data (regularly spaced rows)`
            : `${h} is within what uniformly scattered data gives (0.5 = uniform, 1 = clustered)`,
    );
  }
  const clear = gapPicksOne !== true && (hop === undefined || tendency);
  const reasons =
    parts.join('; ') + (sampled ? ' (on the seeded sample of the gap statistic)' : '');
  const text = `${clear ? 'k = 1 is ruled out' : 'no clear cluster structure'}: ${reasons}.`;
  const assessment: StructureAssessment = {
    clear,
    ...(first !== undefined && !('k' in first) ? { gapAtOne: first } : {}),
    ...(gapPicksOne !== undefined ? { gapPicksOne } : {}),
    ...(hop !== undefined ? { hopkins: hop } : {}),
    text,
  };
  return { assessment, reasons };
}

/** What to know about the recommendation: no structure, a pick at an end of the range. */
function caveatsOf(
  recommended: number,
  [lo, hi]: [number, number],
  n: number,
  rangeSource: 'default' | 'given',
  judged: { assessment: StructureAssessment; reasons: string } | undefined,
): ChooseKCaveat[] {
  const caveats: ChooseKCaveat[] = [];
  const structure = judged?.assessment;
  if (judged && !judged.assessment.clear) {
    caveats.push({
      kind: 'no-structure',
      text:
        `No clear cluster structure: ${judged.reasons}. ` +
        `k = ${recommended} is the best partition of ${lo}..${hi} by the criteria, not evidence of ` +
        'separate groups.',
    });
  }
  if (lo === hi) return caveats;
  if (recommended === hi && hi >= n - 1) {
    caveats.push({
      kind: 'n-limit',
      text:
        `Too many clusters for the rows: k = ${hi} is the largest k tried and the largest that ${n} rows allow (n - 1); ` +
        'so many clusters of so few rows are not a finding.',
    });
  } else if (recommended === hi) {
    const wider = Math.min(n - 1, 2 * hi);
    const supported = Math.floor(Math.sqrt(n / 2));
    caveats.push({
      kind: 'upper-edge',
      text:
        `At the edge of the range: k = ${hi} is the largest k tried, so the criteria may prefer ` +
        `more clusters: try a wider range, e.g. ${lo}..${wider}` +
        (supported >= 2 && hi >= supported
          ? `; but ${n} rows support about sqrt(n / 2) = ${supported} clusters of ` +
            `${Math.floor(n / supported)} rows${rangeSource === 'default' ? ' (where the default range stops)' : ''}, ` +
            'and more clusters than that rarely hold up.'
          : '.'),
    });
  } else if (recommended === lo && lo >= 3) {
    caveats.push({
      kind: 'lower-edge',
      text:
        `At the edge of the range: k = ${lo} is the smallest k tried, so the criteria may prefer ` +
        `fewer clusters: try 2..${hi}.`,
    });
  } else if (recommended === 2 && lo === 2 && structure === undefined) {
    caveats.push({
      kind: 'lower-edge',
      text:
        'At the edge of the range: k = 2 is the smallest k tried and k = 1 (no clusters) was not assessed: the gap ' +
        'statistic and the Hopkins statistic were both turned off.',
    });
  }
  return caveats;
}

function allRowsEqual(M: FeatureMatrix): boolean {
  const { rows: n, cols: d, data } = M;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < d; j++) if (data[i * d + j] !== data[j]) return false;
  }
  return true;
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
 * The box the reference sets are drawn in: the bounding box of the columns ('uniform'), or of
 * the centred data in its principal axes V (the eigenvectors of the scatter matrix; 'pca'),
 * with the column means. R's clusGap computes the same box from the SVD of the centred data
 * (its columns equal to V's up to order and sign).
 * @internal
 */
export function referenceBox(
  M: FeatureMatrix,
  reference: GapReference,
): { lo: Float64Array; hi: Float64Array; mean: Float64Array; V: Matrix | null } {
  const { rows: n, cols: d, data } = M;
  let Z = data;
  let V: Matrix | null = null;
  const mean = new Float64Array(d);
  if (reference === 'pca') {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    const cov = new Matrix(d, d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const xa = data[i * d + a]! - mean[a]!;
        for (let b = a; b < d; b++)
          cov.set(a, b, cov.get(a, b) + xa * (data[i * d + b]! - mean[b]!));
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov.set(a, b, cov.get(b, a));
    V = new EigenvalueDecomposition(cov, { assumeSymmetric: true }).eigenvectorMatrix;
    Z = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (data[i * d + j]! - mean[j]!) * V.get(j, c);
        Z[i * d + c] = s;
      }
    }
  }
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = Z[i * d + j]!;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
  return { lo, hi, mean, V };
}

/**
 * B reference data sets of X's shape, uniform over `referenceBox` (rotated back and shifted to
 * the mean for 'pca'), drawn row by row from `RandomState(seed)`.
 *
 * With at least as many columns as rows the data spans at most n - 1 principal axes, and the
 * 'pca' reference is drawn in those axes and left there (`referenceSetsWide`): every dispersion
 * of the gap statistic depends only on distances between rows, which the orthonormal rotation
 * back would not change, and the axes come from the n x n Gram matrix instead of the d x d
 * scatter matrix (a 1,000-column table no longer waits on a 1,000 x 1,000 eigendecomposition).
 */
function referenceSets(
  M: FeatureMatrix,
  B: number,
  reference: GapReference,
  seed: number,
): FeatureMatrix[] {
  const { rows: n, cols: d } = M;
  if (reference === 'pca' && d >= n) return referenceSetsWide(M, B, seed);
  const rng = new RandomState(seed);
  const { lo, hi, mean, V } = referenceBox(M, reference);
  const out: FeatureMatrix[] = [];
  for (let b = 0; b < B; b++) {
    const R = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) R[i * d + j] = rng.uniform(lo[j]!, hi[j]!);
    }
    if (V) {
      const row = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) {
          let s = mean[j]!;
          for (let c = 0; c < d; c++) s += R[i * d + c]! * V.get(j, c);
          row[j] = s;
        }
        R.set(row, i * d);
      }
    }
    out.push({ rows: n, cols: d, data: R });
  }
  return out;
}

/**
 * The 'pca' reference sets of a matrix with at least as many columns as rows, in its principal axes: the
 * centred rows' Gram matrix G = Xc Xc^T = U L U^T gives the scores U sqrt(L) of the axes with
 * L > n eps L_1 (the others hold no variance); each reference row is uniform over the box of
 * those scores.
 */
function referenceSetsWide(M: FeatureMatrix, B: number, seed: number): FeatureMatrix[] {
  const { rows: n, cols: d, data } = M;
  const rng = new RandomState(seed);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const xc = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) xc[i * d + j] = data[i * d + j]! - mean[j]!;
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += xc[a * d + j]! * xc[b * d + j]!;
      gram[a * n + b] = s;
      gram[b * n + a] = s;
    }
  }
  const { values, vectors } = symmetricEigen(gram, n);
  let r = 0;
  while (r < n && values[r]! > n * Number.EPSILON * values[0]!) r++;
  r = Math.max(r, 1);
  const lo = new Float64Array(r).fill(Infinity);
  const hi = new Float64Array(r).fill(-Infinity);
  for (let c = 0; c < r; c++) {
    const root = Math.sqrt(Math.max(values[c]!, 0));
    for (let i = 0; i < n; i++) {
      const v = vectors[c * n + i]! * root;
      if (v < lo[c]!) lo[c] = v;
      if (v > hi[c]!) hi[c] = v;
    }
  }
  const out: FeatureMatrix[] = [];
  for (let b = 0; b < B; b++) {
    const R = new Float64Array(n * r);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < r; c++) R[i * r + c] = rng.uniform(lo[c]!, hi[c]!);
    }
    out.push({ rows: n, cols: r, data: R });
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
  return ks[maxSE(gap, se, 'Tibs2001SEmax') - 1]!;
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
