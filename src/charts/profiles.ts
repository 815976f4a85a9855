/**
 * Cluster profiles: the mean z-score of every feature in every cluster as a heatmap, with each
 * feature's one-way ANOVA F statistic (between-cluster over within-cluster variance) as bars
 * above it, features ordered by F so the ones that separate the clusters most come first.
 *
 * `selectionProfileSpec` is the linked version: the same heatmap computed in the browser from the
 * sample table, restricted to the samples brushed on the projection (all samples when nothing is
 * brushed). The report places it beside the projection, in one view, so the brush drives it.
 *
 * Both show at most `MAX_PROFILE_FEATURES` features, those of highest F, and say how many are
 * left out (a heatmap of a thousand columns is neither drawable nor readable); every cluster
 * keeps its row and its axis label, also when it is empty or has no selected samples.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatProse } from '../util/format.js';
import { topLevel } from './vl.js';
import { BRUSH, pointRows } from './projection.js';
import { clusterIds, MAX_CLUSTERS } from './palette.js';
import type { SampleTable } from './samples.js';
import { round6 } from './samples.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, checkSampleTable, numberRows, objectArgument } from './check.js';

/** Largest number of features (columns) of a profile heatmap. */
export const MAX_PROFILE_FEATURES = 20;

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

/** How an infinite F reads in tooltips and text. */
export const INFINITE_F = '∞ (constant within every cluster)';

/**
 * Column indices by decreasing F (an infinite F first, NaN last), ties by column order: all of
 * them, or only those in `among`.
 */
export function orderByF(f: ArrayLike<number>, among?: readonly number[]): number[] {
  const key = (j: number) => (Number.isNaN(f[j]!) ? -Infinity : f[j]!);
  const cols = among ? [...among] : Array.from({ length: f.length }, (_, j) => j);
  return cols.sort((a, b) => key(b) - key(a) || a - b);
}

/** The sentence that says which features a profile of `shown` of `total` features shows. */
function shownNote(shown: number, total: number): string {
  return shown < total
    ? `The ${shown} of ${total} features with the highest F; the other ${total - shown} are in ` +
        'the feature table of the Data section.'
    : '';
}

/**
 * Features in the order of `rank` (their place by F). A sort array of the names would do the same,
 * but Vega-Lite compiles it into an expression that quotes every name (see vl.ts).
 */
const BY_RANK = { field: 'rank', op: 'min' };

const heatColor = {
  type: 'quantitative',
  title: 'mean z-score',
  scale: { scheme: 'redblue', reverse: true, domainMid: 0 },
};

