/**
 * Contributions of the features to the principal components, as factoextra's `fviz_contrib`
 * (Kassambara and Mundt, R package factoextra, `get_pca_var()$contrib`):
 *
 *   contrib_c(j) = 100 v_cj^2 / sum_i v_ci^2        (v_c the eigenvector of component c; the sum
 *                                                     is 1 for a unit eigenvector)
 *   contrib_12(j) = (contrib_1(j) lambda_1 + contrib_2(j) lambda_2) / (lambda_1 + lambda_2)
 *
 * so each column sums to 100%. A feature that contributed evenly would have 100/d %: the dashed
 * line of the chart (factoextra's red reference line); features above it matter more than the
 * average one to the component. The PC1-2 contribution is proportional to the squared length of
 * the feature's biplot arrow, which is why the biplot draws the features of highest PC1-2
 * contribution.
 *
 * The chart: three panels (PC1, PC2, PC1-2), each with the features of highest contribution as
 * sorted horizontal bars (at most `MAX_CONTRIBUTION_BARS`), and the average line.
 */
import type { TopLevelSpec } from 'vega-lite';
import { round6 } from './samples.js';
import { topLevel } from './vl.js';

/** Largest number of bars per panel. */
export const MAX_CONTRIBUTION_BARS = 20;

/** Contribution (%) of every feature to PC1, PC2 and to both, weighted by the eigenvalues. */
export interface Contributions {
  pc1: Float64Array;
  pc2: Float64Array;
  both: Float64Array;
}

/** The contributions of `fviz_contrib` (see the module comment). */
export function featureContributions(
  components: readonly [ArrayLike<number>, ArrayLike<number>],
  eigenvalues: readonly [number, number],
): Contributions {
  const d = components[0].length;
  const share = (v: ArrayLike<number>): Float64Array => {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += v[j]! * v[j]!;
    const out = new Float64Array(d);
    if (ss > 0) for (let j = 0; j < d; j++) out[j] = (100 * v[j]! * v[j]!) / ss;
    return out;
  };
  const pc1 = share(components[0]);
  const pc2 = share(components[1]);
  const [l1, l2] = eigenvalues;
  const both = new Float64Array(d);
  if (l1 + l2 > 0) {
    for (let j = 0; j < d; j++) both[j] = (pc1[j]! * l1 + pc2[j]! * l2) / (l1 + l2);
  }
  return { pc1, pc2, both };
}

/** Column indices by decreasing value, ties by column order. */
export function rankDescending(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, j) => j).sort(
    (a, b) => values[b]! - values[a]! || a - b,
  );
}

/** Options of `contributionSpec`. */
export interface ContributionOptions {
  /** Bars per panel. Default: `MAX_CONTRIBUTION_BARS`. */
  bars?: number;
  /** Explained variance ratio of PC1 and PC2, for the panel titles. */
  variance?: readonly [number, number];
}

/** The contribution chart of `features` (names, in column order). */
export function contributionSpec(
  features: readonly string[],
  contributions: Contributions,
  options: ContributionOptions = {},
): TopLevelSpec {
  const d = features.length;
  const bars = Math.min(d, options.bars ?? MAX_CONTRIBUTION_BARS);
  const average = 100 / d;
  const pct = (r: number) => `${(100 * r).toFixed(1)}%`;
  const v = options.variance;
  const panels = [
    { key: 'pc1', title: v ? `PC1 (${pct(v[0])})` : 'PC1', values: contributions.pc1 },
    { key: 'pc2', title: v ? `PC2 (${pct(v[1])})` : 'PC2', values: contributions.pc2 },
    { key: 'both', title: 'PC1-2 (weighted by variance)', values: contributions.both },
  ];
  const summary: string[] = [];
  const units = panels.map((p) => {
    const order = rankDescending(p.values).slice(0, bars);
    const above = Array.from(p.values).filter((c) => c > average).length;
    summary.push(
      `${p.title}: ${order
        .slice(0, 3)
        .map((j) => `${features[j]} ${p.values[j]!.toFixed(1)}%`)
        .join(', ')}; ${above} features above the average`,
    );
    const values = order.map((j, rank) => ({
      feature: features[j],
      rank,
      contribution: round6(p.values[j]!),
    }));
    return {
      title: { text: p.title, fontSize: 12 },
      width: 160,
      height: { step: 14 },
      layer: [
        {
          data: { values },
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            y: {
              field: 'feature',
              type: 'nominal',
              title: null,
              sort: { field: 'rank', op: 'min' },
              axis: { labelLimit: 150 },
            },
            x: {
              field: 'contribution',
              type: 'quantitative',
              title: 'contribution (%)',
              axis: { tickCount: 4 },
            },
            tooltip: [
              { field: 'feature', type: 'nominal', title: 'feature' },
              {
                field: 'contribution',
                type: 'quantitative',
                title: `contribution to ${p.title.split(' ')[0]} (%)`,
                format: '.2f',
              },
            ],
          },
        },
        {
          data: { values: [{ average: round6(average) }] },
          mark: { type: 'rule', color: '#e45756', strokeDash: [5, 3], strokeWidth: 1.5 },
          encoding: {
            x: { field: 'average', type: 'quantitative' },
            tooltip: [
              {
                field: 'average',
                type: 'quantitative',
                title: 'average contribution 100/d (%)',
                format: '.2f',
              },
            ],
          },
        },
      ],
    };
  });
  const partial = bars < d;
  return topLevel({
    description:
      `Contributions of the ${d} features to the first two principal components ` +
      `(squared eigenvector entries, %), ${partial ? `the ${bars} largest` : 'all'} per ` +
      `component, with the average ${average.toFixed(2)}% (100/${d}) as a dashed line. ` +
      `${summary.join('. ')}.`,
    title: {
      text: 'Contributions of the features',
      subtitle: [
        'Share of each component carried by each feature (squared eigenvector entry, %); PC1-2: ' +
          'the two weighted by their variances.',
        `Dashed: the average, 100/${d} = ${average.toFixed(2)}%` +
          (partial ? `. The ${bars} largest of ${d} features per panel.` : '.'),
      ],
    },
    hconcat: units,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spacing: 24,
  });
}
