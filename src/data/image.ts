/**
 * Images in and out: PNG and JPEG files as `Image`s (pixels as doubles, 0..255), PNG files
 * written from them, and a folder of same-sized images as a `Dataset` (one row per image).
 *
 * - PNG (decoded by fast-png): every colour type and bit depth of the standard: gray (1, 2, 4, 8,
 *   16 bits), gray with alpha, RGB and RGBA (8, 16 bits), palette (1, 2, 4, 8 bits; expanded to
 *   RGB, or RGBA when the file gives the palette transparency). Values of 16-bit files are scaled
 *   by 255 / 65535, of 1-, 2- and 4-bit gray files by 255 / (2^depth - 1), so every image is on
 *   the 0..255 scale. A tRNS chunk of a gray or RGB file (one colour marked transparent) is
 *   ignored. Interlaced (Adam7) files are read at 8 and 16 bits; interlaced files of 1, 2 or 4
 *   bits (rare) are refused with a message, as the decoder does not read them. The file's structure is checked before
 *   decoding (chunk lengths, the IEND chunk, chunk CRCs), so a truncated or damaged file is an
 *   error that names it rather than an image with missing rows.
 * - JPEG (decoded by jpeg-js, baseline and progressive): gray files (one component) give gray
 *   images; colour files (YCbCr, and CMYK/YCCK converted by the decoder) give RGB. Subsampled
 *   chroma is upsampled by repetition (libjpeg interpolates: colour edges differ by a few
 *   levels). A file that ends before its end-of-image marker, a broken marker segment, and
 *   compressed data the decoder cannot follow (its tolerant mode is off) are errors; damage that
 *   still decodes to some pixels cannot be told apart from an image (libjpeg only warns there).
 * - The format is chosen by the file's first bytes, not its name; other formats (GIF, BMP, WebP,
 *   TIFF, ...) are refused with the formats that are read.
 *
 * `saveImage` writes an 8-bit PNG of the image's channels, each value rounded to the nearest
 * integer (halves up) and clipped to 0..255 (`toBytes`), through a temporary file in the same
 * folder renamed over the target. It also takes a `ByteImage`, whose 8-bit values it writes as
 * they are.
 *
 * Pixels are row-major with channels interleaved: channel c of the pixel in row y, column x is
 * `pixels[(y * width + x) * channels + c]`.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as FastPng from 'fast-png';
import type JpegJs from 'jpeg-js';
import { DataError, ioError, OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import type { Dataset } from './dataset.js';

/** The PNG and JPEG codecs (fast-png, jpeg-js). */
interface Codecs {
  png: typeof FastPng;
  jpeg: typeof JpegJs;
}
let codecs: Codecs | undefined;

/**
 * The codecs, imported when an image is first read or written (they take 0.07 s to load, which
 * a script without images need not pay). Every public function that decodes or encodes is
 * async and awaits this first; the synchronous decoders below run after it.
 */
async function loadCodecs(): Promise<Codecs> {
  if (codecs === undefined) {
    const [png, jpeg] = await Promise.all([import('fast-png'), import('jpeg-js')]);
    codecs = { png, jpeg: jpeg.default };
  }
  return codecs;
}

/** The codecs, once `loadCodecs` has run. */
function loaded(): Codecs {
  if (codecs === undefined) throw new Error('internal: the image codecs are not loaded');
  return codecs;
}

/** An image: pixels on the 0..255 scale, row-major, channels interleaved. */
export interface Image {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (palette PNGs expand to RGB or RGBA). */
  readonly channels: 1 | 2 | 3 | 4;
  /** width * height * channels values; 16-bit PNGs are scaled by 255 / 65535. */
  readonly pixels: Float64Array;
}

/**
 * An image of 8-bit values (0..255), in the layout of `Image`: what `saveImage` writes, as
 * `ImageReconstruction.bytes` of compressImage gives it.
 */
export interface ByteImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  /** width * height * channels values. */
  readonly pixels: Uint8Array | Uint8ClampedArray;
}

/** The formats `loadImage` reads, for messages. */
const READ_FORMATS = 'PNG (8- and 16-bit, gray, gray+alpha, RGB, RGBA, palette) and JPEG';

/** File extensions `loadImageFolder` takes as images. */
const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;

