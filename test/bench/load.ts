/**
 * Loader benchmark: `loadCsv` (streaming tokenizer + typed-array columns) against csv-parse 6.2.0
 * (streaming, + Number() into the same Float64Array columns), d3-dsv 3.0.2 (`csvParseRows` over
 * the whole text, + Number()) and pandas `read_csv` (test/bench/load_pandas.py, with Debian's
 * /usr/bin/python3 when it has pandas).
 *
 *   npx tsx test/bench/load.ts [rows] [reps]     default 1,000,000 rows, 3 repetitions
 *
 * The file (rows x 16 numeric columns, ~130 MB for 1M rows, written with RandomState(0)) is
 * generated once in $TMPDIR/clusterlens-bench and never committed. Every repetition of every
 * implementation runs in its own child process, so its peak resident memory (maxRSS) is its own.
 * Times are medians of wall-clock and of CPU time (user + system; steadier on a shared machine);
 * ratios are other / clusterlens (> 1: clusterlens is faster). All implementations must agree on
 * the row count and the sum of all values.
 */
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { csvParseRows } from 'd3-dsv';
import { loadCsv } from '../../src/data/csv.js';
import { RandomState } from '../../src/util/random.js';
import { median } from './shared/measure.js';

const COLS = 16;
const IMPLS = ['clusterlens', 'csv-parse', 'd3-dsv', 'pandas'] as const;
type Impl = (typeof IMPLS)[number];

interface Measure {
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  rows: number;
  sum: number;
}

/** Write the benchmark CSV (once): columns of different scales and precisions. */
function generate(path: string, rows: number): void {
  if (existsSync(path)) return;
  const partial = `${path}.part`;
  const r = new RandomState(0);
  const fd = openSync(partial, 'w');
  const header = Array.from({ length: COLS }, (_, j) => `x${j + 1}`).join(',');
  writeSync(fd, `${header}\n`);
  let buffer: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = new Array(COLS);
    for (let j = 0; j < COLS; j++) {
      const scale = 10 ** ((j % 4) - 1); // 0.1, 1, 10, 100
      cells[j] = (r.gauss() * scale + j).toFixed(j % 3 === 0 ? 4 : 5);
    }
    buffer.push(cells.join(','));
    if (buffer.length === 10000) {
      writeSync(fd, `${buffer.join('\n')}\n`);
      buffer = [];
    }
  }
  if (buffer.length > 0) writeSync(fd, `${buffer.join('\n')}\n`);
  closeSync(fd);
  renameSync(partial, path);
}

/** Growable Float64Array columns, as clusterlens keeps them, for the JS baselines. */
class Columns {
  cols: Float64Array[] = [];
  rows = 0;
  capacity = 1024;
  constructor(d: number) {
    for (let j = 0; j < d; j++) this.cols.push(new Float64Array(this.capacity));
  }
  add(record: readonly string[]): void {
    if (this.rows === this.capacity) {
      this.capacity *= 2;
      this.cols = this.cols.map((c) => {
        const g = new Float64Array(this.capacity);
        g.set(c);
        return g;
      });
    }
    for (let j = 0; j < this.cols.length; j++) this.cols[j]![this.rows] = Number(record[j]);
    this.rows++;
  }
  sum(): number {
    let s = 0;
    for (const c of this.cols) for (let i = 0; i < this.rows; i++) s += c[i]!;
    return s;
  }
}

/** One implementation, in this process (called in the child). */
async function runOne(impl: Impl, path: string): Promise<{ rows: number; sum: number }> {
  switch (impl) {
    case 'clusterlens': {
      const d = await loadCsv(path);
      let sum = 0;
      // Sum column by column, in the same order as the baselines.
      for (let j = 0; j < d.features.cols; j++) {
        for (let i = 0; i < d.features.rows; i++) sum += d.features.data[i * d.features.cols + j]!;
      }
      return { rows: d.features.rows, sum };
    }
    case 'csv-parse': {
      const columns = new Columns(COLS);
      const parser = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(
        parse({ from_line: 2 }),
      );
      for await (const record of parser) columns.add(record as string[]);
      return { rows: columns.rows, sum: columns.sum() };
    }
    case 'd3-dsv': {
      const columns = new Columns(COLS);
      const text = readFileSync(path, 'utf8');
      let header = true;
      csvParseRows(text, (row) => {
        if (header) header = false;
        else columns.add(row);
        return null;
      });
      return { rows: columns.rows, sum: columns.sum() };
    }
    case 'pandas':
      throw new Error('pandas runs in Python');
  }
}

function child(impl: Impl, path: string): Measure | undefined {
  const here = fileURLToPath(import.meta.url);
  const result =
    impl === 'pandas'
      ? spawnSync('/usr/bin/python3', [join(here, '..', 'load_pandas.py'), path], {
          encoding: 'utf8',
        })
      : spawnSync(process.execPath, ['--import', 'tsx', here, '--one', impl, path], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
  if (result.status !== 0) {
    process.stderr.write(`${impl} failed: ${result.stderr}\n`);
    return undefined;
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Measure;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    const impl = args[1] as Impl;
    const path = args[2]!;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const { rows, sum } = await runOne(impl, path);
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const maxRssMB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ ms, cpuMs, maxRssMB, rows, sum })}\n`);
    return;
  }
  const rows = Number(args[0] ?? 1_000_000);
  const reps = Number(args[1] ?? 3);
  const folder = join(tmpdir(), 'clusterlens-bench');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `load-${rows}x${COLS}.csv`);
  const t0 = performance.now();
  generate(path, rows);
  const mb = statSync(path).size / 1e6;
  console.log(
    `file: ${path} (${rows.toLocaleString('en')} rows x ${COLS} columns, ${mb.toFixed(1)} MB; ` +
      `ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  console.log(`node ${process.version}; ${reps} repetitions each, one child process per run\n`);
  const hasPandas =
    spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0;
  const results = new Map<Impl, Measure[]>();
  for (let rep = 0; rep < reps; rep++) {
    for (const impl of IMPLS) {
      if (impl === 'pandas' && !hasPandas) continue;
      const m = child(impl, path);
      if (m) results.set(impl, [...(results.get(impl) ?? []), m]);
    }
  }
  const ours = results.get('clusterlens')!;
  const oursWall = median(ours.map((m) => m.ms));
  const oursCpu = median(ours.map((m) => m.cpuMs));
  const reference = ours[0]!;
  console.log(
    'implementation  wall s  cpu s  MB/s (cpu)  peak RSS MB  wall ratio  cpu ratio  agrees',
  );
  for (const [impl, ms] of results) {
    const wall = median(ms.map((m) => m.ms));
    const cpu = median(ms.map((m) => m.cpuMs));
    const rss = median(ms.map((m) => m.maxRssMB));
    const agrees = ms.every(
      (m) =>
        m.rows === reference.rows &&
        Math.abs(m.sum - reference.sum) <= 1e-9 * Math.abs(reference.sum),
    );
    console.log(
      `${impl.padEnd(14)}  ${(wall / 1000).toFixed(2).padStart(6)}  ${(cpu / 1000).toFixed(2).padStart(5)}` +
        `  ${(mb / (cpu / 1000)).toFixed(0).padStart(10)}  ${rss.toFixed(0).padStart(11)}` +
        `  ${(wall / oursWall).toFixed(2).padStart(10)}  ${(cpu / oursCpu).toFixed(2).padStart(9)}  ${agrees ? 'yes' : 'NO'}`,
    );
  }
  console.log(
    '\nratios: time of the implementation / time of clusterlens (> 1: clusterlens is faster)',
  );
}

await main();
