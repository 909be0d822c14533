/**
 * Which QEMU release a file describes, from what names and content say: shared by the CLI
 * (`VERSION=FILE`, folders) and the workspace (typed versions, names the samples use).
 * A manifest's `vmschkmachine` is the machine type it was dumped with, never the release
 * (11.1 dumps pc-i440fx-5.2 too), so nothing here reads it.
 */
import type { QueryMachines } from '../manifest/index.ts';
import { compareVersions, isVersionLabel, parseMachineName } from './machine-names.ts';

/** `7.2.22` → `7.2`: files of one release group together whatever patch level they name. */
export function majorMinor(version: string): string {
  const [a, b] = version.split('.');
  return `${a ?? ''}.${b ?? '0'}`;
}

/** A version the user typed, or undefined when it is not one (`7.2`, `11.1`, `10.0.13`). */
export function parseTypedVersion(text: string): string | undefined {
  const t = text.trim().replace(/^v/i, '');
  return isVersionLabel(t) ? majorMinor(t) : undefined;
}

/** The version a file name or picked path names, and how. */
export function versionFromName(name: string, path = ''): { readonly version: string; readonly source: 'folder' | 'file name' } | undefined {
  const folders = path.split('/').slice(0, -1);
  const folder = folders.at(-1);
  if (folder !== undefined && isVersionLabel(folder)) return { version: majorMinor(folder), source: 'folder' };
  const qemu = /(?:^|[^a-z0-9])qemu[-_]?v?(\d{1,2}\.\d{1,2}(?:\.\d+)?)(?![\d])/i.exec(name);
  if (qemu?.[1] !== undefined) return { version: majorMinor(qemu[1]), source: 'file name' };
  const prefix = /^(\d{1,2}\.\d{1,2})__/.exec(name);
  if (prefix?.[1] !== undefined) return { version: prefix[1], source: 'file name' };
  return undefined;
}

/** A build's newest versioned machine type carries its own release (`pc-q35-11.1` in 11.1). */
export function newestMachineVersion(machines: QueryMachines): string | undefined {
  const versions = machines.machines.flatMap((m) => {
    const v = parseMachineName(m.name).version;
    return v === undefined ? [] : [v];
  });
  return versions.sort(compareVersions).at(-1);
}

/** `11.1=path` -> label and path; a path that merely contains `=` stays whole. */
export function splitLabel(arg: string): { readonly label: string | undefined; readonly file: string } {
  const eq = arg.indexOf('=');
  if (eq > 0 && !arg.slice(0, eq).includes('/')) return { label: arg.slice(0, eq), file: arg.slice(eq + 1) };
  return { label: undefined, file: arg };
}

/** How far into a file a QEMU version is looked for: where banners, greetings and headers are. */
const VERSION_SCAN_CHARS = 64 * 1024;

/**
 * A QEMU version the text itself names, as QEMU and libvirt write it: a QMP greeting or
 * `query-version` reply (`"qemu": {"micro": 13, "minor": 0, "major": 10}`, members in any
 * order), a fixture's `"version": {"micro": 3, "minor": 1, "major": 11}`, libvirt's `qemu
 * version: 10.0.13Debian ...`, `QEMU emulator version 11.1.3`, or a .cmd file's `# QEMU 10.0 (`.
 * Only the first 64 KiB are read.
 */
export function qemuVersionInText(text: string): string | undefined {
  const head = text.slice(0, VERSION_SCAN_CHARS);
  const obj = /"(?:qemu|version)"\s*:\s*\{([^{}]{0,200})\}/.exec(head);
  if (obj?.[1] !== undefined) {
    const num = (key: string): string | undefined => new RegExp(`"${key}"\\s*:\\s*(\\d{1,3})`).exec(obj[1] ?? '')?.[1];
    const major = num('major');
    const minor = num('minor');
    if (major !== undefined && minor !== undefined) return `${major}.${minor}${num('micro') !== undefined ? `.${num('micro') ?? ''}` : ''}`;
  }
  const line = /(?:qemu version: |QEMU emulator version |^# QEMU )(\d{1,2}\.\d{1,2}(?:\.\d{1,3})?)/m.exec(head);
  return line?.[1];
}
