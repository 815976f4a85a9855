/**
 * `clusterlens hclust <file> [--method ward] [--metric euclidean] [--scale standard]
 *                            (--k 4 | --height 2.5) [--out labels.csv] [--json]` + the loading flags.
 *
 * Prints the method, the cut and the size of each cluster (and the cophenetic correlation up to
 * 10,000 rows), or with `--json` the linkage matrix Z (scipy's convention), the leaf order and
 * the labels, with the input's name and SHA-256. `--out` writes the labels as CSV: the id column
 * (with `--id`), the label column (with `--label`), then `cluster` (0-based, numbered by first
 * appearance in row order). No timings in outputs, so reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import { LINKAGE_ALIASES, LINKAGE_METHODS, hclust } from '../cluster/linkage.js';
import { METRICS, type Metric } from '../cluster/distance.js';
import type { CutSpec, HClustResult } from '../cluster/tree.js';
import type { Dataset } from '../data/dataset.js';
import { SCALE_METHODS, type ScaleMethod, scale } from '../data/scale.js';
import { type CsvCell, checkOutputPath, writeCsv } from '../report/write.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { type LoadingFlags, addLoadingOptions, loadFromFlags } from './options.js';
import { formatTable } from './table.js';

/** Above this many rows the summary leaves out the cophenetic correlation (O(n^2) memory). */
const COPHENETIC_MAX_ROWS = 10_000;

/** The flags of `hclust`, as commander hands them over. */
export interface HclustFlags extends LoadingFlags {
  method?: string;
  metric?: Metric;
  scale?: ScaleMethod;
  k?: string;
  height?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('hclust')
      .description('hierarchical (agglomerative) clustering cut into flat clusters')
      .argument('<file>', 'CSV, TSV, JSON or NDJSON file'),
  )
    .addOption(
      new Option('--method <name>', 'linkage method (default: ward)').choices([
        ...LINKAGE_METHODS,
        ...Object.keys(LINKAGE_ALIASES),
      ]),
    )
    .addOption(
      new Option('--metric <name>', 'distance between rows (default: euclidean)').choices(
        METRICS as unknown as string[],
      ),
    )
    .addOption(
      new Option('--scale <method>', 'scale the columns first (default: none)').choices(
        SCALE_METHODS as unknown as string[],
      ),
    )
    .addOption(new Option('--k <n>', 'cut into exactly n clusters').conflicts('height'))
    .option('--height <h>', 'cut at this height (merges at or below it are kept)')
    .option('--out <file>', 'write the cluster labels as CSV')
    .option('--json', 'print the linkage matrix, leaf order and labels as JSON')
    .action(async (file: string, flags: HclustFlags) => {
      await hclustCommand(file, flags, context);
    });
}

/** Load, fit, cut, write and print, as the flags say. */
export async function hclustCommand(
  file: string,
  flags: HclustFlags,
  context: CliContext,
): Promise<void> {
  if (flags.k === undefined && flags.height === undefined) {
    throw new OptionError('hclust needs --k <n> or --height <h> to cut the tree.');
  }
  if (flags.out !== undefined) checkOutputPath(flags.out);
  const dataset = await loadFromFlags(file, flags);
  const { rows, cols } = dataset.features;
  const method = (flags.method ?? 'ward') as 'ward';
  const metric = flags.metric ?? 'euclidean';
  const scaling = flags.scale ?? 'none';
  context.progress(`hclust: ${rows} rows x ${cols} columns, method ${method}`);
  const X = scaling === 'none' ? dataset : scale(dataset, { method: scaling }).scaled;
  const tree = hclust(X, { method, metric });
  const spec: CutSpec =
    flags.k !== undefined
      ? { k: numberFlag('--k', flags.k) }
      : { height: numberFlag('--height', flags.height!) };
  const labels = tree.cut(spec);
  if (flags.out !== undefined) await writeLabels(flags.out, dataset, labels);
  const { stdout } = context.io;
  if (flags.json) {
    const out = {
      file,
      sha256: dataset.source.sha256,
      rows,
      options: { method: tree.method, metric, scale: scaling, ...spec },
      linkage: tree.linkage,
      order: tree.order,
      labels: Array.from(labels),
    };
    stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    stdout.write(formatSummary(dataset, tree, spec, labels, scaling));
  }
}

function numberFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new OptionError(`${flag} must be a number. Got '${text}' instead.`);
  }
  return value;
}

/** The labels as CSV: id, label (when given), cluster. */
async function writeLabels(path: string, dataset: Dataset, labels: Int32Array): Promise<void> {
  const header: string[] = [];
  if (dataset.ids !== undefined) header.push(dataset.idColumn ?? 'id');
  if (dataset.labels !== undefined) header.push(dataset.labelColumn ?? 'label');
  header.push('cluster');
  function* rows(): Generator<CsvCell[]> {
    for (let i = 0; i < labels.length; i++) {
      const row: CsvCell[] = [];
      if (dataset.ids !== undefined) row.push(dataset.ids[i]);
      if (dataset.labels !== undefined) row.push(dataset.labels[i]);
      row.push(labels[i]);
      yield row;
    }
  }
  await writeCsv(path, header, rows());
}

/** Header line and the table of cluster sizes (with the label column's counts when given). */
export function formatSummary(
  dataset: Dataset,
  tree: HClustResult,
  spec: CutSpec,
  labels: Int32Array,
  scaling: ScaleMethod,
): string {
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  const cut = 'k' in spec ? `k = ${spec.k}` : `height ${spec.height} -> k = ${k}`;
  let head =
    `${dataset.features.rows} rows, ${dataset.features.cols} columns` +
    `${scaling === 'none' ? '' : `, scaled (${scaling})`}; method ${tree.method}, metric ` +
    `${tree.metric}; cut at ${cut}`;
  if (!tree.isMonotonic()) head += '; the tree has inversions (a merge below an earlier one)';
  if (dataset.features.rows <= COPHENETIC_MAX_ROWS) {
    head += `\ncophenetic correlation ${tree.cophenetic().correlation.toFixed(4)}`;
  }
  const classes = dataset.labels === undefined ? [] : [...new Set(dataset.labels)].sort();
  const counts = classes.map((c) => {
    const row = new Array<number>(k).fill(0);
    dataset.labels!.forEach((v, i) => {
      if (v === c) row[labels[i]!]!++;
    });
    return row;
  });
  const table = formatTable(
    ['cluster', 'size', ...classes],
    sizes.map((s, c) => [String(c), String(s), ...counts.map((row) => String(row[c]))]),
    [false, true, ...classes.map(() => true)],
  );
  return `${head}\n\n${table}`;
}
