/**
 * `migscope hosts --stream S | --src-manifest M --machine T --host NAME:file,file,... [--json]`:
 * accept or reject each candidate destination host for one VM, with reasons.
 */
import { basename } from 'node:path';
import type { DecodeResult } from '../../format/index.ts';
import { formatInputError, type QueryMachines, type VmstateManifest } from '../../manifest/index.ts';
import type { DeviceModelManifest } from '../../manifest/device-models.ts';
import { findingJson } from '../../analysis/finding-json.ts';
import { chooseHosts, machineOf, type HostCandidate, type HostChoice, type VmToPlace } from '../../analysis/host-chooser.ts';
import { newestMachineVersion, parseTypedVersion, splitLabel, versionFromName } from '../../analysis/release-label.ts';
import { readArguments } from '../arguments.ts';
import { readSample } from '../destination-options.ts';
import { readAssigned, readMdevTypesIfAny } from '../assigned-inputs.ts';
import type { AssignedDevice } from '../../analysis/assigned-hosts.ts';
import type { MdevHostTypes } from '../../manifest/mdev-types.ts';
import { loadInputDocument, loadManifest, loadStream, looksLikeStream } from '../input-files.ts';
import { usageError, type CommandIo } from '../io.ts';

export const hostsUsage = `usage: migscope hosts (--stream S [--src-manifest M] | --src-manifest M --machine T)
                      --host NAME:FILE[,FILE...] [--host ...] [--models FILE] [--devices LIST] [--json]

Says for each candidate host whether the VM can migrate there, and why not.

  --stream S          the VM's migration stream: its machine type, devices, versions, subsections
  --src-manifest M    the source QEMU's -dump-vmstate manifest (with --stream: for conditional
                      fields the stream's vmdesc cannot show; without: the VM is described by it)
  --machine T         the VM's machine type (required without --stream)
  --host NAME:FILES   a candidate: its -dump-vmstate manifest, its query-machines reply, and
                      optionally its device-model manifest and a stream its build saved with
                      the VM's configuration (a destination sample: its queue sizes and register
                      lists), comma-separated, in any order, each as FILE or VERSION=FILE.
                      With --stream the host's load checks judge the stream's values: they need
                      the host's release (a VERSION= label, else a file's folder or name, else
                      its query-machines' newest machine type) and, for some, the sample
  --models FILE       the device models the VM needs (same shape as a host's device-model
                      manifest; a version without params means the host's definition of it)
  --devices LIST      without --stream: the VM's devices (vmsd names or QOM types, comma-
                      separated); their breaking findings reject a host, others only warn
  --assigned FILE     the VM's QEMU command line or libvirt domain XML: its assigned devices
                      (-device vfio-pci,host=|sysfsdev=..., <hostdev>); a host file may then be
                      its mdev types (mdevctl types --dumpjson, or /sys/class/mdev_bus/... lines)
  --vm-mdev FILE      an mdev's mdevctl config, named by its uuid (/etc/mdevctl.d/PARENT/UUID):
                      its type (repeat per mdev)
  --src-mdev-types F  the source host's mdev types: the compatible_type traits of the VM's types
                      (the 2020 proposal's; a match by traits is only a warning)
  --json              JSON output

Exit 0 when at least one host accepts, 1 when every host rejects, 2 on bad input.
`;

interface HostsArgs {
  readonly stream: string | undefined;
  readonly srcManifest: string | undefined;
  readonly machine: string | undefined;
  readonly hosts: readonly { readonly name: string; readonly files: readonly string[] }[];
  readonly models: string | undefined;
  readonly devices: readonly string[] | undefined;
  readonly json: boolean;
  readonly assigned: string | undefined;
  readonly vmMdev: readonly string[];
  readonly srcMdevTypes: string | undefined;
}

