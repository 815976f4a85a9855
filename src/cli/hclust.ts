/**
 * `clusterlens hclust <file> [--method ward] [--metric euclidean] [--scale standard]
 *                            [--k 4 | --height 2.5] [--two-stage [centres] | --subsample N] [--sample N]
 *                            [--seed 0] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts).
 *
 * For data too large for the O(n^2) distance matrix (hclust refuses before allocating and says
 * so): `--two-stage [centres]` runs k-means into `centres` (default 256) centres, then the tree
 * of the centres weighted by their sizes (twoStage); `--subsample N` builds the tree of a seeded
 * sample of N rows and gives every other row the cluster of the nearest cluster centroid
 * (sampledHclust). `--seed` seeds both.
 *
 * Prints the method, the cut and the size of each cluster (and the cophenetic correlation up to
 * 10,000 rows), or with `--json` the linkage matrix Z (scipy's convention), the leaf order and
 * the labels, with the input's name and SHA-256. `--out` writes the labels file
 * (src/report/labels-csv.ts: id, label, hierarchical; clusters numbered by first appearance in
 * row order, C1 first). No timings in outputs, so reruns are byte-identical.
 *
 * Without a cut (no --k, no --height) it prints the tree's top merges instead: the last
 * `TOP_MERGES` merges with their heights, the sizes they join and the gap to the merge below,
 * and a suggested cut: the k whose cut falls in the largest gap below one of them (between the
 * heights of a top merge and of the merge before it; the smallest such k on ties), with a height
 * inside that gap when the tree has no inversions. It is a reading aid, stated as such, not a
 * criterion: `clusterlens kmeans --k 2..10` and the report compare k with five criteria.
 */
import { type Command, Option } from 'commander';
import {
  formatSeconds,
  hclust,
  LINKAGE_NAMES,
  type LinkageAlias,
  type LinkageMethod,
  planLinkage,
  resolveLinkageMethod,
} from '../cluster/hclust/index.js';
import { METRICS, type Metric } from '../cluster/hclust/distance.js';
import { sampledHclust } from '../cluster/hclust/sampled.js';
import { DEFAULT_CENTRES, twoStage } from '../cluster/hclust/two-stage.js';
import type { CutSpec, HClustResult } from '../cluster/hclust/tree.js';
import type { Dataset } from '../data/dataset.js';
import { type ScaleMethod, scale } from '../data/scale.js';
import { labelsCsv, labelsRowsOf } from '../report/labels-csv.js';
import { OptionError } from '../util/errors.js';
import { estimate, formatBytes, memoryBudget } from '../util/memory.js';
import type { CliContext } from './command.js';
import {
  type LoadingFlags,
  addLoadingOptions,
  integerFlag,
  kFlag,
  numberFlag,
  loadFromFlags,
  seedFlag,
  checkOutFlag,
  FORCE_HELP,
  flagOptions,
  printSummary,
  writeOutFlag,
  sampleField,
  twoStageInput,
} from './options.js';
import { scaleMethodOf, scaleOption, warnIfUnscaled } from './scaling.js';
import { formatClusterSizes, formatTable } from './table.js';

/**
 * Above this many rows, or when its two condensed matrices do not fit in the memory budget, the
 * summary leaves out the cophenetic correlation (O(n^2) memory).
 */
const COPHENETIC_MAX_ROWS = 10_000;

/** Merges listed, and searched for the suggested cut, when no cut is given. */
export const TOP_MERGES = 10;

/** The flags of `hclust`, as commander hands them over. */
export interface HclustFlags extends LoadingFlags {
  method?: LinkageMethod | LinkageAlias;
  metric?: Metric;
  scale?: ScaleMethod;
  k?: string;
  height?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  /** `true` (the flag alone) or the number of centres as typed. */
  twoStage?: boolean | string;
  subsample?: string;
  seed?: string;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('hclust')
      .description('hierarchical (agglomerative) clustering cut into flat clusters')
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
  )
    .addOption(
      new Option('--method <name>', 'linkage method (default: ward)').choices(LINKAGE_NAMES),
    )
    .addOption(
      new Option('--metric <name>', 'distance between rows (default: euclidean)').choices(
        METRICS as unknown as string[],
      ),
    )
    .addOption(scaleOption())
    .addOption(
      new Option(
        '--k <n>',
        'cut into exactly n clusters (without --k and --height: the top merges and a suggested cut)',
      ).conflicts('height'),
    )
    .option('--height <h>', 'cut at this height (merges at or below it are kept)')
    .addOption(
      new Option(
        '--two-stage [centres]',
        `for large data: k-means into this many centres (default ${DEFAULT_CENTRES}), then the tree of the centres weighted by their sizes`,
      ).conflicts('subsample'),
    )
    .option(
      '--subsample <n>',
      'for large data: the tree of a seeded sample of n rows; other rows join the nearest cluster centroid',
    )
    .option('--seed <n>', 'seed of --two-stage, --subsample and --sample (default: 0)')
    .option('--out <file>', "write the cluster labels as CSV ('-': standard output)")
    .option('--force', FORCE_HELP)
    .option('--json', 'print the linkage matrix, leaf order and labels as JSON')
    .action(async (file: string | undefined, flags: HclustFlags) => {
      await hclustCommand(file, flags, context);
    });
}

