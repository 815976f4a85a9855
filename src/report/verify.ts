/**
 * `verifyReport(path)`: do the files of a report come from one run?
 *
 * `writeReport` commits NAME.html, NAME.json, NAME.labels.csv and NAME.vl/*.vl.json together,
 * and each carries the id of the run that wrote it (outputs.ts). Only a SIGKILL (or a power cut)
 * inside the final renames can leave files of two runs side by side; this check finds them. The
 * HTML is renamed last, so its run is the reference: every other file must carry the same id.
 * A file disagrees when it is missing, carries another run id, or carries none (a CSV whose
 * SHA-256 is not in its record: edited since, or not written by clusterlens). Temporary files
 * that a killed run left are listed too (the next report run removes them); they do not make the
 * set disagree.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError } from '../util/errors.js';
import { runIdOf } from './outputs.js';

/** One file of a report set, as `verifyReport` found it. */
export interface VerifiedFile {
  /** The path, built from the HTML's path as given. */
  path: string;
  /** Its run id; undefined when it is missing or carries none. */
  run: string | undefined;
  /** Empty when it agrees with the HTML; else why not. */
  problem: string;
}

/** What `verifyReport` returns. */
export interface ReportVerification {
  /** The run id of the HTML. */
  run: string;
  /** The HTML first, then the JSON, the labels and the specs (by name). */
  files: VerifiedFile[];
  /** True when every file carries the HTML's run id. */
  consistent: boolean;
  /** Temporary files of killed runs next to the report or in NAME.vl/. */
  temporaries: string[];
}

function runOf(path: string): string | undefined {
  try {
    return runIdOf(realpathSync(path));
  } catch {
    return undefined;
  }
}

/**
 * Check that the files of the report at `path` (NAME.html) carry one run id. Throws a
 * `DataError` when NAME.html is missing or carries no run id (not a clusterlens report).
 */
export function verifyReport(path: string): ReportVerification {
  if (!existsSync(path)) {
    throw new DataError(`${path}: no such file. Give the path of a report's HTML file.`);
  }
  const run = runOf(path);
  if (run === undefined) {
    throw new DataError(
      `${path}: not a clusterlens report (no run id in its head: written by another program, ` +
        'or by a clusterlens without run ids).',
    );
  }
  const base = join(dirname(path), basename(path).replace(/\.html?$/i, ''));
  const specFolder = `${base}.vl`;
  const specs = existsSync(specFolder)
    ? readdirSync(specFolder)
        .filter((name) => name.endsWith('.vl.json') && !name.startsWith('.tmp-'))
        .sort()
        .map((name) => join(specFolder, name))
    : [];
  const files: VerifiedFile[] = [{ path, run, problem: '' }];
  for (const file of [`${base}.json`, `${base}.labels.csv`, ...specs]) {
    const found = runOf(file);
    let problem = '';
    if (!existsSync(file)) problem = 'missing';
    else if (found === undefined) {
      problem = file.endsWith('.csv')
        ? 'no run id (its SHA-256 is not in its record: edited, or not from clusterlens)'
        : 'no run id (not written by clusterlens)';
    } else if (found !== run) problem = 'another run';
    files.push({ path: file, run: found, problem });
  }
  const name = basename(base);
  const temporaries: string[] = [];
  for (const [folder, mine] of [
    [dirname(path), (n: string) => n.startsWith(`.tmp-${name}.`) || n.startsWith(`.tmp-.${name}.`)],
    [specFolder, (n: string) => n.startsWith('.tmp-')],
  ] as const) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder).sort()) {
      if (mine(entry)) temporaries.push(join(folder, entry));
    }
  }
  return { run, files, consistent: files.every((f) => f.problem === ''), temporaries };
}
