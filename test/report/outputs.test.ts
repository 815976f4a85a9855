/**
 * Outputs (src/report/outputs.ts): the paths a command may write, the records of CSV outputs,
 * output sets staged and committed together, and a property test of the rule "the user's files
 * are never outputs" over random trees of files, links and siblings.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReportOutputs } from '../../src/report/build.js';
import {
  checkOutputs,
  OutputSet,
  recordPath,
  resolveOutput,
  runId,
  runIdOf,
  writeError,
  writeOutput,
} from '../../src/report/outputs.js';
import { OptionError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-outputs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let cases = 0;
/** A fresh folder for one case. */
const fresh = () => {
  const dir = join(folder, `c${cases++}`);
  mkdirSync(dir);
  return dir;
};

const RUN = '0123456789abcdef';
const OTHER_RUN = 'fedcba9876543210';
const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.tmp-'));

describe('resolveOutput(path)', () => {
  it('resolveOutput(link) writes the file the symbolic link names, and the link stays a link', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'x.csv'), 'old');
    symlinkSync(join('real', 'x.csv'), join(dir, 'link.csv'));
    const output = resolveOutput(join(dir, 'link.csv'), { record: true });
    expect(output.kind).toBe('file');
    expect(output.target).toBe(join(dir, 'real', 'x.csv'));
    await writeOutput(output, 'a,b\n', RUN, { force: true });
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'x.csv'), 'utf8')).toBe('a,b\n');
    expect(existsSync(join(dir, 'real', '.x.csv.clusterlens'))).toBe(true);
    expect(runIdOf(join(dir, 'link.csv'))).toBe(RUN);
  });

  it('resolveOutput(path) refuses a dangling link, a socket, and streams where a file is needed', async () => {
    const dir = fresh();
    symlinkSync(join(dir, 'nowhere.csv'), join(dir, 'dangling.csv'));
    expect(() => resolveOutput(join(dir, 'dangling.csv'))).toThrow(
      /is a symbolic link to '.*nowhere\.csv', which does not exist/,
    );
    const socket = join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((done) => server.listen(socket, done));
    try {
      expect(() => resolveOutput(socket)).toThrow(/it is a socket, not a file/);
    } finally {
      server.close();
    }
    expect(resolveOutput('-').kind).toBe('stdout');
    expect(resolveOutput('/dev/stdout').kind).toBe('stdout');
    expect(() => resolveOutput('-', { streams: false, what: "the report's JSON" })).toThrow(
      "Cannot write the report's JSON: it is standard output, and this output must be a " +
        'regular file. Choose another path.',
    );
    expect(resolveOutput('/dev/null').kind).toBe('stream');
    expect(() => resolveOutput('/dev/null', { streams: false })).toThrow(/it is a device/);
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)(
    'resolveOutput(fifo) is a stream: written in place, never replaced',
    async () => {
      const dir = fresh();
      const fifo = join(dir, 'pipe');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const output = resolveOutput(fifo, { record: true });
      expect(output.kind).toBe('stream');
      const received = new Promise<string>((done) => {
        let text = '';
        import('node:fs').then(({ createReadStream }) => {
          createReadStream(fifo, 'utf8')
            .on('data', (chunk) => (text += chunk))
            .on('end', () => done(text));
        });
      });
      await writeOutput(output, 'x,y\n1,2\n', RUN);
      expect(await received).toBe('x,y\n1,2\n');
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(dir)).toEqual(['pipe']);
    },
  );
});

