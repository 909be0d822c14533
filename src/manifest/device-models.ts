/**
 * Device-model manifests: which device models a host can run and with which parameters.
 *
 *   [{"model": "https://example.org/models/virtio-net",
 *     "params": ["mq", "mtu"],
 *     "versions": [{"name": "1", "params": ["mq"]}, {"name": "2", "params": ["mq", "rss"]}]}]
 *
 * A version name stands for its parameter list. On a host the manifest says what it offers
 * (a model's own params plus those of every version it lists); for a VM the same shape says
 * what it needs, where a version given without `params` means "whatever that version is on
 * the host". Unknown keys are ignored so richer documents still read.
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

export interface DeviceModelVersion {
  readonly name: string;
  /** Undefined when the entry has no `params` (on a VM: take the host's definition). */
  readonly params: readonly string[] | undefined;
  readonly jsonPath: string;
}

export interface DeviceModel {
  /** The model's identifier, usually a URL. */
  readonly model: string;
  readonly params: readonly string[];
  readonly versions: readonly DeviceModelVersion[];
  readonly jsonPath: string;
}

export interface DeviceModelManifest {
  readonly file: string;
  readonly models: readonly DeviceModel[];
}

export function parseDeviceModels(text: string, file: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): Result<DeviceModelManifest> {
  return parseJsonShape(text, file, (reader, root) => readModels(reader, root), limits);
}

export function deviceModelsFromJson(root: JsonValue, file: string): Result<DeviceModelManifest> {
  return readShape(file, (reader) => readModels(reader, root));
}

/** True when a parsed document has the device-model shape (an array of objects with `model`). */
export function looksLikeDeviceModels(root: JsonValue): boolean {
  return root.kind === 'array' && root.items.length > 0 && root.items.every((i) => i.kind === 'object' && i.entries.has('model'));
}

function readModels(r: ShapeReader, root: JsonValue): DeviceModelManifest {
  const models = r.array(root, '$').map((item, i) => readModel(r, item, childPath('$', i)));
  return { file: r.file, models };
}

function readModel(r: ShapeReader, value: JsonValue, path: string): DeviceModel {
  const obj = r.object(value, path);
  return {
    model: r.string(r.member(obj, 'model', path), childPath(path, 'model')),
    params: r.optional(obj, 'params', path, (v, p) => readParams(r, v, p)) ?? [],
    versions: r.optional(obj, 'versions', path, (v, p) => r.array(v, p).map((item, i) => readVersion(r, item, childPath(p, i)))) ?? [],
    jsonPath: path,
  };
}

function readVersion(r: ShapeReader, value: JsonValue, path: string): DeviceModelVersion {
  const obj = r.object(value, path);
  const name = r.member(obj, 'name', path);
  // Version names are often written as numbers ("versions": [{"name": 1}]).
  const text = name.kind === 'number' ? String(r.integer(name, childPath(path, 'name'))) : r.string(name, childPath(path, 'name'));
  return { name: text, params: r.optional(obj, 'params', path, (v, p) => readParams(r, v, p)), jsonPath: path };
}

function readParams(r: ShapeReader, value: JsonValue, path: string): readonly string[] {
  return r.array(value, path).map((item, i) => r.string(item, childPath(path, i)));
}

/** A model by identifier (the first entry when a document repeats one). */
export function findDeviceModel(manifest: DeviceModelManifest, model: string): DeviceModel | undefined {
  return manifest.models.find((m) => m.model === model);
}

/** Everything a host's model entry offers: its params and those of all its versions. */
export function offeredParams(model: DeviceModel): ReadonlySet<string> {
  return new Set([...model.params, ...model.versions.flatMap((v) => v.params ?? [])]);
}

/**
 * What a VM's model entry needs: its params plus each version expanded, a version without its
 * own params through `host`'s definition of that version name. Versions neither side defines
 * are returned in `unknownVersions`.
 */
export function requiredParams(need: DeviceModel, host: DeviceModel | undefined): { readonly params: ReadonlySet<string>; readonly unknownVersions: readonly string[] } {
  const params = new Set(need.params);
  const unknownVersions: string[] = [];
  for (const v of need.versions) {
    const expanded = v.params ?? host?.versions.find((h) => h.name === v.name)?.params;
    if (expanded === undefined) unknownVersions.push(v.name);
    else for (const p of expanded) params.add(p);
  }
  return { params, unknownVersions };
}
