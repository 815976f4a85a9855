/**
 * `buildReport(dataset, options)`: the analysis behind a report, and its charts.
 *
 *   prepare   scale the features (standard by default); z-scores of the original features for
 *             the profiles
 *   chooseK   the criteria over k = 2..kMax (inertia, silhouette, Calinski-Harabasz,
 *             Davies-Bouldin, gap) and the recommended k, unless k is given
 *   fit       k-means with k; hierarchical clustering (on a seeded sample above
 *             `hclustMaxRows` rows) cut into k clusters and renamed after the k-means clusters
 *             they overlap most (Hungarian matching), so the same group keeps its colour
 *   project   PCA of the scaled features (all components, for the scree)
 *   evaluate  silhouettes (on a seeded sample above `silhouetteMaxRows`), agreement (ARI)
 *             between the two clusterings and with the held-out label, ANOVA F per feature
 *   chart     the Vega-Lite specs (src/charts) and the report document (sections of text,
 *             tables and charts)
 *
 * Fits made by the caller: the `kmeans`, `hclust` and `pca` options take a k-means result, a
 * tree or a PCA fit of the same rows and features (checked against the data), and the report
 * uses them instead of fitting; a given k-means fit sets k. They must be fitted on the features
 * as the `scale` option scales them (`scale(dataset, method).scaled`, or `.dataset`), which is
 * what the report describes them as.
 *
 * `writeReport(path, report)` turns the result into files (each written atomically):
 *   NAME.html, NAME.vl/<chart>.vl.json, NAME.json, NAME.labels.csv (the labels file of
 *   src/report/labels-csv.ts). `path` must end in .html. Everything here is deterministic: the
 *   same dataset and options give the same report.
 */
import type { TopLevelSpec } from 'vega-lite';
import { agreementSpec, type AgreementTable } from '../charts/agreement.js';
import { biplotSpec } from '../charts/biplot.js';
import { chooseKSpec, type KScores } from '../charts/choose-k.js';
import { dendrogramSpec, ORIENTATIONS, type Orientation } from '../charts/dendrogram.js';
import { exploreSpec } from '../charts/explore.js';
import { crossTable, matchClusters, relabel } from '../metrics/matching.js';
import { clusterId, clusterIds } from '../charts/palette.js';
import { contributionSpec, featureContributions } from '../charts/contrib.js';
import { MAX_PROFILE_FEATURES, orderByF, profilesSpec } from '../charts/profiles.js';
import { anovaF } from '../metrics/anova.js';
import { binDensity, MAX_TOOLTIP_FEATURES } from '../charts/projection.js';
import { type SampleTable, sampleTable } from '../charts/samples.js';
import { screeSpec } from '../charts/scree.js';
import { silhouetteSpec } from '../charts/silhouette.js';
import { type ChooseKResult, chooseK, defaultKRange } from '../cluster/choose-k.js';
import { dendrogram } from '../cluster/hclust/dendrogram.js';
import { kmeans, type KMeansResult } from '../cluster/kmeans/index.js';
import {
  hclust,
  LINKAGE_NAMES,
  type LinkageAlias,
  type LinkageMethod,
  linkageBytes,
  planLinkage,
  resolveLinkageMethod,
} from '../cluster/hclust/index.js';
import type { HClustResult } from '../cluster/hclust/tree.js';
import { twoStage } from '../cluster/hclust/two-stage.js';
import {
  type Dataset,
  type FeatureMatrix,
  featureMatrix,
  type MatrixLike,
  toDataset,
} from '../data/dataset.js';
import {
  describeVarianceSpread,
  SCALE_METHODS,
  type ScaleMethod,
  scale,
  VARIANCE_RATIO_WARNING,
  type VarianceSpread,
  varianceSpread,
} from '../data/scale.js';
import { pca, type PCAResult } from '../decomposition/pca/index.js';
import { adjustedRandIndex } from '../metrics/rand.js';
import { silhouetteSamples } from '../metrics/silhouette.js';
import { OptionError } from '../util/errors.js';
import { warn } from '../util/log.js';
import { formatProse } from '../util/format.js';
import { magnitudeUnit } from '../util/magnitude.js';
import {
  checkMemory,
  estimate,
  formatBytes,
  type MemoryBudget,
  memoryBudget,
  RAISE_BUDGET,
} from '../util/memory.js';
import { type MessageLike, message, option } from '../util/message.js';
import { sampleRows } from '../util/sample.js';
import { checkBoolean, checkInteger, checkKeyword, checkKnownOptions } from '../util/validate.js';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ReportChart, type ReportDocument, type ReportSection, renderHtml } from './html.js';
import { labelsCsv } from './labels-csv.js';
import {
  checkOutputs,
  type Output,
  type OutputRules,
  OutputSet,
  type OutputStreams,
  removeStaleTemporariesIn,
  resolveOutput,
  runId,
  runIdOf,
  writeOutput,
} from './outputs.js';
import { checkOutputFolder } from './write.js';
import { buildManifest, type Manifest } from './manifest.js';

/** The default of `maxFeatures`: the widest data a report analyses whole. */
export const MAX_REPORT_FEATURES = 2000;

/** Options of `buildReport`. */
export interface ReportOptions {
  /** Scaling of the features before every fit. Default: 'standard'. */
  scale?: ScaleMethod;
  /**
   * Number of clusters; 'auto' to let the criteria choose among the default range
   * (`defaultKRange`: 2 .. min(10, max(3, floor(sqrt(n / 2))))) or 2..kMax; or a range
   * [min, max] (1 <= min < max) to choose from. Default: 'auto' (with the `kmeans` option: the
   * fit's k).
   */
  k?: number | 'auto' | readonly [number, number];
  /** Largest k the criteria try with k 'auto'. Default: the default range's (see `k`). */
  kMax?: number;
  /** Linkage method of the hierarchical clustering (a name or alias of `hclust`). Default: 'ward'. */
  method?: LinkageMethod | LinkageAlias;
  /** Seed of every random choice (k-means restarts, samples). Default: 0. */
  seed?: number;
  /** k-means restarts of every k-means fit, the criteria of k included. Default: 10. */
  nInit?: number;
  /**
   * A k-means fit of the scaled features made by the caller (one label per row, centroids with
   * one value per feature); the report uses it instead of fitting, and its k is the report's.
   * Default: undefined (the report fits k-means).
   */
  kmeans?: KMeansResult;
  /**
   * A tree of the rows of the scaled features made by the caller (`hclust`, `hclustFromLinkage`; one
   * leaf per row); the report cuts it instead of building one. Not with `twoStage`.
   * Default: undefined (the report builds the tree).
   */
  hclust?: HClustResult;
  /**
   * A PCA fit of the scaled features made by the caller (scores of every row, one loading per
   * feature); the report draws its components instead of fitting all of them.
   * Default: undefined (the report fits PCA).
   */
  pca?: PCAResult;
  /** Where the dendrogram's root is: 'top', 'bottom', 'left', 'right'. Default: 'top'. */
  orientation?: Orientation;
  /** Above this many leaves, the dendrogram shows the last `lastp` merges. Default: 60. */
  truncateAbove?: number;
  /** Leaves of a truncated dendrogram (scipy's truncate_mode='lastp'). Default: 30. */
  lastp?: number;
  /**
   * Above this many rows, the criteria of k run on a seeded sample of them; and when k is given,
   * they are not computed at all. Default: 5000.
   */
  chooseKMaxRows?: number;
  /** Above this many rows, hierarchical clustering runs on a seeded sample of them. Default: 5000. */
  hclustMaxRows?: number;
  /**
   * Hierarchical clustering in two stages on all rows instead of on a sample: k-means into this
   * many centres, then the tree of the centres weighted by their sizes (`twoStage`); the
   * dendrogram's leaves are centres marked '(n)' with their row counts. `false`: off.
   * Default: false.
   */
  twoStage?: number | false;
  /** Above this many rows, silhouettes are computed on a seeded sample. Default: 5000. */
  silhouetteMaxRows?: number;
  /** Above this many rows, charts draw with the canvas renderer. Default: 5000. */
  canvasAbove?: number;
  /** Above this many rows, the projection is a binned density plus a seeded sample. Default: 20000. */
  densityAbove?: number;
  /** Size of that sample (points with tooltips). Default: 2500. */
  densitySample?: number;
  /** Report title. Default: 'clusterlens report: <file name>'. */
  title?: string;
  /**
   * Above this many feature columns, the report analyses the `maxFeatures` columns of highest
   * variance (in the data's units, before scaling; ties by column order) and says so in its
   * preprocessing log; the others are listed in the JSON results. Every step of a report grows
   * with the width (the profiles, the sample table of the charts, PCA), and 100,000 columns
   * would not fit in memory. Default: 2000.
   */
  maxFeatures?: number;
}

/** The options that hold fits made by the caller. */
type GivenFits = Pick<ReportOptions, 'kmeans' | 'hclust' | 'pca'>;

