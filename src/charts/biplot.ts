/**
 * The biplot: the samples' PC1/PC2 scores as points, and one arrow per feature for its loadings.
 *
 * Scaling convention (stated in the chart's subtitle): points are the principal component scores
 * (the centred, scaled data times the unit eigenvectors), unscaled. Arrows are the loadings, each
 * eigenvector entry times the square root of its component's variance (for standardised data,
 * the correlation of the feature with the component), all multiplied by one display factor `s`
 * chosen so that the longest arrow reaches 80% of the largest absolute score. Angles between
 * arrows and their relative lengths are therefore exact; only the common length is rescaled.
 */
import { checkArgument } from '../util/validate.js';
import { chartOptions, checkSampleTable, numberRows, objectArgument } from './check.js';
import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './vl.js';
import { PICK, sampleTooltip } from './projection.js';
import { clusterScale } from './palette.js';
import type { SampleTable } from './samples.js';
import { round6 } from './samples.js';

/** Input of `biplotSpec`. */
export interface BiplotInput {
  /** Unit eigenvectors of PC1 and PC2, one entry per feature (in `table.features` order). */
  components: [ArrayLike<number>, ArrayLike<number>];
  /** Variance of PC1 and PC2 (eigenvalues). */
  explainedVariance: [number, number];
  /** Explained variance ratio of PC1 and PC2, for the axis titles. */
  variance: [number, number];
}

/** One arrow of the biplot. */
export interface BiplotArrow {
  feature: string;
  /** Loadings on PC1 and PC2 (eigenvector entry times sqrt(variance)). */
  l1: number;
  l2: number;
  /** Arrow tip in score units (loading times the display factor). */
  x: number;
  y: number;
  /** Rotation of the arrowhead in degrees (0 = pointing up, clockwise). */
  angle: number;
}

/** The table and the PCA input of the biplot. */
function checkBiplotArguments(fn: string, table: unknown, input: unknown): void {
  checkSampleTable(fn, table);
  const d = (table as SampleTable).features.length;
  const i = objectArgument(fn, 'input', input);
  numberRows(fn, 'input.components', i.components, 2, d);
  checkArgument.numbers(fn, 'input.explainedVariance', i.explainedVariance, 2);
  checkArgument.numbers(fn, 'input.variance', i.variance, 2);
}

/** The arrows and the display factor `s` of the biplot. */
export function biplotArrows(
  table: SampleTable,
  input: BiplotInput,
): { arrows: BiplotArrow[]; factor: number } {
  checkBiplotArguments('biplotArrows', table, input);
  let maxScore = 0;
  for (const r of table.rows) maxScore = Math.max(maxScore, Math.abs(r.pc1), Math.abs(r.pc2));
  const s1 = Math.sqrt(input.explainedVariance[0]);
  const s2 = Math.sqrt(input.explainedVariance[1]);
  const loads = table.features.map((feature, j) => ({
    feature,
    l1: input.components[0][j]! * s1,
    l2: input.components[1][j]! * s2,
  }));
  let maxLoad = 0;
  for (const l of loads) maxLoad = Math.max(maxLoad, Math.hypot(l.l1, l.l2));
  const factor = maxLoad > 0 && maxScore > 0 ? (0.8 * maxScore) / maxLoad : 1;
  const arrows = loads.map((l) => ({
    feature: l.feature,
    l1: round6(l.l1),
    l2: round6(l.l2),
    x: round6(l.l1 * factor),
    y: round6(l.l2 * factor),
    angle: round6(90 - (Math.atan2(l.l2, l.l1) * 180) / Math.PI),
  }));
  return { arrows, factor };
}

/** Options of `biplotSpec`. */
export interface BiplotOptions {
  /** Name of the held-out label column, for tooltips. Default: 'label'. */
  labelName?: string;
  /** Title of the row id in tooltips. Default: 'row'. */
  idName?: string;
  /** Chart width and height in pixels. Default: 420 x 360. */
  width?: number;
  height?: number;
  /** Tooltips on the points (the arrows always have theirs). Default: true. */
  pointTooltips?: boolean;
}

