/**
 * A destination's log says that (and roughly where) a load failed; the stream says what was
 * there. This joins the two: the failing section, field and bytes in the stream, the values at
 * that place, and the cause in reviewer terms.
 *
 * The message is always the destination's own text. When the destination is also known (its
 * manifest, machine list, command line), the prediction for the same stream is computed too and
 * its explanation is reused when it names the same cause and section, since it can say why
 * (which device took which slot, which version the destination has); otherwise the explanation
 * is built from the log's facts and the stream alone.
 */
import { clipText } from '../../lib/clip-text.ts';
import type { DecodeResult, DecodedNode } from '../../format/model.ts';
import { findSubsection } from '../../manifest/vmstate-manifest.ts';
import { devicesByVmsdName } from '../../manifest/vmstate-manifest.ts';
import { causeOfFamily, type DestLog, type FailureFacts } from './dest-log.ts';
import { splitIdstr } from './idstr.ts';
import { resolveMachine } from './machines-list.ts';
import type { ExplainCause, ExplainFailure, ExplainNote, FailureSection, FailureValue } from './model.ts';
import { predictLoad, resolveDestination, runtimeDestination, type DestinationKnowledge, type Prediction } from './predict.ts';
import type { QemuVersion } from './qemu-version.ts';
import { describeDest, describeSection, machineMismatchStory, makeFailure, streamDamageNote } from './stories.ts';
import {
  findNode,
  findSection,
  findSectionById,
  headerVersionOffset,
  hex,
  nodePath,
  nodeValue,
  partialSection,
  toFailureSection,
  utf8Length,
  type LocatedSection,
} from './stream-locate.ts';
import { locateCpregFailure, registersNamed } from './cpreg-failure.ts';
import { runtimeFailureFromLog } from '../runtime-checks/from-log.ts';
import { locateVirtioFailure } from './virtio-failure.ts';

export interface Diagnosis {
  readonly verdict: 'fails' | 'loads';
  readonly failure: ExplainFailure | undefined;
  readonly notes: readonly ExplainNote[];
  readonly log: DestLog;
  /** The prediction made from the destination knowledge, when there was any. */
  readonly prediction: Prediction | undefined;
}

export interface DiagnoseOptions {
  readonly destination?: DestinationKnowledge | undefined;
}

