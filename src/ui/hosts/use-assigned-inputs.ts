/**
 * The Hosts view's assigned-device inputs, as `migscope hosts --assigned/--vm-mdev/--src-mdev-types`
 * and each `--host`'s mdev type listing read them: every file is parsed in the parse worker
 * (a hostile domain XML or listing can be megabytes), and put together here.
 *
 * - The VM's assigned devices: one command line or domain XML, the one the user picked, else
 *   the first loaded one that assigns any device.
 * - Each mdev's type: the mdevctl configs loaded, each named by its mdev's uuid (as in
 *   /etc/mdevctl.d/<parent>/<uuid>); a browser has the file's name, nothing of its folder.
 * - Each host's mdev types: a listing in that host: the release its file name names
 *   (`qemu-7.2.mdevctl-types.json`), or the host the user put it in (its content names no
 *   release); a listing put in "the VM's source" gives the traits.
 */
import { useMemo } from 'react';
import { withMdevTypes, type AssignedDevice } from '../../analysis/assigned-hosts.ts';
import type { MdevHostTypes } from '../../manifest/mdev-types.ts';
import { useFileVersions } from '../matrix/use-file-versions.ts';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useParsedFiles, type ParsedFile } from '../workspace/use-file-content.ts';
import type { WorkspaceFile } from '../workspace/workspace-store.ts';

export interface VmAssignedFile {
  readonly file: WorkspaceFile;
  readonly pending: boolean;
  readonly devices: readonly AssignedDevice[] | undefined;
  readonly problem: string | undefined;
}

export interface MdevListingFile {
  readonly file: WorkspaceFile;
  /** The release its file name names, if any: the host it is in until moved. */
  readonly version: string | undefined;
  readonly pending: boolean;
  readonly types: MdevHostTypes | undefined;
  readonly problem: string | undefined;
}

export interface MdevConfigFile {
  readonly file: WorkspaceFile;
  readonly pending: boolean;
  /** The uuid its name carries, lower case; undefined when the name has none. */
  readonly uuid: string | undefined;
  readonly mdevType: string | undefined;
  readonly problem: string | undefined;
}

export interface AssignedInputs {
  readonly pending: boolean;
  /** Command lines and domain XMLs, each with the devices it assigns. */
  readonly vmFiles: readonly VmAssignedFile[];
  readonly listings: readonly MdevListingFile[];
  readonly configs: readonly MdevConfigFile[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function useAssignedInputs(): AssignedInputs {
  const cmdlines = useParsedFiles('command-line', 'assigned-devices');
  const domains = useParsedFiles('domain-xml');
  const listings = useParsedFiles('mdev-types');
  const versions = useFileVersions();
  const configs = useParsedFiles('mdev-config');
  const all = [...cmdlines, ...domains, ...listings, ...configs];
  // Query results keep their data objects: the lists are the same while nothing was parsed anew.
  const signature = useStableList(all.flatMap((p) => [p.file, p.query.data, p.query.error]));
  return useMemo(() => {
    const vmFiles = [...domains, ...cmdlines].map(vmFile);
    const listingFiles = listings.map((p) => listingFile(p, versions.of(p.file.id).version));
    const configFiles = configs.map(configFile);
    const pending = [...vmFiles, ...listingFiles, ...configFiles].some((f) => f.pending);
    return { pending, vmFiles, listings: listingFiles, configs: configFiles };
    // `signature` stands for the parsed lists, which are new arrays every render.
  }, [signature, versions]);
}

function failed(p: ParsedFile): { pending: boolean; problem: string | undefined } | undefined {
  if (p.query.isError) return { pending: false, problem: p.query.error.message };
  if (p.query.data === undefined) return { pending: true, problem: undefined };
  return undefined;
}

function vmFile(p: ParsedFile): VmAssignedFile {
  const early = failed(p);
  if (early !== undefined) return { file: p.file, devices: undefined, ...early };
  const d = p.query.data;
  if (d?.as !== 'assigned-devices') return { file: p.file, pending: false, devices: undefined, problem: `read as ${d?.as ?? '?'}` };
  return d.result.ok ? { file: p.file, pending: false, devices: d.result.devices, problem: undefined } : { file: p.file, pending: false, devices: undefined, problem: d.result.message };
}

function listingFile(p: ParsedFile, version: string | undefined): MdevListingFile {
  const base = { file: p.file, version };
  const early = failed(p);
  if (early !== undefined) return { ...base, types: undefined, ...early };
  const d = p.query.data;
  if (d?.as !== 'mdev-types') return { ...base, pending: false, types: undefined, problem: `read as ${d?.as ?? '?'}` };
  return d.result.ok ? { ...base, pending: false, types: d.result.value, problem: undefined } : { ...base, pending: false, types: undefined, problem: `line ${d.result.error.line}: ${d.result.error.message}` };
}

function configFile(p: ParsedFile): MdevConfigFile {
  const uuid = UUID.exec(p.file.file.name)?.[0]?.toLowerCase();
  const early = failed(p);
  if (early !== undefined) return { file: p.file, uuid, mdevType: undefined, ...early };
  const d = p.query.data;
  const mdevType = d?.as === 'mdev-config' ? d.mdevType : undefined;
  const problem =
    mdevType === undefined
      ? 'not an mdevctl device config (a JSON object with "mdev_type")'
      : uuid === undefined
        ? "its name carries no mdev uuid: name it as mdevctl does (/etc/mdevctl.d/PARENT/UUID)"
        : undefined;
  return { file: p.file, pending: false, uuid, mdevType, problem };
}

/**
 * The VM's assigned devices with their types and the source type's traits, as
 * src/cli/assigned-inputs.ts's readAssigned gives them; undefined without a VM file.
 */
export function assignedDevicesOf(vm: VmAssignedFile | undefined, configs: readonly MdevConfigFile[], source: MdevHostTypes | undefined): AssignedDevice[] | undefined {
  if (vm?.devices === undefined) return undefined;
  const types = new Map(configs.flatMap((c) => (c.uuid !== undefined && c.mdevType !== undefined ? [[c.uuid, c.mdevType] as const] : [])));
  return withMdevTypes(vm.devices, types, source);
}

/** The VM file in use: the one picked, else the first that assigns a device. */
export function chosenVmFile(files: readonly VmAssignedFile[], picked: string | undefined): VmAssignedFile | undefined {
  if (picked !== undefined) return files.find((f) => f.file.id === picked);
  return files.find((f) => (f.devices?.length ?? 0) > 0);
}
