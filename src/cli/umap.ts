/**
 * `clusterlens umap <file> [--neighbors 15] [--min-dist 0.1] [--spread 1] [--epochs N]
 *                          [--metric euclidean] [--init spectral] [--components 2] [--seed 0]
 *                          [--negative-sample-rate 5] [--learning-rate 1] [--scale standard]
 *                          [--out embedding.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard, as every command:
 * src/cli/scaling.ts), then mapped by `umap` (src/projection/umap/index.ts) with the flags as its
 * options; the run, the CSV of `--out` (id, label, umap1..umapK) and `--json` are those of every
 * map command (src/cli/projection.ts). Prints one line: the rows and columns, the settings used
 * (the start actually used: 'pca' when a spectral start fell back on a disconnected graph) and
 * the graph's components.
 */
import { type Command, Option } from 'commander';
import { PROJECTION_METRICS, type ProjectionMetric } from '../projection/neighbors.js';
import {
  UMAP_INITS,
  type UMAPInit,
  type UMAPOptions,
  type UMAPResult,
  umap,
} from '../projection/umap/index.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { boundedFlag, positiveFlag } from './density.js';
import { addLoadingOptions, integerFlag, seedFlag, dataInput } from './options.js';
import {
  addProjectionOutputOptions,
  metricOption,
  type ProjectionFlags,
  projectionCommand,
} from './projection.js';

/** The flags of `umap`, as commander hands them over. */
export interface UmapFlags extends ProjectionFlags {
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
}

export function register(program: Command, context: CliContext): void {
  const command = addLoadingOptions(
    program
      .command('umap')
      .description('UMAP: a 2-D map of the rows that keeps each row near its nearest neighbours')
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
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
    .addOption(metricOption(PROJECTION_METRICS))
    .addOption(
      new Option('--init <layout>', 'initial layout (default: spectral)').choices(UMAP_INITS),
    )
    .option('--components <k>', 'dimensions of the map, in [1, 100] (default: 2)')
    .option('--seed <n>', 'seed of every random draw (default: 0)')
    .option('--negative-sample-rate <n>', 'negative samples per positive sample (default: 5)')
    .option('--learning-rate <x>', 'initial step of the optimisation, > 0 (default: 1)');
  addProjectionOutputOptions(command).action(async (file: string | undefined, flags: UmapFlags) => {
    await umapCommand(dataInput(file, flags), flags, context);
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
  const options = umapOptionsOf(flags);
  await projectionCommand(file, flags, context, {
    name: 'umap',
    options,
    fit: (X) => umap(X, options),
    embedding: (r) => r.embedding,
    summary: summaryOf,
    json: (r) => ({ settings: settingsOf(r) }),
  });
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

/** '15 neighbours, min dist 0.1, ...; the neighbour graph has 1 component'. */
function summaryOf(r: UMAPResult): string {
  const c = r.nGraphComponents;
  return (
    `${r.nNeighbors} neighbours, min dist ${r.minDist}, spread ${r.spread}, ` +
    `${r.nEpochs} epochs, ${r.metric}, init ${r.init}, seed ${r.seed}, ` +
    `${r.nComponents} dimensions; the neighbour graph has ${c} component${c === 1 ? '' : 's'}`
  );
}
