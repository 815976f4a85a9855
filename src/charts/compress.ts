/**
 * The charts of an image compressed by PCA over tiles (`clusterlens compress`):
 * `imageGallerySpec` draws images given as data: URLs (PNG) side by side with Vega-Lite image
 * marks (the page's Content-Security-Policy allows data: images), `compressionSpec` the
 * explained variance (cumulative, over every component, the requested k marked), the PSNR and
 * the compression ratio against k.
 */
import type { TopLevelSpec } from 'vega-lite';
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, objectArgument } from './check.js';
import { round6 } from './samples.js';
import { topLevel } from './vl.js';

/** One image of a gallery. */
export interface GalleryImage {
  /** Its title above it. */
  title: string;
  /** A data: URL of the image (data:image/png;base64,...). */
  url: string;
  width: number;
  height: number;
}

/** Options of `imageGallerySpec`. */
export interface GalleryOptions {
  /** Largest side of an image on the page, in pixels. Default: 360. */
  size?: number;
  /** Images per row. Default: 3. */
  columns?: number;
}

/**
 * The images side by side, `columns` per row, each scaled to at most `size` pixels on its
 * longest side (small images are enlarged by a whole factor, at most 8, and drawn without
 * smoothing, so their pixels stay square).
 */
export function imageGallerySpec(
  images: readonly GalleryImage[],
  options: GalleryOptions = {},
): TopLevelSpec {
  const fn = 'imageGallerySpec';
  chartOptions(fn, options, ['size', 'columns']);
  const size = checkArgument.integer(fn, 'options.size', options.size ?? 360, 16, 4096);
  const columns = checkArgument.integer(fn, 'options.columns', options.columns ?? 3, 1, 64);
  if (!Array.isArray(images) || images.length === 0) {
    throw new OptionError(
      `The 'images' argument of ${fn} must be a non-empty array of {title, url, width, height}. ` +
        `Got ${Array.isArray(images) ? 'an empty array' : typeof images} instead.`,
    );
  }
  const views = images.map((image, i) => {
    const im = objectArgument(fn, `images[${i}]`, image);
    if (typeof im.title !== 'string') {
      throw new OptionError(`The 'images[${i}].title' argument of ${fn} must be a string.`);
    }
    if (
      typeof im.url !== 'string' ||
      !/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]*$/.test(im.url)
    ) {
      throw new OptionError(
        `The 'images[${i}].url' argument of ${fn} must be a data: URL of a PNG or JPEG image ` +
          '(data:image/png;base64,...): the report loads nothing from elsewhere.',
      );
    }
    const w = checkArgument.integer(fn, `images[${i}].width`, im.width, 1);
    const h = checkArgument.integer(fn, `images[${i}].height`, im.height, 1);
    const longest = Math.max(w, h);
    const scale = longest >= size ? size / longest : Math.min(8, Math.floor(size / longest));
    const dw = Math.max(1, Math.round(w * scale));
    const dh = Math.max(1, Math.round(h * scale));
    return {
      title: { text: image.title, fontSize: 12, fontWeight: 'normal' },
      width: dw,
      height: dh,
      data: { values: [{ url: image.url }] },
      mark: {
        type: 'image',
        width: dw,
        height: dh,
        align: 'left',
        baseline: 'top',
        aspect: false,
        smooth: scale < 1,
      },
      encoding: {
        x: { value: 0 },
        y: { value: 0 },
        url: { field: 'url', type: 'nominal' },
      },
    };
  });
  return topLevel({
    description: `${images.length} images side by side: ${images.map((i) => i.title).join('; ')}.`,
    concat: views,
    columns,
    spacing: 16,
    config: { view: { stroke: null } },
  });
}

/** What `compressionSpec` draws. */
export interface CompressionCurves {
  /** The explained variance ratio of every component, in order. */
  ratios: ArrayLike<number>;
  /** The requested k, with their PSNR (dB; Infinity for an exact reconstruction) and ratio. */
  ks: readonly number[];
  psnr: ArrayLike<number>;
  compressionRatio: ArrayLike<number>;
}

/**
 * Three small charts against k: the cumulative explained variance of the first k components (a
 * line over every k, the requested ones marked), the PSNR of the reconstruction at the requested
 * k, and the compression ratio there.
 */
