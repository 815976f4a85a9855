/**
 * Image compression benchmark: clusterlens `compressImage` against scikit-learn 1.2.1
 * (`test/bench/compress_sklearn.py`) on the same 4,096 x 4,096 gray image, 8 x 8 tiles (262,144
 * tiles of 64 values), k = 8, 16, 32, 64, single thread.
 *
 *   npm run bench -- compress              every implementation
 *   npm run bench -- compress 2048         a 2,048 x 2,048 image instead (any side, a multiple of 8)
 *
 * Implementations (each in its own fresh child process; loading the image is not timed, cutting
 * it into tiles is):
 *   clusterlens numbers   compressImage(image, {components: [8, 16, 32, 64]}): the fit, and for
 *                         every k the mse, psnr and explained variance, and the reconstruction
 *                         rounded and clipped to 8 bits (`bytes`, made in the same pass; no
 *                         reconstruction is kept in doubles)
 *   clusterlens images    the same, then every result's `bytes` read: the numbers and the
 *                         images the eye sees (what `clusterlens compress` writes)
 *   clusterlens pixels    the same, then every result's `pixels` (the float reconstructions in
 *                         the image's layout, each made on first access of its k)
 *   sklearn one fit       PCA(64, svd_solver='full').fit(tiles), the scores once, and for every k
 *                         the reconstruction scores[:, :k] @ components[:k] + mean back in the
 *                         image's layout and its mse (the numbers and pixels of clusterlens)
 *   sklearn per k         for every k, PCA(k, svd_solver='full').fit(tiles) and
 *                         inverse_transform(transform(tiles)) back in the image's layout, its mse
 *
 * CPU = user + system time of the timed region (process.cpuUsage, time.process_time). The first
 * run of each process is the fresh-process figure (JIT compilation included for Node); the median
 * of its runs (three, one for 'sklearn per k') is given too. Peak RSS is VmHWM of a process that
 * runs once. The image is
 * generated once (seeded value noise with a 1/f amplitude spectrum, as photographs have, plus a
 * few sharp-edged rectangles) and cached as raw bytes in $TMPDIR/clusterlens-bench, which the
 * Python script reads too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressImage } from '../../src/decomposition/image.js';
import { RandomState } from '../../src/util/random.js';
import { median, runMeasured, runMeasuredChild, settle } from './shared/measure.js';

const KS = [8, 16, 32, 64];
/** Implementations and their runs (scikit-learn per k is slow: one). */
const IMPLS: Record<string, number> = {
  'clusterlens numbers': 3,
  'clusterlens images': 3,
  'clusterlens pixels': 3,
  'sklearn one fit': 3,
  'sklearn per k': 1,
};

const SELF = fileURLToPath(import.meta.url);
const PY = join(SELF, '..', 'compress_sklearn.py');
const CACHE = join(tmpdir(), 'clusterlens-bench');

function dataPath(side: number): string {
  return join(CACHE, `compress-${side}x${side}.u8`);
}

/** Generate (once) the side x side gray image as raw bytes, row-major. */
function ensureData(side: number): string {
  const path = dataPath(side);
  if (existsSync(path)) return path;
  mkdirSync(CACHE, { recursive: true });
  const rng = new RandomState(7);
  const img = new Float64Array(side * side);
  // value noise: octaves of bilinearly interpolated random grids, amplitude proportional to the
  // grid spacing (a 1/f amplitude spectrum)
  for (let spacing = side / 8; spacing >= 2; spacing /= 2) {
    const g = side / spacing + 1;
    const grid = new Float64Array(g * g);
    for (let i = 0; i < grid.length; i++) grid[i] = rng.gauss();
    const amp = (spacing / side) * 160;
    for (let y = 0; y < side; y++) {
      const gy = Math.floor(y / spacing);
      const fy = (y % spacing) / spacing;
      for (let x = 0; x < side; x++) {
        const gx = Math.floor(x / spacing);
        const fx = (x % spacing) / spacing;
        const o = gy * g + gx;
        const top = grid[o]! * (1 - fx) + grid[o + 1]! * fx;
        const bottom = grid[o + g]! * (1 - fx) + grid[o + g + 1]! * fx;
        img[y * side + x] += amp * (top * (1 - fy) + bottom * fy);
      }
    }
  }
  for (let r = 0; r < 40; r++) {
    const x0 = Math.floor(rng.uniform() * side);
    const y0 = Math.floor(rng.uniform() * side);
    const w = Math.floor(rng.uniform() * side * 0.2);
    const h = Math.floor(rng.uniform() * side * 0.2);
    const shift = (rng.uniform() - 0.5) * 80;
    for (let y = y0; y < Math.min(side, y0 + h); y++) {
      for (let x = x0; x < Math.min(side, x0 + w); x++) img[y * side + x] += shift;
    }
  }
  const bytes = new Uint8Array(side * side);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Math.min(255, Math.max(0, Math.round(128 + 0.6 * img[i]! + 4 * rng.gauss())));
  }
  writeFileSync(path, bytes);
  return path;
}

