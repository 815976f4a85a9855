/**
 * The scree chart: explained variance ratio of each principal component as bars, the cumulative
 * ratio as a line, and a dashed rule at 90%.
 */
import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './vl.js';
import { round6 } from './samples.js';
import { checkArgument, checkKnownOptions } from '../util/validate.js';

/** Options of `screeSpec`. */
export interface ScreeOptions {
  /** Draw a dashed rule at this cumulative ratio. Default: 0.9. */
  threshold?: number;
  /** Chart width and height in pixels. Default: max(360, 36 per component) x 240. */
  width?: number;
  height?: number;
}

/** The scree spec for the explained variance ratios of the components, in order. */
export function screeSpec(ratios: ArrayLike<number>, options: ScreeOptions = {}): TopLevelSpec {
  checkArgument.numbers('screeSpec', 'ratios', ratios);
  checkKnownOptions('screeSpec', options, ['threshold', 'width', 'height']);
  const o = { threshold: 0.9, width: Math.max(360, 36 * ratios.length), height: 240, ...options };
  const values: { pc: string; ratio: number; cumulative: number }[] = [];
  let cum = 0;
  for (let i = 0; i < ratios.length; i++) {
    cum += ratios[i]!;
    values.push({ pc: `PC${i + 1}`, ratio: round6(ratios[i]!), cumulative: round6(cum) });
  }
  const order = values.map((v) => v.pc);
  const x = {
    field: 'pc',
    type: 'nominal',
    title: 'Component',
    sort: order,
    axis: { labelAngle: 0 },
  };
  const y = {
    type: 'quantitative',
    title: 'Explained variance',
    axis: { format: '.0%' },
    scale: { domain: [0, 1] },
  };
  const first = values[0]?.ratio ?? 0;
  const reach = values.find((v) => v.cumulative >= o.threshold - 1e-12);
  return topLevel({
    description:
      `Scree chart of ${values.length} principal components: PC1 explains ` +
      `${(100 * first).toFixed(1)}% of the variance` +
      (reach
        ? `; the first ${order.indexOf(reach.pc) + 1} reach ${(100 * o.threshold).toFixed(0)}%.`
        : '.'),
    title: 'Explained variance',
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
      {
        data: { values: [{}] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888888' },
        encoding: { y: { datum: o.threshold, type: 'quantitative' } },
      },
    ],
  });
}
