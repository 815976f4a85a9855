/**
 * Declarative checks of hyperparameters with one message template:
 *
 *   The 'k' option of kmeans must be an integer >= 1. Got 0 instead.
 *
 * Every public function resolves `{...defaults, ...options}` once at its boundary and passes each
 * field through one of these checks. They throw `OptionError`.
 */
import { OptionError } from './errors.js';

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  return typeof value;
}

function fail(fn: string, option: string, requirement: string, value: unknown): never {
  throw new OptionError(
    `The '${option}' option of ${fn} must be ${requirement}. Got ${show(value)} instead.`,
  );
}

function range(min: number, max: number): string {
  if (min > -Infinity && max < Infinity) return ` in [${min}, ${max}]`;
  if (min > -Infinity) return ` >= ${min}`;
  if (max < Infinity) return ` <= ${max}`;
  return '';
}

/** An integer in [min, max]. */
export function checkInteger(
  fn: string,
  option: string,
  value: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(fn, option, `an integer${range(min, max)}`, value);
  }
  return value;
}

/** Bounds of `checkNumber`; exclusive bounds are written as `(` `)` in the message. */
export interface NumberBounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** A finite number within the given bounds. */
export function checkNumber(
  fn: string,
  option: string,
  value: unknown,
  bounds: NumberBounds = {},
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = bounds;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max);
  if (!ok) {
    let requirement = 'a finite number';
    if (min > -Infinity && max < Infinity) {
      requirement += ` in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
    } else if (min > -Infinity) {
      requirement += ` ${minExclusive ? '>' : '>='} ${min}`;
    } else if (max < Infinity) {
      requirement += ` ${maxExclusive ? '<' : '<='} ${max}`;
    }
    fail(fn, option, requirement, value);
  }
  return value as number;
}

/** One of a fixed set of keywords. */
export function checkKeyword<T extends string>(
  fn: string,
  option: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(fn, option, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** A boolean. */
export function checkBoolean(fn: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(fn, option, 'a boolean', value);
  return value;
}

/** Reject option names the function does not know (catches typos such as `nint` for `nInit`). */
export function checkKnownOptions(fn: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new OptionError(
        `${fn} has no option '${key}'. Known options: ${known.map((k) => `'${k}'`).join(', ')}.`,
      );
    }
  }
}
