/**
 * `clusterlens datasets`: list the bundled datasets (folder datasets/ of the package), with their
 * rows, numeric features and label column, and the command that inspects each.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadTable } from '../data/load.js';
import { type Logger, setLogger } from '../util/log.js';
import type { CliContext } from './command.js';
import { formatTable } from './table.js';

/** The bundled datasets and their label columns (see datasets/DATASETS.md). */
export const BUNDLED_DATASETS = [
  { name: 'iris', file: 'iris.csv', label: 'species', about: 'Fisher iris flowers, 3 species' },
  { name: 'wine', file: 'wine.csv', label: 'cultivar', about: 'UCI wine recognition, 3 cultivars' },
  {
    name: 'penguins',
    file: 'penguins.csv',
    label: 'species',
    about: 'Palmer penguins, 3 species (island and sex are text)',
  },
] as const;

/** Absolute path of the bundled datasets folder. */
export function datasetsFolder(): string {
  return fileURLToPath(new URL('../../datasets/', import.meta.url));
}

export function register(program: Command, context: CliContext): void {
  program
    .command('datasets')
    .description('list the bundled datasets')
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: { json?: boolean }) => {
      const folder = datasetsFolder();
      const rows = [];
      const silent: Logger = { warn() {} };
      for (const d of BUNDLED_DATASETS) {
        const path = `${folder}${d.file}`;
        const previous = setLogger(silent);
        let table: Awaited<ReturnType<typeof loadTable>>;
        try {
          table = await loadTable(path, { label: d.label }, true);
        } finally {
          setLogger(previous);
        }
        rows.push({
          name: d.name,
          path,
          rows: table.dataset.features.rows,
          features: table.dataset.columns,
          label: d.label,
          about: d.about,
        });
      }
      const { stdout } = context.io;
      if (flags.json) {
        stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      stdout.write(`Bundled datasets in ${folder}\n\n`);
      stdout.write(
        formatTable(
          ['name', 'rows', 'features', 'label', 'about'],
          rows.map((r) => [r.name, String(r.rows), String(r.features.length), r.label, r.about]),
          [false, true, true, false, false],
        ),
      );
      stdout.write(`\nInspect one with: clusterlens inspect ${folder}iris.csv --label species\n`);
    });
}
