/**
 * Benchmark of hclust against fastcluster (`fastcluster.linkage` on the data, metric
 * 'euclidean': what a user with features calls; test/bench/hclust_fastcluster.py), scipy (pdist +
 * linkage, test/bench/hclust_scipy.py) and ml-hclust's agnes, on the same data: blobs of n points
 * in d = 10 dimensions (10 centres, seeded).
 *
 *   npx tsx test/bench/hclust.ts [--sizes 2000,5000,10000,20000] [--methods single,ward,...]
 *                                [--reps 3] [--ml-max 2000] [--vector 50000] [--layout auto]
 *                                [--no-scipy] [--tunable] [--metric euclidean]
 *
 * Every measurement is one fit in a fresh process, as a CLI run is (clusterlens, fastcluster,
 * scipy, ml-hclust interleaved per size, method and repetition, so load changes on a shared
 * machine hit all alike). clusterlens runs from the built package (`npm run build` first;
 * test/bench/hclust_worker.mjs), as a user's script does: no TypeScript loader in its memory
 * (which would add about 30 MB to its peak RSS). Per fit: CPU seconds = user + system (`process.resourceUsage()`,
 * `time.process_time()`), the distances included; the system seconds; the minor page faults of
 * the fit (getrusage in the child: first touches of fresh memory); the peak RSS of the process.
 * Cells are medians over the repetitions. The last column says whether clusterlens' Z equals
 * scipy's bit for bit. `--layout` passes hclust's layout option (auto, square, condensed);
 * `--metric` the metric of both hclust and fastcluster (euclidean, sqeuclidean, cityblock,
 * cosine, chebyshev; scipy's run stays Euclidean, so its column is for euclidean only).
 * `--tunable` adds clusterlens run with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc >= 2.35
 * then asks for transparent huge pages on its large allocations, as numpy does on its own; the
 * condensed matrix is WebAssembly memory, which V8 maps itself, so this reaches only the
 * JavaScript layouts and the copies of the data).
 * `--vector` also times the O(n d)-memory layout for ward, single, centroid and median at that n,
 * against fastcluster's `linkage_vector` (also O(n d) memory), with the same repetitions, medians
 * and interleaving.
 *
 *   npx tsx test/bench/hclust.ts --memory
 *
 * prints instead the README's memory rows: for each case, in a fresh process, hclust's estimate
 * (the plan's bytes) and the resident memory the fit adds (VmHWM of /proc/self/status after it,
 * less VmRSS before it, the data already loaded).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LinkageLayout, LinkageMethod } from '../../src/cluster/hclust/index.js';
import { RandomState } from '../../src/util/random.js';

const D = 10;
const HERE = fileURLToPath(new URL('.', import.meta.url));
const DIR = join(tmpdir(), 'clusterlens-bench-hclust');
const ML_METHOD: Record<string, string> = {
  single: 'single',
  complete: 'complete',
  average: 'average',
  weighted: 'wpgma',
  ward: 'ward2',
};

interface Sample {
  cpu: number;
  rssMB: number;
  sys?: number;
  faults?: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** n x D blobs: 10 centres uniform in [-10, 10]^D, unit-variance Gaussian noise times 2. */
function blobs(n: number, seed: number): Float64Array {
  const rs = new RandomState(seed);
  const centres = Array.from({ length: 10 }, () =>
    Array.from({ length: D }, () => rs.uniform(-10, 10)),
  );
  const X = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    const c = centres[i % 10]!;
    for (let j = 0; j < D; j++) X[i * D + j] = c[j]! + 2 * rs.gauss();
  }
  return X;
}

function dataFile(n: number): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `blobs_${n}x${D}.f64`);
  const X = blobs(n, n);
  writeFileSync(path, new Uint8Array(X.buffer));
  return path;
}

