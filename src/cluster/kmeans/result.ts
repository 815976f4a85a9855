/**
 * The fitted model of `kmeans`: labels, centroids, `predict`, its JSON and ml-kmeans forms, and
 * the same model in the units of data that was fitted divided by a power of two (values beyond
 * 2^±500, see `kmeans`).
 */
import { type FeatureMatrix, type MatrixLike, toFeatureMatrix } from '../../data/dataset.js';
import { DataError } from '../../util/errors.js';
import { warn } from '../../util/log.js';
import { divideBy } from '../../util/magnitude.js';
import { nearestLabels } from './distances.js';
import type { KMeansRun } from './fit.js';
import type { KMeansAlgorithm, KMeansJSON, KMeansResult, MlKMeansLike } from './index.js';

/** The result of the kept run, its centres (k x d) shifted back to the coordinates of X. */
export function makeResult(
  run: KMeansRun,
  k: number,
  d: number,
  nInit: number,
  algorithm: Exclude<KMeansAlgorithm, 'auto'>,
  seed: number,
  sizes: Int32Array,
): KMeansResult {
  const centres = run.centres;
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) centroids.push(Array.from(centres.subarray(c * d, c * d + d)));
  return {
    labels: run.labels,
    centroids,
    inertia: run.inertia,
    iterations: run.iterations,
    converged: run.converged,
    sizes,
    k,
    nInit,
    algorithm,
    seed,
    predict(X: MatrixLike): Int32Array {
      const M = toFeatureMatrix(X, { fn: 'predict' });
      if (M.cols !== d) {
        throw new DataError(`predict expects ${d} columns (as the fitted data); got ${M.cols}.`);
      }
      return nearestLabels(M.data, M.rows, d, centres, k);
    },
    toJSON(): KMeansJSON {
      return {
        k,
        labels: Array.from(run.labels),
        centroids,
        sizes: Array.from(sizes),
        inertia: run.inertia,
        iterations: run.iterations,
        converged: run.converged,
        nInit,
        algorithm,
        seed,
      };
    },
    toMlKMeans(): MlKMeansLike {
      return {
        clusters: Array.from(run.labels),
        centroids: centroids.map((row) => row.slice()),
        converged: run.converged,
        iterations: run.iterations,
      };
    },
  };
}

/**
 * A fit of X / unit as a fit of X: centroids times unit, inertia times unit^2 (Infinity, with a
 * warning unless `quiet`, when the true inertia is beyond the largest double), `predict`
 * divides its input. `scaled` (X / unit, the matrix of the fit) holds each centroid coordinate
 * inside the [min, max] of its cluster's rows, where a mean lies: centring and shifting back may
 * round a centre of rows at -Number.MAX_VALUE / unit one step beyond them, which times unit
 * would be -Infinity (and a one-row cluster would not be its row).
 * @internal
 */
export function rescaledResult(
  inner: KMeansResult,
  unit: number,
  d: number,
  quiet = false,
  scaled?: FeatureMatrix,
): KMeansResult {
  const ranges = scaled === undefined ? undefined : clusterRanges(scaled, inner);
  const centroids = inner.centroids.map((row, c) =>
    row.map((v, j) => {
      if (ranges === undefined) return v * unit;
      const t = 2 * (c * d + j);
      const lo = ranges[t]!;
      const hi = ranges[t + 1]!;
      return (lo <= hi ? Math.min(Math.max(v, lo), hi) : v) * unit;
    }),
  );
  const inertia = inner.inertia * unit * unit;
  if (!Number.isFinite(inertia) && !quiet) {
    warn(
      `kmeans: the inertia (${inner.inertia} x ${unit}^2) is beyond the largest double; labels ` +
        'and centroids are exact. Divide the data by a constant for a finite inertia.',
    );
  }
  return {
    ...inner,
    centroids,
    inertia,
    predict(X: MatrixLike): Int32Array {
      const M = toFeatureMatrix(X, { fn: 'predict' });
      if (M.cols !== d) {
        throw new DataError(`predict expects ${d} columns (as the fitted data); got ${M.cols}.`);
      }
      return inner.predict({ rows: M.rows, cols: d, data: divideBy(M.data, unit) });
    },
    toJSON(): KMeansJSON {
      return { ...inner.toJSON(), centroids: centroids.map((row) => row.slice()), inertia };
    },
    toMlKMeans(): MlKMeansLike {
      return { ...inner.toMlKMeans(), centroids: centroids.map((row) => row.slice()) };
    },
  };
}

/**
 * Per cluster c and column j the [min, max] of the cluster's rows, at 2(c d + j) and
 * 2(c d + j) + 1 (min > max for an empty cluster).
 */
function clusterRanges(M: FeatureMatrix, fit: KMeansResult): Float64Array {
  const { rows: n, cols: d, data } = M;
  const k = fit.centroids.length;
  const out = new Float64Array(2 * k * d);
  for (let t = 0; t < k * d; t++) {
    out[2 * t] = Number.POSITIVE_INFINITY;
    out[2 * t + 1] = Number.NEGATIVE_INFINITY;
  }
  const labels = fit.labels;
  for (let i = 0; i < n; i++) {
    const p = i * d;
    const q = labels[i]! * d;
    for (let j = 0; j < d; j++) {
      const v = data[p + j]!;
      const t = 2 * (q + j);
      if (v < out[t]!) out[t] = v;
      if (v > out[t + 1]!) out[t + 1] = v;
    }
  }
  return out;
}
