/**
 * The projection: every sample on the first two principal components, coloured by k-means
 * cluster, shaped by the held-out label when it has at most `MAX_SHAPES` values (six shapes that
 * stay distinct at a glance; with more, the label is left to the tooltips and the agreement
 * chart, and the description says so), with tooltips that show the row id, the clusters, the
 * label, the two scores and the original values of the features that separate the clusters most
 * (`tipColumns` of the sample table, at most `MAX_TOOLTIP_FEATURES`). Clicking a legend entry highlights that cluster (the `pick`
 * selection, which the report also mirrors into every other chart). Above `densityAbove` samples
 * the caller passes a seeded sample of rows and a binned density (`binDensity`), drawn underneath.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fieldTitle, plainTitle, tooltipFields, topLevel } from './vl.js';
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

/** Largest number of label values that get a shape each. */
export const MAX_SHAPES = 6;
/** The shapes of the label values, in order: distinct outlines, none repeated. */
export const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'];
/** Largest number of features a sample's tooltip lists (the highest ANOVA F first). */
export const MAX_TOOLTIP_FEATURES = 8;

/** The distinct held-out labels of the table's records, sorted. */
export function labelDomain(table: SampleTable): string[] {
  if (!table.hasLabel) return [];
  const seen = new Set<string>();
  for (const r of table.rows) if (r.label !== undefined) seen.add(r.label);
  return [...seen].sort();
}

/**
 * The shape encoding of the held-out label: an explicit domain (`labelDomain`) and one distinct
 * shape per value, or undefined when there is no label or it has more than `MAX_SHAPES` values.
 */
export function labelShape(
  table: SampleTable,
  labelName: string,
): Record<string, unknown> | undefined {
  const domain = labelDomain(table);
  if (domain.length === 0 || domain.length > MAX_SHAPES) return undefined;
  return {
    field: 'label',
    type: 'nominal',
    title: fieldTitle(labelName),
    scale: { domain, range: SHAPES.slice(0, domain.length) },
    // grey symbols read on light and dark pages, and are not mistaken for a cluster
    legend: {
      title: plainTitle(labelName),
      symbolFillColor: '#888888',
      symbolStrokeColor: '#888888',
    },
  };
}

/** What the description says about the label's shapes. */
export function shapeNote(table: SampleTable, labelName: string): string {
  const values = labelDomain(table).length;
  if (values === 0) return '';
  return values <= MAX_SHAPES
    ? `, shaped by ${labelName}`
    : `; ${labelName} has ${values} values, more than the ${MAX_SHAPES} shapes that stay ` +
        'distinct, so it is shown in the tooltips (and the agreement chart), not as shapes';
}

/** The transform that keeps only the rows drawn as points (when the table flags them). */
export function pointRows(table: SampleTable): Record<string, unknown>[] {
  return table.pointFlag ? [{ filter: 'datum.pt === 1' }] : [];
}

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

/**
 * Tooltip fields for a sample record: id, clusters, label, scores, and the original values of
 * the table's `tipColumns`.
 */
export function sampleTooltip(
  table: SampleTable,
  idName: string,
  labelName: string,
): Record<string, unknown>[] {
  const tip: { title: string; [key: string]: unknown }[] = [
    { field: 'id', type: 'nominal', title: idName },
    { field: 'cluster', type: 'nominal', title: 'k-means cluster' },
  ];
  if (table.hasHcluster) tip.push({ field: 'hcluster', type: 'nominal', title: 'hierarchical' });
  if (table.hasLabel) tip.push({ field: 'label', type: 'nominal', title: labelName });
  tip.push(
    { field: 'pc1', type: 'quantitative', title: 'PC1', format: '.3f' },
    { field: 'pc2', type: 'quantitative', title: 'PC2', format: '.3f' },
  );
  for (const j of table.tipColumns) {
    tip.push({ field: `f${j}`, type: 'quantitative', title: table.features[j]! });
  }
  return tooltipFields(tip);
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
  const big = table.points > 5000;
  const shape = labelShape(table, o.labelName);
  const points: Record<string, unknown> = {
    data: { name: 'rows' },
    ...(table.pointFlag ? { transform: pointRows(table) } : {}),
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
      ...(shape ? { shape } : {}),
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
  const n = table.population ?? table.total;
  const shown = table.points;
  const description =
    `Scatter plot of ${shown === n ? `all ${n}` : `${shown} of ${n}`} samples on the first two ` +
    `principal components (PC1 ${percent(v1)}, PC2 ${percent(v2)} of the variance), coloured by ` +
    `k-means cluster (${table.k} clusters)` +
    shapeNote(table, o.labelName) +
    '.' +
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
