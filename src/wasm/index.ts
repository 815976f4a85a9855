/**
 * WebAssembly for the kernels: the assembler (assembler.ts), a text dump of a module for
 * debugging (dump.ts), the feature probe, module cache and memory (runtime.ts) and the pool of
 * idle memories (pool.ts). Kernels live beside their algorithm (cluster/kmeans/kernels.ts,
 * cluster/hclust/kernels.ts, cluster/hclust/distance-kernels.ts, decomposition/pca/kernels.ts,
 * metrics/silhouette-kernels.ts) and import only from here.
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
