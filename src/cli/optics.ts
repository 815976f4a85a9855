/**
 * `clusterlens optics <file> [--min-samples 5] [--max-eps X] [--xi 0.05] [--min-cluster-size N]
 *                            [--no-predecessor-correction] [--eps X] [--metric euclidean]
 *                            [--scale standard] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts). OPTICS is
 * deterministic: no seed. --min-samples and --min-cluster-size take an integer >= 2 or a fraction
 * in (0, 1) of the rows, as scikit-learn's OPTICS.
 *
 * The clusters are the xi clusters (scikit-learn's `labels_`), or with `--eps X` the DBSCAN
 * clusters at eps read off the ordering (`extractDBSCAN`, scikit-learn's `cluster_optics_dbscan`).
 * Prints the number of clusters, the noise rows and their share, and the size of each cluster
 * (with the label column's counts when `--label` is given; noise last). `--json` adds the labels
 * (-1: noise), the ordering, reachability and core distances (null for infinity) and the xi
 * cluster hierarchy. `--out` writes the labels file (src/report/labels-csv.ts: id, label,
 * optics; noise rows read 'noise' in the optics column). No timings: reruns are byte-identical.
 */
import type { Command } from 'commander';
import { extractDBSCAN, optics } from '../cluster/density/index.js';
import { labelsCsv, labelsRowsOf } from '../report/labels-csv.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import {
  addDensityOutputOptions,
  atMostRows,
  boundedFlag,
  clusterSizes,
  clustersLine,
  type DensityFlags,
  dataLine,
  finiteOrNull,
  formatDensitySizes,
  loadScaled,
  positiveFlag,
} from './density.js';
import {
  addLoadingOptions,
  checkOutFlag,
  flagOptions,
  printSummary,
  writeOutFlag,
  sampleField,
  dataInput,
} from './options.js';

/** The flags of `optics`, as commander hands them over. */
export interface OpticsFlags extends DensityFlags {
  minSamples?: string;
  maxEps?: string;
  xi?: string;
  minClusterSize?: string;
  /** false with --no-predecessor-correction. */
  predecessorCorrection?: boolean;
  eps?: string;
}

export function register(program: Command, context: CliContext): void {
  addDensityOutputOptions(
    addLoadingOptions(
      program
        .command('optics')
        .description('OPTICS ordering and its xi clusters (or the DBSCAN clusters at --eps)')
        .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
        .usage('[options] <file | --sql query>'),
      { seed: true },
    )
      .option(
        '--min-samples <n>',
        'rows, the row itself counted, within the core distance: an integer >= 2 or a fraction of the rows (default: 5)',
      )
      .option('--max-eps <x>', 'largest neighbourhood radius (default: no limit)')
      .option(
        '--xi <x>',
        'steepness of a cluster boundary in the reachability plot, in [0, 1] (default: 0.05)',
      )
      .option(
        '--min-cluster-size <n>',
        'smallest xi cluster: an integer >= 2 or a fraction of the rows (default: --min-samples)',
      )
      .option(
        '--no-predecessor-correction',
        "keep the xi clusters as found (scikit-learn's predecessor_correction=False)",
      )
      .option(
        '--eps <x>',
        'the DBSCAN clusters at this eps (<= --max-eps) instead of the xi clusters',
      ),
    'print the clusters, labels, ordering, reachability and core distances as JSON',
  ).action(async (file: string | undefined, flags: OpticsFlags) => {
    await opticsCommand(dataInput(file, flags), flags, context);
  });
}

/** `--min-samples` and `--min-cluster-size` of optics: an integer >= 2 or a fraction in (0, 1). */
export function countFlag(flag: string, text: string): number {
  const value = Number(text);
  const integer = /^\s*\d+\s*$/.test(text) && Number.isSafeInteger(value) && value >= 2;
  const fraction = /^\s*(0?\.\d+|0\.\d*)\s*$/.test(text) && value > 0 && value < 1;
  if (!integer && !fraction) {
    throw new OptionError(
      `${flag} must be an integer >= 2 or a fraction in (0, 1) of the rows. Got '${text}' instead.`,
    );
  }
  return value;
}

