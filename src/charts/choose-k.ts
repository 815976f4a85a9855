/**
 * The choose-k panel: one small chart per criterion over the candidate k (inertia for the elbow,
 * silhouette, Calinski-Harabasz, Davies-Bouldin, gap with its standard-error bars), each with its
 * own pick ringed, and the recommended k highlighted as a band in every panel.
 */
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import { booleanArgument, chartOptions, numberArgument, objectArgument } from './check.js';
import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './vl.js';
import { round6 } from './samples.js';

/** One candidate k and its scores; a criterion that was not computed is left out. */
export interface KScores {
  k: number;
  inertia?: number;
  silhouette?: number;
  calinskiHarabasz?: number;
  daviesBouldin?: number;
  gap?: number;
  /** Standard error of the gap (s_k of Tibshirani et al. 2001). */
  gapSe?: number;
}

/** The criteria, in panel order, with how to read each. */
export const CRITERIA = [
  { key: 'inertia', title: 'Inertia (elbow)', better: 'look for the elbow' },
  { key: 'silhouette', title: 'Silhouette', better: 'higher is better' },
  { key: 'calinskiHarabasz', title: 'Calinski-Harabasz', better: 'higher is better' },
  { key: 'daviesBouldin', title: 'Davies-Bouldin', better: 'lower is better' },
  { key: 'gap', title: 'Gap statistic', better: 'first k with gap(k) >= gap(k+1) - s(k+1)' },
] as const;

/** A criterion of the panel. */
export type Criterion = (typeof CRITERIA)[number]['key'];

/** Input of `chooseKSpec`. */
export interface ChooseKInput {
  table: readonly KScores[];
  /** The k each criterion picked. */
  picks: Partial<Record<Criterion, number>>;
  /** The k the analysis used (recommended or given). */
  chosen: number;
  /** True if `chosen` was recommended by the analysis, false if given by the user. */
  recommended: boolean;
  /**
   * The gap statistic at k = 1 when 1 is not a candidate: drawn in the gap panel, whose axis then
   * starts at 1 (k = 1 is the answer "no clusters").
   */
  gapAtOne?: { gap: number; gapSe: number };
}

/** The choose-k spec. */
export function chooseKSpec(input: ChooseKInput, options: { width?: number } = {}): TopLevelSpec {
  const fn = 'chooseKSpec';
  const i = objectArgument(fn, 'input', input);
  if (!Array.isArray(i.table) || i.table.length === 0) {
    throw new OptionError(`The 'input.table' argument of ${fn} must be an array of rows {k, ...}.`);
  }
  (i.table as unknown[]).forEach((value, t) => {
    const row = objectArgument(fn, `input.table[${t}]`, value);
    checkArgument.integer(fn, `input.table[${t}].k`, row.k, 1);
    for (const c of [...CRITERIA.map((x) => x.key), 'gapSe'] as const) {
      if (row[c] !== undefined) numberArgument(fn, `input.table[${t}].${c}`, row[c]);
    }
  });
  const picks = objectArgument(fn, 'input.picks', i.picks);
  for (const [key, k] of Object.entries(picks)) {
    if (k !== undefined) checkArgument.integer(fn, `input.picks.${key}`, k, 1);
  }
  checkArgument.integer(fn, 'input.chosen', i.chosen, 1);
  booleanArgument(fn, 'input.recommended', i.recommended);
  chartOptions(fn, options, ['width']);
  if (options.width !== undefined) checkArgument.number(fn, 'options.width', options.width, 1);
  const width = options.width ?? 170;
  const ks = input.table.map((r) => r.k);
  const kDomain = [Math.min(...ks) - 0.5, Math.max(...ks) + 0.5];
  const panels: Record<string, unknown>[] = [];
  const summary: string[] = [];
  for (const c of CRITERIA) {
    const values = input.table
      .filter((r) => r[c.key] !== undefined && Number.isFinite(r[c.key]))
      .map((r) => {
        const v: Record<string, number | boolean> = {
          k: r.k,
          value: round6(r[c.key]!),
          pick: input.picks[c.key] === r.k,
        };
        if (c.key === 'gap' && r.gapSe !== undefined) {
          v.lo = round6(r.gap! - r.gapSe);
          v.hi = round6(r.gap! + r.gapSe);
        }
        return v;
      });
    if (values.length === 0) continue;
    const one = c.key === 'gap' && input.gapAtOne !== undefined ? input.gapAtOne : undefined;
    if (one !== undefined) {
      values.unshift({
        k: 1,
        value: round6(one.gap),
        pick: false,
        lo: round6(one.gap - one.gapSe),
        hi: round6(one.gap + one.gapSe),
      });
    }
    const pick = input.picks[c.key];
    if (pick !== undefined) summary.push(`${c.title} picks k=${pick}`);
    const x = {
      field: 'k',
      type: 'quantitative',
      title: 'k',
      scale: { domain: one ? [0.5, kDomain[1]!] : kDomain, nice: false },
      axis: { values: one ? [1, ...ks] : ks, format: 'd' },
    };
    const y = { field: 'value', type: 'quantitative', title: null, scale: { zero: false } };
    const layer: Record<string, unknown>[] = [
      {
        data: { values: [{ k0: input.chosen - 0.5, k1: input.chosen + 0.5 }] },
        mark: { type: 'rect', color: '#f2cf5b', opacity: 0.35 },
        encoding: { x: { ...x, field: 'k0' }, x2: { field: 'k1' } },
      },
    ];
    if (c.key === 'gap' && values.some((v) => v.lo !== undefined)) {
      layer.push({
        mark: { type: 'rule', color: '#4c78a8' },
        transform: [{ filter: 'isValid(datum.lo)' }],
        encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
      });
    }
    layer.push({
      mark: { type: 'line', color: '#4c78a8', point: { color: '#4c78a8' } },
      encoding: {
        x,
        y,
        tooltip: [
          { field: 'k', type: 'quantitative', title: 'k' },
          { field: 'value', type: 'quantitative', title: c.title, format: '.4~g' },
        ],
      },
    });
    if (pick !== undefined && values.some((v) => v.pick)) {
      layer.push({
        transform: [{ filter: 'datum.pick' }],
        mark: { type: 'point', shape: 'circle', size: 220, strokeWidth: 2, color: '#e45756' },
        encoding: { x, y },
      });
    }
    panels.push({
      title: { text: c.title, subtitle: c.better, fontSize: 12, subtitleFontSize: 10 },
      width,
      height: 130,
      data: { values },
      layer,
    });
  }
  return topLevel({
    description:
      `Criteria for the number of clusters over k = ${ks.join(', ')}. ` +
      (summary.length ? `${summary.join('; ')}. ` : '') +
      `The analysis uses k=${input.chosen}` +
      (input.recommended ? ' (recommended).' : ' (given by the user).'),
    title: {
      text: 'Choosing k',
      subtitle: `Red rings: each criterion's pick. Yellow band: k=${input.chosen} ${
        input.recommended ? '(recommended)' : '(given)'
      }.`,
    },
    concat: panels,
    columns: 3,
    spacing: 24,
  });
}
