import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inspection } from '../../src/cli/inspect.js';
import { loadDataset } from '../../src/data/load.js';
import { buildReport } from '../../src/report/build.js';
import { cli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-cli-dialect-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const fixture = (name: string) => new URL(`../fixtures/load/${name}`, import.meta.url).pathname;

describe('--delimiter and --decimal, and what the loader noted', () => {
  it("inspect of R's write.csv2 file: the dialect and the row names it found, then the columns", async () => {
    const path = fixture('faithful-csv2.csv');
    const r = await cli(['inspect', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${path}: csv, 272 rows, 3 columns`);
    expect(lines[2]).toMatch(
      /^delimiter ';' \(detected: 3 fields .*\), decimal mark ',' \(detected/,
    );
    expect(lines[3]).toMatch(
      /^column 'unnamed_1' \(no name in the header\) holds distinct row names/,
    );
    expect(r.stdout).toMatch(/\nunnamed_1 +id +text/);
    expect(r.stdout).toContain("\nid: 'unnamed_1': row names: distinct row numbers\n");
    const x = JSON.parse((await cli(['inspect', path, '--json'])).stdout) as Inspection;
    expect([x.delimiter, x.decimal, x.notes.length]).toEqual([';', ',', 2]);
    expect(x.columns.map((c) => [c.name, c.role])).toEqual([
      ['unnamed_1', 'id'],
      ['eruptions', 'feature'],
      ['waiting', 'feature'],
    ]);
  });

  it('--delimiter and --decimal are given to every command that loads a file', async () => {
    const path = join(folder, 'eu.txt');
    writeFileSync(path, 'a|b|c\n1,5|2|x\n2,5|4|y\n3,25|1|z\n4,0|3|w\n');
    const given = ['--delimiter', '|', '--decimal', ',', '--exclude', 'c', '-q'];
    const shown = JSON.parse(
      (await cli(['inspect', path, '--json', ...given])).stdout,
    ) as Inspection;
    expect(shown.columns.find((c) => c.name === 'a')!.stats!.mean).toBe(2.8125);
    expect(shown.notes[0]).toBe("delimiter '|' (given), decimal mark ',' (given)");
    for (const command of [
      ['kmeans', '--k', '2'],
      ['hclust', '--k', '2'],
      ['pca'],
      ['report', '--k', '2', '--out', join(folder, 'eu.html')],
    ]) {
      const r = await cli([command[0]!, path, ...command.slice(1), ...given]);
      expect(r.code, `${command[0]}: ${r.stderr}`).toBe(0);
    }
    // Without the flags, '|' is found but the comma stays text: the warning says what to give.
    const plain = await cli(['inspect', path, '--exclude', 'c']);
    expect(plain.stderr).toContain("If ',' is its decimal mark, give --decimal ','.");
  });

  it("--delimiter tab (or '\\t') reads a tab-separated .csv file; a wrong value exits 1", async () => {
    const path = join(folder, 'tabs.csv');
    writeFileSync(path, 'a\tb\n1\t2\n3\t4\n');
    for (const value of ['tab', '\\t', '\t', 'auto']) {
      const r = await cli(['inspect', path, '--json', '--delimiter', value]);
      expect((JSON.parse(r.stdout) as Inspection).delimiter, value).toBe('\t');
    }
    const wrong = await cli(['inspect', path, '--delimiter', ';;']);
    expect(wrong).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `clusterlens: error: --delimiter must be one character (not '"'), 'tab' or 'auto'. ` +
        `Got ";;" instead.\n`,
    });
    const decimal = await cli(['inspect', path, '--decimal', ';']);
    expect(decimal.code).toBe(1);
    expect(decimal.stderr).toMatch(/option '--decimal <mark>' argument ';' is invalid/);
    const json = join(folder, 'd.json');
    writeFileSync(json, '[{"a": 1}, {"a": 2}]');
    const refused = await cli(['inspect', json, '--decimal', ',']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The decimal mark (--decimal) is for CSV and TSV files');
  });

  it("the report's preprocessing log shows the dialect and the row names", async () => {
    const dataset = await loadDataset(fixture('faithful-csv2.csv'));
    const report = buildReport(dataset, { k: 2 });
    const data = report.document.sections.find((s) => s.id === 'data')!;
    const log = data.blocks.find(
      (b) => b.kind === 'table' && (b as { head: readonly string[] }).head[0] === 'step',
    ) as unknown as { rows: string[][] };
    expect(log.rows[0]).toEqual(['load', 'CSV, 272 rows read']);
    expect(log.rows[1]![1]).toMatch(/^delimiter ';' \(detected/);
    expect(log.rows[2]![1]).toMatch(/^column 'unnamed_1' .* it is the row id, not a feature/);
    const summary = data.blocks[0] as unknown as { rows: string[][] };
    expect(summary.rows.find((r) => r[0] === 'features')![1]).toBe('2: eruptions, waiting');
    expect(summary.rows.find((r) => r[0] === 'row ids')![1]).toBe('unnamed_1');
  });
});
