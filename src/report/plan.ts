/**
 * The memory plan of a report (`planReport`), checked before any work: what the analysis holds
 * to the end, the criteria of k, and the hierarchical clustering in the budget left.
 */
import { linkageBytes, planLinkage, resolveLinkageMethod } from '../cluster/hclust/index.js';
import {
  checkMemory,
  formatBytes,
  type MemoryBudget,
  memoryBudget,
  RAISE_BUDGET,
} from '../util/memory.js';
import { message, option } from '../util/message.js';
import { isKRange, type ReportOptions, reportHasUmap, resolveReportOptions } from './options.js';

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

/**
 * The UMAP map (src/projection/umap/), in bytes per neighbour entry (n k of them, k = 15): the
 * neighbours (an index and a distance, 12), their memberships (8), the symmetrised graph and its
 * pruned copy (about 2 n k entries each, an index and a weight: 2 x 2 x 12) and the edges of the
 * optimisation (2 n k, two indices and a sampling period: 2 x 16): 100 in all.
 */
const UMAP_BYTES_PER_NEIGHBOUR = 100;
/** Per row: the map and its start (2 x 2 doubles), rho and sigma, the spectral solver's vectors. */
const UMAP_BYTES_PER_ROW = 8 * 32;
/** Neighbours of each row in the report's map (umap's default). */
const UMAP_NEIGHBOURS = 15;

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
  /** The UMAP map (0 when the report draws none): neighbours, graph, edges, embedding. */
  umap: number;
  /** The sum: an upper bound of what the report allocates beyond the dataset. */
  bytes: number;
}

/**
 * The memory plan of a report on n rows x d features, checked before any work (the README's
 * Limits paragraph has the measured peaks). It counts what the analysis holds to the end (4
 * copies of the n x d data: scaled, z-scores, PCA scores and the copy k-means scans; the PCA
 * model, 3 d x d; `REPORT_BYTES_PER_ROW` per row; the charts' table), the criteria of k on their
 * sample, the UMAP map when the report draws one (`UMAP_BYTES_PER_NEIGHBOUR`), and the hierarchical clustering of its sample (or of the two-stage centres), planned
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
  const choose = o.k === 'auto' || isKRange(o.k) || kRows === n;
  const chooseK = choose
    ? CHOOSE_K_FIXED + kRows * (CHOOSE_K_BYTES_PER_ROW + CHOOSE_K_BYTES_PER_CELL * d)
    : 0;
  const k = Math.min(n, UMAP_NEIGHBOURS);
  const umap = reportHasUmap(o.projection, n, d)
    ? UMAP_BYTES_PER_NEIGHBOUR * n * k + UMAP_BYTES_PER_ROW * n
    : 0;
  const rows = o.twoStage !== false ? Math.min(n, o.twoStage) : Math.min(n, o.hclustMaxRows);
  const method = resolveLinkageMethod(o.method);
  let tree = 0; // the caller's tree (the hclust option): nothing to build
  if (o.hclust === undefined) {
    try {
      const left = Math.max(0, budget.bytes - held - chooseK - umap);
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
  const plan = { held, chooseK, hclust: tree, umap, bytes: held + chooseK + tree + umap };
  checkMemory({
    what:
      `A report on ${n} rows x ${d} features (its copies of the data, per-row results and ` +
      `charts, ${formatBytes(held)};` +
      (choose ? ` the criteria of k on ${kRows} rows, ${formatBytes(chooseK)};` : '') +
      (umap > 0 ? ` the UMAP map, ${formatBytes(umap)};` : '') +
      ` the hierarchical clustering of ${rows} ` +
      `${o.twoStage !== false ? 'centres' : 'rows'}, ${formatBytes(tree)})`,
    bytes: plan.bytes,
    budget,
    options: [
      message`cluster a smaller seeded sample of the rows (${option('hclustMaxRows', 'N', { placeholder: true })})`,
      message`use method 'ward', which clusters from the stored data in O(n*d) memory (${option('method', 'ward')})`,
      message`select fewer feature columns (${option('features')}, ${option('exclude')})`,
      ...(umap > 0 ? [message`leave out the UMAP map (${option('projection', ['pca'])})`] : []),
      RAISE_BUDGET,
    ],
  });
  return plan;
}

/**
 * Bytes the in-memory report of n rows x d features needs in all: the dataset as the loaders
 * hold it (the features, and a string per row for ids and for labels when the file has them,
 * `STRING_BYTES` each) and the report's plan (`planReport`, not checked here). The CLI compares
 * it with the budget to choose between the in-memory report and the streamed one (stream.ts).
 */
export function reportMemoryNeed(
  n: number,
  d: number,
  options: ReportOptions,
  strings: { ids: boolean; labels: boolean },
): number {
  const data = 8 * n * d + STRING_BYTES * n * (Number(strings.ids) + Number(strings.labels));
  let plan: number;
  try {
    plan = planReport(n, d, options, { bytes: Number.POSITIVE_INFINITY, source: 'none' }).bytes;
  } catch {
    plan = Number.POSITIVE_INFINITY;
  }
  return data + plan;
}

/** Bytes of a short string held per row (an id or a label: the string and its slot). */
const STRING_BYTES = 64;
