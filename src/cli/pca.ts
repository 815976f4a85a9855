/**
 * `clusterlens pca <file> [--components 2 | --variance 0.95] [--scale standard] [--solver auto]
 *                         [--whiten] [--seed 0] [--out scores.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard, as every command:
 * src/cli/scaling.ts): standard is `pca(X, {scale: true})` (the correlation matrix), none the
 * centred data (the covariance matrix), minmax and robust scale the columns before the fit.
 * `--scale` alone means standard.
 *
 * Prints the variance table (component, variance, ratio, cumulative ratio) and the loadings of
 * the first components, or with `--json` the fitted model (`PCAModel.toJSON()`) with the input's
 * name and SHA-256. `--out` writes the scores as CSV: the id column (with `--id`), the label column
 * (with `--label`), then PC1..PCk. No timings in outputs, so reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { type ScaleMethod, scale } from '../data/scale.js';
import { PCA_SOLVERS, type PCAOptions, type PCAResult, pca } from '../decomposition/pca/index.js';
import { type CsvCell, toCsv } from '../report/write.js';
import type { CliContext } from './command.js';
import {
  type LoadingFlags,
  addLoadingOptions,
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  loadFromFlags,
  numberFlag,
  printSummary,
  seedFlag,
  writeOutFlag,
  sampleField,
  dataInput,
} from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';
import { formatTable } from './table.js';

/** The flags of `pca`, as commander hands them over. */
export interface PcaFlags extends LoadingFlags {
  components?: string;
  variance?: string;
  /** A method, or true for the flag alone (standard). */
  scale?: string | boolean;
  solver?: PCAOptions['solver'];
  whiten?: boolean;
  seed?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('pca')
      .description('principal component analysis: variance explained, loadings, scores')
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
  )
    .addOption(
      new Option('--components <k>', 'number of components (default: 2)').conflicts('variance'),
    )
    .option('--variance <fraction>', 'keep the fewest components explaining this fraction')
    .addOption(scaleOption(true))
    .addOption(
      new Option('--solver <name>', 'eigen solver (default: auto)').choices(
        PCA_SOLVERS as unknown as string[],
      ),
    )
    .option('--whiten', 'scale the scores to unit variance')
    .option('--seed <n>', 'seed of the randomized solver (default: 0)')
    .option('--out <file>', "write the scores as CSV ('-': standard output)")
    .option('--force', FORCE_HELP)
    .option('--json', 'print the fitted model as JSON instead of tables')
    .action(async (file: string | undefined, flags: PcaFlags) => {
      await pcaCommand(dataInput(file, flags), flags, context);
    });
}

/** Load, fit, write and print, as the flags say. */
export async function pcaCommand(
  file: string,
  flags: PcaFlags,
  context: CliContext,
): Promise<void> {
  // Fail on flags and on the output path before any work.
  const output = checkOutFlag(file, flags);
  const variance =
    flags.variance === undefined ? undefined : numberFlag('--variance', flags.variance);
  const components =
    flags.components === undefined ? undefined : numberFlag('--components', flags.components);
  const seed = flags.seed === undefined ? undefined : seedFlag(flags.seed);
  const scaling = scaleMethodOf(flags.scale);
  const dataset = await loadFromFlags(file, flags, context);
  context.progress(`pca: ${dataset.features.rows} rows x ${dataset.features.cols} columns`);
  warnIfUnscaled('pca', dataset, scaling);
  // standard: pca's own scaling (population standard deviation); minmax, robust: scaled first
  const options: PCAOptions = {
    scale: scaling === 'standard',
    whiten: flags.whiten === true,
  };
  const input =
    scaling === 'minmax' || scaling === 'robust'
      ? { ...dataset, features: scale(dataset, { method: scaling }).scaled }
      : dataset;
  if (variance !== undefined) options.variance = variance;
  else {
    options.components = components ?? Math.min(2, dataset.features.cols, dataset.features.rows);
  }
  if (flags.solver !== undefined) options.solver = flags.solver;
  if (seed !== undefined) options.seed = seed;
  const result = pca(input, options);
  if (output !== undefined) {
    await writeOutFlag(
      output,
      scoresCsv(dataset, result),
      file,
      flags,
      {
        command: 'pca',
        dataset,
        options: { ...options, scale: scaling, flags: flagOptions(flags) },
      },
      context,
    );
  }
  const { stdout } = context.io;
  if (flags.json) {
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
      rows: dataset.features.rows,
      options: { ...options, scale: scaling },
      model: result.toJSON(),
    };
    stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    printSummary(context, output, formatSummary(dataset, result, scaling));
  }
}

/** The scores as CSV: id, label (when given), PC1..PCk. */
function scoresCsv(dataset: Dataset, result: PCAResult): string {
  const k = result.nComponents;
  const header: string[] = [];
  if (dataset.ids !== undefined) header.push(dataset.idColumn ?? 'id');
  if (dataset.labels !== undefined) header.push(dataset.labelColumn ?? 'label');
  for (let c = 0; c < k; c++) header.push(`PC${c + 1}`);
  const { scores } = result;
  function* rows(): Generator<CsvCell[]> {
    for (let i = 0; i < scores.rows; i++) {
      const row: CsvCell[] = [];
      if (dataset.ids !== undefined) row.push(dataset.ids[i]);
      if (dataset.labels !== undefined) row.push(dataset.labels[i]);
      for (let c = 0; c < k; c++) row.push(scores.data[i * k + c]);
      yield row;
    }
  }
  return toCsv(header, rows());
}

/** Variance table and loadings table. */
export function formatSummary(
  dataset: Dataset,
  result: PCAResult,
  scaling: ScaleMethod = result.scaled ? 'standard' : 'none',
): string {
  const k = result.nComponents;
  let cumulative = 0;
  const variance = formatTable(
    ['component', 'variance', 'ratio', 'cumulative'],
    Array.from({ length: k }, (_, c) => {
      cumulative += result.explainedVarianceRatio[c]!;
      return [
        `PC${c + 1}`,
        fixed(result.explainedVariance[c]!),
        result.explainedVarianceRatio[c]!.toFixed(4),
        cumulative.toFixed(4),
      ];
    }),
    [false, true, true, true],
  );
  const shown = Math.min(k, 5);
  const loadings = formatTable(
    ['column', ...Array.from({ length: shown }, (_, c) => `PC${c + 1}`)],
    dataset.columns.map((name, j) => [
      name,
      ...Array.from({ length: shown }, (_, c) => result.loadings[j]![c]!.toFixed(4)),
    ]),
    [false, ...new Array<boolean>(shown).fill(true)],
  );
  const head =
    `${dataset.features.rows} rows, ${dataset.features.cols} columns` +
    `${scaling === 'none' ? '' : scaling === 'standard' ? ', standardized' : `, scaled (${scaling})`}; solver ${result.solver}` +
    `${result.iterations > 0 ? ` (${result.iterations} iterations)` : ''}; ` +
    `total variance ${fixed(result.totalVariance)}\n\n`;
  return `${head}${variance}\nloadings (component x sqrt(variance))\n${loadings}`;
}

/** Six significant digits, without exponent for ordinary magnitudes. */
function fixed(x: number): string {
  return Number(x.toPrecision(6)).toString();
}
