import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inspection } from '../../src/cli/inspect.js';
import { cli } from './helpers.js';

// pandas describe() of datasets/penguins.csv: test/fixtures/cli/make_inspect.py.
const reference = JSON.parse(
  readFileSync(new URL('../fixtures/cli/inspect_penguins.json', import.meta.url), 'utf8'),
) as {
  rows: number;
  missing: Record<string, number>;
  stats: Record<string, { count: number; mean: number; std: number; min: number; max: number }>;
  classes: Record<string, number>;
};

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-inspect-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('clusterlens inspect', () => {
  it('inspect penguins --json matches pandas describe() (std with n-1) to 1e-12', async () => {
    const r = await cli([
      'inspect',
      'datasets/penguins.csv',
      '--label',
      'species',
      '--json',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const x = JSON.parse(r.stdout) as Inspection;
    expect(x.rows).toBe(reference.rows);
    for (const c of x.columns) {
      expect(c.missing, c.name).toBe(reference.missing[c.name]);
      const want = reference.stats[c.name];
      if (want === undefined) {
        expect(c.stats).toBeUndefined();
        continue;
      }
      expect(c.role).toBe('feature');
      expect(c.stats!.count).toBe(want.count);
      for (const k of ['mean', 'std', 'min', 'max'] as const) {
        expect(Math.abs(c.stats![k] - want[k]), `${c.name} ${k}`).toBeLessThanOrEqual(
          1e-12 * Math.abs(want[k]),
        );
      }
    }
    expect(x.columns.find((c) => c.name === 'species')!.classes).toEqual(reference.classes);
    expect(x.columns.map((c) => [c.name, c.role, c.type])).toEqual([
      ['species', 'label', 'text'],
      ['island', 'left out', 'text'],
      ['bill_length_mm', 'feature', 'number'],
      ['bill_depth_mm', 'feature', 'number'],
      ['flipper_length_mm', 'feature', 'number'],
      ['body_mass_g', 'feature', 'number'],
      ['sex', 'left out', 'text'],
    ]);
  });

  it('inspect penguins prints a table and warns about the text columns', async () => {
    const r = await cli(['inspect', 'datasets/penguins.csv', '--label', 'species']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('datasets/penguins.csv: csv, 342 rows, 7 columns');
    expect(lines).toContain(
      'column             role      type    missing     mean      std   min   max',
    );
    expect(lines).toContain(
      'bill_length_mm     feature   number        0  43.9219  5.45958  32.1  59.6',
    );
    expect(lines).toContain("label 'species': 3 classes (Adelie 151, Chinstrap 68, Gentoo 123)");
    expect(r.stderr.split('\n').filter((l) => l.startsWith('clusterlens: warning:'))).toHaveLength(
      2,
    );
  });

  it('inspect --exclude silences the warnings; --quiet too', async () => {
    const r = await cli([
      'inspect',
      'datasets/penguins.csv',
      '--label',
      'species',
      '--exclude',
      'island,sex',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect((await cli(['inspect', 'datasets/penguins.csv', '-q'])).stderr).toBe('');
  });

  it('inspect shows missing values without stopping, and applies --missing when given', async () => {
    const path = join(folder, 'm.csv');
    writeFileSync(path, 'a,b\n1,2\nNA,4\n3,\n');
    const shown = await cli(['inspect', path, '--json']);
    expect(shown.code).toBe(0);
    const x = JSON.parse(shown.stdout) as Inspection;
    expect(x.columns.map((c) => [c.missing, c.stats?.count, c.stats?.mean])).toEqual([
      [1, 2, 2],
      [1, 2, 3],
    ]);
    const failed = await cli(['inspect', path, '--missing', 'error']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `clusterlens: error: ${path}, line 3, column 'a': missing value ('NA') in a feature column. Use missing 'drop', 'mean' or 'median' (--missing drop|mean|median) to drop the rows or impute the values, or leave the column out with exclude (--exclude).\n`,
    );
    const dropped = JSON.parse(
      (await cli(['inspect', path, '--missing', 'drop', '--json'])).stdout,
    ) as Inspection;
    expect([dropped.rowsRead, dropped.rows, dropped.rowsDropped]).toEqual([3, 1, 2]);
  });

  it('inspect --json counts label classes named like Object.prototype members', async () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    const path = join(folder, 'prototype.csv');
    const rows = Array.from({ length: 12 }, (_, i) => `${i},${names[i % 5]}`);
    writeFileSync(path, `x,__proto__\n${rows.join('\n')}\n`);
    const r = await cli(['inspect', path, '--label', '__proto__', '--json']);
    expect(r.code).toBe(0);
    const x = JSON.parse(r.stdout) as Inspection;
    const label = x.columns.find((c) => c.name === '__proto__')!;
    expect(Object.entries(label.classes!)).toEqual([
      ['__proto__', 2],
      ['constructor', 3],
      ['hasOwnProperty', 2],
      ['toString', 3],
      ['valueOf', 2],
    ]);
    const table = await cli(['inspect', path, '--label', '__proto__']);
    expect(table.stdout).toContain(
      "label '__proto__': 5 classes (__proto__ 2, constructor 3, hasOwnProperty 2, toString 3, valueOf 2)",
    );
  });

  it('inspect of a broken file exits 1 with one line naming the line and column', async () => {
    const path = join(folder, 'broken.csv');
    writeFileSync(path, '\ufeffa,b\r\n1,"x, y"\r\n2\r\n');
    const r = await cli(['inspect', path]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `clusterlens: error: ${path}, line 3, column 'b': this row has 1 field, but the header has 2. Add the missing fields (an empty field is a missing value). The fields are split at ','; if the file uses another delimiter, give it (the delimiter option, --delimiter).\n`,
    });
  });
});

describe('clusterlens datasets', () => {
  it('datasets lists iris, wine and penguins with their rows and label columns', async () => {
    const r = await cli(['datasets', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      name: string;
      rows: number;
      features: string[];
      label: string;
    }[];
    expect(list.map((d) => [d.name, d.rows, d.features.length, d.label])).toEqual([
      ['iris', 150, 4, 'species'],
      ['wine', 178, 13, 'cultivar'],
      ['penguins', 342, 4, 'species'],
    ]);
    const table = await cli(['datasets']);
    expect(table.stdout).toContain('penguins   342         4  species');
  });
});