export async function hostsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseHostsArgs(args);
  if (parsed === 'help') {
    io.out(hostsUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `hosts: ${parsed}\n${hostsUsage}`);

  let source: VmstateManifest | undefined;
  if (parsed.srcManifest !== undefined) {
    const loaded = await loadManifest(parsed.srcManifest);
    if (!loaded.ok) return usageError(io, formatInputError(loaded.error));
    source = loaded.value;
  }
  let vm: VmToPlace;
  if (parsed.stream !== undefined) {
    const loaded = await loadStream(parsed.stream);
    if (!loaded.ok) return usageError(io, loaded.error);
    const facts = loaded.value.facts;
    if (parsed.machine !== undefined && facts.machineType !== undefined && parsed.machine !== facts.machineType) {
      return usageError(io, `hosts: --machine ${parsed.machine} contradicts the stream's machine type ${facts.machineType}`);
    }
    vm = { kind: 'stream', facts, sourceManifest: source, stream: loaded.value.result };
  } else if (source !== undefined && parsed.machine !== undefined) {
    vm = { kind: 'manifest', manifest: source, machine: parsed.machine, devices: parsed.devices };
  } else {
    return usageError(io, `hosts: give --stream, or --src-manifest with --machine\n${hostsUsage}`);
  }

  let requirements: DeviceModelManifest | undefined;
  if (parsed.models !== undefined) {
    const doc = await loadInputDocument(parsed.models);
    if (!doc.ok) return usageError(io, formatInputError(doc.error));
    if (doc.value.kind !== 'device-models') return usageError(io, `${parsed.models}: $: expected a device-model manifest (an array of {"model": ...}), got a ${doc.value.kind} file`);
    requirements = doc.value.models;
  }

  let assigned: AssignedDevice[] | undefined;
  if (parsed.assigned !== undefined) {
    const read = await readAssigned(parsed.assigned, parsed.vmMdev, parsed.srcMdevTypes);
    if (!read.ok) return usageError(io, `hosts: ${read.error}`);
    assigned = read.value;
  }

  const candidates: HostCandidate[] = [];
  const releases: HostRelease[] = [];
  for (const host of parsed.hosts) {
    let manifest: VmstateManifest | undefined;
    let machines: QueryMachines | undefined;
    let models: DeviceModelManifest | undefined;
    let sample: { readonly file: string; readonly result: DecodeResult } | undefined;
    let mdevTypes: MdevHostTypes | undefined;
    const labels: { readonly version: string; readonly file: string }[] = [];
    const named: { readonly version: string; readonly file: string }[] = [];
    for (const arg of host.files) {
      const { label, file } = splitLabel(arg);
      if (label !== undefined) {
        const version = parseTypedVersion(label);
        if (version === undefined) return usageError(io, `hosts: host ${host.name}: '${label}' in ${arg} is not a QEMU version (e.g. 11.1)`);
        labels.push({ version, file });
      }
      const fromName = versionFromName(basename(file), file)?.version;
      if (fromName !== undefined) named.push({ version: fromName, file });
      const twice = (what: string): number => usageError(io, `${file}: $: host ${host.name} already has a ${what}`);
      if (await looksLikeStream(file)) {
        if (sample !== undefined) return twice('destination sample');
        const read = await readSample(file);
        if (!read.ok) return usageError(io, `hosts: host ${host.name}: ${read.error}`);
        sample = { file, result: read.value };
        continue;
      }
      const mdev = await readMdevTypesIfAny(file);
      if (mdev !== undefined) {
        if (!mdev.ok) return usageError(io, `hosts: host ${host.name}: ${mdev.error}`);
        if (mdevTypes !== undefined) return twice('mdev type listing');
        mdevTypes = mdev.value;
        continue;
      }
      const doc = await loadInputDocument(file);
      if (!doc.ok) return usageError(io, formatInputError(doc.error));
      const v = doc.value;
      if (v.kind === 'manifest') {
        if (manifest !== undefined) return twice('manifest');
        manifest = v.manifest;
      } else if (v.kind === 'query-machines') {
        if (machines !== undefined) return twice('query-machines reply');
        machines = v.machines;
      } else if (v.kind === 'device-models') {
        if (models !== undefined) return twice('device-model manifest');
        models = v.models;
      } else {
        return usageError(io, `${file}: $: -device help output is not a host input of hosts`);
      }
    }
    const release = hostRelease(labels, named, machines);
    if (typeof release === 'string') return usageError(io, `hosts: host ${host.name}: ${release}`);
    releases.push({ ...release, sample: sample?.file });
    candidates.push({ name: host.name, manifest, machines, models, release: release.version, sample: sample?.result, mdevTypes });
  }

  const choices = chooseHosts(vm, candidates, { requirements, assigned });
  io.out(parsed.json ? `${JSON.stringify(hostsJson(vm, choices, releases), undefined, 2)}\n` : hostsText(vm, choices, releases));
  return choices.some((c) => c.decision === 'accept') ? 0 : 1;
}

/** Which release a host runs, where that was read, and its sample's file. */
interface HostRelease {
  readonly version: string | undefined;
  readonly from: 'label' | 'path' | 'query-machines' | undefined;
  readonly sample: string | undefined;
}

/**
 * The host's release: its files' VERSION= labels, else the release their folders or names say,
 * else its query-machines' newest versioned machine type (each build's own). Files that name
 * different releases are a mistake to report, not a choice to make.
 */
function hostRelease(
  labels: readonly { readonly version: string; readonly file: string }[],
  named: readonly { readonly version: string; readonly file: string }[],
  machines: QueryMachines | undefined,
): Omit<HostRelease, 'sample'> | string {
  for (const [list, from] of [[labels, 'label'], [named, 'path']] as const) {
    const versions = [...new Set(list.map((l) => l.version))];
    if (versions.length > 1) return `its files name releases ${versions.join(' and ')} (${list.map((l) => `${l.version}: ${l.file}`).join(', ')}); ${from === 'label' ? 'label them alike' : 'write VERSION=FILE for one of them'}`;
    if (versions[0] !== undefined) return { version: versions[0], from };
  }
  const newest = machines !== undefined ? newestMachineVersion(machines) : undefined;
  return newest !== undefined ? { version: newest, from: 'query-machines' } : { version: undefined, from: undefined };
}

