import { describe, expect, it } from 'vitest';
import { contingencyMatrix } from '../../src/metrics/contingency.js';
import { DataError } from '../../src/util/errors.js';
import { fixture } from './fixture.js';

describe('contingencyMatrix', () => {
  it('contingencyMatrix(a, b) equals contingency_matrix', () => {
    for (const p of fixture.pairs) {
      expect(contingencyMatrix(p.a, p.b).counts, p.name).toEqual(p.contingency);
    }
  });

  it('contingencyMatrix(a, b) counts pairs by sorted labels', () => {
    // rows 0, 1; columns 5, 7: (0,5) twice, (1,5) once, (1,7) once
    expect(contingencyMatrix([0, 0, 1, 1], [5, 5, 5, 7])).toEqual({
      counts: [
        [2, 0],
        [1, 1],
      ],
      rowLabels: [0, 1],
      columnLabels: [5, 7],
    });
    const a = Object.freeze([3, -1, 3]);
    expect(contingencyMatrix(a, [0, 0, 0]).rowLabels).toEqual([-1, 3]);
  });

  it('contingencyMatrix(a, b) rejects labelings of different lengths', () => {
    expect(() => contingencyMatrix([0, 1], [0, 1, 2])).toThrow(DataError);
  });
});
