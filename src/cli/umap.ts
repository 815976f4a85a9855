/**
 * `clusterlens umap <file> [--neighbors 15] [--min-dist 0.1] [--spread 1] [--epochs N]
 *                          [--metric euclidean] [--init spectral] [--components 2] [--seed 0]
 *                          [--negative-sample-rate 5] [--learning-rate 1] [--scale standard]
 *                          [--out embedding.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard, as every command:
 * src/cli/scaling.ts), then mapped by `umap` (src/projection/umap/index.ts) with the flags as its
 * options. Prints one line: the rows and columns, the settings used (the start actually used:
 * 'pca' when a spectral start fell back on a disconnected graph) and the graph's components.
 * `--json` prints the same with the map. `--out` writes the map as CSV: the id column (with
 * `--id`), the label column (with `--label`), then umap1..umapK, as pca's scores file. Seeded, no
 * timings: reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { PROJECTION_METRICS, type ProjectionMetric } from '../projection/neighbors.js';
import {
  UMAP_INITS,
  type UMAPInit,
  type UMAPOptions,
  type UMAPResult,
  umap,
} from '../projection/umap/index.js';
import { type CsvCell, toCsv } from '../report/write.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { boundedFlag, positiveFlag } from './density.js';
import {
  addLoadingOptions,
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  integerFlag,
  type LoadingFlags,
  loadFromFlags,
  printSummary,
  seedFlag,
  writeOutFlag,
} from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';
import { scale } from '../data/scale.js';

/** The flags of `umap`, as commander hands them over. */
export interface UmapFlags extends LoadingFlags {
  neighbors?: string;
  minDist?: string;
  spread?: string;
  epochs?: string;
  metric?: ProjectionMetric;
  init?: UMAPInit;
  components?: string;
  seed?: string;
  negativeSampleRate?: string;
  learningRate?: string;
  scale?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('umap')
      .description('UMAP: a 2-D map of the rows that keeps each row near its nearest neighbours')
      .argument('<file>', 'CSV, TSV, JSON or NDJSON file'),
  )
    .option(
      '--neighbors <k>',
      'neighbours of each row, itself counted, an integer >= 2 (default: 15)',
    )
    .option(
      '--min-dist <x>',
      'smallest distance between mapped rows, in [0, --spread] (default: 0.1)',
    )
    .option('--spread <x>', 'scale of the mapped distances, > 0 (default: 1)')
    .option(
      '--epochs <n>',
      'epochs of the optimisation (default: 500 up to 10,000 rows, 200 beyond)',
    )
    .addOption(
      new Option('--metric <name>', 'distance between rows (default: euclidean)').choices(
        PROJECTION_METRICS as unknown as string[],
      ),
    )
    .addOption(
      new Option('--init <layout>', 'initial layout (default: spectral)').choices(
        UMAP_INITS as unknown as string[],
      ),
    )
    .option('--components <k>', 'dimensions of the map, in [1, 100] (default: 2)')
    .option('--seed <n>', 'seed of every random draw (default: 0)')
    .option('--negative-sample-rate <n>', 'negative samples per positive sample (default: 5)')
    .option('--learning-rate <x>', 'initial step of the optimisation, > 0 (default: 1)')
    .addOption(scaleOption())
    .option('--out <file>', "write the map as CSV ('-': standard output)")
    .option('--force', FORCE_HELP)
    .option('--json', 'print the settings and the map as JSON')
    .action(async (file: string, flags: UmapFlags) => {
      await umapCommand(file, flags, context);
    });
}

