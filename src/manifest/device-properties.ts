/**
 * `qemu-system-* -device NAME,help` output: a device type's properties and their defaults, as
 * one build prints them (qdev_device_help() in system/qdev-monitor.c):
 *
 *   virtio-net-pci options:
 *     rx_queue_size=<uint16> -  (default: 256)
 *     disable-legacy=<OnOffAuto> - on/off/auto (default: "auto")
 *     romfile=<str>
 *
 * Several devices' outputs may be concatenated in one file. Defaults are printed as QEMU
 * formats them, which changed over the releases (7.2 prints `true`/`"auto"`, 11.1 `on`/`auto`),
 * so values are normalised: booleans to `on`/`off`, quotes dropped. A default printed as the
 * type's "unset" value (`vectors` = 4294967295) is kept as printed: it is not the value the
 * device ends up with, and the checks that need such a property say so.
 */

export interface DeviceProperty {
  readonly name: string;
  /** `uint16`, `bool`, `OnOffAuto`, `str`, `child<...>`, ... */
  readonly type: string;
  /** Normalised default; undefined when the build prints none. */
  readonly defaultValue: string | undefined;
}

export interface DevicePropertiesHelp {
  /** By device type, its properties by name. */
  readonly devices: ReadonlyMap<string, ReadonlyMap<string, DeviceProperty>>;
}

/** A line longer than this is not a property line; it is skipped unread. */
const MAX_LINE = 4096;

const HEADER = /^([A-Za-z0-9_.,+-]+) options:$/;
const PROPERTY = /^([A-Za-z0-9_.-]+)=<([^>]{1,200})>(.*)$/;
const DEFAULT = /\(default: (.{0,1000})\)\s*$/;

export function parseDevicePropertiesHelp(text: string): DevicePropertiesHelp {
  const devices = new Map<string, Map<string, DeviceProperty>>();
  let current: Map<string, DeviceProperty> | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.length > MAX_LINE) continue;
    const line = raw.trim();
    const header = HEADER.exec(line);
    if (header !== null) {
      const name = header[1] ?? '';
      current = devices.get(name) ?? new Map<string, DeviceProperty>();
      devices.set(name, current);
      continue;
    }
    if (current === undefined) continue;
    const prop = PROPERTY.exec(line);
    if (prop === null) continue;
    const name = prop[1] ?? '';
    const type = prop[2] ?? '';
    const d = DEFAULT.exec(prop[3] ?? '');
    current.set(name, { name, type, defaultValue: d !== null ? normalisePropertyValue(d[1] ?? '', type) : undefined });
  }
  return { devices };
}

/** True when the text holds at least one `NAME options:` block with a property line. */
export function looksLikeDevicePropertiesHelp(text: string): boolean {
  return /^[A-Za-z0-9_.,+-]+ options:\r?\n\s+[A-Za-z0-9_.-]+=</m.test(text.slice(0, 64 * 1024));
}

const TRUE_WORDS = new Set(['on', 'true', 'yes']);
const FALSE_WORDS = new Set(['off', 'false', 'no']);

/**
 * One spelling per value, as QEMU's own scripts/compare-machine-types.py compares them:
 * on/true/yes are one value, off/false/no another; quotes around strings are not part of it.
 */
export function normalisePropertyValue(value: string, type?: string): string {
  let v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  const lower = v.toLowerCase();
  if (type === undefined || type === 'bool' || type === 'OnOffAuto') {
    if (TRUE_WORDS.has(lower)) return 'on';
    if (FALSE_WORDS.has(lower)) return 'off';
  }
  return v;
}
