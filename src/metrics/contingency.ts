/**
 * The contingency table of two labelings: how many samples have label a in the first and label
 * b in the second. The other agreement metrics (adjusted Rand index, mutual information) are
 * functions of it.
 *
 * Labels. A labeling is integers (`Int32Array` or `number[]`, as cluster labels are) or strings
 * (`string[]`, as a held-out label column is), so `adjustedRandIndex(km.labels, dataset.labels)`
 * compares a clustering with the classes. Any two distinct values are two labels, '' included.
 * One labeling is all numbers or all strings; a missing label (null, undefined, NaN) is a
 * `DataError` naming the row: drop those rows from both labelings first (scikit-learn refuses
 * them too). Strings are ordered by Unicode code point, as numpy sorts them, and a labeling is
 * recoded to 0..m-1 in that order, so the string path computes exactly what the integer path
 * computes on the ranks: the same numbers, bit for bit.
 *
 * Parity: equal to scikit-learn 1.2.1's `sklearn.metrics.cluster.contingency_matrix` (rows are
 * the sorted distinct labels of the first labeling, columns those of the second).
 */
import { toLabels } from '../data/dataset.js';
import { DataError } from '../util/errors.js';

/** Integer labels, as the clustering metrics accept them. */
export type LabelsLike = Int32Array | readonly number[];

/** Labels as the agreement metrics accept them: integers, or strings (see the file header). */
export type Labeling = LabelsLike | readonly string[];

/** The type of the labels of a labeling: number for integer labelings, string for strings. */
export type LabelOf<L extends Labeling> = L extends readonly string[] ? string : number;

/** A contingency table with the labels of its rows and columns. */
export interface ContingencyMatrix<
  R extends number | string = number,
  C extends number | string = number,
> {
  /** counts[r][c] = number of samples with labelsA = rowLabels[r] and labelsB = columnLabels[c]. */
  counts: number[][];
  /** Distinct labels of the first labeling, ascending. */
  rowLabels: R[];
  /** Distinct labels of the second labeling, ascending. */
  columnLabels: C[];
}

/** Labels recoded to 0..m-1 in ascending order of the original labels. @internal */
export interface EncodedLabels<T extends number | string = number> {
  codes: Int32Array;
  classes: T[];
}

/** Recode labels to 0..m-1 by ascending value (numpy's `unique(return_inverse=True)`). @internal */
export function encodeLabels(labels: Int32Array): EncodedLabels {
  const n = labels.length;
  const sorted = Int32Array.from(labels).sort();
  const classes: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) classes.push(sorted[i]!);
  const index = new Map<number, number>();
  for (let i = 0; i < classes.length; i++) index.set(classes[i]!, i);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(labels[i]!)!;
  return { codes, classes };
}

/**
 * a < b by Unicode code point (Python's and numpy's order of str), not by UTF-16 code unit (the
 * order of `<` on JavaScript strings, which puts U+E000..U+FFFF after the astral planes).
 */
export function compareCodePoints(a: string, b: string): number {
  const m = Math.min(a.length, b.length);
  for (let i = 0; i < m; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (part of a code point >= U+10000) sorts after every BMP unit >= U+E000
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && x >= 0xd800 && y >= 0xd800) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** String labels recoded to 0..m-1 in code-point order of the distinct strings. */
function encodeStrings(
  labels: readonly unknown[],
  fn: string,
  what: string,
): EncodedLabels<string> {
  const n = labels.length;
  const first = new Map<string, number>();
  const seen: string[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (typeof v !== 'string') throw badLabel(v, i, fn, what, 'strings');
    let c = first.get(v);
    if (c === undefined) {
      c = seen.length;
      first.set(v, c);
      seen.push(v);
    }
    codes[i] = c;
  }
  const classes = seen.slice().sort(compareCodePoints);
  const rank = new Int32Array(classes.length);
  for (let r = 0; r < classes.length; r++) rank[first.get(classes[r]!)!] = r;
  for (let i = 0; i < n; i++) codes[i] = rank[codes[i]!]!;
  return { codes, classes };
}

function badLabel(v: unknown, row: number, fn: string, what: string, kind: string): DataError {
  const missing = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
  return new DataError(
    missing
      ? `${fn}: ${what} has a missing label (${String(v)}). Drop the rows without a label from ` +
          'both labelings first.'
      : `${fn}: ${what} mixes ${kind} with ${typeof v} ${JSON.stringify(v)}. Give one labeling ` +
          'as all integers or all strings.',
    { row },
  );
}

/**
 * A labeling checked and recoded (see the file header): integers through `toLabels`, strings by
 * code-point order. @internal
 */
export function encodeLabeling(
  labels: Labeling,
  fn: string,
  what: string,
): EncodedLabels<number> | EncodedLabels<string> {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new DataError(
      `${fn} expects ${what} as an Int32Array, a number[] or a string[]. Got ` +
        `${labels === null ? 'null' : typeof labels} instead.`,
    );
  }
  if (!(labels instanceof Int32Array) && labels.length > 0 && typeof labels[0] === 'string') {
    return encodeStrings(labels, fn, what);
  }
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const v = (labels as ArrayLike<unknown>)[i];
    if (typeof v !== 'number' || Number.isNaN(v)) throw badLabel(v, i, fn, what, 'numbers');
  }
  return encodeLabels(toLabels(labels as LabelsLike, fn, what));
}

