/**
 * The condensed tree of HDBSCAN as an icicle: one bar per cluster of the tree, from the lambda
 * (1 / distance) at which it is born to the lambda at which it dies, as wide as the rows it holds
 * at birth. Children lie inside the span of their parent, in the tree's order (left child first),
 * centred in it (the rows that leave the parent directly take the rest), so the leaves read left
 * to right in leaf order. Lambda grows downwards: the root is at the top, the densest clusters at
 * the bottom. The clusters HDBSCAN selected are filled with their cluster colour (the palette of
 * the report) and outlined; the others are light grey.
 *
 * A death at distance 0 (a cluster of duplicated rows) has lambda Infinity: its bar ends a tenth
 * below the largest finite lambda of the tree.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatProse } from '../util/format.js';
import { checkArgument } from '../util/validate.js';
import { chartOptions, objectArgument } from './check.js';
import { clusterColors, clusterIds, MAX_CLUSTERS } from './palette.js';
import { round6 } from './samples.js';
import { topLevel } from './vl.js';

/** Input of `condensedTreeSpec`: the clusters of a condensed tree, indexed by id (0 = the root). */
export interface CondensedTreeInput {
  /** Parent id of each cluster, -1 for the root (cluster 0). A parent has a lower id. */
  parent: ArrayLike<number>;
  /** Distance at which each cluster is born (finite, >= 0). */
  birth: ArrayLike<number>;
  /** Distance at which each cluster dies (>= 0, at most its birth). */
  death: ArrayLike<number>;
  /** Rows in each cluster at its birth. */
  size: ArrayLike<number>;
  /** Stability of each cluster (NaN allowed). */
  stability: ArrayLike<number>;
  /** The 0-based colour index of each selected cluster ('C1' = 0), -1 for the others. */
  selected: ArrayLike<number>;
  /** Number of cluster colours (the colour indices of `selected` are below it). */
  k: number;
}

/** Options of `condensedTreeSpec`. */
export interface CondensedTreeOptions {
  /** Chart width and height in pixels. Default: 640 x 300. */
  width?: number;
  height?: number;
}

/** Fill of the clusters that were not selected. */
const UNSELECTED = '#e8e8e8';
/** Its legend entry. */
const UNSELECTED_ID = 'not selected';

/** Check the input of `condensedTreeSpec`; returns the number of clusters. */
function checkInput(fn: string, input: unknown): number {
  const i = objectArgument(fn, 'input', input);
  const k = checkArgument.integer(fn, 'input.k', i.k, 0, MAX_CLUSTERS);
  const parent = checkArgument.numbers(fn, 'input.parent', i.parent);
  const m = parent.length;
  if (m < 1) {
    checkArgument.integer(fn, 'input.parent.length', m, 1);
  }
  const birth = checkArgument.numbers(fn, 'input.birth', i.birth, m);
  const death = checkArgument.numbers(fn, 'input.death', i.death, m);
  const size = checkArgument.numbers(fn, 'input.size', i.size, m);
  checkArgument.numbers(fn, 'input.stability', i.stability, m);
  const selected = checkArgument.numbers(fn, 'input.selected', i.selected, m);
  checkArgument.integer(fn, 'input.parent[0]', parent[0], -1, -1);
  for (let c = 0; c < m; c++) {
    if (c > 0) checkArgument.integer(fn, `input.parent[${c}]`, parent[c], 0, c - 1);
    const b = checkArgument.number(fn, `input.birth[${c}]`, birth[c], 0);
    checkArgument.number(fn, `input.death[${c}]`, death[c], 0, b);
    checkArgument.integer(fn, `input.size[${c}]`, size[c], 1);
    checkArgument.integer(fn, `input.selected[${c}]`, selected[c], -1, k - 1);
  }
  return m;
}

