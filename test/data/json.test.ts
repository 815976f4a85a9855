import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toRows } from '../../src/data/dataset.js';
import { type JSONOptions, loadJSON, loadJSONTable, parseJSON } from '../../src/data/json.js';
import { DataError } from '../../src/util/errors.js';
import { collectingLogger, setLogger, withCollectedWarnings } from '../../src/util/log.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-json-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('parseJSON(text, options)', () => {
  it('parseJSON(text) reads an array of objects; keys in order of first appearance', () => {
    const d = parseJSON('[{"a": 1, "s": "x"}, {"b": 2, "a": "3.5", "s": "y"}]', {
      label: 's',
      missing: 'mean',
    });
    expect(d.columns).toEqual(['a', 'b']);
    // b is missing in the first object: imputed with the mean of the others (2).
    expect(toRows(d.features)).toEqual([
      [1, 2],
      [3.5, 2],
    ]);
    expect(d.labels).toEqual(['x', 'y']);
    expect(d.source).toMatchObject({ format: 'json', valuesImputed: 1 });
  });

  it("parseJSON(text, {format: 'ndjson'}) reads one object per line and skips blank lines", () => {
    const d = parseJSON('{"a": 1}\n\n{"a": null}\r\n{"a": 3}\n', {
      format: 'ndjson',
      missing: 'drop',
    });
    expect(Array.from(d.features.data)).toEqual([1, 3]);
    expect(d.source.rowsDropped).toBe(1);
  });

  it('parseJSON(text) names the line of the object that has a missing value', () => {
    const text = '[\n  {"a": 1},\n  {"a": 2},\n  {\n    "a": null\n  }\n]';
    expect(() => parseJSON(text, { file: 'm.json' })).toThrow(
      "m.json, line 4, column 'a': missing value (empty cell)",
    );
    expect(() =>
      parseJSON('{"a": 1}\n{"a": 2}\n{"a": null}\n', { file: 'm.ndjson', format: 'ndjson' }),
    ).toThrow("m.ndjson, line 3, column 'a'");
  });

  it('parseJSON(text) errors on invalid JSON, a non-array, a non-object element and empty text', () => {
    expect(() => parseJSON('{"a": 1}\n{"a": }\n', { format: 'ndjson', file: 'x.ndjson' })).toThrow(
      /^x\.ndjson, line 2: not valid JSON/,
    );
    expect(() => parseJSON('[{"a": 1},\n {"a": 1,}]', { file: 'x.json' })).toThrow(
      /^x\.json, line 2: not valid JSON \(.*position 20\)\.$/,
    );
    // V8 gives no position for some errors: then no line, but still one clean line of text.
    expect(() => parseJSON('[{"a": 1},\n {"a": }]', { file: 'x.json' })).toThrow(
      /^x\.json(, line 2)?: not valid JSON \([^\n]*\)\.$/,
    );
    expect(() => parseJSON('{"a": 1}', { file: 'x.json' })).toThrow(
      /expected a JSON array of objects/,
    );
    expect(() => parseJSON('[{"a": 1},\n 5]', { file: 'x.json' })).toThrow(
      'x.json, line 2: element 2 of the array is not an object',
    );
    expect(() => parseJSON('  ')).toThrow(/the file is empty/);
    expect(() => parseJSON('[]')).toThrow(/the file is empty/);
  });

  it('parseJSON(text) treats booleans and nested values as text', () => {
    const { value: d, warnings } = withCollectedWarnings(() =>
      parseJSON('[{"a": 1, "b": true, "c": [1]}, {"a": 2, "b": false, "c": [2]}]'),
    );
    expect(d.columns).toEqual(['a']);
    expect(warnings).toHaveLength(2);
  });
});

describe('loadJSON(path)', () => {
  it('loadJSON(path) picks NDJSON by extension and hashes the bytes', async () => {
    const path = join(folder, 'd.ndjson');
    writeFileSync(path, '{"x": 1, "y": 2}\n{"x": 3, "y": 4}\n');
    const d = await loadJSON(path);
    expect(d.source).toMatchObject({
      path,
      format: 'ndjson',
      rowsRead: 2,
    });
    const { createHash } = await import('node:crypto');
    expect(d.source.sha256).toBe(
      createHash('sha256').update('{"x": 1, "y": 2}\n{"x": 3, "y": 4}\n').digest('hex'),
    );
  });

  it('loadJSON(path) names a missing file', async () => {
    await expect(loadJSON(join(folder, 'none.json'))).rejects.toThrow(/none\.json: no such file/);
  });
});

