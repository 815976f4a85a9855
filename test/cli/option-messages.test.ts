/**
 * Library messages name options; the CLI prints the flags that set them (every flag it prints
 * exists). test/cli/flags.test.ts checks that no library string names a flag itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliName, OPTION_FLAGS } from '../../src/cli/flags.js';
import { hclust } from '../../src/cluster/hclust/index.js';
import { parseCsv } from '../../src/data/csv.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { joinMessages, message, option } from '../../src/util/message.js';
import { cli } from './helpers.js';

const COMMANDS = [
  'datasets',
  'report',
  'inspect',
  'pca',
  'hclust',
  'kmeans',
  'hdbscan',
  'dbscan',
  'optics',
  'compress',
];

/** Every flag of every command, from their --help. */
async function cliFlags(): Promise<Set<string>> {
  const flags = new Set<string>();
  for (const command of COMMANDS) {
    const { code, stdout } = await cli([command, '--help']);
    expect(code).toBe(0);
    for (const match of stdout.matchAll(/(?:^|[\s,])(--[a-z][a-z-]*)/gm)) flags.add(match[1]!);
  }
  return flags;
}

describe('options in messages', () => {
  it('every flag the CLI prints for an option is a flag of a command', async () => {
    const flags = await cliFlags();
    expect(flags.has('--max-memory')).toBe(true);
    for (const [name, flag] of Object.entries(OPTION_FLAGS)) {
      expect(flags.has(flag), `${name} -> ${flag}`).toBe(true);
    }
  });

  it('a library error names the option; the CLI prints the flag for the same error', async () => {
    const text = 'a,b\n1,2\n,3\n';
    let error: unknown;
    try {
      parseCsv(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    const e = error as DataError;
    expect(e.message).toBe(
      "line 3, column 'a': missing value (empty cell) in a feature column. Use {missing: 'drop' | " +
        "'mean' | 'median'} to drop the rows or impute the values, or leave the column out with " +
        "the 'exclude' option.",
    );
    expect(e.render(cliName)).toBe(
      "line 3, column 'a': missing value (empty cell) in a feature column. Use --missing " +
        'drop|mean|median to drop the rows or impute the values, or leave the column out with ' +
        '--exclude.',
    );
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-flags-'));
    const file = join(dir, 'm.csv');
    writeFileSync(file, text);
    const r = await cli(['kmeans', file, '--k', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`clusterlens: error: ${file}, ${e.render(cliName)}\n`);
  });

  it('a library warning names the option; the CLI prints the flag', async () => {
    const text = 'x,name\n5,a\n2,b\n9,c\n';
    const { warnings } = withCollectedWarnings(() => parseCsv(text));
    expect(warnings).toEqual([
      "column 'name' is not numeric (line 2: 'a'); it is left out of the features. Name it in " +
        "the 'exclude' option (or as the 'label' option) to silence this.",
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-flags-'));
    const file = join(dir, 'w.csv');
    writeFileSync(file, text);
    const r = await cli(['inspect', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `clusterlens: warning: ${file}, column 'name' is not numeric (line 2: 'a'); it is left ` +
        'out of the features. Name it in --exclude (or as --label) to silence this.\n',
    );
  });

  it("hclust's memory refusal names functions and options in the library", () => {
    const X = Array.from({ length: 300 }, (_, i) => [i % 7, (i * 13) % 11]);
    let error: unknown;
    try {
      hclust(X, { method: 'average', memoryLimit: 10_000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    const e = error as OptionError;
    expect(e.message).not.toMatch(/--[a-z]/);
    expect(e.message).toMatch(
      /\{method: 'ward'\}.*\(sampledHclust\(\)\).*\(twoStage\(\)\).*the 'memoryLimit' option, or setMemoryBudget\(\)/,
    );
    expect(e.render(cliName)).toMatch(
      /\(--method ward\).*\(--sample N\).*\(--two-stage \[centres\]\).*\(--max-memory; /,
    );
  });

  it('message`...` keeps mentions through nesting and joining; unknown options keep their library wording', () => {
    const inner = message`use ${option('k')}`;
    const text = joinMessages(
      [message`${inner} or ${option('scale', true)}`, 'nothing', message`${option('nope', 3)}`],
      '; ',
    );
    expect(text.mentions().map((m) => m.option)).toEqual(['k', 'scale', 'nope']);
    expect(text.render()).toBe("use the 'k' option or {scale: true}; nothing; {nope: 3}");
    expect(text.render(cliName)).toBe('use --k or --scale; nothing; {nope: 3}');
    expect(String(message`a ${option('missing', 'drop')}`)).toBe("a {missing: 'drop'}");
    expect(message`${option('sample', 'N', { placeholder: true })}`.render()).toBe('{sample: N}');
    expect(new OptionError(message`x ${option('out')}`).render(cliName)).toBe('x --out');
  });
});
