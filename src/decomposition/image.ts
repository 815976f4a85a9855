/**
 * Image compression by PCA over tiles: what k components keep of an image.
 *
 * The image is cut into non-overlapping block x block tiles, in row-major tile order; each tile is
 * one row of the tile matrix X (n tiles x d = block * block * channels values, the tile's pixels
 * row-major with channels interleaved). Images whose sides are not multiples of the block are
 * first padded on the right and at the bottom by repeating the last column and row (edge
 * replication); reconstructions are cropped back to the image, and the error is measured on the
 * image's own pixels only.
 *
 * One fit serves every requested k: with mean the mean tile and C = (X - mean)^T (X - mean) / (n - 1)
 * (the co-moment accumulator of pca/covariance.ts), the eigenpairs of C by the symmetric
 * eigensolver of eigen.ts give the components v_c, oriented by PCA's sign rule (pca/steps.ts: the
 * entry of largest magnitude is positive). The scores s_ic = (x_i - mean) . v_c of the largest k
 * are computed once; the reconstruction at k is
 *
 *   x^_i = mean + sum_{c < k} s_ic v_c,
 *
 * built up segment by segment between the requested k (each segment's products added to a
 * running sum), so all reconstructions together cost what the largest costs alone. The rows are
 * taken in blocks of 256 tiles, so the scores are never stored whole. `compressImage` makes one
 * such pass: each reconstruction's errors, and its values rounded and clipped to 8 bits (`bytes`
 * of a result, the rule of saveImage), for every k; no reconstruction is kept in doubles. The
 * unclipped pixels of a k (`pixels`) are made when first asked for, by a pass over the tiles
 * with the products of the first k components only (each score and each segment product is a
 * sum over its own index, in order: the same numbers as the first pass, bit for bit).
 *
 * Numbers (scikit-learn's `PCA(k, svd_solver='full')` on the same tiles):
 *   explainedVariance_c = sum_i s_ic^2 / (n - 1) for the fitted components (the Rayleigh quotient
 *   of v_c from the data, accurate to rounding of itself even for small components, where the
 *   eigenvalue of C carries an error of about d eps lambda_1); for the others the eigenvalues of
 *   C, those below d eps lambda_1 (and negative ones) set to 0;
 *   explainedVarianceRatio_c = explainedVariance_c / trace(C).
 *   mse = sum (x - x^)^2 / (width * height * channels) over the image's pixels, on the unclipped
 *   reconstruction; psnr = 10 log10(255^2 / mse) (Infinity when mse = 0).
 *   storedNumbers = k d (components) + d (mean) + n k (scores);
 *   compressionRatio = width * height * channels / storedNumbers.
 *
 * Products: the co-moment and the scores run in the WebAssembly SIMD kernels of
 * pca/kernels.ts (`createGramKernel` through the accumulator, `createProjectKernel` for the scores
 * and for each segment of the reconstruction), or their JavaScript twins (`crossDots` of eigen.ts)
 * with the same numbers, bit for bit.
 */
import { type FeatureMatrix, featureMatrix } from '../data/dataset.js';
import { checkImage, type Image } from '../data/image.js';
import { OptionError } from '../util/errors.js';
import { checkInteger, checkKnownOptions } from '../util/validate.js';
import { crossDots, symmetricEigen } from './eigen.js';
import { CovarianceAccumulator } from './pca/covariance.js';
import { createProjectKernel, type ProjectKernel } from './pca/kernels.js';
import { orient } from './pca/steps.js';

/** Options of `compressImage`. */
export interface CompressImageOptions {
  /** The number(s) of components k to keep: one count or several, each >= 1. Required. */
  components: number | readonly number[];
  /** Side of the square tiles, in pixels (block * block * channels at most 1,024). Default: 8. */
  block?: number;
}

