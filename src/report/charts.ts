/**
 * The charts of a report (src/charts): the table of samples they share, then the criteria of k,
 * the scree, biplot, contributions and projection of PCA, the dendrogram with the held-out label
 * under its leaves, the silhouettes, the cluster profiles and the agreement tables; with the
 * `density` option, the HDBSCAN projection (noise in grey), its condensed tree, the k-distance
 * curve, the profiles of its clusters and its agreement tables (a noise row); when the features
 * form an image, the mean image with the eigen-images and the reconstructions at several k.
 */
import type { TopLevelSpec } from 'vega-lite';
import { agreementSpec, type AgreementTable } from '../charts/agreement.js';
import { biplotSpec } from '../charts/biplot.js';
import { chooseKSpec } from '../charts/choose-k.js';
import { contributionSpec, featureContributions } from '../charts/contrib.js';
import { dendrogramSpec } from '../charts/dendrogram.js';
import { exploreSpec } from '../charts/explore.js';
import { condensedTreeSpec } from '../charts/condensed-tree.js';
import { densityProjectionSpec } from '../charts/density-projection.js';
import { kDistanceSpec } from '../charts/kdistance.js';
import { clusterId, clusterIds, NOISE_ID } from '../charts/palette.js';
import { MAX_PROFILE_FEATURES, orderByF, profilesSpec } from '../charts/profiles.js';
import { binDensity, MAX_TOOLTIP_FEATURES } from '../charts/projection.js';
import { type SampleTable, sampleTable } from '../charts/samples.js';
import { screeSpec } from '../charts/scree.js';
import { silhouetteSpec } from '../charts/silhouette.js';
import { umapSpec } from '../charts/umap.js';
import { eigenImagesSpec, reconstructionsSpec } from '../charts/images.js';
import { dendrogram } from '../cluster/hclust/dendrogram.js';
import type { HClustResult } from '../cluster/hclust/tree.js';
import type { AnalysisWork, ReportAnalysis } from './analyse.js';
import { clusterMeans, sampleRows } from './columns.js';
import type { ReportChart } from './html.js';
import type { ReportDensity } from './density.js';
import type { ReportImage } from './image.js';
import type { ResolvedReportOptions } from './options.js';
import { crossTable } from './stats.js';

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
  'umap',
  'dendrogram',
  'silhouette',
  'profiles',
  'agreement',
  'density-projection',
  'condensed-tree',
  'k-distance',
  'density-profiles',
  'density-agreement',
  'image-components',
  'image-reconstructions',
] as const;

/** The name of a chart of the report. */
export type ReportChartName = (typeof REPORT_CHARTS)[number];

/** The charts of a report by name, in the order they were made. */
export type ChartSet = Partial<Record<ReportChartName, ReportChart>>;

/** What the chart steps share. */
interface ChartContext {
  a: ReportAnalysis;
  w: AnalysisWork;
  o: ResolvedReportOptions;
  ids: string[];
  table: SampleTable;
  /** Scores of every row on PC1 and PC2 (0 when there is one component). */
  pc1: Float64Array;
  pc2: Float64Array;
  labelName: string;
  idName: string;
  /** The renderer of the charts with a mark per row. */
  renderer: 'svg' | 'canvas';
  add: (name: ReportChartName, spec: TopLevelSpec, r?: 'svg' | 'canvas') => void;
}

/** The charts of the analysis `a`, and the table of samples they draw. */
export function reportCharts(
  a: ReportAnalysis,
  w: AnalysisWork,
  o: ResolvedReportOptions,
  ids: string[],
): { charts: ChartSet; table: SampleTable } {
  const { table, pc1, pc2 } = chartTable(a, w, o, ids);
  const charts: ChartSet = {};
  const c: ChartContext = {
    a,
    w,
    o,
    ids,
    table,
    pc1,
    pc2,
    labelName: w.dataset.labelColumn ?? 'label',
    idName: w.dataset.idColumn ?? 'row',
    renderer: a.n > o.canvasAbove ? 'canvas' : 'svg',
    add: (name, spec, r = 'svg') => {
      charts[name] = { name, spec, renderer: r };
    },
  };
  addChooseK(c);
  addPca(c);
  addDendrogram(c);
  if (table.hasSilhouette) {
    c.add(
      'silhouette',
      silhouetteSpec(table, { idName: c.idName, mean: a.silhouetteMean }),
      c.renderer,
    );
  }
  addProfiles(c);
  addAgreement(c);
  if (a.density) addDensity(c, a.density);
  if (a.image) addImages(c, a.image);
  return { charts, table };
}

