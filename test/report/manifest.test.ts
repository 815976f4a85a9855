import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManifest, packageVersions } from '../../src/report/manifest.js';

const source = {
  path: 'some/folder/data.csv',
  sha256: 'ab'.repeat(32),
  format: 'csv',
  rowsRead: 10,
  rowsDropped: 1,
  valuesImputed: 0,
};

describe('buildManifest', () => {
  it('buildManifest({source, options, seed}) keeps the file name only and sorts the options', () => {
    const m = buildManifest({ source, options: { seed: 0, k: 3, method: 'ward' }, seed: 0 });
    expect(m.input.file).toBe('data.csv');
    expect(m.input.sha256).toBe(source.sha256);
    expect(Object.keys(m.options)).toEqual(['k', 'method', 'seed']);
    expect(m.generator).toBe(`clusterlens ${m.versions.clusterlens}`);
  });

  it('buildManifest(...) is the same JSON every time and carries no date', () => {
    const a = JSON.stringify(buildManifest({ source, options: { b: 1, a: 2 }, seed: 7 }));
    const b = JSON.stringify(buildManifest({ source, options: { a: 2, b: 1 }, seed: 7 }));
    expect(a).toBe(b);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}|time|date/i);
  });

  it('packageVersions() reads the installed versions', () => {
    const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')).version;
    expect(packageVersions()).toEqual({
      clusterlens: read('package.json'),
      vega: read('node_modules/vega/package.json'),
      'vega-lite': read('node_modules/vega-lite/package.json'),
      'vega-embed': read('node_modules/vega-embed/package.json'),
    });
  });
});
