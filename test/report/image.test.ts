// The Images section of a report: the mean image, the eigen-images and the reconstructions of
// the digits against scikit-learn's PCA (test/fixtures/image/make_digits_pca.py), in the analysis
// and in the numbers of the chart specs; the rule that detects an image; the option's checks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eigenImagesSpec, reconstructionsSpec } from '../../src/charts/images.js';
import { type Dataset, featureMatrix } from '../../src/data/dataset.js';
import { loadImageFolder, saveImage } from '../../src/data/image.js';
import { loadDataset } from '../../src/data/load.js';
import { buildReport } from '../../src/report/build.js';
import { detectImage } from '../../src/report/image.js';
import { OptionError } from '../../src/util/errors.js';
import { withCollectedWarnings } from '../../src/util/log.js';

interface Fixture {
  target: number[];
  mean: number[];
  ks: number[];
  cumulative: number[];
  rows: number[];
  reconstructions: Record<string, number[][]>;
  abs_components: number[][];
}
const ref = JSON.parse(
  readFileSync(new URL('../fixtures/image/digits_pca.json', import.meta.url), 'utf8'),
) as Fixture;

/** The digits with their digit held out as the label 'digit'. */
async function digits(): Promise<Dataset> {
  const ds = await loadDataset('test/fixtures/projection/digits.csv');
  return { ...ds, labels: ref.target.map(String), labelColumn: 'digit' };
}

/** A quick report: k given, the criteria of k, the tree and the silhouettes on small samples. */
const quick = {
  k: 10,
  projection: ['pca'],
  chooseKMaxRows: 50,
  hclustMaxRows: 200,
  silhouetteMaxRows: 200,
  nInit: 1,
} as const;

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  }
  expect(worst, what).toBeLessThan(tol);
}

/** The records of a chart's data by panel: the values of its pixels in order. */
function panelValues(values: { p: number; i: number; v: number }[], p: number, d: number) {
  const out = new Array<number>(d).fill(Number.NaN);
  for (const r of values) if (r.p === p) out[r.i] = r.v;
  return out;
}

