/**
 * What every chart shares: the Vega-Lite schema URL, the one place where a spec assembled
 * from loosely typed parts (layers built in loops, conditional encodings) is declared a
 * `TopLevelSpec`, and the treatment of names from the data that Vega-Lite writes into Vega
 * expressions. The schema test (test/charts/specs.test.ts) validates every chart against
 * vega-lite-schema.json, which checks what this cast cannot.
 *
 * Names from the data (column names, the label and id column names) become the titles of field
 * definitions, and Vega-Lite writes those titles into Vega expressions: tooltips are object
 * literals keyed by title, and aria descriptions are string literals ("title: " + value).
 * Vega-Lite puts the title between double quotes and escapes nothing but the double quotes, so
 * `fieldTitle` writes a name as the inside of a string literal that reads as the name:
 * - backslashes, control characters (a line break in a CSV header) and U+2028/U+2029 (which end a
 *   string literal in Vega's parser) are escaped (\\, \u000a, \u2028);
 * - the names of Object.prototype members ('constructor', 'toString', '__proto__', ...) and 'then',
 *   which Vega refuses as object keys ("Illegal property"), get an invisible U+200B (zero width
 *   space) appended, so they read the same and are not the refused key.
 * Such a title reads right only inside an expression: axes and legends get their own title,
 * through `plainTitle`. Vega writes a plain title into an expression too, as a JSON string (which
 * escapes all but one thing): its parser takes a string literal whose value names a member of
 * Object.prototype ("constructor") for a signal of that name, and fails. Such a name gets the
 * invisible U+200B too, wherever a name is a whole title. Data values never enter an expression: the charts read them through fixed
 * field names (src/charts/samples.ts) and order categories by numeric fields, not by sort arrays
 * (which Vega-Lite compiles into expressions that quote every value).
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

/**
 * A name from the data as a title of its own (an axis, a legend): a name Vega's expression parser
 * takes for a signal ('constructor', '__proto__', any member of Object.prototype) gets U+200B.
 */
export function plainTitle(name: string): string {
  return Object.hasOwn(Object.prototype, name) ? name + INVISIBLE : name;
}

/**
 * A name from the data as the `title` of a field definition: the inside of the string literal
 * Vega-Lite writes it into (see above).
 */
export function fieldTitle(name: string): string {
  let text = '';
  for (const c of name) {
    const code = c.charCodeAt(0);
    if (c === '\\') text += '\\\\';
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) {
      text += `\\u${code.toString(16).padStart(4, '0')}`;
    } else text += c;
  }
  return REFUSED_KEYS.has(name) ? text + INVISIBLE : text;
}

/**
 * Tooltip fields with distinct titles, each through `fieldTitle`. A title that repeats an earlier
 * one (a feature named 'PC1' beside the PC1 score) gets U+200B appended until it is new: the
 * tooltip is an object keyed by title, and Vega-Lite drops an entry whose key is taken.
 */
export function tooltipFields<T extends { title: string }>(fields: readonly T[]): T[] {
  const seen = new Set<string>();
  return fields.map((f) => {
    let title = fieldTitle(f.title);
    while (seen.has(title)) title += INVISIBLE;
    seen.add(title);
    return { ...f, title };
  });
}