/** Load, fit, write and print, as the flags say. */
export async function opticsCommand(
  file: string,
  flags: OpticsFlags,
  context: CliContext,
): Promise<void> {
  const minSamples =
    flags.minSamples === undefined ? 5 : countFlag('--min-samples', flags.minSamples);
  const minClusterSize =
    flags.minClusterSize === undefined
      ? undefined
      : countFlag('--min-cluster-size', flags.minClusterSize);
  const maxEps =
    flags.maxEps === undefined || flags.maxEps === 'inf'
      ? Number.POSITIVE_INFINITY
      : positiveFlag('--max-eps', flags.maxEps, " or 'inf'");
  const xi = flags.xi === undefined ? 0.05 : boundedFlag('--xi', flags.xi, 0, 1);
  const eps = flags.eps === undefined ? undefined : positiveFlag('--eps', flags.eps);
  if (eps !== undefined && eps > maxEps) {
    throw new OptionError(`--eps must be at most --max-eps (${maxEps}). Got ${eps} instead.`);
  }
  const predecessorCorrection = flags.predecessorCorrection ?? true;
  const metric = flags.metric ?? 'euclidean';
  const output = checkOutFlag(file, flags);
  const { dataset, X, scaling } = await loadScaled('optics', file, flags, context);
  if (minSamples >= 1) atMostRows('--min-samples', minSamples, X.rows);
  if (minClusterSize !== undefined && minClusterSize >= 1) {
    atMostRows('--min-cluster-size', minClusterSize, X.rows);
  }
  context.progress(`optics: ${X.rows} rows x ${X.cols} columns, min samples ${minSamples}`);
  const fit = optics(X, { minSamples, maxEps, xi, minClusterSize, predecessorCorrection, metric });
  const labels = eps === undefined ? fit.labels : extractDBSCAN(fit, eps);
  let k = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= k) k = labels[i]! + 1;
  if (output !== undefined) {
    await writeOutFlag(
      output,
      labelsCsv(labelsRowsOf(dataset), { clusterings: { optics: labels } }),
      file,
      flags,
      { command: 'optics', dataset, options: { ...flagOptions(flags), minSamples, xi } },
      context,
    );
  }
  const { sizes, noise } = clusterSizes(labels, k);
  const clusters = eps === undefined ? `xi clusters (xi ${xi})` : `DBSCAN clusters at eps ${eps}`;
  if (flags.json) {
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
      rows: X.rows,
      columns: dataset.columns,
      options: {
        minSamples: fit.minSamples,
        minClusterSize: fit.minClusterSize,
        maxEps: Number.isFinite(fit.maxEps) ? fit.maxEps : null,
        xi,
        predecessorCorrection,
        eps: eps ?? null,
        metric,
        scale: scaling,
      },
      clusters: eps === undefined ? 'xi' : 'dbscan',
      nClusters: k,
      nNoise: noise,
      noiseShare: X.rows === 0 ? 0 : noise / X.rows,
      sizes,
      labels: Array.from(labels),
      ordering: Array.from(fit.ordering),
      reachability: finiteOrNull(fit.reachability),
      coreDistances: finiteOrNull(fit.coreDistances),
      predecessor: Array.from(fit.predecessor),
      clusterHierarchy: fit.clusterHierarchy,
    };
    context.io.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  let text =
    `${dataLine(X, scaling)}; optics, min samples ${fit.minSamples}, min cluster size ` +
    `${fit.minClusterSize}, max eps ${Number.isFinite(fit.maxEps) ? fit.maxEps : 'inf'}, metric ${metric}\n` +
    `${clusters}: ${clustersLine(k, noise, X.rows)}\n\n`;
  text += formatDensitySizes(dataset, labels, sizes, noise);
  if (k === 0) {
    text +=
      eps === undefined
        ? '\nno xi cluster found: every row is noise. Try a smaller --xi or --min-cluster-size.\n'
        : '\nno cluster found at this eps: every row is noise. Try a larger --eps.\n';
  }
  printSummary(context, output, text);
}
