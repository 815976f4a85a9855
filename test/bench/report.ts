/**
 * Report benchmark: the main job end to end, as a user runs it, and the time to open the result.
 *
 *   npm run build && npx tsx test/bench/report.ts [--runs 5] [--cases wide,wide-static]
 *
 * Cases (each a fresh `node dist/cli/main.js report ...` process; wall time from spawn to exit,
 * median of the runs):
 *   iris        datasets/iris.csv --label species (k chosen automatically: the README command)
 *   iris-k3     datasets/iris.csv --label species --k 3
 *   penguins    datasets/penguins.csv --label species --exclude island,sex
 *   100k        100,000 x 16 Gaussian blobs (4 groups, RandomState(0)) --k 4 (criteria of k,
 *               hierarchical clustering and silhouettes on seeded samples of 5000 rows,
 *               density projection, canvas renderer)
 *   wide        400 x 1,000 features (4 groups in the first 40 features, noise in the rest;
 *               test/report/wide.ts, seed 0), k chosen automatically
 *   wide-static the same with --static (every chart rendered to SVG in Node)
 *   wide-1200   400 x 1,200 features, the same way
 * Baselines in the same script: `clusterlens inspect` on the same file (process start, imports
 * and loading: the floor of any command), and for 100k the same analysis in scikit-learn/scipy
 * (test/bench/report_sklearn.py: scaling, KMeans, ward on the 5000-row sample, PCA, silhouette of
 * the sample; no charts) when /usr/bin/python3 has them.
 * Open time: the report in headless Chromium (/usr/bin/chromium, software rendering), a fresh
 * page per run, `performance.now()` when every chart is embedded and two frames have passed.
 * Targets: iris <= 1.5 s end to end, 100k <= 15 s to write and <= 3 s to open; wide and
 * wide-1200 <= 10 s to write, HTML <= 4 MB, every chart drawn.
 * CPU: user + system time of the report process (children included), the measure that a machine
 * shared with other work does not inflate as much as wall time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWide } from '../report/wide.js';
import { browserMissing, launch, openReport } from '../browser/chromium.js';
import { writeBlobs } from './shared/blobs.js';
import { median } from './shared/measure.js';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
const casesFlag = process.argv.indexOf('--cases');
const only = casesFlag >= 0 ? process.argv[casesFlag + 1]!.split(',') : undefined;
const dir = join(tmpdir(), 'clusterlens-bench-report');
mkdirSync(dir, { recursive: true });
// the inputs are kept between runs (the 100k one takes a while to write); the reports of this
// run go to a fresh folder, removed at the end
const outDir = mkdtempSync(join(dir, 'out-'));
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));

/** Seconds of a `times` entry such as '1m2.345s'. */
function seconds(entry: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(entry);
  if (!m) throw new Error(`unexpected times output '${entry}'`);
  return 60 * Number(m[1]) + Number(m[2]);
}

/**
 * Median wall time and median CPU time of `runs` runs of `command args`, in ms. The command runs
 * under /bin/sh, whose `times` builtin then prints the user and system time of its children
 * (POSIX), the CPU measure.
 */
