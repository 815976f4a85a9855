/**
 * Memory limits and file-system failures of the real process, in child processes running the
 * built CLI (dist/cli/main.js, which `npm test` builds before the unit tests):
 *
 * - an address-space limit (`ulimit -v`) or a data-size limit (`ulimit -d`) below what hclust
 *   needs: refused before allocating, exit 1, naming the limit; also with --max-memory far above
 *   it. An allocation that fails anyway is a user error naming the limit, not an internal error.
 * - a full disk (a 64 KiB tmpfs in a private mount namespace), a folder the user cannot write
 *   (as user nobody), too many open files (`ulimit -n`): exit 1, one line naming the path and
 *   what to do; the previous output stays whole and no temporary file is left.
 *
 * The namespace and user cases need root and the `unshare` and `setpriv` programs; they are
 * skipped where those are missing.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/util/random.js';

const MAIN = resolve('dist/cli/main.js');
const built =
  existsSync(MAIN) &&
  statSync(resolve('dist/util/memory.js')).mtimeMs >=
    statSync(resolve('src/util/memory.ts')).mtimeMs;
if (!built)
  console.log(`limit tests skipped: ${MAIN} is missing or older than src; run 'npm run build'.`);

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-limits-'));
chmodSync(folder, 0o755);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A seeded CSV of n rows: an id column and two clustered features. */
function makeCsv(path: string, n: number): string {
  const random = new RandomState(11);
  const lines = ['id,x,y'];
  for (let i = 0; i < n; i++) {
    const g = i % 3;
    lines.push(
      `row-${String(i).padStart(6, '0')},${(5 * g + random.gauss()).toFixed(4)},` +
        `${random.gauss().toFixed(4)}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  chmodSync(path, 0o644);
  return path;
}

// big.csv: 20,000 rows (1.49 GiB of condensed distances); ids.csv: 40,000 rows with long ids
makeCsv(join(folder, 'big.csv'), 20_000);
makeCsv(join(folder, 'ids.csv'), 40_000);

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `sh -c script` with the CLI as "$CLI" and node as "$NODE". */
function sh(script: string, options: { cwd?: string } = {}): Result {
  const r = spawnSync('sh', ['-c', script], {
    encoding: 'utf8',
    cwd: options.cwd ?? folder,
    env: { ...process.env, NODE: process.execPath, CLI: MAIN },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when `sh -c script` runs and exits 0 (a capability probe). */
function can(script: string): boolean {
  return spawnSync('sh', ['-c', script], { stdio: 'ignore' }).status === 0;
}

const root = process.getuid?.() === 0;
const namespaces = root && can('unshare -m true');
const otherUser = root && can('setpriv --reuid=65534 --regid=65534 --clear-groups true');

/** One line on stderr, starting with the user-error prefix. */
function expectOneUserError(r: Result): string {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^clusterlens: error: /);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  return r.stderr;
}

describe.skipIf(!built)('memory limits of the process', () => {
  it('hclust under ulimit -v 2G refuses the average linkage of 20,000 rows before allocating, naming the limit', () => {
    const r = sh(
      'ulimit -v 2097152 && exec "$NODE" "$CLI" hclust big.csv --id id --method average --k 3',
    );
    expect(expectOneUserError(r)).toMatch(
      /^clusterlens: error: hclust: method 'average' on n=20000 points needs 1\.49 GiB for its distance matrix .* but the memory limit is .* \(80% of the .* of address space left under the process's limit \(ulimit -v 2 GiB, of which the process already reserves .*\), less 16 MiB for the runtime\)\. Instead: .*--method ward/,
    );
  });

  it('hclust under ulimit -v 2G with --max-memory 30G is refused all the same: the budget is capped at the limit', () => {
    const r = sh(
      'ulimit -v 2097152 && exec "$NODE" "$CLI" hclust big.csv --id id --method average --k 3 --max-memory 30G',
    );
    expect(expectOneUserError(r)).toMatch(
      /but the memory limit is .* \(80% of the .* of address space left under the process's limit \(ulimit -v 2 GiB.*\), less 16 MiB for the runtime; --max-memory asked for 30 GiB\)/,
    );
  });

  it('hclust under ulimit -d refuses the same job naming the data size limit', () => {
    const r = sh(
      'ulimit -d 1500000 && exec "$NODE" "$CLI" hclust big.csv --id id --method average --k 3',
    );
    expect(expectOneUserError(r)).toMatch(
      /but the memory limit is .* left under the process's data size limit \(ulimit -d 1\.43 GiB, of which the process already uses .*\), less 16 MiB for the runtime\)\. Instead: /,
    );
  });

  it('hclust under ulimit -v 2G runs what fits: ward from the stored data on the same rows', () => {
    const r = sh(
      'ulimit -v 2097152 && exec "$NODE" "$CLI" hclust big.csv --id id --method ward --k 3',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^20000 rows, 2 columns, scaled \(standard\); method ward/);
  });

  it('an allocation that fails anyway (past any plan) is exit 1 naming the limit, not an internal error', () => {
    const script = join(folder, 'grab.mjs');
    writeFileSync(
      script,
      `const { run } = await import(${JSON.stringify(MAIN)});\n` +
        'const grab = async () => ({ register(program) { program.command("grab").action(() => {\n' +
        '  const a = new Float64Array(2 ** 31); a[1] = 1; }); } });\n' +
        'process.exitCode = await run(["grab"], undefined, [grab]);\n',
    );
    const r = sh(`ulimit -v 2097152 && exec "$NODE" ${JSON.stringify(script)}`);
    expect(expectOneUserError(r)).toMatch(
      /^clusterlens: error: clusterlens grab could not allocate its memory: the runtime said "Array buffer allocation failed"\. The process may allocate about .* more now \(of address space left under the process's limit \(ulimit -v 2 GiB, .*\)\)\. Instead: .*--sample N.*ulimit -v/,
    );
  });
});

describe.skipIf(!built)('file-system errors of the real process', () => {
  it.skipIf(!namespaces)(
    'a full disk (64 KiB tmpfs): exit 1 naming the output and ENOSPC; the previous file stays whole, no temporary file is left',
    () => {
      const mount = join(folder, 'full');
      mkdirSync(mount, { recursive: true });
      // the labels of 40,000 rows with their ids (about 500 KiB) do not fit in 64 KiB; the old
      // file is not clusterlens's, so replacing it takes --force
      const r = sh(
        'unshare -m sh -c \'mount -t tmpfs -o size=64k tmpfs full && printf "old\\n" > full/labels.csv && ' +
          '"$NODE" "$CLI" kmeans ids.csv --id id --k 3 --force --out full/labels.csv; echo "status $?"; ' +
          "ls -A full; cat full/labels.csv'",
      );
      expect(r.stderr).toBe(
        "clusterlens: error: Cannot write 'full/labels.csv': no space left on the device (ENOSPC). Free some space on that disk, or give --out in another folder.\n",
      );
      expect(r.stdout).toBe('status 1\nlabels.csv\nold\n');
    },
  );

  it.skipIf(!namespaces)(
    'a full disk under a report: exit 1 naming ENOSPC, no file of the set and no temporary file left',
    () => {
      const r = sh(
        "unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs full && " +
          '"$NODE" "$CLI" report ids.csv --id id --k 3 --out full/r.html; echo "status $?"; ' +
          "find full -mindepth 1'",
      );
      expect(r.stderr).toMatch(
        /^clusterlens: error: Cannot write .*: no space left on the device \(ENOSPC\)\. Free some space on that disk, or give --out in another folder\.\n$/,
      );
      expect(r.stdout).toBe('status 1\n');
    },
  );

  it.skipIf(!otherUser)(
    "a current folder the user cannot write (the report's default reports/ folder): exit 1, EACCES, the path",
    () => {
      const locked = join(folder, 'locked');
      mkdirSync(locked, { recursive: true });
      chmodSync(locked, 0o755); // root's; user nobody may read but not write
      const r = sh(
        'exec setpriv --reuid=65534 --regid=65534 --clear-groups "$NODE" "$CLI" report ../ids.csv --id id --k 3',
        { cwd: locked },
      );
      expect(r.stderr).toBe(
        "clusterlens: error: Cannot write 'reports': permission denied (EACCES). Check the permissions of the file and of its folder, or choose another path.\n",
      );
      expect(r.status).toBe(1);
      expect(readdirSync(locked)).toEqual([]);
    },
  );

  it('too many open files (ulimit -n 30): exit 1 naming a file and the limit', (ctx) => {
    const r = sh('ulimit -n 30 && exec "$NODE" "$CLI" inspect ids.csv');
    // Node itself needs some descriptors before any code of clusterlens runs
    if (!r.stderr.startsWith('clusterlens:')) ctx.skip();
    expect(expectOneUserError(r)).toMatch(
      /^clusterlens: error: Cannot open '.*': too many open files in this process \(EMFILE\)\. Raise the limit of open files \(ulimit -n 4096\) and run again\.$/m,
    );
  });
});
