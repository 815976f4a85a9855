/**
 * The files of an image compressed by PCA over tiles (`clusterlens compress`, the result of
 * `compressImage`): the reconstructions as 8-bit PNGs, the numbers as JSON, and one offline HTML
 * page (html.ts: the report's rendering and Content-Security-Policy) with the original beside
 * each reconstruction (PNG data: URLs in Vega-Lite image marks), the explained variance, PSNR and
 * compression ratio against k, the mean tile and the first eigen-tiles, and a table of the
 * numbers.
 *
 * `compressOutputs` builds the contents; writing them (temporaries renamed together, never over
 * an input or a file clusterlens did not write) is the caller's, through outputs.ts. The PNGs and
 * the page's pictures of the reconstructions are made from each result's `bytes` (made with the
 * numbers); neither `pixels` nor `image` of a result is read, so no reconstruction is made in
 * doubles (test/cli/compress.test.ts checks it).
 */
import { encode as encodePng } from 'fast-png';
import { type GalleryImage, compressionSpec, imageGallerySpec } from '../charts/compress.js';
import { eigenImagesSpec } from '../charts/images.js';
import { type ByteImage, type Image, imageBytes } from '../data/image.js';
import type { CompressImageResult } from '../decomposition/image.js';
import { type ReportDocument, renderHtml } from './html.js';

/** Eigen-tiles drawn. */
const EIGEN_TILES = 8;

/** Longest side of the images on the page: larger images are drawn reduced (the PNGs are not). */
const PAGE_SIDE = 1024;

/**
 * The image reduced by a whole factor f (the mean of each f x f block of pixels, smaller blocks
 * at the right and bottom edges), for the page; the image itself when f <= 1.
 */
export function reduceImage<T extends Image | ByteImage>(image: T, f: number): T | Image {
  if (f <= 1) return image;
  const { width, height, channels: ch, pixels } = image;
  const w = Math.ceil(width / f);
  const h = Math.ceil(height / f);
  const out = new Float64Array(w * h * ch);
  const count = new Float64Array(w * h);
  for (let y = 0; y < height; y++) {
    const oy = Math.floor(y / f) * w;
    for (let x = 0; x < width; x++) {
      const o = oy + Math.floor(x / f);
      const src = (y * width + x) * ch;
      count[o]! += 1;
      for (let c = 0; c < ch; c++) out[o * ch + c]! += pixels[src + c]!;
    }
  }
  for (let o = 0; o < w * h; o++) for (let c = 0; c < ch; c++) out[o * ch + c]! /= count[o]!;
  return { width: w, height: h, channels: ch, pixels: out };
}

/**
 * The 8-bit PNG of an image (values rounded and clipped to 0..255; a ByteImage's as they are), as
 * saveImage writes it.
 */
export function pngBytes(image: Image | ByteImage): Uint8Array {
  return encodePng({
    width: image.width,
    height: image.height,
    channels: image.channels,
    depth: 8,
    data: imageBytes(image.pixels),
  });
}

/** A reconstruction's bytes as a ByteImage of the result's size. */
function bytesOf(result: CompressImageResult, t: number): ByteImage {
  const { width, height, channels } = result;
  return { width, height, channels, pixels: result.results[t]!.bytes };
}

const dataUrl = (png: Uint8Array) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

/** What `compressOutputs` needs besides the result. */
export interface CompressInput {
  /** The input's file name, for titles. */
  file: string;
  /** The input's SHA-256 (hex). */
  sha256: string;
  /** The image compressed. */
  image: Image;
  /** The file name of each reconstruction's PNG, in the order of `result.results`. */
  names: readonly string[];
  /** The run id the JSON and HTML carry (outputs.ts). */
  run: string;
}

/** The contents of the files of one compression. */
export interface CompressOutputs {
  /** One PNG per reconstruction, in the order of `result.results`. */
  pngs: Uint8Array[];
  json: string;
  html: string;
}

const CHANNELS = ['', 'gray', 'gray + alpha', 'RGB', 'RGBA'];

/** The PNGs, the JSON and the HTML page of `result`. */
export async function compressOutputs(
  result: CompressImageResult,
  input: CompressInput,
): Promise<CompressOutputs> {
  const pngs = result.results.map((_, t) => pngBytes(bytesOf(result, t)));
  const json = {
    clusterlensRun: input.run,
    generator: 'clusterlens compress',
    input: { file: input.file, sha256: input.sha256 },
    images: result.results.map((r, t) => ({ components: r.components, file: input.names[t]! })),
    ...result.toJSON(),
  };
  const html = await renderHtml(compressDocument(result, input, pngs), { run: input.run });
  return { pngs, json: `${JSON.stringify(json, null, 2)}\n`, html };
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const sig = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));
const group = (n: number) => n.toLocaleString('en-US');

