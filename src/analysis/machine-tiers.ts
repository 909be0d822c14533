/**
 * Support tiers of machine types across QEMU builds, from `query-machines` (and, when given,
 * `-dump-vmstate` manifests and `-device help` lists). anchors.md §3:
 *
 *  - a versioned machine type (`pc-q35-7.2`) pins its hardware with compat properties:
 *    forward migration to any newer build that still offers it is promised;
 *  - an unversioned one (`microvm`, `isapc`, `none`) and an alias (`pc`, `q35`, which resolve to
 *    the newest versioned type of each build) promise nothing across builds: at best QEMU
 *    refuses cleanly ("Machine type received is ...");
 *  - a device without migration state cannot migrate at all for a VM that has it.
 */
import type { MachineInfo, QueryMachines } from '../manifest/query-machines.ts';
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import type { DeviceHelpEntry } from './device-help.ts';
import { compareVersions, parseMachineName } from './machine-names.ts';
import { deviceTiers, type DeviceTier } from './device-tiers.ts';
import { pairKey, releaseBoard, type ReleaseBoard } from './release-board.ts';

export interface TierVersionInput {
  /** The QEMU version the files describe, e.g. `11.1`. */
  readonly version: string;
  readonly machines: QueryMachines | undefined;
  readonly manifest?: VmstateManifest | undefined;
  readonly devices?: readonly DeviceHelpEntry[] | undefined;
}

export type MachineStatus = 'present' | 'deprecated' | 'absent';
export type MachineTier = 'forward migration promised' | 'a clean error at most';
export type MachineKind = 'versioned' | 'unversioned' | 'alias';

export interface MachineTierCell {
  readonly version: string;
  /** `absent` also when that version's query-machines was not given (see `known`). */
  readonly status: MachineStatus;
  /** False when no query-machines was given for this version. */
  readonly known: boolean;
  readonly isDefault: boolean;
  /** For an alias: the machine it resolves to in this version. */
  readonly resolvesTo: string | undefined;
}

/**
 * Whether the loaded data keeps a versioned type's promise: `kept` (every forward pair of builds
 * that offer it loads as far as the manifests show), `broken` (a device breaks in a forward
 * pair), `ended` (a later build no longer offers it), `unchecked` (fewer than two builds with
 * manifests offer it); `none` for types that promise nothing.
 */
export type TierStanding = 'kept' | 'broken' | 'ended' | 'unchecked' | 'none';

/** A device that breaks a forward promise, from the board. */
export interface TierBreak {
  readonly qomType: string;
  /** The vmsd (section) name. */
  readonly section: string;
  readonly source: string;
  readonly dest: string;
  readonly reason: string;
}

export interface MachineTierRow {
  readonly name: string;
  readonly kind: MachineKind;
  readonly family: string;
  readonly machineVersion: string | undefined;
  readonly tier: MachineTier;
  readonly standing: TierStanding;
  /** The tier and its standing in a few words: `forward promised and kept`, `promise ended`... */
  readonly label: string;
  /** The oldest build that marks it deprecated. */
  readonly deprecatedSince: string | undefined;
  /** The first build newer than the last one offering it that does not. */
  readonly removedIn: string | undefined;
  readonly lastOffered: string | undefined;
  /** Devices that break a forward pair of builds offering it (empty without a board). */
  readonly breaks: readonly TierBreak[];
  /**
   * Breaking devices a VM of this type may not have at all: not in the build's `-device help`
   * and not named by the type's compat properties (machine code creates them, for some machine
   * types). They do not make the promise broken; the reason lists them.
   */
  readonly unsureBreaks: readonly TierBreak[];
  /** Why, in a sentence, including deprecation where it applies. */
  readonly reason: string;
  /** One per version, in `versions` order. */
  readonly cells: readonly MachineTierCell[];
}

export interface VersionKeeps {
  readonly version: string;
  /** Versioned machine types this build still offers, oldest first. */
  readonly versioned: readonly string[];
  readonly deprecated: readonly string[];
  readonly families: readonly { readonly family: string; readonly oldest: string; readonly newest: string; readonly count: number }[];
}

