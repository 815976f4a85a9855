/**
 * Writing output files safely.
 *
 * - `checkOutputPath(path)` fails before any work is done when the file could not be written
 *   (folder missing, folder not writable, path is a folder, a dangling link, a block device).
 * - `writeFileAtomic(path, data)` writes a temporary file in the target folder, flushes it to
 *   the disk (fsync), then renames it over the target: readers, and a run killed at any moment,
 *   see the old file or the new one, never half of it; on error the temporary file is removed.
 *   A symbolic link is followed (the file it names is replaced, the link stays). A character
 *   device, a FIFO or an open descriptor (/dev/null, /dev/stdout, a pipe) is written in place,
 *   never replaced; '-' is standard output. A run that was killed (SIGKILL, power cut) cannot
 *   remove its temporary file: the next successful write of the same target removes those of
 *   processes that no longer run.
 * - `toCsv(header, rows)` writes RFC 4180 CSV and guards text cells against formula injection
 *   (OWASP "CSV Injection"): a text cell starting with = + - @ tab or carriage return gets a
 *   leading `'`, so spreadsheets show it as text instead of running it. Number cells are never
 *   changed, and neither are text cells that are plain decimal numbers such as '-1.5'.
 *
 * The rules for which files a command may write (never an input, never a file clusterlens did not
 * write unless --force) and the commit of a set of files are in outputs.ts.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { OptionError } from '../util/errors.js';
import {
  type Output,
  removeStaleTemporaries,
  resolveOutput,
  temporaryPath,
  writeError,
} from './outputs.js';

export { removeStaleTemporaries };

/**
 * Check that `path` can be written as a file; returns it resolved to an absolute path (the real
 * path, symbolic links followed; '-' for standard output). Throws an `OptionError` that names the
 * path and the problem. `what` names the option in the message.
 */
export function checkOutputPath(path: string, what = '--out'): string {
  return resolveOutput(path, { option: what }).target;
}

/**
 * Check that `path` can be used as an output folder: an existing folder, or a missing one whose
 * parent folder exists and is writable. Returns it resolved; throws an `OptionError` otherwise.
 * For outputs that go next to a file (a report's NAME.vl/ folder).
 */
export function checkOutputFolder(path: string, what = '--out'): string {
  const stat = statOrUndefined(path);
  if (stat !== undefined) {
    if (!stat.isDirectory()) {
      throw new OptionError(
        `Cannot write ${what}: '${path}' must be a folder, but it is a file. Move it away or ` +
          'choose another name.',
      );
    }
    const target = realpathSync(path);
    try {
      accessSync(target, constants.W_OK | constants.X_OK);
    } catch {
      throw new OptionError(`Cannot write ${what}: the folder '${path}' is not writable.`);
    }
    return target;
  }
  // A missing folder is created: check where it would go as if it were a file.
  return resolveOutput(path, { option: what, streams: false }).target;
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Write a stream output (device, FIFO, descriptor) in place, or standard output. */
async function writeStream(output: Output, data: string | Uint8Array): Promise<void> {
  if (output.kind === 'stdout') {
    process.stdout.write(typeof data === 'string' ? data : Buffer.from(data));
    return;
  }
  try {
    const handle = await open(output.target, constants.O_WRONLY | constants.O_APPEND);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw writeError(error, output);
  }
}

/**
 * Write `data` to `path` atomically (temporary file in the same folder, flushed, then renamed).
 * `data` may also be an (async) iterable of strings or byte arrays. Devices, FIFOs and '-' are
 * written in place (see the file header).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const output = resolveOutput(path);
  if (output.kind !== 'file') return writeStream(output, data);
  const target = output.target;
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
    throw writeError(error, output);
  }
  removeStaleTemporaries(target);
}

/** Synchronous `writeFileAtomic` (devices and FIFOs in place; '-' is refused). */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const output = resolveOutput(path);
  if (output.kind === 'stdout') {
    throw new OptionError(`writeFileAtomicSync cannot write '${path}': use writeFileAtomic.`);
  }
  if (output.kind === 'stream') {
    let fd: number | undefined;
    try {
      fd = openSync(output.target, constants.O_WRONLY | constants.O_APPEND);
      writeFileSync(fd, data);
    } catch (error) {
      throw writeError(error, output);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return;
  }
  const target = output.target;
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
    throw writeError(error, output);
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
