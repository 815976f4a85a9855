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
 * prints, or 'failed (status): ' and the last two lines of its stderr, or 'timed out after
 * N s' when `timeoutSeconds` is given and the run takes longer (it is then killed).
 */
export function runMeasured<T>(
  command: string,
  args: string[],
  timeoutSeconds?: number,
): T | string {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  const r = spawnSync(command, args, {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    ...(timeoutSeconds === undefined
      ? {}
      : { timeout: timeoutSeconds * 1000, killSignal: 'SIGKILL' }),
  });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return `timed out after ${timeoutSeconds} s`;
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

/**
 * A full GC, then 100 ms of sleep in which V8's background threads finish that collection's
 * concurrent sweeping, so the next timed run is not charged with the harness's GC. Called
 * before the first run and before the timed series, not before every run: a forced full GC
 * frees the hidden classes of objects that live only during a fit, V8 then discards the
 * optimised code that depends on them, and every run after such a GC recompiles its hot
 * functions (PCA of 2,000 x 784 measured 45-52 ms CPU with a GC before each run, 22 ms
 * without). V8 still collects as it needs during the runs, and that time is counted.
 */
export function settle(gc: () => void): void {
  gc();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
}
