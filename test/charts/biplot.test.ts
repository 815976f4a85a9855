import { describe, expect, it } from 'vitest';
import { biplotArrows, biplotSpec } from '../../src/charts/biplot.js';
import { tinyTable } from './fixtures.js';

describe('biplotArrows', () => {
  it('biplotArrows(table, input) scales loadings so the longest reaches 80% of the largest |score|', () => {
    const t = tinyTable(); // largest |score| is 2 (pc1 of 'a' and 'f')
    const { arrows, factor } = biplotArrows(t, {
      components: [
        [0.6, 0.8, 0],
        [0, 0, 1],
      ],
      explainedVariance: [4, 1],
      variance: [0.8, 0.2],
    });
    // loadings: (0.6*2, 0), (0.8*2, 0), (0, 1); longest 1.6 -> factor = 0.8*2/1.6 = 1
    expect(factor).toBeCloseTo(1, 15);
    expect(arrows.map((a) => [a.l1, a.l2])).toEqual([
      [1.2, 0],
      [1.6, 0],
      [0, 1],
    ]);
    expect(arrows.map((a) => a.angle)).toEqual([90, 90, 0]);
    expect(arrows[1]!.x).toBe(1.6);
  });

  it('biplotSpec(...) states the scaling convention in its subtitle', () => {
    const s = biplotSpec(tinyTable(), {
      components: [
        [1, 0, 0],
        [0, 1, 0],
      ],
      explainedVariance: [1, 1],
      variance: [0.5, 0.5],
    }) as unknown as { title: { subtitle: string[] } };
    expect(s.title.subtitle.join(' ')).toMatch(
      /loadings \(eigenvector x sqrt\(variance\)\).*s = 1\.60/,
    );
  });
});
