/**
 * `migscope negotiate --src [V=]A --dest [V=]B [FILE...] [--stream S] [--machine M] [--json]`:
 * per device, what is sent today, whether it loads, and what version negotiation would pick and
 * fix (src/analysis/negotiation.ts); without --src/--dest, every ordered pair of the given
 * builds, summarised. Builds are labelled as for `migscope matrix` (release-inputs.ts).
 */
import { computeNegotiation, negotiateAllPairs, type Negotiation, type NegotiationRow } from '../../analysis/negotiation.ts';
import { negotiationJson } from '../../analysis/negotiation-json.ts';
import { splitLabel } from '../../analysis/release-label.ts';
import { readArguments } from '../arguments.ts';
import { loadStream, readInputText } from '../input-files.ts';
import { whitelistFromJson, type SubsectionWhitelist } from '../../analysis/subsection-whitelist.ts';
import { usageError, type CommandIo } from '../io.ts';
import { manifestsAndMachines, readLabelledInputs } from '../release-inputs.ts';

export const negotiateUsage = `usage: migscope negotiate --src [VERSION=]A --dest [VERSION=]B [FILE...] [--stream S] [--machine M] [--json]
       migscope negotiate [VERSION=]FILE... [--json]

Version negotiation, as proposed on qemu-devel ("Migration issues and possible solutions",
2009): the source offers each device's versions [minimum_version_id, version_id], the
destination picks the highest it loads. Per device: the ranges, what is sent today, whether
today's load works (the matrix's verdict), the highest common version, and whether the load
works at that version; with a stream, only the devices it carries and the subsections it
really sends against those the destination knows. Compat properties of the machine type that
pin an older device format are listed (from query-machines with "compat-props": true).

  --src, --dest FILE   -dump-vmstate manifests of the source and destination builds
  FILE...              query-machines replies (and, without --src/--dest, the manifests of
                       every build: each ordered pair is negotiated and summarised)
  --stream S           a stream the source saved: narrows to its devices and subsections
  --machine M          the machine type (default: the stream's, else the older build's manifest's)
  --whitelist FILE     with --stream: subsection combinations per build (fixtures/real-runs/
                       subsection-whitelist.json): a combination the destination build's own
                       streams never carried is at risk (key: the destination's version, or
                       aarch64-VERSION for a virt machine type)
  --json               everything as JSON
`;

const OPTIONS = {
  '--src': { needs: 'a manifest', aliases: ['-s'] },
  '--dest': { needs: 'a manifest', aliases: ['-d'] },
  '--stream': { needs: 'a stream file' },
  '--machine': { needs: 'a machine type' },
  '--whitelist': { needs: 'a JSON file' },
  '--json': {},
} as const;

interface NegotiateArgs {
  readonly src: string | undefined;
  readonly dest: string | undefined;
  readonly files: readonly string[];
  readonly stream: string | undefined;
  readonly machine: string | undefined;
  readonly whitelist: string | undefined;
  readonly json: boolean;
}

export function parseNegotiateArgs(args: readonly string[]): NegotiateArgs | 'help' | string {
  const read = readArguments(args, OPTIONS);
  if (typeof read === 'string') return read;
  let src: string | undefined;
  let dest: string | undefined;
  let stream: string | undefined;
  let machine: string | undefined;
  let whitelist: string | undefined;
  let json = false;
  const files: string[] = [];
  for (const { name, value } of read) {
    if (name === '--src') src = value;
    else if (name === '--dest') dest = value;
    else if (name === '--stream') stream = value;
    else if (name === '--machine') machine = value;
    else if (name === '--whitelist') whitelist = value;
    else if (name === '--json') json = true;
    else files.push(value);
  }
  if ((src === undefined) !== (dest === undefined)) return 'give both --src and --dest, or neither (then every pair of the FILEs)';
  if (src === undefined && files.length === 0) return 'give --src and --dest, or the manifests of two or more builds';
  if (src === undefined && (stream !== undefined || machine !== undefined)) return '--stream and --machine go with --src and --dest';
  if (whitelist !== undefined && stream === undefined) return '--whitelist checks a stream: give --stream too';
  return { src, dest, files, stream, machine, whitelist, json };
}

