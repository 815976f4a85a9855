import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dump } from '../../src/wasm/index.js';

/** The bytes of every module compiled while the test runs (the kernels build them on demand). */
const seen: Uint8Array<ArrayBuffer>[] = [];
const Module = WebAssembly.Module;

beforeAll(() => {
  class Recording extends Module {
    constructor(bytes: BufferSource) {
      super(bytes);
      seen.push(bytes as Uint8Array<ArrayBuffer>);
    }
  }
  (WebAssembly as { Module: typeof WebAssembly.Module }).Module = Recording;
});

afterAll(() => {
  (WebAssembly as { Module: typeof WebAssembly.Module }).Module = Module;
});

const matrix = (n: number, d: number) => ({
  rows: n,
  cols: d,
  data: Float64Array.from({ length: n * d }, (_, i) => Math.sin(i)),
});

describe('the kernels, as text', () => {
  it('dump lists every instruction of every kernel module (the opcode table knows them all)', async () => {
    // imported here, after the recording constructor is in place
    const km = await import('../../src/cluster/kmeans/kernels.js');
    const dk = await import('../../src/cluster/hclust/distance-kernels.js');
    const hk = await import('../../src/cluster/hclust/kernels.js');
    const pk = await import('../../src/decomposition/pca/kernels.js');
    const sk = await import('../../src/metrics/silhouette-kernels.js');
    const nk = await import('../../src/projection/knn-kernels.js');
    const ck = await import('../../src/cluster/hclust/chain-kernels.js');
    const lw = await import('../../src/cluster/hclust/lance-williams.js');
    for (const k of [1, 3, 9, 17]) km.createLloydKernel(20, 3, k)?.release();
    for (const d of [1, 2, 3]) km.createGatherKernel(30, d, 7, 2)?.release();
    for (const d of [1, 3]) {
      dk.squareEuclideanSimd(matrix(10, d), false);
      dk.squareEuclideanSimd(matrix(10, d), true);
      hk.mstEuclideanSimd(matrix(10, d), false);
      hk.mstEuclideanSimd(matrix(10, d), true);
      hk.wardCentroidsSimd(matrix(10, d), new Int32Array(10).fill(1));
      hk.centroidScans(matrix(10, d), false);
    }
    for (const d of [1, 3, 6]) {
      pk.createGramKernel(d, 8);
      pk.createProjectKernel(d, new Float64Array(d * 3), 3, 8);
      pk.createNormalKernel(7, d, 3).release();
    }
    for (const d of [1, 2, 3]) sk.silhouetteSumsSimd(matrix(6, d).data, 6, d, new Int32Array(6), 1);
    for (const kind of ['squares', 'absolute', 'dot'] as const) {
      for (const d of [1, 3]) {
        nk.scanSimd(matrix(10, d), matrix(2, d), kind);
        nk.joinSimd(10, d, kind, 4);
      }
    }
    for (const code of [lw.COMPLETE, lw.AVERAGE, lw.WEIGHTED, lw.WARD, lw.WARD_D]) {
      const cm = ck.condensedMemory(10, 3)!;
      ck.condensedDistancesInto(matrix(10, 3), 'euclidean', cm);
      ck.nnChainCondensedWasm(cm, code, new Int32Array(10).fill(1));
    }
    expect(seen.length).toBeGreaterThanOrEqual(35);
    for (const bytes of seen) {
      const text = dump(bytes);
      expect(text).not.toContain('unknown opcode');
      expect(text.endsWith('  )\n)')).toBe(true);
    }
  });
});
