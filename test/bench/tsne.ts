/**
 * t-SNE benchmark: `tsne` on a CSV in a fresh process, or the comparison of two embeddings of
 * the same data.
 *
 *   npm run bench -- tsne fit DATA.csv OUT.csv [SEED] [PERPLEXITY] [INIT] [LEARNING_RATE]
 *   npm run bench -- tsne compare DATA.csv PERPLEXITY EMB1.csv [EMB2.csv ...]
 *
 * fit: times `tsne` (process.cpuUsage, user + system), writes the embedding (columns x1, x2)
 * and prints one JSON line: fit CPU and wall seconds, process CPU seconds, peak RSS in MB
 * (VmHWM), shape and the reported KL divergence. INIT is 'pca' (default) or 'random';
 * LEARNING_RATE a number or 'auto' (default).
 * compare: for each embedding, prints the exact KL divergence of our P (the sparse input
 * similarities of `tsne`, Euclidean, at PERPLEXITY) against Q over all pairs,
 *   KL = sum p log p - sum p log w + log Z,  w = 1 / (1 + d^2),  Z = sum_{i != j} w_ij,
 * and the trustworthiness at k = 15 (src/metrics/trustworthiness.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FeatureMatrix } from '../../src/data/dataset.js';
import { trustworthiness } from '../../src/metrics/trustworthiness.js';
import { inputSimilarities, tsne } from '../../src/projection/tsne.js';

/** The numeric CSV (header row, every column a number). */
function readCsv(path: string): FeatureMatrix {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const cols = lines[0]!.split(',').length;
  const rows = lines.length - 1;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const f = lines[i + 1]!.split(',');
    for (let c = 0; c < cols; c++) data[i * cols + c] = Number(f[c]);
  }
  return { rows, cols, data };
}

function peakRssMB(): number {
  const s = readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+)/.exec(s);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function exactKL(x: FeatureMatrix, y: FeatureMatrix, perplexity: number): number {
  const n = x.rows;
  const K = Math.min(n - 1, Math.floor(3 * perplexity));
  const P = inputSimilarities(x, perplexity, K, 'euclidean');
  const e = y.data;
  let z = 0;
  for (let i = 0; i < n; i++) {
    const xi = e[2 * i]!;
    const yi = e[2 * i + 1]!;
    for (let j = i + 1; j < n; j++) {
      const dx = xi - e[2 * j]!;
      const dy = yi - e[2 * j + 1]!;
      z += 2 / (1 + dx * dx + dy * dy);
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let t = P.rowStart[i]!; t < P.rowStart[i + 1]!; t++) {
      const p = P.values[t]!;
      const j = P.columns[t]!;
      const dx = e[2 * i]! - e[2 * j]!;
      const dy = e[2 * i + 1]! - e[2 * j + 1]!;
      kl += p * Math.log(p * z * (1 + dx * dx + dy * dy));
    }
  }
  return kl;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'fit') {
  const [input, output, seed = '0', perplexity = '30', init = 'pca', lr = 'auto'] = args;
  const x = readCsv(input!);
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const r = tsne(x, {
    seed: Number(seed),
    perplexity: Number(perplexity),
    init: init as 'pca' | 'random',
    learningRate: lr === 'auto' ? 'auto' : Number(lr),
  });
  const w1 = performance.now();
  const c1 = process.cpuUsage(c0);
  const e = r.embedding.data;
  const out = ['x1,x2'];
  for (let i = 0; i < r.embedding.rows; i++) out.push(`${e[2 * i]},${e[2 * i + 1]}`);
  writeFileSync(output!, `${out.join('\n')}\n`);
  const all = process.cpuUsage();
  console.log(
    JSON.stringify({
      fit: (c1.user + c1.system) / 1e6,
      fitWall: (w1 - w0) / 1e3,
      process: (all.user + all.system) / 1e6,
      rssMB: Math.round(peakRssMB() * 10) / 10,
      rows: x.rows,
      cols: x.cols,
      kl: r.klDivergence,
      learningRate: r.learningRate,
    }),
  );
} else if (mode === 'compare') {
  const [input, perplexity, ...embeddings] = args;
  const x = readCsv(input!);
  for (const path of embeddings) {
    const y = readCsv(path);
    const kl = exactKL(x, y, Number(perplexity));
    const t = trustworthiness(x, y, { nNeighbors: 15 });
    console.log(JSON.stringify({ embedding: path, kl, trustworthiness: t }));
  }
} else {
  console.log('usage: tsne fit DATA.csv OUT.csv [SEED] [PERPLEXITY] [INIT] [LEARNING_RATE]');
  console.log('       tsne compare DATA.csv PERPLEXITY EMB1.csv [EMB2.csv ...]');
}
