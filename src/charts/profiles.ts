/**
 * Cluster profiles: the mean z-score of every feature in every cluster as a heatmap, with each
 * feature's one-way ANOVA F statistic (between-cluster over within-cluster variance) as bars
 * above it, features ordered by F so the ones that separate the clusters most come first.
 *
 * `selectionProfileSpec` is the linked version: the same heatmap computed in the browser from the
 * sample table, restricted to the samples brushed on the projection (all samples when nothing is
 * brushed). The report places it beside the projection, in one view, so the brush drives it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './vl.js';
import { BRUSH } from './projection.js';
import { clusterIds, MAX_CLUSTERS } from './palette.js';
import type { SampleTable } from './samples.js';
import { round6 } from './samples.js';
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, checkSampleTable, numberRows, objectArgument } from './check.js';

/** Input of `profilesSpec`. */
export interface ProfilesInput {
  /** Feature names. */
  features: readonly string[];
  /** Number of clusters. */
  k: number;
  /** `meanZ[c][j]`: mean z-score of feature j in cluster c (0-based). */
  meanZ: readonly ArrayLike<number>[];
  /** `mean[c][j]`: mean of feature j in cluster c, in original units. */
  mean: readonly ArrayLike<number>[];
  /** Cluster sizes. */
  sizes: ArrayLike<number>;
  /** ANOVA F of each feature. */
  anovaF: ArrayLike<number>;
}

/**
 * One-way ANOVA F statistic of every column of `x` (row-major n x d) across the groups in
 * `labels` (0..k-1): F = [SS_between / (k - 1)] / [SS_within / (n - k)]. A column that is constant
 * within every group but not across them gives Infinity; a constant column gives NaN.
 */
export function anovaF(
  x: ArrayLike<number>,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  k: number,
): Float64Array {
  const fn = 'anovaF';
  checkArgument.integer(fn, 'n', n, 0);
  checkArgument.integer(fn, 'd', d, 0);
  checkArgument.numbers(fn, 'x', x, n * d);
  checkArgument.integer(fn, 'k', k, 1, Math.max(1, n));
  checkArgument.numbers(fn, 'labels', labels, n);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < k) || !Number.isInteger(c)) {
      throw new OptionError(`anovaF: label ${c} of row ${i} is not an integer in [0, ${k}).`);
    }
  }
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const total = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      sums[c * d + j]! += v;
      total[j]! += v;
    }
  }
  const within = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    for (let j = 0; j < d; j++) {
      const dv = x[i * d + j]! - sums[c * d + j]! / counts[c]!;
      within[j]! += dv * dv;
    }
  }
  const out = new Float64Array(d);
  let groups = 0;
  for (let c = 0; c < k; c++) if (counts[c]! > 0) groups++;
  for (let j = 0; j < d; j++) {
    const grand = total[j]! / n;
    let between = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      const dm = sums[c * d + j]! / counts[c]! - grand;
      between += counts[c]! * dm * dm;
    }
    out[j] = between / (groups - 1) / (within[j]! / (n - groups));
  }
  return out;
}

/** Feature order by decreasing F (NaN last), ties by column order. */
function orderByF(features: readonly string[], f: ArrayLike<number>): number[] {
  const key = (j: number) => (Number.isNaN(f[j]!) ? -Infinity : f[j]!);
  return features.map((_, j) => j).sort((a, b) => key(b) - key(a) || a - b);
}

const heatColor = {
  type: 'quantitative',
  title: 'mean z-score',
  scale: { scheme: 'redblue', reverse: true, domainMid: 0 },
};

