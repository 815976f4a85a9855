/**
 * The flags that set the library's options, for messages. Library errors and warnings name the
 * options to change (`{missing: 'drop'}`; src/util/message.ts); the CLI prints them as the flags
 * that set them (`--missing drop`) with `cliName`. An option without a flag here keeps the
 * library's wording. test/cli/flags.test.ts checks that every flag listed exists.
 */
import type { OptionMention } from '../util/message.js';

/** Library option -> the flag that sets it. */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  // loading (every command that reads a file)
  label: '--label',
  id: '--id',
  features: '--features',
  exclude: '--exclude',
  missing: '--missing',
  delimiter: '--delimiter',
  decimal: '--decimal',
  // memory: the memoryLimit option of a step, the process budget
  memoryLimit: '--max-memory',
  maxMemory: '--max-memory',
  // clustering
  k: '--k',
  height: '--height',
  method: '--method',
  metric: '--metric',
  nInit: '--n-init',
  seed: '--seed',
  scale: '--scale',
  out: '--out',
  force: '--force',
  // density clustering (hdbscan, dbscan, optics); optics' predecessorCorrection is turned off by
  // --no-predecessor-correction, which a mention of a value cannot name, so it keeps its wording
  minClusterSize: '--min-cluster-size',
  minSamples: '--min-samples',
  clusterSelectionMethod: '--selection',
  clusterSelectionEpsilon: '--epsilon',
  allowSingleCluster: '--allow-single-cluster',
  eps: '--eps',
  maxEps: '--max-eps',
  xi: '--xi',
  // large data: hclust's sample and two stages, and the report's sampled steps
  sample: '--sample',
  hclustMaxRows: '--subsample',
  silhouetteMaxRows: '--subsample',
  chooseKMaxRows: '--subsample',
  twoStage: '--two-stage',
  centres: '--two-stage',
  // the report's maps
  projection: '--projection',
  maxFeatures: '--max-features',
  // the report's Images section
  image: '--image',
  // compress (compressImage's options)
  components: '--components',
  block: '--block',
};

/** The flag (and value) that sets a mentioned option, or undefined when no flag sets it. */
export function cliName(mention: OptionMention): string | undefined {
  const flag = Object.hasOwn(OPTION_FLAGS, mention.option)
    ? OPTION_FLAGS[mention.option]
    : undefined;
  if (flag === undefined) return undefined;
  const { value } = mention;
  if (value === undefined || value === true) return flag;
  if (value === false) return undefined;
  const text = typeof value === 'object' ? value.join('|') : String(value);
  // a value that is not a plain word is quoted, as a shell needs it and prose reads it: --decimal ','
  return `${flag} ${/^[\w.|[\]-]+$/.test(text) ? text : `'${text}'`}`;
}
