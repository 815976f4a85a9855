/**
 * The dendrogram, drawn from a layout in scipy's `dendrogram` coordinates: U-links with leaf i at
 * x = 5 + 10 i and heights as y, as `icoord`/`dcoord` give them. Each U-link becomes three rule
 * marks (two legs and the bar); links entirely below the cut take the colour of their cluster,
 * legs that cross the cut are split there so the part below it keeps the cluster's colour, and
 * everything above the cut is grey. The cut line is labelled with its height and k; leaf labels
 * are the row ids (or '(n)' for a truncated subtree), coloured by cluster. Vega-Lite has no tree
 * layout, hence rules.
 *
 * Orientation has scipy's meaning: where the root is. 'top' and 'bottom' put the leaves on x,
 * 'left' and 'right' on y.
 */
import { OptionError } from '../util/errors.js';
import { checkArgument, checkKeyword } from '../util/validate.js';
import {
  chartOptions,
  numberArgument,
  numberRows,
  objectArgument,
  stringArgument,
} from './check.js';
import type { TopLevelSpec } from 'vega-lite';
import { fieldTitle, plainTitle, tooltipFields, topLevel } from './vl.js';
import { PICK } from './projection.js';
import { NEUTRAL, clusterScale, labelGreys } from './palette.js';
import { textWidth } from './labels.js';
import { round6 } from './samples.js';

/** The layout to draw (scipy's `dendrogram` output plus the cut). */
export interface DendrogramInput {
  /** x of each U-link's four points (left leg bottom, left top, right top, right leg bottom). */
  icoord: readonly (readonly number[])[];
  /** y of the same four points. */
  dcoord: readonly (readonly number[])[];
  /** Label of each leaf, left to right ('(n)' for a truncated subtree of n samples). */
  leafLabels: readonly string[];
  /** Cluster id of each leaf ('C1'..'Ck'), left to right. */
  leafClusters: readonly string[];
  /** Height of the cut, and the number of clusters it gives. */
  cut: number;
  k: number;
  /** Heights of the merges hidden inside truncated leaves, at the leaf's x (scipy's contracted marks). */
  contracted?: readonly { x: number; y: number }[];
  /** Total number of samples (for the description). */
  samples: number;
  /** Linkage method, for the title. */
  method: string;
  /**
   * The held-out label under each leaf, drawn as a grey strip under the leaves (top and bottom
   * orientations): the most common label of the leaf's samples, and the share of them that have
   * it (1 for a single sample). Default: none.
   */
  strip?: { name: string; domain: readonly string[]; leaves: readonly DendrogramStripLeaf[] };
}

/** The fields of a `DendrogramInput` the builders read. */
function checkDendrogramInput(fn: string, input: unknown): void {
  const i = objectArgument(fn, 'input', input);
  numberRows(fn, 'input.icoord', i.icoord, undefined, 4);
  numberRows(fn, 'input.dcoord', i.dcoord, (i.icoord as unknown[]).length, 4);
  const leaves = checkArgument.strings(fn, 'input.leafLabels', i.leafLabels).length;
  checkArgument.strings(fn, 'input.leafClusters', i.leafClusters, leaves);
  numberArgument(fn, 'input.cut', i.cut);
  checkArgument.integer(fn, 'input.k', i.k, 0);
  checkArgument.integer(fn, 'input.samples', i.samples, 0);
  stringArgument(fn, 'input.method', i.method);
  if (i.contracted !== undefined) {
    const marks = i.contracted;
    if (
      !Array.isArray(marks) ||
      marks.some(
        (m) =>
          typeof m !== 'object' || m === null || typeof m.x !== 'number' || typeof m.y !== 'number',
      )
    ) {
      throw new OptionError(`The 'input.contracted' argument of ${fn} must be an array of {x, y}.`);
    }
  }
  if (i.strip !== undefined) {
    const strip = objectArgument(fn, 'input.strip', i.strip);
    stringArgument(fn, 'input.strip.name', strip.name);
    checkArgument.strings(fn, 'input.strip.domain', strip.domain);
    const ls = strip.leaves;
    if (
      !Array.isArray(ls) ||
      ls.length !== leaves ||
      ls.some(
        (l) =>
          typeof l !== 'object' ||
          l === null ||
          typeof l.label !== 'string' ||
          typeof l.share !== 'number' ||
          typeof l.size !== 'number',
      )
    ) {
      throw new OptionError(
        `The 'input.strip.leaves' argument of ${fn} must be one {label, share, size} per leaf (${leaves}).`,
      );
    }
  }
}

/** The held-out label of one leaf of the dendrogram. */
export interface DendrogramStripLeaf {
  /** Most common label among the leaf's samples (the first in `domain` order on a tie). */
  label: string;
  /** Share of the leaf's samples with that label. */
  share: number;
  /** Samples in the leaf. */
  size: number;
}

