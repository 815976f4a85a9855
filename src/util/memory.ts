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
 * Available memory is the tightest of the limits this process is under, each read when a budget
 * is asked for (so that it counts what the process holds by then):
 *
 *   system          `os.freemem()` (on Linux MemAvailable: free memory plus reclaimable caches)
 *   control group   its own memory control group and every ancestor up to the mount root, found
 *                   through /proc/self/cgroup and /proc/self/mountinfo: cgroup v2
 *                   `memory.max - memory.current`, v1 `memory.limit_in_bytes -
 *                   memory.usage_in_bytes`, the inactive page cache (`memory.stat`) counted as
 *                   free since the kernel reclaims it first
 *   constrained     `process.constrainedMemory()` (what Node itself knows of a container's limit)
 *                   minus the resident memory of the process
 *   address space   RLIMIT_AS (`ulimit -v`, /proc/self/limits "Max address space") minus the
 *                   virtual size of the process (VmSize of /proc/self/status). Node reserves
 *                   about 1 GiB of address space before any data (code, heap, thread stacks and
 *                   arenas), and every WebAssembly memory reserves 10 GiB more (the engines fall
 *                   back to JavaScript when that reservation fails): under `ulimit -v 4G` the
 *                   room is about 3 GiB, not 4.
 *   data size       RLIMIT_DATA (`ulimit -d`, "Max data size") minus VmData
 *
 * The estimates of the steps (`estimate`, hclust's `linkageBytes`) count every allocation that
 * grows with the data. The default budget keeps back `MEMORY_MARGIN` (20%) of the available
 * memory for everything else the process holds (buffers of the output, other steps' results),
 * and `RUNTIME_RESERVE` (16 MiB) for the fixed costs of the runtime during a step (compiling its
 * hot loops, growing the heap: up to 4 MiB measured above the estimate). A budget given as a
 * number (--max-memory, a memoryLimit option) replaces the system's estimate of free memory,
 * but never goes past the hard limits: above 80% of the room under the control group, the
 * constraint, RLIMIT_AS or RLIMIT_DATA (less the reserve) the process would be killed or its
 * allocations would fail, so the budget is capped there and the message says so.
 *
 * Every limit can be read under another file-system root (`MemoryProbe.root`), so that tests can
 * give fake /proc and /sys files.
 */
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join, posix } from 'node:path';
import { allocationFailureOf, OptionError } from './errors.js';

/** Share of the available memory the default budget leaves unused. */
export const MEMORY_MARGIN = 0.2;
/** Bytes the default budget also leaves for the runtime's fixed costs during a step. */
export const RUNTIME_RESERVE = 16 * 2 ** 20;

/** The budget out of `room` bytes: the share left by the margin, less the runtime's reserve. */
function shareOf(room: number): number {
  return Math.max(0, Math.floor((1 - MEMORY_MARGIN) * room) - RUNTIME_RESERVE);
}

/** A memory budget and where it came from (for messages). */
export interface MemoryBudget {
  /** Bytes a step may allocate. */
  bytes: number;
  /** How the budget was set: '80% of the 9.6 GiB of memory available', '--max-memory', ... */
  source: string;
  /** The budget as given, when `capBudget` lowered it to the hard limits of the process. */
  uncapped?: MemoryBudget;
}

/** One limit this process is under. */
export interface MemoryLimit {
  kind: 'system' | 'cgroup' | 'constrained' | 'address-space' | 'data-size';
  /** Bytes the process may still allocate under it. */
  room: number;
  /** The limit itself, in bytes (for 'system': the free memory). */
  limit: number;
  /** What the room is, for messages: 'left under the memory limit of control group /a (12 GiB)'. */
  description: string;
}

/** What the operating system, the control group and the resource limits allow this process. */
export interface AvailableMemory {
  /** The smallest room of `limits`, in bytes. */
  bytes: number;
  /** `os.freemem()`. */
  system: number;
  /** Room left under the tightest memory control group, when one has a limit. */
  cgroup?: number;
  /** Room left under `process.constrainedMemory()`, when it reports a limit. */
  constrained?: number;
  /** Room left under RLIMIT_AS, when it is set. */
  addressSpace?: number;
  /** Room left under RLIMIT_DATA, when it is set. */
  dataSize?: number;
  /** Every limit found, tightest first; `limits[0]` gives `bytes`. */
  limits: MemoryLimit[];
}

/**
 * Where the limits are read from. Every field is optional: by default the real files and the
 * values of this process. For tests: a fake file system root and fixed numbers.
 */
export interface MemoryProbe {
  /** Root under which /proc/self/... and the cgroup mount points are read. Default: '/'. */
  root?: string;
  /** Free memory in bytes. Default: `os.freemem()`. */
  freemem?: number;
  /** `process.constrainedMemory()`. Default: the real one (0 or >= 2^62 means no limit). */
  constrained?: number;
  /** Resident memory of the process in bytes. Default: `process.memoryUsage.rss()`. */
  rss?: number;
}

/** The room under the tightest memory control group of the process, with where it is. */
export interface CgroupMemory {
  /** Bytes the group (and so the process) may still take. */
  room: number;
  /** The group's limit in bytes. */
  limit: number;
  /** The group's usage, in bytes, less its inactive page cache. */
  usage: number;
  /** Path of the group, as /proc/self/cgroup names it ('/' for the root of a namespace). */
  group: string;
  version: 1 | 2;
}

/** Limits at or above this are "no limit" (cgroup v1 writes 2^63 rounded down to a page). */
const NO_LIMIT = 2 ** 62;

function reader(root: string): (path: string) => string | undefined {
  return (path) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** A number of bytes from a limit file, or undefined for 'max', a huge value or garbage. */
function limitValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === 'max' || t === 'unlimited' || !/^\d+$/.test(t)) return undefined;
  const value = Number(t);
  return value >= NO_LIMIT ? undefined : value;
}

/** One `key value` line of a memory.stat file. */
function statValue(text: string | undefined, key: string): number {
  if (text === undefined) return 0;
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]);
}

