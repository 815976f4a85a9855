/**
 * The streamed report against the in-memory one, on a file of many rows:
 *
 *   npm run build && npm run bench -- stream [rows] [--max-memory 300M] [--skip-memory]
 *
 * Data: `rows` (default 3,000,000) x 16 Gaussian blobs (4 groups; test/bench/shared/blobs.ts)
 * with an id and a group column, written once to $TMPDIR/clusterlens-bench-stream.
 * Runs, each a fresh `node dist/cli/main.js report FILE --label group --id id` process under
 * /usr/bin/time (CPU = user + system seconds, peak RSS = its maximum resident set):
 *   streamed    with `--max-memory 300M` (the budget the flag gives): the CLI streams the file
 *   in memory   with the default budget (`--skip-memory` leaves it out)
 * Checks: both labels files have every row; the PCA explained variance ratios of the two JSON
 * results agree to 1e-9 (relative); the streamed k-means sizes against the in-memory ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBlobs } from './shared/blobs.js';

const args = process.argv.slice(2);
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 3_000_000);
const budgetAt = args.indexOf('--max-memory');
const budget = budgetAt >= 0 ? args[budgetAt + 1]! : '300M';
const skipMemory = args.includes('--skip-memory');

const dir = join(tmpdir(), 'clusterlens-bench-stream');
mkdirSync(dir, { recursive: true });
const file = join(dir, `blobs-${rows}x16.csv`);
if (!existsSync(file)) {
  console.error(`writing ${file} ...`);
  writeBlobs(file, rows, 16, 4);
}
const out = mkdtempSync(join(dir, 'out-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));

interface Run {
  name: string;
  cpu: number;
  wall: number;
  peakMB: number;
  json: {
    pca: { explainedVarianceRatio: number[] };
    kmeans: { sizes: number[] };
    stream?: { sizes: number[]; passes: number; sampleRows: number };
  };
  labelRows: number;
}

function run(name: string, extra: string[]): Run {
  const html = join(out, `${name}.html`);
  const cli = join('dist', 'cli', 'main.js');
  const t0 = performance.now();
  const p = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'TIME %U %S %M',
      process.execPath,
      cli,
      'report',
      file,
      '--label',
      'group',
      '--id',
      'id',
      '--out',
      html,
      '--quiet',
      ...extra,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`${name} failed: ${p.stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(p.stderr)!;
  const labels = readFileSync(html.replace(/\.html$/, '.labels.csv'));
  let lines = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 10) lines++;
  return {
    name,
    cpu: Number(m[1]) + Number(m[2]),
    wall,
    peakMB: Number(m[3]) / 1024,
    json: JSON.parse(readFileSync(html.replace(/\.html$/, '.json'), 'utf8')),
    labelRows: lines - 1,
  };
}

console.log(
  `## report of ${rows.toLocaleString('en-US')} x 16 blobs (${(statSync(file).size / 1e6).toFixed(0)} MB CSV)`,
);
const runs = [run('streamed', ['--max-memory', budget])];
if (!skipMemory) runs.push(run('memory', []));
console.log('| run | CPU s | wall s | peak RSS MB | labels rows | k-means sizes |');
console.log('|---|---|---|---|---|---|');
for (const r of runs) {
  const sizes = r.json.stream?.sizes ?? r.json.kmeans.sizes;
  console.log(
    `| ${r.name}${r.name === 'streamed' ? ` (--max-memory ${budget}, ${r.json.stream?.passes} passes, sample ${r.json.stream?.sampleRows})` : ''} | ${r.cpu.toFixed(1)} | ${r.wall.toFixed(1)} | ${r.peakMB.toFixed(0)} | ${r.labelRows} | ${sizes.join(', ')} |`,
  );
}
if (runs.length === 2) {
  const a = runs[0]!.json.pca.explainedVarianceRatio;
  const b = runs[1]!.json.pca.explainedVarianceRatio;
  let worst = 0;
  for (let c = 0; c < b.length; c++) worst = Math.max(worst, Math.abs(a[c]! - b[c]!) / b[c]!);
  console.log(
    `PCA explained variance ratios, streamed vs in memory: largest relative difference ${worst.toExponential(2)}`,
  );
}
