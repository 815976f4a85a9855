/**
 * What the map commands (`umap`, `tsne`) share: their metric and output flags, and one run.
 *
 * `projectionCommand` checks the flags and the output path before reading the file, loads,
 * scales (`--scale`, default standard: src/cli/scaling.ts), fits the map, writes it with `--out`
 * as CSV (the id column with `--id`, the label column with `--label`, then <name>1..<name>K, as
 * pca's scores file; with the run marker of src/report/outputs.ts), and prints one summary line
 * ('150 rows x 4 columns, standardized; <name>: <what the map says>'), or with `--json` the
 * settings and the map. Seeded, no timings: reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import type { Dataset, FeatureMatrix } from '../data/dataset.js';
import { scale } from '../data/scale.js';
import { type CsvCell, toCsv } from '../report/write.js';
import type { CliContext } from './command.js';
import {
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  type LoadingFlags,
  loadFromFlags,
  printSummary,
  writeOutFlag,
  sampleField,
} from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';

/** The flags every map command has besides its own. */
export interface ProjectionFlags extends LoadingFlags {
  scale?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

/** `--metric <name>` with the distances a map takes. */
export function metricOption(metrics: readonly string[]): Option {
  return new Option('--metric <name>', 'distance between rows (default: euclidean)').choices(
    metrics,
  );
}

/** Add --scale, --out, --force and --json (in that order); returns the command. */
export function addProjectionOutputOptions(command: Command): Command {
  return command
    .addOption(scaleOption())
    .option('--out <file>', "write the map as CSV ('-': standard output)")
    .option('--force', FORCE_HELP)
    .option('--json', 'print the settings and the map as JSON');
}

/** One map command: its name, its checked library options and what it prints of a result. */
export interface ProjectionRun<R> {
  /** The command and the prefix of the CSV columns ('umap': umap1, umap2, ...). */
  name: string;
  /** The library options the flags asked for (also the run marker's). */
  options: object;
  /** The map of the scaled features. */
  fit(X: FeatureMatrix): R;
  embedding(result: R): FeatureMatrix;
  /** What the summary line says after '<name>: '. */
  summary(result: R): string;
  /** The fields of --json between the data's and the map: the settings used, and more. */
  json(result: R): Record<string, unknown>;
}

/** Load, scale, map, write and print, as the flags say. */
export async function projectionCommand<R>(
  file: string,
  flags: ProjectionFlags,
  context: CliContext,
  run: ProjectionRun<R>,
): Promise<void> {
  // Fail on flags and on the output path before any work (the options were checked already).
  const scaling = scaleMethodOf(flags.scale);
  const output = checkOutFlag(file, flags);
  const dataset = await loadFromFlags(file, flags, context);
  warnIfUnscaled(run.name, dataset, scaling);
  const X = scaling === 'none' ? dataset.features : scale(dataset, { method: scaling }).scaled;
  context.progress(`${run.name}: ${X.rows} rows x ${X.cols} columns`);
  const result = run.fit(X);
  const embedding = run.embedding(result);
  if (output !== undefined) {
    await writeOutFlag(
      output,
      embeddingCsv(dataset, embedding, run.name),
      file,
      flags,
      {
        command: run.name,
        dataset,
        options: { ...run.options, scale: scaling, flags: flagOptions(flags) },
      },
      context,
    );
  }
  if (flags.json) {
    const k = embedding.cols;
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
      rows: X.rows,
      columns: X.cols,
      scale: scaling,
      ...run.json(result),
      embedding: Array.from({ length: X.rows }, (_, i) =>
        Array.from(embedding.data.subarray(i * k, (i + 1) * k)),
      ),
    };
    context.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const scaled =
      scaling === 'none' ? '' : scaling === 'standard' ? ', standardized' : `, scaled (${scaling})`;
    const line = `${X.rows} rows x ${X.cols} columns${scaled}; ${run.name}: ${run.summary(result)}`;
    printSummary(context, output, `${line}\n`);
  }
}

/** The map as CSV: id, label (when given), <prefix>1..<prefix>K. */
function embeddingCsv(dataset: Dataset, embedding: FeatureMatrix, prefix: string): string {
  const k = embedding.cols;
  const header: string[] = [];
  if (dataset.ids !== undefined) header.push(dataset.idColumn ?? 'id');
  if (dataset.labels !== undefined) header.push(dataset.labelColumn ?? 'label');
  for (let c = 0; c < k; c++) header.push(`${prefix}${c + 1}`);
  function* rows(): Generator<CsvCell[]> {
    for (let i = 0; i < embedding.rows; i++) {
      const row: CsvCell[] = [];
      if (dataset.ids !== undefined) row.push(dataset.ids[i]);
      if (dataset.labels !== undefined) row.push(dataset.labels[i]);
      for (let c = 0; c < k; c++) row.push(embedding.data[i * k + c]);
      yield row;
    }
  }
  return toCsv(header, rows());
}
