// The UMAP map beside the PCA projection in real headless Chromium: hovering a point in one view
// rings the same row in the other; a drag in one view fades the same rows in both; a legend click
// highlights the cluster in both. Read from the Vega view's scenegraph and selection stores, not
// from pixels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { type Browser, browserMissing, launch, openReport } from './chromium.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`browser tests cannot run under CI=true: ${missing}`);
}
if (missing) console.warn(`browser tests skipped: ${missing}`);

interface Item {
  id: string;
  cluster: string;
  opacity: number;
  stroke: string | null;
  /** Page coordinates of the symbol's centre. */
  x: number;
  y: number;
}

/** The symbols of the two views of the 'umap' chart, by mark name, in page coordinates. */
const ITEMS = `(() => {
  const v = window.clusterlens.views.find((w) => w.container().closest('figure').dataset.chart === 'umap');
  const svg = v.container().querySelector('svg.marks').getBoundingClientRect();
  const pad = v.padding();
  const left = svg.left + v.origin()[0] + pad.left;
  const top = svg.top + v.origin()[1] + pad.top;
  const out = {};
  const walk = (n, ox, oy) => { if (!n) return;
    if (n.role === 'mark' && n.marktype === 'symbol' && n.name)
      out[n.name] = n.items.map((it) => ({ id: it.datum.id, cluster: it.datum.cluster,
        opacity: it.opacity, stroke: it.stroke == null ? null : it.stroke,
        x: left + ox + it.x, y: top + oy + it.y }));
    for (const it of n.items || []) if (it.items) walk(it, ox + (it.x || 0), oy + (it.y || 0)); };
  walk(v.scenegraph().root, 0, 0);
  return out;
})()`;

/** The values of a selection store of the 'umap' chart. */
/** Waits until every view has run the dataflow its last events started, and two frames. */
async function settle(page: { evaluate: (js: string) => Promise<unknown> }): Promise<void> {
  await page.evaluate(`(async () => {
    for (let i = 0; i < 2; i++) {
      await Promise.all(window.clusterlens.views.map((v) => v.runAsync()));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }
  })()`);
}

const store = (name: string) => `(() => {
  const v = window.clusterlens.views.find((w) => w.container().closest('figure').dataset.chart === 'umap');
  return v.data('${name}_store').map((t) => t.values);
})()`;

type Views = { pca_marks: Item[]; umap_marks: Item[] };

/** A cut between sorted coordinates near `at`, where the next one is 2 pixels or more away. */
function gapAfter(sorted: number[], at: number): number {
  let t = at;
  while (t + 1 < sorted.length - 1 && sorted[t + 1]! - sorted[t]! < 2) t++;
  return (sorted[t]! + sorted[t + 1]!) / 2;
}

const ringed = (items: Item[]) =>
  items
    .filter((i) => i.stroke !== null)
    .map((i) => i.id)
    .sort();
const bright = (items: Item[]) =>
  items
    .filter((i) => i.opacity > 0.5)
    .map((i) => i.id)
    .sort();

