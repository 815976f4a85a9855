import { run } from '../../src/cli/main.js';
import type { CommandModule } from '../../src/cli/command.js';

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
