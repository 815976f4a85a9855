/**
 * The results of a report as data: NAME.json (`reportJSON`: labels, linkage, leaf order, PCA
 * model, the UMAP map when the report drew one, metrics, the table of k, HDBSCAN with the
 * `density` option, the image section's numbers when the features form an image) and NAME.labels.csv
 * (`reportLabelsCsv`: the labels file of src/report/labels-csv.ts with the scores on PC1 and PC2).
 */
import { clusterId, NOISE_ID } from '../charts/palette.js';
import type { UMAPResult } from '../projection/umap/index.js';
import type { ReportAnalysis } from './analyse.js';
import type { ReportDensity } from './density.js';
import { labelsCsv } from './labels-csv.js';
import type { Manifest } from './manifest.js';
import type { Report } from './model.js';

/** The results of the analysis `a` as plain JSON (no NaN, no Infinity: null and 'Infinity'). */
export function reportJSON(
  a: ReportAnalysis,
  manifest: Manifest,
  ids: string[],
): Record<string, unknown> {
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
    ...(a.umap ? { umap: a.umap.toJSON() } : {}),
    metrics: {
      silhouetteMean: nan(a.silhouetteMean),
      silhouetteRows: a.silhouetteRows,
      silhouette: Array.from(a.silhouette, nan),
      // JSON has no Infinity: a feature constant within every cluster is 'Infinity'
      anovaF: Array.from(a.anovaF, (f) => (f === Infinity ? 'Infinity' : nan(f))),
      adjustedRandIndex: { kmeansVsHierarchical: a.ariHclust, kmeansVsLabel: a.ariLabel ?? null },
    },
    ...(a.density ? { density: densityJSON(a.density) } : {}),
    ...(a.image
      ? {
          image: {
            width: a.image.width,
            height: a.image.height,
            rule: a.image.rule,
            components: a.image.allComponents,
            mean: Array.from(a.image.mean),
            eigenImages: a.image.components.map((c) => Array.from(c)),
            explainedVarianceRatio: Array.from(a.image.ratios),
            k: a.image.ks,
            explainedVariance: a.image.explained,
            rmse: a.image.rmse,
            rows: a.image.rows.map((i) => ids[i]!),
          },
        }
      : {}),
    chooseK: a.kChoice ? { ...a.kChoice.toJSON(), rows: a.kChoiceRows } : null,
    ...(a.stream
      ? {
          stream: {
            rows: a.stream.rows,
            sampleRows: a.stream.sampleRows,
            passes: a.stream.passes,
            epochs: a.stream.epochs,
            chunks: a.stream.chunks,
            sizes: Array.from(a.stream.sizes),
            inertia: a.stream.inertia,
            scalingFromSample: a.stream.scalingFromSample,
            imputedFromSample: a.stream.imputedFromSample,
          },
        }
      : {}),
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

/**
 * The HDBSCAN results: labels as the report names them (the k-means colour ids, 'noise' for
 * noise), the fit's own labels (-1 for noise), membership probabilities, GLOSH outlier scores,
 * core distances, the clusters of the condensed tree, and the statistics without the noise.
 */
function densityJSON(dn: ReportDensity): Record<string, unknown> {
  const nan = (x: number) => (Number.isFinite(x) ? x : null);
  const fit = dn.fit;
  const cl = fit.clusters;
  return {
    method: 'hdbscan',
    minClusterSize: fit.minClusterSize,
    minSamples: fit.minSamples,
    nClusters: fit.nClusters,
    nNoise: fit.nNoise,
    labels: Array.from(dn.labels, (l) => (l < 0 ? NOISE_ID : clusterId(l))),
    hdbscanLabels: Array.from(fit.labels),
    clusterIds: Array.from(dn.map, (id) => clusterId(id)),
    probabilities: Array.from(fit.probabilities, nan),
    outlierScores: Array.from(fit.outlierScores, nan),
    coreDistances: Array.from(fit.coreDistances, nan),
    stabilities: Array.from(fit.stabilities, nan),
    condensedTree: {
      parent: Array.from(cl.parent),
      birth: Array.from(cl.birth, nan),
      death: Array.from(cl.death, nan),
      stability: Array.from(cl.stability, nan),
      size: Array.from(cl.size),
      label: Array.from(cl.label),
    },
    kDistance: { k: dn.kDistanceK, distances: Array.from(dn.kDistances, nan) },
    metrics: {
      // without the noise rows
      silhouetteMean: nan(dn.silhouetteMean),
      silhouetteRows: dn.silhouetteRows,
      silhouette: Array.from(dn.silhouette, nan),
      anovaF: Array.from(dn.anovaF, (f) => (f === Infinity ? 'Infinity' : nan(f))),
      // the noise as one group
      adjustedRandIndex: { hdbscanVsKmeans: dn.ariKmeans, hdbscanVsLabel: dn.ariLabel ?? null },
    },
  };
}

/**
 * The report's labels file (src/report/labels-csv.ts), with the scores on PC1 and PC2 and, when
 * the report drew the UMAP map, each row's place on it (UMAP1, UMAP2).
 */
export function reportLabelsCsv(report: Report): string {
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
      clusterings: {
        kmeans: a.kmeans.labels,
        hierarchical: a.hclustLabels,
        ...(a.density ? { hdbscan: a.density.labels } : {}),
      },
      extra: [
        { name: 'PC1', values: pcColumn(0) },
        { name: 'PC2', values: pcColumn(1) },
        ...(a.umap ? umapColumns(a.umap) : []),
      ],
    },
  );
}

/** The map's coordinates of every row, as the labels file's UMAP1, UMAP2 columns. */
function umapColumns(u: UMAPResult): { name: string; values: Float64Array }[] {
  const { rows, cols, data } = u.embedding;
  return Array.from({ length: Math.min(cols, 2) }, (_, c) => {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = data[i * cols + c]!;
    return { name: `UMAP${c + 1}`, values };
  });
}
