// The public API of clusterlens, by concept. Re-exports only.

// data model
export type { Dataset, DatasetSource, FeatureMatrix, MatrixLike } from './data/dataset.js';
export {
  featureMatrix,
  toDataset,
  toFeatureMatrix,
  toLabels,
  toMlMatrix,
  toRows,
} from './data/dataset.js';

// loading
export type {
  ColumnInfo,
  ColumnOptions,
  ColumnRole,
  ColumnType,
  LoadedTable,
} from './data/columns.js';
export type { CsvOptions } from './data/csv.js';
export { loadCsv, MAX_FIELD_LENGTH, parseCsv } from './data/csv.js';
export type { DecimalMark } from './data/dialect.js';
export type { JsonOptions } from './data/json.js';
export { loadJson, MAX_CELL_DEPTH, MAX_JSON_BYTES, parseJson } from './data/json.js';
export type { LoadOptions } from './data/load.js';
export { DATA_FORMATS, loadDataset, loadTable } from './data/load.js';
export type { MissingPolicy } from './data/missing.js';
export { MISSING_POLICIES, MISSING_TOKENS } from './data/missing.js';

// preprocessing
export type { ScaleMethod, ScaleOptions, ScaleResult, VarianceSpread } from './data/scale.js';
export { SCALE_METHODS, scale, varianceSpread } from './data/scale.js';

// writing files
export type { CsvCell } from './report/write.js';
export {
  checkOutputFolder,
  checkOutputPath,
  removeStaleTemporaries,
  toCsv,
  writeCsv,
  writeFileAtomic,
} from './report/write.js';

// k-means and choosing k
export type {
  ChooseKCaveat,
  ChooseKCriterion,
  ChooseKJSON,
  ChooseKOptions,
  ChooseKResult,
  ChooseKRow,
  GapAtK,
  GapReference,
  StructureAssessment,
} from './cluster/choose-k.js';
export {
  CHOOSE_K_CRITERIA,
  chooseK,
  defaultKRange,
  GAP_REFERENCES,
} from './cluster/choose-k.js';
export type { GapConvention, GapMethod } from './cluster/gap.js';
export { GAP_CONVENTIONS, GAP_METHODS, maxSE, withinDispersion } from './cluster/gap.js';
export type {
  KMeansAlgorithm,
  KMeansJSON,
  KMeansOptions,
  KMeansResult,
  MlKMeansLike,
} from './cluster/kmeans/index.js';
export { KMEANS_ALGORITHMS, kmeans } from './cluster/kmeans/index.js';
export type {
  KMeansInitMethod,
  KMeansPlusPlusOptions,
  KMeansPlusPlusResult,
} from './cluster/kmeans/init.js';
export { KMEANS_INITS, kmeansPlusPlus } from './cluster/kmeans/init.js';
export type {
  MiniBatchKMeansJSON,
  MiniBatchKMeansModel,
  MiniBatchKMeansOptions,
} from './cluster/kmeans/minibatch.js';
export { createMiniBatchKMeans, miniBatchKMeans } from './cluster/kmeans/minibatch.js';

// metrics
export { calinskiHarabasz } from './metrics/calinski-harabasz.js';
export type { ContingencyMatrix, LabelOf, Labeling, LabelsLike } from './metrics/contingency.js';
export { contingencyMatrix } from './metrics/contingency.js';
export { daviesBouldin } from './metrics/davies-bouldin.js';
export type { HopkinsOptions, HopkinsResult } from './metrics/hopkins.js';
export { hopkins } from './metrics/hopkins.js';
export { adjustedMutualInfo, mutualInfo, normalizedMutualInfo } from './metrics/mutual-info.js';
export { adjustedRandIndex } from './metrics/rand.js';
export type { SilhouetteScoreOptions } from './metrics/silhouette.js';
export { silhouetteSamples, silhouetteScore } from './metrics/silhouette.js';

