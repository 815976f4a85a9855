/**
 * The analysis behind a report, in its steps:
 *
 *   prepare   the columns of highest variance when the data is wider than `maxFeatures`;
 *             the features scaled (standard by default); z-scores of the original features for
 *             the profiles
 *   chooseK   the criteria over k = 2..kMax (inertia, silhouette, Calinski-Harabasz,
 *             Davies-Bouldin, gap) and the recommended k, unless k is given
 *   fit       k-means with k; hierarchical clustering (on a seeded sample above
 *             `hclustMaxRows` rows, or in two stages) cut into k clusters and renamed after the
 *             k-means clusters they overlap most (Hungarian matching), so the same group keeps
 *             its colour
 *   project   PCA of the scaled features (all components, for the scree); with the
 *             `projection` option (by default on 3 or more features and up to 100,000 rows),
 *             the UMAP map of the scaled features with the report's seed
 *   evaluate  silhouettes (on a seeded sample above `silhouetteMaxRows`), agreement (ARI)
 *             between the two clusterings and with the held-out label, ANOVA F per feature
 *   density   with the `density` option: HDBSCAN, its clusters matched to the k-means ones,
 *             and its statistics without the noise rows (density.ts)
 *   image     when the feature columns are the pixels of an image (the `image` option, or
 *             detected): PCA of the raw pixels, the mean image, eigen-images and reconstructions
 *             of the first row of each label or cluster (image.ts)
 *
 * A fit the caller gives (the `kmeans`, `hclust` and `pca` options) takes the place of its step.
 */
import { type ChooseKResult, chooseK, defaultKRange } from '../cluster/choose-k.js';
import { hclust } from '../cluster/hclust/index.js';
import type { HClustResult } from '../cluster/hclust/tree.js';
import { twoStage } from '../cluster/hclust/two-stage.js';
import { kmeans, type KMeansResult } from '../cluster/kmeans/index.js';
import { type Dataset, type FeatureMatrix, featureMatrix } from '../data/dataset.js';
import {
  describeVarianceSpread,
  scale,
  type ScaleResult,
  VARIANCE_RATIO_WARNING,
  type VarianceSpread,
  varianceSpread,
} from '../data/scale.js';
import { pca, type PCAResult } from '../decomposition/pca/index.js';
import { type UMAPResult, umap } from '../projection/umap/index.js';
import { adjustedRandIndex } from '../metrics/rand.js';
import { silhouetteSamples } from '../metrics/silhouette.js';
import { OptionError } from '../util/errors.js';
import { warn } from '../util/log.js';
import { checkMemory, estimate, memoryBudget, RAISE_BUDGET } from '../util/memory.js';
import { message, option } from '../util/message.js';
import { clusterId } from '../charts/palette.js';
import { densityClustering, type ReportDensity } from './density.js';
import { type ImageLayout, imageAnalysis, imageRows, type ReportImage } from './image.js';
import { columnUnits, sampleRows, standardize, takeRows } from './columns.js';
import { isKRange, type KRange, type ResolvedReportOptions, reportHasUmap } from './options.js';
import { anovaF, matchClusters, relabel } from './stats.js';

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
    | {
        assignment: Int32Array;
        sizes: Int32Array;
        stage1: 'kmeans' | 'minibatch' | 'distinct';
        /** The centres (scaled coordinates), one row each: a streamed report places every row. */
        centres: FeatureMatrix;
      }
    | undefined;
  /** Hierarchical labels per row, matched to the k-means ids; -1 for rows not clustered. */
  hclustLabels: Int32Array;
  pca: PCAResult;
  /** The UMAP map of the scaled features, when the report draws one (the `projection` option). */
  umap: UMAPResult | undefined;
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
  /** With the `density` option: HDBSCAN and what the report shows of it (density.ts). */
  density: ReportDensity | undefined;
  /** When the feature columns form an image: what the Images section shows (image.ts). */
  image: ReportImage | undefined;
  /**
   * A report of data streamed past the memory budget (stream.ts): the rows in all, the passes,
   * the cluster sizes and inertia of all rows. The analysis's rows (`n`) are then its sample.
   */
  stream?: StreamInfo;
}

/** What a streamed report (stream.ts) computed on all rows, and how. */
export interface StreamInfo {
  /** Rows read (after dropped rows). */
  rows: number;
  /** Rows of the seeded sample the analysis saw. */
  sampleRows: number;
  /** Passes over the data: moments and sample, mini-batch epochs (PCA in the first), labels. */
  passes: number;
  /** Passes of mini-batch k-means steps (one step per chunk). */
  epochs: number;
  /** Chunks per pass. */
  chunks: number;
  /** Rows per k-means cluster, over all rows (final centres). */
  sizes: Int32Array;
  /** Sum of squared distances of all rows to their final centres. */
  inertia: number;
  /** Why the data was streamed, e.g. 'about 1.2 GB needed, budget 300 MB (--max-memory)'. */
  reason: string;
  /** Scaling parameters taken from the sample rather than all rows ('robust'). */
  scalingFromSample: boolean;
  /** Missing values imputed from the sample ('median'), else from all rows or none. */
  imputedFromSample: boolean;
}

