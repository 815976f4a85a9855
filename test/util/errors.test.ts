/**
 * Failures from outside the code as user errors: file-system errors of Node (`ioError`) and
 * failed allocations of the JavaScript runtime (`allocationFailureOf`, and `allocationFailure` of
 * src/util/memory.ts which words them). The errors are the runtime's own, made by really failing
 * operations, wherever the test machine can make them; the codes a root process on a writable
 * disk cannot meet (EACCES, EROFS, EDQUOT, EMFILE) are built as Node builds them
 * (test/reliability/io-errors.test.ts meets several for real, in child processes).
 */
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allocationFailureOf,
  DataError,
  ioError,
  MAX_TYPED_ARRAY_LENGTH,
  OptionError,
} from '../../src/util/errors.js';
import { allocationFailure } from '../../src/util/memory.js';

const dir = mkdtempSync(join(tmpdir(), 'clusterlens-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejected(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** An errno error as Node's fs makes it ("EACCES: permission denied, open '/x'"). */
function errno(code: string, errnoNumber: number, syscall: string, path?: string): Error {
  const error = new Error(`${code}: failure, ${syscall}${path ? ` '${path}'` : ''}`);
  return Object.assign(error, { code, errno: errnoNumber, syscall, ...(path ? { path } : {}) });
}

describe('allocationFailureOf(error)', () => {
  it('allocationFailureOf names the 2^32 typed-array cap from the runtime\'s own "Invalid typed array length"', () => {
    const error = thrown(() => new Float64Array(MAX_TYPED_ARRAY_LENGTH + 1));
    expect(allocationFailureOf(error)).toEqual({
      kind: 'typed-array',
      length: 4294967297,
      cap: 'the 2^32 (4,294,967,296) elements a typed array can hold in this JavaScript runtime',
    });
  });

  it('allocationFailureOf knows the caps of JavaScript arrays, strings, ArrayBuffers and WebAssembly memories', () => {
    expect(allocationFailureOf(thrown(() => new Array(2 ** 32)))?.kind).toBe('array');
    expect(allocationFailureOf(thrown(() => 'x'.repeat(2 ** 30)))?.kind).toBe('string');
    expect(allocationFailureOf(thrown(() => new ArrayBuffer(2 ** 53)))?.kind).toBe('array-buffer');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    expect(allocationFailureOf(thrown(() => memory.grow(5)))?.kind).toBe('wasm');
    expect(
      allocationFailureOf(thrown(() => new WebAssembly.Memory({ initial: 65537 })))?.cap,
    ).toMatch(/4 GiB at most/);
    // Node's own error for a string too long to make from a buffer
    const tooLong = Object.assign(
      new Error('Cannot create a string longer than 0x1fffffe8 characters'),
      { code: 'ERR_STRING_TOO_LONG' },
    );
    expect(allocationFailureOf(tooLong)?.cap).toMatch(/536,870,888 characters/);
    expect(allocationFailureOf(new RangeError('Array buffer allocation failed'))).toEqual({
      kind: 'memory',
      cap: '',
    });
    expect(allocationFailureOf(errno('ENOMEM', -12, 'spawn'))?.kind).toBe('memory');
  });

  it('allocationFailureOf leaves the RangeErrors of bugs alone', () => {
    // a view past the end of its buffer, a negative length, a stack overflow, a TypeError
    expect(
      allocationFailureOf(thrown(() => new Float64Array(new ArrayBuffer(8), 0, 2))),
    ).toBeUndefined();
    expect(allocationFailureOf(thrown(() => new Float64Array(-1)))).toBeUndefined();
    const deep = (n: number): number => (n === 0 ? 0 : 1 + deep(n - 1));
    expect(allocationFailureOf(thrown(() => deep(1e7)))).toBeUndefined();
    expect(allocationFailureOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(allocationFailureOf('Array buffer allocation failed')).toBeUndefined();
  });
});

describe('allocationFailure(error, step)', () => {
  it('allocationFailure words an out-of-memory failure with the plan, the budget, the room left and what to do', () => {
    const error = allocationFailure(new RangeError('Array buffer allocation failed'), {
      what: "hclust (method 'average', layout 'condensed') on n=60000 points",
      bytes: 14.4e9,
      budget: { bytes: 18e9, source: '--max-memory' },
      options: ['cluster a seeded sample of the rows (--sample N)', 'use --method ward'],
    });
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(
      /^hclust \(method 'average', layout 'condensed'\) on n=60000 points could not allocate its memory \(its plan counted about 13\.4 GiB, within the budget of 16\.8 GiB: --max-memory\): the runtime said "Array buffer allocation failed"\. The process may allocate about .* more now \(.*\)\. Instead: cluster a seeded sample of the rows \(--sample N\); or use --method ward\.$/,
    );
  });

  it('allocationFailure names the typed-array cap, not memory, when the cap is the limit', () => {
    const error = allocationFailure(
      thrown(() => new Float64Array(5e9)),
      { what: 'the distance matrix of 100000 points' },
    );
    expect((error as Error).message).toMatch(
      /^the distance matrix of 100000 points needs an array of 5,000,000,000 elements beyond the 2\^32 \(4,294,967,296\) elements a typed array can hold in this JavaScript runtime, whatever the memory \(the runtime said "Invalid typed array length: 5000000000"\)\. Instead: .*--sample N/,
    );
  });

  it('allocationFailure returns any other error unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(allocationFailure(bug, { what: 'x' })).toBe(bug);
  });
});

describe('ioError(error, path)', () => {
  it('ioError: a full device (/dev/full) is an OptionError naming the output and what to do', async () => {
    // a write to an open file has no path of its own: the caller's path stands for it
    const sync = thrown(() => writeFileSync('/dev/full', 'x'));
    expect(ioError(sync, 'out/labels.csv')).toEqual(
      new OptionError(
        "Cannot write 'out/labels.csv': no space left on the device (ENOSPC). Free some space on that disk, or write the output to another folder (--out).",
      ),
    );
    const handle = await open('/dev/full', 'w');
    try {
      const async = await rejected(() => handle.writeFile('x'));
      expect((ioError(async) as Error).message).toBe(
        'Cannot write the output: no space left on the device (ENOSPC). Free some space on that disk, or write the output to another folder (--out).',
      );
    } finally {
      await handle.close();
    }
  });

  it('ioError: reading a folder, a path through a file and a missing file are DataErrors naming the path', () => {
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'x\n1\n');
    const isDir = ioError(
      thrown(() => readFileSync(dir)),
      dir,
    );
    expect(isDir).toBeInstanceOf(DataError);
    expect((isDir as Error).message).toBe(
      `Cannot read '${dir}': it is a folder, not a file (EISDIR). Give the path of a file.`,
    );
    const notDir = ioError(thrown(() => openSync(join(file, 'b.csv'), 'r')));
    expect((notDir as Error).message).toBe(
      `Cannot open '${join(file, 'b.csv')}': a part of the path is a file, not a folder (ENOTDIR). Check the path.`,
    );
    const missing = ioError(thrown(() => openSync(join(dir, 'none.csv'), 'r')));
    expect(missing).toBeInstanceOf(DataError);
    expect((missing as Error).message).toMatch(
      /^Cannot open '.*none\.csv': no such file or folder \(ENOENT\)\. Check the path/,
    );
  });

  it('ioError: a rename names its target, and a temporary file stands for the file it becomes', () => {
    const renamed = errno('EXDEV', -18, 'rename', '/a/.tmp-x.html-12-abcdef012345');
    Object.assign(renamed, { dest: '/b/x.html' });
    expect((ioError(renamed) as Error).message).toMatch(/^Cannot write '\/b\/x\.html': /);
    const temporary = errno('EDQUOT', -122, 'write', '/out/.tmp-report.json-4242-0123456789ab');
    expect((ioError(temporary) as Error).message).toBe(
      "Cannot write '/out/report.json': the disk quota is used up (EDQUOT). Free some space under the quota, or write the output to another folder (--out).",
    );
  });

  it('ioError: permission, read-only file systems and open-file limits say what to do', () => {
    expect((ioError(errno('EACCES', -13, 'open', '/data/x.csv')) as Error).message).toBe(
      "Cannot open '/data/x.csv': permission denied (EACCES). Check the permissions of the file and of its folder, or choose another path.",
    );
    const readOnly = ioError(errno('EROFS', -30, 'open', '/mnt/cd/out.html'));
    expect(readOnly).toBeInstanceOf(OptionError);
    expect((readOnly as Error).message).toBe(
      "Cannot write '/mnt/cd/out.html': the file system is read-only (EROFS). Write the output to a writable folder (--out).",
    );
    expect((ioError(errno('EMFILE', -24, 'open', '/d/x.csv')) as Error).message).toBe(
      "Cannot open '/d/x.csv': too many open files in this process (EMFILE). Raise the limit of open files (ulimit -n 4096) and run again.",
    );
    expect((ioError(errno('EFBIG', -27, 'write')) as Error).message).toMatch(/ulimit -f/);
  });

  it('ioError leaves alone what is not a file-system error with a known code', () => {
    expect(ioError(new Error('ENOSPC'))).toBeUndefined();
    expect(ioError(errno('EWHATEVER', -1000, 'open', '/x'))).toBeUndefined();
    expect(
      ioError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })),
    ).toBeUndefined();
    expect(ioError(null)).toBeUndefined();
  });
});