export function compressionSpec(input: CompressionCurves): TopLevelSpec {
  const fn = 'compressionSpec';
  const obj = objectArgument(fn, 'input', input);
  const ratios = checkArgument.numbers(fn, 'input.ratios', obj.ratios);
  const ks = checkArgument.numbers(fn, 'input.ks', obj.ks);
  if (ks.length === 0) {
    throw new OptionError(`The 'input.ks' argument of ${fn} must hold at least one k. Got none.`);
  }
  for (let t = 0; t < ks.length; t++) {
    checkArgument.integer(fn, `input.ks[${t}]`, ks[t], 1, Math.max(1, ratios.length));
  }
  const psnr = checkArgument.numbers(fn, 'input.psnr', obj.psnr, ks.length);
  const cr = checkArgument.numbers(fn, 'input.compressionRatio', obj.compressionRatio, ks.length);
  const curve: { k: number; explained: number }[] = [];
  let cum = 0;
  for (let c = 0; c < ratios.length; c++) {
    cum += ratios[c]!;
    curve.push({ k: c + 1, explained: round6(cum) });
  }
  const requested = Array.from(ks, (k, t) => ({
    k,
    explained: curve[k - 1]!.explained,
    // an exact reconstruction has no finite PSNR: it is left out of the PSNR chart
    psnr: Number.isFinite(psnr[t]!) ? round6(psnr[t]!) : null,
    ratio: round6(cr[t]!),
  }));
  const finite = requested.filter((r) => r.psnr !== null);
  const x = {
    field: 'k',
    type: 'quantitative',
    title: 'components k',
    scale: { domain: [0, Math.max(ratios.length, ...Array.from(ks))], nice: false },
  };
  const small = { width: 260, height: 200 };
  const kTip = { field: 'k', type: 'quantitative', title: 'k' };
  const views: object[] = [
    {
      ...small,
      title: { text: 'Explained variance', fontSize: 12 },
      layer: [
        {
          data: { values: curve },
          mark: { type: 'line', color: '#4c78a8' },
          encoding: {
            x,
            y: {
              field: 'explained',
              type: 'quantitative',
              title: 'explained variance (cumulative)',
              axis: { format: '.0%' },
              scale: { domain: [0, 1] },
            },
          },
        },
        {
          data: { values: requested },
          mark: { type: 'point', filled: true, size: 60, color: '#e45756', tooltip: true },
          encoding: {
            x,
            y: { field: 'explained', type: 'quantitative' },
            tooltip: [
              kTip,
              { field: 'explained', type: 'quantitative', format: '.2%', title: 'explained' },
            ],
          },
        },
      ],
    },
    {
      ...small,
      title: { text: 'PSNR', fontSize: 12 },
      data: { values: finite },
      mark: {
        type: 'line',
        color: '#e45756',
        point: { color: '#e45756', size: 60 },
        tooltip: true,
      },
      encoding: {
        x,
        y: { field: 'psnr', type: 'quantitative', title: 'PSNR (dB)', scale: { zero: false } },
        tooltip: [kTip, { field: 'psnr', type: 'quantitative', format: '.2f', title: 'PSNR (dB)' }],
      },
    },
    {
      ...small,
      title: { text: 'Compression ratio', fontSize: 12 },
      data: { values: requested },
      mark: {
        type: 'line',
        color: '#54a24b',
        point: { color: '#54a24b', size: 60 },
        tooltip: true,
      },
      encoding: {
        x,
        y: {
          field: 'ratio',
          type: 'quantitative',
          title: 'pixels / numbers stored',
          scale: { zero: true },
        },
        tooltip: [kTip, { field: 'ratio', type: 'quantitative', format: '.2f', title: 'ratio' }],
      },
    },
  ];
  const best = requested[requested.length - 1]!;
  return topLevel({
    description:
      `Explained variance, PSNR and compression ratio against the number of components k ` +
      `(${Array.from(ks).join(', ')}); at k = ${best.k} the components explain ` +
      `${(100 * best.explained).toFixed(1)}% of the variance of the tiles.`,
    hconcat: views,
    spacing: 28,
  });
}
