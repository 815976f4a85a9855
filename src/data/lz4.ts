/**
 * LZ4 frame decompression (the frame format of lz4 1.x: magic 0x184D2204, frame descriptor,
 * blocks, end mark, optional checksums), as Arrow IPC and Feather v2 files compressed with
 * 'lz4' hold their buffers. Checksums are skipped, not verified. Blocks are decoded into one
 * growing output, so blocks that refer back to earlier ones (linked blocks) decode too.
 */

const MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;

/** Decompress one or more concatenated LZ4 frames; throws an Error for malformed input. */
export function lz4FrameDecompress(input: Uint8Array): Uint8Array {
  let out = new Uint8Array(Math.max(64, input.length * 4));
  let o = 0;
  let i = 0;
  const u32 = (at: number) =>
    (input[at]! | (input[at + 1]! << 8) | (input[at + 2]! << 16) | (input[at + 3]! << 24)) >>> 0;
  /** Room for `need` bytes in all (keeping the first `used`). */
  const ensure = (used: number, need: number) => {
    if (need <= out.length) return;
    let size = out.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(out.subarray(0, used));
    out = grown;
  };
  while (i + 4 <= input.length) {
    const magic = u32(i);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      i += 8 + u32(i + 4);
      continue;
    }
    if (magic !== MAGIC) throw new Error('lz4: not an LZ4 frame');
    const flags = input[i + 4]!;
    if (flags >> 6 !== 1) throw new Error('lz4: unknown frame version');
    const blockChecksum = (flags & 0x10) !== 0;
    const contentSize = (flags & 0x08) !== 0;
    const contentChecksum = (flags & 0x04) !== 0;
    const dictionary = (flags & 0x01) !== 0;
    i += 6 + (contentSize ? 8 : 0) + (dictionary ? 4 : 0) + 1; // magic, FLG, BD, sizes, HC
    for (;;) {
      if (i + 4 > input.length) throw new Error('lz4: truncated frame');
      const word = u32(i);
      i += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (i + size > input.length) throw new Error('lz4: truncated block');
      if (word & 0x80000000) {
        ensure(o, o + size);
        out.set(input.subarray(i, i + size), o);
        o += size;
      } else {
        o = decodeBlock(input, i, i + size, ensure, () => out, o);
      }
      i += size + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) i += 4;
  }
  return out.subarray(0, o);
}

/** Decode one LZ4 block of input[start, end) at output position o; returns the new position. */
function decodeBlock(
  input: Uint8Array,
  start: number,
  end: number,
  ensure: (used: number, need: number) => void,
  output: () => Uint8Array,
  o: number,
): number {
  let i = start;
  let out = output();
  while (i < end) {
    const token = input[i++]!;
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = input[i++]!;
        literals += b;
      } while (b === 255 && i < end);
    }
    if (i + literals > end) throw new Error('lz4: literals past the block');
    if (o + literals > out.length) {
      ensure(o, o + literals);
      out = output();
    }
    out.set(input.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i >= end) break; // the last sequence has literals only
    const offset = input[i]! | (input[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new Error('lz4: bad match offset');
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        b = input[i++]!;
        length += b;
      } while (b === 255 && i < end);
    }
    length += 4;
    if (o + length > out.length) {
      ensure(o, o + length);
      out = output();
    }
    let from = o - offset;
    for (let k = 0; k < length; k++) out[o++] = out[from++]!;
  }
  return o;
}
