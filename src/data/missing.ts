/**
 * Missing values: which cells count as missing, and what a loader does with them.
 *
 * Missing tokens (case-sensitive, compared after trimming surrounding white space):
 * '' (empty cell), 'NA', 'NaN', 'nan', 'null', 'NULL', 'n/a', 'N/A'. In JSON, `null` and an
 * absent key are missing too.
 *
 * Policies, applied to the feature columns only (label and id values are kept as text, as is):
 * - `error` (default): the first missing cell in file order is a `DataError` naming the file, line
 *   and column, and suggesting the other policies.
 * - `drop`: rows with a missing feature value are dropped and counted (`source.rowsDropped`).
 * - `mean` / `median`: a missing value is replaced by the mean / median of the non-missing values
 *   of its column, and counted (`source.valuesImputed`).
 */

/** The missing-value policies. */
export const MISSING_POLICIES = ['error', 'drop', 'mean', 'median'] as const;

/** What a loader does with missing values in feature columns. */
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** True if `value` is a missing-value policy. */
export function isMissingPolicy(value: unknown): value is MissingPolicy {
  return typeof value === 'string' && (MISSING_POLICIES as readonly string[]).includes(value);
}

/** The text cells that mean "missing" (after trimming white space). */
export const MISSING_TOKENS: readonly string[] = [
  '',
  'NA',
  'NaN',
  'nan',
  'null',
  'NULL',
  'n/a',
  'N/A',
];

/** True if the text of a cell means "missing". */
export function isMissingToken(text: string): boolean {
  switch (text.length) {
    case 0:
      return true;
    case 2:
      if (text === 'NA') return true;
      break;
    case 3:
      if (text === 'NaN' || text === 'nan' || text === 'n/a' || text === 'N/A') return true;
      break;
    case 4:
      if (text === 'null' || text === 'NULL') return true;
      break;
  }
  const trimmed = text.trim();
  return trimmed.length !== text.length && isMissingToken(trimmed);
}

/**
 * Impute the missing values (NaN) of one column in place with the mean or median of its other
 * values; returns how many values were filled. The column must have at least one value.
 */
export function imputeColumn(values: Float64Array, n: number, policy: 'mean' | 'median'): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i])) count++;
  if (count === n) return 0;
  const present = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) present[k++] = v;
  }
  const fill = policy === 'mean' ? mean(present) : median(present);
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) values[i] = fill;
  return n - count;
}

/** Mean with a compensated (Neumaier) sum, so the result does not depend on the order. */
export function mean(values: Float64Array): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + c) / values.length;
}

/** Median (mean of the two middle values for an even count). Sorts a copy. */
export function median(values: Float64Array): number {
  const sorted = values.slice().sort();
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