describe('the Images section on the digits, against scikit-learn', () => {
  it('mean image, explained variance, eigen-images and reconstructions', async () => {
    const ds = await digits();
    const r = withCollectedWarnings(() => buildReport(ds, quick)).value;
    const im = r.analysis.image!;
    expect(im).toBeDefined();
    expect([im.width, im.height, im.rule]).toEqual([8, 8, 'indexed']);
    expect(im.text).toContain('x0..x63');
    // the first row of each digit 0..5, in label order
    expect(im.rows).toEqual(ref.rows);
    expect(im.rowReasons).toEqual(['0', '1', '2', '3', '4', '5']);
    close(im.mean, ref.mean, 1e-12, 'mean');
    expect(im.ks).toEqual(ref.ks);
    close(im.explained, ref.cumulative, 1e-9, 'explained variance');
    for (let c = 0; c < ref.abs_components.length; c++) {
      close(
        Array.from(im.components[c]!, Math.abs),
        ref.abs_components[c]!,
        1e-9,
        `|component ${c + 1}|`,
      );
    }
    const X = r.analysis.features.length;
    expect(X).toBe(64);
    ref.rows.forEach((row, s) => {
      ref.ks.forEach((k, t) => {
        const want =
          k === 64
            ? Array.from(ds.features.data.subarray(row * 64, row * 64 + 64))
            : ref.reconstructions[String(k)]![s]!;
        close(im.reconstructions[s]![t]!, want, 1e-9, `row ${row}, k = ${k}`);
      });
    });
    // RMSE at k: the mean squared residual over all rows and pixels, computed directly at k = 2
    const n = ds.features.rows;
    const data = ds.features.data;
    const mean = Float64Array.from(ref.mean);
    const V = [0, 1].map((c) => im.components[c]!);
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const s = V.map((v) => {
        let dot = 0;
        for (let j = 0; j < 64; j++) dot += (data[i * 64 + j]! - mean[j]!) * v[j]!;
        return dot;
      });
      for (let j = 0; j < 64; j++) {
        const e = data[i * 64 + j]! - mean[j]! - s[0]! * V[0]![j]! - s[1]! * V[1]![j]!;
        sse += e * e;
      }
    }
    expect(im.rmse[0]).toBeCloseTo(Math.sqrt(sse / (n * 64)), 9);
    expect(im.rmse.at(-1)).toBe(0);

    // the specs draw those numbers (to 6 significant digits)
    const comp = r.charts.find((c) => c.name === 'image-components')!.spec as unknown as {
      hconcat: { data: { values: { i: number; v: number }[] } }[];
    };
    const meanValues = comp.hconcat[0]!.data.values;
    // 6 significant digits of the largest value (16): steps of 1e-4
    close(
      meanValues.map((m) => m.v),
      ref.mean,
      0.51e-4,
      'spec: mean image',
    );
    expect(meanValues[0]!.v).toBe(0);
    const rec = r.charts.find((c) => c.name === 'image-reconstructions')!.spec as unknown as {
      data: { values: { p: number; i: number; v: number }[] };
      transform: { from?: { data: { values: { p: number; row: string; stage: string }[] } } }[];
    };
    const panels = rec.transform[0]!.from!.data.values;
    expect(panels.map((p) => p.stage).slice(0, 5)).toEqual([
      'original (k = 64: 100%)',
      'k = 2: 28.5%',
      'k = 5: 54.5%',
      'k = 10: 73.8%',
      'k = 20: 89.4%',
    ]);
    expect(panels[0]!.row).toBe('row 1 (digit 0)');
    // digit 3 (the fourth row of the grid) at k = 10: the fourth column
    const p = panels.findIndex(
      (q) => q.row === `row ${ref.rows[3]! + 1} (digit 3)` && q.stage.startsWith('k = 10:'),
    );
    expect(p).toBeGreaterThan(0);
    const drawn = panelValues(rec.data.values, p, 64);
    close(drawn, ref.reconstructions['10']![3]!, 0.51e-4, 'spec: k = 10');
    // a constant pixel (x0 is 0 in every image) is written as 0, not as rounding noise
    expect(drawn[0]).toBe(0);
    // the section and its table
    const section = r.document.sections.find((s) => s.id === 'images')!;
    expect(section.title).toBe('Images');
    const table = section.blocks.find((b) => b.kind === 'table') as unknown as { rows: string[][] };
    expect(table.rows.map((row) => row[1])).toEqual(['28.5%', '54.5%', '73.8%', '89.4%', '100.0%']);
    const json = r.toJSON() as { image: { k: number[]; rows: string[]; width: number } };
    expect(json.image.k).toEqual(ref.ks);
    expect(json.image.rows).toEqual(ref.rows.map((i) => String(i + 1)));
    expect(r.manifest.options.image).toEqual({ width: 8, height: 8, rule: 'indexed' });
  }, 120_000);

  it('image: false leaves the section out; a grid that does not fit is an OptionError', async () => {
    const ds = await digits();
    const off = withCollectedWarnings(() => buildReport(ds, { ...quick, image: false })).value;
    expect(off.analysis.image).toBeUndefined();
    expect(off.document.sections.some((s) => s.id === 'images')).toBe(false);
    expect(off.charts.some((c) => c.name.startsWith('image-'))).toBe(false);
    const build = (image: unknown, more = {}) =>
      withCollectedWarnings(() => buildReport(ds, { ...quick, ...more, image: image as never }));
    expect(() => build({ width: 8, height: 7 })).toThrow(
      /\(8 x 7\) \(56 pixels\) does not match the 64 feature columns/,
    );
    // the data wider than maxFeatures: its columns are no longer the pixels
    expect(() => build({ width: 8, height: 8 }, { maxFeatures: 32 })).toThrow(
      /before its width was reduced/,
    );
    for (const bad of [
      { width: 0, height: 8 },
      { width: 8 },
      'yes',
      [8, 8],
      { width: 8, height: 8, c: 1 },
    ]) {
      expect(() => build(bad), JSON.stringify(bad)).toThrow(OptionError);
    }
    expect(() => build({ width: 100, height: 100 })).toThrow(/larger than the 4096 pixels/);
  }, 120_000);
});

