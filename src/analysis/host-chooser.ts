/**
 * Where can this VM go? For each candidate host (its -dump-vmstate manifest, its
 * query-machines, optionally a device-model manifest) the chooser accepts or rejects with
 * reasons: the machine type is missing there, a device of the VM breaks, a device model's
 * parameters are not covered.
 *
 * The VM is known either from a stream (exact: its devices, versions, subsections, machine
 * type) or from the source's manifest and a machine type. Without a stream a device's `breaks`
 * holds only for VMs that have the device, so it rejects a host only when the caller lists
 * the VM's devices; otherwise it is a warning.
 *
 * With the decoded stream, each host's device load code judges the stream's values too
 * (runtime-checks/: ring sizes, register lists), from what the host carries: its release and a
 * stream its build saved with the VM's configuration (a destination sample). A check those
 * cannot settle is a warning naming what is missing.
 */
import type { DecodeResult } from '../format/model.ts';
import { isVfioIdstr } from '../format/stream/vfio.ts';
import type { MdevHostTypes } from '../manifest/mdev-types.ts';
import { assignedReasons, type AssignedDevice, type AssignedReasonKind } from './assigned-hosts.ts';
import { findDeviceModel, offeredParams, requiredParams, type DeviceModelManifest } from '../manifest/device-models.ts';
import { findMachine, type QueryMachines } from '../manifest/query-machines.ts';
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import type { DestinationKnowledge } from './explain/predict.ts';
import { parseQemuVersion } from './explain/qemu-version.ts';
import { judgeManifests } from './judge-findings.ts';
import { runtimeFindings } from './runtime-findings.ts';
import { checkStream } from './stream-check.ts';
import type { StreamFacts } from './stream-facts.ts';
import { byVerdict, worstVerdict, type JudgeFinding, type RuntimeCheckDetail, type Verdict } from './verdict.ts';

export interface HostCandidate {
  readonly name: string;
  readonly manifest?: VmstateManifest | undefined;
  readonly machines?: QueryMachines | undefined;
  readonly models?: DeviceModelManifest | undefined;
  /** The host's QEMU release (`11.1`): which load checks its build makes. */
  readonly release?: string | undefined;
  /** A stream the host's build saved with the VM's configuration: facts about its devices. */
  readonly sample?: DecodeResult | undefined;
  /** The host's mediated-device types (mdevctl types --dumpjson, or the sysfs attributes). */
  readonly mdevTypes?: MdevHostTypes | undefined;
}

export type VmToPlace =
  | {
      readonly kind: 'stream';
      readonly facts: StreamFacts;
      readonly sourceManifest?: VmstateManifest | undefined;
      /** The decoded stream the facts come from: with it, each host's load checks judge its values. */
      readonly stream?: DecodeResult | undefined;
    }
  | {
      readonly kind: 'manifest';
      readonly manifest: VmstateManifest;
      readonly machine: string;
      /** vmsd names or QOM types the VM has; when given, their breaks reject a host. */
      readonly devices?: readonly string[] | undefined;
    };

export type HostReasonKind =
  | 'machine-type-missing'
  | 'machine-type-deprecated'
  | 'machine-type-unchecked'
  | 'device-breaks'
  | 'device-at-risk'
  | 'devices-unchecked'
  /** The host's device load code refuses the stream's values (a ring too large, a register it lacks). */
  | 'runtime-check-fails'
  /** A load check the host's inputs cannot settle; the message says what would. */
  | 'runtime-check-at-risk'
  | 'model-missing'
  | 'model-params-missing'
  | 'models-unchecked'
  /** Assigned (VFIO) devices: assigned-hosts.ts. */
  | AssignedReasonKind
  /** The stream carries VFIO state, but the VM's assigned devices were not given. */
  | 'assigned-unlisted';

export interface HostReason {
  readonly kind: HostReasonKind;
  /** `breaks` rejects the host; `at-risk` is a warning; `fine` is information. */
  readonly verdict: Verdict;
  readonly message: string;
  readonly device?: string | undefined;
  readonly model?: string | undefined;
  /** For the runtime-check kinds: the check, and where in the stream. */
  readonly runtime?: RuntimeCheckDetail | undefined;
}

export interface HostChoice {
  readonly host: string;
  readonly decision: 'accept' | 'reject';
  /** Rejections first, then warnings, then notes. */
  readonly reasons: readonly HostReason[];
  /** The device findings behind the device reasons. */
  readonly findings: readonly JudgeFinding[];
}

