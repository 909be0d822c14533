/**
 * Replays a stream as a destination's loader would, with what is known of the destination
 * beforehand: its machine type (and whether its QEMU has that type), its `-device` list, its
 * `-dump-vmstate` manifest, its machine list and release. The first record that would stop the
 * load decides `fails`; anything the inputs cannot settle makes it `at-risk` (with why);
 * otherwise `loads`.
 *
 * Order follows `qemu_loadvm_state()`: header and configuration (machine type, capabilities),
 * then every record in stream order (the RAM setup list in the `ram` START section, commands,
 * device sections with their versions, subsections and fields). A stream that does not decode is
 * damaged whatever the destination, except a cut inside the vmdesc trailer, which QEMU never
 * reads (fixtures/loads/mismatch d-5.2-minimal-90 loads).
 */
import type { DecodeResult, SectionRecord, VmdescDevice } from '../../format/model.ts';
import type { DevicePropertiesHelp } from '../../manifest/device-properties.ts';
import { runSectionChecks, type PropertySources, type RuntimeDestination } from '../runtime-checks/index.ts';
import type { Remedy } from '../runtime-checks/model.ts';
import { checkRamBlockSize } from '../runtime-checks/ram-blocks.ts';
import { archOfMachine, knownBuild } from '../build-profiles/index.ts';
import type { VmstateDevice, VmstateManifest } from '../../manifest/vmstate-manifest.ts';
import { devicesByVmsdName } from '../../manifest/vmstate-manifest.ts';
import { machineFamily, placeDevices, type PlacedDevice, type Placement } from './device-placement.ts';
import { rootPciSlot, SECTIONS_WITHOUT_DEVICE_CLASS, splitIdstr, usbPort } from './idstr.ts';
import { compareLayout, layoutScore, type LayoutFinding } from './layout.ts';
import { catalogVersion, closestMachine, resolveMachine, type MachineCatalog } from './machines-list.ts';
import * as msg from './messages.ts';
import type { ExplainFailure, ExplainNote, ExplainVerdict, FailureValue } from './model.ts';
import { atLeast, formatQemuVersion, type QemuVersion } from './qemu-version.ts';
import type { QemuCommandLine } from './qemu-cmdline.ts';
import { describeDest, describeSection, machineMismatchStory, makeFailure, streamDamageNote } from './stories.ts';
import {
  findNode,
  findSection,
  headerIdstrOffset,
  headerVersionOffset,
  hex,
  nodeValue,
  openNode,
  partialSection,
  toFailureSection,
  utf8Length,
  type LocatedSection,
} from './stream-locate.ts';

export interface DestinationKnowledge {
  /** The destination binary's `-dump-vmstate` manifest. */
  readonly manifest?: VmstateManifest | undefined;
  /** The destination's `-machine` (wins over the command line's and the manifest's). */
  readonly machine?: string | undefined;
  /** `-machine help` or `query-machines` of the destination binary. */
  readonly machines?: MachineCatalog | undefined;
  readonly cmdline?: QemuCommandLine | undefined;
  readonly version?: QemuVersion | undefined;
  /**
   * A stream the destination build saved with the same configuration: its values (queue sizes,
   * register lists, RAM block sizes) are facts about the destination.
   */
  readonly sample?: DecodeResult | undefined;
  /** `-device NAME,help` output of the destination build: property defaults. */
  readonly deviceProperties?: DevicePropertiesHelp | undefined;
}

export type MachineSource = 'option' | 'cmdline' | 'manifest' | 'default';

export interface ResolvedDestination {
  /** The `-machine` value as given. */
  readonly machine: string | undefined;
  readonly machineSource: MachineSource | undefined;
  /** The type it selects (aliases resolved), when the machine list is known. */
  readonly machineType: string | undefined;
  readonly version: QemuVersion | undefined;
  readonly versionSource: 'option' | 'machines' | undefined;
}

export interface Prediction {
  readonly verdict: ExplainVerdict;
  readonly failure: ExplainFailure | undefined;
  readonly notes: readonly ExplainNote[];
  /** What was assumed because an input was missing. */
  readonly assumptions: readonly string[];
  readonly destination: ResolvedDestination;
}

export function resolveDestination(dest: DestinationKnowledge): ResolvedDestination {
  let machine: string | undefined;
  let machineSource: MachineSource | undefined;
  if (dest.machine !== undefined) [machine, machineSource] = [dest.machine, 'option'];
  else if (dest.cmdline?.machine !== undefined) [machine, machineSource] = [dest.cmdline.machine, 'cmdline'];
  else if (dest.cmdline !== undefined && dest.machines?.defaultMachine !== undefined) [machine, machineSource] = [dest.machines.defaultMachine, 'default'];
  else if (dest.manifest?.machine !== undefined) [machine, machineSource] = [dest.manifest.machine, 'manifest'];
  const machineType = machine !== undefined && dest.machines !== undefined ? resolveMachine(dest.machines, machine) : machine;
  let version: QemuVersion | undefined;
  let versionSource: ResolvedDestination['versionSource'];
  if (dest.version !== undefined) [version, versionSource] = [dest.version, 'option'];
  else if (dest.machines !== undefined) {
    version = catalogVersion(dest.machines);
    if (version !== undefined) versionSource = 'machines';
  }
  return { machine, machineSource, machineType, version, versionSource };
}

interface Ctx {
  readonly stream: DecodeResult;
  readonly dest: DestinationKnowledge;
  readonly resolved: ResolvedDestination;
  readonly version: QemuVersion | undefined;
  readonly placement: Placement | undefined;
  readonly notes: ExplainNote[];
  readonly assumptions: string[];
  /** Section idstrs / RAM block paths that need a device the inputs cannot show. */
  readonly unverifiedPaths: Set<string>;
  /** Paths whose device placement is a guess, with the device that makes it one. */
  readonly uncertainPaths: Map<string, string>;
  readonly runtime: RuntimeDestination;
  /** A property change a runtime check proposed for the failure it found. */
  remedy?: Remedy | undefined;
}

