// Baseline for the UMAP benchmark: umap-js's UMAP on a CSV, seeded, in a fresh process.
//
//   node test/bench/umap_js.mjs DATA.csv OUT.csv [SEED] [N_NEIGHBORS] [MIN_DIST]
//
// DATA.csv has a header row and numeric columns only (as written by make_datasets.py and
// test/bench/umap.ts). Defaults: SEED 42, N_NEIGHBORS 15, MIN_DIST 0.1. Everything else is
// umap-js's default: spread 1, its epoch count (500 up to 2,500 rows, then 400, 300 and 200
// beyond 7,500), approximate neighbours by NN-descent, a random initialisation in [-10, 10]
// (umap-js has no spectral one). umap-js draws every random number from the `random` option:
// here a seeded 32-bit generator (a Weyl sequence through a 32-bit mixing function), so that a
// seed gives one embedding.
//
// Times `fit` only (process.cpuUsage: user + system), writes the embedding as CSV (columns x1,
// x2, ...), and prints one JSON line like umap_uwot.R: the fit's CPU and wall seconds, the CPU
// seconds of the whole process, its peak RSS in MB, the shape, the epochs and the version.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UMAP } from 'umap-js';

const [input, output, seedText = '42', kText = '15', minDistText = '0.1'] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  console.error('usage: node umap_js.mjs DATA.csv OUT.csv [SEED] [N_NEIGHBORS] [MIN_DIST]');
  process.exit(2);
}

/** Uniform doubles in [0, 1) from a 32-bit seed. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    z ^= z >>> 15;
    return (z >>> 0) / 4294967296;
  };
}

const lines = readFileSync(input, 'utf8').split('\n');
const data = [];
for (let i = 1; i < lines.length; i++) {
  const line = lines[i].trim();
  if (line === '') continue;
  data.push(line.split(',').map(Number));
}
const cols = data[0].length;

globalThis.gc?.();
const umap = new UMAP({
  nNeighbors: Number(kText),
  minDist: Number(minDistText),
  nComponents: 2,
  random: seededRandom(Number(seedText)),
});
const c0 = process.cpuUsage();
const w0 = performance.now();
const embedding = umap.fit(data);
const w1 = performance.now();
const c = process.cpuUsage(c0);

const m = embedding[0].length;
const out = [Array.from({ length: m }, (_, j) => `x${j + 1}`).join(',')];
for (const row of embedding) out.push(row.join(','));
writeFileSync(output, `${out.join('\n')}\n`);

const require = createRequire(import.meta.url);
const version = JSON.parse(
  readFileSync(join(dirname(require.resolve('umap-js')), '..', 'package.json'), 'utf8'),
).version;
const total = process.cpuUsage();
const result = {
  fit: (c.user + c.system) / 1e6,
  fitWall: (w1 - w0) / 1e3,
  process: (total.user + total.system) / 1e6,
  rssMB: process.resourceUsage().maxRSS / 1024,
  rows: data.length,
  cols,
  nEpochs: umap.getNEpochs(),
  version,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
