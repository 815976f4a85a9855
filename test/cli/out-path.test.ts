/**
 * Every command that takes --out refuses an output path it cannot write before any work: the
 * data file given does not exist, so an error about the output (and not about the data file)
 * proves the check came first. Unwritable folders are checked by running the built CLI as an
 * unprivileged user when the tests run as root (root may write anywhere), else in-process.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputFolder } from '../../src/report/write.js';
import { OptionError } from '../../src/util/errors.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-out-'));
chmodSync(folder, 0o755);
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const absent = join(folder, 'no-such-data.csv');
mkdirSync(join(folder, 'existing'));
writeFileSync(join(folder, 'plain'), 'a file');

/** The argv of each command that takes --out, writing to `out`. */
const COMMANDS: [string, (out: string) => string[]][] = [
  ['pca', (out) => ['pca', absent, '--out', out]],
  ['kmeans', (out) => ['kmeans', absent, '--k', '3', '--out', out]],
  ['hclust', (out) => ['hclust', absent, '--k', '3', '--out', out]],
  ['report', (out) => ['report', absent, '--out', out]],
];

const BAD_PATHS: [string, string, RegExp][] = [
  [
    'in a missing folder',
    join(folder, 'missing', 'x.out'),
    /the folder '.*missing' does not exist/,
  ],
  ['naming an existing folder', join(folder, 'existing'), /is a folder; give a file name/],
  ['ending with a slash', `${join(folder, 'existing')}/`, /names a folder; give a file name/],
  ['under a file', join(folder, 'plain', 'x.out'), /'.*plain' is not a folder/],
];

describe('--out of every command', () => {
  for (const [name, argv] of COMMANDS) {
    for (const [what, path, message] of BAD_PATHS) {
      it(`clusterlens ${name} --out <path ${what}> fails before reading the data`, async () => {
        const { code, stdout, stderr } = await cli(argv(path));
        expect(code, stderr).toBe(1);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^clusterlens: error: /);
        expect(stderr).toMatch(message);
        expect(stderr).not.toMatch(/no-such-data/);
      });
    }
  }
});

describe('clusterlens report checks its other outputs first', () => {
  const SIBLINGS: [string, (base: string) => void, RegExp][] = [
    ['NAME.vl is a file', (base) => writeFileSync(`${base}.vl`, 'x'), /must be a folder/],
    ['NAME.json is a folder', (base) => mkdirSync(`${base}.json`), /is a folder/],
    ['NAME.labels.csv is a folder', (base) => mkdirSync(`${base}.labels.csv`), /is a folder/],
  ];
  for (const [what, make, message] of SIBLINGS) {
    it(`clusterlens report --out NAME.html fails before reading the data when ${what}`, async () => {
      const base = join(mkdtempSync(join(folder, 'sib-')), 'r');
      make(base);
      const { code, stderr } = await cli(['report', absent, '--out', `${base}.html`]);
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/no-such-data/);
    });
  }
});

const MAIN = resolve('dist/cli/main.js');
const asRoot = process.getuid?.() === 0;
describe('--out in a folder that is not writable', () => {
  const locked = join(folder, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  const run = async (argv: string[]) => {
    if (!asRoot) return cli(argv);
    // Root may write anywhere: run the built CLI as user 'nobody'.
    const result = spawnSync(process.execPath, [MAIN, ...argv], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const usable = !asRoot || existsSync(MAIN);
  if (!usable) console.log(`unwritable-folder tests skipped: build ${MAIN} first.`);
  for (const [name, argv] of COMMANDS.filter(([n]) => n === 'pca' || n === 'report')) {
    it.skipIf(!usable)(
      `clusterlens ${name} --out <unwritable folder>/x fails before reading the data`,
      async () => {
        const { code, stderr } = await run(argv(join(locked, 'x.out')));
        expect(code, stderr).toBe(1);
        expect(stderr).toMatch(
          /^clusterlens: error: Cannot write --out .*the folder '.*locked' is not writable\./,
        );
      },
    );
  }
});

describe('checkOutputFolder(path)', () => {
  it('checkOutputFolder(path) accepts an existing or creatable folder and refuses a file', () => {
    expect(checkOutputFolder(join(folder, 'existing'))).toBe(join(folder, 'existing'));
    expect(checkOutputFolder(join(folder, 'new.vl'))).toBe(join(folder, 'new.vl'));
    expect(() => checkOutputFolder(join(folder, 'plain'), 'the specs folder')).toThrow(OptionError);
    expect(() => checkOutputFolder(join(folder, 'plain'))).toThrow(
      /must be a folder, but it is a file/,
    );
    expect(() => checkOutputFolder(join(folder, 'missing', 'new.vl'))).toThrow(/does not exist/);
  });
});
