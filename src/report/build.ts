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
 * `writeReport(path, report)` turns the result into files (each written atomically):
 *   NAME.html, NAME.vl/<chart>.vl.json, NAME.json, NAME.labels.csv. Everything here is
 * deterministic: the same dataset and options give the same report.
 */
import type { TopLevelSpec } from 'vega-lite';
import { agreementSpec, type AgreementTable } from '../charts/agreement.js';
import { biplotSpec } from '../charts/biplot.js';
import { chooseKSpec, type KScores } from '../charts/choose-k.js';
import { dendrogramSpec, ORIENTATIONS, type Orientation } from '../charts/dendrogram.js';
import { exploreSpec } from '../charts/explore.js';
import { crossTable, matchClusters, relabel } from '../charts/match.js';
import { clusterId, clusterIds } from '../charts/palette.js';
import { anovaF, profilesSpec } from '../charts/profiles.js';
import { binDensity } from '../charts/projection.js';
import { type SampleTable, sampleTable } from '../charts/samples.js';
import { screeSpec } from '../charts/scree.js';
import { silhouetteSpec } from '../charts/silhouette.js';
import { type ChooseKResult, chooseK } from '../cluster/choose-k.js';
import { dendrogram } from '../cluster/dendrogram.js';
import { kmeans, type KMeansResult } from '../cluster/kmeans.js';
import { hclust, LINKAGE_ALIASES, LINKAGE_METHODS } from '../cluster/linkage.js';
import type { HClustResult } from '../cluster/tree.js';
import { twoStage } from '../cluster/two-stage.js';
import {
  type Dataset,
  type FeatureMatrix,
  featureMatrix,
  type MatrixLike,
  toDataset,
} from '../data/dataset.js';
import { SCALE_METHODS, type ScaleMethod, scale } from '../data/scale.js';
import { pca, type PcaResult } from '../decomposition/pca.js';
import { adjustedRandIndex } from '../metrics/rand.js';
import { silhouetteSamples } from '../metrics/silhouette.js';
import { OptionError } from '../util/errors.js';
import { magnitudeUnit } from '../util/magnitude.js';
import { checkMemory, estimate, memoryBudget } from '../util/memory.js';
import { RandomState } from '../util/random.js';
import { checkBoolean, checkInteger, checkKeyword, checkKnownOptions } from '../util/validate.js';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ReportChart, type ReportDocument, type ReportSection, renderHtml } from './html.js';
import { checkOutputFolder, checkOutputPath, toCsv, writeFileAtomic } from './write.js';
import { buildManifest, type Manifest } from './manifest.js';

/** The default of `maxFeatures`: the widest data a report analyses whole. */
export const MAX_REPORT_FEATURES = 2000;

/** Options of `buildReport`. */
export interface ReportOptions {
  /** Scaling of the features before every fit. Default: 'standard'. */
  scale?: ScaleMethod;
  /** Number of clusters, or 'auto' to let the criteria choose among 2..kMax. Default: 'auto'. */
  k?: number | 'auto';
  /** Largest k the criteria try. Default: 10 (at most n - 1). */
  kMax?: number;
  /** Linkage method of the hierarchical clustering. Default: 'ward'. */
  method?: string;
  /** Seed of every random choice (k-means restarts, samples). Default: 0. */
  seed?: number;
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

const defaults: Required<Omit<ReportOptions, 'title'>> & { title: string | undefined } = {
  scale: 'standard',
  k: 'auto',
  kMax: 10,
  method: 'ward',
  seed: 0,
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
  pca: PcaResult;
  /** Silhouette per row (NaN for rows outside the silhouette sample). */
  silhouette: Float64Array;
  silhouetteMean: number;
  silhouetteRows: number;
  anovaF: Float64Array;
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
  /** Plain JSON results (labels, linkage, leaf order, PCA model, metrics, k table). */
  toJSON(): Record<string, unknown>;
}

/** Resolve and check the options once. */
export function resolveReportOptions(options: ReportOptions = {}): ResolvedReportOptions {
  const fn = 'buildReport';
  checkKnownOptions(fn, options, Object.keys(defaults));
  const o = { ...defaults, ...options };
  checkKeyword(fn, 'scale', o.scale, SCALE_METHODS);
  if (o.k !== 'auto') checkInteger(fn, 'k', o.k, 1);
  checkInteger(fn, 'kMax', o.kMax, 2);
  checkKeyword(fn, 'method', o.method, [
    ...LINKAGE_METHODS,
    ...(Object.keys(LINKAGE_ALIASES) as (keyof typeof LINKAGE_ALIASES)[]),
  ]);
  checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
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
  return o;
}

/** Rows of `m` listed in `rows`, as a new matrix. */
function takeRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const out = featureMatrix(rows.length, m.cols);
  for (let t = 0; t < rows.length; t++) {
    out.data.set(m.data.subarray(rows[t]! * m.cols, (rows[t]! + 1) * m.cols), t * m.cols);
  }
  return out;
}

