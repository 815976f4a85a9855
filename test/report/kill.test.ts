/**
 * Nothing lost: the CLI is killed with SIGKILL again and again while it writes a large output
 * (the moment its temporary file appears, or at a random time), and the target must always be
 * the previous complete file or the new complete file, never a partial one. A normal run
 * afterwards leaves no temporary file (it removes those of the killed runs), and so does a run
 * that stops on a user error.
 *
 * The whole output set of a report (HTML, JSON, labels CSV and its record, specs): 50 SIGKILLs at
 * random moments of runs that alternate between two reports, and after each one every file is
 * one of the two runs' versions, whole, and either the set is one run's or `clusterlens verify`
 * names exactly the files that are not the HTML's run. SIGINT and SIGTERM inside the final renames
 * let the step finish (a consistent new set, no temporary file), before it they leave the old set
 * and no temporary file. CLUSTERLENS_TEST_WRITE_DELAY_MS slows the writes so that signals land
 * in the step they are meant for.
 *
 * Runs the built CLI (dist/cli/main.js), which the global setup of the tests
 * (test/setup/build.ts) builds when it is older than the sources.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
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
import { cli } from '../cli/helpers.js';

const MAIN = resolve('dist/cli/main.js');
const WRITER = resolve('dist/report/write.js');
const OUTPUTS = resolve('dist/report/outputs.js');
const built =
  existsSync(MAIN) &&
  existsSync(WRITER) &&
  existsSync(OUTPUTS) &&
  statSync(WRITER).mtimeMs >= statSync(resolve('src/report/write.ts')).mtimeMs &&
  statSync(OUTPUTS).mtimeMs >= statSync(resolve('src/report/outputs.ts')).mtimeMs;
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

interface Signalled {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Milliseconds from the start to the exit. */
  ms: number;
}

/**
 * Run the CLI and send `signal` to it `delay` ms after a file event in `folder` whose name
 * `match` accepts (or `delay` ms after the start without `folder`).
 */
function signalCli(
  args: string[],
  options: {
    signal: NodeJS.Signals;
    delay: number;
    folder?: string;
    match?: (name: string) => boolean;
    env?: Record<string, string>;
  },
): Promise<Signalled> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    let sent = false;
    let timer: NodeJS.Timeout | undefined;
    const send = () => {
      if (sent) return;
      sent = true;
      timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill(options.signal);
      }, options.delay);
    };
    let watcher: ReturnType<typeof watch> | undefined;
    if (options.folder !== undefined) {
      watcher = watch(options.folder, (_event, name) => {
        if (name !== null && options.match!(name)) send();
      });
    } else {
      send();
    }
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      watcher?.close();
      if (timer !== undefined) clearTimeout(timer);
      done({ code, signal, stderr, ms: performance.now() - started });
    });
  });
}

/** The files of the report r.html in `dir` (the record and temporaries aside), by name. */
function reportSet(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of ['r.html', 'r.json', 'r.labels.csv']) {
    if (existsSync(join(dir, name))) out.set(name, readFileSync(join(dir, name)));
  }
  if (existsSync(join(dir, 'r.vl'))) {
    for (const name of readdirSync(join(dir, 'r.vl')).sort()) {
      if (!name.startsWith('.tmp-')) out.set(`r.vl/${name}`, readFileSync(join(dir, 'r.vl', name)));
    }
  }
  return out;
}

function sameSet(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, bytes] of a) if (!b.get(name)?.equals(bytes)) return false;
  return true;
}

const allTemporaries = (dir: string) => [
  ...temporaries(dir),
  ...(existsSync(join(dir, 'r.vl')) ? temporaries(join(dir, 'r.vl')).map((n) => `r.vl/${n}`) : []),
];

