/**
 * `clusterlens report <file> [--label COL] [--id COL] [--features A,B] [--scale standard]
 *  [--k 3|2..6|auto] [--method ward] [--seed 0] [--n-init 10] [--out reports/NAME.html] [--static]
 *  [--two-stage [centres] | --subsample N] [--sample N] [--max-features N]
 *  [--hdbscan [--min-cluster-size 5] [--min-samples N]] [--projection pca,umap] [--image WxH|none]`
 *
 * The O(n^2) steps (hierarchical clustering, silhouettes, the criteria of k) run on a seeded
 * sample of 5000 rows above that size; `--subsample N` sets that size. `--sample N` (shared with
 * the other commands) reports a seeded sample of N rows of the file instead of all of them.
 * `--two-stage [centres]`
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
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { ORIENTATIONS } from '../charts/dendrogram.js';
import { LINKAGE_NAMES, type LinkageAlias, type LinkageMethod } from '../cluster/hclust/index.js';
import { DEFAULT_CENTRES } from '../cluster/hclust/two-stage.js';
import type { ScaleMethod } from '../data/scale.js';
import { OptionError } from '../util/errors.js';
// the report's modules (Vega and Vega-Lite among them) load when the command runs, not when the
// program registers its commands
import type { Report, ReportOptions } from '../report/build.js';
import {
  MAX_REPORT_FEATURES,
  type ReportProjection,
  STREAM_SAMPLE_ROWS,
} from '../report/options.js';
import type { ChunkedTable } from '../data/chunks.js';
import type { CliContext } from './command.js';
import { metered, progressMeter } from './progress.js';
import { scaleMethodOf, scaleOption } from './scaling.js';
import {
  addLoadingOptions,
  FORCE_HELP,
  integerFlag,
  kFlag,
  type LoadingFlags,
  loadFromFlags,
  loadOptionsFromFlags,
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
  subsample?: string;
  maxFeatures?: string;
  hdbscan?: boolean;
  minClusterSize?: string;
  minSamples?: string;
  projection?: string;
  image?: string;
  stream?: boolean;
  streamSample?: string;
  epochs?: string;
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
      ).conflicts('subsample'),
    )
    .option(
      '--subsample <n>',
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
    .option(
      '--stream',
      'read the data in passes of chunks, with memory for one chunk and a sample: scaling, PCA and k-means on all rows, the rest on the sample (default: when the in-memory report would not fit --max-memory)',
    )
    .option(
      '--stream-sample <n>',
      `streamed report: rows of the seeded sample of the criteria of k, tree, silhouettes, map and charts (default: ${STREAM_SAMPLE_ROWS})`,
    )
    .option('--epochs <n>', 'streamed report: passes of mini-batch k-means steps (default: 1)')
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
      if (flags.subsample !== undefined) {
        const sample = integerFlag('--subsample', flags.subsample, 3);
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
      const streamed = await streamChoice(file, flags, options);
      let report: Report;
      if (streamed.stream) {
        if (!context.quiet) context.io.stderr.write(`clusterlens: ${streamed.message}\n`);
        const { buildStreamedReport } = await import('../report/stream.js');
        const chunks = await openChunks(file, flags);
        const meter = progressMeter(
          context,
          `streaming ${flags.sql === undefined ? file : 'the query'}`,
          chunks.total,
        );
        const table = metered(chunks, meter);
        report = await buildStreamedReport(table, {
          ...options,
          ...(flags.streamSample !== undefined
            ? { sampleRows: integerFlag('--stream-sample', flags.streamSample, 3) }
            : {}),
          ...(flags.epochs !== undefined
            ? { epochs: integerFlag('--epochs', flags.epochs, 1, 1000) }
            : {}),
          scratch: plan.html.kind === 'file' ? dirname(out) : undefined,
          reason: streamed.reason,
          onPass: (pass, passes) => meter.pass(pass, passes),
        });
        meter.done();
      } else {
        if (flags.streamSample !== undefined || flags.epochs !== undefined) {
          throw new OptionError(
            `${flags.streamSample !== undefined ? '--stream-sample' : '--epochs'} is for a streamed report: add --stream.`,
          );
        }
        step('loading');
        const dataset = await loadFromFlags(file, flags, context);
        step(`loaded ${dataset.features.rows} rows x ${dataset.features.cols} features; analysing`);
        report = buildReport(dataset, options);
      }
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

/**
 * Whether the report streams the data (--stream, or an in-memory report that would need more
 * than the memory budget), why (for the report) and the sentence that says so on stderr. The
 * rows of a text file are estimated from its size and the bytes per line of its first MiB; a
 * Parquet file's come from its metadata, an Arrow file's from its size at 8 bytes per value.
 */
