import { describe, expect, it } from 'vitest';
import { type Box, overlaps, placeLabels, textWidth } from '../../src/charts/labels.js';

const box = (x0: number, y0: number, w: number, h: number): Box => ({
  x0,
  y0,
  x1: x0 + w,
  y1: y0 + h,
});

describe('textWidth', () => {
  it('textWidth(text, size) grows with the text and the size, wide letters wider than narrow ones', () => {
    expect(textWidth('', 11)).toBe(0);
    expect(textWidth('mmmm', 11)).toBeGreaterThan(textWidth('iiii', 11) * 2);
    expect(textWidth('abc', 22)).toBeCloseTo(2 * textWidth('abc', 11), 12);
    expect(textWidth('abc', 11, true)).toBeGreaterThan(textWidth('abc', 11));
  });

  it('textWidth estimates DejaVu Sans at 11 px from above, within 10%, on feature names', () => {
    // widths of DejaVu Sans and DejaVu Sans Bold (Linux's default sans-serif), measured with
    // Python's PIL.ImageFont.truetype(...).getlength at 1100 px / 100
    const measured: [string, boolean, number][] = [
      ['petal_length', false, 68.42],
      ['petal_length', true, 77.31],
      ['worst_concave_points', false, 120.89],
      ['worst_concave_points', true, 135.27],
    ];
    for (const [text, bold, width] of measured) {
      expect(textWidth(text, 11, bold), text).toBeGreaterThanOrEqual(width);
      expect(textWidth(text, 11, bold), text).toBeLessThan(1.1 * width);
    }
  });
});

describe('placeLabels', () => {
  const bounds = box(0, 0, 100, 100);

  it('placeLabels takes the first free candidate and skips those that overlap a placed label', () => {
    const a = { candidates: [box(10, 10, 30, 10)] };
    const b = { candidates: [box(20, 12, 30, 10), box(20, 30, 30, 10)] };
    expect(placeLabels([a, b], bounds)).toEqual([0, 1]);
  });

  it('placeLabels leaves out a label with no free candidate, and one outside the bounds', () => {
    const a = { candidates: [box(10, 10, 30, 10)] };
    const b = { candidates: [box(15, 12, 30, 10)] };
    const c = { candidates: [box(90, 50, 30, 10), box(60, 50, 30, 10)] };
    expect(placeLabels([a, b, c], bounds)).toEqual([0, -1, 1]);
  });

  it('placeLabels avoids obstacles and extends the placed boxes it is given', () => {
    const placed = [box(0, 0, 20, 20)];
    const a = { candidates: [box(5, 5, 10, 10), box(40, 40, 10, 10), box(60, 60, 10, 10)] };
    const picks = placeLabels([a], bounds, [box(38, 38, 4, 4)], placed);
    expect(picks).toEqual([2]);
    expect(placed).toHaveLength(2);
    expect(overlaps(placed[1]!, box(60, 60, 10, 10))).toBe(true);
  });

  it('overlaps(a, b) is false for boxes that only touch', () => {
    expect(overlaps(box(0, 0, 10, 10), box(10, 0, 10, 10))).toBe(false);
    expect(overlaps(box(0, 0, 10, 10), box(9.5, 9.5, 10, 10))).toBe(true);
  });
});
