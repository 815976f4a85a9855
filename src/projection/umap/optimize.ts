/**
 * UMAP's layout optimisation: stochastic gradient descent on the fuzzy cross-entropy between
 * the graph and the low-dimensional similarities 1 / (1 + a d^(2b)), edge by edge (umap-learn
 * 0.5's `optimize_layout_euclidean` with repulsion strength 1; uwot's `optimize_layout_umap`
 * is the same scheme):
 *
 * - edge e is sampled every epochsPerSample_e = max w / w_e epochs (edges below max w / nEpochs
 *   are dropped beforehand), in the order of the graph's entries (both directions of each pair);
 * - at a sample, the head moves by alpha * clip(-2ab d^(2(b-1)) / (1 + a d^(2b)) (y_i - y_j))
 *   and, in a fit, the tail by the opposite (none when d = 0);
 * - then negativeSampleRate samples per epochsPerSample_e, each a uniformly drawn row k
 *   (MT19937 `randint`), push the head by alpha * clip(2b / ((0.001 + d^2)(1 + a d^(2b)))
 *   (y_i - y_k)), nothing when d = 0;
 * - clip(.) limits each coordinate to [-4, 4]; alpha = learningRate (1 - epoch / nEpochs).
 *
 * Single-threaded; the embedding is updated in place, so a seed gives the same doubles.
 */
import type { RandomState } from '../../util/random.js';
import { powPositive } from './pow.js';

/** The edges of the layout: heads, tails, epochs per sample (>= 1), in sampling order. */
export interface LayoutEdges {
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly epochsPerSample: Float64Array;
}

/** Settings of `optimizeLayout`. */
export interface LayoutSettings {
  readonly a: number;
  readonly b: number;
  readonly nEpochs: number;
  readonly learningRate: number;
  readonly negativeSampleRate: number;
  /** Move the tail of an edge too (a fit: head and tail embeddings are the same array). */
  readonly moveOther: boolean;
}

/**
 * Optimise `head` (rows of `dim` coordinates) against `tail` (the same array in a fit, the fitted
 * embedding in a transform, with `nTail` rows) in place.
 */
export function optimizeLayout(
  head: Float64Array,
  tail: Float64Array,
  nTail: number,
  dim: number,
  edges: LayoutEdges,
  s: LayoutSettings,
  rng: RandomState,
): void {
  if (dim === 2) {
    optimizeLayout2(head, tail, nTail, edges, s, rng);
    return;
  }
  const { a, b, nEpochs, learningRate, negativeSampleRate, moveOther } = s;
  const { head: heads, tail: tails, epochsPerSample } = edges;
  const m = heads.length;
  const perNegative = new Float64Array(m);
  const nextSample = new Float64Array(m);
  const nextNegative = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const eps = epochsPerSample[e]!;
    perNegative[e] = eps / negativeSampleRate;
    nextSample[e] = eps;
    nextNegative[e] = eps / negativeSampleRate;
  }
  const twoAB = 2 * a * b;
  const twoB = 2 * b;
  const bm1 = b - 1;
  const delta = new Float64Array(dim);
  const high = nTail - 1;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = learningRate * (1 - epoch / nEpochs);
    for (let e = 0; e < m; e++) {
      if (nextSample[e]! > epoch) continue;
      const j = heads[e]! * dim;
      let k = tails[e]! * dim;
      let d2 = 0;
      for (let c = 0; c < dim; c++) {
        const v = head[j + c]! - tail[k + c]!;
        delta[c] = v;
        d2 += v * v;
      }
      if (d2 > 0) {
        const pb1 = d2 ** bm1;
        const coef = (-twoAB * pb1) / (a * pb1 * d2 + 1);
        for (let c = 0; c < dim; c++) {
          let g = coef * delta[c]!;
          if (g > 4) g = 4;
          else if (g < -4) g = -4;
          head[j + c]! += g * alpha;
          if (moveOther) tail[k + c]! -= g * alpha;
        }
      }
      nextSample[e]! += epochsPerSample[e]!;
      const nNeg = Math.trunc((epoch - nextNegative[e]!) / perNegative[e]!);
      for (let p = 0; p < nNeg; p++) {
        const r = rng.interval(high);
        k = r * dim;
        d2 = 0;
        for (let c = 0; c < dim; c++) {
          const v = head[j + c]! - tail[k + c]!;
          delta[c] = v;
          d2 += v * v;
        }
        if (d2 > 0) {
          const coef = twoB / ((0.001 + d2) * (a * d2 ** b + 1));
          for (let c = 0; c < dim; c++) {
            let g = coef * delta[c]!;
            if (g > 4) g = 4;
            else if (g < -4) g = -4;
            head[j + c]! += g * alpha;
          }
        }
      }
      nextNegative[e]! += nNeg * perNegative[e]!;
    }
  }
}

