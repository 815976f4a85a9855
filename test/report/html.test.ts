import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { screeSpec } from '../../src/charts/scree.js';
import { buildReport } from '../../src/report/build.js';
import {
  compileToVega,
  escapeHtml,
  type ReportDocument,
  renderHtml,
  scriptJson,
} from '../../src/report/html.js';
import { hostileDataset, SENTINEL } from './hostile.js';

const hostile = buildReport(hostileDataset(), { k: 3 });

/** Every `<script ...>` opening tag of the page. */
const openings = (html: string) => html.match(/<script[^>]*>/gi) ?? [];

describe('escapeHtml and scriptJson', () => {
  it('escapeHtml(text) escapes the five markup characters', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('scriptJson(value) cannot close a script or start a comment, and parses back', () => {
    const value = { a: '</script><!--<script>', b: 'x\u2028y\u2029z', c: [1, 2.5, null] };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderHtml', () => {
  it('renderHtml(hostile report) has only its own script elements and no hostile markup', async () => {
    const html = await renderHtml(hostile.document);
    expect(openings(html)).toEqual([
      '<script>',
      '<script>',
      '<script type="application/json" id="cl-specs">',
      '<script type="application/json" id="cl-rows">',
      '<script>',
    ]);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('<b onmouseover');
    expect(html).not.toMatch(/[\u2028\u2029]/);
    expect(html).toContain('&lt;img src=x onerror=&quot;window.');
    expect(html.split(SENTINEL).length).toBeGreaterThan(10);
  });

  it('renderHtml(report) allows exactly its inline scripts by hash in the Content-Security-Policy', async () => {
    const html = await renderHtml(hostile.document);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.length).toBe(3);
    const hashes = scripts.map(
      (s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`,
    );
    expect(csp).toContain(`script-src ${hashes.join(' ')};`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('renderHtml(report, {static: true}) has no script, one SVG per chart, and script-src none', async () => {
    const html = await renderHtml(hostile.document, { static: true });
    expect(openings(html)).toEqual([]);
    expect(html).toContain("script-src 'none'");
    expect(html.match(/<figure class="chart"[^>]*><svg /g)?.length).toBe(hostile.charts.length);
    expect(html).not.toContain('<img src=x');
  });

  it('renderHtml(doc) writes the sample table once when several charts share it', async () => {
    const html = await renderHtml(hostile.document);
    const specs = JSON.parse(
      /<script type="application\/json" id="cl-specs">(.*?)<\/script>/s.exec(html)![1]!,
    );
    const inline = JSON.stringify(specs).split('"name":"rows","values"').length - 1;
    expect(inline).toBe(0);
    const rows = JSON.parse(
      /<script type="application\/json" id="cl-rows">(.*?)<\/script>/s.exec(html)![1]!,
    );
    expect(rows.length).toBe(36);
  });

  it('compileToVega(spec) throws when Vega-Lite warns, and drops the baked-in background', async () => {
    const vg = await compileToVega(screeSpec([0.6, 0.4]));
    expect('background' in vg).toBe(false);
    const bad = {
      data: { values: [{ a: 1, b: 2 }] },
      mark: 'bar',
      encoding: { x: { field: 'a', type: 'quantitative' }, shape: { field: 'b', type: 'nominal' } },
    };
    await expect(compileToVega(bad as never)).rejects.toThrow(/warned/);
  });

  it('renderHtml(doc) renders text, tables and code blocks escaped', async () => {
    const doc: ReportDocument = {
      title: 'T <1>',
      subtitle: 'S & s',
      sections: [
        {
          id: 'a"b',
          title: '<h>',
          blocks: [
            { kind: 'text', text: 'x < y' },
            { kind: 'table', head: ['<k>'], rows: [['1.5'], ['<v>']] },
            { kind: 'code', summary: 'J', text: '{"a":"</pre>"}' },
          ],
        },
      ],
    };
    const html = await renderHtml(doc);
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).toContain('<section id="a&quot;b"');
    expect(html).toContain('<p>x &lt; y</p>');
    expect(html).toContain('<td class="num">1.5</td>');
    expect(html).toContain('<td>&lt;v&gt;</td>');
    expect(html).toContain('&lt;/pre&gt;');
  });
});