export function predictLoad(stream: DecodeResult, dest: DestinationKnowledge): Prediction {
  const { prediction, remedy } = predictOnce(stream, dest);
  if (remedy === undefined || prediction.failure === undefined || dest.cmdline === undefined) return prediction;
  // A fix that names a property is checked: the same prediction with the property set.
  const cmdline = withDeviceProperty(dest.cmdline, prediction.destination.machineType, dest.manifest, remedy);
  if (cmdline === undefined) return prediction;
  const again = predictOnce(stream, { ...dest, cmdline }).prediction;
  const setting = `${remedy.property}=${remedy.value} on the ${remedy.driver} at ${remedy.path}`;
  const checked =
    again.verdict === 'loads'
      ? ` Checked: with ${setting} the rest of the stream loads too.`
      : again.failure !== undefined
        ? ` Checked: with ${setting} the load gets past this device, then fails at '${again.failure.section?.idstr ?? '?'}' (${again.failure.message.split('\n')[0] ?? ''}), so that alone is not enough.`
        : ` Checked: with ${setting} the prediction is '${again.verdict}'.`;
  return { ...prediction, failure: { ...prediction.failure, fix: `${prediction.failure.fix}${checked}` } };
}

/** The command line with one device option's property set (the device at `remedy.path`). */
function withDeviceProperty(cmdline: QemuCommandLine, machine: string | undefined, manifest: VmstateManifest | undefined, remedy: Remedy): QemuCommandLine | undefined {
  const placed = placeDevices(machine, cmdline, manifest).byPath.get(remedy.path);
  const option = placed?.option;
  if (option === undefined) return undefined;
  const devices = cmdline.devices.map((d) => (d.index === option.index ? { ...d, props: new Map([...d.props, [remedy.property, remedy.value]]) } : d));
  return { ...cmdline, devices };
}

function predictOnce(stream: DecodeResult, dest: DestinationKnowledge): { prediction: Prediction; remedy: Remedy | undefined } {
  const resolved = resolveDestination(dest);
  const version = resolved.version;
  const notes: ExplainNote[] = [];
  const assumptions: string[] = [];
  if (version === undefined) assumptions.push('destination QEMU version unknown: messages use the wording of QEMU <= 10.1');
  if (resolved.machineSource === 'manifest') assumptions.push(`destination machine type taken from the manifest (vmschkmachine '${resolved.machine ?? ''}'); give --dest-machine if the destination runs another`);
  if (resolved.machineSource === 'default') assumptions.push(`the destination command line has no -machine: its QEMU's default machine '${resolved.machine ?? ''}' is used`);
  const placement = dest.cmdline !== undefined ? placeDevices(resolved.machineType ?? resolved.machine ?? stream.configuration?.machineType, dest.cmdline, dest.manifest) : undefined;
  const runtime = runtimeDestination(dest, resolved, stream, assumptions);
  const ctx: Ctx = { stream, dest, resolved, version, placement, notes, assumptions, unverifiedPaths: new Set(), uncertainPaths: new Map(), runtime };
  const done = (failure: ExplainFailure | undefined): { prediction: Prediction; remedy: Remedy | undefined } => ({ prediction: finish(ctx, failure), remedy: failure !== undefined ? ctx.remedy : undefined });

  // A stream that does not decode is damaged whatever the destination.
  const damaged = damageFailure(ctx);
  if (damaged !== undefined) return done(damaged);

  const machine = machineFailure(ctx);
  if (machine !== undefined) return done(machine);

  const caps = capabilityFailure(ctx);
  if (caps !== undefined) return done(caps);

  if (dest.manifest === undefined) assumptions.push('no destination manifest: section versions, subsections and fields are not checked');
  if (dest.cmdline === undefined) assumptions.push("no destination command line: whether the destination has each of the stream's devices is not known");
  if (stream.vmdesc === undefined) {
    notes.push({ severity: 'info', code: 'NO_VMDESC', text: 'the stream has no vmdesc: section versions are checked, but subsections and fields (inside opaque bodies) are not' });
  }

  const seenPaths = new Set<string>();
  for (const record of stream.records) {
    if (record.kind === 'command') {
      const f = commandFailure(ctx, record.cmd, record.name, record.length, record.start, record.end);
      if (f !== undefined) return done(f);
      continue;
    }
    if (record.kind !== 'section' || (record.type !== 'START' && record.type !== 'FULL')) continue;
    const path = splitIdstr(record.idstr).path;
    if (path !== undefined) seenPaths.add(path);
    const f = record.bodyDecoder === 'ram' && record.type === 'START' ? ramFailure(ctx, record, seenPaths) : sectionFailure(ctx, record);
    if (f !== undefined) return done(f);
  }

  if (ctx.unverifiedPaths.size > 0) {
    const paths = [...ctx.unverifiedPaths];
    const firstSection = stream.sections.find((s) => splitIdstr(s.idstr).path === paths[0] && (s.type === 'FULL' || s.type === 'START'));
    const located = firstSection !== undefined ? findSection(stream, firstSection.idstr, firstSection.instanceId) : undefined;
    notes.push({
      severity: 'at-risk',
      code: 'DEVICES_UNKNOWN',
      text: `the stream holds state of devices at ${paths.join(', ')}; without the destination's device list it cannot be told whether the destination has a device at each of these addresses (a missing one fails with 'Unknown savevm section or instance')`,
      cause: 'UNKNOWN_SECTION',
      section: located !== undefined ? toFailureSection(located) : undefined,
      message: located !== undefined ? msg.unknownSectionLines(located.idstr, located.instance, version).join('\n') : undefined,
      fix: 'Give the destination command line (--dest-cmdline) to check it, and start the destination with the same -device list, in the same order, as the source.',
    });
  }
  if (ctx.uncertainPaths.size > 0) {
    const paths = [...ctx.uncertainPaths.keys()];
    const culprits = [...new Set(ctx.uncertainPaths.values())];
    const firstSection = stream.sections.find((s) => splitIdstr(s.idstr).path === paths[0] && (s.type === 'FULL' || s.type === 'START'));
    const located = firstSection !== undefined ? findSection(stream, firstSection.idstr, firstSection.instanceId) : undefined;
    notes.push({
      severity: 'at-risk',
      code: 'PLACEMENT_UNCERTAIN',
      text: `whether the destination's ${culprits.join(', ')} takes a PCI slot is not known, so the devices the stream has at ${paths.join(', ')} may sit elsewhere on the destination`,
      cause: 'UNKNOWN_SECTION',
      section: located !== undefined ? toFailureSection(located) : undefined,
      message: located !== undefined ? msg.unknownSectionLines(located.idstr, located.instance, version).join('\n') : undefined,
      fix: "Give the destination's devices explicit addr= values equal to the source's addresses.",
    });
  }
  if (placement !== undefined) {
    for (const d of placement.devices) {
      if (d.origin !== 'cmdline' || seenPaths.has(d.path)) continue;
      notes.push({ severity: 'info', code: 'DEVICE_ONLY_ON_DESTINATION', text: `the destination's ${d.qomType} at ${d.path} has no state in the stream: it loads and keeps its reset state` });
    }
  }
  return done(undefined);
}

