/**
 * Trustworthiness of an embedding (Venna and Kaski, "Neighborhood preservation in nonlinear
 * projection methods: an experimental study", ICANN 2001): to what extent the k nearest
 * neighbours of each row in the embedding are also its near neighbours in the original space.
 *
 *   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_i^k} max(0, r(i, j) - k)
 *
 * where N_i^k are the k nearest neighbours of row i in the embedding (i itself excluded) and
 * r(i, j) is the rank of j among the other rows sorted by their distance to i in the original
 * space (1 for the nearest). T is in [0, 1] when k < n / 2, which is required.
 *
 * Definition and argument rule of scikit-learn 1.2.1's `sklearn.manifold.trustworthiness`
 * (Euclidean distances in both spaces). Ties: in the original space, equal distances are ranked
 * in the order of numpy's default `argsort` (introsort, `argsortIntro` below), as scikit-learn
 * ranks them; in the embedding, the neighbours at equal distance are taken by row index, where
 * scikit-learn's k-d tree has its own order (the two differ only when the k-th and (k+1)-th
 * embedding neighbours are at the same distance). scikit-learn computes distances as
 * sqrt(|x|^2 + |y|^2 - 2 x.y), this module directly: on integer data both are exact; elsewhere a
 * rounding can make or break a tie. Equal to scikit-learn to 1e-12 on the digits and breast
 * cancer data and their PCA projections (test/fixtures/projection/make_trustworthiness.py).
 *
 * Cost: O(n^2 (d + m)) time for d original and m embedding columns, O(n) extra memory: one row
 * of distances at a time, never an n x n matrix. For each row, the k embedding neighbours are
 * sorted by their original distance, then one pass over the row counts, for each of them, the
 * rows that come before it (a binary search among the k). A row where another row is at the
 * same original distance as one of the k is ranked by a full argsort instead (O(n log n)).
 */
import { type MatrixLike, toFeatureMatrix } from '../data/dataset.js';
import { DataError } from '../util/errors.js';
import { withOrdinaryMagnitude } from '../util/magnitude.js';
import { checkInteger, checkKeyword, checkKnownOptions } from '../util/validate.js';

/** Options of `trustworthiness`. */
export interface TrustworthinessOptions {
  /** k, the neighbours compared: an integer >= 1 and < n / 2. Default: 5. */
  nNeighbors?: number;
  /** Distance of the original space. Default: 'euclidean' (the only one). */
  metric?: 'euclidean';
}

/**
 * Trustworthiness of `embedding` (n rows) as a map of `X` (the same n rows): 1 when the k
 * nearest neighbours of every row in the embedding are among its k nearest in X.
 *
 * @example
 * const X = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
 * trustworthiness(X, X, { nNeighbors: 2 }); // => 1
 */
export function trustworthiness(
  X: MatrixLike,
  embedding: MatrixLike,
  options: TrustworthinessOptions = {},
): number {
  const fn = 'trustworthiness';
  checkKnownOptions(fn, options, ['nNeighbors', 'metric']);
  // ranks are scale-invariant: extreme values are divided by a power of two first
  const A = withOrdinaryMagnitude(toFeatureMatrix(X, { fn }));
  const E = withOrdinaryMagnitude(toFeatureMatrix(embedding, { fn }));
  const n = A.rows;
  if (E.rows !== n) {
    throw new DataError(
      `${fn} needs one embedding row per row of X: X has ${n} rows, embedding has ${E.rows}.`,
    );
  }
  if (options.metric !== undefined) checkKeyword(fn, 'metric', options.metric, ['euclidean']);
  const k =
    options.nNeighbors === undefined ? 5 : checkInteger(fn, 'nNeighbors', options.nNeighbors, 1);
  if (k >= n / 2) {
    throw new DataError(`${fn}: nNeighbors (${k}) should be less than n_samples / 2 (${n / 2}).`);
  }
  return trustworthinessOf(A.data, A.cols, E.data, E.cols, n, k);
}

