/**
 * The files the release-comparing views (Matrix, Tiers, Hosts) read, parsed, each with the
 * QEMU release it describes: manifests, query-machines replies and `-device help` lists.
 */
import { useMemo } from 'react';
import type { DeviceHelpEntry } from '../../analysis/device-help.ts';
import type { DeviceModelManifest } from '../../manifest/device-models.ts';
import type { QueryMachines, VmstateManifest } from '../../manifest/index.ts';
import type { Parsed } from '../../worker/parse-protocol.ts';
import { useParsedFiles, type ParsedFile } from '../workspace/use-file-content.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import type { WorkspaceFile } from '../workspace/workspace-store.ts';
import type { FileVersion } from './file-versions.ts';
import { useFileVersions } from './use-file-versions.ts';
import { useStableList } from './use-stable-list.ts';

export type VersionedKind = 'vmstate-manifest' | 'query-machines' | 'device-help' | 'device-models';

export interface VersionedFile {
  readonly file: WorkspaceFile;
  readonly kind: VersionedKind;
  readonly version: FileVersion;
  readonly pending: boolean;
  /** Why the file cannot be used, when it cannot. */
  readonly problem: string | undefined;
  readonly manifest?: VmstateManifest | undefined;
  readonly machines?: QueryMachines | undefined;
  readonly devices?: readonly DeviceHelpEntry[] | undefined;
  /** A device-model manifest (`migscope device-manifest`): what a host offers or a VM needs. */
  readonly models?: DeviceModelManifest | undefined;
}

export interface VersionedFiles {
  readonly files: readonly VersionedFile[];
  readonly pending: boolean;
}

export function useVersionedFiles(): VersionedFiles {
  const manifests = useParsedFiles('vmstate-manifest');
  const machines = useParsedFiles('query-machines');
  const devices = useParsedFiles('device-help');
  const models = useParsedFiles('device-models');
  const versions = useFileVersions();
  const state = useWorkspaceState();
  const all = [...manifests, ...machines, ...devices, ...models];
  // Query results keep their data objects: the list is the same while nothing was parsed anew.
  const signature = useStableList(all.flatMap((p) => [p.file, p.query.data, p.query.error]));
  return useMemo(() => {
    const out: VersionedFile[] = [];
    const add = (list: readonly ParsedFile[], kind: VersionedKind): void => {
      for (const p of list) out.push(toVersioned(p, kind, versions.of(p.file.id)));
    };
    add(manifests, 'vmstate-manifest');
    add(machines, 'query-machines');
    add(devices, 'device-help');
    add(models, 'device-models');
    // In the order they were added, as the Files panel lists them.
    const order = new Map(state.files.map((f, i) => [f.id, i]));
    out.sort((a, b) => (order.get(a.file.id) ?? 0) - (order.get(b.file.id) ?? 0));
    return { files: out, pending: out.some((f) => f.pending) };
    // `signature` stands for the parsed lists, which are new arrays every render.
  }, [signature, versions, state.files]);
}

function toVersioned(p: ParsedFile, kind: VersionedKind, version: FileVersion): VersionedFile {
  const base = { file: p.file, kind, version };
  const data: Parsed | undefined = p.query.data;
  if (p.query.isError) return { ...base, pending: false, problem: p.query.error.message };
  if (data === undefined) return { ...base, pending: true, problem: undefined };
  if (data.as === 'vmstate-manifest') return data.result.ok ? { ...base, pending: false, problem: undefined, manifest: data.result.value } : { ...base, pending: false, problem: data.result.error.message };
  if (data.as === 'query-machines') return data.result.ok ? { ...base, pending: false, problem: undefined, machines: data.result.value } : { ...base, pending: false, problem: data.result.error.message };
  // Both parsed in the parse worker: a -device help list can be megabytes.
  if (data.as === 'device-models') {
    const parsed = data.result;
    return parsed.ok ? { ...base, pending: false, problem: undefined, models: parsed.value } : { ...base, pending: false, problem: parsed.error.message };
  }
  if (data.as === 'device-help') {
    const list = data.devices;
    return list.length > 0 ? { ...base, pending: false, problem: undefined, devices: list } : { ...base, pending: false, problem: 'no `name "..."` device entries' };
  }
  return { ...base, pending: false, problem: `read as ${data.as}` };
}