/** The library options the flags ask for, checked with the flags' names. */
export function umapOptionsOf(flags: UmapFlags): UMAPOptions {
  const options: UMAPOptions = { seed: seedFlag(flags.seed) };
  if (flags.neighbors !== undefined) {
    options.nNeighbors = integerFlag('--neighbors', flags.neighbors, 2);
  }
  const spread = flags.spread === undefined ? 1 : positiveFlag('--spread', flags.spread);
  if (flags.spread !== undefined) options.spread = spread;
  if (flags.minDist !== undefined) {
    const minDist = boundedFlag('--min-dist', flags.minDist, 0);
    if (minDist > spread) {
      throw new OptionError(
        `--min-dist (${minDist}) must not exceed --spread (${spread}); raise --spread or lower --min-dist.`,
      );
    }
    options.minDist = minDist;
  }
  if (flags.epochs !== undefined) {
    options.nEpochs = integerFlag('--epochs', flags.epochs, 1, 1_000_000);
  }
  if (flags.components !== undefined) {
    options.nComponents = integerFlag('--components', flags.components, 1, 100);
  }
  if (flags.negativeSampleRate !== undefined) {
    options.negativeSampleRate = integerFlag(
      '--negative-sample-rate',
      flags.negativeSampleRate,
      0,
      1000,
    );
  }
  if (flags.learningRate !== undefined) {
    options.learningRate = positiveFlag('--learning-rate', flags.learningRate);
  }
  if (flags.metric !== undefined) options.metric = flags.metric;
  if (flags.init !== undefined) options.init = flags.init;
  return options;
}

/** Load, map, write and print, as the flags say. */
export async function umapCommand(
  file: string,
  flags: UmapFlags,
  context: CliContext,
): Promise<void> {
  // Fail on flags and on the output path before any work.
  const options = umapOptionsOf(flags);
  const scaling = scaleMethodOf(flags.scale);
  const output = checkOutFlag(file, flags);
  const dataset = await loadFromFlags(file, flags, context.progress);
  warnIfUnscaled('umap', dataset, scaling);
  const X = scaling === 'none' ? dataset.features : scale(dataset, { method: scaling }).scaled;
  context.progress(`umap: ${X.rows} rows x ${X.cols} columns`);
  const result = umap(X, options);
  if (output !== undefined) {
    await writeOutFlag(
      output,
      embeddingCsv(dataset, result),
      file,
      flags,
      {
        command: 'umap',
        dataset,
        options: { ...options, scale: scaling, flags: flagOptions(flags) },
      },
      context,
    );
  }
  if (flags.json) {
    const out = {
      file,
      sha256: dataset.source.sha256,
      rows: X.rows,
      columns: X.cols,
      scale: scaling,
      settings: settingsOf(result),
      embedding: Array.from({ length: X.rows }, (_, i) =>
        Array.from(
          result.embedding.data.subarray(i * result.nComponents, (i + 1) * result.nComponents),
        ),
      ),
    };
    context.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    printSummary(context, output, `${summaryLine(X.rows, X.cols, scaling, result)}\n`);
  }
}

/** The settings a map was made with (the start actually used), as --json prints them. */
function settingsOf(r: UMAPResult): Record<string, unknown> {
  return {
    nNeighbors: r.nNeighbors,
    nComponents: r.nComponents,
    minDist: r.minDist,
    spread: r.spread,
    nEpochs: r.nEpochs,
    metric: r.metric,
    init: r.init,
    negativeSampleRate: r.negativeSampleRate,
    learningRate: r.learningRate,
    seed: r.seed,
    a: r.a,
    b: r.b,
    nGraphComponents: r.nGraphComponents,
  };
}

/** '150 rows x 4 columns, standardized; umap: 15 neighbours, ...; the graph has 1 component'. */
function summaryLine(rows: number, cols: number, scaling: string, r: UMAPResult): string {
  const scaled =
    scaling === 'none' ? '' : scaling === 'standard' ? ', standardized' : `, scaled (${scaling})`;
  const c = r.nGraphComponents;
  return (
    `${rows} rows x ${cols} columns${scaled}; umap: ${r.nNeighbors} neighbours, ` +
    `min dist ${r.minDist}, spread ${r.spread}, ${r.nEpochs} epochs, ${r.metric}, ` +
    `init ${r.init}, seed ${r.seed}, ${r.nComponents} dimensions; ` +
    `the neighbour graph has ${c} component${c === 1 ? '' : 's'}`
  );
}

/** The map as CSV: id, label (when given), umap1..umapK. */
function embeddingCsv(dataset: Dataset, result: UMAPResult): string {
  const k = result.nComponents;
  const header: string[] = [];
  if (dataset.ids !== undefined) header.push(dataset.idColumn ?? 'id');
  if (dataset.labels !== undefined) header.push(dataset.labelColumn ?? 'label');
  for (let c = 0; c < k; c++) header.push(`umap${c + 1}`);
  const { embedding } = result;
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
