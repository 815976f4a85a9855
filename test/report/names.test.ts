/**
 * Names from the data that break script or that Object.prototype gives a meaning to, in every
 * output: random column names, label values, ids and label/id column names built from fragments
 * such as 'constructor', '__proto__', 'then', U+2028, U+2029, quotes, backslashes, '</script>',
 * 'x.y', 'a[0]' and names of the report's own tooltip entries ('PC1'). Each case goes from a CSV
 * file through the loader, `inspect --json`, and the report (interactive and static): the loader
 * and the JSON, CSV and `inspect` outputs keep every name exactly, every chart's Vega-Lite spec
 * (NAME.vl/) compiles and runs in Vega on its own, and so do the Vega specs inside the
 * interactive HTML, as the browser would run them; the static HTML draws every chart.
 *
 * Seeded: FUZZ_SEED=<n> replays a run; the seed in use is printed once.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvParseRows } from 'd3-dsv';
import fc from 'fast-check';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectFile } from '../../src/cli/inspect.js';
import { loadDataset } from '../../src/data/load.js';
import { buildReport, writeReport } from '../../src/report/build.js';
import { escapeHtml } from '../../src/report/html.js';
import { toCsv } from '../../src/report/write.js';
import { setLogger } from '../../src/util/log.js';
import { RandomState } from '../../src/util/random.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${SEED}`);
console.log(`names fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`);

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-names-'));
const previousLogger = setLogger({ warn: () => undefined });
afterAll(() => {
  setLogger(previousLogger);
  rmSync(folder, { recursive: true, force: true });
});

const FRAGMENTS = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'isPrototypeOf',
  'then',
  '\u2028',
  '\u2029',
  '"',
  "'",
  '\\',
  '\n',
  '\t',
  '</script>',
  '<!--',
  'x.y',
  'a[0]',
  'PC1',
  'k-means cluster',
  '{x}$',
  'é',
  ' ',
];

/**
 * A name: one fragment (often exactly 'constructor'), or two or three; not blank (a blank header
 * name is renamed 'unnamed_j') and without white space around it.
 */
const name = fc
  .oneof(
    fc.constantFrom(...FRAGMENTS),
    fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 2, maxLength: 3 }).map((p) => p.join('')),
  )
  .filter((text) => text.trim() !== '' && text.trim() === text);

const caseOf = fc
  .uniqueArray(name, { minLength: 5, maxLength: 7 })
  .chain((names) =>
    fc.record({
      names: fc.constant(names),
      classes: fc.uniqueArray(name, { minLength: 2, maxLength: 3 }),
      ids: fc.array(name, { minLength: 4, maxLength: 4 }),
    }),
  )
  .map(({ names, classes, ids }) => ({
    features: names.slice(2),
    labelColumn: names[0]!,
    idColumn: names[1]!,
    classes,
    ids,
  }));

/** Run a compiled Vega spec headless (no renderer): its expressions parse and its flows run. */
async function runVega(spec: vega.Spec): Promise<void> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    await view.runAsync();
  } finally {
    view.finalize();
  }
}

describe('names that break script or look up Object.prototype', () => {
  it('keep every name in every output, and every chart runs', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(caseOf, async (c) => {
        const dir = join(folder, `case${count++}`);
        const n = 24;
        const rng = new RandomState(count);
        const labels = Array.from({ length: n }, (_, i) => c.classes[i % c.classes.length]!);
        const ids = Array.from({ length: n }, (_, i) => c.ids[i % c.ids.length]!);
        const rows = labels.map((label, i) => [
          ids[i]!,
          label,
          ...c.features.map((_, j) => 4 * ((i % c.classes.length) + j) + rng.gauss()),
        ]);
        const header = [c.idColumn, c.labelColumn, ...c.features];
        const { mkdirSync } = await import('node:fs');
        mkdirSync(dir);
        const csv = join(dir, 'data.csv');
        writeFileSync(csv, toCsv(header, rows));

        // the loader
        const dataset = await loadDataset(csv, { label: c.labelColumn, id: c.idColumn });
        expect(dataset.columns).toEqual(c.features);
        expect(dataset.labels).toEqual(labels);
        expect(dataset.ids).toEqual(ids);

        // inspect --json: the classes and their counts, whatever their names
        const inspection = JSON.parse(
          JSON.stringify(await inspectFile(csv, { label: c.labelColumn, id: c.idColumn })),
        );
        const classes = inspection.columns.find(
          (col: { name: string }) => col.name === c.labelColumn,
        ).classes;
        const counts = new Map<string, number>();
        for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
        expect(new Map(Object.entries(classes))).toEqual(counts);
        expect(Object.keys(classes)).toEqual([...counts.keys()].sort());

        // the report, interactive and static
        const report = buildReport(dataset, { k: c.classes.length, kMax: 4 });
        const html = join(dir, 'r.html');
        await writeReport(html, report);
        const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
        expect(result.features).toEqual(c.features);
        expect(result.ids).toEqual(ids);
        const csvRows = csvParseRows(readFileSync(join(dir, 'r.labels.csv'), 'utf8'));
        expect(csvRows.slice(1).map((r) => r[0]!.replace(/^'(?=[=+\-@\t\r])/, ''))).toEqual(ids);

        // every .vl.json on its own: Vega-Lite compiles it, Vega runs it
        const specs = readdirSync(join(dir, 'r.vl'));
        expect(specs).toHaveLength(report.charts.length);
        for (const file of specs) {
          const spec = JSON.parse(readFileSync(join(dir, 'r.vl', file), 'utf8')) as TopLevelSpec;
          await runVega(compile(spec).spec);
        }

        // the Vega specs of the interactive page, with the shared table put back as the page does
        const page = readFileSync(html, 'utf8');
        const block = (id: string) => {
          const m = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's');
          const found = m.exec(page);
          return found ? JSON.parse(found[1]!) : undefined;
        };
        const shared = block('cl-rows');
        const embedded = block('cl-specs') as { spec: vega.Spec }[];
        expect(embedded).toHaveLength(report.charts.length);
        for (const { spec } of embedded) {
          for (const d of (spec.data ?? []) as { name: string; values?: unknown }[]) {
            if (d.name === 'rows' && d.values === undefined) d.values = structuredClone(shared);
          }
          await runVega(spec);
        }
        // the markup shows the names (escaped), and no raw U+2028 sits in a script
        for (const f of c.features) expect(page).toContain(escapeHtml(f));
        for (const script of page.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? []) {
          expect(script).not.toMatch(/[\u2028\u2029]/);
        }

        // the static page (SVG rendered in Node, seconds per report) for the first cases only:
        // it runs the same Vega specs as above, then draws them
        if (count > 2) return;
        const staticHtml = join(dir, 's.html');
        await writeReport(staticHtml, report, { static: true });
        const staticPage = readFileSync(staticHtml, 'utf8');
        expect(staticPage.match(/<figure class="chart"[^>]*><svg /g)).toHaveLength(
          report.charts.length,
        );
      }),
      { seed: SEED, numRuns: 6 },
    );
  });
});
