/**
 * Numbers in sentences (the report's summary and text, the CLI's notes): 4 significant digits
 * without trailing zeros, in exponent form beyond [1e-4, 1e6); Infinity as '∞', NaN as 'n/a'.
 *
 *   860.5613 -> '860.6'   0.46004 -> '0.46'   1234567 -> '1.235e+6'   9.07e32 -> '9.07e+32'
 */

/** `x` with 4 significant digits, for prose (see the module comment). */
export function formatProse(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '-∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) {
    const [mantissa, exponent] = x.toExponential(3).split('e');
    return `${String(Number(mantissa))}e${exponent}`;
  }
  return String(Number(x.toPrecision(4)));
}
