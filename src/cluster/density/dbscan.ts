/**
 * DBSCAN (Ester, Kriegel, Sander and Xu 1996) with scikit-learn's labels.
 *
 * A row is a core point when at least `minSamples` rows (itself included) lie within eps.
 * scikit-learn (`dbscan_inner`) scans the rows in index order; an unlabelled core point starts a
 * new cluster, numbered 0, 1, ... in that order, which grows depth-first through the
 * neighbourhoods of its core points until no unlabelled row is reachable. A border point (not
 * core, within eps of a core point) therefore joins the first cluster that reaches it: of the
 * clusters whose core points lie within eps of it, the one whose lowest-index core point is
 * lowest. The order of the rows inside a neighbourhood changes the order of the search but not
 * the labels, so the search here recomputes neighbourhoods instead of storing them: O(n) memory,
 * two passes of radius searches (neighbors.ts).
 */
import { type NeighborSpace, neighborCounts, neighborsOf } from './neighbors.js';

/** Labels (-1 = noise) and core flags of DBSCAN at `radius` (scan units; see neighbors.ts). */
export function runDbscan(
  space: NeighborSpace,
  radius: number,
  minSamples: number,
): { labels: Int32Array; core: Uint8Array } {
  const n = space.x.rows;
  const counts = neighborCounts(space, radius);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) core[i] = counts[i]! >= minSamples ? 1 : 0;
  const labels = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const found = new Int32Array(n);
  const scratch = new Float64Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || core[i] === 0) continue;
    const label = next++;
    labels[i] = label;
    let top = 0;
    stack[top++] = i;
    while (top > 0) {
      const p = stack[--top]!;
      const m = neighborsOf(space, p, radius, found, scratch);
      for (let t = 0; t < m; t++) {
        const q = found[t]!;
        if (labels[q] === -1) {
          labels[q] = label;
          if (core[q] === 1) stack[top++] = q;
        }
      }
    }
  }
  return { labels, core };
}
