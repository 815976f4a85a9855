/**
 * Text labels that do not overlap, placed in TypeScript before the spec is written, so that the
 * interactive report, the static SVG and the .vl.json files show the same labels at the same
 * places (Vega's `label` transform measures text in the browser, and in Node only estimates it).
 *
 * Greedy placement in pixel space, in the order the labels are given (the most important first):
 * each label tries its candidate positions in order and takes the first whose box lies inside the
 * plot and overlaps no box placed before it nor any obstacle (arrowheads, for instance); a label
 * with no free candidate is left out, and the caller says so. Deterministic: the same input gives
 * the same placement.
 *
 * Text width is estimated from per-character classes fitted to DejaVu Sans, the widest of the
 * common sans-serif fonts (Linux's default), so labels measured here are at least as wide as
 * drawn by Helvetica, Arial or Segoe UI; the estimate errs on the side of space.
 */

/** A box in pixels: left, top, right, bottom (y grows downwards). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Em widths of DejaVu Sans by character class; bold is about 10% wider. */
const NARROW = new Set("iljtfrI.,:;!|'`()[]{} ");
const WIDE = new Set('mwMW@%');

/** Estimated width in pixels of `text` at `fontSize` (px), for a sans-serif font. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) em += 0.36;
    else if (WIDE.has(ch)) em += 0.98;
    else if (ch >= 'A' && ch <= 'Z') em += 0.74;
    else if (ch.charCodeAt(0) > 0x2e80) em += 1;
    else em += 0.64;
  }
  return em * fontSize * (bold ? 1.1 : 1);
}

/** Do two boxes overlap (touching edges do not)? */
export function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** A label to place: its candidate boxes, in order of preference. */
export interface LabelRequest {
  candidates: readonly Box[];
}

/**
 * Place the labels greedily (see the module comment). Returns, per label, the index of the
 * candidate it took, or -1 when it was left out. `placed` (boxes already taken, such as labels of
 * an earlier pass) is extended with the boxes of the labels placed here.
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  bounds: Box,
  obstacles: readonly Box[] = [],
  placed: Box[] = [],
): number[] {
  const out: number[] = [];
  for (const r of requests) {
    let chosen = -1;
    for (let c = 0; c < r.candidates.length && chosen < 0; c++) {
      const b = r.candidates[c]!;
      if (b.x0 < bounds.x0 || b.y0 < bounds.y0 || b.x1 > bounds.x1 || b.y1 > bounds.y1) continue;
      let free = true;
      for (const o of obstacles) {
        if (overlaps(b, o)) {
          free = false;
          break;
        }
      }
      if (!free) continue;
      for (const p of placed) {
        if (overlaps(b, p)) {
          free = false;
          break;
        }
      }
      if (free) chosen = c;
    }
    if (chosen >= 0) placed.push(r.candidates[chosen]!);
    out.push(chosen);
  }
  return out;
}
