/**
 * Images as heatmaps over their pixel grid (rect marks, one per pixel), for data whose rows are
 * images: `eigenImagesSpec` draws the mean image beside the first eigen-images (PCA components
 * reshaped to the grid, on a diverging scale centred at 0), `reconstructionsSpec` a grid of rows
 * (images) by k: each image as it is and rebuilt from its first k components.
 *
 * Values are written to 6 significant digits of the largest magnitude of the chart. The records
 * are small ({p: panel, i: pixel, v: value}); the panel names come in through a
 * lookup and the pixel's row and column are computed from its index, so the spec holds each
 * value once. Row-major pixels: pixel i is at row floor(i / width), column i % width.
 */
import type { TopLevelSpec } from 'vega-lite';
import { OptionError } from '../util/errors.js';
import { checkArgument, checkKeyword } from '../util/validate.js';
import { chartOptions, numberRows, objectArgument } from './check.js';
import { round6 } from './samples.js';
import { topLevel } from './vl.js';

/** Options of the image charts. */
export interface ImageChartOptions {
  /**
   * Which end of the grey scale is dark: 'high' (ink on paper, as digits are drawn) or 'low'
   * (a photograph). Default: 'high'.
   */
  dark?: 'high' | 'low';
  /** Pixel size on screen. Default: about 112 pixels per panel side, 2..14 per pixel. */
  pixel?: number;
  /** What an image is called in titles: 'image' (the rows of a dataset) or 'tile'. Default: 'image'. */
  unit?: 'image' | 'tile';
}

/** The mean image and the first eigen-images. */
export interface EigenImagesInput {
  width: number;
  height: number;
  /** The mean image (width * height values, row-major). */
  mean: ArrayLike<number>;
  /** The eigen-images, each width * height values (unit length). */
  components: readonly ArrayLike<number>[];
  /** The explained variance ratio of each component drawn. */
  ratios: ArrayLike<number>;
}

/** Images as they are and rebuilt from their first k components. */
export interface ReconstructionsInput {
  width: number;
  height: number;
  /** The title of each row (image), e.g. 'row 12 (label 3)'. */
  rows: readonly string[];
  /** The k of each reconstruction, increasing; the last is every component (the image itself). */
  ks: readonly number[];
  /** The explained variance at each k, in [0, 1]. */
  explained: ArrayLike<number>;
  /** pixels[r][t]: image r rebuilt from its first ks[t] components (width * height values). */
  pixels: readonly (readonly ArrayLike<number>[])[];
  /** The range of the grey scale (the data's smallest and largest pixel value). */
  range: readonly [number, number];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Values rounded to 6 significant digits of the largest magnitude `top` (not of each value), so
 * that rounding noise around 0 (a constant pixel rebuilt: 1e-17) is drawn, and written, as 0.
 */
function rounding(top: number): (v: number) => number {
  if (!(top > 0) || !Number.isFinite(top)) return round6;
  const digits = Math.min(20, Math.max(0, 5 - Math.floor(Math.log10(top))));
  const q = 10 ** -digits;
  return (v) => {
    const r = Number((Math.round(v / q) * q).toFixed(digits));
    return r === 0 ? 0 : r;
  };
}

/** The largest magnitude of the values of some arrays. */
function largest(arrays: readonly ArrayLike<number>[]): number {
  let top = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v > top) top = v;
    }
  }
  return top;
}

function pixelSize(width: number, height: number, options: ImageChartOptions): number {
  return options.pixel ?? Math.min(14, Math.max(2, Math.round(112 / Math.max(width, height))));
}

function checkOptions(fn: string, options: ImageChartOptions): void {
  chartOptions(fn, options, ['dark', 'pixel', 'unit']);
  if (options.dark !== undefined) checkKeyword(fn, 'dark', options.dark, ['high', 'low']);
  if (options.unit !== undefined) checkKeyword(fn, 'unit', options.unit, ['image', 'tile']);
  if (options.pixel !== undefined) checkArgument.integer(fn, 'options.pixel', options.pixel, 1, 64);
}

function checkGrid(fn: string, input: Record<string, unknown>): number {
  const width = checkArgument.integer(fn, 'input.width', input.width, 1, 4096);
  const height = checkArgument.integer(fn, 'input.height', input.height, 1, 4096);
  return width * height;
}

