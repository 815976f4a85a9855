// The Images section of a report on the digits in headless Chromium: the mean image, the
// eigen-images and the reconstructions draw one rect per pixel of every panel, with no request
// and no error. With CLUSTERLENS_SCREENSHOTS=DIR, a screenshot of the section is written there
// to look at.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { withCollectedWarnings } from '../../src/util/log.js';
import { type Browser, browserMissing, launch, openReport } from './chromium.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`browser tests cannot run under CI=true: ${missing}`);
}

/** Rect items per view, and the fills of the rects, by the chart's name. */
const VIEWS = `(() => window.clusterlens.views.map((v) => {
  let rects = 0;
  const fills = new Set();
  const walk = (node) => {
    if (!node) return;
    if (node.marktype === 'rect' && node.role === 'mark') {
      rects += (node.items || []).length;
      for (const it of node.items || []) fills.add(it.fill);
    }
    for (const item of node.items || []) if (item.items) walk(item);
  };
  walk(v.scenegraph().root);
  return { name: v.container().closest('figure').dataset.chart, rects, fills: fills.size };
}))()`;

describe.skipIf(missing !== undefined)('the Images section in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let path: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlens-image-'));
    path = join(dir, 'digits.html');
    const ds = await loadDataset('test/fixtures/projection/digits.csv');
    const target = (
      JSON.parse(
        readFileSync(new URL('../fixtures/image/digits_pca.json', import.meta.url), 'utf8'),
      ) as { target: number[] }
    ).target;
    const labelled = { ...ds, labels: target.map(String), labelColumn: 'digit' };
    const report = withCollectedWarnings(() =>
      buildReport(labelled, {
        k: 10,
        projection: ['pca'],
        chooseKMaxRows: 50,
        hclustMaxRows: 200,
        silhouetteMaxRows: 200,
        nInit: 1,
      }),
    ).value;
    await writeReport(path, report);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every pixel of every panel, with no request and no error', async () => {
    const r = await openReport(browser, path);
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    const views = (await r.page.evaluate(VIEWS)) as {
      name: string;
      rects: number;
      fills: number;
    }[];
    const byName = new Map(views.map((v) => [v.name, v]));
    // the mean image and 8 eigen-images of 64 pixels
    expect(byName.get('image-components')?.rects).toBe(9 * 64);
    // 6 digits (0..5) x (the original and k = 2, 5, 10, 20)
    expect(byName.get('image-reconstructions')?.rects).toBe(6 * 5 * 64);
    // a grey scale over many values, not one colour
    expect(byName.get('image-reconstructions')!.fills).toBeGreaterThan(100);
    const section = r.page.locator('section#images');
    expect(await section.locator('h2').textContent()).toBe('Images');
    const text = await section.textContent();
    expect(text).toContain('read as an image of 8 x 8 pixels');
    expect(text).toContain('row 1 (digit 0)');
    const shots = process.env.CLUSTERLENS_SCREENSHOTS;
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await section.screenshot({ path: join(shots, 'image-section.png') });
    }
    await r.page.close();
  });
});
