/**
 * The document of a report (src/report/html.ts renders it): a section per step of the analysis,
 * each of text, tables and charts, in the order an analyst reads them. Summary (the findings,
 * each pointing to its section), Data (the file, the features, the preprocessing log), Choosing
 * k, Principal components, Projection, Hierarchical clustering, Silhouette, Cluster profiles,
 * Agreement, Density clustering (with the `density` option), Images (when the features form an
 * image) and Manifest.
 */
import type { KScores } from '../charts/choose-k.js';
import { clusterId } from '../charts/palette.js';
import type { SampleTable } from '../charts/samples.js';
import type { Dataset } from '../data/dataset.js';
import { describeVarianceSpread } from '../data/scale.js';
import { formatProse } from '../util/format.js';
import type { ReportAnalysis, StreamInfo } from './analyse.js';
import type { ChartSet, ReportChartName } from './charts.js';
import { featureSummary } from './columns.js';
import type { ReportDensity } from './density.js';
import type { ReportImage } from './image.js';
import type { ReportBlock, ReportDocument, ReportSection } from './html.js';
import type { Manifest } from './manifest.js';
import type { ResolvedReportOptions } from './options.js';

/** Features named in the Data section's overview, and above which its feature table is folded. */
const FEATURES_LISTED = 20;

/** Components listed in the table of the PCA section (all of them are in NAME.json). */
const PCA_TABLE_ROWS = 10;

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const fmt4 = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));

/**
 * Kaufman and Rousseeuw's reading of the mean silhouette ("Finding Groups in Data", Wiley 1990,
 * p. 88): > 0.70 strong, > 0.50 reasonable, > 0.25 weak and possibly artificial, else none.
 */
export function silhouetteStructure(mean: number): string {
  if (Number.isNaN(mean)) return 'not computed';
  if (mean > 0.7) return 'a strong structure';
  if (mean > 0.5) return 'a reasonable structure';
  if (mean > 0.25) return 'a weak structure that could be artificial';
  return 'no substantial structure';
}

