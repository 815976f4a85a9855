// One measurement of test/bench/hclust.ts, in a fresh process that runs the built package (what a
// user's script runs: dist/, no TypeScript loader in memory). `npm run build` first.
//
//   node test/bench/hclust_worker.mjs js DATA.f64 N METHOD Z_OUT.f64 [LAYOUT] [METRIC]
//   node test/bench/hclust_worker.mjs ml DATA.f64 N METHOD -
//   node test/bench/hclust_worker.mjs mem N D METHOD LAYOUT
//
// js: hclust on the N x 10 doubles of DATA.f64; prints the fit's CPU seconds (user + system,
// process.resourceUsage, the distances included), system seconds, minor page faults and the
// peak RSS of the process in MB, and writes Z. ml: ml-hclust's agnes on the same data (CPU and
// RSS). mem: one row of the README's memory table (hclust's estimate, and the resident memory the
// fit adds: VmHWM after it less VmRSS before it, the data already loaded).
import { readFileSync, writeFileSync } from 'node:fs';

const D = 10;
const dist = new URL('../../dist/', import.meta.url);
const { hclust, planLinkage } = await import(new URL('cluster/hclust/index.js', dist).href);
const { RandomState } = await import(new URL('util/random.js', dist).href);
const ML_METHOD = {
  single: 'single',
  complete: 'complete',
  average: 'average',
  weighted: 'wpgma',
  ward: 'ward2',
};

function readF64(path) {
  const b = readFileSync(path);
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}

/** Peak and current resident memory of this process in bytes (/proc/self/status). */
function residentBytes() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s*(\\d+)\\s*kB`).exec(status)[1]) * 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

const [kind, ...args] = process.argv.slice(2);
if (kind === 'mem') {
  const [nText, dText, method, layout] = args;
  const n = Number(nText);
  const cols = Number(dText);
  const rs = new RandomState(n + cols);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n * cols; i++) data[i] = 10 * (i % 7) + rs.gauss();
  const estimate = planLinkage(n, cols, method, layout, 2 ** 40).bytes;
  const before = residentBytes().now;
  const r = hclust({ rows: n, cols, data }, { method, layout });
  const added = residentBytes().peak - before;
  process.stdout.write(`${JSON.stringify({ estimate, added, layout: r.layout })}\n`);
} else if (kind === 'js') {
  const [path, nText, method, zOut, layout = 'auto', metric = 'euclidean'] = args;
  const n = Number(nText);
  const X = { rows: n, cols: D, data: readF64(path).slice() };
  const u0 = process.resourceUsage();
  const r = hclust(X, { method, layout, metric });
  const u1 = process.resourceUsage();
  writeFileSync(zOut, new Uint8Array(r.Z.buffer, r.Z.byteOffset, r.Z.byteLength));
  const user = (u1.userCPUTime - u0.userCPUTime) / 1e6;
  const sys = (u1.systemCPUTime - u0.systemCPUTime) / 1e6;
  const faults = u1.minorPageFault - u0.minorPageFault;
  const rssMB = u1.maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ cpu: user + sys, sys, faults, rssMB, layout: r.layout })}\n`,
  );
} else if (kind === 'ml') {
  const [path, nText, method] = args;
  const { agnes } = await import('ml-hclust');
  const n = Number(nText);
  const data = readF64(path);
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(data.subarray(i * D, (i + 1) * D)));
  const t0 = process.cpuUsage();
  agnes(rows, { method: ML_METHOD[method] });
  const t = process.cpuUsage(t0);
  const rssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ cpu: (t.user + t.system) / 1e6, rssMB })}\n`);
} else {
  throw new Error(`unknown kind '${kind}'`);
}