/**
 * The table of samples the charts share, and the scores on PC1 and PC2. Above densityAbove
 * rows, the points are a seeded sample; the silhouettes may be of another (nested: both are
 * prefixes of one seeded permutation). The table holds the union, and flags the points when some
 * of its rows are there for the silhouette plot only.
 */
function chartTable(a: ReportAnalysis, w: AnalysisWork, o: ResolvedReportOptions, ids: string[]) {
  const n = a.n;
  const dataset = w.dataset;
  const sRows = w.silhouetteRows;
  const pointSample = n > o.densityAbove ? sampleRows(n, o.densitySample, o.seed) : undefined;
  const withSilhouettes = a.k >= 2 && !Number.isNaN(a.silhouetteMean);
  let tableRows = pointSample;
  if (pointSample && withSilhouettes && sRows.length < n) {
    const union = new Set<number>(pointSample);
    for (const i of sRows) union.add(i);
    if (union.size > pointSample.length) tableRows = Int32Array.from(union).sort();
  }
  const pointsOnly = tableRows !== pointSample ? pointSample : undefined;
  // the features the tooltips list and the selection profile folds: the most separating ones
  const byF = orderByF(a.anovaF);
  const p = a.pca;
  const pc1 = new Float64Array(n);
  const pc2 = new Float64Array(n);
  const kc = p.scores.cols;
  for (let i = 0; i < n; i++) {
    pc1[i] = p.scores.data[i * kc]!;
    pc2[i] = kc > 1 ? p.scores.data[i * kc + 1]! : 0;
  }
  const map = a.umap?.embedding;
  const table = sampleTable(
    {
      ids,
      clusters: a.kmeans.labels,
      hclusters: a.hclustLabels,
      ...(dataset.labels ? { labels: dataset.labels } : {}),
      pc1,
      pc2,
      ...(map ? umapColumns(map.data, map.cols, n) : {}),
      ...(withSilhouettes ? { silhouette: a.silhouette } : {}),
      features: dataset.columns,
      original: dataset.features.data,
      zscores: w.zscores.data,
      ...(tableRows ? { subset: tableRows } : {}),
      ...(pointsOnly ? { points: pointsOnly } : {}),
      tipColumns: byF.slice(0, MAX_TOOLTIP_FEATURES),
      zColumns: byF.slice(0, MAX_PROFILE_FEATURES),
    },
    w.kAll,
  );
  if (a.stream !== undefined) table.population = a.stream.rows;
  return { table, pc1, pc2 };
}

/** The first two coordinates of every row on the UMAP map (0 for a 1-D map). */
function umapColumns(data: Float64Array, cols: number, n: number) {
  const umap1 = new Float64Array(n);
  const umap2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    umap1[i] = data[i * cols]!;
    umap2[i] = cols > 1 ? data[i * cols + 1]! : 0;
  }
  return { umap1, umap2 };
}

/** The criteria of k, when they were computed. */
function addChooseK(c: ChartContext): void {
  const kChoice = c.a.kChoice;
  if (!kChoice) return;
  c.add(
    'choose-k',
    chooseKSpec({
      table: kChoice.table,
      picks: kChoice.picks,
      chosen: c.a.k,
      recommended: c.a.kSource === 'recommended',
      ...(kChoice.structure?.gapAtOne ? { gapAtOne: kChoice.structure.gapAtOne } : {}),
    }),
  );
}

/** The scree; with two components or more, the biplot, the contributions and the projection. */
function addPca(c: ChartContext): void {
  const { a, w, o, table } = c;
  const p = a.pca;
  c.add('scree', screeSpec(p.explainedVarianceRatio));
  if (p.scores.cols < 2) return;
  const variance: [number, number] = [
    p.explainedVarianceRatio[0] ?? 0,
    p.explainedVarianceRatio[1] ?? 0,
  ];
  c.add(
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
        labelName: c.labelName,
        idName: c.idName,
        pointTooltips: a.n <= o.canvasAbove,
        pointNames: w.dataset.idColumn !== undefined,
      },
    ),
    c.renderer,
  );
  c.add(
    'contributions',
    contributionSpec(
      w.dataset.columns,
      featureContributions(
        [p.components[0]!, p.components[1]!],
        [p.explainedVariance[0]!, p.explainedVariance[1]!],
      ),
      { variance },
    ),
  );
  c.add(
    'projection',
    exploreSpec(table, a.anovaF, {
      variance,
      labelName: c.labelName,
      idName: c.idName,
      ...(a.n > o.densityAbove ? { density: binDensity(c.pc1, c.pc2, 60) } : {}),
    }),
    c.renderer,
  );
  if (a.umap && table.hasUmap) {
    c.add(
      'umap',
      umapSpec(table, { variance, labelName: c.labelName, idName: c.idName }),
      c.renderer,
    );
  }
}

