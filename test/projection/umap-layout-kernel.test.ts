import { describe, expect, it } from 'vitest';
import { tsne } from '../../src/projection/tsne.js';
import { umap } from '../../src/projection/umap/index.js';
import { optimizeLayout } from '../../src/projection/umap/optimize.js';
import { RandomState } from '../../src/util/random.js';
import { withAndWithoutWasm } from '../helpers/wasm.js';
import { fixtureCsv } from './fixtures.js';

const csv = fixtureCsv;

/** A random graph of `m` edges on n rows, epochs per sample in [1, 12). */
function randomEdges(n: number, m: number, seed: number) {
  const rng = new RandomState(seed);
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const epochsPerSample = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    head[e] = Math.floor((e * n) / m);
    tail[e] = rng.randint(n);
    epochsPerSample[e] = 1 + 11 * rng.randomSample();
  }
  return { head, tail, epochsPerSample };
}

const settings = {
  a: 1.5769434603113077,
  b: 0.8950608781227859,
  nEpochs: 40,
  learningRate: 1,
  negativeSampleRate: 5,
};

describe('the two-dimensional layout kernel', () => {
  it('moves a fitted layout as its JavaScript twin does, bit for bit, and leaves the generator at the same word', () => {
    const n = 300;
    const edges = randomEdges(n, 2400, 3);
    const start = new RandomState(5);
    const layout0 = Float64Array.from({ length: 2 * n }, () => start.uniform(-10, 10));
    const { wasm, js } = withAndWithoutWasm(() => {
      const layout = layout0.slice();
      const rng = new RandomState(11);
      optimizeLayout(layout, layout, n, 2, edges, { ...settings, moveOther: true }, rng);
      return { layout, next: [rng.nextUint32(), rng.nextUint32()] };
    });
    expect(wasm.layout).toEqual(js.layout);
    expect(wasm.next).toEqual(js.next);
    expect(wasm.layout).not.toEqual(layout0);
  });

  it('runs no negative samples when their rate is 0, as its twin', () => {
    const n = 120;
    const edges = randomEdges(n, 600, 8);
    const start = new RandomState(2);
    const layout0 = Float64Array.from({ length: 2 * n }, () => start.uniform(-10, 10));
    const { wasm, js } = withAndWithoutWasm(() => {
      const layout = layout0.slice();
      const rng = new RandomState(13);
      const s = { ...settings, negativeSampleRate: 0, moveOther: true };
      optimizeLayout(layout, layout, n, 2, edges, s, rng);
      return { layout, next: rng.nextUint32() };
    });
    expect(wasm.layout).toEqual(js.layout);
    // no row was drawn: the generator is where it started
    expect(wasm.next).toEqual(new RandomState(13).nextUint32());
    expect(js.next).toEqual(wasm.next);
  });

  it('moves new rows against a fixed layout (a transform) as its twin does', () => {
    const nTail = 250;
    const nHead = 40;
    const edges = randomEdges(nHead, 400, 4);
    for (let e = 0; e < edges.tail.length; e++) edges.tail[e] = (e * 7919) % nTail;
    const start = new RandomState(6);
    const tail0 = Float64Array.from({ length: 2 * nTail }, () => start.uniform(-5, 5));
    const head0 = Float64Array.from({ length: 2 * nHead }, () => start.uniform(-5, 5));
    const { wasm, js } = withAndWithoutWasm(() => {
      const head = head0.slice();
      const tail = tail0.slice();
      const rng = new RandomState(12);
      optimizeLayout(head, tail, nTail, 2, edges, { ...settings, moveOther: false }, rng);
      return { head, tail, next: rng.nextUint32() };
    });
    expect(wasm.head).toEqual(js.head);
    expect(wasm.tail).toEqual(tail0);
    expect(js.tail).toEqual(tail0);
    expect(wasm.next).toEqual(js.next);
  });

  it('gives the same UMAP map of the digits with and without WebAssembly', () => {
    const x = csv('digits.csv', 400);
    const { wasm, js } = withAndWithoutWasm(() => {
      const r = umap(x, { seed: 3, nEpochs: 60 });
      const first = [Array.from(x.data.subarray(0, x.cols))];
      return { map: r.embedding.data, placed: r.transform(first).data };
    });
    expect(wasm.map).toEqual(js.map);
    expect(wasm.placed).toEqual(js.placed);
  });
});

describe('RandomState words', () => {
  it('hands out its words and position and continues from words put back', () => {
    const a = new RandomState(9);
    for (let t = 0; t < 700; t++) a.nextUint32();
    const { mt, index } = a.words();
    const b = new RandomState(1);
    b.setWords(mt.slice(), index);
    const fromA = Array.from({ length: 1000 }, () => a.nextUint32());
    const fromB = Array.from({ length: 1000 }, () => b.nextUint32());
    expect(fromB).toEqual(fromA);
    expect(() => b.setWords(new Uint32Array(3), 0)).toThrow(RangeError);
    expect(() => b.setWords(new Uint32Array(624), 625)).toThrow(RangeError);
  });
});

describe('toJSON of the maps', () => {
  it('umap and tsne results print their settings and the map as rows of numbers', () => {
    const x = csv('digits.csv', 120);
    const u = umap(x, { seed: 1, nEpochs: 20 });
    const uj = JSON.parse(JSON.stringify(u));
    expect(uj.type).toBe('umap');
    expect(uj.seed).toBe(1);
    expect(uj.nEpochs).toBe(20);
    expect(uj.a).toBe(u.a);
    expect(uj.embedding.length).toBe(120);
    expect(uj.embedding[7]).toEqual([u.embedding.data[14], u.embedding.data[15]]);
    const t = tsne(x, { seed: 2, nIter: 260, perplexity: 10 });
    const tj = JSON.parse(JSON.stringify(t));
    expect(tj.type).toBe('tsne');
    expect(tj.klDivergence).toBe(t.klDivergence);
    expect(tj.perplexity).toBe(10);
    expect(tj.embedding[119]).toEqual([t.embedding.data[238], t.embedding.data[239]]);
  });
});
