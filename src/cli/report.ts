/**
 * `clusterlens report <file> [--label COL] [--id COL] [--features A,B] [--scale standard]
 *  [--k 3|2..6|auto] [--method ward] [--seed 0] [--n-init 10] [--out reports/NAME.html] [--static]
 *  [--two-stage [centres] | --sample N] [--max-features N]
 *  [--hdbscan [--min-cluster-size 5] [--min-samples N]] [--projection pca,umap] [--image WxH|none]`
 *
 * The O(n^2) steps (hierarchical clustering, silhouettes, the criteria of k) run on a seeded
 * sample of 5000 rows above that size; `--sample N` sets that size. `--two-stage [centres]`
 * builds the tree from all rows instead: k-means into `centres` (default 256) centres, then the
 * tree of the centres weighted by their sizes; the dendrogram's leaves are centres marked '(n)'.
 *
 * `--hdbscan` adds the density section (buildReport's `density` option): HDBSCAN with its noise,
 * condensed tree and k-distance chart. It is a flag of its own, not a value of `--method`:
 * `--method` names the linkage of the hierarchical clustering, which the report keeps beside the
 * density clustering, so the two choices do not exclude each other.
 *
 * The main job: load, scale, choose k, run k-means, hierarchical clustering and PCA, and write
 * the one-file HTML report with its .vl/ specs, .json results and .labels.csv. Progress and
 * timings go to stderr, only when it is a terminal; stdout gets the paths of the written files.
 *
 * The outputs are checked before any work (src/report/outputs.ts): none may be the input file,
 * nor an existing file clusterlens did not write (unless --force), and they are committed
 * together. `--out` naming a device, a FIFO or '-' (standard output) writes the HTML only, there.
 * `--projection pca,umap` draws the UMAP map beside the PCA projection (buildReport's
 * `projection` option), `--projection pca` leaves it out; by default it is drawn for data of 3 or
 * more feature columns and at most 100,000 rows.
 * `--image 8x8` reads the feature columns as the pixels of an 8 x 8 image per row (buildReport's
 * `image` option): the Images section (mean image, eigen-images, reconstructions at several k);
 * without it the section is added when the columns are detected as an image, `--image none`
 * leaves it out.
 * Data wider than `--max-features` (default 2000) is reduced to its columns of highest variance
 * (buildReport's `maxFeatures`; the preprocessing log says so). The file argument is declared
 * optional only so that `report --two-stage data.csv` (where commander hands the file to
 * --two-stage) can be read as meant (`twoStageFlag`); a missing file is still an error.
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { ORIENTATIONS } from '../charts/dendrogram.js';
import { LINKAGE_NAMES, type LinkageAlias, type LinkageMethod } from '../cluster/hclust/index.js';
import { DEFAULT_CENTRES } from '../cluster/hclust/two-stage.js';
import type { ScaleMethod } from '../data/scale.js';
import { OptionError } from '../util/errors.js';
// the report's modules (Vega and Vega-Lite among them) load when the command runs, not when the
// program registers its commands
import type { ReportOptions } from '../report/build.js';
import { MAX_REPORT_FEATURES, type ReportProjection } from '../report/options.js';
import type { CliContext } from './command.js';
import { scaleMethodOf, scaleOption } from './scaling.js';
import {
  addLoadingOptions,
  FORCE_HELP,
  integerFlag,
  kFlag,
  type LoadingFlags,
  loadFromFlags,
  seedFlag,
  twoStageInput,
} from './options.js';

/** Where reports go without --out (created when missing). */
const DEFAULT_FOLDER = 'reports';

interface ReportFlags extends LoadingFlags {
  scale?: ScaleMethod;
  k: string;
  method: LinkageMethod | LinkageAlias;
  seed: string;
  nInit?: string;
  out?: string;
  force?: boolean;
  static?: boolean;
  orientation: (typeof ORIENTATIONS)[number];
  twoStage?: boolean | string;
  sample?: string;
  maxFeatures?: string;
  hdbscan?: boolean;
  minClusterSize?: string;
  minSamples?: string;
  projection?: string;
  image?: string;
}

