/**
 * The per-sample table that the sample-level charts (projection, biplot, silhouette, selection
 * profile) read: one flat record per sample, with fixed field names so that no column name from
 * the user's file ever becomes a Vega-Lite field path or expression. Feature values live under
 * `f0..f{d-1}` (original units) and `z0..z{d-1}` (z-scores); their display names are kept apart
 * in `features` and used only as titles and data values.
 */
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import { clusterId } from './palette.js';

/** One sample as the charts see it. */
export interface SampleRecord {
  /** Row id (the id column, or the 1-based data row number). */
  id: string;
  /** k-means cluster, 'C1'..'Ck'. */
  cluster: string;
  /** Hierarchical cluster after matching to the k-means ids, when hierarchical clustering ran. */
  hcluster?: string;
  /** Held-out label, when there is one. */
  label?: string;
  /** Scores on the first two principal components. */
  pc1: number;
  pc2: number;
  /** Silhouette value of the sample, when computed. */
  silhouette?: number;
  /** Position of the sample in the silhouette plot (sorted within cluster), when computed. */
  spos?: number;
  /** Original feature values `f0..` and z-scores `z0..`. */
  [feature: `f${number}` | `z${number}`]: number;
}

/** Input of `sampleTable`; every array has one entry per sample. */
export interface SampleTableInput {
  /** Row ids. */
  ids: readonly string[];
  /** 0-based k-means labels. */
  clusters: ArrayLike<number>;
  /** 0-based hierarchical labels, already matched to the k-means labels; -1 = not clustered. */
  hclusters?: ArrayLike<number>;
  /** Held-out labels. */
  labels?: readonly string[];
  /** PC1 and PC2 scores. */
  pc1: ArrayLike<number>;
  pc2: ArrayLike<number>;
  /** Silhouette values; NaN = not computed for that sample. */
  silhouette?: ArrayLike<number>;
  /** Names of the features, in column order. */
  features: readonly string[];
  /** Original values, row-major `n x d`. */
  original: ArrayLike<number>;
  /** z-scores, row-major `n x d`. */
  zscores: ArrayLike<number>;
  /** Only these samples (indices, ascending) go into the table. Default: all. */
  subset?: ArrayLike<number>;
}

/** The sample table plus what the charts need to title it. */
export interface SampleTable {
  rows: SampleRecord[];
  /** Display names of `f0..` / `z0..`. */
  features: string[];
  /** Number of k-means clusters. */
  k: number;
  /** True if the records carry `label`. */
  hasLabel: boolean;
  /** True if the records carry `hcluster`. */
  hasHcluster: boolean;
  /** True if the records carry `silhouette` and `spos`. */
  hasSilhouette: boolean;
  /** Number of samples in the data (the table may hold a sample of them). */
  total: number;
}

/** Round to 6 significant digits: enough for any picture, and it keeps reports small. */
export function round6(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(6));
}

/** Every array of the input, of its length (one entry per sample, or n x d). */
function checkSampleTableInput(input: unknown, k: unknown): void {
  const fn = 'sampleTable';
  const i = checkArgument.object(fn, 'input', input) as Record<string, unknown>;
  const n = checkArgument.strings(fn, 'input.ids', i.ids).length;
  const d = checkArgument.strings(fn, 'input.features', i.features).length;
  checkArgument.integer(fn, 'k', k, 0);
  checkArgument.numbers(fn, 'input.clusters', i.clusters, n);
  checkArgument.numbers(fn, 'input.pc1', i.pc1, n);
  checkArgument.numbers(fn, 'input.pc2', i.pc2, n);
  checkArgument.numbers(fn, 'input.original', i.original, n * d);
  checkArgument.numbers(fn, 'input.zscores', i.zscores, n * d);
  if (i.hclusters !== undefined) checkArgument.numbers(fn, 'input.hclusters', i.hclusters, n);
  if (i.labels !== undefined) checkArgument.strings(fn, 'input.labels', i.labels, n);
  if (i.silhouette !== undefined) checkArgument.numbers(fn, 'input.silhouette', i.silhouette, n);
  if (i.subset !== undefined) {
    const subset = checkArgument.numbers(fn, 'input.subset', i.subset);
    for (let t = 0; t < subset.length; t++) {
      const r = subset[t]!;
      if (!Number.isInteger(r) || r < 0 || r >= n) {
        throw new OptionError(
          `The 'input.subset' argument of ${fn} must hold row indices in [0, ${n}); subset[${t}] is ${r}.`,
        );
      }
    }
  }
}

/**
 * Build the sample table. The silhouette position `spos` is the rank of the sample when samples
 * are ordered by cluster, then by silhouette value descending, then by index (over the samples in
 * the table), plus a gap of max(1, round(2% of those samples)) before each cluster but the
 * first, so that neighbouring clusters stay apart in the silhouette plot.
 */
export function sampleTable(input: SampleTableInput, k: number): SampleTable {
  checkSampleTableInput(input, k);
  const n = input.ids.length;
  const d = input.features.length;
  const idx: number[] = [];
  if (input.subset) for (let t = 0; t < input.subset.length; t++) idx.push(input.subset[t]!);
  else for (let i = 0; i < n; i++) idx.push(i);
  const sil = input.silhouette;
  const spos = new Map<number, number>();
  if (sil) {
    const order = idx
      .filter((i) => !Number.isNaN(sil[i]!))
      .sort((a, b) => input.clusters[a]! - input.clusters[b]! || sil[b]! - sil[a]! || a - b);
    const gap = Math.max(1, Math.round(0.02 * order.length));
    let offset = 0;
    order.forEach((i, r) => {
      if (r > 0 && input.clusters[i] !== input.clusters[order[r - 1]!]) offset += gap;
      spos.set(i, r + offset);
    });
  }
  const rows: SampleRecord[] = idx.map((i) => {
    const r: SampleRecord = {
      id: input.ids[i]!,
      cluster: clusterId(input.clusters[i]!),
      pc1: round6(input.pc1[i]!),
      pc2: round6(input.pc2[i]!),
    };
    if (input.hclusters) {
      const h = input.hclusters[i]!;
      if (h >= 0) r.hcluster = clusterId(h);
    }
    if (input.labels) r.label = input.labels[i]!;
    if (sil && spos.has(i)) {
      r.silhouette = round6(sil[i]!);
      r.spos = spos.get(i)!;
    }
    for (let j = 0; j < d; j++) {
      r[`f${j}`] = input.original[i * d + j]!;
      r[`z${j}`] = round6(input.zscores[i * d + j]!);
    }
    return r;
  });
  return {
    rows,
    features: [...input.features],
    k,
    hasLabel: input.labels !== undefined,
    hasHcluster: input.hclusters !== undefined,
    hasSilhouette: sil !== undefined,
    total: n,
  };
}