/** The reconstruction of an image from its first k components. */
export interface ImageReconstruction {
  /** k. */
  readonly components: number;
  /**
   * The reconstruction rounded to the nearest integer (halves up) and clipped to 0..255, in the
   * layout of the input's pixels (cropped back): the values saveImage writes for `pixels`, made
   * with the numbers (every k in one pass). `saveImage(path, {width, height, channels, pixels:
   * bytes})` writes them.
   */
  readonly bytes: Uint8Array;
  /**
   * The unclipped reconstruction, in the layout of the input's pixels (cropped back). Made when
   * first read, for this k alone (a pass over the tiles with its first k components).
   */
  readonly pixels: Float64Array;
  /** `bytes` as an Image (values 0..255 as doubles), made when first read. */
  readonly image: Image;
  /** Mean squared error over every value of the image (all channels), unclipped. */
  readonly mse: number;
  /** 10 log10(255^2 / mse), in dB; Infinity when mse = 0. */
  readonly psnr: number;
  /** The explained variance ratios of the k components. */
  readonly explainedVarianceRatio: Float64Array;
  /** Their sum: the share of the tiles' variance the k components keep. */
  readonly explainedVariance: number;
  /** Numbers stored: k * tileSize (components) + tileSize (mean) + tiles * k (scores). */
  readonly storedNumbers: number;
  /** width * height * channels / storedNumbers. */
  readonly compressionRatio: number;
}

/** The result of `compressImage`. */
export interface CompressImageResult {
  readonly width: number;
  readonly height: number;
  readonly channels: Image['channels'];
  readonly block: number;
  /** Number of tiles n (of the padded image). */
  readonly tiles: number;
  /** Values per tile: block * block * channels. */
  readonly tileSize: number;
  /** The image's sides rounded up to multiples of the block. */
  readonly paddedWidth: number;
  readonly paddedHeight: number;
  /** The mean tile (tileSize values). */
  readonly mean: Float64Array;
  /** The components as rows (the largest k x tileSize): the eigen-tiles. */
  readonly components: FeatureMatrix;
  /** The explained variance ratios of all min(tiles, tileSize) components. */
  readonly explainedVarianceRatio: Float64Array;
  /** One reconstruction per requested k, in the order given. */
  readonly results: readonly ImageReconstruction[];
  /** The numbers (no pixel arrays), for JSON. */
  toJSON(): CompressImageJSON;
}

/** `CompressImageResult.toJSON()`: psnr is null when the reconstruction is exact. */
export interface CompressImageJSON {
  width: number;
  height: number;
  channels: number;
  block: number;
  tiles: number;
  tileSize: number;
  paddedWidth: number;
  paddedHeight: number;
  explainedVarianceRatio: number[];
  results: {
    components: number;
    mse: number;
    psnr: number | null;
    explainedVarianceRatio: number[];
    explainedVariance: number;
    storedNumbers: number;
    compressionRatio: number;
  }[];
}

const KNOWN = ['components', 'block'] as const;

/** Most values per tile (block * block * channels): the eigenproblem is tileSize^3. */
const MAX_TILE_SIZE = 1024;

/** Tiles per block of rows in the products (the block and its scores stay in cache). */
const ROWS = 256;

/**
 * PCA compression of `image` over block x block tiles at one or several numbers of components
 * (see the file header for the definitions). The image's values are used as they are (any
 * finite numbers; loadImage gives 0..255).
 *
 * @example
 * import { compressImage } from 'clusterlens';
 *
 * // 16 x 16 gray: a ramp across, a gentler one down (four 8 x 8 tiles)
 * const pixels = Float64Array.from({ length: 256 }, (_, i) => ((i % 16) * 16 + Math.floor(i / 16) * 3) % 256);
 * const fit = compressImage({ width: 16, height: 16, channels: 1, pixels }, { components: [1, 2] });
 * [fit.tiles, fit.tileSize]; // => [4, 64]
 * fit.results.map((r) => Math.round(r.psnr * 10) / 10); // => [17.5, 38]
 * fit.results.map((r) => r.storedNumbers); // => [132, 200]
 * // the first pixels (0, 16, 32, 48) rebuilt from two components, rounded to 8 bits
 * fit.results[1].bytes.subarray(0, 4); // => [1, 17, 33, 49]
 */
