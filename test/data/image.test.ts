/**
 * Reading and writing images: every PNG kind of the fixtures (made and read back by Pillow,
 * test/fixtures/image/make_image.py) gives Pillow's pixels exactly; JPEGs give libjpeg's up to the
 * rounding of the inverse DCT; damaged files and other formats are errors that name the file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkImage,
  type Image,
  imageFromRow,
  loadImage,
  loadImageFolder,
  saveImage,
} from '../../src/data/image.js';
import { DataError, OptionError } from '../../src/util/errors.js';

const fixtures = new URL('../fixtures/image/', import.meta.url);
const fixture = (name: string) => new URL(name, fixtures).pathname;
interface Reference {
  images: Record<
    string,
    {
      width: number;
      height: number;
      channels: number;
      pixels?: number[];
      raw?: number[];
      sum?: number;
      sumSquares?: number;
    }
  >;
}
const ref = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as Reference;

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-image-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The error `promise` rejects with (fails when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('loadImage(path)', () => {
  const pngs = Object.keys(ref.images).filter((n) => n.endsWith('.png') && n !== 'texture.png');

  it.each(pngs)('%s: the pixels Pillow wrote, exactly', async (name) => {
    const want = ref.images[name]!;
    const image = await loadImage(fixture(name));
    expect([image.width, image.height, image.channels]).toEqual([
      want.width,
      want.height,
      want.channels,
    ]);
    expect(image.pixels).toBeInstanceOf(Float64Array);
    expect(Array.from(image.pixels)).toEqual(want.pixels);
  });

  it('gray16.png: 16-bit values scaled by 255 / 65535, the full range kept', async () => {
    const image = await loadImage(fixture('gray16.png'));
    const raw = ref.images['gray16.png']!.raw!;
    expect(Array.from(image.pixels)).toEqual(raw.map((v) => v * (255 / 65535)));
    expect(new Set(raw.map((v) => v % 257)).size).toBeGreaterThan(1); // not 8-bit values scaled up
  });

  it('texture.png: 256 x 256 gray with the sums of its pixels', async () => {
    const image = await loadImage(fixture('texture.png'));
    const want = ref.images['texture.png']!;
    expect([image.width, image.height, image.channels]).toEqual([256, 256, 1]);
    let sum = 0;
    let squares = 0;
    for (const v of image.pixels) {
      sum += v;
      squares += v * v;
    }
    expect([sum, squares]).toEqual([want.sum, want.sumSquares]);
  });

  it.each(['photo.jpg', 'progressive.jpg', 'gray.jpg'])(
    '%s: libjpeg pixels within 2 levels (inverse DCT rounding)',
    async (name) => {
      const want = ref.images[name]!;
      const image = await loadImage(fixture(name));
      expect([image.width, image.height, image.channels]).toEqual([
        want.width,
        want.height,
        want.channels,
      ]);
      let worst = 0;
      let total = 0;
      for (let i = 0; i < image.pixels.length; i++) {
        const d = Math.abs(image.pixels[i]! - want.pixels![i]!);
        worst = Math.max(worst, d);
        total += d;
      }
      expect(worst).toBeLessThanOrEqual(2);
      expect(total / image.pixels.length).toBeLessThan(0.5);
    },
  );

  it('16-bit RGB and RGBA, interlaced (Adam7) files, written by fast-png', async () => {
    const width = 5;
    const height = 3;
    for (const channels of [3, 4] as const) {
      const data = new Uint16Array(width * height * channels);
      for (let i = 0; i < data.length; i++) data[i] = (i * 4099 + 17) % 65536;
      for (const interlace of ['null', 'Adam7'] as const) {
        const path = join(folder, `c${channels}-${interlace}.png`);
        writeFileSync(path, encodePng({ width, height, channels, depth: 16, data }, { interlace }));
        const image = await loadImage(path);
        expect(image.channels).toBe(channels);
        expect(Array.from(image.pixels)).toEqual(Array.from(data, (v) => v * (255 / 65535)));
      }
    }
  });

  it('interlaced PNGs of 1, 2 or 4 bits: refused with what to do, not taken as damaged', async () => {
    // 1-bit gray 3 x 1, Adam7: IHDR, one IDAT, IEND, made by hand (zlib of the passes' rows)
    const { deflateSync } = await import('node:zlib');
    const crcOf = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type: string, data: Uint8Array) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      Buffer.from(data).copy(out, 8);
      out.writeUInt32BE(crcOf(out.subarray(4, 8 + data.length)), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.from([0, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0, 0, 1]);
    // passes 1 (pixel 0) and 6 (pixel 1): one row of one byte each, filter 0
    const idat = deflateSync(Buffer.from([0, 0x80, 0, 0x00]));
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', idat),
      chunk('IEND', new Uint8Array(0)),
    ]);
    const path = join(folder, 'adam7-1bit.png');
    writeFileSync(path, png);
    const error = await failure(loadImage(path));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(`${path}: this PNG is interlaced (Adam7) with 1 bit per value`);
    expect(error.message).toContain('without interlacing');
  });

  it('an image too large to hold is refused from its header, before decoding', async () => {
    // gray.png with its IHDR saying 20,000 x 20,000 (the CRC made right)
    const bytes = Uint8Array.from(readFileSync(fixture('gray.png')));
    const view = new DataView(bytes.buffer);
    view.setUint32(16, 20000);
    view.setUint32(20, 20000);
    let c = 0xffffffff;
    for (const x of bytes.subarray(12, 29)) {
      c ^= x;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    view.setUint32(29, (c ^ 0xffffffff) >>> 0);
    const path = join(folder, 'huge.png');
    writeFileSync(path, bytes);
    const error = await failure(loadImage(path));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(
      `${path}: the image is 20000 x 20000 pixels of 1 channel, more than clusterlens reads`,
    );
    // a JPEG frame header of 30,000 x 30,000
    const jpg = Uint8Array.from(readFileSync(fixture('photo.jpg')));
    let sof = 2;
    while (!(jpg[sof] === 0xff && jpg[sof + 1] === 0xc0)) sof++;
    new DataView(jpg.buffer).setUint16(sof + 5, 30000);
    new DataView(jpg.buffer).setUint16(sof + 7, 30000);
    const jpath = join(folder, 'huge.jpg');
    writeFileSync(jpath, jpg);
    const jerror = await failure(loadImage(jpath));
    expect(jerror).toBeInstanceOf(DataError);
    expect(jerror.message).toContain('30000 x 30000 pixels of 3 channels');
  });

  it('the format comes from the first bytes, not the name', async () => {
    const path = join(folder, 'really-a-png.jpg');
    writeFileSync(path, readFileSync(fixture('gray.png')));
    const image = await loadImage(path);
    expect(Array.from(image.pixels)).toEqual(ref.images['gray.png']!.pixels);
  });

  it('a truncated PNG is an error naming the file, wherever it is cut', async () => {
    const bytes = readFileSync(fixture('texture.png'));
    for (const cut of [8, 20, 40, 1000, bytes.length >> 1, bytes.length - 12, bytes.length - 1]) {
      const path = join(folder, `cut-${cut}.png`);
      writeFileSync(path, bytes.subarray(0, cut));
      const error = await failure(loadImage(path));
      expect(error, `cut at ${cut}`).toBeInstanceOf(DataError);
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/truncated PNG/);
    }
  });

  it('a PNG with a changed byte is an error (the chunk CRC)', async () => {
    const bytes = Uint8Array.from(readFileSync(fixture('gray.png')));
    bytes[200] ^= 0x55;
    const path = join(folder, 'flipped.png');
    writeFileSync(path, bytes);
    const error = await failure(loadImage(path));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/damaged PNG: the CRC of its IDAT chunk/);
    expect(error.message).toContain(path);
  });

  it('a truncated or corrupted JPEG is an error naming the file', async () => {
    const good = readFileSync(fixture('photo.jpg'));
    let sos = 0;
    while (!(good[sos] === 0xff && good[sos + 1] === 0xda)) sos++;
    const cases: [string, Uint8Array, RegExp][] = [
      ['header.jpg', good.subarray(0, 100), /truncated JPEG/],
      ['half.jpg', good.subarray(0, good.length >> 1), /truncated JPEG/],
      ['no-end.jpg', good.subarray(0, good.length - 2), /truncated JPEG/],
    ];
    const marker = Uint8Array.from(good);
    marker.fill(0xff, sos + 30, sos + 60);
    cases.push(['marker.jpg', marker, /damaged JPEG: it cannot be decoded/]);
    const header = Uint8Array.from(good);
    header[4] = 0xee; // the length of the first marker segment
    cases.push(['length.jpg', header, /truncated JPEG/]);
    for (const [name, bytes, pattern] of cases) {
      const path = join(folder, name);
      writeFileSync(path, bytes);
      const error = await failure(loadImage(path));
      expect(error, name).toBeInstanceOf(DataError);
      expect(error.message, name).toMatch(pattern);
      expect(error.message, name).toContain(path);
    }
  });

  it('other formats are refused with the formats that are read', async () => {
    const cases: [string, Uint8Array | string, string][] = [
      ['a.gif', 'GIF89a\x01\x00\x01\x00', 'this is a GIF image'],
      ['a.bmp', 'BM\x00\x00\x00\x00', 'this is a BMP image'],
      ['a.webp', 'RIFF\x00\x00\x00\x00WEBPVP8 ', 'this is a WebP image'],
      ['a.tif', 'II*\x00\x08\x00', 'this is a TIFF image'],
      ['empty.png', '', 'this is an empty file'],
      ['a.csv', 'x,y\n1,2\n', 'not an image clusterlens reads'],
    ];
    for (const [name, content, what] of cases) {
      const path = join(folder, name);
      writeFileSync(path, content);
      const error = await failure(loadImage(path));
      expect(error, name).toBeInstanceOf(DataError);
      expect(error.message, name).toContain(what);
      expect(error.message, name).toContain('PNG (8- and 16-bit');
      expect(error.message, name).toContain('and JPEG');
      expect(error.message, name).toContain(path);
    }
  });

  it('a missing file, a folder and a bad path argument', async () => {
    const missing = await failure(loadImage(join(folder, 'none.png')));
    expect(missing).toBeInstanceOf(DataError);
    expect(missing.message).toContain('none.png');
    const dir = await failure(loadImage(folder));
    expect(dir).toBeInstanceOf(DataError);
    expect(dir.message).toMatch(/folder, not an image file/);
    for (const bad of ['', 3, null, undefined]) {
      await expect(loadImage(bad as string)).rejects.toBeInstanceOf(OptionError);
    }
  });
});

describe('saveImage(path, image)', () => {
  it('writes 8-bit PNGs of 1 to 4 channels, rounded and clipped, that read back', async () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const width = 7;
      const height = 3;
      const pixels = new Float64Array(width * height * channels);
      for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 37) % 300) - 20 + 0.5 * (i % 2);
      const path = join(folder, `saved-${channels}.png`);
      await saveImage(path, { width, height, channels, pixels });
      const back = await loadImage(path);
      expect([back.width, back.height, back.channels]).toEqual([width, height, channels]);
      // halves round up (the values are >= 0 where it matters), the rest to the nearest
      const want = Array.from(pixels, (v) => Math.min(255, Math.max(0, Math.floor(v + 0.5))));
      expect(Array.from(back.pixels)).toEqual(want);
    }
  });

  it('writes the values of a ByteImage (Uint8Array or Uint8ClampedArray pixels) as they are', async () => {
    const values = [0, 1, 127, 128, 254, 255];
    const floats = join(folder, 'bytes-float.png');
    await saveImage(floats, {
      width: 3,
      height: 2,
      channels: 1,
      pixels: Float64Array.from(values),
    });
    for (const pixels of [Uint8Array.from(values), Uint8ClampedArray.from(values)]) {
      const path = join(folder, `bytes-${pixels.constructor.name}.png`);
      await saveImage(path, { width: 3, height: 2, channels: 1, pixels });
      expect(Array.from((await loadImage(path)).pixels)).toEqual(values);
      // the same file as the doubles of the same values
      expect(readFileSync(path).equals(readFileSync(floats))).toBe(true);
    }
    // a view into a larger buffer: its own values only
    const view = new Uint8ClampedArray(Uint8Array.of(9, 9, 10, 20, 30, 40, 9).buffer, 2, 4);
    const path = join(folder, 'bytes-view.png');
    await saveImage(path, { width: 2, height: 2, channels: 1, pixels: view });
    expect(Array.from((await loadImage(path)).pixels)).toEqual([10, 20, 30, 40]);
    // the wrong count, and 8-bit pixels where an Image is needed, are DataErrors
    await expect(
      saveImage(path, { width: 2, height: 2, channels: 1, pixels: new Uint8Array(3) }),
    ).rejects.toThrow(/must hold width \* height \* channels = 2 \* 2 \* 1 = 4 values; it holds 3/);
    expect(() =>
      checkImage('f', { width: 1, height: 1, channels: 1, pixels: new Uint8Array(1) }),
    ).toThrow(/its 'pixels' must be a Float64Array; got object/);
  });

  it('replaces an existing file through a temporary one, and leaves no temporary behind', async () => {
    const dir = join(folder, 'replace');
    mkdirSync(dir);
    const path = join(dir, 'out.png');
    writeFileSync(path, 'old');
    const image: Image = { width: 1, height: 1, channels: 1, pixels: Float64Array.of(7) };
    await saveImage(path, image);
    expect(Array.from((await loadImage(path)).pixels)).toEqual([7]);
    expect(readdirSync(dir)).toEqual(['out.png']);
  });

  it('a bad image is a DataError; an unwritable path an OptionError naming it', async () => {
    const bad: unknown[] = [
      null,
      { width: 2, height: 1, channels: 1, pixels: Float64Array.of(1) },
      { width: 1, height: 1, channels: 5, pixels: Float64Array.of(1) },
      { width: 1, height: 1, channels: 1, pixels: [1] },
      { width: 1, height: 1, channels: 1, pixels: Float64Array.of(Number.NaN) },
      { width: 0, height: 1, channels: 1, pixels: new Float64Array(0) },
    ];
    for (const image of bad) {
      await expect(saveImage(join(folder, 'bad.png'), image as Image)).rejects.toBeInstanceOf(
        DataError,
      );
    }
    const image: Image = { width: 1, height: 1, channels: 1, pixels: Float64Array.of(7) };
    const error = await failure(saveImage(join(folder, 'no', 'such', 'x.png'), image));
    expect(error).toBeInstanceOf(OptionError);
    expect(error.message).toContain(join(folder, 'no', 'such', 'x.png'));
  });
});

describe('loadImageFolder(dir)', () => {
  it('one row per image, sorted by file name; other files skipped with a note', async () => {
    const dir = join(folder, 'digits');
    mkdirSync(dir);
    const images = ['b.png', 'a.png', 'c.PNG'].map((name, r) => {
      const pixels = Float64Array.from({ length: 6 }, (_, i) => 10 * r + i);
      return { name, image: { width: 3, height: 2, channels: 1 as const, pixels } };
    });
    for (const { name, image } of images) await saveImage(join(dir, name), image);
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const data = await loadImageFolder(dir);
    expect(data.ids).toEqual(['a.png', 'b.png', 'c.PNG']);
    expect(data.columns).toEqual(['r0c0', 'r0c1', 'r0c2', 'r1c0', 'r1c1', 'r1c2']);
    expect([data.features.rows, data.features.cols]).toEqual([3, 6]);
    expect(Array.from(data.features.data)).toEqual([
      ...images[1]!.image.pixels,
      ...images[0]!.image.pixels,
      ...images[2]!.image.pixels,
    ]);
    expect(data.source.format).toBe('image');
    expect(data.source.rowsRead).toBe(3);
    expect(data.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(data.source.notes?.join(' ')).toMatch(/1 file of the folder .* skipped/);
  });

  it('colour images: columns name the channel', async () => {
    const dir = join(folder, 'colour');
    mkdirSync(dir);
    const pixels = Float64Array.from({ length: 2 * 1 * 3 }, (_, i) => i);
    await saveImage(join(dir, 'x.png'), { width: 2, height: 1, channels: 3, pixels });
    const data = await loadImageFolder(dir);
    expect(data.columns).toEqual(['r0c0.R', 'r0c0.G', 'r0c0.B', 'r0c1.R', 'r0c1.G', 'r0c1.B']);
  });

  it('images of different sizes: an error naming both files and sizes', async () => {
    const dir = join(folder, 'mixed');
    mkdirSync(dir);
    await saveImage(join(dir, 'a.png'), imageFromRow(new Float64Array(6), 3, 2));
    await saveImage(join(dir, 'b.png'), imageFromRow(new Float64Array(8), 4, 2));
    const error = await failure(loadImageFolder(dir));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(join(dir, 'b.png'));
    expect(error.message).toContain('b.png is 4 x 2 gray, but a.png is 3 x 2 gray');
  });

  it('an empty folder, a folder without images, a file instead of a folder', async () => {
    const empty = join(folder, 'empty');
    mkdirSync(empty);
    const e1 = await failure(loadImageFolder(empty));
    expect(e1).toBeInstanceOf(DataError);
    expect(e1.message).toContain(`${empty}: the folder holds no images`);
    writeFileSync(join(empty, 'readme.md'), '#');
    const e2 = await failure(loadImageFolder(empty));
    expect(e2.message).toMatch(/no images .*1 other file was skipped/);
    const e3 = await failure(loadImageFolder(fixture('gray.png')));
    expect(e3).toBeInstanceOf(DataError);
    expect(e3.message).toMatch(/a file, not a folder/);
  });

  it('a damaged image in the folder names that file', async () => {
    const dir = join(folder, 'damaged');
    mkdirSync(dir);
    await saveImage(join(dir, 'a.png'), imageFromRow(new Float64Array(6), 3, 2));
    writeFileSync(join(dir, 'b.png'), readFileSync(join(dir, 'a.png')).subarray(0, 30));
    const error = await failure(loadImageFolder(dir));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(`${join(dir, 'b.png')}: truncated PNG`);
  });
});

describe('imageFromRow(row, width, height, channels)', () => {
  it('copies the values into an image of that shape', () => {
    const row = [1, 2, 3, 4, 5, 6];
    const image = imageFromRow(row, 1, 2, 3);
    expect([image.width, image.height, image.channels]).toEqual([1, 2, 3]);
    expect(Array.from(image.pixels)).toEqual(row);
    const typed = Float64Array.of(9, 8);
    const copy = imageFromRow(typed, 2, 1);
    typed[0] = 0;
    expect(Array.from(copy.pixels)).toEqual([9, 8]);
  });

  it('a row of the wrong length is a DataError; bad sizes are OptionErrors', () => {
    expect(() => imageFromRow([1, 2, 3], 2, 2)).toThrow(DataError);
    expect(() => imageFromRow([1, 2, 3], 2, 2)).toThrow(/2 \* 2 \* 1 = 4 values; it holds 3/);
    expect(() => imageFromRow([1, Number.NaN], 2, 1)).toThrow(DataError);
    expect(() => imageFromRow([1, 2], 0, 1)).toThrow(OptionError);
    expect(() => imageFromRow([1, 2], 2, 1, 5 as 1)).toThrow(OptionError);
  });
});
