/**
 * Benchmark of the density methods: clusterlens `hdbscan` against R dbscan's `hdbscan`
 * (test/bench/density_r.R), `dbscan` and `optics` against scikit-learn's `DBSCAN` and `OPTICS`
 * (test/bench/density_sklearn.py), and `hdbscan` alone on a large 2-D data set.
 *
 *   npm run bench -- density [--reps 3] [--sizes 5000,20000] [--dbscan 20000] [--optics 5000]
 *                            [--large 200000] [--only hdbscan,dbscan,optics,large]
 *
 * Data: blobs with uniform noise (`blobsWithNoise`), d = 10 (2 for `--large`), seeded, written
 * once as raw float64 to $TMPDIR/clusterlens-bench-density and read by every process. Every
 * measurement runs in a fresh process (clusterlens and its baseline interleaved per size and
 * repetition, so load changes on a shared machine hit both alike); each process times its fit
 * alone (CPU = user + system: `process.cpuUsage()`, `proc.time()`, `time.process_time()`, and
 * wall) and reports the CPU seconds of the whole process (start-up and reading the data
 * included) and its peak RSS. Cells are medians over the repetitions; ratios are clusterlens /
 * baseline. The last column compares the results: for hdbscan the partition (noise included)
 * and the largest difference of the GLOSH scores, for DBSCAN the labels, for OPTICS the
 * ordering and the largest difference of the reachability distances.
 */
import { performance } from 'node:perf_hooks';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dbscan, hdbscan, optics } from '../../src/cluster/density/index.js';
import { RandomState } from '../../src/util/random.js';
import { median, runMeasured, runMeasuredChild } from './shared/measure.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const DIR = join(tmpdir(), 'clusterlens-bench-density');
/** minPts of hdbscan (minClusterSize = minSamples) and min_samples of DBSCAN and OPTICS. */
const MIN_PTS = 10;
/** DBSCAN's eps on the d = 10 data: about the 10-distance of the blob rows. */
const EPS = 3;

interface Measure {
  /** CPU seconds of the fit. */
  fit: number;
  fitWall: number;
  /** CPU seconds of the whole process. */
  process: number;
  rssMB: number;
  /** Wall seconds of the whole process, measured by the parent. */
  wall?: number;
  version?: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/**
 * n x d: 90% of the rows in 10 Gaussian blobs (unit variance, centres uniform in [-10, 10]^d,
 * rows assigned in turn), 10% uniform in [-15, 15]^d, interleaved (every tenth row is noise).
 */
function blobsWithNoise(n: number, d: number, seed: number): Float64Array {
  const rs = new RandomState(seed);
  const centres = Array.from({ length: 10 }, () =>
    Array.from({ length: d }, () => rs.uniform(-10, 10)),
  );
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (i % 10 === 9) {
      for (let j = 0; j < d; j++) X[i * d + j] = rs.uniform(-15, 15);
    } else {
      const c = centres[i % 10]!;
      for (let j = 0; j < d; j++) X[i * d + j] = c[j]! + rs.gauss();
    }
  }
  return X;
}

function dataFile(n: number, d: number): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `blobs_noise_${n}x${d}.f64`);
  if (!existsSync(path)) {
    const X = blobsWithNoise(n, d, n + d);
    writeFileSync(path, new Uint8Array(X.buffer));
  }
  return path;
}

function readF64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8).slice();
}

/** The reachability distances of an OPTICS output file (after the n int32 of the ordering). */
function reachability(path: string, n: number): Float64Array {
  const b = readFileSync(path).subarray(4 * n);
  return new Float64Array(new Uint8Array(b).buffer);
}

function readI32(path: string, length?: number): Int32Array {
  const b = readFileSync(path);
  return new Int32Array(b.buffer, b.byteOffset, length ?? b.byteLength / 4).slice();
}

