/**
 * The one seeded pseudo-random generator of clusterlens: MT19937, seeded and drawn exactly as
 * numpy's legacy `numpy.random.RandomState(seed)`, so that a seeded run can be checked number for
 * number against scikit-learn (which draws from RandomState).
 *
 * - `new RandomState(seed)` = numpy's `mt19937_seed` (Matsumoto-Nishimura `init_genrand`).
 * - `randomSample()` = `random_sample()`: 53-bit double in [0, 1) from two 32-bit draws.
 * - `randint(high)` = legacy `randint(0, high)` (masked rejection on 32-bit draws).
 * - `interval(max)` = numpy's `random_interval(max)`: uniform in [0, max], masked rejection.
 * - `shuffle`/`permutation` = legacy `RandomState.shuffle` (Fisher-Yates from the end).
 * - `choiceWithoutReplacement(n, size)` = legacy `choice(n, size, replace=False)`.
 * - `gauss()` = legacy `standard_normal()` (Marsaglia polar method, second value cached).
 *
 * Reference: M. Matsumoto and T. Nishimura, "Mersenne Twister: a 623-dimensionally
 * equidistributed uniform pseudo-random number generator", ACM TOMACS 8(1), 1998, pp. 3-30.
 * numpy's behaviour is documented in numpy/random/src/legacy and mt19937 of numpy 1.24.
 */

import { OptionError } from './errors.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The default seed of every seeded function in clusterlens. */
export const DEFAULT_SEED = 0;

export class RandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private hasGauss = false;
  private cachedGauss = 0;

  /** @param seed an integer in [0, 2^32 - 1], as numpy requires. */
  constructor(seed: number = DEFAULT_SEED) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new OptionError(
        `Seed must be an integer in [0, 4294967295]. Got ${typeof seed === 'number' ? seed : typeof seed} instead.`,
      );
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    let y: number;
    let kk = 0;
    for (; kk < N - M; kk++) {
      y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.index = 0;
  }

  /**
   * The generator's words and position, for a kernel that draws the same numbers in its own
   * memory (`setWords` puts them back). @internal
   */
  words(): { readonly mt: Uint32Array; readonly index: number } {
    return { mt: this.mt, index: this.index };
  }

  /** Continue from the words and position a kernel left (see `words`). @internal */
  setWords(mt: Uint32Array, index: number): void {
    if (mt.length !== N || !Number.isInteger(index) || index < 0 || index > N) {
      throw new RangeError('setWords: 624 words and a position in [0, 624]');
    }
    this.mt.set(mt);
    this.index = index;
  }

  /** Next 32-bit unsigned integer (numpy's `next_uint32`). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits (numpy's `random_sample`). */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform double in [low, high) (numpy's legacy `uniform`). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.randomSample();
  }

  /**
   * Uniform integer in [0, max] by masked rejection (numpy's `random_interval`), for
   * 0 <= max <= 2^32 - 1.
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * Uniform integer in [0, high) (numpy's legacy `randint(high)`, int64 path with masked
   * rejection), for 1 <= high <= 2^32.
   */
  randint(high: number): number {
    if (!Number.isInteger(high) || high < 1 || high > 0x100000000) {
      throw new OptionError(`randint: high must be an integer in [1, 2^32]. Got ${high} instead.`);
    }
    const rng = high - 1;
    if (rng === 0xffffffff) return this.nextUint32();
    return this.interval(rng);
  }

  /** Standard normal draw (numpy's legacy `standard_normal`, polar method). */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const value = this.cachedGauss;
      this.cachedGauss = 0;
      return value;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.cachedGauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Shuffle in place (numpy's legacy `shuffle` of a 1-D array). */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = array[i]!;
      array[i] = array[j]!;
      array[j] = tmp;
    }
    return array;
  }

  /** A shuffled 0..n-1 (numpy's legacy `permutation(n)`). */
  permutation(n: number): Int32Array {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new OptionError(
        `permutation: n must be an integer in [0, 2^31 - 1]. Got ${n} instead.`,
      );
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** `size` distinct indices of 0..n-1 (numpy's legacy `choice(n, size, replace=False)`). */
  choiceWithoutReplacement(n: number, size: number): Int32Array {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > n) {
      throw new OptionError(`Cannot take a sample of ${size} from ${n} without replacement.`);
    }
    return this.permutation(n).slice(0, size);
  }
}

/** A fresh generator for `seed` (default `DEFAULT_SEED`). */
export function randomState(seed: number = DEFAULT_SEED): RandomState {
  return new RandomState(seed);
}