function describeVm(vm: VmToPlace): Record<string, unknown> {
  return vm.kind === 'stream'
    ? { from: 'stream', stream: vm.facts.name, machineType: vm.facts.machineType, devices: vm.facts.devices.map((d) => d.vmsdName) }
    : { from: 'manifest', manifest: vm.manifest.file, machineType: vm.machine, devices: vm.devices };
}

function hostsJson(vm: VmToPlace, choices: readonly HostChoice[], releases: readonly HostRelease[]): unknown {
  return {
    vm: describeVm(vm),
    hosts: choices.map((c, i) => ({
      host: c.host,
      release: releases[i]?.version ?? null,
      releaseFrom: releases[i]?.from ?? null,
      sample: releases[i]?.sample ?? null,
      decision: c.decision,
      reasons: c.reasons,
      findings: c.findings.map(findingJson),
    })),
  };
}

function hostsText(vm: VmToPlace, choices: readonly HostChoice[], releases: readonly HostRelease[]): string {
  let text =
    vm.kind === 'stream'
      ? `VM: stream ${vm.facts.name}, machine type ${vm.facts.machineType ?? 'unknown'}, ${vm.facts.devices.length} device sections\n`
      : `VM: described by ${vm.manifest.file}, machine type ${machineOf(vm) ?? 'unknown'}${vm.devices === undefined ? '' : `, devices ${vm.devices.join(', ')}`}\n`;
  for (const [i, c] of choices.entries()) {
    text += `${c.host}: ${c.decision}\n`;
    const r = releases[i];
    if (r?.version !== undefined || r?.sample !== undefined) text += `  QEMU ${r.version ?? 'release unknown'}${r.from !== undefined ? ` (from ${r.from === 'label' ? 'its VERSION= label' : r.from === 'path' ? "its files' folder or name" : 'its query-machines'})` : ''}${r.sample !== undefined ? `, destination sample ${r.sample}` : ''}\n`;
    for (const r of c.reasons) if (r.verdict !== 'fine') text += `  ${r.verdict === 'breaks' ? 'reject ' : 'warning'} ${r.message}\n`;
  }
  return text;
}

const HOSTS_OPTIONS = {
  '--stream': { needs: 'a value' },
  '--src-manifest': { needs: 'a value' },
  '--machine': { needs: 'a value' },
  '--models': { needs: 'a value' },
  '--devices': { needs: 'a value' },
  '--host': { needs: 'a value' },
  '--assigned': { needs: 'a file' },
  '--vm-mdev': { needs: 'a file' },
  '--src-mdev-types': { needs: 'a file' },
  '--json': {},
} as const;

/** The options, `'help'`, or a usage error message. */
export function parseHostsArgs(args: readonly string[]): HostsArgs | 'help' | string {
  const read = readArguments(args, HOSTS_OPTIONS);
  if (typeof read === 'string') return read;
  let stream: string | undefined;
  let srcManifest: string | undefined;
  let machine: string | undefined;
  let models: string | undefined;
  let devices: string[] | undefined;
  let json = false;
  let assigned: string | undefined;
  let srcMdevTypes: string | undefined;
  const vmMdev: string[] = [];
  const hosts: { name: string; files: string[] }[] = [];
  for (const { name, value } of read) {
    switch (name) {
      case '--json':
        json = true;
        break;
      case '--stream':
        stream = value;
        break;
      case '--assigned':
        assigned = value;
        break;
      case '--vm-mdev':
        vmMdev.push(value);
        break;
      case '--src-mdev-types':
        srcMdevTypes = value;
        break;
      case '--src-manifest':
        srcManifest = value;
        break;
      case '--machine':
        machine = value;
        break;
      case '--models':
        models = value;
        break;
      case '--devices':
        devices = value.split(',').filter((d) => d !== '');
        break;
      case '--host': {
        const colon = value.indexOf(':');
        if (colon <= 0) return `--host takes NAME:FILE[,FILE...], got '${value}'`;
        const files = value.slice(colon + 1).split(',').filter((f) => f !== '');
        if (files.length === 0) return `--host ${value.slice(0, colon)} names no files`;
        hosts.push({ name: value.slice(0, colon), files });
        break;
      }
      default:
        return `unexpected argument '${value}'`;
    }
  }
  if (hosts.length === 0) return 'give at least one --host';
  if (stream === undefined && (srcManifest === undefined || machine === undefined)) return 'give --stream, or --src-manifest with --machine';
  if (stream !== undefined && devices !== undefined) return '--devices is for --src-manifest without --stream (a stream lists its devices)';
  if (assigned === undefined && (vmMdev.length > 0 || srcMdevTypes !== undefined)) return '--vm-mdev and --src-mdev-types go with --assigned';
  return { stream, srcManifest, machine, hosts, models, devices, json, assigned, vmMdev, srcMdevTypes };
}
