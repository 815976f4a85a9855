/**
 * The labels file: one CSV format for the `--out` of `clusterlens kmeans`, `hclust`, `hdbscan`,
 * `dbscan` and `optics` and the report's NAME.labels.csv, so that the files of different runs
 * join on their first column.
 *
 *   id,label,kmeans,hierarchical,hdbscan,dbscan,optics,PC1,PC2,UMAP1,UMAP2
 *
 *   id            the row's value in the id column (`--id`), else its 1-based number among the
 *                 rows used (rows dropped by `--missing drop` are not counted: give `--id` to
 *                 join back to the input)
 *   label         the held-out label column's value; only when there is one (`--label`)
 *   kmeans        the cluster of each clustering the run made, in this order: kmeans,
 *   hierarchical  hierarchical, hdbscan, dbscan, optics. Clusters are named C1..Ck, as in the
 *   hdbscan       report and the printed tables; empty for a row a clustering did not place (the
 *   dbscan,       report's hierarchical clustering of a seeded sample); 'noise' for a row a
 *   optics        density clustering (hdbscan, dbscan, optics) leaves out of every cluster (-1)
 *   PC1, PC2      the report only: scores of the first two principal components (`hdbscan
 *                 --out` writes its rows' probability and outlier_score here)
 *   UMAP1, UMAP2  the report only, when it drew the UMAP map: each row's place on it
 *
 * The header names are fixed (the id and label columns' own names are in the JSON outputs), so a
 * script reads every labels file the same way. Written with `toCsv` (RFC 4180, text cells guarded
 * against formula injection) and atomically.
 */
import { clusterId, NOISE_ID } from '../charts/palette.js';
import { type CsvCell, toCsv, writeFileAtomic } from './write.js';

/** The clusterings a labels file can hold, in their column order. */
export const CLUSTERING_COLUMNS = [
  'kmeans',
  'hierarchical',
  'hdbscan',
  'dbscan',
  'optics',
] as const;

/** The clusterings whose negative labels are noise: their cell reads `NOISE_ID` ('noise'). */
const DENSITY_COLUMNS: ReadonlySet<ClusteringColumn> = new Set(['hdbscan', 'dbscan', 'optics']);

/** The name of a clustering's column. */
export type ClusteringColumn = (typeof CLUSTERING_COLUMNS)[number];

/** The rows of a labels file: how many, and their ids and held-out labels when there are some. */
export interface LabelsRows {
  n: number;
  /** Row ids (a dataset's `ids`); default: the 1-based row numbers. */
  ids?: readonly string[] | undefined;
  /** Held-out labels (a dataset's `labels`); default: no label column. */
  labels?: readonly string[] | undefined;
}

/** The rows of a dataset, for a labels file. */
export function labelsRowsOf(dataset: {
  features: { rows: number };
  ids?: readonly string[] | undefined;
  labels?: readonly string[] | undefined;
}): LabelsRows {
  return { n: dataset.features.rows, ids: dataset.ids, labels: dataset.labels };
}

/** What goes into a labels file besides the ids and labels. */
export interface LabelsColumns {
  /**
   * 0-based cluster of each row per clustering (a negative value: the row was not placed; for
   * hdbscan and dbscan, noise).
   */
  clusterings: Partial<Record<ClusteringColumn, ArrayLike<number>>>;
  /** Numeric columns after the clusters (the report's PC1, PC2, UMAP1, UMAP2), in the order given. */
  extra?: readonly { name: string; values: ArrayLike<number> }[];
}

/**
 * The labels file as CSV text (see the file header); `header: false` leaves the header line out
 * (the rows of a later chunk of a file written chunk by chunk).
 */
export function labelsCsv(
  dataset: LabelsRows,
  columns: LabelsColumns,
  { header: withHeader = true }: { header?: boolean } = {},
): string {
  const { n } = dataset;
  for (const [name, values] of [
    ['ids', dataset.ids],
    ['labels', dataset.labels],
  ] as const) {
    if (values !== undefined && values.length !== n) {
      throw new RangeError(`labelsCsv: ${name} has ${values.length} values for ${n} rows.`);
    }
  }
  const clusterings = CLUSTERING_COLUMNS.flatMap((name) => {
    const labels = columns.clusterings[name];
    return labels === undefined
      ? []
      : [{ name, labels, negative: DENSITY_COLUMNS.has(name) ? NOISE_ID : '' }];
  });
  const extra = columns.extra ?? [];
  for (const c of [
    ...clusterings.map((c) => ({ name: c.name, length: c.labels.length })),
    ...extra.map((e) => ({ name: e.name, length: e.values.length })),
  ]) {
    if (c.length !== n) {
      throw new RangeError(`labelsCsv: column '${c.name}' has ${c.length} values for ${n} rows.`);
    }
  }
  const header = ['id'];
  if (dataset.labels !== undefined) header.push('label');
  for (const c of clusterings) header.push(c.name);
  for (const e of extra) header.push(e.name);
  const rows: CsvCell[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: CsvCell[] = [dataset.ids === undefined ? i + 1 : dataset.ids[i]];
    if (dataset.labels !== undefined) row.push(dataset.labels[i]);
    for (const c of clusterings) {
      const l = c.labels[i]!;
      row.push(l < 0 ? c.negative : clusterId(l));
    }
    for (const e of extra) row.push(e.values[i]);
    rows[i] = row;
  }
  const text = toCsv(header, rows);
  return withHeader ? text : text.slice(text.indexOf('\n') + 1);
}

/** Write the labels file to `path`, atomically (see the file header). */
export function writeLabelsCsv(
  path: string,
  dataset: LabelsRows,
  columns: LabelsColumns,
): Promise<void> {
  return writeFileAtomic(path, labelsCsv(dataset, columns));
}
