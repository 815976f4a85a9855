/**
 * Parquet: `loadParquet(path, options)`, read with hyparquet (pure JavaScript) and the
 * decompressors of hyparquet-compressors (snappy, gzip, brotli, zstd, lz4).
 *
 * The file is read one row group at a time, and of each row group only the columns that are
 * read (features, label, id, candidates): the file is never held in memory as a whole. Top-level
 * columns are the table's columns; a nested column (list, struct, map) is one column of text.
 * Types, missing values and roles: columnar.ts and columns.ts. Errors name the file, the row
 * group and the column.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { DecodedArray, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { open } from 'node:fs/promises';
import { DataError } from '../util/errors.js';
import {
  type ColumnOptions,
  type ColumnRun,
  type LoadedTable,
  checkLoaderOptions,
} from './columns.js';
import {
  type ColumnSelect,
  type ColumnarFile,
  type ColumnarPart,
  ValueConverter,
  loadColumnarTable,
  pandasIndexColumns,
  textsOf,
} from './columnar.js';
import type { Dataset } from './dataset.js';
import { fileError } from './csv.js';

/** Options of `loadParquet`: the column options. */
export type ParquetOptions = ColumnOptions;

/** Read a Parquet file as a `Dataset`. */
export async function loadParquet(path: string, options: ParquetOptions = {}): Promise<Dataset> {
  return (await loadParquetTable(path, options)).dataset;
}

/** `loadParquet` that also describes every column (for `inspect`). */
export async function loadParquetTable(
  path: string,
  options: ParquetOptions = {},
  keepMissing = false,
): Promise<LoadedTable> {
  checkLoaderOptions('loadParquet', options, []);
  return loadColumnarTable(await openParquet(path), options, keepMissing);
}

/** The file as an AsyncBuffer over an open file handle (slices read on demand). */
interface FileBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  close(): Promise<void>;
}

async function fileBuffer(path: string): Promise<FileBuffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (error) {
    throw fileError(error, path);
  }
  return {
    byteLength: size,
    async slice(start: number, end = size) {
      const bytes = new Uint8Array(Math.max(0, end - start));
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return bytes.buffer;
    },
    close: () => handle.close(),
  };
}

/** 'number' for a column read as numbers, else the name of its type (for messages). */
function columnType(node: SchemaTree): string {
  if (node.children.length > 0) return 'nested';
  const e: SchemaElement = node.element;
  const converted = e.converted_type;
  const logical = e.logical_type?.type;
  if (converted === 'DECIMAL' || logical === 'DECIMAL' || logical === 'FLOAT16') return 'number';
  if (e.type === 'BOOLEAN') return 'boolean';
  if (converted === 'DATE' || logical === 'DATE') return 'date';
  if (
    e.type === 'INT96' ||
    logical === 'TIMESTAMP' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS'
  ) {
    return 'timestamp';
  }
  if (logical === 'TIME' || converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') {
    return 'time';
  }
  if (converted === 'INTERVAL') return 'interval';
  if (e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE') {
    return 'number';
  }
  if (converted === 'UTF8' || logical === 'STRING' || converted === 'ENUM' || logical === 'ENUM') {
    return 'text';
  }
  if (converted === 'JSON' || logical === 'JSON') return 'JSON';
  return 'binary';
}