/**
 * Largest image loadImage decodes, in values (width * height * channels: 2 GiB of doubles), checked
 * from the file's header before decoding.
 */
const MAX_VALUES = 2 ** 28;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Load a PNG or JPEG file as an `Image` (see the file header for what is read and how). Errors
 * (a missing file, a truncated or damaged file, another format) are `DataError`s that name the
 * file.
 *
 * @example
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { loadImage, saveImage } from 'clusterlens';
 *
 * const path = join(tmpdir(), 'ramp.png');
 * await saveImage(path, { width: 3, height: 2, channels: 1, pixels: Float64Array.of(0, 51, 102, 153, 204, 255) });
 * const image = await loadImage(path);
 * [image.width, image.height, image.channels]; // => [3, 2, 1]
 * image.pixels; // => [0, 51, 102, 153, 204, 255]
 */
export async function loadImage(path: string): Promise<Image> {
  checkPath('loadImage', path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw readError(error, path);
  }
  await loadCodecs();
  return decodeImage(bytes, path);
}

/**
 * The image in `bytes` (PNG or JPEG, by its first bytes); `file` names it in errors.
 * @internal
 */
export function decodeImage(bytes: Uint8Array, file: string): Image {
  if (startsWith(bytes, PNG_SIGNATURE)) return decodePngFile(bytes, file);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return decodeJpegFile(bytes, file);
  }
  const what = otherFormat(bytes);
  throw new DataError(
    `${what === undefined ? 'not an image clusterlens reads' : `this is ${what}, not an image clusterlens reads`}` +
      `: it reads ${READ_FORMATS}. Convert the image to PNG.`,
    { file },
  );
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The name of a common image (or other) format recognised by its first bytes. */
function otherFormat(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) =>
    String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
  if (bytes.length === 0) return 'an empty file';
  if (ascii(0, 4) === 'GIF8') return 'a GIF image';
  if (ascii(0, 2) === 'BM') return 'a BMP image';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'a WebP image';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'a TIFF image';
  if (ascii(4, 12) === 'ftypavif' || ascii(4, 12) === 'ftypheic') return 'an AVIF/HEIF image';
  if (ascii(0, 4) === '%PDF') return 'a PDF document';
  if (bytes.length >= 4 && bytes[0] === 0x89 && ascii(1, 4) === 'PNG') {
    return 'a damaged PNG file (its signature is wrong)';
  }
  return undefined;
}

function damaged(file: string, what: string, detail?: string): never {
  throw new DataError(
    `${what}${detail === undefined ? '' : ` (${detail})`}. The file is damaged or incomplete: ` +
      'export or copy it again.',
    { file },
  );
}

/** Chunk CRCs: the table of the PNG standard's CRC-32 (ISO 3309). */
let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Walk the chunks of a PNG file: each must lie inside the file and carry a correct CRC; IHDR
 * comes first, at least one IDAT and the IEND chunk follow. Returns the IHDR fields.
 */
function checkPngChunks(
  bytes: Uint8Array,
  file: string,
): { width: number; height: number; depth: number; channels: number; interlaced: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let first = true;
  let width = 0;
  let height = 0;
  let depth = 0;
  let channels = 0;
  let interlaced = false;
  let idat = false;
  for (;;) {
    if (at + 8 > bytes.length) {
      damaged(file, 'truncated PNG: the file ends before its IEND chunk', `${bytes.length} bytes`);
    }
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > bytes.length) {
      damaged(
        file,
        `truncated PNG: its ${type} chunk at byte ${at} needs ${length} bytes of data, but the ` +
          `file ends after ${bytes.length - at - 8}`,
      );
    }
    if (first && type !== 'IHDR') damaged(file, 'not a valid PNG: the first chunk is not IHDR');
    if (crc32(bytes, at + 4, at + 8 + length) !== view.getUint32(at + 8 + length)) {
      damaged(file, `damaged PNG: the CRC of its ${type} chunk at byte ${at} is wrong`);
    }
    if (first) {
      if (length !== 13) damaged(file, 'not a valid PNG: its IHDR chunk is not 13 bytes');
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = bytes[at + 16]!;
      // values per pixel by colour type: gray, RGB, palette (RGB at least), gray + alpha, RGBA
      channels = [1, 0, 3, 3, 2, 0, 4][bytes[at + 17]!] ?? 0;
      interlaced = bytes[at + 20] === 1;
    }
    first = false;
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') break;
    at = end;
  }
  if (!idat) damaged(file, 'not a valid PNG: it has no IDAT (image data) chunk');
  if (width === 0 || height === 0)
    damaged(file, `not a valid PNG: its size is ${width} x ${height}`);
  return { width, height, depth, channels, interlaced };
}

