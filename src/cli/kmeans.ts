/**
 * `clusterlens kmeans <file> --k 3 | --k 2..10 [--n-init 10] [--seed 0] [--algorithm hamerly]
 *                           [--scale standard] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts).
 *
 * With one k: fits k-means and prints k, inertia, iterations and the size of each cluster (with
 * the label column's counts when `--label` is given). With a range `a..b`: runs `chooseK` over
 * it, prints the criteria per k, each criterion's pick and the recommendation, the judgement of
 * k = 1 (the gap statistic from k = 1 and the Hopkins statistic: "no clear cluster structure")
 * and a pick at an end of the range, then fits the recommended k. `--algorithm minibatch` uses mini-batch k-means (one k only). `--json` prints
 * the model (and the k table) as JSON; `--out` writes the labels as CSV (id column with `--id`,
 * label column with `--label`, then `cluster`). No timings in outputs: reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import { type ChooseKResult, chooseK } from '../cluster/choose-k.js';
import { KMEANS_ALGORITHMS, type KMeansAlgorithm, kmeans } from '../cluster/kmeans.js';
import { miniBatchKMeans } from '../cluster/minibatch.js';
import { type ScaleMethod, scale } from '../data/scale.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import {
  addLoadingOptions,
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  labelsCsv,
  type LoadingFlags,
  loadFromFlags,
  printSummary,
  seedFlag,
  writeOutFlag,
} from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';
import { formatClusterSizes, formatTable } from './table.js';

/** The flags of `kmeans`, as commander hands them over. */
export interface KMeansFlags extends LoadingFlags {
  k?: string;
  nInit?: string;
  seed?: string;
  algorithm?: KMeansAlgorithm | 'minibatch';
  scale?: ScaleMethod;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('kmeans')
      .description('k-means clustering for one k, or the choice of k over a range')
      .argument('<file>', 'CSV, TSV, JSON or NDJSON file'),
  )
    .requiredOption('--k <k>', 'number of clusters, or a range a..b to choose from')
    .option('--n-init <n>', 'restarts; the run of lowest inertia is kept (default: 10)')
    .option('--seed <n>', 'seed of the initialisation (default: 0)')
    .addOption(
      new Option('--algorithm <name>', 'k-means algorithm (default: auto)').choices([
        ...KMEANS_ALGORITHMS,
        'minibatch',
      ]),
    )
    .addOption(scaleOption())
    .option('--out <file>', "write the cluster labels as CSV ('-': standard output)")
    .option('--force', FORCE_HELP)
    .option('--json', 'print the model as JSON')
    .action(async (file: string, flags: KMeansFlags) => {
      await kmeansCommand(file, flags, context);
    });
}

/** `--k 3` -> {k: 3}; `--k 2..10` -> {range: [2, 10]}. */
export function parseK(text: string): { k: number } | { range: [number, number] } {
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo < 1 || hi <= lo) {
      throw new OptionError(`--k range must be a..b with 1 <= a < b. Got '${text}' instead.`);
    }
    return { range: [lo, hi] };
  }
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) {
    throw new OptionError(`--k must be an integer >= 1 or a range a..b. Got '${text}' instead.`);
  }
  return { k: Number(text) };
}

/** `--n-init`: digits only, or `fallback` when the flag is absent. */
function nonNegativeFlag(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\s*\d+\s*$/.test(text)) {
    throw new OptionError(`${flag} must be a non-negative integer. Got '${text}' instead.`);
  }
  return Number(text);
}