function timeProcess(command: string, args: string[], runs: number): { wall: number; cpu: number } {
  const times: number[] = [];
  const cpus: number[] = [];
  const script = '"$0" "$@"; status=$?; times >&2; exit $status';
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const p = spawnSync('/bin/sh', ['-c', script, command, ...args], { encoding: 'utf8' });
    const t = performance.now() - t0;
    if (p.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${p.stderr}`);
    times.push(t);
    const children = p.stderr.trim().split('\n').at(-1)!.trim().split(/\s+/);
    cpus.push(1000 * (seconds(children[0]!) + seconds(children[1]!)));
  }
  return { wall: median(times), cpu: median(cpus) };
}

if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
const big = join(dir, 'blobs-100k.csv');
if (!existsSync(big) && (only === undefined || only.includes('100k'))) {
  writeBlobs(big, 100_000, 16, 4);
}
const wide = join(dir, 'wide-400x1000.csv');
if (!existsSync(wide)) writeWide(wide, { n: 400, d: 1000, seed: 0 });
const wide1200 = join(dir, 'wide-400x1200.csv');
if (!existsSync(wide1200)) writeWide(wide1200, { n: 400, d: 1200, seed: 0 });
const wideFlags = ['--label', 'group', '--id', 'id'];

const allCases: { name: string; file: string; flags: string[]; runs: number; static?: boolean }[] =
  [
    { name: 'iris', file: 'datasets/iris.csv', flags: ['--label', 'species'], runs: RUNS },
    {
      name: 'iris-k3',
      file: 'datasets/iris.csv',
      flags: ['--label', 'species', '--k', '3'],
      runs: RUNS,
    },
    {
      name: 'penguins',
      file: 'datasets/penguins.csv',
      flags: ['--label', 'species', '--exclude', 'island,sex'],
      runs: RUNS,
    },
    {
      name: '100k',
      file: big,
      flags: ['--label', 'group', '--id', 'id', '--k', '4'],
      runs: Math.min(RUNS, 3),
    },
    { name: 'wide', file: wide, flags: wideFlags, runs: Math.min(RUNS, 3) },
    {
      name: 'wide-static',
      file: wide,
      flags: [...wideFlags, '--static'],
      runs: Math.min(RUNS, 3),
      static: true,
    },
    { name: 'wide-1200', file: wide1200, flags: wideFlags, runs: Math.min(RUNS, 3) },
  ];
const cases = allCases.filter((c) => only === undefined || only.includes(c.name));

const rows: string[][] = [];
const reports: { name: string; path: string; static: boolean }[] = [];
for (const c of cases) {
  const out = join(outDir, `${c.name}.html`);
  const report = timeProcess(
    'node',
    ['dist/cli/main.js', 'report', c.file, ...c.flags, '--out', out],
    c.runs,
  );
  const floor = timeProcess(
    'node',
    [
      'dist/cli/main.js',
      'inspect',
      c.file,
      ...c.flags.filter((f, i, a) => f !== '--k' && a[i - 1] !== '--k' && f !== '--static'),
      '--quiet',
    ],
    c.runs,
  );
  let sk = '';
  if (c.name === '100k') {
    const p = spawnSync('/usr/bin/python3', ['test/bench/report_sklearn.py', c.file], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    if (p.status === 0) sk = `${(Number(p.stdout.trim()) / 1000).toFixed(2)} s (analysis only)`;
  }
  rows.push([
    c.name,
    `${(report.wall / 1000).toFixed(2)} s`,
    `${(report.cpu / 1000).toFixed(2)} s`,
    `${(floor.wall / 1000).toFixed(2)} s`,
    `${(report.wall / floor.wall).toFixed(1)}x`,
    `${(statSync(out).size / 1e6).toFixed(2)} MB`,
    sk,
  ]);
  reports.push({ name: c.name, path: out, static: c.static ?? false });
}

const openTimes: Record<string, string> = {};
const missing = browserMissing();
if (missing) console.log(`no open times: ${missing}`);
else {
  const browser = await launch();
  for (const r of reports) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // static: the page's load event (every SVG is in the markup); else every chart embedded
      const opened = await openReport(browser, r.path, { waitForCharts: !r.static });
      times.push(Number(await opened.page.evaluate('performance.now()')));
      if (opened.errors.length > 0 || opened.requests.length > 0)
        throw new Error(`${r.name}: errors or requests`);
      await opened.page.close();
    }
    openTimes[r.name] = `${(median(times) / 1000).toFixed(2)} s`;
  }
  await browser.close();
}

console.log(
  `report benchmark, median of ${RUNS} runs (100k and wide: ${Math.min(RUNS, 3)}), wall time ` +
    'unless marked CPU',
);
console.log(
  '| case | report (process) | report CPU | inspect (floor) | ratio | HTML size | open in Chromium | scikit-learn |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r[0]} | ${r[1]} | ${r[2]} | ${r[3]} | ${r[4]} | ${r[5]} | ${openTimes[r[0]!] ?? '-'} | ${r[6] || '-'} |`,
  );