/** Load, fit, cut, write and print, as the flags say. */
export async function hclustCommand(
  given: string | undefined,
  flags: HclustFlags,
  context: CliContext,
): Promise<void> {
  // commander may hand the file to --two-stage (an option with an optional value): twoStageFlag
  const stage = twoStageInput(flags.twoStage, given, flags, DEFAULT_CENTRES);
  const file = stage.file;
  const cutGiven = flags.k !== undefined || flags.height !== undefined;
  if (!cutGiven && flags.out !== undefined) {
    throw new OptionError(
      '--out writes the clusters of a cut: give --k <n> or --height <h> (without them, hclust ' +
        'prints the top merges and a suggested cut).',
    );
  }
  const method = flags.method ?? 'ward';
  const metric = flags.metric ?? 'euclidean';
  // Options first, so that a mistyped flag fails before any work.
  const seed = seedFlag(flags.seed);
  const twoStageOn = stage.centres !== undefined;
  const centres = stage.centres ?? DEFAULT_CENTRES;
  // Without a cut, the large-data runs cut into one cluster: only their tree is shown.
  const spec: CutSpec =
    flags.k !== undefined
      ? kFlag(flags.k)
      : flags.height !== undefined
        ? { height: numberFlag('--height', flags.height) }
        : { k: 1 };
  const sample =
    flags.subsample === undefined ? undefined : integerFlag('--subsample', flags.subsample, 2);
  if (twoStageOn && metric !== 'euclidean') {
    throw new OptionError(
      `--two-stage needs --metric euclidean (its first stage is k-means); got '${metric}'.`,
    );
  }
  const scaling = scaleMethodOf(flags.scale);
  const output = checkOutFlag(file, flags);
  const dataset = await loadFromFlags(file, flags, context);
  const { rows, cols } = dataset.features;
  context.progress(`hclust: ${rows} rows x ${cols} columns, method ${method}`);
  warnIfUnscaled('hclust', dataset, scaling);
  const X = scaling === 'none' ? dataset : scale(dataset, { method: scaling }).scaled;
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
      labelsCsv(labelsRowsOf(dataset), { clusterings: { hierarchical: labels } }),
      file,
      flags,
      { command: 'hclust', dataset, options: { ...flagOptions(flags), method, metric, seed } },
      context,
    );
  }
  const { stdout } = context.io;
  if (!cutGiven) {
    const top = topMerges(tree);
    const suggested = suggestCut(tree, top);
    if (flags.json) {
      const out = {
        file: dataset.source.path,
        sha256: dataset.source.sha256,
        ...sampleField(dataset),
        rows,
        options: {
          method: tree.method,
          metric,
          scale: scaling,
          ...(twoStageOn ? { twoStage: centres, seed } : {}),
          ...(sample !== undefined ? { sample, seed } : {}),
        },
        linkage: tree.linkage,
        order: tree.order,
        topMerges: top,
        suggestedCut: suggested ?? null,
        ...large,
      };
      stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      stdout.write(formatTopMerges(dataset, tree, scaling, large, top, suggested));
    }
    return;
  }
  if (flags.json) {
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
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

/** What --two-stage or --subsample add to the JSON output. */
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
  const head = `${header(dataset, tree, scaling, large, `cut at ${cut}`)}\n${cophenetic(tree, large)}`;
  return `${head}\n${formatClusterSizes(dataset, labels, sizes)}`;
}

/** The first line: data, scaling, method, metric, cut; then the large-data run and inversions. */
function header(
  dataset: Dataset,
  tree: HClustResult,
  scaling: ScaleMethod,
  large: LargeDataRun | undefined,
  cut: string,
): string {
  let head =
    `${dataset.features.rows} rows, ${dataset.features.cols} columns` +
    `${scaling === 'none' ? '' : `, scaled (${scaling})`}; method ${tree.method}, metric ` +
    `${tree.metric}; ${cut}`;
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
  return head;
}

/**
 * The cophenetic correlation line, when its two condensed matrices fit in the budget (and the
 * tree is of rows, not of centres); else nothing.
 */
