/**
 * The k-distance chart (R dbscan's `kNNdistplot`): the distance of every row to its k-th nearest
 * other row (`knnDistances`), sorted ascending, as a line over the rows. Where the curve bends
 * sharply upwards (its knee) lies a good DBSCAN eps for minSamples = k + 1: rows to the right of
 * the knee are far from their neighbours and would be noise. An optional dashed rule marks a
 * distance (an eps, or HDBSCAN's largest core distance in a selected cluster).
 *
 * Above `maxPoints` rows the line is drawn through `maxPoints` of the sorted distances at evenly
 * spaced ranks, the first and the last included (the shape of a sorted curve survives thinning).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatProse } from '../util/format.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, stringArgument } from './check.js';
import { round6 } from './samples.js';
import { topLevel } from './vl.js';

/** Options of `kDistanceSpec`. */
export interface KDistanceOptions {
  /** A distance to mark with a dashed rule, and its name. Default: none. */
  rule?: { value: number; name: string };
  /** Most points of the line. Default: 1000. */
  maxPoints?: number;
  /** Chart width and height in pixels. Default: 480 x 240. */
  width?: number;
  height?: number;
}

/**
 * The k-distance chart of `distances` (each row's distance to its k-th nearest other row, in any
 * order; finite, >= 0).
 */
export function kDistanceSpec(
  distances: ArrayLike<number>,
  k: number,
  options: KDistanceOptions = {},
): TopLevelSpec {
  const fn = 'kDistanceSpec';
  checkArgument.numbers(fn, 'distances', distances);
  const n = distances.length;
  for (let i = 0; i < n; i++) checkArgument.number(fn, `distances[${i}]`, distances[i], 0);
  checkArgument.integer(fn, 'k', k, 1);
  chartOptions(fn, options, ['rule', 'maxPoints', 'width', 'height']);
  const o = { maxPoints: 1000, width: 480, height: 240, ...options };
  checkArgument.integer(fn, 'maxPoints', o.maxPoints, 2);
  checkArgument.integer(fn, 'width', o.width, 1);
  checkArgument.integer(fn, 'height', o.height, 1);
  if (o.rule !== undefined) {
    checkArgument.object(fn, 'rule', o.rule);
    checkArgument.number(fn, 'rule.value', o.rule.value, 0);
    stringArgument(fn, 'rule.name', o.rule.name);
  }
  const sorted = Float64Array.from(distances).sort();
  const shown = Math.min(n, o.maxPoints);
  const values: { rank: number; distance: number }[] = new Array(shown);
  for (let t = 0; t < shown; t++) {
    const r = shown === n ? t : Math.round((t * (n - 1)) / (shown - 1));
    values[t] = { rank: r + 1, distance: round6(sorted[r]!) };
  }
  const layers: Record<string, unknown>[] = [
    {
      data: { values },
      mark: { type: 'line', color: '#4c78a8', interpolate: 'step-after' },
      encoding: {
        x: { field: 'rank', type: 'quantitative', title: 'rows sorted by distance' },
        y: { field: 'distance', type: 'quantitative', title: `${k}-NN distance` },
        tooltip: [
          { field: 'rank', type: 'quantitative', title: 'rank' },
          { field: 'distance', type: 'quantitative', title: `${k}-NN distance` },
        ],
      },
    },
  ];
  if (o.rule !== undefined) {
    const rule = [{ value: round6(o.rule.value), name: o.rule.name }];
    layers.push(
      {
        data: { values: rule },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888888' },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: rule },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, x: 0, color: '#555555' },
        encoding: {
          y: { field: 'value', type: 'quantitative' },
          text: { field: 'name', type: 'nominal' },
        },
      },
    );
  }
  return topLevel({
    description:
      `k-distance chart: the distance of each of ${n} rows to its ${k}-th nearest other row, ` +
      `sorted; largest ${formatProse(n > 0 ? sorted[n - 1]! : 0)}.`,
    title: {
      text: `${k}-NN distance`,
      subtitle:
        (shown < n ? `${shown} of ${n} rows at evenly spaced ranks. ` : '') +
        'The knee of the curve suggests a DBSCAN eps.',
    },
    width: o.width,
    height: o.height,
    layer: layers,
  });
}
