/**
 * Predictable limits: how much memory a step may take, what a step would take, and one refusal
 * message for when it does not fit.
 *
 *   budget = memoryBudget()             the process budget set by setMemoryBudget (the CLI's
 *                                       --max-memory), else the available memory minus a margin
 *          | memoryBudget(bytes)        a given budget (the memoryLimit option of a function)
 *   bytes  = estimate.squareDistances(n) ...        what a step will allocate, before it does
 *   checkMemory({what, bytes, budget, options})    throws an OptionError when bytes > budget
 *
 * Available memory is the smaller of what the operating system reports as available
 * (`os.freemem()`, which on Linux is MemAvailable: free memory plus reclaimable caches) and what
 * the control group of the process still allows (cgroup v2 `memory.max - memory.current`, or
 * v1 `memory.limit_in_bytes - memory.usage_in_bytes`), so that a container's limit is honoured.
 * The default budget keeps `MEMORY_MARGIN` (20%) of it back for everything else the process
 * holds (the data, the results, the heap's own overhead).
 */
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { OptionError } from './errors.js';
import { joinMessages, type MessageLike, message, option } from './message.js';

/** The way out every refusal offers: a larger budget (`setMemoryBudget`; the CLI's --max-memory). */
export const RAISE_BUDGET = message`raise the budget with ${option('maxMemory', undefined, {
  library: 'setMemoryBudget(memoryBudget(bytes))',
})} if more memory is really available`;

/** Share of the available memory the default budget leaves unused. */
export const MEMORY_MARGIN = 0.2;

/** A memory budget and where it came from (for messages). */
export interface MemoryBudget {
  /** Bytes a step may allocate. */
  bytes: number;
  /** How the budget was set, for messages: '80% of the 3 GiB of memory available', ... */
  source: string;
}

/** What the operating system and the control group allow this process to allocate. */
export interface AvailableMemory {
  /** The smaller of the two below, in bytes. */
  bytes: number;
  /** `os.freemem()`. */
  system: number;
  /** Room left under the control group's limit, when it has one. */
  cgroup?: number;
}

/**
 * Room left under the memory limit of the control group, or undefined when there is no limit
 * (or no control group file to read). `root` is the cgroup mount point (for tests).
 */
