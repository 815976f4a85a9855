/**
 * WebAssembly for the kernels: the assembler (assembler.ts), a text dump of a module for
 * debugging (dump.ts), the feature probe, module cache and memory (runtime.ts) and the pool of
 * idle memories (pool.ts). Kernels live beside their algorithm (cluster/kmeans/kernels.ts,
 * cluster/hclust/kernels.ts, cluster/hclust/distance-kernels.ts,
 * cluster/hclust/chain-kernels.ts, decomposition/pca/kernels.ts,
 * metrics/silhouette-kernels.ts) and import only from here.
 *
 * A kernel has a JavaScript twin that gives the same bits; it returns null (and the twin runs)
 * only without WebAssembly SIMD, when turned off (`setSimdEnabled(false)`), or when its memory
 * cannot be had (`allocate`, with a debug message). A module that does not compile or link
 * throws. To check a kernel: its parity test runs both with `withAndWithoutWasm`
 * (test/helpers/wasm.ts), which fails unless a kernel ran; `dump(bytes, fns)` prints a module.
 */
export * from './assembler.js';
export { dump } from './dump.js';
export { giveSpare, type Spare, takeSpare } from './pool.js';
export {
  allocate,
  compiled,
  fallbackCount,
  instantiate,
  kernelCount,
  PAGE,
  setSimdEnabled,
  simdSupported,
} from './runtime.js';
