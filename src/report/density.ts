/**
 * The density clustering of a report (the `density` option): HDBSCAN of the scaled features,
 * its clusters renamed after the k-means clusters they overlap most (Hungarian matching on the
 * rows that are not noise, as the hierarchical clusters are), the k-distance curve, and the
 * statistics of its clusters computed without the noise rows: silhouettes (on a seeded sample of
 * `silhouetteMaxRows` of those rows above that many), per-cluster means and the ANOVA F. The
 * adjusted Rand indices with k-means and with the held-out label count the noise as one group.
 */
import { hdbscan, type HDBSCANResult, knnDistances } from '../cluster/density/index.js';
import type { FeatureMatrix } from '../data/dataset.js';
import { adjustedRandIndex } from '../metrics/rand.js';
import { silhouetteSamples } from '../metrics/silhouette.js';
import { OptionError } from '../util/errors.js';
import { clusterMeans, sampleRows, takeRows } from './columns.js';
import type { ResolvedDensityOptions } from './options.js';
import { anovaF, matchClusters, relabel } from './stats.js';

/** The density clustering of a report. */
export interface ReportDensity {
  /** The HDBSCAN fit (its own cluster numbers). */
  fit: HDBSCANResult;
  /** The cluster of every row renamed after the k-means clusters (colour ids), -1 for noise. */
  labels: Int32Array;
  /** The colour id of each HDBSCAN cluster. */
  map: Int32Array;
  /** Colour ids in use: k, or more when an HDBSCAN cluster matched no k-means cluster. */
  kAll: number;
  /** The k of the k-distance curve: minSamples - 1 (at least 1). */
  kDistanceK: number;
  /** Each row's distance to its kDistanceK-th nearest other row (`knnDistances`). */
  kDistances: Float64Array;
  /** Rows that are not noise. */
  clustered: Int32Array;
  /** Silhouette of every row (NaN for noise and rows outside the sample). */
  silhouette: Float64Array;
  silhouetteMean: number;
  /** Rows the silhouettes were computed on (a sample of the clustered rows above `silhouetteMaxRows`). */
  silhouetteRows: number;
  /** Mean silhouette of each colour id (NaN where there is none). */
  silhouetteByCluster: Float64Array;
  /** Rows of each colour id. */
  sizes: Int32Array;
  /** Per colour id: the mean z-score and the mean of each feature, over its rows. */
  meanZ: number[][];
  mean: number[][];
  /** ANOVA F of each feature over the clustered rows. */
  anovaF: Float64Array;
  /** Adjusted Rand index with k-means, and with the held-out label (noise as one group). */
  ariKmeans: number;
  ariLabel: number | undefined;
}

/** What the density clustering of a report works on. */
export interface DensityInput {
  /** The scaled features. */
  Xs: FeatureMatrix;
  /** The original features and their z-scores (profiles). */
  X: FeatureMatrix;
  Z: FeatureMatrix;
  kmeansLabels: Int32Array;
  k: number;
  labelCodes: Int32Array | undefined;
  silhouetteMaxRows: number;
  seed: number;
}

/** HDBSCAN of the scaled features and what the report shows of it (see the file header). */
export function densityClustering(input: DensityInput, o: ResolvedDensityOptions): ReportDensity {
  const { Xs, k } = input;
  const n = Xs.rows;
  if (o.minSamples > n) {
    throw new OptionError(
      `The 'density.minSamples' option of buildReport must be at most the number of rows (${n}). Got ${o.minSamples} instead.`,
    );
  }
  const fit = hdbscan(Xs, { minClusterSize: o.minClusterSize, minSamples: o.minSamples });
  const m = fit.nClusters;
  const clustered = new Int32Array(n - fit.nNoise);
  for (let i = 0, t = 0; i < n; i++) if (fit.labels[i]! >= 0) clustered[t++] = i;
  const kmOn = Int32Array.from(clustered, (i) => input.kmeansLabels[i]!);
  const dOn = Int32Array.from(clustered, (i) => fit.labels[i]!);
  const map = matchClusters(kmOn, dOn, k, m);
  const labels = relabel(fit.labels, map);
  let kAll = k;
  for (let c = 0; c < m; c++) if (map[c]! + 1 > kAll) kAll = map[c]! + 1;
  const kDistanceK = Math.max(1, o.minSamples - 1);
  const kDistances = knnDistances(Xs, { k: Math.min(kDistanceK, n - 1) });
  const onClustered = relabel(dOn, map);
  const sil = silhouettes(input, clustered, onClustered, kAll);
  const sizes = new Int32Array(kAll);
  for (let t = 0; t < onClustered.length; t++) sizes[onClustered[t]!]!++;
  const Zc = takeRows(input.Z, clustered);
  const meanZ = clusterMeans(Zc, onClustered, kAll);
  const mean = clusterMeans(takeRows(input.X, clustered), onClustered, kAll);
  const F =
    clustered.length > 0
      ? anovaF(Zc.data, clustered.length, Zc.cols, onClustered, kAll)
      : new Float64Array(Zc.cols).fill(Number.NaN);
  // noise as one more group
  const withNoise = Int32Array.from(labels, (l) => (l < 0 ? kAll : l));
  return {
    fit,
    labels,
    map,
    kAll,
    kDistanceK,
    kDistances,
    clustered,
    ...sil,
    sizes,
    meanZ,
    mean,
    anovaF: F,
    ariKmeans: adjustedRandIndex(input.kmeansLabels, withNoise),
    ariLabel: input.labelCodes ? adjustedRandIndex(input.labelCodes, withNoise) : undefined,
  };
}

/** Silhouettes of the clustered rows (a seeded sample above `silhouetteMaxRows`), noise left out. */
function silhouettes(
  input: DensityInput,
  clustered: Int32Array,
  labels: Int32Array,
  kAll: number,
): Pick<ReportDensity, 'silhouette' | 'silhouetteMean' | 'silhouetteRows' | 'silhouetteByCluster'> {
  const n = input.Xs.rows;
  const silhouette = new Float64Array(n).fill(Number.NaN);
  const silhouetteByCluster = new Float64Array(kAll).fill(Number.NaN);
  const picks = sampleRows(clustered.length, input.silhouetteMaxRows, input.seed);
  const rows = Int32Array.from(picks, (t) => clustered[t]!);
  const lab = Int32Array.from(picks, (t) => labels[t]!);
  const distinct = new Set(lab).size;
  if (!(distinct >= 2 && distinct < rows.length)) {
    return { silhouette, silhouetteMean: Number.NaN, silhouetteRows: 0, silhouetteByCluster };
  }
  const s = silhouetteSamples(takeRows(input.Xs, rows), lab);
  const sums = new Float64Array(kAll);
  const counts = new Int32Array(kAll);
  let sum = 0;
  for (let t = 0; t < rows.length; t++) {
    silhouette[rows[t]!] = s[t]!;
    sum += s[t]!;
    sums[lab[t]!]! += s[t]!;
    counts[lab[t]!]!++;
  }
  for (let c = 0; c < kAll; c++) if (counts[c]! > 0) silhouetteByCluster[c] = sums[c]! / counts[c]!;
  return {
    silhouette,
    silhouetteMean: sum / rows.length,
    silhouetteRows: rows.length,
    silhouetteByCluster,
  };
}
