/* The CSV writer the dashboard exports and the CLI prints with (analysis: both layers read it). */
/**
 * CSV as RFC 4180 writes it (CRLF lines, fields quoted when they hold a comma, a quote or a
 * line break, quotes doubled), made safe to open in a spreadsheet: names in migration files
 * are chosen by whoever built the VM, and a cell starting with `=`, `+`, `-` or `@` would be
 * run as a formula, so such text gets a leading `'` (OWASP's advice for CSV injection).
 */

export type CsvValue = string | number;

/** Characters that make a spreadsheet read a cell as a formula; tab and CR do too in some. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  // Numbers are written as numbers: -3 is a value, not a formula.
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

/** The whole file: the header line, then one line per row, each ended by CRLF. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  let out = `${csvLine(header)}\r\n`;
  for (const row of rows) out += `${csvLine(row)}\r\n`;
  return out;
}
