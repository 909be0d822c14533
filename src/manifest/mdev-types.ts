/**
 * A host's mediated-device types, from either of the two places Linux shows them:
 *
 * - `mdevctl types --dumpjson` (mdevctl(8): "output machine readable type information"):
 *   `[{"<parent>": [{"<type id>": {"available_instances": N, "device_api": "vfio-pci",
 *   "name": "...", "description": "..."}}, ...]}]`, parents as in sysfs (`0000:00:02.0`, a
 *   ccw `0.0.26ab`).
 * - the sysfs attributes themselves, listed as `grep -r . /sys/class/mdev_bus/*\/mdev_supported_types`
 *   prints them, one `PATH:VALUE` a line; the kernel's vfio-mediated-device documentation:
 *   `/sys/class/mdev_bus/<parent>/mdev_supported_types/<type id>/{name, device_api,
 *   available_instances, description}`, where the type id is
 *   `"<vendor driver name>-<type name>"` (`nvidia-155`, `i915-GVTg_V5_4`).
 *
 * `compatible_type`: the 2020 proposal ("device compatibility interface for live migration
 * with assigned devices") had each type list the traits a destination type must cover; no
 * kernel or QEMU shipped it, so migscope reads it only as an extra key a site adds to a type
 * (a list of strings) and says so wherever it is used.
 */
export interface MdevType {
  readonly parent: string;
  /** `<vendor driver>-<type name>`, the directory name under mdev_supported_types. */
  readonly typeId: string;
  readonly name: string | undefined;
  readonly deviceApi: string | undefined;
  readonly availableInstances: number | undefined;
  readonly description: string | undefined;
  /** The proposal's traits, when the input carries them. */
  readonly compatibleType: readonly string[] | undefined;
}

export interface MdevHostTypes {
  readonly file: string;
  readonly format: 'mdevctl-json' | 'sysfs-listing';
  readonly types: readonly MdevType[];
}

export type MdevResult = { readonly ok: true; readonly value: MdevHostTypes } | { readonly ok: false; readonly error: { readonly line: number; readonly message: string } };

/** The vendor driver part of a type id: everything before the first `-` (the kernel's `%s-%s`). */
export function vendorDriverOf(typeId: string): string {
  const dash = typeId.indexOf('-');
  return dash === -1 ? typeId : typeId.slice(0, dash);
}

const SYSFS_LINE = /^\/sys\/class\/mdev_bus\/([^/]+)\/mdev_supported_types\/([^/]+)\/([a-z_]+):(.*)$/;

/** Whether text is either format (for file detection): a sysfs line, or the JSON's shape. */
export function looksLikeMdevTypes(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('/sys/class/mdev_bus/')) return true;
  if (!t.startsWith('[')) return false;
  return /"device_api"\s*:/.test(t) && /"available_instances"\s*:/.test(t);
}

export function parseMdevTypes(text: string, file: string): MdevResult {
  const t = text.trimStart();
  return t.startsWith('[') ? parseMdevctlJson(t, file) : parseSysfsListing(text, file);
}

function parseMdevctlJson(text: string, file: string): MdevResult {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { line: 1, message: `not JSON: ${(e as Error).message}` } };
  }
  if (!Array.isArray(root)) return { ok: false, error: { line: 1, message: 'mdevctl types --dumpjson prints a JSON array' } };
  const types: MdevType[] = [];
  for (const parents of root) {
    if (typeof parents !== 'object' || parents === null) return { ok: false, error: { line: 1, message: 'each array element must map parent devices to their types' } };
    for (const [parent, list] of Object.entries(parents as Record<string, unknown>)) {
      if (!Array.isArray(list)) return { ok: false, error: { line: 1, message: `parent ${parent}: its types must be an array` } };
      for (const entry of list) {
        if (typeof entry !== 'object' || entry === null) return { ok: false, error: { line: 1, message: `parent ${parent}: a type entry is not an object` } };
        for (const [typeId, attrs] of Object.entries(entry as Record<string, unknown>)) {
          if (typeof attrs !== 'object' || attrs === null) return { ok: false, error: { line: 1, message: `${parent} ${typeId}: attributes must be an object` } };
          const a = attrs as Record<string, unknown>;
          const compat = a['compatible_type'];
          types.push({
            parent,
            typeId,
            name: typeof a['name'] === 'string' ? a['name'] : undefined,
            deviceApi: typeof a['device_api'] === 'string' ? a['device_api'] : undefined,
            availableInstances: typeof a['available_instances'] === 'number' ? a['available_instances'] : undefined,
            description: typeof a['description'] === 'string' ? a['description'] : undefined,
            compatibleType: Array.isArray(compat) ? compat.filter((x): x is string => typeof x === 'string') : undefined,
          });
        }
      }
    }
  }
  return { ok: true, value: { file, format: 'mdevctl-json', types } };
}

function parseSysfsListing(text: string, file: string): MdevResult {
  const by = new Map<string, { parent: string; typeId: string; attrs: Map<string, string> }>();
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const m = SYSFS_LINE.exec(line);
    if (m === null) {
      // `description` may span lines (i915's is several `key: value` lines): they continue the previous attribute.
      if (by.size > 0) continue;
      return { ok: false, error: { line: i + 1, message: `expected /sys/class/mdev_bus/<parent>/mdev_supported_types/<type>/<attribute>:<value>, got '${line.slice(0, 80)}'` } };
    }
    const [, parent = '', typeId = '', attr = '', value = ''] = m;
    const key = `${parent}\u0000${typeId}`;
    const entry = by.get(key) ?? { parent, typeId, attrs: new Map<string, string>() };
    entry.attrs.set(attr, value);
    by.set(key, entry);
  }
  const types: MdevType[] = [...by.values()].map(({ parent, typeId, attrs }) => {
    const n = attrs.get('available_instances');
    const compat = attrs.get('compatible_type');
    return {
      parent,
      typeId,
      name: attrs.get('name'),
      deviceApi: attrs.get('device_api'),
      availableInstances: n !== undefined && /^\d+$/.test(n) ? Number(n) : undefined,
      description: attrs.get('description'),
      compatibleType: compat === undefined ? undefined : compat.split(/[\s,]+/).filter((x) => x !== ''),
    };
  });
  return { ok: true, value: { file, format: 'sysfs-listing', types } };
}