/**
 * `optimizeLayout` for two dimensions: the same steps on the same doubles, the coordinates in
 * locals, and the powers by `powPositive` (pow.ts).
 */
function optimizeLayout2(
  head: Float64Array,
  tail: Float64Array,
  nTail: number,
  edges: LayoutEdges,
  s: LayoutSettings,
  rng: RandomState,
): void {
  const { a, b, nEpochs, learningRate, negativeSampleRate, moveOther } = s;
  const { head: heads, tail: tails, epochsPerSample } = edges;
  const m = heads.length;
  const perNegative = new Float64Array(m);
  const nextSample = new Float64Array(m);
  const nextNegative = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const eps = epochsPerSample[e]!;
    perNegative[e] = eps / negativeSampleRate;
    nextSample[e] = eps;
    nextNegative[e] = eps / negativeSampleRate;
  }
  const twoAB = 2 * a * b;
  const twoB = 2 * b;
  const bm1 = b - 1;
  const high = nTail - 1;
  const mask = maskOf(high);
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = learningRate * (1 - epoch / nEpochs);
    for (let e = 0; e < m; e++) {
      if (nextSample[e]! > epoch) continue;
      const j = heads[e]! << 1;
      let k = tails[e]! << 1;
      let y0 = head[j]!;
      let y1 = head[j + 1]!;
      let d0 = y0 - tail[k]!;
      let d1 = y1 - tail[k + 1]!;
      let d2 = d0 * d0 + d1 * d1;
      if (d2 > 0) {
        const pb1 = powPositive(d2, bm1);
        const coef = (-twoAB * pb1) / (a * pb1 * d2 + 1);
        let g0 = coef * d0;
        let g1 = coef * d1;
        g0 = g0 > 4 ? 4 : g0 < -4 ? -4 : g0;
        g1 = g1 > 4 ? 4 : g1 < -4 ? -4 : g1;
        y0 += g0 * alpha;
        y1 += g1 * alpha;
        head[j] = y0;
        head[j + 1] = y1;
        if (moveOther) {
          tail[k] = tail[k]! - g0 * alpha;
          tail[k + 1] = tail[k + 1]! - g1 * alpha;
        }
      }
      nextSample[e]! += epochsPerSample[e]!;
      const nNeg = Math.trunc((epoch - nextNegative[e]!) / perNegative[e]!);
      for (let p = 0; p < nNeg; p++) {
        let r: number;
        do r = (rng.nextUint32() & mask) >>> 0;
        while (r > high);
        k = r << 1;
        d0 = y0 - tail[k]!;
        d1 = y1 - tail[k + 1]!;
        d2 = d0 * d0 + d1 * d1;
        if (d2 > 0) {
          const coef = twoB / ((0.001 + d2) * (a * powPositive(d2, b) + 1));
          let g0 = coef * d0;
          let g1 = coef * d1;
          g0 = g0 > 4 ? 4 : g0 < -4 ? -4 : g0;
          g1 = g1 > 4 ? 4 : g1 < -4 ? -4 : g1;
          y0 += g0 * alpha;
          y1 += g1 * alpha;
          head[j] = y0;
          head[j + 1] = y1;
        }
      }
      nextNegative[e]! += nNeg * perNegative[e]!;
    }
  }
}

/** The smallest 2^p - 1 >= max (numpy's `random_interval` mask). */
function maskOf(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
