// The density charts: the condensed tree, the k-distance curve and the density projection check
// their arguments and lay out what they are given.
import { describe, expect, it } from 'vitest';
import { condensedTreeSpec } from '../../src/charts/condensed-tree.js';
import { densityProjectionSpec } from '../../src/charts/density-projection.js';
import { kDistanceSpec } from '../../src/charts/kdistance.js';
import { NOISE_COLOR } from '../../src/charts/palette.js';
import { OptionError } from '../../src/util/errors.js';
import { condensedTreeInput } from './examples.js';

type Values = { values: Record<string, unknown>[] };

describe('condensedTreeSpec', () => {
  it('nests each cluster inside its parent and marks the selected ones', () => {
    const spec = condensedTreeSpec(condensedTreeInput) as unknown as { data: Values };
    const v = spec.data.values;
    for (let c = 1; c < v.length; c++) {
      const p = v[condensedTreeInput.parent[c]!]!;
      expect(v[c]!.x as number).toBeGreaterThanOrEqual(p.x as number);
      expect(v[c]!.x2 as number).toBeLessThanOrEqual(p.x2 as number);
      expect(v[c]!.y).toBe(p.y2); // born where the parent dies
    }
    expect(v.filter((r) => r.selected === 1).map((r) => r.cluster)).toEqual(['C2', 'C1']);
  });

  it('refuses inputs that are not a condensed tree, naming the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ parent: [0, 0, 0, 2, 2] }, /input.parent\[0\]/],
      [{ parent: [-1, 0, 0, 5, 2] }, /input.parent\[3\]/],
      [{ death: [2, 0.5, 3, 0.25, 0.1] }, /input.death\[2\]/],
      [{ size: [20, 8, 0, 4, 5] }, /input.size\[2\]/],
      [{ selected: [-1, 2, -1, -1, 0] }, /input.selected\[1\]/],
      [{ birth: [4, 2, Number.NaN, 1, 1] }, /input.birth\[2\]/],
      [{ stability: [1] }, /input.stability/],
      [{ k: -1 }, /input.k/],
    ];
    for (const [change, message] of bad) {
      expect(() => condensedTreeSpec({ ...condensedTreeInput, ...change } as never)).toThrow(
        message,
      );
    }
    expect(() => condensedTreeSpec(null as never)).toThrow(OptionError);
    expect(() => condensedTreeSpec(condensedTreeInput, { width: 0 })).toThrow(/'width'/);
  });
});

describe('kDistanceSpec', () => {
  it('sorts the distances and thins the curve at evenly spaced ranks, the last included', () => {
    const spec = kDistanceSpec([3, 1, 2, 5, 4], 2, { maxPoints: 3 }) as unknown as {
      layer: { data: Values }[];
    };
    expect(spec.layer[0]!.data.values).toEqual([
      { rank: 1, distance: 1 },
      { rank: 3, distance: 3 },
      { rank: 5, distance: 5 },
    ]);
  });

  it('refuses negative or missing distances and a bad k', () => {
    expect(() => kDistanceSpec([1, -1], 2)).toThrow(/distances\[1\]/);
    expect(() => kDistanceSpec([1, Number.NaN], 2)).toThrow(/distances\[1\]/);
    expect(() => kDistanceSpec([1, 2], 0)).toThrow(/'k'/);
    expect(() => kDistanceSpec([1, 2], 1, { maxPoints: 1 })).toThrow(/'maxPoints'/);
    expect(() => kDistanceSpec([1, 2], 1, { rule: { value: 1, name: 3 as never } })).toThrow(
      /rule.name/,
    );
  });
});

describe('densityProjectionSpec', () => {
  const input = {
    ids: ['a', 'b', 'c'],
    pc1: [1, 2, 3],
    pc2: [0, 1, 0],
    labels: [0, -1, 1],
    probabilities: [1, 0, 0.5],
    k: 2,
  };

  it('draws noise in the noise grey, as its own legend entry', () => {
    const spec = densityProjectionSpec(input, { variance: [0.6, 0.3] }) as unknown as {
      data: Values;
      encoding: { color: { scale: { domain: string[]; range: string[] } } };
    };
    expect(spec.data.values.map((r) => r.cluster)).toEqual(['C1', 'noise', 'C2']);
    expect(spec.encoding.color.scale.domain.at(-1)).toBe('noise');
    expect(spec.encoding.color.scale.range.at(-1)).toBe(NOISE_COLOR);
  });

  it('refuses labels outside -1..k-1 and arrays of other lengths', () => {
    expect(() =>
      densityProjectionSpec({ ...input, labels: [0, -2, 1] }, { variance: [0.6, 0.3] }),
    ).toThrow(/input.labels\[1\]/);
    expect(() =>
      densityProjectionSpec({ ...input, labels: [0, 2, 1] }, { variance: [0.6, 0.3] }),
    ).toThrow(/input.labels\[1\]/);
    expect(() => densityProjectionSpec({ ...input, pc1: [1] }, { variance: [0.6, 0.3] })).toThrow(
      /input.pc1/,
    );
    expect(() => densityProjectionSpec(input, {} as never)).toThrow(/'variance'/);
    expect(() => densityProjectionSpec(input, { variance: [0.6, 0.3], total: 2 })).toThrow(
      /'total'/,
    );
  });
});