const defaults: Required<Omit<ReportOptions, 'title' | 'kMax' | keyof GivenFits>> & {
  title: string | undefined;
  kMax: number | undefined;
  kmeans: KMeansResult | undefined;
  hclust: HClustResult | undefined;
  pca: PCAResult | undefined;
} = {
  scale: 'standard',
  k: 'auto',
  kMax: undefined,
  method: 'ward',
  seed: 0,
  nInit: 10,
  kmeans: undefined,
  hclust: undefined,
  pca: undefined,
  orientation: 'top',
  truncateAbove: 60,
  lastp: 30,
  chooseKMaxRows: 5000,
  hclustMaxRows: 5000,
  twoStage: false as number | false,
  silhouetteMaxRows: 5000,
  canvasAbove: 5000,
  densityAbove: 20000,
  densitySample: 2500,
  maxFeatures: MAX_REPORT_FEATURES,
  title: undefined,
};

/** The resolved options. */
export type ResolvedReportOptions = typeof defaults;

/** Everything the analysis computed; `toJSON` of the report writes it. */
export interface ReportAnalysis {
  n: number;
  features: string[];
  k: number;
  /** Where k came from: the criteria, the `k` option, or the given k-means fit. */
  kSource: 'recommended' | 'given' | 'fit';
  /** The fits the caller gave (the `kmeans`, `hclust` and `pca` options), used as they are. */
  given: ('kmeans' | 'hclust' | 'pca')[];
  kChoice: ChooseKResult | undefined;
  /** Rows the criteria of k were computed on (all rows unless sampled). */
  kChoiceRows: number;
  scaling: ReturnType<ReturnType<typeof scale>['toJSON']>;
  kmeans: KMeansResult;
  /** Hierarchical clustering (of `hclustRows` when sampled). */
  hclust: HClustResult;
  /** Rows the hierarchical clustering saw (all rows unless sampled). */
  hclustRows: Int32Array;
  /** With the `twoStage` option: the centre of every row and the rows per centre. */
  twoStage:
    | { assignment: Int32Array; sizes: Int32Array; stage1: 'kmeans' | 'minibatch' | 'distinct' }
    | undefined;
  /** Hierarchical labels per row, matched to the k-means ids; -1 for rows not clustered. */
  hclustLabels: Int32Array;
  pca: PCAResult;
  /** Silhouette per row (NaN for rows outside the silhouette sample). */
  silhouette: Float64Array;
  silhouetteMean: number;
  silhouetteRows: number;
  anovaF: Float64Array;
  /** With scale 'none': the variances of the features when they differ by 100 times or more. */
  varianceSpread: VarianceSpread | undefined;
  ariHclust: number;
  ariLabel: number | undefined;
  /**
   * When the data had more than `maxFeatures` feature columns: how many, and the columns left
   * out (those of lowest variance).
   */
  widthReduction: { columns: number; leftOut: string[] } | undefined;
}

/** What `buildReport` returns. */
export interface Report {
  options: ResolvedReportOptions;
  analysis: ReportAnalysis;
  manifest: Manifest;
  /** The charts, in the order of the document. */
  charts: ReportChart[];
  /** The HTML document model. */
  document: ReportDocument;
  /** Row ids, as the report shows them. */
  ids: string[];
  /** The held-out label of every row, when the dataset has a label column. */
  labels: string[] | undefined;
  /** Path of the data file ('<memory>' for parsed text): `writeReport` never writes over it. */
  source: string;
  /** Plain JSON results (labels, linkage, leaf order, PCA model, metrics, k table). */
  toJSON(): Record<string, unknown>;
}

/** Resolve and check the options once. */
export function resolveReportOptions(options: ReportOptions = {}): ResolvedReportOptions {
  const fn = 'buildReport';
  checkKnownOptions(fn, options, Object.keys(defaults));
  const o = { ...defaults, ...options };
  checkKeyword(fn, 'scale', o.scale, SCALE_METHODS);
  if (Array.isArray(o.k)) {
    const [lo, hi] = o.k as readonly number[];
    if (o.k.length !== 2) {
      throw new OptionError(
        `The 'k' option of buildReport must be an integer, 'auto' or a range [min, max]. Got ${JSON.stringify(o.k)} instead.`,
      );
    }
    checkInteger(fn, 'k', lo, 1);
    checkInteger(fn, 'k', hi, lo! + 1);
  } else if (o.k !== 'auto') checkInteger(fn, 'k', o.k, 1);
  if (o.kMax !== undefined) checkInteger(fn, 'kMax', o.kMax, 2);
  checkKeyword(fn, 'method', o.method, LINKAGE_NAMES);
  checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  checkInteger(fn, 'nInit', o.nInit, 1);
  checkKeyword(fn, 'orientation', o.orientation, ORIENTATIONS);
  checkInteger(fn, 'truncateAbove', o.truncateAbove, 2);
  checkInteger(fn, 'lastp', o.lastp, 2);
  checkInteger(fn, 'chooseKMaxRows', o.chooseKMaxRows, 3);
  checkInteger(fn, 'hclustMaxRows', o.hclustMaxRows, 2);
  if (o.twoStage !== false) checkInteger(fn, 'twoStage', o.twoStage, 2);
  checkInteger(fn, 'silhouetteMaxRows', o.silhouetteMaxRows, 2);
  checkInteger(fn, 'canvasAbove', o.canvasAbove, 0);
  checkInteger(fn, 'densityAbove', o.densityAbove, 1);
  checkInteger(fn, 'densitySample', o.densitySample, 1);
  checkInteger(fn, 'maxFeatures', o.maxFeatures, 1);
  if (o.title !== undefined && typeof o.title !== 'string') {
    throw new OptionError(
      `The 'title' option of buildReport must be a string. Got ${typeof o.title} instead.`,
    );
  }
  const isFit = (value: unknown, key: string): boolean =>
    typeof value === 'object' && value !== null && key in value;
  for (const [option, key, what] of [
    ['kmeans', 'centroids', 'a k-means result (kmeans())'],
    ['hclust', 'linkage', 'a tree (hclust(), hclustFromLinkage())'],
    ['pca', 'scores', 'a PCA fit (pca())'],
  ] as const) {
    const value = o[option];
    if (value !== undefined && !isFit(value, key)) {
      throw new OptionError(
        `The '${option}' option of buildReport must be ${what}. Got ${value === null ? 'null' : typeof value} instead.`,
      );
    }
  }
  if (o.hclust !== undefined && o.twoStage !== false) {
    throw new OptionError(
      "buildReport takes either a tree (the 'hclust' option) or builds one in two stages (the " +
        "'twoStage' option), not both.",
    );
  }
  if (o.kmeans !== undefined && o.k !== 'auto' && o.k !== o.kmeans.k) {
    const given = Array.isArray(o.k) ? `${o.k[0]}..${o.k[1]}` : String(o.k);
    throw new OptionError(
      `The 'k' option of buildReport (${given}) differs from the k of the given k-means fit ` +
        `(${o.kmeans.k}); leave 'k' out or give a fit with k = ${given}.`,
    );
  }
  if (o.hclust !== undefined && options.method !== undefined) {
    const given = o.hclust.method;
    if (given !== 'linkage' && given !== resolveLinkageMethod(options.method, 'buildReport')) {
      throw new OptionError(
        `The 'method' option of buildReport ('${options.method}') differs from the method of ` +
          `the given tree ('${given}'); leave 'method' out or give a tree of that method.`,
      );
    }
  }
  return o;
}

/**
 * Check that the fits given in the options are of this data: as many rows, as many features
 * (and the same feature names, when a PCA fit knows them). Throws an `OptionError` naming the
 * option and both shapes.
 */
function checkGivenFits(o: ResolvedReportOptions, dataset: Dataset): void {
  const { rows: n, cols: d } = dataset.features;
  const fail = (option: string, what: string): never => {
    throw new OptionError(
      `The '${option}' option of buildReport is a fit of other data: ${what}, but the data has ` +
        `${n} rows and ${d} features. Fit it on the scaled features of this dataset.`,
    );
  };
  const km = o.kmeans;
  if (km !== undefined) {
    if (km.labels.length !== n) fail('kmeans', `it has ${km.labels.length} labels`);
    if (km.centroids.length !== km.k)
      fail('kmeans', `it has ${km.centroids.length} centroids for k = ${km.k}`);
    for (const c of km.centroids) {
      if (c.length !== d) fail('kmeans', `its centroids have ${c.length} values`);
    }
    for (let i = 0; i < n; i++) {
      const l = km.labels[i]!;
      if (!(l >= 0 && l < km.k)) fail('kmeans', `row ${i} has label ${l}, outside 0..${km.k - 1}`);
    }
    if (km.k > n) fail('kmeans', `it has k = ${km.k}`);
  }
  const hc = o.hclust;
  if (hc !== undefined) {
    if (hc.n !== n) fail('hclust', `its tree has ${hc.n} leaves`);
    const root = hc.Z[4 * (hc.n - 2) + 3];
    if (n >= 2 && root !== n) {
      fail('hclust', `its tree holds ${root} points in ${hc.n} leaves (a weighted tree)`);
    }
  }
  const p = o.pca;
  if (p !== undefined) {
    if (p.nFeatures !== d) fail('pca', `it has ${p.nFeatures} features`);
    if (p.scores.rows !== n) fail('pca', `it has scores of ${p.scores.rows} rows`);
    if (p.components.length === 0) fail('pca', 'it has no components');
    if (p.columns?.some((c, j) => c !== dataset.columns[j])) {
      fail('pca', `its features are ${p.columns!.join(', ')}`);
    }
  }
}

