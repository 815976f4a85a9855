import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CONDENSED_MAX_N,
  hclust,
  linkageBytes,
  planLinkage,
  SQUARE_MAX_N,
} from '../../src/cluster/hclust/index.js';
import { planReport } from '../../src/report/build.js';
import { OptionError } from '../../src/util/errors.js';
import {
  MEMORY_MARGIN,
  RUNTIME_RESERVE,
  availableMemory,
  capBudget,
  cgroupMemory,
  checkMemory,
  estimate,
  formatBytes,
  memoryBudget,
  parseSize,
  setMemoryBudget,
} from '../../src/util/memory.js';
import { RandomState } from '../../src/util/random.js';
import { cli } from '../cli/helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-memory-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => {
  setMemoryBudget(undefined);
});

describe('parseSize(text)', () => {
  it('parseSize(text) reads K/M/G/T as powers of 1024, KB/MB/GB/TB as powers of 1000', () => {
    expect(parseSize('512M')).toBe(512 * 2 ** 20);
    expect(parseSize('8G')).toBe(8 * 2 ** 30);
    expect(parseSize('8g')).toBe(8 * 2 ** 30);
    expect(parseSize('1.5G')).toBe(1.5 * 2 ** 30);
    expect(parseSize('2GiB')).toBe(2 * 2 ** 30);
    expect(parseSize('500MB')).toBe(500e6);
    expect(parseSize('1 TB')).toBe(1e12);
    expect(parseSize('64k')).toBe(65536);
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize('100b')).toBe(100);
  });

  it('parseSize(text) refuses what is not a size, naming the flag', () => {
    for (const text of ['', 'M', '-1G', '8X', '1e3M', '0', '0.5', 'Infinity', '1,5G', '8 G B']) {
      expect(() => parseSize(text), text).toThrow(OptionError);
    }
    expect(() => parseSize('lots', '--max-memory')).toThrow(
      "--max-memory must be a size such as 512M, 8G or 1.5GB (K, M, G, T: powers of 1024; KB, MB, GB, TB: powers of 1000). Got 'lots' instead.",
    );
  });
});

