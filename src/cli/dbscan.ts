/**
 * `clusterlens dbscan <file> --eps 0.3|auto [--min-samples 5] [--metric euclidean]
 *                            [--scale standard] [--out labels.csv] [--json]` + the loading flags.
 *
 * The features are scaled first (`--scale`, default standard: src/cli/scaling.ts), so eps is a
 * distance in the scaled units. DBSCAN is deterministic: no seed. --min-samples counts the row
 * itself (scikit-learn's min_samples; R's minPts).
 *
 * `--eps auto` takes the eps at the knee of the k-distance curve (`suggestEps`,
 * src/cluster/density/eps.ts: the sorted distances of each row to its (min-samples - 1)-th
 * nearest other row, R's `kNNdistplot(x, k = minPts - 1)`, so the knee's eps makes the rows left
 * of it core points) and says so, with the flag that overrides it.
 *
 * Prints the eps used, the number of clusters, the noise rows and their share, and the size of
 * each cluster (with the label column's counts when `--label` is given; noise last) with its core
 * points. `--json` prints the same with the labels of every row (-1: noise) and the core points.
 * `--out` writes the labels file (src/report/labels-csv.ts: id, label, dbscan; noise rows read
 * 'noise' in the dbscan column). No timings: reruns are byte-identical.
 */
import type { Command } from 'commander';
import { type EpsSuggestion, suggestEps } from '../cluster/density/eps.js';
import { dbscan } from '../cluster/density/index.js';
import { labelsCsv, labelsRowsOf } from '../report/labels-csv.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import {
  addDensityOutputOptions,
  atMostRows,
  clusterSizes,
  clustersLine,
  type DensityFlags,
  dataLine,
  formatDensitySizes,
  loadScaled,
  positiveFlag,
} from './density.js';
import {
  addLoadingOptions,
  checkOutFlag,
  flagOptions,
  integerFlag,
  printSummary,
  writeOutFlag,
  sampleField,
  dataInput,
} from './options.js';

/** The flags of `dbscan`, as commander hands them over. */
export interface DbscanFlags extends DensityFlags {
  eps?: string;
  minSamples?: string;
}

export function register(program: Command, context: CliContext): void {
  addDensityOutputOptions(
    addLoadingOptions(
      program
        .command('dbscan')
        .description(
          'DBSCAN density clustering at one radius, eps (or eps from the k-distance knee)',
        )
        .argument('[file]', 'data file: CSV, TSV, JSON, NDJSON, Parquet or Arrow')
        .usage('[options] <file | --sql query>'),
      { seed: true },
    )
      .requiredOption(
        '--eps <x>',
        "neighbourhood radius (> 0, in the scaled units), or 'auto': the knee of the k-distance curve",
      )
      .option(
        '--min-samples <n>',
        'rows within eps, the row itself counted, that make a row a core point (default: 5)',
      ),
    'print the eps, clusters, labels and core points as JSON',
  ).action(async (file: string | undefined, flags: DbscanFlags) => {
    await dbscanCommand(dataInput(file, flags), flags, context);
  });
}

/** `--eps`: a number > 0 or 'auto'. */
export function epsFlag(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  return positiveFlag('--eps', text, " or 'auto'");
}

/** Load, fit, write and print, as the flags say. */
export async function dbscanCommand(
  file: string,
  flags: DbscanFlags,
  context: CliContext,
): Promise<void> {
  const given = epsFlag(flags.eps ?? '');
  const minSamples =
    flags.minSamples === undefined ? 5 : integerFlag('--min-samples', flags.minSamples, 1);
  if (given === 'auto' && minSamples < 2) {
    throw new OptionError(
      '--eps auto needs --min-samples >= 2 (with 1, every row is a core point at any eps). ' +
        `Got ${minSamples}.`,
    );
  }
  const metric = flags.metric ?? 'euclidean';
  const output = checkOutFlag(file, flags);
  const { dataset, X, scaling } = await loadScaled('dbscan', file, flags, context);
  let suggestion: EpsSuggestion | undefined;
  if (given === 'auto') {
    atMostRows('--min-samples', minSamples, X.rows, ' (with --eps auto)');
    context.progress(`dbscan: the k-distance curve of ${X.rows} rows, k = ${minSamples - 1}`);
    suggestion = suggestEps(X, { minSamples, metric });
  }
  const eps = suggestion?.eps ?? (given as number);
  context.progress(`dbscan: ${X.rows} rows x ${X.cols} columns, eps ${eps}`);
  const fit = dbscan(X, { eps, minSamples, metric });
  if (output !== undefined) {
    await writeOutFlag(
      output,
      labelsCsv(labelsRowsOf(dataset), { clusterings: { dbscan: fit.labels } }),
      file,
      flags,
      { command: 'dbscan', dataset, options: { ...flagOptions(flags), eps, minSamples } },
      context,
    );
  }
  const { sizes, noise } = clusterSizes(fit.labels, fit.nClusters);
  const cores = new Array<number>(fit.nClusters).fill(0);
  for (const i of fit.coreSampleIndices) cores[fit.labels[i]!]!++;
  if (flags.json) {
    const out = {
      file: dataset.source.path,
      sha256: dataset.source.sha256,
      ...sampleField(dataset),
      rows: X.rows,
      columns: dataset.columns,
      options: { eps, minSamples, metric, scale: scaling },
      epsSuggested:
        suggestion === undefined
          ? null
          : {
              eps: suggestion.eps,
              k: suggestion.k,
              knee: suggestion.knee,
              rule: 'knee of the sorted k-distances (farthest below the chord)',
            },
      nClusters: fit.nClusters,
      nNoise: noise,
      noiseShare: X.rows === 0 ? 0 : noise / X.rows,
      sizes,
      coreSizes: cores,
      labels: Array.from(fit.labels),
      coreSampleIndices: Array.from(fit.coreSampleIndices),
    };
    context.io.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  let text =
    `${dataLine(X, scaling)}; dbscan, eps ${eps}${suggestion === undefined ? '' : ' (suggested)'}` +
    `, min samples ${minSamples}, metric ${metric}\n`;
  if (suggestion !== undefined) text += `${suggestionText(suggestion, X.rows)}\n`;
  text += `${clustersLine(fit.nClusters, noise, X.rows)}\n\n`;
  text += formatDensitySizes(dataset, fit.labels, sizes, noise, [
    { name: 'core', cells: cores.map(String) },
  ]);
  if (fit.nClusters === 0) {
    text +=
      '\nno cluster found: every row is noise. Try a larger --eps or a smaller --min-samples.\n';
  }
  printSummary(context, output, text);
}

/** How the eps was suggested and how to override it. */
function suggestionText(s: EpsSuggestion, rows: number): string {
  return (
    `eps ${s.eps} was suggested: the knee of the k-distance curve, each row's distance to\n` +
    `its ${ordinal(s.k)} nearest other row (k = min samples - 1), sorted; the knee is row ` +
    `${s.knee + 1} of ${rows}, where\nthe curve is farthest below the chord from its first to ` +
    'its last point. A reading of the curve,\nnot a criterion: give --eps <x> to choose another.'
  );
}

function ordinal(k: number): string {
  const tens = k % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][k % 10] ?? 'th');
  return `${k}${suffix}`;
}
