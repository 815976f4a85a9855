/**
 * The two kinds of user error. Anything else that escapes the library is a bug.
 *
 * - `DataError`: the input data is unusable (missing file, ragged row, NaN where a number is
 *   needed). It names the place: file, 1-based line as a text editor shows it, and column.
 * - `OptionError`: an option is out of its domain, or does not fit the data ("n_samples=3 should
 *   be >= k=4"). It is a `RangeError`, so callers that only know the standard classes still can
 *   tell it apart from a `TypeError` bug.
 *
 * Both name the options to change as the library's options (`{missing: 'drop'}`): a message
 * built with `message` of src/util/message.ts keeps its option mentions, and the CLI prints
 * them as its flags (`error.render(names)`; src/cli/flags.ts) on one line, exiting with status 1;
 * it never shows the stack of a user error unless `--verbose` is given.
 *
 * Two kinds of failure that come from outside the code are user errors too, once explained:
 *
 * - `ioError(error, path)`: a file-system error of Node (ENOSPC, EACCES, EROFS, EMFILE, EISDIR,
 *   ENOENT, ENOTDIR, EDQUOT, ...) as an `OptionError` (writing) or `DataError` (reading) that
 *   names the path and says what to do.
 * - `allocationFailureOf(error)`: what a failed allocation of the JavaScript runtime means
 *   ("Array buffer allocation failed", "Invalid typed array length", a WebAssembly memory that
 *   cannot grow, "Invalid array length", "Invalid string length"): out of memory, or one of the
 *   runtime's fixed caps (2^32 elements in a typed array, 4 GiB of WebAssembly memory, ...),
 *   which no amount of memory lifts. src/util/memory.ts turns it into the message
 *   (`allocationFailure`), with the process's limits.
 */
import {
  type MentionRenderer,
  type MessageLike,
  type MessageText,
  message,
  option,
  toMessageText,
} from './message.js';

/** Where the output goes, as what to change: an output path (the CLI's --out). */
const OUTPUT_PATH = option('out', undefined, { library: 'an output path' });

/** Where in the input a `DataError` happened. Every field is optional. */
export interface DataErrorPlace {
  /** Path of the file as the user gave it. */
  file?: string;
  /** 1-based physical line number in the file (the header is line 1 of a CSV). */
  line?: number;
  /** Column name, or 1-based column number when the column has no name. */
  column?: string | number;
  /**
   * 0-based row index in the feature matrix, when the data did not come from a file; for a
   * columnar file (with `part`), the 1-based data row of the file.
   */
  row?: number;
  /** The part of a columnar file: 'row group 3' (Parquet), 'record batch 2' (Arrow). */
  part?: string;
}

/** Unusable input data. The message already contains the place; the fields repeat it for code. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: string | number | undefined;
  readonly row: number | undefined;
  readonly part: string | undefined;
  /** The message without the place, with its option mentions. */
  readonly text: MessageText;

  constructor(message: MessageLike, place: DataErrorPlace = {}) {
    const text = toMessageText(message);
    super(withPlace(text.render(), place));
    this.text = text;
    this.file = place.file;
    this.line = place.line;
    this.column = place.column;
    this.row = place.row;
    this.part = place.part;
  }

  /** The message with its option mentions named by `name` (the CLI's flags). */
  render(name?: MentionRenderer): string {
    return withPlace(this.text.render(name), this);
  }
}

/** An option outside its domain, or one that does not fit the data. */
export class OptionError extends RangeError {
  override readonly name = 'OptionError';
  /** The message with its option mentions. */
  readonly text: MessageText;

  constructor(message: MessageLike) {
    const text = toMessageText(message);
    super(text.render());
    this.text = text;
  }

  /** The message with its option mentions named by `name` (the CLI's flags). */
  render(name?: MentionRenderer): string {
    return this.text.render(name);
  }
}

/** True for the errors a user can fix by changing the input or the options. */
export function isUserError(error: unknown): error is DataError | OptionError {
  return error instanceof DataError || error instanceof OptionError;
}

function withPlace(message: string, place: DataErrorPlace): string {
  const parts: string[] = [];
  if (place.file !== undefined) parts.push(place.file);
  if (place.part !== undefined) parts.push(place.part);
  if (place.line !== undefined) parts.push(`line ${place.line}`);
  if (place.row !== undefined) parts.push(`row ${place.row}`);
  if (place.column !== undefined) {
    parts.push(
      typeof place.column === 'number' ? `column ${place.column}` : `column '${place.column}'`,
    );
  }
  return parts.length === 0 ? message : `${parts.join(', ')}: ${message}`;
}

