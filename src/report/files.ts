/**
 * The files of a report. `writeReport(path, report)` turns a report into files, committed
 * together (src/report/outputs.ts): NAME.html, NAME.vl/<chart>.vl.json, NAME.json and
 * NAME.labels.csv (src/report/results.ts), named after `path`, which must end in .html.
 * `checkReportOutputs` checks them all before any work.
 */
import { createHash } from 'node:crypto';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { OptionError } from '../util/errors.js';
import { type MessageLike, message, option } from '../util/message.js';
import { checkBoolean, checkKnownOptions } from '../util/validate.js';
import { REPORT_CHARTS } from './charts.js';
import { renderHtml } from './html.js';
import { isBuilt, type Report } from './model.js';
import {
  checkOutputs,
  type Output,
  type OutputRules,
  OutputSet,
  type OutputStreams,
  removeStaleTemporariesIn,
  resolveOutput,
  runId,
  runIdOf,
  writeOutput,
} from './outputs.js';
import { reportLabelsCsv } from './results.js';
import { checkOutputFolder } from './write.js';

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** Charts as inline SVG rendered in Node, and no script at all. Default: false. */
  static?: boolean;
  /**
   * Replace existing files that clusterlens did not write (never an input file). Default: false:
   * such a file stops the write with an `OptionError` before anything is written.
   */
  force?: boolean;
  /** More input files that must not be outputs (the report's own data file always is one). */
  inputs?: readonly string[];
  /** Where `path` '-' writes the HTML. Default: process.stdout. */
  stdout?: OutputStreams['stdout'];
}

/** The files `writeReport` wrote. */
export interface WrittenReport {
  html: string;
  specs: string[];
  /** The results; '' when only the HTML was written (see `writeReport`). */
  json: string;
  /** The labels CSV; '' when only the HTML was written. */
  labels: string;
  /** The run id all the files carry (`clusterlens verify` compares them). */
  run: string;
}

/** The outputs of a report, resolved and checked by `checkReportOutputs`. */
export interface ReportOutputs {
  /** NAME: the path without .html, as given. */
  base: string;
  html: Output;
  /** Only the HTML is written: `path` is a device, a FIFO or standard output. */
  htmlOnly: boolean;
  json: Output | undefined;
  labels: Output | undefined;
  /** The NAME.vl/ folder, as given. */
  specFolder: string;
}

/** How a file next to the report is named in messages. */
function sibling(role: string, file: string, path: string): MessageLike {
  return message`the report's ${role} '${file}' (next to ${option('out', undefined, { library: 'the report' })} '${path}')`;
}

/**
 * Check, before any work, that every file of a report at `path` can be written: NAME.html,
 * NAME.json, NAME.labels.csv, the NAME.vl/ folder and the specs in it; that none is an input
 * file, and none an existing file clusterlens did not write unless `rules.force` (see
 * outputs.ts). When `path` is a device, a FIFO or '-' (standard output), only the HTML is
 * written, there; a file path must end in .html, since the other files are named after it.
 * Throws an `OptionError` naming the file.
 */
export function checkReportOutputs(path: string, rules: OutputRules = {}): ReportOutputs {
  const html = resolveOutput(path);
  if (html.kind === 'file' && !/\.html$/i.test(path)) {
    checkOutputs([html], rules); // writing over the input or a user's file is named first
    throw new OptionError(
      `A report is written to a path ending in .html (its JSON, labels and specs go next to it, ` +
        `named after it); got '${path}'.`,
    );
  }
  const base = join(dirname(path), basename(path).replace(/\.html$/i, ''));
  const specFolder = `${base}.vl`;
  if (html.kind !== 'file') {
    checkOutputs([html], rules);
    return { base, html, htmlOnly: true, json: undefined, labels: undefined, specFolder };
  }
  const json = resolveOutput(`${base}.json`, {
    what: sibling('JSON', `${base}.json`, path),
    streams: false,
  });
  const labels = resolveOutput(`${base}.labels.csv`, {
    what: sibling('labels', `${base}.labels.csv`, path),
    streams: false,
    record: true,
  });
  checkOutputFolder(specFolder, 'the specs folder');
  const specs = existsSync(specFolder)
    ? REPORT_CHARTS.map((name) => specOutput(specFolder, name, path))
    : [];
  checkOutputs([html, json, labels, ...specs], rules);
  return { base, html, htmlOnly: false, json, labels, specFolder };
}

function specOutput(folder: string, name: string, path: string): Output {
  const file = join(folder, `${name}.vl.json`);
  return resolveOutput(file, { what: sibling('spec', file, path), streams: false });
}

