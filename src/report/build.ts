/**
 * `buildReport(dataset, options)`: the analysis behind a report, and its charts and document;
 * `writeReport(path, report)` turns the result into files. Everything here is deterministic:
 * the same dataset and options give the same report.
 *
 * The steps, a file each:
 *   options.ts   the options, their defaults and checks; the check of fits given by the caller
 *   plan.ts      the memory plan, checked before any work
 *   analyse.ts   prepare, chooseK, fit, project, evaluate (the pipeline is described there)
 *   image.ts     when the feature columns form an image: its detection, the PCA of the raw
 *                pixels, the mean image, eigen-images and reconstructions
 *   density.ts   with the `density` option: HDBSCAN, matched to the k-means colours, and its
 *                statistics without the noise rows
 *   columns.ts   samples of rows, z-scores, per-cluster means and summaries of the columns
 *   stats.ts     the statistics the analysis and charts take from src/metrics (matching, ANOVA F)
 *   charts.ts    the Vega-Lite specs (src/charts) and the table of samples they share
 *   document.ts  the report document: sections of text, tables and charts
 *   results.ts   NAME.json and NAME.labels.csv
 *   files.ts     `writeReport`: NAME.html, NAME.vl/<chart>.vl.json, NAME.json, NAME.labels.csv
 *                (each written atomically, committed together), named after a path ending in .html
 *   model.ts     the `Report` type, and the reports `buildReport` made (`writeReport` takes those)
 */
import { type Dataset, type MatrixLike, toDataset } from '../data/dataset.js';
import { OptionError } from '../util/errors.js';
import { type Analysed, analyse, type ReportAnalysis, reduceWidth } from './analyse.js';
import { reportCharts } from './charts.js';
import { buildDocument } from './document.js';
import { imageLayout } from './image.js';
import type { ReportChart } from './html.js';
import { buildManifest, type Manifest } from './manifest.js';
import { markBuilt, type Report } from './model.js';
import {
  checkGivenFits,
  type ReportOptions,
  type ResolvedReportOptions,
  resolveReportOptions,
} from './options.js';
import { planReport } from './plan.js';
import { reportJSON } from './results.js';

export type { ReportAnalysis } from './analyse.js';
export { REPORT_CHARTS, type ReportChartName } from './charts.js';
export { silhouetteStructure } from './document.js';
export {
  checkReportOutputs,
  type ReportOutputs,
  type WriteReportOptions,
  type WrittenReport,
  writeReport,
} from './files.js';
export type { Report } from './model.js';
export {
  MAX_REPORT_FEATURES,
  type ReportOptions,
  type ResolvedReportOptions,
  resolveReportOptions,
} from './options.js';
export { planReport, type ReportPlan } from './plan.js';

/**
 * Run the analysis on `dataset` and build the report's charts and document. `dataset` is what
 * the loaders return; a matrix (`FeatureMatrix`, `number[][]`, ml-matrix) is taken as a
 * dataset with columns 'x1'..'xd' (`toDataset`).
 *
 * @example
 * import { buildReport, loadDataset } from 'clusterlens';
 *
 * const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
 * const report = buildReport(iris, { k: 3 });
 * report.analysis.k; // => 3
 * report.charts.map((chart) => chart.name).includes('projection'); // => true
 */
export function buildReport(data: Dataset | MatrixLike, options: ReportOptions = {}): Report {
  const o = resolveReportOptions(options);
  const reduced = reduceWidth(toDataset(data, 'buildReport'), o.maxFeatures);
  const dataset = reduced.dataset;
  const { rows: n, cols: d } = dataset.features;
  if (n < 3) throw new OptionError(`A report needs at least 3 rows; the data has n=${n}.`);
  if (d < 1) throw new OptionError('A report needs at least one feature column.');
  checkGivenFits(o, dataset);
  // before any work: the copies, the per-row results and the largest step fit in the budget
  planReport(n, d, options);
  const layout = imageLayout(o.image, dataset, reduced.reduction !== undefined);
  return assembleReport(dataset, o, analyse(dataset, o, reduced.reduction, layout));
}

/**
 * The charts, manifest and document of an analysis, and the `Report` (`labelsFile`: the labels
 * file already written by a streamed report, stream.ts).
 */
export function assembleReport(
  dataset: Dataset,
  o: ResolvedReportOptions,
  { analysis, work }: Analysed,
  labelsFile?: Report['labelsFile'],
): Report {
  const n = dataset.features.rows;
  const ids = dataset.ids ?? Array.from({ length: n }, (_, i) => String(i + 1));
  const { charts, table } = reportCharts(analysis, work, o, ids);
  const manifest = reportManifest(dataset, o, analysis);
  const document = buildDocument(dataset, o, analysis, charts, manifest, table);
  const chartList: ReportChart[] = [];
  for (const s of document.sections)
    for (const b of s.blocks) if (b.kind === 'chart') chartList.push(b.chart);
  const report: Report = {
    options: o,
    analysis,
    manifest,
    charts: chartList,
    document,
    ids,
    labels: dataset.labels,
    source: dataset.source.path,
    ...(labelsFile ? { labelsFile } : {}),
    toJSON() {
      return reportJSON(analysis, manifest, ids);
    },
  };
  markBuilt(report);
  return report;
}

/** The manifest: the input, the options (the fits given by the caller named, not copied), the seed. */
function reportManifest(
  dataset: Dataset,
  o: ResolvedReportOptions,
  analysis: ReportAnalysis,
): Manifest {
  const given = analysis.given;
  const { kmeans: _k, hclust: _h, pca: _p, density, projection: _m, image: _i, ...plain } = o;
  return buildManifest({
    source: dataset.source,
    options: {
      ...plain,
      ...(density !== undefined ? { density } : {}),
      ...(given.length > 0 ? { given } : {}),
      // the maps drawn: the option as given, or as the size of the data chose
      projection: analysis.umap ? ['pca', 'umap'] : ['pca'],
      // the image the columns form: the option as given, or as detected
      image: analysis.image
        ? { width: analysis.image.width, height: analysis.image.height, rule: analysis.image.rule }
        : false,
      ...(analysis.stream
        ? {
            stream: {
              rows: analysis.stream.rows,
              sampleRows: analysis.stream.sampleRows,
              epochs: analysis.stream.epochs,
            },
          }
        : {}),
      title: o.title ?? null,
      label: dataset.labelColumn ?? null,
      id: dataset.idColumn ?? null,
      features: [...dataset.columns],
    },
    seed: o.seed,
  });
}
