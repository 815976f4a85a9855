// The report in real headless Chromium: it opens offline with zero requests and zero console
// errors, every chart draws marks, a legend click highlights the cluster in every linked view, and
// hostile strings from the data run nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { hostileDataset, prototypeDataset, SENTINEL } from '../report/hostile.js';
import { type Browser, browserMissing, launch, openReport } from './chromium.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`browser tests cannot run under CI=true: ${missing}`);
}
if (missing) console.warn(`browser tests skipped: ${missing}`);

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

/** Per view with a legend selection: its store and the opacities of its data marks. */
const PICK_STATE = `(() => window.clusterlens.views.filter((v) => {
  try { v.data('pick_store'); return true; } catch (e) { return false; }
}).map((v) => {
  const ops = [];
  const walk = (node) => {
    if (!node) return;
    if (node.role === 'mark' && node.name && node.name.indexOf('marks') >= 0 && node.marktype !== 'group')
      for (const it of node.items || []) if (typeof it.opacity === 'number') ops.push(it.opacity);
    for (const item of node.items || []) if (item.items) walk(item);
  };
  walk(v.scenegraph().root);
  const dim = ops.filter((o) => o <= 0.15).length;
  return { name: v.container().closest('figure').dataset.chart,
    store: v.data('pick_store').map((t) => t.values), dim, bright: ops.length - dim };
}))()`;

/** The texts of the axis labels of the named chart's view. */
const axisTexts = (chart: string) => `(() => {
  const v = window.clusterlens.views.find((w) => w.container().closest('figure').dataset.chart === '${chart}');
  const out = [];
  const walk = (n) => { if (!n) return;
    if (n.role === 'axis-label') for (const it of n.items || []) out.push(String(it.text));
    for (const it of n.items || []) if (it.items) walk(it); };
  walk(v.scenegraph().root);
  return out;
})()`;

/** Where the middle item of the last mark of a type is in the chart's view. */
const itemCentre = (chart: string, marktype: string) => `(() => {
  const v = window.clusterlens.views.find((w) => w.container().closest('figure').dataset.chart === '${chart}');
  let found = null;
  const walk = (n, ox, oy) => { if (!n) return;
    if (n.marktype === '${marktype}' && n.role === 'mark' && n.items.length > 0) {
      const b = n.items[Math.floor(n.items.length / 2)].bounds;
      found = [ox + (b.x1 + b.x2) / 2, oy + (b.y1 + b.y2) / 2]; return; }
    for (const it of n.items || []) if (it.items) walk(it, ox + (it.x || 0), oy + (it.y || 0)); };
  walk(v.scenegraph().root, 0, 0);
  return [found[0] + v.origin()[0], found[1] + v.origin()[1]];
})()`;

