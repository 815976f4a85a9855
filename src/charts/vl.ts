/**
 * What every chart shares: the Vega-Lite schema URL, and the one place where a spec assembled
 * from loosely typed parts (layers built in loops, conditional encodings) is declared a
 * `TopLevelSpec`. The schema test (test/charts/specs.test.ts) validates every chart against
 * vega-lite-schema.json, which checks what this cast cannot.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The `$schema` of every spec. */
export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A spec, with `$schema` first. */
export function topLevel(spec: object): TopLevelSpec {
  return { $schema: VL_SCHEMA, ...spec } as unknown as TopLevelSpec;
}