/** A spec file: the Vega-Lite spec with the run id in its `usermeta`, right after `$schema`. */
function specText(spec: TopLevelSpec, run: string): string {
  const { $schema, usermeta, ...rest } = spec as TopLevelSpec & { usermeta?: object };
  const marked = { $schema, usermeta: { clusterlensRun: run, ...usermeta }, ...rest };
  return `${JSON.stringify(marked, null, 1)}\n`;
}

/** The arguments of `writeReport`: a path, a report of `buildReport`, an options object. */
function checkWriteReportArguments(
  path: unknown,
  report: unknown,
  options: WriteReportOptions,
): void {
  if (typeof path !== 'string' || path === '') {
    throw new OptionError(
      `writeReport needs the path of the HTML file to write. Got ${path === '' ? "''" : path === null ? 'null' : typeof path} instead.`,
    );
  }
  if (!isBuilt(report)) {
    throw new OptionError(
      `writeReport needs the report that buildReport returned. Got ${report === null ? 'null' : typeof report} instead.`,
    );
  }
  checkKnownOptions('writeReport', options, ['static', 'force', 'inputs', 'stdout']);
  if (options.static !== undefined) checkBoolean('writeReport', 'static', options.static);
  if (options.force !== undefined) checkBoolean('writeReport', 'force', options.force);
}

/**
 * Write the report: `path` (NAME.html), the NAME.vl/ folder with one self-contained .vl.json per
 * chart, NAME.json (the results) and NAME.labels.csv (the labels file of src/report/labels-csv.ts:
 * id, label, kmeans, hierarchical, PC1, PC2, UMAP1, UMAP2); a file path must end in .html. The files are committed together (outputs.ts): written to temporaries first, then renamed
 * in one final step, the HTML last; every file carries the run id, so `verifyReport` finds a set
 * mixed by a kill inside that step. Specs of charts an earlier report had and this one has not are
 * removed. Nothing is written when an output is an input file, or an existing file clusterlens did
 * not write (unless `force`). A `path` that is a device, a FIFO or '-' gets the HTML only.
 *
 * @example
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildReport, loadDataset, writeReport } from 'clusterlens';
 *
 * const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
 * const report = buildReport(iris, { k: 3 });
 * const folder = mkdtempSync(join(tmpdir(), 'iris-'));
 * const written = await writeReport(join(folder, 'iris.html'), report);
 * written.html === join(folder, 'iris.html'); // => true
 * written.labels === join(folder, 'iris.labels.csv'); // => true
 */
export async function writeReport(
  path: string,
  report: Report,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  checkWriteReportArguments(path, report, options);
  const rules: OutputRules = {
    inputs: [...(options.inputs ?? []), ...(report.source === '<memory>' ? [] : [report.source])],
    force: options.force ?? false,
  };
  const plan = checkReportOutputs(path, rules);
  const isStatic = options.static ?? false;
  // the run id: what determines the files (the manifest has the input's SHA-256 and the options)
  const results = JSON.stringify(report.toJSON(), null, 1);
  const run = runId({
    manifest: report.manifest,
    static: isStatic,
    results: createHash('sha256').update(results).digest('hex'),
  });
  const html = await renderHtml(report.document, { static: isStatic, run });
  const streams = { stdout: options.stdout ?? process.stdout };
  if (plan.htmlOnly) {
    if (report.labelsFile !== undefined) rmSync(report.labelsFile.path, { force: true });
    await writeOutput(plan.html, html, run, rules, streams);
    return { html: path, specs: [], json: '', labels: '', run };
  }
  const set = new OutputSet(run, rules);
  const specs: string[] = [];
  try {
    set.folder(plan.specFolder);
    for (const c of report.charts) {
      const output = specOutput(plan.specFolder, c.name, path);
      await set.stage(output, specText(c.spec, run));
      specs.push(output.path);
    }
    // specs of an earlier report that this one does not have (clusterlens's own files only)
    for (const name of REPORT_CHARTS) {
      if (report.charts.some((c) => c.name === name)) continue;
      const old = specOutput(plan.specFolder, name, path);
      if (runIdOf(old.target) !== undefined) set.remove(old.target);
    }
    if (report.labelsFile !== undefined) {
      await set.stageFile(plan.labels!, report.labelsFile.path, report.labelsFile.sha256);
    } else {
      await set.stage(plan.labels!, reportLabelsCsv(report));
    }
    await set.stage(plan.json!, `{\n "clusterlensRun": "${run}",\n${results.slice(2)}\n`);
    await set.stage(plan.html, html);
    await set.commit(streams);
  } catch (error) {
    set.abort();
    throw error;
  }
  removeStaleTemporariesIn(realpathSync(plan.specFolder), (name) => name.endsWith('.vl.json'));
  return { html: path, specs, json: plan.json!.path, labels: plan.labels!.path, run };
}
