/**
 * Columns and rows of the feature matrices a report works on: the seeded samples of rows, the
 * z-scores, per-cluster means and the summary of every column. Sums of squares are taken on each
 * column divided by its power-of-two magnitude unit (src/util/magnitude.ts), so that they stay
 * finite and exact at any magnitude.
 */
import { featureMatrix, type FeatureMatrix } from '../data/dataset.js';
import { magnitudeUnit } from '../util/magnitude.js';
export { sampleRows } from '../util/sample.js';

/** Rows of `m` listed in `rows`, as a new matrix. */
export function takeRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const out = featureMatrix(rows.length, m.cols);
  for (let t = 0; t < rows.length; t++) {
    out.data.set(m.data.subarray(rows[t]! * m.cols, (rows[t]! + 1) * m.cols), t * m.cols);
  }
  return out;
}

/**
 * The power of two each column is divided by before squaring (1 unless its values are beyond
 * 2^±500; src/util/magnitude.ts), so that sums of squares of values near 1e300 or 1e-300 stay
 * finite and exact.
 */
export function columnUnits(m: FeatureMatrix): Float64Array {
  const { rows, cols, data } = m;
  const units = new Float64Array(cols);
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j]!;
    units[j] = magnitudeUnit(column);
  }
  return units;
}

/** z-scores (population standard deviation; constant columns give 0). */
export function standardize(m: FeatureMatrix): FeatureMatrix {
  const { rows, cols, data } = m;
  const out = featureMatrix(rows, cols);
  const units = columnUnits(m);
  for (let j = 0; j < cols; j++) {
    const u = units[j]!;
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j]! / u;
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      const d = data[i * cols + j]! / u - mean;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / rows);
    for (let i = 0; i < rows; i++) {
      out.data[i * cols + j] = sd > 0 ? (data[i * cols + j]! / u - mean) / sd : 0;
    }
  }
  return out;
}

/** Per-cluster column means of `m`. */
export function clusterMeans(m: FeatureMatrix, labels: Int32Array, k: number): number[][] {
  const sums: number[][] = [];
  for (let c = 0; c < k; c++) sums.push(new Array<number>(m.cols).fill(0));
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < m.rows; i++) {
    const c = labels[i]!;
    counts[c]!++;
    const row = sums[c]!;
    for (let j = 0; j < m.cols; j++) row[j]! += m.data[i * m.cols + j]!;
  }
  return sums.map((row, c) => row.map((s) => (counts[c]! > 0 ? s / counts[c]! : 0)));
}

/** Mean, sample standard deviation, min and max of every column. */
export function featureSummary(
  m: FeatureMatrix,
): { mean: number; sd: number; min: number; max: number }[] {
  const out = [];
  const units = columnUnits(m);
  for (let j = 0; j < m.cols; j++) {
    const u = units[j]!;
    let mean = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[i * m.cols + j]!;
      mean += v / u;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    mean /= m.rows;
    let ss = 0;
    for (let i = 0; i < m.rows; i++) {
      const dv = m.data[i * m.cols + j]! / u - mean;
      ss += dv * dv;
    }
    const sd = m.rows > 1 ? Math.sqrt(ss / (m.rows - 1)) : 0;
    out.push({ mean: mean * u, sd: sd * u, min, max });
  }
  return out;
}
