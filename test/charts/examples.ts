/** One spec of every chart, over the hand-made inputs of fixtures.ts, for the schema test. */
import type { TopLevelSpec } from 'vega-lite';
import { agreementSpec } from '../../src/charts/agreement.js';
import { biplotSpec } from '../../src/charts/biplot.js';
import { chooseKSpec } from '../../src/charts/choose-k.js';
import { contributionSpec, featureContributions } from '../../src/charts/contrib.js';
import { dendrogramSpec, ORIENTATIONS } from '../../src/charts/dendrogram.js';
import { condensedTreeSpec } from '../../src/charts/condensed-tree.js';
import { densityProjectionSpec } from '../../src/charts/density-projection.js';
import { kDistanceSpec } from '../../src/charts/kdistance.js';
import { profilesSpec } from '../../src/charts/profiles.js';
import { anovaF } from '../../src/metrics/anova.js';
import { binDensity, projectionSpec } from '../../src/charts/projection.js';
import { screeSpec } from '../../src/charts/scree.js';
import { silhouetteSpec } from '../../src/charts/silhouette.js';
import { exploreSpec } from '../../src/charts/explore.js';
import { eigenImagesSpec, reconstructionsSpec } from '../../src/charts/images.js';
import { HOSTILE, sampledTable, tinyTable, wideTable } from './fixtures.js';

export const dendrogramInput = {
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
  leafLabels: ['a', '(3)', HOSTILE[0]!, HOSTILE[2]!],
  leafClusters: ['C1', 'C1', 'C2', 'C2'],
  cut: 2.5,
  k: 2,
  contracted: [{ x: 15, y: 0.4 }],
  samples: 6,
  method: 'ward',
};

/** A condensed tree: the root splits into 1 and 2; 2 splits into 3 and 4; 1 and 4 selected. */
export const condensedTreeInput = {
  parent: [-1, 0, 0, 2, 2],
  birth: [4, 2, 2, 1, 1],
  death: [2, 0.5, 1, 0.25, 0.1],
  size: [20, 8, 10, 4, 5],
  stability: [0, 3.5, 1, 2, Number.NaN],
  selected: [-1, 1, -1, -1, 0],
  k: 2,
};

export const stripInput = {
  name: HOSTILE[1]!,
  domain: ['x', HOSTILE[0]!],
  leaves: [
    { label: 'x', share: 1, size: 1 },
    { label: 'x', share: 2 / 3, size: 3 },
    { label: HOSTILE[0]!, share: 1, size: 1 },
    { label: HOSTILE[0]!, share: 1, size: 1 },
  ],
};

export const chooseKInput = {
  table: [
    {
      k: 2,
      inertia: 150,
      silhouette: 0.6,
      calinskiHarabasz: 500,
      daviesBouldin: 0.5,
      gap: 0.5,
      gapSe: 0.05,
    },
    {
      k: 3,
      inertia: 80,
      silhouette: 0.55,
      calinskiHarabasz: 560,
      daviesBouldin: 0.7,
      gap: 0.8,
      gapSe: 0.04,
    },
    {
      k: 4,
      inertia: 60,
      silhouette: 0.5,
      calinskiHarabasz: 530,
      daviesBouldin: 0.8,
      gap: 0.82,
      gapSe: 0.05,
    },
  ],
  picks: { silhouette: 2, calinskiHarabasz: 3, daviesBouldin: 2, gap: 3 },
  chosen: 3,
  recommended: true,
};

