import { describe, expect, it } from 'vitest';
import { RandomState } from '../../src/util/random.js';

// Reference values printed by numpy 1.24 (Debian 12), see test/fixtures/random/make_random.py.
describe('RandomState', () => {
  it('randomSample() reproduces numpy RandomState(0).random_sample(3)', () => {
    const r = new RandomState(0);
    expect([r.randomSample(), r.randomSample(), r.randomSample()]).toEqual([
      0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
    ]);
  });

  it('randint(10000) reproduces numpy RandomState(42).randint(10000)', () => {
    expect(new RandomState(42).randint(10000)).toBe(7270);
  });

  it('gauss() reproduces numpy RandomState(0).standard_normal(3)', () => {
    const r = new RandomState(0);
    const got = [r.gauss(), r.gauss(), r.gauss()];
    const want = [1.764052345967664, 0.4001572083672233, 0.9787379841057392];
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(want[i]!, 15);
  });

  it('permutation(10) reproduces numpy RandomState(0).permutation(10)', () => {
    expect(Array.from(new RandomState(0).permutation(10))).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  });

  it('new RandomState(-1) throws a RangeError', () => {
    expect(() => new RandomState(-1)).toThrow(RangeError);
  });
});
