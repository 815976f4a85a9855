/**
 * The options of a report (`ReportOptions`): their defaults, their checks (`resolveReportOptions`,
 * once, before any work) and the check of the fits a caller gives (`checkGivenFits`).
 *
 * Fits made by the caller: the `kmeans`, `hclust` and `pca` options take a k-means result, a
 * tree or a PCA fit of the same rows and features (checked against the data), and the report
 * uses them instead of fitting; a given k-means fit sets k. They must be fitted on the features
 * as the `scale` option scales them (`scale(dataset, method).scaled`, or `.dataset`), which is
 * what the report describes them as.
 */
import { ORIENTATIONS, type Orientation } from '../charts/dendrogram.js';
import {
  LINKAGE_NAMES,
  type LinkageAlias,
  type LinkageMethod,
  resolveLinkageMethod,
} from '../cluster/hclust/index.js';
import type { HClustResult } from '../cluster/hclust/tree.js';
import type { KMeansResult } from '../cluster/kmeans/index.js';
import type { Dataset } from '../data/dataset.js';
import { SCALE_METHODS, type ScaleMethod } from '../data/scale.js';
import type { PCAResult } from '../decomposition/pca/index.js';
import { OptionError } from '../util/errors.js';
import { checkImageOption, type ReportImageOption } from './image.js';
import { checkInteger, checkKeyword, checkKnownOptions } from '../util/validate.js';

/** A range of k to choose from: [min, max], 1 <= min < max. */
export type KRange = readonly [number, number];

/** Whether the `k` option is a range (rather than a number or 'auto'). */
export function isKRange(k: ReportOptions['k']): k is KRange {
  return Array.isArray(k);
}

/** Rows of the default sample of a streamed report (stream.ts). */
export const STREAM_SAMPLE_ROWS = 20000;

/** The default of `maxFeatures`: the widest data a report analyses whole. */
export const MAX_REPORT_FEATURES = 2000;

/** Options of `buildReport`. */
export interface ReportOptions {
  /** Scaling of the features before every fit. Default: 'standard'. */
  scale?: ScaleMethod;
  /**
   * Number of clusters; 'auto' to let the criteria choose among the default range
   * (`defaultKRange`: 2 .. min(10, max(3, floor(sqrt(n / 2))))) or 2..kMax; or a range
   * [min, max] (1 <= min < max) to choose from. Default: 'auto' (with the `kmeans` option: the
   * fit's k).
   */
  k?: number | 'auto' | KRange;
  /** Largest k the criteria try with k 'auto'. Default: the default range's (see `k`). */
  kMax?: number;
  /** Linkage method of the hierarchical clustering (a name or alias of `hclust`). Default: 'ward'. */
  method?: LinkageMethod | LinkageAlias;
  /** Seed of every random choice (k-means restarts, samples). Default: 0. */
  seed?: number;
  /** k-means restarts of every k-means fit, the criteria of k included. Default: 10. */
  nInit?: number;
  /**
   * A k-means fit of the scaled features made by the caller (one label per row, centroids with
   * one value per feature); the report uses it instead of fitting, and its k is the report's.
   * Default: undefined (the report fits k-means).
   */
  kmeans?: KMeansResult;
  /**
   * A tree of the rows of the scaled features made by the caller (`hclust`, `hclustFromLinkage`; one
   * leaf per row); the report cuts it instead of building one. Not with `twoStage`.
   * Default: undefined (the report builds the tree).
   */
  hclust?: HClustResult;
  /**
   * A PCA fit of the scaled features made by the caller (scores of every row, one loading per
   * feature); the report draws its components instead of fitting all of them.
   * Default: undefined (the report fits PCA).
   */
  pca?: PCAResult;
  /** Where the dendrogram's root is: 'top', 'bottom', 'left', 'right'. Default: 'top'. */
  orientation?: Orientation;
  /** Above this many leaves, the dendrogram shows the last `lastp` merges. Default: 60. */
  truncateAbove?: number;
  /** Leaves of a truncated dendrogram (scipy's truncate_mode='lastp'). Default: 30. */
  lastp?: number;
  /**
   * Above this many rows, the criteria of k run on a seeded sample of them; and when k is given,
   * they are not computed at all. Default: 5000.
   */
  chooseKMaxRows?: number;
  /** Above this many rows, hierarchical clustering runs on a seeded sample of them. Default: 5000. */
  hclustMaxRows?: number;
  /**
   * Hierarchical clustering in two stages on all rows instead of on a sample: k-means into this
   * many centres, then the tree of the centres weighted by their sizes (`twoStage`); the
   * dendrogram's leaves are centres marked '(n)' with their row counts. `false`: off.
   * Default: false.
   */
  twoStage?: number | false;
  /** Above this many rows, silhouettes are computed on a seeded sample. Default: 5000. */
  silhouetteMaxRows?: number;
  /** Above this many rows, charts draw with the canvas renderer. Default: 5000. */
  canvasAbove?: number;
  /** Above this many rows, the projection is a binned density plus a seeded sample. Default: 20000. */
  densityAbove?: number;
  /** Size of that sample (points with tooltips). Default: 2500. */
  densitySample?: number;
  /** Report title. Default: 'clusterlens report: <file name>'. */
  title?: string;
  /**
   * Above this many feature columns, the report analyses the `maxFeatures` columns of highest
   * variance (in the data's units, before scaling; ties by column order) and says so in its
   * preprocessing log; the others are listed in the JSON results. Every step of a report grows
   * with the width (the profiles, the sample table of the charts, PCA), and 100,000 columns
   * would not fit in memory. Default: 2000.
   */
  maxFeatures?: number;
  /**
   * A density section: HDBSCAN of the scaled features (`hdbscan`, as R dbscan's `hdbscan(x,
   * minPts)` when minClusterSize = minSamples), its noise, condensed tree and k-distance chart,
   * silhouettes and profiles without the noise, and its agreement with k-means and the label.
   * `{}` takes the defaults: minClusterSize 5, minSamples = minClusterSize.
   * Default: undefined (no density section).
   */
  density?: DensityReportOptions;
  /**
   * The maps of the rows: 'pca' (always drawn) and 'umap', the UMAP map (`umap` with its
   * defaults and the report's seed, on the scaled features) beside the PCA projection with
   * linked selections. Default: ['pca', 'umap'] when the data has at least
   * `UMAP_MIN_FEATURES` feature columns and at most `UMAP_MAX_ROWS` rows, else ['pca'].
   */
  projection?: readonly ReportProjection[];
  /**
   * The feature columns are the pixels of one image per row, row-major: `{width, height}`
   * (width * height = the feature columns, at most 4096 pixels). The report adds an Images
   * section: PCA of the raw pixels, the mean image, the first eigen-images and reconstructions
   * of a few rows at several k. `false`: no Images section. Default: undefined, the section is
   * added when the columns are detected as an image (the rule is in src/report/image.ts, and the
   * section says which part of it applied).
   */
  image?: ReportImageOption | false;
}

