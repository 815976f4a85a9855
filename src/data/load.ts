/**
 * `loadDataset(path, options)`: load a data file, choosing the loader by its extension:
 * .csv (and any other) -> CSV, .tsv/.tab -> TSV, .json -> JSON array of objects,
 * .ndjson/.jsonl -> NDJSON. `format` overrides the choice.
 */
import type { ColumnOptions, LoadedTable } from './columns.js';
import { loadCsvTable } from './csv.js';
import type { Dataset, DatasetSource } from './dataset.js';
import { loadJsonTable } from './json.js';
import { checkKeyword } from '../util/validate.js';

/** The file formats the loaders read. */
export const DATA_FORMATS = ['csv', 'tsv', 'json', 'ndjson'] as const;

/** Options of `loadDataset`: the column options (label, id, features, exclude, missing) plus the format. */
export interface LoadOptions extends ColumnOptions {
  /** File format. Default: from the extension (.tsv/.tab, .json, .ndjson/.jsonl; else CSV). */
  format?: (typeof DATA_FORMATS)[number];
  /** CSV field delimiter. Default: ',' for CSV, tab for TSV. */
  delimiter?: string;
}

/** The format a path's extension implies. */
export function formatOf(path: string): DatasetSource['format'] {
  if (/\.(tsv|tab)$/i.test(path)) return 'tsv';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(ndjson|jsonl)$/i.test(path)) return 'ndjson';
  return 'csv';
}

/** Load a data file as a `Dataset` (see the loaders for the formats and options). */
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
  const { format: given, delimiter, ...columnOptions } = options;
  const format = checkKeyword('loadDataset', 'format', given ?? formatOf(path), DATA_FORMATS);
  switch (format) {
    case 'csv':
    case 'tsv':
      return loadCsvTable(
        path,
        { ...columnOptions, delimiter: delimiter ?? (format === 'tsv' ? '\t' : ',') },
        keepMissing,
      );
    case 'json':
    case 'ndjson':
      return loadJsonTable(path, { ...columnOptions, format }, keepMissing);
  }
}