/** The findings an analyst reads first, one per row, each pointing to its section. */
function summaryTable(
  dataset: Dataset,
  a: ReportAnalysis,
): { kind: 'table'; head: string[]; rows: string[][] } {
  // infinite F (constant within every cluster) first: the clearest separation there is
  const order = Array.from(a.anovaF.keys())
    .filter((j) => !Number.isNaN(a.anovaF[j]!))
    .sort((x, y) => {
      const fx = a.anovaF[x]!;
      const fy = a.anovaF[y]!;
      return fx === fy ? x - y : fy > fx ? 1 : -1;
    });
  const kc = a.kChoice;
  const chosen = a.kSource === 'recommended';
  // a k given by number: only the doubt about any structure concerns it
  const caveats = (kc?.caveats ?? []).filter((c) => chosen || c.kind === 'no-structure');
  const rows: string[][] = [
    ...(a.stream
      ? [
          [
            'data',
            `${a.stream.rows} rows, streamed: scaling, PCA and k-means on all rows, the rest ` +
              `on a seeded sample of ${a.n} rows`,
          ],
        ]
      : []),
    [
      'number of clusters',
      (chosen
        ? `k = ${a.k}, recommended among ${kc!.range[0]}..${kc!.range[1]}: ${kc!.reason}`
        : `k = ${a.k}, ${a.kSource === 'fit' ? 'from the given k-means fit' : 'given'}` +
          (kc ? `; the criteria recommend k = ${kc.recommended}` : '')) +
        caveats.map((c) => ` ${c.text}`).join(''),
    ],
    [
      'separation',
      `mean silhouette ${formatProse(a.silhouetteMean)}: ${silhouetteStructure(a.silhouetteMean)} ` +
        '(Kaufman and Rousseeuw)' +
        (a.silhouetteRows < a.n ? `, on a seeded sample of ${a.silhouetteRows} rows` : ''),
    ],
    [
      'k-means vs hierarchical',
      `adjusted Rand index ${formatProse(a.ariHclust)} (${linkageName(a)}` +
        (a.hclustRows.length < a.n ? `, on a seeded sample of ${a.hclustRows.length} rows` : '') +
        (a.twoStage
          ? `, in two stages: the tree of ${a.twoStage.sizes.length} ` +
            (a.twoStage.stage1 === 'distinct'
              ? 'distinct rows'
              : a.twoStage.stage1 === 'kmeans'
                ? 'k-means centres'
                : 'mini-batch k-means centres') +
            ' weighted by their sizes'
          : '') +
        '); 1 = the two methods find the same groups',
    ],
  ];
  if (a.varianceSpread !== undefined) {
    const text = describeVarianceSpread(a.varianceSpread);
    rows.splice(1, 0, [
      'scaling',
      `${text[0]!.toUpperCase()}${text.slice(1)}; scale 'standard' weighs the features equally.`,
    ]);
  }
  if (a.ariLabel !== undefined) {
    rows.push([
      `k-means vs ${dataset.labelColumn ?? 'label'}`,
      `adjusted Rand index ${formatProse(a.ariLabel)} (the label was held out of every fit)`,
    ]);
  }
  const dn = a.density;
  if (dn !== undefined) {
    rows.push([
      'density clusters (HDBSCAN)',
      `${dn.fit.nClusters} clusters and ${dn.fit.nNoise} noise rows ` +
        `(${((100 * dn.fit.nNoise) / a.n).toFixed(1)}% of ${a.n}; minClusterSize ` +
        `${dn.fit.minClusterSize}, minSamples ${dn.fit.minSamples}); adjusted Rand index with ` +
        `k-means ${formatProse(dn.ariKmeans)}, noise as one group`,
    ]);
  }
  if (order.length > 0 && a.k >= 2) {
    rows.push([
      'features that separate the clusters most',
      order
        .slice(0, 3)
        .map((j) =>
          a.anovaF[j] === Infinity
            ? `${a.features[j]} (F = ∞, constant within every cluster)`
            : `${a.features[j]} (F = ${formatProse(a.anovaF[j]!)})`,
        )
        .join(', '),
    ]);
  }
  return { kind: 'table', head: ['finding', 'value'], rows };
}

/** 'ward linkage', or 'a given linkage matrix' for a tree made by `hclustFromLinkage`. */
function linkageName(a: ReportAnalysis): string {
  return a.hclust.method === 'linkage' ? 'a given linkage matrix' : `${a.hclust.method} linkage`;
}

/** What the sections of the document are made of. */
interface DocumentContext {
  dataset: Dataset;
  o: ResolvedReportOptions;
  a: ReportAnalysis;
  charts: ChartSet;
  manifest: Manifest;
  table: SampleTable;
  /** The chart of that name as a block, or nothing when the report has not drawn it. */
  chart: (name: ReportChartName) => ReportBlock[];
}

/** The document of a report: its title, subtitle and sections. */
export function buildDocument(
  dataset: Dataset,
  o: ResolvedReportOptions,
  a: ReportAnalysis,
  charts: ChartSet,
  manifest: Manifest,
  table: SampleTable,
): ReportDocument {
  const chart = (name: ReportChartName): ReportBlock[] => {
    const c = charts[name];
    return c ? [{ kind: 'chart', chart: c }] : [];
  };
  const c: DocumentContext = { dataset, o, a, charts, manifest, table, chart };
  const sections: ReportSection[] = [
    { id: 'summary', title: 'Summary', blocks: [summaryTable(dataset, a)] },
    dataSection(c),
    a.kChoice ? chooseKSection(c, a.kChoice) : givenKSection(c),
    pcaSection(c),
  ];
  if (charts.projection) sections.push(projectionSection(c));
  sections.push(dendrogramSection(c));
  if (charts.silhouette) sections.push(silhouetteSection(c));
  sections.push(profilesSection(c), agreementSection(c));
  if (a.density) sections.push(densitySection(c, a.density));
  if (a.image) sections.push(imageSection(c, a.image));
  sections.push(manifestSection(manifest));
  return {
    title: o.title ?? `clusterlens report: ${manifest.input.file}`,
    subtitle:
      (a.stream ? `${a.stream.rows} rows (streamed)` : `${a.n} rows`) +
      `, ${a.features.length} features, k = ${a.k}` +
      (a.kChoice && a.kSource === 'recommended' ? ' (recommended)' : '') +
      (a.kChoice?.structure?.clear === false ? ', no clear cluster structure' : '') +
      `, ${o.scale} scaling, ${linkageName(a)}, seed ${o.seed}.`,
    sections,
  };
}

