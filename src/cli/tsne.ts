/**
 * `clusterlens tsne <file> [--perplexity 30] [--early-exaggeration 12]
 *                          [--exaggeration-iterations 250] [--iterations 1000]
 *                          [--learning-rate auto] [--theta 0.5] [--init pca] [--metric euclidean]
 *                          [--seed 0] [--scale standard] [--out embedding.csv] [--json]`
 *                          + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard, as every command:
 * src/cli/scaling.ts), then mapped by `tsne` (src/projection/tsne.ts) with the flags as its
 * options; the run, the CSV of `--out` (id, label, tsne1, tsne2) and `--json` are those of every
 * map command (src/cli/projection.ts). Prints one line: the rows and columns, the settings used
 * (the learning rate 'auto' resolved) and the KL divergence of the final map.
 */
import { type Command, Option } from 'commander';
import {
  TSNE_INITS,
  TSNE_METRICS,
  type TSNEMetric,
  type TSNEOptions,
  type TSNEResult,
  tsne,
} from '../projection/tsne.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { boundedFlag, fmt, positiveFlag } from './density.js';
import { addLoadingOptions, integerFlag, seedFlag, dataInput } from './options.js';
import {
  addProjectionOutputOptions,
  metricOption,
  type ProjectionFlags,
  projectionCommand,
} from './projection.js';

/** The most iterations the flags take (the library's limit). */
const MAX_ITERATIONS = 1_000_000;

/** The flags of `tsne`, as commander hands them over. */
export interface TsneFlags extends ProjectionFlags {
  perplexity?: string;
  earlyExaggeration?: string;
  exaggerationIterations?: string;
  iterations?: string;
  learningRate?: string;
  theta?: string;
  init?: (typeof TSNE_INITS)[number];
  metric?: TSNEMetric;
  seed?: string;
}

export function register(program: Command, context: CliContext): void {
  const command = addLoadingOptions(
    program
      .command('tsne')
      .description('t-SNE: a 2-D map of the rows that keeps near neighbours together')
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
  )
    .option(
      '--perplexity <x>',
      'effective number of neighbours, >= 1 and below the rows - 1 (default: 30)',
    )
    .option('--early-exaggeration <x>', 'factor on the similarities at first, >= 1 (default: 12)')
    .option(
      '--exaggeration-iterations <n>',
      'iterations with the exaggeration, at most --iterations (default: 250)',
    )
    .option('--iterations <n>', 'iterations of the optimisation (default: 1000)')
    .option(
      '--learning-rate <x>',
      "step of the optimisation, > 0, or 'auto': max(rows / early exaggeration, 200) (default: auto)",
    )
    .option('--theta <x>', 'Barnes-Hut accuracy, in [0, 1]; 0 is exact (default: 0.5)')
    .addOption(new Option('--init <layout>', 'initial layout (default: pca)').choices(TSNE_INITS))
    .addOption(metricOption(TSNE_METRICS))
    .option('--seed <n>', 'seed of every random draw (default: 0)');
  addProjectionOutputOptions(command).action(async (file: string | undefined, flags: TsneFlags) => {
    await tsneCommand(dataInput(file, flags), flags, context);
  });
}

/** The library options the flags ask for, checked with the flags' names. */
export function tsneOptionsOf(flags: TsneFlags): TSNEOptions {
  const options: TSNEOptions = { seed: seedFlag(flags.seed) };
  if (flags.perplexity !== undefined) {
    options.perplexity = boundedFlag('--perplexity', flags.perplexity, 1);
  }
  if (flags.earlyExaggeration !== undefined) {
    options.earlyExaggeration = boundedFlag('--early-exaggeration', flags.earlyExaggeration, 1);
  }
  const iterations =
    flags.iterations === undefined
      ? 1000
      : integerFlag('--iterations', flags.iterations, 1, MAX_ITERATIONS);
  if (flags.iterations !== undefined) options.nIter = iterations;
  if (flags.exaggerationIterations !== undefined) {
    const early = integerFlag(
      '--exaggeration-iterations',
      flags.exaggerationIterations,
      0,
      MAX_ITERATIONS,
    );
    if (early > iterations) {
      throw new OptionError(
        `--exaggeration-iterations (${early}) must not exceed --iterations (${iterations}); ` +
          'raise --iterations or lower --exaggeration-iterations.',
      );
    }
    options.exaggerationIterations = early;
  }
  if (flags.learningRate !== undefined && flags.learningRate !== 'auto') {
    options.learningRate = positiveFlag('--learning-rate', flags.learningRate, " or 'auto'");
  }
  if (flags.theta !== undefined) options.theta = boundedFlag('--theta', flags.theta, 0, 1);
  if (flags.init !== undefined) options.init = flags.init;
  if (flags.metric !== undefined) options.metric = flags.metric;
  return options;
}

/** Load, map, write and print, as the flags say. */
export async function tsneCommand(
  file: string,
  flags: TsneFlags,
  context: CliContext,
): Promise<void> {
  const options = tsneOptionsOf(flags);
  await projectionCommand(file, flags, context, {
    name: 'tsne',
    options,
    fit: (X) => {
      const perplexity = options.perplexity ?? 30;
      if (X.rows >= 3 && perplexity >= X.rows - 1) {
        throw new OptionError(
          `--perplexity (${perplexity}) must be below ${X.rows - 1}, the number of rows ` +
            `(${X.rows}) - 1; give a smaller --perplexity.`,
        );
      }
      return tsne(X, options);
    },
    embedding: (r) => r.embedding,
    summary: summaryOf,
    json: (r) => ({ settings: settingsOf(r), klDivergence: r.klDivergence }),
  });
}

/** The settings a map was made with (the learning rate used), as --json prints them. */
function settingsOf(r: TSNEResult): Record<string, unknown> {
  return {
    perplexity: r.perplexity,
    nNeighbors: r.nNeighbors,
    earlyExaggeration: r.earlyExaggeration,
    exaggerationIterations: r.exaggerationIterations,
    nIter: r.nIter,
    learningRate: r.learningRate,
    theta: r.theta,
    init: r.init,
    metric: r.metric,
    seed: r.seed,
  };
}

/** 'perplexity 30 (90 neighbours), 1000 iterations (250 exaggerated x12), ...; KL divergence 0.5'. */
function summaryOf(r: TSNEResult): string {
  return (
    `perplexity ${r.perplexity} (${r.nNeighbors} neighbours), ${r.nIter} iterations ` +
    `(${r.exaggerationIterations} exaggerated x${r.earlyExaggeration}), ` +
    `learning rate ${fmt(r.learningRate)}, theta ${r.theta}, ${r.metric}, init ${r.init}, ` +
    `seed ${r.seed}; KL divergence ${fmt(r.klDivergence)}`
  );
}
