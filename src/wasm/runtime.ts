/**
 * Running the kernels: the feature probe (`simdSupported`), the switch that turns them off for
 * comparisons with JavaScript, the cache of compiled modules, and the memory they run in.
 *
 * Failure policy: only a memory that cannot be had (more than 4 GiB of 32-bit memory, or a
 * RangeError from `WebAssembly.Memory`) makes a kernel fall back to JavaScript, with a debug
 * message (util/log.ts). A module that does not compile or link is a bug in its assembler: the
 * CompileError or LinkError is thrown, never swallowed.
 */
import { debug } from '../util/log.js';
import { Code, Frame, assemble, func, op } from './assembler.js';

/** Bytes per page of WebAssembly memory. */
export const PAGE = 65536;
/** Pages of the largest 32-bit memory (4 GiB). */
const MAX_PAGES = 65536;

let supported: boolean | undefined;
let enabled = true;
let fallbacks = 0;
let kernels = 0;

/**
 * Turn the WebAssembly kernels off (false) or on again; returns the previous setting. For tests
 * and benchmarks that compare them with the JavaScript kernels; results are the same either way.
 * @internal
 */
export function setSimdEnabled(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** A module that adds two f64x2 constants: valid where the SIMD proposal is. */
function probeModule(): Uint8Array<ArrayBuffer> {
  const code = new Code();
  code.emit(op.V128_ZERO, op.V128_ZERO, op.F64X2_ADD, op.DROP);
  return assemble([func('probe', new Frame(), code)]);
}

/** True if the runtime compiles WebAssembly SIMD (and the kernels are not turned off). */
export function simdSupported(): boolean {
  if (!enabled) return false;
  if (supported === undefined) {
    supported = typeof WebAssembly === 'object' && WebAssembly.validate(probeModule());
  }
  return supported;
}

const modules = new Map<string, WebAssembly.Module>();

/**
 * The compiled module under `key`, built by `build` the first time. Throws the CompileError of
 * an invalid module.
 */
export function compiled(key: string, build: () => Uint8Array<ArrayBuffer>): WebAssembly.Module {
  let module = modules.get(key);
  if (module === undefined) {
    module = new WebAssembly.Module(build());
    modules.set(key, module);
  }
  return module;
}

/** The module instantiated on `memory` (imported as env.memory); throws a LinkError. */
export function instantiate(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): WebAssembly.Instance {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  kernels++;
  return instance;
}

/** Count a kernel that runs on an instance taken from the pool (pool.ts). */
export function reused(): void {
  kernels++;
}

/**
 * A memory of at least `bytes` (`kernel` names it in the debug message), or null when it cannot
 * be had: beyond 4 GiB, or refused by the runtime (a RangeError). Any other error is thrown.
 */
export function allocate(bytes: number, kernel: string): WebAssembly.Memory | null {
  const pages = Math.ceil(Math.max(bytes, 1) / PAGE);
  if (pages > MAX_PAGES) {
    fellBack(kernel, `${bytes} bytes do not fit in 4 GiB of 32-bit memory`);
    return null;
  }
  try {
    return new WebAssembly.Memory({ initial: pages });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    fellBack(kernel, `no memory of ${bytes} bytes (${error.message})`);
    return null;
  }
}

function fellBack(kernel: string, why: string): void {
  fallbacks++;
  debug(`${kernel}: JavaScript instead of WebAssembly: ${why}`);
}

/**
 * How many kernels were set up to run in WebAssembly (instantiated, or taken from the pool) since
 * the process started; tests check that it moves while they compare a kernel with its
 * JavaScript twin. @internal
 */
export function kernelCount(): number {
  return kernels;
}

/**
 * How many kernels fell back to JavaScript for want of memory since the process started; tests
 * check that it does not move while they compare a kernel with its JavaScript twin. @internal
 */
export function fallbackCount(): number {
  return fallbacks;
}