export function diagnoseLoad(stream: DecodeResult, log: DestLog, options: DiagnoseOptions = {}): Diagnosis {
  const dest = options.destination;
  const prediction = dest !== undefined ? predictLoad(stream, dest) : undefined;
  const version = dest !== undefined ? resolveDestination(dest).version : undefined;
  const notes: ExplainNote[] = [];
  for (const w of log.warnings) notes.push({ severity: 'info', code: 'DESTINATION_WARNING', text: `the destination warned: ${w}` });
  const facts = log.failure;
  const run = log.origin.run;
  if (facts === undefined && run !== undefined && run.incoming && run.shutdownReason === 'failed') {
    // libvirt gave up on this QEMU (a monitor command it refused, a timeout) before it said why.
    notes.push({
      severity: 'info',
      code: 'LIBVIRT_RUN_FAILED',
      text: `libvirt stopped this QEMU with reason=failed${log.terminated !== undefined ? ` (QEMU: ${log.terminated})` : ''}, and QEMU printed no error of its own: libvirt's error (virsh's output) says why; give it too`,
    });
    return { verdict: 'fails', failure: undefined, notes, log, prediction };
  }
  if (facts === undefined) {
    if (stream.error !== undefined && stream.error.path[0] !== 'vmdesc' && stream.error.code !== 'TRAILING_DATA') {
      notes.push({ severity: 'info', code: 'LOG_STREAM_DISAGREE', text: `the log shows no error, yet the stream does not decode (${stream.error.code} at ${hex(stream.error.offset)}): is this the log of this stream?` });
    }
    if (log.trace.mainResult === undefined && log.trace.events === 0) {
      notes.push({ severity: 'info', code: 'NO_COMPLETION_EVIDENCE', text: 'the log has no error line; it holds no load trace either, so completion itself is not shown' });
    }
    if (prediction !== undefined && prediction.verdict === 'fails') {
      notes.push({ severity: 'info', code: 'PREDICTION_DIFFERS', text: `the prediction from the destination's inputs said it would fail (${prediction.failure?.cause ?? '?'}); the log shows it loaded` });
    }
    return { verdict: 'loads', failure: undefined, notes, log, prediction };
  }
  const located = locate(stream, facts, version, dest);
  let failure = located;
  const predicted = prediction?.failure;
  if (predicted !== undefined && predicted.cause === located.cause && sameSection(predicted.section, located.section)) {
    // Same story, told with more context: keep the destination's own words.
    const logOnlyField = located.field !== undefined && located.field !== predicted.field && located.cause === 'TRUNCATED';
    failure = {
      ...predicted,
      message: located.message,
      field: located.field ?? predicted.field,
      explanation: logOnlyField ? `${predicted.explanation} The destination's log names the field it was reading: '${located.field ?? ''}'.` : predicted.explanation,
      values: located.values.length > 0 ? located.values : predicted.values,
    };
  } else if (prediction !== undefined && prediction.notes.some((n) => n.severity === 'at-risk' && n.cause === located.cause)) {
    notes.push({ severity: 'info', code: 'PREDICTION_AT_RISK', text: `the destination's inputs had flagged this as a risk (${located.cause}) without settling it` });
  } else if (prediction !== undefined) {
    notes.push({
      severity: 'info',
      code: 'PREDICTION_DIFFERS',
      text:
        prediction.verdict === 'fails'
          ? `the prediction from the destination's inputs named another first failure (${predicted?.cause ?? '?'}${predicted?.section !== undefined ? ` in '${predicted.section.idstr}'` : ''})`
          : `the prediction from the destination's inputs said '${prediction.verdict}': the inputs do not show what made this load fail`,
    });
  }
  return { verdict: 'fails', failure, notes, log, prediction };
}

function sameSection(a: FailureSection | undefined, b: FailureSection | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.idstr === b.idstr && a.instance === b.instance;
}