export function compressImage(image: Image, options: CompressImageOptions): CompressImageResult {
  const fn = 'compressImage';
  const img = checkImage(fn, image);
  checkKnownOptions(fn, options, KNOWN);
  const block = checkInteger(fn, 'block', options.block ?? 8, 1, 4096);
  const { width, height, channels } = img;
  if (block > width || block > height) {
    throw new OptionError(
      `The 'block' option of ${fn} (${block}) is larger than the image (${width} x ${height} ` +
        `pixels): a tile must fit in the image. Use a block of at most ${Math.min(width, height)}.`,
    );
  }
  const tilesX = Math.ceil(width / block);
  const tilesY = Math.ceil(height / block);
  const n = tilesX * tilesY;
  const d = block * block * channels;
  if (d > MAX_TILE_SIZE) {
    throw new OptionError(
      `The 'block' option of ${fn} (${block}) makes tiles of ${block} x ${block} x ${channels} = ` +
        `${d} values, more than ${MAX_TILE_SIZE} (the eigenproblem grows as the cube of the ` +
        `tile size). Use a block of at most ${Math.floor(Math.sqrt(MAX_TILE_SIZE / channels))}.`,
    );
  }
  const available = Math.min(n, d);
  const ks = checkComponents(fn, options.components, available, n, d);
  let kmax = 0;
  for (const k of ks) kmax = Math.max(kmax, k);

  // The mean tile and the co-moment matrix, ROWS tiles at a time.
  const acc = new CovarianceAccumulator(d, Math.min(n, ROWS));
  const rows = Math.min(n, ROWS);
  const tiles = new Float64Array(rows * d);
  for (let r0 = 0; r0 < n; r0 += rows) {
    const b = Math.min(rows, n - r0);
    fillTiles(img, block, tilesX, r0, b, tiles);
    acc.addFinite({ rows: b, cols: d, data: b === rows ? tiles : tiles.subarray(0, b * d) });
  }
  const mean = acc.mean.slice();
  const cov = acc.symmetricComoment();
  const divisor = Math.max(n - 1, 1);
  for (let i = 0; i < d * d; i++) cov[i] = cov[i]! / divisor;
  let trace = 0;
  for (let j = 0; j < d; j++) trace += cov[j * d + j]!;
  const eig = symmetricEigen(cov, d);
  const v = orient(eig.vectors.slice(0, kmax * d), kmax, d);

  const sorted = [...new Set(ks)].sort((a, b) => a - b);
  const fit: Fit = { image: img, block, tilesX, mean, v, sorted };
  const { sse, sumSquares, bytes } = pass(fit);

  const variance = new Float64Array(available);
  // Eigenvalues at rounding level (d eps lambda_1, as pca's) and negative ones are 0.
  const floor = d * Number.EPSILON * Math.max(eig.values[0]!, 0);
  for (let c = 0; c < available; c++) {
    const value = eig.values[c]!;
    variance[c] = c < kmax ? sumSquares[c]! / divisor : value > floor ? value : 0;
  }
  const ratio = new Float64Array(available);
  if (trace > 0) for (let c = 0; c < available; c++) ratio[c] = variance[c]! / trace;

  const values = width * height * channels;
  const byK = new Map<number, ImageReconstruction>();
  for (let s = 0; s < sorted.length; s++) {
    const k = sorted[s]!;
    const evr = ratio.slice(0, k);
    let explained = 0;
    for (let c = 0; c < k; c++) explained += evr[c]!;
    const stored = k * d + d + n * k;
    byK.set(
      k,
      new Reconstruction(
        fit,
        s,
        bytes[s]!,
        sse[s]! / values,
        evr,
        explained,
        stored,
        values / stored,
      ),
    );
  }
  const results = ks.map((k) => byK.get(k)!);
  const numbers = {
    width,
    height,
    channels,
    block,
    tiles: n,
    tileSize: d,
    paddedWidth: tilesX * block,
    paddedHeight: tilesY * block,
  };
  return {
    ...numbers,
    mean,
    components: featureMatrix(kmax, d, v),
    explainedVarianceRatio: ratio,
    results,
    toJSON: () => ({
      ...numbers,
      explainedVarianceRatio: Array.from(ratio),
      results: results.map((r) => ({
        components: r.components,
        mse: r.mse,
        psnr: Number.isFinite(r.psnr) ? r.psnr : null,
        explainedVarianceRatio: Array.from(r.explainedVarianceRatio),
        explainedVariance: r.explainedVariance,
        storedNumbers: r.storedNumbers,
        compressionRatio: r.compressionRatio,
      })),
    }),
  };
}

