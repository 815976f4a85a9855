/**
 * The image section of a report: when the feature columns are the pixels of one image per row
 * (the `image` option, or detected by `detectImage`), PCA of the raw pixels (centred, not scaled:
 * the eigen-images are in the pixels' units), the mean image, the first eigen-images, and the
 * reconstructions of a few rows from their first k components at several k.
 *
 * Detection (no `image` option) reads the columns as an image only when nothing else fits:
 *   names   either one grid of row and column indices in row-major order (pixel_0_0,
 *           pixel_0_1, ..., or r0c0, r0c1, ... as image folders are loaded), or one pixel-like
 *           prefix (pixel, px, p, x, with an optional '_', '-' or '.') followed by the indices
 *           0..d-1 (or 1..d) in order, d a square
 *   size    at least 16 pixels, each side at least 4, at most MAX_IMAGE_PIXELS pixels
 *   values  every value finite and >= 0, and either all integers up to 65535 or all in [0, 1],
 *           not all 0
 * The report says which rule applied; `image: false` turns the section off.
 */
import type { Dataset, FeatureMatrix } from '../data/dataset.js';
import { pca, type PCAResult } from '../decomposition/pca/index.js';
import { OptionError } from '../util/errors.js';
import { withCollectedWarnings } from '../util/log.js';
import { message, option as mention } from '../util/message.js';

/** The `image` option of a report: the pixel grid of the feature columns. */
export interface ReportImageOption {
  width: number;
  height: number;
}

/** Pixels of the largest image the section draws (64 x 64). */
export const MAX_IMAGE_PIXELS = 4096;
/** Rows reconstructed: the first of each label (or cluster), at most this many. */
export const IMAGE_ROWS = 6;
/** Eigen-images drawn. */
export const EIGEN_IMAGES = 8;
/** The k of the reconstructions, below the number of components (all of them are added). */
export const IMAGE_KS = [2, 5, 10, 20] as const;

/** How the feature columns were read as an image. */
export interface ImageLayout {
  width: number;
  height: number;
  /** 'option': the `image` option; 'grid', 'indexed': the names, by the rules above. */
  rule: 'option' | 'grid' | 'indexed';
  /** One sentence for the report: which rule applied. */
  text: string;
}

/** What the image section shows, computed from the raw pixels. */
export interface ReportImage extends ImageLayout {
  /** The mean image (width * height, row-major). */
  mean: Float64Array;
  /** The first eigen-images (PCA components of the raw pixels, unit length). */
  components: Float64Array[];
  /** Explained variance ratio of every component fitted. */
  ratios: Float64Array;
  /** Components in all: min(n, width * height). */
  allComponents: number;
  /** The k of the reconstructions, increasing; the last is `allComponents` (the rows as they are). */
  ks: number[];
  /** Explained variance at each k (the sum of the first k ratios). */
  explained: number[];
  /** Root mean squared error per pixel over all rows at each k (n denominator). */
  rmse: number[];
  /** The rows reconstructed (0-based). */
  rows: number[];
  /** What picked each row: 'label 3' or 'cluster C2'. */
  rowReasons: string[];
  /** reconstructions[r][t]: row `rows[r]` from its first `ks[t]` components. */
  reconstructions: Float64Array[][];
  /** Smallest and largest pixel value of the data. */
  range: [number, number];
}

/** The `image` option checked: `{width, height}` with integer sides >= 1, or false. */
export function checkImageOption(value: unknown): ReportImageOption | false | undefined {
  if (value === undefined || value === false) return value;
  const v = value as Partial<ReportImageOption> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).every((key) => key === 'width' || key === 'height') &&
    Number.isInteger(v.width) &&
    Number.isInteger(v.height) &&
    v.width! >= 1 &&
    v.height! >= 1;
  if (!ok) {
    throw new OptionError(
      "The 'image' option of buildReport must be {width, height} (integers >= 1) or false. Got " +
        `${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? JSON.stringify(v) : typeof v} instead.`,
    );
  }
  if (v.width! * v.height! > MAX_IMAGE_PIXELS) {
    throw new OptionError(
      `The 'image' option of buildReport: an image of ${v.width} x ${v.height} = ` +
        `${v.width! * v.height!} pixels is larger than the ${MAX_IMAGE_PIXELS} pixels the report ` +
        'draws as heatmaps; use clusterlens compress (compressImage) for a large image.',
    );
  }
  return { width: v.width!, height: v.height! };
}

