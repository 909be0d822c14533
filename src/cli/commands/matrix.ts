/**
 * `migscope matrix <manifest>... [--stream S]... [--machine M] [--json]`: devices × (source
 * version → destination version) for one machine type, both directions; with `--all-machines`,
 * the release board: every machine type the builds offer at once (`--observed` lays real load
 * outcomes over it).
 *
 * Which QEMU version a file describes: `VERSION=FILE` when given, else what its content says
 * (a version in the text, a reply's newest versioned machine type), else its folder or name
 * (`fixtures/versions/11.1/...`, `qemu-7.2...`), else, for a manifest, its content against the
 * builds the replies name (src/analysis/release-evidence.ts). A manifest's `vmschkmachine` is
 * the machine type it was dumped with, not the version (11.1 dumps pc-i440fx-5.2 too): it only
 * says "this machine type's version or later".
 */
import { basename } from 'node:path';
import { BOARD_CSV_HEADER, boardCsvRows, boardJson } from '../../analysis/board-json.ts';
import { compatMatrix, type CompatMatrix, type MatrixStream } from '../../analysis/compat-matrix.ts';
import { matrixLayout } from '../../analysis/matrix-cells.ts';
import { matrixJson } from '../../analysis/matrix-json.ts';
import { markLoads, parseLoadOutcomes, type ObservedSummary } from '../../analysis/observed-loads.ts';
import { releaseBoard, rowsBySeverity, type ReleaseBoard } from '../../analysis/release-board.ts';
import { splitLabel, versionFromName } from '../../analysis/release-label.ts';
import { csvText } from '../../analysis/csv-text.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { manifestsAndMachines, readLabelledInputs } from '../release-inputs.ts';
import { loadStream, readInputText } from '../input-files.ts';

export const matrixUsage = `usage: migscope matrix [VERSION=]FILE... [--stream [VERSION=]S]... [--machine M] [--json]
       migscope matrix [VERSION=]FILE... --all-machines [--observed CSV] [--json | --csv]

Judges every pair of the given QEMU versions, both directions, device by device (one row per
QOM type), for one machine type or, with --all-machines, for every machine type the builds
offer. FILEs are -dump-vmstate manifests (.json or .json.gz) and each version's query-machines
reply (which machine types it offers; with "compat-props": true also what each type pins).
A device whose manifest entry has no fields or a device-defined field (virtio, msix) is "not
comparable from manifests": at risk, never fine nor a certain failure.

  [VERSION=]FILE      the QEMU version is VERSION, else what the content says (a version in
                      the text, a reply's newest versioned machine type), else the file's folder
                      or name (versions/11.1/..., qemu-7.2.*), else for a manifest its content
                      against the builds the replies name
  --stream [VERSION=]S  a migration stream saved by that version: its columns are narrowed to
                      that VM (one stream per source version; not with --all-machines)
  --machine M         the machine type (default: the streams', else the one most versions
                      have a manifest for); a version without a manifest dumped with M is
                      judged with any of its manifests (same devices) and the output says so
  --all-machines      the release board: every machine type at once, each with the pairs of
                      the builds that offer it, and the compat properties it pins
  --observed CSV      real load outcomes (src_version,dst_version,machine,config,outcome,...;
                      fixtures/loads/results.csv) marked against the board's predictions
  --json              everything as JSON (cells with verdicts and findings)
  --csv               with --all-machines: one line per machine type, pair and device that is
                      not fine there (what the dashboard's board exports as CSV)
`;

interface MatrixArgs {
  readonly files: readonly string[];
  readonly streams: readonly string[];
  readonly machine: string | undefined;
  readonly json: boolean;
  readonly csv: boolean;
  readonly allMachines: boolean;
  readonly observed: string | undefined;
}