/** Rows of `m` listed in `rows`, as a new matrix. */
function takeRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const out = featureMatrix(rows.length, m.cols);
  for (let t = 0; t < rows.length; t++) {
    out.data.set(m.data.subarray(rows[t]! * m.cols, (rows[t]! + 1) * m.cols), t * m.cols);
  }
  return out;
}

/**
 * The power of two each column is divided by before squaring (1 unless its values are beyond
 * 2^±500; src/util/magnitude.ts), so that sums of squares of values near 1e300 or 1e-300 stay
 * finite and exact.
 */
function columnUnits(m: FeatureMatrix): Float64Array {
  const { rows, cols, data } = m;
  const units = new Float64Array(cols);
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j]!;
    units[j] = magnitudeUnit(column);
  }
  return units;
}

/** z-scores (population standard deviation; constant columns give 0). */
function standardize(m: FeatureMatrix): FeatureMatrix {
  const { rows, cols, data } = m;
  const out = featureMatrix(rows, cols);
  const units = columnUnits(m);
  for (let j = 0; j < cols; j++) {
    const u = units[j]!;
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j]! / u;
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      const d = data[i * cols + j]! / u - mean;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / rows);
    for (let i = 0; i < rows; i++) {
      out.data[i * cols + j] = sd > 0 ? (data[i * cols + j]! / u - mean) / sd : 0;
    }
  }
  return out;
}

/** Counts of each held-out label among the rows of each two-stage centre. */
function centreLabelCounts(
  two: NonNullable<ReportAnalysis['twoStage']>,
  codes: Int32Array,
  labels: number,
): Int32Array[] {
  const out = Array.from(two.sizes, () => new Int32Array(labels));
  for (let i = 0; i < codes.length; i++) out[two.assignment[i]!]![codes[i]!]!++;
  return out;
}

/**
 * The most common held-out label of each dendrogram leaf (a sample, or a truncated subtree
 * given by its node id in Z), with its share; ties go to the first label in name order.
 */
function stripLeaves(
  hc: HClustResult,
  leaves: readonly number[],
  rows: Int32Array | Int32Array[],
  codes: Int32Array,
  names: readonly string[],
): { label: string; share: number; size: number }[] {
  const n = hc.n;
  const Z = hc.Z;
  const counts = new Int32Array(names.length);
  const stack: number[] = [];
  return leaves.map((leaf) => {
    counts.fill(0);
    let size = 0;
    stack.push(leaf);
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (Array.isArray(rows)) {
        // a centre of a two-stage tree: the label counts of its rows
        if (v < n) {
          const c = rows[v]!;
          for (let l = 0; l < c.length; l++) {
            counts[l]! += c[l]!;
            size += c[l]!;
          }
        } else {
          stack.push(Z[4 * (v - n)]!, Z[4 * (v - n) + 1]!);
        }
        continue;
      }
      if (v < n) {
        counts[codes[rows[v]!]!]!++;
        size++;
      } else {
        stack.push(Z[4 * (v - n)]!, Z[4 * (v - n) + 1]!);
      }
    }
    let best = 0;
    for (let c = 1; c < names.length; c++) if (counts[c]! > counts[best]!) best = c;
    return { label: names[best]!, share: counts[best]! / size, size };
  });
}

/**
 * Kaufman and Rousseeuw's reading of the mean silhouette ("Finding Groups in Data", Wiley 1990,
 * p. 88): > 0.70 strong, > 0.50 reasonable, > 0.25 weak and possibly artificial, else none.
 */
export function silhouetteStructure(mean: number): string {
  if (Number.isNaN(mean)) return 'not computed';
  if (mean > 0.7) return 'a strong structure';
  if (mean > 0.5) return 'a reasonable structure';
  if (mean > 0.25) return 'a weak structure that could be artificial';
  return 'no substantial structure';
}

/** The findings an analyst reads first, one per row, each pointing to its section. */
function summaryTable(
  dataset: Dataset,
  a: ReportAnalysis,
): { kind: 'table'; head: string[]; rows: string[][] } {
  // infinite F (constant within every cluster) first: the clearest separation there is
  const order = Array.from(a.anovaF.keys())
    .filter((j) => !Number.isNaN(a.anovaF[j]!))
    .sort((x, y) => {
      const fx = a.anovaF[x]!;
      const fy = a.anovaF[y]!;
      return fx === fy ? x - y : fy > fx ? 1 : -1;
    });
  const kc = a.kChoice;
  const chosen = a.kSource === 'recommended';
  // a k given by number: only the doubt about any structure concerns it
  const caveats = (kc?.caveats ?? []).filter((c) => chosen || c.kind === 'no-structure');
  const rows: string[][] = [
    [
      'number of clusters',
      (chosen
        ? `k = ${a.k}, recommended among ${kc!.range[0]}..${kc!.range[1]}: ${kc!.reason}`
        : `k = ${a.k}, ${a.kSource === 'fit' ? 'from the given k-means fit' : 'given'}` +
          (kc ? `; the criteria recommend k = ${kc.recommended}` : '')) +
        caveats.map((c) => ` ${c.text}`).join(''),
    ],
    [
      'separation',
      `mean silhouette ${formatProse(a.silhouetteMean)}: ${silhouetteStructure(a.silhouetteMean)} ` +
        '(Kaufman and Rousseeuw)' +
        (a.silhouetteRows < a.n ? `, on a seeded sample of ${a.silhouetteRows} rows` : ''),
    ],
    [
      'k-means vs hierarchical',
      `adjusted Rand index ${formatProse(a.ariHclust)} (${linkageName(a)}` +
        (a.hclustRows.length < a.n ? `, on a seeded sample of ${a.hclustRows.length} rows` : '') +
        (a.twoStage
          ? `, in two stages: the tree of ${a.twoStage.sizes.length} ` +
            (a.twoStage.stage1 === 'distinct'
              ? 'distinct rows'
              : a.twoStage.stage1 === 'kmeans'
                ? 'k-means centres'
                : 'mini-batch k-means centres') +
            ' weighted by their sizes'
          : '') +
        '); 1 = the two methods find the same groups',
    ],
  ];
  if (a.varianceSpread !== undefined) {
    const text = describeVarianceSpread(a.varianceSpread);
    rows.splice(1, 0, [
      'scaling',
      `${text[0]!.toUpperCase()}${text.slice(1)}; scale 'standard' weighs the features equally.`,
    ]);
  }
  if (a.ariLabel !== undefined) {
    rows.push([
      `k-means vs ${dataset.labelColumn ?? 'label'}`,
      `adjusted Rand index ${formatProse(a.ariLabel)} (the label was held out of every fit)`,
    ]);
  }
  if (order.length > 0 && a.k >= 2) {
    rows.push([
      'features that separate the clusters most',
      order
        .slice(0, 3)
        .map((j) =>
          a.anovaF[j] === Infinity
            ? `${a.features[j]} (F = ∞, constant within every cluster)`
            : `${a.features[j]} (F = ${formatProse(a.anovaF[j]!)})`,
        )
        .join(', '),
    ]);
  }
  return { kind: 'table', head: ['finding', 'value'], rows };
}

/** 'ward linkage', or 'a given linkage matrix' for a tree made by `hclustFromLinkage`. */
function linkageName(a: ReportAnalysis): string {
  return a.hclust.method === 'linkage' ? 'a given linkage matrix' : `${a.hclust.method} linkage`;
}

/** Per-cluster column means of `m`. */
function clusterMeans(m: FeatureMatrix, labels: Int32Array, k: number): number[][] {
  const sums: number[][] = [];
  for (let c = 0; c < k; c++) sums.push(new Array<number>(m.cols).fill(0));
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < m.rows; i++) {
    const c = labels[i]!;
    counts[c]!++;
    const row = sums[c]!;
    for (let j = 0; j < m.cols; j++) row[j]! += m.data[i * m.cols + j]!;
  }
  return sums.map((row, c) => row.map((s) => (counts[c]! > 0 ? s / counts[c]! : 0)));
}

/** Features named in the Data section's overview, and above which its feature table is folded. */
const FEATURES_LISTED = 20;

/** Components listed in the table of the PCA section (all of them are in NAME.json). */
const PCA_TABLE_ROWS = 10;

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const fmt4 = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));

/** Mean, sample standard deviation, min and max of every column. */
function featureSummary(
  m: FeatureMatrix,
): { mean: number; sd: number; min: number; max: number }[] {
  const out = [];
  const units = columnUnits(m);
  for (let j = 0; j < m.cols; j++) {
    const u = units[j]!;
    let mean = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[i * m.cols + j]!;
      mean += v / u;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    mean /= m.rows;
    let ss = 0;
    for (let i = 0; i < m.rows; i++) {
      const dv = m.data[i * m.cols + j]! / u - mean;
      ss += dv * dv;
    }
    const sd = m.rows > 1 ? Math.sqrt(ss / (m.rows - 1)) : 0;
    out.push({ mean: mean * u, sd: sd * u, min, max });
  }
  return out;
}

/**
 * Bytes per row a report holds besides its copies of the data: labels, silhouettes, the
 * projection, row ids and the rows of its JSON and CSV outputs. Measured: about 130 bytes at 4
 * features (peak resident memory of `clusterlens report` on 60,000 to 200,000 rows, whose charts
 * draw a sample, less the copies of the data).
 */
