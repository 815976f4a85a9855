/**
 * The size and shape of the public API: the main entry `clusterlens` exports at most 80 names
 * (values and types together), `clusterlens/advanced` holds the building blocks, and the two do
 * not overlap. Types are read from the export declarations of the entry files with the
 * TypeScript parser; values from the loaded modules.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The names of `export type { ... }` declarations of an entry file. */
function typeExports(path: string): string[] {
  const text = readFileSync(new URL(path, root), 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false);
  const names: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) {
      throw new Error(`${path}: 'export *' hides what the entry exports; name every export.`);
    }
    for (const element of clause.elements) {
      if (statement.isTypeOnly || element.isTypeOnly) names.push(element.name.text);
    }
  }
  return names;
}

describe('the public API', () => {
  it('the main entry exports at most 80 names, values and types together', async () => {
    const values = Object.keys(await import('../../src/index.js'));
    const types = typeExports('src/index.ts');
    expect(values.length + types.length).toBeLessThanOrEqual(80);
  });

  it('clusterlens/advanced repeats nothing of the main entry', async () => {
    const main = new Set([
      ...Object.keys(await import('../../src/index.js')),
      ...typeExports('src/index.ts'),
    ]);
    const advanced = [
      ...Object.keys(await import('../../src/advanced.js')),
      ...typeExports('src/advanced.ts'),
    ];
    expect(advanced.filter((name) => main.has(name))).toEqual([]);
  });

  it('the main entry holds umap, tsne and their types; the streaming factories, the sample table and the HTML renderer are in clusterlens/advanced', async () => {
    const main = [
      ...Object.keys(await import('../../src/index.js')),
      ...typeExports('src/index.ts'),
    ];
    const advanced = [
      ...Object.keys(await import('../../src/advanced.js')),
      ...typeExports('src/advanced.ts'),
    ];
    for (const name of ['umap', 'UMAPOptions', 'UMAPResult', 'tsne', 'TSNEOptions', 'TSNEResult']) {
      expect(main).toContain(name);
    }
    const moved = [
      'createMiniBatchKMeans',
      'MiniBatchKMeansModel',
      'createPCAAccumulator',
      'sampleTable',
      'renderHtml',
      'ReportDocument',
    ];
    for (const name of moved) {
      expect(main).not.toContain(name);
      expect(advanced).toContain(name);
    }
  });

  it('package.json exports both entries with their types', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      exports: Record<string, { types?: string; import?: string }>;
    };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(pkg.exports['./advanced']).toEqual({
      types: './dist/advanced.d.ts',
      import: './dist/advanced.js',
    });
  });

  it('exported names spell PCA, HClust and JSON one way', async () => {
    const names = [
      ...Object.keys(await import('../../src/index.js')),
      ...typeExports('src/index.ts'),
      ...Object.keys(await import('../../src/advanced.js')),
      ...typeExports('src/advanced.ts'),
    ];
    // `sampledHclust` keeps its name: messages and the memory hints name it.
    const drift = names.filter((name) => /Pca|Json|Hclust/.test(name) && name !== 'sampledHclust');
    expect(drift).toEqual([]);
  });
});