/** How a streamed report read its data, and why. */
function streamText(st: StreamInfo): string {
  return (
    `${st.passes} passes over ${st.chunks} chunks: column moments and the sample; ` +
    `${st.epochs === 1 ? 'mini-batch k-means steps' : `${st.epochs} passes of mini-batch k-means steps`} ` +
    'and the PCA co-moments; the labels file' +
    (st.scalingFromSample ? '. The robust scaling (medians, quartiles) is of the sample' : '') +
    (st.imputedFromSample ? '. Missing values took the medians of the sample' : '') +
    (st.reason === '' ? '' : `. Streamed: ${st.reason}`)
  );
}

/** The file, the features (with their summary and ANOVA F) and the preprocessing log. */
function dataSection(c: DocumentContext): ReportSection {
  return {
    id: 'data',
    title: 'Data',
    blocks: [
      dataOverview(c),
      featureTable(c),
      { kind: 'text', text: 'Preprocessing log:' },
      preprocessingLog(c),
    ],
  };
}

/** The file, the rows read and used, the features (the first few named), label and ids. */
function dataOverview({ dataset, a, manifest }: DocumentContext): ReportBlock {
  const src = dataset.source;
  return {
    kind: 'table',
    head: ['property', 'value'],
    rows: [
      ['file', manifest.input.file],
      ['rows read', String(src.rowsRead)],
      ...(src.sample === undefined
        ? []
        : [
            [
              'sample',
              `a seeded sample of ${src.sample.rows} of the ${src.sample.of} rows (seed ` +
                `${src.sample.seed}), read in one pass: every number in this report is of the sample`,
            ],
          ]),
      ...(a.stream === undefined
        ? [['rows used', String(a.n)]]
        : [
            [
              'rows used',
              `all ${a.stream.rows} rows for the scaling, PCA and k-means; a seeded sample of ` +
                `${a.n} of them for the criteria of k, the hierarchical clustering, the ` +
                'silhouettes, the feature table and the charts',
            ],
            ['streamed', streamText(a.stream)],
          ]),
      [
        'features',
        `${a.features.length}: ` +
          (a.features.length <= FEATURES_LISTED
            ? a.features.join(', ')
            : `${a.features.slice(0, FEATURES_LISTED).join(', ')} and ` +
              `${a.features.length - FEATURES_LISTED} more (all in the feature table below)`),
      ],
      ['held-out label', dataset.labelColumn ?? 'none'],
      ['row ids', dataset.idColumn ?? 'data row number (1-based)'],
    ],
  };
}

/** Mean, sd, min, max and ANOVA F of every feature (folded when there are many). */
function featureTable({ dataset, a }: DocumentContext): ReportBlock {
  return {
    kind: 'table',
    ...(a.features.length > FEATURES_LISTED
      ? {
          summary:
            `Every feature: mean, sd, min, max and ANOVA F of the ${a.features.length} ` +
            'features (click to open)',
        }
      : {}),
    head: ['feature', 'mean', 'sd (n-1)', 'min', 'max', 'ANOVA F'],
    rows: featureSummary(dataset.features).map((f, j) => [
      a.features[j]!,
      fmt4(f.mean),
      fmt4(f.sd),
      fmt4(f.min),
      fmt4(f.max),
      Number.isFinite(a.anovaF[j]!) ? fmt(a.anovaF[j]!, 1) : a.anovaF[j] === Infinity ? '∞' : 'n/a',
    ]),
  };
}

