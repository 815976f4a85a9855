/**
 * The rules of ARCHITECTURE.md that a program can check: which folder of src/ may import which,
 * that WebAssembly is assembled in src/wasm/ only (kernels beside their algorithms build their
 * modules with it and name only its types), and that vega and vega-lite load only when a report
 * is rendered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every .ts file under a folder. */
function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(folder, e.name))
      : e.name.endsWith('.ts')
        ? [join(folder, e.name)]
        : [],
  );
}

/** The top folder of src/ a file belongs to ('index.ts' and 'advanced.ts' for the entries). */
const topOf = (path: string) => relative(src, path).split('/')[0]!;

/** What each folder may import, besides itself (ARCHITECTURE.md, "What may import what"). */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  wasm: ['util'],
  data: ['util'],
  metrics: ['data', 'util', 'wasm'],
  charts: ['data', 'metrics', 'util'],
  decomposition: ['data', 'util', 'wasm'],
  cluster: ['data', 'decomposition', 'metrics', 'util', 'wasm'],
  projection: ['data', 'decomposition', 'metrics', 'util', 'wasm'],
  report: ['charts', 'cluster', 'data', 'decomposition', 'metrics', 'projection', 'util', 'wasm'],
  cli: [
    'charts',
    'cluster',
    'data',
    'decomposition',
    'metrics',
    'projection',
    'report',
    'util',
    'wasm',
  ],
};

const all = files(src);

describe('the architecture', () => {
  it('each folder of src/ imports only the folders ARCHITECTURE.md allows', () => {
    const broken: string[] = [];
    let seen = 0;
    for (const file of all) {
      const top = topOf(file);
      if (top.endsWith('.ts')) continue; // the entries re-export everything
      const allowed = ALLOWED[top];
      expect(allowed, `${top}/ is described in ARCHITECTURE.md and here`).toBeDefined();
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = topOf(resolve(dirname(file), m[1]!));
        seen++;
        if (target !== top && !allowed!.includes(target)) {
          broken.push(`${relative(src, file)} imports ${m[1]} (${target}/)`);
        }
      }
    }
    expect(seen).toBeGreaterThan(300);
    expect(broken).toEqual([]);
  });

  it('WebAssembly is assembled in src/wasm/ only: no opcode, encoder or module outside it', () => {
    const outside: string[] = [];
    for (const file of all) {
      if (topOf(file) === 'wasm') continue;
      // code only: comments may name opcodes
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      if (
        /0xfd|\b[us]leb\(|new WebAssembly\.|WebAssembly\.(compile|instantiate|validate)\b/.test(
          code,
        )
      ) {
        outside.push(relative(src, file));
      }
    }
    expect(outside).toEqual([]);
    // not vacuous: the kernels exist and build their modules with src/wasm
    const kernels = all.filter((f) => /kernels\.ts$/.test(f));
    expect(kernels.length).toBeGreaterThanOrEqual(4);
    for (const k of kernels) expect(readFileSync(k, 'utf8'), k).toMatch(/from '(\.\.\/)+wasm\//);
  });

  it('vega and vega-lite load when a report is rendered: no module imports their values', () => {
    const eager: string[] = [];
    let typed = 0;
    for (const file of all) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /^import\s+(type\s+)?([^;]*?)\s+from\s+'(vega|vega-lite)'/gms,
      )) {
        // `import type ...`, or only `type X` names inside the braces, leave no import in the JS
        const names = m[2]!
          .replace(/^\{|\}$/g, '')
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
        if (m[1] || names.every((n) => n.startsWith('type '))) typed++;
        else eager.push(`${relative(src, file)}: ${m[0]}`);
      }
    }
    expect(typed).toBeGreaterThan(10);
    expect(eager).toEqual([]);
    // the one place that loads them, on demand
    expect(readFileSync(join(src, 'report/html.ts'), 'utf8')).toMatch(/import\('vega'\)/);
  });
});
