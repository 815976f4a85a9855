/**
 * `clusterlens report <file> [--label COL] [--id COL] [--features A,B] [--scale standard]
 *  [--k 3|2..6|auto] [--method ward] [--seed 0] [--out reports/NAME.html] [--static]
 *  [--two-stage [centres] | --sample N]`
 *
 * The O(n^2) steps (hierarchical clustering, silhouettes, the criteria of k) run on a seeded
 * sample of 5000 rows above that size; `--sample N` sets that size. `--two-stage [centres]`
 * builds the tree from all rows instead: k-means into `centres` (default 256) centres, then the
 * tree of the centres weighted by their sizes; the dendrogram's leaves are centres marked '(n)'.
 *
 * The main job: load, scale, choose k, run k-means, hierarchical clustering and PCA, and write
 * the one-file HTML report with its .vl/ specs, .json results and .labels.csv. Progress and
 * timings go to stderr, only when it is a terminal; stdout gets the paths of the written files.
 *
 * The outputs are checked before any work (src/report/outputs.ts): none may be the input file,
 * nor an existing file clusterlens did not write (unless --force), and they are committed
 * together. `--out` naming a device, a FIFO or '-' (standard output) writes the HTML only, there.
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { ORIENTATIONS } from '../charts/dendrogram.js';
import { DEFAULT_CENTRES } from '../cluster/two-stage.js';
import type { ScaleMethod } from '../data/scale.js';
import {
  buildReport,
  checkReportOutputs,
  type ReportOptions,
  resolveReportOptions,
  writeReport,
} from '../report/build.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { parseK as parseKmeansK } from './kmeans.js';
import { scaleMethodOf, scaleOption } from './scaling.js';
import {
  addLoadingOptions,
  FORCE_HELP,
  integerFlag,
  type LoadingFlags,
  loadFromFlags,
  seedFlag,
} from './options.js';

/** Where reports go without --out (created when missing). */
const DEFAULT_FOLDER = 'reports';

interface ReportFlags extends LoadingFlags {
  scale?: ScaleMethod;
  k: string;
  method: string;
  seed: string;
  out?: string;
  force?: boolean;
  static?: boolean;
  orientation: (typeof ORIENTATIONS)[number];
  twoStage?: boolean | string;
  sample?: string;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('report')
      .description(
        'write the one-file HTML report: choose k, k-means, hierarchical clustering, PCA',
      )
      .argument('<file>', 'CSV, TSV, JSON or NDJSON file'),
  )
    .addOption(scaleOption())
    .option(
      '--k <k>',
      "number of clusters, a range a..b to choose it from, or 'auto' (2 up to sqrt(n/2), at most 10)",
      'auto',
    )
    .option('--method <method>', 'linkage method of the hierarchical clustering', 'ward')
    .option('--seed <seed>', 'seed of every random choice', '0')
    .option(
      '--out <path>',
      "output HTML file (default: reports/<file name>.html); a device, FIFO or '-' (standard output) gets the HTML only",
    )
    .option('--force', FORCE_HELP)
    .option('--static', 'charts as inline SVG, no JavaScript (no tooltips or linked views)')
    .addOption(
      new Option(
        '--two-stage [centres]',
        `hierarchical clustering of all rows in two stages: k-means into this many centres (default ${DEFAULT_CENTRES}), then the tree of the centres weighted by their sizes`,
      ).conflicts('sample'),
    )
    .option(
      '--sample <n>',
      'rows in the seeded samples of the O(n^2) steps: hierarchical clustering, silhouettes, criteria of k (default: 5000)',
    )
    .addOption(
      new Option('--orientation <side>', 'where the dendrogram root is')
        .choices(ORIENTATIONS)
        .default('top'),
    )
    .action(async (file: string, flags: ReportFlags) => {
      const t0 = performance.now();
      const step = (what: string) =>
        context.progress(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const options: ReportOptions = {
        scale: scaleMethodOf(flags.scale),
        k: parseK(flags.k),
        method: flags.method,
        seed: seedFlag(flags.seed),
        orientation: flags.orientation,
      };
      if (flags.twoStage !== undefined && flags.twoStage !== false) {
        options.twoStage =
          flags.twoStage === true ? DEFAULT_CENTRES : integerFlag('--two-stage', flags.twoStage, 2);
      }
      if (flags.sample !== undefined) {
        const sample = integerFlag('--sample', flags.sample, 3);
        options.hclustMaxRows = sample;
        options.silhouetteMaxRows = sample;
        options.chooseKMaxRows = sample;
      }
      const out = flags.out ?? join(DEFAULT_FOLDER, `${basename(file, extname(file))}.html`);
      // Fail on options and on the output path before any work.
      resolveReportOptions(options);
      // The default folder is ours to create; a folder named in --out must exist.
      if (flags.out === undefined) mkdirSync(DEFAULT_FOLDER, { recursive: true });
      const plan = checkReportOutputs(out, { inputs: [file], force: flags.force ?? false });
      step('loading');
      const dataset = await loadFromFlags(file, flags);
      step(`loaded ${dataset.features.rows} rows x ${dataset.features.cols} features; analysing`);
      const report = buildReport(dataset, options);
      step('writing');
      const written = await writeReport(out, report, {
        static: flags.static ?? false,
        force: flags.force ?? false,
        stdout: context.io.stdout,
      });
      step('done');
      if (plan.html.kind === 'stdout') return;
      context.io.stdout.write(
        plan.htmlOnly
          ? `${written.html}\n`
          : `${written.html}\n${written.json}\n${written.labels}\n${written.specs.length} specs in ${out.replace(/\.html?$/i, '')}.vl/\n`,
      );
    });
}

/** `--k 3`, `--k auto`, or `--k 2..6` (a range to choose from, parsed as kmeans parses it). */
function parseK(text: string): number | 'auto' | [number, number] {
  if (text === 'auto') return 'auto';
  if (text.includes('..')) {
    const spec = parseKmeansK(text);
    if ('range' in spec) return spec.range;
  }
  const k = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(k) || k < 1) {
    throw new OptionError(`--k must be an integer >= 1 or 'auto'. Got '${text}' instead.`);
  }
  return k;
}
