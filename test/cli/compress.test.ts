// `clusterlens compress`: the PNGs it writes against the float reconstructions (PSNR within
// 0.1 dB), made from the results' bytes with no float reconstruction, the JSON against
// compressImage's numbers, reruns byte for byte, the output rules (never a file clusterlens did
// not write without --force), and one-line errors naming the file.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadImage, saveImage } from '../../src/data/image.js';
import { reduceImage } from '../../src/report/compress.js';
import {
  compressImage,
  type ImageReconstruction,
  pixelPasses,
} from '../../src/decomposition/image.js';
import { cli } from './helpers.js';

const TEXTURE = 'test/fixtures/image/texture.png';
const dir = mkdtempSync(join(tmpdir(), 'clusterlens-compress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** PSNR of `b` against `a` (same length), as compressImage defines it. */
function psnr(a: Float64Array, b: Float64Array): number {
  let sse = 0;
  for (let i = 0; i < a.length; i++) sse += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (sse / a.length));
}

describe('clusterlens compress', () => {
  it("writes the PNGs, the JSON and the page; the numbers are compressImage's", async () => {
    const out = join(dir, 'a');
    const r = await cli(['compress', TEXTURE, '--components', '8,32', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = ['texture.k8.png', 'texture.k32.png', 'texture.json', 'texture.html'];
    expect(r.stdout).toBe(`${files.map((f) => join(out, f)).join('\n')}\n`);
    const original = await loadImage(TEXTURE);
    const fit = compressImage(original, { components: [8, 32], block: 8 });
    const json = JSON.parse(readFileSync(join(out, 'texture.json'), 'utf8'));
    const { clusterlensRun, generator, input, images, ...numbers } = json;
    expect(clusterlensRun).toMatch(/^[0-9a-f]{16}$/);
    expect(generator).toBe('clusterlens compress');
    expect(input.file).toBe('texture.png');
    expect(input.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(images).toEqual([
      { components: 8, file: 'texture.k8.png' },
      { components: 32, file: 'texture.k32.png' },
    ]);
    expect(numbers).toEqual(JSON.parse(JSON.stringify(fit.toJSON())));
    expect(numbers.results.map((x: { components: number }) => x.components)).toEqual([8, 32]);
    // the PNGs: rounded and clipped, within 0.1 dB of the float reconstruction's PSNR
    for (const [t, k] of [8, 32].entries()) {
      const png = await loadImage(join(out, `texture.k${k}.png`));
      expect([png.width, png.height, png.channels]).toEqual([256, 256, 1]);
      const got = psnr(original.pixels, png.pixels);
      expect(Math.abs(got - fit.results[t]!.psnr), `k = ${k}`).toBeLessThan(0.1);
      expect(Array.from(png.pixels)).toEqual(Array.from(fit.results[t]!.image.pixels));
    }
    expect(fit.results[1]!.psnr).toBeGreaterThan(fit.results[0]!.psnr);
    // the page: offline, under the report's policy, with the run id of the set
    const html = readFileSync(join(out, 'texture.html'), 'utf8');
    expect(html).toContain(`<meta name="clusterlens-run" content="${clusterlensRun}">`);
    expect(html).toMatch(
      /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
    expect(html).toContain('img-src data: blob:');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('data:image/png;base64,');
  }, 60_000);

  it("makes its PNGs and page from the results' bytes: no result's pixels or image is read", async () => {
    // the getters of the results' class (the one the command uses: the same module)
    const probe = compressImage(await loadImage(TEXTURE), { components: 1 }).results[0]!;
    const proto = Object.getPrototypeOf(probe) as ImageReconstruction;
    const pixels = vi.spyOn(proto, 'pixels', 'get');
    const image = vi.spyOn(proto, 'image', 'get');
    try {
      // the spies see a read
      expect(probe.pixels.length).toBe(256 * 256);
      expect(pixels).toHaveBeenCalledTimes(1);
      pixels.mockClear();
      const passes = pixelPasses.count;
      // a large image (drawn reduced on the page) and a small one
      for (const [file, out] of [
        [TEXTURE, join(dir, 'p')],
        [join(dir, 'wide-bytes.png'), join(dir, 'q')],
      ] as const) {
        if (file !== TEXTURE) {
          const values = Float64Array.from({ length: 1100 * 40 }, (_, i) => (i * 37) % 251);
          await saveImage(file, { width: 1100, height: 40, channels: 1, pixels: values });
        }
        const r = await cli(['compress', file, '--components', '4,16', '--out', out]);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(pixels).not.toHaveBeenCalled();
      expect(image).not.toHaveBeenCalled();
      expect(pixelPasses.count).toBe(passes);
    } finally {
      pixels.mockRestore();
      image.mockRestore();
    }
    // the PNGs are the bytes of compressImage's reconstructions
    const original = await loadImage(TEXTURE);
    const fit = compressImage(original, { components: [4, 16] });
    for (const r of fit.results) {
      const png = await loadImage(join(dir, 'p', `texture.k${r.components}.png`));
      expect(Array.from(png.pixels)).toEqual(Array.from(r.bytes));
    }
  }, 60_000);

  it('a rerun writes the same bytes; a file clusterlens did not write stops it unless --force', async () => {
    const out = join(dir, 'b');
    const argv = ['compress', TEXTURE, '--components', '4', '--block', '16', '--out', out];
    expect((await cli(argv)).code).toBe(0);
    const read = () =>
      Object.fromEntries(
        readdirSync(out).map((f) => [f, readFileSync(join(out, f)).toString('base64')]),
      );
    const first = read();
    expect(Object.keys(first).sort()).toEqual([
      '.texture.k4.png.clusterlens',
      'texture.html',
      'texture.json',
      'texture.k4.png',
    ]);
    expect((await cli(argv)).code).toBe(0);
    expect(read()).toEqual(first);
    // an edited PNG is no longer clusterlens's, nor is a JSON without the run id
    for (const file of ['texture.k4.png', 'texture.json']) {
      writeFileSync(join(out, file), 'mine');
      const r = await cli(argv);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toContain(`the file exists and clusterlens did not write it`);
      expect(r.stderr).toContain(file);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readFileSync(join(out, file), 'utf8')).toBe('mine');
      expect((await cli([...argv, '--force'])).code).toBe(0);
      expect(read()).toEqual(first);
    }
  }, 60_000);

  it('never writes over its input', async () => {
    const out = join(dir, 'c');
    expect((await cli(['compress', TEXTURE, '--components', '2', '--out', out])).code).toBe(0);
    // the page of the first run, given as the image: its own outputs would replace it
    const input = join(out, 'texture.json');
    const r = await cli(['compress', input, '--components', '2', '--out', out, '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/clusterlens never writes over its input/);
  });

  it('a large image is drawn reduced on the page; its PNGs are at full size', async () => {
    // 1100 x 40: reduced 2 times (ceil(1100 / 1024)), the last column of blocks 1 pixel wide
    const pixels = Float64Array.from({ length: 1100 * 40 }, (_, i) => (i * 37) % 251);
    const wide = join(dir, 'wide.png');
    await saveImage(wide, { width: 1100, height: 40, channels: 1, pixels });
    const out = join(dir, 'w');
    const r = await cli(['compress', wide, '--components', '4', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'wide.html'), 'utf8')).toContain(
      'The images are drawn reduced 2 times (each 2 x 2 block of pixels averaged)',
    );
    const png = await loadImage(join(out, 'wide.k4.png'));
    expect([png.width, png.height]).toEqual([1100, 40]);
  }, 60_000);

  it('reduceImage: the mean of each f x f block, smaller blocks at the edges', () => {
    // 3 x 3 gray, f = 2: blocks {0,1,3,4}, {2,5}, {6,7}, {8}
    const image = {
      width: 3,
      height: 3,
      channels: 1 as const,
      pixels: Float64Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8),
    };
    const small = reduceImage(image, 2);
    expect([small.width, small.height]).toEqual([2, 2]);
    expect(Array.from(small.pixels)).toEqual([2, 3.5, 6.5, 8]);
    // two channels stay apart
    const rgb = {
      width: 2,
      height: 1,
      channels: 2 as const,
      pixels: Float64Array.of(0, 10, 2, 20),
    };
    expect(Array.from(reduceImage(rgb, 2).pixels)).toEqual([1, 15]);
    expect(reduceImage(image, 1)).toBe(image);
  });

  it('bad input: one line naming the file, no stack, nothing written', async () => {
    const bytes = readFileSync(TEXTURE);
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const jpeg = readFileSync('test/fixtures/image/photo.jpg');
    const corrupted = join(dir, 'corrupted.jpg');
    // the compressed data cut short and the end-of-image marker gone
    writeFileSync(corrupted, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    const gif = join(dir, 'anim.gif');
    writeFileSync(gif, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    const small = join(dir, 'small.png');
    copyFileSync('test/fixtures/image/gray.png', small); // 64 x 48
    const cases: [string[], RegExp][] = [
      [[truncated, '--components', '8'], /truncated\.png/],
      [[corrupted, '--components', '8'], /corrupted\.jpg/],
      [[gif, '--components', '8'], /anim\.gif.*GIF/],
      [[join(dir, 'missing.png'), '--components', '8'], /missing\.png/],
      [
        [small, '--components', '8', '--block', '64'],
        /--block 64 is larger than the image '.*small\.png' \(64 x 48 pixels\)/,
      ],
      [
        [small, '--components', '64', '--block', '16'],
        /--components 64: the image '.*small\.png' has only 12 components/,
      ],
      [[small, '--components', '8,x'], /--components must be an integer >= 1\. Got 'x'/],
      [[small, '--components', '8,8'], /--components lists a k twice/],
      [[small, '--components', '8', '--block', '0'], /--block must be an integer in \[1, 4096\]/],
    ];
    for (const [args, want] of cases) {
      const out = join(dir, 'bad');
      const r = await cli(['compress', ...args, '--out', out]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(want);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out) ? readdirSync(out) : [], args.join(' ')).toEqual([]);
    }
  });
});
