/**
 * The benchmarks' blob data as a CSV file: n rows of d features in k Gaussian blobs (sd 1.5,
 * centres uniform in [-8, 8]^d, RandomState(0)), with an id and a group column. Written in
 * pieces of 100,000 lines, so files larger than a JavaScript string can be made.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { RandomState } from '../../../src/util/random.js';

export function writeBlobs(path: string, n: number, d: number, k: number): void {
  const rng = new RandomState(0);
  const centres: number[][] = [];
  for (let c = 0; c < k; c++) centres.push(Array.from({ length: d }, () => rng.uniform(-8, 8)));
  const header = ['id', 'group', ...Array.from({ length: d }, (_, j) => `x${j + 1}`)];
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${header.join(',')}\n`);
    for (let start = 0; start < n; start += 100_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(n, start + 100_000); i++) {
        const c = i % k;
        lines.push(
          [
            `r${i + 1}`,
            `g${c + 1}`,
            ...centres[c]!.map((m) => (m + 1.5 * rng.gauss()).toFixed(4)),
          ].join(','),
        );
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}
