import { describe, expect, it } from 'vitest';
import { formatProse } from '../../src/util/format.js';

describe('formatProse', () => {
  it('writes 4 significant digits, exponents beyond [1e-4, 1e6), ∞ and n/a', () => {
    expect(formatProse(860.5613)).toBe('860.6');
    expect(formatProse(0.46004)).toBe('0.46');
    expect(formatProse(-0.081312)).toBe('-0.08131');
    expect(formatProse(74.6666)).toBe('74.67');
    expect(formatProse(123456)).toBe('123500');
    expect(formatProse(1234567)).toBe('1.235e+6');
    expect(formatProse(9.07e32)).toBe('9.07e+32');
    expect(formatProse(6.318e-29)).toBe('6.318e-29');
    expect(formatProse(0)).toBe('0');
    expect(formatProse(Infinity)).toBe('∞');
    expect(formatProse(-Infinity)).toBe('-∞');
    expect(formatProse(Number.NaN)).toBe('n/a');
  });
});
