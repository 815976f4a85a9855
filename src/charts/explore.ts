/**
 * The linked view of the report: the projection (drag to select, click a legend entry to
 * highlight a cluster) beside the profile of the selected samples (below it, for more than six
 * features), in one Vega-Lite view so that the brush drives the profile.
 */
import { checkArgument } from '../util/validate.js';
import type { TopLevelSpec } from 'vega-lite';
import { MAX_PROFILE_FEATURES, selectionProfileSpec } from './profiles.js';
import { checkProjectionArguments, type ProjectionOptions, projectionSpec } from './projection.js';
import type { SampleTable } from './samples.js';
import { topLevel } from './vl.js';

/** The projection with a brush, and the selection profile beside it. */
export function exploreSpec(
  table: SampleTable,
  anovaF: ArrayLike<number>,
  options: ProjectionOptions,
): TopLevelSpec {
  checkProjectionArguments('exploreSpec', table, options);
  checkArgument.numbers('exploreSpec', 'anovaF', anovaF, table.features.length);
  const projection = projectionSpec(table, { ...options, interaction: 'brush' }) as unknown as {
    description: string;
    datasets: unknown;
    [key: string]: unknown;
  };
  const { $schema: _schema, description, datasets, ...unit } = projection;
  const profiled = Math.min(table.zColumns.length, MAX_PROFILE_FEATURES);
  return topLevel({
    description:
      `${description} Beside it, the mean z-score of ` +
      (profiled < table.features.length
        ? `the ${profiled} features of highest ANOVA F`
        : 'every feature') +
      ' per cluster over the samples selected on the projection (all samples when none are ' +
      'selected).',
    datasets,
    // side by side while the profile is narrow; below the projection when it is wide
    ...(profiled <= 6
      ? { hconcat: [unit, selectionProfileSpec(table, anovaF)] }
      : { vconcat: [unit, selectionProfileSpec(table, anovaF, { cell: 34 })] }),
    // independent scales keep each legend beside its own view, not right of the whole concat
    resolve: { scale: { color: 'independent', shape: 'independent' } },
    spacing: 30,
  });
}