async function streamChoice(
  file: string,
  flags: ReportFlags,
  options: ReportOptions,
): Promise<{ stream: boolean; reason: string; message: string }> {
  if (flags.sample !== undefined) {
    if (flags.stream) {
      throw new OptionError(
        '--sample reads a sample of the rows into memory and --stream reads all of them in passes: give one of them.',
      );
    }
    return { stream: false, reason: '', message: '' };
  }
  if (flags.sql !== undefined) {
    return {
      stream: true,
      reason: 'the rows of a query are streamed',
      message: `streaming the query's rows in passes (scaling, PCA and k-means on all rows; the rest on a seeded sample).`,
    };
  }
  const { formatOf } = await import('../data/load.js');
  const { reportMemoryNeed } = await import('../report/plan.js');
  const { formatBytes, memoryBudget } = await import('../util/memory.js');
  const budget = memoryBudget();
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // the loader reports the problem
  }
  const text = !['parquet', 'arrow'].includes(formatOf(file));
  let d: number;
  let rows: number;
  if (text) {
    const head = firstBytes(file, 2 ** 20);
    const header = head.slice(0, Math.max(0, head.indexOf('\n')));
    const lines = head.split('\n').length - 1;
    d = Math.max(1, header.split(/[,;\t|]/).length);
    rows = Math.ceil(size / Math.max(1, head.length / Math.max(1, lines)));
  } else {
    // a columnar file's columns (and a Parquet file's rows) are in its metadata: open it, stop
    // before the first chunk (which closes it)
    const table = await openChunks(file, flags);
    d = Math.max(1, table.columns.length);
    rows = table.total?.rows ?? Math.ceil(size / (8 * d));
    for await (const _ of table) break;
  }
  const need = reportMemoryNeed(rows, d, options, {
    ids: flags.id !== undefined,
    labels: flags.label !== undefined,
  });
  const about = `about ${rows.toLocaleString('en-US')} rows x ${d} columns`;
  const passes =
    2 + (flags.epochs === undefined ? 1 : integerFlag('--epochs', flags.epochs, 1, 1000));
  const plan = `in ${passes} passes (scaling, PCA and k-means on all rows; the rest on a seeded sample)`;
  if (flags.stream) {
    return {
      stream: true,
      reason: 'asked for with --stream',
      message: `streaming ${file} (${about}) ${plan} (--stream).`,
    };
  }
  if (need <= budget.bytes) return { stream: false, reason: '', message: '' };
  const over = `would need about ${formatBytes(need)} in memory, more than the budget of ${formatBytes(budget.bytes)} (${budget.source})`;
  return {
    stream: true,
    reason: `the in-memory report of ${about} ${over}`,
    message: `${file} (${about}) ${over}: streaming it ${plan}.`,
  };
}

/** The chunks of the file, or of the query of --sql, as the loading flags say. */
async function openChunks(file: string, flags: ReportFlags): Promise<ChunkedTable> {
  if (flags.sql === undefined) {
    const { readChunks } = await import('../data/chunks.js');
    return readChunks(file, loadOptionsFromFlags(flags));
  }
  const { format: _f, delimiter: _d, decimal: _m, ...options } = loadOptionsFromFlags(flags);
  const { readSqlChunks } = await import('../data/sql.js');
  return readSqlChunks(flags.sql, options);
}

/** The first `bytes` of a file as text (fewer for a shorter file; '' when unreadable). */
function firstBytes(file: string, bytes: number): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const read = readSync(fd, buffer, 0, bytes, 0);
      return buffer.subarray(0, read).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
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