/** The fits a streamed report made on all rows, used by `analyse` on the sample (stream.ts). */
export interface StreamedFits {
  /** The scaling of all rows, applied to the sample. */
  scaling: ScaleResult;
  /** k and where it came from (chooseClusterCount on the scaled sample). */
  choice: ClusterCount;
  /** The final mini-batch centres; labels of the sample rows. */
  kmeans: KMeansResult;
  /** PCA of all rows; scores of the sample rows. */
  pca: PCAResult;
  info: StreamInfo;
}

/** What the charts of a report need of its analysis besides `ReportAnalysis`. */
export interface AnalysisWork {
  /** The data analysed: its feature columns reduced to `maxFeatures`. */
  dataset: Dataset;
  /** z-scores of the original features. */
  zscores: FeatureMatrix;
  /** Clusters of the hierarchical cut: k, or fewer when it clustered fewer rows. */
  hk: number;
  /** The k-means id of every hierarchical cluster (Hungarian matching). */
  map: Int32Array;
  /** The k-means labels of the rows the hierarchical clustering saw. */
  kmOnH: Int32Array;
  /** The matched hierarchical labels of those rows. */
  hMatched: Int32Array;
  /** Cluster ids the charts colour: k, or more when a hierarchical cluster matched none. */
  kAll: number;
  /** The rows of the silhouettes (all rows unless sampled). */
  silhouetteRows: Int32Array;
  /** The held-out label of every row as an index into `labelNames`, when there is a label. */
  labelCodes: Int32Array | undefined;
  /** The held-out labels, sorted. */
  labelNames: string[];
}

/** The analysis of a report, and what its charts need besides. */
export interface Analysed {
  analysis: ReportAnalysis;
  work: AnalysisWork;
}

/**
 * Keep the `max` columns of highest variance (ties by column order), in their order: the
 * standard deviation of each column is computed on the column divided by its power-of-two
 * magnitude unit and scaled back, so that columns near 1e300 compare without overflow. A NaN
 * (rejected later by the scaling, with its row and column) counts as the highest.
 */