describe.skipIf(missing !== undefined)('the UMAP map and the PCA projection, linked', () => {
  let dir: string;
  let browser: Browser;
  let penguins: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlens-browser-umap-'));
    const ds = await loadDataset('datasets/penguins.csv', {
      label: 'species',
      exclude: ['island', 'sex'],
    });
    penguins = join(dir, 'penguins.html');
    await writeReport(penguins, buildReport(ds, { k: 3 }));
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hovering a point in either view rings the same row in both', async () => {
    const r = await openReport(browser, penguins);
    await r.page.locator('figure[data-chart="umap"]').scrollIntoViewIfNeeded();
    const before = (await r.page.evaluate(ITEMS)) as Views;
    expect(before.pca_marks).toHaveLength(342);
    expect(before.umap_marks).toHaveLength(342);
    expect(ringed(before.pca_marks)).toEqual([]);
    for (const [from, other] of [
      ['pca_marks', 'umap_marks'],
      ['umap_marks', 'pca_marks'],
    ] as const) {
      const items = ((await r.page.evaluate(ITEMS)) as Views)[from];
      // a point away from the others, so that the pointer is over that one only
      const target = items.reduce((best, it) => {
        const gap = (p: Item) =>
          Math.min(
            ...items.filter((q) => q.id !== p.id).map((q) => Math.hypot(q.x - p.x, q.y - p.y)),
          );
        return gap(it) > gap(best) ? it : best;
      }, items[0]!);
      await r.page.mouse.move(target.x, target.y);
      await settle(r.page);
      const after = (await r.page.evaluate(ITEMS)) as Views;
      expect(ringed(after[from]), from).toEqual([target.id]);
      expect(ringed(after[other]), other).toEqual([target.id]);
      await r.page.mouse.move(2, 2);
      await settle(r.page);
      const cleared = (await r.page.evaluate(ITEMS)) as Views;
      expect(ringed(cleared[other])).toEqual([]);
    }
    expect(r.errors).toEqual([]);
    await r.page.close();
  });

  it('a drag on the UMAP view selects rows; the same rows stay bright in the PCA view', async () => {
    const r = await openReport(browser, penguins);
    await r.page.locator('figure[data-chart="umap"]').scrollIntoViewIfNeeded();
    const items = ((await r.page.evaluate(ITEMS)) as Views).umap_marks;
    // a box around the left third of the map's points
    const xs = items.map((i) => i.x).sort((a, b) => a - b);
    const ys = items.map((i) => i.y).sort((a, b) => a - b);
    const x0 = xs[0]! - 5;
    const x1 = gapAfter(xs, Math.floor(xs.length / 3));
    await r.page.mouse.move(x0, ys[0]! - 5);
    await r.page.mouse.down();
    await r.page.mouse.move(x1, ys[ys.length - 1]! + 5, { steps: 6 });
    await r.page.mouse.up();
    await settle(r.page);
    expect(await r.page.evaluate(`${store('ubrush')}.length`)).toBe(1);
    const after = (await r.page.evaluate(ITEMS)) as Views;
    const inUmap = bright(after.umap_marks);
    expect(inUmap.length).toBeGreaterThan(20);
    expect(inUmap.length).toBeLessThan(342);
    // the bright rows are the ones inside the box, in both views
    const inside = after.umap_marks
      .filter((i) => i.x >= x0 && i.x <= x1)
      .map((i) => i.id)
      .sort();
    expect(inUmap).toEqual(inside);
    expect(bright(after.pca_marks)).toEqual(inUmap);
    expect(r.errors).toEqual([]);
    await r.page.close();
  });

  it('a drag on the PCA view fades the rows outside it in the UMAP view too', async () => {
    const r = await openReport(browser, penguins);
    await r.page.locator('figure[data-chart="umap"]').scrollIntoViewIfNeeded();
    const items = ((await r.page.evaluate(ITEMS)) as Views).pca_marks;
    const ys = items.map((i) => i.y).sort((a, b) => a - b);
    const xs = items.map((i) => i.x).sort((a, b) => a - b);
    const y1 = gapAfter(ys, Math.floor(ys.length / 2));
    await r.page.mouse.move(xs[0]! - 5, ys[0]! - 5);
    await r.page.mouse.down();
    await r.page.mouse.move(xs[xs.length - 1]! + 5, y1, { steps: 6 });
    await r.page.mouse.up();
    await settle(r.page);
    expect(await r.page.evaluate(`${store('brush')}.length`)).toBe(1);
    const after = (await r.page.evaluate(ITEMS)) as Views;
    const inPca = bright(after.pca_marks);
    expect(inPca.length).toBeGreaterThan(20);
    expect(inPca.length).toBeLessThan(342);
    expect(bright(after.umap_marks)).toEqual(inPca);
    expect(r.errors).toEqual([]);
    await r.page.close();
  });

  it('a click on legend entry C2 highlights C2 in both views', async () => {
    const r = await openReport(browser, penguins);
    const label = r.page
      .locator('figure[data-chart="umap"] .role-legend-label text')
      .filter({ hasText: /^C2$/ })
      .first();
    await label.click();
    await settle(r.page);
    expect(await r.page.evaluate(store('pick'))).toEqual([['C2']]);
    const after = (await r.page.evaluate(ITEMS)) as Views;
    for (const view of [after.pca_marks, after.umap_marks]) {
      const c2 = view
        .filter((i) => i.cluster === 'C2')
        .map((i) => i.id)
        .sort();
      expect(c2.length).toBeGreaterThan(0);
      expect(bright(view)).toEqual(c2);
    }
    expect(r.errors).toEqual([]);
    await r.page.close();
  });
});
