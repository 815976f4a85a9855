/**
 * `loadDataset(path, options)`: load a data file, choosing the loader by its extension:
 * .csv (and any other) -> CSV, .tsv/.tab -> TSV, .json -> JSON array of objects,
 * .ndjson/.jsonl -> NDJSON, .parquet/.parq -> Parquet, .arrow/.feather/.ipc/.arrows -> Arrow
 * IPC (file or stream; Feather v2 is the file format). `format` overrides the choice. CSV's delimiter and decimal mark are
 * options, told from the first lines when not given (csv.ts, dialect.ts).
 */
import type { ColumnOptions, LoadedTable } from './columns.js';
import { type CsvOptions, loadCsvTable } from './csv.js';
import type { DecimalMark } from './dialect.js';
import { OptionError } from '../util/errors.js';
import { message, option as option_ } from '../util/message.js';
import type { Dataset, DatasetSource } from './dataset.js';
import { loadJSONTable } from './json.js';
import { checkKeyword } from '../util/validate.js';

/** The file formats the loaders read. */
export const DATA_FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'parquet', 'arrow'] as const;

/** Options of `loadDataset`: the column options (label, id, features, exclude, missing) plus the format. */
export interface LoadOptions extends ColumnOptions {
  /**
   * File format. Default: from the extension (.tsv/.tab, .json, .ndjson/.jsonl, .parquet/.parq,
   * .arrow/.feather/.ipc/.arrows; else CSV).
   */
  format?: (typeof DATA_FORMATS)[number];
  /**
   * CSV field delimiter: one character, or 'auto' to tell ',', ';', tab or '|' from the first
   * lines. Default: tab for TSV, else 'auto'. Only for CSV and TSV.
   */
  delimiter?: string;
  /** CSV decimal mark: '.', ',' or 'auto' (see `CsvOptions`). Default: 'auto'. Only for CSV and TSV. */
  decimal?: DecimalMark | 'auto';
}

/** The format a path's extension implies. */
export function formatOf(path: string): DatasetSource['format'] {
  if (/\.(tsv|tab)$/i.test(path)) return 'tsv';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(ndjson|jsonl)$/i.test(path)) return 'ndjson';
  if (/\.(parquet|parq)$/i.test(path)) return 'parquet';
  if (/\.(arrow|feather|ipc|arrows)$/i.test(path)) return 'arrow';
  return 'csv';
}

/**
 * Load a data file as a `Dataset` (see the loaders for the formats and options).
 *
 * @example
 * import { loadDataset } from 'clusterlens';
 *
 * const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
 * iris.features.rows; // => 150
 * iris.columns; // => ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']
 * iris.labels?.[0]; // => 'setosa'
 */
export async function loadDataset(path: string, options: LoadOptions = {}): Promise<Dataset> {
  return (await loadTable(path, options)).dataset;
}

/**
 * `loadDataset` that also describes every column of the file; with `keepMissing`, missing
 * feature values stay NaN instead of going through the missing-value policy (for `inspect`).
 */
export async function loadTable(
  path: string,
  options: LoadOptions = {},
  keepMissing = false,
): Promise<LoadedTable> {
  const { format: given, delimiter: _d, decimal: _m, ...columnOptions } = options;
  const format = checkKeyword('loadDataset', 'format', given ?? formatOf(path), DATA_FORMATS);
  switch (format) {
    case 'csv':
    case 'tsv':
      return loadCsvTable(path, csvOptionsOf(path, format, options), keepMissing);
    case 'json':
    case 'ndjson':
    case 'parquet':
    case 'arrow':
      checkNoCsvOptions(path, format, options);
      // the columnar readers (and their packages) are loaded when such a file is read
      if (format === 'parquet') {
        const { loadParquetTable } = await import('./parquet.js');
        return loadParquetTable(path, columnOptions, keepMissing);
      }
      if (format === 'arrow') {
        const { loadArrowTable } = await import('./arrow.js');
        return loadArrowTable(path, columnOptions, keepMissing);
      }
      return loadJSONTable(path, { ...columnOptions, format }, keepMissing);
  }
}

/**
 * The CSV options of a file read as CSV or TSV: the column options, the decimal mark, and the
 * delimiter given, else a tab for TSV, else ',' when 'csv' is asked of a .tsv name (else told
 * from the first lines). @internal
 */
export function csvOptionsOf(
  path: string,
  format: 'csv' | 'tsv',
  options: LoadOptions,
): CsvOptions {
  const { format: given, delimiter, decimal, ...columnOptions } = options;
  const csvOptions: CsvOptions = { ...columnOptions };
  if (delimiter !== undefined) csvOptions.delimiter = delimiter;
  else if (format === 'tsv') csvOptions.delimiter = '\t';
  else if (given === 'csv' && formatOf(path) === 'tsv') csvOptions.delimiter = ',';
  if (decimal !== undefined) csvOptions.decimal = decimal;
  return csvOptions;
}

/** Refuse a delimiter or decimal mark (other than 'auto') for a file not read as CSV or TSV. @internal */
export function checkNoCsvOptions(
  path: string,
  format: Exclude<(typeof DATA_FORMATS)[number], 'csv' | 'tsv'>,
  options: Pick<LoadOptions, 'delimiter' | 'decimal'>,
): void {
  for (const option of ['delimiter', 'decimal'] as const) {
    const value = options[option];
    if (value !== undefined && value !== 'auto') {
      throw new OptionError(
        message`${option === 'delimiter' ? 'The delimiter' : 'The decimal mark'} (${option_(option)}) is for CSV and TSV files; ${path} is read as ${format === 'parquet' ? 'Parquet' : format === 'arrow' ? 'Arrow' : format.toUpperCase()}, whose numbers need neither.`,
      );
    }
  }
}
