// Reports of wide and many-label tables in real headless Chromium: a seeded table of 400 rows x
// 1,000 features gives a report of at most 4 MB that opens with zero errors and draws every chart
// (interactive and static), with the sample table in the page once and at most 8 features per
// tooltip; a digits-like table (64 features, 10 labels) gets no shapes for its label, and every
// legend of every report stays inside its section.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { digitsCsv, wideCsv } from '../report/wide.js';
import { type Browser, browserMissing, launch, openReport } from './chromium.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`browser tests cannot run under CI=true: ${missing}`);
}

/** Items per view of the named charts, counted in the scenegraph (marks, not axes or legends). */
const COUNT_MARKS = `(() => window.clusterlens.views.map((v) => {
  let marks = 0;
  const walk = (node) => {
    if (!node) return;
    if (node.marktype && node.role === 'mark') marks += (node.items || []).length;
    for (const item of node.items || []) if (item.items) walk(item);
  };
  walk(v.scenegraph().root);
  return { name: v.container().closest('figure').dataset.chart, marks };
}))()`;

/** Per section: its right edge, and the right edges of its figures' legends (page pixels). */
const LEGEND_EDGES = `(() => [...document.querySelectorAll('section')].map((s) => {
  const right = s.getBoundingClientRect().right;
  const legends = [...s.querySelectorAll('figure .role-legend')].map((g) => g.getBoundingClientRect().right);
  const figures = [...s.querySelectorAll('figure')].map((f) => f.scrollWidth - f.clientWidth);
  return { id: s.id, right, legends, overflow: Math.max(0, ...figures) };
}))()`;

/** The sample table of an interactive report and the compiled specs. */
function pageData(html: string): { rows: Record<string, unknown>[]; specs: string } {
  const block = (id: string) =>
    new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html)![1]!;
  return { rows: JSON.parse(block('cl-rows')), specs: block('cl-specs') };
}

