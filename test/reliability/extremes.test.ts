import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { setLogger } from '../../src/util/log.js';
import { cli } from '../cli/helpers.js';

// Three blobs of small integers: multiplying them by a power of two is exact, also down to the
// subnormals (|x| < 2^12 keeps every bit at 2^-1060), so every engine must give the same labels
// and the same centroids times the power of two.
const rows: number[][] = [];
for (let b = 0; b < 3; b++) {
  for (let i = 0; i < 20; i++) rows.push([b * 40 + ((i * 7) % 5), b * 30 + ((i * 3) % 4)]);
}

describe('k-means at the extremes of the doubles', () => {
  const unit = kmeans(rows, { k: 3, seed: 0 });
  for (const exponent of [1000, 1016, -1060]) {
    it(`data times 2^${exponent}: the labels of the unit-scale data, centroids scaled exactly`, () => {
      const f = 2 ** exponent;
      const previous = setLogger({ warn() {} });
      try {
        const fit = kmeans(
          rows.map((r) => r.map((v) => v * f)),
          { k: 3, seed: 0 },
        );
        expect(Array.from(fit.labels)).toEqual(Array.from(unit.labels));
        for (let c = 0; c < 3; c++) {
          for (let j = 0; j < 2; j++) expect(fit.centroids[c]![j]).toBe(unit.centroids[c]![j]! * f);
        }
        // the inertia of 2^1016-scale data does not fit a double: Infinity, never NaN
        expect(Number.isNaN(fit.inertia)).toBe(false);
        if (exponent < 0) expect(fit.inertia).toBeLessThan(1e-300);
      } finally {
        setLogger(previous);
      }
    });
  }
});

describe('very wide input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clusterlens-wide-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('inspect reads 20,000 columns x 20 rows in one run (linear in the columns)', async () => {
    const d = 20_000;
    const lines = [Array.from({ length: d }, (_, j) => `c${j}`).join(',')];
    for (let i = 0; i < 20; i++) {
      lines.push(Array.from({ length: d }, (_, j) => String((i * 31 + j * 17) % 97)).join(','));
    }
    const file = join(dir, 'wide.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await cli(['inspect', file, '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(JSON.stringify(out)).toContain('"c19999"');
  }, 60_000);
});
