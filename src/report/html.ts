/**
 * The one-file HTML report.
 *
 *   document (sections of text, tables and charts)
 *     -> compile every Vega-Lite spec to Vega in Node (vega-lite's `compile`, zero warnings);
 *        the sample table that several charts read (their dataset 'rows', the same array) is
 *        left out of each compiled spec
 *     -> interactive: inline vega.min.js + vega-embed.min.js, the Vega specs, and the shared
 *        sample table once; a boot script embeds each chart and mirrors the legend selection
 *        ('pick') of any chart into every other chart
 *     -> static (`static: true`): every chart rendered to SVG in Node, no script at all.
 *
 * Nothing is fetched from a network: no URL is loaded, the 'Open in Vega Editor' action is off,
 * and a Content-Security-Policy allows only the inline scripts by hash, inline styles, and data:
 * images. Every string that comes from the data (column names, ids, labels, the file name) goes
 * through `escapeHtml` in markup or `scriptJson` inside a script element.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkRenderArguments } from './document-check.js';
import type * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { OptionError } from '../util/errors.js';

/** A chart of the report. */
export interface ReportChart {
  /** File-safe name, also used for the .vl.json file and the export file name. */
  name: string;
  spec: TopLevelSpec;
  /** 'canvas' for charts with thousands of marks. Default: 'svg'. */
  renderer?: 'svg' | 'canvas';
}

/** A block of a report section. */
export type ReportBlock =
  | { kind: 'text'; text: string /** Only in the interactive report. */; interactive?: boolean }
  | {
      kind: 'table';
      head: readonly string[];
      rows: readonly (readonly string[])[];
      /** When set, the table is folded under this summary (a long table). */
      summary?: string;
    }
  | { kind: 'chart'; chart: ReportChart }
  | { kind: 'code'; summary: string; text: string };

/** A section of the report. */
export interface ReportSection {
  id: string;
  title: string;
  blocks: ReportBlock[];
}

/** What `renderHtml` needs. */
export interface ReportDocument {
  title: string;
  subtitle: string;
  sections: ReportSection[];
}

/** Escape text for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>` and `&` are written as \u escapes (so
 * no `</script>` or `<!--` can appear), and so are U+2028 and U+2029.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let engines:
  | Promise<{ vega: typeof vega; compile: typeof import('vega-lite').compile }>
  | undefined;

/**
 * vega and vega-lite, imported when a report is first rendered: they take more CPU time to load
 * (0.6 s) than most fits take to run, and only rendering needs them.
 */
function loadEngines() {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([v, vl]) => ({
    vega: v,
    compile: vl.compile,
  }));
  return engines;
}

/** A Vega-Lite warning while compiling a report chart is a bug in the chart: it throws. */
export async function compileToVega(spec: TopLevelSpec, name = 'chart'): Promise<vega.Spec> {
  const { compile } = await loadEngines();
  const problems: string[] = [];
  const collect = (...m: unknown[]) => {
    problems.push(m.join(' '));
    return logger;
  };
  const logger = {
    level: () => logger,
    error: collect,
    warn: collect,
    info: () => logger,
    debug: () => logger,
  };
  // biome-ignore lint/suspicious/noExplicitAny: vega-lite's logger type is vega-util's LoggerInterface
  const out = compile(spec, { logger: logger as any }).spec as vega.Spec;
  if (problems.length > 0) {
    throw new Error(`Vega-Lite warned while compiling the ${name} chart: ${problems.join('; ')}`);
  }
  // The compiled spec bakes in a white background; the page chooses it (dark mode).
  delete (out as { background?: unknown }).background;
  return out;
}

const require = createRequire(import.meta.url);
let libraries: { vega: string; embed: string } | undefined;

/** The minified vega and vega-embed builds, read once from node_modules. */
export function vegaLibraries(): { vega: string; embed: string } {
  if (!libraries) {
    const vegaDir = dirname(require.resolve('vega/vega-schema.json'));
    const embedDir = dirname(require.resolve('vega-embed'));
    const guard = (s: string) => s.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
    libraries = {
      vega: guard(readFileSync(join(vegaDir, 'vega.min.js'), 'utf8')),
      embed: guard(readFileSync(join(embedDir, 'vega-embed.min.js'), 'utf8')),
    };
  }
  return libraries;
}

/** The name of the dataset that sample-level charts share. */
const SHARED = 'rows';

/** Charts in document order. */
function chartsOf(doc: ReportDocument): ReportChart[] {
  const out: ReportChart[] = [];
  for (const s of doc.sections) for (const b of s.blocks) if (b.kind === 'chart') out.push(b.chart);
  return out;
}

