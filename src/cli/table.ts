/** Plain-text tables for the CLI: columns padded to their widest cell, two spaces apart. */
import { clusterId } from '../charts/palette.js';
import type { Dataset } from '../data/dataset.js';

/**
 * Format rows of cells as an aligned text table with a header line; `rightAlign[j]` aligns
 * column j to the right (numbers). Lines end with '\n' and carry no trailing spaces.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAlign: readonly boolean[] = [],
): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, j) => (rightAlign[j] ? cell.padStart(widths[j]!) : cell.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/**
 * The table of cluster sizes (`sizes[c]` rows in cluster c, shown as C1..Ck as in the labels
 * file and the report), with a column per class of the label column counting its rows in each
 * cluster when the dataset has one.
 */
export function formatClusterSizes(dataset: Dataset, labels: Int32Array, sizes: number[]): string {
  const classes = dataset.labels === undefined ? [] : [...new Set(dataset.labels)].sort();
  const counts = classes.map((c) => {
    const row = new Array<number>(sizes.length).fill(0);
    for (let i = 0; i < labels.length; i++) if (dataset.labels![i] === c) row[labels[i]!]!++;
    return row;
  });
  return formatTable(
    ['cluster', 'size', ...classes],
    sizes.map((s, c) => [clusterId(c), String(s), ...counts.map((row) => String(row[c]))]),
    [false, true, ...classes.map(() => true)],
  );
}