describe("pandas' DataFrame.to_json layouts (test/fixtures/pandas, make_pandas_json.py)", () => {
  const dir = 'test/fixtures/pandas';
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as Record<
    string,
    { index: string[]; columns: string[]; rows: (number | string | null)[][] }
  >;
  const load = async (file: string, options: JSONOptions = {}) => {
    const logger = collectingLogger();
    const previous = setLogger(logger);
    try {
      const table = await loadJSONTable(`${dir}/${file}`, { label: 'species', ...options }, true);
      return { ...table, warnings: logger.messages };
    } finally {
      setLogger(previous);
    }
  };

  for (const frame of ['range', 'labelled', 'shuffled', 'duplicates']) {
    const want = expected[frame]!;
    const layouts = ['columns', 'split', 'table', 'records', 'records.ndjson'].filter(
      (o) => !(frame === 'duplicates' && o === 'columns'),
    );
    for (const layout of layouts) {
      const file = layout.endsWith('ndjson') ? `${frame}.${layout}` : `${frame}.${layout}.json`;
      it(`${file}: the frame's values in its row order, the index as the rules say`, async () => {
        const { dataset, columns, warnings } = await load(file);
        const features = want.columns.filter((c) => c !== 'species');
        expect(dataset.columns).toEqual(features);
        const s = want.columns.indexOf('species');
        expect(dataset.labels).toEqual(want.rows.map((r) => r[s]));
        const values = toRows(dataset.features).map((r) =>
          r.map((v) => (Number.isNaN(v) ? null : v)),
        );
        expect(values).toEqual(want.rows.map((r) => r.filter((_, j) => j !== s)));
        const hasIndex = layout === 'columns' || layout === 'split' || layout === 'table';
        if (hasIndex && (frame === 'labelled' || frame === 'shuffled')) {
          // an index that names rows: the row ids, said in a warning
          expect(dataset.ids).toEqual(want.index);
          expect(dataset.idColumn).toBe('index');
          expect(warnings).toEqual([expect.stringMatching(/its index .* becomes the row ids/)]);
        } else {
          expect(dataset.ids).toBeUndefined();
          if (hasIndex && frame === 'duplicates' && layout === 'split') {
            expect(warnings).toEqual([expect.stringMatching(/label 'a' repeats/)]);
          }
        }
        if (hasIndex && frame === 'range') {
          // the default index 0..n-1 says nothing: left out, silently
          expect(columns[0]).toMatchObject({ name: 'index', role: 'excluded' });
          expect(warnings).toEqual([]);
        }
      });
    }
    for (const orient of ['index', 'values']) {
      const file = `${frame}.${orient}.json`;
      if (!existsSync(`${dir}/${file}`)) continue;
      it(`${file}: a DataError that asks for orient='records'`, async () => {
        await expect(load(file)).rejects.toThrow(
          new RegExp(`^${dir}/${file.replace('.', '\\.')}, line 1: .*orient='records'`),
        );
        await expect(load(file)).rejects.toBeInstanceOf(DataError);
      });
    }
  }

  it('the index keeps the role the options give it: --id elsewhere, --label index', async () => {
    const other = await load('labelled.split.json', { label: 'sepal_length', id: 'species' });
    expect(other.dataset.ids).toEqual(expected.labelled!.rows.map((r) => r[4]));
    expect(other.columns[0]).toMatchObject({ name: 'index', role: 'excluded' });
    expect(other.warnings).toEqual([
      expect.stringMatching(/the id is column 'species', from the 'id' option/),
    ]);
    const asLabel = await load('labelled.columns.json', { label: 'index', exclude: ['species'] });
    expect(asLabel.dataset.labels).toEqual(expected.labelled!.index);
    expect(asLabel.dataset.ids).toBeUndefined();
  });

  it('errors in orient=columns name the line of the cell (indent=1: one value per line)', async () => {
    const text = readFileSync(`${dir}/range.columns.indented.json`, 'utf8').split('\n');
    expect(text[58]).toMatch(/^\s*"0":"setosa"/);
    await expect(
      load('range.columns.indented.json', { label: undefined, features: ['species'] }),
    ).rejects.toThrow(
      "range.columns.indented.json, line 59, column 'species': column 'species' is named in " +
        'features but holds text',
    );
  });

  it('a broken orient=split names what does not fit', () => {
    const split = (s: string) => () => parseJSON(s, { file: 's.json' });
    expect(split('{"columns": ["a", "b"], "index": [0], "data": [\n[1, 2, 3]]}')).toThrow(
      "s.json, line 2: row 1 of 'data' has 3 values, but 'columns' names 2",
    );
    expect(split('{"columns": ["a"], "index": [0, 1], "data": [[1]]}')).toThrow(
      "s.json, line 1: 'index' has 2 labels but 'data' has 1 rows",
    );
    expect(split('{"columns": [["a", "x"]], "data": [[1]]}')).toThrow(/MultiIndex/);
    expect(split('{"a": 1, "b": 2}')).toThrow(/orient='records'/);
  });
});

describe('JSON nested deeper than the call stack', () => {
  const deep = (depth: number, open = '[', close = ']') =>
    open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth);

  it('a cell nested 100,000 deep is a DataError naming the file, line and column', () => {
    const array = `[{"a": 1, "b": 2},\n {"a": 3, "b": ${deep(100_000)}}]`;
    expect(() => parseJSON(array, { file: 'd.json' })).toThrow(
      /^d\.json, line 2, column 'b': the cell holds an array or object nested more than 100 levels deep/,
    );
    const object = `{"a": 1, "b": 2}\n{"a": 3, "b": ${deep(100_000, '{"x":', '}')}}\n`;
    expect(() => parseJSON(object, { file: 'd.ndjson', format: 'ndjson' })).toThrow(
      /^d\.ndjson, line 2, column 'b': the cell holds/,
    );
    // an excluded column is not read at all
    const d = parseJSON(array, { file: 'd.json', exclude: ['b'] });
    expect(Array.from(d.features.data)).toEqual([1, 3]);
  });

  it('a file nested 100,000 deep at the top is a DataError', () => {
    expect(() => parseJSON(deep(100_000), { file: 't.json' })).toThrow(
      /^t\.json, line 1: element 1 of the array is not an object/,
    );
    expect(() => parseJSON(deep(100_000, '{"x":', '}'), { file: 't.json' })).toThrow(DataError);
    expect(() => parseJSON(`${deep(100_000)}\n`, { file: 't.ndjson', format: 'ndjson' })).toThrow(
      /^t\.ndjson, line 1: expected one JSON object per line/,
    );
  });

  it('a cell nested up to 100 levels is text, as shallow arrays and objects are', () => {
    const { value: d } = withCollectedWarnings(() =>
      parseJSON(`[{"a": 1, "s": ${deep(100)}}, {"a": 2, "s": "x"}]`, { label: 's' }),
    );
    expect(d.labels).toEqual([deep(100), 'x']);
  });
});
