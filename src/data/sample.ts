/**
 * `loadSample(path, n, options)`: a seeded uniform sample of `n` rows of a data file, read in
 * one pass over its chunks (chunks.ts) with memory for the sample only.
 *
 * Reservoir sampling, Algorithm R: the first n rows fill the reservoir; row t (0-based, t >= n)
 * replaces slot j = `interval(t)` (uniform in 0..t, MT19937 as numpy's RandomState) when j < n.
 * Every row is kept with probability n / M (M rows in all). The sample is returned in file
 * order, and with the same file, options and seed it is the same rows. A file of at most n rows
 * is returned whole (then `source.sample` is absent).
 *
 * Missing values: 'drop' samples among the complete rows; 'mean' and 'median' impute each column
 * of the sample from the sample (said in `source.notes`).
 *
 * The rows may also come from chunks already opened (`readChunks`, `readSqlChunks`, or a
 * wrapper that meters them): `loadSample(table, n, {seed})` samples their pass, with the
 * missing-value policy of the table.
 */
import { OptionError } from '../util/errors.js';
import { DEFAULT_SEED, RandomState } from '../util/random.js';
import { checkArgument } from '../util/validate.js';
import { type ChunkedTable, type ChunkOptions, type RowChunk, readChunks } from './chunks.js';
import { type Dataset, type FeatureMatrix, featureMatrix } from './dataset.js';
import { imputeColumn } from './missing.js';

/** Options of `loadSample`: those of `readChunks` plus the seed. */
export interface SampleOptions extends ChunkOptions {
  /** Seed of the sample (MT19937). Default: 0. */
  seed?: number;
}

/**
 * Load a seeded sample of `n` rows of a data file (see the file comment).
 *
 * @example
 * import { loadSample } from 'clusterlens/advanced';
 *
 * const d = await loadSample('datasets/iris.csv', 20, { label: 'species', seed: 1 });
 * d.features.rows; // => 20
 * d.source.sample; // => { rows: 20, of: 150, seed: 1 }
 */
export async function loadSample(
  input: string | ChunkedTable,
  n: number,
  options: SampleOptions = {},
): Promise<Dataset> {
  const fn = 'loadSample';
  checkArgument.integer(fn, 'n', n, 1, 2 ** 31 - 1);
  const { seed: givenSeed, ...chunkOptions } = options;
  if (typeof input !== 'string') {
    if (
      typeof input !== 'object' ||
      input === null ||
      typeof (input as Partial<ChunkedTable>)[Symbol.asyncIterator] !== 'function' ||
      !Array.isArray((input as Partial<ChunkedTable>).columns)
    ) {
      throw new OptionError(
        `The data of ${fn} must be a file path or the chunks of readChunks or readSqlChunks. Got ${typeof input} instead.`,
      );
    }
    const given = Object.keys(chunkOptions).filter(
      (key) => (chunkOptions as Record<string, unknown>)[key] !== undefined,
    );
    if (given.length > 0) {
      throw new OptionError(
        `loadSample of chunks already opened takes the 'seed' option only (the chunks were read with their own options). Got '${given[0]}' too.`,
      );
    }
  }
  const seed = givenSeed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new OptionError(
      `The 'seed' option of ${fn} must be an integer in [0, 2^32 - 1]. Got ${JSON.stringify(seed)} instead.`,
    );
  }
  const table = typeof input === 'string' ? await readChunks(input, chunkOptions) : input;
  const cols = table.columns.length;
  const sample = await reservoirSample(table, n, seed);
  const { rows, seen } = sample;
  const out = sample.features.data;
  const source = { ...table.source, notes: [...(table.source.notes ?? [])] };
  const missing = table.missing ?? 'error';
  if (missing === 'mean' || missing === 'median') {
    const column = new Float64Array(rows);
    for (let c = 0; c < cols; c++) {
      let any = false;
      for (let r = 0; r < rows; r++) {
        const v = out[r * cols + c]!;
        column[r] = v;
        if (Number.isNaN(v)) any = true;
      }
      if (!any) continue;
      source.valuesImputed += imputeColumn(column, rows, missing);
      for (let r = 0; r < rows; r++) out[r * cols + c] = column[r]!;
    }
    if (source.valuesImputed > 0) {
      source.notes.push(
        `missing values imputed with the ${missing} of each column of the sample of ${rows} rows.`,
      );
    }
  }
  if (seen > n) {
    source.sample = { rows, of: seen, seed };
    source.notes.push(
      `a seeded sample (seed ${seed}) of ${rows} of the ${seen} rows${source.rowsDropped > 0 ? ' kept' : ''}, read in one pass; the rows keep their order in the file.`,
    );
  }
  const dataset: Dataset = { features: sample.features, columns: table.columns, source };
  if (sample.ids !== undefined) {
    dataset.ids = sample.ids;
    dataset.idColumn = table.idColumn!;
  }
  if (sample.labels !== undefined) {
    dataset.labels = sample.labels;
    dataset.labelColumn = table.labelColumn!;
  }
  return dataset;
}