describe('formatBytes(bytes)', () => {
  it('formatBytes(bytes) writes binary units with 2-3 significant digits', () => {
    expect(formatBytes(800)).toBe('800 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 2 ** 20)).toBe('512 MiB');
    expect(formatBytes(1.25 * 2 ** 30)).toBe('1.25 GiB');
    expect(formatBytes(80e9)).toBe('74.5 GiB');
  });
});

/** A fake file system under `folder/name`: path -> text (paths are absolute, as on Linux). */
function fakeRoot(name: string, files: Record<string, string>): string {
  const root = join(folder, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const GiB = 2 ** 30;
const MOUNTS_V2 =
  '24 30 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw\n';
const MOUNTS_V1 =
  '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n' +
  '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n' +
  '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';
const V1_UNLIMITED = '9223372036854771712\n';
/** /proc/self/limits with the given soft limits of address space and data size. */
const limitsFile = (as: string, data: string) =>
  'Limit                     Soft Limit           Hard Limit           Units     \n' +
  `Max data size             ${data.padEnd(21)}unlimited            bytes     \n` +
  'Max stack size            8388608              unlimited            bytes     \n' +
  `Max address space         ${as.padEnd(21)}unlimited            bytes     \n` +
  'Max open files            20000                20000                files     \n';
const statusFile = (vmSizeKiB: number, vmDataKiB: number) =>
  `Name:\tnode\nVmPeak:\t ${vmSizeKiB} kB\nVmSize:\t ${vmSizeKiB} kB\nVmRSS:\t   40436 kB\n` +
  `VmData:\t ${vmDataKiB} kB\nVmStk:\t     132 kB\n`;
/** Fixed numbers for the parts of a probe that are not files. */
const host = { freemem: 30 * GiB, constrained: 0, rss: 100 * 2 ** 20 };

describe("cgroupMemory(root): the process's own control group and its ancestors", () => {
  it('cgroupMemory(root) reads cgroup v2 in the group named by /proc/self/cgroup, not at the root', () => {
    // the machine has no limit at the root; the process's group has 12 GiB
    const root = fakeRoot('v2-own', {
      '/proc/self/cgroup': '0::/system.slice/job.scope\n',
      '/proc/self/mountinfo': MOUNTS_V2,
      '/sys/fs/cgroup/memory.stat': 'anon 1\n',
      '/sys/fs/cgroup/system.slice/memory.max': 'max\n',
      '/sys/fs/cgroup/system.slice/memory.current': `${20 * GiB}\n`,
      '/sys/fs/cgroup/system.slice/job.scope/memory.max': `${12 * GiB}\n`,
      '/sys/fs/cgroup/system.slice/job.scope/memory.current': `${2 * GiB}\n`,
      '/sys/fs/cgroup/system.slice/job.scope/memory.stat': `anon ${GiB}\ninactive_file ${GiB / 2}\n`,
    });
    // usage less the inactive page cache, which the kernel reclaims first
    expect(cgroupMemory(root)).toEqual({
      room: 12 * GiB - 1.5 * GiB,
      limit: 12 * GiB,
      usage: 1.5 * GiB,
      group: '/system.slice/job.scope',
      version: 2,
    });
  });

  it('cgroupMemory(root) takes the tightest of the group and its ancestors up to the mount root', () => {
    const root = fakeRoot('v2-parent', {
      '/proc/self/cgroup': '0::/user.slice/app\n',
      '/proc/self/mountinfo': MOUNTS_V2,
      '/sys/fs/cgroup/user.slice/memory.max': `${4 * GiB}\n`,
      '/sys/fs/cgroup/user.slice/memory.current': `${3 * GiB}\n`,
      '/sys/fs/cgroup/user.slice/app/memory.max': `${12 * GiB}\n`,
      '/sys/fs/cgroup/user.slice/app/memory.current': `${GiB}\n`,
    });
    const group = cgroupMemory(root)!;
    expect(group.room).toBe(GiB);
    expect(group.group).toBe('/user.slice');
  });

  it("cgroupMemory(root) reads cgroup v1 through the memory controller's mount, ancestors included", () => {
    const root = fakeRoot('v1', {
      '/proc/self/cgroup': '9:name=systemd:/\n5:devices:/\n4:memory:/process_api/c6c6\n0::/\n',
      '/proc/self/mountinfo': MOUNTS_V1,
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': V1_UNLIMITED,
      '/sys/fs/cgroup/memory/memory.usage_in_bytes': `${20 * GiB}\n`,
      '/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes': `${6 * GiB}\n`,
      '/sys/fs/cgroup/memory/process_api/memory.usage_in_bytes': `${2 * GiB}\n`,
      '/sys/fs/cgroup/memory/process_api/memory.stat': `cache 5\ntotal_inactive_file ${GiB}\n`,
      '/sys/fs/cgroup/memory/process_api/c6c6/memory.limit_in_bytes': V1_UNLIMITED,
      '/sys/fs/cgroup/memory/process_api/c6c6/memory.usage_in_bytes': '1000\n',
    });
    expect(cgroupMemory(root)).toEqual({
      room: 5 * GiB,
      limit: 6 * GiB,
      usage: GiB,
      group: '/process_api',
      version: 1,
    });
  });

  it('cgroupMemory(root) finds the group inside a container: cgroup namespace, or the group mounted as the root', () => {
    // with a cgroup namespace the process sees its group as '/', mounted at the mount point
    const ns = fakeRoot('v2-namespace', {
      '/proc/self/cgroup': '0::/\n',
      '/proc/self/mountinfo': MOUNTS_V2,
      '/sys/fs/cgroup/memory.max': `${GiB}\n`,
      '/sys/fs/cgroup/memory.current': `${GiB / 4}\n`,
    });
    expect(cgroupMemory(ns)?.room).toBe(0.75 * GiB);
    // without one, /proc/self/cgroup gives the host path, and the mount's root is that group
    const docker = fakeRoot('v1-docker', {
      '/proc/self/cgroup': '4:memory:/docker/0123abcd\n',
      '/proc/self/mountinfo':
        '34 30 0:31 /docker/0123abcd /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': `${2 * GiB}\n`,
      '/sys/fs/cgroup/memory/memory.usage_in_bytes': `${GiB}\n`,
    });
    expect(cgroupMemory(docker)).toMatchObject({ room: GiB, group: '/docker/0123abcd' });
    // a mount point with a space (\040 in mountinfo)
    const spaced = fakeRoot('v2-space', {
      '/proc/self/cgroup': '0::/a\n',
      '/proc/self/mountinfo': '24 30 0:22 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n',
      '/sys/fs/my cgroup/a/memory.max': '1000\n',
      '/sys/fs/my cgroup/a/memory.current': '400\n',
    });
    expect(cgroupMemory(spaced)?.room).toBe(600);
  });

  it('cgroupMemory(root) is undefined without a limit, and never negative', () => {
    const none = fakeRoot('v2-none', {
      '/proc/self/cgroup': '0::/a\n',
      '/proc/self/mountinfo': MOUNTS_V2,
      '/sys/fs/cgroup/a/memory.max': 'max\n',
      '/sys/fs/cgroup/a/memory.current': '5\n',
    });
    expect(cgroupMemory(none)).toBeUndefined();
    const v1none = fakeRoot('v1-none', {
      '/proc/self/cgroup': '4:memory:/\n',
      '/proc/self/mountinfo': MOUNTS_V1,
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': V1_UNLIMITED,
    });
    expect(cgroupMemory(v1none)).toBeUndefined();
    const over = fakeRoot('v2-over', {
      '/proc/self/cgroup': '0::/\n',
      '/proc/self/mountinfo': MOUNTS_V2,
      '/sys/fs/cgroup/memory.max': '100',
      '/sys/fs/cgroup/memory.current': '200',
    });
    expect(cgroupMemory(over)?.room).toBe(0);
    expect(cgroupMemory(join(folder, 'nothing'))).toBeUndefined();
    // no mountinfo: the usual mount points
    const bare = fakeRoot('v2-bare', {
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/memory.max': '3000',
      '/sys/fs/cgroup/memory.current': '1000',
    });
    expect(cgroupMemory(bare)?.room).toBe(2000);
  });
});

describe('availableMemory(probe): the tightest limit of the process', () => {
  it('availableMemory(probe) inside a 12 GiB control group on a larger machine gives the room in the group', () => {
    const root = fakeRoot('budget-12g', {
      '/proc/self/cgroup': '0::/job\n',
      '/proc/self/mountinfo': MOUNTS_V2,
      '/sys/fs/cgroup/job/memory.max': `${12 * GiB}\n`,
      '/sys/fs/cgroup/job/memory.current': `${GiB / 2}\n`,
    });
    const a = availableMemory({ ...host, root });
    expect(a.system).toBe(30 * GiB);
    expect(a.cgroup).toBe(11.5 * GiB);
    expect(a.bytes).toBe(11.5 * GiB);
    expect(a.limits[0]!.kind).toBe('cgroup');
    const budget = memoryBudget(undefined, '--max-memory', { ...host, root });
    expect(budget.bytes).toBe(Math.floor(0.8 * 11.5 * GiB) - RUNTIME_RESERVE);
    expect(budget.source).toBe(
      '80% of the 11.5 GiB left under the memory limit of control group /job (12 GiB, cgroup v2), less 16 MiB for the runtime',
    );
    // hclust of 60,000 rows with average linkage does not fit there (the condensed matrix alone
    // is 13.4 GiB): refused before allocating, naming the group
    expect(() =>
      planLinkage(60_000, 4, 'average', 'auto', budget.bytes, null, budget.source),
    ).toThrow(
      /needs 13\.4 GiB for its distance matrix.*but the memory limit is 9\.18 GiB \(80% of the 11\.5 GiB left under the memory limit of control group \/job/,
    );
  });

  it('availableMemory(probe) reads RLIMIT_AS less the address space the process already reserves', () => {
    const root = fakeRoot('rlimit-as', {
      '/proc/self/limits': limitsFile('4294967296', 'unlimited'),
      '/proc/self/status': statusFile(1024 * 1024, 120 * 1024),
    });
    const a = availableMemory({ ...host, root });
    expect(a.addressSpace).toBe(3 * GiB);
    expect(a.dataSize).toBeUndefined();
    expect(a.bytes).toBe(3 * GiB);
    expect(a.limits[0]).toMatchObject({ kind: 'address-space', limit: 4 * GiB });
    expect(a.limits[0]!.description).toBe(
      "of address space left under the process's limit (ulimit -v 4 GiB, of which the process already reserves 1 GiB)",
    );
  });

  it('availableMemory(probe) reads RLIMIT_DATA less the data the process already has', () => {
    const root = fakeRoot('rlimit-data', {
      '/proc/self/limits': limitsFile('unlimited', '2147483648'),
      '/proc/self/status': statusFile(1024 * 1024, 512 * 1024),
    });
    const a = availableMemory({ ...host, root });
    expect(a.addressSpace).toBeUndefined();
    expect(a.dataSize).toBe(1.5 * GiB);
    expect(a.limits[0]!.description).toMatch(
      /ulimit -d 2 GiB, of which the process already uses 512 MiB/,
    );
  });

  it('availableMemory(probe) counts process.constrainedMemory() less the resident memory', () => {
    const a = availableMemory({
      root: join(folder, 'nothing'),
      freemem: 8 * GiB,
      constrained: 2 * GiB,
      rss: GiB / 2,
    });
    expect(a.constrained).toBe(1.5 * GiB);
    expect(a.bytes).toBe(1.5 * GiB);
    // Node's "no limit" values
    for (const constrained of [0, 2 ** 64]) {
      const b = availableMemory({
        root: join(folder, 'nothing'),
        freemem: GiB,
        constrained,
        rss: 1,
      });
      expect(b.constrained).toBeUndefined();
      expect(b.bytes).toBe(GiB);
    }
  });

  it('availableMemory() of this process has the system limit and the real files', () => {
    const a = availableMemory();
    expect(a.limits.some((l) => l.kind === 'system')).toBe(true);
    expect(a.bytes).toBe(Math.min(...a.limits.map((l) => l.room)));
    expect(a.bytes).toBeGreaterThan(0);
  });
});

describe('capBudget(budget): a given budget never passes the hard limits', () => {
  const root = fakeRoot('cap', {
    '/proc/self/limits': limitsFile('4294967296', 'unlimited'),
    '/proc/self/status': statusFile(1024 * 1024, 120 * 1024),
  });
  const probe = { ...host, root };

  it('memoryBudget(30 GiB) under ulimit -v 4G is 80% of the room, and says why', () => {
    const budget = memoryBudget(30 * GiB, '--max-memory', probe);
    expect(budget.bytes).toBe(Math.floor(0.8 * 3 * GiB) - RUNTIME_RESERVE);
    expect(budget.source).toBe(
      "80% of the 3 GiB of address space left under the process's limit (ulimit -v 4 GiB, of which the process already reserves 1 GiB), less 16 MiB for the runtime; --max-memory asked for 30 GiB",
    );
    // capping again starts from what was asked, not from the cap
    expect(capBudget(budget, probe)).toEqual(budget);
    // a budget below the cap, or no hard limit at all: as given
    expect(memoryBudget(GiB, '--max-memory', probe)).toEqual({
      bytes: GiB,
      source: '--max-memory',
    });
    expect(
      memoryBudget(30 * GiB, '--max-memory', { ...host, root: join(folder, 'nothing') }),
    ).toEqual({ bytes: 30 * GiB, source: '--max-memory' });
    // the system's free memory is an estimate a given budget may override
    expect(
      memoryBudget(40 * GiB, '--max-memory', {
        ...host,
        freemem: GiB,
        root: join(folder, 'nothing'),
      }).bytes,
    ).toBe(40 * GiB);
  });

  it('setMemoryBudget(--max-memory 30G) is capped where it is used', () => {
    setMemoryBudget({ bytes: 30 * GiB, source: '--max-memory' });
    expect(memoryBudget(undefined, '--max-memory', probe).bytes).toBe(
      Math.floor(0.8 * 3 * GiB) - RUNTIME_RESERVE,
    );
  });
});

describe('memoryBudget() and checkMemory()', () => {
  it('memoryBudget() keeps the margin back from the available memory, and says so', () => {
    const before = freemem();
    const budget = memoryBudget();
    const after = freemem();
    expect(budget.bytes).toBeLessThanOrEqual((1 - MEMORY_MARGIN) * Math.max(before, after) + 1);
    expect(budget.bytes).toBeGreaterThan(0);
    expect(budget.source).toMatch(
      /^80% of the .* (of memory available|left under .*), less 16 MiB for the runtime$/,
    );
  });

  it('memoryBudget(bytes) and setMemoryBudget(budget) override the default', () => {
    expect(memoryBudget(1000, 'the memoryLimit option')).toEqual({
      bytes: 1000,
      source: 'the memoryLimit option',
    });
    expect(() => memoryBudget(0)).toThrow(OptionError);
    const previous = setMemoryBudget({ bytes: 4096, source: '--max-memory' });
    expect(previous).toBeUndefined();
    expect(memoryBudget()).toEqual({ bytes: 4096, source: '--max-memory' });
    expect(setMemoryBudget(undefined)).toEqual({ bytes: 4096, source: '--max-memory' });
    expect(memoryBudget().source).toMatch(/^80% of/);
  });

  it('checkMemory({what, bytes, budget, options}) passes what fits and refuses the rest with what to do', () => {
    const budget = { bytes: 2 ** 30, source: '--max-memory' };
    expect(checkMemory({ what: 'x', bytes: 2 ** 30, budget })).toBe(2 ** 30);
    const n = 100_000;
    const check = () =>
      checkMemory({
        what: 'the silhouette of 100000 rows',
        bytes: estimate.squareDistances(n),
        budget,
        options: ['compute it on a sample (--sample 10000)', 'raise --max-memory'],
      });
    expect(check).toThrow(OptionError);
    expect(check).toThrow(
      'the silhouette of 100000 rows would need about 74.5 GiB of memory, but the budget is ' +
        '1 GiB (--max-memory). Instead: compute it on a sample (--sample 10000); or raise --max-memory.',
    );
  });

  it('estimate gives the bytes of the typed arrays of each step', () => {
    expect(estimate.squareDistances(1000)).toBe(8e6);
    expect(estimate.condensedDistances(1000)).toBe(8 * ((1000 * 999) / 2));
    expect(estimate.features(1000, 4)).toBe(32_000);
    expect(estimate.block(10, 3)).toBe(240);
    expect(estimate.linkage(3)).toBe(32 * 2 + 24 * 3);
  });
});

/** n seeded points in 2 features. */
function points(n: number): number[][] {
  const random = new RandomState(3);
  return Array.from({ length: n }, () => [random.gauss(), random.gauss()]);
}

describe('hclust under a memory budget', () => {
  it('hclust(X) refuses average linkage beyond the process budget, naming it and the ways out', () => {
    // between what ward needs from the stored data (about 69 KiB: copies, work arrays, result)
    // and what average linkage needs with its condensed matrix (about 220 KiB)
    setMemoryBudget({ bytes: 100_000, source: '--max-memory' });
    const X = points(200);
    let message = '';
    try {
      hclust(X, { method: 'average' });
    } catch (error) {
      expect(error).toBeInstanceOf(OptionError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/needs .* for its distance matrix/);
    expect(message).toContain('the memory limit is 97.7 KiB (--max-memory)');
    expect(message).toMatch(
      /'ward', 'single'.*stored .* data.*sample of the rows.*two stages.*setMemoryBudget\(\)/,
    );
    // Ward works from the stored data in O(n d) memory: it still runs, with the same tree.
    const ward = hclust(X, { method: 'ward' });
    expect(ward.layout).toBe('features');
    setMemoryBudget(undefined);
    expect(hclust(X, { method: 'average' }).layout).toBe('condensed');
  });
});

describe('clusterlens --max-memory', () => {
  const data = join(folder, 'points.csv');
  writeFileSync(
    data,
    `x,y\n${points(300)
      .map((p) => p.join(','))
      .join('\n')}\n`,
  );

  it('clusterlens hclust --max-memory 128K refuses average linkage with the budget in the message', async () => {
    const refused = await cli([
      'hclust',
      data,
      '--method',
      'average',
      '--k',
      '3',
      '--max-memory',
      '128K',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^clusterlens: error: hclust: method 'average' on n=300 points needs .* but the memory limit is 128 KiB \(--max-memory\)\. Instead: /,
    );
    // The next run without the flag has the default budget again.
    const next = await cli(['hclust', data, '--method', 'average', '--k', '3']);
    expect(next.code, next.stderr).toBe(0);
    const ward = await cli([
      'hclust',
      data,
      '--method',
      'ward',
      '--k',
      '3',
      '--max-memory',
      '128K',
    ]);
    expect(ward.code, ward.stderr).toBe(0);
  });

  it('clusterlens <command> --max-memory <not a size> fails before reading the data', async () => {
    for (const command of [
      ['hclust', '--k', '3'],
      ['kmeans', '--k', '3'],
      ['pca'],
      ['inspect'],
      ['report'],
    ]) {
      const [name, ...rest] = command;
      const { code, stderr } = await cli([
        name!,
        join(folder, 'absent.csv'),
        ...rest,
        '--max-memory',
        '8X',
      ]);
      expect(code, name).toBe(1);
      expect(stderr, name).toMatch(/^clusterlens: error: --max-memory must be a size such as 512M/);
    }
  });
});

describe('the plans count every allocation and name the typed-array cap', () => {
  it('linkageBytes(n, d, layout) counts the matrix, copies of the data, work arrays and the result', () => {
    // 320 bytes per row of O(n) arrays (result 256, work 64), whatever the layout
    expect(linkageBytes(1000, 10, 'square')).toEqual({
      matrix: 8e6,
      total: 8e6 + 16 * 1000 * 10 + 320 * 1000,
    });
    expect(linkageBytes(1000, 10, 'condensed')).toEqual({
      matrix: 4 * 1000 * 999,
      total: 4 * 1000 * 999 + 96 * 1000 + 16 * 1000 * 10 + 320 * 1000,
    });
    expect(linkageBytes(1000, 0, 'condensed', { precomputed: 'condensed' }).total).toBe(
      4 * 1000 * 999 + 96 * 1000 + 320 * 1000,
    );
    expect(linkageBytes(1000, 10, 'features')).toEqual({ matrix: 0, total: 80_000 + 320_000 });
    // a copy of the input (number[][] converted, extreme magnitudes divided)
    expect(linkageBytes(1000, 10, 'features', { dataCopies: 1 }).total).toBe(480_000);
    expect(linkageBytes(1000, 0, 'square', { precomputed: 'square', dataCopies: 1 }).total).toBe(
      16e6 + 320_000,
    );
    // single linkage only reads a precomputed matrix
    expect(linkageBytes(1000, 0, 'square', { precomputed: 'square', readOnly: true })).toEqual({
      matrix: 0,
      total: 320_000,
    });
  });

  it('hclust(X) counts the copy a number[][] input costs', () => {
    // wine-sized: 178 rows x 13; the features layout needs 8 n d + 320 n = 73.7 KiB from a
    // FeatureMatrix, 91.8 KiB from number[][] (one more copy of the data, 8 n d)
    const random = new RandomState(5);
    const rows = Array.from({ length: 178 }, () =>
      Array.from({ length: 13 }, () => random.gauss()),
    );
    const budget = 80_000;
    expect(() => hclust(rows, { method: 'ward', memoryLimit: budget })).toThrow(
      /method 'ward' on n=178 points of 13 columns needs about 91\.8 KiB even from the stored feature data/,
    );
    const matrix = { rows: 178, cols: 13, data: Float64Array.from(rows.flat()) };
    expect(hclust(matrix, { method: 'ward', memoryLimit: budget }).layout).toBe('features');
  });

  it('planLinkage names the 2^32-element cap of typed arrays, not memory, past n = 92,682', () => {
    expect(CONDENSED_MAX_N).toBe(92_682);
    expect(SQUARE_MAX_N).toBe(65_536);
    expect(planLinkage(92_682, 4, 'average', 'auto', 1e15).layout).toBe('condensed');
    expect(() => planLinkage(92_683, 4, 'average', 'auto', 1e15)).toThrow(
      "hclust: method 'average' on n=92683 points needs a distance matrix of n(n-1)/2 = 4.30e+9 elements, more than the 2^32 (4,294,967,296) a typed array can hold in this JavaScript runtime: the condensed layout stops at n=92,682 points, the square one at n=65,536, whatever the memory. Instead: methods 'ward', 'single', 'centroid' and 'median' work from the stored Euclidean feature data in O(n*d) memory ({method: 'ward'}); or cluster a seeded sample of the rows (sampledHclust()); or cluster in two stages, k-means into a few hundred centres then hierarchical clustering of the centres weighted by their sizes (twoStage()).",
    );
    expect(() => planLinkage(65_537, 4, 'average', 'square', 1e15)).toThrow(
      /layout 'square' for n=65537 points needs .*: more than the 2\^32 elements a typed array can hold \(the square layout stops at n=65,536\)/,
    );
    // ward past the cap works from the stored data
    expect(planLinkage(200_000, 4, 'ward', 'auto', 1e15).layout).toBe('features');
  });

  it('planReport(n, d) counts the copies of the data, the per-row results, the charts, the criteria of k and the tree of the sample', () => {
    const budget = { bytes: 2 ** 40, source: '--max-memory' };
    const plan = planReport(100_000, 8, {}, budget);
    // 4 copies of the data, the PCA model, 256 bytes per row, the charts' sample of 2500 rows
    expect(plan.held).toBe(4 * 8 * 100_000 * 8 + 3 * 8 * 64 + 256 * 100_000 + 64 * 2500 * 12);
    // the criteria of k on their sample of 5000 rows
    expect(plan.chooseK).toBe(32 * 2 ** 20 + 5000 * (2048 + 64 * 8));
    // the default: ward on a sample of 5000 rows, in the condensed layout when it fits
    expect(plan.hclust).toBe(linkageBytes(5000, 8, 'condensed').total);
    // the UMAP map (3 or more columns, at most 100,000 rows): 15 neighbours a row
    expect(plan.umap).toBe(100_000 * (15 * 100 + 256));
    expect(plan.bytes).toBe(plan.held + plan.chooseK + plan.hclust + plan.umap);
    // k given on more rows than the criteria's sample: no criteria; two stages: the centres' tree
    const given = planReport(100_000, 8, { k: 4, twoStage: 300 }, budget);
    expect(given.chooseK).toBe(0);
    expect(given.hclust).toBe(linkageBytes(300, 8, 'condensed').total);
    // every row charted up to 20,000 rows
    expect(planReport(20_000, 8, {}, budget).held).toBe(
      4 * 8 * 20_000 * 8 + 3 * 8 * 64 + 256 * 20_000 + 64 * 20_000 * 12,
    );
    // a budget that holds the rest but not the condensed matrix of the sample: ward's features layout
    // (without the UMAP map)
    const tight = { bytes: plan.held + plan.chooseK + 2 ** 20 * 8, source: '--max-memory' };
    const pcaOnly = { projection: ['pca' as const] };
    expect(planReport(100_000, 8, pcaOnly, tight).hclust).toBe(
      linkageBytes(5000, 8, 'features').total,
    );
    expect(() => planReport(100_000, 8, { ...pcaOnly, method: 'average' }, tight)).toThrow(
      /^A report on 100000 rows x 8 features \(its copies of the data, per-row results and charts, 50\.7 MiB; the criteria of k on 5000 rows, 44\.2 MiB; the hierarchical clustering of 5000 rows, 97\.9 MiB\) would need about 193 MiB of memory, but the budget is 103 MiB \(--max-memory\)\. Instead: cluster a smaller seeded sample of the rows \(\{hclustMaxRows: N\}\); or use method 'ward'/,
    );
  });
});