describe.skipIf(missing !== undefined)('report in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let iris: string;
  let hostile: string;
  let staticIris: string;
  let names: string;
  let staticNames: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlens-browser-'));
    const ds = await loadDataset('datasets/iris.csv', { label: 'species' });
    const report = buildReport(ds, { k: 3 });
    iris = join(dir, 'iris.html');
    await writeReport(iris, report);
    staticIris = join(dir, 'iris-static.html');
    await writeReport(staticIris, report, { static: true });
    hostile = join(dir, 'hostile.html');
    await writeReport(hostile, buildReport(hostileDataset(), { k: 3 }));
    const namesReport = buildReport(prototypeDataset(), { k: 4 });
    names = join(dir, 'names.html');
    await writeReport(names, namesReport);
    staticNames = join(dir, 'names-static.html');
    await writeReport(staticNames, namesReport, { static: true });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('openReport(iris) makes zero requests, logs zero errors and draws marks in every chart', async () => {
    const r = await openReport(browser, iris);
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.console).toEqual([]);
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
    const projection = counts.find((c) => c.name === 'projection')!;
    expect(projection.marks).toBeGreaterThanOrEqual(150);
    const actions = await r.page
      .locator('figure[data-chart="scree"] .vega-actions a')
      .evaluateAll((links) => links.map((a) => a.textContent));
    expect(actions).toEqual(['Save as SVG', 'Save as PNG']);
    await r.page.close();
  });

  it('a click on legend entry C2 of the projection highlights C2 in every linked view', async () => {
    const r = await openReport(browser, iris);
    const before = (await r.page.evaluate(PICK_STATE)) as { name: string; dim: number }[];
    expect(before.map((v) => v.name).sort()).toEqual([
      'biplot',
      'dendrogram',
      'projection',
      'silhouette',
      'umap',
    ]);
    for (const v of before) expect(v.dim, v.name).toBe(0);
    const label = r.page
      .locator('figure[data-chart="projection"] .role-legend-label text')
      .filter({ hasText: /^C2$/ })
      .first();
    await label.click();
    await r.page.waitForTimeout(300);
    const after = (await r.page.evaluate(PICK_STATE)) as {
      name: string;
      store: string[][];
      dim: number;
      bright: number;
    }[];
    for (const v of after) {
      expect(v.store, v.name).toEqual([['C2']]);
      expect(v.dim, v.name).toBeGreaterThan(0);
      expect(v.bright, v.name).toBeGreaterThan(0);
    }
    expect(r.errors).toEqual([]);
    await r.page.close();
  });

  it('a drag on the projection selects samples and changes the profile of the selection', async () => {
    const r = await openReport(browser, iris);
    const view = `window.clusterlens.views.find((v) => v.container().closest('figure').dataset.chart === 'projection')`;
    const texts = `(() => { const out = []; const walk = (n) => { if (!n) return;
      if (n.marktype === 'text' && n.role === 'mark') for (const it of n.items || []) out.push(String(it.text));
      for (const it of n.items || []) if (it.items) walk(it); }; walk(${view}.scenegraph().root); return out.join('|'); })()`;
    const before = await r.page.evaluate(texts);
    const svg = r.page.locator('figure[data-chart="projection"] svg').first();
    await svg.scrollIntoViewIfNeeded();
    const box = (await svg.boundingBox())!;
    await r.page.mouse.move(box.x + 70, box.y + 60);
    await r.page.mouse.down();
    await r.page.mouse.move(box.x + 160, box.y + 200, { steps: 5 });
    await r.page.mouse.up();
    await r.page.waitForTimeout(300);
    expect(await r.page.evaluate(`${view}.data('brush_store').length`)).toBe(1);
    expect(await r.page.evaluate(texts)).not.toBe(before);
    expect(r.errors).toEqual([]);
    await r.page.close();
  });

  it('hovering a point of the projection shows its row id and original feature values', async () => {
    const r = await openReport(browser, iris);
    const svg = r.page.locator('figure[data-chart="projection"] svg').first();
    await svg.scrollIntoViewIfNeeded();
    // the screen position of the first sample's symbol, from the scenegraph
    const at = (await r.page.evaluate(`(() => {
      const v = window.clusterlens.views.find((w) => w.container().closest('figure').dataset.chart === 'projection');
      let found = null;
      const walk = (n, ox, oy) => { if (!n || found) return;
        if (n.marktype === 'symbol' && n.role === 'mark') { const it = n.items.find((i) => i.datum && i.datum.id === '1'); if (it) { found = [ox + it.x, oy + it.y]; return; } }
        for (const it of n.items || []) if (it.items) walk(it, ox + (it.x || 0), oy + (it.y || 0)); };
      walk(v.scenegraph().root, 0, 0);
      return [found[0] + v.origin()[0], found[1] + v.origin()[1]];
    })()`)) as [number, number];
    const box = (await svg.boundingBox())!;
    await r.page.mouse.move(box.x + at[0] - 6, box.y + at[1] - 6);
    await r.page.mouse.move(box.x + at[0], box.y + at[1], { steps: 3 });
    await r.page.waitForTimeout(300);
    const tip = await r.page.locator('#vg-tooltip-element').textContent({ timeout: 5000 });
    // sample 1 is a setosa; the nearest point under the pointer may be a neighbour of it
    expect(tip).toMatch(/^row\d+k-means clusterC\dhierarchicalC\dspeciessetosaPC1/);
    // the features, most separating first (ANOVA F over the 3 k-means clusters)
    expect(tip).toMatch(/petal_length[\d.]+petal_width[\d.]+sepal_length[\d.]+sepal_width[\d.]+$/);
    await r.page.close();
  });

  it('openReport(hostile) runs none of the hostile strings and still renders', async () => {
    const r = await openReport(browser, hostile);
    await r.page.mouse.move(200, 400);
    expect(await r.page.evaluate(`window.${SENTINEL}`)).toBeUndefined();
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    const counts = (await r.page.evaluate(COUNT_MARKS)) as { name: string; marks: number }[];
    for (const c of counts) expect(c.marks, c.name).toBeGreaterThan(0);
    const heading = await r.page.locator('h1').textContent();
    expect(heading).toContain('<img src=x onerror=');
    await r.page.close();
  });

  it('openReport(names like constructor, __proto__, U+2028) draws every chart and its tooltips', async () => {
    const r = await openReport(browser, names);
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    const counts = (await r.page.evaluate(COUNT_MARKS)) as { name: string; marks: number }[];
    expect(counts).toHaveLength(10);
    for (const c of counts) expect(c.marks, c.name).toBeGreaterThan(0);
    // the profiles show every feature name on their axis, the agreement every label value
    const profileLabels = await r.page.evaluate(axisTexts('profiles'));
    for (const name of prototypeDataset().columns) expect(profileLabels).toContain(name);
    const agreementLabels = await r.page.evaluate(axisTexts('agreement'));
    for (const label of ['constructor', '__proto__', 'toString', 'x\u2028y']) {
      expect(agreementLabels).toContain(label);
    }
    // hovering draws the tooltips, whose titles read as the names
    const tip = async (chart: string, marktype: string) => {
      await r.page.mouse.move(0, 0);
      await r.page.waitForTimeout(100);
      const at = (await r.page.evaluate(itemCentre(chart, marktype))) as [number, number];
      const svg = r.page.locator(`figure[data-chart="${chart}"] svg`).first();
      await svg.scrollIntoViewIfNeeded();
      const box = (await svg.boundingBox())!;
      await r.page.mouse.move(box.x + at[0] - 4, box.y + at[1] - 4);
      await r.page.mouse.move(box.x + at[0], box.y + at[1], { steps: 3 });
      await r.page.waitForTimeout(300);
      return (await r.page.locator('#vg-tooltip-element').textContent({ timeout: 5000 })) ?? '';
    };
    const point = await tip('projection', 'symbol');
    for (const title of ['valueOf', 'hasOwnProperty', 'constructor', 'toString', '__proto__']) {
      expect(point).toContain(title);
    }
    expect(point).toContain('then');
    expect(point).toContain('line\u2028separator');
    expect(point).toContain('paragraph\u2029separator');
    expect(point.match(/PC1/g)).toHaveLength(2); // the score and the feature
    expect(await tip('agreement', 'rect')).toContain('hasOwnProperty');
    expect(await tip('dendrogram', 'rect')).toContain('share of the leaf');
    expect(await tip('silhouette', 'rect')).toContain('valueOf');
    expect(r.errors).toEqual([]);
    await r.page.close();
  });

  it('openReport(static names like constructor, __proto__, U+2028) shows every chart as SVG', async () => {
    const r = await openReport(browser, staticNames, { waitForCharts: false });
    expect(r.errors).toEqual([]);
    expect(await r.page.locator('figure.chart > svg').count()).toBe(10);
    const profiles = await r.page.locator('figure[data-chart="profiles"] svg').textContent();
    // (long axis labels end in an ellipsis)
    for (const name of prototypeDataset().columns) expect(profiles).toContain(name.slice(0, 14));
    await r.page.close();
  });

  it('the sentinel check catches an unescaped injection (control)', async () => {
    const page = join(dir, 'control.html');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(page, `<!DOCTYPE html><p>${hostileDataset().columns[2]}</p>`);
    const r = await openReport(browser, page, { waitForCharts: false });
    await r.page.waitForTimeout(200);
    expect(await r.page.evaluate(`window.${SENTINEL}`)).toBe(3);
    expect(r.requests.length).toBeGreaterThan(0);
    await r.page.close();
  });

  it('openReport(static iris) shows every chart as SVG without any script', async () => {
    const r = await openReport(browser, staticIris, { waitForCharts: false });
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(await r.page.locator('script').count()).toBe(0);
    expect(await r.page.locator('figure.chart > svg').count()).toBe(10);
    await r.page.close();
  });

  it('openReport(iris) in dark mode renders with no errors and a dark page', async () => {
    const r = await openReport(browser, iris, { colorScheme: 'dark' });
    expect(r.errors).toEqual([]);
    const bg = await r.page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(27, 28, 30)');
    await r.page.close();
  });
});
