/** The numeric CSV fixtures of test/fixtures/projection/ as matrices. */
import { readFileSync } from 'node:fs';
import type { FeatureMatrix } from '../../src/data/dataset.js';

const dir = new URL('../fixtures/projection/', import.meta.url);

/** The fixture `name` (a header line, then numbers only), its first `rows` rows when given. */
export function fixtureCsv(name: string, rows?: number): FeatureMatrix {
  const all = readFileSync(new URL(name, dir), 'utf8').trim().split('\n').slice(1);
  const lines = rows === undefined ? all : all.slice(0, rows);
  const cols = lines[0]!.split(',').length;
  const data = new Float64Array(lines.length * cols);
  lines.forEach((l, i) => {
    l.split(',').forEach((v, c) => {
      data[i * cols + c] = Number(v);
    });
  });
  return { rows: lines.length, cols, data };
}