/** What the passes over the tiles need: the image, the tiling and the fitted components. */
interface Fit {
  image: Image;
  block: number;
  tilesX: number;
  mean: Float64Array;
  /** The components, kmax x d (kmax the last of `sorted`). */
  v: Float64Array;
  /** The distinct requested counts, ascending: the ends of the segments. */
  sorted: number[];
}

/**
 * The pixel passes made (one per k whose `pixels` are read), counted for the tests. @internal
 */
export const pixelPasses = { count: 0 };

/**
 * A reconstruction. Its bytes come from the pass that measured the errors; its pixels are made
 * when first asked for, by a pass over the tiles that repeats the products of that pass up to
 * its k (the same numbers, bit for bit); its Image from its bytes.
 */
class Reconstruction implements ImageReconstruction {
  readonly components: number;
  readonly psnr: number;
  // private fields (#): JSON.stringify and console.log of a result show its numbers only
  readonly #fit: Fit;
  readonly #segment: number;
  readonly #bytes: Uint8Array;
  #pixels: Float64Array | undefined;
  #image: Image | undefined;

  constructor(
    fit: Fit,
    segment: number,
    bytes: Uint8Array,
    readonly mse: number,
    readonly explainedVarianceRatio: Float64Array,
    readonly explainedVariance: number,
    readonly storedNumbers: number,
    readonly compressionRatio: number,
  ) {
    this.#fit = fit;
    this.#segment = segment;
    this.#bytes = bytes;
    this.components = fit.sorted[segment]!;
    this.psnr = mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  }

  get bytes(): Uint8Array {
    return this.#bytes;
  }

  get pixels(): Float64Array {
    if (this.#pixels === undefined) {
      pixelPasses.count++;
      this.#pixels = pass(this.#fit, this.#segment).pixels!;
    }
    return this.#pixels;
  }

  get image(): Image {
    if (this.#image === undefined) {
      const bytes = this.#bytes;
      const pixels = new Float64Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) pixels[i] = bytes[i]!;
      const { width, height, channels } = this.#fit.image;
      this.#image = { width, height, channels, pixels };
    }
    return this.#image;
  }
}

/** The requested counts: integers in [1, available], at least one. */
function checkComponents(
  fn: string,
  value: unknown,
  available: number,
  n: number,
  d: number,
): number[] {
  if (value === undefined) {
    throw new OptionError(
      `${fn} needs the 'components' option: the number of components to keep (e.g. 8), or ` +
        'several ([8, 16, 32]).',
    );
  }
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new OptionError(
      `The 'components' option of ${fn} must be an integer >= 1 or a non-empty array of them. ` +
        `Got ${Array.isArray(list) ? 'an empty array' : typeof value} instead.`,
    );
  }
  for (const k of list as unknown[]) {
    checkInteger(fn, 'components', k, 1);
    if ((k as number) > available) {
      throw new OptionError(
        `The 'components' option of ${fn} asks for ${k as number} components, but the image has ` +
          `only ${available}: min(tiles, tileSize) = min(${n}, ${d}). Ask for at most ` +
          `${available}${available === d ? ', or use a larger block' : ', or use a smaller block'}.`,
      );
    }
  }
  return list as number[];
}