describe.skipIf(!built)('kills and signals across the output set of a report', () => {
  const base = join(folder, 'set');
  mkdirSync(base);
  const input = join(base, 'small.csv');
  // 45 rows of iris: small, so that a run is mostly the writing of its files
  writeFileSync(
    input,
    `${readFileSync('datasets/iris.csv', 'utf8').split('\n').slice(0, 46).join('\n')}\n`,
  );
  // A: k = 1, B: k = 3 (two specs more: silhouette, profiles): a run of one removes the other's
  // extra specs
  const argsOf = (which: 'A' | 'B', dir: string) => [
    'report',
    input,
    '--label',
    'species',
    '--k',
    which === 'A' ? '1' : '3',
    '-q',
    '--out',
    join(dir, 'r.html'),
  ];
  const refs = { A: new Map<string, Buffer>(), B: new Map<string, Buffer>() };
  let runTime = 0;
  /** A folder holding run A's complete set (copied from the reference). */
  let chains = 0;
  const chainFolder = () => {
    const dir = join(base, `chain-${chains++}`);
    cpSync(join(base, 'ref-A'), dir, { recursive: true });
    return dir;
  };

  it('reference runs A and B', async () => {
    for (const which of ['A', 'B'] as const) {
      const dir = join(base, `ref-${which}`);
      mkdirSync(dir);
      const started = performance.now();
      const r = await runCli(argsOf(which, dir));
      runTime = Math.max(runTime, performance.now() - started);
      expect(r.code, r.stderr).toBe(0);
      refs[which] = reportSet(dir);
    }
    expect(refs.B.size - refs.A.size).toBe(2);
    expect(refs.A.has('r.vl/silhouette.vl.json')).toBe(false);
    expect(refs.B.has('r.vl/silhouette.vl.json')).toBe(true);
  }, 120_000);

  it('50 SIGKILLs at random moments: each file is whole, and the set is one run or verify names the mix', async () => {
    const random = new RandomState(19);
    let kills = 0;
    let mixes = 0;
    const chain = async (c: number, rounds: number, seeds: number[]) => {
      const dir = chainFolder();
      for (let round = 0; round < rounds; round++) {
        const target: 'A' | 'B' = round % 2 === 0 ? 'B' : 'A';
        const u = seeds[round]!;
        const mode = round % 3;
        // mode 0: any moment of the run; 1: while the files are written; 2: in the final step
        const htmlBefore = readFileSync(join(dir, 'r.html'));
        const r = await signalCli(argsOf(target, dir), {
          signal: 'SIGKILL',
          ...(mode === 0
            ? { delay: u * runTime }
            : mode === 1
              ? { delay: u * 150, folder: join(dir, 'r.vl'), match: (n) => n.startsWith('.tmp-') }
              : {
                  delay: u * 180,
                  folder: dir,
                  match: (n) => n === '.r.labels.csv.clusterlens',
                  env: { CLUSTERLENS_TEST_WRITE_DELAY_MS: '12' },
                }),
        });
        const where = `chain ${c} round ${round} (mode ${mode}, run ${target})`;
        if (r.signal === 'SIGKILL') kills++;
        else expect(r.code, `${where}: ${r.stderr}`).toBe(0);
        // every file is A's or B's version, whole
        const now = reportSet(dir);
        const runOf = new Map<string, 'A' | 'B'>();
        for (const [name, bytes] of now) {
          const which = refs.A.get(name)?.equals(bytes)
            ? 'A'
            : refs.B.get(name)?.equals(bytes)
              ? 'B'
              : undefined;
          expect(which, `${where}: ${name} is neither run's version`).toBeDefined();
          runOf.set(name, which!);
        }
        for (const name of ['r.html', 'r.json', 'r.labels.csv']) {
          expect(now.has(name), `${where}: ${name} is missing`).toBe(true);
        }
        const htmlRun = runOf.get('r.html')!;
        const expected = [...runOf].filter(([, w]) => w !== htmlRun).map(([n]) => join(dir, n));
        if (expected.length === 0) {
          expect(sameSet(now, refs[htmlRun]), `${where}: one run's files, but not all`).toBe(true);
        } else {
          mixes++;
          // the HTML is renamed last: a run that replaced it had replaced every other file
          expect(now.get('r.html')!.equals(htmlBefore), `${where}: new HTML in a mix`).toBe(true);
        }
        const v = await cli(['verify', join(dir, 'r.html')]);
        const flagged = v.stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .filter((line) => !/ ok$/.test(line) && !line.startsWith('temporary files'))
          .map((line) => line.split(/ +/)[0]!);
        expect(flagged.sort(), `${where}: verify`).toEqual(expected.sort());
        expect(v.code, where).toBe(expected.length === 0 ? 0 : 1);
      }
      // a normal run: B's set, consistent, and no temporary file of the killed runs
      const final = await runCli(argsOf('B', dir));
      expect(final.code, final.stderr).toBe(0);
      expect(sameSet(reportSet(dir), refs.B), `chain ${c}: final run`).toBe(true);
      expect((await cli(['verify', join(dir, 'r.html')])).code).toBe(0);
      expect(allTemporaries(dir), `chain ${c}`).toEqual([]);
    };
    const CHAINS = 5;
    const ROUNDS = 10;
    const seeds = Array.from({ length: CHAINS }, () =>
      Array.from({ length: ROUNDS }, () => random.randomSample()),
    );
    await Promise.all(seeds.map((s, c) => chain(c, ROUNDS, s)));
    expect(kills).toBeGreaterThanOrEqual(40);
    expect(mixes).toBeGreaterThanOrEqual(3);
  }, 900_000);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} inside the final step: the step ends, the new set is whole, no temporary file`, async () => {
      const dir = chainFolder();
      const r = await signalCli(argsOf('B', dir), {
        signal,
        delay: 0,
        folder: dir,
        match: (n) => n === '.r.labels.csv.clusterlens',
        env: { CLUSTERLENS_TEST_WRITE_DELAY_MS: '25' },
      });
      // the signal ended the process, after the step
      expect(r.signal, r.stderr).toBe(signal);
      expect(sameSet(reportSet(dir), refs.B)).toBe(true);
      expect((await cli(['verify', join(dir, 'r.html')])).code).toBe(0);
      expect(allTemporaries(dir)).toEqual([]);
    }, 120_000);

    it(`${signal} while the files are written: the old set stays, no temporary file`, async () => {
      const dir = chainFolder();
      const r = await signalCli(argsOf('B', dir), {
        signal,
        delay: 0,
        folder: join(dir, 'r.vl'),
        match: (n) => n.startsWith('.tmp-'),
        env: { CLUSTERLENS_TEST_WRITE_DELAY_MS: '25' },
      });
      expect(r.signal, r.stderr).toBe(signal);
      expect(sameSet(reportSet(dir), refs.A)).toBe(true);
      expect(allTemporaries(dir)).toEqual([]);
    }, 120_000);
  }
});
