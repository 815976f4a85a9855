/**
 * `clusterlens kmeans <file> --k 3 | --k 2..10 [--n-init 10] [--seed 0] [--algorithm hamerly]
 *                           [--scale standard] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts).
 *
 * With one k: fits k-means and prints k, inertia, iterations, the size of each cluster (with
 * the label column's counts when `--label` is given) and the cluster means of every feature in
 * the units of the input (means of the rows, not the centres in scaled units; the first
 * `MEANS_SHOWN` features, all of them in --json). With a range `a..b`: runs `chooseK` over it,
 * prints the criteria per k, each criterion's pick and the recommendation, the judgement of
 * k = 1 (the gap statistic from k = 1 and the Hopkins statistic: "no clear cluster structure")
 * and a pick at an end of the range, then fits the recommended k. `--algorithm minibatch` uses
 * mini-batch k-means (one k only). `--json` prints the model (and the k table) as JSON:
 * `centroids` in the coordinates of the fit (scaled with `--scale`), `means` in the units of the
 * input. `--out` writes the labels file (src/report/labels-csv.ts: id, label, kmeans). No
 * timings in outputs: reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import { clusterId } from '../charts/palette.js';
import { type ChooseKResult, chooseK } from '../cluster/choose-k.js';
import { KMEANS_ALGORITHMS, type KMeansAlgorithm, kmeans } from '../cluster/kmeans/index.js';
import { miniBatchKMeans } from '../cluster/kmeans/minibatch.js';
import type { FeatureMatrix } from '../data/dataset.js';
import { type ScaleMethod, scale } from '../data/scale.js';
import { labelsCsv, labelsRowsOf } from '../report/labels-csv.js';
import { OptionError } from '../util/errors.js';
import { MAX_RESTARTS } from '../util/validate.js';
import type { CliContext } from './command.js';
import {
  addLoadingOptions,
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  integerFlag,
  kFlag,
  type LoadingFlags,
  loadFromFlags,
  printSummary,
  seedFlag,
  writeOutFlag,
  sampleField,
  dataInput,
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
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
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
    .action(async (file: string | undefined, flags: KMeansFlags) => {
      await kmeansCommand(dataInput(file, flags), flags, context);
    });
}

/** `--k 3` -> {k: 3}; `--k 2..10` -> {range: [2, 10]} (the rule of every --k: `kFlag`). */
export function parseK(text: string): { k: number } | { range: [number, number] } {
  return kFlag(text, { range: true });
}

/** Load, fit (or choose k), write and print, as the flags say. */
export async function kmeansCommand(
  file: string,
  flags: KMeansFlags,
  context: CliContext,
): Promise<void> {
  const spec = parseK(flags.k ?? '');
  const nInit =
    flags.nInit === undefined ? 10 : integerFlag('--n-init', flags.nInit, 1, MAX_RESTARTS);
  const seed = seedFlag(flags.seed);
  const algorithm = flags.algorithm ?? 'auto';
  const scaling = scaleMethodOf(flags.scale);
  if (algorithm === 'minibatch' && 'range' in spec) {
    throw new OptionError('--algorithm minibatch takes one k, not a range.');
  }
  const output = checkOutFlag(file, flags);
  const dataset = await loadFromFlags(file, flags, context);
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
      // (minibatch with a range was refused above)
      ...(algorithm === 'minibatch' ? {} : { algorithm }),
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
      labelsCsv(labelsRowsOf(dataset), { clusterings: { kmeans: model.labels } }),
      file,
      flags,
      { command: 'kmeans', dataset, options: { ...flagOptions(flags), k, nInit, seed, algorithm } },
      context,
    );
  }
  const { stdout } = context.io;
  const sizes = new Array<number>(k).fill(0);
  for (const l of model.labels) sizes[l]!++;
  const means = clusterMeans(dataset.features, model.labels, k);
  if (flags.json) {
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
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
      means: means.map((row) => row.map((v) => (Number.isNaN(v) ? null : v))),
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
  text += `\n${formatMeans(dataset.columns, means)}`;
  printSummary(context, output, text);
}

/** Features shown in the printed table of cluster means (--json has all). */
export const MEANS_SHOWN = 20;

/**
 * Mean of every column over the rows of each cluster, k x d, in the units of `x` (NaN for an
 * empty cluster). A running mean, so that values near the largest double do not overflow.
 */
export function clusterMeans(x: FeatureMatrix, labels: Int32Array, k: number): number[][] {
  const { rows, cols, data } = x;
  const mean = new Float64Array(k * cols);
  const count = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const c = labels[i]!;
    const t = ++count[c]!;
    const o = c * cols;
    const r = i * cols;
    for (let j = 0; j < cols; j++) mean[o + j]! += (data[r + j]! - mean[o + j]!) / t;
  }
  const out: number[][] = [];
  for (let c = 0; c < k; c++) {
    out.push(
      count[c] === 0
        ? new Array<number>(cols).fill(Number.NaN)
        : Array.from(mean.subarray(c * cols, (c + 1) * cols)),
    );
  }
  return out;
}

/** The cluster means, one line per feature, one column per cluster. */
function formatMeans(columns: readonly string[], means: number[][]): string {
  const shown = Math.min(columns.length, MEANS_SHOWN);
  const table = formatTable(
    ['feature', ...means.map((_, c) => clusterId(c))],
    columns.slice(0, shown).map((name, j) => [name, ...means.map((row) => fmt(row[j]))]),
    [false, ...means.map(() => true)],
  );
  const more =
    columns.length > shown
      ? `... and ${columns.length - shown} more features (every one in --json)\n`
      : '';
  return `cluster means (units of the input):\n${table}${more}`;
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
