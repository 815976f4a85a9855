/**
 * `clusterlens verify <NAME.html>`: check that the files of a report come from one run.
 *
 * Prints one line per file (NAME.html, NAME.json, NAME.labels.csv, NAME.vl/*.vl.json) with its
 * run id and, for a file that disagrees with the HTML, why (missing, another run, no run id);
 * then the temporary files a killed run left, if any. Exit status 0 when every file carries the
 * HTML's run id; 1 with one line on stderr naming the files that disagree (rerun the report to
 * rewrite them). See src/report/verify.ts.
 */
import type { Command } from 'commander';
import { verifyReport } from '../report/verify.js';
import { DataError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { formatTable } from './table.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description("check that a report's files (HTML, JSON, labels, specs) come from one run")
    .argument('<report>', 'the HTML file of a report (NAME.html)')
    .action((file: string) => {
      const result = verifyReport(file);
      const rows = result.files.map((f) => [
        f.path,
        f.run ?? '-',
        f.problem === '' ? 'ok' : f.problem,
      ]);
      let text = formatTable(['file', 'run', 'status'], rows);
      if (result.temporaries.length > 0) {
        text +=
          `temporary files of a killed run (the next report run removes them): ` +
          `${result.temporaries.join(', ')}\n`;
      }
      context.io.stdout.write(text);
      const bad = result.files.filter((f) => f.problem !== '');
      if (bad.length > 0) {
        const list = bad.map(
          (f) => `${f.path} (${f.run === undefined ? f.problem : `run ${f.run}`})`,
        );
        throw new DataError(
          `${file}: ${bad.length === 1 ? "1 of the report's files disagrees" : `${bad.length} of the report's files disagree`} ` +
            `with its HTML (run ${result.run}): ${list.join(', ')}. Run the report again to ` +
            'rewrite them.',
        );
      }
    });
}
