/**
 * The biplot: the samples' PC1/PC2 scores as points, and one arrow per feature for its loadings.
 *
 * Scaling convention (stated in the chart's subtitle): points are the principal component scores
 * (the centred, scaled data times the unit eigenvectors), unscaled. Arrows are the loadings, each
 * eigenvector entry times the square root of its component's variance (for standardised data,
 * the correlation of the feature with the component), all multiplied by one display factor `s`
 * chosen so that the longest arrow reaches 80% of the largest absolute score. Angles between
 * arrows and their relative lengths are therefore exact; only the common length is rescaled.
 *
 * What is drawn:
 * - Equal units: one unit of PC1 and one unit of PC2 take the same number of pixels, so angles
 *   on the screen are the angles of the loadings. The width is fixed; the height follows the
 *   ratio of the two ranges within [minHeight, maxHeight], and the shorter range is widened
 *   around its centre to fill the plot (the domains are explicit, `nice: false`).
 * - Only the `maxArrows` features of largest contribution to PC1-2 (factoextra's
 *   `fviz_pca_biplot(select.var = list(contrib = N))`; src/charts/contrib.ts), which are the
 *   longest arrows; the subtitle says how many are hidden.
 * - Labels placed in TypeScript, in pixels (src/charts/labels.ts): arrow labels beyond the tips,
 *   moved up or down by whole lines (with a leader line) when they would overlap, and with
 *   `pointNames` the row ids beside the points (at most `maxNamedPoints` points), around each
 *   point where there is room. A label with no room is left out, and the subtitle says how many.
 */
import { checkArgument } from '../util/validate.js';
import { chartOptions, checkSampleTable, numberRows, objectArgument } from './check.js';
import type { TopLevelSpec } from 'vega-lite';
import { featureContributions, rankDescending } from './contrib.js';
import { type Box, placeLabels, textWidth } from './labels.js';
import { clusterScale } from './palette.js';
import { PICK, pointRows, sampleTooltip } from './projection.js';
import type { SampleRecord, SampleTable } from './samples.js';
import { round6 } from './samples.js';
import { topLevel } from './vl.js';

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