/** What loading, the width, missing values, scaling and the label did to the data. */
function preprocessingLog({ dataset, o, a }: DocumentContext): ReportBlock {
  const src = dataset.source;
  const constant = a.scaling.constantColumns.map((j) => a.features[j]!);
  return {
    kind: 'table',
    head: ['step', 'what happened'],
    rows: [
      ['load', `${src.format.toUpperCase()}, ${src.rowsRead} rows read`],
      ...(src.notes ?? []).map((note) => ['load', note]),
      ...src.leftOut.map((l) => ['column left out', `${l.column}: ${l.reason}`]),
      ...(a.widthReduction
        ? [
            [
              'width',
              `${a.widthReduction.columns} feature columns, more than the ${o.maxFeatures} ` +
                `a report analyses (maxFeatures): kept the ${a.features.length} of highest ` +
                `variance (before scaling); the ${a.widthReduction.leftOut.length} others ` +
                'are listed in the JSON results (widthReduction)',
            ],
          ]
        : []),
      ['missing values', `${src.rowsDropped} rows dropped, ${src.valuesImputed} values imputed`],
      [
        'scaling',
        `${o.scale}` +
          (constant.length ? `; constant columns set to 0: ${constant.join(', ')}` : '') +
          (a.varianceSpread ? `; ${describeVarianceSpread(a.varianceSpread)}` : ''),
      ],
      ...(dataset.labelColumn
        ? [['label', `${dataset.labelColumn} is held out: it colours and scores, it never fits`]]
        : []),
    ],
  };
}

/** The criteria of k: the recommendation (or the k given), their chart and table. */
function chooseKSection(
  { a, chart }: DocumentContext,
  kc: NonNullable<ReportAnalysis['kChoice']>,
): ReportSection {
  return {
    id: 'choose-k',
    title: 'Choosing k',
    blocks: [
      {
        kind: 'text',
        text:
          (a.kSource === 'recommended'
            ? `k = ${a.k} is recommended: ${kc.reason}`
            : `k = ${a.k} ${a.kSource === 'fit' ? 'comes from the given k-means fit' : 'was given'}; ` +
              `the criteria are shown for comparison: ${kc.reason}`) +
          ` k = ${kc.range[0]}..${kc.range[1]} were tried` +
          (kc.rangeSource === 'default'
            ? ` (the default range for ${a.kChoiceRows} rows: from 2 up to sqrt(n / 2), at most 10).`
            : '.') +
          (a.kChoiceRows < a.n
            ? ` The criteria were computed on a seeded sample of ${a.kChoiceRows} of ${a.n} rows.`
            : ''),
      },
      ...(kc.structure
        ? [
            {
              kind: 'text' as const,
              text:
                (kc.structure.clear ? kc.structure.text : `No${kc.structure.text.slice(2)}`) +
                ' The gap statistic compares log W_k (W_k = the k-means inertia) with its mean over 10 ' +
                "reference sets drawn uniformly over the box of the data's principal axes, and " +
                'picks k by the 1-SE rule of Tibshirani, Walther and Hastie (2001).',
            },
          ]
        : []),
      ...kc.caveats
        .filter((c) => c.kind !== 'no-structure')
        .map((c) => ({ kind: 'text' as const, text: c.text })),
      ...chart('choose-k'),
      {
        kind: 'table',
        head: [
          'k',
          'inertia',
          'silhouette',
          'Calinski-Harabasz',
          'Davies-Bouldin',
          'gap',
          'gap s.e.',
        ],
        rows: [
          ...(kc.structure?.gapAtOne
            ? [
                [
                  '1',
                  '',
                  '',
                  '',
                  '',
                  fmt(kc.structure.gapAtOne.gap),
                  fmt(kc.structure.gapAtOne.gapSe),
                ],
              ]
            : []),
          ...kc.table.map((r: KScores) => [
            String(r.k),
            r.inertia === undefined ? '' : fmt(r.inertia, 2),
            r.silhouette === undefined ? '' : fmt(r.silhouette),
            r.calinskiHarabasz === undefined ? '' : fmt(r.calinskiHarabasz, 1),
            r.daviesBouldin === undefined ? '' : fmt(r.daviesBouldin),
            r.gap === undefined ? '' : fmt(r.gap),
            r.gapSe === undefined ? '' : fmt(r.gapSe),
          ]),
        ],
      },
    ],
  };
}

