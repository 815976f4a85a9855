/**
 * The 'svd' solver (and 'randomized' when n < d and block Lanczos gave up), on a centred and
 * scaled copy Z of the data: the singular value decomposition of Z when n >= d, else the
 * eigendecomposition of the n x n Gram matrix Z Z^T / (n - 1) (see index.ts).
 */
import { Matrix, SVD } from 'ml-matrix';
import type { FeatureMatrix } from '../../data/dataset.js';
import { crossDots, symmetricEigen, topEigen } from '../eigen.js';
import { columnMoments } from './covariance.js';
import type { PCAParts } from './model.js';
import type { PCAFittedSolver, ResolvedPCAOptions } from './options.js';
import { checkTotal, clip, orient, prepare, selectCount, warnNotConverged } from './steps.js';

/** The 'svd' fits and 'randomized' when n < d, on a centred and scaled copy Z of the data. */
export function fitFromData(
  x: FeatureMatrix,
  o: ResolvedPCAOptions,
  solver: PCAFittedSolver,
  columns: string[] | undefined,
): PCAParts {
  const { rows: n, cols: d } = x;
  const mo = columnMoments(x);
  const { centre, divisor, constant } = prepare(
    n,
    mo.mean,
    mo.sumSquares,
    mo.min,
    mo.max,
    o,
    columns,
  );
  const z = new Float64Array(n * d);
  const inv = new Float64Array(d);
  for (let j = 0; j < d; j++) inv[j] = 1 / divisor[j]!;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j < d; j++) z[oi + j] = (x.data[oi + j]! - centre[j]!) * inv[j]!;
  }
  const nm1 = n - 1;
  let total = 0;
  for (let t = 0; t < z.length; t++) total += z[t]! * z[t]!;
  total /= nm1;
  checkTotal(total);

  let values: Float64Array;
  let vectors: Float64Array;
  let iterations = 0;
  let converged = true;
  let k: number;
  if (n >= d) {
    // Golub-Kahan-Reinsch SVD of Z (only reached with solver 'svd').
    const zm = Matrix.from1DArray(n, d, z);
    const svd = new SVD(zm, {
      computeLeftSingularVectors: false,
      computeRightSingularVectors: true,
    });
    const s = svd.diagonal;
    const vm = svd.rightSingularVectors;
    const order = Array.from({ length: d }, (_, i) => i).sort((p, q) => s[q]! - s[p]! || p - q);
    values = new Float64Array(d);
    vectors = new Float64Array(d * d);
    for (let c = 0; c < d; c++) {
      const src = order[c]!;
      values[c] = (s[src]! * s[src]!) / nm1;
      for (let j = 0; j < d; j++) vectors[c * d + j] = vm.get(j, src);
    }
    clip(values, (d * Number.EPSILON) ** 2);
    k = selectCount(o, values, total, d);
  } else {
    // Gram matrix K = Z Z^T / (n - 1) (n x n): its eigenvalues are those of C.
    const g = gram(z, n, d, nm1);
    let u: Float64Array;
    if (solver === 'randomized') {
      const kk = o.components ?? n;
      const top = topEigen(g, n, kk, {
        seed: o.seed,
        tolerance: o.tolerance,
        maxIterations: o.maxIterations,
      });
      ({ values, vectors: u, iterations, converged } = top);
      warnNotConverged(top.converged, top.iterations);
    } else {
      ({ values, vectors: u } = symmetricEigen(g, n));
    }
    clip(values, n * Number.EPSILON);
    k = selectCount(o, values, total, n);
    vectors = componentsFromGram(z, n, d, u, values, k, nm1);
  }
  return {
    components: orient(vectors.slice(0, k * d), k, d),
    k,
    values: values.slice(0, k),
    totalVariance: total,
    mean: centre,
    scale: divisor,
    nSamples: n,
    nFeatures: d,
    columns,
    constantColumns: constant,
    center: o.center,
    scaled: o.scale,
    whiten: o.whiten,
    solver,
    iterations,
    converged,
  };
}

/** Z Z^T / (n - 1) for row-major Z (n x d): dot products of contiguous rows, in 3 x 3 tiles. */
function gram(z: Float64Array, n: number, d: number, nm1: number): Float64Array {
  const g = new Float64Array(n * n);
  crossDots(z, n, z, n, d, g, n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      // Average the two computed halves: exactly symmetric whatever the summation order.
      const s = (g[i * n + j]! + g[j * n + i]!) / (2 * nm1);
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  return g;
}

/**
 * v_c = Z^T u_c / sqrt(lambda_c (n - 1)) for the first k eigenvectors u_c of the Gram matrix.
 * Where lambda_c is at rounding level (<= 1e-12 lambda_1, e.g. the n-th component of centred data
 * with n <= d) v_c is not determined by the data: the basis is completed with the first unit
 * vectors e_j independent of the components before it (Gram-Schmidt), deterministically.
 */
function componentsFromGram(
  z: Float64Array,
  n: number,
  d: number,
  u: Float64Array,
  values: Float64Array,
  k: number,
  nm1: number,
): Float64Array {
  const v = new Float64Array(k * d);
  const floor = 1e-12 * Math.max(values[0]!, 0);
  let complete = k;
  for (let c = 0; c < k; c++) {
    const lambda = values[c]!;
    if (!(lambda > floor)) {
      complete = c;
      break;
    }
    const f = 1 / Math.sqrt(lambda * nm1);
    const oc = c * d;
    for (let i = 0; i < n; i++) {
      const w = u[c * n + i]! * f;
      if (w === 0) continue;
      const oi = i * d;
      for (let j = 0; j < d; j++) v[oc + j] += w * z[oi + j]!;
    }
  }
  // Complete the basis: e_0, e_1, ... minus their projections on the components so far (twice),
  // keeping those that leave a clear remainder.
  let unit = 0;
  for (let c = complete; c < k; c++) {
    const oc = c * d;
    for (; unit < d; unit++) {
      v.fill(0, oc, oc + d);
      v[oc + unit] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let e = 0; e < c; e++) {
          const oe = e * d;
          let p = 0;
          for (let j = 0; j < d; j++) p += v[oe + j]! * v[oc + j]!;
          for (let j = 0; j < d; j++) v[oc + j] -= p * v[oe + j]!;
        }
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += v[oc + j]! * v[oc + j]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-3) {
        for (let j = 0; j < d; j++) v[oc + j] = v[oc + j]! / norm;
        unit++;
        break;
      }
    }
    values[c] = 0;
  }
  return v;
}
