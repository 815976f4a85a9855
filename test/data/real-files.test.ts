/**
 * Files as R, pandas and European spreadsheets write them (test/fixtures/load, made by make_r.R
 * and make_pandas.py): the loader must take the row names as the id, tell the delimiter and the
 * decimal mark, and give the features R's data frame has, with R's column means to 1e-12.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { type LoadOptions, loadDataset } from '../../src/data/load.js';
import { type Logger, collectingLogger, setLogger } from '../../src/util/log.js';

const folder = new URL('../fixtures/load/', import.meta.url);
const path = (name: string) => new URL(name, folder).pathname;

interface RFrame {
  rows: number;
  means: Record<string, number>;
}
const R = JSON.parse(readFileSync(new URL('r-means.json', folder), 'utf8')) as Record<
  string,
  RFrame
>;

/** Load a fixture, collecting the warnings. */
async function load(
  name: string,
  options: LoadOptions = {},
): Promise<{ dataset: Dataset; warnings: string[] }> {
  const logger = collectingLogger();
  const previous: Logger = setLogger(logger);
  try {
    return { dataset: await loadDataset(path(name), options), warnings: logger.messages };
  } finally {
    setLogger(previous);
  }
}

/** Column means of the loaded features (plain sums, then a division). */
function means(d: Dataset): number[] {
  const { rows, cols, data } = d.features;
  const sums = new Array<number>(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) sums[j]! += data[i * cols + j]!;
  return sums.map((s) => s / rows);
}

/** The dataset has R's columns, rows and column means (relative 1e-12). */
function expectR(d: Dataset, frame: string): void {
  const r = R[frame]!;
  expect(d.columns).toEqual(Object.keys(r.means));
  expect(d.features.rows).toBe(r.rows);
  means(d).forEach((m, j) => {
    const expected = r.means[d.columns[j]!]!;
    expect(Math.abs(m - expected), `${frame} ${d.columns[j]}`).toBeLessThanOrEqual(
      1e-12 * Math.abs(expected),
    );
  });
}

// [file, R data frame, id column, first ids, delimiter, decimal mark, options]
const CASES: [string, string, string, string[], string, string, LoadOptions][] = [
  ['faithful.csv', 'faithful', 'unnamed_1', ['1', '2'], ',', '.', {}],
  ['quakes.csv', 'quakes', 'unnamed_1', ['1', '2'], ',', '.', {}],
  ['airquality.csv', 'airquality', 'unnamed_1', ['1', '2'], ',', '.', { missing: 'drop' }],
  ['mtcars.csv', 'mtcars', 'unnamed_1', ['Mazda RX4', 'Mazda RX4 Wag'], ',', '.', {}],
  ['states.csv', 'states', 'unnamed_1', ['Alabama', 'Alaska'], ',', '.', {}],
  ['faithful-csv2.csv', 'faithful', 'unnamed_1', ['1', '2'], ';', ',', {}],
  ['quakes-csv2.csv', 'quakes', 'unnamed_1', ['1', '2'], ';', ',', {}],
  ['airquality-csv2.csv', 'airquality', 'unnamed_1', ['1', '2'], ';', ',', { missing: 'drop' }],
  ['mtcars-csv2.csv', 'mtcars', 'unnamed_1', ['Mazda RX4', 'Mazda RX4 Wag'], ';', ',', {}],
  ['faithful-reread.csv', 'faithful', 'unnamed_1', ['1', '2'], ',', '.', {}],
  ['faithful-pandas.csv', 'faithful', 'unnamed_1', ['0', '1'], ',', '.', {}],
  ['quakes-pandas-eu.csv', 'quakes', 'unnamed_1', ['1', '2'], ';', ',', {}],
  ['mtcars-pandas-index.csv', 'mtcars', 'index', ['Mazda RX4', 'Mazda RX4 Wag'], ',', '.', {}],
  [
    'airquality-pandas-pipe.csv',
    'airquality',
    'unnamed_1',
    ['1', '2'],
    '|',
    '.',
    { missing: 'drop' },
  ],
  ['states-excel-de.csv', 'states', 'unnamed_1', ['Alabama', 'Alaska'], ';', ',', {}],
  ['states-excel-fr.csv', 'states', 'unnamed_1', ['Alabama', 'Alaska'], ';', ',', {}],
];