/** A k given, without the criteria (which run on data of at most `chooseKMaxRows` rows). */
function givenKSection({ o, a }: DocumentContext): ReportSection {
  return {
    id: 'choose-k',
    title: 'Choosing k',
    blocks: [
      {
        kind: 'text',
        text:
          `k = ${a.k} ${a.kSource === 'fit' ? 'comes from the given k-means fit' : 'was given'}. ` +
          'The criteria of k (which fit k-means about 100 times) are computed for data of at ' +
          `most ${o.chooseKMaxRows} rows, or on a seeded sample of that many rows when k is ` +
          'chosen by them.',
      },
    ],
  };
}

/** The variance explained, the scree, the biplot, the contributions and the components' table. */
function pcaSection({ o, a, chart }: DocumentContext): ReportSection {
  const ratios = Array.from(a.pca.explainedVarianceRatio);
  const shownPcs = Math.min(ratios.length, PCA_TABLE_ROWS);
  let cum = 0;
  return {
    id: 'pca',
    title: 'Principal components',
    blocks: [
      {
        kind: 'text',
        text:
          `PCA of the ${o.scale === 'none' ? 'unscaled' : `${o.scale}-scaled`} features` +
          (a.stream
            ? ` of all ${a.stream.rows} rows (co-moments accumulated over the chunks)`
            : '') +
          `${a.given.includes('pca') ? ' (the given fit)' : ''}. ` +
          `PC1 and PC2 together explain ${formatProse(100 * ((ratios[0] ?? 0) + (ratios[1] ?? 0)))}% of the variance.`,
      },
      ...chart('scree'),
      ...chart('biplot'),
      ...chart('contributions'),
      {
        kind: 'table',
        head: ['component', 'variance', 'ratio', 'cumulative'],
        rows: ratios.slice(0, shownPcs).map((r, i) => {
          cum += r;
          return [
            `PC${i + 1}`,
            fmt(a.pca.explainedVariance[i]!, 4),
            `${fmt(100 * r, 1)}%`,
            `${fmt(100 * cum, 1)}%`,
          ];
        }),
      },
      ...(shownPcs < ratios.length
        ? [
            {
              kind: 'text' as const,
              text:
                `The first ${shownPcs} of ${ratios.length} components; all of them, with their ` +
                'eigenvectors, are in the JSON results next to this report (pca).',
            },
          ]
        : []),
    ],
  };
}

/** The k-means clusters on the first two components. */
function projectionSection({ a, table, chart }: DocumentContext): ReportSection {
  return {
    id: 'projection',
    title: 'Projection',
    blocks: [
      {
        kind: 'text',
        text:
          (a.stream
            ? `k-means with k = ${a.k} on all ${a.stream.rows} rows (mini-batch steps, one per ` +
              `chunk, ${a.stream.epochs} ${a.stream.epochs === 1 ? 'pass' : 'passes'}, from ` +
              `k-means on the sample with ${a.kmeans.nInit} restarts, seed ${a.kmeans.seed}): ` +
              'cluster sizes over all rows ' +
              Array.from(a.stream.sizes, (s, c) => `${clusterId(c)} ${s}`).join(', ')
            : `k-means with k = ${a.k} (${a.given.includes('kmeans') ? 'the given fit: ' : ''}` +
              `${a.kmeans.nInit} restarts, seed ${a.kmeans.seed}): cluster sizes ` +
              Array.from(a.kmeans.sizes, (s, c) => `${clusterId(c)} ${s}`).join(', ')) +
          '.' +
          (table.points < table.total
            ? ` The points are a seeded sample of ${table.points} of ${table.total} rows; the grey density shows all rows.`
            : ''),
      },
      {
        kind: 'text',
        interactive: true,
        text:
          'Click a legend entry to highlight a cluster in every chart (double-click to clear); ' +
          'drag on the projection to profile the selected samples.',
      },
      ...chart('projection'),
      ...umapBlocks(a, table, chart),
    ],
  };
}