/** Render a chart to SVG in Node (no browser, no canvas): for `--static`. */
export async function renderSvg(vg: vega.Spec): Promise<string> {
  const { vega } = await loadEngines();
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    view.background('white');
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

const STYLE = `:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#ffffff;--muted:#5f6368;--line:#d8d8d8;--panel:#f6f7f9}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#1b1c1e;--muted:#a0a4a8;--line:#3a3b3e;--panel:#242528}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1180px;margin:0 auto;padding:0 24px}
header{padding-top:28px;padding-bottom:8px;border-bottom:1px solid var(--line)}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;padding-top:8px;border-top:1px solid var(--line)}
.sub{color:var(--muted);margin:0}
nav{margin:10px 0 0;font-size:14px}nav a{color:inherit;margin-right:14px}
p{max-width:78ch}
table{border-collapse:collapse;font-size:13px;margin:8px 0 16px}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:12px 0 20px;overflow-x:auto}
figcaption{color:var(--muted);font-size:13px;max-width:90ch;margin-top:4px}
details.cl-code{margin:8px 0;background:var(--panel);padding:8px 12px;border-radius:6px}
details.cl-table{margin:8px 0}details.cl-table summary{cursor:pointer;color:var(--muted)}
pre{white-space:pre-wrap;word-break:break-all;font-size:12px;margin:8px 0 0}
.vega-embed{max-width:100%}
figure.chart>svg{max-width:100%;height:auto}
.vega-embed summary{background:var(--bg)}
@media print{header,main{max-width:none;padding:0}section{break-inside:avoid}nav,.vega-embed details,details.cl-code{display:none}
svg{max-width:100%;height:auto}canvas{max-width:100%!important;height:auto!important}h2{break-after:avoid}}`;

/**
 * The boot script of the interactive report. It reads the specs and the shared sample table from
 * the JSON blocks, gives every chart its own copy of the table (Vega marks the rows it ingests),
 * embeds the charts, and mirrors the legend selection between them.
 */
const BOOT = `(function(){
var read=function(id){var e=document.getElementById(id);return e?JSON.parse(e.textContent):null;};
var charts=read('cl-specs');var sharedText=document.getElementById('cl-rows');
var dark=window.matchMedia&&window.matchMedia('(prefers-color-scheme: dark)').matches;
var views=[];var linked=[];var current='[]';
function broadcast(source,values){var key=JSON.stringify(values.map(function(t){return t.values;}));
if(key===current)return;current=key;
linked.forEach(function(v){if(v===source)return;
v.data('pick_store',values.map(function(t){return {unit:t.unit,fields:t.fields,values:t.values.slice()};}));v.runAsync();});}
window.clusterlens={views:views,ready:Promise.all(charts.map(function(c,i){
var spec=c.spec;(spec.data||[]).forEach(function(d){if(d.name==='${SHARED}'&&d.values===undefined&&sharedText){d.values=JSON.parse(sharedText.textContent);}});
return vegaEmbed('#cl-chart-'+i,spec,{mode:'vega',renderer:c.renderer,ast:true,
theme:dark?'dark':undefined,config:{background:dark?'#1b1c1e':'white'},downloadFileName:c.name,
actions:{export:true,source:false,compiled:false,editor:false}}).then(function(r){
var v=r.view;views.push(v);
var hasPick=true;try{v.data('pick_store');}catch(e){hasPick=false;}
if(hasPick){linked.push(v);v.addDataListener('pick_store',function(n,values){broadcast(v,values);});}
return v;});}))};})();`;

/**
 * Render the report document to one HTML file (a string). `run`: the id of the run that writes
 * it (16 hex digits), as `<meta name="clusterlens-run">` in the head (see outputs.ts).
 */
export async function renderHtml(
  doc: ReportDocument,
  options: { static?: boolean; run?: string } = {},
): Promise<string> {
  checkRenderArguments(doc, options);
  if (options.run !== undefined && !/^[0-9a-f]{16}$/.test(options.run)) {
    throw new OptionError(
      `The 'run' option of renderHtml must be 16 hex digits. Got '${String(options.run)}' instead.`,
    );
  }
  const isStatic = options.static ?? false;
  const charts = chartsOf(doc);
  // The sample table enters the page once: every chart whose 'rows' dataset is that same array
  // is compiled without the values, which the boot script (or, static, the SVG renderer) binds.
  const shared = charts
    .map((c) => (c.spec as { datasets?: Record<string, unknown> }).datasets?.[SHARED])
    .find((v) => v !== undefined) as unknown[] | undefined;
  const compiled: vega.Spec[] = [];
  for (const c of charts) {
    const spec = c.spec as TopLevelSpec & { datasets?: Record<string, unknown> };
    if (shared === undefined || spec.datasets?.[SHARED] !== shared) {
      compiled.push(await compileToVega(spec, c.name));
      continue;
    }
    const vg = await compileToVega(
      { ...spec, datasets: { ...spec.datasets, [SHARED]: [] } },
      c.name,
    );
    for (const d of (vg.data ?? []) as { name: string; values?: unknown }[]) {
      if (d.name !== SHARED) continue;
      // static: a copy per chart, since Vega marks and extends the records it ingests
      if (isStatic) d.values = JSON.parse(JSON.stringify(shared));
      else delete d.values;
    }
    compiled.push(vg);
  }
  const svgs = isStatic ? await Promise.all(compiled.map((vg) => renderSvg(vg))) : [];
  let index = 0;
  const body: string[] = [];
  for (const s of doc.sections) {
    body.push(`<section id="${escapeHtml(s.id)}" aria-labelledby="${escapeHtml(s.id)}-h">`);
    body.push(`<h2 id="${escapeHtml(s.id)}-h">${escapeHtml(s.title)}</h2>`);
    for (const b of s.blocks) {
      switch (b.kind) {
        case 'text':
          if (!(isStatic && b.interactive)) body.push(`<p>${escapeHtml(b.text)}</p>`);
          break;
        case 'table': {
          const num = (c: string) => /^[-+]?[\d.,]+(e[-+]?\d+)?%?$/i.test(c);
          const head = b.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
          const rows = b.rows
            .map(
              (r) =>
                `<tr>${r.map((c) => `<td${num(c) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
            )
            .join('\n');
          const table = `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
          body.push(
            b.summary === undefined
              ? table
              : `<details class="cl-table"><summary>${escapeHtml(b.summary)}</summary>${table}</details>`,
          );
          break;
        }
        case 'code':
          body.push(
            `<details class="cl-code"><summary>${escapeHtml(b.summary)}</summary><pre>${escapeHtml(b.text)}</pre></details>`,
          );
          break;
        case 'chart': {
          const i = index++;
          const description = String((b.chart.spec as { description?: string }).description ?? '');
          const caption = `<figcaption id="cl-cap-${i}">${escapeHtml(description)}</figcaption>`;
          if (isStatic) {
            const svg = svgs[i]!.replace(
              /^<svg /,
              `<svg role="img" aria-labelledby="cl-cap-${i}" `,
            );
            body.push(
              `<figure class="chart" data-chart="${escapeHtml(b.chart.name)}">${svg}${caption}</figure>`,
            );
          } else {
            body.push(
              `<figure class="chart" data-chart="${escapeHtml(b.chart.name)}" aria-describedby="cl-cap-${i}">` +
                `<div id="cl-chart-${i}"></div>${caption}</figure>`,
            );
          }
          break;
        }
      }
    }
    body.push('</section>');
  }
  const nav = doc.sections
    .map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`)
    .join('');
  const scripts: string[] = [];
  const data: string[] = [];
  if (!isStatic) {
    const lib = vegaLibraries();
    scripts.push(lib.vega, lib.embed, BOOT);
    const specs = charts.map((c, i) => ({
      name: c.name,
      renderer: c.renderer ?? 'svg',
      spec: compiled[i],
    }));
    data.push(`<script type="application/json" id="cl-specs">${scriptJson(specs)}</script>`);
    if (shared !== undefined) {
      data.push(`<script type="application/json" id="cl-rows">${scriptJson(shared)}</script>`);
    }
  }
  const scriptSrc = isStatic ? "'none'" : scripts.map((s) => `'sha256-${sha256(s)}'`).join(' ');
  const csp = [
    "default-src 'none'",
    `script-src ${scriptSrc}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const head =
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    (options.run === undefined ? '' : `<meta name="clusterlens-run" content="${options.run}">\n`) +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<meta name="color-scheme" content="light dark">\n' +
    `<title>${escapeHtml(doc.title)}</title>\n<style>${STYLE}</style>\n` +
    scripts
      .slice(0, 2)
      .map((s) => `<script>${s}</script>\n`)
      .join('') +
    '</head>\n';
  return (
    head +
    '<body>\n<header>' +
    `<h1>${escapeHtml(doc.title)}</h1><p class="sub">${escapeHtml(doc.subtitle)}</p>` +
    `<nav aria-label="Sections">${nav}</nav></header>\n<main>\n` +
    body.join('\n') +
    '\n</main>\n' +
    data.join('\n') +
    (isStatic ? '' : `\n<script>${BOOT}</script>`) +
    '\n</body>\n</html>\n'
  );
}