/** The page: summary, reconstructions, the curves against k, the mean and eigen-tiles. */
export function compressDocument(
  result: CompressImageResult,
  input: CompressInput,
  pngs: readonly Uint8Array[],
): ReportDocument {
  const { width, height, channels, block, tiles, tileSize } = result;
  const values = width * height * channels;
  const padded = result.paddedWidth !== width || result.paddedHeight !== height;
  const ks = result.results.map((r) => r.components);
  // a large image is drawn reduced, so that the page stays a few megabytes
  const f = Math.ceil(Math.max(width, height) / PAGE_SIDE);
  const shown = (image: Image | ByteImage, png: Uint8Array) => {
    const small = reduceImage(image, f);
    return {
      url: dataUrl(f > 1 ? pngBytes(small) : png),
      width: small.width,
      height: small.height,
    };
  };
  const gallery: GalleryImage[] = [
    { title: `original (${width} x ${height})`, ...shown(input.image, pngBytes(input.image)) },
    ...result.results.map((r, t) => ({
      title:
        `k = ${r.components}: PSNR ${fmt(r.psnr, 2)} dB, ${fmt(100 * r.explainedVariance, 1)}% ` +
        `of the variance, ratio ${fmt(r.compressionRatio, 2)}`,
      ...shown(bytesOf(result, t), pngs[t]!),
    })),
  ];
  const tilesShown = Math.min(EIGEN_TILES, result.components.rows);
  const comps = Array.from({ length: tilesShown }, (_, c) =>
    result.components.data.subarray(c * tileSize, (c + 1) * tileSize),
  );
  // colour tiles: each pixel's channels side by side, so a tile is block * channels wide
  const tileWidth = block * channels;
  return {
    title: `clusterlens compress: ${input.file}`,
    subtitle:
      `${width} x ${height} pixels, ${CHANNELS[channels]}; PCA over ${group(tiles)} tiles of ` +
      `${block} x ${block} pixels (${tileSize} values each); k = ${ks.join(', ')}.`,
    sections: [
      {
        id: 'summary',
        title: 'Summary',
        blocks: [
          {
            kind: 'table',
            head: [
              'components k',
              'PSNR (dB)',
              'MSE',
              'explained variance',
              'numbers stored',
              'compression ratio',
              'file',
            ],
            rows: result.results.map((r, t) => [
              String(r.components),
              fmt(r.psnr, 2),
              sig(r.mse),
              `${fmt(100 * r.explainedVariance, 2)}%`,
              group(r.storedNumbers),
              fmt(r.compressionRatio, 2),
              input.names[t]!,
            ]),
          },
          {
            kind: 'text',
            text:
              `The image is cut into ${block} x ${block} tiles (${result.paddedWidth / block} x ` +
              `${result.paddedHeight / block}, row-major); each tile is a row of ${tileSize} values ` +
              `and PCA of the ${group(tiles)} rows gives the eigen-tiles. A tile rebuilt from k ` +
              'components is the mean tile plus its k scores times the first k eigen-tiles. ' +
              'Numbers stored: k eigen-tiles and the mean tile (k + 1 times ' +
              `${tileSize}) and k scores per tile (k times ${group(tiles)}), against the ` +
              `${group(values)} values of the image: the compression ratio.` +
              (padded
                ? ` The sides are not multiples of ${block}: the image was padded to ` +
                  `${result.paddedWidth} x ${result.paddedHeight} by repeating its last column ` +
                  'and row, and the reconstructions are cropped back.'
                : ''),
          },
          {
            kind: 'text',
            text:
              'PSNR = 10 log10(255^2 / MSE), MSE the mean squared error over every pixel value ' +
              'of the reconstruction before rounding; the PNG files hold it rounded and clipped ' +
              'to 0..255. Explained variance: the share of the variance of the tiles the first k ' +
              "components keep (scikit-learn's PCA(k, svd_solver='full') on the same tiles).",
          },
        ],
      },
      {
        id: 'reconstructions',
        title: 'Reconstructions',
        blocks: [
          ...(f > 1
            ? [
                {
                  kind: 'text' as const,
                  text:
                    `The images are drawn reduced ${f} times (each ${f} x ${f} block of pixels ` +
                    'averaged); the PNG files are at full size.',
                },
              ]
            : []),
          {
            kind: 'chart',
            chart: { name: 'reconstructions', spec: imageGallerySpec(gallery) },
          },
        ],
      },
      {
        id: 'curves',
        title: 'Error and variance against k',
        blocks: [
          {
            kind: 'chart',
            chart: {
              name: 'compression',
              spec: compressionSpec({
                ratios: result.explainedVarianceRatio,
                ks,
                psnr: result.results.map((r) => r.psnr),
                compressionRatio: result.results.map((r) => r.compressionRatio),
              }),
            },
          },
        ],
      },
      {
        id: 'eigen-tiles',
        title: 'Mean tile and eigen-tiles',
        blocks: [
          {
            kind: 'text',
            text:
              `The mean of the ${group(tiles)} tiles and the first ${tilesShown} eigen-tiles (the ` +
              'principal components of the tiles, in the order of the variance they explain)' +
              (channels > 1
                ? `; each pixel is drawn as its ${channels} channel values side by side.`
                : '.'),
          },
          {
            kind: 'chart',
            chart: {
              name: 'eigen-tiles',
              spec: eigenImagesSpec(
                {
                  width: tileWidth,
                  height: block,
                  mean: result.mean,
                  components: comps,
                  ratios: result.explainedVarianceRatio.subarray(0, tilesShown),
                },
                { dark: 'low', unit: 'tile' },
              ),
            },
          },
        ],
      },
      {
        id: 'input',
        title: 'Input',
        blocks: [
          {
            kind: 'table',
            head: ['property', 'value'],
            rows: [
              ['file', input.file],
              ['SHA-256', input.sha256],
              [
                'size',
                `${width} x ${height} pixels, ${channels} channel${channels > 1 ? 's' : ''}`,
              ],
              ['block', `${block} x ${block}`],
            ],
          },
        ],
      },
    ],
  };
}