/** The maps a report can draw of its rows. */
export const REPORT_PROJECTIONS = ['pca', 'umap'] as const;
/** A map of the rows of a report. */
export type ReportProjection = (typeof REPORT_PROJECTIONS)[number];
/** The default adds UMAP from this many feature columns... */
export const UMAP_MIN_FEATURES = 3;
/** ...up to this many rows. */
export const UMAP_MAX_ROWS = 100_000;

/** Whether a report on n rows x d features draws the UMAP map, as the `projection` option says. */
export function reportHasUmap(
  projection: readonly ReportProjection[] | undefined,
  n: number,
  d: number,
): boolean {
  if (projection !== undefined) return projection.includes('umap');
  return d >= UMAP_MIN_FEATURES && n <= UMAP_MAX_ROWS;
}

/** The `density` option of a report: HDBSCAN's two sizes. */
export interface DensityReportOptions {
  /** Smallest cluster (>= 2). Default: 5. */
  minClusterSize?: number;
  /** Rows counted for a core distance, the row itself included (>= 1). Default: minClusterSize. */
  minSamples?: number;
}

/** The `density` option with its defaults. */
export interface ResolvedDensityOptions {
  minClusterSize: number;
  minSamples: number;
}

/** The options that hold fits made by the caller. */
type GivenFits = Pick<ReportOptions, 'kmeans' | 'hclust' | 'pca'>;

/** The resolved options: every option with its value or its default. */
export type ResolvedReportOptions = Required<
  Omit<ReportOptions, 'title' | 'kMax' | 'density' | 'projection' | 'image' | keyof GivenFits>
> & {
  /** The `image` option as given (checked); undefined: detected from the columns. */
  image: ReportImageOption | false | undefined;
  /** The `projection` option as given; undefined: by the size of the data (`reportHasUmap`). */
  projection: readonly ReportProjection[] | undefined;
  title: string | undefined;
  density: ResolvedDensityOptions | undefined;
  kMax: number | undefined;
  kmeans: KMeansResult | undefined;
  hclust: HClustResult | undefined;
  pca: PCAResult | undefined;
};

