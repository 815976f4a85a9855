/**
 * `clusterlens/advanced`: the building blocks under the main entry, for code that goes past an
 * analysis script. Re-exports only, grouped as in src/index.ts.
 *
 * - data: matrix and label conversions, the column model of a loaded table, the loaders' limits
 * - engines: the named algorithms and initialisations, k-means++, the gap statistic, pairwise
 *   distances, the dendrogram layout, the plan and time estimate of a linkage, the option and
 *   JSON types behind the main entry's results, ml-kmeans/ml-pca interoperability
 * - statistics: the Hungarian assignment, the cross table and relabelling behind
 *   `matchClusters`, the one-way ANOVA F of the cluster profiles, the binned density of the
 *   projection
 * - charts: the palette, the linked selection profile, the biplot arrows, the dendrogram segments
 * - files and memory: CSV writing, the process memory budget
 */

// data model
export type { DatasetSource } from './data/dataset.js';
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
export { MAX_FIELD_LENGTH } from './data/csv.js';
export type { DecimalMark } from './data/dialect.js';
export type { JSONOptions } from './data/json.js';
export { MAX_CELL_DEPTH, MAX_JSON_BYTES } from './data/json.js';
export { DATA_FORMATS, loadTable } from './data/load.js';
export type { MissingPolicy } from './data/missing.js';
export { MISSING_POLICIES, MISSING_TOKENS } from './data/missing.js';
export type { ParquetOptions } from './data/parquet.js';
export { loadParquet } from './data/parquet.js';
export type { ArrowOptions } from './data/arrow.js';
export { loadArrow } from './data/arrow.js';
export type { ChunkOptions, ChunkedTable, RowChunk } from './data/chunks.js';
export { readChunks } from './data/chunks.js';
export type { SampleOptions } from './data/sample.js';
export { loadSample } from './data/sample.js';
export type { SqlChunkOptions, SqlOptions } from './data/sql.js';
export { loadSql, readSqlChunks } from './data/sql.js';

// preprocessing
export type { ScaleMethod, VarianceSpread } from './data/scale.js';
export { SCALE_METHODS, varianceSpread } from './data/scale.js';

// writing files
export type { CsvCell } from './report/write.js';
export { toCsv, writeCsv } from './report/write.js';

// k-means and choosing k
export type {
  ChooseKCaveat,
  ChooseKCriterion,
  ChooseKJSON,
  ChooseKRow,
  GapAtK,
  GapReference,
  StructureAssessment,
} from './cluster/choose-k.js';
export { CHOOSE_K_CRITERIA, defaultKRange, GAP_REFERENCES } from './cluster/choose-k.js';
export type { GapConvention, GapMethod } from './cluster/gap.js';
export { GAP_CONVENTIONS, GAP_METHODS, maxSE, withinDispersion } from './cluster/gap.js';
export type { KMeansAlgorithm, KMeansJSON, MlKMeansLike } from './cluster/kmeans/index.js';
export { KMEANS_ALGORITHMS } from './cluster/kmeans/index.js';
export type {
  KMeansInitMethod,
  KMeansPlusPlusOptions,
  KMeansPlusPlusResult,
} from './cluster/kmeans/init.js';
export { KMEANS_INITS, kmeansPlusPlus } from './cluster/kmeans/init.js';
export type { MiniBatchKMeansJSON } from './cluster/kmeans/minibatch.js';

// metrics and the statistics of the charts
export type { ContingencyMatrix, LabelOf, Labeling, LabelsLike } from './metrics/contingency.js';
export { anovaF } from './metrics/anova.js';
export { crossTable, hungarian, relabel } from './metrics/matching.js';
export type { TrustworthinessOptions } from './metrics/trustworthiness.js';
export { trustworthiness } from './metrics/trustworthiness.js';
export { binDensity } from './charts/projection.js';

// hierarchical clustering
export type { DendrogramLayout, DendrogramOptions } from './cluster/hclust/dendrogram.js';
export { dendrogram } from './cluster/hclust/dendrogram.js';
export type { Metric, PdistOptions } from './cluster/hclust/distance.js';
export { METRICS, pdist } from './cluster/hclust/distance.js';
export type { LinkageAlias, LinkageLayout, LinkagePlan } from './cluster/hclust/index.js';
export {
  estimateLinkageSeconds,
  LINKAGE_ALIASES,
  LINKAGE_METHODS,
  planLinkage,
  resolveLinkageMethod,
} from './cluster/hclust/index.js';
export type { Cophenetic, CutSpec, HClustJSON, RHClust } from './cluster/hclust/tree.js';
export type { FirstStage } from './cluster/hclust/two-stage.js';
export { DEFAULT_CENTRES, FIRST_STAGES } from './cluster/hclust/two-stage.js';
export { sampleRows } from './util/sample.js';

