/**
 * The Hosts view's answer, as `migscope hosts` gives it for the same files: the VM (the active
 * stream, or a source manifest and machine type), the candidate hosts the loaded files make up,
 * and the chooser's decision and reasons for each.
 */
import { useMemo } from 'react';
import type { AssignedDevice } from '../../analysis/assigned-hosts.ts';
import { chooseHosts, type HostChoice, type VmToPlace } from '../../analysis/host-chooser.ts';
import { streamFacts } from '../../analysis/stream-facts.ts';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from '../matrix/use-versioned-files.ts';
import { useStreamDecode } from '../stream/use-stream-decode.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile, type WorkspaceFile } from '../workspace/workspace-store.ts';
import { useHostAssignments } from './host-assignments.ts';
import { assignmentOf, breaksFirst, hostGroups, hostVerdict, VM_SOURCE, type HostFile, type HostGroup, type HostVerdict } from './host-groups.ts';
import { assignedDevicesOf, chosenVmFile, useAssignedInputs, type AssignedInputs, type VmAssignedFile } from './use-assigned-inputs.ts';
import { NO_ASSIGNED_FILE, useVmInputs } from './vm-inputs.ts';

export interface HostResult {
  readonly group: HostGroup;
  readonly choice: HostChoice;
  readonly verdict: HostVerdict;
}

export interface HostsState {
  readonly pending: boolean;
  /** Manifests and machine lists, for the file list with its host selects. */
  readonly files: readonly VersionedFile[];
  readonly hostNames: readonly string[];
  readonly stream: WorkspaceFile | undefined;
  /** The VM as the chooser sees it, or why there is none. */
  readonly vm: VmToPlace | undefined;
  readonly vmProblem: string | undefined;
  readonly source: VersionedFile | undefined;
  readonly results: readonly HostResult[];
  /** Command lines, domain XMLs, mdev configs and type listings loaded. */
  readonly assignedInputs: AssignedInputs;
  /** The file the VM's assigned devices come from, and those devices with their types. */
  readonly assignedFile: VmAssignedFile | undefined;
  readonly assigned: readonly AssignedDevice[] | undefined;
}

export function useHostChoice(): HostsState {
  const state = useWorkspaceState();
  const inputs = useVmInputs();
  const chosen = useHostAssignments();
  const versioned = useVersionedFiles();
  const streamFile = inputs.from === 'stream' ? activeFile(state, 'stream') : undefined;
  const decode = useStreamDecode(streamFile?.file);
  const decoded = decode.query.data?.result;
  const facts = useMemo(() => (decoded !== undefined && decoded.configuration !== undefined ? streamFacts(decoded) : undefined), [decoded]);

  const assignedInputs = useAssignedInputs();
  const files = versioned.files.filter((f) => f.kind !== 'device-help');
  // A listing names no release; its file name may (`qemu-7.2.mdevctl-types.json`), which puts it in that release's host.
  const listingFiles: HostFile[] = assignedInputs.listings.flatMap((l) => (l.types !== undefined ? [{ id: l.file.id, name: l.file.file.name, version: l.version, mdevTypes: l.types }] : []));
  const hostFiles: HostFile[] = [
    ...files.flatMap((f) => (f.manifest !== undefined || f.machines !== undefined || f.models !== undefined ? [{ id: f.file.id, name: f.file.file.name, version: f.version.version, manifest: f.manifest, machines: f.machines, models: f.models }] : [])),
    ...listingFiles,
  ];
  const source = files.find((f) => f.manifest !== undefined && assignmentOf({ id: f.file.id, name: '', version: f.version.version }, chosen) === VM_SOURCE);
  // A device-model manifest made the VM's: the models and versions a host must offer.
  const needs = files.find((f) => f.models !== undefined && assignmentOf({ id: f.file.id, name: '', version: f.version.version }, chosen) === VM_SOURCE)?.models;

  let vm: VmToPlace | undefined;
  let vmProblem: string | undefined;
  if (inputs.from === 'stream') {
    if (streamFile === undefined) vmProblem = 'No stream is loaded: load one, or describe the VM by a manifest.';
    else if (decode.query.isError) vmProblem = `${streamFile.file.name} does not decode: ${decode.query.error.message}`;
    else if (decoded !== undefined && facts === undefined) vmProblem = `${streamFile.file.name} has no configuration section: not a readable migration stream.`;
    else if (facts !== undefined) vm = { kind: 'stream', facts, sourceManifest: source?.manifest, stream: decoded };
  } else {
    const machine = inputs.machine.trim() !== '' ? inputs.machine.trim() : source?.manifest?.machine;
    if (source?.manifest === undefined) vmProblem = "Pick the source's manifest: set one manifest's host to \u201cthe VM's source\u201d.";
    else if (machine === undefined) vmProblem = 'Type the VM’s machine type.';
    else {
      const devices = inputs.devices.split(',').map((d) => d.trim()).filter((d) => d !== '');
      vm = { kind: 'manifest', manifest: source.manifest, machine, devices: devices.length > 0 ? devices : undefined };
    }
  }

  // The source host's listing gives the VM's types their compatible_type traits.
  const sourceListing = listingFiles.find((f) => assignmentOf(f, chosen) === VM_SOURCE)?.mdevTypes;
  const assignedFile = inputs.assignedFile === NO_ASSIGNED_FILE ? undefined : chosenVmFile(assignedInputs.vmFiles, inputs.assignedFile);
  const assigned = useMemo(() => assignedDevicesOf(assignedFile, assignedInputs.configs, sourceListing), [assignedFile, assignedInputs.configs, sourceListing]);

  const vmMachine = vm?.kind === 'stream' ? vm.facts.machineType : vm?.machine;
  const stableFiles = useStableList(hostFiles.flatMap((f) => [f.id, f.version, f.manifest, f.machines, f.models, f.mdevTypes]));
  const groups = useMemo(() => hostGroups(hostFiles, chosen, vmMachine), [stableFiles, chosen, vmMachine]);
  const vmKey = useStableList<unknown>(vm === undefined ? [] : vm.kind === 'stream' ? [vm.kind, vm.facts, vm.sourceManifest, vm.stream] : [vm.kind, vm.manifest, vm.machine, vm.devices?.join(',')]);
  const results = useMemo(() => {
    if (vm === undefined || groups.length === 0) return [];
    const choices = chooseHosts(vm, groups.map((g) => g.candidate), { requirements: needs, assigned });
    return breaksFirst(choices.map((choice, i) => ({ group: groups[i] as HostGroup, choice, verdict: hostVerdict(choice) })));
    // `vmKey` stands for `vm`, rebuilt every render with the same content.
  }, [vmKey, groups, needs, assigned]);

  const hostNames = [...new Set(hostFiles.flatMap((f) => {
    const a = assignmentOf(f, chosen);
    return a.startsWith('\u0000') ? [] : [a];
  }))];
  return {
    pending: versioned.pending || assignedInputs.pending || (streamFile !== undefined && decode.query.isPending),
    files,
    hostNames,
    stream: inputs.from === 'stream' ? activeFile(state, 'stream') : undefined,
    vm,
    vmProblem,
    source,
    results,
    assignedInputs,
    assignedFile,
    assigned,
  };
}
