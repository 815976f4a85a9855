/**
 * `clusterlens hclust <file> [--method ward] [--metric euclidean] [--scale standard]
 *                            (--k 4 | --height 2.5) [--two-stage [centres] | --sample N]
 *                            [--seed 0] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts).
 *
 * For data too large for the O(n^2) distance matrix (hclust refuses before allocating and says
 * so): `--two-stage [centres]` runs k-means into `centres` (default 256) centres, then the tree
 * of the centres weighted by their sizes (twoStage); `--sample N` builds the tree of a seeded
 * sample of N rows and gives every other row the cluster of the nearest cluster centroid
 * (sampledHclust). `--seed` seeds both.
 *
 * Prints the method, the cut and the size of each cluster (and the cophenetic correlation up to
 * 10,000 rows), or with `--json` the linkage matrix Z (scipy's convention), the leaf order and
 * the labels, with the input's name and SHA-256. `--out` writes the labels as CSV: the id column
 * (with `--id`), the label column (with `--label`), then `cluster` (0-based, numbered by first
 * appearance in row order). No timings in outputs, so reruns are byte-identical.
 */
import { type Command, Option } from 'commander';
import {
  formatSeconds,
  hclust,
  LINKAGE_ALIASES,
  LINKAGE_METHODS,
  planLinkage,
  resolveLinkageMethod,
} from '../cluster/linkage.js';
import { METRICS, type Metric } from '../cluster/distance.js';
import { sampledHclust } from '../cluster/sampled.js';
import { DEFAULT_CENTRES, twoStage } from '../cluster/two-stage.js';
import type { CutSpec, HClustResult } from '../cluster/tree.js';
import type { Dataset } from '../data/dataset.js';
import { type ScaleMethod, scale } from '../data/scale.js';
import { OptionError } from '../util/errors.js';
import { estimate, formatBytes, memoryBudget } from '../util/memory.js';
import type { CliContext } from './command.js';
import {
  type LoadingFlags,
  addLoadingOptions,
  integerFlag,
  numberFlag,
  loadFromFlags,
  seedFlag,
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  labelsCsv,
  printSummary,
  writeOutFlag,
} from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';
import { formatClusterSizes } from './table.js';

/**
 * Above this many rows, or when its two condensed matrices do not fit in the memory budget, the
 * summary leaves out the cophenetic correlation (O(n^2) memory).
 */
const COPHENETIC_MAX_ROWS = 10_000;

