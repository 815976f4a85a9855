/**
 * The argument checks of `renderHtml`: a report document built by hand (or edited from
 * `buildReport`'s) is checked block by block before anything is rendered, so that a wrong field
 * is an `OptionError` naming it, not a TypeError from the middle of the HTML writer.
 */
import { OptionError } from '../util/errors.js';
import { checkBoolean, checkKnownOptions } from '../util/validate.js';

const fn = 'renderHtml';

function fail(field: string, what: string): never {
  throw new OptionError(`The '${field}' argument of ${fn} must be ${what}.`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): boolean =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/** The document (title, subtitle, sections of blocks) and the options of `renderHtml`. */
export function checkRenderArguments(doc: unknown, options: unknown): void {
  if (!isObject(doc)) fail('doc', 'a report document ({title, subtitle, sections})');
  if (typeof doc.title !== 'string') fail('doc.title', 'a string');
  if (typeof doc.subtitle !== 'string') fail('doc.subtitle', 'a string');
  if (!Array.isArray(doc.sections)) fail('doc.sections', 'an array of sections');
  doc.sections.forEach((section: unknown, s: number) => {
    const at = `doc.sections[${s}]`;
    if (!isObject(section)) fail(at, 'a section ({id, title, blocks})');
    if (typeof section.id !== 'string') fail(`${at}.id`, 'a string');
    if (typeof section.title !== 'string') fail(`${at}.title`, 'a string');
    if (!Array.isArray(section.blocks)) fail(`${at}.blocks`, 'an array of blocks');
    section.blocks.forEach((block: unknown, b: number) => {
      const where = `${at}.blocks[${b}]`;
      if (!isObject(block)) fail(where, 'a block ({kind, ...})');
      switch (block.kind) {
        case 'text':
          if (typeof block.text !== 'string') fail(`${where}.text`, 'a string');
          break;
        case 'code':
          if (typeof block.text !== 'string') fail(`${where}.text`, 'a string');
          if (typeof block.summary !== 'string') fail(`${where}.summary`, 'a string');
          break;
        case 'table':
          if (!isStrings(block.head)) fail(`${where}.head`, 'an array of strings');
          if (!Array.isArray(block.rows) || !block.rows.every(isStrings)) {
            fail(`${where}.rows`, 'an array of rows of strings');
          }
          break;
        case 'chart': {
          const chart = block.chart;
          if (!isObject(chart) || typeof chart.name !== 'string' || !isObject(chart.spec)) {
            fail(`${where}.chart`, 'a chart ({name, spec})');
          }
          if (
            chart.renderer !== undefined &&
            chart.renderer !== 'svg' &&
            chart.renderer !== 'canvas'
          ) {
            fail(`${where}.chart.renderer`, "'svg' or 'canvas'");
          }
          break;
        }
        default:
          fail(`${where}.kind`, "one of 'text', 'table', 'chart', 'code'");
      }
    });
  });
  checkKnownOptions(fn, options as object, ['static', 'run']);
  const o = options as { static?: unknown };
  if (o.static !== undefined) checkBoolean(fn, 'static', o.static);
}