function decodePngFile(bytes: Uint8Array, file: string): Image {
  const header = checkPngChunks(bytes, file);
  const { width, height, depth: bits, interlaced } = header;
  checkSize(width, height, Math.max(header.channels, 1), file);
  if (interlaced && bits < 8) {
    throw new DataError(
      `this PNG is interlaced (Adam7) with ${bits} bit${bits === 1 ? '' : 's'} per value, which ` +
        'clusterlens does not read (it reads interlaced 8- and 16-bit PNGs, and 1-, 2- and 4-bit ' +
        'ones without interlacing). Save the image again without interlacing.',
      { file },
    );
  }
  let png: ReturnType<typeof FastPng.decode>;
  try {
    png = loaded().png.decode(bytes);
  } catch (error) {
    damaged(file, 'damaged PNG: it cannot be decoded', (error as Error).message);
  }
  const { depth, data, palette } = png;
  const n = width * height;
  if (palette !== undefined) {
    const channels = palette.some((c) => c.length === 4) ? 4 : 3;
    const indices = unpack(data, width, height, depth, file);
    const pixels = new Float64Array(n * channels);
    for (let p = 0; p < n; p++) {
      const colour = palette[indices[p]!];
      if (colour === undefined) {
        damaged(
          file,
          `damaged PNG: pixel ${p % width}, ${Math.floor(p / width)} has colour ${indices[p]}, ` +
            `but the palette has ${palette.length}`,
        );
      }
      for (let c = 0; c < channels; c++) pixels[p * channels + c] = colour[c] ?? 255;
    }
    return { width, height, channels, pixels };
  }
  const channels = png.channels;
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    damaged(file, `not a PNG clusterlens reads: ${channels} channels`);
  }
  const values = n * channels;
  const pixels = new Float64Array(values);
  if (depth === 16 || depth === 8) {
    if (data.length < values) {
      damaged(file, `truncated PNG: its image data holds ${data.length} of ${values} values`);
    }
    const f = depth === 16 ? 255 / 65535 : 1;
    if (f === 1) for (let i = 0; i < values; i++) pixels[i] = data[i]!;
    else for (let i = 0; i < values; i++) pixels[i] = data[i]! * f;
  } else {
    // 1-, 2- and 4-bit gray: rows packed, each row starting on a byte.
    const levels = unpack(data, width, height, depth, file);
    const f = 255 / (2 ** depth - 1);
    for (let i = 0; i < values; i++) pixels[i] = levels[i]! * f;
  }
  return { width, height, channels, pixels };
}

/** One value per pixel from rows packed at 1, 2, 4 or 8 bits, each row starting on a byte. */
function unpack(
  data: ArrayLike<number>,
  width: number,
  height: number,
  depth: number,
  file: string,
): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  if (data.length < rowBytes * height) {
    damaged(
      file,
      `truncated PNG: its image data holds ${data.length} of ${rowBytes * height} bytes`,
    );
  }
  const out = new Uint8Array(width * height);
  if (depth === 8) {
    for (let i = 0; i < out.length; i++) out[i] = data[i]!;
    return out;
  }
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    const o = y * rowBytes;
    for (let x = 0; x < width; x++) {
      const byte = data[o + Math.floor(x / perByte)]!;
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}

function checkSize(width: number, height: number, channels: number, file: string): void {
  if (width * height * channels > MAX_VALUES) {
    throw new DataError(
      `the image is ${width} x ${height} pixels of ${channels} channel${channels === 1 ? '' : 's'}, ` +
        `more than clusterlens reads (${MAX_VALUES} values). Scale it down or cut it into parts.`,
      { file },
    );
  }
}

/**
 * The markers of a JPEG file up to its first scan: the number of components of its frame, and
 * the byte where the entropy-coded data of the first scan starts.
 */