/** Largest number of elements of a typed array in Node 20 (V8 11): 2^32. */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;
/** Largest number of characters of a string in Node 20 (V8 11, 64-bit): 2^29 - 24. */
export const MAX_STRING_LENGTH = 2 ** 29 - 24;
/** Largest WebAssembly memory (wasm32): 65536 pages of 64 KiB, 4 GiB. */
export const MAX_WASM_MEMORY = 2 ** 32;

/** What a failed allocation of the JavaScript runtime means (see `allocationFailureOf`). */
export interface AllocationFailure {
  /**
   * 'memory': the operating system refused the memory (or its address space);
   * 'typed-array': more elements than a typed array can hold; 'array-buffer': more bytes than an
   * ArrayBuffer can hold; 'array': more elements than a JavaScript array can hold; 'string': a
   * text longer than a JavaScript string can hold; 'wasm': a WebAssembly memory past 4 GiB or
   * whose address space could not be reserved.
   */
  kind: 'memory' | 'typed-array' | 'array-buffer' | 'array' | 'string' | 'wasm';
  /** Elements asked for, when the runtime's message says. */
  length?: number;
  /** The runtime's limit in words, for messages ('' for 'memory': the limit is the process's). */
  cap: string;
}

/**
 * The allocation failure `error` is, or undefined when it is not one (a bug's RangeError stays a
 * bug: "Invalid typed array length" below the 2^32 cap is an out-of-range view, not a size).
 */
export function allocationFailureOf(error: unknown): AllocationFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message;
  if (code === 'ENOMEM') return { kind: 'memory', cap: '' };
  if (code === 'ERR_STRING_TOO_LONG' || message === 'Invalid string length') {
    return {
      kind: 'string',
      cap:
        `the ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters (2^29 - 24, about 512 MiB) ` +
        'a JavaScript string can hold',
    };
  }
  if (!(error instanceof RangeError)) return undefined;
  if (message === 'Array buffer allocation failed') return { kind: 'memory', cap: '' };
  const typed = /^Invalid typed array length: (\d+)$/.exec(message);
  if (typed !== null && Number(typed[1]) > MAX_TYPED_ARRAY_LENGTH) {
    return {
      kind: 'typed-array',
      length: Number(typed[1]),
      cap:
        `the 2^32 (${MAX_TYPED_ARRAY_LENGTH.toLocaleString('en-US')}) elements a typed array ` +
        'can hold in this JavaScript runtime',
    };
  }
  if (message === 'Invalid array buffer length') {
    return {
      kind: 'array-buffer',
      cap: 'the largest ArrayBuffer this JavaScript runtime can make',
    };
  }
  if (message === 'Invalid array length') {
    return {
      kind: 'array',
      cap: 'the 2^32 - 1 elements a JavaScript array can hold',
    };
  }
  if (/^WebAssembly\./.test(message) && /memory/i.test(message)) {
    return {
      kind: 'wasm',
      cap:
        'what a WebAssembly memory can hold (4 GiB at most, and 10 GiB of address space ' +
        'reserved for each)',
    };
  }
  return undefined;
}

