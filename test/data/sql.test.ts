import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readChunks } from '../../src/data/chunks.js';
import type { Dataset } from '../../src/data/dataset.js';
import { type LoadOptions, loadDataset } from '../../src/data/load.js';
import { loadSample } from '../../src/data/sample.js';
import { loadSql, readSqlChunks, setDuckDBImport, sqlSourceName } from '../../src/data/sql.js';
import { DataError, OptionError } from '../../src/util/errors.js';
import { collectingLogger, setLogger } from '../../src/util/log.js';

const dir = 'test/fixtures/columnar';

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const logger = collectingLogger();
  const previous = setLogger(logger);
  try {
    return { value: await fn(), warnings: logger.messages };
  } finally {
    setLogger(previous);
  }
}

async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** The features, labels and columns of two datasets are the same, bit for bit. */
function expectSame(d: Dataset, e: Dataset, what: string): void {
  expect(d.columns, what).toEqual(e.columns);
  expect(d.features.rows, what).toBe(e.features.rows);
  expect(Array.from(d.features.data), what).toEqual(Array.from(e.features.data));
  expect(d.labels, what).toEqual(e.labels);
  expect(d.ids, what).toEqual(e.ids);
  expect(d.source.rowsRead, what).toBe(e.source.rowsRead);
  expect(d.source.rowsDropped, what).toBe(e.source.rowsDropped);
  expect(d.source.valuesImputed, what).toBe(e.source.valuesImputed);
  expect(
    d.source.leftOut.map((c) => c.column),
    what,
  ).toEqual(e.source.leftOut.map((c) => c.column));
}

/** The chunks of a table joined, with their sizes. */
async function joined(table: AsyncIterable<{ rows: number; cols: number; data: Float64Array }>) {
  const values: number[] = [];
  const sizes: number[] = [];
  for await (const chunk of table) {
    sizes.push(chunk.rows);
    for (const v of chunk.data) values.push(v);
  }
  return { values, sizes };
}

afterEach(() => setDuckDBImport(undefined));

