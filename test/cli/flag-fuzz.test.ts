/**
 * The flag parser under hostile arguments: every command with random sets of its own flags (read
 * from the program itself, so a new flag is fuzzed too), each given a value drawn from awkward
 * strings (empty, signs, 1e309, NaN, reversed ranges, separators, Unicode, paths that are inputs
 * or folders) or left without one, plus unknown flags and stray words. The only exit statuses
 * allowed are 0 and 1; a 1 prints one line 'clusterlens: error: ...' and no stack trace; 2 (a
 * bug) never happens, and the input file is never changed. (`--verbose` adds the stack, as asked.)
 *
 * Outputs go to a fresh temporary folder; `--out` values point there or at the input.
 * Seeded: FLAG_FUZZ_SEED=<n> replays a run; the seed in use is printed once.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { cli, collectingContext } from './helpers.js';

const SEED = Number(process.env.FLAG_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.FLAG_FUZZ_RUNS ?? 150);
console.log(`flag fuzz: seed ${SEED} (FLAG_FUZZ_SEED=${SEED} replays this run)`);

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-flag-fuzz-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const input = join(folder, 'data.csv');
const rows = ['name,x,y,z,species'];
for (let i = 0; i < 24; i++) {
  rows.push(`r${i},${(i * 7) % 11},${(i * 5) % 13}.5,${i},${'abc'[i % 3]}`);
}
writeFileSync(input, `${rows.join('\n')}\n`);
// the same with gaps in z
const gaps = join(folder, 'gaps.csv');
writeFileSync(
  gaps,
  `${rows.map((r, i) => (i % 4 === 1 ? r.replace(/,\d+,(\w)$/, ',,$1') : r)).join('\n')}\n`,
);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const inputHash = sha(input);
mkdirSync(join(folder, 'a-folder'));

const VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '2',
  '3',
  '1.5',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  '2..5',
  '5..2',
  '..',
  '2..',
  '1,2',
  'x',
  'y,z',
  'x ',
  'species',
  'name',
  'nope',
  'constructor',
  '__proto__',
  ';',
  '\t',
  ',',
  'ward',
  'average',
  'minmax',
  'none',
  'drop',
  '8G',
  '-5M',
  '1e400G',
  '\u2028',
  '日本',
  '--k',
  '-',
  input,
  join(folder, 'a-folder'),
  join(folder, 'out.html'),
  join(folder, 'out.csv'),
  join(folder, 'no', 'such', 'dir', 'o.csv'),
];

/** Ordinary values of some flags, so that many runs get past the parser into the engines. */
const ORDINARY: Record<string, string[]> = {
  '--k': ['3', '2..4'],
  '--method': ['ward', 'average', 'single'],
  '--scale': ['minmax', 'none', 'standard'],
  '--label': ['species'],
  '--id': ['name'],
  '--features': ['x,y', 'x,y,z'],
  '--exclude': ['z'],
  '--missing': ['drop', 'mean'],
  '--seed': ['1', '7'],
  '--n-init': ['2'],
  '--height': ['5'],
  '--max-memory': ['8G'],
  '--delimiter': [','],
  '--decimal': ['.'],
  '--components': ['2'],
  '--format': ['csv'],
  '--neighbors': ['5', '10'],
  '--epochs': ['20'],
  '--min-dist': ['0.1', '0.5'],
  '--spread': ['1', '2'],
  '--init': ['spectral', 'pca', 'random'],
  '--metric': ['euclidean', 'cosine', 'cityblock'],
  '--negative-sample-rate': ['2'],
  '--learning-rate': ['1', '0.5', 'auto', '200'],
  '--perplexity': ['5', '12.5'],
  '--early-exaggeration': ['4', '12'],
  '--exaggeration-iterations': ['0', '10'],
  '--iterations': ['20', '50'],
  '--theta': ['0', '0.5'],
  '--projection': ['pca', 'pca,umap'],
};

/** Every command of the program and its long flags (with the ones that take a value). */
async function commandFlags(): Promise<
  { name: string; flags: { flag: string; value: boolean }[] }[]
> {
  const program = await buildProgram(collectingContext().ctx);
  return program.commands.map((c: Command) => ({
    name: c.name(),
    flags: [...c.options, ...program.options]
      .filter((o) => o.long !== undefined && o.long !== '--help' && o.long !== '--version')
      .map((o) => ({ flag: o.long!, value: o.required || o.optional })),
  }));
}

