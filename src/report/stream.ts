/**
 * `buildStreamedReport(table, options)`: the report of data larger than the memory budget, made
 * in a few passes over its chunks (a `ChunkedTable` of `readChunks`), with memory for one chunk
 * and a seeded sample only. What each pass does:
 *
 *   1. column moments (Chan's merge, src/data/moments.ts) and a seeded reservoir sample of
 *      `sampleRows` rows (Algorithm R, src/data/sample.ts); the count of rows.
 *      The scaling comes from the moments of all rows ('robust' from the sample: medians and
 *      quartiles need the whole column sorted). k comes from the criteria on the scaled sample
 *      (as the in-memory report computes them on a sample above `chooseKMaxRows` rows), and
 *      k-means on the sample (`nInit` restarts) gives the starting centres.
 *   2. mini-batch k-means: one step per chunk, each chunk a batch (scikit-learn's `partial_fit`),
 *      from those centres, without random reassignment (a small cluster of the sample stays);
 *      and the PCA co-moments of the scaled rows (`PCAAccumulator`: the same model as `pca` on
 *      all rows, to rounding). `epochs` > 1 adds passes of mini-batch steps.
 *   3. the labels file, chunk by chunk: every row's k-means cluster (final centres), its scores
 *      on PC1 and PC2, its hierarchical cluster (that of its nearest stage-1 centre), and for
 *      the rows of the sample the UMAP coordinates; the cluster sizes and inertia of all rows.
 *
 * The hierarchical clustering is in two stages by default (`twoStage` 256: k-means of the
 * sample into 256 centres, the tree of the centres weighted by their sizes), so that every row
 * reaches the tree through its nearest centre; with `hclustMaxRows` given instead, it is the
 * tree of a seeded subsample of the sample, which labels those rows only (as the in-memory
 * report does above that many rows). The criteria of k, the tree, the silhouettes, the UMAP map
 * and the charts are those of the in-memory report run on the sample (analyse.ts with
 * `StreamedFits`); the report says which numbers come from all rows and which from the sample.
 *
 * Missing values: the chunks keep NaN with the policies 'mean' and 'median' (the table's
 * `missing`, chunks.ts); 'mean' imputes the mean of each column over all rows (what
 * `loadDataset` imputes), 'median' the median of the sample's values (said in the report).
 * 'error' and 'drop' act in the chunks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CENTRES } from '../cluster/hclust/two-stage.js';
import { createMiniBatchKMeans } from '../cluster/kmeans/minibatch.js';
import { inertiaOf, nearestLabels } from '../cluster/kmeans/distances.js';
import { makeResult } from '../cluster/kmeans/result.js';
import { kmeans } from '../cluster/kmeans/index.js';
import type { ChunkedTable, RowChunk } from '../data/chunks.js';
import { type Dataset, type FeatureMatrix, featureMatrix } from '../data/dataset.js';
import type { MissingPolicy } from '../data/missing.js';
import { RunningMoments, scalingFromMoments } from '../data/moments.js';
import { reservoirSample } from '../data/sample.js';
import { type ScaleResult, scale, scalingFrom } from '../data/scale.js';
import { createPCAAccumulator } from '../decomposition/pca/index.js';
import { withScores } from '../decomposition/pca/model.js';
import { DataError, OptionError } from '../util/errors.js';
import { RAISE_BUDGET } from '../util/memory.js';
import { message, option } from '../util/message.js';
import { checkInteger } from '../util/validate.js';
import { analyse, chooseClusterCount, type StreamInfo } from './analyse.js';
import { assembleReport } from './build.js';
import { imageLayout } from './image.js';
import { labelsCsv } from './labels-csv.js';
import type { Report } from './model.js';
import { type ReportOptions, resolveReportOptions, STREAM_SAMPLE_ROWS } from './options.js';

/** Options of `buildStreamedReport`: those of `buildReport`, and of the passes. */
export interface StreamReportOptions extends ReportOptions {
  /** Rows of the seeded sample the criteria, tree, silhouettes, map and charts see. Default: 20,000. */
  sampleRows?: number;
  /** Passes of mini-batch k-means steps over the chunks. Default: 1. */
  epochs?: number;
  /**
   * Folder of the labels file while it is written (`writeReport` moves it next to the report:
   * give the report's folder to make that a rename). Default: the system's temporary folder.
   */
  scratch?: string;
  /** Why the data is streamed, for the report (e.g. the memory it would need). */
  reason?: string;
  /** Called at the start of each pass (1-based) with the number of passes. */
  onPass?: (pass: number, passes: number) => void;
  /** Called after each chunk with the rows read so far in the pass. */
  onChunk?: (rows: number) => void;
}

