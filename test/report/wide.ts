/**
 * A seeded wide table as CSV, for the report's width tests and benchmark: `n` rows of `d`
 * features in `k` groups (rows in turn, `i % k`), an id column and a group label. Only the first
 * `informative` features differ between the groups (centres uniform in [-4, 4], sd 1); the rest
 * are standard normal noise, as in a typical omics or survey table where a few columns carry the
 * structure.
 */
import { writeFileSync } from 'node:fs';
import { RandomState } from '../../src/util/random.js';

export interface WideOptions {
  n?: number;
  d?: number;
  k?: number;
  informative?: number;
  seed?: number;
}

/** The CSV text of the wide table. */
export function wideCsv(options: WideOptions = {}): string {
  const { n = 400, d = 1000, k = 4, informative = 40, seed = 0 } = options;
  const rng = new RandomState(seed);
  const centres: number[][] = [];
  for (let c = 0; c < k; c++) {
    centres.push(Array.from({ length: Math.min(d, informative) }, () => rng.uniform(-4, 4)));
  }
  const header = ['id', 'group', ...Array.from({ length: d }, (_, j) => `g${j + 1}`)];
  const lines = [header.join(',')];
  const row: string[] = new Array(d + 2);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    row[0] = `s${i + 1}`;
    row[1] = `group${c + 1}`;
    for (let j = 0; j < d; j++) {
      const m = j < informative ? centres[c]![j]! : 0;
      row[j + 2] = (m + rng.gauss()).toFixed(3);
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Write the wide table to `path`. */
export function writeWide(path: string, options: WideOptions = {}): void {
  writeFileSync(path, wideCsv(options));
}
