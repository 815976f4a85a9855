/**
 * compressImage against scikit-learn 1.2.1's PCA(k, svd_solver='full') on the same tiles
 * (test/fixtures/image/make_image.py), hand-worked cases, the reconstructions against the fitted
 * parts, their bytes against what saveImage writes, the WebAssembly kernels against their
 * JavaScript twins, and the errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Image, loadImage, saveImage, toBytes } from '../../src/data/image.js';
import { compressImage, fillTiles, pixelPasses } from '../../src/decomposition/image.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withAndWithoutWasm } from '../helpers/wasm.js';

const fixtures = new URL('../fixtures/image/', import.meta.url);
const fixture = (name: string) => new URL(name, fixtures).pathname;

interface Case {
  image: string;
  block: number;
  tiles: number;
  tileSize: number;
  mean: number[];
  explainedVarianceRatio: number[];
  firstComponents: number[][];
  results: {
    components: number;
    mse: number;
    psnr: number | null;
    explainedVariance: number;
  }[];
}
const ref = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as { compression: Case[] };

/** |a - b| <= tol * |b|, with a message. */
function close(a: number, b: number, tol: number, what: string): void {
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.abs(b));
}

/** saveImage's rule written out: the nearest integer, halves up, clipped to 0..255. */
const byte = (v: number) => Math.min(255, Math.max(0, Math.floor(v + 0.5)));

/** The values where `bytes` is not `pixels` rounded and clipped (at most 5, for the message). */
function byteMismatches(bytes: Uint8Array, pixels: Float64Array): string[] {
  const bad: string[] = [];
  expect(bytes.length).toBe(pixels.length);
  for (let i = 0; i < pixels.length && bad.length < 5; i++) {
    if (bytes[i] !== byte(pixels[i]!)) bad.push(`${i}: ${pixels[i]} -> ${bytes[i]}`);
  }
  return bad;
}

/**
 * The mean squared error of `pixels` against the image, summed in the order of compressImage's
 * error pass (per block of 256 tiles, tile by tile, row by row), so that it is its mse bit for
 * bit when the pixels are the numbers that pass measured.
 */
function msePassOrder(image: Image, pixels: Float64Array, block: number): number {
  const { width, height, channels } = image;
  const tilesX = Math.ceil(width / block);
  const n = tilesX * Math.ceil(height / block);
  let sse = 0;
  for (let r0 = 0; r0 < n; r0 += 256) {
    let e = 0;
    for (let tile = r0; tile < Math.min(n, r0 + 256); tile++) {
      const ty = Math.floor(tile / tilesX);
      const x0 = (tile - ty * tilesX) * block;
      const cols = Math.min(block, width - x0) * channels;
      for (let r = 0; r < Math.min(block, height - ty * block); r++) {
        const o = ((ty * block + r) * width + x0) * channels;
        for (let q = 0; q < cols; q++) {
          const diff = image.pixels[o + q]! - pixels[o + q]!;
          e += diff * diff;
        }
      }
    }
    sse += e;
  }
  return sse / image.pixels.length;
}

/** A deterministic image with smooth parts, edges and noise. */
function synthetic(width: number, height: number, channels: 1 | 2 | 3 | 4): Image {
  const pixels = new Float64Array(width * height * channels);
  let s = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const v =
          128 +
          60 * Math.sin((x + 3 * c) / 7) * Math.cos(y / 5) +
          (x > width / 2 ? 30 : -30) +
          (s / 2147483648) * 30;
        pixels[(y * width + x) * channels + c] = Math.round(v);
      }
    }
  }
  return { width, height, channels, pixels };
}