/**
 * The UMAP map beside the PCA projection: its settings, how to read it, the linked views.
 */
function umapBlocks(
  a: ReportAnalysis,
  table: SampleTable,
  chart: DocumentContext['chart'],
): ReportBlock[] {
  const u = a.umap;
  const drawn = chart('umap');
  if (u === undefined || drawn.length === 0) return [];
  const fellBack =
    u.init === 'pca'
      ? ' (spectral start fell back to PCA: the neighbour graph has ' +
        `${u.nGraphComponents} components)`
      : '';
  return [
    {
      kind: 'text',
      text:
        `UMAP map of the same scaled features: seed ${u.seed}, n_neighbors ${u.nNeighbors}, ` +
        `min_dist ${u.minDist}, spread ${u.spread}, ${u.nEpochs} epochs, init ${u.init}${fellBack}, ` +
        `metric ${u.metric}. Same cluster colours as the projection.` +
        (table.points < table.total
          ? ` Both views draw the seeded sample of ${table.points} of ${table.total} rows; the ` +
            'map of every row is in the JSON results next to this report (umap).'
          : ''),
    },
    {
      kind: 'text',
      interactive: true,
      text:
        'Hover a point to ring the same row in both views; drag in either view to select rows ' +
        '(the others fade in both; click outside the selection to clear it); click a legend entry ' +
        'to highlight a cluster.',
    },
    ...drawn,
    {
      kind: 'text',
      text:
        'Reading the UMAP map: rows that are near neighbours in the data stay near on the map, ' +
        'so local groups are kept. The distances between clusters on the map, their sizes and ' +
        'their densities mean nothing: UMAP does not preserve them, and another seed moves and ' +
        'turns the clusters. Read cluster separation from the silhouettes and the PCA projection.',
    },
  ];
}

/** The tree, cut into k clusters. */
function dendrogramSection({ o, a, chart }: DocumentContext): ReportSection {
  const sampledH = a.hclustRows.length < a.n;
  return {
    id: 'dendrogram',
    title: 'Hierarchical clustering',
    blocks: [
      {
        kind: 'text',
        text:
          `${linkageName(a)}${a.given.includes('hclust') ? ' (the given tree)' : ''} on ` +
          `the ${o.scale === 'none' ? 'unscaled' : 'scaled'} features` +
          (sampledH ? ` of a seeded sample of ${a.hclustRows.length} of ${a.n} rows` : '') +
          `, cut into ${a.k} clusters. Hierarchical clusters are renamed after the k-means cluster ` +
          'they overlap most (Hungarian matching), so the same group has the same colour.',
      },
      ...chart('dendrogram'),
    ],
  };
}

/** The silhouette of every row (or of a seeded sample). */
function silhouetteSection({ a, chart }: DocumentContext): ReportSection {
  return {
    id: 'silhouette',
    title: 'Silhouette',
    blocks: [
      {
        kind: 'text',
        text:
          `Mean silhouette ${formatProse(a.silhouetteMean)}` +
          (a.silhouetteRows < a.n
            ? ` over a seeded sample of ${a.silhouetteRows} of ${a.n} rows, the samples drawn below`
            : '') +
          '. Values near 1: well inside the cluster; near 0: between two clusters; below 0: closer to another cluster.',
      },
      ...chart('silhouette'),
    ],
  };
}

/** The mean of every feature per cluster. */
function profilesSection({ chart }: DocumentContext): ReportSection {
  return {
    id: 'profiles',
    title: 'Cluster profiles',
    blocks: [
      {
        kind: 'text',
        text: 'Mean of each feature per k-means cluster, in z-scores of the original feature (0 = the overall mean, 1 = one standard deviation above it). ANOVA F: between-cluster over within-cluster variance of the feature.',
      },
      ...chart('profiles'),
    ],
  };
}

