/**
 * The scree chart: explained variance ratio of each of the first components (10 by default, as
 * factoextra's `fviz_eig`) as bars, the cumulative ratio as a line, and a dashed rule at 90%.
 * The cumulative ratio is over every component, so the line reads the same however many bars are
 * drawn; the subtitle says how many components there are when not all are drawn.
 */
import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './vl.js';
import { round6 } from './samples.js';
import { checkArgument, checkKnownOptions } from '../util/validate.js';

/** Options of `screeSpec`. */
export interface ScreeOptions {
  /** Draw a dashed rule at this cumulative ratio. Default: 0.9. */
  threshold?: number;
  /** Components drawn (the first ones). Default: 10. */
  maxComponents?: number;
  /** Chart width and height in pixels. Default: max(360, 36 per component drawn) x 240. */
  width?: number;
  height?: number;
}

/** The scree spec for the explained variance ratios of the components, in order. */
export function screeSpec(ratios: ArrayLike<number>, options: ScreeOptions = {}): TopLevelSpec {
  checkArgument.numbers('screeSpec', 'ratios', ratios);
  checkKnownOptions('screeSpec', options, ['threshold', 'width', 'height', 'maxComponents']);
  const shown = Math.min(ratios.length, options.maxComponents ?? 10);
  const o = { threshold: 0.9, width: Math.max(360, 36 * shown), height: 240, ...options };
  const values: { pc: string; ratio: number; cumulative: number }[] = [];
  let cum = 0;
  let reach = 0;
  for (let i = 0; i < ratios.length; i++) {
    cum += ratios[i]!;
    if (reach === 0 && cum >= o.threshold - 1e-12) reach = i + 1;
    if (i < shown) {
      values.push({ pc: `PC${i + 1}`, ratio: round6(ratios[i]!), cumulative: round6(cum) });
    }
  }
  const order = values.map((v) => v.pc);
  const x = {
    field: 'pc',
    type: 'nominal',
    title: 'Component',
    sort: order,
    axis: { labelAngle: 0 },
  };
  // when the bars drawn do not reach the threshold (wide data: many small components), the axis
  // ends above the last cumulative value instead of at 100%, and the rule is left out
  const drawnReach = reach > 0 && reach <= shown;
  const top = drawnReach
    ? 1
    : Math.min(1, Math.ceil(10 * (values.at(-1)?.cumulative ?? 0)) / 10 || 0.1);
  const y = {
    type: 'quantitative',
    title: 'Explained variance',
    axis: { format: '.0%' },
    scale: { domain: [0, top] },
  };
  const first = values[0]?.ratio ?? 0;
  const partial = shown < ratios.length;
  const pctT = `${(100 * o.threshold).toFixed(0)}%`;
  return topLevel({
    description:
      `Scree chart of ${partial ? `the first ${shown} of ${ratios.length}` : values.length} ` +
      `principal components: PC1 explains ${(100 * first).toFixed(1)}% of the variance` +
      (reach > 0 ? `; the first ${reach} reach ${pctT}.` : '.'),
    title: partial
      ? {
          text: 'Explained variance',
          subtitle: [
            `The first ${shown} of ${ratios.length} components; the line is the cumulative share of all.`,
            ...(drawnReach
              ? []
              : [
                  reach > 0
                    ? `${pctT} of the variance takes the first ${reach} components.`
                    : `The components do not reach ${pctT}.`,
                ]),
          ],
        }
      : 'Explained variance',
    width: o.width,
    height: o.height,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8', tooltip: true },
        encoding: { x, y: { ...y, field: 'ratio' } },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 10 },
        encoding: { x, y: { ...y, field: 'ratio' }, text: { field: 'ratio', format: '.1%' } },
      },
      {
        mark: { type: 'line', color: '#e45756', point: { color: '#e45756' } },
        encoding: {
          x,
          y: { ...y, field: 'cumulative' },
          tooltip: [
            { field: 'pc', title: 'component' },
            { field: 'cumulative', type: 'quantitative', format: '.1%', title: 'cumulative' },
          ],
        },
      },
      ...(drawnReach
        ? [
            {
              data: { values: [{}] },
              mark: { type: 'rule', strokeDash: [4, 4], color: '#888888' },
              encoding: { y: { datum: o.threshold, type: 'quantitative' } },
            },
          ]
        : []),
    ],
  });
}