// decomposition
export type {
  PCAAccumulator,
  PCAFittedSolver,
  PCASolver,
} from './decomposition/pca/index.js';
export {
  isPCASolver,
  PCA_SOLVERS,
  pcaFromMlPCA,
  toMlPCAModel,
} from './decomposition/pca/index.js';

// charts
export type { AgreementTable } from './charts/agreement.js';
export { biplotArrows } from './charts/biplot.js';
export type { KScores } from './charts/choose-k.js';
export type { DendrogramInput, Orientation } from './charts/dendrogram.js';
export { dendrogramSegments } from './charts/dendrogram.js';
export { clusterColors, clusterIds, clusterScale, TABLEAU10 } from './charts/palette.js';
export { selectionProfileSpec } from './charts/profiles.js';
export type { SampleRecord, SampleTable, SampleTableInput } from './charts/samples.js';

// report
export type { ReportAnalysis } from './report/build.js';
export type { StreamReportOptions } from './report/stream.js';
export { buildStreamedReport } from './report/stream.js';
export type { ReportBlock, ReportChart, ReportSection } from './report/html.js';
export type { Manifest } from './report/manifest.js';

// memory budget, seeds
export type { AvailableMemory, MemoryBudget, MemoryCheck } from './util/memory.js';
export {
  availableMemory,
  checkMemory,
  memoryBudget,
  setMemoryBudget,
} from './util/memory.js';
export { DEFAULT_SEED } from './util/random.js';

// moved from the main entry to make room for the density engines
export type { SampledHClustOptions, SampledHClustResult } from './cluster/hclust/sampled.js';
export { sampledHclust } from './cluster/hclust/sampled.js';
export type { TwoStageOptions, TwoStageResult } from './cluster/hclust/two-stage.js';
export { twoStage } from './cluster/hclust/two-stage.js';
export { matchClusters } from './metrics/matching.js';
export { mutualInfo } from './metrics/mutual-info.js';
export { exploreSpec } from './charts/explore.js';

// moved from the main entry to make room for the nonlinear maps: the streaming k-means and PCA
// factories, the sample table of the charts, the HTML renderer of a report document
export type { MiniBatchKMeansModel } from './cluster/kmeans/minibatch.js';
export { createMiniBatchKMeans } from './cluster/kmeans/minibatch.js';
export { createPCAAccumulator } from './decomposition/pca/index.js';
export { sampleTable } from './charts/samples.js';
export type { ReportDocument } from './report/html.js';
export { renderHtml } from './report/html.js';

// density clustering: the OPTICS cut at eps, the k-nearest-neighbour distances and the eps at
// their knee, the condensed tree's types
export type {
  ClusterSelectionMethod,
  CondensedClusters,
  CondensedTree,
  DensityMetric,
  KnnDistancesOptions,
} from './cluster/density/index.js';
export { CLUSTER_SELECTION_METHODS, extractDBSCAN, knnDistances } from './cluster/density/index.js';
export type { EpsSuggestion, SuggestEpsOptions } from './cluster/density/eps.js';
export { suggestEps } from './cluster/density/eps.js';

// images: a folder of images as a dataset, a row as an image, an image of 8-bit values, the parts
// of a compression result
export type { ByteImage } from './data/image.js';
export { imageFromRow, loadImageFolder } from './data/image.js';
export type { CompressImageJSON, ImageReconstruction } from './decomposition/image.js';

// moved from the main entry to make room for the image functions: the converters of trees and
// PCA fits, the cross table, the option and result types of hopkins
export { hclustFromLinkage } from './cluster/hclust/tree.js';
export type { PCAJSON } from './decomposition/pca/index.js';
export { pcaFromJSON } from './decomposition/pca/index.js';
export { contingencyMatrix } from './metrics/contingency.js';
export type { HopkinsOptions, HopkinsResult } from './metrics/hopkins.js';

// the image charts of a report: the mean image and eigen-images, the reconstructions at several k
export type {
  EigenImagesInput,
  ImageChartOptions,
  ReconstructionsInput,
} from './charts/images.js';
export { eigenImagesSpec, reconstructionsSpec } from './charts/images.js';