// hierarchical clustering
export type { DendrogramLayout, DendrogramOptions } from './cluster/hclust/dendrogram.js';
export { dendrogram } from './cluster/hclust/dendrogram.js';
export type { Metric, PdistOptions } from './cluster/hclust/distance.js';
export { METRICS, pdist } from './cluster/hclust/distance.js';
export type {
  HClustOptions,
  LinkageAlias,
  LinkageLayout,
  LinkageMethod,
  LinkagePlan,
} from './cluster/hclust/index.js';
export {
  estimateLinkageSeconds,
  hclust,
  planLinkage,
  LINKAGE_ALIASES,
  LINKAGE_METHODS,
  resolveLinkageMethod,
} from './cluster/hclust/index.js';
export type {
  Cophenetic,
  CutSpec,
  HClustJSON,
  HClustResult,
  RHclust,
} from './cluster/hclust/tree.js';
export { fromLinkage } from './cluster/hclust/tree.js';
export type { SampledHclustOptions, SampledHclustResult } from './cluster/hclust/sampled.js';
export { sampledHclust } from './cluster/hclust/sampled.js';
export { sampleRows } from './util/sample.js';
export type { FirstStage, TwoStageOptions, TwoStageResult } from './cluster/hclust/two-stage.js';
export {
  DEFAULT_CENTRES,
  FIRST_STAGES,
  MINIBATCH_ABOVE,
  twoStage,
} from './cluster/hclust/two-stage.js';

// decomposition
export type {
  PcaFittedSolver,
  PcaJSON,
  PcaModel,
  PcaOptions,
  PcaResult,
  PcaSolver,
} from './decomposition/pca/index.js';
export {
  isPcaSolver,
  PCA_SOLVERS,
  PcaAccumulator,
  pca,
  pcaAccumulator,
  pcaFromJSON,
  pcaFromMlPca,
  toMlPcaModel,
} from './decomposition/pca/index.js';

// charts
export type { AgreementTable } from './charts/agreement.js';
export { agreementSpec } from './charts/agreement.js';
export { biplotArrows, biplotSpec } from './charts/biplot.js';
export type { KScores } from './charts/choose-k.js';
export { chooseKSpec } from './charts/choose-k.js';
export type { DendrogramInput, Orientation } from './charts/dendrogram.js';
export { dendrogramSegments, dendrogramSpec } from './charts/dendrogram.js';
export { exploreSpec } from './charts/explore.js';
export { crossTable, hungarian, matchClusters, relabel } from './metrics/matching.js';
export { clusterColors, clusterIds, clusterScale, TABLEAU10 } from './charts/palette.js';
export { profilesSpec, selectionProfileSpec } from './charts/profiles.js';
export { anovaF } from './metrics/anova.js';
export { binDensity, projectionSpec } from './charts/projection.js';
export type { SampleRecord, SampleTable, SampleTableInput } from './charts/samples.js';
export { sampleTable } from './charts/samples.js';
export { screeSpec } from './charts/scree.js';
export { silhouetteSpec } from './charts/silhouette.js';

// report
export type {
  Report,
  ReportAnalysis,
  ReportOptions,
  WriteReportOptions,
  WrittenReport,
} from './report/build.js';
export { buildReport, writeReport } from './report/build.js';
export type { ReportBlock, ReportChart, ReportDocument, ReportSection } from './report/html.js';
export { renderHtml } from './report/html.js';
export type { Manifest } from './report/manifest.js';

// errors, warnings, randomness
export { DataError, OptionError, isUserError } from './util/errors.js';
export type { Logger } from './util/log.js';
export { setLogger } from './util/log.js';
export type { AvailableMemory, MemoryBudget, MemoryCheck } from './util/memory.js';
export {
  availableMemory,
  checkMemory,
  estimate,
  formatBytes,
  MEMORY_MARGIN,
  memoryBudget,
  parseSize,
  setMemoryBudget,
} from './util/memory.js';
export { DEFAULT_SEED, RandomState } from './util/random.js';