/** The failure as the log and the stream show it, without destination knowledge. */
function locate(stream: DecodeResult, facts: FailureFacts, version: QemuVersion | undefined, dest: DestinationKnowledge | undefined): ExplainFailure {
  const message = facts.lines.join('\n');
  let cause: ExplainCause = causeOfFamily(facts);
  const damage = streamDamage(stream);
  const section = sectionOf(stream, facts);

  // The stream itself is damaged where the destination stopped: that is the cause.
  if (damage !== undefined && damageExplains(facts, damage, section)) {
    cause = damage.code === 'UNEXPECTED_EOF' ? 'TRUNCATED' : 'CORRUPTED';
  }

  switch (facts.family) {
    case 'machine-type-mismatch': {
      const received = facts.receivedMachine ?? stream.configuration?.machineType ?? '?';
      const local = facts.localMachine ?? '?';
      const destHas = dest?.machines !== undefined ? resolveMachine(dest.machines, received) !== undefined : undefined;
      const story = machineMismatchStory(received, local, destHas, version);
      return makeFailure({ cause, field: 'configuration/name', offset: configNameOffset(stream), length: received.length, message, ...story, values: configValues(stream) });
    }
    case 'unsupported-machine-type': {
      const machine = facts.localMachine ?? dest?.machine ?? dest?.cmdline?.machine;
      const received = stream.configuration?.machineType;
      const named = machine ?? received ?? '?';
      return makeFailure({
        cause,
        field: 'configuration/name',
        offset: configNameOffset(stream),
        length: received?.length,
        message,
        explanation:
          `The destination QEMU does not have machine type '${named}'${machine === undefined ? ' (its message does not name the type; the stream\'s is assumed, as a destination is normally started with it)' : ''}, so it exited before reading any of the stream. ` +
          `The stream was saved with '${received ?? '?'}', which only a QEMU that has that type can load.`,
        fix: `Migrate to a QEMU that has '${received ?? named}', or start the source VM with a machine type the destination has and save it again.`,
        values: configValues(stream),
      });
    }
    case 'unknown-section': {
      const s = section;
      return makeFailure({
        cause,
        section: s !== undefined ? toFailureSection(s) : undefined,
        offset: s?.start,
        length: s !== undefined ? s.end - s.start : undefined,
        message,
        explanation:
          `The stream holds state for ${describeSection(facts.idstr ?? '?')} (section '${facts.idstr ?? '?'}', instance ${facts.instance ?? 0}${s !== undefined ? `, at ${hex(s.start)}` : ''}); ` +
          `the destination has no device registered under that name and instance: it was started without that device, or with it at another address (idstrs of PCI devices embed the slot).` +
          (s !== undefined && streamDamageNote(stream, s.start) !== undefined ? ` ${streamDamageNote(stream, s.start) ?? ''}` : ''),
        fix: unknownSectionFix(facts.idstr ?? '', dest),
        values: s !== undefined ? [{ name: 'idstr', offset: s.start + 5, length: 1 + utf8Length(s.idstr), value: `'${s.idstr}'` }] : [],
      });
    }
    case 'section-version-too-new': {
      const s = section;
      const vOffset = s !== undefined ? headerVersionOffset(s) : undefined;
      const damageNote = s !== undefined ? streamDamageNote(stream, s.start) : undefined;
      return makeFailure({
        cause,
        section: s !== undefined ? toFailureSection(s) : undefined,
        field: 'version_id',
        offset: vOffset,
        length: 4,
        message,
        explanation:
          `${cap(describeSection(facts.idstr ?? '?'))} was saved as version ${facts.receivedVersion ?? '?'}; the destination loads it up to version ${facts.localVersion ?? '?'}. ` +
          (damageNote ?? 'The source QEMU bumped this device\'s version after the destination\'s release: old-to-new works, new-to-old does not.'),
        fix: damageNote !== undefined ? 'The stream is damaged (its header disagrees with its own vmdesc): save the VM again.' : 'Migrate to a destination QEMU at least as new as the source, or keep the source on a machine type/device setting that saves the older version.',
        values: vOffset !== undefined ? [{ name: 'version_id', offset: vOffset, length: 4, value: String(facts.receivedVersion ?? '?') }] : [],
      });
    }
    case 'vmsd-version-too-new':
    case 'vmsd-version-too-old':
    case 'unknown-subsection':
      return subsectionFailure(facts, cause, section, version, dest);
    case 'missing-section-footer':
    case 'mismatched-section-footer':
      return footerFailure(stream, facts, cause, section, dest);
    case 'unknown-ramblock':
    case 'ramblock-size-mismatch':
      return ramblockFailure(stream, facts, cause);
    case 'bad-header':
      return makeFailure({ cause, offset: 0, length: 8, field: 'header', message, explanation: `The destination does not accept the stream's header (${facts.message}): it reads the magic 'QEVM' and version 3 first.`, fix: 'Give the destination the raw migration stream (no wrapper, no compression).' });
    case 'capability-mismatch':
    case 'unknown-capability':
      return makeFailure({
        cause,
        field: 'configuration/capabilities',
        offset: stream.configuration?.start,
        message,
        explanation: `The stream was saved with migration capability '${facts.capability ?? '?'}' (listed in its configuration section: ${(stream.configuration?.capabilities ?? []).join(', ') || 'none'}); the destination ${facts.family === 'unknown-capability' ? 'does not know it' : 'did not enable it'}. Capabilities that change the stream's layout must be set on both sides.`,
        fix: facts.family === 'unknown-capability' ? `Migrate to a QEMU that knows '${facts.capability ?? '?'}', or save without it.` : `Enable it on the destination before loading: migrate-set-capabilities {"capabilities":[{"capability":"${facts.capability ?? '?'}","state":true}]} then migrate-incoming.`,
      });
    case 'unknown-command': {
      const c = stream.commands.find((x) => x.cmd === facts.command);
      return makeFailure({
        cause,
        field: c?.name,
        offset: c?.start,
        length: c !== undefined ? c.end - c.start : undefined,
        message,
        explanation: `The stream carries command 0x${(facts.command ?? 0).toString(16)}${c !== undefined ? ` (${c.name}) at ${hex(c.start)}` : ''}, which the destination QEMU does not know: the source is newer.`,
        fix: 'Save the VM again with a machine type the destination release knows (commands such as SWITCHOVER_START are only sent for newer machine types).',
      });
    }
    default:
      return deviceOrTruncation(stream, facts, cause, section, dest);
  }
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Damage {
  readonly code: string;
  readonly offset: number;
  readonly message: string;
  readonly section: LocatedSection | undefined;
}

function streamDamage(stream: DecodeResult): Damage | undefined {
  const e = stream.error;
  if (e === undefined || e.path[0] === 'vmdesc' || e.code === 'TRAILING_DATA') return undefined;
  return { code: e.code, offset: e.offset, message: e.message, section: partialSection(stream) };
}

/** Does the damage sit where the destination stopped? */
function damageExplains(facts: FailureFacts, damage: Damage, section: LocatedSection | undefined): boolean {
  if (facts.family === 'machine-type-mismatch' || facts.family === 'unsupported-machine-type' || facts.family === 'unknown-ramblock' || facts.family === 'capability-mismatch') return false;
  if (damage.section === undefined) return true;
  if (section === undefined) return true;
  return damage.section.idstr === section.idstr;
}

function sectionOf(stream: DecodeResult, facts: FailureFacts): LocatedSection | undefined {
  if (facts.idstr !== undefined) {
    const s = findSection(stream, facts.idstr, facts.instance);
    if (s !== undefined) return s;
  }
  if (facts.sectionId !== undefined) return findSectionById(stream, facts.sectionId);
  return undefined;
}

function configNameOffset(stream: DecodeResult): number | undefined {
  const c = stream.configuration;
  return c === undefined ? undefined : c.start + 5;
}

function configValues(stream: DecodeResult): FailureValue[] {
  const node = stream.configuration?.node;
  if (node === undefined) return [];
  const n = findNode(node, ['name']);
  const v = n !== node ? nodeValue(n) : undefined;
  return v === undefined ? [] : [{ ...v, name: 'machine type' }];
}

function unknownSectionFix(idstr: string, dest: DestinationKnowledge | undefined): string {
  const vmsd = splitIdstr(idstr).name;
  const owners = dest?.manifest !== undefined ? devicesByVmsdName(dest.manifest, vmsd).map((d) => d.qomType) : [];
  const proxy = owners.map((t) => t.replace(/-device$/, '-pci')).find((t) => /-pci$/.test(t));
  const name = proxy ?? owners[0];
  return `Start the destination with the same devices as the source, in the same order${name !== undefined ? ` (it needs -device ${name}${splitIdstr(idstr).path !== undefined ? ` at ${splitIdstr(idstr).path ?? ''}` : ''})` : ''}; a device hot-plugged on the source must be on the destination's command line too.`;
}

function subsectionFailure(
  facts: FailureFacts,
  cause: ExplainCause,
  section: LocatedSection | undefined,
  version: QemuVersion | undefined,
  dest: DestinationKnowledge | undefined,
): ExplainFailure {
  const message = facts.lines.join('\n');
  const name = facts.family === 'unknown-subsection' ? facts.subsection : facts.vmsd;
  let node = section?.node !== undefined && name !== undefined ? findByName(section.node, name) : undefined;
  let candidates: string[] = [];
  if (node === undefined && section?.node !== undefined && facts.family === 'unknown-subsection') {
    // <= 10.1 without a trace: the log names only the device. The subsections it sent that
    // the destination's manifest lacks are the suspects.
    const sent = subsectionsOf(section.node);
    const manifest = dest?.manifest;
    const desc = manifest !== undefined ? devicesByVmsdName(manifest, splitIdstr(section.idstr).name)[0]?.description : undefined;
    candidates = sent.filter((s) => desc === undefined || !knownSubsection(desc, s.name)).map((s) => s.name);
    const first = sent.find((s) => s.name === candidates[0]);
    if (candidates.length === 1 && first !== undefined) node = first;
  }
  const subName = node?.name ?? name;
  const isTop = facts.family !== 'unknown-subsection' && section !== undefined && name === splitIdstr(section.idstr).name;
  const offset = isTop && section !== undefined ? headerVersionOffset(section) : node?.start;
  const what =
    facts.family === 'unknown-subsection'
      ? `sent subsection ${subName !== undefined ? `'${subName}'` : candidates.length > 0 ? `one of ${candidates.map((c) => `'${c}'`).join(', ')}` : '(not named in the log)'}, which the destination does not know (ENOENT)`
      : `sent '${name ?? '?'}' as version ${facts.receivedVersion ?? '?'}; the destination ${facts.family === 'vmsd-version-too-new' ? `loads it up to version ${facts.localVersion ?? '?'}` : `needs at least version ${facts.localMinimum ?? '?'}`}`;
  return makeFailure({
    cause,
    section: section !== undefined ? toFailureSection(section) : undefined,
    field: isTop ? 'version_id' : node !== undefined && section?.node !== undefined ? nodePath(section.node, node) : subName,
    offset,
    length: isTop ? 4 : node?.end !== undefined ? node.end - node.start : undefined,
    message,
    explanation:
      `${cap(describeSection(section?.idstr ?? facts.idstr ?? '?'))} ${what}. ` +
      (facts.family === 'unknown-subsection'
        ? `Subsections carry optional state that a source sends only when needed; ${describeDest(version)} predates this one${facts.subsection === undefined ? ' (QEMU before 10.2 does not print the subsection name; the stream names it)' : ''}.`
        : 'The source is newer than the destination for this part of the device.'),
    fix: `Migrate to a destination QEMU at least as new as the source, or keep the source from sending it (an older machine type, or the device property that gates the subsection).`,
    values: node !== undefined ? [{ name: 'subsection', offset: node.start, length: (node.end ?? node.start) - node.start, value: `'${node.name}' v${String(node.value ?? '?')}` }] : [],
  });
}

function knownSubsection(desc: NonNullable<ReturnType<typeof devicesByVmsdName>[number]['description']>, name: string): boolean {
  if (findSubsection(desc, name) !== undefined) return true;
  for (const f of desc.fields ?? []) if (f.description !== undefined && knownSubsection(f.description, name)) return true;
  for (const s of desc.subsections ?? []) if (knownSubsection(s, name)) return true;
  return false;
}

/**
 * The vmsd subsections a section sent. Not those inside a device-defined field (`virtio/*`
 * in a virtio field): no manifest lists them, so they cannot be told known or unknown.
 */
function subsectionsOf(node: DecodedNode): DecodedNode[] {
  const out: DecodedNode[] = [];
  const walk = (n: DecodedNode): void => {
    for (const c of n.children ?? []) {
      if (c.kind === 'subsection') out.push(c);
      if (c.kind !== 'field') walk(c);
    }
  };
  walk(node);
  return out;
}

function findByName(root: DecodedNode, name: string): DecodedNode | undefined {
  for (const c of root.children ?? []) {
    if (c.name === name) return c;
    const deeper = findByName(c, name);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}

function footerFailure(stream: DecodeResult, facts: FailureFacts, cause: ExplainCause, section: LocatedSection | undefined, dest: DestinationKnowledge | undefined): ExplainFailure {
  const message = facts.lines.join('\n');
  const error = stream.error;
  const footer = section?.node?.children?.find((c) => c.kind === 'footer');
  const offset = cause === 'CORRUPTED' && error !== undefined ? error.offset : footer?.start;
  const where = describeSection(facts.idstr ?? '?');
  if (cause === 'CORRUPTED') {
    return makeFailure({
      cause,
      section: section !== undefined ? toFailureSection(section) : undefined,
      field: 'footer',
      offset,
      length: 1,
      message,
      explanation:
        `${cap(where)} is damaged in the stream itself: ${error?.message ?? 'its footer is wrong'} at ${offset !== undefined ? hex(offset) : '?'}` +
        `${error?.expected !== undefined ? ` (expected ${error.expected}, found ${error.actual ?? '?'})` : ''}. ` +
        `The stream's own vmdesc says the body ends there, so no destination could read it: this is not a difference between source and destination.`,
      fix: 'The file was altered after it was saved: save the VM again (or restore the file from a copy).',
      values: offset !== undefined ? [{ name: 'footer', offset, length: 1, value: error?.actual ?? '?' }] : [],
    });
  }
  return makeFailure({
    cause,
    section: section !== undefined ? toFailureSection(section) : undefined,
    field: 'footer',
    offset,
    length: footer?.end !== undefined ? footer.end - footer.start : 5,
    message,
    explanation:
      `The destination read ${where} with a different layout than the source wrote it, so after its fields the next byte was not the section footer. ` +
      `The stream's vmdesc lists what the source wrote${dest?.manifest === undefined ? '; with the destination manifest (--dest-manifest) the field that differs can be named' : ''}. ` +
      `Typical causes: a field added or removed without a version bump or subsection, or a conditional field (field_exists) that one side sends and the other does not expect.`,
    fix: 'Use a machine type whose compat properties make both QEMUs agree on this device, or matching QEMU versions for it.',
  });
}

function ramblockFailure(stream: DecodeResult, facts: FailureFacts, cause: ExplainCause): ExplainFailure {
  const message = facts.lines.join('\n');
  const block = stream.ram?.blocks.find((b) => b.name === facts.ramblock);
  const ram = stream.sections.find((s) => s.type === 'START' && s.bodyDecoder === 'ram');
  const section = ram !== undefined ? findSection(stream, ram.idstr, ram.instanceId) : undefined;
  const length = block !== undefined ? 1 + utf8Length(block.name) + 8 : undefined;
  const { path, name } = splitIdstr(facts.ramblock ?? '');
  return makeFailure({
    cause,
    section: section !== undefined ? toFailureSection(section) : undefined,
    field: `ram/${facts.ramblock ?? '?'}`,
    offset: block?.offset,
    length,
    message,
    explanation:
      facts.family === 'unknown-ramblock'
        ? `The stream's RAM block list (read before any device state) names '${facts.ramblock ?? '?'}'${block !== undefined ? ` (${block.usedLength} bytes)` : ''}` +
          `${path !== undefined ? `, the ${name} of the PCI device at ${path}` : ''}; the destination has no RAM block of that name. ` +
          `${path !== undefined ? 'RAM block names embed the PCI address: the destination has no such device there, or another device took that slot (devices without addr= take slots in command-line order).' : 'The destination was started with another memory or firmware setup.'}`
        : `RAM block '${facts.ramblock ?? '?'}' is ${facts.receivedSize ?? '?'} bytes in the stream and ${facts.localSize ?? '?'} bytes on the destination.`,
    fix:
      facts.family === 'unknown-ramblock'
        ? 'Start the destination with the same devices as the source in the same order (or explicit addr= values), so each device has the same PCI address.'
        : 'Give the destination the same -m (or the same ROM/firmware files) as the source.',
    values: block !== undefined && length !== undefined ? [{ name: 'block', offset: block.offset, length, value: `'${block.name}' ${block.usedLength} bytes` }] : [],
  });
}

function deviceOrTruncation(stream: DecodeResult, facts: FailureFacts, cause: ExplainCause, section: LocatedSection | undefined, dest: DestinationKnowledge | undefined): ExplainFailure {
  const message = facts.lines.join('\n');
  const size = stream.source.size;
  const fieldName = facts.vmsd !== undefined && facts.field !== undefined ? `${facts.vmsd}:${facts.field}` : facts.field;
  if (cause === 'TRUNCATED' || cause === 'CORRUPTED') {
    // The record the stream stops inside (a RAM PART, say) rather than the section's START.
    const partial = partialSection(stream);
    const s = partial !== undefined && (section === undefined || partial.idstr === section.idstr) ? partial : section;
    const error = stream.error;
    const offset = cause === 'TRUNCATED' ? size : error?.offset;
    const inRam = s?.idstr === 'ram';
    return makeFailure({
      cause,
      section: s !== undefined ? toFailureSection({ ...s, end: cause === 'TRUNCATED' ? size : s.end }) : undefined,
      field: inRam ? 'RAM pages' : fieldName,
      offset,
      message,
      explanation:
        cause === 'TRUNCATED'
          ? `The stream ends at ${hex(size)} (${size} bytes)${s !== undefined ? `, inside ${inRam ? 'the RAM section' : describeSection(s.idstr)} (record at ${hex(s.start)})` : ''}` +
            `${fieldName !== undefined && !inRam ? `, while the destination was reading '${fieldName}'` : ''}: ${error?.message ?? 'it stops before its EOF record'}. ` +
            `Everything before the cut is intact; nothing after it exists, so the destination stops with an I/O error.`
          : `The stream is damaged at ${offset !== undefined ? hex(offset) : '?'}: ${error?.message ?? '?'}.`,
      fix: cause === 'TRUNCATED' ? 'Copy or save the stream again completely: it was cut before its end (a killed source, a full disk, head -c).' : 'Save the VM again.',
    });
  }
  let node: DecodedNode | undefined;
  // 10.2+ names only the field (`Failed to load element of type virtio for virtio`): look it
  // up among the section's own fields.
  if (section?.node !== undefined && (facts.vmsd !== undefined || facts.field !== undefined)) {
    const sub = facts.vmsd !== undefined ? findByName(section.node, facts.vmsd) : undefined;
    const base = sub ?? section.node;
    node = facts.field !== undefined ? findNode(base, [facts.field]) : base;
    if (node === section.node) node = undefined;
  }
  let values: FailureValue[] = [];
  // virtio_load's messages name the queue or value it refused: point at that value's bytes.
  const virtio = facts.family === 'virtio-check' && section?.node !== undefined ? locateVirtioFailure(section.node, facts.message) : undefined;
  // Arm's cpu_post_load names the register only the stream has: point at its id.
  const cpreg = virtio === undefined && section?.node !== undefined ? locateCpregFailure(section.node, facts.lines) : undefined;
  const place = virtio ?? cpreg;
  if (place !== undefined) {
    node = place.node;
    values = [...place.values];
  } else {
    const v = node !== undefined ? nodeValue(node) : undefined;
    if (v !== undefined) values.push(v);
  }
  // A runtime check family tells why, from the log's own numbers; the log's values stay.
  if (section?.record !== undefined && section.node !== undefined) {
    const d = dest ?? {};
    const runtime = runtimeFailureFromLog(
      { stream, record: section.record, located: section, placed: undefined },
      runtimeDestination(d, resolveDestination(d), stream),
      facts.lines,
      registersNamed(section.node, facts.lines),
    );
    if (runtime !== undefined) {
      if (place === undefined) return runtime;
      return { ...runtime, field: nodePath(section.node, place.node), offset: place.node.start, length: place.node.end !== undefined ? place.node.end - place.node.start : undefined, values: [...place.values] };
    }
  }
  return makeFailure({
    cause,
    section: section !== undefined ? toFailureSection(section) : undefined,
    field: node !== undefined && section?.node !== undefined ? nodePath(section.node, node) : fieldName,
    offset: node?.start ?? section?.start,
    length: node?.end !== undefined ? node.end - node.start : undefined,
    message,
    explanation:
      facts.family === 'unknown'
        ? `The destination stopped with an error this tool does not classify: '${clipText(facts.message, 300)}'${section !== undefined ? `, while loading ${describeSection(section.idstr)}` : ''}. Its full text is above.`
        : `The destination read ${describeSection(section?.idstr ?? facts.idstr ?? '?')} and its own check refused the values (${facts.message}). ` +
          `The bytes are well-formed; the two sides are configured differently for this device (properties, back-end features, host capabilities, or compat properties of another machine type).`,
    fix:
      facts.family === 'unknown'
        ? 'Look up the message in the destination QEMU version (load-failures catalogue); compare the destination configuration with the source for the device it names.'
        : 'Configure the destination device like the source (same properties and back-end), or migrate between hosts with the same capabilities.',
    values,
  });
}
