/**
 * Outputs: which paths a command may write, and how the files of one run are committed together.
 *
 * The user's files are never outputs. Before any work, every path a command would write (its
 * --out, and for a report the files next to it: NAME.json, NAME.labels.csv, NAME.vl/*.vl.json)
 * is resolved as the file system sees it: symbolic links are followed, and an existing file is
 * compared by device and inode number, so another spelling, another case on a case-insensitive
 * file system, a hard link or a link to the same file are all caught. The command stops with an
 * `OptionError` (one line, exit status 1) when an output
 *   - is an input file of the run: never replaced, not even with --force;
 *   - exists and was not written by clusterlens: replaced only with --force (`force`);
 *   - is the same file as another output of the run.
 *
 * Which files clusterlens wrote: every output carries the id of the run that wrote it. The
 * report's HTML has `<meta name="clusterlens-run" content="ID">` in its head, the report's JSON
 * and the Vega-Lite specs a `"clusterlensRun": "ID"` near their start. A CSV has no place for it:
 * its run id and SHA-256 go to a record next to it, `.NAME.csv.clusterlens`, so a CSV edited since
 * clusterlens wrote it is no longer clusterlens's. An output is checked again just before it is
 * renamed into place, so a file that appeared meanwhile is not replaced either.
 *
 * Paths that are not regular files are written through, never replaced: '-' and /dev/stdout are
 * standard output; character devices (/dev/null, /dev/full, a terminal), FIFOs and the open file
 * descriptors of /dev/fd and /proc/self/fd are opened and written in place (appending). Block
 * devices and sockets are refused. Where only a regular file will do (the JSON, labels and specs
 * next to a report), a stream is refused too (`streams: false`).
 *
 * An output set (`OutputSet`) is committed together. `stage` writes each file to a temporary file
 * next to its target (`.tmp-NAME-<pid>-<random>`, flushed to the disk); `commit` then renames all
 * of them in one short final step, in staging order (a report stages its HTML last, so a complete
 * HTML means a complete set). SIGINT, SIGTERM and SIGHUP are held back during that step and take
 * effect when it ends; before it, they remove the temporaries and end the process as they would
 * have (when no other listener handles them). Temporaries are also removed on errors and on
 * process.exit(). SIGKILL cannot be caught: the next run removes the temporaries of processes that
 * no longer run, and a set mixed by a SIGKILL inside the final step shows files with different run
 * ids, which `verifyReport` (`clusterlens verify NAME.html`) names.
 *
 * The run id (`runId`) is a hash of what determines the outputs (input SHA-256, options,
 * versions): no clock and no randomness, so reruns give byte-identical files.
 *
 * For the tests that signal or kill a run while it writes, the environment variable
 * CLUSTERLENS_TEST_WRITE_DELAY_MS makes the writes slow: each staged file, and each rename of the
 * final step, waits that many milliseconds.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  copyFileSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ioErrorMeaning, OptionError } from '../util/errors.js';
import { type MessageLike, message, option as optionMention } from '../util/message.js';

/**
 * The option that names an output, in messages: "choose another path" for the library, "choose
 * another --out" on the command line (src/util/message.ts).
 */
export const OUT_OPTION = message`${optionMention('out', undefined, { library: 'path' })}`;

/** How a message names an output at `path` by default: "the file 'x.csv'", or "--out 'x.csv'". */
function outputAt(path: string): MessageLike {
  return message`${optionMention('out', undefined, { library: 'the file' })} '${path}'`;
}

/** Replacing a file clusterlens did not write: the `force` option (the CLI's --force). */
const FORCE = optionMention('force', true);

/** How an output is written. */
export type OutputKind =
  /** A regular file (existing or not): temporary file, then rename. */
  | 'file'
  /** A character device, FIFO or open descriptor: opened and written in place. */
  | 'stream'
  /** Standard output ('-', /dev/stdout): written to the command's stdout stream. */
  | 'stdout';

/** One output of a run, resolved. */
export interface Output {
  /** The path as the user gave it (or as derived from it), for messages. */
  path: string;
  /** What the output is, for messages: "the file 'x.csv'", "the report's JSON 'r.json' (...)". */
  what: MessageLike;
  /** The option to change in a message that refuses the output. Default: `OUT_OPTION`. */
  option: MessageLike;
  kind: OutputKind;
  /** Where it is written: the real path (symbolic links followed) of a file, else the path. */
  target: string;
  /** Keep the run id and SHA-256 in a record next to the file (for files without a run id). */
  record: boolean;
}