/** The octal escapes of /proc/self/mountinfo ('\040' is a space). */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)));
}

interface CgroupMount {
  /** Path of the hierarchy mounted here ('/' usually; a group's path without cgroup namespaces). */
  root: string;
  /** Where it is mounted. */
  point: string;
  version: 1 | 2;
}

/** The cgroup v2 mounts and the v1 mounts that hold the memory controller. */
function cgroupMounts(read: (path: string) => string | undefined): CgroupMount[] {
  const text = read('/proc/self/mountinfo');
  if (text === undefined) {
    return [
      { root: '/', point: '/sys/fs/cgroup', version: 2 },
      { root: '/', point: '/sys/fs/cgroup/memory', version: 1 },
    ];
  }
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 5) continue;
    const type = fields[dash + 1];
    const options = (fields[dash + 3] ?? '').split(',');
    const mount = { root: unescapeMount(fields[3]!), point: unescapeMount(fields[4]!) };
    if (type === 'cgroup2') mounts.push({ ...mount, version: 2 });
    else if (type === 'cgroup' && options.includes('memory')) mounts.push({ ...mount, version: 1 });
  }
  return mounts;
}

/**
 * The room left under the tightest memory limit of the control group of this process and its
 * ancestors (cgroup v2 and v1), or undefined when no group has a limit (or none can be read).
 * `root` is the file system root the files are read under (for tests).
 */
export function cgroupMemory(root = '/'): CgroupMemory | undefined {
  const read = reader(root);
  const groups = read('/proc/self/cgroup');
  if (groups === undefined) return undefined;
  // "hierarchy-id:controllers:path"; v2 is "0::path", v1 memory is "N:memory:path" (or a list)
  const pathOf: Partial<Record<1 | 2, string>> = {};
  for (const line of groups.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (match === null) continue;
    if (match[1] === '0' && match[2] === '') pathOf[2] = match[3]!;
    else if (match[2]!.split(',').includes('memory')) pathOf[1] = match[3]!;
  }
  let tightest: CgroupMemory | undefined;
  for (const mount of cgroupMounts(read)) {
    const group = pathOf[mount.version];
    if (group === undefined) continue;
    // the group's folder under the mount point: its path relative to the mounted hierarchy
    const relative = posix.relative(mount.root, group);
    const below = relative.startsWith('..') ? '' : relative;
    const files =
      mount.version === 2
        ? { limit: 'memory.max', usage: 'memory.current', inactive: 'inactive_file' }
        : {
            limit: 'memory.limit_in_bytes',
            usage: 'memory.usage_in_bytes',
            inactive: 'total_inactive_file',
          };
    // the group, then each ancestor up to the mount point: the tightest limit applies
    let folder = below;
    for (;;) {
      const dir = posix.join(mount.point, folder);
      const limit = limitValue(read(posix.join(dir, files.limit)));
      if (limit !== undefined) {
        const used = Number(read(posix.join(dir, files.usage))?.trim() ?? '0');
        const inactive = statValue(read(posix.join(dir, 'memory.stat')), files.inactive);
        const usage = Math.max(0, (Number.isFinite(used) ? used : 0) - inactive);
        const room = Math.max(0, limit - usage);
        if (tightest === undefined || room < tightest.room) {
          const name = posix.join(mount.root, folder);
          tightest = { room, limit, usage, group: name, version: mount.version };
        }
      }
      if (folder === '' || folder === '.') break;
      folder = posix.dirname(folder);
      if (folder === '.') folder = '';
    }
  }
  return tightest;
}