/** What the runtime checks know of the destination, from the same inputs. */
export function runtimeDestination(dest: DestinationKnowledge, resolved: ResolvedDestination, stream: DecodeResult, assumptions?: string[]): RuntimeDestination {
  // A destination that loads the stream at all runs the stream's machine type.
  const machineType = resolved.machineType ?? resolved.machine ?? stream.configuration?.machineType;
  const compat = machineType !== undefined ? dest.machines?.compatProps?.get(machineType) : undefined;
  let defaults = dest.deviceProperties;
  const arch = archOfMachine(machineType);
  const build = resolved.version !== undefined && arch !== undefined ? knownBuild(resolved.version, arch) : undefined;
  if (build !== undefined) {
    if (defaults === undefined) defaults = build.deviceProperties;
    assumptions?.push(
      `the destination is Debian's QEMU ${build.qemu} (${build.package}, ${arch}), the ${build.release} build migscope has real data of: its -device defaults${dest.deviceProperties !== undefined ? ' (given ones win)' : ''} and firmware / option ROM sizes; give --dest-sample${dest.deviceProperties === undefined ? ' or --dest-device-help' : ''} for another build`,
    );
  }
  const properties: PropertySources = {
    defaults,
    compat,
    compatUnknownWhy:
      dest.machines?.compatProps === undefined
        ? "the destination machine type's compat properties are not known (query-machines with \"compat-props\": true, QEMU 9.1 and later)"
        : `the destination's query-machines reply has no machine type '${machineType ?? '?'}'`,
    globals: dest.cmdline?.globals,
  };
  return { version: resolved.version, machineType, cmdline: dest.cmdline, properties, sample: dest.sample, sampleName: dest.sample?.source.name, build };
}

function finish(ctx: Ctx, failure: ExplainFailure | undefined): Prediction {
  const verdict: ExplainVerdict = failure !== undefined ? 'fails' : ctx.notes.some((n) => n.severity === 'at-risk') ? 'at-risk' : 'loads';
  return { verdict, failure, notes: ctx.notes, assumptions: ctx.assumptions, destination: ctx.resolved };
}

// ---------------------------------------------------------------------------------------------
// Damaged streams

function damageFailure(ctx: Ctx): ExplainFailure | undefined {
  const { stream, version } = ctx;
  const error = stream.error;
  if (error === undefined) return undefined;
  if (error.path[0] === 'vmdesc' || (stream.vmdesc === undefined && error.code === 'VMDESCRIPTION_INVALID')) {
    ctx.notes.push({ severity: 'info', code: 'VMDESC_DAMAGED', text: `the vmdesc trailer is damaged (${error.message}); QEMU never reads it, so this does not stop the load`, offset: error.offset });
    return undefined;
  }
  if (error.code === 'TRAILING_DATA') {
    ctx.notes.push({ severity: 'info', code: 'TRAILING_DATA', text: `bytes after the end of the stream (${error.message}); QEMU stops at the EOF record and only warns`, offset: error.offset });
    return undefined;
  }
  if (error.code === 'BAD_MAGIC' || error.code === 'UNSUPPORTED_VERSION') {
    const magic = stream.header?.magic ?? 0;
    const lines = error.code === 'BAD_MAGIC' ? msg.badMagicLines(magic, version) : msg.badVersionLines(stream.header?.version ?? 0, version);
    return makeFailure({
      cause: 'BAD_HEADER',
      offset: error.offset,
      length: 4,
      field: error.code === 'BAD_MAGIC' ? 'magic' : 'version',
      message: lines,
      explanation: `This is not a QEMU migration stream QEMU can load: ${error.message}. QEMU reads the 4-byte magic 'QEVM' and the stream version 3 before anything else.`,
      fix: 'Give the destination the raw migration stream (strip any wrapper or compression the file was stored with), or the right file.',
    });
  }
  const section = partialSection(stream);
  if (error.code === 'UNEXPECTED_EOF') return truncationFailure(ctx, section);
  const where = section !== undefined ? ` in ${describeSection(section.idstr)}` : '';
  const lines =
    error.code === 'SECTION_FOOTER_MISMATCH' && section !== undefined
      ? msg.missingFooterLines(section.idstr, section.sectionId ?? 0, version)
      : error.code === 'BAD_COMMAND' && /unknown/i.test(error.message)
        ? [error.message]
        : [`(the destination stops at ${hex(error.offset)}: ${error.message})`];
  return makeFailure({
    cause: 'CORRUPTED',
    section: section !== undefined ? toFailureSection(section) : undefined,
    field: error.path.slice(1).join('/') || undefined,
    offset: error.offset,
    length: 1,
    message: lines,
    explanation:
      `The stream is damaged${where}: at ${hex(error.offset)} ${error.message}` +
      `${error.expected !== undefined ? ` (expected ${error.expected}, found ${error.actual ?? '?'})` : ''}. ` +
      `The stream's own description of this section (its vmdesc) does not match its bytes, so any destination stops here.`,
    fix: 'The file was altered or mixed after it was saved: save the VM again (or restore the file from a copy).',
  });
}

