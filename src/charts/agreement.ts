/**
 * Agreement between two labelings of the same samples: the contingency table as a heatmap with
 * the counts written in, titled with the adjusted Rand index. The report shows k-means against
 * hierarchical clustering, and k-means against the held-out label when there is one.
 */
import { formatProse } from '../util/format.js';
import { OptionError } from '../util/errors.js';
import { checkArgument } from '../util/validate.js';
import {
  chartOptions,
  numberArgument,
  numberRows,
  objectArgument,
  stringArgument,
} from './check.js';
import type { TopLevelSpec } from 'vega-lite';
import { fieldTitle, plainTitle, tooltipFields, topLevel } from './vl.js';

/** One contingency table. */
export interface AgreementTable {
  /** Names of the two labelings, e.g. 'k-means' and 'hierarchical'. */
  rowsName: string;
  colsName: string;
  /** Category names of the rows and the columns, in display order. */
  rowIds: readonly string[];
  colIds: readonly string[];
  /** `counts[i][j]`: samples in row category i and column category j. */
  counts: readonly (readonly number[])[];
  /** Adjusted Rand index of the two labelings. */
  ari: number;
}

function unit(t: AgreementTable, cell: number): Record<string, unknown> {
  // ri and ci keep the categories in the order given (a sort array would put them into an
  // expression; see vl.ts)
  const values: { r: string; c: string; ri: number; ci: number; n: number }[] = [];
  t.rowIds.forEach((r, i) => {
    t.colIds.forEach((c, j) => {
      values.push({ r, c, ri: i, ci: j, n: t.counts[i]![j]! });
    });
  });
  return {
    title: { text: `${t.rowsName} vs ${t.colsName}`, subtitle: `ARI = ${formatProse(t.ari)}` },
    width: Math.max(80, cell * t.colIds.length),
    height: Math.max(60, cell * t.rowIds.length),
    data: { values },
    encoding: {
      x: {
        field: 'c',
        type: 'nominal',
        sort: { field: 'ci', op: 'min' },
        title: fieldTitle(t.colsName),
        axis: { title: plainTitle(t.colsName), labelAngle: 0 },
      },
      y: {
        field: 'r',
        type: 'nominal',
        sort: { field: 'ri', op: 'min' },
        title: fieldTitle(t.rowsName),
        axis: { title: plainTitle(t.rowsName) },
      },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'n',
            type: 'quantitative',
            title: 'samples',
            scale: { scheme: 'blues' },
            legend: null,
          },
          tooltip: tooltipFields([
            { field: 'r', type: 'nominal', title: t.rowsName },
            { field: 'c', type: 'nominal', title: t.colsName },
            { field: 'n', type: 'quantitative', title: 'samples' },
          ]),
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'n', type: 'quantitative' },
          color: {
            condition: { test: 'datum.n > 0.5 * datum.maxCount', value: 'white' },
            value: 'black',
          },
        },
        transform: [{ joinaggregate: [{ op: 'max', field: 'n', as: 'maxCount' }] }],
      },
    ],
  };
}

/** The agreement spec: the tables side by side, each with its own colour scale. */
export function agreementSpec(
  tables: readonly AgreementTable[],
  options: { cell?: number } = {},
): TopLevelSpec {
  const fn = 'agreementSpec';
  if (!Array.isArray(tables) || tables.length === 0) {
    throw new OptionError('agreementSpec needs an array of at least one table.');
  }
  tables.forEach((value, t) => {
    const table = objectArgument(fn, `tables[${t}]`, value);
    stringArgument(fn, `tables[${t}].rowsName`, table.rowsName);
    stringArgument(fn, `tables[${t}].colsName`, table.colsName);
    const rows = checkArgument.strings(fn, `tables[${t}].rowIds`, table.rowIds).length;
    const cols = checkArgument.strings(fn, `tables[${t}].colIds`, table.colIds).length;
    numberRows(fn, `tables[${t}].counts`, table.counts, rows, cols);
    numberArgument(fn, `tables[${t}].ari`, table.ari);
  });
  chartOptions(fn, options, ['cell']);
  if (options.cell !== undefined) checkArgument.number(fn, 'options.cell', options.cell, 1);
  const cell = options.cell ?? 44;
  return topLevel({
    description:
      'Agreement between labelings: ' +
      tables
        .map((t) => `${t.rowsName} vs ${t.colsName}, adjusted Rand index ${formatProse(t.ari)}`)
        .join('; ') +
      '.',
    title: 'Agreement',
    hconcat: tables.map((t) => unit(t, cell)),
    resolve: { scale: { color: 'independent' } },
    spacing: 40,
  });
}
