/**
 * The curve of UMAP's low-dimensional similarities, 1 / (1 + a d^(2b)), fitted to the target
 *
 *   psi(d) = 1                              for d < minDist
 *          = exp(-(d - minDist) / spread)   otherwise
 *
 * by least squares on 300 evenly spaced d in [0, 3 spread], as umap-learn's `find_ab_params`
 * and uwot's `find_ab_params` define a and b (they call scipy's `curve_fit` and R's `nls`; both
 * reach the same least-squares minimum). Here: Levenberg-Marquardt with the analytic Jacobian,
 * from a = b = 1 (curve_fit's start), Marquardt's diagonal scaling.
 */

/** The a and b of 1 / (1 + a d^(2b)) for `minDist` and `spread`. */
export function fitAB(minDist: number, spread: number): { a: number; b: number } {
  const m = 300;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  const top = spread * 3;
  for (let i = 0; i < m; i++) {
    // numpy.linspace(0, top, 300): i * step, the last point exactly top.
    const x = i === m - 1 ? top : i * (top / (m - 1));
    xs[i] = x;
    ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }
  let a = 1;
  let b = 1;
  let cost = residualCost(xs, ys, a, b);
  let lambda = 1e-3;
  for (let iter = 0; iter < 500; iter++) {
    // J^T J and J^T r with r = f - y.
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!;
      // f = 1 at x = 0 whatever a and b (b > 0): no gradient there.
      if (x === 0) continue;
      const u = x ** (2 * b);
      const q = 1 + a * u;
      const f = 1 / q;
      const r = f - ys[i]!;
      const da = -u / (q * q);
      const db = (-a * u * 2 * Math.log(x)) / (q * q);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 60; tries++) {
      const haa = jaa * (1 + lambda);
      const hbb = jbb * (1 + lambda);
      const det = haa * hbb - jab * jab;
      if (!(det > 0)) {
        lambda *= 10;
        continue;
      }
      const sa = -(hbb * ga - jab * gb) / det;
      const sb = -(haa * gb - jab * ga) / det;
      const na = a + sa;
      const nb = b + sb;
      const nc = nb > 0 && na > 0 ? residualCost(xs, ys, na, nb) : Infinity;
      if (nc < cost) {
        const done = Math.abs(sa) <= 1e-14 * (1 + Math.abs(a)) && Math.abs(sb) <= 1e-14 * (1 + b);
        const small = cost - nc <= 1e-16 * cost;
        a = na;
        b = nb;
        cost = nc;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (done || small) return { a, b };
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}

function residualCost(xs: Float64Array, ys: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const f = x === 0 ? 1 : 1 / (1 + a * x ** (2 * b));
    const r = f - ys[i]!;
    s += r * r;
  }
  return s;
}