/**
 * Tiles [t0, t0 + b) of the tile matrix into `out` (b x d, row-major): tile (ty, tx) is row
 * ty * tilesX + tx; its value for pixel (r, q) of the tile and channel ch is at column
 * (r * block + q) * channels + ch. Pixels past the right or bottom edge repeat the last column
 * or row. `shift` (length d), when given, is subtracted from every tile.
 */
export function fillTiles(
  image: Image,
  block: number,
  tilesX: number,
  t0: number,
  b: number,
  out: Float64Array,
  shift?: Float64Array,
): void {
  const { width, height, channels, pixels } = image;
  const span = block * channels;
  const d = block * span;
  for (let i = 0; i < b; i++) {
    const tile = t0 + i;
    const ty = Math.floor(tile / tilesX);
    const x0 = (tile - ty * tilesX) * block;
    const inside = x0 + block <= width;
    for (let r = 0; r < block; r++) {
      const y = Math.min(ty * block + r, height - 1);
      const row = y * width * channels;
      const o = i * d + r * span;
      if (inside) {
        const from = row + x0 * channels;
        if (shift === undefined) for (let q = 0; q < span; q++) out[o + q] = pixels[from + q]!;
        else for (let q = 0; q < span; q++) out[o + q] = pixels[from + q]! - shift[r * span + q]!;
      } else {
        for (let q = 0; q < block; q++) {
          const from = row + Math.min(x0 + q, width - 1) * channels;
          for (let ch = 0; ch < channels; ch++) {
            const m = shift === undefined ? 0 : shift[r * span + q * channels + ch]!;
            out[o + q * channels + ch] = pixels[from + ch]! - m;
          }
        }
      }
    }
  }
}

/** What a pass gives. */
interface PassResult {
  /** Sum of squared errors over the image's values at each count of `sorted` (error pass). */
  sse: Float64Array;
  /** sum_i s_ic^2 for c < kmax (error pass). */
  sumSquares: Float64Array;
  /** The cropped reconstruction at each count of `sorted`, rounded and clipped (error pass). */
  bytes: Uint8Array[];
  /** The cropped reconstruction at the one count asked for (pixel pass; else null). */
  pixels: Float64Array | null;
}

/**
 * One pass over the tiles, ROWS at a time: the centred tiles, their scores (b x k), then for
 * each segment [k_{s-1}, k_s) of the sorted counts its products s_seg V_seg (b x d) added to a
 * running sum, so that the reconstruction at k_s is mean + sum.
 *
 * - the error pass (`only` undefined; k = kmax, every segment): the squared errors of each
 *   reconstruction over the image's pixels (summed per block of tiles, then over the blocks),
 *   the sums of squared scores, and each reconstruction rounded and clipped to 8 bits by the
 *   rule of toBytes (data/image.ts), written to the image layout (cropped);
 * - the pixel pass (`only` = s; k = k_s, the segments up to s): the reconstruction at k_s
 *   written to the image layout (cropped). Every product is the one of the error pass: each
 *   score and each segment product is a sum over its own index, in order, whatever the other
 *   components computed with it.
 */
