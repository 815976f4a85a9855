/**
 * Small hand-made inputs for the chart tests, and the two checks every spec must pass: it
 * compiles with zero Vega-Lite warnings, and (in specs.test.ts, where the schema is compiled once)
 * it validates against the Vega-Lite JSON schema.
 */
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