/** The pixel grid of one panel: x the column, y the row, both bands without padding. */
function gridEncoding(width: number, height: number) {
  const band = { paddingInner: 0, paddingOuter: 0 };
  return {
    x: { field: 'c', type: 'ordinal', axis: null, scale: { ...band, domain: range(width) } },
    y: { field: 'r', type: 'ordinal', axis: null, scale: { ...band, domain: range(height) } },
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Row and column of pixel i, from its index (width is a number, not data). */
function gridTransforms(width: number) {
  return [
    { calculate: `floor(datum.i / ${width})`, as: 'r' },
    { calculate: `datum.i % ${width}`, as: 'c' },
  ];
}

/** The grey scale of pixel values over `domain`, dark at the end `dark` says. */
function greyScale(domain: readonly [number, number], dark: 'high' | 'low') {
  const [lo, hi] = domain[0] < domain[1] ? domain : [domain[0] - 1, domain[0] + 1];
  return {
    scheme: 'greys',
    domain: [round6(lo), round6(hi)],
    clamp: true,
    ...(dark === 'low' ? { reverse: true } : {}),
  };
}

/**
 * The mean image, and the eigen-images on a diverging scale centred at 0 (one scale for all:
 * the components have unit length, so their values compare), each titled with its explained
 * variance ratio.
 */
export function eigenImagesSpec(
  input: EigenImagesInput,
  options: ImageChartOptions = {},
): TopLevelSpec {
  const fn = 'eigenImagesSpec';
  const obj = objectArgument(fn, 'input', input);
  checkOptions(fn, options);
  const d = checkGrid(fn, obj);
  const mean = checkArgument.numbers(fn, 'input.mean', obj.mean, d);
  numberRows(fn, 'input.components', obj.components, undefined, d);
  const components = obj.components as ArrayLike<number>[];
  const ratios = checkArgument.numbers(fn, 'input.ratios', obj.ratios, components.length);
  const { width, height } = input;
  const step = pixelSize(width, height, options);
  let lo = Infinity;
  let hi = -Infinity;
  const meanValues: { i: number; v: number }[] = [];
  const roundMean = rounding(largest([mean]));
  for (let i = 0; i < d; i++) {
    const v = mean[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    meanValues.push({ i, v: roundMean(v) });
  }
  const top = round6(largest(components)) || 1;
  const roundLoading = rounding(top);
  const values: { p: number; i: number; v: number }[] = [];
  const panels: { p: number; name: string }[] = [];
  components.forEach((c, p) => {
    panels.push({ p, name: `PC${p + 1}: ${pct(ratios[p]!)}` });
    for (let i = 0; i < d; i++) values.push({ p, i, v: roundLoading(c[i]!) });
  });
  const grid = gridEncoding(width, height);
  const size = { width: { step }, height: { step } };
  const unit = options.unit ?? 'image';
  const meanView = {
    title: { text: `mean ${unit}`, fontSize: 11, fontWeight: 'normal' },
    data: { values: meanValues },
    transform: gridTransforms(width),
    ...size,
    mark: { type: 'rect', tooltip: true },
    encoding: {
      ...grid,
      color: {
        field: 'v',
        type: 'quantitative',
        title: 'mean',
        scale: greyScale([lo, hi], options.dark ?? 'high'),
        legend: { orient: 'bottom', gradientLength: 100, format: '.3~g' },
      },
      tooltip: [
        { field: 'r', type: 'ordinal', title: 'row' },
        { field: 'c', type: 'ordinal', title: 'column' },
        { field: 'v', type: 'quantitative', title: 'mean', format: '.4~g' },
      ],
    },
  };
  const views: object[] = [meanView];
  if (components.length > 0) {
    views.push({
      data: { values },
      transform: [
        { lookup: 'p', from: { data: { values: panels }, key: 'p', fields: ['name'] } },
        ...gridTransforms(width),
      ],
      facet: {
        column: {
          field: 'name',
          type: 'nominal',
          sort: { field: 'p', op: 'min' },
          title: null,
          header: { labelFontSize: 11 },
        },
      },
      spacing: 6,
      spec: {
        ...size,
        mark: { type: 'rect', tooltip: true },
        encoding: {
          ...grid,
          color: {
            field: 'v',
            type: 'quantitative',
            title: 'loading',
            scale: { scheme: 'redblue', reverse: true, domain: [-top, top], domainMid: 0 },
            legend: { orient: 'bottom', gradientLength: 160, format: '.2~f' },
          },
          tooltip: [
            { field: 'name', type: 'nominal', title: 'component' },
            { field: 'r', type: 'ordinal', title: 'row' },
            { field: 'c', type: 'ordinal', title: 'column' },
            { field: 'v', type: 'quantitative', title: 'loading', format: '.4~g' },
          ],
        },
      },
    });
  }
  const first = components.length > 0 ? ratios[0]! : 0;
  return topLevel({
    description:
      `The mean ${unit} (${width} x ${height} pixels) and the first ${components.length} ` +
      `eigen-${unit}s: the principal components of the pixels drawn on the pixel grid, blue ` +
      'below 0 and red above' +
      (components.length > 0 ? `; PC1 explains ${pct(first)} of the variance.` : '.'),
    title: {
      text: `Mean ${unit} and eigen-${unit}s`,
      subtitle:
        `${unit === 'image' ? 'An image' : 'A tile'} is the mean plus a weighted sum of the ` +
        `eigen-${unit}s (weights: its PCA scores).`,
    },
    hconcat: views,
    spacing: 24,
    resolve: { scale: { color: 'independent' } },
    config: { view: { stroke: null } },
  });
}

/**
 * A grid of images by k: each row an image, its first column the image as it is (every
 * component: 100% of the variance), then the image rebuilt from its first k components for each
 * smaller k, titled with the variance those k components explain. One grey scale for all.
 */
export function reconstructionsSpec(
  input: ReconstructionsInput,
  options: ImageChartOptions = {},
): TopLevelSpec {
  const fn = 'reconstructionsSpec';
  const obj = objectArgument(fn, 'input', input);
  checkOptions(fn, options);
  const d = checkGrid(fn, obj);
  const rows = checkArgument.strings(fn, 'input.rows', obj.rows);
  const ks = checkArgument.numbers(fn, 'input.ks', obj.ks);
  if (ks.length < 1) {
    throw new OptionError(`The 'input.ks' argument of ${fn} must hold at least one k. Got none.`);
  }
  for (let t = 0; t < ks.length; t++) {
    checkArgument.integer(fn, `input.ks[${t}]`, ks[t], t === 0 ? 1 : ks[t - 1]! + 1);
  }
  const explained = checkArgument.numbers(fn, 'input.explained', obj.explained, ks.length);
  const pixels = obj.pixels as unknown[];
  if (!Array.isArray(pixels) || pixels.length !== rows.length) {
    throw new OptionError(
      `The 'input.pixels' argument of ${fn} must be an array of ${rows.length} arrays (one per ` +
        `row, each of ${ks.length} images). Got ${Array.isArray(pixels) ? `an array of ${pixels.length}` : typeof pixels} instead.`,
    );
  }
  for (let j = 0; j < pixels.length; j++) {
    numberRows(fn, `input.pixels[${j}]`, pixels[j], ks.length, d);
  }
  const range2 = checkArgument.numbers(fn, 'input.range', obj.range, 2);
  const { width, height } = input;
  const step = pixelSize(width, height, options);
  const T = ks.length;
  const all = ks[T - 1]!;
  // the columns: the image itself first, then the reconstructions by increasing k
  const order = [T - 1, ...range(T - 1)];
  const stageName = (t: number) =>
    t === T - 1 ? `original (k = ${all}: 100%)` : `k = ${ks[t]}: ${pct(explained[t]!)}`;
  const panels: { p: number; row: string; stage: string; s: number; t: number }[] = [];
  const values: { p: number; i: number; v: number }[] = [];
  const round = rounding(
    Math.max(Math.abs(range2[0]!), Math.abs(range2[1]!), largest(input.pixels.flat())),
  );
  rows.forEach((name, s) => {
    order.forEach((t, col) => {
      const p = panels.length;
      panels.push({ p, row: name, stage: stageName(t), s, t: col });
      const img = (input.pixels[s] as ArrayLike<number>[])[t]!;
      for (let i = 0; i < d; i++) values.push({ p, i, v: round(img[i]!) });
    });
  });
  const last = T >= 2 ? T - 2 : -1;
  return topLevel({
    description:
      `${rows.length} images of ${width} x ${height} pixels as they are and rebuilt from their ` +
      `first ${Array.from(ks).slice(0, -1).join(', ') || all} principal components` +
      (last >= 0
        ? `; the first ${ks[last]} components explain ${pct(explained[last]!)} of the variance.`
        : '.'),
    title: {
      text: 'Reconstructions',
      subtitle: `Each image rebuilt from its first k of ${all} components: the mean plus k weighted eigen-images.`,
    },
    data: { values },
    transform: [
      {
        lookup: 'p',
        from: { data: { values: panels }, key: 'p', fields: ['row', 'stage', 's', 't'] },
      },
      ...gridTransforms(width),
    ],
    facet: {
      row: {
        field: 'row',
        type: 'nominal',
        sort: { field: 's', op: 'min' },
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 11 },
      },
      column: {
        field: 'stage',
        type: 'nominal',
        sort: { field: 't', op: 'min' },
        title: null,
        header: { labelFontSize: 11 },
      },
    },
    spacing: { row: 6, column: 6 },
    spec: {
      width: { step },
      height: { step },
      mark: { type: 'rect', tooltip: true },
      encoding: {
        ...gridEncoding(width, height),
        color: {
          field: 'v',
          type: 'quantitative',
          title: 'pixel',
          scale: greyScale([range2[0]!, range2[1]!], options.dark ?? 'high'),
          legend: { orient: 'right', gradientLength: 120, format: '.3~g' },
        },
        tooltip: [
          { field: 'row', type: 'nominal', title: 'image' },
          { field: 'stage', type: 'nominal', title: 'components' },
          { field: 'r', type: 'ordinal', title: 'row' },
          { field: 'c', type: 'ordinal', title: 'column' },
          { field: 'v', type: 'quantitative', title: 'value', format: '.4~g' },
        ],
      },
    },
    config: { view: { stroke: null } },
  });
}