function jpegLayout(
  bytes: Uint8Array,
  file: string,
): { components: number; width: number; height: number; scan: number } {
  let at = 2;
  let components = 0;
  let width = 0;
  let height = 0;
  for (;;) {
    while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++;
    if (at + 4 > bytes.length) {
      damaged(file, 'truncated JPEG: the file ends before its image data');
    }
    if (bytes[at] !== 0xff) damaged(file, `damaged JPEG: no marker at byte ${at}`);
    const marker = bytes[at + 1]!;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (at + 2 + length > bytes.length) {
      damaged(file, 'truncated JPEG: the file ends inside a marker segment');
    }
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      components = bytes[at + 9]!;
    }
    if (marker === 0xda) {
      if (components === 0) damaged(file, 'damaged JPEG: a scan comes before the frame header');
      return { components, width, height, scan: at + 2 + length };
    }
    if (marker === 0xd9) damaged(file, 'damaged JPEG: the image ends before its first scan');
    at += 2 + length;
  }
}

function decodeJpegFile(bytes: Uint8Array, file: string): Image {
  const layout = jpegLayout(bytes, file);
  const { components, scan } = layout;
  checkSize(layout.width, layout.height, components === 1 ? 1 : 3, file);
  // Entropy-coded data has every 0xff byte followed by 0x00 or a restart marker (D0..D7), so
  // the end-of-image marker FF D9 after the first scan is the file's own.
  let end = false;
  for (let i = bytes.length - 2; i >= scan; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) {
      end = true;
      break;
    }
  }
  if (!end) damaged(file, 'truncated JPEG: the file ends before its end-of-image marker');
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = loaded().jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_VALUES / 1e6,
      maxMemoryUsageInMB: 4096,
    });
  } catch (error) {
    const text = (error as Error).message;
    if (/maxResolutionInMP|maxMemoryUsageInMB|memory/i.test(text)) {
      throw new DataError(
        `the JPEG image is too large to decode (${text}). Scale it down or convert it to PNG.`,
        { file },
      );
    }
    damaged(file, 'damaged JPEG: it cannot be decoded', text);
  }
  const { width, height, data } = decoded;
  if (width === 0 || height === 0) damaged(file, `damaged JPEG: its size is ${width} x ${height}`);
  const n = width * height;
  if (components === 1) {
    const pixels = new Float64Array(n);
    for (let p = 0; p < n; p++) pixels[p] = data[p * 3]!;
    return { width, height, channels: 1, pixels };
  }
  const pixels = new Float64Array(n * 3);
  for (let i = 0; i < n * 3; i++) pixels[i] = data[i]!;
  return { width, height, channels: 3, pixels };
}

function checkPath(fn: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new OptionError(
      `The 'path' argument of ${fn} must be a non-empty string. Got ${
        typeof path === 'string' ? "''" : path === null ? 'null' : typeof path
      } instead.`,
    );
  }
}

function readError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EISDIR') {
    return new DataError(
      'this is a folder, not an image file (loadImageFolder reads a folder of images).',
      { file: path },
    );
  }
  return ioError(error, path) ?? error;
}

/**
 * Check that `image` is an `Image`: positive integer sides, 1 to 4 channels, a Float64Array of
 * width * height * channels finite values. `DataError` otherwise, naming the field. With `bytes`,
 * a `ByteImage` (pixels a Uint8Array or Uint8ClampedArray) is taken too.
 * @internal
 */