/**
 * The dendrogram (truncated above `truncateAbove` leaves), coloured by the matched clusters of
 * its cut, with the most common held-out label of each leaf under it.
 */
function addDendrogram(c: ChartContext): void {
  const { a, w, o } = c;
  const hc = a.hclust;
  const hRows = a.hclustRows;
  const two = a.twoStage;
  const leafIds = two
    ? Array.from(two.sizes, (size) => `(${size})`)
    : hRows.length === a.n
      ? c.ids
      : Array.from(hRows, (i) => c.ids[i]!);
  const truncate = hc.n > o.truncateAbove;
  const layout = dendrogram(hc, {
    truncateMode: truncate ? 'lastp' : 'none',
    p: Math.max(o.lastp, w.hk),
    labels: leafIds,
    cut: { k: w.hk },
  });
  const { labelCodes, labelNames } = w;
  c.add(
    'dendrogram',
    dendrogramSpec(
      {
        icoord: layout.icoord,
        dcoord: layout.dcoord,
        leafLabels: layout.labels,
        leafClusters: layout.leafCluster.map((l) => (l < 0 ? 'above' : clusterId(w.map[l]!))),
        cut: layout.cutHeight!,
        k: w.hk,
        // scipy marks every hidden merge; beyond a few hundred they are clutter, not information
        ...(layout.contracted.length <= 300 ? { contracted: layout.contracted } : {}),
        samples: hRows.length,
        method: hc.method,
        ...(labelCodes
          ? {
              strip: {
                name: c.labelName,
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
}

/** The mean of every feature per k-means cluster, in z-scores and in the data's units. */
function addProfiles(c: ChartContext): void {
  const { a, w } = c;
  if (a.k < 2) return;
  c.add(
    'profiles',
    profilesSpec({
      features: w.dataset.columns,
      k: a.k,
      meanZ: clusterMeans(w.zscores, a.kmeans.labels, a.k),
      mean: clusterMeans(w.dataset.features, a.kmeans.labels, a.k),
      sizes: Array.from(a.kmeans.sizes),
      anovaF: a.anovaF,
    }),
  );
}

/** The cross tables of k-means with the hierarchical clusters, and with the held-out label. */
function addAgreement(c: ChartContext): void {
  const { a, w } = c;
  const agreement: AgreementTable[] = [
    {
      rowsName: 'k-means',
      colsName: 'hierarchical',
      rowIds: clusterIds(a.k),
      colIds: clusterIds(w.kAll),
      counts: crossTable(w.kmOnH, w.hMatched, a.k, w.kAll),
      ari: a.ariHclust,
    },
  ];
  if (w.labelCodes && a.ariLabel !== undefined) {
    agreement.push({
      rowsName: c.labelName,
      colsName: 'k-means',
      rowIds: w.labelNames,
      colIds: clusterIds(a.k),
      counts: crossTable(w.labelCodes, a.kmeans.labels, w.labelNames.length, a.k),
      ari: a.ariLabel,
    });
  }
  c.add('agreement', agreementSpec(agreement));
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
 * The density charts: the projection coloured by the HDBSCAN clusters (noise grey; a seeded
 * sample of `densitySample` rows above `densityAbove`), the condensed tree, the k-distance curve,
 * the profiles of the clusters without the noise, and the cross tables of HDBSCAN (a noise row)
 * with k-means and with the held-out label.
 */
function addDensity(c: ChartContext, dn: ReportDensity): void {
  const { a, w, o } = c;
  const n = a.n;
  const fit = dn.fit;
  const p = a.pca;
  const rows = n > o.densityAbove ? sampleRows(n, o.densitySample, o.seed) : undefined;
  const pick = <T>(values: ArrayLike<T>): T[] =>
    rows ? Array.from(rows, (i) => values[i]!) : Array.from(values);
  c.add(
    'density-projection',
    densityProjectionSpec(
      {
        ids: pick(c.ids),
        pc1: pick(c.pc1),
        pc2: pick(c.pc2),
        labels: pick(dn.labels),
        probabilities: pick(fit.probabilities),
        k: dn.kAll,
      },
      {
        variance: [p.explainedVarianceRatio[0] ?? 0, p.explainedVarianceRatio[1] ?? 0],
        idName: c.idName,
        total: n,
      },
    ),
    c.renderer,
  );
  const cl = fit.clusters;
  c.add(
    'condensed-tree',
    condensedTreeSpec({
      parent: cl.parent,
      birth: cl.birth,
      death: cl.death,
      size: cl.size,
      stability: cl.stability,
      selected: Array.from(cl.label, (l) => (l < 0 ? -1 : dn.map[l]!)),
      k: dn.kAll,
    }),
  );
  c.add('k-distance', kDistanceSpec(dn.kDistances, dn.kDistanceK), c.renderer);
  if (fit.nClusters >= 2) {
    c.add(
      'density-profiles',
      profilesSpec({
        features: w.dataset.columns,
        k: dn.kAll,
        meanZ: dn.meanZ,
        mean: dn.mean,
        sizes: Array.from(dn.sizes),
        anovaF: dn.anovaF,
      }),
    );
  }
  // rows: the colour ids of the HDBSCAN clusters, then the noise
  const used: number[] = [];
  for (let id = 0; id < dn.kAll; id++) if (dn.sizes[id]! > 0) used.push(id);
  const rowOf = new Int32Array(dn.kAll + 1).fill(-1);
  used.forEach((id, r) => {
    rowOf[id] = r;
  });
  rowOf[dn.kAll] = used.length;
  const rowCodes = Int32Array.from(dn.labels, (l) => rowOf[l < 0 ? dn.kAll : l]!);
  const rowIds = [...used.map((id) => clusterId(id)), NOISE_ID];
  const agreement: AgreementTable[] = [
    {
      rowsName: 'HDBSCAN',
      colsName: 'k-means',
      rowIds,
      colIds: clusterIds(a.k),
      counts: crossTable(rowCodes, a.kmeans.labels, rowIds.length, a.k),
      ari: dn.ariKmeans,
    },
  ];
  if (w.labelCodes && dn.ariLabel !== undefined) {
    agreement.push({
      rowsName: 'HDBSCAN',
      colsName: c.labelName,
      rowIds,
      colIds: w.labelNames,
      counts: crossTable(rowCodes, w.labelCodes, rowIds.length, w.labelNames.length),
      ari: dn.ariLabel,
    });
  }
  c.add('density-agreement', agreementSpec(agreement));
}

/** Rect marks above which an image chart draws on a canvas. */
const IMAGE_SVG_MARKS = 12_000;

/**
 * The image charts: the mean image beside the first eigen-images, and the reconstructions of the
 * rows picked (the first of each label or cluster) at each k, titled with the row's id and why
 * it was picked.
 */
function addImages(c: ChartContext, im: ReportImage): void {
  const d = im.width * im.height;
  const by = c.w.labelCodes ? c.labelName : 'cluster';
  const renderer = (panels: number) => (panels * d > IMAGE_SVG_MARKS ? 'canvas' : 'svg');
  // photographs (a folder of images) light where the values are high; other data as ink on paper
  const dark = c.w.dataset.source.format === 'image' ? 'low' : 'high';
  c.add(
    'image-components',
    eigenImagesSpec(
      {
        width: im.width,
        height: im.height,
        mean: im.mean,
        components: im.components,
        ratios: im.ratios.subarray(0, im.components.length),
      },
      { dark },
    ),
    renderer(im.components.length + 1),
  );
  c.add(
    'image-reconstructions',
    reconstructionsSpec(
      {
        width: im.width,
        height: im.height,
        rows: im.rows.map((i, r) => `${c.idName} ${c.ids[i]} (${by} ${im.rowReasons[r]})`),
        ks: im.ks,
        explained: im.explained,
        pixels: im.reconstructions,
        range: im.range,
      },
      { dark },
    ),
    renderer(im.rows.length * im.ks.length),
  );
}
