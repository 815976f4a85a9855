// Every chart's spec validates against the Vega-Lite JSON schema and compiles with zero warnings.
// The schema (1.9 MB) is compiled once, here, for the whole run.
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { loadDataset } from '../../src/data/load.js';
import { buildReport } from '../../src/report/build.js';
import { RandomState } from '../../src/util/random.js';
import { hostileDataset } from '../report/hostile.js';
import { compileWarnings, expectSnapshot } from './fixtures.js';
import { exampleSpecs } from './examples.js';

const require = createRequire(import.meta.url);
const schema = require('vega-lite/vega-lite-schema.json');
const ajv = new Ajv({
  strict: false,
  allowUnionTypes: true,
  formats: {
    uri: true,
    'uri-reference': true,
    'color-hex': /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i,
  },
});
const validate = ajv.compile(schema);

describe('chart specs', () => {
  const specs = exampleSpecs();
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: validates against vega-lite-schema.json and compiles without warnings`, () => {
      const ok = validate(spec);
      expect(ok, ajv.errorsText(validate.errors)).toBe(true);
      expect(compileWarnings(spec)).toEqual([]);
      expectSnapshot(name, spec);
    });
  }
});

describe('report specs', () => {
  it('every chart of the iris and hostile reports validates and compiles without warnings', async () => {
    const iris = await loadDataset('datasets/iris.csv', { label: 'species' });
    for (const report of [
      buildReport(iris, { k: 3 }),
      buildReport(hostileDataset(), { k: 3 }),
      buildReport(iris, { k: 3, density: { minClusterSize: 10 } }),
      // no density cluster at all: every row is noise
      buildReport(iris, { k: 3, density: { minClusterSize: 150 } }),
    ]) {
      for (const c of report.charts) {
        expect(validate(c.spec), `${c.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        expect(compileWarnings(c.spec), c.name).toEqual([]);
      }
    }
  });
});

describe('report specs with an infinite F and the gap at k = 1', () => {
  it('every chart of such a report validates and compiles without warnings', () => {
    // three groups, one column constant within each: F = Infinity; k = 1 judged (gap at k = 1)
    const rng = new RandomState(5);
    const rows = Array.from({ length: 60 }, (_, i) => {
      const g = i % 3;
      return [10 * g + rng.gauss(), 5 * (g === 1 ? 1 : 0) + rng.gauss(), g];
    });
    const data = parseCsv(`a,b,group\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const report = buildReport(data, { k: [2, 5] });
    expect(report.analysis.anovaF.includes(Infinity)).toBe(true);
    expect(report.analysis.kChoice!.structure!.gapAtOne).toBeDefined();
    for (const c of report.charts) {
      expect(validate(c.spec), `${c.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(compileWarnings(c.spec), c.name).toEqual([]);
    }
  });
});

describe('the schema check', () => {
  it('validate(spec) rejects a misspelled property that vega-lite would compile silently', () => {
    const spec = exampleSpecs().scree as object;
    expect(validate({ ...spec, encodng: {} })).toBe(false);
  });
});