/** Whether every value is pixel-like: finite, >= 0, all integers <= 65535 or all in [0, 1]. */
function pixelValues(X: FeatureMatrix): string | undefined {
  const data = X.data;
  let integers = true;
  let unit = true;
  let max = 0;
  for (let t = 0; t < data.length; t++) {
    const v = data[t]!;
    if (!(v >= 0 && v <= 65535)) return undefined;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
    if (unit && v > 1) unit = false;
    if (!integers && !unit) return undefined;
  }
  if (max === 0) return undefined;
  return integers ? `every value is an integer in 0..${max}` : 'every value is in [0, 1]';
}

const GRID = /^(.*?)(\d+)[_x.-]?c?(\d+)$/i;
const INDEXED = /^(pixel|pixels|pix|px|p|x)([_.-]?)(\d+)$/i;

/**
 * The image the feature columns form by their names and values (see the header), or undefined.
 * `columns`: the feature names; `X`: the features.
 */
export function detectImage(columns: readonly string[], X: FeatureMatrix): ImageLayout | undefined {
  const d = columns.length;
  if (d < 16 || d > MAX_IMAGE_PIXELS || X.cols !== d) return undefined;
  const layout = gridLayout(columns) ?? indexedLayout(columns);
  if (layout === undefined || layout.width < 4 || layout.height < 4) return undefined;
  const values = pixelValues(X);
  if (values === undefined) return undefined;
  return { ...layout, text: `${layout.text}, and ${values}` };
}

/** Names of one grid: a prefix, the row index, the column index, row-major, from 0 or 1. */
function gridLayout(
  columns: readonly string[],
): (Omit<ImageLayout, 'text'> & { text: string }) | undefined {
  const first = GRID.exec(columns[0]!);
  if (!first) return undefined;
  const prefix = first[1]!;
  // the separator between the indices: whatever follows the row index in the first name
  const sep = columns[0]!.slice(prefix.length + first[2]!.length, -first[3]!.length);
  if (sep === '') return undefined;
  const base = Number(first[2]);
  if ((base !== 0 && base !== 1) || Number(first[3]) !== base) return undefined;
  const rows: number[] = [];
  const cols: number[] = [];
  for (const name of columns) {
    if (!name.startsWith(prefix)) return undefined;
    const rest = name.slice(prefix.length);
    const at = rest.indexOf(sep);
    if (at <= 0) return undefined;
    const r = rest.slice(0, at);
    const c = rest.slice(at + sep.length);
    if (!/^\d+$/.test(r) || !/^\d+$/.test(c)) return undefined;
    rows.push(Number(r) - base);
    cols.push(Number(c) - base);
  }
  let width = 0;
  while (width < cols.length && rows[width] === 0) width++;
  if (width === 0 || columns.length % width !== 0) return undefined;
  const height = columns.length / width;
  for (let j = 0; j < columns.length; j++) {
    if (rows[j] !== Math.floor(j / width) || cols[j] !== j % width) return undefined;
  }
  const last = columns[columns.length - 1]!;
  return {
    width,
    height,
    rule: 'grid',
    text:
      `The ${columns.length} feature columns ${columns[0]}..${last} are read as an image of ` +
      `${width} x ${height} pixels: their names are one grid of row and column indices in row-major order`,
  };
}

/** One pixel-like prefix and the indices 0..d-1 (or 1..d) in order, d a square. */
function indexedLayout(columns: readonly string[]): ImageLayout | undefined {
  const d = columns.length;
  const side = Math.round(Math.sqrt(d));
  if (side * side !== d) return undefined;
  const first = INDEXED.exec(columns[0]!);
  if (!first) return undefined;
  const stem = first[1]! + first[2]!;
  const base = Number(first[3]);
  if (base !== 0 && base !== 1) return undefined;
  for (let j = 0; j < d; j++) if (columns[j] !== `${stem}${j + base}`) return undefined;
  return {
    width: side,
    height: side,
    rule: 'indexed',
    text:
      `The ${d} feature columns ${columns[0]}..${columns[d - 1]} are read as an image of ${side} x ` +
      `${side} pixels: their names are one pixel-like prefix ('${stem}') with the indices ${base}..` +
      `${d - 1 + base} in order, ${d} is a square of side >= 4`,
  };
}

/**
 * The layout of the report's image section: the `image` option (checked against the columns), or
 * the detected one; undefined when there is none or the option is false.
 */
