import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hclust } from '../../src/cluster/linkage.js';
import { OptionError } from '../../src/util/errors.js';
import {
  MEMORY_MARGIN,
  availableMemory,
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

describe('cgroupMemory(root) and availableMemory()', () => {
  const fake = (name: string, files: Record<string, string>) => {
    const root = join(folder, name);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };

  it('cgroupMemory(root) reads the room left under a cgroup v2 or v1 limit', () => {
    expect(
      cgroupMemory(fake('v2', { 'memory.max': '1073741824\n', 'memory.current': '73741824\n' })),
    ).toBe(1_000_000_000);
    expect(
      cgroupMemory(fake('v2max', { 'memory.max': 'max\n', 'memory.current': '5\n' })),
    ).toBeUndefined();
    expect(
      cgroupMemory(
        fake('v1', {
          'memory/memory.limit_in_bytes': '2000000000\n',
          'memory/memory.usage_in_bytes': '500000000\n',
        }),
      ),
    ).toBe(1_500_000_000);
    // cgroup v1 writes "no limit" as 2^63 rounded down to a page.
    expect(
      cgroupMemory(fake('v1none', { 'memory/memory.limit_in_bytes': '9223372036854771712\n' })),
    ).toBeUndefined();
    // Usage over the limit leaves no room, not a negative number.
    expect(cgroupMemory(fake('v2over', { 'memory.max': '100', 'memory.current': '200' }))).toBe(0);
    expect(cgroupMemory(join(folder, 'nothing'))).toBeUndefined();
  });

  it('availableMemory(root) is the smaller of the free memory and the room under the cgroup limit', () => {
    const tight = fake('tight', { 'memory.max': '300000000', 'memory.current': '100000000' });
    const a = availableMemory(tight);
    expect(a.cgroup).toBe(200_000_000);
    expect(a.bytes).toBe(Math.min(a.system, 200_000_000));
    const loose = availableMemory(join(folder, 'nothing'));
    expect(loose.cgroup).toBeUndefined();
    expect(loose.bytes).toBe(loose.system);
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
      /^80% of the .* (of memory available|left under the control group limit)$/,
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
    setMemoryBudget({ bytes: 50_000, source: '--max-memory' });
    const X = points(200);
    let message = '';
    try {
      hclust(X, { method: 'average' });
    } catch (error) {
      expect(error).toBeInstanceOf(OptionError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/needs .* for its distance matrix/);
    expect(message).toContain('the memory limit is 48.8 KiB (--max-memory)');
    expect(message).toMatch(
      /'ward', 'single'.*stored .* data.*sample of the rows.*two stages.*setMemoryBudget\(\)/,
    );
    // Ward works from the stored data in O(n d) memory: it still runs, with the same tree.
    const ward = hclust(X, { method: 'ward' });
    expect(ward.layout).toBe('features');
    setMemoryBudget(undefined);
    expect(hclust(X, { method: 'average' }).layout).toBe('square');
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

  it('clusterlens hclust --max-memory 64K refuses average linkage with the budget in the message', async () => {
    const refused = await cli([
      'hclust',
      data,
      '--method',
      'average',
      '--k',
      '3',
      '--max-memory',
      '64K',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^clusterlens: error: hclust: method 'average' on n=300 points needs .* but the memory limit is 64 KiB \(--max-memory\)\. Instead: /,
    );
    // The next run without the flag has the default budget again.
    const next = await cli(['hclust', data, '--method', 'average', '--k', '3']);
    expect(next.code, next.stderr).toBe(0);
    const ward = await cli(['hclust', data, '--method', 'ward', '--k', '3', '--max-memory', '64K']);
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
