import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChunkOptions, readChunks } from '../../src/data/chunks.js';
import { loadDataset } from '../../src/data/load.js';
import { loadSample } from '../../src/data/sample.js';
import { DataError } from '../../src/util/errors.js';
import { collectingLogger, setLogger } from '../../src/util/log.js';

const dir = 'test/fixtures/columnar';
const folder = mkdtempSync(join(tmpdir(), 'clusterlens-chunks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const previous = setLogger(collectingLogger());
  try {
    return await fn();
  } finally {
    setLogger(previous);
  }
}

/** Every chunk of a file joined, with the largest chunk. */
async function joined(path: string, options: ChunkOptions) {
  const table = await readChunks(path, options);
  const data: number[] = [];
  const labels: string[] = [];
  const ids: string[] = [];
  let largest = 0;
  let next = 0;
  for await (const chunk of table) {
    expect(chunk.data.length).toBe(chunk.rows * chunk.cols);
    expect(chunk.cols).toBe(table.columns.length);
    expect(chunk.firstRow).toBe(next);
    next += chunk.rowsRead;
    for (const v of chunk.data) data.push(v);
    if (chunk.labels) labels.push(...chunk.labels);
    if (chunk.ids) ids.push(...chunk.ids);
    largest = Math.max(largest, chunk.rows);
  }
  return { table, data, labels, ids, largest };
}

/** A CSV of more than 1 MiB (several pieces of text), values from a fixed formula. */
function bigCsv(name: string, rows: number, delimiter = ',', decimal = '.'): string {
  const lines = [['', 'a', 'b', 'c', 'group'].join(delimiter)];
  for (let i = 0; i < rows; i++) {
    const a = ((i * 7919) % 1000) / 10;
    const b = ((i * 104729) % 997) - 498.5;
    const c = (i % 13) * 1e-3;
    lines.push(
      [`r${i}`, a, b, c, `g${i % 4}`]
        .map((v) => (typeof v === 'number' ? String(v).replace('.', decimal) : v))
        .join(delimiter),
    );
  }
  const path = join(folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('readChunks(path, options)', () => {
  it("the chunks of every format joined are loadDataset's features, labels and ids", async () => {
    const files = [
      `${dir}/iris-columnar.csv`,
      `${dir}/iris-snappy.parquet`,
      `${dir}/iris-zstd.parquet`,
      `${dir}/iris.arrow`,
      `${dir}/iris-stream.ipc`,
      `${dir}/iris-lz4.feather`,
    ];
    // the same table as NDJSON and JSON
    const csv = readFileSync(`${dir}/iris-columnar.csv`, 'utf8').trim().split('\n');
    const header = csv[0]!.split(',');
    const objects = csv.slice(1).map((line) => {
      const cells = line.split(',');
      return Object.fromEntries(
        header.map((h, j) => [
          h,
          cells[j] === '' ? null : Number.isNaN(Number(cells[j])) ? cells[j] : Number(cells[j]),
        ]),
      );
    });
    writeFileSync(join(folder, 'iris.ndjson'), objects.map((o) => JSON.stringify(o)).join('\r\n'));
    writeFileSync(join(folder, 'iris.json'), JSON.stringify(objects));
    files.push(join(folder, 'iris.ndjson'), join(folder, 'iris.json'));
    for (const file of files) {
      for (const missing of ['drop', 'error'] as const) {
        const options = { label: 'species', missing, exclude: ['measured', 'in_bloom'] };
        const expected = await quietly(() =>
          loadDataset(file, { ...options, missing: 'drop' }).then((d) =>
            missing === 'drop' ? d : undefined,
          ),
        );
        for (const [chunkRows, probeRows] of [
          [7, 10],
          [40, 150],
          [1000, undefined],
        ] as const) {
          const run = quietly(() => joined(file, { ...options, chunkRows, probeRows }));
          if (expected === undefined) {
            // the first missing value stops the read, naming its place
            await expect(run, file).rejects.toThrow(/missing value/);
            continue;
          }
          const { table, data, labels, largest } = await run;
          expect(table.columns, file).toEqual(expected.columns);
          expect(data, `${file} ${chunkRows}`).toEqual(Array.from(expected.features.data));
          expect(labels, file).toEqual(expected.labels);
          expect(largest).toBeLessThanOrEqual(
            file.endsWith('.csv') || file.endsWith('json') ? 1000 : chunkRows,
          );
          expect(table.source.rowsRead).toBe(150);
          expect(table.source.rowsDropped).toBe(6);
          expect(table.source.sha256, file).toBe(expected.source.sha256);
        }
      }
    }
  });

  it('streams a CSV of several MiB: the dialect is told from the first block, chunks of about chunkRows', async () => {
    for (const [delimiter, decimal] of [
      [',', '.'],
      [';', ','],
    ] as const) {
      const path = bigCsv(
        `big-${delimiter === ',' ? 'comma' : 'semicolon'}.csv`,
        60000,
        delimiter,
        decimal,
      );
      const expected = await quietly(() => loadDataset(path, { label: 'group' }));
      expect(expected.idColumn).toBe('unnamed_1');
      expect(expected.source.decimal).toBe(decimal);
      const { table, data, labels, ids, largest } = await quietly(() =>
        joined(path, { label: 'group', chunkRows: 5000 }),
      );
      expect(table.source.delimiter).toBe(delimiter);
      expect(table.source.decimal).toBe(decimal);
      expect(table.idColumn).toBe('unnamed_1');
      expect(data).toEqual(Array.from(expected.features.data));
      expect(labels).toEqual(expected.labels);
      expect(ids).toEqual(expected.ids);
      // a 1 MiB piece of text holds fewer than 40,000 of these rows: a chunk ends at the first
      // piece boundary after chunkRows rows
      expect(largest).toBeGreaterThanOrEqual(5000);
      expect(largest).toBeLessThan(5000 + 40000);
      expect(table.source.rowsRead).toBe(60000);
      expect(table.source.sha256).toBe(expected.source.sha256);
    }
  });

  it('a feature column that holds text after the first rows is a DataError naming its line', async () => {
    const lines = ['x,y'];
    for (let i = 0; i < 50; i++) lines.push(`${i},${i * 2}`);
    lines.push('7,oops');
    const path = join(folder, 'late-text.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const read = async () => {
      for await (const _ of await readChunks(path, { probeRows: 20 })) {
        // read to the end
      }
    };
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      `${path}, line 52, column 'y': column 'y' is named in features but holds text ('oops'), ` +
        'not a number. Fix the cell, or leave the column out of features.',
    );
  });

  it('again(): another pass gives the same chunks without repeating the warnings; a changed file is an error', async () => {
    for (const file of [
      `${dir}/iris-columnar.csv`,
      `${dir}/iris-snappy.parquet`,
      `${dir}/iris-stream.ipc`,
      join(folder, 'iris.ndjson'),
    ]) {
      const logger = collectingLogger();
      const previous = setLogger(logger);
      try {
        const first = await readChunks(file, { label: 'species', missing: 'drop', chunkRows: 50 });
        const passes: number[][] = [];
        let table = first;
        for (let pass = 0; pass < 3; pass++) {
          const data: number[] = [];
          for await (const chunk of table) for (const v of chunk.data) data.push(v);
          passes.push(data);
          expect(table.source.rowsRead).toBe(150);
          expect(table.columns).toEqual(first.columns);
          table = await table.again();
        }
        expect(passes[1]).toEqual(passes[0]);
        expect(passes[2]).toEqual(passes[0]);
        expect(passes[0]!.length).toBe(144 * first.columns.length);
        // the warnings of the first rows (measured, in_bloom left out), once
        expect(logger.messages.length, file).toBe(2);
      } finally {
        setLogger(previous);
      }
    }
    const path = join(folder, 'changing.csv');
    writeFileSync(path, 'x,y\n1,2\n3,4\n');
    const table = await readChunks(path);
    for await (const _ of table) {
      // the first pass
    }
    writeFileSync(path, 'x,y\n1,2\n3,5\n');
    const read = async () => {
      for await (const _ of await table.again()) {
        // the second pass
      }
    };
    await expect(read()).rejects.toThrow(
      `${path}: the bytes of the file are not those of the first pass over it`,
    );
    writeFileSync(path, 'x,z\n1,2\n3,5\n');
    const renamed = async () => {
      for await (const _ of await table.again()) {
        // the third pass
      }
    };
    await expect(renamed()).rejects.toThrow(
      'the columns of the file are not those of the first pass',
    );
  });

  it('settles the columns before the first chunk, and refuses bad options', async () => {
    const table = await quietly(() =>
      readChunks(`${dir}/iris-zstd.parquet`, { label: 'species', missing: 'mean' }),
    );
    expect(table.columns).toContain('price');
    expect(table.labelColumn).toBe('species');
    expect(table.info.find((c) => c.name === 'measured')?.role).toBe('left out');
    expect(table.source.leftOut.map((c) => c.column)).toEqual(['measured', 'in_bloom']);
    let nan = 0;
    for await (const chunk of table) for (const v of chunk.data) if (Number.isNaN(v)) nan++;
    expect(nan).toBe(6); // 'mean' leaves the missing values to the consumer
    await expect(readChunks(`${dir}/iris.arrow`, { chunkRows: 0 })).rejects.toThrow(
      "The 'chunkRows' option of readChunks must be a positive integer. Got 0 instead.",
    );
    // @ts-expect-error: not an option
    await expect(readChunks(`${dir}/iris.arrow`, { rows: 3 })).rejects.toThrow(/rows/);
  });
});

describe('loadSample(path, n, options)', () => {
  const reference = JSON.parse(readFileSync(`${dir}/sample.json`, 'utf8')) as {
    of: number;
    features: string[];
    cases: { n: number; seed: number; rows: number[]; features: number[][]; labels: string[] }[];
  };

  it("draws numpy's reservoir sample (Algorithm R, RandomState) in file order, from every format", async () => {
    for (const file of [
      'iris-columnar.csv',
      'iris-snappy.parquet',
      'iris.arrow',
      'iris-zstd.feather',
    ]) {
      for (const c of reference.cases) {
        for (const chunkRows of [9, 65536]) {
          const d = await quietly(() =>
            loadSample(`${dir}/${file}`, c.n, {
              seed: c.seed,
              label: 'species',
              missing: 'drop',
              chunkRows,
            }),
          );
          expect(d.columns).toEqual(reference.features);
          expect(d.features.rows).toBe(c.n);
          expect(Array.from(d.features.data), `${file} n=${c.n} seed=${c.seed}`).toEqual(
            c.features.flat(),
          );
          expect(d.labels).toEqual(c.labels);
          expect(d.source.sample).toEqual({ rows: c.n, of: reference.of, seed: c.seed });
          expect(d.source.notes?.at(-1)).toBe(
            `a seeded sample (seed ${c.seed}) of ${c.n} of the ${reference.of} rows kept, read in one pass; the rows keep their order in the file.`,
          );
        }
      }
    }
  });

  it('a sample as large as the file is the file; mean imputation uses the sample', async () => {
    const all = await quietly(() =>
      loadSample(`${dir}/iris-columnar.csv`, 1000, { label: 'species', missing: 'drop' }),
    );
    const d = await quietly(() =>
      loadDataset(`${dir}/iris-columnar.csv`, { label: 'species', missing: 'drop' }),
    );
    expect(Array.from(all.features.data)).toEqual(Array.from(d.features.data));
    expect(all.source.sample).toBeUndefined();
    const mean = await quietly(() =>
      loadSample(`${dir}/iris.arrow`, 1000, { label: 'species', missing: 'mean' }),
    );
    const whole = await quietly(() =>
      loadDataset(`${dir}/iris.arrow`, { label: 'species', missing: 'mean' }),
    );
    expect(Array.from(mean.features.data)).toEqual(Array.from(whole.features.data));
    expect(mean.source.valuesImputed).toBe(whole.source.valuesImputed);
    await expect(loadSample(`${dir}/iris.arrow`, 0)).rejects.toThrow(/n/);
  });
});
