/**
 * Declarative checks of hyperparameters with one message template:
 *
 *   The 'k' option of kmeans must be an integer >= 1. Got 0 instead.
 *
 * Every public function resolves `{...defaults, ...options}` once at its boundary and passes each
 * field through one of these checks. They throw `OptionError`.
 */
import { OptionError } from './errors.js';

/**
 * Most restarts (`nInit`) a k-means function makes: a run costs O(n k d) per iteration, and a
 * count typed by mistake (1e9) would otherwise run for days.
 */
export const MAX_RESTARTS = 10_000;

/** Most iterations (`maxIterations`) of an iterative fit (k-means, mini-batch, PCA). */
export const MAX_ITERATIONS = 1_000_000;

function show(value: unknown): string {
  if (typeof value === 'string')
    return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (Array.isArray(value)) {
    return value.length > 10
      ? `an array of ${value.length}`
      : `[${value.map((v) => (Array.isArray(v) ? `array of ${v.length}` : show(v))).join(', ')}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  return typeof value;
}

function fail(
  fn: string,
  option: string,
  requirement: string,
  value: unknown,
  kind: 'option' | 'argument' = 'option',
  shown = show(value),
): never {
  throw new OptionError(
    `The '${option}' ${kind} of ${fn} must be ${requirement}. Got ${shown} instead.`,
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

/**
 * Reject options that are not an object (null, a number, an array), and option names the
 * function does not know (catches typos such as `nint` for `nInit`).
 */
export function checkKnownOptions(fn: string, options: object, known: readonly string[]): void {
  checkOptionsObject(fn, options);
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new OptionError(
        `${fn} has no option '${key}'. Known options: ${known.map((k) => `'${k}'`).join(', ')}.`,
      );
    }
  }
}

/** The options argument: a plain object (an `OptionError` for null, numbers, arrays, ...). */
export function checkOptionsObject(fn: string, options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(
      `The options of ${fn} must be an object ({name: value, ...}). Got ${show(options)} instead.`,
    );
  }
}

/**
 * The checks above for positional arguments ("The 'k' argument of clusterIds must be an integer
 * >= 0. Got -1 instead."), for the functions that take plain parameters rather than options.
 */
/**
 * The options without the keys whose value is undefined, so that `{...defaults, ...definedOnly(o)}`
 * gives those keys their default.
 */
export function definedOnly<T extends object>(options: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(options) as (keyof T)[]) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

export const checkArgument = {
  /** An integer in [min, max]. */
  integer(fn: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(fn, name, `an integer${range(min, max)}`, value, 'argument');
    }
    return value;
  },
  /** A finite number in [min, max]. */
  number(fn: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      fail(fn, name, `a finite number${range(min, max)}`, value, 'argument');
    }
    return value;
  },
  /** An array or typed array of numbers, of `length` entries when given. */
  numbers(fn: string, name: string, value: unknown, length?: number): ArrayLike<number> {
    const arrayLike =
      Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
    const requirement =
      length === undefined ? 'an array of numbers' : `an array of ${length} numbers`;
    if (!arrayLike) fail(fn, name, requirement, value, 'argument');
    const a = value as ArrayLike<unknown>;
    if (length !== undefined && a.length !== length) {
      fail(fn, name, requirement, a, 'argument', `${a.length} values`);
    }
    if (Array.isArray(a)) {
      for (let i = 0; i < a.length; i++) {
        if (typeof a[i] !== 'number') {
          fail(fn, name, requirement, a, 'argument', `${show(a[i])} at index ${i}`);
        }
      }
    } else if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
      fail(fn, name, requirement, value, 'argument');
    }
    return value as ArrayLike<number>;
  },
  /** An array of strings, of `length` entries when given. */
  strings(fn: string, name: string, value: unknown, length?: number): readonly string[] {
    const requirement =
      length === undefined ? 'an array of strings' : `an array of ${length} strings`;
    if (!Array.isArray(value)) fail(fn, name, requirement, value, 'argument');
    const a = value as unknown[];
    if (length !== undefined && a.length !== length) {
      fail(fn, name, requirement, a, 'argument', `${a.length} values`);
    }
    for (let i = 0; i < a.length; i++) {
      if (typeof a[i] !== 'string') {
        fail(fn, name, requirement, a, 'argument', `${show(a[i])} at index ${i}`);
      }
    }
    return a as string[];
  },
  /** An object (not null, not an array). */
  object(fn: string, name: string, value: unknown, what = 'an object'): object {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(fn, name, what, value, 'argument');
    }
    return value as object;
  },
};
