/**
 * Columnar loader benchmark: `loadDataset` of one table as CSV, Parquet (snappy, zstd) and Arrow
 * IPC, and one pass of `readChunks` over each (the bounded-memory path).
 *
 *   npm run bench -- columnar [rows] [reps]     default 1,000,000 rows, 3 repetitions
 *
 * The table: rows x 16 numeric columns written as CSV by test/bench/load.ts's generator
 * (RandomState(0), 4 or 5 decimals), the same doubles as an Arrow IPC file written here with
 * apache-arrow (record batches of 65,536 rows, uncompressed), and as Parquet by pyarrow
 * (test/bench/columnar_write.py, row groups of 131,072 rows; left out when /usr/bin/python3 has
 * no pyarrow, or set PYTHONPATH to one). Files are generated once in $TMPDIR/clusterlens-bench.
 * Baseline: DuckDB (@duckdb/node-api, one thread) reading the same CSV and Parquet files with
 * `read_csv` / `read_parquet`, its chunks' values fetched as JavaScript numbers and summed
 * ('duckdb'; DuckDB has no reader of Arrow IPC files without an extension).
 * Every repetition of every case runs in its own child process: times are medians of wall
 * clock and CPU (user + system), peak RSS is the child's maxRSS. All cases must agree on the row
 * count and the sum of all values.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordBatchFileWriter, tableFromArrays } from 'apache-arrow';
import { readChunks } from '../../src/data/chunks.js';
import { loadDataset } from '../../src/data/load.js';
import { RandomState } from '../../src/util/random.js';
import { median } from './shared/measure.js';

const COLS = 16;
const BATCH = 65536;
const GROUP = 131072;

interface Measure {
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  rows: number;
  sum: number;
}

/** The cells of row block [from, to) of the table, as text (the CSV) and numbers. */
function cells(r: RandomState, rows: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const row: string[] = new Array(COLS);
    for (let j = 0; j < COLS; j++) {
      const scale = 10 ** ((j % 4) - 1);
      row[j] = (r.gauss() * scale + j).toFixed(j % 3 === 0 ? 4 : 5);
    }
    out.push(row);
  }
  return out;
}

/** Write the CSV and the Arrow file of `rows` rows (once). */
function generate(csvPath: string, arrowPath: string, rows: number): void {
  if (existsSync(csvPath) && existsSync(arrowPath)) return;
  const r = new RandomState(0);
  const csv = openSync(`${csvPath}.part`, 'w');
  writeSync(csv, `${Array.from({ length: COLS }, (_, j) => `x${j + 1}`).join(',')}\n`);
  const writer = new RecordBatchFileWriter();
  for (let from = 0; from < rows; from += BATCH) {
    const block = cells(r, Math.min(BATCH, rows - from));
    writeSync(csv, `${block.map((row) => row.join(',')).join('\n')}\n`);
    const columns: Record<string, Float64Array> = {};
    for (let j = 0; j < COLS; j++) {
      columns[`x${j + 1}`] = Float64Array.from(block, (row) => Number(row[j]));
    }
    for (const batch of tableFromArrays(columns).batches) writer.write(batch);
  }
  closeSync(csv);
  writer.finish();
  const arrow = openSync(`${arrowPath}.part`, 'w');
  writeSync(arrow, writer.toUint8Array(true));
  closeSync(arrow);
  renameSync(`${csvPath}.part`, csvPath);
  renameSync(`${arrowPath}.part`, arrowPath);
}

