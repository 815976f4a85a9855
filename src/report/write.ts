/**
 * Writing output files safely.
 *
 * - `checkOutputPath(path)` fails before any work is done when the file could not be written
 *   (folder missing, folder not writable, path is a folder).
 * - `writeFileAtomic(path, data)` writes a temporary file in the target folder, flushes it to
 *   the disk (fsync), then renames it over the target: readers, and a run killed at any moment,
 *   see the old file or the new one, never half of it; on error the temporary file is removed.
 *   A run that was killed (SIGKILL, power cut) cannot remove its temporary file: the next
 *   successful write of the same target removes those of processes that no longer run.
 * - `toCsv(header, rows)` writes RFC 4180 CSV and guards text cells against formula injection
 *   (OWASP "CSV Injection"): a text cell starting with = + - @ tab or carriage return gets a
 *   leading `'`, so spreadsheets show it as text instead of running it. Number cells are never
 *   changed, and neither are text cells that are plain decimal numbers such as '-1.5'.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OptionError } from '../util/errors.js';
import { type MessageLike, message, option } from '../util/message.js';

/** The output named in messages: 'the file' for the library, `--out` for the CLI. */
const OUT = message`${option('out', undefined, { library: 'the file' })}`;

/**
 * Check that `path` can be written as a file; returns it resolved to an absolute path. Throws an
 * `OptionError` that names the path and the problem. `what` names the output in the message
 * (default: 'the file', which the CLI prints as --out).
 */
export function checkOutputPath(path: string, what: MessageLike = OUT): string {
  if (path === '' || path.endsWith('/') || path.endsWith(sep)) {
    throw new OptionError(message`${what} '${path}' names a folder; give a file name.`);
  }
  const target = resolve(path);
  const folder = dirname(target);
  const folderStat = statOrUndefined(folder);
  if (folderStat === undefined) {
    throw new OptionError(
      message`Cannot write ${what} '${path}': the folder '${dirname(path)}' does not exist. Create it first or choose another path.`,
    );
  }
  if (!folderStat.isDirectory()) {
    throw new OptionError(
      message`Cannot write ${what} '${path}': '${dirname(path)}' is not a folder.`,
    );
  }
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new OptionError(
      message`Cannot write ${what} '${path}': the folder '${dirname(path)}' is not writable.`,
    );
  }
  const targetStat = statOrUndefined(target);
  if (targetStat?.isDirectory()) {
    throw new OptionError(message`${what} '${path}' is a folder; give a file name.`);
  }
  return target;
}

/**
 * Check that `path` can be used as an output folder: an existing folder, or a missing one whose
 * parent folder exists and is writable. Returns it resolved; throws an `OptionError` otherwise.
 * For outputs that go next to a file (a report's NAME.vl/ folder).
 */
export function checkOutputFolder(path: string, what: MessageLike = OUT): string {
  const target = resolve(path);
  const stat = statOrUndefined(target);
  if (stat !== undefined) {
    if (!stat.isDirectory()) {
      throw new OptionError(
        message`Cannot write ${what}: '${path}' must be a folder, but it is a file. Move it away or choose another name.`,
      );
    }
    try {
      accessSync(target, constants.W_OK | constants.X_OK);
    } catch {
      throw new OptionError(message`Cannot write ${what}: the folder '${path}' is not writable.`);
    }
    return target;
  }
  // A missing folder is created: check where it would go as if it were a file.
  checkOutputPath(path, what);
  return target;
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Temporary files of `target` are named `.tmp-<file name>-<pid>-<random hex>`. */
function temporaryPrefix(target: string): string {
  return `.tmp-${basename(target)}-`;
}

function temporaryPath(target: string): string {
  const suffix = `${process.pid}-${randomBytes(6).toString('hex')}`;
  return join(dirname(target), `${temporaryPrefix(target)}${suffix}`);
}

/** True if a process with this id runs (on this machine). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary files of `target` left by killed runs: those whose process no longer
 * runs. Best effort: a file that cannot be removed stays.
 */
export function removeStaleTemporaries(target: string): void {
  const folder = dirname(target);
  const prefix = temporaryPrefix(target);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length));
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || running(pid)) continue;
    try {
      unlinkSync(join(folder, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/**
 * Write `data` to `path` atomically (temporary file in the same folder, flushed, then renamed).
 * `data` may also be an (async) iterable of strings or byte arrays.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = checkOutputPath(path);
  const temporary = temporaryPath(target);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  removeStaleTemporaries(target);
}

/** Synchronous `writeFileAtomic`. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const target = checkOutputPath(path);
  const temporary = temporaryPath(target);
  try {
    const fd = openSync(temporary, 'wx');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
    throw error;
  }
  removeStaleTemporaries(target);
}

/** A CSV cell: text, a number (written in shortest round-trip form), or empty. */
export type CsvCell = string | number | boolean | null | undefined;

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One cell as CSV text: formula-guarded if it is text, quoted when RFC 4180 requires it. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  if (typeof value === 'boolean') return String(value);
  let text = value;
  const first = text.charCodeAt(0);
  // = + - @ TAB CR
  if (
    (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) &&
    !PLAIN_NUMBER.test(text)
  ) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV text with a header line and one line per row, lines ended by '\n'. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines: string[] = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

/** Write a CSV file atomically (see `toCsv`). */
export function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
): Promise<void> {
  return writeFileAtomic(path, toCsv(header, rows));
}