export async function negotiateCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseNegotiateArgs(args);
  if (parsed === 'help') {
    io.out(negotiateUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `negotiate: ${parsed}\n${negotiateUsage}`);
  const pair = parsed.src !== undefined && parsed.dest !== undefined ? [parsed.src, parsed.dest] : [];
  const read = await readLabelledInputs([...pair, ...parsed.files]);
  if (!read.ok) return usageError(io, read.error);
  const split = manifestsAndMachines(read.value.inputs, 'negotiate');
  if (typeof split === 'string') return usageError(io, split);
  const { manifests, machines } = split;
  for (const w of read.value.warnings) io.err(`${w}\n`);

  if (pair.length === 0) {
    const results = negotiateAllPairs(manifests, machines);
    if (results.length === 0) return usageError(io, 'negotiate: give the manifests of two or more builds');
    const values: Negotiation[] = [];
    for (const r of results) {
      if (!r.ok) return usageError(io, `negotiate: ${r.error.message}`);
      values.push(r.value);
    }
    io.out(parsed.json ? `${JSON.stringify(values.map(negotiationJson), undefined, 2)}\n` : allPairsText(values));
    return 0;
  }

  const [source, dest] = manifests;
  if (source === undefined || dest === undefined || read.value.inputs[0]?.doc.kind !== 'manifest' || read.value.inputs[1]?.doc.kind !== 'manifest') {
    return usageError(io, 'negotiate: --src and --dest take -dump-vmstate manifests');
  }
  let facts;
  if (parsed.stream !== undefined) {
    const loaded = await loadStream(splitLabel(parsed.stream).file);
    if (!loaded.ok) return usageError(io, loaded.error);
    facts = loaded.value.facts;
  }
  let whitelist: SubsectionWhitelist | undefined;
  if (parsed.whitelist !== undefined) {
    const text = await readInputText(parsed.whitelist);
    if (!text.ok) return usageError(io, `${parsed.whitelist}: ${text.error.message}`);
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch (e) {
      return usageError(io, `${parsed.whitelist}: $: not JSON: ${(e as Error).message}`);
    }
    const w = whitelistFromJson(json);
    if (!w.ok) return usageError(io, `${parsed.whitelist}: $: ${w.message}`);
    whitelist = w.value;
  }
  // The real runs' whitelist keys aarch64 builds apart: the same version is another binary.
  const whitelistBuild = facts?.machineType?.startsWith('virt') === true ? `aarch64-${dest.version}` : dest.version;
  const result = computeNegotiation({ source, dest, machines, stream: facts, machine: parsed.machine, whitelist, whitelistBuild });
  if (!result.ok) return usageError(io, `negotiate: ${result.error.message}`);
  io.out(parsed.json ? `${JSON.stringify(negotiationJson(result.value), undefined, 2)}\n` : pairText(result.value));
  return 0;
}

const OUTCOME: Readonly<Record<NegotiationRow['outcome'], string>> = {
  loads: 'loads today',
  fixed: 'FIXED by negotiation',
  'no-common-version': 'not fixable: no common version',
  'meaning-changed': 'not fixable: layout or name changed at the same version',
  'machine-type': 'not a device: the machine type',
};

function range(r: NegotiationRow['sourceRange']): string {
  return r === undefined ? '-' : r.min === r.max ? `${r.max}` : `${r.min}..${r.max}`;
}

function summaryLine(n: Negotiation): string {
  const s = n.summary;
  return `${n.source} -> ${n.dest} (${n.direction}, ${n.machine}${n.stream === undefined ? '' : `, stream ${n.stream}`}): ${s.breaksToday} break today, ${s.fixedByNegotiation} fixed by negotiation, ${s.noCommonVersion} without a common version, ${s.meaningChanged} with a changed layout or name; ${s.pinned} pinned by compat properties${n.stream !== undefined ? `; ${s.neverProduced} subsection combinations ${n.dest} never produced` : ''}\n`;
}

function pairText(n: Negotiation): string {
  let text = summaryLine(n);
  for (const note of n.notes) text += `note: ${note}\n`;
  // Rows worth reading: a break, a pin, or (with a stream) every device the VM has.
  const rows = n.rows.filter((r) => r.today === 'breaks' || r.pinnedBy.length > 0 || n.stream !== undefined);
  const width = Math.max(6, ...rows.map((r) => r.device.length));
  text += `\n${'device'.padEnd(width)}  ${'source'.padEnd(7)} ${'dest'.padEnd(7)} sent  today    common  negotiated\n`;
  for (const r of rows) {
    text += `${r.device.padEnd(width)}  ${range(r.sourceRange).padEnd(7)} ${range(r.destRange).padEnd(7)} ${String(r.sentToday ?? '-').padEnd(5)} ${r.today.padEnd(8)} ${String(r.common ?? 'none').padEnd(7)} ${r.negotiated}: ${OUTCOME[r.outcome]}\n`;
    for (const f of r.breaksNegotiated) text += `${''.padEnd(width)}    still breaks: ${f.path}: ${f.reason}\n`;
    if (r.subsections !== undefined && r.subsections.sent.length > 0) {
      text += `${''.padEnd(width)}    subsections sent: ${r.subsections.sent.join(', ')}${r.subsections.unknownToDest === undefined ? ` (no ${n.dest} manifest entry to check them against)` : r.subsections.unknownToDest.length > 0 ? `; unknown to ${n.dest}: ${r.subsections.unknownToDest.join(', ')}` : ''}\n`;
    }
    if (r.whitelist?.status === 'never-produced') text += `${''.padEnd(width)}    at risk: ${n.dest}'s own streams never carried ${r.whitelist.combination} (they carried ${r.whitelist.destCombinations.join('; ')})\n`;
    for (const p of r.pinnedBy) text += `${''.padEnd(width)}    pinned by ${p.build} ${n.machine}: ${p.qomType}.${p.property}=${p.value}\n`;
  }
  return text;
}

function allPairsText(values: readonly Negotiation[]): string {
  let text = '';
  for (const n of values) {
    text += summaryLine(n);
    for (const r of n.rows) if (r.today === 'breaks') text += `  ${r.device}: ${OUTCOME[r.outcome]}${r.common === undefined ? '' : ` (common version ${r.common})`}\n`;
  }
  return text;
}
