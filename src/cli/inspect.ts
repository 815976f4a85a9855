/**
 * `clusterlens inspect <file> [--json]`: what the loader makes of a file: rows, every column
 * with its role, type and missing count, and per feature column mean, std (n-1, as pandas
 * `describe`), min and max of the non-missing values. Missing values do not stop `inspect`
 * unless `--missing` is given (then the policy applies as in every other command). The loader's
 * notes follow the header lines: the CSV delimiter and decimal mark and how they were found, a
 * column of row names taken as the id.
 */
import type { Command } from 'commander';
import type { ColumnInfo } from '../data/columns.js';
import { loadTable } from '../data/load.js';
import type { CliContext } from './command.js';
import {
  type LoadingFlags,
  addLoadingOptions,
  loadOptionsFromFlags,
  dataInput,
} from './options.js';
import { formatTable } from './table.js';

/** Summary statistics of one feature column, over its non-missing values. */
export interface ColumnStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** What `inspect --json` prints. */
export interface Inspection {
  file: string;
  format: string;
  sha256: string;
  rowsRead: number;
  rows: number;
  rowsDropped: number;
  valuesImputed: number;
  /** CSV and TSV: the delimiter and decimal mark used. */
  delimiter?: string;
  decimal?: string;
  /** What the loader decided on its own (the dialect, row names), one sentence each. */
  notes: string[];
  columns: (ColumnInfo & { stats?: ColumnStats; classes?: Record<string, number> })[];
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('inspect')
      .description('show the columns of a data file: roles, types, missing values, statistics')
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
    { sample: false },
  )
    .option('--json', 'print JSON instead of a table')
    .action(async (given: string | undefined, flags: LoadingFlags & { json?: boolean }) => {
      const inspection = await inspectFile(dataInput(given, flags), flags, context.progress);
      context.io.stdout.write(
        flags.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspection(inspection),
      );
    });
}

/** Load `file` as the flags say and summarise it. */
export async function inspectFile(
  file: string,
  flags: LoadingFlags,
  progress?: (message: string) => void,
): Promise<Inspection> {
  const keepMissing = flags.missing === undefined;
  progress?.(`reading ${flags.sql === undefined ? file : 'the query'}...`);
  const options = loadOptionsFromFlags(flags);
  const { dataset, columns } =
    flags.sql === undefined
      ? await loadTable(file, options, keepMissing)
      : await (await import('../data/sql.js')).loadSqlTable(flags.sql, options, keepMissing);
  const { features } = dataset;
  const out: Inspection['columns'] = columns.map((c) => ({ ...c }));
  // names are unique (the loader checks), so one map finds every column: linear in the width
  const byName = new Map(out.map((c) => [c.name, c]));
  const stats = columnStats(features.data, features.rows, features.cols);
  dataset.columns.forEach((name, k) => {
    byName.get(name)!.stats = stats[k]!;
  });
  const classes = (values: string[] | undefined, name: string | undefined) => {
    if (values === undefined || name === undefined) return;
    // a Map, then an object without a prototype: a class may be named '__proto__' or 'toString'
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const sorted: Record<string, number> = Object.create(null);
    for (const key of [...counts.keys()].sort()) sorted[key] = counts.get(key)!;
    byName.get(name)!.classes = sorted;
  };
  classes(dataset.labels, dataset.labelColumn);
  const { source } = dataset;
  return {
    file: flags.sql === undefined ? file : source.path,
    format: source.format,
    sha256: source.sha256,
    rowsRead: source.rowsRead,
    rows: features.rows,
    rowsDropped: source.rowsDropped,
    valuesImputed: source.valuesImputed,
    ...(source.delimiter === undefined ? {} : { delimiter: source.delimiter }),
    ...(source.decimal === undefined ? {} : { decimal: source.decimal }),
    notes: source.notes ?? [],
    columns: out,
  };
}

/**
 * Mean (two-pass), sample std, min, max of every column, skipping NaN (missing). Row-major
 * passes over the matrix (a column at a time would stride across it, one cache miss a value).
 */
function columnStats(data: Float64Array, rows: number, cols: number): ColumnStats[] {
  const count = new Float64Array(cols);
  const sum = new Float64Array(cols);
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let k = 0; k < cols; k++) {
      const v = data[o + k]!;
      if (Number.isNaN(v)) continue;
      count[k]!++;
      sum[k]! += v;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  const mean = new Float64Array(cols);
  for (let k = 0; k < cols; k++) mean[k] = sum[k]! / count[k]!;
  const ss = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let k = 0; k < cols; k++) {
      const v = data[o + k]!;
      if (!Number.isNaN(v)) ss[k]! += (v - mean[k]!) * (v - mean[k]!);
    }
  }
  const out: ColumnStats[] = new Array(cols);
  for (let k = 0; k < cols; k++) {
    const n = count[k]!;
    out[k] = {
      count: n,
      mean: mean[k]!,
      std: n > 1 ? Math.sqrt(ss[k]! / (n - 1)) : Number.NaN,
      min: min[k]!,
      max: max[k]!,
    };
  }
  return out;
}

function show(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '';
  return String(Number(value.toPrecision(6)));
}

/** The table `inspect` prints. */
export function formatInspection(x: Inspection): string {
  const lines: string[] = [];
  lines.push(`${x.file}: ${x.format}, ${x.rowsRead} rows, ${x.columns.length} columns`);
  if (x.rowsDropped > 0)
    lines.push(`${x.rowsDropped} rows dropped (missing values), ${x.rows} kept`);
  if (x.valuesImputed > 0) lines.push(`${x.valuesImputed} missing values imputed`);
  lines.push(`sha256 ${x.sha256}`);
  for (const note of x.notes) lines.push(note);
  lines.push('');
  const table = formatTable(
    ['column', 'role', 'type', 'missing', 'mean', 'std', 'min', 'max'],
    x.columns.map((c) => [
      c.name,
      c.role,
      c.type,
      c.type === 'unread' ? '' : String(c.missing),
      show(c.stats?.mean),
      show(c.stats?.std),
      show(c.stats?.min),
      show(c.stats?.max),
    ]),
    [false, false, false, true, true, true, true, true],
  );
  lines.push(table.trimEnd(), '', 'std is the sample standard deviation (n-1).');
  for (const c of x.columns) {
    if (c.classes) {
      const list = Object.entries(c.classes).map(([k, n]) => `${k} ${n}`);
      lines.push(`label '${c.name}': ${list.length} classes (${list.join(', ')})`);
    }
    if (c.reason) lines.push(`${c.role}: '${c.name}': ${c.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
