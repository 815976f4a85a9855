import { run } from '../../src/cli/main.js';
import type { CliContext, CliIO, CommandModule } from '../../src/cli/command.js';

/** Output of one in-process CLI run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with collected output. */
export async function cli(
  argv: string[],
  commands?: readonly (() => Promise<CommandModule>)[],
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const code = await run(argv, io, commands);
  return { code, stdout, stderr };
}

/** Collected output streams and a quiet `CliContext` over them, to call a command directly. */
export function collectingContext(): {
  io: CliIO;
  ctx: CliContext;
  out: () => string;
  err: () => string;
} {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
  };
  return {
    io,
    ctx: { io, verbose: false, quiet: false, progress() {} },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