describe.skipIf(missing !== undefined)('wide and many-label reports in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let wide: string;
  let wideStatic: string;
  let digits: string;
  let iris: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlens-wide-'));
    writeFileSync(join(dir, 'wide.csv'), wideCsv({ n: 400, d: 1000, seed: 0 }));
    writeFileSync(join(dir, 'digits.csv'), digitsCsv({ n: 300, seed: 0 }));
    const w = buildReport(await loadDataset(join(dir, 'wide.csv'), { label: 'group', id: 'id' }));
    wide = join(dir, 'wide.html');
    await writeReport(wide, w);
    wideStatic = join(dir, 'wide-static.html');
    await writeReport(wideStatic, w, { static: true });
    const dg = await loadDataset(join(dir, 'digits.csv'), { label: 'digit', id: 'id' });
    digits = join(dir, 'digits.html');
    await writeReport(digits, buildReport(dg, { k: 10 }));
    iris = join(dir, 'iris.html');
    const ir = await loadDataset('datasets/iris.csv', { label: 'species' });
    await writeReport(iris, buildReport(ir, { k: 3 }));
    browser = await launch();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the wide report is at most 4 MB: the sample table once, 8 tooltip and 20 profile features', async () => {
    const { readFileSync } = await import('node:fs');
    expect(statSync(wide).size).toBeLessThan(4_000_000);
    const { rows, specs } = pageData(readFileSync(wide, 'utf8'));
    expect(rows).toHaveLength(400);
    const keys = Object.keys(rows[0]!);
    expect(keys.filter((k) => /^f\d+$/.test(k))).toHaveLength(8);
    expect(keys.filter((k) => /^z\d+$/.test(k))).toHaveLength(20);
    // the compiled specs leave the table out (the boot script binds it)
    expect(specs).not.toContain('"name":"rows","values"');
  });

  it('openReport(wide) logs zero errors and draws marks in every chart', async () => {
    const r = await openReport(browser, wide);
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    const counts = (await r.page.evaluate(COUNT_MARKS)) as { name: string; marks: number }[];
    expect(counts.map((c) => c.name).sort()).toEqual(
      [
        'agreement',
        'biplot',
        'choose-k',
        'contributions',
        'dendrogram',
        'profiles',
        'projection',
        'scree',
        'silhouette',
        'umap',
      ].sort(),
    );
    for (const c of counts) expect(c.marks, c.name).toBeGreaterThan(0);
    expect(counts.find((c) => c.name === 'projection')!.marks).toBeGreaterThanOrEqual(400);
    await r.page.close();
  });

  it('hovering a point of the wide projection lists id, clusters, label, scores and 8 features', async () => {
    const r = await openReport(browser, wide);
    const svg = r.page.locator('figure[data-chart="projection"] svg').first();
    await svg.scrollIntoViewIfNeeded();
    const at = (await r.page.evaluate(`(() => {
      const v = window.clusterlens.views.find((w) => w.container().closest('figure').dataset.chart === 'projection');
      let found = null;
      const walk = (n, ox, oy) => { if (!n || found) return;
        if (n.marktype === 'symbol' && n.role === 'mark' && n.items.length > 0) { const it = n.items[0]; found = [ox + it.x, oy + it.y]; return; }
        for (const it of n.items || []) if (it.items) walk(it, ox + (it.x || 0), oy + (it.y || 0)); };
      walk(v.scenegraph().root, 0, 0);
      return [found[0] + v.origin()[0], found[1] + v.origin()[1]];
    })()`)) as [number, number];
    const box = (await svg.boundingBox())!;
    await r.page.mouse.move(box.x + at[0] - 6, box.y + at[1] - 6);
    await r.page.mouse.move(box.x + at[0], box.y + at[1], { steps: 3 });
    const rows = r.page.locator('#vg-tooltip-element tr');
    await rows.first().waitFor({ timeout: 5000 });
    const keys = await rows.locator('td.key').allTextContents();
    expect(keys.slice(0, 6)).toEqual([
      'id',
      'k-means cluster',
      'hierarchical',
      'group',
      'PC1',
      'PC2',
    ]);
    expect(keys.slice(6)).toHaveLength(8);
    for (const k of keys.slice(6)) expect(k).toMatch(/^g\d+$/);
    await r.page.close();
  });

  it('openReport(wide, static) shows every chart as SVG without any script', async () => {
    const r = await openReport(browser, wideStatic, { waitForCharts: false });
    expect(r.errors).toEqual([]);
    expect(await r.page.locator('script').count()).toBe(0);
    expect(await r.page.locator('figure.chart > svg').count()).toBe(10);
    await r.page.close();
  });

  it('a label of 10 values gets no shapes, and the report says so', async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(digits, 'utf8');
    expect(html).toContain('digit has 10 values, more than the 6 shapes that stay distinct');
    const r = await openReport(browser, digits);
    expect(r.errors).toEqual([]);
    const legends = await r.page
      .locator('figure[data-chart="projection"] .role-legend-title')
      .allTextContents();
    expect(legends).toEqual(['k-means cluster', 'mean z-score']);
    await r.page.close();
  });

  it('every legend of the iris, digits and wide reports lies inside its section', async () => {
    for (const file of [iris, digits, wide]) {
      const r = await openReport(browser, file);
      const sections = (await r.page.evaluate(LEGEND_EDGES)) as {
        id: string;
        right: number;
        legends: number[];
        overflow: number;
      }[];
      for (const s of sections) {
        for (const edge of s.legends) expect(edge, `${file} ${s.id}`).toBeLessThanOrEqual(s.right);
        expect(s.overflow, `${file} ${s.id}`).toBe(0);
      }
      // iris: the species shapes have their legend beside the projection
      if (file === iris) {
        const titles = await r.page
          .locator('figure[data-chart="projection"] .role-legend-title')
          .allTextContents();
        expect(titles).toContain('species');
      }
      await r.page.close();
    }
  });
});