describe('checkOutputs(outputs, rules)', () => {
  it('checkOutputs refuses the input (any spelling, link or hard link), even with force', () => {
    const dir = fresh();
    const input = join(dir, 'data.csv');
    writeFileSync(input, 'a\n1\n');
    symlinkSync('data.csv', join(dir, 'soft.csv'));
    linkSync(input, join(dir, 'hard.csv'));
    mkdirSync(join(dir, 'sub'));
    for (const path of [
      input,
      join(dir, 'sub', '..', 'data.csv'),
      join(dir, 'soft.csv'),
      join(dir, 'hard.csv'),
    ]) {
      for (const force of [false, true]) {
        expect(() => checkOutputs([resolveOutput(path)], { inputs: [input], force })).toThrow(
          `Cannot write the file '${path}': it is the input file '${input}'. clusterlens never ` +
            'writes over its input; choose another path.',
        );
      }
    }
    expect(readFileSync(input, 'utf8')).toBe('a\n1\n');
  });

  it('checkOutputs refuses a file clusterlens did not write unless force; accepts its own files', async () => {
    const dir = fresh();
    const user = join(dir, 'notes.csv');
    writeFileSync(user, 'my notes\n');
    expect(() => checkOutputs([resolveOutput(user)])).toThrow(
      `Cannot write the file '${user}': the file exists and clusterlens did not write it. Choose ` +
        'another path, move the file away, or give {force: true} to replace it.',
    );
    expect(() => checkOutputs([resolveOutput(user)], { force: true })).not.toThrow();
    // HTML and JSON carry their run id; a CSV is known by its record
    const html = join(dir, 'r.html');
    writeFileSync(html, `<!DOCTYPE html>\n<meta name="clusterlens-run" content="${RUN}">\n`);
    const json = join(dir, 'r.json');
    writeFileSync(json, `{\n "clusterlensRun": "${RUN}",\n "k": 3\n}\n`);
    const csv = join(dir, 'r.labels.csv');
    await writeOutput(resolveOutput(csv, { record: true }), 'id,c\n1,0\n', RUN);
    expect([html, json, csv].map(runIdOf)).toEqual([RUN, RUN, RUN]);
    expect(() =>
      checkOutputs([resolveOutput(html), resolveOutput(json), resolveOutput(csv)]),
    ).not.toThrow();
    // an edited CSV is the user's now
    appendFileSync(csv, '2,1\n');
    expect(runIdOf(csv)).toBeUndefined();
    expect(() => checkOutputs([resolveOutput(csv)])).toThrow(/clusterlens did not write it/);
    await writeOutput(resolveOutput(csv, { record: true }), 'id,c\n1,1\n', OTHER_RUN, {
      force: true,
    });
    expect(runIdOf(csv)).toBe(OTHER_RUN);
    expect(JSON.parse(readFileSync(recordPath(csv), 'utf8')).versions).toHaveLength(1);
  });

  it('checkOutputs refuses two outputs that are the same file', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'r.html'), `<meta name="clusterlens-run" content="${RUN}">`);
    symlinkSync('r.html', join(dir, 'r.json'));
    expect(() => checkReportOutputs(join(dir, 'r.html'))).toThrow(
      `Cannot write the report's JSON '${join(dir, 'r.json')}' (next to the report '${join(dir, 'r.html')}'): ` +
        `it is the same file as the file '${join(dir, 'r.html')}'. Choose another path.`,
    );
  });
});

describe('OutputSet', () => {
  it('stage() writes temporaries only; commit() renames them all and removes stale temporaries', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'b.json'), `{\n "clusterlensRun": "${OTHER_RUN}"\n}\n`);
    // temporaries of a killed run (a process id above Linux's pid_max) and of a running one
    const stale = [
      '.tmp-a.csv-99999999-0123456789ab',
      '.tmp-.a.csv.clusterlens-99999999-0123456789ab',
      '.tmp-b.json-99999999-0123456789ab',
    ];
    const alive = `.tmp-b.json-${process.ppid}-0123456789ab`;
    for (const name of [...stale, alive]) writeFileSync(join(dir, name), 'x');
    const set = new OutputSet(RUN);
    await set.stage(resolveOutput(join(dir, 'a.csv'), { record: true }), 'a\n1\n');
    await set.stage(resolveOutput(join(dir, 'b.json')), `{\n "clusterlensRun": "${RUN}"\n}\n`);
    expect(existsSync(join(dir, 'a.csv'))).toBe(false);
    expect(runIdOf(join(dir, 'b.json'))).toBe(OTHER_RUN);
    expect(temporaries(dir).length).toBe(stale.length + 1 + 3); // a.csv, its record, b.json
    await set.commit();
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('a\n1\n');
    expect(runIdOf(join(dir, 'a.csv'))).toBe(RUN);
    expect(runIdOf(join(dir, 'b.json'))).toBe(RUN);
    expect(temporaries(dir)).toEqual([alive]);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('abort() and a failed stage() leave no temporary; the targets stay as they were', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'keep.json'), `{\n "clusterlensRun": "${OTHER_RUN}"\n}\n`);
    const set = new OutputSet(RUN);
    await set.stage(resolveOutput(join(dir, 'keep.json')), 'new');
    set.abort();
    expect(readdirSync(dir)).toEqual(['keep.json']);
    expect(runIdOf(join(dir, 'keep.json'))).toBe(OTHER_RUN);

    // the folder of the second file vanishes between the check and the write
    mkdirSync(join(dir, 'gone'));
    const later = resolveOutput(join(dir, 'gone', 'x.csv'));
    rmSync(join(dir, 'gone'), { recursive: true });
    const failing = new OutputSet(RUN);
    await failing.stage(resolveOutput(join(dir, 'keep.json')), 'new');
    const error = await failing.stage(later, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toBe(
      `Cannot write '${join(dir, 'gone', 'x.csv')}': no such file or folder (ENOENT). Check the ` +
        'path (it is relative to the current folder) and that its folders exist.',
    );
    expect(readdirSync(dir)).toEqual(['keep.json']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('commit() checks again: a file that appeared after the check is not replaced', async () => {
    const dir = fresh();
    const set = new OutputSet(RUN);
    await set.stage(resolveOutput(join(dir, 'late.csv'), { record: true }), 'ours\n');
    writeFileSync(join(dir, 'late.csv'), 'the user was faster\n');
    await expect(set.commit()).rejects.toThrow(/clusterlens did not write it/);
    expect(readFileSync(join(dir, 'late.csv'), 'utf8')).toBe('the user was faster\n');
    expect(readdirSync(dir)).toEqual(['late.csv']);
  });
});