describe('files written by R, pandas and spreadsheets', () => {
  for (const [file, frame, idColumn, ids, delimiter, decimal, options] of CASES) {
    it(`${file}: the features and column means of R's ${frame}, the row names as the id`, async () => {
      const { dataset: d } = await load(file, options);
      expectR(d, frame);
      expect(d.idColumn).toBe(idColumn);
      expect(d.ids!.slice(0, 2)).toEqual(ids);
      expect(d.ids!.length).toBe(d.features.rows);
      expect([d.source.delimiter, d.source.decimal]).toEqual([delimiter, decimal]);
      // The preprocessing log says what was detected and which column became the id.
      const notes = d.source.notes!.join('\n');
      expect(notes).toContain(`delimiter '${delimiter}' (detected`);
      if (decimal === ',') expect(notes).toContain("decimal mark ',' (detected");
      expect(notes).toMatch(new RegExp(`column '${idColumn}'.* it is the row id, not a feature`));
    });
  }

  it('every semicolon/decimal-comma file gives the numbers of its comma/point file, bit for bit', async () => {
    const pairs = [
      ['faithful-csv2.csv', 'faithful.csv'],
      ['quakes-csv2.csv', 'quakes.csv'],
      ['airquality-csv2.csv', 'airquality.csv'],
      ['mtcars-csv2.csv', 'mtcars.csv'],
      ['quakes-pandas-eu.csv', 'quakes.csv'],
      ['airquality-pandas-pipe.csv', 'airquality.csv'],
      ['states-excel-de.csv', 'states.csv'],
      ['states-excel-fr.csv', 'states.csv'],
    ];
    for (const [european, plain] of pairs) {
      const a = (await load(european!, { missing: 'drop' })).dataset;
      const b = (await load(plain!, { missing: 'drop' })).dataset;
      expect(a.columns, european).toEqual(b.columns);
      expect(a.ids, european).toEqual(b.ids);
      expect(Buffer.from(a.features.data.buffer).equals(Buffer.from(b.features.data.buffer))).toBe(
        true,
      );
      expect(a.source.leftOut, european).toEqual([]);
    }
  });

  it('a second index column (pandas writing R, R writing read.csv) is left out with a warning naming it', async () => {
    for (const [file, column] of [
      ['faithful-pandas.csv', 'Unnamed: 0'],
      ['faithful-reread.csv', 'X'],
    ] as const) {
      const { dataset: d, warnings } = await load(file);
      expect(d.source.leftOut).toEqual([
        { column, reason: 'row numbers 1..272, a second index column' },
      ]);
      expect(warnings).toEqual([
        `${path(file)}, column '${column}' holds the row numbers 1..272, as an index column does, ` +
          "and the id is 'unnamed_1'; it is left out of the features. Name it in features " +
          '(--features) to use it.',
      ]);
    }
  });

  it('the id option decides: another id column leaves the row names out, not in the features', async () => {
    const { dataset: d, warnings } = await load('mtcars.csv', { id: 'carb' });
    expect(d.idColumn).toBe('carb');
    expect(d.ids!.slice(0, 3)).toEqual(['4', '4', '1']);
    expect(d.columns).toEqual(Object.keys(R.mtcars!.means).filter((c) => c !== 'carb'));
    expect(d.source.leftOut).toEqual([
      { column: 'unnamed_1', reason: "row names (the id column is 'carb')" },
    ]);
    expect(warnings).toEqual([]);
  });

  it('naming the row-name column in features keeps it as a feature', async () => {
    const { dataset: d } = await load('faithful.csv', {
      features: ['unnamed_1', 'eruptions', 'waiting'],
    });
    expect(d.columns).toEqual(['unnamed_1', 'eruptions', 'waiting']);
    expect(d.idColumn).toBeUndefined();
    expect(means(d)[0]).toBe(273 / 2);
  });

  it('the row names can be the label, or excluded', async () => {
    const labelled = (await load('mtcars.csv', { label: 'unnamed_1' })).dataset;
    expect([labelled.labelColumn, labelled.idColumn]).toEqual(['unnamed_1', undefined]);
    expect(labelled.labels![0]).toBe('Mazda RX4');
    const excluded = (await load('faithful.csv', { exclude: ['unnamed_1'] })).dataset;
    expect([excluded.columns, excluded.idColumn]).toEqual([['eruptions', 'waiting'], undefined]);
  });

  it('the dialect options override the detection', async () => {
    // Read as a decimal-point file, the columns with decimals are text: left out, with a hint.
    const { dataset: d, warnings } = await load('faithful-csv2.csv', { decimal: '.' });
    expect(d.columns).toEqual(['waiting']);
    expect(d.source.notes![0]).toBe(
      "delimiter ';' (detected: 3 fields on every one of the first 100 lines; ',' breaks the quoting, tab breaks the quoting, '|' breaks the quoting), decimal mark '.' (given)",
    );
    expect(warnings[0]).toContain("column 'eruptions' is not numeric (line 2: '3,6')");
    expect(warnings[0]).toContain("If ',' is its decimal mark, give decimal ',' (--decimal ,).");
    // Given both, nothing is sniffed.
    const given = (await load('quakes-csv2.csv', { delimiter: ';', decimal: ',' })).dataset;
    expectR(given, 'quakes');
    expect(given.source.notes![0]).toBe("delimiter ';' (given), decimal mark ',' (given)");
    // The library's delimiter ';' alone reads the decimal commas too (it used to keep only the
    // integer columns).
    expectR((await load('mtcars-csv2.csv', { delimiter: ';' })).dataset, 'mtcars');
  });
});
