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

/**
 * A seeded table shaped like scikit-learn's `load_digits`: `n` rows of 8 x 8 = 64 pixel counts
 * (integers 0..16) in 10 classes '0'..'9' (rows in turn), an id column and the class label. Each
 * class has a random prototype image; a row is its prototype plus noise, clipped to 0..16.
 */
export function digitsCsv(options: { n?: number; seed?: number } = {}): string {
  const { n = 300, seed = 0 } = options;
  const rng = new RandomState(seed);
  const prototypes = Array.from({ length: 10 }, () =>
    Array.from({ length: 64 }, () => (rng.uniform(0, 1) < 0.45 ? rng.uniform(4, 16) : 0)),
  );
  const header = ['id', 'digit', ...Array.from({ length: 64 }, (_, j) => `pixel_${j}`)];
  const lines = [header.join(',')];
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    const row = [`d${i + 1}`, String(c)];
    for (let j = 0; j < 64; j++) {
      const v = Math.round(prototypes[c]![j]! + 3 * rng.gauss());
      row.push(String(Math.min(16, Math.max(0, v))));
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