/** One case, in this process (the child): load whole, or one pass over the chunks. */
async function runOne(mode: string, path: string): Promise<{ rows: number; sum: number }> {
  let rows = 0;
  let sum = 0;
  if (mode === 'load') {
    const d = await loadDataset(path);
    const { data, cols } = d.features;
    for (let j = 0; j < cols; j++)
      for (let i = 0; i < d.features.rows; i++) sum += data[i * cols + j]!;
    return { rows: d.features.rows, sum };
  }
  if (mode === 'duckdb') {
    // DuckDB reading the same file, one thread, its chunks' values as JavaScript numbers
    const duck = (await import('@duckdb/node-api')) as unknown as {
      DuckDBInstance: {
        create(
          path: string,
          options?: Record<string, string>,
        ): Promise<{
          connect(): Promise<{
            stream(sql: string): Promise<{
              columnCount: number;
              fetchChunk(): Promise<{
                rowCount: number;
                getColumnValues(j: number): readonly unknown[];
              } | null>;
            }>;
          }>;
        }>;
      };
    };
    const instance = await duck.DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const from = path.endsWith('.csv')
      ? `read_csv('${path}', header = true)`
      : path.endsWith('.parquet')
        ? `read_parquet('${path}')`
        : '';
    if (from === '') return { rows: Number.NaN, sum: Number.NaN };
    const result = await connection.stream(`SELECT * FROM ${from}`);
    const sums = new Float64Array(COLS);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      for (let j = 0; j < COLS; j++) {
        const values = chunk.getColumnValues(j);
        let s = 0;
        for (let i = 0; i < chunk.rowCount; i++) s += values[i] as number;
        sums[j]! += s;
      }
      rows += chunk.rowCount;
    }
    for (const v of sums) sum += v;
    return { rows, sum };
  }
  // chunks: column sums per chunk, added in column order at the end
  const table = await readChunks(path);
  const sums = new Float64Array(table.columns.length);
  for await (const chunk of table) {
    const { data, cols } = chunk;
    for (let i = 0; i < chunk.rows; i++)
      for (let j = 0; j < cols; j++) sums[j]! += data[i * cols + j]!;
    rows += chunk.rows;
  }
  for (const s of sums) sum += s;
  return { rows, sum };
}

function child(mode: string, path: string): Measure | undefined {
  const here = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--import', 'tsx', here, '--one', mode, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) {
    process.stderr.write(`${mode} ${path} failed: ${result.stderr}\n`);
    return undefined;
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Measure;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const { rows, sum } = await runOne(args[1]!, args[2]!);
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const maxRssMB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      `${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, maxRssMB, rows, sum })}\n`,
    );
    return;
  }
  const rows = Number(args[0] ?? 1_000_000);
  const reps = Number(args[1] ?? 3);
  const folder = join(tmpdir(), 'clusterlens-bench');
  mkdirSync(folder, { recursive: true });
  const prefix = join(folder, `columnar-${rows}x${COLS}`);
  const t0 = performance.now();
  generate(`${prefix}.csv`, `${prefix}.arrow`, rows);
  const files = [`${prefix}.csv`, `${prefix}.arrow`];
  if (!existsSync(`${prefix}-zstd.parquet`)) {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const r = spawnSync(
      '/usr/bin/python3',
      [join(here, 'columnar_write.py'), `${prefix}.csv`, prefix, String(GROUP)],
      { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (r.status !== 0) console.log('pyarrow not found: Parquet is left out');
  }
  for (const codec of ['snappy', 'zstd']) {
    if (existsSync(`${prefix}-${codec}.parquet`)) files.push(`${prefix}-${codec}.parquet`);
  }
  console.log(
    `${rows.toLocaleString('en')} rows x ${COLS} columns, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `node ${process.version}; ${reps} repetitions, one child process per run\n`,
  );
  console.log('file                                MB  mode    wall s  cpu s  peak RSS MB  agrees');
  let reference: Measure | undefined;
  for (const file of files) {
    for (const mode of ['load', 'chunks', ...(file.endsWith('.arrow') ? [] : ['duckdb'])]) {
      const ms: Measure[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const m = child(mode, file);
        if (m) ms.push(m);
      }
      if (ms.length === 0) continue;
      reference ??= ms[0]!;
      const agrees = ms.every(
        (m) =>
          m.rows === reference!.rows &&
          Math.abs(m.sum - reference!.sum) <= 1e-9 * Math.abs(reference!.sum),
      );
      const name = file.slice(folder.length + 1);
      console.log(
        `${name.padEnd(34)}  ${(statSync(file).size / 1e6).toFixed(0).padStart(3)}  ${mode.padEnd(6)}` +
          `  ${(median(ms.map((m) => m.ms)) / 1000).toFixed(2).padStart(6)}` +
          `  ${(median(ms.map((m) => m.cpuMs)) / 1000).toFixed(2).padStart(5)}` +
          `  ${median(ms.map((m) => m.maxRssMB))
            .toFixed(0)
            .padStart(11)}  ${agrees ? 'yes' : 'NO'}`,
      );
    }
  }
}

await main();