export async function matrixCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseMatrixArgs(args);
  if (parsed === 'help') {
    io.out(matrixUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `matrix: ${parsed}\n${matrixUsage}`);

  const read = await readLabelledInputs(parsed.files);
  if (!read.ok) return usageError(io, read.error);
  const split = manifestsAndMachines(read.value.inputs, 'matrix');
  if (typeof split === 'string') return usageError(io, split);
  const { manifests, machines } = split;
  for (const w of read.value.warnings) io.err(`${w}\n`);

  if (parsed.allMachines) {
    const board = releaseBoard(manifests, machines);
    if (!board.ok) return usageError(io, `matrix: ${board.error.message}`);
    let observed: ObservedSummary | undefined;
    if (parsed.observed !== undefined) {
      const text = await readInputText(parsed.observed);
      if (!text.ok) return usageError(io, `${parsed.observed}: ${text.error.message}`);
      const loads = parseLoadOutcomes(text.value);
      if (!loads.ok) return usageError(io, `${parsed.observed}: line ${loads.error.line}: ${loads.error.message}`);
      for (const s of loads.skipped) io.err(`warning: ${parsed.observed}: line ${s.line}: ${s.message}\n`);
      observed = markLoads(board.value, loads.loads);
    }
    if (parsed.json) io.out(`${JSON.stringify(boardJson(board.value, observed), undefined, 2)}\n`);
    else if (parsed.csv) io.out(csvText([...BOARD_CSV_HEADER], boardCsvRows(board.value)));
    else io.out(boardText(board.value, observed));
    return 0;
  }

  const streams: MatrixStream[] = [];
  for (const arg of parsed.streams) {
    const { label, file } = splitLabel(arg);
    const version = label ?? versionFromPath(file);
    if (version === undefined) return usageError(io, `${file}: cannot tell which QEMU version saved this stream; write --stream VERSION=${file}`);
    const loaded = await loadStream(file);
    if (!loaded.ok) return usageError(io, loaded.error);
    streams.push({ version, facts: loaded.value.facts });
  }

  const result = compatMatrix(manifests, streams, machines, { machine: parsed.machine });
  if (!result.ok) return usageError(io, `matrix: ${result.error.message}`);
  io.out(parsed.json ? `${JSON.stringify(matrixJson(result.value), undefined, 2)}\n` : matrixText(result.value));
  return 0;
}

/** A file's release from its folder or name (`versions/11.1/...`, `qemu-7.2...`). */
export function versionFromPath(file: string): string | undefined {
  return versionFromName(basename(file), file)?.version;
}

function matrixText(m: CompatMatrix): string {
  const layout = matrixLayout(m, { hideFine: true, order: 'severity' });
  let text = `machine type ${m.machine}; versions ${m.versions.join(', ')}\n`;
  for (const note of m.notes) text += `note: ${note}\n`;
  for (const p of m.pairs) {
    text += `${p.source} -> ${p.dest} (${p.direction}${p.stream === undefined ? '' : `, narrowed to ${p.stream}`}): ${p.verdict} (${p.counts.breaks} breaking, ${p.counts['at-risk']} at risk)\n`;
  }
  const width = Math.max(6, ...layout.rows.map((r) => r.key.length));
  const head = layout.columns.map((c) => `${c.source}>${c.dest}`.padEnd(10)).join(' ');
  text += `\n${'device'.padEnd(width)}  ${head}\n`;
  const mark: Readonly<Record<string, string>> = { breaks: 'BREAKS', 'at-risk': 'at-risk', fine: '.' };
  for (const row of layout.rows) {
    const cells = layout.columns.map((c) => {
      const cell = layout.cells.find((x) => x.row === row.index && x.column === c.index);
      return (cell === undefined || !cell.applicable ? '-' : (mark[cell.verdict] ?? '?')).padEnd(10);
    });
    text += `${row.key.padEnd(width)}  ${cells.join(' ')}\n`;
  }
  return text;
}