/** The flags of `hclust`, as commander hands them over. */
export interface HclustFlags extends LoadingFlags {
  method?: string;
  metric?: Metric;
  scale?: ScaleMethod;
  k?: string;
  height?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  /** `true` (the flag alone) or the number of centres as typed. */
  twoStage?: boolean | string;
  sample?: string;
  seed?: string;
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
    .addOption(scaleOption())
    .addOption(new Option('--k <n>', 'cut into exactly n clusters').conflicts('height'))
    .option('--height <h>', 'cut at this height (merges at or below it are kept)')
    .addOption(
      new Option(
        '--two-stage [centres]',
        `for large data: k-means into this many centres (default ${DEFAULT_CENTRES}), then the tree of the centres weighted by their sizes`,
      ).conflicts('sample'),
    )
    .option(
      '--sample <n>',
      'for large data: the tree of a seeded sample of n rows; other rows join the nearest cluster centroid',
    )
    .option('--seed <n>', 'seed of --two-stage and --sample (default: 0)')
    .option('--out <file>', "write the cluster labels as CSV ('-': standard output)")
    .option('--force', FORCE_HELP)
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
  const method = (flags.method ?? 'ward') as 'ward';
  const metric = flags.metric ?? 'euclidean';
  // Options first, so that a mistyped flag fails before any work.
  const seed = seedFlag(flags.seed);
  const twoStageOn = flags.twoStage !== undefined && flags.twoStage !== false;
  const centres =
    flags.twoStage === undefined || typeof flags.twoStage === 'boolean'
      ? DEFAULT_CENTRES
      : integerFlag('--two-stage', flags.twoStage, 2);
  const sample = flags.sample === undefined ? undefined : integerFlag('--sample', flags.sample, 2);
  if (twoStageOn && metric !== 'euclidean') {
    throw new OptionError(
      `--two-stage needs --metric euclidean (its first stage is k-means); got '${metric}'.`,
    );
  }
  const scaling = scaleMethodOf(flags.scale);
  const output = checkOutFlag(file, flags);
  const dataset = await loadFromFlags(file, flags);
  const { rows, cols } = dataset.features;
  context.progress(`hclust: ${rows} rows x ${cols} columns, method ${method}`);
  warnIfUnscaled('hclust', dataset, scaling);
  const X = scaling === 'none' ? dataset : scale(dataset, { method: scaling }).scaled;
  const spec: CutSpec =
    flags.k !== undefined
      ? { k: numberFlag('--k', flags.k) }
      : { height: numberFlag('--height', flags.height!) };
  let tree: HClustResult;
  let labels: Int32Array;
  let large: LargeDataRun | undefined;
  if (twoStageOn) {
    const r = twoStage(X, { centres, method, seed, ...spec });
    tree = r.tree;
    labels = r.labels;
    large = {
      twoStage: {
        centres: r.sizes.length,
        firstStage: r.stage1,
        inertia: r.inertia,
        sizes: Array.from(r.sizes),
        assignment: Array.from(r.assignment),
      },
    };
  } else if (sample !== undefined) {
    const r = sampledHclust(X, { sample, method, metric, seed, ...spec });
    tree = r.tree;
    labels = r.labels;
    large = { sample: { rows: Array.from(r.rows) } };
  } else {
    // the estimate of the O(n^2) step, on a terminal; hclust itself refuses what does not fit
    try {
      const plan = planLinkage(
        rows,
        cols,
        resolveLinkageMethod(method),
        'auto',
        memoryBudget().bytes,
      );
      context.progress(
        `hclust: layout ${plan.layout}, about ${formatBytes(plan.bytes)} and ${formatSeconds(plan.seconds)}`,
      );
    } catch {
      // reported by hclust below, with what to do instead
    }
    tree = hclust(X, { method, metric });
    labels = tree.cut(spec);
  }
  if (output !== undefined) {
    await writeOutFlag(
      output,
      labelsCsv(dataset, labels),
      file,
      flags,
      { command: 'hclust', dataset, options: { ...flagOptions(flags), method, metric, seed } },
      context,
    );
  }
  const { stdout } = context.io;
  if (flags.json) {
    const out = {
      file,
      sha256: dataset.source.sha256,
      rows,
      options: {
        method: tree.method,
        metric,
        scale: scaling,
        ...spec,
        ...(twoStageOn ? { twoStage: centres, seed } : {}),
        ...(sample !== undefined ? { sample, seed } : {}),
      },
      linkage: tree.linkage,
      order: tree.order,
      labels: Array.from(labels),
      ...large,
    };
    stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    printSummary(context, output, formatSummary(dataset, tree, spec, labels, scaling, large));
  }
}

/** What --two-stage or --sample add to the JSON output. */
interface LargeDataRun {
  twoStage?: {
    centres: number;
    firstStage: 'kmeans' | 'minibatch' | 'distinct';
    inertia: number;
    sizes: number[];
    assignment: number[];
  };
  sample?: { rows: number[] };
}

/** Header line and the table of cluster sizes (with the label column's counts when given). */
export function formatSummary(
  dataset: Dataset,
  tree: HClustResult,
  spec: CutSpec,
  labels: Int32Array,
  scaling: ScaleMethod,
  large?: LargeDataRun,
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
  if (large?.twoStage) {
    const t = large.twoStage;
    head +=
      t.firstStage !== 'distinct'
        ? `\ntwo stages: ${t.firstStage === 'minibatch' ? 'mini-batch k-means' : 'k-means'} into ` +
          `${t.centres} centres (inertia ${t.inertia.toPrecision(6)}), ` +
          'then the tree of the centres weighted by their sizes'
        : `\ntwo stages: the ${t.centres} distinct rows as centres, weighted by their counts`;
  }
  if (large?.sample) {
    head +=
      `\ntree of a seeded sample of ${large.sample.rows.length} rows; the other rows joined ` +
      'the nearest cluster centroid';
  }
  if (!tree.isMonotonic()) head += '; the tree has inversions (a merge below an earlier one)';
  // the cophenetic correlation holds two condensed matrices: only when they fit in the budget
  if (
    large?.twoStage === undefined &&
    tree.n <= COPHENETIC_MAX_ROWS &&
    2 * estimate.condensedDistances(tree.n) <= memoryBudget().bytes
  ) {
    head += `\ncophenetic correlation ${tree.cophenetic().correlation.toFixed(4)}`;
  }
  return `${head}\n\n${formatClusterSizes(dataset, labels, sizes)}`;
}
