import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOf, loadDataset } from '../../src/data/load.js';
import { OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-load-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('loadDataset(path, options)', () => {
  it('formatOf(path) chooses the loader by extension', () => {
    expect(
      ['a.csv', 'a.TSV', 'a.tab', 'a.json', 'a.ndjson', 'a.jsonl', 'a.txt'].map(formatOf),
    ).toEqual(['csv', 'tsv', 'tsv', 'json', 'ndjson', 'ndjson', 'csv']);
  });

  it('loadDataset(path) reads the same table from CSV, TSV, JSON and NDJSON', async () => {
    const files = {
      'd.csv': 'x,y,k\n1,2,a\n3,4,b\n',
      'd.tsv': 'x\ty\tk\n1\t2\ta\n3\t4\tb\n',
      'd.json': '[{"x":1,"y":2,"k":"a"},{"x":3,"y":4,"k":"b"}]',
      'd.ndjson': '{"x":1,"y":2,"k":"a"}\n{"x":3,"y":4,"k":"b"}\n',
    };
    for (const [name, text] of Object.entries(files)) {
      const path = join(folder, name);
      writeFileSync(path, text);
      const d = await loadDataset(path, { label: 'k' });
      expect(Array.from(d.features.data), name).toEqual([1, 2, 3, 4]);
      expect(d.labels, name).toEqual(['a', 'b']);
      expect(d.source.format).toBe(name.split('.')[1]);
    }
  });

  it("loadDataset('datasets/penguins.csv', {label: 'species'}) leaves island and sex out with warnings", async () => {
    const { setLogger, collectingLogger } = await import('../../src/util/log.js');
    const logger = collectingLogger();
    const previous = setLogger(logger);
    try {
      const d = await loadDataset('datasets/penguins.csv', { label: 'species' });
      expect(d.columns).toEqual([
        'bill_length_mm',
        'bill_depth_mm',
        'flipper_length_mm',
        'body_mass_g',
      ]);
      expect(d.features.rows).toBe(342);
      expect(d.source.leftOut.map((l) => l.column)).toEqual(['island', 'sex']);
      expect(logger.messages).toHaveLength(2);
    } finally {
      setLogger(previous);
    }
  });

  it('loadDataset(path) rejects an unknown option and an unknown format', async () => {
    // @ts-expect-error: typo of label
    await expect(loadDataset('datasets/iris.csv', { lable: 'species' })).rejects.toThrow(
      OptionError,
    );
    // @ts-expect-error: not a format
    await expect(loadDataset('datasets/iris.csv', { format: 'xlsx' })).rejects.toThrow(
      "The 'format' option of loadDataset must be one of 'csv', 'tsv', 'json', 'ndjson', 'parquet', 'arrow'. Got 'xlsx' instead.",
    );
    expect(withCollectedWarnings(() => 0).warnings).toEqual([]);
  });
});
