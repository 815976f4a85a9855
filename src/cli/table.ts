/** Plain-text tables for the CLI: columns padded to their widest cell, two spaces apart. */

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
