/**
 * CSV as RFC 4180 reads it, the counterpart of csv-text.ts: fields split at commas, quoted
 * fields may hold commas, doubled quotes and line breaks, lines end with LF or CRLF, a BOM is
 * dropped. One pass over the text, so any shape of input costs time linear in its size.
 */

/** Every record of the text as its fields; blank lines are left out. */
export function readCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endRecord = (): void => {
    record.push(field);
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
    field = '';
    fieldStarted = false;
  };
  const start = text.startsWith('\uFEFF') ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n') endRecord();
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else {
      field += c;
      fieldStarted = true;
    }
  }
  if (field !== '' || record.length > 0) endRecord();
  return records.map((r) => r.map(unguard));
}

/**
 * The header's names, then each record as `{name: field}` (a missing field is ''). Names are
 * kept as written; callers match them as they need.
 */
export function readCsvObjects(text: string): { readonly header: readonly string[]; readonly rows: Record<string, string>[] } {
  const [header = [], ...body] = readCsvRecords(text);
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/** csv-text.ts puts `'` before a cell a spreadsheet would run as a formula: taken off again. */
function unguard(field: string): string {
  return /^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field;
}