/** Named example specs, one or more per chart. */
export function exampleSpecs(): Record<string, TopLevelSpec> {
  const t = tinyTable();
  const plain = tinyTable({ label: false, hcluster: false });
  const z = t.rows.flatMap((r) => [r.z0, r.z1, r.z2]);
  const labels = t.rows.map((r) => Number(r.cluster.slice(1)) - 1);
  const F = anovaF(z, 6, 3, labels, 2);
  const out: Record<string, TopLevelSpec> = {
    projection: projectionSpec(t, { variance: [0.7, 0.2] }),
    'projection-plain': projectionSpec(plain, { variance: [0.7, 0.2], interaction: 'none' }),
    'projection-sampled': projectionSpec(sampledTable(), { variance: [0.7, 0.2] }),
    'projection-density': projectionSpec(t, {
      variance: [0.7, 0.2],
      density: binDensity([1, 2, 3, 3], [1, 2, 2, 3], 3),
    }),
    biplot: biplotSpec(t, {
      components: [
        [0.6, 0.6, 0.52915],
        [0.7, -0.7, 0],
      ],
      explainedVariance: [2.1, 0.6],
      variance: [0.7, 0.2],
    }),
    explore: exploreSpec(t, F, { variance: [0.7, 0.2], labelName: HOSTILE[1]! }),
    'explore-wide': exploreSpec(wideTable(), [5, 4, 3, 2, 1, 0.5, 0.2, 0.1], {
      variance: [0.5, 0.3],
    }),
    'biplot-names': biplotSpec(
      t,
      {
        components: [
          [0.6, 0.6, 0.52915],
          [0.7, -0.7, 0],
        ],
        explainedVariance: [2.1, 0.6],
        variance: [0.7, 0.2],
      },
      { pointNames: true, maxArrows: 2 },
    ),
    contributions: contributionSpec(
      t.features,
      featureContributions(
        [
          [0.6, 0.6, 0.52915],
          [0.7, -0.7, 0],
        ],
        [2.1, 0.6],
      ),
      { variance: [0.7, 0.2] },
    ),
    scree: screeSpec([0.7, 0.2, 0.1]),
    'scree-wide': screeSpec(Array.from({ length: 40 }, () => 0.025)),
    silhouette: silhouetteSpec(t),
    'choose-k': chooseKSpec(chooseKInput),
    profiles: profilesSpec({
      features: t.features,
      k: 2,
      meanZ: [
        [-1, -0.8, -0.5],
        [1, 0.8, 0.5],
      ],
      mean: [
        [1.5, 2.2, 2.8],
        [8.5, 9.2, 7.5],
      ],
      sizes: [3, 3],
      anovaF: F,
    }),
    agreement: agreementSpec([
      {
        rowsName: 'k-means',
        colsName: 'hierarchical',
        rowIds: ['C1', 'C2'],
        colIds: ['C1', 'C2'],
        counts: [
          [2, 1],
          [0, 3],
        ],
        ari: 0.24,
      },
      {
        rowsName: HOSTILE[1]!,
        colsName: 'k-means',
        rowIds: [HOSTILE[0]!, 'y'],
        colIds: ['C1', 'C2'],
        counts: [
          [2, 0],
          [1, 3],
        ],
        ari: 0.3,
      },
    ]),
  };
  out['condensed-tree'] = condensedTreeSpec(condensedTreeInput);
  // a cluster of duplicated rows dies at distance 0 (lambda Infinity)
  out['condensed-tree-duplicates'] = condensedTreeSpec(
    { ...condensedTreeInput, death: [2, 0.5, 0, 0.25, 0.1] },
    { width: 400, height: 200 },
  );
  out['k-distance'] = kDistanceSpec([0.3, 0.1, 0.2, 1.5, 0.25, 0.2], 3);
  out['k-distance-thinned'] = kDistanceSpec(
    Array.from({ length: 50 }, (_, i) => (i * i) / 100),
    4,
    { maxPoints: 10, rule: { value: 5, name: HOSTILE[0]! } },
  );
  out['density-projection'] = densityProjectionSpec(
    {
      ids: ['a', HOSTILE[0]!, 'c', 'd', 'e', 'f'],
      pc1: [1, 1.2, 5, 5.1, 3, 9],
      pc2: [0, 0.3, 2, 2.2, 8, -3],
      labels: [0, 0, 2, 2, -1, -1],
      probabilities: [1, 0.5, 0.9, 1, 0, 0],
      k: 3,
    },
    { variance: [0.7, 0.2], idName: HOSTILE[1]!, total: 10 },
  );
  for (const o of ORIENTATIONS)
    out[`dendrogram-${o}`] = dendrogramSpec(dendrogramInput, { orientation: o });
  out['dendrogram-strip'] = dendrogramSpec({ ...dendrogramInput, strip: stripInput });
  out['dendrogram-strip-bottom'] = dendrogramSpec(
    { ...dendrogramInput, strip: stripInput },
    { orientation: 'bottom' },
  );
  // a 4 x 3 image (width 4, height 3): pixel i at row floor(i / 4), column i % 4
  const ramp = Array.from({ length: 12 }, (_, i) => i);
  out['image-components'] = eigenImagesSpec({
    width: 4,
    height: 3,
    mean: ramp,
    components: [ramp.map((i) => (i - 5.5) / 12), ramp.map((i) => (i % 2 ? 0.3 : -0.3))],
    ratios: [0.6, 0.25],
  });
  out['image-reconstructions'] = reconstructionsSpec(
    {
      width: 4,
      height: 3,
      rows: [`row 1 (${HOSTILE[0]})`, 'row 7 (cluster C2)'],
      ks: [1, 2, 12],
      explained: [0.6, 0.85, 1],
      pixels: [
        [ramp.map((i) => i / 2), ramp.map((i) => i - 0.5), ramp],
        [ramp.map(() => 5.5), ramp.map((i) => 11 - i + 0.2), ramp.map((i) => 11 - i)],
      ],
      range: [0, 11],
    },
    { dark: 'low' },
  );
  return out;
}