/** What each file-system error means and what to do, by errno code. */
const IO_ERRORS: Record<string, { what: string; todo: MessageLike; writing?: boolean }> = {
  ENOSPC: {
    what: 'no space left on the device',
    todo: message`Free some space on that disk, or give ${OUTPUT_PATH} in another folder.`,
    writing: true,
  },
  EDQUOT: {
    what: 'the disk quota is used up',
    todo: message`Free some space under the quota, or give ${OUTPUT_PATH} in another folder.`,
    writing: true,
  },
  EFBIG: {
    what: 'the file would be larger than allowed (ulimit -f, or the file system)',
    todo: 'Raise the file size limit (ulimit -f unlimited), or write to another file system.',
    writing: true,
  },
  EROFS: {
    what: 'the file system is read-only',
    todo: message`Give ${OUTPUT_PATH} in a writable folder.`,
    writing: true,
  },
  EACCES: {
    what: 'permission denied',
    todo: 'Check the permissions of the file and of its folder, or choose another path.',
  },
  EPERM: {
    what: 'operation not permitted',
    todo: 'Check the permissions and attributes of the file and of its folder, or choose another path.',
  },
  EMFILE: {
    what: 'too many open files in this process',
    todo: 'Raise the limit of open files (ulimit -n 4096) and run again.',
  },
  ENFILE: {
    what: 'too many open files on the system',
    todo: 'Close other programs, or raise the system limit (fs.file-max), and run again.',
  },
  EISDIR: { what: 'it is a folder, not a file', todo: 'Give the path of a file.' },
  ENOENT: {
    what: 'no such file or folder',
    todo: 'Check the path (it is relative to the current folder) and that its folders exist.',
  },
  ENOTDIR: {
    what: 'a part of the path is a file, not a folder',
    todo: 'Check the path.',
  },
  ELOOP: {
    what: 'too many symbolic links (a loop?)',
    todo: 'Check the symbolic links on the path.',
  },
  ENAMETOOLONG: {
    what: 'the name is too long for the file system',
    todo: 'Choose a shorter path.',
  },
  EEXIST: { what: 'it exists already', todo: 'Move it away or choose another path.' },
  EBUSY: {
    what: 'the file or device is busy',
    todo: 'Close what holds it, or choose another path.',
  },
  ETXTBSY: { what: 'the file is busy', todo: 'Close what holds it, or choose another path.' },
  EXDEV: {
    what: 'a file cannot move across file systems',
    todo: 'Write the output in the same file system as its folder.',
  },
  EIO: {
    what: 'the device reported an input/output error',
    todo: 'Check the disk (or the network share) and run again.',
  },
  ENXIO: { what: 'no such device', todo: 'Check the path.' },
  ENODEV: { what: 'no such device', todo: 'Check the path.' },
  ESTALE: {
    what: 'stale file handle (a network share)',
    todo: 'Mount the share again and run again.',
  },
  EPIPE: {
    what: 'the reader of the pipe has gone',
    todo: message`Keep the reading program open until the output is written, or give a file as ${OUTPUT_PATH}.`,
    writing: true,
  },
};

/**
 * What a file-system error code means and what to do, as `ioError` says it (for the writers that
 * know which output failed: src/report/outputs.ts); undefined for a code it does not know.
 */
export function ioErrorMeaning(code: unknown): { what: string; todo: MessageLike } | undefined {
  return typeof code === 'string' && Object.hasOwn(IO_ERRORS, code) ? IO_ERRORS[code] : undefined;
}

/** System calls that only write (an error in one means the output could not be written). */
const WRITING_CALLS = new Set([
  'write',
  'writev',
  'fsync',
  'fdatasync',
  'rename',
  'mkdir',
  'rmdir',
  'unlink',
  'ftruncate',
  'copyfile',
  'link',
  'symlink',
  'utime',
  'futime',
  'chmod',
  'fchmod',
]);
/** System calls that only read. */
const READING_CALLS = new Set(['read', 'scandir', 'readlink', 'opendir', 'stat', 'lstat']);

/** A temporary file `.tmp-NAME-PID-HEX` (src/report/write.ts) stands for NAME in its folder. */
function shownPath(path: string): string {
  const slash = path.lastIndexOf('/');
  const folder = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const match = /^\.tmp-(.+)-\d+-[0-9a-f]+$/.exec(name);
  return match === null ? path : `${folder}${match[1]}`;
}

/**
 * The user error a Node file-system error stands for: names the path (the error's own, else
 * `path`, e.g. the output being written when the error came from a write to an open file) and
 * says what happened and what to do. An `OptionError` when writing, a `DataError` naming the
 * file when reading. Undefined for anything that is not an errno error with a known code.
 */
export function ioError(error: unknown, path?: string): DataError | OptionError | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as NodeJS.ErrnoException & { dest?: string };
  const code = e.code;
  if (typeof code !== 'string' || typeof e.errno !== 'number') return undefined;
  const known = IO_ERRORS[code];
  if (known === undefined) return undefined;
  const syscall = e.syscall ?? '';
  // rename(temporary, target): the target is the file the user named
  const raw = (syscall === 'rename' ? e.dest : undefined) ?? e.path ?? path;
  const shown = raw === undefined ? undefined : shownPath(raw);
  const writing = known.writing === true || WRITING_CALLS.has(syscall);
  const reading = !writing && READING_CALLS.has(syscall);
  const verb = writing ? 'write' : reading ? 'read' : 'open';
  const target = shown === undefined ? 'the output' : `'${shown}'`;
  const text = message`Cannot ${verb} ${target}: ${known.what} (${code}). ${known.todo}`;
  return writing ? new OptionError(text) : new DataError(text);
}

/** Exhaustiveness check for `switch` statements over a union. */
export function assertUnreachable(value: never): never {
  throw new TypeError(`Unexpected value: ${String(value)}`);
}