function runWorker(args: string[], env?: Record<string, string>): Sample & { layout?: string } {
  const out = execFileSync(process.execPath, [join(HERE, 'hclust_worker.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function runPython(
  script: string,
  path: string,
  n: number,
  method: string,
  zOut: string,
  ...rest: string[]
): Sample {
  const out = execFileSync(
    '/usr/bin/python3',
    [join(HERE, script), path, String(n), String(D), method, zOut, ...rest],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim());
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number | undefined, digits = 3) => (x === undefined ? '—' : x.toFixed(digits));

function sameBytes(a: string, b: string): boolean {
  return Buffer.compare(readFileSync(a), readFileSync(b)) === 0;
}

const MEMORY_CASES: [LinkageMethod, LinkageLayout, number, number][] = [
  ['average', 'condensed', 5000, 4],
  ['average', 'condensed', 10000, 4],
  ['average', 'square', 10000, 4],
  ['complete', 'condensed', 8000, 30],
  ['ward', 'condensed', 10000, 4],
  ['ward', 'features', 60000, 4],
  ['single', 'features', 60000, 4],
];

function memoryTable(): void {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  console.log('| step | n x d | estimate | peak added (fresh process) |');
  console.log('|---|---|---|---|');
  for (const [method, layout, n, d] of MEMORY_CASES) {
    const out = runWorker(['mem', String(n), String(d), method, layout]) as unknown as {
      estimate: number;
      added: number;
    };
    console.log(
      `| hclust ${method}, ${layout} | ${n.toLocaleString('en-US')} x ${d} | ${mib(out.estimate)} | ${mib(out.added)} |`,
    );
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--memory')) {
    memoryTable();
    return;
  }
  const sizes = arg('sizes', '2000,5000,10000,20000').split(',').map(Number);
  const methods = arg('methods', 'single,complete,average,weighted,centroid,median,ward').split(
    ',',
  );
  const reps = Number(arg('reps', '3'));
  const mlMax = Number(arg('ml-max', '2000'));
  const vector = arg('vector', '');
  const pythonHas = (module: string): string | null => {
    try {
      return execFileSync(
        '/usr/bin/python3',
        ['-c', `import ${module}; print(${module}.__version__)`],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
    } catch {
      return null;
    }
  };
  const scipyVersion = pythonHas('scipy');
  const fastclusterVersion = scipyVersion ? pythonHas('fastcluster') : null;
  const hasScipy = scipyVersion !== null;
  const hasFc = fastclusterVersion !== null;
  console.log(
    `node ${process.version}; scipy ${scipyVersion ?? 'not installed'}; fastcluster ${fastclusterVersion ?? 'not installed'}; ` +
      `d = ${D}; CPU seconds (distances included), medians of ${reps}`,
  );
  const layout = arg('layout', 'auto');
  const metric = arg('metric', 'euclidean');
  const withScipy = hasScipy && !process.argv.includes('--no-scipy');
  const tunable = process.argv.includes('--tunable');
  const TUNABLE = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' };
  console.log('');
  console.log(
    '| n | method | layout | clusterlens CPU s (sys) | faults | RSS MB | fastcluster CPU s (sys) | faults | RSS MB | CPU / fastcluster | RSS / fastcluster |' +
      (tunable ? ' hugetlb=1: CPU s (sys) | faults | RSS MB | CPU / fastcluster |' : '') +
      ' scipy CPU s | scipy RSS MB | ml-hclust | Z == scipy |',
  );
  console.log(`|${'---|'.repeat(tunable ? 19 : 15)}`);
  const med = (xs: Sample[], f: (s: Sample) => number | undefined) =>
    xs.length ? median(xs.map((s) => f(s) ?? Number.NaN)) : undefined;
  const cell = (xs: Sample[]) =>
    xs.length
      ? `${fmt(med(xs, (s) => s.cpu))} (${fmt(
          med(xs, (s) => s.sys),
          2,
        )})`
      : '—';
  for (const n of sizes) {
    const path = dataFile(n);
    for (const method of methods) {
      const js: (Sample & { layout?: string })[] = [];
      const jt: Sample[] = [];
      const py: Sample[] = [];
      const fc: Sample[] = [];
      const ml: Sample[] = [];
      let identical = true;
      for (let r = 0; r < reps; r++) {
        const zJs = join(DIR, 'z_js.f64');
        const zPy = join(DIR, 'z_py.f64');
        js.push(runWorker(['js', path, String(n), method, zJs, layout, metric]));
        if (hasFc) {
          fc.push(runPython('hclust_fastcluster.py', path, n, method, zPy, 'features', metric));
        }
        if (tunable) {
          jt.push(runWorker(['js', path, String(n), method, zJs, layout, metric], TUNABLE));
        }
        if (withScipy) {
          py.push(runPython('hclust_scipy.py', path, n, method, zPy));
          identical &&= sameBytes(zJs, zPy);
        }
        if (n <= mlMax && ML_METHOD[method] !== undefined && r === 0) {
          ml.push(runWorker(['ml', path, String(n), method, '-']));
        }
      }
      const j = med(js, (s) => s.cpu)!;
      const jr = med(js, (s) => s.rssMB)!;
      const f = med(fc, (s) => s.cpu);
      const fr = med(fc, (s) => s.rssMB);
      const t = med(jt, (s) => s.cpu);
      const row = [
        n,
        method,
        js[0]!.layout,
        cell(js),
        fmt(
          med(js, (s) => s.faults),
          0,
        ),
        fmt(jr, 0),
        cell(fc),
        fmt(
          med(fc, (s) => s.faults),
          0,
        ),
        fmt(fr, 0),
        f ? fmt(j / f, 2) : '—',
        fr ? fmt(jr / fr, 2) : '—',
        ...(tunable
          ? [
              cell(jt),
              fmt(
                med(jt, (s) => s.faults),
                0,
              ),
              fmt(
                med(jt, (s) => s.rssMB),
                0,
              ),
              f && t ? fmt(t / f, 2) : '—',
            ]
          : []),
        fmt(med(py, (s) => s.cpu)),
        fmt(
          med(py, (s) => s.rssMB),
          0,
        ),
        fmt(med(ml, (s) => s.cpu)),
        withScipy ? (identical ? 'yes' : 'NO') : '—',
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
  }
  if (vector) {
    console.log('');
    console.log(
      '| n | method | layout | clusterlens | fastcluster linkage_vector | clusterlens / fastcluster | RSS MB clusterlens | RSS MB fastcluster |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const n of vector.split(',').map(Number)) {
      const path = dataFile(n);
      for (const method of ['ward', 'single', 'centroid', 'median']) {
        const js: Sample[] = [];
        const fc: Sample[] = [];
        for (let r = 0; r < reps; r++) {
          js.push(runWorker(['js', path, String(n), method, join(DIR, 'z_vec.f64'), 'features']));
          if (hasFc) {
            fc.push(
              runPython('hclust_fastcluster.py', path, n, method, join(DIR, 'z_fc.f64'), 'vector'),
            );
          }
        }
        const j = median(js.map((s) => s.cpu));
        const f = hasFc ? median(fc.map((s) => s.cpu)) : undefined;
        console.log(
          `| ${n} | ${method} | features (O(n d)) | ${fmt(j)} | ${fmt(f)} | ${f ? fmt(j / f, 2) : '—'} | ` +
            `${fmt(median(js.map((s) => s.rssMB)), 0)} | ${hasFc ? fmt(median(fc.map((s) => s.rssMB)), 0) : '—'} |`,
        );
      }
    }
  }
}

if (!existsSync(join(HERE, '../../dist/cluster/hclust/index.js'))) {
  throw new Error('run `npm run build` first: the fits run the built package');
}
await main();