/** Two labelings checked, of equal length, and recoded. @internal */
export function checkLabelPair(
  a: Labeling,
  b: Labeling,
  fn: string,
): [EncodedLabels<number | string>, EncodedLabels<number | string>] {
  const ea = encodeLabeling(a, fn, 'labelsA');
  const eb = encodeLabeling(b, fn, 'labelsB');
  if (ea.codes.length !== eb.codes.length) {
    throw new DataError(
      `${fn} needs two labelings of the same length; got ${ea.codes.length} and ${eb.codes.length}.`,
    );
  }
  return [ea, eb];
}

/**
 * The non-zero cells of the contingency table in row-major order, with the row and column
 * sums. @internal
 */
export interface SparseContingency {
  n: number;
  rows: number;
  cols: number;
  /** Row index, column index and count of each non-zero cell, row-major. */
  nzRow: Int32Array;
  nzCol: Int32Array;
  nzVal: Float64Array;
  rowSums: Float64Array;
  colSums: Float64Array;
}

/** Contingency of two encoded labelings, as its non-zero cells. @internal */
export function sparseContingency(
  a: EncodedLabels<number | string>,
  b: EncodedLabels<number | string>,
): SparseContingency {
  const n = a.codes.length;
  const rows = a.classes.length;
  const cols = b.classes.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = a.codes[i]! * cols + b.codes[i]!;
  keys.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i] !== keys[i - 1]) m++;
  const nzRow = new Int32Array(m);
  const nzCol = new Int32Array(m);
  const nzVal = new Float64Array(m);
  let t = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) {
      t++;
      nzRow[t] = Math.floor(keys[i]! / cols);
      nzCol[t] = keys[i]! - nzRow[t]! * cols;
    }
    nzVal[t]! += 1;
  }
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  for (let i = 0; i < m; i++) {
    rowSums[nzRow[i]!]! += nzVal[i]!;
    colSums[nzCol[i]!]! += nzVal[i]!;
  }
  return { n, rows, cols, nzRow, nzCol, nzVal, rowSums, colSums };
}

/**
 * The contingency table of two labelings of the same samples. Labels are integers or strings
 * (see the file header); the row and column labels keep their type.
 *
 * @example
 * contingencyMatrix([0, 0, 1, 1], [5, 5, 5, 7]).counts; // => [[2, 0], [1, 1]]
 * contingencyMatrix([0, 0, 1], ['b', 'a', 'a']).columnLabels; // => ['a', 'b']
 */
export function contingencyMatrix<A extends Labeling, B extends Labeling>(
  labelsA: A,
  labelsB: B,
): ContingencyMatrix<LabelOf<A>, LabelOf<B>> {
  const [ea, eb] = checkLabelPair(labelsA, labelsB, 'contingencyMatrix');
  const counts = ea.classes.map(() => new Array<number>(eb.classes.length).fill(0));
  for (let i = 0; i < ea.codes.length; i++) counts[ea.codes[i]!]![eb.codes[i]!]!++;
  return {
    counts,
    rowLabels: ea.classes as LabelOf<A>[],
    columnLabels: eb.classes as LabelOf<B>[],
  };
}
