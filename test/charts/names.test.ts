/**
 * Every chart with names from the data that Vega's expressions trip on: each member of
 * Object.prototype (its parser takes "constructor" for a signal; its object literals refuse
 * 'constructor' and 'then' as keys), U+2028/U+2029, backslashes, quotes, line breaks, dots and
 * brackets, and names the tooltips use themselves ('PC1'). Each spec goes through Vega-Lite and
 * runs in a headless Vega view, as a page or the static renderer would run it; the names must come
 * out as written in the axis labels.
 *
 * Seeded: FUZZ_SEED=<n> replays a run; the seed in use is printed once.
 */
import fc from 'fast-check';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { agreementSpec } from '../../src/charts/agreement.js';
import { biplotSpec } from '../../src/charts/biplot.js';
import { contributionSpec, featureContributions } from '../../src/charts/contrib.js';
import { dendrogramSpec } from '../../src/charts/dendrogram.js';
import { exploreSpec } from '../../src/charts/explore.js';
import { profilesSpec } from '../../src/charts/profiles.js';
import { projectionSpec } from '../../src/charts/projection.js';
import { sampleTable } from '../../src/charts/samples.js';
import { silhouetteSpec } from '../../src/charts/silhouette.js';
import { axisLabels, runView } from './fixtures.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${SEED}`);
console.log(`chart names fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays this run)`);

interface Names {
  features: string[];
  labelName: string;
  idName: string;
  labels: string[];
  ids: string[];
}

/** Every chart of a report over six samples in two clusters, named by `names`. */
function specs(names: Names): Record<string, TopLevelSpec> {
  const d = names.features.length;
  const original = Array.from({ length: 6 * d }, (_, t) => ((t * 7) % 11) + (t % d));
  const table = sampleTable(
    {
      ids: names.ids,
      clusters: [0, 0, 0, 1, 1, 1],
      hclusters: [0, 0, 1, 1, 1, 1],
      labels: names.labels,
      pc1: [-2, -1.5, -1, 1, 1.5, 2],
      pc2: [0.1, -0.2, 0.3, -0.1, 0.2, -0.3],
      silhouette: [0.7, 0.8, 0.2, 0.9, 0.6, 0.75],
      features: names.features,
      original,
      zscores: original.map((v) => (v - 5) / 3),
    },
    2,
  );
  const F = names.features.map((_, j) => d - j);
  const labelNames = [...new Set(names.labels)].sort();
  const { labelName, idName } = names;
  return {
    projection: projectionSpec(table, { variance: [0.7, 0.2], labelName, idName }),
    explore: exploreSpec(table, F, { variance: [0.7, 0.2], labelName, idName }),
    biplot: biplotSpec(
      table,
      {
        components: [names.features.map((_, j) => 0.5 - j / 10), names.features.map(() => 0.3)],
        explainedVariance: [2, 1],
        variance: [0.7, 0.2],
      },
      { labelName, idName, pointNames: true },
    ),
    contributions: contributionSpec(
      names.features,
      featureContributions(
        [names.features.map((_, j) => 0.5 - j / 10), names.features.map(() => 0.3)],
        [2, 1],
      ),
    ),
    silhouette: silhouetteSpec(table, { idName }),
    profiles: profilesSpec({
      features: names.features,
      k: 2,
      meanZ: [names.features.map(() => -1), names.features.map(() => 1)],
      mean: [names.features.map(() => 2), names.features.map(() => 8)],
      sizes: [3, 3],
      anovaF: F,
    }),
    agreement: agreementSpec([
      {
        rowsName: labelName,
        colsName: 'k-means',
        rowIds: labelNames,
        colIds: ['C1', 'C2'],
        counts: labelNames.map((_, i) => [i, 2]),
        ari: 0.3,
      },
    ]),
    dendrogram: dendrogramSpec({
      icoord: [
        [5, 5, 15, 15],
        [25, 25, 35, 35],
        [10, 10, 30, 30],
      ],
      dcoord: [
        [0, 1, 1, 0],
        [0, 1.5, 1.5, 0],
        [1, 4, 4, 1.5],
      ],
      leafLabels: names.ids.slice(0, 4),
      leafClusters: ['C1', 'C1', 'C2', 'C2'],
      cut: 2.5,
      k: 2,
      samples: 6,
      method: 'ward',
      strip: {
        name: labelName,
        domain: labelNames,
        leaves: names.labels.slice(0, 4).map((label) => ({ label, share: 1, size: 1 })),
      },
    }),
  };
}

/** Run every chart; the profiles and agreement axes show the names as written. */
async function runAll(names: Names): Promise<void> {
  for (const [chart, spec] of Object.entries(specs(names))) {
    let view: Awaited<ReturnType<typeof runView>>;
    try {
      view = await runView(spec);
    } catch (error) {
      throw new Error(`${chart}: ${(error as Error).message}`, { cause: error });
    }
    const labels = axisLabels(view).flat();
    if (chart === 'profiles' || chart === 'contributions') {
      for (const f of names.features) expect(labels, chart).toContain(f);
    }
    if (chart === 'agreement') for (const l of names.labels) expect(labels).toContain(l);
    view.finalize();
  }
}

const PROTOTYPE = [...Object.getOwnPropertyNames(Object.prototype), 'then'];

describe('charts with hostile names', () => {
  it('each member of Object.prototype as every name of the data', async () => {
    for (const name of PROTOTYPE) {
      await runAll({
        features: [name, 'PC1', `${name}\u2028`],
        labelName: name,
        idName: name,
        labels: [name, name, 'x', 'x', '__proto__', 'constructor'],
        ids: [name, 'a', 'b', 'c', 'd', 'e'],
      });
    }
  });

  it('names built from hostile fragments', async () => {
    const fragment = fc.constantFrom(
      ...PROTOTYPE,
      '\u2028',
      '\u2029',
      '\\',
      '"',
      "'",
      '\n',
      '\t',
      '</script>',
      'x.y',
      'a[0]',
      'PC1',
      'row',
      'k-means cluster',
      'é',
    );
    const name = fc.oneof(
      fragment,
      fc.array(fragment, { minLength: 2, maxLength: 3 }).map((parts) => parts.join('')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
        name,
        name,
        fc.array(name, { minLength: 6, maxLength: 6 }),
        fc.array(name, { minLength: 6, maxLength: 6 }),
        async (features, labelName, idName, labels, ids) => {
          await runAll({ features, labelName, idName, labels, ids });
        },
      ),
      { seed: SEED, numRuns: 12 },
    );
  });
});