/** The records of the table drawn as points. */
function drawnRows(table: SampleTable): SampleRecord[] {
  return table.pointFlag ? table.rows.filter((r) => r.pt === 1) : table.rows;
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

/** The arrows of every feature and the display factor `s` of the biplot. */
export function biplotArrows(
  table: SampleTable,
  input: BiplotInput,
): { arrows: BiplotArrow[]; factor: number } {
  checkBiplotArguments('biplotArrows', table, input);
  let maxScore = 0;
  for (const r of drawnRows(table)) {
    maxScore = Math.max(maxScore, Math.abs(r.pc1), Math.abs(r.pc2));
  }
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
  /** Width of the plot in pixels. Default: 480. */
  width?: number;
  /** Bounds of the plot's height, which follows the ratio of the ranges. Default: 220 and 520. */
  minHeight?: number;
  maxHeight?: number;
  /** Tooltips on the points (the arrows always have theirs). Default: true. */
  pointTooltips?: boolean;
  /** Arrows drawn: the features of largest contribution to PC1-2. Default: 10. */
  maxArrows?: number;
  /** Write each point's id beside it (when there are at most `maxNamedPoints`). Default: false. */
  pointNames?: boolean;
  /** Most points that get their names. Default: 100. */
  maxNamedPoints?: number;
}

/** The plot's geometry: explicit domains with equal units per pixel. */
export interface BiplotFrame {
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
  /** Data units per pixel, the same on both axes. */
  unit: number;
}

/**
 * Domains and height for equal units per pixel: the ranges of `xs` and `ys` (and 0) padded by
 * 8%, the height from their ratio within [minHeight, maxHeight], the shorter range widened around
 * its centre.
 */
export function equalUnitFrame(
  xs: readonly number[],
  ys: readonly number[],
  width: number,
  minHeight: number,
  maxHeight: number,
): BiplotFrame {
  let x0 = 0;
  let x1 = 0;
  let y0 = 0;
  let y1 = 0;
  for (const v of xs) {
    if (v < x0) x0 = v;
    if (v > x1) x1 = v;
  }
  for (const v of ys) {
    if (v < y0) y0 = v;
    if (v > y1) y1 = v;
  }
  const sx = x1 - x0 || 1;
  const sy = y1 - y0 || 1;
  const spanX = sx * 1.16;
  const spanY = sy * 1.16;
  const first = Math.max(spanX / width, spanY / maxHeight);
  const height = Math.round(Math.min(maxHeight, Math.max(minHeight, spanY / first)));
  const unit = Math.max(spanX / width, spanY / height);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return {
    width,
    height,
    x: [cx - (unit * width) / 2, cx + (unit * width) / 2],
    y: [cy - (unit * height) / 2, cy + (unit * height) / 2],
    unit,
  };
}

const ARROW_FONT = 11;
const NAME_FONT = 9;

/** The biplot spec; its points come from the sample table (named dataset 'rows'). */
export function biplotSpec(
  table: SampleTable,
  input: BiplotInput,
  options: BiplotOptions = {},
): TopLevelSpec {
  const fn = 'biplotSpec';
  checkBiplotArguments(fn, table, input);
  chartOptions(fn, options, [
    'labelName',
    'idName',
    'width',
    'minHeight',
    'maxHeight',
    'pointTooltips',
    'maxArrows',
    'pointNames',
    'maxNamedPoints',
  ]);
  for (const name of ['width', 'minHeight', 'maxHeight'] as const) {
    if (options[name] !== undefined) checkArgument.number(fn, `options.${name}`, options[name], 1);
  }
  for (const name of ['maxArrows', 'maxNamedPoints'] as const) {
    if (options[name] !== undefined) checkArgument.integer(fn, `options.${name}`, options[name], 0);
  }
  const o = {
    labelName: 'label',
    idName: 'row',
    width: 480,
    minHeight: 220,
    maxHeight: 520,
    pointTooltips: true,
    maxArrows: 10,
    pointNames: false,
    maxNamedPoints: 100,
    ...options,
  };
  const { arrows: all, factor } = biplotArrows(table, input);
  const d = all.length;
  const contribution = featureContributions(input.components, input.explainedVariance).both;
  const order = rankDescending(contribution).slice(0, Math.min(d, o.maxArrows));
  const arrows = order.map((j) => ({ ...all[j]!, contribution: round6(contribution[j]!) }));
  const hidden = d - arrows.length;
  const points = drawnRows(table);
  const xs = [...points.map((r) => r.pc1), ...arrows.map((a) => a.x)];
  const ys = [...points.map((r) => r.pc2), ...arrows.map((a) => a.y)];
  let frame = equalUnitFrame(xs, ys, o.width, o.minHeight, o.maxHeight);
  // room for each arrow's label beyond its tip: the ranges take in the labels' boxes, measured
  // with the units of the first frame (the second one's are a little larger, so they fit)
  for (const a of arrows) {
    const len = Math.hypot(a.x, a.y);
    if (len === 0) continue;
    const w = textWidth(a.feature, ARROW_FONT, true) * frame.unit;
    const gap = 7 * frame.unit;
    const ex = a.x + (gap * a.x) / len;
    const ey = a.y + (gap * a.y) / len;
    xs.push(a.x >= 0 ? ex + w : ex - w);
    ys.push(ey + ((ARROW_FONT + 2) * frame.unit * a.y) / len);
  }
  frame = equalUnitFrame(xs, ys, o.width, o.minHeight, o.maxHeight);
  const { unit } = frame;
  const px = (x: number) => (x - frame.x[0]) / unit;
  const py = (y: number) => (frame.y[1] - y) / unit;
  const dataX = (p: number) => round6(frame.x[0] + p * unit);
  const dataY = (p: number) => round6(frame.y[1] - p * unit);
  const bounds: Box = { x0: 0, y0: 0, x1: frame.width, y1: frame.height };

  // arrowheads are obstacles for every label
  const heads: Box[] = arrows.map((a) => ({
    x0: px(a.x) - 5,
    y0: py(a.y) - 5,
    x1: px(a.x) + 5,
    y1: py(a.y) + 5,
  }));
  const placed: Box[] = [];
  const lineH = ARROW_FONT + 2;
  const arrowRequests = arrows.map((a) => {
    const tx = px(a.x);
    const ty = py(a.y);
    const len = Math.hypot(tx - px(0), ty - py(0)) || 1;
    const cos = (tx - px(0)) / len;
    const sin = (ty - py(0)) / len;
    const w = textWidth(a.feature, ARROW_FONT, true);
    // beyond the tip along the arrow, then farther out and up or down by whole lines, nearest
    // first; then on the near side of the tip (above or below the arrow), for a tip close to the
    // edge of the plot (a label away from its tip gets a leader line)
    const offsets: { r: number; shift: number; flip: boolean; cost: number }[] = [];
    for (const r of [7, 24, 44]) {
      for (let shift = -8; shift <= 8; shift++) {
        const cost = Math.hypot(r - 7, shift * lineH);
        offsets.push({ r, shift, flip: false, cost });
        if (shift !== 0) offsets.push({ r, shift, flip: true, cost: cost + w / 2 });
      }
    }
    offsets.sort(
      (p, q) =>
        p.cost - q.cost || p.r - q.r || p.shift - q.shift || Number(p.flip) - Number(q.flip),
    );
    const candidates = offsets.map(({ r, shift, flip }) => {
      const ax = tx + r * cos;
      const right = cos >= 0 !== flip;
      const x0 = right ? ax : ax - w;
      const c = ty + r * sin + (lineH / 2) * sin + shift * (lineH + 1);
      return { x0, y0: c - lineH / 2, x1: x0 + w, y1: c + lineH / 2 };
    });
    return { candidates };
  });
  const arrowPicks = placeLabels(arrowRequests, bounds, heads, placed);
  const arrowLabels: { feature: string; x: number; y: number }[] = [];
  const leaders: { x: number; y: number; x2: number; y2: number }[] = [];
  arrowPicks.forEach((c, t) => {
    if (c < 0) return;
    const b = arrowRequests[t]!.candidates[c]!;
    const a = arrows[t]!;
    const yc = (b.y0 + b.y1) / 2;
    arrowLabels.push({ feature: a.feature, x: dataX(b.x0), y: dataY(yc) });
    // a label away from its tip gets a leader line to the nearest point of its box
    const tx = px(a.x);
    const ty = py(a.y);
    const nx = Math.min(Math.max(tx, b.x0), b.x1);
    const ny = Math.min(Math.max(ty, b.y0), b.y1);
    if (Math.hypot(nx - tx, ny - ty) > 9) {
      leaders.push({ x: a.x, y: a.y, x2: dataX(nx), y2: dataY(ny) });
    }
  });
  const arrowLabelsLeft = arrows.length - arrowLabels.length;

  let names: { id: string; x: number; y: number }[] = [];
  const nameable = o.pointNames && points.length <= o.maxNamedPoints;
  if (nameable) {
    // the points far from the centre first: they have room, and they are the ones looked up
    const byDistance = points
      .map((r, i) => ({ r, i, dist: Math.hypot(r.pc1, r.pc2) }))
      .sort((p, q) => q.dist - p.dist || p.i - q.i);
    const marks: Box[] = points.map((r) => ({
      x0: px(r.pc1) - 3,
      y0: py(r.pc2) - 3,
      x1: px(r.pc1) + 3,
      y1: py(r.pc2) + 3,
    }));
    const h = NAME_FONT + 2;
    const requests = byDistance.map(({ r }) => {
      const x = px(r.pc1);
      const y = py(r.pc2);
      const w = textWidth(r.id, NAME_FONT);
      const box = (x0: number, yc: number): Box => ({
        x0,
        y0: yc - h / 2,
        x1: x0 + w,
        y1: yc + h / 2,
      });
      return {
        candidates: [
          box(x + 5, y),
          box(x - 5 - w, y),
          box(x - w / 2, y - 4 - h / 2),
          box(x - w / 2, y + 4 + h / 2),
          box(x + 4, y - 4 - h / 2),
          box(x - 4 - w, y - 4 - h / 2),
          box(x + 4, y + 4 + h / 2),
          box(x - 4 - w, y + 4 + h / 2),
        ],
      };
    });
    // the arrows' shafts, as small boxes every 6 px
    const shafts: Box[] = [];
    for (const a of arrows) {
      const x0 = px(0);
      const y0 = py(0);
      const steps = Math.ceil(Math.hypot(px(a.x) - x0, py(a.y) - y0) / 6);
      for (let t = 1; t < steps; t++) {
        const cx = x0 + ((px(a.x) - x0) * t) / steps;
        const cy = y0 + ((py(a.y) - y0) * t) / steps;
        shafts.push({ x0: cx - 2, y0: cy - 2, x1: cx + 2, y1: cy + 2 });
      }
    }
    const picks = placeLabels(requests, bounds, [...heads, ...marks, ...shafts], placed);
    names = [];
    picks.forEach((c, t) => {
      if (c < 0) return;
      const b = requests[t]!.candidates[c]!;
      names.push({ id: byDistance[t]!.r.id, x: dataX(b.x0), y: dataY((b.y0 + b.y1) / 2) });
    });
  }

  const pct = (r: number) => `${(100 * r).toFixed(1)}%`;
  // 6 significant digits: the units per pixel of the two axes agree to about 1e-6
  const scale = (domain: [number, number]) => ({
    domain: domain.map(round6),
    nice: false,
    zero: false,
  });
  const x = {
    type: 'quantitative',
    title: `PC1 (${pct(input.variance[0])})`,
    scale: scale(frame.x),
  };
  const y = {
    type: 'quantitative',
    title: `PC2 (${pct(input.variance[1])})`,
    scale: scale(frame.y),
  };
  const arrowTip = [
    { field: 'feature', type: 'nominal', title: 'feature' },
    { field: 'l1', type: 'quantitative', title: 'loading on PC1', format: '.3f' },
    { field: 'l2', type: 'quantitative', title: 'loading on PC2', format: '.3f' },
    {
      field: 'contribution',
      type: 'quantitative',
      title: 'contribution to PC1-2 (%)',
      format: '.2f',
    },
  ];
  const big = points.length > 5000;
  const subtitle = [
    'Points: PC scores. Arrows: loadings (eigenvector x sqrt(variance)),',
    `all multiplied by s = ${factor.toPrecision(3)} so the longest reaches 80% of the largest ` +
      'score. Equal units on both axes.',
  ];
  if (hidden > 0) {
    subtitle.push(
      `The ${arrows.length} of ${d} features that contribute most to PC1-2; ${hidden} ` +
        `${hidden === 1 ? 'is' : 'are'} hidden (see the contributions chart).`,
    );
  }
  const notes: string[] = [];
  if (arrowLabelsLeft > 0) {
    notes.push(
      `${arrowLabelsLeft} arrow label${arrowLabelsLeft === 1 ? '' : 's'} left out for room`,
    );
  }
  if (nameable && names.length < points.length) {
    notes.push(`names of ${names.length} of ${points.length} points (the others would overlap)`);
  }
  if (notes.length > 0)
    subtitle.push(`${notes.join('; ')}; hover for the rest.`.replace(/^./, (c) => c.toUpperCase()));
  const labelLayer = (
    values: object[],
    field: string,
    mark: Record<string, unknown>,
  ): Record<string, unknown> => ({
    data: { values },
    mark: { type: 'text', align: 'left', baseline: 'middle', ...mark },
    encoding: {
      x: { ...x, field: 'x' },
      y: { ...y, field: 'y' },
      text: { field },
    },
  });
  const layers: Record<string, unknown>[] = [
    {
      data: { name: 'rows' },
      ...(table.pointFlag ? { transform: pointRows(table) } : {}),
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
  ];
  if (arrows.length > 0) {
    layers.push(
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
    );
  }
  if (leaders.length > 0) {
    layers.push({
      data: { values: leaders },
      mark: { type: 'rule', color: '#888888', strokeWidth: 0.75 },
      encoding: {
        x: { ...x, field: 'x' },
        y: { ...y, field: 'y' },
        x2: { field: 'x2' },
        y2: { field: 'y2' },
      },
    });
  }
  // an empty layer makes Vega warn of infinite extents: layers only for labels that exist
  if (arrowLabels.length > 0) {
    layers.push(labelLayer(arrowLabels, 'feature', { fontWeight: 'bold', fontSize: ARROW_FONT }));
  }
  if (names.length > 0) {
    layers.push(labelLayer(names, 'id', { fontSize: NAME_FONT, color: '#555555' }));
  }
  return topLevel({
    description:
      `Biplot: ${points.length} samples on PC1 and PC2 (equal units on both axes) with an arrow ` +
      `for each of the ${hidden > 0 ? `${arrows.length} of ${d} features that contribute most` : `${d} features`} ` +
      `showing its loadings, scaled by ${factor.toPrecision(3)}` +
      (hidden > 0 ? `; ${hidden} features are hidden.` : '.') +
      (nameable ? ` Points are named by ${o.idName} (${names.length} of ${points.length}).` : ''),
    title: { text: 'Biplot', subtitle },
    width: frame.width,
    height: frame.height,
    datasets: { rows: table.rows },
    layer: layers,
  });
}
