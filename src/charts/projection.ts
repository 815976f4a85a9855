/**
 * The projection: every sample on the first two principal components, coloured by k-means
 * cluster, shaped by the held-out label when there is one, with tooltips that show the row id and
 * the original feature values. Clicking a legend entry highlights that cluster (the `pick`
 * selection, which the report also mirrors into every other chart). Above `densityAbove` samples
 * the caller passes a seeded sample of rows and a binned density (`binDensity`), drawn underneath.
 */
import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './vl.js';
import { clusterScale } from './palette.js';
import type { SampleTable } from './samples.js';
import { round6 } from './samples.js';
import { OptionError } from '../util/errors.js';
import { checkArgument, checkKeyword } from '../util/validate.js';
import { chartOptions, checkSampleTable, stringArgument } from './check.js';

/** Name of the legend selection that every cluster-coloured chart defines. */
export const PICK = 'pick';
/** Name of the interval selection on the projection that the selection profile follows. */
export const BRUSH = 'brush';

/** One cell of a binned density. */
export interface DensityCell {
  x: number;
  x2: number;
  y: number;
  y2: number;
  count: number;
}

/** Options of `projectionSpec`. */
export interface ProjectionOptions {
  /** Explained variance ratio of PC1 and PC2, for the axis titles. */
  variance: [number, number];
  /** Name of the held-out label column, for the shape legend and tooltips. Default: 'label'. */
  labelName?: string;
  /** Title of the row id in tooltips. Default: 'row'. */
  idName?: string;
  /** Drag to zoom ('zoom'), drag to select for linked views ('brush'), or neither. Default: 'zoom'. */
  interaction?: 'zoom' | 'brush' | 'none';
  /** A binned density of all samples, drawn under the (sampled) points. Default: none. */
  density?: DensityCell[];
  /** Chart width and height in pixels. Default: 420 x 360. */
  width?: number;
  height?: number;
  /** Chart title. Default: 'PCA projection'. */
  title?: string;
}

const percent = (r: number) => `${(100 * r).toFixed(1)}%`;

/** Tooltip fields for a sample record: id, clusters, label, scores, original features. */
export function sampleTooltip(
  table: SampleTable,
  idName: string,
  labelName: string,
): Record<string, unknown>[] {
  const tip: Record<string, unknown>[] = [
    { field: 'id', type: 'nominal', title: idName },
    { field: 'cluster', type: 'nominal', title: 'k-means cluster' },
  ];
  if (table.hasHcluster) tip.push({ field: 'hcluster', type: 'nominal', title: 'hierarchical' });
  if (table.hasLabel) tip.push({ field: 'label', type: 'nominal', title: labelName });
  tip.push(
    { field: 'pc1', type: 'quantitative', title: 'PC1', format: '.3f' },
    { field: 'pc2', type: 'quantitative', title: 'PC2', format: '.3f' },
  );
  table.features.forEach((name, j) => {
    tip.push({ field: `f${j}`, type: 'quantitative', title: name });
  });
  return tip;
}

