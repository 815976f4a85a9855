/**
 * Where a byte stream stops being UTF-8: `Utf8Checker` follows the bytes (in chunks split
 * anywhere) with the decoder algorithm of the WHATWG Encoding Standard (section 9.1.1, "UTF-8
 * decoder": overlong forms, surrogates and values above U+10FFFF are errors) and reports the
 * offset of the first ill-formed sequence and the 1-based physical line it is on (line breaks:
 * '\n', '\r\n', '\r', as the CSV tokenizer counts them).
 *
 * The loaders decode with a fatal `TextDecoder`, which only says that the bytes are not UTF-8;
 * they run this checker afterwards, on the error path only, to name the place.
 */

/** The first ill-formed UTF-8 sequence: byte offset (0-based), line (1-based) and its bytes. */
export interface Utf8Problem {
  offset: number;
  line: number;
  /** Up to 4 bytes from `offset`, as hex ('ff', 'e2 82 41'). */
  bytes: string;
}

const LF = 10;
const CR = 13;

/** A streaming UTF-8 validator. `push` chunks until it returns false, or call `end`. */
export class Utf8Checker {
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private offset = 0;
  private start = 0;
  private startLine = 1;
  private line = 1;
  private afterCR = false;
  private recent: number[] = [];
  /** The first problem, once found. */
  problem: Utf8Problem | undefined;

  /** Check the next chunk; false once a problem has been found. */
  push(bytes: Uint8Array): boolean {
    if (this.problem !== undefined) return false;
    for (let i = 0; i < bytes.length; i++, this.offset++) {
      const b = bytes[i]!;
      if (this.need === 0) {
        this.start = this.offset;
        this.startLine = this.line;
        this.recent.length = 0;
        if (b < 0x80) {
          if (b === LF) {
            if (!this.afterCR) this.line++;
            this.afterCR = false;
          } else if (b === CR) {
            this.line++;
            this.afterCR = true;
          } else {
            this.afterCR = false;
          }
          continue;
        }
        this.afterCR = false;
        this.recent.push(b);
        if (b >= 0xc2 && b <= 0xdf) this.need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          this.need = 2;
          if (b === 0xe0) this.lower = 0xa0;
          else if (b === 0xed) this.upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          this.need = 3;
          if (b === 0xf0) this.lower = 0x90;
          else if (b === 0xf4) this.upper = 0x8f;
        } else {
          this.fail(bytes, i + 1);
          return false;
        }
        continue;
      }
      if (b < this.lower || b > this.upper) {
        this.recent.push(b);
        this.fail(bytes, i + 1);
        return false;
      }
      this.recent.push(b);
      this.lower = 0x80;
      this.upper = 0xbf;
      this.need--;
    }
    return true;
  }

  /** The end of the bytes: a sequence cut short is a problem. Returns true if all was UTF-8. */
  end(): boolean {
    if (this.problem === undefined && this.need > 0) this.fail(new Uint8Array(0), 0);
    return this.problem === undefined;
  }

  private fail(bytes: Uint8Array, next: number): void {
    const shown = this.recent.slice(0, 4);
    for (let k = next; shown.length < 4 && k < bytes.length; k++) shown.push(bytes[k]!);
    this.problem = {
      offset: this.start,
      line: this.startLine,
      bytes: shown.map((b) => b.toString(16).padStart(2, '0')).join(' '),
    };
  }
}

/** The first ill-formed UTF-8 sequence of `bytes`, or undefined when they are all UTF-8. */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  const checker = new Utf8Checker();
  checker.push(bytes);
  checker.end();
  return checker.problem;
}

/** The message of a `DataError` for bytes that are not UTF-8. */
export function invalidUtf8Message(problem: Utf8Problem | undefined): string {
  return problem === undefined
    ? 'the file is not UTF-8 text. Save it as UTF-8.'
    : `the file is not UTF-8 text: the bytes at offset ${problem.offset} (${problem.bytes}) are ` +
        'not a UTF-8 character. Save the file as UTF-8 (in a spreadsheet: "CSV UTF-8").';
}
