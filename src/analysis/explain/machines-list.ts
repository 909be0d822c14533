/**
 * The machine types a destination QEMU offers: `-machine help` text or a `query-machines`
 * reply. Answers "does it exist there", "what does an alias (`pc`, `q35`) resolve to", and
 * "which release is this binary" (its newest versioned type).
 */
import { parseQueryMachines, type CompatProperty } from '../../manifest/query-machines.ts';
import type { Result } from '../../manifest/json-input.ts';
import { compareVersions, machineTypeVersion, type QemuVersion } from './qemu-version.ts';

export interface MachineCatalog {
  readonly file: string;
  readonly names: ReadonlySet<string>;
  /** alias → machine type (`pc` → `pc-i440fx-7.2`). */
  readonly aliases: ReadonlyMap<string, string>;
  readonly defaultMachine: string | undefined;
  readonly deprecated: ReadonlySet<string>;
  /**
   * Each machine type's compat properties, when the reply was queried with `"compat-props":
   * true` (9.1+); undefined for `-machine help` text and replies without them.
   */
  readonly compatProps?: ReadonlyMap<string, readonly CompatProperty[]> | undefined;
}

/** Reads either format: JSON (a QMP reply or the fixture wrapper) or `-machine help` text. */
export function parseMachineCatalog(text: string, file: string): Result<MachineCatalog> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = parseQueryMachines(text, file);
    if (!parsed.ok) return parsed;
    const names = new Set<string>();
    const aliases = new Map<string, string>();
    const deprecated = new Set<string>();
    let defaultMachine: string | undefined;
    const compat = new Map<string, readonly CompatProperty[]>();
    for (const m of parsed.value.machines) {
      names.add(m.name);
      if (m.compatProps !== undefined) compat.set(m.name, m.compatProps);
      if (m.alias !== undefined) aliases.set(m.alias, m.name);
      if (m.isDefault) defaultMachine = m.name;
      if (m.deprecated === true) deprecated.add(m.name);
    }
    return { ok: true, value: { file, names, aliases, defaultMachine, deprecated, compatProps: compat.size > 0 ? compat : undefined } };
  }
  return parseMachineHelp(text, file);
}

/**
 * `-machine help` lines (machine_help_func() in system/vl.c):
 * `%-20s %s (alias of %s)` for an alias, then `%-20s %s[ (default)][ (deprecated)]`.
 */
function parseMachineHelp(text: string, file: string): Result<MachineCatalog> {
  const names = new Set<string>();
  const aliases = new Map<string, string>();
  const deprecated = new Set<string>();
  let defaultMachine: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || /^Supported machines are:/.test(line)) continue;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const name = m[1] ?? '';
    const rest = m[2] ?? '';
    const alias = /\(alias of ([^)]+)\)\s*$/.exec(rest);
    if (alias !== null) {
      aliases.set(name, alias[1] ?? '');
      continue;
    }
    names.add(name);
    if (/\(default\)/.test(rest)) defaultMachine = name;
    if (/\(deprecated\)/.test(rest)) deprecated.add(name);
  }
  if (names.size === 0) {
    return { ok: false, error: { code: 'WRONG_TYPE', file, jsonPath: '$', message: 'neither a query-machines reply nor `-machine help` output (no machine names found)' } };
  }
  return { ok: true, value: { file, names, aliases, defaultMachine, deprecated } };
}

/** The machine type a `-machine` value selects, or undefined when the binary lacks it. */
export function resolveMachine(catalog: MachineCatalog, name: string): string | undefined {
  if (catalog.names.has(name)) return name;
  return catalog.aliases.get(name);
}

/** The binary's release, from its newest versioned machine type. */
export function catalogVersion(catalog: MachineCatalog): QemuVersion | undefined {
  let best: QemuVersion | undefined;
  for (const name of catalog.names) {
    const v = machineTypeVersion(name);
    if (v !== undefined && (best === undefined || compareVersions(v, best) > 0)) best = v;
  }
  return best;
}

/** The newest type of the same family the catalog has (`pc-i440fx-11.1` → `pc-i440fx-7.2`). */
export function closestMachine(catalog: MachineCatalog, machine: string): string | undefined {
  const family = /^(.*-)\d+\.\d+$/.exec(machine)?.[1];
  if (family === undefined) return undefined;
  let best: { name: string; v: QemuVersion } | undefined;
  for (const name of catalog.names) {
    if (!name.startsWith(family)) continue;
    const v = machineTypeVersion(name);
    if (v !== undefined && (best === undefined || compareVersions(v, best.v) > 0)) best = { name, v };
  }
  return best?.name;
}