/** T(k) over row-major data (n x d) and embedding (n x m). @internal */
export function trustworthinessOf(
  data: Float64Array,
  d: number,
  emb: Float64Array,
  m: number,
  n: number,
  k: number,
): number {
  const row = new Float64Array(n);
  // the k embedding neighbours of the current row, by (distance, index)
  const nbDist = new Float64Array(k);
  const nbIdx = new Int32Array(k);
  // the same neighbours by (original distance, index)
  const keyDist = new Float64Array(k);
  const keyIdx = new Int32Array(k);
  const count = new Float64Array(k + 1);
  // used only by rows with tied distances
  const order = new Int32Array(n);
  const position = new Int32Array(n);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    // k nearest rows of i in the embedding (insertion into a sorted list of k)
    let filled = 0;
    const ei = i * m;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const ej = j * m;
      let s = 0;
      for (let c = 0; c < m; c++) {
        const t = emb[ei + c]! - emb[ej + c]!;
        s += t * t;
      }
      // j has the largest index so far: at equal distance it goes after the rows kept
      if (filled === k && s >= nbDist[k - 1]!) continue;
      let p = filled < k ? filled++ : k - 1;
      while (p > 0 && nbDist[p - 1]! > s) {
        nbDist[p] = nbDist[p - 1]!;
        nbIdx[p] = nbIdx[p - 1]!;
        p--;
      }
      nbDist[p] = s;
      nbIdx[p] = j;
    }
    // squared distances from i in the original space
    const ai = i * d;
    for (let j = 0; j < n; j++) {
      const aj = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = data[ai + c]! - data[aj + c]!;
        s += t * t;
      }
      row[j] = s;
    }
    // the neighbours sorted by (original distance, index)
    for (let q = 0; q < k; q++) {
      const j = nbIdx[q]!;
      const s = row[j]!;
      let p = q;
      while (p > 0 && (keyDist[p - 1]! > s || (keyDist[p - 1] === s && keyIdx[p - 1]! > j))) {
        keyDist[p] = keyDist[p - 1]!;
        keyIdx[p] = keyIdx[p - 1]!;
        p--;
      }
      keyDist[p] = s;
      keyIdx[p] = j;
    }
    // count[p]: rows l != i that come before keys p.. but not before keys ..p-1; the rank of
    // key q is 1 + count[0] + ... + count[q]
    count.fill(0);
    let tied = false;
    const lastDist = keyDist[k - 1]!;
    const lastIdx = keyIdx[k - 1]!;
    for (let l = 0; l < n; l++) {
      if (l === i) continue;
      const s = row[l]!;
      // not before the last key: counts for none
      if (s > lastDist || (s === lastDist && l >= lastIdx)) {
        if (s === lastDist && l !== lastIdx) tied = true;
        continue;
      }
      // first key that l comes before: (s, l) < (keyDist[p], keyIdx[p])
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const kd = keyDist[mid]!;
        if (s < kd || (s === kd && l < keyIdx[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      count[lo]! += 1;
      if (keyDist[lo] === s && keyIdx[lo] !== l) tied = true;
      else if (lo > 0 && keyDist[lo - 1] === s && keyIdx[lo - 1] !== l) tied = true;
    }
    if (tied) {
      // equal distances: the ranks in the order of numpy's argsort
      row[i] = Infinity;
      for (let j = 0; j < n; j++) order[j] = j;
      argsortIntro(row, order, n);
      for (let p = 0; p < n; p++) position[order[p]!] = p + 1;
      for (let q = 0; q < k; q++) {
        const r = position[nbIdx[q]!]!;
        if (r > k) penalty += r - k;
      }
      continue;
    }
    let before = 0;
    for (let q = 0; q < k; q++) {
      before += count[q]!;
      const r = before + 1;
      if (r > k) penalty += r - k;
    }
  }
  return 1 - penalty * (2 / (n * k * (2 * n - 3 * k - 1)));
}

const SMALL_QUICKSORT = 15;

/**
 * Sorts `order[0..n)` by `v[order[.]]` exactly as numpy 1.24's default `argsort` (introsort:
 * median-of-three quicksort, insertion sort below 17 values, heapsort past the depth limit), so
 * that equal values come out in numpy's order. `v` holds no NaN. @internal
 */
export function argsortIntro(v: Float64Array, order: Int32Array, n: number): void {
  const stack: number[] = [];
  const depths: number[] = [];
  let pl = 0;
  let pr = n - 1;
  let cdepth = n > 0 ? 2 * (31 - Math.clz32(n)) : 0;
  for (;;) {
    if (cdepth < 0) {
      heapsortRange(v, order, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        let t: number;
        if (v[order[pm]!]! < v[order[pl]!]!) {
          t = order[pm]!;
          order[pm] = order[pl]!;
          order[pl] = t;
        }
        if (v[order[pr]!]! < v[order[pm]!]!) {
          t = order[pr]!;
          order[pr] = order[pm]!;
          order[pm] = t;
        }
        if (v[order[pm]!]! < v[order[pl]!]!) {
          t = order[pm]!;
          order[pm] = order[pl]!;
          order[pl] = t;
        }
        const vp = v[order[pm]!]!;
        let pi = pl;
        let pj = pr - 1;
        t = order[pm]!;
        order[pm] = order[pj]!;
        order[pj] = t;
        for (;;) {
          do ++pi;
          while (v[order[pi]!]! < vp);
          do --pj;
          while (vp < v[order[pj]!]!);
          if (pi >= pj) break;
          t = order[pi]!;
          order[pi] = order[pj]!;
          order[pj] = t;
        }
        const pk = pr - 1;
        t = order[pi]!;
        order[pi] = order[pk]!;
        order[pk] = t;
        // the larger part waits on the stack
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = order[pi]!;
        const x = v[vi]!;
        let pj = pi;
        while (pj > pl && x < v[order[pj - 1]!]!) {
          order[pj] = order[pj - 1]!;
          pj--;
        }
        order[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depths.pop()!;
  }
}

/** numpy's `aheapsort` of order[start .. start + n). */
function heapsortRange(v: Float64Array, order: Int32Array, start: number, n: number): void {
  // 1-based heap indices: a[i] is order[start + i - 1]
  const b = start - 1;
  let i: number;
  let j: number;
  let tmp: number;
  for (let l = n >> 1; l > 0; --l) {
    tmp = order[b + l]!;
    for (i = l, j = l << 1; j <= n; ) {
      if (j < n && v[order[b + j]!]! < v[order[b + j + 1]!]!) j += 1;
      if (v[tmp]! < v[order[b + j]!]!) {
        order[b + i] = order[b + j]!;
        i = j;
        j += j;
      } else break;
    }
    order[b + i] = tmp;
  }
  for (; n > 1; ) {
    tmp = order[b + n]!;
    order[b + n] = order[b + 1]!;
    n -= 1;
    for (i = 1, j = 2; j <= n; ) {
      if (j < n && v[order[b + j]!]! < v[order[b + j + 1]!]!) j++;
      if (v[tmp]! < v[order[b + j]!]!) {
        order[b + i] = order[b + j]!;
        i = j;
        j += j;
      } else break;
    }
    order[b + i] = tmp;
  }
}
