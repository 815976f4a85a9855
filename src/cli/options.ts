/**
 * The loading flags every command that reads a data file shares, and their translation into the
 * options of `loadDataset`:
 *
 *   --label COL --id COL --features A,B,.. --exclude A,B,.. --missing error|drop|mean|median
 *   --delimiter auto|CHAR|tab --decimal auto|.|,   the CSV dialect (default: told from the first
 *                       lines; see src/data/dialect.ts)
 *   --max-memory SIZE   the memory budget of the run (512M, 8G, ...; see src/util/memory.ts),
 *                       set before the command's action starts: the O(n^2) steps plan within
 *                       it, and the report streams data whose in-memory report would exceed it
 *   --sample N          analyse a seeded sample of N rows, read in one pass (`loadSample`,
 *                       src/data/sample.ts; the seed is --seed). Every command that analyses
 *                       a file has it (report and hclust size the samples of their O(n^2) steps
 *                       with --subsample); not inspect, which describes the whole file.
 *   --sql QUERY         the data are the result of a DuckDB query instead of a file
 *                       (src/data/sql.ts; DuckDB is an optional dependency). The file argument
 *                       is then left out; outputs are named after 'sql' (reports/sql.html).
 *
 * Use in a command file:
 *
 *   const cmd = addLoadingOptions(program.command('kmeans').argument('[file]'));
 *   cmd.action(async (given, flags) => {
 *     const file = dataInput(given, flags); // the file, or SQL_INPUT with --sql
 *     const data = await loadFromFlags(file, flags, context);
 *     ...
 *   });
 *
 * With `context`, a --sample pass and a --sql read show a progress meter (progress.ts).
 *
 * Also the parsers of the numeric flags the commands share (`integerFlag`, `numberFlag`, `kFlag`
 * for --k in every command, `twoStageFlag`), which throw an `OptionError` naming the flag, and
 * the checks and the write of `--out` (`checkOutFlag`, `writeOutFlag`). The labels file that
 * `--out` of kmeans and hclust writes is src/report/labels-csv.ts, shared with the report.
 */
