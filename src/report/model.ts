/**
 * What `buildReport` returns (`Report`), and the record of the reports it made: `writeReport`
 * writes those only.
 */
import type { ReportAnalysis } from './analyse.js';
import type { ReportChart, ReportDocument } from './html.js';
import type { Manifest } from './manifest.js';
import type { ResolvedReportOptions } from './options.js';

/** What `buildReport` returns. */
export interface Report {
  options: ResolvedReportOptions;
  analysis: ReportAnalysis;
  manifest: Manifest;
  /** The charts, in the order of the document. */
  charts: ReportChart[];
  /** The HTML document model. */
  document: ReportDocument;
  /** Row ids, as the report shows them. */
  ids: string[];
  /** The held-out label of every row, when the dataset has a label column. */
  labels: string[] | undefined;
  /** Path of the data file ('<memory>' for parsed text): `writeReport` never writes over it. */
  source: string;
  /**
   * A streamed report's labels file (stream.ts), written in its last pass: a temporary file
   * that `writeReport` moves into place, and its SHA-256.
   */
  labelsFile?: { path: string; sha256: string };
  /** Plain JSON results (labels, linkage, leaf order, PCA model, metrics, k table). */
  toJSON(): Record<string, unknown>;
}

/** The reports `buildReport` made (what `writeReport` accepts). */
const builtReports = new WeakSet<object>();

/** Record `report` as made by `buildReport`. */
export function markBuilt(report: Report): void {
  builtReports.add(report);
}

/** Whether `value` is a report `buildReport` made. */
export function isBuilt(value: unknown): value is Report {
  return typeof value === 'object' && value !== null && builtReports.has(value);
}