export function checkImage(fn: string, image: unknown, name?: string): Image;
export function checkImage(
  fn: string,
  image: unknown,
  name: string,
  bytes: true,
): Image | ByteImage;
export function checkImage(
  fn: string,
  image: unknown,
  name = 'image',
  bytes = false,
): Image | ByteImage {
  const bad = (what: string): never => {
    throw new DataError(`The '${name}' argument of ${fn} must be an Image: ${what}.`);
  };
  if (typeof image !== 'object' || image === null || Array.isArray(image)) {
    bad(
      `an object {width, height, channels, pixels}, as loadImage returns; got ${
        image === null ? 'null' : Array.isArray(image) ? 'an array' : typeof image
      }`,
    );
  }
  const { width, height, channels, pixels } = image as Record<string, unknown>;
  for (const [field, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      bad(`its '${field}' must be an integer >= 1; got ${String(value)}`);
    }
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    bad(`its 'channels' must be 1, 2, 3 or 4; got ${String(channels)}`);
  }
  const isBytes = bytes && (pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray);
  if (!(pixels instanceof Float64Array) && !isBytes) {
    bad(
      `its 'pixels' must be a Float64Array${bytes ? ' (or a Uint8Array of 8-bit values)' : ''}; ` +
        `got ${pixels === null ? 'null' : typeof pixels}`,
    );
  }
  const w = width as number;
  const h = height as number;
  const c = channels as number;
  const p = pixels as Float64Array | Uint8Array;
  if (p.length !== w * h * c) {
    bad(
      `its 'pixels' must hold width * height * channels = ${w} * ${h} * ${c} = ${w * h * c} ` +
        `values; it holds ${p.length}`,
    );
  }
  if (isBytes) return image as ByteImage;
  const f = p as Float64Array;
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    if (v - v !== 0) {
      const pixel = Math.floor(i / c);
      bad(
        `its pixel at row ${Math.floor(pixel / w)}, column ${pixel % w} (channel ${i % c}) is ${v}; ` +
          'every value must be a finite number',
      );
    }
  }
  return image as Image;
}

/** Suffixes of the channels in column names, by channel count. */
const CHANNEL_NAMES: Record<number, readonly string[]> = {
  1: [''],
  2: ['.L', '.A'],
  3: ['.R', '.G', '.B'],
  4: ['.R', '.G', '.B', '.A'],
};

/**
 * The 8-bit values of an image: each value v is 0 when v <= 0, 255 when v >= 255, else
 * floor(v + 0.5) (rounded, halves up); NaN gives 0. compressImage writes its reconstructions'
 * bytes by the same rule. @internal
 */
export function toBytes(pixels: Float64Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
  }
  return out;
}

/**
 * The 8-bit values of an image's pixels: those of a ByteImage as they are (a Uint8Array over the
 * same memory), those of an Image by `toBytes`. @internal
 */
export function imageBytes(pixels: Float64Array | Uint8Array | Uint8ClampedArray): Uint8Array {
  if (pixels instanceof Float64Array) return toBytes(pixels);
  if (pixels instanceof Uint8Array) return pixels;
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
}

let temporaries = 0;

/**
 * Write `image` as an 8-bit PNG with its channels (gray, gray + alpha, RGB or RGBA); values are
 * rounded and clipped to 0..255 (those of a `ByteImage` are written as they are). The file is written under a temporary name in the same folder
 * and renamed over `path` (an existing file is replaced).
 *
 * @example
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { loadImage, saveImage } from 'clusterlens';
 *
 * const path = join(tmpdir(), 'clipped.png');
 * await saveImage(path, { width: 2, height: 2, channels: 1, pixels: Float64Array.of(-20, 0.5, 99.4, 300) });
 * (await loadImage(path)).pixels; // => [0, 1, 99, 255]
 */