export function register(program: Command, context: CliContext): void {
  addLoadingOptions(
    program
      .command('report')
      .description(
        'write the one-file HTML report: choose k, k-means, hierarchical clustering, PCA',
      )
      .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
      .usage('[options] <file | --sql query>'),
    { sample: false },
  )
    .addOption(scaleOption())
    .option(
      '--k <k>',
      "number of clusters, a range a..b to choose it from, or 'auto' (2 up to sqrt(n/2), at most 10)",
      'auto',
    )
    .addOption(
      new Option('--method <method>', 'linkage method of the hierarchical clustering')
        .choices(LINKAGE_NAMES)
        .default('ward'),
    )
    .option('--seed <seed>', 'seed of every random choice', '0')
    .option('--n-init <n>', 'k-means restarts, the criteria of k included (default: 10)')
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
    .option(
      '--max-features <n>',
      `above this many feature columns, analyse the n of highest variance (default: ${MAX_REPORT_FEATURES})`,
    )
    .option('--hdbscan', 'add a density section: HDBSCAN clusters, noise, condensed tree')
    .option('--min-cluster-size <n>', 'HDBSCAN: smallest cluster (default: 5; with --hdbscan)')
    .option(
      '--min-samples <n>',
      'HDBSCAN: rows counted for a core distance, the row itself included (default: the min cluster size; with --hdbscan)',
    )
    .option(
      '--projection <maps>',
      "maps of the rows: 'pca', or 'pca,umap' for the UMAP map beside the PCA projection " +
        '(default: pca,umap from 3 feature columns up to 100,000 rows, else pca)',
    )
    .option(
      '--image <WxH|none>',
      "the feature columns are the pixels of a W x H image (row-major): an Images section with the mean image, eigen-images and reconstructions; 'none': no Images section (default: detected from the column names and values)",
    )
    .action(async (given: string | undefined, flags: ReportFlags) => {
      const t0 = performance.now();
      const step = (what: string) =>
        context.progress(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const { centres, file } = twoStageInput(flags.twoStage, given, flags, DEFAULT_CENTRES);
      const k = kFlag(flags.k, { auto: true, range: true });
      const options: ReportOptions = {
        scale: scaleMethodOf(flags.scale),
        k: k === 'auto' ? 'auto' : 'range' in k ? k.range : k.k,
        method: flags.method,
        seed: seedFlag(flags.seed),
        orientation: flags.orientation,
      };
      if (flags.nInit !== undefined) options.nInit = integerFlag('--n-init', flags.nInit, 1);
      if (centres !== undefined) options.twoStage = centres;
      if (flags.maxFeatures !== undefined) {
        options.maxFeatures = integerFlag('--max-features', flags.maxFeatures, 1);
      }
      if (flags.sample !== undefined) {
        const sample = integerFlag('--sample', flags.sample, 3);
        options.hclustMaxRows = sample;
        options.silhouetteMaxRows = sample;
        options.chooseKMaxRows = sample;
      }
      if (flags.hdbscan) {
        options.density = {
          minClusterSize:
            flags.minClusterSize === undefined
              ? 5
              : integerFlag('--min-cluster-size', flags.minClusterSize, 2),
          ...(flags.minSamples !== undefined
            ? { minSamples: integerFlag('--min-samples', flags.minSamples, 1) }
            : {}),
        };
      } else if (flags.minClusterSize !== undefined || flags.minSamples !== undefined) {
        throw new OptionError(
          `${flags.minClusterSize !== undefined ? '--min-cluster-size' : '--min-samples'} needs --hdbscan.`,
        );
      }
      if (flags.projection !== undefined) options.projection = projectionFlag(flags.projection);
      if (flags.image !== undefined) options.image = imageFlag(flags.image);
      const out = flags.out ?? join(DEFAULT_FOLDER, `${basename(file, extname(file))}.html`);
      const { buildReport, checkReportOutputs, resolveReportOptions, writeReport } = await import(
        '../report/build.js'
      );
      // Fail on options and on the output path before any work.
      resolveReportOptions(options);
      // The default folder is ours to create; a folder named in --out must exist.
      if (flags.out === undefined) mkdirSync(DEFAULT_FOLDER, { recursive: true });
      const plan = checkReportOutputs(out, { inputs: [file], force: flags.force ?? false });
      step('loading');
      const dataset = await loadFromFlags(file, { ...flags, sample: undefined }, context); // --sample is this command's own
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

/** `--projection pca` or `pca,umap` (any order): the maps of the report; 'pca' is always drawn. */
export function projectionFlag(text: string): ReportProjection[] {
  const items = text.split(',').map((item) => item.trim());
  const known = ['pca', 'umap'];
  if (items.some((item) => !known.includes(item)) || !items.includes('pca')) {
    throw new OptionError(
      `--projection must be 'pca' or 'pca,umap' (PCA is always drawn). Got '${text}' instead.`,
    );
  }
  return (['pca', 'umap'] as const).filter((p) => items.includes(p));
}

/** `--image WxH` (e.g. 8x8): the pixel grid of the feature columns; 'none': no Images section. */
export function imageFlag(text: string): { width: number; height: number } | false {
  if (text.trim().toLowerCase() === 'none') return false;
  const m = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  const width = m ? Number(m[1]) : 0;
  const height = m ? Number(m[2]) : 0;
  if (!(width >= 1 && height >= 1)) {
    throw new OptionError(
      `--image must be WxH (the width and height of the image in pixels, e.g. 8x8) or 'none'. Got '${text}' instead.`,
    );
  }
  return { width, height };
}
