/**
 * Runs one benchmark of this folder: `npm run bench -- <name> [arguments]`, e.g.
 * `npm run bench -- load` (test/bench/load.ts). Without a name, lists the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(folder)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (name === undefined || !names.includes(name)) {
  console.log(`usage: npm run bench -- <name> [arguments]\nbenchmarks: ${names.join(', ')}`);
  process.exitCode = name === undefined ? 0 : 1;
} else {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(folder, `${name}.ts`), ...args],
    { stdio: 'inherit' },
  );
  process.exitCode = result.status ?? 1;
}