interface Measure {
  impl: string;
  cpuMs: number[];
  wallMs: number[];
  peakMB: number;
  firstCpuMs: number;
  /** psnr at each k of the first run. */
  psnr: number[];
}

function peakRssMB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /VmHWM:\s*(\d+)\s*kB/.exec(status);
  return kb ? Number(kb[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** Child process: run one implementation `reps` times and print a Measure as JSON. */
function child(impl: string, side: number, reps: number): void {
  const bytes = readFileSync(dataPath(side));
  const pixels = new Float64Array(side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[i]!;
  const image = { width: side, height: side, channels: 1 as const, pixels };
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  let firstCpuMs = 0;
  let psnr: number[] = [];
  for (let r = 0; r < reps; r++) {
    settle(gc);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const fit = compressImage(image, { components: KS });
    if (impl === 'clusterlens pixels') {
      for (const res of fit.results) if (res.pixels.length !== pixels.length) throw new Error();
    } else if (impl === 'clusterlens images') {
      for (const res of fit.results) if (res.bytes.length !== pixels.length) throw new Error();
    } else if (impl !== 'clusterlens numbers') {
      throw new Error(`unknown implementation ${impl}`);
    }
    const cu = process.cpuUsage(c0);
    wallMs.push(performance.now() - w0);
    cpuMs.push((cu.user + cu.system) / 1000);
    if (r === 0) {
      firstCpuMs = cpuMs[0]!;
      psnr = fit.results.map((x) => x.psnr);
    }
  }
  const m: Measure = { impl, cpuMs, wallMs, peakMB: peakRssMB(), firstCpuMs, psnr };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function runChild(impl: string, side: number, reps: number): Measure | string {
  return impl.startsWith('sklearn')
    ? runMeasured<Measure>('/usr/bin/python3', [
        PY,
        dataPath(side),
        String(side),
        KS.join(','),
        impl.endsWith('per k') ? 'per-k' : 'one-fit',
        String(reps),
      ])
    : runMeasuredChild<Measure>(SELF, [impl, String(side), String(reps)]);
}

function main(words: string[]): void {
  const side = words.length > 0 ? Number(words[0]) : 4096;
  if (!(Number.isInteger(side) && side >= 64 && side % 8 === 0)) {
    throw new Error('the side must be an integer >= 64, a multiple of 8');
  }
  ensureData(side);
  const hasSklearn =
    spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
  console.log(
    `\n## ${side} x ${side} gray, 8 x 8 tiles (${(side / 8) ** 2} x 64), k = ${KS.join(', ')}` +
      ' (CPU ms, 1 thread; first = a fresh process)',
  );
  const results: Measure[] = [];
  for (const [impl, reps] of Object.entries(IMPLS)) {
    if (impl.startsWith('sklearn') && !hasSklearn) continue;
    const m = runChild(impl, side, reps);
    if (typeof m === 'string') {
      console.log(`${impl}: ${m}`);
      continue;
    }
    if (reps > 1) {
      const once = runChild(impl, side, 1);
      if (typeof once !== 'string') m.peakMB = once.peakMB;
    }
    results.push(m);
  }
  console.log(
    '| implementation | first run CPU ms | median CPU ms | median wall ms | peak MB | psnr (dB) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const m of results) {
    console.log(
      `| ${m.impl} | ${m.firstCpuMs.toFixed(0)} | ${median(m.cpuMs).toFixed(0)} | ${median(m.wallMs).toFixed(0)} | ${m.peakMB.toFixed(0)} | ${m.psnr.map((p) => p.toFixed(3)).join(', ')} |`,
    );
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') child(argv[1]!, Number(argv[2]), Number(argv[3]));
else main(argv);
