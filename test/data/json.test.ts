import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toRows } from '../../src/data/dataset.js';
import { loadJson, parseJson } from '../../src/data/json.js';
import { withCollectedWarnings } from '../../src/util/log.js';

const folder = mkdtempSync(join(tmpdir(), 'clusterlens-json-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('parseJson(text, options)', () => {
  it('parseJson(text) reads an array of objects; keys in order of first appearance', () => {
    const d = parseJson('[{"a": 1, "s": "x"}, {"b": 2, "a": "3.5", "s": "y"}]', {
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

  it("parseJson(text, {format: 'ndjson'}) reads one object per line and skips blank lines", () => {
    const d = parseJson('{"a": 1}\n\n{"a": null}\r\n{"a": 3}\n', {
      format: 'ndjson',
      missing: 'drop',
    });
    expect(Array.from(d.features.data)).toEqual([1, 3]);
    expect(d.source.rowsDropped).toBe(1);
  });

  it('parseJson(text) names the line of the object that has a missing value', () => {
    const text = '[\n  {"a": 1},\n  {"a": 2},\n  {\n    "a": null\n  }\n]';
    expect(() => parseJson(text, { file: 'm.json' })).toThrow(
      "m.json, line 4, column 'a': missing value (empty cell)",
    );
    expect(() =>
      parseJson('{"a": 1}\n{"a": 2}\n{"a": null}\n', { file: 'm.ndjson', format: 'ndjson' }),
    ).toThrow("m.ndjson, line 3, column 'a'");
  });

  it('parseJson(text) errors on invalid JSON, a non-array, a non-object element and empty text', () => {
    expect(() => parseJson('{"a": 1}\n{"a": }\n', { format: 'ndjson', file: 'x.ndjson' })).toThrow(
      /^x\.ndjson, line 2: not valid JSON/,
    );
    expect(() => parseJson('[{"a": 1},\n {"a": 1,}]', { file: 'x.json' })).toThrow(
      /^x\.json, line 2: not valid JSON \(.*position 20\)\.$/,
    );
    // V8 gives no position for some errors: then no line, but still one clean line of text.
    expect(() => parseJson('[{"a": 1},\n {"a": }]', { file: 'x.json' })).toThrow(
      /^x\.json(, line 2)?: not valid JSON \([^\n]*\)\.$/,
    );
    expect(() => parseJson('{"a": 1}', { file: 'x.json' })).toThrow(
      /expected a JSON array of objects/,
    );
    expect(() => parseJson('[{"a": 1},\n 5]', { file: 'x.json' })).toThrow(
      'x.json, line 2: element 2 of the array is not an object',
    );
    expect(() => parseJson('  ')).toThrow(/the file is empty/);
    expect(() => parseJson('[]')).toThrow(/the file is empty/);
  });

  it('parseJson(text) treats booleans and nested values as text', () => {
    const { value: d, warnings } = withCollectedWarnings(() =>
      parseJson('[{"a": 1, "b": true, "c": [1]}, {"a": 2, "b": false, "c": [2]}]'),
    );
    expect(d.columns).toEqual(['a']);
    expect(warnings).toHaveLength(2);
  });
});

describe('loadJson(path)', () => {
  it('loadJson(path) picks NDJSON by extension and hashes the bytes', async () => {
    const path = join(folder, 'd.ndjson');
    writeFileSync(path, '{"x": 1, "y": 2}\n{"x": 3, "y": 4}\n');
    const d = await loadJson(path);
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

  it('loadJson(path) names a missing file', async () => {
    await expect(loadJson(join(folder, 'none.json'))).rejects.toThrow(/none\.json: no such file/);
  });
});