/** The projection spec; its data is the sample table, as the named dataset 'rows'. */
export function projectionSpec(table: SampleTable, options: ProjectionOptions): TopLevelSpec {
  checkProjectionArguments('projectionSpec', table, options);
  const o = {
    labelName: 'label',
    idName: 'row',
    interaction: 'zoom' as const,
    width: 420,
    height: 360,
    title: 'PCA projection',
    ...options,
  };
  const [v1, v2] = o.variance;
  const x = {
    field: 'pc1',
    type: 'quantitative',
    title: `PC1 (${percent(v1)})`,
    scale: { zero: false },
    axis: { tickCount: 8 },
  };
  const y = {
    field: 'pc2',
    type: 'quantitative',
    title: `PC2 (${percent(v2)})`,
    scale: { zero: false },
    axis: { tickCount: 8 },
  };
  const params: Record<string, unknown>[] = [
    { name: PICK, select: { type: 'point', fields: ['cluster'] }, bind: 'legend' },
  ];
  if (o.interaction === 'zoom') params.push({ name: 'zoom', select: 'interval', bind: 'scales' });
  if (o.interaction === 'brush') {
    params.push({ name: BRUSH, select: { type: 'interval', resolve: 'global' } });
  }
  const big = table.rows.length > 5000;
  const points: Record<string, unknown> = {
    data: { name: 'rows' },
    mark: { type: 'point', filled: true, size: big ? 12 : 40, ...(big ? { aria: false } : {}) },
    params,
    encoding: {
      x,
      y,
      color: {
        field: 'cluster',
        type: 'nominal',
        title: 'k-means cluster',
        scale: clusterScale(table.k),
      },
      opacity: { condition: { param: PICK, value: 0.85 }, value: 0.08 },
      ...(table.hasLabel
        ? {
            shape: {
              field: 'label',
              type: 'nominal',
              title: o.labelName,
              // grey symbols read on light and dark pages, and are not mistaken for a cluster
              legend: { symbolFillColor: '#888888', symbolStrokeColor: '#888888' },
            },
          }
        : {}),
      tooltip: sampleTooltip(table, o.idName, o.labelName),
    },
  };
  const layers: Record<string, unknown>[] = [];
  if (o.density) {
    layers.push({
      data: { values: o.density },
      mark: { type: 'rect', aria: false, strokeWidth: 0.5 },
      encoding: {
        x: { ...x, field: 'x' },
        x2: { field: 'x2' },
        y: { ...y, field: 'y' },
        y2: { field: 'y2' },
        color: {
          field: 'count',
          type: 'quantitative',
          title: 'samples per cell',
          scale: { scheme: 'greys', type: 'sqrt' },
        },
        stroke: {
          field: 'count',
          type: 'quantitative',
          scale: { scheme: 'greys', type: 'sqrt' },
          legend: null,
        },
        tooltip: [{ field: 'count', type: 'quantitative', title: 'samples in this cell' }],
      },
    });
  }
  layers.push(points);
  const n = table.total;
  const shown = table.rows.length;
  const description =
    `Scatter plot of ${shown === n ? `all ${n}` : `${shown} of ${n}`} samples on the first two ` +
    `principal components (PC1 ${percent(v1)}, PC2 ${percent(v2)} of the variance), coloured by ` +
    `k-means cluster (${table.k} clusters)` +
    (table.hasLabel ? `, shaped by ${o.labelName}.` : '.') +
    (o.density ? ' A grey density of all samples lies underneath.' : '');
  return topLevel({
    description,
    title: o.title,
    width: o.width,
    height: o.height,
    datasets: { rows: table.rows },
    layer: layers,
    ...(o.density ? { resolve: { scale: { color: 'independent' } } } : {}),
  });
}

/** The table and the options of `projectionSpec` (and `exploreSpec`). @internal */
export function checkProjectionArguments(
  fn: string,
  table: unknown,
  options: unknown,
): asserts options is ProjectionOptions {
  checkSampleTable(fn, table);
  chartOptions(fn, options, [
    'variance',
    'labelName',
    'idName',
    'interaction',
    'density',
    'width',
    'height',
    'title',
  ]);
  const o = options as Record<string, unknown>;
  checkArgument.numbers(fn, 'options.variance', o.variance, 2);
  for (const name of ['labelName', 'idName', 'title'] as const) {
    if (o[name] !== undefined) stringArgument(fn, `options.${name}`, o[name]);
  }
  for (const name of ['width', 'height'] as const) {
    if (o[name] !== undefined) checkArgument.number(fn, `options.${name}`, o[name], 1);
  }
  if (o.interaction !== undefined) {
    checkKeyword(fn, 'interaction', o.interaction, ['zoom', 'brush', 'none'] as const);
  }
  if (o.density !== undefined) {
    const cells = o.density;
    if (
      !Array.isArray(cells) ||
      cells.some(
        (c) =>
          typeof c !== 'object' ||
          c === null ||
          typeof c.x !== 'number' ||
          typeof c.x2 !== 'number' ||
          typeof c.y !== 'number' ||
          typeof c.y2 !== 'number' ||
          typeof c.count !== 'number',
      )
    ) {
      throw new OptionError(
        `The 'options.density' argument of ${fn} must be the cells of binDensity ({x, x2, y, y2, count}).`,
      );
    }
  }
}

/**
 * Counts of points in a `bins x bins` grid over the range of (x, y); empty cells are left out.
 * Cell bounds are rounded to 6 significant digits.
 */
export function binDensity(x: ArrayLike<number>, y: ArrayLike<number>, bins = 60): DensityCell[] {
  checkArgument.numbers('binDensity', 'x', x);
  checkArgument.numbers('binDensity', 'y', y, x.length);
  checkArgument.integer('binDensity', 'bins', bins, 1, 1000);
  const n = x.length;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (n === 0) return [];
  const wx = (x1 - x0) / bins || 1;
  const wy = (y1 - y0) / bins || 1;
  const counts = new Int32Array(bins * bins);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(bins - 1, Math.floor((x[i]! - x0) / wx));
    const cy = Math.min(bins - 1, Math.floor((y[i]! - y0) / wy));
    counts[cy * bins + cx]!++;
  }
  const out: DensityCell[] = [];
  for (let cy = 0; cy < bins; cy++) {
    for (let cx = 0; cx < bins; cx++) {
      const c = counts[cy * bins + cx]!;
      if (c === 0) continue;
      out.push({
        x: round6(x0 + cx * wx),
        x2: round6(x0 + (cx + 1) * wx),
        y: round6(y0 + cy * wy),
        y2: round6(y0 + (cy + 1) * wy),
        count: c,
      });
    }
  }
  return out;
}