export function imageLayout(
  option: ReportImageOption | false | undefined,
  dataset: Dataset,
  reduced: boolean,
): ImageLayout | undefined {
  if (option === false) return undefined;
  const d = dataset.features.cols;
  if (option === undefined)
    return reduced ? undefined : detectImage(dataset.columns, dataset.features);
  const pixels = option.width * option.height;
  if (reduced || pixels !== d) {
    const what = reduced
      ? 'feature columns of the data before its width was reduced'
      : `${d} feature columns`;
    throw new OptionError(
      message`${mention('image', `${option.width}x${option.height}`, { library: `The 'image' option of buildReport (${option.width} x ${option.height})` })} (${pixels} pixels) does not match the ${what}; the feature columns must be the pixels of one image per row, row-major.`,
    );
  }
  return {
    ...option,
    rule: 'option',
    text:
      `The ${d} feature columns are read as an image of ${option.width} x ${option.height} ` +
      'pixels, row-major, as the image option says',
  };
}

/**
 * PCA of the raw pixels (centred, not scaled) and what the section draws: the mean image, the
 * first eigen-images, and the rows `rows` reconstructed from their first k components for each
 * k of IMAGE_KS below min(n, d), and with all of them (the rows as they are).
 */
export function imageAnalysis(
  X: FeatureMatrix,
  layout: ImageLayout,
  rows: readonly number[],
  rowReasons: readonly string[],
): ReportImage {
  const { rows: n, cols: d, data } = X;
  const all = Math.min(n, d);
  const ks: number[] = IMAGE_KS.filter((k) => k < all);
  ks.push(all);
  const fitted = Math.min(all, Math.max(EIGEN_IMAGES, ks.length > 1 ? ks[ks.length - 2]! : 1));
  // constant pixels (a digit's border) add nothing; the Data section lists them already
  const p: PCAResult = withCollectedWarnings(() =>
    pca(X, { components: fitted, center: true, scale: false }),
  ).value;
  const k = p.components.length;
  const V = new Float64Array(k * d);
  for (let c = 0; c < k; c++) V.set(p.components[c]!, c * d);
  const mean = Float64Array.from(p.mean);
  const explained: number[] = [];
  const rmse: number[] = [];
  const ratios = p.explainedVarianceRatio;
  let cum = 0;
  let t = 0;
  let lambda = 0;
  for (let c = 0; c <= k; c++) {
    while (t < ks.length && ks[t] === c) {
      const kept = ks[t] === all;
      explained.push(kept ? 1 : cum);
      // the squared error left: the variance of the components left out, over n and the pixels
      const left = kept ? 0 : Math.max(0, p.totalVariance - lambda);
      rmse.push(Math.sqrt((left * (n - 1)) / n / d));
      t++;
    }
    if (c < k) {
      cum += ratios[c]!;
      lambda += p.explainedVariance[c]!;
    }
  }
  while (t < ks.length) {
    explained.push(1);
    rmse.push(0);
    t++;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scores = new Float64Array(k);
  const reconstructions = rows.map((i) => {
    const o = i * d;
    for (let c = 0; c < k; c++) {
      let s = 0;
      const vo = c * d;
      for (let j = 0; j < d; j++) s += (data[o + j]! - mean[j]!) * V[vo + j]!;
      scores[c] = s;
    }
    return ks.map((kk) => {
      const out = new Float64Array(d);
      if (kk === all) {
        out.set(data.subarray(o, o + d));
        return out;
      }
      out.set(mean);
      for (let c = 0; c < kk; c++) {
        const s = scores[c]!;
        const vo = c * d;
        for (let j = 0; j < d; j++) out[j]! += s * V[vo + j]!;
      }
      return out;
    });
  });
  return {
    ...layout,
    mean,
    components: Array.from({ length: Math.min(EIGEN_IMAGES, k) }, (_, c) =>
      V.slice(c * d, (c + 1) * d),
    ),
    ratios: Float64Array.from(ratios),
    allComponents: all,
    ks,
    explained,
    rmse,
    rows: [...rows],
    rowReasons: [...rowReasons],
    reconstructions,
    range: [lo, hi],
  };
}

/**
 * The rows to reconstruct: the first row of each held-out label (in the sorted order of the
 * labels) or, without a label, of each k-means cluster; at most IMAGE_ROWS.
 */
export function imageRows(
  labelCodes: Int32Array | undefined,
  labelNames: readonly string[],
  clusters: Int32Array,
  k: number,
  clusterName: (c: number) => string,
): { rows: number[]; reasons: string[] } {
  const codes = labelCodes ?? clusters;
  const groups = labelCodes ? labelNames.length : k;
  const first = new Int32Array(groups).fill(-1);
  for (let i = 0; i < codes.length; i++) if (first[codes[i]!] === -1) first[codes[i]!] = i;
  const rows: number[] = [];
  const reasons: string[] = [];
  for (let g = 0; g < groups && rows.length < IMAGE_ROWS; g++) {
    if (first[g] === -1) continue;
    rows.push(first[g]!);
    reasons.push(labelCodes ? labelNames[g]! : clusterName(g));
  }
  return { rows, reasons };
}