/** All rows, or a seeded sample of `max` of them (sorted), when there are more. */
function sampleRows(n: number, max: number, seed: number): Int32Array {
  if (n <= max) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  return new RandomState(seed).choiceWithoutReplacement(n, max).sort();
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
  o: ResolvedReportOptions,
  a: ReportAnalysis,
): { kind: 'table'; head: string[]; rows: string[][] } {
  const order = Array.from(a.anovaF.keys())
    .filter((j) => Number.isFinite(a.anovaF[j]!))
    .sort((x, y) => a.anovaF[y]! - a.anovaF[x]! || x - y);
  const rows: string[][] = [
    [
      'number of clusters',
      o.k === 'auto'
        ? `k = ${a.k}, recommended: ${a.kChoice?.reason ?? ''}`
        : `k = ${a.k}, given` +
          (a.kChoice ? `; the criteria recommend k = ${a.kChoice.recommended}` : ''),
    ],
    [
      'separation',
      `mean silhouette ${fmt(a.silhouetteMean)}: ${silhouetteStructure(a.silhouetteMean)} ` +
        '(Kaufman and Rousseeuw)' +
        (a.silhouetteRows < a.n ? `, on a seeded sample of ${a.silhouetteRows} rows` : ''),
    ],
    [
      'k-means vs hierarchical',
      `adjusted Rand index ${fmt(a.ariHclust)} (${a.hclust.method} linkage` +
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
  if (a.ariLabel !== undefined) {
    rows.push([
      `k-means vs ${dataset.labelColumn ?? 'label'}`,
      `adjusted Rand index ${fmt(a.ariLabel)} (the label was held out of every fit)`,
    ]);
  }
  if (order.length > 0 && a.k >= 2) {
    rows.push([
      'features that separate the clusters most',
      order
        .slice(0, 3)
        .map((j) => `${a.features[j]} (F = ${fmt(a.anovaF[j]!, 1)})`)
        .join(', '),
    ]);
  }
  return { kind: 'table', head: ['finding', 'value'], rows };
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
  const ids = dataset.ids ?? Array.from({ length: n }, (_, i) => String(i + 1));

  // prepare
  const scaling = scale(dataset, { method: o.scale, columns: dataset.columns });
  const Xs = scaling.scaled;
  const Z = standardize(X);

  // chooseK
  const kRows = sampleRows(n, o.chooseKMaxRows, o.seed);
  const kMax = Math.min(o.kMax, kRows.length - 1);
  const kChoice =
    (o.k === 'auto' || kRows.length === n) && kMax >= 2
      ? chooseK(kRows.length === n ? Xs : takeRows(Xs, kRows), { k: [2, kMax], seed: o.seed })
      : undefined;
  if (o.k === 'auto' && kChoice === undefined) {
    throw new OptionError(
      `k='auto' needs at least 3 rows to compare k = 2..; the data has n=${n}.`,
    );
  }
  const k = o.k === 'auto' ? kChoice!.recommended : o.k;
  if (k > n) throw new OptionError(`n_samples=${n} should be >= k=${k}.`);

  // fit
  // chooseK fitted every candidate with the same options and seed: reuse its fit when it saw all rows
  const reuse = kRows.length === n ? kChoice?.fits.find((f) => f.k === k) : undefined;
  const km = reuse ?? kmeans(Xs, { k, seed: o.seed });
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
      method: o.method as never,
      k: hk,
      seed: o.seed,
    });
    hc = ts.tree;
    hRaw = ts.labels;
    two = { assignment: ts.assignment, sizes: ts.sizes, stage1: ts.stage1 };
  } else {
    hRows = sampleRows(n, o.hclustMaxRows, o.seed);
    const Xh = hRows.length === n ? Xs : takeRows(Xs, hRows);
    hc = hclust(Xh, { method: o.method as never });
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
  const p = pca(Xs, { components: Math.min(n, d) });

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
          'compute them on a seeded sample of the rows (--sample N)',
          'raise the budget with --max-memory if more memory is really available',
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
    ariHclust,
    ariLabel,
    widthReduction: reduced.reduction,
  };

  // chart
  const big = n > o.densityAbove;
  const tableRows = big ? sampleRows(n, o.densitySample, o.seed) : undefined;
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
      ...(k >= 2 && !Number.isNaN(silhouetteMean) ? { silhouette } : {}),
      features: dataset.columns,
      original: X.data,
      zscores: Z.data,
      ...(tableRows ? { subset: tableRows } : {}),
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
  const add = (name: string, spec: TopLevelSpec, r: 'svg' | 'canvas' = 'svg') => {
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
        recommended: o.k === 'auto',
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
        { labelName, idName, pointTooltips: n <= o.canvasAbove },
      ),
      renderer,
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
  if (table.hasSilhouette) add('silhouette', silhouetteSpec(table, { idName }), renderer);
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

  const manifest = buildManifest({
    source: dataset.source,
    options: {
      ...o,
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
      anovaF: Array.from(a.anovaF, nan),
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
  sections.push({ id: 'summary', title: 'Summary', blocks: [summaryTable(dataset, o, a)] });
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
          ['features', `${a.features.length}: ${a.features.join(', ')}`],
          ['held-out label', dataset.labelColumn ?? 'none'],
          ['row ids', dataset.idColumn ?? 'data row number (1-based)'],
        ],
      },
      {
        kind: 'table',
        head: ['feature', 'mean', 'sd (n-1)', 'min', 'max', 'ANOVA F'],
        rows: featureSummary(dataset.features).map((f, j) => [
          a.features[j]!,
          fmt4(f.mean),
          fmt4(f.sd),
          fmt4(f.min),
          fmt4(f.max),
          Number.isFinite(a.anovaF[j]!) ? fmt(a.anovaF[j]!, 1) : 'n/a',
        ]),
      },
      { kind: 'text', text: 'Preprocessing log:' },
      {
        kind: 'table',
        head: ['step', 'what happened'],
        rows: [
          ['load', `${src.format.toUpperCase()}, ${src.rowsRead} rows read`],
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
              (constant.length ? `; constant columns set to 0: ${constant.join(', ')}` : ''),
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
            (o.k === 'auto'
              ? `k = ${a.k} is recommended: ${kc.reason}`
              : `k = ${a.k} was given; the criteria are shown for comparison: ${kc.reason}`) +
            (a.kChoiceRows < a.n
              ? ` The criteria were computed on a seeded sample of ${a.kChoiceRows} of ${a.n} rows.`
              : ''),
        },
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
          rows: kc.table.map((r: KScores) => [
            String(r.k),
            r.inertia === undefined ? '' : fmt(r.inertia, 2),
            r.silhouette === undefined ? '' : fmt(r.silhouette),
            r.calinskiHarabasz === undefined ? '' : fmt(r.calinskiHarabasz, 1),
            r.daviesBouldin === undefined ? '' : fmt(r.daviesBouldin),
            r.gap === undefined ? '' : fmt(r.gap),
            r.gapSe === undefined ? '' : fmt(r.gapSe),
          ]),
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
            `k = ${a.k} was given. The criteria of k (which fit k-means about 100 times) are ` +
            `computed for data of at most ${o.chooseKMaxRows} rows, or on a seeded sample of ` +
            'that many rows with --k auto.',
        },
      ],
    });
  }
  const ratios = Array.from(a.pca.explainedVarianceRatio);
  let cum = 0;
  sections.push({
    id: 'pca',
    title: 'Principal components',
    blocks: [
      {
        kind: 'text',
        text:
          `PCA of the ${o.scale === 'none' ? 'unscaled' : `${o.scale}-scaled`} features. ` +
          `PC1 and PC2 together explain ${fmt(100 * ((ratios[0] ?? 0) + (ratios[1] ?? 0)), 1)}% of the variance.`,
      },
      ...chart('scree'),
      ...chart('biplot'),
      {
        kind: 'table',
        head: ['component', 'variance', 'ratio', 'cumulative'],
        rows: ratios.map((r, i) => {
          cum += r;
          return [
            `PC${i + 1}`,
            fmt(a.pca.explainedVariance[i]!, 4),
            `${fmt(100 * r, 1)}%`,
            `${fmt(100 * cum, 1)}%`,
          ];
        }),
      },
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
            `k-means with k = ${a.k} (${a.kmeans.nInit} restarts, seed ${a.kmeans.seed}): cluster sizes ` +
            Array.from(a.kmeans.sizes, (s, c) => `${clusterId(c)} ${s}`).join(', ') +
            '.' +
            (table.rows.length < table.total
              ? ` The points are a seeded sample of ${table.rows.length} of ${table.total} rows; the grey density shows all rows.`
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
          `${a.hclust.method} linkage on the ${o.scale === 'none' ? 'unscaled' : 'scaled'} features` +
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
            `Mean silhouette ${fmt(a.silhouetteMean)}` +
            (a.silhouetteRows < a.n ? ` over a seeded sample of ${a.silhouetteRows} rows` : '') +
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
          `Adjusted Rand index, k-means vs hierarchical: ${fmt(a.ariHclust)}` +
          (a.ariLabel !== undefined
            ? `; ${dataset.labelColumn ?? 'label'} vs k-means: ${fmt(a.ariLabel)}`
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
      (a.kChoice && o.k === 'auto' ? ' (recommended)' : '') +
      `, ${o.scale} scaling, ${a.hclust.method} linkage, seed ${o.seed}.`,
    sections,
  };
}

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** Charts as inline SVG rendered in Node, and no script at all. Default: false. */
  static?: boolean;
}

/** The files `writeReport` wrote. */
export interface WrittenReport {
  html: string;
  specs: string[];
  json: string;
  labels: string;
}

/**
 * Check, before any work, that every file of a report at `path` can be written: NAME.html,
 * NAME.json, NAME.labels.csv and the NAME.vl/ folder. Returns NAME (the path without .html).
 */
export function checkReportOutputs(path: string): string {
  checkOutputPath(path);
  const base = join(dirname(path), basename(path).replace(/\.html?$/i, ''));
  checkOutputPath(`${base}.json`);
  checkOutputPath(`${base}.labels.csv`);
  checkOutputFolder(`${base}.vl`, 'the specs folder');
  return base;
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
  checkKnownOptions('writeReport', options as object, ['static']);
  const o = options as WriteReportOptions;
  if (o.static !== undefined) checkBoolean('writeReport', 'static', o.static);
}

/**
 * Write the report: `path` (NAME.html), the NAME.vl/ folder with one self-contained .vl.json per
 * chart, NAME.json (the results) and NAME.labels.csv (id, k-means and hierarchical cluster, PC1,
 * PC2). Each file is written atomically.
 */
export async function writeReport(
  path: string,
  report: Report,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  checkWriteReportArguments(path, report, options);
  const base = checkReportOutputs(path);
  const html = await renderHtml(report.document, { static: options.static ?? false });
  const specDir = `${base}.vl`;
  await mkdir(specDir, { recursive: true });
  const specs: string[] = [];
  for (const c of report.charts) {
    const file = join(specDir, `${c.name}.vl.json`);
    await writeFileAtomic(file, `${JSON.stringify(c.spec, null, 1)}\n`);
    specs.push(file);
  }
  const json = `${base}.json`;
  await writeFileAtomic(json, `${JSON.stringify(report.toJSON(), null, 1)}\n`);
  const a = report.analysis;
  const kc = a.pca.scores.cols;
  const rows = report.ids.map((id, i) => [
    id,
    clusterId(a.kmeans.labels[i]!),
    a.hclustLabels[i]! < 0 ? '' : clusterId(a.hclustLabels[i]!),
    a.pca.scores.data[i * kc]!,
    kc > 1 ? a.pca.scores.data[i * kc + 1]! : '',
  ]);
  const labels = `${base}.labels.csv`;
  await writeFileAtomic(labels, toCsv(['id', 'kmeans', 'hierarchical', 'PC1', 'PC2'], rows));
  await writeFileAtomic(path, html);
  return { html: path, specs, json, labels };
}
