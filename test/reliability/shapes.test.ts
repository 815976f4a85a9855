import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseK } from '../../src/cluster/choose-k.js';
import { hclust } from '../../src/cluster/hclust/index.js';
import { kmeans } from '../../src/cluster/kmeans/index.js';
import { pca } from '../../src/decomposition/pca/index.js';
import { isUserError } from '../../src/util/errors.js';

const engines: [string, (X: unknown) => unknown][] = [
  ['kmeans', (X) => kmeans(X as never, { k: 2, seed: 0 })],
  ['hclust', (X) => hclust(X as never, { method: 'average' })],
  ['pca', (X) => pca(X as never, { components: 1 })],
  ['chooseK', (X) => chooseK(X as never, { k: [2, 3], gap: false })],
];

/** The error a call throws, or undefined when it returns. */
function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('FeatureMatrix shapes at the library boundary', () => {
  it('data.length other than rows * cols, fractional, NaN, negative or huge rows: a user error from every engine', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('short', 'long', 'fractional', 'nan', 'negative', 'huge'),
        (rows, cols, kind) => {
          const n =
            kind === 'short' ? rows * cols - 1 : kind === 'long' ? rows * cols + 1 : rows * cols;
          const data = new Float64Array(n);
          for (let i = 0; i < n; i++) data[i] = (i * 7919) % 13;
          const r =
            kind === 'fractional'
              ? rows + 0.5
              : kind === 'nan'
                ? Number.NaN
                : kind === 'negative'
                  ? -rows
                  : kind === 'huge'
                    ? 2 ** 40
                    : rows;
          for (const [name, call] of engines) {
            const error = thrown(() => call({ rows: r, cols, data }));
            expect(isUserError(error), `${name} ${kind}: ${String(error)}`).toBe(true);
          }
        },
      ),
      { seed: 20261205, numRuns: 40 },
    );
  });
});