/**
 * The report of the rows of `table` in a few passes over its chunks (see the file comment). The
 * report's labels file is written in the last pass; `writeReport` moves it into place.
 *
 * @example
 * import { buildStreamedReport, readChunks } from 'clusterlens/advanced';
 *
 * const table = await readChunks('datasets/iris.csv', { label: 'species', chunkRows: 50 });
 * const report = await buildStreamedReport(table, { k: 3, sampleRows: 100 });
 * report.analysis.stream?.rows; // => 150
 * report.analysis.n; // => 100
 */
export async function buildStreamedReport(
  table: ChunkedTable,
  options: StreamReportOptions = {},
): Promise<Report> {
  const fn = 'buildStreamedReport';
  if (
    typeof table !== 'object' ||
    table === null ||
    !Array.isArray((table as Partial<ChunkedTable>).columns) ||
    typeof (table as Partial<ChunkedTable>).again !== 'function'
  ) {
    throw new OptionError(
      `${fn} needs the chunks of a file as readChunks opens them. Got ${table === null ? 'null' : typeof table} instead.`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`${fn} expects an options object. Got ${String(options)} instead.`);
  }
  const {
    sampleRows = STREAM_SAMPLE_ROWS,
    epochs = 1,
    scratch = tmpdir(),
    reason = '',
    onPass,
    onChunk,
    ...reportOptions
  } = options;
  checkInteger(fn, 'sampleRows', sampleRows, 3, 2 ** 31 - 1);
  checkInteger(fn, 'epochs', epochs, 1, 1000);
  // the chunks keep their missing values with 'mean' and 'median': imputed here
  const missing = table.missing ?? 'error';
  // the tree in two stages by default: every row reaches it through its nearest centre
  if (reportOptions.twoStage === undefined && reportOptions.hclustMaxRows === undefined) {
    reportOptions.twoStage = DEFAULT_CENTRES;
  }
  const o = resolveReportOptions(reportOptions);
  for (const given of ['kmeans', 'hclust', 'pca'] as const) {
    if (o[given] !== undefined) {
      throw new OptionError(
        `The '${given}' option is for buildReport: ${fn} fits k-means and PCA on all rows of the stream.`,
      );
    }
  }
  if (o.density !== undefined) {
    throw new OptionError(
      message`The density section (HDBSCAN) needs every row in memory. Report a seeded sample of the rows (${option('sample', 'N', { placeholder: true, library: 'loadSample()' })}), or ${RAISE_BUDGET}.`,
    );
  }
  const names = table.columns;
  const d = names.length;
  if (d < 1) throw new OptionError('A report needs at least one feature column.');
  if (d > o.maxFeatures) {
    throw new OptionError(
      message`The data has ${d} feature columns, more than the ${o.maxFeatures} a report analyses (${option('maxFeatures')}); when it is streamed, name the columns to analyse (${option('features')}).`,
    );
  }
  const passes = 2 + epochs;

  // pass 1: moments and the sample
  onPass?.(1, passes);
  const moments = new RunningMoments(d);
  let chunks = 0;
  const sample = await reservoirSample(table, sampleRows, o.seed, (chunk) => {
    moments.add(chunk.data, chunk.rows);
    chunks++;
    onChunk?.(moments.rows);
  });
  const rows = sample.seen;
  if (rows < 3) throw new OptionError(`A report needs at least 3 rows; the data has n=${rows}.`);
  const fill = imputation(missing, moments, sample.features, names, table.source.path);
  const imputed = imputeRows(sample.features.data, sample.rows, d, fill);

  const source = {
    ...table.source,
    valuesImputed: imputed,
    notes: [
      ...(table.source.notes ?? []),
      `${rows} rows read in ${passes} passes of ${chunks} chunks: scaling, PCA and k-means on all rows; the criteria of k, hierarchical clustering, silhouettes and charts on a seeded sample (seed ${o.seed}) of ${sample.rows} rows.`,
      ...(imputed > 0
        ? [
            `missing values imputed with the ${missing} of each column (${missing === 'median' ? `of the sample of ${sample.rows} rows` : 'of all rows'}).`,
          ]
        : []),
    ],
  };
  const dataset: Dataset = {
    features: sample.features,
    columns: [...names],
    // without an id column, a row's id is its number among the rows read, as in the labels file
    ids: sample.ids ?? Array.from(sample.positions, (p) => String(p + 1)),
    source,
  };
  if (table.idColumn !== undefined) dataset.idColumn = table.idColumn;
  if (sample.labels !== undefined) {
    dataset.labels = sample.labels;
    dataset.labelColumn = table.labelColumn!;
  }
  const scaling: ScaleResult =
    o.scale === 'robust'
      ? scale(dataset, { method: 'robust', columns: names })
      : scalingFrom(o.scale, scalingFromMoments(o.scale, moments, names, fn), dataset, names);
  const Xs = scaling.scaled;
  const choice = chooseClusterCount(Xs, o);
  const k = choice.k;
  const reuse =
    choice.rows.length === sample.rows ? choice.result?.fits.find((f) => f.k === k) : undefined;
  const start = reuse ?? kmeans(Xs, { k, seed: o.seed, nInit: o.nInit });

  // passes 2..: mini-batch steps, and PCA in the first of them
  const model = createMiniBatchKMeans({
    k,
    init: start.centroids,
    nInit: 1,
    seed: o.seed,
    // each chunk is one batch
    batchSize: 2 ** 30,
    reassignmentRatio: 0,
  });
  const accumulator = createPCAAccumulator();
  let current = table;
  for (let e = 0; e < epochs; e++) {
    onPass?.(2 + e, passes);
    current = await current.again();
    let read = 0;
    for await (const chunk of current) {
      const Y = scaledChunk(chunk, scaling, fill);
      if (e === 0) accumulator.add(Y);
      if (Y.rows > 0) model.partialFit(Y);
      read += chunk.rows;
      onChunk?.(read);
    }
  }
  const pcaModel = accumulator.finish({ components: Math.min(rows, d) });
  const centres = new Float64Array(k * d);
  model.centroids.forEach((c, i) => {
    centres.set(c, i * d);
  });
  const sampleLabels = nearestLabels(Xs.data, Xs.rows, d, centres, k);
  const sampleSizes = new Int32Array(k);
  for (let i = 0; i < sampleLabels.length; i++) sampleSizes[sampleLabels[i]!]!++;
  const km = makeResult(
    {
      labels: sampleLabels,
      centres,
      inertia: Number.NaN,
      iterations: model.steps,
      converged: model.converged,
    },
    k,
    d,
    start.nInit,
    start.algorithm,
    o.seed,
    sampleSizes,
  );
  const info: StreamInfo = {
    rows,
    sampleRows: sample.rows,
    passes,
    epochs,
    chunks,
    sizes: new Int32Array(k),
    inertia: Number.NaN,
    reason,
    scalingFromSample: o.scale === 'robust',
    imputedFromSample: missing === 'median' && imputed > 0,
  };
  const layout = imageLayout(o.image, dataset, false);
  const analysed = analyse(dataset, o, undefined, layout, {
    scaling,
    choice,
    kmeans: km,
    pca: withScores(pcaModel, Xs),
    info,
  });

  // the last pass: the labels file
  onPass?.(passes, passes);
  current = await current.again();
  const a = analysed.analysis;
  const path = join(
    scratch,
    `.tmp-stream.labels.csv-${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  const hash = createHash('sha256');
  const fd = openSync(path, 'wx');
  const cleanup = () => rmSync(path, { force: true });
  removeAtExit(path);
  let inertia = 0;
  // with the tree of two stages: the centres and the (matched) cluster of each
  const two = a.twoStage;
  const centreLabels = new Int32Array(two?.sizes.length ?? 0).fill(-1);
  if (two !== undefined) {
    for (let r = 0; r < sample.rows; r++) centreLabels[two.assignment[r]!] = a.hclustLabels[r]!;
  }
  try {
    let position = 0; // rows before the chunk
    let r = 0; // the next sample row
    const umap = a.umap?.embedding;
    for await (const chunk of current) {
      const n = chunk.rows;
      const Y = scaledChunk(chunk, scaling, fill);
      const labels = nearestLabels(Y.data, n, d, centres, k);
      inertia += inertiaOf(Y.data, n, d, null, centres, labels);
      for (let i = 0; i < n; i++) info.sizes[labels[i]!]!++;
      const scores = pcaModel.transform(Y);
      const pc = [new Float64Array(n).fill(Number.NaN), new Float64Array(n).fill(Number.NaN)];
      for (let c = 0; c < Math.min(2, scores.cols); c++) {
        for (let i = 0; i < n; i++) pc[c]![i] = scores.data[i * scores.cols + c]!;
      }
      const hier =
        two === undefined
          ? new Int32Array(n).fill(-1)
          : nearestLabels(Y.data, n, d, two.centres.data, two.centres.rows);
      if (two !== undefined) for (let i = 0; i < n; i++) hier[i] = centreLabels[hier[i]!]!;
      const map = [new Float64Array(n).fill(Number.NaN), new Float64Array(n).fill(Number.NaN)];
      while (r < sample.rows && sample.positions[r]! < position + n) {
        const i = sample.positions[r]! - position;
        hier[i] = a.hclustLabels[r]!;
        if (umap !== undefined) {
          map[0]![i] = umap.data[r * umap.cols]!;
          map[1]![i] = umap.data[r * umap.cols + 1]!;
        }
        r++;
      }
      const ids = chunk.ids ?? Array.from({ length: n }, (_, i) => String(position + i + 1));
      const text = labelsCsv(
        { n, ids, labels: chunk.labels },
        {
          clusterings: { kmeans: labels, hierarchical: hier },
          extra: [
            { name: 'PC1', values: pc[0]! },
            { name: 'PC2', values: pc[1]! },
            ...(umap !== undefined
              ? [
                  { name: 'UMAP1', values: map[0]! },
                  { name: 'UMAP2', values: map[1]! },
                ]
              : []),
          ],
        },
        { header: position === 0 },
      );
      writeSync(fd, text);
      hash.update(text);
      position += n;
      onChunk?.(position);
    }
    if (position !== rows) {
      throw new DataError(
        `${table.source.path}: the last pass read ${position} rows, the first ${rows}; the file changed while it was read.`,
      );
    }
  } catch (error) {
    closeSync(fd);
    cleanup();
    throw error;
  }
  closeSync(fd);
  info.inertia = inertia;
  km.inertia = inertia;
  return assembleReport(dataset, o, analysed, { path, sha256: hash.digest('hex') });
}

/**
 * The labels files of streamed reports, removed when the process exits if `writeReport` has not
 * moved them into place by then (a report never written leaves nothing behind).
 */
const pending = new Set<string>();

function removeAtExit(path: string): void {
  if (pending.size === 0) {
    process.on('exit', () => {
      for (const p of pending) rmSync(p, { force: true });
    });
  }
  pending.add(path);
}

/**
 * The value each column's missing values take (NaN: none to impute), from `missing`; each is
 * merged into the moments `m` as that many copies of it (`RunningMoments.impute`).
 */
function imputation(
  missing: MissingPolicy,
  m: RunningMoments,
  sample: FeatureMatrix,
  names: readonly string[],
  where: string,
): Float64Array {
  const d = m.cols;
  const fill = new Float64Array(d).fill(Number.NaN);
  if (missing !== 'mean' && missing !== 'median') return fill;
  for (let j = 0; j < d; j++) {
    if (m.count[j] === m.rows) continue;
    if (m.count[j] === 0) {
      throw new DataError(
        message`${where}: column '${names[j]}' has no values. Leave it out (${option('exclude')}) or name the features (${option('features')}).`,
      );
    }
    fill[j] = missing === 'mean' ? m.mean[j]! : sampleMedian(sample, j, m.mean[j]!);
    m.impute(j, fill[j]!);
  }
  return fill;
}

/** Median of the values of column j of the sample (NaN skipped); `otherwise` when it has none. */
function sampleMedian(sample: FeatureMatrix, j: number, otherwise: number): number {
  const { rows, cols, data } = sample;
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const v = data[i * cols + j]!;
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length === 0) return otherwise;
  values.sort((x, y) => x - y);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Replace each NaN of column j by fill[j]; the number replaced. */
function imputeRows(data: Float64Array, rows: number, d: number, fill: Float64Array): number {
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      if (Number.isNaN(data[o + j]!) && !Number.isNaN(fill[j]!)) {
        data[o + j] = fill[j]!;
        count++;
      }
    }
  }
  return count;
}

/** A chunk's rows imputed and scaled. */
function scaledChunk(chunk: RowChunk, scaling: ScaleResult, fill: Float64Array): FeatureMatrix {
  imputeRows(chunk.data, chunk.rows, chunk.cols, fill);
  return scaling.transform(featureMatrix(chunk.rows, chunk.cols, chunk.data));
}