function truncationFailure(ctx: Ctx, section: LocatedSection | undefined): ExplainFailure {
  const { stream, version } = ctx;
  const error = stream.error;
  const size = stream.source.size;
  const offset = size;
  if (section === undefined) {
    return makeFailure({
      cause: 'TRUNCATED',
      offset,
      message: msg.truncatedBoundaryLines(false, version),
      explanation: `The stream ends at ${hex(size)} (${size} bytes) before its EOF record: ${error?.message ?? 'cut short'}. The destination reads until the data runs out and fails with an I/O error.`,
      fix: 'Copy or save the stream again completely (the source may have been stopped, or the file cut, before migration completed).',
    });
  }
  if (section.idstr === 'ram') {
    const ramId = section.sectionId ?? 0;
    return makeFailure({
      cause: 'TRUNCATED',
      section: toFailureSection(section),
      field: 'RAM pages',
      offset,
      message: msg.truncatedRamLines(ramId, version),
      explanation:
        `The stream ends at ${hex(size)} inside the RAM section (id ${ramId}, the record starting at ${hex(section.start)}): ${error?.message ?? 'cut short'}. ` +
        `No device state follows, so no destination can load it.`,
      fix: 'Copy or save the stream again completely: it was cut (head -c, a full disk, a killed source) before migration completed.',
    });
  }
  const open = section.node !== undefined ? openNode(section.node) : undefined;
  const field = open !== undefined && open !== section.node ? open.name : undefined;
  const vmsd = splitIdstr(section.idstr).name;
  return makeFailure({
    cause: 'TRUNCATED',
    section: toFailureSection({ ...section, end: size }),
    field,
    offset,
    message: msg.truncatedDeviceLines(section.idstr, section.instance, vmsd, undefined, version),
    explanation:
      `The stream ends at ${hex(size)}, ${size - section.start} bytes into ${describeSection(section.idstr)} (section at ${hex(section.start)}): ${error?.message ?? 'cut short'}. ` +
      `Everything before it is intact; the destination fails reading this device${stream.vmdesc === undefined ? ' (the vmdesc trailer went with the end of the file, so the stream alone does not show which field the cut falls in)' : ''}.`,
    fix: 'Copy or save the stream again completely: it was cut before its end.',
  });
}

// ---------------------------------------------------------------------------------------------
// Machine type and capabilities

