/**
 * Running a test with and without the WebAssembly kernels (src/wasm): the kernels must give the
 * numbers of their JavaScript twins, and a comparison only means something if the kernels ran.
 */
import { expect } from 'vitest';
import { fallbackCount, kernelCount, setSimdEnabled, simdSupported } from '../../src/wasm/index.js';

/** `fn` with the WebAssembly kernels off (their JavaScript twins run), the setting restored. */
export function withoutWasm<T>(fn: () => T): T {
  const previous = setSimdEnabled(false);
  try {
    return fn();
  } finally {
    setSimdEnabled(previous);
  }
}

/**
 * `fn` with the WebAssembly kernels, then without. With them, the runtime must have WebAssembly
 * SIMD, at least one kernel must run, and none may fall back to JavaScript for want of memory (a
 * kernel that does not compile throws): every kernel `fn` asks for runs in WebAssembly.
 */
export function withAndWithoutWasm<T>(fn: () => T): { wasm: T; js: T } {
  expect(simdSupported()).toBe(true);
  const before = fallbackCount();
  const ran = kernelCount();
  const wasm = fn();
  expect(fallbackCount(), 'a kernel fell back to JavaScript').toBe(before);
  expect(kernelCount(), 'no WebAssembly kernel ran').toBeGreaterThan(ran);
  return { wasm, js: withoutWasm(fn) };
}

/** The kernel, which must have been created (not null: WebAssembly ran). */
export function created<T>(kernel: T | null): T {
  expect(kernel, 'no WebAssembly kernel was created').not.toBeNull();
  return kernel as T;
}
