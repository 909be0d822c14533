/**
 * The manifest QEMU writes with `-dump-vmstate FILE` (`dump_vmstate_json_to_file()` in
 * migration/savevm.c), as a typed model.
 *
 * One top-level key per QOM device class that has a vmsd, plus `vmschkmachine` naming the
 * `-machine` the binary was started with. It lists what the binary could load, not what a VM
 * holds: it is the same for every machine type of one binary (only `vmschkmachine` differs).
 *
 * Besides the typed values the model keeps, per section and description, the keys present in
 * file order: vmstate-static-checker.py reports any key of the source missing in the
 * destination (`Entry "Subsections" missing`), including keys a future QEMU may add.
 */
import {
  childPath,
  type JsonLimits,
  type JsonValue,
  parseJsonShape,
  readShape,
  type Result,
  type ShapeReader,
  DEFAULT_JSON_LIMITS,
} from './json-input.ts';

/** The top-level key that holds the machine name rather than a device. */
export const MACHINE_SECTION_KEY = 'vmschkmachine';

export interface VmstateManifest {
  readonly file: string;
  /** `vmschkmachine.Name`, e.g. `pc-q35-7.2`; undefined when the entry is absent. */
  readonly machine: string | undefined;
  /** Every top-level key in file order, `vmschkmachine` included. */
  readonly sectionKeys: readonly string[];
  /** Device sections by QOM type name, in file order. */
  readonly devices: ReadonlyMap<string, VmstateDevice>;
  /**
   * Whether the dump prints array counts (`num`, QEMU 10.x and later): without them a field's
   * `size` is one element's and its count is unknown.
   */
  readonly arrayCounts: boolean;
}

/** One top-level entry: a QOM type and the vmsd its class registers. */
export interface VmstateDevice {
  /** The top-level key, a QOM type name such as `virtio-net-pci`. */
  readonly qomType: string;
  /** The entry's `Name` (QEMU writes the QOM type again). */
  readonly name: string | undefined;
  readonly versionId: number;
  readonly minimumVersionId: number | undefined;
  readonly description: VmstateDescription | undefined;
  /** Keys of the entry in file order. */
  readonly keys: readonly string[];
  readonly jsonPath: string;
}

/** A VMStateDescription: a device's top vmsd, a nested struct's vmsd, or a subsection. */
export interface VmstateDescription {
  /** The vmsd name: the suffix of a stream section's idstr, or `dev/sub` for subsections. */
  readonly name: string;
  readonly versionId: number;
  readonly minimumVersionId: number | undefined;
  /** Absent when the vmsd has no field list at all (`Entry "Fields" missing`). */
  readonly fields: readonly VmstateField[] | undefined;
  /** Absent when the vmsd has no subsections; QEMU 7.2+ omits the key then. */
  readonly subsections: readonly VmstateDescription[] | undefined;
  readonly keys: readonly string[];
  readonly jsonPath: string;
}

export interface VmstateField {
  /** The field name as QEMU prints it: `parent_obj`, `core.mac`, `unused`, `tmp`... */
  readonly field: string;
  /** The stream version from which the field is present (0 = always). */
  readonly versionId: number;
  /** Never written by QEMU for fields; kept because the checker honours it when present. */
  readonly minimumVersionId: number | undefined;
  /** True when the field has a test function: it may or may not be on the wire. */
  readonly fieldExists: boolean;
  /** Element size in bytes (`field->size`); not meaningful for VBUFFER/QTAILQ/pointers. */
  readonly size: number;
  /** Element count of a fixed array; written only by QEMU 10.x and later. */
  readonly num: number | undefined;
  /** The nested vmsd of a struct-like field. */
  readonly description: VmstateDescription | undefined;
  readonly jsonPath: string;
}

