/**
 * Every command that takes --out refuses an output path it cannot write before any work: the
 * data file given does not exist, so an error about the output (and not about the data file)
 * proves the check came first. And no command writes over its input or over a file clusterlens
 * did not write (without --force): those runs exit 1 and leave every file as it was. Unwritable folders are checked by running the built CLI as an
 * unprivileged user when the tests run as root (root may write anywhere), else in-process.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
  ['umap', (out) => ['umap', absent, '--out', out]],
  ['tsne', (out) => ['tsne', absent, '--out', out]],
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

describe("the user's files are never outputs", () => {
  const iris = readFileSync('datasets/iris.csv', 'utf8');
  /** A folder with the data as data.csv, results.json (JSON rows) and r.labels.csv. */
  const setup = () => {
    const dir = mkdtempSync(join(folder, 'own-'));
    writeFileSync(join(dir, 'data.csv'), iris);
    const [head, ...lines] = iris.trim().split('\n');
    const names = head!.split(',');
    const rows = lines.map((line) =>
      Object.fromEntries(
        line.split(',').map((v, j) => [names[j], Number.isNaN(Number(v)) ? v : Number(v)]),
      ),
    );
    writeFileSync(join(dir, 'results.json'), JSON.stringify(rows));
    writeFileSync(join(dir, 'r.labels.csv'), iris);
    return dir;
  };
  const snapshot = (dir: string) =>
    Object.fromEntries(
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => [
        name,
        statSync(join(dir, name)).isFile() ? readFileSync(join(dir, name), 'utf8') : 'folder',
      ]),
    );
  const CASES: [string, (dir: string) => string[], RegExp][] = [
    [
      'kmeans data.csv --out data.csv',
      (dir) => ['kmeans', join(dir, 'data.csv'), '--k', '3', '--out', join(dir, 'data.csv')],
      /Cannot write --out '.*data\.csv': it is the input file '.*data\.csv'\./,
    ],
    [
      'pca data.csv --out data.csv',
      (dir) => ['pca', join(dir, 'data.csv'), '--out', join(dir, 'data.csv')],
      /it is the input file/,
    ],
    [
      'hclust data.csv --out ./data.csv (another spelling)',
      (dir) => ['hclust', join(dir, 'data.csv'), '--k', '3', '--out', `${dir}/./data.csv`],
      /it is the input file/,
    ],
    [
      'report data.csv --out data.csv',
      (dir) => ['report', join(dir, 'data.csv'), '--k', '3', '--out', join(dir, 'data.csv')],
      /Cannot write --out '.*data\.csv': it is the input file/,
    ],
    [
      'report results.json --out results.html (its JSON would be the input)',
      (dir) => [
        'report',
        join(dir, 'results.json'),
        '--k',
        '3',
        '--out',
        join(dir, 'results.html'),
      ],
      /Cannot write the report's JSON '.*results\.json' \(next to --out '.*results\.html'\): it is the input file '.*results\.json'\. clusterlens never writes over its input; choose another --out\./,
    ],
    [
      'report r.labels.csv --out r.html (its labels would be the input)',
      (dir) => ['report', join(dir, 'r.labels.csv'), '--k', '3', '--out', join(dir, 'r.html')],
      /Cannot write the report's labels '.*r\.labels\.csv' .*: it is the input file/,
    ],
    [
      'kmeans data.csv --force --out data.csv (--force never covers the input)',
      (dir) => [
        'kmeans',
        join(dir, 'data.csv'),
        '--k',
        '3',
        '--force',
        '--out',
        join(dir, 'data.csv'),
      ],
      /it is the input file/,
    ],
  ];
  for (const [what, argv, message] of CASES) {
    it(`clusterlens ${what} exits 1 with one line and changes no file`, async () => {
      const dir = setup();
      const before = snapshot(dir);
      const { code, stdout, stderr } = await cli(argv(dir));
      expect(code, stderr).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^clusterlens: error: [^\n]*\n$/);
      expect(stderr).toMatch(message);
      expect(snapshot(dir)).toEqual(before);
    });
  }

  it('clusterlens report data.csv without --out keeps a reports/data.json the user wrote', () => {
    const dir = setup();
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'reports', 'data.json'), '{"my": "notes"}\n');
    const run = (...flags: string[]) =>
      spawnSync(process.execPath, [MAIN, 'report', 'data.csv', '--k', '3', ...flags], {
        cwd: dir,
        encoding: 'utf8',
      });
    const refused = run();
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toBe(
      "clusterlens: error: Cannot write the report's JSON 'reports/data.json' (next to --out " +
        "'reports/data.html'): the file exists and clusterlens did not write it. Choose another " +
        '--out, move the file away, or give --force to replace it.\n',
    );
    expect(readdirSync(join(dir, 'reports'))).toEqual(['data.json']);
    expect(readFileSync(join(dir, 'reports', 'data.json'), 'utf8')).toBe('{"my": "notes"}\n');
    // --force replaces it; the next run needs no --force (clusterlens wrote every file now)
    expect(run('--force', '-q').status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'reports', 'data.json'), 'utf8')).k).toBe(3);
    const again = run('-q');
    expect(again.status, again.stderr).toBe(0);
  });

  it('clusterlens kmeans --out FILE replaces its own earlier CSV, not an edited or a foreign one', async () => {
    const dir = setup();
    const out = join(dir, 'labels.csv');
    const argv = ['kmeans', join(dir, 'data.csv'), '--k', '3', '-q', '--out', out];
    expect((await cli(argv)).code).toBe(0);
    const first = readFileSync(out, 'utf8');
    expect((await cli([...argv.slice(0, 3), '2', ...argv.slice(4)])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toBe(first);
    writeFileSync(out, `${readFileSync(out, 'utf8')}an edit\n`);
    const refused = await cli(argv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the file exists and clusterlens did not write it/);
    expect(readFileSync(out, 'utf8')).toMatch(/an edit\n$/);
    expect((await cli([...argv, '--force'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(first);
  });
});
