/**
 * The manifest every report embeds: what went in (file name and SHA-256 of its bytes), the
 * options as resolved, the seed, and the versions of clusterlens and of the libraries that drew
 * the charts. Nothing in it depends on the machine, the folder or the clock, so the same input,
 * options and versions give the same manifest, byte for byte.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The manifest of a report. */
export interface Manifest {
  /** The program that wrote the report. */
  generator: string;
  input: {
    /** File name without its folder ('<memory>' for data that did not come from a file). */
    file: string;
    sha256: string;
    format: string;
    rowsRead: number;
    rowsDropped: number;
    valuesImputed: number;
    /** The data are a seeded sample of `rows` of the file's `of` rows (`loadSample`). */
    sample?: { rows: number; of: number; seed: number };
  };
  /** The options of the analysis, as resolved (every default filled in). */
  options: Record<string, unknown>;
  seed: number;
  /** Versions of clusterlens, vega, vega-lite and vega-embed. */
  versions: Record<string, string>;
}

const require = createRequire(import.meta.url);

function versionAt(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

let cached: Record<string, string> | undefined;

/** Versions of clusterlens and of the chart libraries it inlines. */
export function packageVersions(): Record<string, string> {
  if (!cached) {
    const here = dirname(fileURLToPath(import.meta.url));
    cached = {
      clusterlens: versionAt(join(here, '..', '..', 'package.json')),
      vega: versionAt(
        join(dirname(require.resolve('vega/vega-schema.json')), '..', 'package.json'),
      ),
      'vega-lite': versionAt(join(dirname(require.resolve('vega-lite')), '..', 'package.json')),
      'vega-embed': versionAt(join(dirname(require.resolve('vega-embed')), '..', 'package.json')),
    };
  }
  return { ...cached };
}

/** Input of `buildManifest`. */
export interface ManifestInput {
  source: {
    path: string;
    sha256: string;
    format: string;
    rowsRead: number;
    rowsDropped: number;
    valuesImputed: number;
    sample?: { rows: number; of: number; seed: number };
  };
  options: Record<string, unknown>;
  seed: number;
}

/** The manifest for a report of `source` made with `options`. */
export function buildManifest(input: ManifestInput): Manifest {
  const { source } = input;
  const versions = packageVersions();
  return {
    generator: `clusterlens ${versions.clusterlens}`,
    input: {
      // a file by its name; a query ('sql:SELECT ...') whole
      file:
        source.path === '<memory>' || source.format === 'sql' ? source.path : basename(source.path),
      sha256: source.sha256,
      format: source.format,
      rowsRead: source.rowsRead,
      rowsDropped: source.rowsDropped,
      valuesImputed: source.valuesImputed,
      ...(source.sample === undefined ? {} : { sample: source.sample }),
    },
    options: sortKeys(input.options),
    seed: input.seed,
    versions,
  };
}

/** A copy with object keys in sorted order, so the JSON does not depend on insertion order. */
function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
