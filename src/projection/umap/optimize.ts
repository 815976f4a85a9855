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
 *   (`drawRow`: MT19937 draws, Lemire's multiply-and-reject), push the head by
 *   alpha * clip(2b / ((0.001 + d^2)(1 + a d^(2b))) (y_i - y_k)), nothing when d = 0;
 * - clip(.) limits each coordinate to [-4, 4]; alpha = learningRate (1 - epoch / nEpochs);
 *   the powers of d^2 come from the tables of pow.ts.
 *
 * Single-threaded; the embedding is updated in place, so a seed gives the same doubles. The
 * two-dimensional loop runs in WebAssembly when it can (layout-kernel.ts), `optimizeLayout2`
 * being its JavaScript twin.
 */
import type { RandomState } from '../../util/random.js';
import { layoutWasm } from './layout-kernel.js';
import { type PowerTable, power, powerTable } from './pow.js';

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
  const { perNegative, nextSample, nextNegative } = schedule(epochsPerSample, negativeSampleRate);
  const twoAB = 2 * a * b;
  const twoB = 2 * b;
  const powB = powerTable(b);
  const powB1 = powerTable(b - 1);
  const reject = (4294967296 - nTail) % nTail;
  const delta = new Float64Array(dim);
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
        const pb1 = power(powB1, d2);
        const coef = (-twoAB * pb1) / (a * pb1 * d2 + 1);
        for (let c = 0; c < dim; c++) {
          const g = clip(coef * delta[c]!) * alpha;
          head[j + c]! += g;
          if (moveOther) tail[k + c]! -= g;
        }
      }
      nextSample[e]! += epochsPerSample[e]!;
      const nNeg = Math.trunc((epoch - nextNegative[e]!) / perNegative[e]!);
      for (let p = 0; p < nNeg; p++) {
        k = drawRow(rng, nTail, reject) * dim;
        d2 = 0;
        for (let c = 0; c < dim; c++) {
          const v = head[j + c]! - tail[k + c]!;
          delta[c] = v;
          d2 += v * v;
        }
        if (d2 > 0) {
          const coef = twoB / ((0.001 + d2) * (a * power(powB, d2) + 1));
          for (let c = 0; c < dim; c++) head[j + c]! += clip(coef * delta[c]!) * alpha;
        }
      }
      nextNegative[e]! += nNeg * perNegative[e]!;
    }
  }
}

/** Each edge's period of negative samples and the epochs of its next sample and negatives. */
function schedule(
  epochsPerSample: Float64Array,
  negativeSampleRate: number,
): { perNegative: Float64Array; nextSample: Float64Array; nextNegative: Float64Array } {
  const m = epochsPerSample.length;
  const perNegative = new Float64Array(m);
  for (let e = 0; e < m; e++) perNegative[e] = epochsPerSample[e]! / negativeSampleRate;
  return { perNegative, nextSample: epochsPerSample.slice(), nextNegative: perNegative.slice() };
}

/**
 * `optimizeLayout` for two dimensions, the layout in single precision and the powers by `power`
 * (pow.ts). The edges are taken in two lanes, the first half of the entries and the second (split
 * between two rows, so that the lanes' heads differ), one edge of each lane at a time; their
 * negative samples alternate between the lanes while both have some left (one draw for the first
 * lane, then one for the second), then the rest of the longer lane's. Two independent chains of
 * dependent arithmetic keep the processor busy where one leaves it waiting; the updates are those
 * of the scheme above in an interleaved order (like umap-learn's parallel layout, but in one fixed
 * order, so the doubles are the same every run).
 */
