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
 */
import {
  type MentionRenderer,
  type MessageLike,
  type MessageText,
  toMessageText,
} from './message.js';

/** Where in the input a `DataError` happened. Every field is optional. */
export interface DataErrorPlace {
  /** Path of the file as the user gave it. */
  file?: string;
  /** 1-based physical line number in the file (the header is line 1 of a CSV). */
  line?: number;
  /** Column name, or 1-based column number when the column has no name. */
  column?: string | number;
  /** 0-based row index in the feature matrix, when the data did not come from a file. */
  row?: number;
}

/** Unusable input data. The message already contains the place; the fields repeat it for code. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: string | number | undefined;
  readonly row: number | undefined;
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
  if (place.line !== undefined) parts.push(`line ${place.line}`);
  if (place.row !== undefined) parts.push(`row ${place.row}`);
  if (place.column !== undefined) {
    parts.push(
      typeof place.column === 'number' ? `column ${place.column}` : `column '${place.column}'`,
    );
  }
  return parts.length === 0 ? message : `${parts.join(', ')}: ${message}`;
}

/** Exhaustiveness check for `switch` statements over a union. */
export function assertUnreachable(value: never): never {
  throw new TypeError(`Unexpected value: ${String(value)}`);
}
