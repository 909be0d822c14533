/**
 * `migscope compat-props FILE... [--machine M]... [--all] [--raw] [--json|--csv]`: the compat
 * properties machine types pin, side by side across builds, as QEMU's
 * scripts/compare-machine-types.py prints them, from saved `query-machines` replies instead of
 * running QEMU (src/analysis/compat-props.ts says where the two differ).
 */
import { compatJson, compatPropsTable, type CompatTable } from '../../analysis/compat-props.ts';
import { csvText } from '../../analysis/csv-text.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { readLabelledInputs, unlabelled } from '../release-inputs.ts';

export const compatPropsUsage = `usage: migscope compat-props [VERSION=]FILE... [--machine M]... [--all] [--raw] [--json | --csv]

The properties each machine type pins for compatibility (Driver x Property rows, one column per
build and machine type), as QEMU's scripts/compare-machine-types.py prints them: by default only
the rows whose values differ, values normalised (on/true/yes one value, off/false/no another).
Rows whose property changes migration state (x-scanout-vmstate-version, migrate-*, x-migrate-*,
global-vmstate) say so ("device state"); those of the migration object set the stream's format.

  FILE         query-machines replies made with {"compat-props": true} (QEMU 9.1 and later);
               VERSION as in matrix: typed, else the reply's newest versioned machine type
  --machine M  a machine type to compare (repeat for several)
  --all        every machine type (the default without --machine)
  --raw        every row, values as written
  --json       the table as JSON; --csv as CSV
A column shows nothing where its machine type pins nothing: the script shows the device's
default there, which a saved reply does not hold.
`;

interface CompatArgs {
  readonly files: readonly string[];
  readonly machines: readonly string[];
  readonly all: boolean;
  readonly raw: boolean;
  readonly format: 'text' | 'json' | 'csv';
}

export async function compatPropsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCompatArgs(args);
  if (parsed === 'help') {
    io.out(compatPropsUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `compat-props: ${parsed}\n${compatPropsUsage}`);
  const read = await readLabelledInputs(parsed.files);
  if (!read.ok) return usageError(io, read.error);
  const inputs = [];
  for (const input of read.value.inputs) {
    if (input.doc.kind !== 'query-machines') return usageError(io, `${input.file}: $: a ${input.doc.kind} file is not an input of compat-props (give query-machines replies)`);
    const build = input.label.version;
    if (build === undefined) return usageError(io, unlabelled(input, 'query-machines reply'));
    inputs.push({ build, machines: input.doc.machines });
  }
  for (const w of read.value.warnings) io.err(`${w}\n`);
  const table = compatPropsTable(inputs, { machines: parsed.machines, all: parsed.all, raw: parsed.raw });
  for (const n of table.notes) io.err(`note: ${n}\n`);
  if (table.columns.length === 0) return usageError(io, 'compat-props: no machine type with compat properties to show');
  if (parsed.format === 'json') io.out(`${JSON.stringify(compatJson(table), undefined, 2)}\n`);
  else if (parsed.format === 'csv') io.out(csvText(['Driver', 'Property', ...table.columns.map((c) => c.key)], table.rows.map((r) => [r.driver, r.property, ...r.values.map((v) => v ?? '')])));
  else io.out(compatText(table));
  return 0;
}

function compatText(t: CompatTable): string {
  const head = ['Driver', 'Property', ...t.columns.map((c) => c.key)];
  const body = t.rows.map((r) => [r.driver, r.property + (r.relevance !== 'other' ? ` [${r.relevance}]` : ''), ...r.values.map((v) => v ?? '')]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`;
  let text = line(head);
  for (const row of body) text += line(row);
  text += `\n${t.rows.length} rows${t.sameRows > 0 ? `; ${t.sameRows} more where every column agrees (--raw shows them)` : ''}\n`;
  return text;
}

const OPTIONS = {
  '--machine': { needs: 'a machine type' },
  '--all': {},
  '--raw': {},
  '--json': {},
  '--csv': {},
} as const;

export function parseCompatArgs(args: readonly string[]): CompatArgs | 'help' | string {
  const read = readArguments(args, OPTIONS);
  if (typeof read === 'string') return read;
  const files: string[] = [];
  const machines: string[] = [];
  let all = false;
  let raw = false;
  let json = false;
  let csv = false;
  for (const { name, value } of read) {
    if (name === '--machine') machines.push(value);
    else if (name === '--all') all = true;
    else if (name === '--raw') raw = true;
    else if (name === '--json') json = true;
    else if (name === '--csv') csv = true;
    else files.push(value);
  }
  if (files.length === 0) return 'give at least one query-machines reply';
  if (json && csv) return 'give --json or --csv, not both';
  if (all && machines.length > 0) return 'give --machine or --all, not both';
  return { files, machines, all, raw, format: json ? 'json' : csv ? 'csv' : 'text' };
}