/** A dataset of n rows of the given columns, value(i, j) in each cell. */
function matrix(columns: string[], n: number, value: (i: number, j: number) => number) {
  const X = featureMatrix(n, columns.length);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < columns.length; j++) X.data[i * columns.length + j] = value(i, j);
  return X;
}
const names = (d: number, name: (j: number) => string) =>
  Array.from({ length: d }, (_, j) => name(j));
const pixel = (i: number, j: number) => (i * 7 + j * 3) % 256;

describe('a folder of images', () => {
  it('is detected by its r0c0 names and drawn light where the values are high', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterlens-image-folder-'));
    try {
      // 12 gray 6 x 4 images: two patterns and their mixtures
      for (let f = 0; f < 12; f++) {
        const pixels = Float64Array.from({ length: 24 }, (_, i) =>
          Math.round(((f % 4) * (i % 6) * 40 + (f % 3) * Math.floor(i / 6) * 60) % 256),
        );
        await saveImage(join(dir, `im${String(f).padStart(2, '0')}.png`), {
          width: 6,
          height: 4,
          channels: 1,
          pixels,
        });
      }
      const ds = await loadImageFolder(dir);
      const r = withCollectedWarnings(() =>
        buildReport(ds, { k: 2, projection: ['pca'], nInit: 1 }),
      ).value;
      const im = r.analysis.image!;
      expect([im.width, im.height, im.rule]).toEqual([6, 4, 'grid']);
      expect(im.text).toContain('r0c0..r3c5 are read as an image of 6 x 4 pixels');
      // 12 images of 24 pixels: 12 components; k = 2, 5, 10 and all
      expect(im.ks).toEqual([2, 5, 10, 12]);
      const spec = r.charts.find((c) => c.name === 'image-reconstructions')!.spec as unknown as {
        spec: { encoding: { color: { scale: { reverse?: boolean } } } };
      };
      expect(spec.spec.encoding.color.scale.reverse).toBe(true);
      // the rows by their ids: the file names; the first of each of the two clusters
      const rows = (r.toJSON() as { image: { rows: string[] } }).image.rows;
      expect(rows).toEqual(im.rows.map((i) => ds.ids![i]));
      expect(rows).toHaveLength(2);
      expect(rows).toContain('im00.png');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('detectImage: only when the names and values leave no doubt', () => {
  it('reads one grid of row and column indices, in row-major order', () => {
    const grid = (w: number, h: number, f: (r: number, c: number) => string) =>
      names(w * h, (j) => f(Math.floor(j / w), j % w));
    for (const [cols, w, h] of [
      [grid(8, 8, (r, c) => `pixel_${r}_${c}`), 8, 8],
      [grid(6, 4, (r, c) => `r${r}c${c}`), 6, 4],
      [grid(5, 5, (r, c) => `px${r + 1}x${c + 1}`), 5, 5],
    ] as const) {
      const layout = detectImage(cols, matrix([...cols], 3, pixel));
      expect(layout, cols[0]).toMatchObject({ width: w, height: h, rule: 'grid' });
      expect(layout!.text).toContain(`${w} x ${h} pixels`);
    }
    // column-major, or a hole in the grid: no image
    const colMajor = grid(4, 4, (r, c) => `pixel_${c}_${r}`);
    expect(detectImage(colMajor, matrix(colMajor, 3, pixel))).toBeUndefined();
    const hole = grid(4, 4, (r, c) => `pixel_${r}_${c}`);
    hole[5] = 'pixel_1_9';
    expect(detectImage(hole, matrix(hole, 3, pixel))).toBeUndefined();
  });

  it('reads one pixel-like prefix with the indices in order, on a square count', () => {
    for (const [cols, side] of [
      [names(64, (j) => `pixel${j}`), 8],
      [names(16, (j) => `x${j + 1}`), 4],
      [names(784, (j) => `pixel_${j}`), 28],
    ] as const) {
      expect(detectImage(cols, matrix([...cols], 2, pixel)), cols[0]).toMatchObject({
        width: side,
        height: side,
        rule: 'indexed',
      });
    }
    // values in [0, 1] are pixels too
    const unit = names(16, (j) => `p${j}`);
    expect(
      detectImage(
        unit,
        matrix(unit, 3, (i, j) => ((i + j) % 5) / 4),
      )!.text,
    ).toContain('every value is in [0, 1]');
    const no: [string, string[], (i: number, j: number) => number][] = [
      ['9 columns: too few', names(9, (j) => `pixel${j}`), pixel],
      ['a count that is not a square', names(48, (j) => `pixel${j}`), pixel],
      ['indices out of order', names(16, (j) => `pixel${j === 3 ? 4 : j === 4 ? 3 : j}`), pixel],
      ['a prefix that is not pixel-like', names(16, (j) => `gene${j}`), pixel],
      ['two prefixes', names(16, (j) => (j < 8 ? `x${j}` : `px${j}`)), pixel],
      ['a negative value', names(16, (j) => `x${j}`), (i, j) => (i === 1 && j === 2 ? -1 : 3)],
      ['fractions above 1', names(16, (j) => `x${j}`), (i, j) => i + j + 0.5],
      ['every value 0', names(16, (j) => `x${j}`), () => 0],
    ];
    for (const [why, cols, value] of no) {
      expect(detectImage(cols, matrix(cols, 3, value)), why).toBeUndefined();
    }
  });
});

describe('the image chart builders check their arguments', () => {
  const eigen = {
    width: 2,
    height: 2,
    mean: [1, 2, 3, 4],
    components: [[0.5, 0.5, 0.5, 0.5]],
    ratios: [0.9],
  };
  const rec = {
    width: 2,
    height: 2,
    rows: ['a'],
    ks: [1, 4],
    explained: [0.9, 1],
    pixels: [
      [
        [1, 2, 3, 4],
        [1, 2, 3, 4],
      ],
    ],
    range: [0, 4] as [number, number],
  };
  it('names the argument at fault', () => {
    expect(() => eigenImagesSpec(eigen)).not.toThrow();
    expect(() => reconstructionsSpec(rec)).not.toThrow();
    expect(() => eigenImagesSpec({ ...eigen, mean: [1, 2, 3] })).toThrow(
      /'input.mean' argument of eigenImagesSpec/,
    );
    expect(() => eigenImagesSpec({ ...eigen, components: [[1, 2]] })).toThrow(
      /'input.components\[0\]'/,
    );
    expect(() => eigenImagesSpec({ ...eigen, ratios: [] })).toThrow(/'input.ratios'/);
    expect(() => eigenImagesSpec({ ...eigen, width: 0 })).toThrow(/'input.width'/);
    expect(() => eigenImagesSpec(eigen, { dark: 'no' as never })).toThrow(/'dark'/);
    expect(() => reconstructionsSpec({ ...rec, ks: [4, 1] })).toThrow(/'input.ks\[1\]'/);
    expect(() => reconstructionsSpec({ ...rec, explained: [1] })).toThrow(/'input.explained'/);
    expect(() => reconstructionsSpec({ ...rec, pixels: [] })).toThrow(/'input.pixels' argument/);
    expect(() => reconstructionsSpec({ ...rec, pixels: [[[1, 2, 3, 4]]] })).toThrow(
      /'input.pixels\[0\]'/,
    );
    expect(() => reconstructionsSpec({ ...rec, range: [0] as never })).toThrow(/'input.range'/);
    expect(() => reconstructionsSpec(rec, { pixel: 0 })).toThrow(/'options.pixel'/);
  });
});