export interface NoVmstateDevice {
  readonly name: string;
  readonly bus: string | undefined;
  readonly category: string;
}

export interface NoVmstateDevices {
  readonly version: string;
  readonly tier: 'cannot migrate';
  /** Device types `-device help` offers whose class has no vmsd and that no rule explains. */
  readonly devices: readonly NoVmstateDevice[];
  /** Device types without a vmsd of their own whose state is known to travel elsewhere. */
  readonly excluded: readonly { readonly name: string; readonly rule: string }[];
}

export interface MachineTiers {
  readonly versions: readonly string[];
  readonly machines: readonly MachineTierRow[];
  readonly keeps: readonly VersionKeeps[];
  readonly noVmstate: readonly NoVmstateDevices[];
  /** How `noVmstate` was computed and where it is wrong. */
  readonly heuristic: string;
  /** Builds whose manifests checked the promises (empty without manifests of two builds). */
  readonly checkedWith: readonly string[];
  /** Per device (QOM type with a vmsd): the strictest promise of the machine types using it, and whether it holds. */
  readonly devices: readonly DeviceTier[];
}

export const NO_VMSTATE_HEURISTIC =
  'A device type listed by `-device help` is taken to have no migration state when no top-level key of the same build\'s -dump-vmstate manifest names it (the manifest lists every device class with a vmsd). ' +
  'Excluded because their state travels elsewhere: CPU models (the per-vCPU `cpu` section), virtio PCI/CCW proxies whose `*-device` is in the manifest (the virtio device saves the proxy), devices on IDE, floppy, virtio-serial, HDA and CCID buses (their controller saves them), and the few known to register their vmsd by hand in realize (eepro100 NICs, ISA and PIIX IDE). ' +
  'Limits: other devices that register state by hand migrate but are listed; devices whose vmsd is marked unmigratable (virtio-crypto, vhost-user-*) block migration but are not listed, because the manifest does not show the flag; and a device without state to lose (a test device, a loader) is harmless although listed.';

/**
 * `board`, when given (the manifests of two or more of the builds), checks each versioned type's
 * promise against the devices of the builds that offer it.
 */
export function machineTiers(inputs: readonly TierVersionInput[], board?: ReleaseBoard): MachineTiers {
  const ordered = [...inputs].sort((a, b) => compareVersions(a.version, b.version));
  const versions = ordered.map((i) => i.version);

  // Every machine and alias name seen in any version.
  const names = new Map<string, MachineKind>();
  for (const input of ordered) {
    for (const m of input.machines?.machines ?? []) {
      names.set(m.name, parseMachineName(m.name).version === undefined ? 'unversioned' : 'versioned');
      if (m.alias !== undefined && !names.has(m.alias)) names.set(m.alias, 'alias');
    }
  }

  const usable = usableOn(ordered);
  const machines: MachineTierRow[] = [];
  for (const [name, kind] of names) {
    const parsed = parseMachineName(name);
    const cells = ordered.map((input) => cellFor(input, name, kind));
    const row = { name, kind, family: parsed.family, machineVersion: parsed.version, cells, ...tierOf(name, kind, cells), ...standingOf(name, kind, cells, board, usable) };
    const extra = standingReason(row, board?.builds);
    machines.push(extra === '' ? row : { ...row, reason: `${row.reason} ${extra}` });
  }
  machines.sort(compareRows);

  return {
    versions,
    machines,
    keeps: ordered.map(keepsOf),
    noVmstate: ordered.flatMap((input) => {
      const found = noVmstateOf(input);
      return found === undefined ? [] : [found];
    }),
    heuristic: NO_VMSTATE_HEURISTIC,
    checkedWith: board?.builds ?? [],
    devices: board === undefined ? [] : deviceTiers(board, ordered.map((i) => ({ version: i.version, machines: i.machines, devices: i.devices }))),
  };
}

function cellFor(input: TierVersionInput, name: string, kind: MachineKind): MachineTierCell {
  const list = input.machines?.machines;
  if (list === undefined) return { version: input.version, status: 'absent', known: false, isDefault: false, resolvesTo: undefined };
  const target: MachineInfo | undefined = kind === 'alias' ? list.find((m) => m.alias === name) : list.find((m) => m.name === name);
  if (target === undefined) return { version: input.version, status: 'absent', known: true, isDefault: false, resolvesTo: undefined };
  return {
    version: input.version,
    status: target.deprecated === true ? 'deprecated' : 'present',
    known: true,
    isDefault: target.isDefault,
    resolvesTo: kind === 'alias' ? target.name : undefined,
  };
}