/** The biplot spec; its points come from the sample table (named dataset 'rows'). */
export function biplotSpec(
  table: SampleTable,
  input: BiplotInput,
  options: BiplotOptions = {},
): TopLevelSpec {
  const fn = 'biplotSpec';
  checkBiplotArguments(fn, table, input);
  chartOptions(fn, options, ['labelName', 'idName', 'width', 'height', 'pointTooltips']);
  const o = {
    labelName: 'label',
    idName: 'row',
    width: 420,
    height: 360,
    pointTooltips: true,
    ...options,
  };
  const { arrows, factor } = biplotArrows(table, input);
  const pct = (r: number) => `${(100 * r).toFixed(1)}%`;
  const x = { type: 'quantitative', title: `PC1 (${pct(input.variance[0])})` };
  const y = { type: 'quantitative', title: `PC2 (${pct(input.variance[1])})` };
  const arrowTip = [
    { field: 'feature', type: 'nominal', title: 'feature' },
    { field: 'l1', type: 'quantitative', title: 'loading on PC1', format: '.3f' },
    { field: 'l2', type: 'quantitative', title: 'loading on PC2', format: '.3f' },
  ];
  const big = table.rows.length > 5000;
  return topLevel({
    description:
      `Biplot: ${table.rows.length} samples on PC1 and PC2 with one arrow per feature ` +
      `(${arrows.length} features) showing its loadings, scaled by ${factor.toPrecision(3)}.`,
    title: {
      text: 'Biplot',
      subtitle: [
        'Points: PC scores. Arrows: loadings (eigenvector x sqrt(variance)),',
        `all multiplied by s = ${factor.toPrecision(3)} so the longest reaches 80% of the largest score.`,
      ],
    },
    width: o.width,
    height: o.height,
    datasets: { rows: table.rows },
    layer: [
      {
        data: { name: 'rows' },
        mark: { type: 'point', filled: true, size: big ? 10 : 30, ...(big ? { aria: false } : {}) },
        params: [{ name: PICK, select: { type: 'point', fields: ['cluster'] }, bind: 'legend' }],
        encoding: {
          x: { ...x, field: 'pc1' },
          y: { ...y, field: 'pc2' },
          color: {
            field: 'cluster',
            type: 'nominal',
            title: 'k-means cluster',
            scale: clusterScale(table.k),
          },
          opacity: { condition: { param: PICK, value: 0.5 }, value: 0.05 },
          ...(o.pointTooltips ? { tooltip: sampleTooltip(table, o.idName, o.labelName) } : {}),
        },
      },
      {
        data: { values: arrows },
        mark: { type: 'rule', color: '#333333', strokeWidth: 1.5 },
        encoding: {
          x: { ...x, field: 'x' },
          y: { ...y, field: 'y' },
          x2: { datum: 0 },
          y2: { datum: 0 },
          tooltip: arrowTip,
        },
      },
      {
        data: { values: arrows },
        mark: { type: 'point', shape: 'triangle-up', filled: true, size: 60, color: '#333333' },
        encoding: {
          x: { ...x, field: 'x' },
          y: { ...y, field: 'y' },
          angle: { field: 'angle', type: 'quantitative', scale: null },
          tooltip: arrowTip,
        },
      },
      // labels beyond the tips: left-aligned on arrows that point right, right-aligned otherwise
      // (a side without arrows gets no layer: an empty layer makes Vega warn of infinite extents)
      ...[true, false]
        .map((right) => ({ right, values: arrows.filter((a) => a.x >= 0 === right) }))
        .filter((side) => side.values.length > 0)
        .map(({ right, values }) => ({
          data: { values },
          mark: {
            type: 'text',
            align: right ? 'left' : 'right',
            dx: right ? 7 : -7,
            fontWeight: 'bold',
            fontSize: 11,
          },
          encoding: {
            x: { ...x, field: 'x' },
            y: { ...y, field: 'y' },
            text: { field: 'feature' },
          },
        })),
    ],
  });
}
