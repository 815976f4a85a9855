import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readChunks } from '../../src/data/chunks.js';
import { loadTable, formatOf, loadDataset } from '../../src/data/load.js';
import type { LoadOptions } from '../../src/data/load.js';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { lz4FrameDecompress } from '../../src/data/lz4.js';
import { DataError } from '../../src/util/errors.js';
import { collectingLogger, setLogger } from '../../src/util/log.js';

// Files written by pyarrow from one table (test/fixtures/columnar/make_columnar.py; DuckDB's from
// its CSV: make_duckdb.py), with the CSV
// pandas writes for it: each must load to exactly the CSV's features, labels and left-out columns.
const dir = 'test/fixtures/columnar';
const COLUMNAR = [
  'iris-snappy.parquet',
  'iris-zstd.parquet',
  'iris-gzip.parquet',
  'iris-brotli.parquet',
  'iris-none.parquet',
  'iris.arrow',
  'iris-stream.ipc',
  'iris-lz4.feather',
  'iris-zstd.feather',
  // written by DuckDB 1.5.6 from the CSV (make_duckdb.py)
  'iris-duckdb-snappy.parquet',
  'iris-duckdb-zstd.parquet',
  'iris-duckdb.arrow',
];

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-columnar-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const logger = collectingLogger();
  const previous = setLogger(logger);
  try {
    return { value: await fn(), warnings: logger.messages };
  } finally {
    setLogger(previous);
  }
}

