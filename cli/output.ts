/**
 * Output helpers shared by the CLI commands: a plain-text table for people, JSON for tools. Commands
 * print through these so that `--json` output has the same shape everywhere and tables line up.
 */

export type Cell = string | number | boolean | undefined | null;

export interface Column<Row> {
  /** The column heading. */
  header: string;
  /** The cell text of a row; undefined and null print as "-". */
  value: (row: Row) => Cell;
}

/** Formats rows as a table with a heading line and columns padded to their widest cell. */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)),
  );
  const lines = [columns.map((column) => column.header), ...cells].map((line) =>
    line
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return lines.join('\n');
}

/** Formats a value as indented JSON, the form every `--json` option prints. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Prints the value as JSON when `json` is set, else the text that `text()` builds. */
export function printResult(json: boolean | undefined, value: unknown, text: () => string): void {
  console.log(json ? formatJson(value) : text());
}

function cellText(value: Cell): string {
  if (value === undefined || value === null || value === '') return '-';
  return String(value);
}
