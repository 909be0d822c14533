/**
 * `migscope tiers <files>... [--json]`: machine types × QEMU versions (present, deprecated,
 * absent), the support tier of each, the versioned types each version keeps, and, when a
 * version's manifest and `-device help` list are given, the device types it offers without
 * migration state. Files are recognised by content; their version as in `matrix`.
 */
import { formatInputError, type QueryMachines, type VmstateManifest } from '../../manifest/index.ts';
import type { DeviceHelpEntry } from '../../analysis/device-help.ts';
import { machineTiers, type MachineTiers, type TierVersionInput } from '../../analysis/machine-tiers.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { loadInputDocument } from '../input-files.ts';
import { newestMachineVersion, splitLabel } from '../../analysis/release-label.ts';
import { versionFromPath } from './matrix.ts';

export const tiersUsage = `usage: migscope tiers [VERSION=]FILE... [--json]

Machine types across QEMU versions and what each promises for migration:
versioned types (pc-q35-7.2) "forward migration promised", unversioned types and aliases
(microvm, isapc, none, pc, q35) "a clean error at most", and device types without migration
state "cannot migrate" for VMs that have them.

  FILE     query-machines replies (required, one per version), and optionally each version's
           -dump-vmstate manifest and -device help output (both needed for the device list)
  VERSION  the QEMU version a file describes; default: its folder name when that looks like a
           version, else for query-machines its newest versioned machine type
  --json   everything as JSON
`;

export async function tiersCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const read = readArguments(args, { '--json': {} });
  if (read === 'help') {
    io.out(tiersUsage);
    return 0;
  }
  if (typeof read === 'string') return usageError(io, `tiers: ${read}\n${tiersUsage}`);
  const files = read.filter((a) => a.name === null).map((a) => a.value);
  const json = read.some((a) => a.name === '--json');
  if (files.length === 0) return usageError(io, `tiers: give at least one query-machines file\n${tiersUsage}`);

  interface Slot {
    machines?: QueryMachines;
    manifest?: VmstateManifest;
    devices?: readonly DeviceHelpEntry[];
  }
  const byVersion = new Map<string, Slot>();
  for (const arg of files) {
    const { label, file } = splitLabel(arg);
    const doc = await loadInputDocument(file);
    if (!doc.ok) return usageError(io, formatInputError(doc.error));
    const value = doc.value;
    const version = label ?? versionFromPath(file) ?? (value.kind === 'query-machines' ? newestMachineVersion(value.machines) : undefined);
    if (version === undefined) return usageError(io, `${file}: $: cannot tell which QEMU version this file describes; write VERSION=${file}`);
    const slot = byVersion.get(version) ?? {};
    byVersion.set(version, slot);
    if (value.kind === 'query-machines') slot.machines = value.machines;
    else if (value.kind === 'manifest') slot.manifest ??= value.manifest;
    else if (value.kind === 'device-help') slot.devices = value.devices;
    else return usageError(io, `${file}: $: a device-model manifest is not an input of tiers`);
  }
  const inputs: TierVersionInput[] = [];
  for (const [version, slot] of byVersion) {
    if (slot.machines === undefined) return usageError(io, `tiers: no query-machines file for version ${version}`);
    inputs.push({ version, machines: slot.machines, manifest: slot.manifest, devices: slot.devices });
  }
  const tiers = machineTiers(inputs);
  io.out(json ? `${JSON.stringify(tiers, undefined, 2)}\n` : tiersText(tiers));
  return 0;
}

function tiersText(t: MachineTiers): string {
  const width = Math.max(12, ...t.machines.map((m) => m.name.length));
  const mark: Readonly<Record<string, string>> = { present: 'present', deprecated: 'deprecated', absent: '-' };
  const show = (c: MachineTiers['machines'][number]['cells'][number]): string => (c.resolvesTo !== undefined ? `=${c.resolvesTo}` : c.known ? (mark[c.status] ?? '?') : '?');
  const cellWidth = Math.max(10, ...t.machines.flatMap((m) => m.cells.map((c) => show(c).length)));
  let text = `${'machine type'.padEnd(width)}  ${t.versions.map((v) => v.padEnd(cellWidth)).join(' ')}  tier\n`;
  for (const m of t.machines) {
    text += `${m.name.padEnd(width)}  ${m.cells.map((c) => show(c).padEnd(cellWidth)).join(' ')}  ${m.tier}\n`;
  }
  text += '\n';
  for (const k of t.keeps) {
    const families = k.families.map((f) => `${f.family} ${f.oldest}..${f.newest} (${f.count})`).join(', ');
    text += `${k.version} keeps ${k.versioned.length} versioned machine types: ${families}; ${k.deprecated.length} deprecated\n`;
  }
  for (const n of t.noVmstate) {
    text += `\n${n.version}: ${n.devices.length} device types without migration state (cannot migrate a VM that has them): ${n.devices.map((d) => d.name).join(', ')}\n`;
  }
  if (t.noVmstate.length > 0) text += `\nheuristic: ${t.heuristic}\n`;
  return text;
}
