// Data with noise for the density section of the report (test/report/density.test.ts and the
// browser test).
import { parseCsv } from '../../src/data/csv.js';
import type { Dataset } from '../../src/data/dataset.js';
import { RandomState } from '../../src/util/random.js';

/** Three Gaussian blobs of 60 rows and 30 rows of uniform noise over [-8, 18]^2, labelled. */
export function blobsWithNoise(): Dataset {
  const rng = new RandomState(3);
  const lines: string[] = [];
  const centres = [
    [0, 0],
    [10, 0],
    [5, 9],
  ];
  centres.forEach(([cx, cy], g) => {
    for (let i = 0; i < 60; i++) {
      lines.push(`${cx! + 0.8 * rng.gauss()},${cy! + 0.8 * rng.gauss()},g${g}`);
    }
  });
  for (let i = 0; i < 30; i++) {
    lines.push(`${-8 + 26 * rng.randomSample()},${-8 + 26 * rng.randomSample()},noise`);
  }
  return parseCsv(`x,y,group\n${lines.join('\n')}\n`, { label: 'group' });
}