const REPORT_BYTES_PER_ROW = 256;
/**
 * Bytes per charted row and column (features, plus 4 for cluster, label, projection): the
 * objects of the charts' table and their JSON in the HTML. Measured: about 45 at 20,000 rows
 * of 16 features, once the other terms are counted.
 */
const CHART_BYTES_PER_CELL = 64;
/**
 * The criteria of k on their rows: fixed costs (WebAssembly memories of the k-means and
 * silhouette scans, the fits kept for reuse) and bytes per row and per row and feature.
 * Measured peaks: 22.4 MiB at 2000 x 4, 31.6 MiB at 5000 x 4, 33.3 MiB at 5000 x 16.
 */
const CHOOSE_K_FIXED = 32 * 2 ** 20;
const CHOOSE_K_BYTES_PER_ROW = 2048;
const CHOOSE_K_BYTES_PER_CELL = 64;

/** What `planReport` counts: the memory a report holds, and its steps. */
export interface ReportPlan {
  /**
   * Held to the end: copies of the data (scaled, z-scores, PCA scores, k-means' own), the PCA
   * model, per-row results, the charts' table.
   */
  held: number;
  /** The criteria of k on their rows (0 when they are not computed). */
  chooseK: number;
  /** The hierarchical clustering of its rows (or sample, or centres), every allocation counted. */
  hclust: number;
  /** The sum: an upper bound of what the report allocates beyond the dataset. */
  bytes: number;
}

/**
 * The memory plan of a report on n rows x d features, checked before any work (the README's
 * Limits paragraph has the measured peaks). It counts what the analysis holds to the end (4
 * copies of the n x d data: scaled, z-scores, PCA scores and the copy k-means scans; the PCA
 * model, 3 d x d; `REPORT_BYTES_PER_ROW` per row; the charts' table), the criteria of k on their
 * sample, and the hierarchical clustering of its sample (or of the two-stage centres), planned
 * by `planLinkage` in the budget left (`linkageBytes`: matrix, copies, work arrays, result).
 * The silhouettes check their own sample again when they run. Throws an `OptionError` saying
 * what it would need and what to do when the sum does not fit in `budget`.
 */
export function planReport(
  n: number,
  d: number,
  options: ReportOptions = {},
  budget: MemoryBudget = memoryBudget(),
): ReportPlan {
  const o = resolveReportOptions(options);
  const charted = n > o.densityAbove ? Math.min(n, o.densitySample) : n;
  const held =
    4 * 8 * n * d +
    3 * 8 * d * d +
    REPORT_BYTES_PER_ROW * n +
    CHART_BYTES_PER_CELL * charted * (d + 4);
  const kRows = Math.min(n, o.chooseKMaxRows);
  const choose = o.k === 'auto' || Array.isArray(o.k) || kRows === n;
  const chooseK = choose
    ? CHOOSE_K_FIXED + kRows * (CHOOSE_K_BYTES_PER_ROW + CHOOSE_K_BYTES_PER_CELL * d)
    : 0;
  const rows = o.twoStage !== false ? Math.min(n, o.twoStage) : Math.min(n, o.hclustMaxRows);
  const method = resolveLinkageMethod(o.method);
  let tree = 0; // the caller's tree (the hclust option): nothing to build
  if (o.hclust === undefined) {
    try {
      const left = Math.max(0, budget.bytes - held - chooseK);
      tree = planLinkage(rows, d, method, 'auto', left, null).bytes;
    } catch {
      // no layout fits what is left: the smallest one, for the message
      tree = Math.min(
        linkageBytes(rows, d, 'condensed').total,
        linkageBytes(rows, d, 'square').total,
        ...(['single', 'ward', 'centroid', 'median'].includes(method)
          ? [linkageBytes(rows, d, 'features').total]
          : []),
      );
    }
  }
  const plan = { held, chooseK, hclust: tree, bytes: held + chooseK + tree };
  checkMemory({
    what:
      `A report on ${n} rows x ${d} features (its copies of the data, per-row results and ` +
      `charts, ${formatBytes(held)};` +
      (choose ? ` the criteria of k on ${kRows} rows, ${formatBytes(chooseK)};` : '') +
      ` the hierarchical clustering of ${rows} ` +
      `${o.twoStage !== false ? 'centres' : 'rows'}, ${formatBytes(tree)})`,
    bytes: plan.bytes,
    budget,
    options: [
      message`cluster a smaller seeded sample of the rows (${option('hclustMaxRows', 'N', { placeholder: true })})`,
      message`use method 'ward', which clusters from the stored data in O(n*d) memory (${option('method', 'ward')})`,
      message`select fewer feature columns (${option('features')}, ${option('exclude')})`,
      RAISE_BUDGET,
    ],
  });
  return plan;
}

/** The reports `buildReport` made (what `writeReport` accepts). */
const builtReports = new WeakSet<object>();

/**
 * Keep the `max` columns of highest variance (ties by column order), in their order: the
 * standard deviation of each column is computed on the column divided by its power-of-two
 * magnitude unit and scaled back, so that columns near 1e300 compare without overflow. A NaN
 * (rejected later by the scaling, with its row and column) counts as the highest.
 */
function reduceWidth(
  dataset: Dataset,
  max: number,
): { dataset: Dataset; reduction: ReportAnalysis['widthReduction'] } {
  const X = dataset.features;
  const { rows: n, cols: d, data } = X;
  if (d <= max) return { dataset, reduction: undefined };
  const units = columnUnits(X);
  const sd = new Float64Array(d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j]! += data[o + j]! / units[j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const e = data[o + j]! / units[j]! - mean[j]!;
      sd[j]! += e * e;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(sd[j]! / n) * units[j]!;
    sd[j] = Number.isNaN(s) ? Number.POSITIVE_INFINITY : s;
  }
  const order = new Int32Array(d);
  for (let j = 0; j < d; j++) order[j] = j;
  order.sort((a, b) => sd[b]! - sd[a]! || a - b);
  const keep = new Uint8Array(d);
  for (let t = 0; t < max; t++) keep[order[t]!] = 1;
  const kept: number[] = [];
  const leftOut: string[] = [];
  for (let j = 0; j < d; j++) {
    if (keep[j] === 1) kept.push(j);
    else leftOut.push(dataset.columns[j]!);
  }
  const features = featureMatrix(n, max);
  const out = features.data;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const p = i * max;
    for (let t = 0; t < max; t++) out[p + t] = data[o + kept[t]!]!;
  }
  return {
    dataset: { ...dataset, features, columns: kept.map((j) => dataset.columns[j]!) },
    reduction: { columns: d, leftOut },
  };
}

/**
 * Run the analysis on `dataset` and build the report's charts and document. `dataset` is what
 * the loaders return; a matrix (`FeatureMatrix`, `number[][]`, ml-matrix) is taken as a
 * dataset with columns 'x1'..'xd' (`toDataset`).
 *
 * @example
 * import { buildReport, loadDataset } from 'clusterlens';
 *
 * const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
 * const report = buildReport(iris, { k: 3 });
 * report.analysis.k; // => 3
 * report.charts.map((chart) => chart.name).includes('projection'); // => true
 */
