/**
 * What every chart shares: the Vega-Lite schema URL, the one place where a spec assembled
 * from loosely typed parts (layers built in loops, conditional encodings) is declared a
 * `TopLevelSpec`, and the treatment of names from the data that Vega-Lite writes into Vega
 * expressions. The schema test (test/charts/specs.test.ts) validates every chart against
 * vega-lite-schema.json, which checks what this cast cannot.
 *
 * Names from the data (column names, the label and id column names) become encoding titles, and
 * Vega-Lite writes those titles into Vega expressions: tooltips are object literals keyed by
 * title, and aria descriptions are string literals ("title: " + value). Two kinds of name break
 * those expressions, and `titleText` changes them as little as the display allows:
 * - U+2028 and U+2029: Vega-Lite quotes with JSON.stringify, which leaves them raw, and Vega's
 *   expression parser refuses a line terminator inside a string literal. They become spaces
 *   (what a single-line title shows for a line break anyway).
 * - the names of Object.prototype members ('constructor', 'toString', '__proto__', ...) and
 *   'then': Vega refuses them as object keys ("Illegal property"). They get an invisible
 *   U+200B (zero width space) appended, so they read the same and are not the refused key.
 * Data values never enter an expression: the charts read them through fixed field names
 * (src/charts/samples.ts) and order categories by numeric fields, not by sort arrays (which
 * Vega-Lite compiles into expressions that quote every value).
 */
import type { TopLevelSpec } from 'vega-lite';

/** The `$schema` of every spec. */
export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A spec, with `$schema` first. */
export function topLevel(spec: object): TopLevelSpec {
  return { $schema: VL_SCHEMA, ...spec } as unknown as TopLevelSpec;
}

/** Object keys a Vega expression refuses: Object.prototype's members and 'then'. */
const REFUSED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'then']);

/** Zero width space: makes a refused or repeated title a different string that reads the same. */
const INVISIBLE = '\u200b';

/** A name from the data as an encoding title that Vega-Lite can write into an expression. */
export function titleText(name: string): string {
  const text = name.replace(/[\u2028\u2029]/g, ' ');
  return REFUSED_KEYS.has(text) ? text + INVISIBLE : text;
}

/**
 * Tooltip fields with usable, distinct titles: each through `titleText`, and a title that repeats
 * an earlier one (a feature named 'PC1' beside the PC1 score) gets U+200B appended until it is new,
 * since the tooltip is an object keyed by title and a repeated key would hide the earlier entry.
 */
export function tooltipFields<T extends { title: string }>(fields: readonly T[]): T[] {
  const seen = new Set<string>();
  return fields.map((f) => {
    let title = titleText(f.title);
    while (seen.has(title)) title += INVISIBLE;
    seen.add(title);
    return { ...f, title };
  });
}