/** A reservoir sample of a table's rows, in file order. */
export interface Reservoir {
  /** The sampled rows' features, in file order (missing values still NaN). */
  features: FeatureMatrix;
  /** Rows in the sample: min(n, seen). */
  rows: number;
  /** The 0-based position of each sampled row among the rows read (dropped rows not counted). */
  positions: Float64Array;
  ids: string[] | undefined;
  labels: string[] | undefined;
  /** Rows read (offered to the reservoir). */
  seen: number;
}

/**
 * Algorithm R over the chunks of `table` (see the file comment), seeded; `visit` sees every
 * chunk after its rows were offered (for what else the same pass computes).
 */
export async function reservoirSample(
  table: ChunkedTable,
  n: number,
  seed: number,
  visit?: (chunk: RowChunk) => void,
): Promise<Reservoir> {
  const cols = table.columns.length;
  const random = new RandomState(seed);
  // the reservoir: slot k holds file row order[k]
  let capacity = Math.min(n, 1024);
  let data = new Float64Array(capacity * cols);
  let order = new Float64Array(capacity);
  const ids: string[] | undefined = table.idColumn === undefined ? undefined : [];
  const labels: string[] | undefined = table.labelColumn === undefined ? undefined : [];
  let seen = 0; // rows offered so far
  for await (const chunk of table) {
    const values = chunk.data;
    for (let i = 0; i < chunk.rows; i++) {
      let slot: number;
      if (seen < n) {
        slot = seen;
        if (slot === capacity) {
          capacity = Math.min(n, capacity * 2);
          const grown = new Float64Array(capacity * cols);
          grown.set(data);
          data = grown;
          const grownOrder = new Float64Array(capacity);
          grownOrder.set(order);
          order = grownOrder;
        }
      } else {
        slot =
          seen <= 0xffffffff
            ? random.interval(seen)
            : Math.floor(random.randomSample() * (seen + 1));
        if (slot >= n) {
          seen++;
          continue;
        }
      }
      data.set(values.subarray(i * cols, (i + 1) * cols), slot * cols);
      order[slot] = seen;
      if (ids !== undefined) ids[slot] = chunk.ids![i]!;
      if (labels !== undefined) labels[slot] = chunk.labels![i]!;
      seen++;
    }
    visit?.(chunk);
  }
  const rows = Math.min(n, seen);
  // file order
  const byRow = Array.from({ length: rows }, (_, k) => k).sort((a, b) => order[a]! - order[b]!);
  const features = featureMatrix(rows, cols);
  const out = features.data;
  const positions = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const k = byRow[r]!;
    positions[r] = order[k]!;
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[k * cols + c]!;
  }
  return {
    features,
    rows,
    positions,
    ids: ids === undefined ? undefined : byRow.map((k) => ids[k]!),
    labels: labels === undefined ? undefined : byRow.map((k) => labels[k]!),
    seen,
  };
}
