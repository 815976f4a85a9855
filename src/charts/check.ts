/**
 * Argument checks of the chart builders, at their boundary: the inputs are plain objects that a
 * caller may build by hand (or from a saved JSON), so every field a builder reads is checked for
 * its type and length first, and a mistake is an `OptionError` that names the builder and the
 * field ("The 'input.leafLabels' argument of dendrogramSpec must be an array of strings. Got
 * null instead.") instead of a TypeError from deep inside. The checks are O(size of the input):
 * every value is looked at once, nothing is copied.
 */
import { OptionError } from '../util/errors.js';
import { checkArgument, checkKnownOptions } from '../util/validate.js';
import type { SampleTable } from './samples.js';

/** `value` is an object (not null, not an array); returns it to read its fields. */
export function objectArgument(fn: string, name: string, value: unknown): Record<string, unknown> {
  return checkArgument.object(fn, name, value) as Record<string, unknown>;
}

/** The options object of a builder: an object whose keys are all known. */
export function chartOptions(fn: string, options: unknown, known: readonly string[]): void {
  checkKnownOptions(fn, options as object, known);
}

/** An array of `length` arrays of numbers (of `width` numbers each, when given). */
export function numberRows(
  fn: string,
  name: string,
  value: unknown,
  length?: number,
  width?: number,
): void {
  const what = 'an array of arrays of numbers';
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new OptionError(
      `The '${name}' argument of ${fn} must be ${what}` +
        `${length === undefined ? '' : ` (${length} of them)`}. Got ${shape(value)} instead.`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    checkArgument.numbers(fn, `${name}[${i}]`, value[i], width);
  }
}

/** The sample table of `sampleTable`, as the sample-level charts read it. */
export function checkSampleTable(fn: string, value: unknown): asserts value is SampleTable {
  const t = objectArgument(fn, 'table', value);
  if (!Array.isArray(t.rows)) {
    throw new OptionError(
      `The 'table.rows' argument of ${fn} must be an array of sample records (from sampleTable). ` +
        `Got ${shape(t.rows)} instead.`,
    );
  }
  const features = checkArgument.strings(fn, 'table.features', t.features);
  checkArgument.integer(fn, 'table.k', t.k, 0);
  checkArgument.integer(fn, 'table.total', t.total, 0);
  for (const flag of ['hasLabel', 'hasHcluster', 'hasSilhouette'] as const) {
    if (typeof t[flag] !== 'boolean') {
      throw new OptionError(
        `The 'table.${flag}' argument of ${fn} must be true or false. Got ${shape(t[flag])} instead.`,
      );
    }
  }
  const d = features.length;
  const tips = columnList(fn, 'table.tipColumns', t.tipColumns, d);
  const zs = columnList(fn, 'table.zColumns', t.zColumns, d);
  if (typeof t.pointFlag !== 'boolean') {
    throw new OptionError(
      `The 'table.pointFlag' argument of ${fn} must be true or false. Got ${shape(t.pointFlag)} instead.`,
    );
  }
  const rows = t.rows as unknown[];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Record<string, unknown> | null;
    const ok =
      typeof r === 'object' &&
      r !== null &&
      typeof r.id === 'string' &&
      typeof r.cluster === 'string' &&
      typeof r.pc1 === 'number' &&
      typeof r.pc2 === 'number' &&
      (tips.length === 0 || typeof r[`f${tips[0]}`] === 'number') &&
      (zs.length === 0 || typeof r[`z${zs[zs.length - 1]}`] === 'number');
    if (!ok) {
      throw new OptionError(
        `The 'table.rows' argument of ${fn} must hold the sample records of sampleTable ` +
          `({id, cluster, pc1, pc2, f0.., z0..}); record ${i} is not one.`,
      );
    }
  }
}

/** A list of column indices in [0, d). */
function columnList(fn: string, name: string, value: unknown, d: number): number[] {
  const ok = Array.isArray(value) && value.every((j) => Number.isInteger(j) && j >= 0 && j < d);
  if (!ok) {
    throw new OptionError(
      `The '${name}' argument of ${fn} must be an array of column indices in [0, ${d}). ` +
        `Got ${shape(value)} instead.`,
    );
  }
  return value as number[];
}

/** `value` is a string. */
export function stringArgument(fn: string, name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new OptionError(
      `The '${name}' argument of ${fn} must be a string. Got ${shape(value)} instead.`,
    );
  }
  return value;
}

/** `value` is a number (NaN and infinities included: the builders show them as such). */
export function numberArgument(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new OptionError(
      `The '${name}' argument of ${fn} must be a number. Got ${shape(value)} instead.`,
    );
  }
  return value;
}

/** `value` is true or false. */
export function booleanArgument(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new OptionError(
      `The '${name}' argument of ${fn} must be true or false. Got ${shape(value)} instead.`,
    );
  }
  return value;
}

function shape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
