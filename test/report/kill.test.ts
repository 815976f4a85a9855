/**
 * Nothing lost: the CLI is killed with SIGKILL again and again while it writes a large output
 * (the moment its temporary file appears, or at a random time), and the target must always be
 * the previous complete file or the new complete file, never a partial one. A normal run
 * afterwards leaves no temporary file (it removes those of the killed runs), and so does a run
 * that stops on a user error.
 *
 * Runs the built CLI (dist/cli/main.js), which `npm test` builds before the unit tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTemporaries, writeFileAtomic } from '../../src/report/write.js';
import { RandomState } from '../../src/util/random.js';

const MAIN = resolve('dist/cli/main.js');
const WRITER = resolve('dist/report/write.js');
const built =
  existsSync(MAIN) &&
  existsSync(WRITER) &&
  statSync(WRITER).mtimeMs >= statSync(resolve('src/report/write.ts')).mtimeMs;
if (!built) {
  console.log(
    `kill tests skipped: ${MAIN} is missing or older than src; run 'npm run build' first.`,
  );
}

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-kill-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A seeded CSV of `n` rows: id, three clustered features. */
function makeCsv(path: string, n: number): void {
  const random = new RandomState(7);
  const lines = ['id,a,b,c'];
  for (let i = 0; i < n; i++) {
    const g = i % 3;
    lines.push(
      `r${i},${(g + random.randomSample()).toFixed(5)},${(2 * g + random.randomSample()).toFixed(5)},` +
        `${random.randomSample().toFixed(5)}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  killed: boolean;
}

/**
 * Run the CLI; with `killWhen`, SIGKILL it as soon as a file whose name starts with
 * `killWhen.prefix` appears in `killWhen.folder`, or after `killWhen.delay` ms.
 */
function runCli(
  args: string[],
  killWhen?: { folder: string; prefix: string } | { delay: number },
): Promise<Finished> {
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const kill = () => {
      if (!killed && child.exitCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    let watcher: ReturnType<typeof watch> | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (killWhen !== undefined && 'prefix' in killWhen) {
      watcher = watch(killWhen.folder, (_event, name) => {
        if (name?.startsWith(killWhen.prefix)) kill();
      });
    } else if (killWhen !== undefined) {
      timer = setTimeout(kill, killWhen.delay);
    }
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      watcher?.close();
      if (timer !== undefined) clearTimeout(timer);
      done({ code, signal, stderr, killed: signal === 'SIGKILL' });
    });
  });
}

const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.tmp-'));

describe.skipIf(!built)('SIGKILL during the write of an output', () => {
  it('clusterlens pca <file> --out X.csv killed mid-write leaves the old or the new file, never a partial one', async () => {
    const input = join(folder, 'big.csv');
    makeCsv(input, 40_000);
    const dir = join(folder, 'pca');
    const fresh = join(folder, 'pca-fresh');
    mkdirSync(dir);
    mkdirSync(fresh);
    const target = join(dir, 'scores.csv');
    const args = (out: string, k: number) => [
      'pca',
      input,
      '--id',
      'id',
      '--components',
      `${k}`,
      '--out',
      out,
    ];

    // The previous file (one component) and the new one (three), each from a complete run.
    expect((await runCli(args(target, 1))).code).toBe(0);
    const previous = readFileSync(target);
    const started = performance.now();
    expect((await runCli(args(join(fresh, 'scores.csv'), 3))).code).toBe(0);
    const runTime = performance.now() - started;
    const next = readFileSync(join(fresh, 'scores.csv'));
    expect(next.length).toBeGreaterThan(1_500_000);
    expect(next.equals(previous)).toBe(false);

    const random = new RandomState(11);
    let killedRuns = 0;
    for (let round = 0; round < 4; round++) {
      // Most kills land when the temporary file appears (the write has begun); some at a
      // random moment of the run.
      const when =
        round === 3
          ? { delay: random.randomSample() * runTime }
          : { folder: dir, prefix: '.tmp-scores.csv-' };
      const result = await runCli(args(target, 3), when);
      if (result.killed) killedRuns++;
      else expect(result.code, result.stderr).toBe(0);
      const now = readFileSync(target);
      expect(now.equals(previous) || now.equals(next), `round ${round}: partial file`).toBe(true);
    }
    expect(killedRuns).toBeGreaterThanOrEqual(3);

    // A normal run: the new file, and no temporary file (the killed runs' ones are removed).
    expect((await runCli(args(target, 3))).code).toBe(0);
    expect(readFileSync(target).equals(next)).toBe(true);
    expect(temporaries(dir)).toEqual([]);

    // A user error stops before writing: the file stays, no temporary file.
    const error = await runCli(['pca', input, '--features', 'nope', '--out', target]);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/^clusterlens: error: .*'nope'/);
    expect(readFileSync(target).equals(next)).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  it('clusterlens report <file> --out R.html killed while it writes the HTML leaves a complete HTML', async () => {
    const input = resolve('datasets/iris.csv');
    const dir = join(folder, 'report');
    mkdirSync(dir);
    const target = join(dir, 'r.html');
    const args = (seed: number) => [
      'report',
      input,
      '--label',
      'species',
      '--k',
      '3',
      '--seed',
      `${seed}`,
      '--out',
      target,
    ];
    expect((await runCli(args(1))).code).toBe(0);
    const previous = readFileSync(target);
    // Each report run takes a second or two: two kills, and the new file from the final run.
    const seen: Buffer[] = [];
    for (let round = 0; round < 2; round++) {
      await runCli(args(2), { folder: dir, prefix: '.tmp-r.html-' });
      seen.push(readFileSync(target));
    }
    expect((await runCli(args(2))).code).toBe(0);
    const next = readFileSync(target);
    expect(next.equals(previous)).toBe(false);
    seen.forEach((now, round) => {
      expect(now.equals(previous) || now.equals(next), `round ${round}: partial HTML`).toBe(true);
    });
    expect(temporaries(dir)).toEqual([]);
    expect(temporaries(join(dir, 'r.vl'))).toEqual([]);
  });
});

describe('removeStaleTemporaries(target)', () => {
  it('writeFileAtomic(path) removes the temporary files of processes that no longer run', async () => {
    const dir = join(folder, 'stale');
    mkdirSync(dir);
    const target = join(dir, 'out.csv');
    // A process id that cannot be running (above Linux's pid_max of 2^22), this process, and
    // the parent (running): only the first is stale.
    const stale = '.tmp-out.csv-99999999-0123456789ab';
    const mine = `.tmp-out.csv-${process.pid}-0123456789ab`;
    const parent = `.tmp-out.csv-${process.ppid}-0123456789ab`;
    const other = '.tmp-other.csv-99999999-0123456789ab';
    const unrelated = '.tmp-out.csv-notes';
    for (const name of [stale, mine, parent, other, unrelated]) writeFileSync(join(dir, name), 'x');
    await writeFileAtomic(target, 'a,b\n');
    expect(readdirSync(dir).sort()).toEqual([mine, parent, other, unrelated, 'out.csv'].sort());
    removeStaleTemporaries(join(dir, 'other.csv'));
    expect(readdirSync(dir)).not.toContain(other);
  });
});
