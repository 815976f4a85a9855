import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silhouetteSamples, silhouetteScore } from '../../src/metrics/silhouette.js';
import { DataError } from '../../src/util/errors.js';
import { RandomState } from '../../src/util/random.js';
import { fixture } from './fixture.js';
import { withAndWithoutWasm } from '../helpers/wasm.js';

describe('silhouette: parity with scikit-learn 1.2.1', () => {
  for (const [name, entry] of Object.entries(fixture.datasets)) {
    for (const [lname, ref] of Object.entries(entry.labelings)) {
      it(`silhouetteSamples(${name}, ${lname}) equals silhouette_samples`, () => {
        const s = silhouetteSamples(entry.X, ref.labels);
        for (let i = 0; i < s.length; i++) {
          expect(Math.abs(s[i]! - ref.silhouetteSamplesExact[i]!)).toBeLessThanOrEqual(1e-12);
          expect(Math.abs(s[i]! - ref.silhouetteSamples[i]!)).toBeLessThanOrEqual(1e-10);
        }
        expect(
          Math.abs(silhouetteScore(entry.X, ref.labels) - ref.silhouetteScore),
        ).toBeLessThanOrEqual(1e-10);
      });
      it(`silhouetteScore(${name}, ${lname}, {sampleSize: 60, seed: 3}) equals silhouette_score(sample_size=60, random_state=3)`, () => {
        const { sampleSize, seed, exact } = ref.silhouetteScoreSample;
        expect(
          Math.abs(silhouetteScore(entry.X, ref.labels, { sampleSize, seed }) - exact),
        ).toBeLessThanOrEqual(1e-12);
      });
    }
  }
});

describe('silhouette: hand-worked cases', () => {
  it('silhouetteSamples(X, labels) of 0, 1 | 4, 6 on a line', () => {
    // x=0: a = 1, b = (4 + 6)/2 = 5, s = (5 - 1)/5 = 0.8
    // x=1: a = 1, b = (3 + 5)/2 = 4, s = 3/4
    // x=4: a = 2, b = (4 + 3)/2 = 3.5, s = 1.5/3.5 = 3/7
    // x=6: a = 2, b = (6 + 5)/2 = 5.5, s = 3.5/5.5 = 7/11
    const X = [[0], [1], [4], [6]];
    const s = silhouetteSamples(X, [0, 0, 1, 1]);
    const expected = [0.8, 0.75, 3 / 7, 7 / 11];
    for (let i = 0; i < 4; i++) expect(s[i]).toBeCloseTo(expected[i]!, 15);
    expect(silhouetteScore(X, [3, 3, -1, -1])).toBeCloseTo((0.8 + 0.75 + 3 / 7 + 7 / 11) / 4, 15);
  });

  it('silhouetteSamples(X, labels) is 0 for a row alone in its cluster', () => {
    // x=5 is alone: s = 0; x=0: a = 1, b = 5, s = 0.8; x=1: a = 1, b = 4, s = 0.75
    const s = silhouetteSamples([[0], [1], [5]], [0, 0, 1]);
    expect(Array.from(s)).toEqual([0.8, 0.75, 0]);
  });

  it('silhouetteScore(X, labels) rejects 1 or n labels and mismatched lengths', () => {
    expect(() => silhouetteScore([[0], [1], [2]], [0, 0, 0])).toThrow(DataError);
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1, 2])).toThrow(
      /Valid values are 2 to n_samples - 1/,
    );
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1])).toThrow(/one label per row/);
    expect(() => silhouetteScore([[0], [Number.NaN], [2]], [0, 1, 1])).toThrow(DataError);
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1, 1], { sampleSize: 1 })).toThrow(
      "The 'sampleSize' option of silhouetteScore must be an integer in [2, 3]. Got 1 instead.",
    );
  });
});

describe('silhouette: the WebAssembly SIMD sums', () => {
  it('silhouetteSamples(X, labels) agrees with and without WebAssembly (odd and even d)', () => {
    const rng = new RandomState(17);
    for (const d of [1, 2, 3, 8, 13]) {
      const X = Array.from({ length: 300 }, () => Array.from({ length: d }, () => rng.gauss()));
      const labels = Array.from({ length: 300 }, (_, i) => i % 4);
      const { wasm: simd, js } = withAndWithoutWasm(() => silhouetteSamples(X, labels));
      for (let i = 0; i < 300; i++) expect(Math.abs(simd[i]! - js[i]!)).toBeLessThanOrEqual(1e-13);
    }
  });
});

describe('silhouette: against a naive implementation', () => {
  it('silhouetteSamples(X, labels) equals the definition on random data', () => {
    // A fixed seed keeps the run reproducible; set FC_SEED to explore others.
    const seed = Number(process.env.FC_SEED ?? 20261129);
    console.log(`silhouette property: fast-check seed ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (dataSeed) => {
        const rng = new RandomState(dataSeed);
        const n = 3 + rng.randint(40);
        const d = 1 + rng.randint(6);
        const k = 2 + rng.randint(Math.min(4, n - 2));
        const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.randint(5)));
        const labels = Array.from({ length: n }, (_, i) => (i < k ? i : rng.randint(k)));
        const s = silhouetteSamples(X, labels);
        const dist = (a: number[], b: number[]) =>
          Math.sqrt(a.reduce((acc, v, j) => acc + (v - b[j]!) ** 2, 0));
        for (let i = 0; i < n; i++) {
          const own = labels.filter((l) => l === labels[i]).length;
          if (own === 1) {
            expect(s[i]).toBe(0);
            continue;
          }
          let a = 0;
          const other = new Map<number, number[]>();
          for (let j = 0; j < n; j++) {
            if (labels[j] === labels[i]) a += dist(X[i]!, X[j]!);
            else other.set(labels[j]!, [...(other.get(labels[j]!) ?? []), dist(X[i]!, X[j]!)]);
          }
          a /= own - 1;
          const b = Math.min(
            ...[...other.values()].map((v) => v.reduce((x, y) => x + y, 0) / v.length),
          );
          const expected = Math.max(a, b) === 0 ? 0 : (b - a) / Math.max(a, b);
          expect(Math.abs(s[i]! - expected)).toBeLessThanOrEqual(1e-12);
        }
      }),
      { seed, numRuns: 100 },
    );
  });
});
