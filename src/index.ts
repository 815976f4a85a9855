// The public API of clusterlens, by concept. Re-exports only.

// data model
export type { Dataset, DatasetSource, FeatureMatrix, MatrixLike } from './data/dataset.js';
export { featureMatrix, toFeatureMatrix, toLabels, toMlMatrix, toRows } from './data/dataset.js';

// loading
export type {
  ColumnInfo,
  ColumnOptions,
  ColumnRole,
  ColumnType,
  LoadedTable,
} from './data/columns.js';
export type { CsvOptions } from './data/csv.js';
export { loadCsv, parseCsv } from './data/csv.js';
export type { JsonOptions } from './data/json.js';
export { loadJson, parseJson } from './data/json.js';
export type { LoadOptions } from './data/load.js';
export { DATA_FORMATS, loadDataset, loadTable } from './data/load.js';
export type { MissingPolicy } from './data/missing.js';
export { MISSING_POLICIES, MISSING_TOKENS } from './data/missing.js';

// preprocessing
export type { ScaleMethod, ScaleOptions, ScaleResult } from './data/scale.js';
export { SCALE_METHODS, scale } from './data/scale.js';

// writing files
export type { CsvCell } from './report/write.js';
export { checkOutputPath, toCsv, writeCsv, writeFileAtomic } from './report/write.js';

// errors, warnings, randomness
export { DataError, OptionError, isUserError } from './util/errors.js';
export type { Logger } from './util/log.js';
export { setLogger } from './util/log.js';
export { DEFAULT_SEED, RandomState } from './util/random.js';