/** The icicle of a condensed tree (see the file header). */
export function condensedTreeSpec(
  input: CondensedTreeInput,
  options: CondensedTreeOptions = {},
): TopLevelSpec {
  const fn = 'condensedTreeSpec';
  const m = checkInput(fn, input);
  chartOptions(fn, options, ['width', 'height']);
  const o = { width: 640, height: 300, ...options };
  checkArgument.integer(fn, 'width', o.width, 1);
  checkArgument.integer(fn, 'height', o.height, 1);
  const { parent, birth, death, size, stability, selected, k } = input;
  // children of each cluster, in id order (left child first)
  const first = new Int32Array(m).fill(-1);
  const next = new Int32Array(m).fill(-1);
  const last = new Int32Array(m).fill(-1);
  const childRows = new Float64Array(m);
  for (let c = 1; c < m; c++) {
    const p = parent[c]!;
    if (first[p] === -1) first[p] = c;
    else next[last[p]!] = c;
    last[p] = c;
    childRows[p]! += size[c]!;
  }
  // x: each cluster spans [x0, x0 + size]; its children centred inside, in order
  const x0 = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    let x = x0[c]! + Math.max(0, size[c]! - childRows[c]!) / 2;
    for (let ch = first[c]!; ch !== -1; ch = next[ch]!) {
      x0[ch] = x;
      x += size[ch]!;
    }
  }
  // y: lambda = 1 / distance; an infinite lambda ends below the largest finite one
  let top = 0;
  for (let c = 0; c < m; c++) {
    for (const d of [birth[c]!, death[c]!]) {
      const l = 1 / d;
      if (Number.isFinite(l) && l > top) top = l;
    }
  }
  const cap = top > 0 ? top * 1.1 : 1;
  const lambda = (d: number) => {
    const l = 1 / d;
    return Number.isFinite(l) ? l : cap;
  };
  const ids = clusterIds(k);
  const values: Record<string, unknown>[] = [];
  let nSelected = 0;
  for (let c = 0; c < m; c++) {
    const s = selected[c]!;
    if (s >= 0) nSelected++;
    values.push({
      node: c,
      x: round6(x0[c]!),
      x2: round6(x0[c]! + size[c]!),
      y: round6(lambda(birth[c]!)),
      y2: round6(lambda(death[c]!)),
      size: size[c]!,
      birth: round6(birth[c]!),
      death: round6(death[c]!),
      stability: Number.isFinite(stability[c]!) ? round6(stability[c]!) : null,
      cluster: s >= 0 ? ids[s]! : UNSELECTED_ID,
      selected: s >= 0 ? 1 : 0,
    });
  }
  const rows = size[0]!;
  const tip = [
    { field: 'cluster', type: 'nominal', title: 'cluster' },
    { field: 'node', type: 'quantitative', title: 'node of the tree' },
    { field: 'size', type: 'quantitative', title: 'rows at birth' },
    { field: 'birth', type: 'quantitative', title: 'born at distance' },
    { field: 'death', type: 'quantitative', title: 'dies at distance' },
    { field: 'stability', type: 'quantitative', title: 'stability' },
  ];
  return topLevel({
    description:
      `Condensed tree of HDBSCAN: ${m} clusters of ${rows} rows, ${nSelected} selected; ` +
      'bars from the lambda (1 / distance) of their birth to that of their death, as wide as their rows.',
    title: {
      text: 'Condensed tree',
      subtitle:
        `${m} clusters in the tree, ${nSelected} selected (coloured and outlined); ` +
        `largest lambda ${formatProse(top)}.`,
    },
    width: o.width,
    height: o.height,
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: 'rows, in leaf order',
        scale: { domain: [0, rows], nice: false, zero: true },
        axis: { grid: false },
      },
      x2: { field: 'x2' },
      y: {
        field: 'y',
        type: 'quantitative',
        title: 'lambda = 1 / distance',
        scale: { reverse: true, zero: true, nice: false },
      },
      y2: { field: 'y2' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          color: {
            field: 'cluster',
            type: 'nominal',
            title: 'selected cluster',
            scale: { domain: [...ids, UNSELECTED_ID], range: [...clusterColors(k), UNSELECTED] },
          },
          tooltip: tip,
        },
      },
      {
        transform: [{ filter: 'datum.selected === 1' }],
        mark: { type: 'rect', filled: false, stroke: '#222222', strokeWidth: 1.5 },
        encoding: { tooltip: tip },
      },
    ],
  });
}