export function buildReport(data: Dataset | MatrixLike, options: ReportOptions = {}): Report {
  const o = resolveReportOptions(options);
  const reduced = reduceWidth(toDataset(data, 'buildReport'), o.maxFeatures);
  const dataset = reduced.dataset;
  const X = dataset.features;
  const n = X.rows;
  const d = X.cols;
  if (n < 3) throw new OptionError(`A report needs at least 3 rows; the data has n=${n}.`);
  if (d < 1) throw new OptionError('A report needs at least one feature column.');
  checkGivenFits(o, dataset);
  // before any work: the copies, the per-row results and the largest step fit in the budget
  planReport(n, d, options);
  const ids = dataset.ids ?? Array.from({ length: n }, (_, i) => String(i + 1));
  // k is chosen by the criteria unless it is given, as a number or by a k-means fit
  const choose = o.kmeans === undefined && (o.k === 'auto' || Array.isArray(o.k));
  const kSource: ReportAnalysis['kSource'] =
    o.kmeans !== undefined ? 'fit' : choose ? 'recommended' : 'given';

  // prepare
  const scaling = scale(dataset, { method: o.scale, columns: dataset.columns });
  // unscaled features of very unequal variances: one of them decides the distances
  let spread = o.scale === 'none' ? varianceSpread(X, dataset.columns) : undefined;
  if (spread !== undefined && !(spread.ratio >= VARIANCE_RATIO_WARNING)) spread = undefined;
  if (spread !== undefined) {
    warn(
      `buildReport: ${describeVarianceSpread(spread)}; scale 'standard' weighs the features equally.`,
    );
  }
  const Xs = scaling.scaled;
  const Z = standardize(X);

  // chooseK: over the given range, 2..kMax, or the default range for the rows it sees
  const kRows = sampleRows(n, o.chooseKMaxRows, o.seed);
  const range: readonly [number, number] | undefined = Array.isArray(o.k)
    ? (o.k as readonly [number, number])
    : o.kMax !== undefined
      ? [2, Math.min(o.kMax, kRows.length - 1)]
      : defaultKRange(kRows.length);
  if (Array.isArray(o.k) && range![1] > kRows.length) {
    throw new OptionError(
      `k = ${range![0]}..${range![1]} needs at least ${range![1]} rows` +
        (kRows.length < n ? ` in the sample of ${kRows.length}` : '') +
        `; the data has n=${n}. Give a range up to ${kRows.length - 1}.`,
    );
  }
  const kChoice =
    (choose || kRows.length === n) && range !== undefined && range[1] >= 2
      ? chooseK(kRows.length === n ? Xs : takeRows(Xs, kRows), {
          ...(Array.isArray(o.k) || o.kMax !== undefined ? { k: range } : {}),
          seed: o.seed,
          nInit: o.nInit,
        })
      : undefined;
  if (choose && kChoice === undefined) {
    throw new OptionError(
      `k='auto' needs at least 3 rows to compare k = 2..; the data has n=${n}.`,
    );
  }
  const k = kSource === 'fit' ? o.kmeans!.k : choose ? kChoice!.recommended : (o.k as number);
  if (k > n) throw new OptionError(`n_samples=${n} should be >= k=${k}.`);

  // fit, or take the caller's fits
  // chooseK fitted every candidate with the same options and seed: reuse its fit when it saw all rows
  const reuse = kRows.length === n ? kChoice?.fits.find((f) => f.k === k) : undefined;
  const km = o.kmeans ?? reuse ?? kmeans(Xs, { k, seed: o.seed, nInit: o.nInit });
  let hRows: Int32Array;
  let hc: HClustResult;
  let hk: number;
  let hRaw: Int32Array;
  let two: ReportAnalysis['twoStage'];
  if (o.twoStage !== false) {
    // every row, through its centre: the tree's leaves are centres
    hRows = sampleRows(n, n, o.seed);
    hk = Math.min(k, o.twoStage);
    const ts = twoStage(Xs, {
      centres: o.twoStage,
      method: o.method,
      k: hk,
      seed: o.seed,
    });
    hc = ts.tree;
    hRaw = ts.labels;
    two = { assignment: ts.assignment, sizes: ts.sizes, stage1: ts.stage1 };
  } else if (o.hclust !== undefined) {
    hRows = sampleRows(n, n, o.seed);
    hc = o.hclust;
    hk = Math.min(k, n);
    hRaw = hc.cut({ k: hk });
  } else {
    hRows = sampleRows(n, o.hclustMaxRows, o.seed);
    const Xh = hRows.length === n ? Xs : takeRows(Xs, hRows);
    hc = hclust(Xh, { method: o.method });
    hk = Math.min(k, hRows.length);
    hRaw = hc.cut({ k: hk });
  }
  const kmOnH = hRows.length === n ? km.labels : Int32Array.from(hRows, (i) => km.labels[i]!);
  const map = matchClusters(kmOnH, hRaw, k, hk);
  const hMatched = relabel(hRaw, map);
  const hclustLabels = new Int32Array(n).fill(-1);
  hRows.forEach((row, t) => {
    hclustLabels[row] = hMatched[t]!;
  });
  const kAll = Math.max(k, ...Array.from(map, (m) => m + 1));

  // project
  const p = o.pca ?? pca(Xs, { components: Math.min(n, d) });

  // evaluate
  const sRows = sampleRows(n, o.silhouetteMaxRows, o.seed);
  const silhouette = new Float64Array(n).fill(Number.NaN);
  let silhouetteMean = Number.NaN;
  if (k >= 2) {
    const Xsil = sRows.length === n ? Xs : takeRows(Xs, sRows);
    const lsil = sRows.length === n ? km.labels : Int32Array.from(sRows, (i) => km.labels[i]!);
    const distinct = new Set(lsil).size;
    if (distinct >= 2 && distinct < sRows.length) {
      // O(n^2 d) time but O(n (k + d)) memory: the rows and the per-cluster sums
      checkMemory({
        what: `silhouettes of ${sRows.length} rows`,
        bytes: estimate.block(sRows.length, k + d + 2),
        budget: memoryBudget(),
        options: [
          message`compute them on a seeded sample of the rows (${option('silhouetteMaxRows', 'N', { placeholder: true })})`,
          RAISE_BUDGET,
        ],
      });
      const s = silhouetteSamples(Xsil, lsil);
      let sum = 0;
      sRows.forEach((row, t) => {
        silhouette[row] = s[t]!;
        sum += s[t]!;
      });
      silhouetteMean = sum / sRows.length;
    }
  }
  // F is unchanged by scaling a column; the z-scores keep sums of squares finite at any magnitude
  const F = anovaF(Z.data, n, d, km.labels, k);
  const ariHclust = adjustedRandIndex(kmOnH, hMatched);
  let labelCodes: Int32Array | undefined;
  let labelNames: string[] = [];
  if (dataset.labels) {
    labelNames = [...new Set(dataset.labels)].sort();
    const index = new Map(labelNames.map((l, i) => [l, i]));
    labelCodes = Int32Array.from(dataset.labels, (l) => index.get(l)!);
  }
  const ariLabel = labelCodes ? adjustedRandIndex(labelCodes, km.labels) : undefined;

  const analysis: ReportAnalysis = {
    n,
    features: [...dataset.columns],
    k,
    kSource,
    given: (['kmeans', 'hclust', 'pca'] as const).filter((f) => o[f] !== undefined),
    kChoice,
    kChoiceRows: kRows.length,
    scaling: scaling.toJSON(),
    kmeans: km,
    hclust: hc,
    hclustRows: hRows,
    twoStage: two,
    hclustLabels,
    pca: p,
    silhouette,
    silhouetteMean,
    silhouetteRows: sRows.length,
    anovaF: F,
    varianceSpread: spread,
    ariHclust,
    ariLabel,
    widthReduction: reduced.reduction,
  };

  // chart
  const big = n > o.densityAbove;
  // Above densityAbove rows, the points are a seeded sample; the silhouettes may be of another
  // (nested: both are prefixes of one seeded permutation). The table holds the union, and flags
  // the points when some of its rows are there for the silhouette plot only.
  const pointSample = big ? sampleRows(n, o.densitySample, o.seed) : undefined;
  const withSilhouettes = k >= 2 && !Number.isNaN(silhouetteMean);
  let tableRows = pointSample;
  if (pointSample && withSilhouettes && sRows.length < n) {
    const union = new Set<number>(pointSample);
    for (const i of sRows) union.add(i);
    if (union.size > pointSample.length) tableRows = Int32Array.from(union).sort();
  }
  const pointsOnly = tableRows !== pointSample ? pointSample : undefined;
  // the features the tooltips list and the selection profile folds: the most separating ones
  const byF = orderByF(F);
  const pc1 = new Float64Array(n);
  const pc2 = new Float64Array(n);
  const kc = p.scores.cols;
  for (let i = 0; i < n; i++) {
    pc1[i] = p.scores.data[i * kc]!;
    pc2[i] = kc > 1 ? p.scores.data[i * kc + 1]! : 0;
  }
  const table = sampleTable(
    {
      ids,
      clusters: km.labels,
      hclusters: hclustLabels,
      ...(dataset.labels ? { labels: dataset.labels } : {}),
      pc1,
      pc2,
      ...(withSilhouettes ? { silhouette } : {}),
      features: dataset.columns,
      original: X.data,
      zscores: Z.data,
      ...(tableRows ? { subset: tableRows } : {}),
      ...(pointsOnly ? { points: pointsOnly } : {}),
      tipColumns: byF.slice(0, MAX_TOOLTIP_FEATURES),
      zColumns: byF.slice(0, MAX_PROFILE_FEATURES),
    },
    kAll,
  );
  const variance: [number, number] = [
    p.explainedVarianceRatio[0] ?? 0,
    p.explainedVarianceRatio[1] ?? 0,
  ];
  const labelName = dataset.labelColumn ?? 'label';
  const idName = dataset.idColumn ?? 'row';
  const renderer = n > o.canvasAbove ? 'canvas' : 'svg';
  const charts: Record<string, ReportChart> = {};
  const add = (name: ReportChartName, spec: TopLevelSpec, r: 'svg' | 'canvas' = 'svg') => {
    charts[name] = { name, spec, renderer: r };
    return charts[name]!;
  };

  if (kChoice) {
    add(
      'choose-k',
      chooseKSpec({
        table: kChoice.table,
        picks: kChoice.picks,
        chosen: k,
        recommended: kSource === 'recommended',
        ...(kChoice.structure?.gapAtOne ? { gapAtOne: kChoice.structure.gapAtOne } : {}),
      }),
    );
  }
  add('scree', screeSpec(p.explainedVarianceRatio));
  if (kc >= 2) {
    add(
      'biplot',
      biplotSpec(
        table,
        {
          components: [p.components[0]!, p.components[1]!],
          explainedVariance: [p.explainedVariance[0]!, p.explainedVariance[1]!],
          variance,
        },
        // tooltips on thousands of points cost more to draw than the biplot is worth; the
        // projection has them
        {
          labelName,
          idName,
          pointTooltips: n <= o.canvasAbove,
          pointNames: dataset.idColumn !== undefined,
        },
      ),
      renderer,
    );
    add(
      'contributions',
      contributionSpec(
        dataset.columns,
        featureContributions(
          [p.components[0]!, p.components[1]!],
          [p.explainedVariance[0]!, p.explainedVariance[1]!],
        ),
        { variance },
      ),
    );
    add(
      'projection',
      exploreSpec(table, F, {
        variance,
        labelName,
        idName,
        ...(big ? { density: binDensity(pc1, pc2, 60) } : {}),
      }),
      renderer,
    );
  }
  const leafIds = two
    ? Array.from(two.sizes, (size) => `(${size})`)
    : hRows.length === n
      ? ids
      : Array.from(hRows, (i) => ids[i]!);
  const truncate = hc.n > o.truncateAbove;
  const layout = dendrogram(hc, {
    truncateMode: truncate ? 'lastp' : 'none',
    p: Math.max(o.lastp, hk),
    labels: leafIds,
    cut: { k: hk },
  });
  add(
    'dendrogram',
    dendrogramSpec(
      {
        icoord: layout.icoord,
        dcoord: layout.dcoord,
        leafLabels: layout.labels,
        leafClusters: layout.leafCluster.map((c) => (c < 0 ? 'above' : clusterId(map[c]!))),
        cut: layout.cutHeight!,
        k: hk,
        // scipy marks every hidden merge; beyond a few hundred they are clutter, not information
        ...(layout.contracted.length <= 300 ? { contracted: layout.contracted } : {}),
        samples: hRows.length,
        method: hc.method,
        ...(labelCodes
          ? {
              strip: {
                name: labelName,
                domain: labelNames,
                leaves: stripLeaves(
                  hc,
                  layout.leaves,
                  two ? centreLabelCounts(two, labelCodes, labelNames.length) : hRows,
                  labelCodes,
                  labelNames,
                ),
              },
            }
          : {}),
      },
      { orientation: o.orientation },
    ),
  );
  if (table.hasSilhouette) {
    add('silhouette', silhouetteSpec(table, { idName, mean: silhouetteMean }), renderer);
  }
  const sizes = Array.from(km.sizes);
  if (k >= 2) {
    add(
      'profiles',
      profilesSpec({
        features: dataset.columns,
        k,
        meanZ: clusterMeans(Z, km.labels, k),
        mean: clusterMeans(X, km.labels, k),
        sizes,
        anovaF: F,
      }),
    );
  }
  const agreement: AgreementTable[] = [
    {
      rowsName: 'k-means',
      colsName: 'hierarchical',
      rowIds: clusterIds(k),
      colIds: clusterIds(kAll),
      counts: crossTable(kmOnH, hMatched, k, kAll),
      ari: ariHclust,
    },
  ];
  if (labelCodes && ariLabel !== undefined) {
    agreement.push({
      rowsName: labelName,
      colsName: 'k-means',
      rowIds: labelNames,
      colIds: clusterIds(k),
      counts: crossTable(labelCodes, km.labels, labelNames.length, k),
      ari: ariLabel,
    });
  }
  add('agreement', agreementSpec(agreement));

  // the fits given by the caller are named, not copied, in the manifest
  const { kmeans: _k, hclust: _h, pca: _p, ...plain } = o;
  const manifest = buildManifest({
    source: dataset.source,
    options: {
      ...plain,
      ...(analysis.given.length > 0 ? { given: analysis.given } : {}),
      title: o.title ?? null,
      label: dataset.labelColumn ?? null,
      id: dataset.idColumn ?? null,
      features: [...dataset.columns],
    },
    seed: o.seed,
  });
  const document = buildDocument(dataset, o, analysis, charts, manifest, table);
  const chartList: ReportChart[] = [];
  for (const s of document.sections)
    for (const b of s.blocks) if (b.kind === 'chart') chartList.push(b.chart);

  const report: Report = {
    options: o,
    analysis,
    manifest,
    charts: chartList,
    document,
    ids,
    labels: dataset.labels,
    source: dataset.source.path,
    toJSON() {
      return reportJSON(analysis, manifest, ids);
    },
  };
  builtReports.add(report);
  return report;
}