export async function saveImage(path: string, image: Image | ByteImage): Promise<void> {
  checkPath('saveImage', path);
  const img = checkImage('saveImage', image, 'image', true);
  const { png: codec } = await loadCodecs();
  const png = codec.encode({
    width: img.width,
    height: img.height,
    channels: img.channels,
    depth: 8,
    data: imageBytes(img.pixels),
  });
  const temporary = join(
    dirname(path),
    `.tmp-${basename(path)}-${process.pid}-${(temporaries++).toString(16)}`,
  );
  try {
    await writeFile(temporary, png, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    const known = ioError(error, path);
    throw known instanceof DataError ? new OptionError(known.message) : (known ?? error);
  }
}

/**
 * The images of a folder as a `Dataset`: one row per image file (.png, .jpg, .jpeg; other files
 * and hidden files are skipped, with a note), in the order of the sorted file names, which are
 * the row ids. Every image must have the same width, height and channels; column names give the
 * row, column and channel of each value: 'r0c0', 'r0c1', ... for gray images, 'r0c0.R',
 * 'r0c0.G', 'r0c0.B' (and '.A') for colour ones, 'r0c0.L', 'r0c0.A' for gray + alpha.
 */
export async function loadImageFolder(dir: string): Promise<Dataset> {
  checkPath('loadImageFolder', dir);
  await loadCodecs();
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOTDIR') {
      throw new DataError('this is a file, not a folder (loadImage reads one image).', {
        file: dir,
      });
    }
    throw ioError(error, dir) ?? error;
  }
  const names = entries
    .filter((name) => !name.startsWith('.') && IMAGE_EXTENSION.test(name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const skipped = entries.length - names.length;
  if (names.length === 0) {
    throw new DataError(
      `the folder holds no images (.png, .jpg or .jpeg files${
        skipped > 0 ? `; ${skipped} other file${skipped === 1 ? ' was' : 's were'} skipped` : ''
      }).`,
      { file: dir },
    );
  }
  const hash = createHash('sha256');
  let first: { name: string; image: Image } | undefined;
  let data = new Float64Array(0);
  let cols = 0;
  for (let r = 0; r < names.length; r++) {
    const name = names[r]!;
    const file = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw readError(error, file);
    }
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
    const image = decodeImage(bytes, file);
    if (first === undefined) {
      first = { name, image };
      cols = image.pixels.length;
      data = new Float64Array(names.length * cols);
    } else {
      const a = first.image;
      if (image.width !== a.width || image.height !== a.height || image.channels !== a.channels) {
        throw new DataError(
          `the images of a folder must all have the same size and channels: ${name} is ` +
            `${describeImage(image)}, but ${first.name} is ${describeImage(a)}. Resize or ` +
            'convert them to one size, or move the odd ones out of the folder.',
          { file },
        );
      }
    }
    data.set(image.pixels, r * cols);
  }
  const { width, height, channels } = (first as { image: Image }).image;
  const suffixes = CHANNEL_NAMES[channels]!;
  const columns = new Array<string>(cols);
  for (let y = 0, j = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (const s of suffixes) columns[j++] = `r${y}c${x}${s}`;
    }
  }
  const notes: string[] = [
    `${names.length} image${names.length === 1 ? '' : 's'} of ${describeImage((first as { image: Image }).image)}, one row each, named by file.`,
  ];
  if (skipped > 0) {
    notes.push(
      `${skipped} file${skipped === 1 ? '' : 's'} of the folder that ${skipped === 1 ? 'is' : 'are'} not .png, .jpg or .jpeg (or hidden) ${skipped === 1 ? 'was' : 'were'} skipped.`,
    );
  }
  return {
    features: { rows: names.length, cols, data },
    columns,
    ids: names,
    source: {
      path: dir,
      sha256: hash.digest('hex'),
      rowsRead: names.length,
      rowsDropped: 0,
      valuesImputed: 0,
      format: 'image',
      leftOut: [],
      notes,
    },
  };
}

function describeImage(image: Image): string {
  const kind = ['gray', 'gray + alpha', 'RGB', 'RGBA'][image.channels - 1];
  return `${image.width} x ${image.height} ${kind}`;
}

/**
 * An image from one row of values (a row of an image dataset, a mean, a component): `width *
 * height * channels` values, row-major with channels interleaved. The values are copied as
 * they are (not clipped).
 */
export function imageFromRow(
  row: Float64Array | readonly number[],
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4 = 1,
): Image {
  const fn = 'imageFromRow';
  checkArgument.integer(fn, 'width', width, 1);
  checkArgument.integer(fn, 'height', height, 1);
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new OptionError(
      `The 'channels' argument of ${fn} must be 1, 2, 3 or 4. Got ${String(channels)} instead.`,
    );
  }
  const values = checkArgument.numbers(fn, 'row', row);
  const length = width * height * channels;
  if (values.length !== length) {
    throw new DataError(
      `The 'row' argument of ${fn} must hold width * height * channels = ${width} * ${height} * ` +
        `${channels} = ${length} values; it holds ${values.length}.`,
    );
  }
  const pixels = Float64Array.from(values);
  for (let i = 0; i < length; i++) {
    const v = pixels[i]!;
    if (v - v !== 0) {
      throw new DataError(
        `The 'row' argument of ${fn} must hold finite numbers; value ${i} is ${v}.`,
      );
    }
  }
  return { width, height, channels, pixels };
}
