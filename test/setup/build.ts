/**
 * Vitest global setup: the tests that run the command line as a user does (`node
 * dist/cli/main.js`) need dist/ built from the current sources. Builds it (tsconfig.build.json)
 * once before the tests when it is missing or older than a file or folder under src/; a fresh
 * build (`npm test` makes one before the unit tests) is used as it is. A failed build is reported
 * and the tests run: only those that run dist/ depend on it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The newest modification time of `folder` and everything in it. */
function newest(folder: string): number {
  let time = statSync(folder).mtimeMs;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/** Whether dist/ holds a build of the sources as they are now. */
function fresh(root: string): boolean {
  const outputs = ['dist/index.js', 'dist/cli/main.js'].map((f) => resolve(root, f));
  if (!outputs.every((f) => existsSync(f))) return false;
  // the compiler writes every output on each build: the oldest is the build's start
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return newest(resolve(root, 'src')) <= built;
}

export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  if (fresh(root)) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    // type errors: the compiler still writes dist/; the tests that run it say what fails
    console.warn(
      'test setup: tsc -p tsconfig.build.json failed (errors above); dist/ may be stale.',
    );
  }
}
