// The density section of a report in headless Chromium: the HDBSCAN projection, condensed tree,
// k-distance curve, profiles and agreement tables draw marks, with no request and no error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOISE_COLOR } from '../../src/charts/palette.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { blobsWithNoise } from '../report/density-data.js';
import { type Browser, browserMissing, launch, openReport } from './chromium.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`browser tests cannot run under CI=true: ${missing}`);
}

/** Items per view (marks, not axes or legends), and the fills of its symbols. */
const VIEWS = `(() => window.clusterlens.views.map((v) => {
  let marks = 0;
  const fills = new Set();
  const walk = (node) => {
    if (!node) return;
    if (node.marktype && node.role === 'mark') {
      marks += (node.items || []).length;
      for (const it of node.items || []) if (node.marktype === 'symbol' && it.fill) fills.add(it.fill);
    }
    for (const item of node.items || []) if (item.items) walk(item);
  };
  walk(v.scenegraph().root);
  return { name: v.container().closest('figure').dataset.chart, marks, fills: [...fills] };
}))()`;

describe.skipIf(missing !== undefined)('density section in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let path: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlens-density-'));
    path = join(dir, 'blobs.html');
    await writeReport(
      path,
      buildReport(blobsWithNoise(), { k: 3, density: { minClusterSize: 10 } }),
    );
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every density chart, the noise in grey, with no request and no error', async () => {
    const r = await openReport(browser, path);
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    const views = (await r.page.evaluate(VIEWS)) as {
      name: string;
      marks: number;
      fills: string[];
    }[];
    for (const name of [
      'density-projection',
      'condensed-tree',
      'k-distance',
      'density-profiles',
      'density-agreement',
    ]) {
      const v = views.find((w) => w.name === name);
      expect(v?.marks, name).toBeGreaterThan(0);
    }
    const projection = views.find((w) => w.name === 'density-projection')!;
    expect(projection.marks).toBeGreaterThanOrEqual(210);
    expect(projection.fills).toContain(NOISE_COLOR);
    if (process.env.CLUSTERLENS_SCREENSHOT) {
      await r.page
        .locator('section#density')
        .screenshot({ path: process.env.CLUSTERLENS_SCREENSHOT });
    }
    await r.page.close();
  });
});