import { existsSync, statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { type LoadOptions, loadDataset } from '../data/load.js';
import { readChunks } from '../data/chunks.js';
import { loadSample } from '../data/sample.js';
import type { DecimalMark } from '../data/dialect.js';
import { MISSING_POLICIES, type MissingPolicy } from '../data/missing.js';
import { packageVersions } from '../report/manifest.js';
import { checkOutputs, type Output, resolveOutput, runId, writeOutput } from '../report/outputs.js';
import { OptionError } from '../util/errors.js';
import { type MemoryBudget, memoryBudget, parseSize, setMemoryBudget } from '../util/memory.js';
import type { CliContext } from './command.js';
import { metered, progressMeter } from './progress.js';

/** The parsed loading flags, as commander hands them to an action. */
export interface LoadingFlags {
  label?: string;
  id?: string;
  features?: string;
  exclude?: string;
  missing?: MissingPolicy;
  /** --delimiter as typed: one character, 'tab' or 'auto'. */
  delimiter?: string;
  /** --decimal: '.', ',' or 'auto'. */
  decimal?: DecimalMark | 'auto';
  /** The --max-memory size as typed ('512M'). */
  maxMemory?: string;
  /** --sample as typed: rows of the seeded sample to read (commands with the shared flag). */
  sample?: string;
  /** --seed as typed (the seed of --sample). */
  seed?: string;
  /** --sql: the query whose result are the data (instead of a file). */
  sql?: string;
}

/** Which of the shared flags that are not in every command a command takes. */
export interface LoadingFlagSet {
  /** The shared --sample (default: true; false where the command has a --sample of its own). */
  sample?: boolean;
  /** Add --seed, for the commands that have no seed of their own (default: false). */
  seed?: boolean;
}

/** Add the shared loading flags to a command; returns the command. */
export function addLoadingOptions(command: Command, set: LoadingFlagSet = {}): Command {
  if (set.sample !== false) {
    command.option(
      '--sample <n>',
      'analyse a seeded sample of n rows, read in one pass (reservoir sampling; seed: --seed)',
    );
  }
  if (set.seed === true) command.option('--seed <n>', 'seed of --sample (default: 0)');
  return command
    .option(
      '--sql <query>',
      'read the data from a DuckDB query instead of a file, e.g. "SELECT * FROM read_parquet(\'x.parquet\')" (needs: npm install @duckdb/node-api)',
    )
    .option('--label <column>', 'column held out of the features, used to colour and to score')
    .option('--id <column>', 'column of row names')
    .option('--features <columns>', 'comma-separated feature columns (default: every numeric one)')
    .option('--exclude <columns>', 'comma-separated columns to leave out')
    .addOption(
      new Option(
        '--missing <policy>',
        'missing feature values: stop with an error, drop the rows, or impute (default: error)',
      ).choices(MISSING_POLICIES),
    )
    .option(
      '--delimiter <char>',
      "CSV field delimiter: one character, 'tab', or 'auto' to tell , ; tab | from the first " +
        'lines (default: auto; tab for .tsv and .tab files)',
    )
    .addOption(
      new Option(
        '--decimal <mark>',
        "CSV decimal mark (default: auto, which reads ',' when the delimiter is ; or tab and " +
          'the first lines write numbers with a decimal comma)',
      ).choices(['.', ',', 'auto']),
    )
    .option(
      '--max-memory <size>',
      'memory the run may use, e.g. 512M or 8G; the report streams data that would not fit (default: 80% of the available memory)',
    )
    .hook('preAction', (_command, action) => {
      // Every run sets the budget, so an in-process run never inherits an earlier run's.
      setMemoryBudget(budgetFromFlags(action.opts<LoadingFlags>()));
    });
}

/**
 * The memory budget the flags ask for: --max-memory parsed (an `OptionError` for a size that is
 * not one), or undefined for the default (the available memory minus a margin).
 */
export function budgetFromFlags(flags: LoadingFlags): MemoryBudget | undefined {
  if (flags.maxMemory === undefined) return undefined;
  return memoryBudget(parseSize(flags.maxMemory, '--max-memory'), '--max-memory');
}

/** Translate parsed loading flags into `loadDataset` options. */
export function loadOptionsFromFlags(flags: LoadingFlags): LoadOptions {
  const options: LoadOptions = {};
  if (flags.label !== undefined) options.label = flags.label;
  if (flags.id !== undefined) options.id = flags.id;
  if (flags.features !== undefined) options.features = splitList(flags.features);
  if (flags.exclude !== undefined) options.exclude = splitList(flags.exclude);
  if (flags.missing !== undefined) options.missing = flags.missing;
  if (flags.delimiter !== undefined) options.delimiter = delimiterFlag(flags.delimiter);
  if (flags.decimal !== undefined) options.decimal = flags.decimal;
  return options;
}

/** `--delimiter`: one character ('\t' typed as 'tab' or '\\t' too), or 'auto'. */
export function delimiterFlag(text: string): string {
  if (text === 'auto') return text;
  if (text === 'tab' || text === '\\t') return '\t';
  if (text.length !== 1 || text === '"' || text === '\n' || text === '\r') {
    throw new OptionError(
      `--delimiter must be one character (not '"'), 'tab' or 'auto'. Got ${JSON.stringify(text)} ` +
        'instead.',
    );
  }
  return text;
}

/**
 * What the file argument stands for with --sql: the name of the default outputs
 * (reports/sql.html), and no file that outputs must spare.
 */
export const SQL_INPUT = 'sql';

/**
 * The data of a command: its file argument, or the query of --sql (one of the two). Returns the
 * file, or `SQL_INPUT` with --sql.
 */
export function dataInput(file: string | undefined, flags: LoadingFlags): string {
  if (flags.sql !== undefined) {
    if (file !== undefined) {
      throw new OptionError(
        `give the data as a file or as --sql <query>, not both (got the file '${file}' and --sql).`,
      );
    }
    if (flags.delimiter !== undefined || flags.decimal !== undefined) {
      throw new OptionError(
        `${flags.delimiter !== undefined ? '--delimiter' : '--decimal'} is for CSV files; with --sql, DuckDB reads the files (give the options to read_csv in the query).`,
      );
    }
    return SQL_INPUT;
  }
  if (file === undefined) {
    throw new OptionError(
      'missing the data: give a data file (CSV, TSV, JSON, NDJSON, Parquet or Arrow), or --sql <query>.',
    );
  }
  return file;
}

/**
 * `dataInput` of the commands with --two-stage, which commander may hand the file
 * (`twoStageFlag`): the centres and the data.
 */
export function twoStageInput(
  value: boolean | string | undefined,
  given: string | undefined,
  flags: LoadingFlags,
  fallback: number,
): { centres: number | undefined; file: string } {
  const query = flags.sql !== undefined && given === undefined;
  // no file and no --sql: the file is missing unless commander handed it to --two-stage
  if (given === undefined && !query && (typeof value !== 'string' || isIntegerText(value))) {
    dataInput(undefined, flags);
  }
  const stage = twoStageFlag(value, query ? SQL_INPUT : given, fallback);
  return { centres: stage.centres, file: dataInput(query ? undefined : stage.file, flags) };
}

/**
 * Load `file` (or the query of --sql) as the loading flags say. With `context`, a big file (over
 * 20 MB) is announced before and timed after, and the pass of --sample and the rows of --sql
 * are metered (progress.ts), on stderr of a terminal.
 */
export async function loadFromFlags(
  file: string,
  flags: LoadingFlags,
  context?: Pick<CliContext, 'progress'>,
): Promise<Dataset> {
  const progress =
    context === undefined ? undefined : (message: string) => context.progress(message);
  // the flag first, before any reading
  const n = flags.sample === undefined ? 0 : integerFlag('--sample', flags.sample, 1);
  const sampled = async (
    table: Awaited<ReturnType<typeof readChunks>>,
    what: string,
  ): Promise<Dataset> => {
    if (context === undefined) return loadSample(table, n, { seed: seedFlag(flags.seed) });
    const meter = progressMeter(context, what, table.total);
    const dataset = await loadSample(metered(table, meter), n, { seed: seedFlag(flags.seed) });
    meter.done();
    return dataset;
  };
  if (flags.sql !== undefined) {
    const { format: _f, delimiter: _d, decimal: _m, ...options } = loadOptionsFromFlags(flags);
    const { loadSql, loadSqlTable, readSqlChunks } = await import('../data/sql.js');
    if (flags.sample !== undefined) {
      return sampled(await readSqlChunks(flags.sql, options), 'reading the query, a sample');
    }
    if (context === undefined) return loadSql(flags.sql, options);
    const meter = progressMeter(context, 'reading the query');
    const { dataset } = await loadSqlTable(flags.sql, options, false, (rows) => meter.rows(rows));
    meter.done();
    return dataset;
  }
  const size = progress === undefined ? 0 : sizeOf(file);
  const load = async (): Promise<Dataset> => {
    if (flags.sample === undefined) return loadDataset(file, loadOptionsFromFlags(flags));
    return sampled(
      await readChunks(file, loadOptionsFromFlags(flags)),
      `reading ${file}, a sample`,
    );
  };
  // (the pass of --sample has its meter)
  if (size < 20e6 || progress === undefined || flags.sample !== undefined) return load();
  progress(`reading ${file} (${(size / 1e6).toFixed(0)} MB)...`);
  const start = performance.now();
  const dataset = await load();
  progress(
    `read ${dataset.source.rowsRead} rows in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  return dataset;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // the loader reports the problem
  }
}

/**
 * 'a,b,c' -> ['a', 'b', 'c']: split at commas, each item kept as typed (a space is part of a
 * column name: 'a, b' names 'a' and ' b'); empty items are dropped. A name that matches no
 * column exactly is an error that suggests the near ones (columns.ts).
 */
export function splitList(text: string): string[] {
  return text.split(',').filter((item) => item !== '');
}

/**
 * The one rule for integer flags (`--sample 500`, `--k 3`): decimal digits (spaces around them
 * allowed), a safe integer, in [min, max]. No sign, no '.', no exponent, no hex.
 */
function isIntegerText(text: string): boolean {
  return /^\s*\d+\s*$/.test(text) && Number.isSafeInteger(Number(text));
}

/** An integer flag (`--sample 500`): digits only, a safe integer, in [min, max]. */
export function integerFlag(flag: string, text: string, min: number, max = Infinity): number {
  const value = Number(text);
  if (!isIntegerText(text) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new OptionError(`${flag} must be an integer ${range}. Got '${text}' instead.`);
  }
  return value;
}

/** What `--k` of a command accepts besides one integer. */
export interface KFlagForms {
  /** 'auto': let the criteria choose (report). */
  auto?: boolean;
  /** a..b: choose among a..b (kmeans). */
  range?: boolean;
}

/**
 * `--k` of every command, one rule and one message: an integer >= 1 (as `integerFlag`), or,
 * where the command takes them, 'auto' or a range a..b (1 <= a < b, each an integer as above).
 */
export function kFlag(text: string): { k: number };
export function kFlag(
  text: string,
  forms: { range: true; auto?: false },
): { k: number } | { range: [number, number] };
export function kFlag(
  text: string,
  forms: KFlagForms,
): { k: number } | { range: [number, number] } | 'auto';
export function kFlag(
  text: string,
  forms: KFlagForms = {},
): { k: number } | { range: [number, number] } | 'auto' {
  const alternatives = [
    ...(forms.auto ? ["'auto'"] : []),
    ...(forms.range ? ['a range a..b'] : []),
  ];
  const fail = (detail = ''): never => {
    throw new OptionError(
      `--k must be an integer >= 1${alternatives.length > 0 ? ` or ${alternatives.join(' or ')}` : ''}` +
        `${detail}. Got '${text}' instead.`,
    );
  };
  if (forms.auto && text === 'auto') return 'auto';
  if (forms.range && text.includes('..')) {
    const parts = text.split('..');
    if (parts.length !== 2 || !isIntegerText(parts[0]!) || !isIntegerText(parts[1]!)) fail();
    const lo = Number(parts[0]);
    const hi = Number(parts[1]);
    if (lo < 1 || hi <= lo) fail(' (a range a..b needs 1 <= a < b)');
    return { range: [lo, hi] };
  }
  if (!isIntegerText(text) || Number(text) < 1) fail();
  return { k: Number(text) };
}

/**
 * `--two-stage [centres]` after commander: true (the flag alone: `fallback` centres), or the
 * centres as typed. Commander gives an optional value the next word whatever it is, so
 * `report --two-stage data.csv` hands the data file to --two-stage: when `file` is missing, a
 * value that is not an integer is taken as the file (returned in `file`); when the file was
 * given too, a value that names an existing file or looks like one (a '/', '\\' or an
 * extension) is an error that says so, not a bad number of centres.
 */
export function twoStageFlag(
  value: boolean | string | undefined,
  file: string | undefined,
  fallback: number,
): { centres: number | undefined; file: string } {
  let centres: number | undefined;
  if (value === undefined || value === false) centres = undefined;
  else if (value === true) centres = fallback;
  else if (isIntegerText(value)) centres = integerFlag('--two-stage', value, 2);
  else if (file === undefined) {
    return { centres: fallback, file: value };
  } else if (existsSync(value) || /[/\\]|\.[A-Za-z0-9]{1,8}$/.test(value)) {
    throw new OptionError(
      `--two-stage takes a number of centres (an integer >= 2), but '${value}' is a file name. ` +
        `Give the data file once, and --two-stage alone or with a number (--two-stage 256).`,
    );
  } else {
    centres = integerFlag('--two-stage', value, 2);
  }
  if (file === undefined) throw new OptionError("missing required argument 'file'");
  return { centres, file };
}

/** `--seed`: an integer in [0, 2^32 - 1] (what RandomState accepts), or `fallback` when absent. */
export function seedFlag(text: string | undefined, fallback = 0): number {
  if (text === undefined) return fallback;
  const seed = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || seed > 0xffffffff) {
    throw new OptionError(`--seed must be an integer in [0, 4294967295]. Got '${text}' instead.`);
  }
  return seed;
}

/** A number flag (`--height 2.5`): any finite number, not blank. */
export function numberFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new OptionError(`${flag} must be a number. Got '${text}' instead.`);
  }
  return value;
}

/** Help of `--force`, shared by the commands that write files. */
export const FORCE_HELP =
  'replace existing output files that clusterlens did not write (never the input file)';

/** The flags of a command that writes one CSV with `--out`. */
export interface OutFlags {
  out?: string;
  force?: boolean;
  json?: boolean;
}

/**
 * The `--out` of a command that writes one CSV, resolved and checked before any work: not the
 * input `file`, not an existing file clusterlens did not write (unless --force); '-' (standard
 * output) not together with --json. Undefined without --out.
 */
export function checkOutFlag(file: string, flags: OutFlags): Output | undefined {
  if (flags.out === undefined) return undefined;
  const output = resolveOutput(flags.out, { record: true });
  checkOutputs([output], { inputs: [file], force: flags.force ?? false });
  if (output.kind === 'stdout' && flags.json) {
    throw new OptionError(
      `--out '${flags.out}' and --json both write to standard output; write the CSV to a file.`,
    );
  }
  return output;
}

/**
 * Write the CSV of `--out` (outputs.ts: temporary file and rename, or in place for a device,
 * FIFO or standard output), with the run id of `command` on `dataset` with `options`.
 */
export async function writeOutFlag(
  output: Output,
  text: string,
  file: string,
  flags: OutFlags,
  run: { command: string; dataset: Dataset; options: Record<string, unknown> },
  context: CliContext,
): Promise<void> {
  const id = runId({
    command: run.command,
    sha256: run.dataset.source.sha256,
    options: run.options,
    version: packageVersions().clusterlens,
  });
  await writeOutput(output, text, id, { inputs: [file], force: flags.force ?? false }, context.io);
}

/** `{sample}` for a command's JSON when the data are a sample of the file's rows, else `{}`. */
export function sampleField(dataset: Dataset): {
  sample?: { rows: number; of: number; seed: number };
} {
  return dataset.source.sample === undefined ? {} : { sample: dataset.source.sample };
}

/** The flags that shape a command's output, for its run id (not --out, --force, --json). */
export function flagOptions(flags: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flags)) {
    if (key !== 'out' && key !== 'force' && key !== 'json') out[key] = value;
  }
  return out;
}

/**
 * Print a command's summary: on stdout, or on stderr (unless --quiet) when the CSV went to
 * standard output.
 */
export function printSummary(context: CliContext, output: Output | undefined, text: string): void {
  if (output?.kind !== 'stdout') context.io.stdout.write(text);
  else if (!context.quiet) context.io.stderr.write(text);
}
