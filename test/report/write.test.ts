import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkOutputPath,
  csvCell,
  toCsv,
  writeCsv,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../src/report/write.js';
import { OptionError } from '../../src/util/errors.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-write-'));
afterAll(() => {
  chmodSync(folder, 0o755);
  rmSync(folder, { recursive: true, force: true });
});

describe('checkOutputPath(path)', () => {
  it('checkOutputPath(path) returns the absolute path of a writable file', () => {
    expect(checkOutputPath(join(folder, 'a.csv'))).toBe(join(folder, 'a.csv'));
  });

  it('checkOutputPath(path) fails when the folder does not exist', () => {
    const path = join(folder, 'nope', 'a.csv');
    expect(() => checkOutputPath(path)).toThrow(OptionError);
    expect(() => checkOutputPath(path)).toThrow(
      `Cannot write the file '${path}': the folder '${join(folder, 'nope')}' does not exist. Create it first or choose another path.`,
    );
  });

  it('checkOutputPath(path) fails when the path is a folder', () => {
    mkdirSync(join(folder, 'sub'));
    expect(() => checkOutputPath(join(folder, 'sub'))).toThrow(/is a folder; give a file name/);
    expect(() => checkOutputPath(`${folder}/`)).toThrow(/names a folder/);
  });

  it('checkOutputPath(path) fails when the parent is a file', () => {
    writeFileSync(join(folder, 'plain'), 'x');
    expect(() => checkOutputPath(join(folder, 'plain', 'a.csv'))).toThrow(/is not a folder/);
  });

  it.skipIf(process.getuid?.() === 0)(
    'checkOutputPath(path) fails when the folder is not writable',
    () => {
      const locked = join(folder, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      expect(() => checkOutputPath(join(locked, 'a.csv'))).toThrow(/is not writable/);
      chmodSync(locked, 0o755);
    },
  );
});

describe('writeFileAtomic(path, data)', () => {
  it('writeFileAtomic(path, data) replaces the file and leaves no temporary file', async () => {
    const dir = join(folder, 'atomic');
    mkdirSync(dir);
    const path = join(dir, 'out.txt');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    writeFileAtomicSync(path, new Uint8Array([65, 66]));
    expect(readFileSync(path, 'utf8')).toBe('AB');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('writeFileAtomic(path, data) removes the temporary file when the write fails', async () => {
    const dir = join(folder, 'failing');
    mkdirSync(dir);
    // Data that fails half-way: the temporary file exists and holds the first chunk by then.
    async function* failing() {
      yield 'first chunk';
      throw new Error('disk full');
    }
    const data = failing() as unknown as string;
    await expect(writeFileAtomic(join(dir, 'x.txt'), data)).rejects.toThrow('disk full');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('toCsv(header, rows)', () => {
  it('csvCell(value) guards text that a spreadsheet would run as a formula', () => {
    expect(['=SUM(A1)', '+1+2', '-2+3', '@cmd', '\tx', '\rx', 'ok'].map(csvCell)).toEqual([
      "'=SUM(A1)",
      "'+1+2",
      "'-2+3",
      "'@cmd",
      "'\tx",
      `"'\rx"`,
      'ok',
    ]);
  });

  it('csvCell(value) leaves numbers and plain numeric text alone', () => {
    expect([-1.5, 0, 1e-7, Number.NaN, null, undefined, '-1.5', '+2', true].map(csvCell)).toEqual([
      '-1.5',
      '0',
      '1e-7',
      '',
      '',
      '',
      '-1.5',
      '+2',
      'true',
    ]);
  });

  it('toCsv(header, rows) quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(
      toCsv(
        ['id', 'note'],
        [
          ['a,b', 'say "hi"'],
          ['x\ny', -3],
        ],
      ),
    ).toBe('id,note\n"a,b","say ""hi"""\n"x\ny",-3\n');
  });

  it('writeCsv(path, header, rows) writes the file atomically', async () => {
    const path = join(folder, 'labels.csv');
    await writeCsv(path, ['id', 'cluster'], [['=1', 0]]);
    expect(readFileSync(path, 'utf8')).toBe("id,cluster\n'=1,0\n");
  });
});
