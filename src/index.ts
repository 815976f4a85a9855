// The public API of clusterlens, by concept. Re-exports only.

// data model
export type { Dataset, DatasetSource, FeatureMatrix, MatrixLike } from './data/dataset.js';
export { featureMatrix, toFeatureMatrix, toLabels, toMlMatrix, toRows } from './data/dataset.js';

// errors, warnings, randomness
export { DataError, OptionError, isUserError } from './util/errors.js';
export type { Logger } from './util/log.js';
export { setLogger } from './util/log.js';
export { DEFAULT_SEED, RandomState } from './util/random.js';
