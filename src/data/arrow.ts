/**
 * Arrow IPC: `loadArrow(path, options)` reads the IPC file format (`.arrow`, Feather v2
 * `.feather`) and the IPC stream format (`.arrows`, `.ipc`), with apache-arrow (pure
 * JavaScript). Buffers compressed with LZ4 (frame) or ZSTD, as pyarrow's `write_feather`
 * writes by default, are decompressed (lz4.ts; fzstd through hyparquet-compressors).
 *
 * The file is read one record batch at a time from an open file handle (the file format through
 * its footer), so it is never held in memory as a whole. Types, missing values and roles:
 * columnar.ts and columns.ts; dictionary (categorical) columns are text. Errors name the file,
 * the record batch and the column.
 */
import {
  CompressionType,
  type Data,
  DataType,
  type RecordBatch,
  RecordBatchReader,
  Type,
  type Vector,
  compressionRegistry,
} from 'apache-arrow';
import { type FileHandle, open } from 'node:fs/promises';
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
  valueText,
} from './columnar.js';
import type { Dataset } from './dataset.js';
import { fileError } from './csv.js';
import { lz4FrameDecompress } from './lz4.js';

/**
 * Register the decompressors of LZ4 frames and ZSTD with apache-arrow, once, when the first
 * Arrow file is opened (hyparquet-compressors is loaded then: it sets up a WebAssembly decoder
 * as it loads, which a process that reads no Arrow or Parquet file need not pay for).
 */
let registered: Promise<void> | undefined;
function registerDecompressors(): Promise<void> {
  registered ??= import('hyparquet-compressors').then(({ decompressZstd }) => {
    compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: lz4FrameDecompress });
    compressionRegistry.set(CompressionType.ZSTD, {
      decode: (bytes) => aligned(decompressZstd(bytes)),
    });
  });
  return registered;
}

/** `bytes`, copied when they do not start at a multiple of 8 (typed arrays of doubles need it). */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
}

/** Options of `loadArrow`: the column options. */
export type ArrowOptions = ColumnOptions;

/** Read an Arrow IPC (file or stream) or Feather v2 file as a `Dataset`. */
export async function loadArrow(path: string, options: ArrowOptions = {}): Promise<Dataset> {
  return (await loadArrowTable(path, options)).dataset;
}

/** `loadArrow` that also describes every column (for `inspect`). */
export async function loadArrowTable(
  path: string,
  options: ArrowOptions = {},
  keepMissing = false,
): Promise<LoadedTable> {
  checkLoaderOptions('loadArrow', options, []);
  return loadColumnarTable(await openArrow(path), options, keepMissing);
}

function unreadable(path: string, error: unknown, part?: string): DataError {
  const reason = (error as Error).message;
  return new DataError(
    part === undefined
      ? `not an Arrow IPC file or stream that can be read (${reason}). Expected a file written ` +
          "by pyarrow (write_feather, ipc.new_file, ipc.new_stream), R's arrow or DuckDB."
      : `the batch cannot be read (${reason}). The file may be damaged.`,
    part === undefined ? { file: path } : { file: path, part },
  );
}

/** Open an Arrow IPC file or stream: its schema (the batches are read by `parts`). */
export async function openArrow(path: string): Promise<ColumnarFile> {
  await registerDecompressors();
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, path);
  }
  let reader: AsyncIterable<RecordBatch> & {
    schema: { fields: { name: string }[]; metadata: Map<string, string> };
  };
  try {
    const opened = await RecordBatchReader.from(handle);
    await opened.open();
    reader = opened;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw unreadable(path, error);
  }
  const fields = reader.schema.fields;
  const names = fields.map((f) => f.name);
  const converter = new ValueConverter(path);
  return {
    path,
    format: 'arrow',
    partName: 'record batch',
    names,
    index: pandasIndexColumns(reader.schema.metadata.get('pandas'), names),
    close: () => handle.close().catch(() => undefined),
    async *parts(select: ColumnSelect): AsyncGenerator<ColumnarPart> {
      let firstRow = 0;
      let index = 0;
      const batches = reader[Symbol.asyncIterator]();
      for (;;) {
        const name = `record batch ${index + 1}`;
        let next: IteratorResult<RecordBatch>;
        try {
          next = await batches.next();
        } catch (error) {
          throw unreadable(path, error, name);
        }
        if (next.done) break;
        const batch = next.value;
        const rows = batch.numRows;
        const runs: (ColumnRun | undefined)[] = new Array(names.length);
        for (let j = 0; j < names.length; j++) {
          if (!select.reads(j)) continue;
          const vector = batch.getChildAt(j);
          if (vector === null) throw unreadable(path, new Error(`no column ${j}`), name);
          runs[j] = toRun(vector, rows, select.keepsText(j), (v, i) =>
            converter.big(v, names[j]!, name, firstRow + i + 1),
          );
        }
        yield { rows, firstRow, name, runs };
        firstRow += rows;
        index++;
      }
    },
  };
}

