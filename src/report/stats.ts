/**
 * The statistics of a report that live with the charts: the matching of two clusterings
 * (Hungarian), their contingency table, and the ANOVA F of each feature. The report takes them
 * from here only.
 */
export { crossTable, matchClusters, relabel } from '../charts/match.js';
export { anovaF } from '../charts/profiles.js';
