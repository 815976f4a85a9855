/**
 * The statistics of a report: the matching of two clusterings (Hungarian), their contingency
 * table, and the ANOVA F of each feature (src/metrics). The report takes them from here only.
 */
export { crossTable, matchClusters, relabel } from '../metrics/matching.js';
export { anovaF } from '../metrics/anova.js';
