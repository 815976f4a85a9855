/**
 * What every CLI command file receives. A command file `src/cli/<name>.ts` exports
 *
 *   export function register(program: Command, context: CliContext): void
 *
 * which adds its subcommand with `program.command('<name>')` (not `addCommand`, so that it
 * inherits the error handling of `main.ts`), and is listed once in `COMMANDS` in `main.ts`.
 *
 * A command writes results to `context.io.stdout`, never to `process.stdout`, so that tests can
 * run it in-process; it reports user errors by throwing `DataError` or `OptionError` (main.ts
 * turns them into one line on stderr and exit status 1); warnings go through `warn()` of
 * src/util/log.ts, which main.ts routes to `context.io.stderr` (silenced by `--quiet`).
 */
import type { Command } from 'commander';

/** Something text can be written to: `process.stdout`, or a collector in tests. */
export interface CliStream {
  write(text: string): unknown;
  /** True when the stream is a terminal (progress is only shown on terminals). */
  isTTY?: boolean;
}

/** The output streams of one CLI run. */
export interface CliIO {
  stdout: CliStream;
  stderr: CliStream;
}

/** Shared state of one CLI run, handed to every command. */
export interface CliContext {
  /** Where results (stdout) and messages (stderr) go. */
  readonly io: CliIO;
  /** `--verbose` was given: show stack traces and more detail. */
  readonly verbose: boolean;
  /** `--quiet` was given: no warnings, no progress. */
  readonly quiet: boolean;
  /**
   * Show a progress message on stderr, only when stderr is a terminal and `--quiet` is not set
   * (so piped and redirected runs stay byte-identical). With `rewrite`, the message replaces
   * the line of the previous rewrite in place (a progress meter, progress.ts); the next message
   * or warning takes that line over.
   */
  progress(message: string, options?: { rewrite?: boolean }): void;
}

/** The shape of a command file. */
export interface CommandModule {
  register(program: Command, context: CliContext): void;
}
