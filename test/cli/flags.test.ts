/**
 * No message names a flag the CLI does not have: every `--flag` in a string of src/ (help
 * texts, the CLI's own messages, the table of src/cli/flags.ts; comments are not strings) is an
 * option of some command of the program main.ts builds. Library code names options, not flags
 * (src/util/message.ts): no string outside src/cli names a flag, and every option a loader
 * message mentions is printed as a flag that every command that loads a file has.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cliName } from '../../src/cli/flags.js';
import { buildProgram } from '../../src/cli/main.js';
import { collectingContext } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The text of every string literal and template piece of a TypeScript file. */
function strings(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      out.push(node.text);
    }
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/**
 * The flags a text names: '--name' not inside a word, and not a CSS custom property
 * ('var(--bg)', '--fg:#fff' in the report's style sheet).
 */
function flagsIn(text: string): string[] {
  const flags: string[] = [];
  for (const m of text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)(?![\w-])/g)) {
    const before = text.slice(Math.max(0, m.index - 4), m.index);
    if (before === 'var(' || text[m.index + m[0].length] === ':') continue;
    flags.push(m[0]);
  }
  return flags;
}

/** The options mentioned with `option('name', ...)` in a TypeScript file. */
function mentionedOptions(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'option' &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/** Every flag named in a string of each file under src/. */
function namedFlags(): Map<string, string[]> {
  const named = new Map<string, string[]>();
  for (const path of sourceFiles(join(root, 'src'))) {
    for (const text of strings(path)) {
      for (const flag of flagsIn(text)) {
        const where = relative(root, path);
        named.set(flag, [...(named.get(flag) ?? []), where]);
      }
    }
  }
  return named;
}

/** The long flags of a command (and of its parents: global flags are valid everywhere). */
function optionsOf(command: Command): Set<string> {
  const flags = new Set<string>();
  for (let c: Command | null = command; c !== null; c = c.parent) {
    for (const option of c.options) if (option.long) flags.add(option.long);
  }
  flags.add('--help');
  if (command.parent === null) flags.add('--version');
  return flags;
}

describe('flags named in messages', () => {
  it('the check finds flags in strings and skips CSS', () => {
    expect(flagsIn('Check the delimiter (--format tsv for tab-separated files).')).toEqual([
      '--format',
    ]);
    expect(flagsIn('a{color:var(--fg)} :root{--fg:#111} --max-memory 8G, x--y')).toEqual([
      '--max-memory',
    ]);
  });

  it('every --flag in a string of src/ is a flag of the CLI', async () => {
    const program = await buildProgram(collectingContext().ctx);
    const registered = new Set<string>();
    for (const command of [program, ...program.commands]) {
      for (const flag of optionsOf(command)) registered.add(flag);
    }
    const named = namedFlags();
    // Not vacuous: the loaders' and the commands' messages are found.
    for (const flag of ['--missing', '--exclude', '--delimiter', '--decimal', '--max-memory']) {
      expect(named.has(flag), flag).toBe(true);
    }
    const unknown = [...named].filter(([flag]) => !registered.has(flag));
    expect(unknown).toEqual([]);
  });

  it('no string outside src/cli names a flag: library messages name options', () => {
    const outside = [...namedFlags()].filter(([, files]) =>
      files.some((f) => !f.startsWith(join('src', 'cli'))),
    );
    expect(outside).toEqual([]);
  });

  it('every option a loader message mentions is a flag of every command that loads a file', async () => {
    const program = await buildProgram(collectingContext().ctx);
    const loading = program.commands.filter((c) => c.options.some((o) => o.long === '--missing'));
    expect(loading.map((c) => c.name()).sort()).toEqual([
      'dbscan',
      'hclust',
      'hdbscan',
      'inspect',
      'kmeans',
      'optics',
      'pca',
      'report',
      'tsne',
      'umap',
    ]);
    const mentioned = new Set(
      sourceFiles(join(root, 'src', 'data')).flatMap((path) => mentionedOptions(path)),
    );
    // Not vacuous: the loaders' messages mention these.
    for (const name of ['missing', 'exclude', 'label', 'features', 'delimiter', 'decimal', 'id']) {
      expect(mentioned.has(name), name).toBe(true);
    }
    for (const name of mentioned) {
      const flag = cliName({ kind: 'option', option: name });
      expect(flag, name).toBeDefined();
      for (const command of loading) {
        expect(optionsOf(command).has(flag!), `${command.name()} ${flag}`).toBe(true);
      }
    }
  });
});
