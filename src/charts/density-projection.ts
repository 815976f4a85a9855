/**
 * The rows on the first two principal components coloured by a density clustering (HDBSCAN,
 * DBSCAN): clusters in the report's palette ('C1'..'Ck', matched to the k-means colours by the
 * caller), noise (label -1) in the neutral grey `NOISE_COLOR`, smaller and drawn underneath.
 * Clicking a legend entry highlights a cluster, or the noise. Pan and zoom with the mouse.
 */
import type { TopLevelSpec } from 'vega-lite';
import { checkArgument } from '../util/validate.js';
import { chartOptions, objectArgument, stringArgument } from './check.js';
import { clusterId, MAX_CLUSTERS, NOISE_ID, noiseScale } from './palette.js';
import { round6 } from './samples.js';
import { fieldTitle, topLevel } from './vl.js';

/** Input of `densityProjectionSpec`: the rows drawn. */
export interface DensityProjectionInput {
  /** Row ids (tooltips). */
  ids: readonly string[];
  /** Scores on PC1 and PC2. */
  pc1: ArrayLike<number>;
  pc2: ArrayLike<number>;
  /** The cluster of each row as a 0-based colour index ('C1' = 0), -1 for noise. */
  labels: ArrayLike<number>;
  /** Membership probability of each row (tooltips). */
  probabilities: ArrayLike<number>;
  /** Number of cluster colours (every label is below it). */
  k: number;
}

/** Options of `densityProjectionSpec`. */
export interface DensityProjectionOptions {
  /** Share of the variance of PC1 and PC2, for the axis titles. */
  variance: [number, number];
  /** The name of the clustering in the legend and title. Default: 'HDBSCAN'. */
  method?: string;
  /** Title of the id in tooltips. Default: 'row'. */
  idName?: string;
  /** Rows in the data, when the rows drawn are a sample of them. Default: the rows drawn. */
  total?: number;
  /** Chart width and height in pixels. Default: 420 x 360. */
  width?: number;
  height?: number;
}

const percent = (v: number) => `${(100 * v).toFixed(1)}%`;

/** The projection coloured by a density clustering (see the file header). */
export function densityProjectionSpec(
  input: DensityProjectionInput,
  options: DensityProjectionOptions,
): TopLevelSpec {
  const fn = 'densityProjectionSpec';
  const i = objectArgument(fn, 'input', input);
  const ids = checkArgument.strings(fn, 'input.ids', i.ids);
  const n = ids.length;
  const pc1 = checkArgument.numbers(fn, 'input.pc1', i.pc1, n);
  const pc2 = checkArgument.numbers(fn, 'input.pc2', i.pc2, n);
  const labels = checkArgument.numbers(fn, 'input.labels', i.labels, n);
  const prob = checkArgument.numbers(fn, 'input.probabilities', i.probabilities, n);
  const k = checkArgument.integer(fn, 'input.k', i.k, 0, MAX_CLUSTERS);
  for (let r = 0; r < n; r++) checkArgument.integer(fn, `input.labels[${r}]`, labels[r], -1, k - 1);
  objectArgument(fn, 'options', options);
  chartOptions(fn, options, ['variance', 'method', 'idName', 'total', 'width', 'height']);
  checkArgument.numbers(fn, 'variance', options.variance, 2);
  const o = { method: 'HDBSCAN', idName: 'row', total: n, width: 420, height: 360, ...options };
  stringArgument(fn, 'method', o.method);
  stringArgument(fn, 'idName', o.idName);
  checkArgument.integer(fn, 'total', o.total, n);
  checkArgument.integer(fn, 'width', o.width, 1);
  checkArgument.integer(fn, 'height', o.height, 1);
  const rows: Record<string, unknown>[] = new Array(n);
  let noise = 0;
  for (let r = 0; r < n; r++) {
    const l = labels[r]!;
    if (l < 0) noise++;
    rows[r] = {
      id: ids[r]!,
      pc1: round6(pc1[r]!),
      pc2: round6(pc2[r]!),
      cluster: l < 0 ? NOISE_ID : clusterId(l),
      noise: l < 0 ? 1 : 0,
      probability: Number.isFinite(prob[r]!) ? round6(prob[r]!) : null,
    };
  }
  const [v1, v2] = o.variance;
  const big = n > 5000;
  const pick = 'densityPick';
  const encoding = {
    x: {
      field: 'pc1',
      type: 'quantitative',
      title: `PC1 (${percent(v1)})`,
      scale: { zero: false },
    },
    y: {
      field: 'pc2',
      type: 'quantitative',
      title: `PC2 (${percent(v2)})`,
      scale: { zero: false },
    },
    color: {
      field: 'cluster',
      type: 'nominal',
      title: `${o.method} cluster`,
      scale: noiseScale(k),
    },
    opacity: { condition: { param: pick, value: 0.85 }, value: 0.08 },
    tooltip: [
      { field: 'id', type: 'nominal', title: fieldTitle(o.idName) },
      { field: 'cluster', type: 'nominal', title: 'cluster' },
      { field: 'probability', type: 'quantitative', title: 'membership probability' },
      { field: 'pc1', type: 'quantitative', title: 'PC1' },
      { field: 'pc2', type: 'quantitative', title: 'PC2' },
    ],
  };
  const size = big ? 12 : 40;
  return topLevel({
    description:
      `Scatter plot of ${n === o.total ? `all ${n}` : `${n} of ${o.total}`} samples on the first ` +
      `two principal components, coloured by ${o.method} cluster; ${noise} noise samples in grey.`,
    title: `PCA projection, ${o.method} clusters`,
    width: o.width,
    height: o.height,
    data: { values: rows },
    // noise first, so that the clusters are drawn over it
    transform: [{ calculate: '1 - datum.noise', as: 'order' }],
    mark: { type: 'point', filled: true, ...(big ? { aria: false } : {}) },
    params: [
      { name: pick, select: { type: 'point', fields: ['cluster'] }, bind: 'legend' },
      { name: 'densityZoom', select: 'interval', bind: 'scales' },
    ],
    encoding: {
      ...encoding,
      size: { condition: { test: 'datum.noise === 1', value: size / 2 }, value: size },
      order: { field: 'order', type: 'quantitative' },
    },
  });
}
