/**
 * The silhouette plot: one horizontal bar per sample, samples grouped by cluster and sorted by
 * silhouette value within it, the mean silhouette as a dashed line, and each group labelled with
 * its cluster, size and mean. Every cluster keeps its label: a label is centred on its group
 * when there is room, and otherwise moved down (or up, at the bottom) just enough to clear its
 * neighbours. The samples drawn are those of the table with a silhouette; when they are a sample
 * of the data, the subtitle says of how many rows, the same number the report's text states.
 */
import { formatProse } from '../util/format.js';
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, checkSampleTable, numberArgument, stringArgument } from './check.js';
import type { TopLevelSpec } from 'vega-lite';
import { tooltipFields, topLevel } from './vl.js';
import { PICK } from './projection.js';
import { clusterScale } from './palette.js';
import type { SampleTable } from './samples.js';
import { round6 } from './samples.js';

/** Options of `silhouetteSpec`. */
export interface SilhouetteOptions {
  /** Title of the row id in tooltips. Default: 'row'. */
  idName?: string;
  /** Chart width in pixels. Default: 360. Height: 1.2 px per sample (at least 24 per cluster), within [160, 600]. */
  width?: number;
  /** The mean silhouette to draw and state (the analysis's). Default: the mean of the table's. */
  mean?: number;
}

/**
 * Centres for labels of height `h` px wanted at `want` (ascending) within [0, height]: each at
 * least `h` below the previous, pushed up from the bottom when they run out of room.
 */
export function spreadLabels(want: readonly number[], h: number, height: number): number[] {
  const out = want.slice();
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.max(out[i]!, h / 2, i > 0 ? out[i - 1]! + h : -Infinity);
  }
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Math.min(out[i]!, height - h / 2, i < out.length - 1 ? out[i + 1]! - h : Infinity);
  }
  return out;
}

/** The silhouette spec; its data is the sample table (named dataset 'rows'). */
export function silhouetteSpec(table: SampleTable, options: SilhouetteOptions = {}): TopLevelSpec {
  const fn = 'silhouetteSpec';
  checkSampleTable(fn, table);
  chartOptions(fn, options, ['idName', 'width', 'mean']);
  if (options.mean !== undefined) numberArgument(fn, 'options.mean', options.mean);
  if (options.idName !== undefined) stringArgument(fn, 'options.idName', options.idName);
  if (options.width !== undefined) checkArgument.number(fn, 'options.width', options.width, 1);
  const o = { idName: 'row', width: 360, ...options };
  if (!table.hasSilhouette)
    throw new OptionError('silhouetteSpec: the sample table has no silhouettes.');
  const groups = new Map<string, { lo: number; hi: number; sum: number; n: number }>();
  let sum = 0;
  let n = 0;
  let min = 0;
  for (const r of table.rows) {
    if (r.spos === undefined || r.silhouette === undefined) continue;
    const g = groups.get(r.cluster) ?? { lo: Infinity, hi: -Infinity, sum: 0, n: 0 };
    g.lo = Math.min(g.lo, r.spos);
    g.hi = Math.max(g.hi, r.spos + 1);
    g.sum += r.silhouette;
    g.n++;
    groups.set(r.cluster, g);
    sum += r.silhouette;
    n++;
    min = Math.min(min, r.silhouette);
  }
  const mean = o.mean ?? (n > 0 ? sum / n : 0);
  let extent = 0;
  for (const g of groups.values()) extent = Math.max(extent, g.hi);
  const height = Math.min(600, Math.max(160, Math.round(1.2 * extent), 13 * groups.size));
  const sorted = [...groups.entries()].sort((a, b) => a[1].lo - b[1].lo);
  const toPx = height / Math.max(1, extent);
  const centres = spreadLabels(
    sorted.map(([, g]) => ((g.lo + g.hi) / 2) * toPx),
    13,
    height,
  );
  const labels = sorted.map(([cluster, g], i) => ({
    cluster,
    mid: round6(centres[i]! / toPx),
    text: `${cluster} (n=${g.n}, mean ${formatProse(g.sum / g.n)})`,
  }));
  const xDomain = [Math.floor(Math.min(min, 0) * 10) / 10, 1];
  const x = {
    field: 'silhouette',
    type: 'quantitative',
    title: 'Silhouette value',
    scale: { domain: xDomain },
  };
  const y = {
    field: 'spos',
    type: 'quantitative',
    axis: null,
    scale: { domain: [0, extent], reverse: true, nice: false, zero: true },
  };
  const big = n > 5000;
  const sampled = n < table.total;
  return topLevel({
    description:
      `Silhouette plot of ${n} samples in ${groups.size} clusters; mean silhouette ` +
      `${formatProse(mean)}. ` +
      labels.map((l) => l.text).join('; ') +
      '.',
    title: {
      text: 'Silhouette per sample',
      subtitle: sampled
        ? `A seeded sample of ${n} of ${table.total} samples. Dashed: mean ${formatProse(mean)}.`
        : `Dashed line: mean silhouette ${formatProse(mean)}.`,
    },
    width: o.width,
    height,
    datasets: { rows: table.rows },
    layer: [
      {
        data: { name: 'rows' },
        transform: [
          { filter: 'isValid(datum.spos)' },
          { calculate: 'datum.spos + 1', as: 'spos2' },
        ],
        params: [{ name: PICK, select: { type: 'point', fields: ['cluster'] }, bind: 'legend' }],
        // a hairline stroke in the fill colour hides the anti-aliasing seams between bars
        mark: { type: 'rect', strokeWidth: 0.5, ...(big ? { aria: false } : {}) },
        encoding: {
          x,
          x2: { datum: 0 },
          y,
          y2: { field: 'spos2' },
          color: {
            field: 'cluster',
            type: 'nominal',
            title: 'k-means cluster',
            scale: clusterScale(table.k),
          },
          stroke: { field: 'cluster', type: 'nominal', scale: clusterScale(table.k), legend: null },
          opacity: { condition: { param: PICK, value: 0.9 }, value: 0.1 },
          tooltip: tooltipFields([
            { field: 'id', type: 'nominal', title: o.idName },
            { field: 'cluster', type: 'nominal', title: 'cluster' },
            { field: 'silhouette', type: 'quantitative', format: '.3f', title: 'silhouette' },
          ]),
        },
      },
      {
        data: { values: [{}] },
        mark: { type: 'rule', color: '#e45756', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { datum: round6(mean), type: 'quantitative' } },
      },
      {
        data: { values: labels },
        mark: { type: 'text', align: 'right', dx: -4, fontSize: 11 },
        encoding: {
          x: { datum: xDomain[0], type: 'quantitative' },
          y: { ...y, field: 'mid' },
          text: { field: 'text' },
        },
      },
    ],
  });
}
