import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { DataError, OptionError } from '../../src/util/errors.js';
import { warn } from '../../src/util/log.js';
import { run } from '../../src/cli/main.js';
import { cli } from './helpers.js';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** A command that throws what it is told to, for the error paths. */
const throwing = async () => ({
  register(program: Command) {
    program.command('boom <kind>').action((kind: string) => {
      warn('about to fail');
      if (kind === 'data') throw new DataError('bad cell', { file: 'f.csv', line: 3, column: 'x' });
      if (kind === 'option')
        throw new OptionError("The 'k' option of kmeans must be an integer >= 1. Got 0 instead.");
      throw new TypeError('undefined is not a function');
    });
  },
});

describe('run(argv, io)', () => {
  it('run(["--version"]) prints the package version and returns 0', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('run(["--help"]) lists the commands and the global flags', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['datasets', 'inspect', '--verbose', '--quiet', '--version']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('run(["inspect", "--help"]) shows the shared loading flags', async () => {
    const r = await cli(['inspect', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--label', '--id', '--features', '--exclude', '--missing', '--json']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('usage errors return 1 with one line on stderr', async () => {
    for (const argv of [
      ['frob'],
      ['inspect'],
      ['inspect', 'x.csv', '--lable', 's'],
      ['inspect', 'x.csv', '--missing', 'zero'],
    ]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(/^clusterlens: error: /);
    }
    expect((await cli(['inspect', 'x.csv', '--lable', 's'])).stderr).toBe(
      "clusterlens: error: unknown option '--lable' (Did you mean --label?)\n",
    );
  });

  it('a DataError or OptionError returns 1 with one line and no stack', async () => {
    const data = await cli(['boom', 'data'], [throwing]);
    expect(data).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "clusterlens: warning: about to fail\nclusterlens: error: f.csv, line 3, column 'x': bad cell\n",
    });
    const option = await cli(['boom', 'option', '--quiet'], [throwing]);
    expect(option.code).toBe(1);
    expect(option.stderr).toBe(
      "clusterlens: error: The 'k' option of kmeans must be an integer >= 1. Got 0 instead.\n",
    );
  });

  it('--verbose adds the stack of a user error', async () => {
    const r = await cli(['--verbose', 'boom', 'data'], [throwing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: f\.csv, line 3, column 'x': bad cell\nDataError: .*\n\s+at /);
  });

  it('any other error returns 2 with one line, and the stack only with --verbose', async () => {
    const r = await cli(['boom', 'bug'], [throwing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'clusterlens: warning: about to fail\nclusterlens: internal error: TypeError: undefined is not a function (this is a bug; run again with --verbose for the stack)\n',
    );
    const verbose = await cli(['boom', 'bug', '--verbose'], [throwing]);
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('a missing data file is a user error naming it', async () => {
    const r = await cli(['inspect', 'no/such.csv']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'clusterlens: error: no/such.csv: no such file. Check the path (it is relative to the current folder).\n',
    });
  });
});

describe('context.progress(message)', () => {
  const progressing = async () => ({
    register(program: Command, context: { progress(message: string): void }) {
      program.command('work').action(() => context.progress('step 1 of 2'));
    },
  });
  async function stderrOf(argv: string[], isTTY: boolean): Promise<string> {
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { isTTY, write: (t: string) => (stderr += t) },
    };
    expect(await run(argv, io, [progressing])).toBe(0);
    return stderr;
  }

  it('shows progress on a terminal only, and never with --quiet', async () => {
    expect(await stderrOf(['work'], true)).toBe('clusterlens: step 1 of 2\n');
    expect(await stderrOf(['work'], false)).toBe('');
    expect(await stderrOf(['work', '--quiet'], true)).toBe('');
  });
});

describe('the built bin (dist/cli/main.js)', () => {
  const bin = 'dist/cli/main.js';
  // `npm test` builds before it runs the tests; a bare `vitest run` may not have a build.
  it.skipIf(!existsSync(bin))(
    'runs the README command: inspect penguins with --label species',
    () => {
      const r = spawnSync(
        process.execPath,
        [bin, 'inspect', 'datasets/penguins.csv', '--label', 'species'],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('bill_length_mm');
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        "clusterlens: warning: datasets/penguins.csv, column 'island' is not numeric (line 2: 'Torgersen'); it is left out of the features. Name it in exclude (--exclude) or as the label (--label) to silence this.",
        "clusterlens: warning: datasets/penguins.csv, column 'sex' is not numeric (line 2: 'MALE'); it is left out of the features. Name it in exclude (--exclude) or as the label (--label) to silence this.",
      ]);
    },
  );

  it.skipIf(!existsSync(bin))('exits 1 with one line and no stack for a user error', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'inspect', 'datasets/iris.csv', '--label', 'nope'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "clusterlens: error: The 'label' option names column 'nope', which is not in datasets/iris.csv. Available columns: 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'.\n",
    );
  });
});

describe('--seed of every command', () => {
  for (const command of ['kmeans', 'hclust', 'pca', 'report']) {
    it(`clusterlens ${command} --seed 4294967296 fails with one message before reading the data`, async () => {
      const extra = command === 'kmeans' || command === 'hclust' ? ['--k', '2'] : [];
      const r = await cli([command, 'no-such-file.csv', ...extra, '--seed', '4294967296']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--seed must be an integer in \[0, 4294967295\]/);
    });
  }
});
