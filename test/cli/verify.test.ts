/**
 * `clusterlens verify NAME.html`: every file of a report carries the run id of the run that wrote
 * it; verify names the files that disagree with the HTML (another run, missing, no run id) and
 * exits 1, or exits 0 for a consistent set. The mixed sets here are made by hand, as a kill inside
 * the final renames would leave them (test/report/kill.test.ts makes them by killing).
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { buildReport, type WrittenReport, writeReport } from '../../src/report/build.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-verify-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Reports of iris with k = 3 and k = 1 (no silhouette or profiles chart), in their folders. */
let three: WrittenReport;
let one: WrittenReport;
beforeAll(async () => {
  const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
  for (const sub of ['three', 'one', 'again', 'static']) mkdirSync(join(folder, sub));
  three = await writeReport(join(folder, 'three', 'r.html'), buildReport(iris, { k: 3 }));
  one = await writeReport(join(folder, 'one', 'r.html'), buildReport(iris, { k: 1 }));
}, 120_000);

let copies = 0;
/** A copy of a report folder (the hidden record of the labels CSV included). */
function copy(from: 'three' | 'one'): string {
  const to = join(folder, `copy-${copies++}`);
  cpSync(join(folder, from), to, { recursive: true });
  return to;
}

describe('clusterlens verify', () => {
  it('verify r.html of a consistent report lists every file as ok and exits 0', async () => {
    const dir = copy('three');
    const r = await cli(['verify', join(dir, 'r.html')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^file +run +status$/);
    const specs = readdirSync(join(dir, 'r.vl')).sort();
    expect(specs).toHaveLength(three.specs.length);
    expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual([
      join(dir, 'r.html'),
      join(dir, 'r.json'),
      join(dir, 'r.labels.csv'),
      ...specs.map((s) => join(dir, 'r.vl', s)),
    ]);
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(` ${three.run} +ok$`));
  });

  it('verify names the JSON of another run, exits 1 with one line', async () => {
    const dir = copy('three');
    copyFileSync(join(folder, 'one', 'r.json'), join(dir, 'r.json'));
    const r = await cli(['verify', join(dir, 'r.html')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`r\\.json +${one.run} +another run\\n`));
    expect(r.stderr).toBe(
      `clusterlens: error: ${join(dir, 'r.html')}: 1 of the report's files disagrees with its ` +
        `HTML (run ${three.run}): ${join(dir, 'r.json')} (run ${one.run}). Run the report again ` +
        'to rewrite them.\n',
    );
  });

  it('verify names labels of another run, an edited CSV, a missing JSON and a spec of another run', async () => {
    const dir = copy('one');
    // the labels and their record from the k = 3 run
    copyFileSync(join(folder, 'three', 'r.labels.csv'), join(dir, 'r.labels.csv'));
    copyFileSync(
      join(folder, 'three', '.r.labels.csv.clusterlens'),
      join(dir, '.r.labels.csv.clusterlens'),
    );
    // a spec the k = 1 report does not have
    copyFileSync(
      join(folder, 'three', 'r.vl', 'silhouette.vl.json'),
      join(dir, 'r.vl', 'silhouette.vl.json'),
    );
    rmSync(join(dir, 'r.json'));
    const r = await cli(['verify', join(dir, 'r.html')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`r\\.labels\\.csv +${three.run} +another run\\n`));
    expect(r.stdout).toMatch(/r\.json +- +missing\n/);
    expect(r.stdout).toMatch(new RegExp(`silhouette\\.vl\\.json +${three.run} +another run\\n`));
    expect(r.stderr).toMatch(/^clusterlens: error: .*3 of the report's files disagree/);
    expect(r.stdout.match(/ ok\n/g)).toHaveLength(1 + one.specs.length);

    appendFileSync(join(dir, 'r.labels.csv'), 'edited\n');
    const edited = await cli(['verify', join(dir, 'r.html')]);
    expect(edited.stdout).toMatch(
      /r\.labels\.csv +- +no run id \(its SHA-256 is not in its record: edited, or not from clusterlens\)\n/,
    );
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)(
    'verify names a FIFO in place of the JSON without waiting on it',
    async () => {
      const dir = copy('three');
      rmSync(join(dir, 'r.json'));
      expect(spawnSync('mkfifo', [join(dir, 'r.json')]).status).toBe(0);
      const r = await cli(['verify', join(dir, 'r.html')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/r\.json +- +no run id \(not written by clusterlens\)\n/);
    },
  );

  it('verify lists the temporary files of a killed run; they do not make the set disagree', async () => {
    const dir = copy('three');
    writeFileSync(join(dir, '.tmp-r.json-99999999-0123456789ab'), '{');
    writeFileSync(join(dir, 'r.vl', '.tmp-scree.vl.json-99999999-0123456789ab'), '{');
    const r = await cli(['verify', join(dir, 'r.html')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'temporary files of a killed run (the next report run removes them): ' +
        `${join(dir, '.tmp-r.json-99999999-0123456789ab')}, ` +
        `${join(dir, 'r.vl', '.tmp-scree.vl.json-99999999-0123456789ab')}\n`,
    );
  });

  it('verify of a file that is not a report, or of no file, exits 1 with one line', async () => {
    const page = join(folder, 'page.html');
    writeFileSync(page, '<!DOCTYPE html>\n<title>mine</title>\n');
    const r = await cli(['verify', page]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `clusterlens: error: ${page}: not a clusterlens report (no run id in its head: written ` +
        'by another program, or by a clusterlens without run ids).\n',
    );
    const none = await cli(['verify', join(folder, 'none.html')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/none\.html: no such file\./);
  });
});

describe('run ids of writeReport', () => {
  it('writeReport gives every file the run id: the same for a rewrite, another for --static', async () => {
    const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
    const report = buildReport(iris, { k: 3 });
    const again = await writeReport(join(folder, 'again', 'r.html'), report);
    expect(again.run).toBe(three.run);
    const html = readFileSync(again.html, 'utf8');
    expect(html.slice(0, 200)).toContain(`<meta name="clusterlens-run" content="${three.run}">`);
    expect(readFileSync(again.json, 'utf8').split('\n')[1]).toBe(
      ` "clusterlensRun": "${three.run}",`,
    );
    for (const spec of again.specs) {
      expect(JSON.parse(readFileSync(spec, 'utf8')).usermeta).toEqual({
        clusterlensRun: three.run,
      });
    }
    const fixed = await writeReport(join(folder, 'static', 'r.html'), report, { static: true });
    expect(fixed.run).not.toBe(three.run);
  }, 120_000);
});