export interface ChooseOptions {
  /** The VM's device models (same shape as a host's): what a host must cover. */
  readonly requirements?: DeviceModelManifest | undefined;
  /** The VM's assigned devices (command line or domain XML), with their mdev types where known. */
  readonly assigned?: readonly AssignedDevice[] | undefined;
}

export function chooseHosts(vm: VmToPlace, hosts: readonly HostCandidate[], options: ChooseOptions = {}): HostChoice[] {
  return hosts.map((host) => chooseOne(vm, host, options));
}

export function machineOf(vm: VmToPlace): string | undefined {
  return vm.kind === 'stream' ? vm.facts.machineType : vm.machine;
}

function chooseOne(vm: VmToPlace, host: HostCandidate, options: ChooseOptions): HostChoice {
  const requirements = options.requirements;
  const reasons: HostReason[] = [];
  const machine = machineOf(vm);
  reasons.push(...machineReasons(machine, host));
  const findings = deviceFindings(vm, host);
  if (host.manifest === undefined) {
    reasons.push({ kind: 'devices-unchecked', verdict: 'at-risk', message: `No -dump-vmstate manifest for ${host.name}: its devices were not checked.` });
  } else {
    reasons.push(...deviceReasons(vm, findings.filter((f) => f.kind !== 'runtime-check')));
  }
  reasons.push(...runtimeReasons(host, findings.filter((f) => f.kind === 'runtime-check')));
  if (requirements !== undefined) reasons.push(...modelReasons(requirements, host));
  reasons.push(...assignedDeviceReasons(vm, host, options.assigned));
  const ordered = byVerdict(reasons);
  return { host: host.name, decision: worstVerdict(ordered.map((r) => r.verdict)) === 'breaks' ? 'reject' : 'accept', reasons: ordered, findings };
}

function machineReasons(machine: string | undefined, host: HostCandidate): HostReason[] {
  if (machine === undefined) return [];
  if (host.machines === undefined) {
    const dumped = host.manifest?.machine;
    return [
      {
        kind: 'machine-type-unchecked',
        verdict: dumped === machine ? 'fine' : 'at-risk',
        message:
          dumped === machine
            ? `No query-machines for ${host.name}, but its manifest was dumped with -machine ${machine}, so it offers it.`
            : `No query-machines for ${host.name}: whether it offers ${machine} was not checked.`,
      },
    ];
  }
  const info = findMachine(host.machines, machine);
  if (info === undefined) {
    return [
      {
        kind: 'machine-type-missing',
        verdict: 'breaks',
        message: `${host.name} does not offer machine type ${machine}: the VM cannot be started there ("unsupported machine type"), and a destination of another type refuses the stream ("Machine type received is '${machine}' ...").`,
      },
    ];
  }
  if (info.deprecated === true) {
    return [{ kind: 'machine-type-deprecated', verdict: 'at-risk', message: `${host.name} offers ${machine} but marks it deprecated: the VM migrates in with a warning; plan to move it to a newer machine type.` }];
  }
  return [];
}

function deviceFindings(vm: VmToPlace, host: HostCandidate): JudgeFinding[] {
  const dest = host.manifest;
  // Machine availability is judged from query-machines above; here the destination runs the
  // VM's own machine type, with the VM's own configuration.
  const runtime =
    vm.kind === 'stream' && vm.stream !== undefined
      ? { stream: vm.stream, destination: { machine: vm.facts.machineType, version: host.release !== undefined ? parseQemuVersion(host.release) : undefined, sample: host.sample } satisfies DestinationKnowledge }
      : undefined;
  if (dest === undefined) return runtime !== undefined ? [...runtimeFindings(runtime.stream, runtime.destination).findings] : [];
  if (vm.kind === 'stream') {
    return [...checkStream(vm.facts, dest, { source: vm.sourceManifest, destMachineType: vm.facts.machineType, runtime }).findings];
  }
  return [...judgeManifests(vm.manifest, dest).findings.filter((f) => f.kind !== 'device-only-in-dest')];
}

function deviceReasons(vm: VmToPlace, findings: readonly JudgeFinding[]): HostReason[] {
  const listed = vm.kind === 'manifest' && vm.devices !== undefined ? new Set(vm.devices) : undefined;
  const byDevice = new Map<string, JudgeFinding[]>();
  for (const f of findings) {
    const list = byDevice.get(f.device) ?? [];
    list.push(f);
    byDevice.set(f.device, list);
  }
  const out: HostReason[] = [];
  for (const [device, list] of byDevice) {
    const worst = byVerdict(list)[0];
    if (worst === undefined || worst.verdict === 'fine') continue;
    const vmHasIt = vm.kind === 'stream' || (listed !== undefined && (listed.has(device) || worst.qomTypes.some((q) => listed.has(q))));
    if (vm.kind === 'manifest' && listed !== undefined && !vmHasIt) continue;
    if (worst.verdict === 'breaks' && vmHasIt) {
      out.push({ kind: 'device-breaks', verdict: 'breaks', device, message: `${device}: ${worst.reason}` });
    } else {
      const conditional = worst.verdict === 'breaks' ? ` (breaks only for VMs with ${device}; pass the VM's devices or a stream to decide)` : '';
      out.push({ kind: 'device-at-risk', verdict: 'at-risk', device, message: `${device}: ${worst.reason}${conditional}` });
    }
  }
  return out;
}

