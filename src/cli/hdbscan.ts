/**
 * `clusterlens hdbscan <file> [--min-cluster-size 5] [--min-samples N] [--selection eom|leaf]
 *                             [--epsilon 0] [--allow-single-cluster] [--metric euclidean]
 *                             [--scale standard] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts). HDBSCAN is
 * deterministic: no seed. With --min-samples left out it equals --min-cluster-size, and the fit
 * is R dbscan's `hdbscan(x, minPts)` with minPts = --min-cluster-size.
 *
 * Prints the number of clusters, the noise rows and their share, the size and stability of each
 * cluster (with the label column's counts when `--label` is given; noise last), the mean GLOSH
 * outlier score of all rows and the mean membership probability of the clustered rows. `--json`
 * prints the same with the labels (-1: noise), probabilities and outlier scores of every row.
 * `--out` writes the labels file (src/report/labels-csv.ts: id, label, hdbscan, probability,
 * outlier_score; noise rows read 'noise' in the hdbscan column). No timings: reruns are byte-identical.
 */
import { formatProse } from '../util/format.js';
import { type Command, Option } from 'commander';
import {
  CLUSTER_SELECTION_METHODS,
  type ClusterSelectionMethod,
  type HDBSCANResult,
  hdbscan,
} from '../cluster/density/index.js';
import type { Dataset, FeatureMatrix } from '../data/dataset.js';
import type { ScaleMethod } from '../data/scale.js';
import { labelsCsv, labelsRowsOf } from '../report/labels-csv.js';
import type { CliContext } from './command.js';
import {
  addDensityOutputOptions,
  atMostRows,
  boundedFlag,
  clusterSizes,
  clustersLine,
  type DensityFlags,
  dataLine,
  fmt,
  formatDensitySizes,
  loadScaled,
} from './density.js';
import {
  addLoadingOptions,
  checkOutFlag,
  flagOptions,
  integerFlag,
  printSummary,
  writeOutFlag,
  sampleField,
  dataInput,
} from './options.js';

/** The flags of `hdbscan`, as commander hands them over. */
export interface HdbscanFlags extends DensityFlags {
  minClusterSize?: string;
  minSamples?: string;
  selection?: ClusterSelectionMethod;
  epsilon?: string;
  allowSingleCluster?: boolean;
}

export function register(program: Command, context: CliContext): void {
  addDensityOutputOptions(
    addLoadingOptions(
      program
        .command('hdbscan')
        .description('HDBSCAN density clustering: clusters of any shape, noise, no k to choose')
        .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
        .usage('[options] <file | --sql query>'),
      { seed: true },
    )
      .option('--min-cluster-size <n>', 'smallest cluster, an integer >= 2 (default: 5)')
      .option(
        '--min-samples <n>',
        'rows, the row itself counted, within the core distance of a row (default: --min-cluster-size)',
      )
      .addOption(
        new Option(
          '--selection <method>',
          'eom: the most stable clusters; leaf: the leaves of the condensed tree (default: eom)',
        ).choices(CLUSTER_SELECTION_METHODS),
      )
      .option(
        '--epsilon <x>',
        'merge clusters born below this distance into their parent (default: 0, off)',
      )
      .option('--allow-single-cluster', 'allow the whole data set as one cluster'),
    'print the clusters, stabilities, labels, probabilities and outlier scores as JSON',
  ).action(async (file: string | undefined, flags: HdbscanFlags) => {
    await hdbscanCommand(dataInput(file, flags), flags, context);
  });
}