const defaults: ResolvedReportOptions = {
  scale: 'standard',
  k: 'auto',
  kMax: undefined,
  method: 'ward',
  seed: 0,
  nInit: 10,
  kmeans: undefined,
  hclust: undefined,
  pca: undefined,
  orientation: 'top',
  truncateAbove: 60,
  lastp: 30,
  chooseKMaxRows: 5000,
  hclustMaxRows: 5000,
  twoStage: false,
  silhouetteMaxRows: 5000,
  canvasAbove: 5000,
  densityAbove: 20000,
  densitySample: 2500,
  maxFeatures: MAX_REPORT_FEATURES,
  title: undefined,
  density: undefined,
  projection: undefined,
  image: undefined,
};

/** Resolve and check the options once. */
export function resolveReportOptions(options: ReportOptions = {}): ResolvedReportOptions {
  const fn = 'buildReport';
  checkKnownOptions(fn, options, Object.keys(defaults));
  const o = { ...defaults, ...options, density: densityOptions(options.density) };
  checkKeyword(fn, 'scale', o.scale, SCALE_METHODS);
  if (isKRange(o.k)) {
    // a range from JavaScript may have any length
    const range: readonly number[] = o.k;
    const [lo, hi] = range;
    if (range.length !== 2) {
      throw new OptionError(
        `The 'k' option of buildReport must be an integer, 'auto' or a range [min, max]. Got ${JSON.stringify(o.k)} instead.`,
      );
    }
    checkInteger(fn, 'k', lo, 1);
    checkInteger(fn, 'k', hi, lo! + 1);
  } else if (o.k !== 'auto') checkInteger(fn, 'k', o.k, 1);
  if (o.kMax !== undefined) checkInteger(fn, 'kMax', o.kMax, 2);
  checkKeyword(fn, 'method', o.method, LINKAGE_NAMES);
  checkInteger(fn, 'seed', o.seed, 0, 0xffffffff);
  checkInteger(fn, 'nInit', o.nInit, 1);
  checkKeyword(fn, 'orientation', o.orientation, ORIENTATIONS);
  checkInteger(fn, 'truncateAbove', o.truncateAbove, 2);
  checkInteger(fn, 'lastp', o.lastp, 2);
  checkInteger(fn, 'chooseKMaxRows', o.chooseKMaxRows, 3);
  checkInteger(fn, 'hclustMaxRows', o.hclustMaxRows, 2);
  if (o.twoStage !== false) checkInteger(fn, 'twoStage', o.twoStage, 2);
  checkInteger(fn, 'silhouetteMaxRows', o.silhouetteMaxRows, 2);
  checkInteger(fn, 'canvasAbove', o.canvasAbove, 0);
  checkInteger(fn, 'densityAbove', o.densityAbove, 1);
  checkInteger(fn, 'densitySample', o.densitySample, 1);
  checkInteger(fn, 'maxFeatures', o.maxFeatures, 1);
  if (o.title !== undefined && typeof o.title !== 'string') {
    throw new OptionError(
      `The 'title' option of buildReport must be a string. Got ${typeof o.title} instead.`,
    );
  }
  if (o.projection !== undefined) o.projection = projectionOption(o.projection);
  o.image = checkImageOption(o.image);
  checkFitOptions(o, options);
  return o;
}

/** The `projection` option checked: a list of 'pca' and 'umap' that holds 'pca', no repeats. */
function projectionOption(value: unknown): ReportProjection[] {
  const list = Array.isArray(value) ? (value as unknown[]) : undefined;
  if (
    list === undefined ||
    list.some((p) => !(REPORT_PROJECTIONS as readonly unknown[]).includes(p)) ||
    new Set(list).size !== list.length ||
    !list.includes('pca')
  ) {
    throw new OptionError(
      `The 'projection' option of buildReport must be ['pca'] or ['pca', 'umap'] (PCA is always drawn). Got ${Array.isArray(value) ? JSON.stringify(value) : value === null ? 'null' : typeof value === 'string' ? `'${value}'` : typeof value} instead.`,
    );
  }
  return REPORT_PROJECTIONS.filter((p) => list.includes(p));
}

/** The `density` option checked, with its defaults; undefined when not given. */
function densityOptions(density: unknown): ResolvedDensityOptions | undefined {
  const fn = 'buildReport';
  if (density === undefined) return undefined;
  if (typeof density !== 'object' || density === null || Array.isArray(density)) {
    throw new OptionError(
      `The 'density' option of buildReport must be an object ({minClusterSize, minSamples}). Got ${density === null ? 'null' : Array.isArray(density) ? 'an array' : typeof density} instead.`,
    );
  }
  const given = density as DensityReportOptions;
  for (const key of Object.keys(given)) {
    if (
      key !== 'minClusterSize' &&
      key !== 'minSamples' &&
      given[key as 'minSamples'] !== undefined
    ) {
      throw new OptionError(
        `The 'density' option of buildReport has no field '${key}'. Known fields: 'minClusterSize', 'minSamples'.`,
      );
    }
  }
  const minClusterSize = checkInteger(fn, 'density.minClusterSize', given.minClusterSize ?? 5, 2);
  const minSamples = checkInteger(fn, 'density.minSamples', given.minSamples ?? minClusterSize, 1);
  return { minClusterSize, minSamples };
}