/** What settles a load check, in the terms a host is given by. */
const HOST_INPUTS: Readonly<Record<string, string>> = {
  '--dest-version': "the host's release (write VERSION=FILE for one of its files)",
  '--dest-sample': "a stream the host's build saved with the VM's configuration (among the host's files)",
  '--dest-cmdline': "the destination's command line (migscope check --dest-cmdline takes it)",
};

/** One reason per device and check family: the first section's finding, with how many share it. */
function runtimeReasons(host: HostCandidate, findings: readonly JudgeFinding[]): HostReason[] {
  const groups = new Map<string, JudgeFinding[]>();
  for (const f of findings) {
    if (f.verdict === 'fine') continue;
    const key = `${f.device}\u0000${f.runtime?.family ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const out: HostReason[] = [];
  for (const list of groups.values()) {
    const first = byVerdict(list)[0] as JudgeFinding;
    const more = list.length > 1 ? ` (and ${list.length - 1} more ${first.runtime?.family ?? ''} finding${list.length === 2 ? '' : 's'} of ${first.device} like it)` : '';
    const missing = first.runtime?.missing ?? [];
    const settle = missing.length > 0 ? ` For ${host.name}, give ${missing.map((m) => HOST_INPUTS[m] ?? m).join(' and ')}.` : '';
    out.push({
      kind: first.verdict === 'breaks' ? 'runtime-check-fails' : 'runtime-check-at-risk',
      verdict: first.verdict,
      device: first.device,
      message: `${first.device}: ${first.reason}${more}${settle}`,
      runtime: first.runtime,
    });
  }
  return out;
}

function modelReasons(requirements: DeviceModelManifest, host: HostCandidate): HostReason[] {
  if (requirements.models.length === 0) return [];
  if (host.models === undefined) {
    return [
      {
        kind: 'models-unchecked',
        verdict: 'breaks',
        message: `The VM needs device models (${requirements.models.map((m) => m.model).join(', ')}) and ${host.name} declares none: nothing shows it can run them.`,
      },
    ];
  }
  const out: HostReason[] = [];
  for (const need of requirements.models) {
    const offered = findDeviceModel(host.models, need.model);
    if (offered === undefined) {
      out.push({ kind: 'model-missing', verdict: 'breaks', model: need.model, message: `${host.name} does not offer device model ${need.model}.` });
      continue;
    }
    const { params, unknownVersions } = requiredParams(need, offered);
    const have = offeredParams(offered);
    const missing = [...params].filter((p) => !have.has(p));
    if (missing.length > 0 || unknownVersions.length > 0) {
      const parts = [
        ...(missing.length > 0 ? [`params ${missing.join(', ')} not covered`] : []),
        ...(unknownVersions.length > 0 ? [`version${unknownVersions.length === 1 ? '' : 's'} ${unknownVersions.join(', ')} unknown on the host`] : []),
      ];
      out.push({ kind: 'model-params-missing', verdict: 'breaks', model: need.model, message: `Device model ${need.model} on ${host.name}: ${parts.join('; ')}.` });
    }
  }
  return out;
}

/** Each assigned device against the host's mdev types; a stream with VFIO sections and no list is at risk. */
function assignedDeviceReasons(vm: VmToPlace, host: HostCandidate, assigned: readonly AssignedDevice[] | undefined): HostReason[] {
  if (assigned !== undefined && assigned.length > 0) return assignedReasons(assigned, host.name, host.mdevTypes);
  const vfio = vm.kind === 'stream' ? vm.facts.iterative.filter(isVfioIdstr) : [];
  if (vfio.length === 0) return [];
  return [{ kind: 'assigned-unlisted', verdict: 'at-risk', device: vfio.join(', '), message: `The stream carries VFIO device state (${vfio.join(', ')}), which loads only into the same vendor driver and mdev type: give the VM's command line or domain XML (--assigned) and each host's mdev types to check ${host.name}.` }];
}