/** Open a Parquet file: its schema and row groups (the data is read by `parts`). */
export async function openParquet(path: string): Promise<ColumnarFile> {
  // loaded when a Parquet file is read: the package sets up a WebAssembly decoder as it loads
  const { compressors } = await import('hyparquet-compressors');
  const file = await fileBuffer(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    await file.close();
    throw new DataError(
      `not a Parquet file that can be read (${(error as Error).message}). Expected the bytes ` +
        "'PAR1' at both ends, as pyarrow, pandas, DuckDB, Spark and R's arrow write.",
      { file: path },
    );
  }
  const columns = parquetSchema(metadata).children;
  const names = columns.map((c) => c.element.name);
  const types = columns.map(columnType);
  const converter = new ValueConverter(path);
  const pandas = metadata.key_value_metadata?.find((kv) => kv.key === 'pandas')?.value;
  return {
    path,
    format: 'parquet',
    partName: 'row group',
    names,
    index: pandasIndexColumns(pandas, names),
    close: () => file.close(),
    totalRows: Number(metadata.num_rows),
    /** `select` is asked again for every row group. */
    async *parts(select: ColumnSelect): AsyncGenerator<ColumnarPart> {
      let firstRow = 0;
      for (let g = 0; g < metadata.row_groups.length; g++) {
        // asked per row group: a chunked read needs fewer columns once they are settled
        const wanted = names.filter((_, j) => select.reads(j));
        const rows = Number(metadata.row_groups[g]!.num_rows);
        const name = `row group ${g + 1}`;
        const pieces = new Map<string, { start: number; data: DecodedArray }[]>();
        if (rows > 0 && wanted.length > 0) {
          try {
            await parquetRead({
              file,
              metadata,
              columns: wanted,
              rowStart: firstRow,
              rowEnd: firstRow + rows,
              compressors,
              onChunk: (chunk) => {
                let list = pieces.get(chunk.columnName);
                if (list === undefined) pieces.set(chunk.columnName, (list = []));
                list.push({ start: chunk.rowStart, data: chunk.columnData });
              },
            });
          } catch (error) {
            throw new DataError(
              `the row group cannot be read (${(error as Error).message}). The file may be damaged ` +
                'or use an encoding this reader does not know.',
              { file: path, part: name },
            );
          }
        }
        const runs: (ColumnRun | undefined)[] = new Array(names.length);
        for (let j = 0; j < names.length; j++) {
          if (!select.reads(j)) continue;
          const values = gather(pieces.get(names[j]!) ?? [], firstRow, rows);
          runs[j] = toRun(values, rows, types[j]!, select.keepsText(j), (v, i) =>
            converter.big(v, names[j]!, name, firstRow + i + 1),
          );
        }
        yield { rows, firstRow, name, runs };
        firstRow += rows;
      }
    },
  };
}

/** The values of rows start..start+rows-1 from the pieces a read gave (usually one). */
function gather(
  pieces: { start: number; data: DecodedArray }[],
  start: number,
  rows: number,
): ArrayLike<unknown> {
  if (pieces.length === 1 && pieces[0]!.start === start && pieces[0]!.data.length === rows) {
    return pieces[0]!.data;
  }
  const out: unknown[] = new Array(rows).fill(null);
  for (const piece of pieces) {
    const data = piece.data as ArrayLike<unknown>;
    for (let i = 0; i < data.length; i++) {
      const at = piece.start - start + i;
      if (at >= 0 && at < rows) out[at] = data[i];
    }
  }
  return out;
}

/** A column's values as a run: numbers (null and NaN: missing) and/or texts. */
function toRun(
  values: ArrayLike<unknown>,
  rows: number,
  type: string,
  keepsText: boolean,
  big: (value: bigint, i: number) => number,
): ColumnRun {
  if (type !== 'number') return { texts: textsOf(values, rows), type };
  const run: ColumnRun = { type };
  if (keepsText) run.texts = textsOf(values, rows);
  if (values instanceof Float64Array) {
    run.numbers = values;
    return run;
  }
  const numbers = new Float64Array(rows);
  if (
    values instanceof Float32Array ||
    values instanceof Int32Array ||
    values instanceof Uint32Array
  ) {
    for (let i = 0; i < rows; i++) numbers[i] = values[i]!;
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = 0; i < rows; i++) numbers[i] = big(values[i]!, i);
  } else {
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      numbers[i] = typeof v === 'number' ? v : typeof v === 'bigint' ? big(v, i) : Number.NaN;
    }
  }
  run.numbers = numbers;
  return run;
}