function reportJSON(a: ReportAnalysis, manifest: Manifest, ids: string[]): Record<string, unknown> {
  const nan = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    manifest,
    n: a.n,
    features: a.features,
    k: a.k,
    ids,
    scaling: a.scaling,
    kmeans: {
      labels: Array.from(a.kmeans.labels, (l) => clusterId(l)),
      centroids: a.kmeans.centroids,
      sizes: Array.from(a.kmeans.sizes),
      inertia: a.kmeans.inertia,
      iterations: a.kmeans.iterations,
      converged: a.kmeans.converged,
    },
    hierarchical: {
      method: a.hclust.method,
      rows: a.hclustRows.length === a.n ? 'all' : Array.from(a.hclustRows),
      ...(a.twoStage
        ? {
            twoStage: {
              centres: a.twoStage.sizes.length,
              firstStage: a.twoStage.stage1,
              sizes: Array.from(a.twoStage.sizes),
              assignment: Array.from(a.twoStage.assignment),
            },
          }
        : {}),
      linkage: a.hclust.linkage,
      order: a.hclust.order,
      labels: Array.from(a.hclustLabels, (l) => (l < 0 ? null : clusterId(l))),
    },
    pca: a.pca.toJSON(),
    metrics: {
      silhouetteMean: nan(a.silhouetteMean),
      silhouetteRows: a.silhouetteRows,
      silhouette: Array.from(a.silhouette, nan),
      // JSON has no Infinity: a feature constant within every cluster is 'Infinity'
      anovaF: Array.from(a.anovaF, (f) => (f === Infinity ? 'Infinity' : nan(f))),
      adjustedRandIndex: { kmeansVsHierarchical: a.ariHclust, kmeansVsLabel: a.ariLabel ?? null },
    },
    chooseK: a.kChoice ? { ...a.kChoice.toJSON(), rows: a.kChoiceRows } : null,
    ...(a.widthReduction
      ? {
          widthReduction: {
            columns: a.widthReduction.columns,
            kept: a.features.length,
            rule: 'the columns of highest variance (before scaling)',
            leftOut: a.widthReduction.leftOut,
          },
        }
      : {}),
  };
}