describe('Parquet and Arrow files', () => {
  it('formatOf chooses parquet and arrow by extension', () => {
    expect(
      ['a.parquet', 'a.PARQ', 'a.arrow', 'a.feather', 'a.ipc', 'a.arrows'].map(formatOf),
    ).toEqual(['parquet', 'parquet', 'arrow', 'arrow', 'arrow', 'arrow']);
  });

  for (const missing of ['drop', 'mean', 'median'] as const) {
    it(`every compression and layout loads to the CSV's features (missing: ${missing})`, async () => {
      const options: LoadOptions = { label: 'species', missing };
      const csv = (await quietly(() => loadDataset(`${dir}/iris-columnar.csv`, options))).value;
      expect(csv.columns).toEqual([
        'sepal_length',
        'sepal_width',
        'petal_length',
        'petal_width',
        'count',
        'flowers',
        'price',
        'leaves',
      ]);
      expect(csv.features.rows).toBe(missing === 'drop' ? 144 : 150);
      for (const name of COLUMNAR) {
        const { value: d, warnings } = await quietly(() => loadDataset(`${dir}/${name}`, options));
        expect(d.columns, name).toEqual(csv.columns);
        expect(d.features.rows, name).toBe(csv.features.rows);
        // bit for bit, -0 and all
        expect(Array.from(d.features.data), name).toEqual(Array.from(csv.features.data));
        expect(d.labels, name).toEqual(csv.labels);
        expect(d.source.rowsRead, name).toBe(150);
        expect(d.source.rowsDropped, name).toBe(csv.source.rowsDropped);
        expect(d.source.valuesImputed, name).toBe(csv.source.valuesImputed);
        expect(d.source.format, name).toBe(name.endsWith('.parquet') ? 'parquet' : 'arrow');
        expect(
          d.source.leftOut.map((c) => c.column),
          name,
        ).toEqual(['measured', 'in_bloom']);
        expect(d.source.leftOut[0]!.reason).toBe(
          "not numeric (timestamp; row 1: '2024-05-01T00:00:00.000Z')",
        );
        expect(d.source.leftOut[1]!.reason).toBe("not numeric (boolean; row 1: 'true')");
        expect(warnings.length, name).toBe(2);
        expect(d.source.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    });
  }

  it('the dictionary (categorical) species column is text: left out with a warning unless named', async () => {
    for (const name of ['iris-snappy.parquet', 'iris.arrow']) {
      const { value: d, warnings } = await quietly(() =>
        loadDataset(`${dir}/${name}`, { missing: 'drop' }),
      );
      expect(d.source.leftOut.map((c) => c.column)).toEqual(['species', 'measured', 'in_bloom']);
      expect(warnings[0]).toContain("column 'species' is not numeric");
      const id = (
        await quietly(() =>
          loadDataset(`${dir}/${name}`, { missing: 'drop', id: 'measured', label: 'in_bloom' }),
        )
      ).value;
      expect(id.ids?.[0]).toBe('2024-05-01T00:00:00.000Z');
      expect(id.labels?.slice(0, 2)).toEqual(['true', 'false']);
    }
  });

  it('a null in a feature is an error naming the file, the row group or batch, the row and the column', async () => {
    const cases: [string, string][] = [
      ['iris-snappy.parquet', 'row group 1, row 4'],
      ['iris.arrow', 'record batch 1, row 4'],
      ['iris-stream.ipc', 'record batch 1, row 4'],
    ];
    for (const [name, where] of cases) {
      const error = await quietly(() =>
        loadDataset(`${dir}/${name}`, { label: 'species', exclude: ['measured', 'in_bloom'] }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).message).toBe(
        `${dir}/${name}, ${where}, column 'sepal_width': missing value (null) in a feature ` +
          "column. Use {missing: 'drop' | 'mean' | 'median'} to drop the rows or impute the " +
          "values, or leave the column out with the 'exclude' option.",
      );
    }
    // rows 122 (sepal_length) is in the fourth row group of 40 rows and the third batch of 50
    const late = await quietly(() =>
      loadDataset(`${dir}/iris-snappy.parquet`, {
        label: 'species',
        features: ['sepal_length'],
      }),
    ).catch((e: unknown) => e);
    expect((late as DataError).message).toMatch(
      /^\S+, row group 4, row 122, column 'sepal_length'/,
    );
  });

  it('a feature named in features that is not numeric is an error naming its type', async () => {
    const error = await loadDataset(`${dir}/iris-zstd.parquet`, {
      features: ['in_bloom'],
    }).catch((e: unknown) => e);
    expect((error as DataError).message).toBe(
      `${dir}/iris-zstd.parquet, row group 1, row 1, column 'in_bloom': column 'in_bloom' is ` +
        "named in features but holds boolean values ('true'), not numbers. Leave the column out " +
        'of features.',
    );
  });

  it('int64 beyond 2^53: a warning names the column and the first value, rounded', async () => {
    for (const name of ['int64-big.parquet', 'int64-big.feather']) {
      const { value: d, warnings } = await quietly(() =>
        loadDataset(`${dir}/${name}`, { features: ['x', 'big'] }),
      );
      expect(Array.from(d.features.data)).toEqual([1, 1, 2, 2 ** 53, 3, 3]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        "row 2, column 'big': the 64-bit integer 9007199254740993 is beyond 2^53",
      );
      // as the id it is text, exact
      const ids = (await quietly(() => loadDataset(`${dir}/${name}`, { id: 'big' }))).value;
      expect(ids.ids).toEqual(['1', '9007199254740993', '3']);
    }
  });

  it('inspect sees the columns: types, roles, missing counts', async () => {
    const table = (await quietly(() => loadTable(`${dir}/iris-brotli.parquet`, {}, true))).value;
    expect(table.columns.map((c) => [c.name, c.role, c.type, c.missing])).toEqual([
      ['sepal_length', 'feature', 'number', 1],
      ['sepal_width', 'feature', 'number', 1],
      ['petal_length', 'feature', 'number', 2],
      ['petal_width', 'feature', 'number', 1],
      ['count', 'feature', 'number', 1],
      ['flowers', 'feature', 'number', 0],
      ['price', 'feature', 'number', 0],
      ['leaves', 'feature', 'number', 0],
      ['species', 'left out', 'text', 0],
      ['measured', 'left out', 'text', 0],
      ['in_bloom', 'left out', 'text', 0],
    ]);
  });

  it('Arrow written by apache-arrow: NaN is missing, an infinite feature is an error naming its row', async () => {
    const path = join(folder, 'inf.arrow');
    const table = tableFromArrays({
      x: new Float64Array([1, Number.NaN, 3, 4]),
      y: new Float64Array([1, 2, Number.POSITIVE_INFINITY, 4]),
    });
    writeFileSync(path, tableToIPC(table, 'file'));
    const d = await quietly(() => loadDataset(path, { features: ['x'], missing: 'drop' }));
    expect(Array.from(d.value.features.data)).toEqual([1, 3, 4]);
    await expect(loadDataset(path, { missing: 'drop' })).rejects.toThrow(
      `${path}, record batch 1, row 3, column 'y': the value is Infinity; features must be finite numbers.`,
    );
    const stream = join(folder, 'inf.arrows');
    writeFileSync(stream, tableToIPC(table, 'stream'));
    const s = await quietly(() => loadDataset(stream, { features: ['x'], missing: 'mean' }));
    expect(Array.from(s.value.features.data)).toEqual([1, 8 / 3, 3, 4]);
  });

  it("pandas' index (the 'pandas' metadata) is read as the row ids, in Parquet and Arrow, whole or in chunks", async () => {
    for (const name of ['cars-pandas-index.parquet', 'cars-pandas-index.feather']) {
      const { value: d, warnings } = await quietly(() => loadDataset(`${dir}/${name}`));
      expect(warnings).toEqual([]);
      expect(d.columns).toEqual(['mpg', 'hp']);
      expect(d.idColumn).toBe('__index_level_0__');
      expect(d.ids).toEqual(['Mazda RX4', 'Datsun 710', 'Hornet 4 Drive', 'Hornet Sportabout']);
      expect(Array.from(d.features.data)).toEqual([21, 110, 22.8, 93, 21.4, 110, 18.7, 175]);
      const ids: string[] = [];
      for await (const chunk of await readChunks(`${dir}/${name}`, { chunkRows: 3 })) {
        ids.push(...chunk.ids!);
      }
      expect(ids).toEqual(d.ids);
    }
  });

  it('a file that is not Parquet or Arrow is a DataError naming it', async () => {
    const path = join(folder, 'fake.parquet');
    writeFileSync(path, 'x,y\n1,2\n');
    await expect(loadDataset(path)).rejects.toThrow(/fake\.parquet: not a Parquet file/);
    const arrow = join(folder, 'fake.feather');
    writeFileSync(arrow, 'x,y\n1,2\n');
    await expect(loadDataset(arrow)).rejects.toThrow(/fake\.feather: not an Arrow IPC file/);
    await expect(loadDataset(join(folder, 'none.parquet'))).rejects.toThrow(/no such file/);
  });

  it('the CSV options are refused for columnar files', async () => {
    await expect(
      loadDataset(`${dir}/iris.arrow`, { delimiter: ';', label: 'species' }),
    ).rejects.toThrow('is read as Arrow, whose numbers need neither');
  });
});

describe('lz4FrameDecompress', () => {
  it('decodes a hand-made frame: literals, an overlapping match, an uncompressed block', () => {
    // 'abcabcabcabcX': 3 literals 'abc', a match of 9 at offset 3, then the last literal 'X'
    const block = [0x35, 97, 98, 99, 3, 0, 0x10, 88];
    const frame = [
      0x04,
      0x22,
      0x4d,
      0x18, // magic
      0x60,
      0x40,
      0x82, // FLG (version 1, independent blocks), BD (64 KiB), header checksum
      block.length,
      0,
      0,
      0,
      ...block,
      0x02,
      0,
      0,
      0x80,
      89,
      90, // an uncompressed block 'YZ'
      0,
      0,
      0,
      0, // end mark
    ];
    const out = lz4FrameDecompress(new Uint8Array(frame));
    expect(Buffer.from(out).toString('latin1')).toBe('abcabcabcabcXYZ');
    expect(() => lz4FrameDecompress(new Uint8Array([1, 2, 3, 4, 5]))).toThrow('not an LZ4 frame');
  });
});