describe('compressImage: the numbers of scikit-learn PCA(k, svd_solver="full") on the tiles', () => {
  it.each(ref.compression.map((c) => [`${c.image} block ${c.block}`, c] as const))(
    '%s',
    async (_, c) => {
      const image = await loadImage(fixture(c.image));
      const ks = c.results.map((r) => r.components);
      const fit = compressImage(image, { components: ks, block: c.block });
      expect([fit.tiles, fit.tileSize, fit.block]).toEqual([c.tiles, c.tileSize, c.block]);
      expect(fit.paddedWidth % c.block).toBe(0);
      expect(fit.paddedWidth - image.width).toBeLessThan(c.block);
      for (let j = 0; j < c.tileSize; j++) close(fit.mean[j]!, c.mean[j]!, 1e-12, `mean ${j}`);
      const ratio = fit.explainedVarianceRatio;
      expect(ratio.length).toBe(c.explainedVarianceRatio.length);
      for (let i = 0; i < ratio.length; i++) {
        const want = c.explainedVarianceRatio[i]!;
        // components of no variance (rank below min(tiles, tileSize)): rounding on both sides
        if (want < 1e-13) expect(ratio[i]!, `ratio ${i}`).toBeLessThan(1e-13);
        else close(ratio[i]!, want, 1e-9, `ratio ${i}`);
      }
      for (let a = 0; a < c.firstComponents.length; a++) {
        const row = c.firstComponents[a]!;
        for (let j = 0; j < row.length; j++) {
          const got = fit.components.data[a * c.tileSize + j]!;
          expect(Math.abs(got - row[j]!), `component ${a}, ${j}`).toBeLessThan(1e-9);
        }
      }
      expect(fit.results.map((r) => r.components)).toEqual(ks);
      for (let i = 0; i < ks.length; i++) {
        const got = fit.results[i]!;
        const want = c.results[i]!;
        const what = `k = ${ks[i]}`;
        close(got.explainedVariance, want.explainedVariance, 1e-9, `${what} explained`);
        expect(got.explainedVarianceRatio.length).toBe(ks[i]);
        if (want.mse > 1e-12) {
          close(got.mse, want.mse, 1e-9, `${what} mse`);
          close(got.psnr, want.psnr!, 1e-9, `${what} psnr`);
        } else {
          // every direction kept: both reconstructions are exact up to rounding
          expect(got.mse, what).toBeLessThan(1e-20);
          expect(got.psnr, what).toBeGreaterThan(240);
        }
        const stored = ks[i]! * c.tileSize + c.tileSize + c.tiles * ks[i]!;
        expect(got.storedNumbers).toBe(stored);
        expect(got.compressionRatio).toBe(image.pixels.length / stored);
      }
      // each k's pixels (made for that k alone) are the numbers the errors were measured on, bit
      // for bit, and its bytes (made with the errors) are them rounded and clipped
      for (const r of fit.results) {
        const what = `k = ${r.components}`;
        expect(msePassOrder(image, r.pixels, c.block), what).toBe(r.mse);
        expect(byteMismatches(r.bytes, r.pixels), what).toEqual([]);
        expect(r.bytes, what).toEqual(toBytes(r.pixels));
      }
    },
  );
});