/** Options of `resolveOutput`. */
export interface ResolveOutputOptions {
  /** What the output is, for messages. Default: "the file '<path>'" (on the CLI: "--out '<path>'"). */
  what?: MessageLike;
  /** The option that names it. Default: `OUT_OPTION`. */
  option?: MessageLike;
  /** Accept '-', devices and FIFOs. Default: true. */
  streams?: boolean;
  /** See `Output.record`. Default: false. */
  record?: boolean;
}

/** The rules of `checkOutputs`. */
export interface OutputRules {
  /** Input files of the run: never outputs. */
  inputs?: readonly string[];
  /** Replace existing files that clusterlens did not write (never inputs). Default: false. */
  force?: boolean;
}

/** Paths that name the process's standard output. */
function isStdoutPath(absolute: string): boolean {
  return (
    absolute === '/dev/stdout' ||
    absolute === '/dev/fd/1' ||
    absolute === '/proc/self/fd/1' ||
    absolute === `/proc/${process.pid}/fd/1`
  );
}

/** Paths that name a descriptor the process already has open (its stderr, a `>(...)` pipe). */
function isDescriptorPath(absolute: string): boolean {
  return /^\/dev\/(stdin|stdout|stderr)$|^\/dev\/fd\/\d+$|^\/proc\/(self|\d+)\/fd\/\d+$/.test(
    absolute,
  );
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Resolve an output path and check that it can be written, before any work: the folder exists
 * and is writable, the path is not a folder, a dangling link, a block device or a socket. Throws
 * an `OptionError` naming the path and the problem.
 */
export function resolveOutput(path: string, options: ResolveOutputOptions = {}): Output {
  const option = options.option ?? OUT_OPTION;
  const what = options.what ?? outputAt(path);
  const streams = options.streams ?? true;
  const record = options.record ?? false;
  const cannot = (why: MessageLike) => new OptionError(message`Cannot write ${what}: ${why}`);
  const notStream = (kind: string) =>
    cannot(
      message`it is ${kind}, and this output must be a regular file. Choose another ${option}.`,
    );
  if (path === '-') {
    if (!streams) throw notStream('standard output');
    return { path, what, option, kind: 'stdout', target: '-', record };
  }
  if (path === '' || path.endsWith('/') || path.endsWith(sep)) {
    throw new OptionError(message`${what} names a folder; give a file name.`);
  }
  const absolute = resolve(path);
  if (isStdoutPath(absolute)) {
    if (!streams) throw notStream('standard output');
    return { path, what, option, kind: 'stdout', target: '-', record };
  }
  const link = lstatOrUndefined(absolute);
  const stat = statOrUndefined(absolute);
  if (link?.isSymbolicLink() && stat === undefined) {
    let to = '?';
    try {
      to = readlinkSync(absolute);
    } catch {
      // unreadable link: named without its target
    }
    throw cannot(
      message`it is a symbolic link to '${to}', which does not exist. Remove the link or choose another ${option}.`,
    );
  }
  if (stat !== undefined) {
    if (stat.isDirectory()) throw new OptionError(message`${what} is a folder; give a file name.`);
    if (stat.isFIFO() || stat.isCharacterDevice() || isDescriptorPath(absolute)) {
      if (!streams) {
        throw notStream(stat.isFIFO() ? 'a FIFO' : stat.isFile() ? 'a descriptor' : 'a device');
      }
      try {
        accessSync(absolute, constants.W_OK);
      } catch {
        throw cannot('it is not writable.');
      }
      return { path, what, option, kind: 'stream', target: absolute, record: false };
    }
    if (!stat.isFile()) {
      throw cannot(
        message`it is ${stat.isBlockDevice() ? 'a block device' : 'a socket'}, not a file. Choose another ${option}.`,
      );
    }
    const target = realpathSync(absolute);
    checkFolder(dirname(target), dirname(target), cannot);
    return { path, what, option, kind: 'file', target, record };
  }
  const folder = dirname(absolute);
  checkFolder(folder, dirname(path), cannot);
  return {
    path,
    what,
    option,
    kind: 'file',
    target: join(realpathSync(folder), basename(absolute)),
    record,
  };
}

/** The folder of a file output exists, is a folder and can take new files. */
function checkFolder(
  folder: string,
  shown: string,
  cannot: (why: MessageLike) => OptionError,
): void {
  const stat = statOrUndefined(folder);
  if (stat === undefined) {
    throw cannot(`the folder '${shown}' does not exist. Create it first or choose another path.`);
  }
  if (!stat.isDirectory()) throw cannot(`'${shown}' is not a folder.`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw cannot(`the folder '${shown}' is not writable.`);
  }
}

/** The same file: same device and inode number. */
function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Check a run's outputs against the rules, before any work (see the file header): none is an
 * input, none is an existing file clusterlens did not write (unless `force`), no two are the
 * same file, at most one is standard output. Throws an `OptionError` naming the output.
 */
export function checkOutputs(outputs: readonly Output[], rules: OutputRules = {}): void {
  const inputs: { path: string; stat: Stats }[] = [];
  for (const path of rules.inputs ?? []) {
    const stat = statOrUndefined(path);
    if (stat !== undefined) inputs.push({ path, stat });
  }
  const seen = new Map<string, Output>();
  for (const output of outputs) {
    const stat = output.kind === 'stdout' ? undefined : statOrUndefined(output.target);
    const key =
      output.kind === 'stdout'
        ? '-'
        : stat !== undefined
          ? `${stat.dev}:${stat.ino}`
          : `path:${output.target}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new OptionError(
        message`Cannot write ${output.what}: it is the same file as ${earlier.what}. Choose another ${output.option}.`,
      );
    }
    seen.set(key, output);
    if (stat === undefined) continue;
    for (const input of inputs) {
      if (sameFile(stat, input.stat)) {
        throw new OptionError(
          message`Cannot write ${output.what}: it is the input file '${input.path}'. clusterlens never writes over its input; choose another ${output.option}.`,
        );
      }
    }
    if (output.kind === 'file' && stat.isFile() && !rules.force && !writtenByClusterlens(output)) {
      throw new OptionError(
        message`Cannot write ${output.what}: the file exists and clusterlens did not write it. Choose another ${output.option}, move the file away, or give ${FORCE} to replace it.`,
      );
    }
  }
}

/** True when the file at `output.target` carries a clusterlens run id (see `runIdOf`). */
function writtenByClusterlens(output: Output): boolean {
  return runIdOf(output.target) !== undefined;
}

/** The marker in the HTML head, and in the JSON files (the report's results, the specs). */
const MARKER =
  /<meta name="clusterlens-run" content="([0-9a-f]{16})">|"clusterlensRun":\s*"([0-9a-f]{16})"/;

/** Bytes read from the start of a file to find its marker. */
const MARKER_WINDOW = 4096;

/**
 * The id of the run that wrote the file at `path`: from its marker (HTML, JSON, specs), else from
 * its record (CSV) when the record holds the file's SHA-256; undefined when there is none, the
 * file is missing, or it changed since.
 */
export function runIdOf(path: string): string | undefined {
  // only regular files: opening a FIFO to read it would wait for a writer
  if (statOrUndefined(path)?.isFile() !== true) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(MARKER_WINDOW);
    const length = readSync(fd, head, 0, MARKER_WINDOW, 0);
    const match = MARKER.exec(head.toString('latin1', 0, length));
    if (match !== null) return match[1] ?? match[2];
  } finally {
    closeSync(fd);
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  const record = readRecord(real);
  if (record === undefined) return undefined;
  const digest = sha256OfFile(real);
  return record.versions.find((v) => v.sha256 === digest)?.run;
}

/** The record next to a file without a marker: its versions as clusterlens wrote them. */
interface OutputRecord {
  generator: string;
  file: string;
  versions: { run: string; sha256: string }[];
}

/** `.NAME.clusterlens` next to NAME. */
export function recordPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.clusterlens`);
}

function readRecord(target: string): OutputRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath(target), 'utf8')) as OutputRecord;
    return Array.isArray(record.versions) ? record : undefined;
  } catch {
    return undefined;
  }
}

