// The page of `clusterlens compress` in headless Chromium: the original and every reconstruction
// load as data: images under the page's Content-Security-Policy, the curves and the eigen-tiles
// draw, with no request and no error. With CLUSTERLENS_SCREENSHOTS=DIR, a screenshot of the
// page is written there to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { type Browser, browserMissing, launch, openReport } from './chromium.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`browser tests cannot run under CI=true: ${missing}`);
}

/** Per view: its chart name, the images it drew (loaded or not) and its rect and line items. */
const VIEWS = `(() => window.clusterlens.views.map((v) => {
  const images = [];
  let rects = 0;
  let symbols = 0;
  const walk = (node) => {
    if (!node) return;
    if (node.role === 'mark' && node.marktype === 'image') {
      for (const it of node.items || []) images.push({ loaded: !!(it.image && it.image.complete),
        natural: it.image ? [it.image.naturalWidth, it.image.naturalHeight] : null });
    }
    if (node.role === 'mark' && node.marktype === 'rect') rects += (node.items || []).length;
    if (node.role === 'mark' && node.marktype === 'symbol') symbols += (node.items || []).length;
    for (const item of node.items || []) if (item.items) walk(item);
  };
  walk(v.scenegraph().root);
  return { name: v.container().closest('figure').dataset.chart, images, rects, symbols };
}))()`;

describe.skipIf(missing !== undefined)('the compress page in headless Chromium', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlens-compress-page-'));
    const r = await cli([
      'compress',
      'test/fixtures/image/texture.png',
      '--components',
      '8,32',
      '--out',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the original beside each reconstruction, the curves and the eigen-tiles', async () => {
    const r = await openReport(browser, join(dir, 'texture.html'));
    // the images are data: URLs: nothing is fetched, nothing is refused by the policy
    expect(r.requests.filter((u) => !u.startsWith('data:'))).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.console.filter((m) => /Content Security Policy|Refused/i.test(m))).toEqual([]);
    // the images load asynchronously: wait until every one has
    await r.page.waitForFunction(
      `${VIEWS}.every((v) => v.images.every((i) => i.loaded))`,
      undefined,
      { timeout: 20_000 },
    );
    const views = (await r.page.evaluate(VIEWS)) as {
      name: string;
      images: { loaded: boolean; natural: [number, number] }[];
      rects: number;
      symbols: number;
    }[];
    const by = new Map(views.map((v) => [v.name, v]));
    expect(by.get('reconstructions')!.images).toEqual(
      Array.from({ length: 3 }, () => ({ loaded: true, natural: [256, 256] })),
    );
    // the requested k on the variance curve, PSNR and ratio: 2 points each
    expect(by.get('compression')!.symbols).toBe(6);
    // the mean tile and 8 eigen-tiles of 8 x 8 pixels
    expect(by.get('eigen-tiles')!.rects).toBe(9 * 64);
    const titles = await r.page.locator('section h2').allTextContents();
    expect(titles).toEqual([
      'Summary',
      'Reconstructions',
      'Error and variance against k',
      'Mean tile and eigen-tiles',
      'Input',
    ]);
    const shots = process.env.CLUSTERLENS_SCREENSHOTS;
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await r.page.locator('main').screenshot({ path: join(shots, 'compress-page.png') });
    }
    await r.page.close();
  });
});