/** Parses manifest text (already gunzipped) into the model. */
export function parseVmstateManifest(
  text: string,
  file: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Result<VmstateManifest> {
  return parseJsonShape(text, file, (reader, root) => readManifest(reader, root), limits);
}

/** Builds the model from an already parsed document. */
export function vmstateManifestFromJson(root: JsonValue, file: string): Result<VmstateManifest> {
  return readShape(file, (reader) => readManifest(reader, root));
}

function readManifest(r: ShapeReader, root: JsonValue): VmstateManifest {
  const top = r.object(root, '$');
  let machine: string | undefined;
  const devices = new Map<string, VmstateDevice>();
  for (const [key, value] of top.entries) {
    const path = childPath('$', key);
    if (key === MACHINE_SECTION_KEY) {
      const entry = r.object(value, path);
      machine = r.string(r.member(entry, 'Name', path), childPath(path, 'Name'));
    } else {
      devices.set(key, readDevice(r, key, value, path));
    }
  }
  return { file: r.file, machine, sectionKeys: [...top.entries.keys()], devices, arrayCounts: [...devices.values()].some((d) => d.description !== undefined && hasCount(d.description)) };
}

function hasCount(d: VmstateDescription): boolean {
  return (d.fields ?? []).some((f) => f.num !== undefined || (f.description !== undefined && hasCount(f.description))) || (d.subsections ?? []).some(hasCount);
}

function readDevice(r: ShapeReader, qomType: string, value: JsonValue, path: string): VmstateDevice {
  const obj = r.object(value, path);
  const name = r.optional(obj, 'Name', path, (v, p) => r.string(v, p));
  const versionId = r.integer(r.member(obj, 'version_id', path), childPath(path, 'version_id'));
  const minimumVersionId = r.optional(obj, 'minimum_version_id', path, (v, p) => r.integer(v, p));
  const description = r.optional(obj, 'Description', path, (v, p) => readDescription(r, v, p));
  return { qomType, name, versionId, minimumVersionId, description, keys: [...obj.entries.keys()], jsonPath: path };
}

function readDescription(r: ShapeReader, value: JsonValue, path: string): VmstateDescription {
  const obj = r.object(value, path);
  const name = r.string(r.member(obj, 'name', path), childPath(path, 'name'));
  const versionId = r.integer(r.member(obj, 'version_id', path), childPath(path, 'version_id'));
  const minimumVersionId = r.optional(obj, 'minimum_version_id', path, (v, p) => r.integer(v, p));
  const fields = r.optional(obj, 'Fields', path, (v, p) =>
    r.array(v, p).map((item, i) => readField(r, item, childPath(p, i))),
  );
  const subsections = r.optional(obj, 'Subsections', path, (v, p) =>
    r.array(v, p).map((item, i) => readDescription(r, item, childPath(p, i))),
  );
  return { name, versionId, minimumVersionId, fields, subsections, keys: [...obj.entries.keys()], jsonPath: path };
}

function readField(r: ShapeReader, value: JsonValue, path: string): VmstateField {
  const obj = r.object(value, path);
  return {
    field: r.string(r.member(obj, 'field', path), childPath(path, 'field')),
    versionId: r.integer(r.member(obj, 'version_id', path), childPath(path, 'version_id')),
    minimumVersionId: r.optional(obj, 'minimum_version_id', path, (v, p) => r.integer(v, p)),
    fieldExists: r.boolean(r.member(obj, 'field_exists', path), childPath(path, 'field_exists')),
    size: r.integer(r.member(obj, 'size', path), childPath(path, 'size')),
    num: r.optional(obj, 'num', path, (v, p) => r.integer(v, p)),
    description: r.optional(obj, 'Description', path, (v, p) => readDescription(r, v, p)),
    jsonPath: path,
  };
}

// ---------------------------------------------------------------------------------------------
// Queries a later compatibility judge needs

/** Devices whose top vmsd has the given name (one vmsd is often shared by several QOM types). */
export function devicesByVmsdName(manifest: VmstateManifest, vmsdName: string): readonly VmstateDevice[] {
  const found: VmstateDevice[] = [];
  for (const device of manifest.devices.values()) {
    if (device.description?.name === vmsdName) found.push(device);
  }
  return found;
}

/** Subsection of `description` by its full name (`fdrive/media_rate`). */
export function findSubsection(description: VmstateDescription, name: string): VmstateDescription | undefined {
  return description.subsections?.find((s) => s.name === name);
}

/** Total bytes of a field as QEMU's tools count it: `size * num` for arrays. */
export function fieldTotalSize(field: VmstateField): number {
  return field.num === undefined ? field.size : field.size * field.num;
}