describe('the flag parser under hostile arguments', () => {
  it('every command, random flags and values: exit 0 or 1 (one error line), never 2; the input unchanged', async () => {
    const commands = (await commandFlags()).filter((c) =>
      ['inspect', 'pca', 'umap', 'tsne', 'kmeans', 'hclust', 'report'].includes(c.name),
    );
    expect(commands.length).toBeGreaterThanOrEqual(7);
    // not vacuous: the commands bring their flags
    expect(commands.find((c) => c.name === 'report')!.flags.length).toBeGreaterThan(10);
    const argvArb = fc
      .constantFrom(...commands)
      .chain((c) =>
        fc.tuple(
          fc.constant(c.name),
          fc.array(
            fc.oneof(
              {
                weight: 8,
                arbitrary: fc
                  .constantFrom(...c.flags)
                  .chain((f) =>
                    fc.tuple(
                      fc.constant(f),
                      ORDINARY[f.flag] === undefined
                        ? fc.constantFrom(...VALUES)
                        : fc.oneof(
                            { weight: 3, arbitrary: fc.constantFrom(...ORDINARY[f.flag]!) },
                            { weight: 1, arbitrary: fc.constantFrom(...VALUES) },
                          ),
                      fc.boolean(),
                    ),
                  ),
              },
              { weight: 1, arbitrary: fc.constantFrom(['--no-such-flag'], ['stray'], ['-k']) },
            ),
            { maxLength: 3 },
          ),
          fc.oneof(
            { weight: 8, arbitrary: fc.constant(input) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                gaps,
                join(folder, 'missing.csv'),
                join(folder, 'a-folder'),
              ),
            },
          ),
        ),
      )
      .map(([name, parts, file]) => {
        const argv = [name, file];
        for (const p of parts) {
          if (!Array.isArray(p) || typeof p[0] === 'string') {
            argv.push(...(p as readonly string[]));
            continue;
          }
          const [{ flag, value }, v, inline] = p as [
            { flag: string; value: boolean },
            string,
            boolean,
          ];
          // an output path stays inside the temporary folder ('x' would be ./x); '-', devices
          // and absolute paths (the input, a folder, a missing folder) are kept
          const w = flag === '--out' && !v.startsWith('/') && v !== '-' ? join(folder, v) : v;
          if (!value) argv.push(flag);
          else if (inline) argv.push(`${flag}=${w}`);
          else argv.push(flag, w);
        }
        // outputs stay in the temporary folder unless a value chose one
        const has = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
        const known = (flag: string) =>
          commands.find((c) => c.name === name)!.flags.some((f) => f.flag === flag);
        if (known('--out') && !has('--out')) {
          argv.push('--out', join(folder, name === 'report' ? 'r.html' : `${name}.csv`));
        }
        // kmeans needs a k, and hclust's --out the cut that k gives
        if ((name === 'kmeans' || name === 'hclust') && !has('--k') && !has('--height'))
          argv.push('--k', '3');
        // umap: few epochs, so that a run stays short
        if (name === 'umap' && !has('--epochs')) argv.push('--epochs', '20');
        // tsne: few iterations, for the same reason, and a perplexity that fits 24 rows
        if (name === 'tsne' && !has('--iterations')) argv.push('--iterations', '50');
        if (name === 'tsne' && !has('--perplexity')) argv.push('--perplexity', '5');
        return argv;
      });
    let ran = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        const r = await cli(['--quiet', ...argv]);
        ran++;
        const shown = JSON.stringify(argv);
        expect([0, 1], `${shown}: ${r.stderr}`).toContain(r.code);
        if (r.code === 1) {
          failed++;
          if (process.env.FLAG_FUZZ_SHOW) console.log(r.stderr.split('\n')[0]!.slice(0, 90));
          const lines = r.stderr.trimEnd().split('\n');
          expect(lines[0], shown).toMatch(/^clusterlens: error: /);
          expect(r.stderr, shown).not.toMatch(/internal error/);
          // a stack only when asked for (--verbose)
          if (!argv.includes('--verbose')) expect(r.stderr, shown).not.toMatch(/\n\s+at /);
        }
        expect(sha(input), `${shown} changed the input`).toBe(inputHash);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`flag fuzz: ${ran - failed} of ${ran} runs succeeded`);
    // both outcomes happen: the property is not only about refusals
    expect(ran).toBe(RUNS);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(ran);
  }, 600_000);
});