/** The scipy orientations. */
export const ORIENTATIONS = ['top', 'bottom', 'left', 'right'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

/** One drawn segment. */
export interface DendrogramSegment {
  x: number;
  x2: number;
  y: number;
  y2: number;
  cluster: string;
}

const ABOVE = 'above';

/** The rule segments of the layout, with the colour of each. */
export function dendrogramSegments(input: DendrogramInput): DendrogramSegment[] {
  checkDendrogramInput('dendrogramSegments', input);
  const { cut } = input;
  const nLeaves = input.leafClusters.length;
  const clusterAt = (x: number) => {
    const i = Math.min(nLeaves - 1, Math.max(0, Math.floor((x - 5) / 10)));
    return input.leafClusters[i] ?? ABOVE;
  };
  const segs: DendrogramSegment[] = [];
  const leg = (x: number, lo: number, hi: number) => {
    if (hi <= cut) segs.push({ x, x2: x, y: lo, y2: hi, cluster: clusterAt(x) });
    else if (lo < cut) {
      segs.push({ x, x2: x, y: lo, y2: cut, cluster: clusterAt(x) });
      segs.push({ x, x2: x, y: cut, y2: hi, cluster: ABOVE });
    } else segs.push({ x, x2: x, y: lo, y2: hi, cluster: ABOVE });
  };
  input.icoord.forEach((xs, t) => {
    const ys = input.dcoord[t]!;
    const top = ys[1]!;
    leg(xs[0]!, ys[0]!, top);
    leg(xs[3]!, ys[3]!, ys[2]!);
    segs.push({
      x: xs[1]!,
      x2: xs[2]!,
      y: top,
      y2: ys[2]!,
      cluster: top <= cut ? clusterAt((xs[1]! + xs[2]!) / 2) : ABOVE,
    });
  });
  return segs.map((s) => ({ ...s, y: round6(s.y), y2: round6(s.y2) }));
}

/** Options of `dendrogramSpec`. */
export interface DendrogramOptions {
  /** Where the root is. Default: 'top'. */
  orientation?: Orientation;
  /** Length of the leaf axis in pixels. Default: 12 px per leaf within [360, 1100]. */
  length?: number;
  /** Length of the height axis in pixels. Default: 300. */
  depth?: number;
}

/** The dendrogram spec. */
export function dendrogramSpec(
  input: DendrogramInput,
  options: DendrogramOptions = {},
): TopLevelSpec {
  const fn = 'dendrogramSpec';
  checkDendrogramInput(fn, input);
  chartOptions(fn, options, ['orientation', 'length', 'depth']);
  if (options.orientation !== undefined) {
    checkKeyword(fn, 'orientation', options.orientation, ORIENTATIONS);
  }
  if (options.length !== undefined) checkArgument.number(fn, 'options.length', options.length, 1);
  if (options.depth !== undefined) checkArgument.number(fn, 'options.depth', options.depth, 1);
  const orientation = options.orientation ?? 'top';
  const n = input.leafLabels.length;
  const length = options.length ?? Math.max(360, Math.min(1100, 12 * n));
  const depth = options.depth ?? 300;
  const segs = dendrogramSegments(input);
  const vertical = orientation === 'top' || orientation === 'bottom';
  const positions = input.leafLabels.map((_, i) => 5 + 10 * i);
  const showLabels = n <= 150;
  const scale = clusterScale(input.k);
  const leafColors = input.leafClusters.map((c) => {
    const i = scale.domain.indexOf(c);
    return i >= 0 ? scale.range[i]! : NEUTRAL;
  });
  const leafAxis = {
    title: null,
    values: positions,
    labelExpr: 'leafLabels[round((datum.value - 5) / 10)]',
    labelColor: { expr: 'leafColors[round((datum.value - 5) / 10)]' },
    labelFlush: false,
    labelOverlap: false,
    labelFontSize: n > 80 ? 7 : n > 40 ? 9 : 10,
    labels: showLabels,
    ticks: false,
    domain: false,
    grid: false,
    orient: { top: 'bottom', bottom: 'top', left: 'right', right: 'left' }[orientation],
    ...(vertical ? { labelAngle: -90, labelAlign: 'right', labelBaseline: 'middle' } : {}),
  };
  const leafScale = {
    domain: [0, 10 * n],
    nice: false,
    zero: false,
    ...(vertical ? {} : { reverse: true }),
  };
  const maxH = Math.max(...input.dcoord.map((d) => Math.max(...d)), input.cut);
  const heightScale = {
    domain: [0, maxH * 1.05],
    nice: false,
    ...(orientation === 'bottom' || orientation === 'left' ? { reverse: true } : {}),
  };
  const heightAxis = { title: 'height', grid: false };
  const leafField = (f: string) => ({
    field: f,
    type: 'quantitative',
    scale: leafScale,
    axis: leafAxis,
  });
  const heightField = (f: string) => ({
    field: f,
    type: 'quantitative',
    scale: heightScale,
    axis: heightAxis,
  });
  const enc = (lx: string, lx2: string, hy: string, hy2: string) =>
    vertical
      ? { x: leafField(lx), x2: { field: lx2 }, y: heightField(hy), y2: { field: hy2 } }
      : { y: leafField(lx), y2: { field: lx2 }, x: heightField(hy), x2: { field: hy2 } };
  const cutText = `cut at height ${input.cut.toPrecision(4)} gives k = ${input.k}`;
  // top/bottom: the cut's label continues its line right of the plot; the legends start after it
  const cutLabel = `k = ${input.k}, h = ${input.cut.toPrecision(4)}`;
  const legendOffset = vertical ? { offset: Math.ceil(textWidth(cutLabel, 11)) + 12 } : {};
  const layers: Record<string, unknown>[] = [
    {
      data: { values: segs },
      params: [{ name: PICK, select: { type: 'point', fields: ['cluster'] }, bind: 'legend' }],
      mark: { type: 'rule', strokeWidth: 1.4 },
      encoding: {
        ...enc('x', 'x2', 'y', 'y2'),
        color: {
          field: 'cluster',
          type: 'nominal',
          title: 'hierarchical cluster',
          scale: { domain: [...scale.domain, ABOVE], range: [...scale.range, NEUTRAL] },
          legend: { values: scale.domain, ...legendOffset },
        },
        opacity: { condition: { param: PICK, value: 1 }, value: 0.15 },
      },
    },
    {
      data: { values: [{ h: round6(input.cut) }] },
      mark: { type: 'rule', strokeDash: [6, 4], color: '#e45756' },
      encoding: vertical
        ? { y: heightField('h'), x: { value: 0 }, x2: { value: length } }
        : { x: heightField('h'), y: { value: 0 }, y2: { value: length } },
    },
  ];
  if (vertical) {
    // the cut's label continues the line to the right of the plot, where no link can cross it
    // (for left/right it is in the subtitle, where it cannot collide with the leaves)
    layers.push({
      data: {
        values: [{ h: round6(input.cut), text: cutLabel }],
      },
      mark: {
        type: 'text',
        align: 'left',
        baseline: 'middle',
        color: '#e45756',
        fontSize: 11,
      },
      encoding: { y: heightField('h'), x: { value: length + 4 }, text: { field: 'text' } },
    });
  }
  if (input.contracted && input.contracted.length > 0) {
    const values = input.contracted.map((c) => ({
      x: c.x,
      x2: c.x,
      y: round6(c.y),
      y2: round6(c.y),
    }));
    layers.push({
      data: { values },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 20, color: '#555555' },
      encoding: vertical
        ? { x: leafField('x'), y: heightField('y') }
        : { y: leafField('x'), x: heightField('y') },
    });
  }
  const truncated = input.leafLabels.length < input.samples;
  const tree = {
    width: vertical ? length : depth,
    height: vertical ? depth : length,
    layer: layers,
  };
  const strip = vertical && input.strip ? input.strip : undefined;
  const stripUnit = strip && {
    width: length,
    height: 14,
    data: {
      values: strip.leaves.map((l, i) => ({
        x: 10 * i,
        x2: 10 * i + 10,
        label: l.label,
        share: round6(l.share),
        size: l.size,
      })),
    },
    mark: { type: 'rect', stroke: null },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: leafScale, axis: null },
      x2: { field: 'x2' },
      color: {
        field: 'label',
        type: 'nominal',
        title: fieldTitle(strip.name),
        legend: { title: plainTitle(strip.name), ...legendOffset },
        scale: { domain: [...strip.domain], range: labelGreys(strip.domain.length) },
      },
      tooltip: tooltipFields([
        { field: 'label', type: 'nominal', title: strip.name },
        { field: 'share', type: 'quantitative', title: 'share of the leaf', format: '.0%' },
        { field: 'size', type: 'quantitative', title: 'samples' },
      ]),
    },
  };
  return topLevel({
    description:
      `Dendrogram of ${input.samples} samples (${input.method} linkage)` +
      (truncated ? `, truncated to the last ${n} merges` : '') +
      `; ${cutText}.`,
    title: {
      text: `Dendrogram (${input.method} linkage)`,
      subtitle:
        `Dashed: ${cutText}.` +
        (truncated ? ' Leaves marked (n) hold n samples.' : '') +
        (strip ? ` Grey strip: the most common ${strip.name} of each leaf.` : ''),
    },
    params: [
      { name: 'leafLabels', value: [...input.leafLabels] },
      { name: 'leafColors', value: leafColors },
    ],
    ...(stripUnit
      ? {
          vconcat: orientation === 'top' ? [tree, stripUnit] : [stripUnit, tree],
          spacing: 2,
          resolve: { scale: { color: 'independent' } },
        }
      : tree),
  });
}
