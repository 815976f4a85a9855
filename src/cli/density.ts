/**
 * What the density commands (`hdbscan`, `dbscan`, `optics`) share: their output and scaling
 * flags, the parsers of their numeric flags, the load-and-scale step, and the printed table of
 * cluster sizes with its noise row.
 *
 * Noise (label -1 in the library) is shown as a row `noise` after the clusters in the printed
 * table, as -1 in `--json` (the library's labels), and as an empty cluster cell in the labels
 * file of `--out` (src/report/labels-csv.ts: a row the clustering did not place).
 */
import { type Command, Option } from 'commander';
import { clusterId } from '../charts/palette.js';
import { METRICS, type Metric } from '../cluster/hclust/distance.js';
import type { Dataset, FeatureMatrix } from '../data/dataset.js';
import { type ScaleMethod, scale } from '../data/scale.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { FORCE_HELP, type LoadingFlags, loadFromFlags } from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';
import { formatTable } from './table.js';

/** The flags every density command has besides its own. */
export interface DensityFlags extends LoadingFlags {
  metric?: Metric;
  scale?: ScaleMethod;
  out?: string;
  force?: boolean;
  json?: boolean;
}

/** Add --metric, --scale, --out, --force and --json (in that order); returns the command. */
export function addDensityOutputOptions(command: Command, json: string): Command {
  return command
    .addOption(
      new Option('--metric <name>', 'distance between rows (default: euclidean)').choices(
        METRICS as unknown as string[],
      ),
    )
    .addOption(scaleOption())
    .option(
      '--out <file>',
      "write the cluster labels as CSV, noise as 'noise' ('-': standard output)",
    )
    .option('--force', FORCE_HELP)
    .option('--json', json);
}

/** A number flag in (0, inf) (`--eps 0.3`). */
export function positiveFlag(flag: string, text: string, alternative = ''): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !(value > 0)) {
    throw new OptionError(`${flag} must be a number > 0${alternative}. Got '${text}' instead.`);
  }
  return value;
}

/** A number flag in [min, max] (`--epsilon 0`, `--xi 0.05`). */
export function boundedFlag(flag: string, text: string, min: number, max = Infinity): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new OptionError(`${flag} must be a number ${range}. Got '${text}' instead.`);
  }
  return value;
}

/** Refuse a count flag larger than the number of rows, naming the flag. */
export function atMostRows(flag: string, value: number, rows: number, note = ''): void {
  if (value > rows) {
    throw new OptionError(
      `${flag}${note} must be at most the number of rows (${rows}). Got ${value} instead.`,
    );
  }
}

/** Load the file as the loading flags say and scale the features as --scale says. */
export async function loadScaled(
  command: string,
  file: string,
  flags: DensityFlags,
  context: CliContext,
): Promise<{ dataset: Dataset; X: FeatureMatrix; scaling: ScaleMethod }> {
  const scaling = scaleMethodOf(flags.scale);
  const dataset = await loadFromFlags(file, flags, context);
  warnIfUnscaled(command, dataset, scaling);
  const X = scaling === 'none' ? dataset.features : scale(dataset, { method: scaling }).scaled;
  return { dataset, X, scaling };
}

/** Rows per cluster (labels 0..k-1) and the rows of noise (label -1). */
export function clusterSizes(labels: Int32Array, k: number): { sizes: number[]; noise: number } {
  const sizes = new Array<number>(k).fill(0);
  let noise = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0) noise++;
    else sizes[l]!++;
  }
  return { sizes, noise };
}

/** '12 noise rows (8.0%)' style: how many clusters, the noise rows and their share. */
export function clustersLine(k: number, noise: number, rows: number): string {
  const share = rows === 0 ? 0 : (100 * noise) / rows;
  return (
    `${k} cluster${k === 1 ? '' : 's'}, ${noise} noise row${noise === 1 ? '' : 's'} ` +
    `(${share.toFixed(1)}% of ${rows})`
  );
}

/**
 * The table of cluster sizes C1..Ck and a last row `noise`, with the columns `extra` gives per
 * cluster (empty on the noise row) and, when the dataset has a label column, a column per class
 * counting its rows.
 */
export function formatDensitySizes(
  dataset: Dataset,
  labels: Int32Array,
  sizes: readonly number[],
  noise: number,
  extra: readonly { name: string; cells: readonly string[] }[] = [],
): string {
  const k = sizes.length;
  const classes = dataset.labels === undefined ? [] : [...new Set(dataset.labels)].sort();
  const index = new Map(classes.map((c, j) => [c, j]));
  // counts[c][j]: rows of class j in cluster c; row k is the noise
  const counts = Array.from({ length: k + 1 }, () => new Array<number>(classes.length).fill(0));
  if (dataset.labels !== undefined) {
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      counts[l < 0 ? k : l]![index.get(dataset.labels[i]!)!]!++;
    }
  }
  const rows = sizes.map((s, c) => [
    clusterId(c),
    String(s),
    ...extra.map((e) => e.cells[c] ?? ''),
    ...counts[c]!.map(String),
  ]);
  rows.push(['noise', String(noise), ...extra.map(() => ''), ...counts[k]!.map(String)]);
  return formatTable(['cluster', 'size', ...extra.map((e) => e.name), ...classes], rows, [
    false,
    true,
    ...extra.map(() => true),
    ...classes.map(() => true),
  ]);
}

/** A number for the printed summaries: 6 significant digits, exponent from 1e5. */
export function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Math.abs(v) >= 1e5 ? v.toExponential(4) : Number(v.toPrecision(6)).toString();
}

/** The first line of a summary: rows, columns and scaling. */
export function dataLine(X: FeatureMatrix, scaling: ScaleMethod): string {
  return `${X.rows} rows, ${X.cols} columns${scaling === 'none' ? '' : `, scaled (${scaling})`}`;
}

/** Finite numbers of a result array for JSON (Infinity, which JSON lacks, as null). */
export function finiteOrNull(values: ArrayLike<number>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}