/** The type of a column for messages, or 'number' for the types read as numbers. */
function typeName(type: DataType): string {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
      return 'number';
    case Type.Bool:
      return 'boolean';
    case Type.Date:
      return 'date';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Time:
      return 'time';
    case Type.Duration:
      return 'duration';
    case Type.Interval:
      return 'interval';
    case Type.Dictionary:
      return 'categorical';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'text';
    case Type.Null:
      return 'null';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'binary';
    default:
      return 'nested';
  }
}

/** A column of a record batch as a run: numbers (null and NaN: missing) and/or texts. */
function toRun(
  vector: Vector,
  rows: number,
  keepsText: boolean,
  big: (value: bigint, i: number) => number,
): ColumnRun {
  const type = vector.type as DataType;
  const name = typeName(type);
  if (name !== 'number') return { texts: texts(vector, rows, type), type: name };
  const run: ColumnRun = { type: name, numbers: numbers(vector, rows, big) };
  if (keepsText) {
    const values = run.numbers!;
    const out: (string | null)[] = new Array(rows);
    const exact = DataType.isInt(type) && type.bitWidth === 64;
    for (let i = 0; i < rows; i++) {
      out[i] = Number.isNaN(values[i])
        ? null
        : exact
          ? valueText(vector.get(i))
          : valueText(values[i]);
    }
    run.texts = out;
  }
  return run;
}

/** The texts of a non-numeric column (timestamps and dates ISO 8601). */
function texts(vector: Vector, rows: number, type: DataType): (string | null)[] {
  const out: (string | null)[] = new Array(rows);
  const time = type.typeId === Type.Timestamp || type.typeId === Type.Date;
  for (let i = 0; i < rows; i++) {
    const v: unknown = vector.get(i);
    out[i] = time && typeof v === 'number' ? new Date(v).toISOString() : valueText(v);
  }
  return out;
}

/** The numbers of an Int, Float or Decimal column (null: NaN). */
function numbers(
  vector: Vector,
  rows: number,
  big: (value: bigint, i: number) => number,
): Float64Array {
  const out = new Float64Array(rows);
  let at = 0;
  for (const data of vector.data as Data[]) {
    const type = data.type as DataType;
    const n = data.length;
    const values = data.values as ArrayLike<number | bigint> & { BYTES_PER_ELEMENT: number };
    if (DataType.isDecimal(type)) {
      const { scale, bitWidth } = type;
      const words = bitWidth / 32;
      const w = data.values as Uint32Array;
      for (let i = 0; i < n; i++) {
        let value = 0n;
        for (let k = words - 1; k >= 0; k--) value = (value << 32n) | BigInt(w[i * words + k]!);
        if (w[i * words + words - 1]! & 0x80000000) value -= 1n << BigInt(bitWidth);
        out[at + i] = Number(`${value}e${-scale}`);
      }
    } else if (DataType.isFloat(type) && type.precision === 0) {
      for (let i = 0; i < n; i++) out[at + i] = Number(vector.get(at + i));
    } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < n; i++) out[at + i] = big(values[i]!, at + i);
    } else {
      const v = values as ArrayLike<number>;
      for (let i = 0; i < n; i++) out[at + i] = v[i]!;
    }
    if (data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.length > 0) {
      const bitmap = data.nullBitmap;
      const offset = data.offset;
      for (let i = 0; i < n; i++) {
        const b = offset + i;
        if (((bitmap[b >> 3]! >> (b & 7)) & 1) === 0) out[at + i] = Number.NaN;
      }
    }
    at += n;
  }
  if (at !== rows) throw new Error(`arrow column of ${at} values in a batch of ${rows} rows`);
  return out;
}