/** Load, fit (or choose k), write and print, as the flags say. */
export async function kmeansCommand(
  file: string,
  flags: KMeansFlags,
  context: CliContext,
): Promise<void> {
  const spec = parseK(flags.k ?? '');
  const nInit = nonNegativeFlag('--n-init', flags.nInit, 10);
  const seed = seedFlag(flags.seed);
  const algorithm = flags.algorithm ?? 'auto';
  const scaling = scaleMethodOf(flags.scale);
  if (algorithm === 'minibatch' && 'range' in spec) {
    throw new OptionError('--algorithm minibatch takes one k, not a range.');
  }
  const output = checkOutFlag(file, flags);
  const dataset = await loadFromFlags(file, flags);
  const { rows, cols } = dataset.features;
  warnIfUnscaled('kmeans', dataset, scaling);
  const X = scaling === 'none' ? dataset.features : scale(dataset, { method: scaling }).scaled;

  let choice: ChooseKResult | null = null;
  let k: number;
  if ('range' in spec) {
    context.progress(`kmeans: choosing k in ${spec.range[0]}..${spec.range[1]} on ${rows} rows`);
    choice = chooseK(X, {
      k: spec.range,
      nInit,
      seed,
      algorithm: algorithm as KMeansAlgorithm,
    });
    k = choice.recommended;
  } else {
    k = spec.k;
  }
  context.progress(`kmeans: k = ${k}, ${rows} rows x ${cols} columns, ${algorithm}`);
  let model: {
    labels: Int32Array;
    centroids: number[][];
    inertia: number;
    iterations: number;
    converged: boolean;
    algorithm: string;
  };
  if (algorithm === 'minibatch') {
    const m = miniBatchKMeans(X, { k, seed });
    model = {
      labels: m.labels,
      centroids: m.centroids,
      inertia: m.inertia,
      iterations: m.iterations,
      converged: m.converged,
      algorithm: 'minibatch',
    };
  } else if (choice !== null) {
    model = choice.fits[choice.table.findIndex((r) => r.k === k)]!;
  } else {
    model = kmeans(X, { k, nInit, seed, algorithm });
  }
  if (output !== undefined) {
    await writeOutFlag(
      output,
      labelsCsv(dataset, model.labels),
      file,
      flags,
      { command: 'kmeans', dataset, options: { ...flagOptions(flags), k, nInit, seed, algorithm } },
      context,
    );
  }
  const { stdout } = context.io;
  const sizes = new Array<number>(k).fill(0);
  for (const l of model.labels) sizes[l]!++;
  if (flags.json) {
    const out = {
      file,
      sha256: dataset.source.sha256,
      rows,
      columns: dataset.columns,
      options: { k: flags.k, nInit, seed, algorithm, scale: scaling },
      algorithm: model.algorithm,
      k,
      inertia: model.inertia,
      iterations: model.iterations,
      converged: model.converged,
      sizes,
      centroids: model.centroids,
      labels: Array.from(model.labels),
      chooseK: choice === null ? undefined : choice.toJSON(),
    };
    stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  let text = '';
  if (choice !== null) text += `${formatChoice(choice)}\n`;
  text +=
    `${rows} rows, ${cols} columns${scaling === 'none' ? '' : `, scaled (${scaling})`}; ` +
    `k = ${k}, ${model.algorithm}${algorithm === 'minibatch' ? '' : `, ${nInit} runs`}, seed ${seed}\n` +
    `inertia ${fmt(model.inertia)}, ${model.iterations} iterations` +
    `${model.converged ? '' : ' (not converged)'}\n\n`;
  text += formatClusterSizes(dataset, model.labels, sizes);
  printSummary(context, output, text);
}

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return Math.abs(v) >= 1e5 ? v.toExponential(4) : Number(v.toPrecision(6)).toString();
}

/** The k table, the picks and the recommendation. */
function formatChoice(choice: ChooseKResult): string {
  const mark = (k: number, c: keyof ChooseKResult['picks']) => (choice.picks[c] === k ? ' *' : '');
  const table = formatTable(
    ['k', 'inertia', 'silhouette', 'calinski-harabasz', 'davies-bouldin', 'gap', 'gap se'],
    choice.table.map((r) => [
      String(r.k),
      fmt(r.inertia) + mark(r.k, 'inertia'),
      fmt(r.silhouette) + mark(r.k, 'silhouette'),
      fmt(r.calinskiHarabasz) + mark(r.k, 'calinskiHarabasz'),
      fmt(r.daviesBouldin) + mark(r.k, 'daviesBouldin'),
      fmt(r.gap) + mark(r.k, 'gap'),
      fmt(r.gapSe),
    ]),
    [true, true, true, true, true, true, true],
  );
  const notes = [
    ...(choice.structure ? [choice.structure.text.replace(/^no clear/, 'No clear')] : []),
    ...choice.caveats.filter((c) => c.kind !== 'no-structure').map((c) => c.text),
  ];
  return (
    `${table}\n* = the criterion's pick (inertia: elbow; gap: 1-SE rule)\n` +
    `recommended: ${choice.reason}\n` +
    notes.map((t) => `${t}\n`).join('')
  );
}