/** Load, fit, write and print, as the flags say. */
export async function hdbscanCommand(
  file: string,
  flags: HdbscanFlags,
  context: CliContext,
): Promise<void> {
  const minClusterSize =
    flags.minClusterSize === undefined
      ? 5
      : integerFlag('--min-cluster-size', flags.minClusterSize, 2);
  const minSamples =
    flags.minSamples === undefined ? undefined : integerFlag('--min-samples', flags.minSamples, 1);
  const epsilon = flags.epsilon === undefined ? 0 : boundedFlag('--epsilon', flags.epsilon, 0);
  const method = flags.selection ?? 'eom';
  const metric = flags.metric ?? 'euclidean';
  const allowSingleCluster = flags.allowSingleCluster ?? false;
  const output = checkOutFlag(file, flags);
  const { dataset, X, scaling } = await loadScaled('hdbscan', file, flags, context);
  if (minSamples === undefined) {
    atMostRows(
      '--min-cluster-size',
      minClusterSize,
      X.rows,
      ' (also --min-samples when not given)',
    );
  } else {
    atMostRows('--min-samples', minSamples, X.rows);
  }
  context.progress(
    `hdbscan: ${X.rows} rows x ${X.cols} columns, min cluster size ${minClusterSize}`,
  );
  const fit = hdbscan(X, {
    minClusterSize,
    minSamples,
    clusterSelectionMethod: method,
    clusterSelectionEpsilon: epsilon,
    allowSingleCluster,
    metric,
  });
  if (output !== undefined) {
    await writeOutFlag(
      output,
      labelsCsv(labelsRowsOf(dataset), {
        clusterings: { hdbscan: fit.labels },
        extra: [
          { name: 'probability', values: fit.probabilities },
          { name: 'outlier_score', values: fit.outlierScores },
        ],
      }),
      file,
      flags,
      {
        command: 'hdbscan',
        dataset,
        options: { ...flagOptions(flags), minClusterSize, minSamples: fit.minSamples },
      },
      context,
    );
  }
  const { sizes, noise } = clusterSizes(fit.labels, fit.nClusters);
  const scores = means(fit, sizes);
  if (flags.json) {
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
      rows: X.rows,
      columns: dataset.columns,
      options: {
        minClusterSize,
        minSamples: fit.minSamples,
        clusterSelectionMethod: method,
        clusterSelectionEpsilon: epsilon,
        allowSingleCluster,
        metric,
        scale: scaling,
      },
      nClusters: fit.nClusters,
      nNoise: noise,
      noiseShare: X.rows === 0 ? 0 : noise / X.rows,
      sizes,
      stabilities: Array.from(fit.stabilities),
      meanOutlierScore: scores.outlier,
      meanProbability: scores.probability,
      labels: Array.from(fit.labels),
      probabilities: Array.from(fit.probabilities),
      outlierScores: Array.from(fit.outlierScores),
    };
    context.io.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  printSummary(context, output, formatHdbscan(dataset, X, scaling, fit, sizes, noise, scores));
}

/** Mean GLOSH score of all rows; mean membership probability of the clustered rows. */
function means(
  fit: HDBSCANResult,
  sizes: readonly number[],
): { outlier: number; probability: number | null } {
  const n = fit.labels.length;
  let outlier = 0;
  let probability = 0;
  for (let i = 0; i < n; i++) {
    outlier += (fit.outlierScores[i]! - outlier) / (i + 1);
    if (fit.labels[i]! >= 0) probability += fit.probabilities[i]!;
  }
  let clustered = 0;
  for (const s of sizes) clustered += s;
  return { outlier, probability: clustered === 0 ? null : probability / clustered };
}

/** The printed summary. */
function formatHdbscan(
  dataset: Dataset,
  X: FeatureMatrix,
  scaling: ScaleMethod,
  fit: HDBSCANResult,
  sizes: readonly number[],
  noise: number,
  scores: { outlier: number; probability: number | null },
): string {
  const epsilon = fit.clusterSelectionEpsilon > 0 ? `, epsilon ${fit.clusterSelectionEpsilon}` : '';
  const single = fit.allowSingleCluster ? ', single cluster allowed' : '';
  let text =
    `${dataLine(X, scaling)}; hdbscan, min cluster size ${fit.minClusterSize}, min samples ` +
    `${fit.minSamples}, selection ${fit.clusterSelectionMethod}${epsilon}${single}, metric ` +
    `${fit.metric}\n${clustersLine(fit.nClusters, noise, X.rows)}\n\n`;
  text += formatDensitySizes(dataset, fit.labels, sizes, noise, [
    { name: 'stability', cells: Array.from(fit.stabilities, (s) => fmt(s)) },
  ]);
  text +=
    `\nmean outlier score (GLOSH, 0 to 1, high: an outlier) ${formatProse(scores.outlier)}` +
    (scores.probability === null
      ? '\n'
      : `; mean membership probability of the clustered rows ${formatProse(scores.probability)}\n`);
  if (fit.nClusters === 0) {
    text +=
      'no cluster found: every row is noise. Try a smaller --min-cluster-size, or ' +
      '--allow-single-cluster if the data may be one cluster.\n';
  }
  return text;
}
