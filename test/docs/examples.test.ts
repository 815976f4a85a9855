/**
 * Every TSDoc `@example` block of src/**\/*.ts runs, and the values it states are the values it
 * gets.
 *
 * A block runs as a user's script: `import ... from 'clusterlens'` (or 'clusterlens/advanced')
 * reads the sources here; a block without such an import sees every value of both entries. A
 * line `expression; // => value` asserts that the expression equals the value (typed arrays
 * compare as arrays). Each block is written to a temporary .ts module and imported, so `await`
 * and node imports work as in a script; `tmpdir()` is a folder of the test, removed at the end.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as advanced from '../../src/advanced.js';
import * as main from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcDir = join(root, 'src');
const folder = mkdtempSync(join(tmpdir(), 'clusterlens-examples-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Example {
  /** file:line of the `@example` tag. */
  where: string;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** The `@example` blocks of a file: the comment lines after the tag, up to the next tag. */
function examplesOf(path: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*\*\//.test(line) || /^\s*\*\s*@\w/.test(line)) break;
      const text = line.replace(/^\s*\*( |$)/, '');
      if (!/^\s*```/.test(text)) body.push(text);
    }
    out.push({ where: `${relative(root, path)}:${i + 1}`, code: body.join('\n') });
    i = j - 1;
  }
  return out;
}

const EXPECT = `import { deepStrictEqual as __deepStrictEqual } from 'node:assert/strict';
const __plain = (v: unknown): unknown =>
  ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>)
  : Array.isArray(v) ? v.map(__plain)
  : v;
const __expect = (actual: unknown, expected: unknown, line: string): void =>
  __deepStrictEqual(__plain(actual), __plain(expected), line);
`;

/** The example as a module: imports pointed at the sources, `// =>` lines as assertions. */
function moduleOf(example: Example): string {
  const index = JSON.stringify(join(srcDir, 'index.ts'));
  const adv = JSON.stringify(join(srcDir, 'advanced.ts'));
  let code = example.code
    .replace(/from 'clusterlens\/advanced'/g, `from ${adv}`)
    .replace(/from 'clusterlens'/g, `from ${index}`);
  code = code
    .split('\n')
    .map((line) => {
      const m = /^(\s*)(.*?);\s*\/\/\s*=>\s*(.+?)\s*$/.exec(line);
      return m ? `${m[1]}__expect(${m[2]}, ${m[3]}, ${JSON.stringify(line.trim())});` : line;
    })
    .join('\n');
  const auto = /from 'clusterlens/.test(example.code)
    ? ''
    : `import { ${Object.keys(main).join(', ')} } from ${index};\n` +
      `import { ${Object.keys(advanced).join(', ')} } from ${adv};\n`;
  return `${auto}${EXPECT}\n${code}\nexport {};\n`;
}

const examples = sourceFiles(srcDir).sort().flatMap(examplesOf);

describe('the @example blocks of the sources', () => {
  it('there are examples of the main functions', () => {
    const text = examples.map((e) => e.code).join('\n');
    for (const name of [
      'loadDataset',
      'scale',
      'kmeans',
      'hclust',
      'pca',
      'chooseK',
      'adjustedRandIndex',
      'silhouetteScore',
      'buildReport',
      'writeReport',
    ]) {
      expect(text, name).toMatch(new RegExp(`\\b${name}\\(`));
    }
  });

  it.each(examples.map((e, i) => [e.where, e, i] as const))('%s runs', async (_, example, i) => {
    const file = join(folder, `example-${i}.ts`);
    writeFileSync(file, moduleOf(example));
    // what an example writes under tmpdir() goes to this test's folder, removed at the end
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = folder;
    try {
      await import(file);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