function cophenetic(tree: HClustResult, large: LargeDataRun | undefined): string {
  if (
    large?.twoStage === undefined &&
    tree.n <= COPHENETIC_MAX_ROWS &&
    2 * estimate.condensedDistances(tree.n) <= memoryBudget().bytes
  ) {
    return `cophenetic correlation ${tree.cophenetic().correlation.toFixed(4)}\n`;
  }
  return '';
}

/** One of the top merges (1-based merge number, as in the rows of Z). */
export interface TopMerge {
  /** Row of Z, 1-based: merge n-1 joins everything. */
  merge: number;
  height: number;
  /** Clusters left after this merge. */
  clusters: number;
  /** Rows in the two clusters it joins. */
  joins: [number, number];
  /** Height of this merge minus that of the merge before it (null for merge 1). */
  gap: number | null;
}

/** The suggested cut of a tree given without --k or --height. */
export interface SuggestedCut {
  k: number;
  /** A height in the middle of the gap; absent when the tree has inversions. */
  height?: number;
  /** The gap: the heights of the merge kept last and of the first one undone. */
  below: number;
  above: number;
  rule: string;
}

/** The last `count` merges of the tree, from the top one down. */
export function topMerges(tree: HClustResult, count = TOP_MERGES): TopMerge[] {
  const { n, Z } = tree;
  const sizeOf = (id: number) => (id < n ? 1 : Z[4 * (id - n) + 3]!);
  const out: TopMerge[] = [];
  for (let j = n - 1; j >= Math.max(1, n - count); j--) {
    const r = 4 * (j - 1);
    out.push({
      merge: j,
      height: Z[r + 2]!,
      clusters: n - j,
      joins: [sizeOf(Z[r]!), sizeOf(Z[r + 1]!)],
      gap: j > 1 ? Z[r + 2]! - Z[r - 2]! : null,
    });
  }
  return out;
}

/**
 * The k whose cut falls in the largest gap below one of the top merges (undoing that merge and
 * those above it leaves k clusters); the smallest k on ties. The height, when the tree has no
 * inversions, is in that gap, written with the fewest significant digits (at least 4) that keep
 * it strictly inside. Undefined for a tree of 2 rows (one merge, no gap).
 */
export function suggestCut(tree: HClustResult, top: readonly TopMerge[]): SuggestedCut | undefined {
  let best: TopMerge | undefined;
  for (const m of top) if (m.gap !== null && (best === undefined || m.gap > best.gap!)) best = m;
  if (best === undefined) return undefined;
  const gap = best.gap!;
  const below = best.height - gap;
  const cut: SuggestedCut = {
    k: best.clusters + 1,
    below,
    above: best.height,
    rule: `the largest gap below one of the top ${top.length} merges`,
  };
  if (tree.isMonotonic() && gap > 0) {
    const mid = below + gap / 2;
    for (let p = 4; p <= 17; p++) {
      const v = Number(mid.toPrecision(p));
      if (v > below && v < best.height) {
        cut.height = v;
        break;
      }
    }
  }
  return cut;
}

/** The summary of a tree without a cut: its top merges and a suggested cut. */
export function formatTopMerges(
  dataset: Dataset,
  tree: HClustResult,
  scaling: ScaleMethod,
  large: LargeDataRun | undefined,
  top: readonly TopMerge[],
  suggested: SuggestedCut | undefined,
): string {
  const h = (v: number) => String(Number(v.toPrecision(6)));
  let text = `${header(dataset, tree, scaling, large, 'no cut (--k or --height)')}\n`;
  text += cophenetic(tree, large);
  const what = large?.twoStage ? 'merges of the centres' : 'merges';
  text +=
    `\nthe top ${top.length} of ${tree.n - 1} ${what} (clusters: how many are left after the merge):\n` +
    formatTable(
      ['merge', 'height', 'clusters', 'joins', 'gap below'],
      top.map((m) => [
        String(m.merge),
        h(m.height),
        String(m.clusters),
        `${m.joins[0]} + ${m.joins[1]}`,
        m.gap === null ? '' : h(m.gap),
      ]),
      [true, true, true, true, true],
    );
  if (suggested === undefined) {
    text += '\nno cut suggested: the tree has a single merge.\n';
  } else {
    const p4 = (v: number) => String(Number(v.toPrecision(4)));
    text +=
      `\nsuggested cut: --k ${suggested.k}` +
      (suggested.height === undefined ? '' : ` (or --height ${suggested.height})`) +
      `: ${suggested.rule}, from ${p4(suggested.below)} to ${p4(suggested.above)}. A reading ` +
      'aid, not a criterion: clusterlens kmeans --k 2..10 and the report compare k by five ' +
      'criteria.\n';
  }
  return text;
}