function tierOf(name: string, kind: MachineKind, cells: readonly MachineTierCell[]): { tier: MachineTier; reason: string } {
  const where = (status: MachineStatus): string[] => cells.filter((c) => c.known && c.status === status).map((c) => c.version);
  const deprecated = where('deprecated');
  const present = where('present');
  const absent = where('absent');
  if (kind === 'alias') {
    const targets = [...new Set(cells.flatMap((c) => (c.resolvesTo === undefined ? [] : [`${c.resolvesTo} in ${c.version}`])))];
    return {
      tier: 'a clean error at most',
      reason: `${name} is an alias that resolves to the newest versioned type of each build (${targets.join(', ')}): between builds that resolve it differently QEMU refuses the stream ("Machine type received is ..."); migrate with the versioned name instead.`,
    };
  }
  if (kind === 'unversioned') {
    return {
      tier: 'a clean error at most',
      reason: `${name} has no version and no compat properties, so its hardware may change between releases: migration is only supported between identical builds; across builds the best case is a clean refusal.`,
    };
  }
  let reason = `${name} pins its hardware with compat properties: a stream of it loads in every newer build that still offers ${name}`;
  if (present.length + deprecated.length > 0) reason += ` (offered by ${[...present, ...deprecated].sort(compareVersions).join(', ')})`;
  reason += '.';
  if (deprecated.length > 0) reason += ` Deprecated in ${deprecated.join(', ')}: versioned types are deprecated after 3 years and removed after 6, so use it only to bring existing VMs in and plan a move to a newer type.`;
  if (absent.length > 0) reason += ` Not offered by ${absent.join(', ')}: a VM of this type cannot be started or migrated there ("unsupported machine type").`;
  return { tier: 'forward migration promised', reason };
}

/** Whether a VM of machine type `machine` in build `build` can have the device `qomType`. */
type Usable = (qomType: string, build: string, machine: string) => boolean;

/**
 * A device can be in a VM of a machine type when the build's `-device help` lists it (any
 * machine type with its bus takes it), or the machine type's compat properties name it; a build
 * without a `-device help` list is taken to allow every device. A device neither is created by
 * machine code, which these files do not say for which machine types.
 */
function usableOn(inputs: readonly TierVersionInput[]): Usable {
  const help = new Map(inputs.flatMap((i) => (i.devices === undefined ? [] : [[i.version, new Set(i.devices.map((d) => d.name))] as const])));
  const machines = new Map(inputs.map((i) => [i.version, i.machines]));
  return (qomType, build, machine) => {
    const names = help.get(build);
    if (names === undefined || names.has(qomType)) return true;
    const info = machines.get(build)?.machines.find((m) => m.name === machine);
    return (info?.compatProps ?? []).some((p) => p.qomType === qomType);
  };
}

