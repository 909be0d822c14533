/**
 * `migscope tiers <files>... [--json]`: machine types × QEMU versions (present, deprecated,
 * absent), the support tier of each, the versioned types each version keeps, and, when a
 * version's manifest and `-device help` list are given, the device types it offers without
 * migration state. Files are recognised by content; their version as in `matrix`.
 */
import type { QueryMachines, VmstateManifest } from '../../manifest/index.ts';
import type { DeviceHelpEntry } from '../../analysis/device-help.ts';
import { machineTiersOfBuilds, type MachineTiers, type TierVersionInput } from '../../analysis/machine-tiers.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { readLabelledInputs, unlabelled } from '../release-inputs.ts';

export const tiersUsage = `usage: migscope tiers [VERSION=]FILE... [--json]

Machine types across QEMU versions and what each promises for migration:
versioned types (pc-q35-7.2) "forward migration promised", unversioned types and aliases
(microvm, isapc, none, pc, q35) "a clean error at most", and device types without migration
state "cannot migrate" for VMs that have them. With the manifests of two builds or more, each
promise is checked: "forward promised and kept", "promised but broken" (naming the device
and the pair), "promise ended: removed in X", "deprecated since X"; and each device gets the
strictest promise of the machine types that use it.

  FILE     query-machines replies (required, one per version; with "compat-props": true they
           also say which machine types pin a device), and optionally each version's
           -dump-vmstate manifest and -device help output
  VERSION  the QEMU version a file describes; default: what its content says (a version in
           the text, a reply's newest versioned machine type), else its folder or name, else
           for a manifest its content against the builds the replies name
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
  const labelled = await readLabelledInputs(files);
  if (!labelled.ok) return usageError(io, labelled.error);
  const byVersion = new Map<string, Slot>();
  for (const input of labelled.value.inputs) {
    const value = input.doc;
    const version = input.label.version;
    if (version === undefined) return usageError(io, unlabelled(input, 'file'));
    const slot = byVersion.get(version) ?? {};
    byVersion.set(version, slot);
    // A reply with compat properties is the richer one of a build's two.
    if (value.kind === 'query-machines') slot.machines = slot.machines === undefined || value.machines.machines.some((m) => m.compatProps !== undefined) ? value.machines : slot.machines;
    else if (value.kind === 'manifest') slot.manifest ??= value.manifest;
    else if (value.kind === 'device-help') slot.devices = value.devices;
    else return usageError(io, `${input.file}: $: a device-model manifest is not an input of tiers`);
  }
  for (const w of labelled.value.warnings) io.err(`${w}\n`);
  const inputs: TierVersionInput[] = [];
  for (const [version, slot] of byVersion) {
    if (slot.machines === undefined) return usageError(io, `tiers: no query-machines file for version ${version}`);
    inputs.push({ version, machines: slot.machines, manifest: slot.manifest, devices: slot.devices });
  }
  const tiers = machineTiersOfBuilds(inputs);
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
    text += `${m.name.padEnd(width)}  ${m.cells.map((c) => show(c).padEnd(cellWidth)).join(' ')}  ${t.checkedWith.length > 0 ? m.label : m.tier}\n`;
  }
  if (t.checkedWith.length > 0) {
    text += `\npromises checked against the manifests of ${t.checkedWith.join(', ')}:\n`;
    for (const m of t.machines) {
      if (m.breaks.length === 0) continue;
      const byDevice = new Map<string, string[]>();
      for (const b of m.breaks) byDevice.set(b.qomType, [...(byDevice.get(b.qomType) ?? []), `${b.source}->${b.dest}`]);
      text += `  ${m.name}: broken for VMs with ${[...byDevice].map(([q, p]) => `${q} (${p.join(' ')})`).join(', ')}\n`;
    }
    const broken = t.devices.filter((d) => d.standing === 'broken');
    text += `\ndevices: ${t.devices.filter((d) => d.promise === 'forward migration promised').length} of ${t.devices.length} forward promised (strictest of the machine types using them); broken: ${broken.map((d) => `${d.qomType} (${d.brokenPairs.join(' ')})`).join(', ') || 'none'}\n`;
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