describe('loadSql and readSqlChunks: a DuckDB query as a source', () => {
  it("SELECT * FROM read_csv('iris.csv') gives loadDataset's features, labels and source counts", async () => {
    const sql = "SELECT * FROM read_csv('datasets/iris.csv')";
    const file = await loadDataset('datasets/iris.csv', { label: 'species' });
    const d = await loadSql(sql, { label: 'species' });
    expectSame(d, file, 'iris');
    expect(d.features.rows).toBe(150);
    expect(d.source.format).toBe('sql');
    expect(d.source.path).toBe(`sql:${sql}`);
    expect(d.source.sha256).toBe(createHash('sha256').update(sql).digest('hex'));
    // and in chunks
    const t = await readSqlChunks(sql, { label: 'species', chunkRows: 64 });
    expect(t.columns).toEqual(file.columns);
    expect(t.labelColumn).toBe('species');
    const labels: string[] = [];
    const sizes: number[] = [];
    const values: number[] = [];
    for await (const chunk of t) {
      sizes.push(chunk.rows);
      labels.push(...chunk.labels!);
      values.push(...chunk.data);
    }
    expect(sizes).toEqual([64, 64, 22]);
    expect(labels).toEqual(file.labels);
    expect(values).toEqual(Array.from(file.features.data));
    expect(t.source.rowsRead).toBe(150);
  });

  for (const missing of ['drop', 'mean', 'median'] as const) {
    it(`a Parquet file through read_parquet and the same CSV through read_csv load as loadDataset (missing: ${missing})`, async () => {
      const options: LoadOptions = { label: 'species', missing };
      const csv = (await quietly(() => loadDataset(`${dir}/iris-columnar.csv`, options))).value;
      for (const name of ['iris-zstd.parquet', 'iris-duckdb-snappy.parquet']) {
        const parquet = (await quietly(() => loadDataset(`${dir}/${name}`, options))).value;
        const sql = `SELECT * FROM read_parquet('${dir}/${name}')`;
        const { value: d, warnings } = await quietly(() => loadSql(sql, options));
        expectSame(d, parquet, name);
        expectSame(d, csv, name);
        // the timestamp and boolean columns are left out as text, as the Parquet loader says
        expect(d.source.leftOut).toEqual(parquet.source.leftOut);
        expect(warnings).toHaveLength(2);
        // the sample of the query's chunks is that of the file's
        const a = await quietly(() => readSqlChunks(sql, options));
        const sample = (await quietly(() => loadSample(a.value, 20, { seed: 5 }))).value;
        const b = (await quietly(() => loadSample(`${dir}/${name}`, 20, { ...options, seed: 5 })))
          .value;
        expectSame(sample, b, `${name} sample`);
        expect(sample.source.sample).toEqual(b.source.sample);
      }
      // the CSV read by DuckDB
      const { value: d } = await quietly(() =>
        loadSql(`SELECT * FROM read_csv('${dir}/iris-columnar.csv')`, options),
      );
      expectSame(d, csv, 'read_csv');
    });
  }

  it('a result of 5,000 rows streams over several DuckDB chunks of 2,048 rows: chunks of chunkRows, again() runs it again', async () => {
    const sql = 'SELECT i, i * 0.5 AS x, i % 7 AS r FROM range(5000) t(i)';
    const t = await readSqlChunks(sql, { id: 'i', chunkRows: 3000 });
    expect(t.columns).toEqual(['x', 'r']);
    const firstRows: number[] = [];
    const ids: string[] = [];
    const values: number[] = [];
    for await (const chunk of t) {
      firstRows.push(chunk.firstRow);
      ids.push(...chunk.ids!);
      values.push(...chunk.data);
    }
    expect(firstRows).toEqual([0, 3000]);
    expect(ids.length).toBe(5000);
    expect(ids[4999]).toBe('4999');
    for (let i = 0; i < 5000; i++) {
      if (values[2 * i] !== i * 0.5 || values[2 * i + 1] !== i % 7) {
        throw new Error(`row ${i}: ${values[2 * i]}, ${values[2 * i + 1]}`);
      }
    }
    expect(t.source.rowsRead).toBe(5000);
    // a smaller probe and chunk: the same values
    const small = await joined(
      await readSqlChunks(sql, { id: 'i', chunkRows: 1000, probeRows: 100 }),
    );
    expect(small.sizes).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(small.values).toEqual(values);
    // a second pass
    const again = await joined(await t.again());
    expect(again.sizes).toEqual([3000, 2000]);
    expect(again.values).toEqual(values);
  });

  it('NULL is a missing value: the policy error names the chunk, row and column; drop and mean as loadDataset', async () => {
    // rows 0..9; x is NULL where i % 4 = 3 (rows 3 and 7), y = 2i
    const sql =
      'SELECT CASE WHEN i % 4 = 3 THEN NULL ELSE i * 1.0 END AS x, 2.0 * i AS y FROM range(10) t(i)';
    const error = await thrown(() => loadSql(sql));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).part).toBe('chunk 1');
    expect((error as DataError).row).toBe(4);
    expect((error as DataError).column).toBe('x');
    expect(error.message).toContain(sqlSourceName(sql));
    const chunked = await thrown(async () => joined(await readSqlChunks(sql, { probeRows: 2 })));
    expect(chunked).toBeInstanceOf(DataError);
    expect((chunked as DataError).row).toBe(4);

    const drop = await loadSql(sql, { missing: 'drop' });
    expect(drop.features.rows).toBe(8);
    expect(drop.source.rowsDropped).toBe(2);
    expect(Array.from(drop.features.data)).toEqual([
      0, 0, 1, 2, 2, 4, 4, 8, 5, 10, 6, 12, 8, 16, 9, 18,
    ]);
    // mean of x over the 8 values: (0+1+2+4+5+6+8+9)/8 = 35/8
    const mean = await loadSql(sql, { missing: 'mean' });
    expect(mean.features.rows).toBe(10);
    expect(mean.source.valuesImputed).toBe(2);
    expect(mean.features.data[3 * 2]).toBe(35 / 8);
    expect(mean.features.data[7 * 2]).toBe(35 / 8);
    // in chunks, 'mean' keeps NaN for the consumer; 'drop' drops the rows of each chunk
    const keep = await joined(await readSqlChunks(sql, { missing: 'mean', chunkRows: 4 }));
    expect(keep.sizes).toEqual([4, 4, 2]);
    expect(Number.isNaN(keep.values[6]!)).toBe(true);
    const dropped = await joined(await readSqlChunks(sql, { missing: 'drop', chunkRows: 4 }));
    expect(dropped.values).toEqual(Array.from(drop.features.data));
  });

  it('types: integers of every width, decimals and floats are numbers; text, dates and booleans are left out or kept as text', async () => {
    const sql =
      "SELECT 1::TINYINT AS a, 2::UBIGINT AS b, 3.25::DECIMAL(10,2) AS c, 0.5::FLOAT AS d, 12345678901234567890::HUGEINT AS e, 'x' AS s, DATE '2024-05-01' AS day, TIMESTAMP '2024-05-01 01:02:03' AS ts, true AS flag";
    const { value: d, warnings } = await quietly(() => loadSql(sql, { id: 'ts', label: 'day' }));
    expect(d.columns).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Array.from(d.features.data)).toEqual([1, 2, 3.25, 0.5, Number(12345678901234567890n)]);
    expect(d.ids).toEqual(['2024-05-01T01:02:03.000Z']);
    expect(d.labels).toEqual(['2024-05-01T00:00:00.000Z']);
    expect(d.source.leftOut).toEqual([
      { column: 's', reason: "not numeric (text; row 1: 'x')" },
      { column: 'flag', reason: "not numeric (boolean; row 1: 'true')" },
    ]);
    // the two columns left out, and the HUGEINT beyond 2^53
    expect(warnings).toHaveLength(3);
    expect(warnings.some((w) => w.includes("column 'e'") && w.includes('2^53'))).toBe(true);
  });

  it('an error of DuckDB is a DataError on one line that names the query', async () => {
    for (const sql of [
      'SELEC 1',
      "SELECT * FROM read_csv('test/fixtures/no-such-file.csv')",
      'SELECT *\nFROM no_such_table',
    ]) {
      const error = await thrown(() => loadSql(sql));
      expect(error, sql).toBeInstanceOf(DataError);
      expect(error.message, sql).not.toContain('\n');
      expect(error.message.startsWith(`${sqlSourceName(sql)}: the query failed: `), sql).toBe(true);
      const chunked = await thrown(() => readSqlChunks(sql));
      expect(chunked.message).toBe(error.message);
    }
    // a result without rows
    const empty = await thrown(() => loadSql('SELECT 1.0 AS a WHERE false'));
    expect(empty.message).toBe('sql:SELECT 1.0 AS a WHERE false: the query returned no rows.');
    // an error while the rows stream: a failed conversion further down
    const late = await thrown(async () =>
      joined(
        await readSqlChunks(
          "SELECT CASE WHEN i < 4000 THEN '1' ELSE 'x' END::INTEGER AS v FROM range(5000) t(i)",
        ),
      ),
    );
    expect(late).toBeInstanceOf(DataError);
    expect(late.message).not.toContain('\n');
    expect(late.message).toContain('the query failed: Conversion Error');
  });

  it('the options are checked: unknown ones, CSV options, an empty query', async () => {
    const sql = 'SELECT 1 AS a';
    await expect(loadSql(sql, { delimiter: ';' } as never)).rejects.toThrow(OptionError);
    await expect(readSqlChunks(sql, { format: 'csv' } as never)).rejects.toThrow(OptionError);
    await expect(readSqlChunks(sql, { chunkRows: 0 })).rejects.toThrow(OptionError);
    await expect(loadSql('  ')).rejects.toThrow(OptionError);
    await expect(loadSql(42 as never)).rejects.toThrow(OptionError);
    await expect(loadSample(await readSqlChunks(sql), 1, { label: 'a' })).rejects.toThrow(
      OptionError,
    );
  });

  it('without DuckDB installed, an OptionError says how to install it', async () => {
    setDuckDBImport(async () => {
      throw Object.assign(new Error("Cannot find package '@duckdb/node-api'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    for (const load of [() => loadSql('SELECT 1'), () => readSqlChunks('SELECT 1')]) {
      const error = await thrown(load);
      expect(error).toBeInstanceOf(OptionError);
      expect(error.message).toContain('is not installed');
      expect(error.message).toContain('npm install @duckdb/node-api');
    }
    // a package that is there but cannot load (no binary for the platform)
    setDuckDBImport(async () => {
      throw new Error('no native binding for this platform\nmore detail');
    });
    const broken = await thrown(() => loadSql('SELECT 1'));
    expect(broken).toBeInstanceOf(OptionError);
    expect(broken.message).toContain('cannot be loaded (no native binding for this platform)');
    setDuckDBImport(undefined);
    expect((await loadSql('SELECT 1 AS a')).features.data[0]).toBe(1);
  });

  it('chunks of a file say their bytes read and the table its total, for progress', async () => {
    const t = await readChunks('datasets/iris.csv', { label: 'species', chunkRows: 64 });
    const { size } = await import('node:fs').then((fs) => fs.statSync('datasets/iris.csv'));
    expect(t.total).toEqual({ bytes: size });
    const bytes: (number | undefined)[] = [];
    for await (const chunk of t) bytes.push(chunk.bytesRead);
    expect(bytes[bytes.length - 1]).toBe(size);
    const p = await readChunks(`${dir}/iris-zstd.parquet`, { label: 'species', missing: 'drop' });
    expect(p.total).toEqual({ rows: 150 });
    expect(p.missing).toBe('drop');
    const q = await readSqlChunks('SELECT 1 AS a');
    expect(q.total).toBeUndefined();
  });
});