/** The adjusted Rand indices and the cross tables. */
function agreementSection({ dataset, a, chart }: DocumentContext): ReportSection {
  return {
    id: 'agreement',
    title: 'Agreement',
    blocks: [
      {
        kind: 'text',
        text:
          `Adjusted Rand index, k-means vs hierarchical: ${formatProse(a.ariHclust)}` +
          (a.ariLabel !== undefined
            ? `; ${dataset.labelColumn ?? 'label'} vs k-means: ${formatProse(a.ariLabel)}`
            : '') +
          ' (1 = identical partitions, 0 = chance level).',
      },
      ...chart('agreement'),
    ],
  };
}

/**
 * HDBSCAN: its clusters and noise, the projection coloured by them, the condensed tree, the
 * k-distance curve, silhouettes and profiles without the noise, and the agreement tables.
 */
function densitySection(
  { dataset, o, a, chart }: DocumentContext,
  dn: ReportDensity,
): ReportSection {
  const fit = dn.fit;
  const used: number[] = [];
  for (let id = 0; id < dn.kAll; id++) if (dn.sizes[id]! > 0) used.push(id);
  const noiseShare = ((100 * fit.nNoise) / a.n).toFixed(1);
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      text:
        `HDBSCAN on the ${o.scale === 'none' ? 'unscaled' : 'scaled'} features ` +
        `(minClusterSize ${fit.minClusterSize}, minSamples ${fit.minSamples}; the clusters of ` +
        `R dbscan's hdbscan(x, minPts) when the two are equal): ${fit.nClusters} clusters and ` +
        `${fit.nNoise} noise rows (${noiseShare}%), which belong to no cluster and are drawn in ` +
        'grey. Clusters are renamed after the k-means cluster they overlap most (Hungarian ' +
        'matching, noise left out), so the same group has the same colour; a cluster that ' +
        'matches none gets an id after C' +
        `${a.k}.` +
        (used.length > 0
          ? ` Sizes: ${used.map((id) => `${clusterId(id)} ${dn.sizes[id]}`).join(', ')}, noise ${fit.nNoise}.`
          : ''),
    },
    ...chart('density-projection'),
    {
      kind: 'text',
      text:
        'The condensed tree: each bar is a cluster, from the lambda (1 / distance) where it ' +
        'splits off its parent down to where it dies, as wide as its rows; rows leave it on ' +
        'the way as noise or as smaller fragments. HDBSCAN selects the clusters of largest ' +
        'total stability (coloured and outlined).',
    },
    ...chart('condensed-tree'),
    {
      kind: 'text',
      text:
        `The distance of every row to its ${dn.kDistanceK}-th nearest other row, sorted (R ` +
        "dbscan's kNNdistplot): the knee of the curve suggests DBSCAN's eps for minSamples " +
        `${dn.kDistanceK + 1}; the rows beyond it lie in sparse regions.`,
    },
    ...chart('k-distance'),
    {
      kind: 'text',
      text:
        'Silhouettes and profiles of the HDBSCAN clusters are computed without the noise rows' +
        (Number.isNaN(dn.silhouetteMean)
          ? ': the silhouette needs at least two clusters.'
          : `: mean silhouette ${formatProse(dn.silhouetteMean)} (${silhouetteStructure(dn.silhouetteMean)})` +
            (dn.silhouetteRows < dn.clustered.length
              ? ` over a seeded sample of ${dn.silhouetteRows} of the ${dn.clustered.length} clustered rows.`
              : ` over the ${dn.silhouetteRows} clustered rows.`)),
    },
  ];
  if (used.length > 0) {
    blocks.push({
      kind: 'table',
      head: ['cluster', 'rows', 'mean silhouette', 'mean membership probability'],
      rows: [
        ...used.map((id) => {
          let sum = 0;
          for (let i = 0; i < a.n; i++) if (dn.labels[i] === id) sum += fit.probabilities[i]!;
          return [
            clusterId(id),
            String(dn.sizes[id]),
            Number.isNaN(dn.silhouetteByCluster[id]!) ? '' : fmt(dn.silhouetteByCluster[id]!),
            fmt(sum / dn.sizes[id]!),
          ];
        }),
        ['noise', String(fit.nNoise), '', ''],
      ],
    });
  }
  blocks.push(...chart('density-profiles'), {
    kind: 'text',
    text:
      `Adjusted Rand index, HDBSCAN vs k-means: ${formatProse(dn.ariKmeans)}` +
      (dn.ariLabel !== undefined
        ? `; HDBSCAN vs ${dataset.labelColumn ?? 'label'}: ${formatProse(dn.ariLabel)}`
        : '') +
      ' (the noise counted as one group). The tables have a noise row. Membership ' +
      'probabilities, GLOSH outlier scores and the labels are in the JSON results (density) ' +
      "and the labels file (column hdbscan, 'noise' for noise rows).",
  });
  blocks.push(...chart('density-agreement'));
  return { id: 'density', title: 'Density clustering', blocks };
}

