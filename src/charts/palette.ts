/**
 * The one cluster palette of a report. Cluster ids are the strings 'C1'..'Ck' (1-based), and every
 * chart uses the same explicit domain and range, so that C2 has the same colour in the projection,
 * the dendrogram, the silhouette plot and the agreement heatmap.
 *
 * Colours are Tableau 10 (the Vega scheme 'tableau10'); more than 10 clusters continue with the
 * lighter half of Tableau 20 and then repeat. Written out as hex so that a static SVG rendered in
 * Node and the interactive report agree to the byte.
 */
import { checkArgument } from '../util/validate.js';

/** Tableau 10, in Vega's order. */
export const TABLEAU10 = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
] as const;

/** The lighter companions of Tableau 10 (the other half of Vega's 'tableau20'). */
const TABLEAU10_LIGHT = [
  '#9ecae9',
  '#ffbf79',
  '#ff9d98',
  '#88d27a',
  '#83bcb6',
  '#f2cf5b',
  '#d6a5c9',
  '#fcbfd2',
  '#d8b5a5',
  '#d4a6c8',
] as const;

/** Colour of what is not a cluster: dendrogram links above the cut, unselected points. */
export const NEUTRAL = '#888888';

/**
 * Colour of noise (rows a density clustering leaves out of every cluster, label -1): a light
 * neutral grey, lighter than `NEUTRAL`, so that noise recedes behind the clusters.
 */
export const NOISE_COLOR = '#c7c7c7';

/** The id of noise in the charts and the labels file, where clusters are 'C1'..'Ck'. */
export const NOISE_ID = 'noise';

/** The id of 0-based cluster `index`: 0 -> 'C1'. */
export function clusterId(index: number): string {
  return `C${index + 1}`;
}

/** Most clusters the palette functions name (ids and colours are arrays of k strings). */
export const MAX_CLUSTERS = 2 ** 20;

/** The ids 'C1'..'Ck'. */
export function clusterIds(k: number): string[] {
  checkArgument.integer('clusterIds', 'k', k, 0, MAX_CLUSTERS);
  const out: string[] = new Array(k);
  for (let i = 0; i < k; i++) out[i] = clusterId(i);
  return out;
}

/** The colour of 0-based cluster `index`. */
export function clusterColor(index: number): string {
  const all = [...TABLEAU10, ...TABLEAU10_LIGHT];
  return all[index % all.length]!;
}

/** The colours of clusters 'C1'..'Ck', in order. */
export function clusterColors(k: number): string[] {
  checkArgument.integer('clusterColors', 'k', k, 0, MAX_CLUSTERS);
  const out: string[] = new Array(k);
  for (let i = 0; i < k; i++) out[i] = clusterColor(i);
  return out;
}

/** A Vega-Lite colour scale with the explicit cluster domain 'C1'..'Ck'. */
export function clusterScale(k: number): { domain: string[]; range: string[] } {
  checkArgument.integer('clusterScale', 'k', k, 0, MAX_CLUSTERS);
  return { domain: clusterIds(k), range: clusterColors(k) };
}

/**
 * A Vega-Lite colour scale of a density clustering: the clusters 'C1'..'Ck' in their colours,
 * then 'noise' in `NOISE_COLOR`.
 */
export function noiseScale(k: number): { domain: string[]; range: string[] } {
  checkArgument.integer('noiseScale', 'k', k, 0, MAX_CLUSTERS);
  return { domain: [...clusterIds(k), NOISE_ID], range: [...clusterColors(k), NOISE_COLOR] };
}

/** Grey shades for a held-out label strip, so it does not look like a cluster colour. */
export function labelGreys(n: number): string[] {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = n === 1 ? 0x80 : Math.round(0x40 + ((0xc8 - 0x40) * i) / (n - 1));
    const h = v.toString(16).padStart(2, '0');
    out[i] = `#${h}${h}${h}`;
  }
  return out;
}