function write(path: string, a: Int32Array | Float64Array): void {
  writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

// ---- child: one clusterlens fit per process ------------------------------------------------

function child(): void {
  const [method, path, nText, dText, eps, out, out2] = process.argv.slice(3);
  const n = Number(nText);
  const d = Number(dText);
  const X = { rows: n, cols: d, data: readF64(path!) };
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  let result: Int32Array[] | [Int32Array, Float64Array];
  if (method === 'hdbscan') {
    const fit = hdbscan(X, { minClusterSize: MIN_PTS });
    result = [fit.labels, fit.outlierScores];
  } else if (method === 'dbscan') {
    result = [dbscan(X, { eps: Number(eps), minSamples: MIN_PTS }).labels];
  } else {
    const fit = optics(X, { minSamples: MIN_PTS });
    result = [fit.ordering, fit.reachability];
  }
  const w1 = performance.now();
  const c = process.cpuUsage(c0);
  if (method === 'optics') {
    // in scikit-learn's layout: the ordering, then the reachability of each row
    const both = Buffer.concat([
      new Uint8Array(result[0]!.buffer, result[0]!.byteOffset, result[0]!.byteLength),
      new Uint8Array(result[1]!.buffer, result[1]!.byteOffset, result[1]!.byteLength),
    ]);
    writeFileSync(out!, both);
  } else {
    write(out!, result[0]!);
    if (result[1] !== undefined && out2 !== undefined) write(out2, result[1]);
  }
  const total = process.cpuUsage();
  const m: Measure = {
    fit: (c.user + c.system) / 1e6,
    fitWall: (w1 - w0) / 1e3,
    process: (total.user + total.system) / 1e6,
    rssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

// ---- parent ---------------------------------------------------------------------------------

function timed(run: () => Measure | string): Measure {
  const w0 = performance.now();
  const m = run();
  if (typeof m === 'string') throw new Error(m);
  m.wall = (performance.now() - w0) / 1e3;
  return m;
}

function ours(args: string[]): Measure {
  return timed(() => runMeasuredChild<Measure>(SELF, args));
}

/** Same partition: a one-to-one map between the clusters, noise (ours -1, `noise` theirs) kept. */
function samePartition(a: Int32Array, b: Int32Array, noise: number): boolean {
  if (a.length !== b.length) return false;
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((x === -1) !== (y === noise)) return false;
    if (x === -1) continue;
    if ((ab.get(x) ?? y) !== y || (ba.get(y) ?? x) !== x) return false;
    ab.set(x, y);
    ba.set(y, x);
  }
  return true;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue; // infinities
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
  }
  return m;
}

const fmt = (x: number, digits = 3) => x.toFixed(digits);
const med = (ms: Measure[], key: 'fit' | 'process' | 'wall' | 'rssMB') =>
  median(ms.map((m) => m[key] ?? Number.NaN));

function row(
  label: string,
  n: number,
  d: number,
  js: Measure[],
  base: Measure[],
  same: string,
): string {
  const jf = med(js, 'fit');
  const bf = med(base, 'fit');
  const jp = med(js, 'process');
  const bp = med(base, 'process');
  return (
    `| ${label} | ${n.toLocaleString('en-US')} x ${d} | ${fmt(jf)} | ${fmt(bf)} | ${fmt(jf / bf, 2)} | ` +
    `${fmt(jp)} | ${fmt(bp)} | ${fmt(jp / bp, 2)} | ${fmt(med(js, 'wall'), 2)} | ${fmt(med(base, 'wall'), 2)} | ` +
    `${fmt(med(js, 'rssMB'), 0)} | ${fmt(med(base, 'rssMB'), 0)} | ${same} |`
  );
}

function main(): void {
  const reps = Number(arg('reps', '3'));
  const sizes = arg('sizes', '5000,20000').split(',').map(Number);
  const nDbscan = Number(arg('dbscan', '20000'));
  const nOptics = Number(arg('optics', '5000'));
  const nLarge = Number(arg('large', '200000'));
  const only = arg('only', 'hdbscan,dbscan,optics,large').split(',');
  const D = 10;
  mkdirSync(DIR, { recursive: true });
  const o1 = join(DIR, 'out_js');
  const o2 = join(DIR, 'out2_js');
  const b1 = join(DIR, 'out_base');
  const b2 = join(DIR, 'out2_base');
  console.log(
    `node ${process.version}; minPts = min_samples = ${MIN_PTS}; DBSCAN eps = ${EPS}; ` +
      `CPU seconds (user + system), medians of ${reps} fresh-process runs`,
  );
  console.log('');
  console.log(
    '| method (baseline) | n x d | clusterlens fit | baseline fit | ratio | clusterlens process | baseline process | ratio | wall s clusterlens | wall s baseline | RSS MB clusterlens | RSS MB baseline | same result |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  if (only.includes('hdbscan')) {
    for (const n of sizes) {
      const path = dataFile(n, D);
      const js: Measure[] = [];
      const r: Measure[] = [];
      let same = true;
      let diff = 0;
      for (let k = 0; k < reps; k++) {
        js.push(ours(['hdbscan', path, String(n), String(D), '-', o1, o2]));
        r.push(
          timed(() =>
            runMeasured<Measure>('Rscript', [
              join(HERE, 'density_r.R'),
              path,
              String(n),
              String(D),
              String(MIN_PTS),
              b1,
              b2,
            ]),
          ),
        );
        same &&= samePartition(readI32(o1), readI32(b1), 0);
        diff = Math.max(diff, maxDiff(readF64(o2), readF64(b2)));
      }
      const label = `hdbscan (R dbscan ${r[0]!.version})`;
      console.log(
        row(
          label,
          n,
          D,
          js,
          r,
          `${same ? 'same' : 'DIFFERENT'} clusters; GLOSH ${diff.toExponential(1)}`,
        ),
      );
    }
  }
  if (only.includes('dbscan')) {
    const n = nDbscan;
    const path = dataFile(n, D);
    const js: Measure[] = [];
    const py: Measure[] = [];
    let same = true;
    for (let k = 0; k < reps; k++) {
      js.push(ours(['dbscan', path, String(n), String(D), String(EPS), o1]));
      py.push(
        timed(() =>
          runMeasured<Measure>('/usr/bin/python3', [
            join(HERE, 'density_sklearn.py'),
            'dbscan',
            path,
            String(n),
            String(D),
            String(MIN_PTS),
            String(EPS),
            b1,
          ]),
        ),
      );
      same &&= Buffer.compare(readFileSync(o1), readFileSync(b1)) === 0;
    }
    const label = `dbscan (scikit-learn ${py[0]!.version} DBSCAN)`;
    console.log(row(label, n, D, js, py, same ? 'same labels' : 'DIFFERENT labels'));
  }
  if (only.includes('optics')) {
    const n = nOptics;
    const path = dataFile(n, D);
    const js: Measure[] = [];
    const py: Measure[] = [];
    let same = true;
    let diff = 0;
    for (let k = 0; k < reps; k++) {
      js.push(ours(['optics', path, String(n), String(D), '-', o1]));
      py.push(
        timed(() =>
          runMeasured<Measure>('/usr/bin/python3', [
            join(HERE, 'density_sklearn.py'),
            'optics',
            path,
            String(n),
            String(D),
            String(MIN_PTS),
            '-',
            b1,
          ]),
        ),
      );
      same &&=
        Buffer.compare(readFileSync(o1).subarray(0, 4 * n), readFileSync(b1).subarray(0, 4 * n)) ===
        0;
      diff = Math.max(diff, maxDiff(reachability(o1, n), reachability(b1, n)));
    }
    const label = `optics (scikit-learn ${py[0]!.version} OPTICS)`;
    console.log(
      row(
        label,
        n,
        D,
        js,
        py,
        `${same ? 'same' : 'DIFFERENT'} ordering; reachability ${diff.toExponential(1)}`,
      ),
    );
  }
  if (only.includes('large')) {
    const n = nLarge;
    const path = dataFile(n, 2);
    const js: Measure[] = [];
    for (let k = 0; k < reps; k++) js.push(ours(['hdbscan', path, String(n), '2', '-', o1, o2]));
    console.log('');
    console.log(
      '| method | n x d | clusterlens fit CPU s | process CPU s | wall s | peak RSS MB |',
    );
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| hdbscan | ${n.toLocaleString('en-US')} x 2 | ${fmt(med(js, 'fit'), 2)} | ${fmt(med(js, 'process'), 2)} | ` +
        `${fmt(med(js, 'wall'), 2)} | ${fmt(med(js, 'rssMB'), 0)} |`,
    );
  }
}

if (process.argv[2] === '--child') child();
else main();