function machineFailure(ctx: Ctx): ExplainFailure | undefined {
  const { stream, dest, resolved, version } = ctx;
  const received = stream.configuration?.machineType;
  const machine = resolved.machine;
  if (machine === undefined) {
    if (received !== undefined) {
      ctx.notes.push({
        severity: 'at-risk',
        code: 'MACHINE_UNKNOWN',
        text: `the destination's -machine is not known; it must be '${received}' (or an alias of it)`,
        cause: 'MACHINE_TYPE_MISMATCH',
        message: msg.machineTypeMismatchLines(received, '<destination machine>', version).join('\n'),
        fix: `Start the destination with -machine ${received}.`,
      });
    }
    return undefined;
  }
  if (dest.machines !== undefined && resolved.machineType === undefined) {
    const closest = received !== undefined ? closestMachine(dest.machines, received) : undefined;
    const lines = msg.unknownMachineLines(machine, version);
    return makeFailure({
      cause: 'UNKNOWN_MACHINE_TYPE',
      section: undefined,
      field: 'configuration/name',
      offset: stream.configuration !== undefined ? stream.configuration.start + 5 : undefined,
      length: received?.length,
      message: lines,
      explanation:
        `${capitalise(describeDest(version))} has no machine type '${machine}'${closest !== undefined ? ` (its newest of that family is '${closest}')` : ''}, so it exits before reading any of the stream. ` +
        (received === machine
          ? `The stream was saved with '${received}', and only a QEMU that has '${received}' can load it: any other -machine fails with 'Machine type received is '${received}' and local is ...'.`
          : `The stream was saved with '${received ?? '?'}'.`),
      fix:
        received === machine
          ? `Migrate to a QEMU that has '${received}'${machineVersionHint(received)}, or start the source VM with a machine type both QEMUs have${closest !== undefined ? ` (the destination's newest is '${closest}')` : ''} and save it again.`
          : `Start the destination with -machine ${received ?? '<the stream\'s machine type>'}${dest.machines !== undefined && received !== undefined && resolveMachine(dest.machines, received) === undefined ? ' (which this destination QEMU lacks too: use a newer one)' : ''}.`,
      values: configurationValues(stream),
    });
  }
  if (received === undefined) {
    ctx.notes.push({ severity: 'info', code: 'NO_CONFIGURATION', text: 'the stream has no configuration section (send-configuration off): the machine type is not checked by QEMU' });
    return undefined;
  }
  const local = resolved.machineType ?? machine;
  if (local === received) return undefined;
  const destHas = dest.machines !== undefined ? resolveMachine(dest.machines, received) !== undefined : undefined;
  const story = machineMismatchStory(received, local, destHas, version);
  const aliasNote = local !== machine ? ` ('${machine}' is an alias of '${local}' there)` : '';
  return makeFailure({
    cause: 'MACHINE_TYPE_MISMATCH',
    section: undefined,
    field: 'configuration/name',
    offset: stream.configuration !== undefined ? stream.configuration.start + 5 : undefined,
    length: received.length,
    message: msg.machineTypeMismatchLines(received, local, version),
    explanation: story.explanation + aliasNote,
    fix: story.fix,
    values: configurationValues(stream),
  });
}

function machineVersionHint(machine: string): string {
  const m = /-(\d+)\.(\d+)$/.exec(machine);
  return m === null ? '' : ` (QEMU ${m[1]}.${m[2]} or newer)`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function configurationValues(stream: DecodeResult): FailureValue[] {
  const node = stream.configuration?.node;
  if (node === undefined) return [];
  const name = findNode(node, ['name']);
  const v = name !== node ? nodeValue(name) : undefined;
  return v === undefined ? [] : [{ ...v, name: 'machine type' }];
}

/** Capabilities QEMU validates (`configuration_validate_capabilities`) and when they appeared. */
const VALIDATED_CAPABILITIES: Readonly<Record<string, QemuVersion>> = {
  'x-ignore-shared': { major: 4, minor: 0 },
  'mapped-ram': { major: 9, minor: 0 },
};

function capabilityFailure(ctx: Ctx): ExplainFailure | undefined {
  const { stream, version } = ctx;
  for (const cap of stream.configuration?.capabilities ?? []) {
    const since = VALIDATED_CAPABILITIES[cap];
    if (since !== undefined && version !== undefined && !atLeast(version, since.major, since.minor)) {
      return makeFailure({
        cause: 'CAPABILITY_MISMATCH',
        field: 'configuration/capabilities',
        offset: stream.configuration?.start,
        message: [`Received unknown capability ${cap}`, 'load of migration failed: Invalid argument'],
        explanation: `The stream was saved with migration capability '${cap}', which QEMU ${formatQemuVersion(version)} does not know (it appeared in ${formatQemuVersion(since)}).`,
        fix: `Save the VM again without '${cap}', or migrate to QEMU ${formatQemuVersion(since)} or newer.`,
      });
    }
    ctx.notes.push({
      severity: 'at-risk',
      code: 'CAPABILITY_REQUIRED',
      text: `the stream was saved with capability '${cap}'; the destination must enable it too (migrate-set-capabilities before migrate-incoming), or it fails with 'Capability ${cap} is off, but received capability is on'`,
      cause: 'CAPABILITY_MISMATCH',
      offset: stream.configuration?.start,
      message: msg.capabilityLines(cap, version).join('\n'),
      fix: `On the destination: -incoming defer, migrate-set-capabilities {"capabilities":[{"capability":"${cap}","state":true}]}, then migrate-incoming.`,
    });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Commands

function commandFailure(ctx: Ctx, cmd: number, name: string, length: number, start: number, end: number): ExplainFailure | undefined {
  const { version } = ctx;
  // MIG_CMD_SWITCHOVER_START (0xb) appeared in 10.0; older destinations reject it.
  if (cmd === 0x0b && version !== undefined && !atLeast(version, 10, 0)) {
    return makeFailure({
      cause: 'UNKNOWN_COMMAND',
      field: name,
      offset: start,
      length: end - start,
      message: msg.unknownCommandLines(cmd, length, version),
      explanation: `The stream carries a SWITCHOVER_START command (MIG_CMD 0xb) at ${hex(start)}: a QEMU 10.0 or newer source sends it for machine types newer than 9.2. ${capitalise(describeDest(version))} predates the command.`,
      fix: 'Save the VM again with a machine type of 9.2 or older, or with -global migration.send-switchover-start=off on the source.',
    });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// RAM blocks

function ramFailure(ctx: Ctx, record: SectionRecord, seenPaths: Set<string>): ExplainFailure | undefined {
  const { stream, placement, version } = ctx;
  const ram = stream.ram;
  if (ram === undefined) return undefined;
  const located = findSection(stream, record.idstr, record.instanceId);
  const section = located !== undefined ? toFailureSection(located) : undefined;
  const unknownSizes: ExplainNote[] = [];
  for (const block of ram.blocks) {
    const { path, name } = splitIdstr(block.name);
    if (path !== undefined) {
      seenPaths.add(path);
      if (placement === undefined) {
        if (!isMachinePath(machineFamily(stream.configuration?.machineType), path)) ctx.unverifiedPaths.add(path);
        continue;
      }
      if (placementIsGuess(ctx, placement, path)) continue;
      const problem = blockProblem(placement, path, name);
      if (problem !== undefined) {
        const lines = msg.unknownRamblockLines(block.name, version);
        return makeFailure({
          cause: 'RAMBLOCK_MISMATCH',
          section,
          field: `ram/${block.name}`,
          offset: block.offset,
          length: 1 + utf8Length(block.name) + 8,
          message: lines,
          explanation:
            `The stream's RAM block list (the setup record of the 'ram' section, read before any device) names '${block.name}' (${block.usedLength} bytes), ` +
            `the ${name} of the PCI device at ${path}. ${problem.why} ` +
            `RAM block names embed the device's PCI address, so the destination must have the same device at the same slot.`,
          fix: problem.fix,
          values: [{ name: 'block', offset: block.offset, length: 1 + utf8Length(block.name) + 8, value: `'${block.name}' ${block.usedLength} bytes` }],
        });
      }
    }
    const size = checkRamBlockSize(block, located, ctx.runtime);
    if (size.verdict === 'fails') return size.failure;
    if (size.verdict === 'at-risk') unknownSizes.push(size.note);
  }
  // One note for every block whose destination size is unknown (they share the missing input).
  const first = unknownSizes[0];
  if (first !== undefined) {
    const names = unknownSizes.map((n) => /'([^']+)'/.exec(n.text)?.[1] ?? '?');
    ctx.notes.push({ ...first, text: `the destination's sizes of the RAM blocks ${names.map((n) => `'${n}'`).join(', ')} (firmware, option ROMs, video RAM of the destination host) are not known, and QEMU refuses a block of another size; give --dest-sample (a stream the destination build saved with the same configuration)${ctx.version === undefined ? ', or --dest-version for a Debian build migscope knows' : ''}` });
  }
  return undefined;
}

function isMachinePath(family: ReturnType<typeof machineFamily>, path: string): boolean {
  const slot = rootPciSlot(path);
  if (slot === undefined) return false;
  return (family === 'i440fx' && slot <= 1) || (family === 'q35' && (slot === 0 || slot === 0x1f)) || (family === 'virt' && slot === 0);
}

function blockProblem(placement: Placement, path: string, region: string): { why: string; fix: string } | undefined {
  const slot = rootPciSlot(path);
  if (slot !== undefined && placement.machineSlots.has(slot)) return undefined;
  const placed = placement.byPath.get(path);
  const rom = /^(.*)\.rom$/.exec(region)?.[1];
  const owner = rom !== undefined && rom !== 'vga' ? rom : undefined;
  if (placed === undefined) {
    return {
      why: `The destination has no device at ${path}${owner !== undefined ? ` (its command line has ${countOf(placement, owner)})` : ''}.`,
      fix: owner !== undefined ? `Give the destination the source's -device ${owner} at ${path} (same position in the -device list, or addr=${path.slice(8)}).` : `Give the destination the source's device at ${path}.`,
    };
  }
  if (owner !== undefined && placed.qomType !== owner) {
    return {
      why: `On the destination ${path} holds ${placed.qomType} (${describeOrigin(placed)}), so no block of that name exists there${shiftHint(placement, owner)}.`,
      fix: fixForShift(placement, owner, path),
    };
  }
  if (owner !== undefined && placed.option?.props.get('romfile') === '') {
    return { why: `The destination's ${placed.qomType} at ${path} has romfile='' (no option ROM).`, fix: `Drop romfile= from the destination's ${placed.qomType}, as on the source.` };
  }
  return undefined;
}

function countOf(placement: Placement, qomType: string): string {
  const list = placement.devices.filter((d) => d.qomType === qomType);
  return list.length === 0 ? `no ${qomType}` : `${qomType} at ${list.map((d) => d.path).join(', ')}`;
}

function describeOrigin(d: PlacedDevice): string {
  if (d.origin === 'default') return 'a default device QEMU adds without -nodefaults';
  if (d.option === undefined) return 'from its command line';
  return `its -device #${d.option.index + 1}, ${d.option.text}`;
}

function shiftHint(placement: Placement, qomType: string): string {
  const there = placement.devices.find((d) => d.qomType === qomType);
  return there !== undefined ? `; its ${qomType} landed on ${there.path} instead` : '';
}

function fixForShift(placement: Placement, qomType: string, path: string): string {
  const there = placement.devices.find((d) => d.qomType === qomType);
  const first = placement.devices.find((d) => d.origin === 'cmdline' && rootPciSlot(d.path) !== undefined);
  if (there !== undefined && first !== undefined && first.path === path && first.option !== undefined) {
    return `Devices without addr= take PCI slots in command-line order, and the destination's first -device (${first.option.text}) took ${path}: move it after the source's devices (or give it an explicit free addr=), so ${qomType} is at ${path} again.`;
  }
  return `Give the destination the same -device list in the same order as the source (or explicit addr= values), so ${qomType} is at ${path}.`;
}

/**
 * True (and the path noted as a guess) when a device the model could not place may sit at this
 * root-bus path, or when the device placed there only got its slot after such a device.
 */
function placementIsGuess(ctx: Ctx, placement: Placement, path: string): boolean {
  const slot = rootPciSlot(path);
  if (slot !== undefined && placement.machineSlots.has(slot)) return false;
  const placed = placement.byPath.get(path);
  if (placed?.uncertainAfter !== undefined) {
    ctx.uncertainPaths.set(path, placed.uncertainAfter);
    return true;
  }
  const unplaced = placement.unplaced.find((u) => u.mayTakeRootSlot);
  if (placed === undefined && unplaced !== undefined) {
    ctx.uncertainPaths.set(path, unplaced.driver);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Device sections

function sectionFailure(ctx: Ctx, record: SectionRecord): ExplainFailure | undefined {
  const { stream, dest, placement, version } = ctx;
  const located = findSection(stream, record.idstr, record.instanceId);
  if (located === undefined) return undefined;
  const { path, name: vmsd } = splitIdstr(record.idstr);
  const manifest = dest.manifest;
  let placed: PlacedDevice | undefined;

  const usb = path !== undefined ? usbPort(path) : undefined;
  if (usb !== undefined) {
    const f = usbDeviceCheck(ctx, located, usb.controller, vmsd);
    if (f !== undefined) return f;
  } else if (path !== undefined) {
    const slot = rootPciSlot(path);
    const machinePath = isMachinePath(placement?.family ?? machineFamily(stream.configuration?.machineType), path);
    if (placement === undefined) {
      if (!machinePath) ctx.unverifiedPaths.add(path);
    } else if (!(slot !== undefined && placement.machineSlots.has(slot)) && !placementIsGuess(ctx, placement, path)) {
      placed = placement.byPath.get(path);
      const names = placed !== undefined ? placed.vmsdNames : [];
      if (placed !== undefined && names.length === 0 && !guessedVmsdMatch(placed.qomType, vmsd)) {
        // Without the destination's manifest, which section a QOM type saves is a guess.
        ctx.notes.push({
          severity: 'at-risk',
          code: 'SECTION_OWNER_UNKNOWN',
          text: `the destination has ${placed.qomType} at ${path}, and the stream has section '${record.idstr}' there; whether ${placed.qomType} saves '${vmsd}' is not known without the destination's manifest (--dest-manifest)`,
          section: toFailureSection(located),
          cause: 'UNKNOWN_SECTION',
          message: msg.unknownSectionLines(located.idstr, located.instance, version).join('\n'),
          fix: "Give the destination build's -dump-vmstate manifest (--dest-manifest).",
        });
      } else if (placed === undefined || (names.length > 0 ? !names.includes(vmsd) : !guessedVmsdMatch(placed.qomType, vmsd))) {
        return unknownSectionFailure(ctx, located, placed, placement);
      }
    } else {
      // A machine slot, or a guess already noted: the device there (if any) picks the vmsd.
      placed = placement.byPath.get(path);
    }
  }

  if (manifest === undefined) return runtimeFailure(ctx, record, located, placed);
  const candidates = candidatesFor(manifest, vmsd, placed);
  if (candidates.length === 0) {
    if (SECTIONS_WITHOUT_DEVICE_CLASS.has(vmsd)) return runtimeFailure(ctx, record, located, placed);
    return unknownSectionFailure(ctx, located, undefined, placement, true);
  }
  const entry = vmdescEntry(stream, record);
  const chosen = chooseCandidate(candidates, entry, record.versionId, manifest.arrayCounts);
  const desc = chosen.device.description;
  if (desc === undefined) return runtimeFailure(ctx, record, located, placed);
  const damage = streamDamageNote(stream, located.start);
  if (record.versionId > desc.versionId) {
    const vOffset = headerVersionOffset(located);
    return makeFailure({
      cause: 'VERSION_TOO_NEW',
      section: toFailureSection(located),
      field: 'version_id',
      offset: vOffset,
      length: 4,
      message: msg.sectionTooNewLines(record.idstr, record.versionId, desc.versionId, version),
      explanation:
        `${capitalise(describeSection(record.idstr))} was saved as version ${record.versionId} (section header at ${hex(located.start)}); ` +
        `${describeDest(version)} loads '${desc.name}' (${chosen.device.qomType}) from version ${desc.minimumVersionId ?? 0} up to ${desc.versionId}. ` +
        (damage ?? 'The source QEMU bumped this device\'s version after the destination\'s release: old-to-new works, new-to-old does not.'),
      fix:
        damage !== undefined
          ? 'The stream is damaged (its header disagrees with its own vmdesc): save the VM again.'
          : `Migrate to a QEMU whose ${chosen.device.qomType} loads version ${record.versionId}, or use an older machine type / device property on the source that keeps version ${desc.versionId}.`,
      values: [{ name: 'version_id', offset: vOffset, length: 4, value: String(record.versionId) }],
    });
  }
  const min = desc.minimumVersionId ?? 0;
  if (record.versionId < min) {
    const vOffset = headerVersionOffset(located);
    return makeFailure({
      cause: 'VERSION_TOO_OLD',
      section: toFailureSection(located),
      field: 'version_id',
      offset: vOffset,
      length: 4,
      message: msg.sectionTooOldLines(record.idstr, record.instanceId, desc.name, record.versionId, min, version),
      explanation:
        `${capitalise(describeSection(record.idstr))} was saved as version ${record.versionId}; ${describeDest(version)} needs at least version ${min} of '${desc.name}' (${chosen.device.qomType}). ` +
        (damage ?? 'The destination dropped support for such old state.'),
      fix: damage !== undefined ? 'The stream is damaged: save the VM again.' : 'Migrate through an intermediate QEMU release that still loads this version, or to an older destination.',
      values: [{ name: 'version_id', offset: vOffset, length: 4, value: String(record.versionId) }],
    });
  }
  const runtime = runtimeFailure(ctx, record, located, placed);
  if (runtime !== undefined) return runtime;
  if (entry === undefined) return undefined;
  const findings = compareLayout(entry, desc, record.versionId, { arrayCounts: manifest.arrayCounts });
  for (const f of findings) {
    if (f.severity === 'fails') return layoutFailure(ctx, located, chosen.device, f);
    if (f.severity === 'at-risk') {
      ctx.notes.push({
        severity: 'at-risk',
        code: 'LAYOUT_UNCERTAIN',
        text: `${record.idstr}: ${f.text}`,
        section: toFailureSection(located),
        cause: 'LAYOUT_MISMATCH',
        message: msg.missingFooterLines(record.idstr, record.sectionId, version).join('\n'),
        fix: 'Check whether the destination really reads this field for this machine type (a compat property may gate it), or use matching QEMU versions for this device.',
      });
    }
  }
  return undefined;
}

/**
 * A USB device (`0000:00:04.0/1/usb-ptr`): its host controller must be where the stream says,
 * and the destination must have a USB device that saves this vmsd. Which port each USB device
 * gets is not modelled (ports are handed out in creation order), so a matching device anywhere
 * on the destination's command line counts.
 */
function usbDeviceCheck(ctx: Ctx, located: LocatedSection, controller: string, vmsd: string): ExplainFailure | undefined {
  const { placement, dest } = ctx;
  if (placement === undefined || dest.cmdline === undefined) {
    ctx.unverifiedPaths.add(controller);
    return undefined;
  }
  const slot = rootPciSlot(controller);
  const onMachine = slot !== undefined && placement.machineSlots.has(slot);
  if (!onMachine && placement.byPath.get(controller) === undefined && !placementIsGuess(ctx, placement, controller)) return unknownSectionFailure(ctx, located, undefined, placement);
  const manifest = dest.manifest;
  const saves = (driver: string): boolean => {
    const name = manifest?.devices.get(driver)?.description?.name;
    return name !== undefined ? name === vmsd : guessedVmsdMatch(driver, vmsd);
  };
  if (dest.cmdline.devices.some((d) => saves(d.driver))) return undefined;
  if (manifest === undefined) {
    ctx.unverifiedPaths.add(controller);
    return undefined;
  }
  return unknownSectionFailure(ctx, located, undefined, placement);
}

/** The device's own load checks on this section's values: the first failure, risks as notes. */
function runtimeFailure(ctx: Ctx, record: SectionRecord, located: LocatedSection, placed: PlacedDevice | undefined): ExplainFailure | undefined {
  for (const outcome of runSectionChecks({ stream: ctx.stream, record, located, placed }, ctx.runtime)) {
    if (outcome.verdict === 'fails') {
      ctx.remedy = outcome.remedy;
      return outcome.failure;
    }
    if (outcome.verdict === 'at-risk') ctx.notes.push(outcome.note);
  }
  return undefined;
}

/** Without a manifest entry for the placed type: `virtio-net-pci` holds `virtio-net`. */
function guessedVmsdMatch(qomType: string, vmsd: string): boolean {
  const base = qomType.replace(/-pci(-(non-)?transitional)?$/, '').replace(/-device$/, '');
  return base === vmsd || base.toLowerCase() === vmsd.toLowerCase() || (base === 'virtio-serial' && vmsd === 'virtio-console');
}

interface Candidate {
  readonly device: VmstateDevice;
}

function candidatesFor(manifest: VmstateManifest, vmsd: string, placed: PlacedDevice | undefined): Candidate[] {
  if (placed !== undefined) {
    const own = [placed.qomType, placed.qomType.replace(/-pci$/, '-device')]
      .map((t) => manifest.devices.get(t))
      .filter((d): d is VmstateDevice => d !== undefined && d.description?.name === vmsd);
    if (own.length > 0) return own.map((device) => ({ device }));
  }
  return devicesByVmsdName(manifest, vmsd).map((device) => ({ device }));
}

/** Several QOM types share a vmsd name with different layouts (`serial`): take the one that fits. */
function chooseCandidate(candidates: readonly Candidate[], entry: VmdescDevice | undefined, version: number, arrayCounts: boolean): Candidate {
  const first = candidates[0] as Candidate;
  if (entry === undefined || candidates.length === 1) return first;
  let best = first;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const desc = c.device.description;
    if (desc === undefined) continue;
    const score = layoutScore(compareLayout(entry, desc, version, { arrayCounts }));
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function vmdescEntry(stream: DecodeResult, record: SectionRecord): VmdescDevice | undefined {
  return stream.vmdesc?.json.devices.find((d) => d.name === record.idstr && d.instance_id === record.instanceId);
}

function unknownSectionFailure(ctx: Ctx, section: LocatedSection, placed: PlacedDevice | undefined, placement: Placement | undefined, noClass = false): ExplainFailure {
  const { stream, version, dest } = ctx;
  const { path, name: vmsd } = splitIdstr(section.idstr);
  const damage = streamDamageNote(stream, section.start);
  const owners = dest.manifest !== undefined ? [...dest.manifest.devices.values()].filter((d) => d.description?.name === vmsd).map((d) => d.qomType) : [];
  const proxy = owners.map((t) => t.replace(/-device$/, '-pci')).find((t) => t !== undefined && /-pci$/.test(t));
  const wanted = proxy ?? owners[0];
  let why: string;
  let fix: string;
  if (noClass) {
    why = `No device class of ${describeDest(version)} saves its state as '${vmsd}' (the manifest has no vmsd of that name, and it is not one of QEMU's built-in sections).`;
    fix = damage !== undefined ? 'The stream is damaged (its header disagrees with its own vmdesc): save the VM again.' : `Add the device that saves '${vmsd}' to the destination, or migrate to a QEMU that has it.`;
  } else if (placed === undefined) {
    why = `The destination has no device at ${path ?? '?'}${wanted !== undefined && placement !== undefined ? ` (its command line has ${countOf(placement, wanted)})` : ''}.`;
    fix = `Add ${wanted !== undefined ? `-device ${wanted}` : 'the device'} to the destination at the position it has on the source's command line (so it lands on ${path ?? 'the same address'}), or with addr=${path?.slice(8) ?? '?'}.`;
  } else {
    const missing = wanted !== undefined && placement !== undefined && !placement.devices.some((d) => d.qomType === wanted);
    why = `On the destination ${path ?? '?'} holds ${placed.qomType} (${describeOrigin(placed)}), which saves ${placed.vmsdNames.length > 0 ? `'${placed.vmsdNames.join("', '")}'` : 'other state'}${missing ? `; the destination has no ${wanted} at all` : ''}.`;
    fix = missing
      ? `Add -device ${wanted} to the destination at the position it has on the source's command line, so it lands on ${path ?? 'the same address'} and the devices after it keep their slots.`
      : `Give the destination the source's -device list in the same order (or explicit addr= values), so ${wanted ?? 'the device'} is at ${path ?? 'the same address'}.`;
  }
  const idOffset = headerIdstrOffset(section);
  return makeFailure({
    cause: 'UNKNOWN_SECTION',
    section: toFailureSection(section),
    field: undefined,
    offset: section.start,
    length: section.end - section.start,
    message: msg.unknownSectionLines(section.idstr, section.instance, version),
    explanation: `The stream holds state for ${describeSection(section.idstr)} (section '${section.idstr}', instance ${section.instance}, at ${hex(section.start)}). ${why}${damage !== undefined ? ` ${damage}` : ''} The destination finds no owner for the section and stops.`,
    fix,
    values: [{ name: 'idstr', offset: idOffset, length: 1 + utf8Length(section.idstr), value: `'${section.idstr}'` }],
  });
}

function layoutFailure(ctx: Ctx, section: LocatedSection, device: VmstateDevice, f: LayoutFinding): ExplainFailure {
  const { version } = ctx;
  const node = section.node !== undefined ? findNode(section.node, f.streamPath) : undefined;
  const offset = node?.start ?? section.start;
  const length = node?.end !== undefined ? node.end - node.start : undefined;
  const value = node !== undefined ? nodeValue(node) : undefined;
  const parent = f.vmsdPath[f.vmsdPath.length - 2] ?? f.vmsdPath[0] ?? '';
  const sub = f.vmsdPath[f.vmsdPath.length - 1] ?? '';
  const field = f.streamPath.join('/') || undefined;
  const base = {
    section: toFailureSection(section),
    field,
    offset,
    length,
    values: value !== undefined ? [value] : [],
  };
  switch (f.kind) {
    case 'unknown-subsection':
      return makeFailure({
        ...base,
        cause: 'UNKNOWN_SUBSECTION',
        message: msg.unknownSubsectionLines(section.idstr, section.instance, parent, sub, version),
        explanation:
          `${capitalise(describeSection(section.idstr))} sent subsection '${sub}' (v${f.version ?? 0}, at ${hex(offset)}), which ${describeDest(version)}'s ${device.qomType} does not know: ${f.text}. ` +
          `Subsections carry optional state the source only sends when needed; a destination that predates one fails with ENOENT (before 10.2 the log names only the device).`,
        fix: `Migrate to a QEMU whose ${device.qomType} has '${sub}', or keep the source from sending it (an older machine type or the device property that gates it).`,
      });
    case 'subsection-too-new':
    case 'subsection-too-old': {
      const tooNew = f.kind === 'subsection-too-new';
      return makeFailure({
        ...base,
        cause: tooNew ? 'VERSION_TOO_NEW' : 'VERSION_TOO_OLD',
        message: msg.subsectionVersionLines(section.idstr, section.instance, parent, sub, f.version ?? 0, (tooNew ? f.destVersion : f.destMinimum) ?? 0, tooNew, version),
        explanation: `${capitalise(describeSection(section.idstr))} sent subsection '${sub}' as version ${f.version ?? 0}; ${describeDest(version)} loads it from version ${f.destMinimum ?? 0} to ${f.destVersion ?? 0}.`,
        fix: tooNew ? `Migrate to a QEMU whose ${device.qomType} loads '${sub}' v${f.version ?? 0}.` : `Migrate to a QEMU that still loads '${sub}' v${f.version ?? 0}.`,
      });
    }
    default:
      return makeFailure({
        ...base,
        cause: 'LAYOUT_MISMATCH',
        message: msg.missingFooterLines(section.idstr, section.sectionId ?? 0, version),
        explanation:
          `${capitalise(describeSection(section.idstr))}: ${f.text}. The destination's ${device.qomType} reads '${f.vmsdPath.join('/')}' at version ${f.version ?? '?'} with other fields than the source wrote, ` +
          `so it consumes a different number of bytes and misses the section footer (or reads garbage into later fields).`,
        fix: `Source and destination disagree on this device's migration format without a version or subsection telling them apart: use matching QEMU versions for this device, or a machine type whose compat properties make both sides send the same fields.`,
      });
  }
}
