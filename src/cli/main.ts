#!/usr/bin/env node
/**
 * The `clusterlens` command line: parses flags, calls the library, reports.
 *
 *   run(argv, io) -> exit status   0 success
 *                                  1 user error: DataError, OptionError or a usage error of the
 *                                    flags; one line on stderr, no stack (unless --verbose); the
 *                                    options it names are printed as flags (flags.ts)
 *                                  2 anything else (a bug): one line, the stack with --verbose
 *
 * Adding a command: write src/cli/<name>.ts exporting `register(program, context)` (see
 * command.ts) and add one line `() => import('./<name>.js'),` to `COMMANDS` below.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ioError, isUserError } from '../util/errors.js';
import { setLogger } from '../util/log.js';
import { allocationFailure, memoryBudget, setMemoryBudget } from '../util/memory.js';
import type { CliContext, CliIO, CommandModule } from './command.js';
import { cliName } from './flags.js';

/** The commands, in the order `--help` lists them. One line each. */
const COMMANDS: readonly (() => Promise<CommandModule>)[] = [
  () => import('./datasets.js'),
  () => import('./report.js'),
  () => import('./inspect.js'),
  () => import('./pca.js'),
  () => import('./umap.js'),
  () => import('./tsne.js'),
  () => import('./hclust.js'),
  () => import('./kmeans.js'),
  () => import('./hdbscan.js'),
  () => import('./dbscan.js'),
  () => import('./optics.js'),
  () => import('./verify.js'),
  () => import('./compress.js'),
];

const PREFIX = 'clusterlens: ';

/**
 * Run the CLI with the arguments after the program name (`process.argv.slice(2)`); returns the
 * exit status instead of exiting, and writes only to `io`. `commands` replaces the registered
 * commands (for tests).
 */
export async function run(
  argv: readonly string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
  commands: readonly (() => Promise<CommandModule>)[] = COMMANDS,
): Promise<number> {
  // Global flags are honoured wherever they appear, also when parsing fails before any action.
  const flagsEnd = argv.indexOf('--');
  const flags = flagsEnd === -1 ? argv : argv.slice(0, flagsEnd);
  const verbose = flags.includes('--verbose');
  const quiet = flags.includes('--quiet') || flags.includes('-q');
  const context = cliContext(io, verbose, quiet);
  const previousLogger = setLogger({
    warn(message, text) {
      if (!quiet) {
        context.progress(''); // the line of a progress meter, if one is open, is taken over
        io.stderr.write(`${PREFIX}warning: ${oneLine(text?.render(cliName) ?? message)}\n`);
      }
    },
  });
  const previousBudget = setMemoryBudget(undefined);
  try {
    const program = await buildProgram(context, commands);
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    context.progress(''); // a progress meter's open line
    return report(error, context, argv);
  } finally {
    setLogger(previousLogger);
    setMemoryBudget(previousBudget);
  }
}

/**
 * The context of one run: progress only on a terminal and without --quiet; a rewritten line
 * (`{rewrite: true}`) stays open until the next message, which clears it first. An empty
 * message only clears an open line.
 */
export function cliContext(io: CliIO, verbose: boolean, quiet: boolean): CliContext {
  let open = false;
  return {
    io,
    verbose,
    quiet,
    progress(message, options) {
      if (quiet || !io.stderr.isTTY) return;
      const clear = open ? '\r\x1b[K' : '';
      if (options?.rewrite === true) {
        io.stderr.write(`${clear || '\r'}${PREFIX}${message}`);
        open = true;
        return;
      }
      open = false;
      if (message === '') {
        if (clear !== '') io.stderr.write(clear);
        return;
      }
      io.stderr.write(`${clear}${PREFIX}${message}\n`);
    },
  };
}

/** The commander program with every command registered (exported for the tests of its flags). */
export async function buildProgram(
  context: CliContext,
  commands: readonly (() => Promise<CommandModule>)[] = COMMANDS,
): Promise<Command> {
  const program = new Command('clusterlens')
    .description(
      'Unsupervised learning and its pictures: k-means, hierarchical and density clustering, ' +
        'PCA and UMAP, written as Vega-Lite charts and one-file offline HTML reports.',
    )
    .version(await packageVersion(), '-V, --version', 'print the version and exit')
    .option('--verbose', 'show stack traces of errors')
    .option('-q, --quiet', 'print no warnings and no progress')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true);
  for (const load of commands) (await load()).register(program, context);
  configure(program, context.io);
  return program;
}

/** Error handling and output streams for a command and all its subcommands. */
function configure(command: Command, io: CliIO): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    outputError: (text, write) => write(`${PREFIX}${oneLine(text)}\n`),
  });
  // Global flags may also follow the command name.
  if (command.parent !== null) {
    command.option('--verbose', 'show stack traces of errors');
    command.option('-q, --quiet', 'print no warnings and no progress');
  }
  for (const sub of command.commands) configure(sub, io);
}

/**
 * Print an error the way its kind asks for and return the exit status. Failures from outside the
 * code are user errors once explained: a file-system error (a full disk, a read-only folder, too
 * many open files, ...) names the path and what to do (`ioError`; an error of a write to an open
 * file has no path of its own: the output named by --out stands for it), and a failed allocation
 * names the size, the limit and what to do (`allocationFailure`), whichever step raised them.
 */
function report(error: unknown, context: CliContext, argv: readonly string[] = []): number {
  const { stderr } = context.io;
  if (error instanceof CommanderError) {
    // commander already printed its message (through outputError), or the help/version text.
    return error.exitCode;
  }
  if (!isUserError(error)) {
    const command = argv.find((a) => !a.startsWith('-')) ?? 'the command';
    const explained =
      ioError(error, outputFlag(argv)) ??
      allocationFailure(error, { what: `clusterlens ${command}`, budget: memoryBudget() });
    if (isUserError(explained)) {
      if (context.verbose && error instanceof Error) explained.stack = error.stack ?? '';
      error = explained;
    }
  }
  if (isUserError(error)) {
    stderr.write(`${PREFIX}error: ${oneLine(error.render(cliName))}\n`);
    if (context.verbose && error.stack) stderr.write(`${error.stack}\n`);
    return 1;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  stderr.write(
    `${PREFIX}internal error: ${oneLine(message)}` +
      (context.verbose ? '\n' : ' (this is a bug; run again with --verbose for the stack)\n'),
  );
  if (context.verbose && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return 2;
}

/** The value of --out on the command line (the last one), if any. */
function outputFlag(argv: readonly string[]): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--out' && i + 1 < argv.length) out = argv[++i];
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
  }
  return out;
}

/** Collapse a message onto one line. */
function oneLine(text: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

async function packageVersion(): Promise<string> {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
}

/** True when this file is the program node was asked to run (also through the npm bin link). */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // A closed pipe (`clusterlens inspect big.csv | head`) ends the output, not in a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await run(process.argv.slice(2));
}