/** The board in a terminal: pairs, machine types with their breaking devices, the breaking rows. */
function boardText(b: ReleaseBoard, observed: ObservedSummary | undefined): string {
  const versioned = b.machines.filter((m) => m.kind === 'versioned').length;
  let text = `builds ${b.builds.join(', ')}; ${b.rows.length} devices (QOM types), ${b.pairs.length} pairs, ${b.machines.length} machine types (${versioned} versioned)\n`;
  for (const note of b.notes) text += `note: ${note}\n`;
  text += '\n';
  for (const p of b.pairs) text += `${p.key.padEnd(10)} ${p.direction.padEnd(8)} ${p.counts.breaks} breaking, ${p.counts.atRisk} at risk (${p.counts.notComparable} only because the manifests cannot show their state)\n`;
  const width = Math.max(12, ...b.machines.map((m) => m.name.length));
  text += `\n${'machine type'.padEnd(width)}  ${'offered by'.padEnd(22)} breaking devices (forward | backward)\n`;
  for (const m of b.machines) {
    const dep = m.deprecatedIn.length > 0 ? ` (deprecated in ${m.deprecatedIn.join(', ')})` : '';
    const offered = `${m.offeredBy.join(' ')}`.padEnd(22);
    text += `${m.name.padEnd(width)}  ${offered} ${m.pairs.length === 0 ? 'no pair' : `${m.forward.breaks.join(', ') || '-'} | ${m.backward.breaks.join(', ') || '-'}`}${dep}\n`;
  }
  const breaking = rowsBySeverity(b.rows).filter((r) => r.breaks > 0);
  if (breaking.length > 0) {
    text += '\nbreaking devices:\n';
    for (const r of breaking) {
      const pairs = b.pairs.filter((p) => b.cells.get(p.key)?.get(r.qomType)?.verdict === 'breaks').map((p) => p.key);
      text += `  ${r.qomType} (${r.sections.join(' -> ')}): ${pairs.join(' ')}\n`;
    }
  }
  if (observed !== undefined) {
    text += `\nobserved loads: ${Object.entries(observed.counts).map(([k, n]) => `${n} ${k}`).join(', ')}\n`;
    for (const mk of observed.marks) {
      if (mk.agreement === 'agree' || mk.agreement === 'same build') continue;
      text += `  line ${mk.load.line}: ${mk.load.machine} ${mk.pair} ${mk.load.config}: ${mk.agreement}${mk.runtimeCheck !== undefined ? ` (runtime check ${mk.runtimeCheck.family})` : ''}\n`;
    }
  }
  return text;
}

const MATRIX_OPTIONS = {
  '--stream': { needs: 'a file' },
  '--machine': { needs: 'a machine type' },
  '--all-machines': {},
  '--observed': { needs: 'a CSV file' },
  '--json': {},
  '--csv': {},
} as const;

/** The options, `'help'`, or a usage error message. */
export function parseMatrixArgs(args: readonly string[]): MatrixArgs | 'help' | string {
  const read = readArguments(args, MATRIX_OPTIONS);
  if (typeof read === 'string') return read;
  const files: string[] = [];
  const streams: string[] = [];
  let machine: string | undefined;
  let observed: string | undefined;
  let json = false;
  let csv = false;
  let allMachines = false;
  for (const { name, value } of read) {
    if (name === '--json') json = true;
    else if (name === '--csv') csv = true;
    else if (name === '--all-machines') allMachines = true;
    else if (name === '--observed') observed = value;
    else if (name === '--stream') streams.push(value);
    else if (name === '--machine') machine = value;
    else files.push(value);
  }
  if (files.length === 0) return 'give the manifests of at least two QEMU versions';
  if (json && csv) return 'give --json or --csv, not both';
  if (allMachines && (streams.length > 0 || machine !== undefined)) return '--all-machines shows every machine type and no stream; drop --stream and --machine';
  if (!allMachines && (csv || observed !== undefined)) return '--csv and --observed go with --all-machines';
  return { files, streams, machine, json, csv, allMachines, observed };
}