export function cgroupMemory(root = '/sys/fs/cgroup'): number | undefined {
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(join(root, path), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  // cgroup v2, then v1. A v1 "no limit" is a huge number (2^63 rounded to pages).
  const candidates: [string, string][] = [
    ['memory.max', 'memory.current'],
    ['memory/memory.limit_in_bytes', 'memory/memory.usage_in_bytes'],
  ];
  for (const [limitFile, usageFile] of candidates) {
    const limitText = read(limitFile);
    if (limitText === undefined) continue;
    if (limitText === 'max') return undefined;
    const limit = Number(limitText);
    if (!Number.isFinite(limit) || limit >= 2 ** 62) return undefined;
    const usage = Number(read(usageFile) ?? '0');
    return Math.max(0, limit - (Number.isFinite(usage) ? usage : 0));
  }
  return undefined;
}

/** The memory this process may still allocate (see the file comment). */
export function availableMemory(root?: string): AvailableMemory {
  const system = freemem();
  const cgroup = cgroupMemory(root);
  const out: AvailableMemory = {
    bytes: cgroup === undefined ? system : Math.min(system, cgroup),
    system,
  };
  if (cgroup !== undefined) out.cgroup = cgroup;
  return out;
}

let processBudget: MemoryBudget | undefined;

/**
 * Set the budget that `memoryBudget()` gives when called without bytes, for the whole process
 * (the CLI sets it from --max-memory); `undefined` restores the default, the available memory
 * minus the margin. Returns the previous setting, so that it can be restored.
 */
export function setMemoryBudget(budget: MemoryBudget | undefined): MemoryBudget | undefined {
  const previous = processBudget;
  processBudget = budget;
  return previous;
}

/**
 * The budget of a memory-hungry step: `maxMemory` bytes when given (`source` says where they
 * come from, for messages: the CLI passes '--max-memory'), else the process budget
 * (`setMemoryBudget`), else the available memory minus `MEMORY_MARGIN`.
 */
export function memoryBudget(maxMemory?: number, source = 'memoryBudget(bytes)'): MemoryBudget {
  if (maxMemory === undefined && processBudget !== undefined) return processBudget;
  if (maxMemory !== undefined) {
    if (!Number.isFinite(maxMemory) || maxMemory <= 0) {
      throw new OptionError(
        `The memory budget (${source}) must be a positive number of bytes. Got ${maxMemory} instead.`,
      );
    }
    return { bytes: Math.floor(maxMemory), source };
  }
  const available = availableMemory();
  const limited = available.cgroup !== undefined && available.cgroup < available.system;
  return {
    bytes: Math.floor((1 - MEMORY_MARGIN) * available.bytes),
    source:
      `${Math.round((1 - MEMORY_MARGIN) * 100)}% of the ${formatBytes(available.bytes)} ` +
      `${limited ? 'left under the control group limit' : 'of memory available'}`,
  };
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  kb: 1e3,
  m: 2 ** 20,
  mib: 2 ** 20,
  mb: 1e6,
  g: 2 ** 30,
  gib: 2 ** 30,
  gb: 1e9,
  t: 2 ** 40,
  tib: 2 ** 40,
  tb: 1e12,
};

/**
 * A size as people write it: '512M', '8G', '1.5g', '2GiB', '500MB', '1048576'. K, M, G, T and
 * KiB, MiB, GiB, TiB are powers of 1024 (as -Xmx and docker --memory read them); KB, MB, GB, TB
 * are powers of 1000; a bare number is bytes. `flag` names what is parsed in the error (the CLI
 * passes '--max-memory').
 */
export function parseSize(text: string, flag = 'A memory size'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match?.[2]?.toLowerCase();
  const multiple = unit === undefined ? undefined : UNITS[unit];
  const bytes = multiple === undefined ? Number.NaN : Number(match![1]) * multiple;
  if (!Number.isFinite(bytes) || bytes < 1) {
    throw new OptionError(
      `${flag} must be a size such as 512M, 8G or 1.5GB (K, M, G, T: powers of 1024; KB, MB, ` +
        `GB, TB: powers of 1000). Got '${text}' instead.`,
    );
  }
  return Math.floor(bytes);
}

/** Bytes for people: '512 MiB', '1.5 GiB', '800 B'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let u = 0;
  while (value >= 1024 && u < units.length - 1) {
    value /= 1024;
    u++;
  }
  const digits = u === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${units[u]}`;
}

/**
 * Bytes the usual allocations take, for `checkMemory`. Each is the size of the typed arrays the
 * step allocates (8 bytes a double, 4 an int), not counting the input.
 */
export const estimate = {
  /** An n x d FeatureMatrix. */
  features: (n: number, d: number): number => 8 * n * d,
  /** The square n x n distance matrix. */
  squareDistances: (n: number): number => 8 * n * n,
  /** scipy's condensed distances, n (n - 1) / 2 doubles. */
  condensedDistances: (n: number): number => 4 * n * (n - 1),
  /** A row-major n x k block of doubles (scores, distances to k centres). */
  block: (n: number, k: number): number => 8 * n * k,
  /** The linkage matrix Z ((n - 1) x 4 doubles) and its per-point work arrays (~6 ints). */
  linkage: (n: number): number => 32 * (n - 1) + 24 * n,
};

/** What `checkMemory` needs to know. */
export interface MemoryCheck {
  /** The step, as the user would name it: "hclust (method 'average') on 120000 rows". */
  what: string;
  /** Bytes the step would allocate (see `estimate`). */
  bytes: number;
  /** The budget it must fit in (`memoryBudget()`). */
  budget: MemoryBudget;
  /**
   * What the user can do instead, most useful first; options named with `option()` of
   * src/util/message.ts are shown as flags by the CLI. Default: only raising the budget.
   */
  options?: readonly MessageLike[];
}

/**
 * Refuse, before allocating, a step that would not fit in its budget: throws an `OptionError`
 * saying what the step would need, what the budget is and where it comes from, and what to do.
 * Returns the bytes when they fit.
 */
export function checkMemory(check: MemoryCheck): number {
  const { what, bytes, budget } = check;
  if (bytes <= budget.bytes) return bytes;
  const options = check.options ?? [RAISE_BUDGET];
  throw new OptionError(
    message`${what} would need about ${formatBytes(bytes)} of memory, but the budget is ${formatBytes(budget.bytes)} (${budget.source}). Instead: ${joinMessages(options, '; or ')}.`,
  );
}