describe('writeError and runId', () => {
  it('writeError(error, output) turns the errors a user can act on into an OptionError', () => {
    const full = writeError(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }), {
      path: '/dev/full',
    });
    expect(full).toBeInstanceOf(OptionError);
    expect((full as Error).message).toBe(
      "Cannot write '/dev/full': no space left on the device (ENOSPC). Free some space on that " +
        'disk, or give an output path in another folder.',
    );
    const bug = new TypeError('not an I/O error');
    expect(writeError(bug, { path: 'x' })).toBe(bug);
  });

  it('runId(parts) is 16 hex digits of a hash that ignores key order and sees every value', () => {
    const a = runId({ sha256: 'abc', options: { k: 3, seed: 0 } });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(runId({ options: { seed: 0, k: 3 }, sha256: 'abc' })).toBe(a);
    expect(runId({ sha256: 'abc', options: { k: 3, seed: 1 } })).not.toBe(a);
  });
});

/**
 * Whether writing to `p` changes the file `q`: the behaviour the rule must prevent, found by
 * doing it (append a byte to p, look at q, put both back).
 */
function writesInto(p: string, q: string): boolean {
  if (!existsSync(p) || !existsSync(q)) return false;
  const pBytes = readFileSync(p);
  const qBytes = readFileSync(q);
  appendFileSync(p, 'X');
  const changed = !readFileSync(q).equals(qBytes);
  writeFileSync(p, pBytes);
  if (changed) writeFileSync(q, qBytes);
  return changed;
}

