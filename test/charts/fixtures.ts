/**
 * Small hand-made inputs for the chart tests, and the two checks every spec must pass: it
 * compiles with zero Vega-Lite warnings, and (in specs.test.ts, where the schema is compiled once)
 * it validates against the Vega-Lite JSON schema.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { type SampleTable, sampleTable } from '../../src/charts/samples.js';

/** Compile to Vega and return the warnings (and errors) Vega-Lite logged. */
export function compileWarnings(spec: TopLevelSpec): string[] {
  const messages: string[] = [];
  const logger = {
    level: (..._: unknown[]) => logger,
    error: (...m: unknown[]) => {
      messages.push(`error: ${m.join(' ')}`);
      return logger;
    },
    warn: (...m: unknown[]) => {
      messages.push(`warn: ${m.join(' ')}`);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  // biome-ignore lint/suspicious/noExplicitAny: vega-lite's logger type is vega-util's LoggerInterface
  compile(spec, { logger: logger as any });
  return messages;
}

/** Six samples in two clusters, three features, with a held-out label and silhouettes. */
export function tinyTable(options: { label?: boolean; hcluster?: boolean } = {}): SampleTable {
  const { label = true, hcluster = true } = options;
  const original = [1, 2, 3, 1.5, 2.5, 3.5, 2, 2, 2, 8, 9, 7, 8.5, 9.5, 7.5, 9, 9, 8];
  const zscores = original.map((v) => (v - 5) / 3);
  return sampleTable(
    {
      ids: ['a', 'b', 'c', 'd', 'e', 'f'],
      clusters: [0, 0, 0, 1, 1, 1],
      ...(hcluster ? { hclusters: [0, 0, 1, 1, 1, 1] } : {}),
      ...(label ? { labels: ['x', 'x', 'y', 'y', 'y', 'y'] } : {}),
      pc1: [-2, -1.5, -1, 1, 1.5, 2],
      pc2: [0.1, -0.2, 0.3, -0.1, 0.2, -0.3],
      silhouette: [0.7, 0.8, 0.2, 0.9, 0.6, 0.75],
      features: ['height', 'width.cm', 'a"b'],
      original,
      zscores,
    },
    2,
  );
}

/** The hostile strings every chart must carry as data, never as code or markup. */
export const HOSTILE = ['<script>', '</script>', '"><svg onload=alert(1)>', "it's", 'a.b[0]'];

/** Eight samples, eight features (wide enough for the stacked explore layout). */
export function wideTable(): SampleTable {
  const d = 8;
  const n = 8;
  const original = Array.from({ length: n * d }, (_, t) => ((t * 7) % 11) + (t % d));
  return sampleTable(
    {
      ids: Array.from({ length: n }, (_, i) => `s${i}`),
      clusters: [0, 1, 2, 0, 1, 2, 0, 1],
      pc1: [1, 2, 3, 4, 5, 6, 7, 8],
      pc2: [2, 1, 2, 1, 2, 1, 2, 1],
      features: Array.from({ length: d }, (_, j) => `feature ${j}`),
      original,
      zscores: original.map((v) => (v - 8) / 4),
    },
    3,
  );
}

const SNAPSHOTS = new URL('./snapshots/', import.meta.url);

/**
 * Compare a spec with its stored snapshot (test/charts/snapshots/NAME.vl.json). On a mismatch the
 * new spec is written next to it as NAME-changed.vl.json for review. A missing snapshot is
 * written (and fails under CI=true, where snapshots must be committed).
 */
export function expectSnapshot(name: string, spec: unknown): void {
  const text = `${JSON.stringify(spec, null, 1)}\n`;
  const file = new URL(`${name}.vl.json`, SNAPSHOTS);
  if (!existsSync(file)) {
    if (process.env.CI === 'true') throw new Error(`missing snapshot ${file.pathname}`);
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  const want = readFileSync(file, 'utf8');
  if (want !== text) writeFileSync(new URL(`${name}-changed.vl.json`, SNAPSHOTS), text);
  expect(text, `snapshot ${name} changed; see ${name}-changed.vl.json`).toBe(want);
}

/**
 * Compile a spec and run it in a headless Vega view (no renderer): the Vega expressions parse and
 * every data flow runs, as in a browser. Finalize the view when done.
 */
export async function runView(spec: TopLevelSpec): Promise<vega.View> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  return view;
}

/** The texts of the axis labels of a view, axis by axis, in drawing order. */
export function axisLabels(view: vega.View): string[][] {
  const out: string[][] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the scenegraph is untyped
  const walk = (node: any) => {
    if (!node) return;
    if (node.role === 'axis-label') {
      // biome-ignore lint/suspicious/noExplicitAny: scenegraph items
      out.push((node.items ?? []).map((item: any) => String(item.text)));
      return;
    }
    for (const item of node.items ?? []) walk(item);
  };
  // biome-ignore lint/suspicious/noExplicitAny: the scenegraph is untyped
  walk((view.scenegraph() as any).root);
  return out;
}

/**
 * Eight samples with seven label values (more than the shapes), of which the points are the
 * samples 0, 2, 4 and 6 and the silhouettes those of every sample: the table of a report whose
 * points and silhouettes are two nested seeded samples. Two tooltip features of three.
 */
export function sampledTable(): SampleTable {
  const n = 8;
  const original = Array.from({ length: n * 3 }, (_, t) => ((t * 5) % 7) + (t % 3));
  return sampleTable(
    {
      ids: Array.from({ length: n }, (_, i) => `s${i}`),
      clusters: [0, 1, 0, 1, 0, 1, 0, 1],
      labels: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'a'],
      pc1: [1, 2, 3, 4, 5, 6, 7, 8],
      pc2: [2, 1, 2, 1, 2, 1, 2, 1],
      silhouette: [0.5, 0.4, 0.3, 0.6, 0.2, 0.1, 0.7, 0.35],
      features: ['f0', 'f1', 'f2'],
      original,
      zscores: original.map((v) => (v - 4) / 2),
      points: [0, 2, 4, 6],
      tipColumns: [2, 0],
      zColumns: [2, 0, 1],
    },
    2,
  );
}