function optimizeLayout2(
  head64: Float64Array,
  tail64: Float64Array,
  nTail: number,
  edges: LayoutEdges,
  s: LayoutSettings,
  rng: RandomState,
): void {
  const { a, b, nEpochs, learningRate, negativeSampleRate, moveOther } = s;
  const { head: heads, tail: tails, epochsPerSample } = edges;
  const m = heads.length;
  const { perNegative, nextSample, nextNegative } = schedule(epochsPerSample, negativeSampleRate);
  // Single precision, as umap-learn and uwot keep the map: half the memory to fetch per sample.
  const head = Float32Array.from(head64);
  const tail = tail64 === head64 ? head : Float32Array.from(tail64);
  let split = m >> 1;
  while (split > 0 && split < m && heads[split] === heads[split - 1]) split++;
  const twoB = 2 * b;
  const powB = powerTable(b);
  const powB1 = powerTable(b - 1);
  const rows = nTail;
  const reject = (4294967296 - rows) % rows;
  const kernel = {
    head,
    tail,
    heads,
    tails,
    epochsPerSample,
    perNegative,
    nextSample,
    nextNegative,
  };
  const settings = { split, rows, a, b, nEpochs, learningRate, moveOther, powB, powB1 };
  if (layoutWasm({ ...kernel, ...settings }, rng)) {
    head64.set(head);
    if (moveOther && tail !== head) tail64.set(tail);
    return;
  }
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = learningRate * (1 - epoch / nEpochs);
    let ea = 0;
    let eb = split;
    for (;;) {
      while (ea < split && nextSample[ea]! > epoch) ea++;
      while (eb < m && nextSample[eb]! > epoch) eb++;
      const hasA = ea < split;
      const hasB = eb < m;
      if (!hasA && !hasB) break;
      let nA = 0;
      let nB = 0;
      let ja = 0;
      let jb = 0;
      if (hasA) {
        ja = heads[ea]! << 1;
        attract(head, tail, ja, tails[ea]! << 1, a, b, powB1, alpha, moveOther);
        nextSample[ea]! += epochsPerSample[ea]!;
        // NaN when negativeSampleRate is 0: no negatives
        nA = Math.trunc((epoch - nextNegative[ea]!) / perNegative[ea]!) || 0;
      }
      if (hasB) {
        jb = heads[eb]! << 1;
        attract(head, tail, jb, tails[eb]! << 1, a, b, powB1, alpha, moveOther);
        nextSample[eb]! += epochsPerSample[eb]!;
        nB = Math.trunc((epoch - nextNegative[eb]!) / perNegative[eb]!) || 0;
      }
      // Both lanes while both have samples left, then the longer one alone.
      const both = Math.min(nA, nB);
      for (let p = 0; p < both; p++) {
        repel(head, tail, ja, drawRow(rng, rows, reject) << 1, a, twoB, powB, alpha);
        repel(head, tail, jb, drawRow(rng, rows, reject) << 1, a, twoB, powB, alpha);
      }
      for (let p = both; p < nA; p++) {
        repel(head, tail, ja, drawRow(rng, rows, reject) << 1, a, twoB, powB, alpha);
      }
      for (let p = both; p < nB; p++) {
        repel(head, tail, jb, drawRow(rng, rows, reject) << 1, a, twoB, powB, alpha);
      }
      if (hasA) {
        nextNegative[ea]! += nA * perNegative[ea]!;
        ea++;
      }
      if (hasB) {
        nextNegative[eb]! += nB * perNegative[eb]!;
        eb++;
      }
    }
  }
  head64.set(head);
  if (moveOther && tail !== head) tail64.set(tail);
}

/**
 * A uniform row in [0, rows): Lemire's multiply-and-reject on 32-bit draws; `reject` =
 * 2^32 mod rows. The product u is exact in a double, and so are its high word (u 2^-32, floored)
 * and its low word (u minus the high word's multiple of 2^32): no remainder of doubles, which
 * costs a library call.
 */
function drawRow(rng: RandomState, rows: number, reject: number): number {
  for (;;) {
    const u = rng.nextUint32() * rows;
    const high = Math.floor(u * 2.3283064365386963e-10);
    if (u - high * 4294967296 >= reject) return high;
  }
}

/** The repulsive step of a negative sample in two dimensions: head row j away from row k. */
function repel(
  head: Float32Array,
  tail: Float32Array,
  j: number,
  k: number,
  a: number,
  twoB: number,
  powB: PowerTable,
  alpha: number,
): void {
  const y0 = head[j]!;
  const y1 = head[j + 1]!;
  const d0 = y0 - tail[k]!;
  const d1 = y1 - tail[k + 1]!;
  const d2 = d0 * d0 + d1 * d1;
  if (d2 > 0) {
    const coef = twoB / ((0.001 + d2) * (a * power(powB, d2) + 1));
    head[j] = y0 + clip(coef * d0) * alpha;
    head[j + 1] = y1 + clip(coef * d1) * alpha;
  }
}

/** The attractive step of one edge in two dimensions: head row j towards tail row k. */
function attract(
  head: Float32Array,
  tail: Float32Array,
  j: number,
  k: number,
  a: number,
  b: number,
  powB1: PowerTable,
  alpha: number,
  moveOther: boolean,
): void {
  const d0 = head[j]! - tail[k]!;
  const d1 = head[j + 1]! - tail[k + 1]!;
  const d2 = d0 * d0 + d1 * d1;
  if (d2 > 0) {
    const pb1 = power(powB1, d2);
    const coef = (-2 * a * b * pb1) / (a * pb1 * d2 + 1);
    const g0 = clip(coef * d0) * alpha;
    const g1 = clip(coef * d1) * alpha;
    head[j]! += g0;
    head[j + 1]! += g1;
    if (moveOther) {
      tail[k]! -= g0;
      tail[k + 1]! -= g1;
    }
  }
}

/** g limited to [-4, 4]. */
function clip(g: number): number {
  return Math.min(4, Math.max(-4, g));
}