/** The soft limits RLIMIT_AS and RLIMIT_DATA of /proc/self/limits (undefined: unlimited). */
function resourceLimits(read: (path: string) => string | undefined): {
  addressSpace?: number;
  dataSize?: number;
} {
  const text = read('/proc/self/limits');
  if (text === undefined) return {};
  const soft = (name: string): number | undefined => {
    const match = new RegExp(`^${name}\\s+(\\S+)`, 'm').exec(text);
    return limitValue(match?.[1]);
  };
  const out: { addressSpace?: number; dataSize?: number } = {};
  const as = soft('Max address space');
  const data = soft('Max data size');
  if (as !== undefined) out.addressSpace = as;
  if (data !== undefined) out.dataSize = data;
  return out;
}

/** VmSize and VmData of /proc/self/status, in bytes (0 when unreadable). */
function virtualSizes(read: (path: string) => string | undefined): { size: number; data: number } {
  const text = read('/proc/self/status') ?? '';
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return match === null ? 0 : Number(match[1]) * 1024;
  };
  return { size: kib('VmSize'), data: kib('VmData') };
}

function realConstrained(): number {
  const fn = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory;
  return typeof fn === 'function' ? (fn.call(process) ?? 0) : 0;
}

/** The memory this process may still allocate: the tightest of its limits (see the file comment). */
export function availableMemory(probe: MemoryProbe | string = {}): AvailableMemory {
  const p = typeof probe === 'string' ? { root: probe } : probe;
  const read = reader(p.root ?? '/');
  const system = p.freemem ?? freemem();
  const limits: MemoryLimit[] = [
    { kind: 'system', room: system, limit: system, description: 'of memory available' },
  ];
  const out: AvailableMemory = { bytes: system, system, limits };
  const group = cgroupMemory(p.root ?? '/');
  if (group !== undefined) {
    out.cgroup = group.room;
    limits.push({
      kind: 'cgroup',
      room: group.room,
      limit: group.limit,
      description:
        `left under the memory limit of control group ${group.group} ` +
        `(${formatBytes(group.limit)}, cgroup v${group.version})`,
    });
  }
  const constrained = p.constrained ?? realConstrained();
  if (constrained > 0 && constrained < NO_LIMIT) {
    const rss = p.rss ?? process.memoryUsage.rss();
    out.constrained = Math.max(0, constrained - rss);
    limits.push({
      kind: 'constrained',
      room: out.constrained,
      limit: constrained,
      description: `left under the memory constraint of the process (${formatBytes(constrained)})`,
    });
  }
  const rlimits = resourceLimits(read);
  if (rlimits.addressSpace !== undefined || rlimits.dataSize !== undefined) {
    const vm = virtualSizes(read);
    if (rlimits.addressSpace !== undefined) {
      out.addressSpace = Math.max(0, rlimits.addressSpace - vm.size);
      limits.push({
        kind: 'address-space',
        room: out.addressSpace,
        limit: rlimits.addressSpace,
        description:
          `of address space left under the process's limit (ulimit -v ` +
          `${formatBytes(rlimits.addressSpace)}, of which the process already reserves ` +
          `${formatBytes(vm.size)})`,
      });
    }
    if (rlimits.dataSize !== undefined) {
      out.dataSize = Math.max(0, rlimits.dataSize - vm.data);
      limits.push({
        kind: 'data-size',
        room: out.dataSize,
        limit: rlimits.dataSize,
        description:
          `left under the process's data size limit (ulimit -d ` +
          `${formatBytes(rlimits.dataSize)}, of which the process already uses ` +
          `${formatBytes(vm.data)})`,
      });
    }
  }
  // tightest first; on equal room the hard limits (listed after 'system') name the cause
  limits.sort(
    (a, b) => a.room - b.room || (a.kind === 'system' ? 1 : b.kind === 'system' ? -1 : 0),
  );
  out.bytes = limits[0]!.room;
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

const share = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** How `shareOf(room)` was reached, for messages. */
function shareSource(room: number, description: string): string {
  return (
    `${share(1 - MEMORY_MARGIN)} of the ${formatBytes(room)} ${description}, less ` +
    `${formatBytes(RUNTIME_RESERVE)} for the runtime`
  );
}

/**
 * A budget given in bytes, capped at the hard limits of the process: `1 - MEMORY_MARGIN` of the
 * room under its control group, constraint, RLIMIT_AS and RLIMIT_DATA, less `RUNTIME_RESERVE`
 * (the system's free memory is an estimate the budget may override). The source says when the
 * cap applies.
 */
export function capBudget(budget: MemoryBudget, probe: MemoryProbe = {}): MemoryBudget {
  const given = budget.uncapped ?? budget;
  const available = availableMemory(probe);
  const hard = available.limits.find((l) => l.kind !== 'system');
  if (hard === undefined) return given;
  const cap = shareOf(hard.room);
  if (given.bytes <= cap) return given;
  return {
    bytes: cap,
    source: `${shareSource(hard.room, hard.description)}; ${given.source} asked for ${formatBytes(given.bytes)}`,
    uncapped: given,
  };
}

/**
 * The budget of a memory-hungry step: `maxMemory` bytes when given (`source` names the option
 * for messages), else the process budget (`setMemoryBudget`), else the available memory less
 * `MEMORY_MARGIN` and `RUNTIME_RESERVE`. A given budget is capped at the hard limits of the process (`capBudget`).
 */
export function memoryBudget(
  maxMemory?: number,
  source = '--max-memory',
  probe: MemoryProbe = {},
): MemoryBudget {
  if (maxMemory === undefined && processBudget !== undefined) {
    return capBudget(processBudget, probe);
  }
  if (maxMemory !== undefined) {
    if (!Number.isFinite(maxMemory) || maxMemory <= 0) {
      throw new OptionError(
        `The memory budget (${source}) must be a positive number of bytes. Got ${maxMemory} instead.`,
      );
    }
    return capBudget({ bytes: Math.floor(maxMemory), source }, probe);
  }
  const available = availableMemory(probe);
  const tightest = available.limits[0]!;
  return {
    bytes: shareOf(available.bytes),
    source: shareSource(available.bytes, tightest.description),
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
 * are powers of 1000; a bare number is bytes. `flag` names the option in the error.
 */
export function parseSize(text: string, flag = '--max-memory'): number {
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
  /** What the user can do instead, most useful first. Default: only raising the budget. */
  options?: readonly string[];
}

/**
 * Refuse, before allocating, a step that would not fit in its budget: throws an `OptionError`
 * saying what the step would need, what the budget is and where it comes from, and what to do.
 * Returns the bytes when they fit.
 */
export function checkMemory(check: MemoryCheck): number {
  const { what, bytes, budget } = check;
  if (bytes <= budget.bytes) return bytes;
  const options = check.options ?? [
    'raise the budget with --max-memory if more memory is really available',
  ];
  throw new OptionError(
    `${what} would need about ${formatBytes(bytes)} of memory, but the budget is ` +
      `${formatBytes(budget.bytes)} (${budget.source}). Instead: ${options.join('; or ')}.`,
  );
}

/** What a step that could not allocate can do instead, most useful first (the CLI's flags). */
export const ALLOCATION_OPTIONS: readonly string[] = [
  "methods 'ward', 'single', 'centroid' and 'median' cluster from the stored data in O(n*d) memory (--method ward)",
  'cluster a seeded sample of the rows (--sample N)',
  'cluster in two stages (--two-stage [centres])',
  'raise the memory limit of the process (ulimit -v, ulimit -d, the container limit) if you can',
];

/** What failed to allocate, for `allocationFailure`. */
export interface FailedStep {
  /** The step, as the user would name it: "hclust (method 'average') on n=60000 points". */
  what: string;
  /** Bytes its plan counted, when it had one. */
  bytes?: number;
  /** The budget it was planned against. */
  budget?: MemoryBudget;
  /** What to do instead. Default: `ALLOCATION_OPTIONS`. */
  options?: readonly string[];
}

/**
 * The `OptionError` a failed allocation of the JavaScript runtime stands for
 * (`allocationFailureOf`): the step, the size its plan counted, the runtime's cap when a cap
 * and not memory was the limit (2^32 typed-array elements, 4 GiB of WebAssembly memory, the
 * longest string), else how much the process may still allocate and under which limit, and
 * what to do. Any other error is returned unchanged.
 */
export function allocationFailure(error: unknown, step: FailedStep): unknown {
  const failure = allocationFailureOf(error);
  if (failure === undefined) return error;
  const options = step.options ?? ALLOCATION_OPTIONS;
  const planned =
    step.bytes === undefined
      ? ''
      : ` (its plan counted about ${formatBytes(step.bytes)}` +
        (step.budget === undefined
          ? ')'
          : `, within the budget of ${formatBytes(step.budget.bytes)}: ${step.budget.source})`);
  const message = (error as Error).message;
  let cause: string;
  if (failure.kind === 'memory') {
    const available = availableMemory();
    const tightest = available.limits[0]!;
    cause =
      `could not allocate its memory${planned}: the runtime said "${message}". The process ` +
      `may allocate about ${formatBytes(available.bytes)} more now (${tightest.description})`;
  } else {
    const length =
      failure.length === undefined ? '' : ` of ${failure.length.toLocaleString('en-US')} elements`;
    cause =
      `needs an array${length}${planned} beyond ${failure.cap}, whatever the memory ` +
      `(the runtime said "${message}")`;
  }
  return new OptionError(`${step.what} ${cause}. Instead: ${options.join('; or ')}.`);
}
