/**
 * The contingency table of two labelings: how many samples have label a in the first and label
 * b in the second. The other agreement metrics (adjusted Rand index, mutual information) are
 * functions of it.
 *
 * Parity: equal to scikit-learn 1.2.1's `sklearn.metrics.cluster.contingency_matrix` (rows are
 * the sorted distinct labels of the first labeling, columns those of the second).
 */
import { toLabels } from '../data/dataset.js';
import { DataError } from '../util/errors.js';

/** Labels as accepted by the metrics. */
export type LabelsLike = Int32Array | readonly number[];

/** A contingency table with the labels of its rows and columns. */
export interface ContingencyMatrix {
  /** counts[r][c] = number of samples with labelsA = rowLabels[r] and labelsB = columnLabels[c]. */
  counts: number[][];
  /** Distinct labels of the first labeling, ascending. */
  rowLabels: number[];
  /** Distinct labels of the second labeling, ascending. */
  columnLabels: number[];
}

/** Labels recoded to 0..m-1 in ascending order of the original labels. @internal */
export interface EncodedLabels {
  codes: Int32Array;
  classes: number[];
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

/** Two labelings checked to be integer and of equal length. @internal */
export function checkLabelPair(a: LabelsLike, b: LabelsLike, fn: string): [Int32Array, Int32Array] {
  const la = toLabels(a, fn, 'labelsA');
  const lb = toLabels(b, fn, 'labelsB');
  if (la.length !== lb.length) {
    throw new DataError(
      `${fn} needs two labelings of the same length; got ${la.length} and ${lb.length}.`,
    );
  }
  return [la, lb];
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
export function sparseContingency(a: EncodedLabels, b: EncodedLabels): SparseContingency {
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
 * The contingency table of two labelings of the same samples.
 *
 * @example
 * contingencyMatrix([0, 0, 1, 1], [5, 5, 5, 7]).counts; // [[2, 0], [1, 1]]
 */
export function contingencyMatrix(labelsA: LabelsLike, labelsB: LabelsLike): ContingencyMatrix {
  const [la, lb] = checkLabelPair(labelsA, labelsB, 'contingencyMatrix');
  const ea = encodeLabels(la);
  const eb = encodeLabels(lb);
  const counts = ea.classes.map(() => new Array<number>(eb.classes.length).fill(0));
  for (let i = 0; i < la.length; i++) counts[ea.codes[i]!]![eb.codes[i]!]!++;
  return { counts, rowLabels: ea.classes, columnLabels: eb.classes };
}
