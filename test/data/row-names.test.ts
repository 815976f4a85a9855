import { describe, expect, it } from 'vitest';
import type { LoadedTable } from '../../src/data/columns.js';
import { parseCsvTable } from '../../src/data/csv.js';
import { parseJSON } from '../../src/data/json.js';
import { withCollectedWarnings } from '../../src/util/log.js';

/** parseCsvTable with the warnings collected. */
function parse(text: string, options = {}): LoadedTable & { warnings: string[] } {
  const { value, warnings } = withCollectedWarnings(() =>
    parseCsvTable(text, { file: 'r.csv', ...options }),
  );
  return { ...value, warnings };
}

describe('row names', () => {
  it('an empty-named first column with distinct values is the id, said in the notes', () => {
    const t = parse(',x,y\n1,0.5,2\n2,1.5,3\n3,2.5,5\n');
    expect([t.dataset.columns, t.dataset.idColumn, t.dataset.ids]).toEqual([
      ['x', 'y'],
      'unnamed_1',
      ['1', '2', '3'],
    ]);
    expect(t.columns[0]).toEqual({
      name: 'unnamed_1',
      position: 1,
      role: 'id',
      type: 'text',
      missing: 0,
      reason: 'row names: distinct row numbers',
    });
    expect(t.dataset.source.notes![1]).toBe(
      "column 'unnamed_1' (no name in the header) holds distinct row names ('1', '2', '3'): it " +
        "is the row id, not a feature. The 'id' option chooses another id column; naming " +
        "it in the 'features' option keeps it as a feature.",
    );
    expect(t.warnings).toEqual([]);
  });

  it("'Unnamed: 0', '...1', 'rownames' and 'rowname' first columns are row names too", () => {
    for (const name of ['Unnamed: 0', '...1', 'rownames', 'rowname', ' ']) {
      const t = parse(`${name},x\n7,1\n3,2\n5,4\n`);
      expect([t.dataset.columns, t.dataset.ids], name).toEqual([['x'], ['7', '3', '5']]);
    }
  });

  it('empty-named row names that repeat, or are missing, are left out with a warning, not used', () => {
    const repeated = parse(',x\n1,1\n1,2\n2,4\n');
    expect([repeated.dataset.columns, repeated.dataset.idColumn]).toEqual([['x'], undefined]);
    expect(repeated.dataset.source.leftOut).toEqual([
      { column: 'unnamed_1', reason: "row names whose values repeat (row 2: '1')" },
    ]);
    expect(repeated.warnings).toEqual([
      "r.csv, column 'unnamed_1' (no name in the header) looks like row names, but its values " +
        "repeat (row 2: '1'); it is left out of the features. Name it in the 'features' option " +
        "to use it as a feature, or as the 'id' option.",
    ]);
    const missing = parse(',x\na,1\nNA,2\nc,4\n');
    expect(missing.dataset.source.leftOut[0]!.reason).toBe(
      "row names whose values are missing (row 2: 'NA')",
    );
  });

  it("'X' and 'index' are the id when they hold text or increasing integers, else data", () => {
    expect(parse('X,y\n1,5\n2,6\n4,7\n').dataset.idColumn).toBe('X');
    expect(parse('index,y\nalpha,5\nbeta,6\ngamma,7\n').dataset.idColumn).toBe('index');
    // Coordinates named X: a feature.
    const xy = parse('X,Y\n3.5,1\n1.25,2\n2.75,3\n');
    expect([xy.dataset.columns, xy.dataset.idColumn]).toEqual([['X', 'Y'], undefined]);
    // Not increasing: data.
    expect(parse('X,y\n3,5\n1,6\n2,7\n').dataset.columns).toEqual(['X', 'y']);
    // Elsewhere than first, the same rule.
    const later = parse('a,index\n0.5,0\n0.25,1\n0.75,2\n');
    expect([later.dataset.columns, later.dataset.idColumn]).toEqual([['a'], 'index']);
  });

  it('an id option decides; empty-named row names are then left out, never a feature', () => {
    const t = parse(',name,x\n1,a,5\n2,b,6\n3,c,7\n', { id: 'name' });
    expect([t.dataset.columns, t.dataset.idColumn, t.dataset.ids]).toEqual([
      ['x'],
      'name',
      ['a', 'b', 'c'],
    ]);
    expect(t.columns[0]).toMatchObject({
      role: 'left out',
      type: 'unread',
      reason: "row names (the id column is 'name')",
    });
  });

  it('with features given, the row names still become the id', () => {
    const t = parse(',x,y\n1,5,6\n2,7,8\n3,9,1\n', { features: ['y'] });
    expect([t.dataset.columns, t.dataset.idColumn]).toEqual([['y'], 'unnamed_1']);
    expect(t.columns.map((c) => c.role)).toEqual(['id', 'not selected', 'feature']);
  });

  it('a column of row numbers chosen as a feature is warned about by name, with the fix', () => {
    for (const [values, first, last] of [
      ['1,2,3,4', 1, 4],
      ['0,1,2,3', 0, 3],
    ] as const) {
      const rows = values.split(',').map((v, i) => `${v},${i * 0.5 + 0.1}`);
      const t = parse(`n,x\n${rows.join('\n')}\n`);
      expect(t.dataset.columns).toEqual(['n', 'x']);
      expect(t.warnings).toEqual([
        `r.csv, column 'n' holds the row numbers ${first}..${last}, so the order of the rows in ` +
          "the file takes part in the analysis as a feature. Leave it out with {exclude: ['n']} " +
          "or make it the row id ({id: 'n'}); name it in the 'features' option to keep it " +
          'without this warning.',
      ]);
    }
    // Named in features: no warning; fewer than 3 rows, or not exactly the row numbers: none.
    expect(parse('n,x\n1,5\n2,6\n3,7\n', { features: ['n', 'x'] }).warnings).toEqual([]);
    expect(parse('n,x\n1,5\n2,6\n').warnings).toEqual([]);
    expect(parse('n,x\n1,5\n2,6\n4,7\n').warnings).toEqual([]);
    expect(parse('n,x\n1,5\n2,6\n3,7\n', { exclude: ['n'] }).warnings).toEqual([]);
  });

  it('JSON keys follow the same rules', () => {
    const d = parseJSON(
      '[{"index": "a", "x": 1, "y": 2}, {"index": "b", "x": 3, "y": 5}, {"index": "c", "x": 4, "y": 7}]',
    );
    expect([d.columns, d.idColumn, d.ids]).toEqual([['x', 'y'], 'index', ['a', 'b', 'c']]);
  });

  it('rows dropped for missing values drop their row names too', () => {
    const t = parse(',x\na,1\nb,NA\nc,3\n', { missing: 'drop' });
    expect(t.dataset.ids).toEqual(['a', 'c']);
  });
});
