/**
 * `qemu-system-* -device help` output: the device types a build lets a user create, by category.
 *
 *   Storage devices:
 *   name "virtio-blk-pci", bus PCI, alias "virtio-blk", desc "..."
 *   name "nvdimm", desc "DIMM memory module"
 *
 * Lines that are neither a category heading nor a `name "..."` entry are ignored, so the text
 * may carry a banner or trailing notes.
 */

export interface DeviceHelpEntry {
  readonly name: string;
  /** Absent for devices that plug into no bus (`nvdimm`, CPU models). */
  readonly bus: string | undefined;
  readonly alias: string | undefined;
  readonly desc: string | undefined;
  /** The heading above it without the colon, e.g. `Storage devices`. */
  readonly category: string;
  /** 1-based line in the text. */
  readonly line: number;
}

const ENTRY = /^name "((?:[^"\\]|\\.)*)"(.*)$/;
const ATTR = /,\s*(bus|alias|desc)\s+(?:"((?:[^"\\]|\\.)*)"|([^,]+))/g;

export function parseDeviceHelp(text: string): DeviceHelpEntry[] {
  const out: DeviceHelpEntry[] = [];
  let category = 'Uncategorized devices';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const entry = ENTRY.exec(line);
    if (entry === null) {
      if (line.endsWith(':') && !line.includes('"')) category = line.slice(0, -1);
      return;
    }
    const attrs = new Map<string, string>();
    for (const m of (entry[2] ?? '').matchAll(ATTR)) {
      const key = m[1];
      const value = m[2] ?? m[3];
      if (key !== undefined && value !== undefined) attrs.set(key, value.trim());
    }
    out.push({ name: entry[1] ?? '', bus: attrs.get('bus'), alias: attrs.get('alias'), desc: attrs.get('desc'), category, line: i + 1 });
  });
  return out;
}

/** True when the text looks like `-device help` output (at least one entry). */
export function looksLikeDeviceHelp(text: string): boolean {
  return /^name "[^"]+"/m.test(text);
}
