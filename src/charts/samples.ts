/**
 * The per-sample table that the sample-level charts (projection, biplot, silhouette, selection
 * profile) read: one flat record per sample, with fixed field names so that no column name from
 * the user's file ever becomes a Vega-Lite field path or expression. Feature values live under
 * `f{j}` (original units, for tooltips) and `z{j}` (z-scores, for the selection profile), j the
 * column's index; their display names are kept apart in `features` and used only as titles and
 * data values.
 *
 * The report writes this table into its HTML once, and every chart reads it by name; so it holds
 * only what the charts show: the values of the columns listed in `tipColumns` (the tooltips'
 * features) and the z-scores of those in `zColumns` (the selection profile's), not every column
 * of a wide table. The rows are all samples, or the union of two nested seeded samples: the
 * points of the projection and the samples of the silhouette plot (`pt` marks the points when
 * some rows are not drawn there).
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
  /** Coordinates on the UMAP map, when the report made one. */
  umap1?: number;
  umap2?: number;
  /** Silhouette value of the sample, when computed. */
  silhouette?: number;
  /** 1 when the sample is drawn as a point (only when `SampleTable.pointFlag`). */
  pt?: 1;
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
  /** Coordinates on a UMAP map (both or neither). Default: none. */
  umap1?: ArrayLike<number>;
  umap2?: ArrayLike<number>;
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
  /**
   * The samples drawn as points (indices, ascending, a subset of the table's rows): their records
   * get `pt: 1`. Default: every row of the table is a point (no flag).
   */
  points?: ArrayLike<number>;
  /** Columns whose original values the records carry as `f{j}`, in tooltip order. Default: all. */
  tipColumns?: readonly number[];
  /** Columns whose z-scores the records carry as `z{j}`, in profile order. Default: all. */
  zColumns?: readonly number[];
}

/** The sample table plus what the charts need to title it. */
export interface SampleTable {
  rows: SampleRecord[];
  /** Display names of every column (`f{j}` / `z{j}` belong to `features[j]`). */
  features: string[];
  /** Columns with `f{j}` in the records, in tooltip order. */
  tipColumns: number[];
  /** Columns with `z{j}` in the records, in profile order. */
  zColumns: number[];
  /** True if only the records with `pt: 1` are points (the others are there for silhouettes). */
  pointFlag: boolean;
  /** Number of records drawn as points. */
  points: number;
  /** Number of k-means clusters. */
  k: number;
  /** True if the records carry `label`. */
  hasLabel: boolean;
  /** True if the records carry `hcluster`. */
  hasHcluster: boolean;
  /** True if the records carry `silhouette` and `spos`. */
  hasSilhouette: boolean;
  /** True if the records carry `umap1` and `umap2`. */
  hasUmap?: boolean;
  /** Number of samples in the data (the table may hold a sample of them). */
  total: number;
  /**
   * When the data is itself a seeded sample of a larger table (a streamed report): the rows of
   * that table, which the captions name as the whole.
   */
  population?: number;
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
  if (i.umap1 !== undefined || i.umap2 !== undefined) {
    checkArgument.numbers(fn, 'input.umap1', i.umap1, n);
    checkArgument.numbers(fn, 'input.umap2', i.umap2, n);
  }
  indices(fn, 'input.subset', i.subset, n, 'row');
  indices(fn, 'input.points', i.points, n, 'row');
  indices(fn, 'input.tipColumns', i.tipColumns, d, 'column');
  indices(fn, 'input.zColumns', i.zColumns, d, 'column');
}

/** An optional array of integer indices in [0, limit). */
function indices(fn: string, name: string, value: unknown, limit: number, what: string): void {
  if (value === undefined) return;
  const v = checkArgument.numbers(fn, name, value);
  for (let t = 0; t < v.length; t++) {
    const r = v[t]!;
    if (!Number.isInteger(r) || r < 0 || r >= limit) {
      throw new OptionError(
        `The '${name}' argument of ${fn} must hold ${what} indices in [0, ${limit}); ${name.slice(6)}[${t}] is ${r}.`,
      );
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
  const all = Array.from({ length: d }, (_, j) => j);
  const tipColumns = input.tipColumns ? [...input.tipColumns] : all;
  const zColumns = input.zColumns ? [...input.zColumns] : all;
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
    if (input.umap1 && input.umap2) {
      r.umap1 = round6(input.umap1[i]!);
      r.umap2 = round6(input.umap2[i]!);
    }
    if (input.hclusters) {
      const h = input.hclusters[i]!;
      if (h >= 0) r.hcluster = clusterId(h);
    }
    if (input.labels) r.label = input.labels[i]!;
    if (sil && spos.has(i)) {
      r.silhouette = round6(sil[i]!);
      r.spos = spos.get(i)!;
    }
    for (const j of tipColumns) r[`f${j}`] = input.original[i * d + j]!;
    for (const j of zColumns) r[`z${j}`] = round6(input.zscores[i * d + j]!);
    return r;
  });
  let points = rows.length;
  if (input.points) {
    const drawn = new Set<number>();
    for (let t = 0; t < input.points.length; t++) drawn.add(input.points[t]!);
    points = 0;
    idx.forEach((i, t) => {
      if (drawn.has(i)) {
        rows[t]!.pt = 1;
        points++;
      }
    });
  }
  return {
    rows,
    features: [...input.features],
    tipColumns,
    zColumns,
    pointFlag: input.points !== undefined,
    points,
    k,
    hasLabel: input.labels !== undefined,
    hasHcluster: input.hclusters !== undefined,
    hasSilhouette: sil !== undefined,
    hasUmap: input.umap1 !== undefined,
    total: n,
  };
}