function standingOf(
  name: string,
  kind: MachineKind,
  cells: readonly MachineTierCell[],
  board: ReleaseBoard | undefined,
  usable: Usable,
): Pick<MachineTierRow, 'standing' | 'label' | 'deprecatedSince' | 'removedIn' | 'lastOffered' | 'breaks' | 'unsureBreaks'> {
  const offered = cells.filter((c) => c.known && c.status !== 'absent').map((c) => c.version);
  const lastOffered = offered.at(-1);
  const deprecatedSince = cells.find((c) => c.known && c.status === 'deprecated')?.version;
  if (kind !== 'versioned') {
    const label = kind === 'alias' ? 'alias: a clean error at most' : 'unversioned: a clean error at most';
    return { standing: 'none', label, deprecatedSince, removedIn: undefined, lastOffered, breaks: [], unsureBreaks: [] };
  }
  // Removed: a build newer than the last one offering it lists machines but not this one.
  const removedIn = lastOffered === undefined ? undefined : cells.find((c) => c.known && c.status === 'absent' && compareVersions(c.version, lastOffered) > 0)?.version;
  const breaks: TierBreak[] = [];
  const unsureBreaks: TierBreak[] = [];
  let pairs = 0;
  if (board !== undefined) {
    const judged = offered.filter((v) => board.builds.includes(v));
    for (const source of judged) {
      for (const dest of judged) {
        if (compareVersions(source, dest) >= 0) continue;
        const cellsOf = board.cells.get(pairKey(source, dest));
        if (cellsOf === undefined) continue;
        pairs++;
        for (const c of cellsOf.values()) {
          if (c.verdict !== 'breaks') continue;
          const why = c.findings.find((f) => f.verdict === 'breaks');
          (usable(c.qomType, source, name) ? breaks : unsureBreaks).push({ qomType: c.qomType, section: c.section, source, dest, reason: why?.reason ?? '' });
        }
      }
    }
  }
  const deprecated = deprecatedSince !== undefined ? `, deprecated since ${deprecatedSince}` : '';
  const facts = { deprecatedSince, removedIn, lastOffered, breaks, unsureBreaks };
  if (removedIn !== undefined) return { standing: 'ended', label: `promise ended: removed in ${removedIn}${deprecated}`, ...facts };
  if (breaks.length > 0) return { standing: 'broken', label: `promised but broken${deprecated}`, ...facts };
  if (pairs === 0) return { standing: 'unchecked', label: `forward promised${deprecated}`, ...facts };
  return { standing: 'kept', label: `forward promised and kept${deprecated}`, ...facts };
}

/** The tier's reason, with what the board found: devices that break it, where it ended. */
export function standingReason(row: MachineTierRow, boardBuilds: readonly string[] | undefined): string {
  const parts: string[] = [];
  if (row.standing === 'ended') parts.push(`Its promise ended: ${row.removedIn ?? '?'} no longer offers it (the last build that does is ${row.lastOffered ?? '?'}); VMs of this type must move to a newer machine type before that build.`);
  if (row.breaks.length > 0) {
    const byDevice = new Map<string, string[]>();
    for (const b of row.breaks) {
      const list = byDevice.get(b.qomType) ?? [];
      list.push(`${b.source} → ${b.dest}`);
      byDevice.set(b.qomType, list);
    }
    const listed = [...byDevice].map(([q, pairs]) => `${q} (${pairs.join(', ')})`).join('; ');
    parts.push(`Broken for VMs with ${listed}: the manifests show their state changed without a version or subsection that keeps the old layout loading. VMs without these devices keep the promise.`);
  }
  if (row.unsureBreaks.length > 0) {
    const names = [...new Set(row.unsureBreaks.map((b) => b.qomType))];
    parts.push(`${names.join(', ')} also ${names.length === 1 ? 'breaks' : 'break'}, but no -device help list or compat property says a VM of this type can have ${names.length === 1 ? 'it' : 'them'} (machine code creates ${names.length === 1 ? 'it' : 'them'} for some machine types).`);
  }
  if (row.standing === 'kept') parts.push(`Kept: no device breaks between the builds that offer it (${(boardBuilds ?? []).join(', ')}), as far as the manifests show; devices whose state the manifests cannot show stay at risk on the board.`);
  if (row.standing === 'unchecked' && boardBuilds !== undefined) parts.push('Not checked: fewer than two builds with manifests offer it.');
  return parts.join(' ');
}

