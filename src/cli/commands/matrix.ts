/**
 * `migscope matrix <manifest>... [--stream S]... [--machine M] [--json]`: devices × (source
 * version → destination version) for one machine type, both directions.
 *
 * Which QEMU version a file describes: `VERSION=FILE` when given, else the name of the folder
 * holding it when that looks like a version (`fixtures/versions/11.1/vmstate-pc-q35-7.2.json.gz`),
 * else, for query-machines, the newest versioned machine type it offers (a build's newest
 * `pc-q35-X.Y` is its own version). A manifest's `vmschkmachine` is the machine type it was
 * dumped with, not the QEMU version (11.1 dumps pc-i440fx-5.2 too), so it is never used.
 */
import { basename } from 'node:path';
import { formatInputError } from '../../manifest/index.ts';
import { compatMatrix, type CompatMatrix, type MatrixMachines, type MatrixManifest, type MatrixStream } from '../../analysis/compat-matrix.ts';
import { matrixLayout } from '../../analysis/matrix-cells.ts';
import { newestMachineVersion, splitLabel, versionFromName } from '../../analysis/release-label.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { loadInputDocument, loadStream } from '../input-files.ts';
import { matrixJson } from '../../analysis/matrix-json.ts';

export const matrixUsage = `usage: migscope matrix [VERSION=]FILE... [--stream [VERSION=]S]... [--machine M] [--json]

Judges every pair of the given QEMU versions, both directions, device by device, for one
machine type. FILEs are -dump-vmstate manifests (.json or .json.gz), optionally with each
version's query-machines reply (to check the machine type is offered).

  [VERSION=]FILE      the QEMU version is VERSION, else the name of the file's folder when it
                      looks like one (versions/11.1/...), else for query-machines its newest
                      versioned machine type
  --stream [VERSION=]S  a migration stream saved by that version: its columns are narrowed to
                      that VM (one stream per source version)
  --machine M         the machine type (default: the streams', else the one most versions
                      have a manifest for); a version without a manifest dumped with M is
                      judged with any of its manifests (same devices) and the output says so
  --json              the whole matrix as JSON (cells with verdicts and findings)
`;

interface MatrixArgs {
  readonly files: readonly string[];
  readonly streams: readonly string[];
  readonly machine: string | undefined;
  readonly json: boolean;
}

export async function matrixCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseMatrixArgs(args);
  if (parsed === 'help') {
    io.out(matrixUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `matrix: ${parsed}\n${matrixUsage}`);

  const manifests: MatrixManifest[] = [];
  const machines: MatrixMachines[] = [];
  for (const arg of parsed.files) {
    const { label, file } = splitLabel(arg);
    const doc = await loadInputDocument(file);
    if (!doc.ok) return usageError(io, formatInputError(doc.error));
    if (doc.value.kind === 'manifest') {
      const version = label ?? versionFromPath(file);
      if (version === undefined) return usageError(io, `${file}: $: cannot tell which QEMU version this manifest describes; write VERSION=${file}`);
      manifests.push({ version, manifest: doc.value.manifest });
    } else if (doc.value.kind === 'query-machines') {
      const version = label ?? versionFromPath(file) ?? newestMachineVersion(doc.value.machines);
      if (version === undefined) return usageError(io, `${file}: $: cannot tell which QEMU version this query-machines reply describes; write VERSION=${file}`);
      machines.push({ version, machines: doc.value.machines });
    } else {
      return usageError(io, `${file}: $: a ${doc.value.kind} file is not an input of matrix (give manifests and query-machines replies)`);
    }
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

const MATRIX_OPTIONS = {
  '--stream': { needs: 'a file' },
  '--machine': { needs: 'a machine type' },
  '--json': {},
} as const;

/** The options, `'help'`, or a usage error message. */
export function parseMatrixArgs(args: readonly string[]): MatrixArgs | 'help' | string {
  const read = readArguments(args, MATRIX_OPTIONS);
  if (typeof read === 'string') return read;
  const files: string[] = [];
  const streams: string[] = [];
  let machine: string | undefined;
  let json = false;
  for (const { name, value } of read) {
    if (name === '--json') json = true;
    else if (name === '--stream') streams.push(value);
    else if (name === '--machine') machine = value;
    else files.push(value);
  }
  if (files.length === 0) return 'give the manifests of at least two QEMU versions';
  return { files, streams, machine, json };
}
