/**
 * What the benchmarks of test/bench/ share: the median of repeated timings, and a measured run
 * in a child process (one thread for the BLAS libraries of Python baselines) whose last line of
 * stdout is its measure as JSON.
 */
import { spawnSync } from 'node:child_process';

/** Median of `xs` (the mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Run `command args` with OMP/OpenBLAS/MKL on one thread; returns the JSON of the last line it
 * prints, or 'failed (status): ' and the last two lines of its stderr.
 */
export function runMeasured<T>(command: string, args: string[]): T | string {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  const r = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0)
    return `failed (${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/**
 * Run the benchmark file `self` again as a measured child (`--child ...args`) under tsx, with GC
 * exposed and a large heap, as `runMeasured` does.
 */
export function runMeasuredChild<T>(self: string, args: string[]): T | string {
  return runMeasured<T>(process.execPath, [
    '--expose-gc',
    '--max-old-space-size=16000',
    '--import',
    'tsx',
    self,
    '--child',
    ...args,
  ]);
}