function buildDocument(
  dataset: Dataset,
  o: ResolvedReportOptions,
  a: ReportAnalysis,
  charts: Record<string, ReportChart>,
  manifest: Manifest,
  table: SampleTable,
): ReportDocument {
  const chart = (name: string) =>
    charts[name] ? [{ kind: 'chart' as const, chart: charts[name]! }] : [];
  const src = dataset.source;
  const sections: ReportSection[] = [];
  const constant = a.scaling.constantColumns.map((j) => a.features[j]!);
  sections.push({ id: 'summary', title: 'Summary', blocks: [summaryTable(dataset, a)] });
  sections.push({
    id: 'data',
    title: 'Data',
    blocks: [
      {
        kind: 'table',
        head: ['property', 'value'],
        rows: [
          ['file', manifest.input.file],
          ['rows read', String(src.rowsRead)],
          ['rows used', String(a.n)],
          [
            'features',
            `${a.features.length}: ` +
              (a.features.length <= FEATURES_LISTED
                ? a.features.join(', ')
                : `${a.features.slice(0, FEATURES_LISTED).join(', ')} and ` +
                  `${a.features.length - FEATURES_LISTED} more (all in the feature table below)`),
          ],
          ['held-out label', dataset.labelColumn ?? 'none'],
          ['row ids', dataset.idColumn ?? 'data row number (1-based)'],
        ],
      },
      {
        kind: 'table',
        ...(a.features.length > FEATURES_LISTED
          ? {
              summary:
                `Every feature: mean, sd, min, max and ANOVA F of the ${a.features.length} ` +
                'features (click to open)',
            }
          : {}),
        head: ['feature', 'mean', 'sd (n-1)', 'min', 'max', 'ANOVA F'],
        rows: featureSummary(dataset.features).map((f, j) => [
          a.features[j]!,
          fmt4(f.mean),
          fmt4(f.sd),
          fmt4(f.min),
          fmt4(f.max),
          Number.isFinite(a.anovaF[j]!)
            ? fmt(a.anovaF[j]!, 1)
            : a.anovaF[j] === Infinity
              ? '∞'
              : 'n/a',
        ]),
      },
      { kind: 'text', text: 'Preprocessing log:' },
      {
        kind: 'table',
        head: ['step', 'what happened'],
        rows: [
          ['load', `${src.format.toUpperCase()}, ${src.rowsRead} rows read`],
          ...(src.notes ?? []).map((note) => ['load', note]),
          ...src.leftOut.map((l) => ['column left out', `${l.column}: ${l.reason}`]),
          ...(a.widthReduction
            ? [
                [
                  'width',
                  `${a.widthReduction.columns} feature columns, more than the ${o.maxFeatures} ` +
                    `a report analyses (maxFeatures): kept the ${a.features.length} of highest ` +
                    `variance (before scaling); the ${a.widthReduction.leftOut.length} others ` +
                    'are listed in the JSON results (widthReduction)',
                ],
              ]
            : []),
          [
            'missing values',
            `${src.rowsDropped} rows dropped, ${src.valuesImputed} values imputed`,
          ],
          [
            'scaling',
            `${o.scale}` +
              (constant.length ? `; constant columns set to 0: ${constant.join(', ')}` : '') +
              (a.varianceSpread ? `; ${describeVarianceSpread(a.varianceSpread)}` : ''),
          ],
          ...(dataset.labelColumn
            ? [
                [
                  'label',
                  `${dataset.labelColumn} is held out: it colours and scores, it never fits`,
                ],
              ]
            : []),
        ],
      },
    ],
  });
  if (a.kChoice) {
    const kc = a.kChoice;
    sections.push({
      id: 'choose-k',
      title: 'Choosing k',
      blocks: [
        {
          kind: 'text',
          text:
            (a.kSource === 'recommended'
              ? `k = ${a.k} is recommended: ${kc.reason}`
              : `k = ${a.k} ${a.kSource === 'fit' ? 'comes from the given k-means fit' : 'was given'}; ` +
                `the criteria are shown for comparison: ${kc.reason}`) +
            ` k = ${kc.range[0]}..${kc.range[1]} were tried` +
            (kc.rangeSource === 'default'
              ? ` (the default range for ${a.kChoiceRows} rows: from 2 up to sqrt(n / 2), at most 10).`
              : '.') +
            (a.kChoiceRows < a.n
              ? ` The criteria were computed on a seeded sample of ${a.kChoiceRows} of ${a.n} rows.`
              : ''),
        },
        ...(kc.structure
          ? [
              {
                kind: 'text' as const,
                text:
                  (kc.structure.clear ? kc.structure.text : `No${kc.structure.text.slice(2)}`) +
                  ' The gap statistic compares log W_k (W_k = the k-means inertia) with its mean over 10 ' +
                  "reference sets drawn uniformly over the box of the data's principal axes, and " +
                  'picks k by the 1-SE rule of Tibshirani, Walther and Hastie (2001).',
              },
            ]
          : []),
        ...kc.caveats
          .filter((c) => c.kind !== 'no-structure')
          .map((c) => ({ kind: 'text' as const, text: c.text })),
        ...chart('choose-k'),
        {
          kind: 'table',
          head: [
            'k',
            'inertia',
            'silhouette',
            'Calinski-Harabasz',
            'Davies-Bouldin',
            'gap',
            'gap s.e.',
          ],
          rows: [
            ...(kc.structure?.gapAtOne
              ? [
                  [
                    '1',
                    '',
                    '',
                    '',
                    '',
                    fmt(kc.structure.gapAtOne.gap),
                    fmt(kc.structure.gapAtOne.gapSe),
                  ],
                ]
              : []),
            ...kc.table.map((r: KScores) => [
              String(r.k),
              r.inertia === undefined ? '' : fmt(r.inertia, 2),
              r.silhouette === undefined ? '' : fmt(r.silhouette),
              r.calinskiHarabasz === undefined ? '' : fmt(r.calinskiHarabasz, 1),
              r.daviesBouldin === undefined ? '' : fmt(r.daviesBouldin),
              r.gap === undefined ? '' : fmt(r.gap),
              r.gapSe === undefined ? '' : fmt(r.gapSe),
            ]),
          ],
        },
      ],
    });
  } else {
    sections.push({
      id: 'choose-k',
      title: 'Choosing k',
      blocks: [
        {
          kind: 'text',
          text:
            `k = ${a.k} ${a.kSource === 'fit' ? 'comes from the given k-means fit' : 'was given'}. ` +
            'The criteria of k (which fit k-means about 100 times) are computed for data of at ' +
            `most ${o.chooseKMaxRows} rows, or on a seeded sample of that many rows when k is ` +
            'chosen by them.',
        },
      ],
    });
  }
  const ratios = Array.from(a.pca.explainedVarianceRatio);
  const shownPcs = Math.min(ratios.length, PCA_TABLE_ROWS);
  let cum = 0;
  sections.push({
    id: 'pca',
    title: 'Principal components',
    blocks: [
      {
        kind: 'text',
        text:
          `PCA of the ${o.scale === 'none' ? 'unscaled' : `${o.scale}-scaled`} features` +
          `${a.given.includes('pca') ? ' (the given fit)' : ''}. ` +
          `PC1 and PC2 together explain ${formatProse(100 * ((ratios[0] ?? 0) + (ratios[1] ?? 0)))}% of the variance.`,
      },
      ...chart('scree'),
      ...chart('biplot'),
      ...chart('contributions'),
      {
        kind: 'table',
        head: ['component', 'variance', 'ratio', 'cumulative'],
        rows: ratios.slice(0, shownPcs).map((r, i) => {
          cum += r;
          return [
            `PC${i + 1}`,
            fmt(a.pca.explainedVariance[i]!, 4),
            `${fmt(100 * r, 1)}%`,
            `${fmt(100 * cum, 1)}%`,
          ];
        }),
      },
      ...(shownPcs < ratios.length
        ? [
            {
              kind: 'text' as const,
              text:
                `The first ${shownPcs} of ${ratios.length} components; all of them, with their ` +
                'eigenvectors, are in the JSON results next to this report (pca).',
            },
          ]
        : []),
    ],
  });
  if (charts.projection) {
    sections.push({
      id: 'projection',
      title: 'Projection',
      blocks: [
        {
          kind: 'text',
          text:
            `k-means with k = ${a.k} (${a.given.includes('kmeans') ? 'the given fit: ' : ''}` +
            `${a.kmeans.nInit} restarts, seed ${a.kmeans.seed}): cluster sizes ` +
            Array.from(a.kmeans.sizes, (s, c) => `${clusterId(c)} ${s}`).join(', ') +
            '.' +
            (table.points < table.total
              ? ` The points are a seeded sample of ${table.points} of ${table.total} rows; the grey density shows all rows.`
              : ''),
        },
        {
          kind: 'text',
          interactive: true,
          text:
            'Click a legend entry to highlight a cluster in every chart (double-click to clear); ' +
            'drag on the projection to profile the selected samples.',
        },
        ...chart('projection'),
      ],
    });
  }
  const sampledH = a.hclustRows.length < a.n;
  sections.push({
    id: 'dendrogram',
    title: 'Hierarchical clustering',
    blocks: [
      {
        kind: 'text',
        text:
          `${linkageName(a)}${a.given.includes('hclust') ? ' (the given tree)' : ''} on ` +
          `the ${o.scale === 'none' ? 'unscaled' : 'scaled'} features` +
          (sampledH ? ` of a seeded sample of ${a.hclustRows.length} of ${a.n} rows` : '') +
          `, cut into ${a.k} clusters. Hierarchical clusters are renamed after the k-means cluster ` +
          'they overlap most (Hungarian matching), so the same group has the same colour.',
      },
      ...chart('dendrogram'),
    ],
  });
  if (charts.silhouette) {
    sections.push({
      id: 'silhouette',
      title: 'Silhouette',
      blocks: [
        {
          kind: 'text',
          text:
            `Mean silhouette ${formatProse(a.silhouetteMean)}` +
            (a.silhouetteRows < a.n
              ? ` over a seeded sample of ${a.silhouetteRows} of ${a.n} rows, the samples drawn below`
              : '') +
            '. Values near 1: well inside the cluster; near 0: between two clusters; below 0: closer to another cluster.',
        },
        ...chart('silhouette'),
      ],
    });
  }
  sections.push({
    id: 'profiles',
    title: 'Cluster profiles',
    blocks: [
      {
        kind: 'text',
        text: 'Mean of each feature per k-means cluster, in z-scores of the original feature (0 = the overall mean, 1 = one standard deviation above it). ANOVA F: between-cluster over within-cluster variance of the feature.',
      },
      ...chart('profiles'),
    ],
  });
  sections.push({
    id: 'agreement',
    title: 'Agreement',
    blocks: [
      {
        kind: 'text',
        text:
          `Adjusted Rand index, k-means vs hierarchical: ${formatProse(a.ariHclust)}` +
          (a.ariLabel !== undefined
            ? `; ${dataset.labelColumn ?? 'label'} vs k-means: ${formatProse(a.ariLabel)}`
            : '') +
          ' (1 = identical partitions, 0 = chance level).',
      },
      ...chart('agreement'),
    ],
  });
  sections.push({
    id: 'manifest',
    title: 'Manifest',
    blocks: [
      {
        kind: 'table',
        head: ['property', 'value'],
        rows: [
          ['input', manifest.input.file],
          ['SHA-256', manifest.input.sha256],
          ['seed', String(manifest.seed)],
          ...Object.entries(manifest.versions).map(([name, v]) => [name, v]),
        ],
      },
      { kind: 'code', summary: 'Manifest (JSON)', text: JSON.stringify(manifest, null, 2) },
    ],
  });
  return {
    title: o.title ?? `clusterlens report: ${manifest.input.file}`,
    subtitle:
      `${a.n} rows, ${a.features.length} features, k = ${a.k}` +
      (a.kChoice && a.kSource === 'recommended' ? ' (recommended)' : '') +
      (a.kChoice?.structure?.clear === false ? ', no clear cluster structure' : '') +
      `, ${o.scale} scaling, ${linkageName(a)}, seed ${o.seed}.`,
    sections,
  };
}

/**
 * The names of the charts a report may have: its specs are NAME.vl/<name>.vl.json. A chart of
 * `buildReport` must have its name here (the type of `add` says so): the output checks and the
 * removal of an earlier report's specs go by this list.
 */