describe('the rule, on random trees (property test)', () => {
  it('an output is refused exactly when writing it would change the input, a user file or another output', async () => {
    const random = new RandomState(2024);
    const pick = <T>(items: readonly T[]): T => items[random.randint(items.length)]!;
    const chance = (p: number) => random.randomSample() < p;
    const seen = { input: 0, user: 0, same: 0, written: 0, forced: 0 };
    for (let round = 0; round < 250; round++) {
      const root = fresh();
      const d = join(root, 'd');
      mkdirSync(join(d, 'sub'), { recursive: true });
      symlinkSync(chance(0.5) ? 'd' : d, join(root, 'dl'));
      const inputName = pick(['data.csv', 'r.json', 'r.labels.csv', 'r.html', 'R.json']);
      const input = join(d, inputName);
      const inputText = `a,b\n${round},2\n`;
      writeFileSync(input, inputText);
      // other names for the input: a symbolic link, a hard link, and a name in another case
      // that is a hard link (what a case-insensitive file system shows) or another file
      if (chance(0.4)) symlinkSync(chance(0.5) ? inputName : input, join(d, 'alias'));
      if (chance(0.3)) linkSync(input, join(d, 'hard'));
      const upper = inputName.toUpperCase();
      if (upper !== inputName && chance(0.5)) {
        if (chance(0.5)) linkSync(input, join(d, upper));
        else writeFileSync(join(d, upper), 'another file\n');
      }
      // files at the names a run may write: the user's, clusterlens's, or a link to another
      const ours = new Set<string>();
      for (const name of ['r.html', 'r.json', 'r.labels.csv', 'out.csv', 'R.HTML']) {
        const path = join(d, name);
        if (existsSync(path)) continue;
        if (name === 'r.json' && existsSync(join(d, 'r.html')) && chance(0.35)) {
          symlinkSync('r.html', path);
          continue;
        }
        const r = random.randomSample();
        if (r < 0.2) writeFileSync(path, 'the user wrote this\n');
        else if (r < 0.45) {
          const kind = name.toLowerCase().split('.').pop();
          const text =
            kind === 'html'
              ? `<html><meta name="clusterlens-run" content="${RUN}">`
              : kind === 'json'
                ? `{\n "clusterlensRun": "${RUN}"\n}\n`
                : 'id,c\n1,0\n';
          await writeOutput(resolveOutput(path, { record: kind === 'csv' }), text, RUN);
          const stat = statSync(path);
          ours.add(`${stat.dev}:${stat.ino}`);
        }
      }
      const name = pick([
        inputName,
        'alias',
        'hard',
        upper,
        'r.html',
        'r.html',
        'out.csv',
        'R.HTML',
        'n.csv',
      ]);
      const prefix = pick([d, join(root, 'dl'), join(d, 'sub', '..'), `${d}/.`]);
      const out = `${prefix}/${name}`;
      // a report's path ends in .html (its other files are named after it)
      const report = chance(0.5) && /\.html$/i.test(out);
      const force = chance(0.3);
      const base = out.replace(/\.html?$/i, '');
      const paths = report ? [out, `${base}.json`, `${base}.labels.csv`] : [out];
      if (paths.some((p) => lstatOrNull(p)?.isSymbolicLink() && !existsSync(p))) continue;

      // what writing these paths would do, found by doing it
      const reasons = new Set<string>();
      paths.forEach((p, i) => {
        if (writesInto(p, input)) reasons.add('input');
        for (const q of paths.slice(0, i)) if (writesInto(p, q)) reasons.add('same');
        if (!existsSync(p) || reasons.has('input')) return;
        const stat = statSync(p);
        if (!force && !ours.has(`${stat.dev}:${stat.ino}`)) reasons.add('user');
      });
      const rules = { inputs: [input], force };
      let error: unknown;
      let output: ReturnType<typeof resolveOutput> | undefined;
      try {
        if (report) checkReportOutputs(out, rules);
        else {
          output = resolveOutput(out, { record: true });
          checkOutputs([output], rules);
        }
      } catch (e) {
        error = e;
      }
      const context = `round ${round}: ${report ? 'report' : 'single'} --out ${out} (input ${inputName}, force ${force}), expected ${[...reasons]}`;
      if (reasons.size === 0) {
        expect(error, context).toBeUndefined();
        if (force && paths.some((p) => existsSync(p))) seen.forced++;
        if (output !== undefined) {
          // write it: the input stays as it was
          await writeOutput(output, 'new,content\n', OTHER_RUN, rules);
          expect(readFileSync(out, 'utf8'), context).toBe('new,content\n');
          expect(runIdOf(out), context).toBe(OTHER_RUN);
          seen.written++;
        }
      } else {
        expect(error, context).toBeInstanceOf(OptionError);
        const message = (error as Error).message;
        for (const reason of reasons) seen[reason as 'input' | 'same' | 'user']++;
        if (reasons.size === 1) {
          const [reason] = reasons;
          expect(message, context).toMatch(
            reason === 'input'
              ? /it is the input file/
              : reason === 'same'
                ? /it is the same file as/
                : /the file exists and clusterlens did not write it/,
          );
        }
      }
      expect(readFileSync(input, 'utf8'), context).toBe(inputText);
      expect(temporaries(d), context).toEqual([]);
    }
    // the generator reached every case
    expect(seen.input).toBeGreaterThan(20);
    expect(seen.user).toBeGreaterThan(10);
    expect(seen.same).toBeGreaterThan(3);
    expect(seen.written).toBeGreaterThan(20);
    expect(seen.forced).toBeGreaterThan(5);
  });
});

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
