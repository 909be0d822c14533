/**
 * QMP `query-machines` (qapi/machine.json `MachineInfo`): which machine types a QEMU binary
 * offers, which is the default, which are deprecated, and (9.1+, with `"compat-props": true`)
 * the properties each versioned type pins for compatibility.
 *
 * Accepted documents: the raw reply `{"return": [...]}`, a bare array of MachineInfo, and the
 * fixture wrapper `{"_command_line": [...], "query-machines": <reply>}`. Members that appeared in
 * later QEMU versions are optional; a member that is present must have its documented type.
 * Unknown members are ignored so newer replies still read.
 */
import {
  childPath,
  DEFAULT_JSON_LIMITS,
  type JsonLimits,
  type JsonValue,
  parseJsonShape,
  readShape,
  type Result,
  type ShapeReader,
} from './json-input.ts';

export interface CompatProperty {
  /** QOM type the default applies to, e.g. `virtio-gpu-device`. */
  readonly qomType: string;
  readonly property: string;
  /** Always a string in QMP, e.g. `"1"`, `"true"`, `"off"`. */
  readonly value: string;
}

export interface MachineInfo {
  /** e.g. `pc-q35-7.2`. */
  readonly name: string;
  /** e.g. `q35` for the newest q35 type. */
  readonly alias: string | undefined;
  readonly isDefault: boolean;
  readonly cpuMax: number | undefined;
  readonly hotpluggableCpus: boolean | undefined;
  /** Since 4.1. */
  readonly numaMemSupported: boolean | undefined;
  /** Since 4.1: the type may be removed (QEMU keeps versioned types about six years). */
  readonly deprecated: boolean | undefined;
  readonly defaultCpuType: string | undefined;
  /** Since 5.2. */
  readonly defaultRamId: string | undefined;
  /** Since 8.0. */
  readonly acpi: boolean | undefined;
  /** Since 9.1, only when queried with `"compat-props": true`. */
  readonly compatProps: readonly CompatProperty[] | undefined;
  readonly jsonPath: string;
}

export interface QueryMachines {
  readonly file: string;
  readonly machines: readonly MachineInfo[];
  /** The fixture wrapper's `_command_line`, when the document had one. */
  readonly commandLine: readonly string[] | undefined;
}

export function parseQueryMachines(
  text: string,
  file: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Result<QueryMachines> {
  return parseJsonShape(text, file, (reader, root) => readQueryMachines(reader, root), limits);
}

export function queryMachinesFromJson(root: JsonValue, file: string): Result<QueryMachines> {
  return readShape(file, (reader) => readQueryMachines(reader, root));
}

function readQueryMachines(r: ShapeReader, root: JsonValue): QueryMachines {
  let reply = root;
  let replyPath = '$';
  let commandLine: readonly string[] | undefined;
  if (root.kind === 'object' && root.entries.has('query-machines')) {
    const wrapped = r.member(root, 'query-machines', '$');
    replyPath = childPath('$', 'query-machines');
    const cmd = root.entries.get('_command_line');
    if (cmd !== undefined) {
      const cmdPath = childPath('$', '_command_line');
      commandLine = r.array(cmd, cmdPath).map((arg, i) => r.string(arg, childPath(cmdPath, i)));
    }
    reply = wrapped;
  }
  return { file: r.file, machines: readReply(r, reply, replyPath), commandLine };
}

function readReply(r: ShapeReader, reply: JsonValue, path: string): readonly MachineInfo[] {
  let list = reply;
  let listPath = path;
  if (reply.kind === 'object') {
    const error = reply.entries.get('error');
    if (error !== undefined && !reply.entries.has('return')) {
      r.fail('QMP_ERROR', childPath(path, 'error'), `QMP returned an error: ${qmpErrorText(error)}`);
    }
    list = r.member(reply, 'return', path);
    listPath = childPath(path, 'return');
  } else if (reply.kind !== 'array') {
    r.fail('WRONG_TYPE', path, 'expected a QMP reply object or an array of machines');
  }
  return r.array(list, listPath).map((item, i) => readMachine(r, item, childPath(listPath, i)));
}

function qmpErrorText(error: JsonValue): string {
  if (error.kind !== 'object') return 'unknown error';
  const cls = error.entries.get('class');
  const desc = error.entries.get('desc');
  const parts = [cls, desc].flatMap((v) => (v?.kind === 'string' ? [v.value] : []));
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}

function readMachine(r: ShapeReader, value: JsonValue, path: string): MachineInfo {
  const obj = r.object(value, path);
  const str = (key: string): string | undefined => r.optional(obj, key, path, (v, p) => r.string(v, p));
  const bool = (key: string): boolean | undefined => r.optional(obj, key, path, (v, p) => r.boolean(v, p));
  return {
    name: r.string(r.member(obj, 'name', path), childPath(path, 'name')),
    alias: str('alias'),
    isDefault: bool('is-default') ?? false,
    cpuMax: r.optional(obj, 'cpu-max', path, (v, p) => r.integer(v, p)),
    hotpluggableCpus: bool('hotpluggable-cpus'),
    numaMemSupported: bool('numa-mem-supported'),
    deprecated: bool('deprecated'),
    defaultCpuType: str('default-cpu-type'),
    defaultRamId: str('default-ram-id'),
    acpi: bool('acpi'),
    compatProps: r.optional(obj, 'compat-props', path, (v, p) =>
      r.array(v, p).map((item, i) => readCompatProperty(r, item, childPath(p, i))),
    ),
    jsonPath: path,
  };
}

function readCompatProperty(r: ShapeReader, value: JsonValue, path: string): CompatProperty {
  const obj = r.object(value, path);
  const field = (key: string): string => r.string(r.member(obj, key, path), childPath(path, key));
  return { qomType: field('qom-type'), property: field('property'), value: field('value') };
}

// ---------------------------------------------------------------------------------------------
// Lookups

/** A machine by name or alias (`pc`, `q35`), as `-machine` resolves it. */
export function findMachine(qm: QueryMachines, nameOrAlias: string): MachineInfo | undefined {
  return qm.machines.find((m) => m.name === nameOrAlias) ?? qm.machines.find((m) => m.alias === nameOrAlias);
}

export function defaultMachine(qm: QueryMachines): MachineInfo | undefined {
  return qm.machines.find((m) => m.isDefault);
}

/** Compat properties a machine pins for one QOM type (empty when not queried or none). */
export function compatPropsFor(machine: MachineInfo, qomType: string): readonly CompatProperty[] {
  return machine.compatProps?.filter((p) => p.qomType === qomType) ?? [];
}
