/**
 * Idle WebAssembly memories, kept for the next kernel of the same kind whose size one can hold
 * (up to twice the size needed), so that repeated fits neither map, fault in and unmap a fresh
 * copy of the data each time (as a C allocator reuses a freed block) nor, when the instance goes
 * with the memory, create new function objects. One spare per key, each at most SPARE_LIMIT
 * bytes; all are dropped once the process has been idle for a second (an unref'd timer).
 *
 * A memory taken from here holds the values of its last use: the taker writes or zeroes every
 * byte it reads.
 */
import { reused } from './runtime.js';

/** What a spare holds: a memory, and whatever is bound to it. */
export interface Spare {
  readonly memory: WebAssembly.Memory;
}

const spares = new Map<string, Spare>();
let timer: ReturnType<typeof setTimeout> | undefined;
const SPARE_LIMIT = 256 * 2 ** 20;
const PAGE = 65536;

/** The spare kept under `key` if its memory holds `bytes` (and not more than twice that). */
export function takeSpare<T extends Spare>(key: string, bytes: number): T | null {
  const s = spares.get(key);
  if (s === undefined) return null;
  const have = s.memory.buffer.byteLength;
  if (have < bytes || have > 2 * Math.max(bytes, PAGE)) return null;
  spares.delete(key);
  reused();
  return s as T;
}

/** Keep `spare` under `key` for the next `takeSpare` (replacing the one kept before). */
export function giveSpare(key: string, spare: Spare): void {
  if (spare.memory.buffer.byteLength > SPARE_LIMIT) return;
  spares.set(key, spare);
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    spares.clear();
    timer = undefined;
  }, 1000);
  timer.unref?.();
}
