/**
 * Messages between the UI and the parse worker, which turns the text files of a workspace
 * (trace logs, manifests, query-machines replies) into models off the main thread: a full trace
 * log is megabytes of text, and a manifest a megabyte of JSON.
 */
import type { DestLog } from '../analysis/explain/dest-log.ts';
import type { MachineCatalog } from '../analysis/explain/machines-list.ts';
import type { CmdlineResult } from '../analysis/explain/qemu-cmdline.ts';
import type { AssignedRead } from '../analysis/assigned-hosts.ts';
import type { DeviceHelpEntry } from '../analysis/device-help.ts';
import type { DeviceModelManifest } from '../manifest/device-models.ts';
import type { DevicePropertiesHelp } from '../manifest/device-properties.ts';
import type { QueryMachines, Result, VmstateManifest } from '../manifest/index.ts';
import type { MdevResult } from '../manifest/mdev-types.ts';
import type { TraceModel } from '../trace/index.ts';

/** What to make of the file's text. */
export type ParseAs =
  | 'trace-log'
  | 'vmstate-manifest'
  | 'query-machines'
  | 'command-line'
  | 'device-properties'
  | 'machine-catalog'
  | 'device-help'
  | 'device-models'
  | 'assigned-devices'
  | 'mdev-types'
  | 'mdev-config'
  | 'text';

export interface ParseRequest {
  readonly type: 'parse';
  readonly id: number;
  readonly blob: Blob;
  readonly name: string;
  readonly as: ParseAs;
}

export interface ParsedTraceLog {
  readonly as: 'trace-log';
  readonly model: TraceModel;
  /** The whole text, inflated: views show the log line behind a span. */
  readonly text: string;
  /**
   * The same text read as a destination's log, for the Explain view: read here rather than on
   * the main thread, where a log of giant lines would freeze the page.
   */
  readonly destLog: DestLog;
}

export interface ParsedManifest {
  readonly as: 'vmstate-manifest';
  /** Input errors are values (a manifest that does not read is still listed, with why). */
  readonly result: Result<VmstateManifest>;
}

export interface ParsedQueryMachines {
  readonly as: 'query-machines';
  readonly result: Result<QueryMachines>;
}

/** The destination inputs of the Explain view, read here so a giant one cannot block the page. */
export interface ParsedCommandLine {
  readonly as: 'command-line';
  readonly result: CmdlineResult;
}

export interface ParsedDeviceProperties {
  readonly as: 'device-properties';
  readonly help: DevicePropertiesHelp;
}

export interface ParsedMachineCatalog {
  readonly as: 'machine-catalog';
  readonly result: Result<MachineCatalog>;
}

/** A `-device help` list (Matrix and Tiers views): its entries, and a digest of its text, which tells two lists apart. */
export interface ParsedDeviceHelp {
  readonly as: 'device-help';
  readonly devices: readonly DeviceHelpEntry[];
  readonly signature: string;
}

export interface ParsedDeviceModels {
  readonly as: 'device-models';
  readonly result: Result<DeviceModelManifest>;
}

/** A VM's assigned (VFIO) devices, from its QEMU command line or libvirt domain XML (Hosts view). */
export interface ParsedAssignedDevices {
  readonly as: 'assigned-devices';
  readonly result: AssignedRead;
}

/** A host's mdev types (mdevctl types --dumpjson, or the sysfs attributes). */
export interface ParsedMdevTypes {
  readonly as: 'mdev-types';
  readonly result: MdevResult;
}

/** One mdev's mdevctl config: its type, or undefined when the JSON has none. */
export interface ParsedMdevConfig {
  readonly as: 'mdev-config';
  readonly mdevType: string | undefined;
}

export interface ParsedText {
  readonly as: 'text';
  readonly text: string;
}

export type Parsed =
  | ParsedTraceLog
  | ParsedManifest
  | ParsedQueryMachines
  | ParsedCommandLine
  | ParsedDeviceProperties
  | ParsedMachineCatalog
  | ParsedDeviceHelp
  | ParsedDeviceModels
  | ParsedAssignedDevices
  | ParsedMdevTypes
  | ParsedMdevConfig
  | ParsedText;

export interface ParsedReply {
  readonly type: 'parsed';
  readonly id: number;
  /** Structured-cloned: the manifest models' Maps survive. */
  readonly value: Parsed;
}

export interface ParseErrorReply {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
}

export type ParseReply = ParsedReply | ParseErrorReply;

export function isParseReply(data: unknown): data is ParseReply {
  if (typeof data !== 'object' || data === null) return false;
  const { type, id } = data as { type?: unknown; id?: unknown };
  return typeof id === 'number' && (type === 'parsed' || type === 'error');
}