/**
 * The rows as images: which rule read the columns as an image, the mean image and the
 * eigen-images, the reconstructions at several k, and the variance and error at each k.
 */
function imageSection({ dataset, o, a, chart }: DocumentContext, im: ReportImage): ReportSection {
  const by = dataset.labelColumn
    ? `the first row of each ${dataset.labelColumn}`
    : 'the first row of each k-means cluster';
  const pixels = im.width * im.height;
  return {
    id: 'images',
    title: 'Images',
    blocks: [
      {
        kind: 'text',
        text:
          `${im.text}.` +
          (im.rule === 'option'
            ? ''
            : ' The columns were detected as an image; the image option sets another grid, ' +
              'and image: false leaves this section out.'),
      },
      {
        kind: 'text',
        text:
          `PCA of the raw pixels (centred, not scaled, so the mean and the eigen-images are in the ` +
          `pixels' units; the Principal components section is of the ${o.scale === 'none' ? 'same' : `${o.scale}-scaled`} ` +
          `features): ${im.allComponents} components in all. Every image is the mean image plus a ` +
          'weighted sum of the eigen-images, the weights being its scores; the first components ' +
          'carry the broad strokes shared by many images, the later ones the details.',
      },
      ...chart('image-components'),
      {
        kind: 'text',
        text:
          `The images of ${by} (${im.rows.length} of them) as they are and rebuilt from their first ` +
          `k components, k = ${im.ks.slice(0, -1).join(', ')}; with all ${im.allComponents} ` +
          'components the image is rebuilt exactly. Each column is titled with the share of the ' +
          'variance its k components explain.',
      },
      ...chart('image-reconstructions'),
      {
        kind: 'table',
        head: ['components k', 'explained variance', 'RMSE per pixel', 'numbers per image'],
        rows: im.ks.map((k, t) => [
          k === im.allComponents ? `${k} (all)` : String(k),
          `${fmt(100 * im.explained[t]!, 1)}%`,
          fmt4(im.rmse[t]!),
          // the k scores, against the pixels
          `${Math.min(k, pixels)} of ${pixels}`,
        ]),
      },
      {
        kind: 'text',
        text:
          `RMSE per pixel: the root mean squared difference between the ${a.n} images and their ` +
          'reconstructions, over every pixel, in the units of the data ' +
          `(its pixels span ${fmt4(im.range[0])}..${fmt4(im.range[1])}). An image rebuilt from k ` +
          'components is stored as its k scores, given the mean image and the k eigen-images.',
      },
    ],
  };
}

/** The input's hash, the seed and the versions; the manifest as JSON. */
function manifestSection(manifest: Manifest): ReportSection {
  return {
    id: 'manifest',
    title: 'Manifest',
    blocks: [
      {
        kind: 'table',
        head: ['property', 'value'],
        rows: [
          ['input', manifest.input.file],
          ['SHA-256', manifest.input.sha256],
          ['seed', String(manifest.seed)],
          ...Object.entries(manifest.versions).map(([name, v]) => [name, v]),
        ],
      },
      { kind: 'code', summary: 'Manifest (JSON)', text: JSON.stringify(manifest, null, 2) },
    ],
  };
}