export function reduceWidth(
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
 * Run the analysis on `dataset` (its width already reduced, by `reduction`) with the resolved
 * options `o`; the options and given fits are already checked against the data.
 */
export function analyse(
  dataset: Dataset,
  o: ResolvedReportOptions,
  reduction: ReportAnalysis['widthReduction'],
  layout?: ImageLayout,
  streamed?: StreamedFits,
): Analysed {
  const n = dataset.features.rows;
  const prepared = prepare(dataset, o, streamed?.scaling);
  const Xs = prepared.scaling.scaled;
  const choice = streamed?.choice ?? chooseClusterCount(Xs, o);
  const k = choice.k;
  // chooseK fitted every candidate with the same options and seed: reuse its fit when it saw all rows
  const reuse = choice.rows.length === n ? choice.result?.fits.find((f) => f.k === k) : undefined;
  const km =
    streamed?.kmeans ?? o.kmeans ?? reuse ?? kmeans(Xs, { k, seed: o.seed, nInit: o.nInit });
  const tree = fitHierarchical(Xs, o, k);
  const matched = matchHierarchical(km.labels, tree, k);
  const p = streamed?.pca ?? o.pca ?? pca(Xs, { components: Math.min(n, Xs.cols) });
  const map = reportHasUmap(o.projection, n, Xs.cols) ? umap(Xs, { seed: o.seed }) : undefined;
  const sil = silhouettes(Xs, km.labels, k, o);
  // F is unchanged by scaling a column; the z-scores keep sums of squares finite at any magnitude
  const F = anovaF(prepared.Z.data, n, Xs.cols, km.labels, k);
  const ariHclust = adjustedRandIndex(matched.kmOnH, matched.hMatched);
  const { labelCodes, labelNames } = labelCodesOf(dataset);
  const ariLabel = labelCodes ? adjustedRandIndex(labelCodes, km.labels) : undefined;
  const density = o.density
    ? densityClustering(
        {
          Xs,
          X: dataset.features,
          Z: prepared.Z,
          kmeansLabels: km.labels,
          k,
          labelCodes,
          silhouetteMaxRows: o.silhouetteMaxRows,
          seed: o.seed,
        },
        o.density,
      )
    : undefined;
  let image: ReportImage | undefined;
  if (layout !== undefined) {
    const picked = imageRows(labelCodes, labelNames, km.labels, k, clusterId);
    image = imageAnalysis(dataset.features, layout, picked.rows, picked.reasons);
  }
  const analysis: ReportAnalysis = {
    n,
    features: [...dataset.columns],
    k,
    kSource: choice.source,
    given: (['kmeans', 'hclust', 'pca'] as const).filter((f) => o[f] !== undefined),
    kChoice: choice.result,
    kChoiceRows: choice.rows.length,
    scaling: prepared.scaling.toJSON(),
    kmeans: km,
    hclust: tree.hc,
    hclustRows: tree.rows,
    twoStage: tree.two,
    hclustLabels: matched.hclustLabels,
    pca: p,
    umap: map,
    silhouette: sil.values,
    silhouetteMean: sil.mean,
    silhouetteRows: sil.rows.length,
    anovaF: F,
    varianceSpread: prepared.spread,
    ariHclust,
    ariLabel,
    widthReduction: reduction,
    density,
    image,
    ...(streamed ? { stream: streamed.info } : {}),
  };
  const work: AnalysisWork = {
    dataset,
    zscores: prepared.Z,
    hk: tree.hk,
    map: matched.map,
    kmOnH: matched.kmOnH,
    hMatched: matched.hMatched,
    kAll: matched.kAll,
    silhouetteRows: sil.rows,
    labelCodes,
    labelNames,
  };
  return { analysis, work };
}

/**
 * The features scaled as the `scale` option says; the variance spread of unscaled features
 * (warned about); the z-scores of the original features.
 */
function prepare(dataset: Dataset, o: ResolvedReportOptions, fitted?: ScaleResult) {
  const X = dataset.features;
  const scaling = fitted ?? scale(dataset, { method: o.scale, columns: dataset.columns });
  // unscaled features of very unequal variances: one of them decides the distances
  let spread = o.scale === 'none' ? varianceSpread(X, dataset.columns) : undefined;
  if (spread !== undefined && !(spread.ratio >= VARIANCE_RATIO_WARNING)) spread = undefined;
  if (spread !== undefined) {
    warn(
      `buildReport: ${describeVarianceSpread(spread)}; scale 'standard' weighs the features equally.`,
    );
  }
  return { scaling, spread, Z: standardize(X) };
}

/**
 * k, and where it came from: the given k-means fit, the `k` option as a number, or the criteria
 * over the given range, 2..kMax, or the default range for the rows they see. The criteria are
 * computed when they choose k, and for comparison when they see all rows.
 */
export function chooseClusterCount(Xs: FeatureMatrix, o: ResolvedReportOptions): ClusterCount {
  const n = Xs.rows;
  // k is chosen by the criteria unless it is given, as a number or by a k-means fit
  const choose = o.kmeans === undefined && typeof o.k !== 'number';
  const source: ReportAnalysis['kSource'] =
    o.kmeans !== undefined ? 'fit' : choose ? 'recommended' : 'given';
  const rows = sampleRows(n, o.chooseKMaxRows, o.seed);
  const range: KRange | undefined = isKRange(o.k)
    ? o.k
    : o.kMax !== undefined
      ? [2, Math.min(o.kMax, rows.length - 1)]
      : defaultKRange(rows.length);
  if (isKRange(o.k) && o.k[1] > rows.length) {
    throw new OptionError(
      `k = ${o.k[0]}..${o.k[1]} needs at least ${o.k[1]} rows` +
        (rows.length < n ? ` in the sample of ${rows.length}` : '') +
        `; the data has n=${n}. Give a range up to ${rows.length - 1}.`,
    );
  }
  const result =
    (choose || rows.length === n) && range !== undefined && range[1] >= 2
      ? chooseK(rows.length === n ? Xs : takeRows(Xs, rows), {
          ...(isKRange(o.k) || o.kMax !== undefined ? { k: range } : {}),
          seed: o.seed,
          nInit: o.nInit,
        })
      : undefined;
  if (choose && result === undefined) {
    throw new OptionError(
      `k='auto' needs at least 3 rows to compare k = 2..; the data has n=${n}.`,
    );
  }
  const k =
    o.kmeans !== undefined ? o.kmeans.k : typeof o.k === 'number' ? o.k : result!.recommended;
  if (k > n) throw new OptionError(`n_samples=${n} should be >= k=${k}.`);
  return { source, rows, result, k };
}

/** k of a report and where it came from (`chooseClusterCount`). */
export interface ClusterCount {
  source: ReportAnalysis['kSource'];
  /** The rows the criteria saw. */
  rows: Int32Array;
  result: ChooseKResult | undefined;
  k: number;
}

/** The hierarchical clustering of a report and its cut into (at most) k clusters. */
interface Tree {
  /** The rows it clustered (all rows unless sampled). */
  rows: Int32Array;
  hc: HClustResult;
  /** Clusters of the cut. */
  hk: number;
  /** The cluster of every row of `rows`, as the cut numbers them. */
  labels: Int32Array;
  two: ReportAnalysis['twoStage'];
}

/**
 * The tree: in two stages on all rows (its leaves are centres), the caller's, or built on the
 * rows or a seeded sample of `hclustMaxRows` of them; cut into k clusters, or fewer leaves.
 */
function fitHierarchical(Xs: FeatureMatrix, o: ResolvedReportOptions, k: number): Tree {
  const n = Xs.rows;
  if (o.twoStage !== false) {
    // every row, through its centre: the tree's leaves are centres
    const hk = Math.min(k, o.twoStage);
    const ts = twoStage(Xs, {
      centres: o.twoStage,
      method: o.method,
      k: hk,
      seed: o.seed,
    });
    return {
      rows: sampleRows(n, n, o.seed),
      hc: ts.tree,
      hk,
      labels: ts.labels,
      two: { assignment: ts.assignment, sizes: ts.sizes, stage1: ts.stage1, centres: ts.centres },
    };
  }
  if (o.hclust !== undefined) {
    const hk = Math.min(k, n);
    const hc = o.hclust;
    return { rows: sampleRows(n, n, o.seed), hc, hk, labels: hc.cut({ k: hk }), two: undefined };
  }
  const rows = sampleRows(n, o.hclustMaxRows, o.seed);
  const hc = hclust(rows.length === n ? Xs : takeRows(Xs, rows), { method: o.method });
  const hk = Math.min(k, rows.length);
  return { rows, hc, hk, labels: hc.cut({ k: hk }), two: undefined };
}

/**
 * The hierarchical clusters renamed after the k-means clusters they overlap most (Hungarian
 * matching): their labels on the rows clustered, and on every row (-1 for rows not clustered).
 */
function matchHierarchical(kmLabels: Int32Array, tree: Tree, k: number) {
  const n = kmLabels.length;
  const hRows = tree.rows;
  const kmOnH = hRows.length === n ? kmLabels : Int32Array.from(hRows, (i) => kmLabels[i]!);
  const map = matchClusters(kmOnH, tree.labels, k, tree.hk);
  const hMatched = relabel(tree.labels, map);
  const hclustLabels = new Int32Array(n).fill(-1);
  hRows.forEach((row, t) => {
    hclustLabels[row] = hMatched[t]!;
  });
  const kAll = Math.max(k, ...Array.from(map, (m) => m + 1));
  return { kmOnH, map, hMatched, hclustLabels, kAll };
}

/**
 * The silhouette of every row of a seeded sample of `silhouetteMaxRows` (NaN for the others),
 * and their mean; NaN throughout when there are fewer than 2 clusters, or only singletons.
 */
function silhouettes(Xs: FeatureMatrix, labels: Int32Array, k: number, o: ResolvedReportOptions) {
  const { rows: n, cols: d } = Xs;
  const rows = sampleRows(n, o.silhouetteMaxRows, o.seed);
  const values = new Float64Array(n).fill(Number.NaN);
  let mean = Number.NaN;
  if (k >= 2) {
    const Xsil = rows.length === n ? Xs : takeRows(Xs, rows);
    const lsil = rows.length === n ? labels : Int32Array.from(rows, (i) => labels[i]!);
    const distinct = new Set(lsil).size;
    if (distinct >= 2 && distinct < rows.length) {
      // O(n^2 d) time but O(n (k + d)) memory: the rows and the per-cluster sums
      checkMemory({
        what: `silhouettes of ${rows.length} rows`,
        bytes: estimate.block(rows.length, k + d + 2),
        budget: memoryBudget(),
        options: [
          message`compute them on a seeded sample of the rows (${option('silhouetteMaxRows', 'N', { placeholder: true })})`,
          RAISE_BUDGET,
        ],
      });
      const s = silhouetteSamples(Xsil, lsil);
      let sum = 0;
      rows.forEach((row, t) => {
        values[row] = s[t]!;
        sum += s[t]!;
      });
      mean = sum / rows.length;
    }
  }
  return { rows, values, mean };
}

/** The held-out label of every row as an index into the sorted labels, when there is a label. */
function labelCodesOf(dataset: Dataset): {
  labelCodes: Int32Array | undefined;
  labelNames: string[];
} {
  if (!dataset.labels) return { labelCodes: undefined, labelNames: [] };
  const labelNames = [...new Set(dataset.labels)].sort();
  const index = new Map(labelNames.map((l, i) => [l, i]));
  return { labelCodes: Int32Array.from(dataset.labels, (l) => index.get(l)!), labelNames };
}