function recordText(target: string, versions: OutputRecord['versions']): string {
  const record: OutputRecord = { generator: 'clusterlens', file: basename(target), versions };
  return `${JSON.stringify(record)}\n`;
}

/** SHA-256 (hex) of a file's bytes, read in chunks. */
function sha256OfFile(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

const sha256Of = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * The id of a run: the first 16 hex digits of the SHA-256 of `parts` as JSON (object keys
 * sorted). Pass what determines the outputs: the input's SHA-256, the options, the versions.
 */
export function runId(parts: unknown): string {
  return sha256Of(stableJson(parts)).slice(0, 16);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = (v as Record<string, unknown>)[k];
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Temporary files

/** Temporary files of `target` are named `.tmp-<file name>-<pid>-<random hex>`. */
function temporaryPrefix(target: string): string {
  return `.tmp-${basename(target)}-`;
}

/** A new temporary file name next to `target`. */
export function temporaryPath(target: string): string {
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

const TEMPORARY = /^\.tmp-(.+)-(\d+)-[0-9a-f]{12}$/;

/**
 * Remove the temporary files left in `folder` by killed runs (those whose process no longer
 * runs) for the targets `names` accepts (a file name). Best effort: a file that cannot be
 * removed stays.
 */
export function removeStaleTemporariesIn(folder: string, names: (name: string) => boolean): void {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = TEMPORARY.exec(entry);
    if (match === null || !names(match[1]!)) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || running(pid)) continue;
    try {
      unlinkSync(join(folder, entry));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/**
 * Remove the temporary files of `target` left by killed runs: those whose process no longer
 * runs. Best effort: a file that cannot be removed stays.
 */
export function removeStaleTemporaries(target: string): void {
  const name = basename(target);
  removeStaleTemporariesIn(dirname(target), (n) => n === name);
}

// ---------------------------------------------------------------------------------------------
// Errors of writing

/**
 * An `OptionError` for an error of writing `output` that the user can act on (a full disk,
 * permissions, a read-only file system, too many open files...), naming the output as the user
 * gave it, in the words of `ioError` (src/util/errors.ts); other errors come back unchanged.
 */
export function writeError(error: unknown, output: Pick<Output, 'path'>): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = ioErrorMeaning(code);
  if (known === undefined) return error;
  return new OptionError(
    message`Cannot write '${output.path}': ${known.what} (${code}). ${known.todo}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Output sets

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Signal = (typeof SIGNALS)[number];

const nextTurn = () => new Promise<void>((done) => setImmediate(done));

/** Milliseconds to wait after each staged file and before each rename (slow writes for tests). */
function writeDelay(): number {
  const text = process.env.CLUSTERLENS_TEST_WRITE_DELAY_MS;
  const ms = text === undefined ? 0 : Number(text);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A file staged for the final step. */
interface Staged {
  output: Output;
  /** The temporary file (kind 'file'), renamed over the target in the final step. */
  temporary?: string;
  /** The data of a stream or stdout output, written in `commit`. */
  data?: string | Uint8Array;
  /** For `record` outputs: the temporaries of the record during and after the final step. */
  recordDuring?: string;
  recordAfter?: string;
}

/** Where `commit` writes standard output. */
export interface OutputStreams {
  stdout: { write(text: string): unknown };
}

/**
 * The outputs of one run, written to temporaries and committed together (see the file header).
 *
 *   const set = new OutputSet(runId({...}), {inputs: [file], force});
 *   await set.stage(output, text);     // as many as the run writes; the HTML last
 *   set.remove(path);                  // earlier outputs that this run no longer writes
 *   await set.commit(io);              // the final step; or set.abort() on an error
 *
 * `stage` and `commit` remove every temporary when they fail, and rethrow (I/O errors the user
 * can act on as an `OptionError`).
 */
export class OutputSet {
  private readonly staged: Staged[] = [];
  private readonly removals: string[] = [];
  private readonly temporaries = new Set<string>();
  /** Folders this set created: removed (when empty) if the set is not committed. */
  private readonly folders: string[] = [];
  private guarding = false;
  /** True inside the final step: signals are held back. */
  private deferring = false;
  private pending: Signal | undefined;
  private done = false;

  constructor(
    /** The run id every output carries. */
    readonly run: string,
    private readonly rules: OutputRules = {},
  ) {}

  private readonly onSignal = (signal: Signal) => {
    if (this.deferring) {
      this.pending ??= signal;
      return;
    }
    // Another listener decides what the signal means (process.exit() removes the temporaries).
    if (process.listenerCount(signal) > 1) return;
    this.abort();
    process.kill(process.pid, signal);
  };

  private readonly onExit = () => {
    this.removeTemporaries();
    if (!this.done) this.removeFolders();
  };

  private guard(): void {
    if (this.guarding) return;
    this.guarding = true;
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    process.on('exit', this.onExit);
  }

  private unguard(): void {
    if (!this.guarding) return;
    this.guarding = false;
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
    process.removeListener('exit', this.onExit);
  }

  /** Write a temporary file, flushed to the disk; on failure it is removed. */
  private writeTemporary(target: string, data: string | Uint8Array, output: Output): string {
    const temporary = temporaryPath(target);
    this.temporaries.add(temporary);
    try {
      const fd = openSync(temporary, 'wx');
      try {
        writeFileSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      this.abort();
      throw writeError(error, output);
    }
    return temporary;
  }

  /**
   * Stage `data` as the content of `output`: a file goes to a temporary next to its target now;
   * a stream or stdout output is written in `commit`.
   */
  async stage(output: Output, data: string | Uint8Array): Promise<void> {
    if (this.done) throw new Error('OutputSet: stage after commit or abort');
    this.guard();
    if (output.kind !== 'file') {
      this.staged.push({ output, data });
      return;
    }
    const staged: Staged = { output, temporary: this.writeTemporary(output.target, data, output) };
    await this.record(staged, output, sha256Of(data));
  }

  /**
   * Stage the file at `path` (written by the caller, SHA-256 `sha256`) as the content of the file
   * output `output`: it is moved next to its target now (renamed, or copied and removed when it
   * is on another file system) and renamed over the target in `commit`.
   */
  async stageFile(output: Output, path: string, sha256: string): Promise<void> {
    if (this.done) throw new Error('OutputSet: stage after commit or abort');
    if (output.kind !== 'file') throw new Error('OutputSet: stageFile needs a file output');
    this.guard();
    const temporary = temporaryPath(output.target);
    this.temporaries.add(temporary);
    try {
      try {
        renameSync(path, temporary);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        copyFileSync(path, temporary, constants.COPYFILE_EXCL);
        unlinkSync(path);
      }
    } catch (error) {
      this.abort();
      throw writeError(error, output);
    }
    await this.record({ output, temporary }, output, sha256);
  }

  /** Add a staged file, with its record of runs when the output keeps one. */
  private async record(staged: Staged, output: Output, sha256: string): Promise<void> {
    if (output.record) {
      const mine = { run: this.run, sha256 };
      const previous = readRecord(output.target);
      const current = statOrUndefined(output.target)?.isFile()
        ? sha256OfFile(output.target)
        : undefined;
      const kept = previous?.versions.find((v) => v.sha256 === current && v.sha256 !== mine.sha256);
      const record = recordPath(output.target);
      staged.recordDuring = this.writeTemporary(
        record,
        recordText(output.target, kept ? [mine, kept] : [mine]),
        output,
      );
      if (kept)
        staged.recordAfter = this.writeTemporary(record, recordText(output.target, [mine]), output);
    }
    this.staged.push(staged);
    // a signal that came during the write acts now, before the next one
    const delay = writeDelay();
    await (delay > 0 ? new Promise<void>((done) => setTimeout(done, delay)) : nextTurn());
  }

  /**
   * Create the folder `path` (and missing parents) for outputs of this set; a folder created here
   * is removed again, when empty, if the set is not committed.
   */
  folder(path: string): void {
    this.guard();
    let created: string | undefined;
    try {
      created = mkdirSync(path, { recursive: true });
    } catch (error) {
      this.abort();
      throw writeError(error, { path });
    }
    if (created !== undefined) this.folders.push(resolve(created), ...this.between(created, path));
  }

  /** The folders from `top` (exclusive) down to `path`, deepest last. */
  private between(top: string, path: string): string[] {
    const out: string[] = [];
    for (let p = resolve(path); p !== resolve(top) && p !== dirname(p); p = dirname(p)) {
      out.unshift(p);
    }
    return out;
  }

  /** Remove `path` in the final step, before the last rename (an earlier output not rewritten). */
  remove(path: string): void {
    this.removals.push(path);
  }

  /**
   * The final step: check the file outputs again, write the streams, then rename every
   * temporary over its target in staging order (removals before the last one), with SIGINT,
   * SIGTERM and SIGHUP held back until the step ends.
   */
  async commit(streams?: OutputStreams): Promise<void> {
    if (this.done) throw new Error('OutputSet: commit after commit or abort');
    this.guard();
    try {
      checkOutputs(
        this.staged.filter((s) => s.output.kind === 'file').map((s) => s.output),
        this.rules,
      );
      for (const s of this.staged) {
        if (s.output.kind === 'file') continue;
        if (s.output.kind === 'stdout') {
          if (streams === undefined) throw new Error('OutputSet.commit: no stdout stream');
          streams.stdout.write(
            typeof s.data === 'string' ? s.data : Buffer.from(s.data!).toString(),
          );
        } else {
          await writeThrough(s.output, s.data!);
        }
      }
      await nextTurn();
      this.deferring = true;
      this.finalStep();
      this.folders.length = 0;
      // a signal that came during the step reaches its listener now, and is held back
      await nextTurn();
    } catch (error) {
      this.abort();
      throw error;
    } finally {
      this.deferring = false;
      this.done = true;
      this.removeTemporaries();
      this.unguard();
      this.removeStale();
    }
    const signal = this.pending;
    if (signal !== undefined && process.listenerCount(signal) === 0) {
      process.kill(process.pid, signal);
    }
  }

  /** The renames, synchronous: no signal listener runs in between. */
  private finalStep(): void {
    const delay = writeDelay();
    const rename = (from: string, to: string, output: Output) => {
      if (delay > 0) sleep(delay);
      try {
        renameSync(from, to);
      } catch (error) {
        throw writeError(error, output);
      }
      this.temporaries.delete(from);
    };
    const files = this.staged.filter((s) => s.temporary !== undefined);
    for (const s of files) {
      if (s.recordDuring) rename(s.recordDuring, recordPath(s.output.target), s.output);
    }
    const last = files[files.length - 1];
    for (const s of files) if (s !== last) rename(s.temporary!, s.output.target, s.output);
    for (const path of this.removals) {
      try {
        unlinkSync(path);
      } catch {
        // gone already
      }
    }
    if (last !== undefined) rename(last.temporary!, last.output.target, last.output);
    for (const s of files) {
      if (s.recordAfter) rename(s.recordAfter, recordPath(s.output.target), s.output);
    }
  }

  /** Remove every temporary, and the folders it created, of this set (after an error or a signal). */
  abort(): void {
    this.done = true;
    this.removeTemporaries();
    this.removeFolders();
    this.unguard();
  }

  private removeTemporaries(): void {
    for (const temporary of this.temporaries) {
      try {
        unlinkSync(temporary);
      } catch {
        // never created, or gone already
      }
    }
    this.temporaries.clear();
  }

  private removeFolders(): void {
    for (const folder of this.folders.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // not empty, or gone already
      }
    }
    this.folders.length = 0;
  }

  /** Remove the temporaries that killed runs left next to this set's files. */
  private removeStale(): void {
    const byFolder = new Map<string, Set<string>>();
    for (const s of this.staged) {
      if (s.output.kind !== 'file') continue;
      const folder = dirname(s.output.target);
      const names = byFolder.get(folder) ?? new Set<string>();
      names.add(basename(s.output.target));
      if (s.output.record) names.add(basename(recordPath(s.output.target)));
      byFolder.set(folder, names);
    }
    for (const [folder, names] of byFolder) {
      removeStaleTemporariesIn(folder, (name) => names.has(name));
    }
  }
}

/** Open a device, FIFO or descriptor and write `data` in place (appending, never replacing). */
async function writeThrough(output: Output, data: string | Uint8Array): Promise<void> {
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
 * Write one output on its own (a labels or scores CSV): stage, commit. For `--out` of the
 * commands that write one file.
 */
export async function writeOutput(
  output: Output,
  data: string | Uint8Array,
  run: string,
  rules: OutputRules = {},
  streams?: OutputStreams,
): Promise<void> {
  const set = new OutputSet(run, rules);
  await set.stage(output, data);
  await set.commit(streams);
}