/** The static profiles spec (heatmap of mean z-scores with the ANOVA F bars above). */
export function profilesSpec(
  input: ProfilesInput,
  options: { cell?: number; maxFeatures?: number } = {},
): TopLevelSpec {
  const fn = 'profilesSpec';
  const i = objectArgument(fn, 'input', input);
  const d = checkArgument.strings(fn, 'input.features', i.features).length;
  const k = checkArgument.integer(fn, 'input.k', i.k, 0, MAX_CLUSTERS);
  numberRows(fn, 'input.meanZ', i.meanZ, k, d);
  numberRows(fn, 'input.mean', i.mean, k, d);
  checkArgument.numbers(fn, 'input.sizes', i.sizes, k);
  checkArgument.numbers(fn, 'input.anovaF', i.anovaF, d);
  chartOptions(fn, options, ['cell', 'maxFeatures']);
  if (options.cell !== undefined) checkArgument.number(fn, 'options.cell', options.cell, 1);
  if (options.maxFeatures !== undefined) {
    checkArgument.integer(fn, 'options.maxFeatures', options.maxFeatures, 1);
  }
  const cell = options.cell ?? 46;
  const total = input.features.length;
  const order = orderByF(input.anovaF).slice(0, options.maxFeatures ?? MAX_PROFILE_FEATURES);
  const names = order.map((j) => input.features[j]!);
  const ids = clusterIds(input.k);
  const cells: Record<string, unknown>[] = [];
  for (let c = 0; c < input.k; c++) {
    if (input.sizes[c] === 0) continue;
    for (let rank = 0; rank < order.length; rank++) {
      const j = order[rank]!;
      cells.push({
        cluster: ids[c],
        feature: input.features[j],
        rank,
        z: round6(input.meanZ[c]![j]!),
        mean: round6(input.mean[c]![j]!),
        n: input.sizes[c],
      });
    }
  }
  // An infinite F (a feature constant within every cluster) is drawn as a bar as tall as the
  // largest finite one and marked '∞', so it neither blows up the axis nor disappears.
  let cap = 0;
  let infinite = false;
  for (const j of order) {
    const f = input.anovaF[j]!;
    if (Number.isFinite(f)) cap = Math.max(cap, f);
    else if (f === Infinity) infinite = true;
  }
  if (!(cap > 0)) cap = 1;
  const fvals = order.map((j, rank) => {
    const f = input.anovaF[j]!;
    if (f === Infinity) {
      return {
        feature: input.features[j],
        rank,
        F: round6(cap),
        infinite: true,
        Flabel: INFINITE_F,
      };
    }
    return {
      feature: input.features[j],
      rank,
      F: Number.isFinite(f) ? round6(f) : null,
      ...(infinite ? { infinite: false, Flabel: Number.isFinite(f) ? formatProse(f) : 'n/a' } : {}),
    };
  });
  const x = { field: 'feature', type: 'nominal', sort: BY_RANK, title: null };
  const width = Math.max(160, cell * names.length);
  const top = names.slice(0, Math.min(3, names.length));
  const fBars = {
    mark: { type: 'bar', color: '#72b7b2', tooltip: true },
    encoding: {
      x: { ...x, axis: null },
      y: { field: 'F', type: 'quantitative', title: 'ANOVA F', axis: { tickCount: 4 } },
    },
  };
  const note = shownNote(names.length, total);
  return topLevel({
    description:
      `Cluster profiles: mean z-score of ${names.length} features in ${ids.length} clusters. ` +
      `Features that separate the clusters most (highest ANOVA F): ${top.join(', ')}.` +
      (note ? ` ${note}` : ''),
    title: {
      text: 'Cluster profiles',
      subtitle: note
        ? ['Mean z-score per cluster; features ordered by ANOVA F (separation).', note]
        : 'Mean z-score per cluster; features ordered by ANOVA F (separation).',
    },
    vconcat: [
      infinite
        ? {
            width,
            height: 90,
            data: { values: fvals },
            encoding: { x: { ...x, axis: null } },
            layer: [
              {
                mark: { type: 'bar', color: '#72b7b2' },
                encoding: {
                  y: fBars.encoding.y,
                  color: {
                    field: 'infinite',
                    type: 'nominal',
                    scale: { domain: [false, true], range: ['#72b7b2', '#b279a2'] },
                    legend: null,
                  },
                  tooltip: [
                    { field: 'feature', type: 'nominal', title: 'feature' },
                    { field: 'Flabel', type: 'nominal', title: 'ANOVA F' },
                  ],
                },
              },
              {
                transform: [{ filter: 'datum.infinite' }],
                mark: { type: 'text', dy: -6, fontSize: 13, fontWeight: 'bold' },
                encoding: {
                  y: { field: 'F', type: 'quantitative' },
                  text: { value: '∞' },
                },
              },
            ],
          }
        : { width, height: 90, data: { values: fvals }, ...fBars },
      {
        width,
        height: cell * 0.6 * ids.length + 10,
        data: { values: cells },
        encoding: {
          x: { ...x, axis: { labelAngle: -40, labelLimit: 140 } },
          y: {
            field: 'cluster',
            type: 'nominal',
            title: 'cluster',
            sort: ids,
            scale: { domain: ids },
          },
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
  const order = orderByF(anovaF, table.zColumns).slice(0, MAX_PROFILE_FEATURES);
  const names = order.map((j) => table.features[j]!);
  const lookup = order.map((j, rank) => ({ key: `z${j}`, feature: table.features[j], rank }));
  const ids = clusterIds(table.k);
  const note = shownNote(names.length, table.features.length);
  return {
    title: {
      text: 'Profile of the selection',
      subtitle: note
        ? ['Mean z-score of the selected samples (all samples when none are selected).', note]
        : 'Mean z-score of the selected samples (all samples when none are selected).',
    },
    width: Math.max(160, cell * names.length),
    height: 30 * table.k + 10,
    data: { name: 'rows' },
    transform: [
      ...pointRows(table),
      { filter: { param: BRUSH, empty: true } },
      { fold: order.map((j) => `z${j}`), as: ['key', 'z'] },
      {
        aggregate: [
          { op: 'mean', field: 'z', as: 'z' },
          { op: 'count', as: 'n' },
        ],
        groupby: ['cluster', 'key'],
      },
      {
        lookup: 'key',
        from: { data: { values: lookup }, key: 'key', fields: ['feature', 'rank'] },
      },
    ],
    encoding: {
      x: {
        field: 'feature',
        type: 'nominal',
        sort: BY_RANK,
        title: null,
        axis: { labelAngle: -40, labelLimit: 140 },
      },
      y: { field: 'cluster', type: 'nominal', title: 'cluster', sort: ids, scale: { domain: ids } },
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
