// `clusterlens report --image`: the grid of the feature columns as a flag; its errors name the
// flag, on one line, before any analysis.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageFlag } from '../../src/cli/report.js';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'clusterlens-image-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report --image', () => {
  it('reads WxH and none', () => {
    expect(imageFlag('8x8')).toEqual({ width: 8, height: 8 });
    expect(imageFlag('28X20')).toEqual({ width: 28, height: 20 });
    expect(imageFlag('none')).toBe(false);
    for (const bad of ['8', '8x', 'x8', '8x8x1', '0x8', 'eight']) {
      expect(() => imageFlag(bad), bad).toThrow(/--image must be WxH/);
    }
  });

  it('a grid that does not fit the columns: one line naming the flag, nothing written', async () => {
    const out = join(dir, 'digits.html');
    const base = ['report', 'test/fixtures/projection/digits.csv', '--k', '3', '--out', out];
    const r = await cli([...base, '--image', '8x7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'clusterlens: error: --image 8x7 (56 pixels) does not match the 64 feature columns; the ' +
        'feature columns must be the pixels of one image per row, row-major.\n',
    );
    const big = await cli([...base, '--image', '100x100']);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/larger than the 4096 pixels/);
  });
});