describe('compressImage: hand-worked cases', () => {
  it('two 2 x 2 tiles: one component keeps everything', () => {
    // tiles [0 2 4 6] and [10 12 14 16]: the mean [5 7 9 11], one direction (1 1 1 1) / 2
    const image: Image = {
      width: 4,
      height: 2,
      channels: 1,
      pixels: Float64Array.of(0, 2, 10, 12, 4, 6, 14, 16),
    };
    const fit = compressImage(image, { components: 1, block: 2 });
    expect([fit.tiles, fit.tileSize, fit.paddedWidth, fit.paddedHeight]).toEqual([2, 4, 4, 2]);
    expect(Array.from(fit.mean)).toEqual([5, 7, 9, 11]);
    expect(Array.from(fit.components.data).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([
      0.5, 0.5, 0.5, 0.5,
    ]);
    close(fit.explainedVarianceRatio[0]!, 1, 1e-15, 'ratio 0');
    expect(fit.explainedVarianceRatio[1]).toBe(0);
    const [r] = fit.results;
    expect(r!.mse).toBeLessThan(1e-28);
    expect(Array.from(r!.image.pixels)).toEqual(Array.from(image.pixels));
    expect(r!.storedNumbers).toBe(1 * 4 + 4 + 2 * 1);
    expect(r!.compressionRatio).toBe(8 / 10);
  });

  it('a 3 x 3 image in 2 x 2 tiles: padded by repeating the last row and column', () => {
    const image: Image = {
      width: 3,
      height: 3,
      channels: 1,
      pixels: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
    };
    const tiles = new Float64Array(16);
    fillTiles(image, 2, 2, 0, 4, tiles);
    // tiles in row-major order, each row-major: (0,0) (0,1) (1,0) (1,1)
    expect(Array.from(tiles)).toEqual([1, 2, 4, 5, 3, 3, 6, 6, 7, 8, 7, 8, 9, 9, 9, 9]);
    const fit = compressImage(image, { components: [1, 3], block: 2 });
    expect([fit.paddedWidth, fit.paddedHeight, fit.tiles]).toEqual([4, 4, 4]);
    // the error counts the 9 pixels of the image, not the 16 of the padded one
    const rec = fit.results[0]!.pixels;
    expect(rec.length).toBe(9);
    let sse = 0;
    for (let i = 0; i < 9; i++) sse += (rec[i]! - image.pixels[i]!) ** 2;
    close(fit.results[0]!.mse, sse / 9, 1e-12, 'mse over the image');
    // three components span the 3 free directions of 4 centred tiles
    expect(fit.results[1]!.mse).toBeLessThan(1e-26);
  });

  it('RGB tiles interleave the channels: a constant colour is its own mean tile', () => {
    const pixels = new Float64Array(8 * 8 * 3);
    for (let p = 0; p < 64; p++) pixels.set([10, 20, 30], p * 3);
    // the right half brighter: two kinds of tile
    for (let y = 0; y < 8; y++)
      for (let x = 4; x < 8; x++) pixels.set([50, 60, 70], (y * 8 + x) * 3);
    const fit = compressImage(
      { width: 8, height: 8, channels: 3, pixels },
      { components: 1, block: 4 },
    );
    expect([fit.tiles, fit.tileSize]).toEqual([4, 48]);
    expect(Array.from(fit.mean.subarray(0, 6))).toEqual([30, 40, 50, 30, 40, 50]);
    close(fit.explainedVarianceRatio[0]!, 1, 1e-15, 'ratio 0');
    expect(fit.results[0]!.mse).toBeLessThan(1e-26);
  });

  it('bytes round halves up and clip, as saveImage does', async () => {
    // two equal 3 x 3 tiles: the mean tile is the tile and every score 0, so the reconstruction
    // is the image exactly, halves and values out of 0..255 included
    const tile = [-20, -0.5, -0, 0.49999999999999994, 2.5, 127.5, 254.5, 255, 300];
    const pixels = new Float64Array(18);
    for (let r = 0; r < 3; r++) {
      for (let q = 0; q < 3; q++) {
        pixels[r * 6 + q] = tile[r * 3 + q]!;
        pixels[r * 6 + 3 + q] = tile[r * 3 + q]!;
      }
    }
    const image: Image = { width: 6, height: 3, channels: 1, pixels };
    const fit = compressImage(image, { components: [1, 2], block: 3 });
    // 0.49999999999999994 + 0.5 is 1 in doubles: saveImage writes 1 (Math.round gives 0)
    const want = [0, 0, 0, 1, 3, 128, 255, 255, 255];
    for (const r of fit.results) {
      // (the -0 comes back as 0)
      expect(Array.from(r.pixels, (v) => v + 0)).toEqual(Array.from(pixels, (v) => v + 0));
      const tileBytes = [0, 1, 2].flatMap((row) =>
        Array.from(r.bytes.subarray(row * 6, row * 6 + 3)),
      );
      expect(tileBytes).toEqual(want);
      expect(r.bytes).toEqual(toBytes(pixels));
      expect(Array.from(r.image.pixels)).toEqual(Array.from(r.bytes));
    }
    // what saveImage writes for the pixels, read back
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-bytes-'));
    try {
      await saveImage(join(dir, 'x.png'), image);
      expect(Array.from((await loadImage(join(dir, 'x.png'))).pixels)).toEqual(
        Array.from(fit.results[0]!.bytes),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a blank image: nothing to explain, reconstructed exactly', () => {
    const image: Image = { width: 8, height: 8, channels: 1, pixels: new Float64Array(64).fill(9) };
    const fit = compressImage(image, { components: 2, block: 4 });
    expect(Array.from(fit.explainedVarianceRatio)).toEqual([0, 0, 0, 0]);
    expect(fit.results[0]!.mse).toBe(0);
    expect(fit.results[0]!.psnr).toBe(Infinity);
    expect(JSON.parse(JSON.stringify(fit)).results[0].psnr).toBeNull();
  });
});

describe('compressImage: reconstructions', () => {
  const image = synthetic(45, 37, 3); // 6 x 5 tiles of 8 x 8 x 3, padded on both sides
  const fit = compressImage(image, { components: [9, 2, 20, 9] });

  it('pixels = mean + the scores of the first k components times the components, cropped', () => {
    const { tileSize: d, mean, components } = fit;
    const tilesX = fit.paddedWidth / 8;
    const tiles = new Float64Array(fit.tiles * d);
    fillTiles(image, 8, tilesX, 0, fit.tiles, tiles);
    for (const r of fit.results) {
      const k = r.components;
      let worst = 0;
      for (let t = 0; t < fit.tiles; t++) {
        const scores = new Float64Array(k);
        for (let c = 0; c < k; c++) {
          for (let j = 0; j < d; j++) {
            scores[c] += (tiles[t * d + j]! - mean[j]!) * components.data[c * d + j]!;
          }
        }
        const ty = Math.floor(t / tilesX);
        const tx = t % tilesX;
        for (let j = 0; j < d; j++) {
          const ch = j % 3;
          const q = Math.floor(j / 3) % 8;
          const row = Math.floor(j / 24);
          const y = ty * 8 + row;
          const x = tx * 8 + q;
          if (y >= image.height || x >= image.width) continue;
          let v = mean[j]!;
          for (let c = 0; c < k; c++) v += scores[c]! * components.data[c * d + j]!;
          worst = Math.max(worst, Math.abs(r.pixels[(y * image.width + x) * 3 + ch]! - v));
        }
      }
      expect(worst, `k = ${k}`).toBeLessThan(1e-10);
      // mse is the mean squared error of these pixels
      let sse = 0;
      for (let i = 0; i < image.pixels.length; i++) sse += (image.pixels[i]! - r.pixels[i]!) ** 2;
      close(r.mse, sse / image.pixels.length, 1e-12, `mse k = ${k}`);
    }
  });

  it('the image is the pixels rounded and clipped; results follow the order given', () => {
    expect(fit.results.map((r) => r.components)).toEqual([9, 2, 20, 9]);
    expect(fit.results[0]).toBe(fit.results[3]);
    expect(fit.components.rows).toBe(20);
    for (const r of fit.results) {
      // saveImage's rule: clip, then floor(v + 0.5) (not Math.round, which differs at 0.49999...)
      const want = Array.from(r.pixels, (v) => Math.min(255, Math.max(0, Math.floor(v + 0.5))));
      expect(Array.from(r.image.pixels)).toEqual(want);
      expect([r.image.width, r.image.height, r.image.channels]).toEqual([45, 37, 3]);
    }
    // more components, less error
    const mse = [2, 9, 20].map((k) => fit.results.find((r) => r.components === k)!.mse);
    expect(mse[0]).toBeGreaterThan(mse[1]!);
    expect(mse[1]).toBeGreaterThan(mse[2]!);
  });

  it('pixels are made per k, on first read of that k; bytes and image need none', () => {
    const lazy = compressImage(image, { components: [9, 2, 20, 9] });
    const before = pixelPasses.count;
    // the bytes and 8-bit images of every k: no pixel pass
    for (const r of lazy.results) expect(r.image.pixels.length).toBe(r.bytes.length);
    expect(pixelPasses.count).toBe(before);
    // k = 9 (asked twice, one result): one pass, once
    const nine = lazy.results[0]!.pixels;
    expect(pixelPasses.count).toBe(before + 1);
    expect(lazy.results[3]!.pixels).toBe(nine);
    expect(pixelPasses.count).toBe(before + 1);
    // then 20 and 2 (the other order than above), each once
    expect(lazy.results[2]!.pixels.length).toBe(image.pixels.length);
    expect(pixelPasses.count).toBe(before + 2);
    expect(lazy.results[1]!.pixels.length).toBe(image.pixels.length);
    expect(lazy.results[1]!.pixels.length).toBe(image.pixels.length);
    expect(pixelPasses.count).toBe(before + 3);
    // the same numbers whichever k is made first
    for (let t = 0; t < 4; t++) expect(lazy.results[t]!.pixels).toEqual(fit.results[t]!.pixels);
  });

  it('the same image and options give the same numbers and pixels', () => {
    const again = compressImage(image, { components: [9, 2, 20, 9] });
    expect(JSON.stringify(again)).toBe(JSON.stringify(fit));
    expect(again.results[2]!.pixels).toEqual(fit.results[2]!.pixels);
  });

  it('toJSON has the numbers and no pixel arrays', () => {
    const json = fit.toJSON();
    expect(Object.keys(json)).toEqual([
      'width',
      'height',
      'channels',
      'block',
      'tiles',
      'tileSize',
      'paddedWidth',
      'paddedHeight',
      'explainedVarianceRatio',
      'results',
    ]);
    expect(Object.keys(json.results[0]!)).toEqual([
      'components',
      'mse',
      'psnr',
      'explainedVarianceRatio',
      'explainedVariance',
      'storedNumbers',
      'compressionRatio',
    ]);
    expect(json.results[1]!.psnr).toBe(fit.results[1]!.psnr);
    // a single reconstruction shows its numbers, not the image it came from
    expect(JSON.stringify(fit.results[1]).length).toBeLessThan(2000);
  });
});

describe('compressImage: the WebAssembly kernels give the numbers of their JavaScript twins', () => {
  const shapes: [string, Image, number, number[]][] = [
    // odd tile size (block 3, gray: 9 values), fewer tiles than one block of rows
    ['gray block 3', synthetic(20, 14, 1), 3, [1, 4, 9]],
    // several blocks of 256 tiles and a partial one; odd and even k
    ['gray block 8', synthetic(200, 136, 1), 8, [7, 8, 33, 64]],
    ['RGBA block 4', synthetic(33, 30, 4), 4, [3, 64]],
    ['gray + alpha block 5', synthetic(41, 26, 2), 5, [1, 2, 50]],
  ];
  it.each(shapes)('%s', (_, image, block, components) => {
    const run = () => {
      const fit = compressImage(image, { components, block });
      return {
        json: JSON.stringify(fit),
        mean: Array.from(fit.mean),
        components: Array.from(fit.components.data),
        pixels: fit.results.map((r) => Array.from(r.pixels)),
        bytes: fit.results.map((r) => Array.from(r.bytes)),
      };
    };
    const { wasm, js } = withAndWithoutWasm(run);
    expect(wasm.json).toBe(js.json);
    expect(wasm.mean).toEqual(js.mean);
    expect(wasm.components).toEqual(js.components);
    expect(wasm.pixels).toEqual(js.pixels);
    expect(wasm.bytes).toEqual(js.bytes);
  });
});

describe('compressImage: errors', () => {
  const image = synthetic(20, 12, 1);

  it('a block larger than the image', () => {
    expect(() => compressImage(image, { components: 2, block: 16 })).toThrow(OptionError);
    expect(() => compressImage(image, { components: 2, block: 16 })).toThrow(
      /'block' option of compressImage \(16\) is larger than the image \(20 x 12 pixels\).*at most 12/,
    );
  });

  it('tiles of more than 1,024 values', () => {
    const big = synthetic(80, 80, 3);
    expect(() => compressImage(big, { components: 2, block: 19 })).toThrow(
      /makes tiles of 19 x 19 x 3 = 1083 values, more than 1024 .* at most 18/,
    );
    expect(compressImage(big, { components: 2, block: 18 }).tileSize).toBe(972);
  });

  it('more components than min(tiles, tileSize)', () => {
    // 20 x 12 in 8 x 8 tiles: 3 x 2 = 6 tiles of 64
    expect(() => compressImage(image, { components: 7 })).toThrow(
      /asks for 7 components, but the image has only 6: min\(tiles, tileSize\) = min\(6, 64\)/,
    );
    // 4 x 4 tiles of 16 values: 15 tiles
    expect(() => compressImage(image, { components: [2, 17], block: 4 })).toThrow(
      /only 15: min\(tiles, tileSize\) = min\(15, 16\)/,
    );
  });

  it('bad options are OptionErrors, a bad image a DataError', () => {
    const bad: unknown[] = [
      {},
      { components: 0 },
      { components: 1.5 },
      { components: [] },
      { components: [2, -1] },
      { components: '2' },
      { components: 2, block: 0 },
      { components: 2, block: 2.5 },
      { components: 2, blocks: 4 },
      null,
    ];
    for (const options of bad) {
      expect(() => compressImage(image, options as { components: number })).toThrow(OptionError);
    }
    const images: unknown[] = [
      null,
      { ...image, pixels: image.pixels.subarray(1) },
      { ...image, channels: 0 },
      { ...image, pixels: Float64Array.of(...image.pixels.subarray(1), Number.POSITIVE_INFINITY) },
    ];
    for (const img of images) {
      expect(() => compressImage(img as Image, { components: 1 })).toThrow(DataError);
    }
  });
});