/**
 * The options that hold fits: each a fit of its kind, a tree not with `twoStage`, and no `k` or
 * `method` option that contradicts a given fit.
 */
function checkFitOptions(o: ResolvedReportOptions, options: ReportOptions): void {
  const isFit = (value: unknown, key: string): boolean =>
    typeof value === 'object' && value !== null && key in value;
  for (const [option, key, what] of [
    ['kmeans', 'centroids', 'a k-means result (kmeans())'],
    ['hclust', 'linkage', 'a tree (hclust(), hclustFromLinkage())'],
    ['pca', 'scores', 'a PCA fit (pca())'],
  ] as const) {
    const value = o[option];
    if (value !== undefined && !isFit(value, key)) {
      throw new OptionError(
        `The '${option}' option of buildReport must be ${what}. Got ${value === null ? 'null' : typeof value} instead.`,
      );
    }
  }
  if (o.hclust !== undefined && o.twoStage !== false) {
    throw new OptionError(
      "buildReport takes either a tree (the 'hclust' option) or builds one in two stages (the " +
        "'twoStage' option), not both.",
    );
  }
  if (o.kmeans !== undefined && o.k !== 'auto' && o.k !== o.kmeans.k) {
    const given = isKRange(o.k) ? `${o.k[0]}..${o.k[1]}` : String(o.k);
    throw new OptionError(
      `The 'k' option of buildReport (${given}) differs from the k of the given k-means fit ` +
        `(${o.kmeans.k}); leave 'k' out or give a fit with k = ${given}.`,
    );
  }
  if (o.hclust !== undefined && options.method !== undefined) {
    const given = o.hclust.method;
    if (given !== 'linkage' && given !== resolveLinkageMethod(options.method, 'buildReport')) {
      throw new OptionError(
        `The 'method' option of buildReport ('${options.method}') differs from the method of ` +
          `the given tree ('${given}'); leave 'method' out or give a tree of that method.`,
      );
    }
  }
}

/**
 * Check that the fits given in the options are of this data: as many rows, as many features
 * (and the same feature names, when a PCA fit knows them). Throws an `OptionError` naming the
 * option and both shapes.
 */
export function checkGivenFits(o: ResolvedReportOptions, dataset: Dataset): void {
  const { rows: n, cols: d } = dataset.features;
  const fail = (option: string, what: string): never => {
    throw new OptionError(
      `The '${option}' option of buildReport is a fit of other data: ${what}, but the data has ` +
        `${n} rows and ${d} features. Fit it on the scaled features of this dataset.`,
    );
  };
  const km = o.kmeans;
  if (km !== undefined) {
    if (km.labels.length !== n) fail('kmeans', `it has ${km.labels.length} labels`);
    if (km.centroids.length !== km.k)
      fail('kmeans', `it has ${km.centroids.length} centroids for k = ${km.k}`);
    for (const c of km.centroids) {
      if (c.length !== d) fail('kmeans', `its centroids have ${c.length} values`);
    }
    for (let i = 0; i < n; i++) {
      const l = km.labels[i]!;
      if (!(l >= 0 && l < km.k)) fail('kmeans', `row ${i} has label ${l}, outside 0..${km.k - 1}`);
    }
    if (km.k > n) fail('kmeans', `it has k = ${km.k}`);
  }
  const hc = o.hclust;
  if (hc !== undefined) {
    if (hc.n !== n) fail('hclust', `its tree has ${hc.n} leaves`);
    const root = hc.Z[4 * (hc.n - 2) + 3];
    if (n >= 2 && root !== n) {
      fail('hclust', `its tree holds ${root} points in ${hc.n} leaves (a weighted tree)`);
    }
  }
  const p = o.pca;
  if (p !== undefined) {
    if (p.nFeatures !== d) fail('pca', `it has ${p.nFeatures} features`);
    if (p.scores.rows !== n) fail('pca', `it has scores of ${p.scores.rows} rows`);
    if (p.components.length === 0) fail('pca', 'it has no components');
    if (p.columns?.some((c, j) => c !== dataset.columns[j])) {
      fail('pca', `its features are ${p.columns!.join(', ')}`);
    }
  }
}
