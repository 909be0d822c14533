/**
 * What a decoded stream says about the VM that wrote it, reduced to what a compatibility
 * check needs: the machine type, every device section with its version, the subsections that
 * were really sent, the fields the vmdesc lists, and whether the stream can be read to its end.
 */
import type { DecodedNode, DecodeResult, SectionRecord, VmdescDevice, VmdescField, VmdescVmsd } from '../format/index.ts';

export interface StreamFacts {
  readonly name: string;
  readonly machineType: string | undefined;
  /** FULL sections grouped by vmsd name, in stream order. */
  readonly devices: readonly StreamDevice[];
  /** Iterative (START) sections such as `ram`: no manifest describes them. */
  readonly iterative: readonly string[];
  readonly hasVmdesc: boolean;
  readonly damage: StreamDamage | undefined;
}

export interface StreamDevice {
  readonly vmsdName: string;
  /** Every idstr of this vmsd (`0000:00:01.0/virtio-net`, or `timer`). */
  readonly idstrs: readonly string[];
  readonly instances: number;
  /** From the section header. */
  readonly versionId: number;
  /**
   * Subsections present in the decoded bodies, name -> version; undefined when a body could not
   * be decoded (no vmdesc), so absence means nothing.
   */
  readonly subsections: ReadonlyMap<string, number> | undefined;
  /** Field names the vmdesc lists per vmsd name (`[n]` suffixes removed); undefined without vmdesc. */
  readonly sentFields: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** The first instance's vmdesc entry. */
  readonly vmdesc: VmdescDevice | undefined;
}

export interface StreamDamage {
  readonly code: string;
  readonly offset: number;
  readonly message: string;
  /** True when the damage comes after the EOF record (in the vmdesc trailer the loader never reads). */
  readonly afterEof: boolean;
  /** The vmsd of the section the damage is in, when it is in one. */
  readonly device: string | undefined;
  readonly idstr: string | undefined;
}

/** The vmsd name of a section idstr: the part after the last `/` (qdev path prefix removed). */
export function vmsdNameOfIdstr(idstr: string): string {
  const slash = idstr.lastIndexOf('/');
  return slash === -1 ? idstr : idstr.slice(slash + 1);
}

export function streamFacts(result: DecodeResult): StreamFacts {
  const vmdescByKey = new Map<string, VmdescDevice>();
  for (const d of result.vmdesc?.json.devices ?? []) vmdescByKey.set(`${d.name}\u0000${d.instance_id}`, d);

  interface Building {
    vmsdName: string;
    idstrs: string[];
    instances: number;
    versionId: number;
    subsections: Map<string, number> | undefined;
    sentFields: Map<string, Set<string>> | undefined;
    vmdesc: VmdescDevice | undefined;
  }
  const byName = new Map<string, Building>();
  const iterative: string[] = [];
  for (const section of result.sections) {
    if (section.type === 'START') {
      if (!iterative.includes(section.idstr)) iterative.push(section.idstr);
      continue;
    }
    if (section.type !== 'FULL') continue;
    const desc = vmdescByKey.get(`${section.idstr}\u0000${section.instanceId}`);
    const vmsdName = desc?.vmsd_name ?? vmsdNameOfIdstr(section.idstr);
    let b = byName.get(vmsdName);
    if (b === undefined) {
      b = { vmsdName, idstrs: [], instances: 0, versionId: section.versionId, subsections: new Map(), sentFields: new Map(), vmdesc: desc };
      byName.set(vmsdName, b);
    }
    if (!b.idstrs.includes(section.idstr)) b.idstrs.push(section.idstr);
    b.instances++;
    b.versionId = Math.max(b.versionId, section.versionId);
    if (section.bodyDecoder === 'vmdesc' && section.end !== undefined && b.subsections !== undefined) collectSubsections(section.node, b.subsections);
    else b.subsections = undefined;
    if (desc !== undefined && b.sentFields !== undefined) collectFields(desc, b.sentFields);
    else b.sentFields = undefined;
  }

  return {
    name: result.source.name,
    machineType: result.configuration?.machineType,
    devices: [...byName.values()].map((b) => ({ ...b })),
    iterative,
    hasVmdesc: result.vmdesc !== undefined,
    damage: damageOf(result),
  };
}

/** The vmsd's own subsections; those inside a device-defined field (virtio's) are virtioFacts' business. */
function collectSubsections(node: DecodedNode, into: Map<string, number>): void {
  for (const child of node.children ?? []) {
    if (child.kind === 'subsection' && typeof child.value === 'number') into.set(child.name, child.value);
    if (child.kind !== 'field') collectSubsections(child, into);
  }
}

/** `parent_obj[1]` -> `parent_obj`: analyze-migration.py numbers repeated names. */
export function baseFieldName(name: string): string {
  return name.replace(/\[\d+\]$/, '');
}

function collectFields(vmsd: VmdescVmsd, into: Map<string, Set<string>>): void {
  const name = vmsd.vmsd_name;
  if (name === undefined) return;
  const set = into.get(name) ?? new Set<string>();
  into.set(name, set);
  for (const f of vmsd.fields) {
    set.add(baseFieldName(f.name));
    for (const nested of nestedOf(f)) collectFields(nested, into);
  }
  for (const sub of vmsd.subsections ?? []) collectFields(sub, into);
}

/** The vmsd a vmdesc field carries: a `struct`, or the inline form of `tmp`/`vstruct` fields. */
export function nestedOf(f: VmdescField): VmdescVmsd[] {
  if (f.struct !== undefined) return [f.struct];
  if (f.fields !== undefined) {
    return [{ vmsd_name: f.vmsd_name ?? f.name, version: f.version ?? 0, fields: f.fields, subsections: f.subsections ?? [] }];
  }
  return [];
}

function damageOf(result: DecodeResult): StreamDamage | undefined {
  const error = result.error;
  if (error === undefined) return undefined;
  const eof = result.records.find((r) => r.kind === 'eof');
  const afterEof = eof !== undefined && error.offset >= eof.end;
  // The error's node path starts with `<idstr>#<instance>` (plus ` PART`/` END` for iterative
  // sections) when it happened inside a section.
  const head = /^(.*)#\d+(?: [A-Z]+)?$/.exec(error.path[0] ?? '')?.[1];
  const idstr = head ?? (afterEof ? undefined : sectionAt(result.sections, error.offset)?.idstr);
  return {
    code: error.code,
    offset: error.offset,
    message: error.message,
    afterEof,
    device: idstr === undefined ? undefined : vmsdNameOfIdstr(idstr),
    idstr,
  };
}

function sectionAt(sections: readonly SectionRecord[], offset: number): SectionRecord | undefined {
  let found: SectionRecord | undefined;
  for (const s of sections) if (s.start <= offset) found = s;
  return found;
}
