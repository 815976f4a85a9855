/**
 * The UMAP map beside the PCA projection, in one Vega-Lite view over the sample table (each
 * record carries pc1, pc2, umap1 and umap2), so that the two views share their selections:
 *
 * - `pick`: click a legend entry to highlight a cluster in both views (the report mirrors it into
 *   every other chart, as the projection's);
 * - `hover` (PCA view) and `uhover` (UMAP view): the row under the pointer, by id; it is ringed
 *   in both views;
 * - `brush` (PCA view, over pc1 and pc2) and `ubrush` (UMAP view, over umap1 and umap2): drag to
 *   select rows; the rows outside the selection fade in both views.
 *
 * The same cluster colours as every cluster-coloured chart. Above the report's density
 * threshold the table holds a seeded sample of rows, and these views draw that sample (without
 * the binned density of the projection: the UMAP coordinates of the other rows are in the JSON).
 */
import type { TopLevelSpec } from 'vega-lite';
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, checkSampleTable, stringArgument } from './check.js';
import { clusterScale } from './palette.js';
import { labelShape, PICK, pointRows, sampleTooltip, shapeNote } from './projection.js';
import type { SampleTable } from './samples.js';
import { tooltipFields, topLevel } from './vl.js';

/** The selections of the linked views, by name. */
export const UMAP_PARAMS = {
  pick: PICK,
  hover: 'hover',
  uhover: 'uhover',
  brush: 'brush',
  ubrush: 'ubrush',
} as const;

/** Options of `umapSpec`. */
export interface UMAPSpecOptions {
  /** Explained variance ratio of PC1 and PC2, for the axis titles of the PCA view. */
  variance: [number, number];
  /** Name of the held-out label column. Default: 'label'. */
  labelName?: string;
  /** Title of the row id in tooltips. Default: 'row'. */
  idName?: string;
  /** Width and height of each view in pixels. Default: 360 x 330. */
  width?: number;
  height?: number;
}

const percent = (r: number) => `${(100 * r).toFixed(1)}%`;

/** The PCA projection and the UMAP map side by side, with linked selections. */
export function umapSpec(table: SampleTable, options: UMAPSpecOptions): TopLevelSpec {
  const fn = 'umapSpec';
  checkSampleTable(fn, table);
  chartOptions(fn, options, ['variance', 'labelName', 'idName', 'width', 'height']);
  checkArgument.numbers(fn, 'options.variance', options.variance, 2);
  for (const name of ['labelName', 'idName'] as const) {
    if (options[name] !== undefined) stringArgument(fn, `options.${name}`, options[name]);
  }
  for (const name of ['width', 'height'] as const) {
    if (options[name] !== undefined) checkArgument.number(fn, `options.${name}`, options[name], 1);
  }
  if (table.hasUmap !== true || table.rows.some((r) => typeof r.umap1 !== 'number')) {
    throw new OptionError(
      `The 'table' argument of ${fn} must carry the UMAP coordinates (sampleTable with umap1 and umap2).`,
    );
  }
  const o = { labelName: 'label', idName: 'row', width: 360, height: 330, ...options };
  const [v1, v2] = o.variance;
  const big = table.points > 5000;
  const shape = labelShape(table, o.labelName);
  const tooltip = [
    ...sampleTooltip(table, o.idName, o.labelName),
    ...tooltipFields([
      { field: 'umap1', type: 'quantitative', title: 'UMAP 1', format: '.3f' },
      { field: 'umap2', type: 'quantitative', title: 'UMAP 2', format: '.3f' },
    ]),
  ];
  // a row is shown in full when it is in the picked clusters and in both brushes (an empty
  // selection holds every row); the row under the pointer, in either view, is ringed in both
  const active = {
    and: [{ param: PICK }, { param: 'brush' }, { param: 'ubrush' }],
  };
  const hovered = {
    or: [
      { param: 'hover', empty: false },
      { param: 'uhover', empty: false },
    ],
  };
  const view = (
    name: 'pca' | 'umap',
    x: Record<string, unknown>,
    y: Record<string, unknown>,
    params: Record<string, unknown>[],
    title: string,
  ): Record<string, unknown> => ({
    name,
    title,
    width: o.width,
    height: o.height,
    data: { name: 'rows' },
    ...(table.pointFlag ? { transform: pointRows(table) } : {}),
    mark: {
      type: 'point',
      filled: true,
      size: big ? 12 : 40,
      strokeWidth: 2,
      ...(big ? { aria: false } : {}),
    },
    params,
    encoding: {
      x: { ...x, type: 'quantitative', scale: { zero: false }, axis: { tickCount: 8 } },
      y: { ...y, type: 'quantitative', scale: { zero: false }, axis: { tickCount: 8 } },
      color: {
        field: 'cluster',
        type: 'nominal',
        title: 'k-means cluster',
        scale: clusterScale(table.k),
      },
      opacity: { condition: { test: active, value: 0.85 }, value: 0.08 },
      stroke: { condition: { test: hovered, value: '#000000' }, value: null },
      size: { condition: { test: hovered, value: big ? 80 : 160 }, value: big ? 12 : 40 },
      ...(shape ? { shape } : {}),
      tooltip,
    },
  });
  const hover = (name: string) => ({
    name,
    select: { type: 'point', fields: ['id'], on: 'pointerover', clear: 'pointerout' },
  });
  const pca = view(
    'pca',
    { field: 'pc1', title: `PC1 (${percent(v1)})` },
    { field: 'pc2', title: `PC2 (${percent(v2)})` },
    [
      { name: PICK, select: { type: 'point', fields: ['cluster'] }, bind: 'legend' },
      hover('hover'),
      { name: 'brush', select: { type: 'interval' } },
    ],
    'PCA projection',
  );
  const map = view(
    'umap',
    { field: 'umap1', title: 'UMAP 1' },
    { field: 'umap2', title: 'UMAP 2' },
    [hover('uhover'), { name: 'ubrush', select: { type: 'interval' } }],
    'UMAP map',
  );
  const n = table.population ?? table.total;
  const shown = table.points;
  return topLevel({
    description:
      `The PCA projection (left) and the UMAP map (right) of ${shown === n ? `all ${n}` : `a seeded sample of ${shown} of ${n}`} ` +
      `samples, coloured by k-means cluster (${table.k} clusters)${shapeNote(table, o.labelName)}. ` +
      'In the interactive report, rows selected in one view are highlighted in the other.',
    datasets: { rows: table.rows },
    hconcat: [pca, map],
    spacing: 30,
  });
}