/** The static profiles spec (heatmap of mean z-scores with the ANOVA F bars above). */
export function profilesSpec(input: ProfilesInput, options: { cell?: number } = {}): TopLevelSpec {
  const fn = 'profilesSpec';
  const i = objectArgument(fn, 'input', input);
  const d = checkArgument.strings(fn, 'input.features', i.features).length;
  const k = checkArgument.integer(fn, 'input.k', i.k, 0, MAX_CLUSTERS);
  numberRows(fn, 'input.meanZ', i.meanZ, k, d);
  numberRows(fn, 'input.mean', i.mean, k, d);
  checkArgument.numbers(fn, 'input.sizes', i.sizes, k);
  checkArgument.numbers(fn, 'input.anovaF', i.anovaF, d);
  chartOptions(fn, options, ['cell']);
  if (options.cell !== undefined) checkArgument.number(fn, 'options.cell', options.cell, 1);
  const cell = options.cell ?? 46;
  const order = orderByF(input.features, input.anovaF);
  const names = order.map((j) => input.features[j]!);
  const ids = clusterIds(input.k);
  const cells: Record<string, unknown>[] = [];
  for (let c = 0; c < input.k; c++) {
    if (input.sizes[c] === 0) continue;
    for (const j of order) {
      cells.push({
        cluster: ids[c],
        feature: input.features[j],
        z: round6(input.meanZ[c]![j]!),
        mean: round6(input.mean[c]![j]!),
        n: input.sizes[c],
      });
    }
  }
  const fvals = order.map((j) => ({
    feature: input.features[j],
    F: Number.isFinite(input.anovaF[j]!) ? round6(input.anovaF[j]!) : null,
  }));
  const x = { field: 'feature', type: 'nominal', sort: names, title: null };
  const width = Math.max(160, cell * names.length);
  const top = names.slice(0, Math.min(3, names.length));
  return topLevel({
    description:
      `Cluster profiles: mean z-score of ${names.length} features in ${ids.length} clusters. ` +
      `Features that separate the clusters most (highest ANOVA F): ${top.join(', ')}.`,
    title: {
      text: 'Cluster profiles',
      subtitle: 'Mean z-score per cluster; features ordered by ANOVA F (separation).',
    },
    vconcat: [
      {
        width,
        height: 90,
        data: { values: fvals },
        mark: { type: 'bar', color: '#72b7b2', tooltip: true },
        encoding: {
          x: { ...x, axis: null },
          y: { field: 'F', type: 'quantitative', title: 'ANOVA F', axis: { tickCount: 4 } },
        },
      },
      {
        width,
        height: cell * 0.6 * ids.length + 10,
        data: { values: cells },
        encoding: {
          x: { ...x, axis: { labelAngle: -40, labelLimit: 140 } },
          y: { field: 'cluster', type: 'nominal', title: 'cluster', sort: ids },
        },
        layer: [
          {
            mark: 'rect',
            encoding: {
              color: { ...heatColor, field: 'z' },
              tooltip: [
                { field: 'cluster', type: 'nominal', title: 'cluster' },
                { field: 'n', type: 'quantitative', title: 'samples' },
                { field: 'feature', type: 'nominal', title: 'feature' },
                { field: 'mean', type: 'quantitative', title: 'mean', format: '.4~g' },
                { field: 'z', type: 'quantitative', title: 'mean z-score', format: '.2f' },
              ],
            },
          },
          {
            mark: { type: 'text', fontSize: 10 },
            encoding: {
              text: { field: 'z', type: 'quantitative', format: '.1f' },
              color: {
                condition: { test: 'abs(datum.z) > 1', value: 'white' },
                value: 'black',
              },
            },
          },
        ],
      },
    ],
    spacing: 4,
  });
}

/**
 * The profile of the brushed samples: a heatmap of mean z-scores per cluster, computed from the
 * sample table (named dataset 'rows') after filtering by the projection's brush. A unit of a
 * concatenation with the projection; it has no top-level properties of its own.
 */
export function selectionProfileSpec(
  table: SampleTable,
  anovaF: ArrayLike<number>,
  options: { cell?: number } = {},
): Record<string, unknown> {
  const fn = 'selectionProfileSpec';
  checkSampleTable(fn, table);
  checkArgument.numbers(fn, 'anovaF', anovaF, table.features.length);
  chartOptions(fn, options, ['cell']);
  if (options.cell !== undefined) checkArgument.number(fn, 'options.cell', options.cell, 1);
  const cell = options.cell ?? 40;
  const order = orderByF(table.features, anovaF);
  const names = order.map((j) => table.features[j]!);
  const lookup = order.map((j) => ({ key: `z${j}`, feature: table.features[j] }));
  return {
    title: {
      text: 'Profile of the selection',
      subtitle: 'Mean z-score of the selected samples (all samples when none are selected).',
    },
    width: Math.max(160, cell * names.length),
    height: 30 * table.k + 10,
    data: { name: 'rows' },
    transform: [
      { filter: { param: BRUSH, empty: true } },
      { fold: order.map((j) => `z${j}`), as: ['key', 'z'] },
      {
        aggregate: [
          { op: 'mean', field: 'z', as: 'z' },
          { op: 'count', as: 'n' },
        ],
        groupby: ['cluster', 'key'],
      },
      { lookup: 'key', from: { data: { values: lookup }, key: 'key', fields: ['feature'] } },
    ],
    encoding: {
      x: {
        field: 'feature',
        type: 'nominal',
        sort: names,
        title: null,
        axis: { labelAngle: -40, labelLimit: 140 },
      },
      y: { field: 'cluster', type: 'nominal', title: 'cluster', sort: clusterIds(table.k) },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            ...heatColor,
            field: 'z',
            scale: { ...heatColor.scale, domain: [-2.5, 2.5], clamp: true },
          },
          tooltip: [
            { field: 'cluster', type: 'nominal', title: 'cluster' },
            { field: 'n', type: 'quantitative', title: 'selected samples' },
            { field: 'feature', type: 'nominal', title: 'feature' },
            { field: 'z', type: 'quantitative', title: 'mean z-score', format: '.2f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'z', type: 'quantitative', format: '.1f' },
          color: { condition: { test: 'abs(datum.z) > 1', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
