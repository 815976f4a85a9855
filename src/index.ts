// The public API of clusterlens, by concept. Re-exports only. Building blocks, limits and
// interoperability helpers are in src/advanced.ts (`clusterlens/advanced`).

// data model
export type { Dataset, FeatureMatrix, MatrixLike } from './data/dataset.js';
export { toDataset } from './data/dataset.js';

// loading
export { loadCsv, parseCsv } from './data/csv.js';
export { loadJSON, parseJSON } from './data/json.js';
export type { LoadOptions } from './data/load.js';
export { loadDataset } from './data/load.js';
export type { Image } from './data/image.js';
export { loadImage, saveImage } from './data/image.js';

// preprocessing
export type { ScaleOptions, ScaleResult } from './data/scale.js';
export { scale } from './data/scale.js';

// k-means and choosing k
export type { ChooseKOptions, ChooseKResult } from './cluster/choose-k.js';
export { chooseK } from './cluster/choose-k.js';
export type { KMeansOptions, KMeansResult } from './cluster/kmeans/index.js';
export { kmeans } from './cluster/kmeans/index.js';
export type { MiniBatchKMeansOptions } from './cluster/kmeans/minibatch.js';
export { miniBatchKMeans } from './cluster/kmeans/minibatch.js';

// metrics
export { hopkins } from './metrics/hopkins.js';
export { calinskiHarabasz } from './metrics/calinski-harabasz.js';
export { daviesBouldin } from './metrics/davies-bouldin.js';
export { adjustedMutualInfo, normalizedMutualInfo } from './metrics/mutual-info.js';
export { adjustedRandIndex } from './metrics/rand.js';
export type { SilhouetteScoreOptions } from './metrics/silhouette.js';
export { silhouetteSamples, silhouetteScore } from './metrics/silhouette.js';

// hierarchical clustering
export type { HClustOptions, LinkageMethod } from './cluster/hclust/index.js';
export { hclust } from './cluster/hclust/index.js';
export type { HClustResult } from './cluster/hclust/tree.js';

// decomposition
export type {
  DBSCANOptions,
  DBSCANResult,
  HDBSCANOptions,
  HDBSCANResult,
  OPTICSOptions,
  OPTICSResult,
} from './cluster/density/index.js';
export { dbscan, hdbscan, optics } from './cluster/density/index.js';

export type { PCAModel, PCAOptions, PCAResult } from './decomposition/pca/index.js';
export { pca } from './decomposition/pca/index.js';

// image compression
export type { CompressImageOptions, CompressImageResult } from './decomposition/image.js';
export { compressImage } from './decomposition/image.js';

// nonlinear maps
export type { UMAPOptions, UMAPResult } from './projection/umap/index.js';
export { umap } from './projection/umap/index.js';
export type { TSNEOptions, TSNEResult } from './projection/tsne.js';
export { tsne } from './projection/tsne.js';

// charts
export { agreementSpec } from './charts/agreement.js';
export { biplotSpec } from './charts/biplot.js';
export { chooseKSpec } from './charts/choose-k.js';
export { dendrogramSpec } from './charts/dendrogram.js';
export { profilesSpec } from './charts/profiles.js';
export { projectionSpec } from './charts/projection.js';
export { screeSpec } from './charts/scree.js';
export { silhouetteSpec } from './charts/silhouette.js';

// report
export type {
  Report,
  ReportOptions,
  WriteReportOptions,
  WrittenReport,
} from './report/build.js';
export { buildReport, writeReport } from './report/build.js';

// errors, logging, randomness
export { DataError, isUserError, OptionError } from './util/errors.js';
export type { Logger } from './util/log.js';
export { setLogger } from './util/log.js';
export { RandomState } from './util/random.js';