function compareRows(a: MachineTierRow, b: MachineTierRow): number {
  const kindOrder: Readonly<Record<MachineKind, number>> = { versioned: 0, alias: 1, unversioned: 2 };
  if (a.kind !== b.kind) return kindOrder[a.kind] - kindOrder[b.kind];
  if (a.family !== b.family) return a.family < b.family ? -1 : 1;
  if (a.machineVersion !== undefined && b.machineVersion !== undefined) return compareVersions(b.machineVersion, a.machineVersion);
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function keepsOf(input: TierVersionInput): VersionKeeps {
  const versioned = (input.machines?.machines ?? [])
    .map((m) => ({ m, parsed: parseMachineName(m.name) }))
    .filter((x) => x.parsed.version !== undefined);
  const byFamily = new Map<string, { family: string; versions: string[] }>();
  for (const { parsed } of versioned) {
    const entry = byFamily.get(parsed.family) ?? { family: parsed.family, versions: [] };
    byFamily.set(parsed.family, entry);
    entry.versions.push(parsed.version ?? '');
  }
  const sortNames = (list: readonly string[]): string[] =>
    [...list].sort((a, b) => {
      const x = parseMachineName(a);
      const y = parseMachineName(b);
      return x.family !== y.family ? (x.family < y.family ? -1 : 1) : compareVersions(x.version ?? '', y.version ?? '');
    });
  return {
    version: input.version,
    versioned: sortNames(versioned.map((x) => x.m.name)),
    deprecated: sortNames(versioned.filter((x) => x.m.deprecated === true).map((x) => x.m.name)),
    families: [...byFamily.values()]
      .map((f) => {
        const sorted = [...f.versions].sort(compareVersions);
        return { family: f.family, oldest: sorted[0] ?? '', newest: sorted[sorted.length - 1] ?? '', count: sorted.length };
      })
      .sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : 0)),
  };
}

/**
 * Device types whose realize registers their vmsd by hand (vmstate_register), so they migrate
 * although the manifest has no entry for them: eepro100 (hw/net/eepro100.c, one vmsd per NIC
 * model), ISA and (before 8.x) PIIX IDE (hw/ide/isa.c, hw/ide/piix.c).
 */
const HAND_REGISTERED = /^(i8255[0-9][a-z]*|i82562|i82801|isa-ide|piix[34]-ide(?:-xen)?)$/;

/** Buses whose devices are saved by their controller, not by a vmsd of their own. */
const CONTROLLER_SAVED_BUSES: ReadonlySet<string> = new Set(['IDE', 'floppy-bus', 'virtio-serial-bus', 'HDA', 'ccid-bus']);

function noVmstateOf(input: TierVersionInput): NoVmstateDevices | undefined {
  const manifest = input.manifest;
  const devices = input.devices;
  if (manifest === undefined || devices === undefined) return undefined;
  const withState = new Set(manifest.devices.keys());
  const found: NoVmstateDevice[] = [];
  const excluded: { name: string; rule: string }[] = [];
  for (const d of devices) {
    if (withState.has(d.name)) continue;
    const rule = exclusionRule(d, withState);
    if (rule !== undefined) excluded.push({ name: d.name, rule });
    else found.push({ name: d.name, bus: d.bus, category: d.category });
  }
  return { version: input.version, tier: 'cannot migrate', devices: found, excluded };
}

function exclusionRule(d: DeviceHelpEntry, withState: ReadonlySet<string>): string | undefined {
  if (/cpu/i.test(d.category) || /-cpu$/.test(d.name)) return 'CPU model: saved by the per-vCPU cpu section';
  if (d.bus !== undefined && CONTROLLER_SAVED_BUSES.has(d.bus)) return `on the ${d.bus} bus: saved by its controller`;
  if (HAND_REGISTERED.test(d.name)) return 'registers its vmsd by hand in realize';
  const proxied = /^(.*)-(pci|ccw)(?:-(?:non-)?transitional)?$/.exec(d.name);
  if (proxied?.[1] !== undefined) {
    const inner = `${proxied[1]}-device`;
    if (withState.has(inner) || withState.has(proxied[1])) return `virtio proxy: saved by ${withState.has(inner) ? inner : proxied[1]}`;
  }
  return undefined;
}

/**
 * The tiers of a set of builds as `migscope tiers` and the dashboard show them: with the
 * manifests of two builds or more, each promise is checked against the board of their devices.
 */
export function machineTiersOfBuilds(inputs: readonly TierVersionInput[]): MachineTiers {
  const withManifest = inputs.flatMap((i) => (i.manifest === undefined ? [] : [{ version: i.version, manifest: i.manifest }]));
  const board = withManifest.length >= 2 ? releaseBoard(withManifest, inputs.flatMap((i) => (i.machines === undefined ? [] : [{ version: i.version, machines: i.machines }]))) : undefined;
  return machineTiers(inputs, board?.ok === true ? board.value : undefined);
}
