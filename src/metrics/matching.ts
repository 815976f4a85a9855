/**
 * Matching of two clusterings of the same samples, so that the same group keeps its colour: the
 * clusters of B are renamed after the clusters of A that they overlap most, by a maximum-weight
 * assignment on the contingency table (the Hungarian algorithm).
 *
 * Algorithm: Kuhn-Munkres with potentials (the O(n^3) shortest augmenting path form), on the
 * square cost matrix `max(count) - count` padded with zeros. H. W. Kuhn, "The Hungarian method for
 * the assignment problem", Naval Research Logistics Quarterly 2 (1955), pp. 83-97; the potential
 * form follows R. Jonker and A. Volgenant, Computing 38 (1987), pp. 325-340.
 *
 * Limits: O(n^3) time, so the cost matrix of `hungarian` (and the clusters of `matchClusters`)
 * may have at most `MAX_ASSIGNMENT` rows and columns.
 */
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';

/** Most rows or columns of a cost matrix `hungarian` takes (O(n^3) time: seconds at 2,000). */
export const MAX_ASSIGNMENT = 2000;

/**
 * A minimum-cost assignment of rows to columns of an `n x m` cost matrix (`cost[i][j]`), `n <= m`
 * not required: the matrix is padded to square with zeros. Returns `assignment[i]` = the column
 * of row i, or -1 when row i was matched to a padding column. Ties are broken towards the lower
 * column index, so the result is deterministic.
 */
export function hungarian(cost: readonly (readonly number[])[]): Int32Array {
  if (!Array.isArray(cost)) {
    throw new OptionError(
      `hungarian expects the cost matrix as an array of rows of numbers. Got ${cost === null ? 'null' : typeof cost} instead.`,
    );
  }
  const rows = cost.length;
  const first = cost[0] as unknown;
  if (rows > 0 && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
    throw new OptionError('hungarian: every row of the cost matrix must be an array of numbers.');
  }
  const cols = rows === 0 ? 0 : (first as ArrayLike<number>).length;
  const n = Math.max(rows, cols);
  if (n > MAX_ASSIGNMENT) {
    throw new OptionError(
      `hungarian: a cost matrix of ${rows} x ${cols} is beyond the limit of ${MAX_ASSIGNMENT} ` +
        'rows and columns (the assignment takes O(n^3) time).',
    );
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < rows; i++) {
    const r = cost[i] as unknown as ArrayLike<unknown> | null;
    if (r === null || typeof r !== 'object' || r.length !== cols) {
      throw new OptionError(`hungarian: the cost matrix is ragged (row ${i}).`);
    }
    for (let j = 0; j < cols; j++) {
      const v = r[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new OptionError(`hungarian: cost[${i}][${j}] is ${String(v)}, not a finite number.`);
      }
      a[i * n + j] = v;
    }
  }
  // 1-based arrays as in the potential method: p[j] = row matched to column j (0 = none).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = a[(i0 - 1) * n + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Int32Array(rows).fill(-1);
  for (let j = 1; j <= n; j++) {
    const i = p[j]! - 1;
    if (i >= 0 && i < rows && j - 1 < cols) out[i] = j - 1;
  }
  return out;
}

/**
 * Counts of samples in cluster i of `a` and cluster j of `b`, for labels 0..ka-1 and 0..kb-1.
 * Negative labels (noise, or samples left out of one clustering) are not counted.
 */
export function crossTable(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ka: number,
  kb: number,
): number[][] {
  const fn = 'crossTable';
  checkArgument.numbers(fn, 'a', a);
  checkArgument.numbers(fn, 'b', b, a.length);
  checkArgument.integer(fn, 'ka', ka, 0, MAX_TABLE);
  checkArgument.integer(fn, 'kb', kb, 0, Math.floor(MAX_TABLE / Math.max(ka, 1)));
  const out: number[][] = [];
  for (let i = 0; i < ka; i++) out.push(new Array<number>(kb).fill(0));
  for (let s = 0; s < a.length; s++) {
    const x = a[s]!;
    const y = b[s]!;
    if (x < 0 || y < 0) continue;
    if (!(x < ka && y < kb) || !Number.isInteger(x) || !Number.isInteger(y)) {
      throw new OptionError(
        `crossTable: the labels of sample ${s} (${x}, ${y}) are not integers in [0, ${ka}) and [0, ${kb}).`,
      );
    }
    out[x]![y]!++;
  }
  return out;
}

/** Most cells of a `crossTable`. */
const MAX_TABLE = 2 ** 24;

/**
 * Rename the clusters of `b` (labels 0..kb-1) after the clusters of `a` (0..ka-1) they overlap
 * most, so that matched clusters share an id. Returns `map[j]` = the new label of b's cluster j:
 * a's label when matched, and ka, ka+1, ... (in order of j) for clusters of b left unmatched when
 * kb > ka. Apply it with `relabel(b, map)`.
 */
export function matchClusters(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ka: number,
  kb: number,
): Int32Array {
  const table = crossTable(a, b, ka, kb);
  let max = 0;
  for (const row of table) for (const c of row) if (c > max) max = c;
  // rows = clusters of b, columns = clusters of a; cost = max - overlap.
  const cost: number[][] = [];
  for (let j = 0; j < kb; j++) {
    const r = new Array<number>(ka);
    for (let i = 0; i < ka; i++) r[i] = max - table[i]![j]!;
    cost.push(r);
  }
  const assignment = hungarian(cost);
  const map = new Int32Array(kb);
  let next = ka;
  for (let j = 0; j < kb; j++) map[j] = assignment[j]! >= 0 ? assignment[j]! : next++;
  return map;
}

/** `labels` with each label l >= 0 replaced by `map[l]` (negative labels are kept). */
export function relabel(labels: ArrayLike<number>, map: ArrayLike<number>): Int32Array {
  checkArgument.numbers('relabel', 'labels', labels);
  checkArgument.numbers('relabel', 'map', map);
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= 0 && !(l < map.length && Number.isInteger(l))) {
      throw new OptionError(
        `relabel: label ${l} of sample ${i} is not an index of the map (0..${map.length - 1}).`,
      );
    }
    out[i] = l < 0 ? l : map[l]!;
  }
  return out;
}