function pass(fit: Fit, only?: number): PassResult {
  const { image, block, tilesX, mean, sorted, v } = fit;
  const { width, height, channels, pixels: original } = image;
  const d = block * block * channels;
  const n = tilesX * Math.ceil(height / block);
  const span = block * channels;
  const rowStride = width * channels;
  const write = only !== undefined;
  const last = write ? only : sorted.length - 1;
  // the components scored: the first k_last (all kmax in the error pass)
  const kmax = sorted[last]!;
  const rows = Math.min(n, ROWS);
  const sse = new Float64Array(sorted.length);
  const sumSquares = new Float64Array(write ? 0 : kmax);
  const bytes = write ? [] : sorted.map(() => new Uint8Array(original.length));
  const out = write ? new Float64Array(original.length) : null;

  const project = createProjectKernel(d, v, kmax, rows, mean);
  // Segment s: components [lo, hi) as the "components" of a kernel over rows of length hi - lo:
  // w[t][c] = v[lo + c][t] (d rows), so that its products are sum_c s_ic v_c[t].
  const seg: { lo: number; len: number; w: Float64Array; kernel: ProjectKernel | null }[] = [];
  for (let s = 0; s <= last; s++) {
    const lo = s === 0 ? 0 : sorted[s - 1]!;
    const len = sorted[s]! - lo;
    const w = new Float64Array(d * len);
    for (let t = 0; t < d; t++) for (let c = 0; c < len; c++) w[t * len + c] = v[(lo + c) * d + t]!;
    seg.push({ lo, len, w, kernel: createProjectKernel(len, w, d, rows) });
  }
  const z = project === null ? new Float64Array(rows * d) : project.block;
  const scores = new Float64Array(rows * kmax);
  const part = new Float64Array(rows * kmax);
  const prod = new Float64Array(rows * d);
  const sum = new Float64Array(rows * d);
  const blockSse = new Float64Array(sorted.length);

  for (let r0 = 0; r0 < n; r0 += rows) {
    const b = Math.min(rows, n - r0);
    fillTiles(image, block, tilesX, r0, b, z, mean);
    if (project !== null) project.project(b, scores, 0);
    else crossDots(z, b, v, kmax, d, scores, kmax, 1);
    if (!write) {
      for (let i = 0; i < b; i++) {
        const o = i * kmax;
        for (let c = 0; c < kmax; c++) sumSquares[c] += scores[o + c]! * scores[o + c]!;
      }
    }
    sum.fill(0, 0, b * d);
    for (let s = 0; s <= last; s++) {
      const { lo, len, w, kernel } = seg[s]!;
      const input = kernel === null ? part : kernel.block;
      for (let i = 0; i < b; i++) {
        const o = i * kmax + lo;
        for (let c = 0; c < len; c++) input[i * len + c] = scores[o + c]!;
      }
      if (kernel !== null) kernel.project(b, prod, 0);
      else crossDots(part, b, w, d, len, prod, d, 1);
      for (let i = 0; i < b * d; i++) sum[i] += prod[i]!;
      if (write && s < last) continue;
      // The block's tiles at k_s: written (cropped), or their squared errors summed and their
      // bytes written.
      let e = 0;
      for (let i = 0; i < b; i++) {
        const tile = r0 + i;
        const ty = Math.floor(tile / tilesX);
        const x0 = (tile - ty * tilesX) * block;
        const cols = Math.min(block, width - x0) * channels;
        const rowsIn = Math.min(block, height - ty * block);
        for (let r = 0; r < rowsIn; r++) {
          const o = (ty * block + r) * rowStride + x0 * channels;
          const t0 = i * d + r * span;
          const m0 = r * span;
          if (write) {
            const dest = out!;
            for (let q = 0; q < cols; q++) dest[o + q] = mean[m0 + q]! + sum[t0 + q]!;
          } else {
            const dest = bytes[s]!;
            for (let q = 0; q < cols; q++) {
              const x = mean[m0 + q]! + sum[t0 + q]!;
              const diff = original[o + q]! - x;
              e += diff * diff;
              // toBytes's rule, as saveImage writes x (NaN gives 0)
              dest[o + q] = x <= 0 ? 0 : x >= 255 ? 255 : Math.floor(x + 0.5);
            }
          }
        }
      }
      blockSse[s] = e;
    }
    if (!write) for (let s = 0; s < sorted.length; s++) sse[s] += blockSse[s]!;
  }
  return { sse, sumSquares, bytes, pixels: out };
}