export const REPORT_CHARTS = [
  'choose-k',
  'scree',
  'biplot',
  'contributions',
  'projection',
  'dendrogram',
  'silhouette',
  'profiles',
  'agreement',
] as const;

/** The name of a chart of the report. */
export type ReportChartName = (typeof REPORT_CHARTS)[number];

/** The report's labels file (src/report/labels-csv.ts), with the scores on PC1 and PC2. */
function reportLabelsCsv(report: Report): string {
  const a = report.analysis;
  const kc = a.pca.scores.cols;
  const pcColumn = (c: number) => {
    const values = new Float64Array(a.n).fill(Number.NaN); // NaN: an empty cell
    if (c < kc) for (let i = 0; i < a.n; i++) values[i] = a.pca.scores.data[i * kc + c]!;
    return values;
  };
  return labelsCsv(
    { n: a.n, ids: report.ids, labels: report.labels },
    {
      clusterings: { kmeans: a.kmeans.labels, hierarchical: a.hclustLabels },
      extra: [
        { name: 'PC1', values: pcColumn(0) },
        { name: 'PC2', values: pcColumn(1) },
      ],
    },
  );
}

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** Charts as inline SVG rendered in Node, and no script at all. Default: false. */
  static?: boolean;
  /**
   * Replace existing files that clusterlens did not write (never an input file). Default: false:
   * such a file stops the write with an `OptionError` before anything is written.
   */
  force?: boolean;
  /** More input files that must not be outputs (the report's own data file always is one). */
  inputs?: readonly string[];
  /** Where `path` '-' writes the HTML. Default: process.stdout. */
  stdout?: OutputStreams['stdout'];
}

/** The files `writeReport` wrote. */
export interface WrittenReport {
  html: string;
  specs: string[];
  /** The results; '' when only the HTML was written (see `writeReport`). */
  json: string;
  /** The labels CSV; '' when only the HTML was written. */
  labels: string;
  /** The run id all the files carry (`clusterlens verify` compares them). */
  run: string;
}

/** The outputs of a report, resolved and checked by `checkReportOutputs`. */
export interface ReportOutputs {
  /** NAME: the path without .html, as given. */
  base: string;
  html: Output;
  /** Only the HTML is written: `path` is a device, a FIFO or standard output. */
  htmlOnly: boolean;
  json: Output | undefined;
  labels: Output | undefined;
  /** The NAME.vl/ folder, as given. */
  specFolder: string;
}

/** How a file next to the report is named in messages. */
function sibling(role: string, file: string, path: string): MessageLike {
  return message`the report's ${role} '${file}' (next to ${option('out', undefined, { library: 'the report' })} '${path}')`;
}

/**
 * Check, before any work, that every file of a report at `path` can be written: NAME.html,
 * NAME.json, NAME.labels.csv, the NAME.vl/ folder and the specs in it; that none is an input
 * file, and none an existing file clusterlens did not write unless `rules.force` (see
 * outputs.ts). When `path` is a device, a FIFO or '-' (standard output), only the HTML is
 * written, there; a file path must end in .html, since the other files are named after it.
 * Throws an `OptionError` naming the file.
 */
export function checkReportOutputs(path: string, rules: OutputRules = {}): ReportOutputs {
  const html = resolveOutput(path);
  if (html.kind === 'file' && !/\.html$/i.test(path)) {
    checkOutputs([html], rules); // writing over the input or a user's file is named first
    throw new OptionError(
      `A report is written to a path ending in .html (its JSON, labels and specs go next to it, ` +
        `named after it); got '${path}'.`,
    );
  }
  const base = join(dirname(path), basename(path).replace(/\.html$/i, ''));
  const specFolder = `${base}.vl`;
  if (html.kind !== 'file') {
    checkOutputs([html], rules);
    return { base, html, htmlOnly: true, json: undefined, labels: undefined, specFolder };
  }
  const json = resolveOutput(`${base}.json`, {
    what: sibling('JSON', `${base}.json`, path),
    streams: false,
  });
  const labels = resolveOutput(`${base}.labels.csv`, {
    what: sibling('labels', `${base}.labels.csv`, path),
    streams: false,
    record: true,
  });
  checkOutputFolder(specFolder, 'the specs folder');
  const specs = existsSync(specFolder)
    ? REPORT_CHARTS.map((name) => specOutput(specFolder, name, path))
    : [];
  checkOutputs([html, json, labels, ...specs], rules);
  return { base, html, htmlOnly: false, json, labels, specFolder };
}

function specOutput(folder: string, name: string, path: string): Output {
  const file = join(folder, `${name}.vl.json`);
  return resolveOutput(file, { what: sibling('spec', file, path), streams: false });
}

/** A spec file: the Vega-Lite spec with the run id in its `usermeta`, right after `$schema`. */
function specText(spec: TopLevelSpec, run: string): string {
  const { $schema, usermeta, ...rest } = spec as TopLevelSpec & { usermeta?: object };
  const marked = { $schema, usermeta: { clusterlensRun: run, ...usermeta }, ...rest };
  return `${JSON.stringify(marked, null, 1)}\n`;
}

/** The arguments of `writeReport`: a path, a report of `buildReport`, an options object. */
function checkWriteReportArguments(path: unknown, report: unknown, options: unknown): void {
  if (typeof path !== 'string' || path === '') {
    throw new OptionError(
      `writeReport needs the path of the HTML file to write. Got ${path === '' ? "''" : path === null ? 'null' : typeof path} instead.`,
    );
  }
  if (typeof report !== 'object' || report === null || !builtReports.has(report)) {
    throw new OptionError(
      `writeReport needs the report that buildReport returned. Got ${report === null ? 'null' : typeof report} instead.`,
    );
  }
  checkKnownOptions('writeReport', options as object, ['static', 'force', 'inputs', 'stdout']);
  const o = options as WriteReportOptions;
  if (o.static !== undefined) checkBoolean('writeReport', 'static', o.static);
  if (o.force !== undefined) checkBoolean('writeReport', 'force', o.force);
}

/**
 * Write the report: `path` (NAME.html), the NAME.vl/ folder with one self-contained .vl.json per
 * chart, NAME.json (the results) and NAME.labels.csv (the labels file of src/report/labels-csv.ts:
 * id, label, kmeans, hierarchical, PC1, PC2); a file path must end in .html. The files are committed together (outputs.ts): written to temporaries first, then renamed
 * in one final step, the HTML last; every file carries the run id, so `verifyReport` finds a set
 * mixed by a kill inside that step. Specs of charts an earlier report had and this one has not are
 * removed. Nothing is written when an output is an input file, or an existing file clusterlens did
 * not write (unless `force`). A `path` that is a device, a FIFO or '-' gets the HTML only.
 *
 * @example
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildReport, loadDataset, writeReport } from 'clusterlens';
 *
 * const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
 * const report = buildReport(iris, { k: 3 });
 * const folder = mkdtempSync(join(tmpdir(), 'iris-'));
 * const written = await writeReport(join(folder, 'iris.html'), report);
 * written.html === join(folder, 'iris.html'); // => true
 * written.labels === join(folder, 'iris.labels.csv'); // => true
 */
export async function writeReport(
  path: string,
  report: Report,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  checkWriteReportArguments(path, report, options);
  const rules: OutputRules = {
    inputs: [...(options.inputs ?? []), ...(report.source === '<memory>' ? [] : [report.source])],
    force: options.force ?? false,
  };
  const plan = checkReportOutputs(path, rules);
  const isStatic = options.static ?? false;
  // the run id: what determines the files (the manifest has the input's SHA-256 and the options)
  const results = JSON.stringify(report.toJSON(), null, 1);
  const run = runId({
    manifest: report.manifest,
    static: isStatic,
    results: createHash('sha256').update(results).digest('hex'),
  });
  const html = await renderHtml(report.document, { static: isStatic, run });
  const streams = { stdout: options.stdout ?? process.stdout };
  if (plan.htmlOnly) {
    await writeOutput(plan.html, html, run, rules, streams);
    return { html: path, specs: [], json: '', labels: '', run };
  }
  const set = new OutputSet(run, rules);
  const specs: string[] = [];
  try {
    set.folder(plan.specFolder);
    for (const c of report.charts) {
      const output = specOutput(plan.specFolder, c.name, path);
      await set.stage(output, specText(c.spec, run));
      specs.push(output.path);
    }
    // specs of an earlier report that this one does not have (clusterlens's own files only)
    for (const name of REPORT_CHARTS) {
      if (report.charts.some((c) => c.name === name)) continue;
      const old = specOutput(plan.specFolder, name, path);
      if (runIdOf(old.target) !== undefined) set.remove(old.target);
    }
    await set.stage(plan.labels!, reportLabelsCsv(report));
    await set.stage(plan.json!, `{\n "clusterlensRun": "${run}",\n${results.slice(2)}\n`);
    await set.stage(plan.html, html);
    await set.commit(streams);
  } catch (error) {
    set.abort();
    throw error;
  }
  removeStaleTemporariesIn(realpathSync(plan.specFolder), (name) => name.endsWith('.vl.json'));
  return { html: path, specs, json: plan.json!.path, labels: plan.labels!.path, run };
}
