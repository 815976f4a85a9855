/**
 * A progress meter for a pass (or several) over chunked data, shown on stderr through
 * `context.progress` (command.ts): only when stderr is a terminal and --quiet is not given, so
 * piped and redirected runs stay byte-identical.
 *
 *   const meter = progressMeter(context, 'reading data.csv', table.total);
 *   meter.pass(1, 2);                 // pass 1 of 2 (optional; n unknown: meter.pass(1))
 *   for await (const chunk of table) { rowsRead += chunk.rowsRead; meter.rows(rowsRead, chunk.bytesRead); }
 *   meter.pass(2, 2);                 // rows count again from 0 in each pass
 *   ...
 *   meter.done();                     // the last line: rows read and the time taken
 *
 * `metered(table, meter)` does the counting for a `ChunkedTable` (readChunks, readSqlChunks):
 * its chunks call `meter.rows`, and `again()` returns the next pass metered too (it calls
 * `meter.pass(i)` as that pass starts; a `meter.pass(i, n)` of the caller keeps its `n`).
 *
 * The line, rewritten in place at most every `interval` ms (default 500) and first shown once
 * the step has lasted `delay` ms (default 1000; a quicker step shows nothing, not even the last
 * line): 'reading data.csv: 1,250,000 rows, pass 2 of 3, 61%, about 4 s left'. The share and
 * the time left are shown when the total is known: the bytes of a CSV, TSV or NDJSON file
 * (`ChunkedTable.total.bytes`, against `RowChunk.bytesRead`), or its rows (a Parquet file's
 * metadata); with `n` passes, the share is that of all of them. The time left assumes the rest
 * goes at the pace so far.
 */
import type { ChunkedTable, RowChunk } from '../data/chunks.js';
import type { CliContext } from './command.js';

/** Where a meter writes: `context.progress` with `{rewrite: true}` for the line in place. */
export type ProgressSink = Pick<CliContext, 'progress'>;

/** The meter of a step over chunked data. */
export interface ProgressMeter {
  /**
   * Pass `i` (1-based) begins, of `n` when known (without `n`, the `n` of an earlier call is
   * kept). Calling it again for the same pass changes nothing but `n`.
   */
  pass(i: number, n?: number): void;
  /** Rows read so far in this pass, and bytes of the file read when known. */
  rows(rowsRead: number, bytesRead?: number): void;
  /** The step is over: its last line (when it was shown), rows and time. */
  done(): void;
}

/** Timing of a meter (tests give a fake clock). */
export interface MeterOptions {
  /** Milliseconds, increasing. Default: `performance.now`. */
  clock?: () => number;
  /** Least time between two lines, ms. Default: 500. */
  interval?: number;
  /** Time before the first line, ms. Default: 1000. */
  delay?: number;
}

/** A meter for the step `what` over data of `total` rows or bytes (when known). */
export function progressMeter(
  sink: ProgressSink,
  what: string,
  total?: { rows?: number; bytes?: number },
  options: MeterOptions = {},
): ProgressMeter {
  const clock = options.clock ?? (() => performance.now());
  const interval = options.interval ?? 500;
  const delay = options.delay ?? 1000;
  const start = clock();
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  let passIndex = 1;
  let passes: number | undefined;
  let rowsNow = 0;
  let rowsAll = 0; // rows of the passes before this one
  let fraction: number | undefined;
  const line = (): string => {
    const parts = [`${what}: ${grouped(rowsAll + rowsNow)} rows`];
    if (passes !== undefined) parts.push(`pass ${passIndex} of ${passes}`);
    else if (passIndex > 1) parts.push(`pass ${passIndex}`);
    if (fraction !== undefined) {
      const overall =
        passes === undefined ? fraction : (passIndex - 1 + Math.min(1, fraction)) / passes;
      parts.push(`${Math.floor(Math.min(1, overall) * 100)}%`);
      const elapsed = (clock() - start) / 1000;
      if (overall > 0 && overall < 1) {
        parts.push(`about ${duration((elapsed * (1 - overall)) / overall)} left`);
      }
    }
    return parts.join(', ');
  };
  return {
    pass(i: number, n?: number) {
      if (n !== undefined) passes = n;
      if (i === passIndex) return;
      rowsAll += rowsNow;
      passIndex = i;
      rowsNow = 0;
      fraction = undefined;
    },
    rows(rowsRead: number, bytesRead?: number) {
      rowsNow = rowsRead;
      if (bytesRead !== undefined && total?.bytes !== undefined && total.bytes > 0) {
        fraction = bytesRead / total.bytes;
      } else if (total?.rows !== undefined && total.rows > 0) {
        fraction = rowsRead / total.rows;
      }
      const now = clock();
      if (now - start < delay || now - last < interval) return;
      last = now;
      shown = true;
      sink.progress(line(), { rewrite: true });
    },
    done() {
      if (!shown) return;
      const seconds = (clock() - start) / 1000;
      const rows = rowsAll + rowsNow;
      sink.progress(
        `${what}: ${grouped(rows)} rows${passIndex > 1 ? ` in ${passIndex} passes` : ''} in ${seconds.toFixed(1)} s`,
      );
    },
  };
}

/** The chunks of `table` counted into `meter` (and its later passes, through `again()`). */
export function metered(table: ChunkedTable, meter: ProgressMeter, pass = 1): ChunkedTable {
  const out: ChunkedTable = {
    columns: table.columns,
    info: table.info,
    source: table.source,
    async *[Symbol.asyncIterator](): AsyncGenerator<RowChunk> {
      if (pass > 1) meter.pass(pass);
      let rows = 0;
      for await (const chunk of table) {
        rows += chunk.rowsRead;
        meter.rows(rows, chunk.bytesRead);
        yield chunk;
      }
    },
    again: async () => metered(await table.again(), meter, pass + 1),
  };
  for (const key of ['labelColumn', 'idColumn', 'total', 'missing'] as const) {
    if (table[key] !== undefined)
      Object.defineProperty(out, key, { value: table[key], enumerable: true });
  }
  return out;
}

/** 1234567 -> '1,234,567'. */
function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Seconds as '4 s', '2 min 5 s', '1 h 3 min'. */
function duration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
