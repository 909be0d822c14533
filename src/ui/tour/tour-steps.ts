/**
 * The guided tour of the format: one step per kind of record a precopy stream is made of,
 * each pointing at the exact bytes the decoder found for it in the stream on show, and saying
 * in plain words what they are and why they are there. The facts come from
 * shared/reference/stream-format.md (§§2-9, 11, 13); the numbers come from the decoded model,
 * so the tour never claims a layout the bytes do not have. A stream without some part (no
 * SWITCHOVER_START before QEMU 10.0, no vmdesc when suppressed) simply has fewer steps.
 *
 * Pure: model in, steps out.
 */
import type { DecodedNode, DecodeResult, NodeValue, SectionRecord } from '../../format/index.ts';
import { groupedInt, hexOffset, humanBytes } from '../stream/format-value.ts';
import { negotiationStep } from './negotiation-step.ts';

export interface ByteSpan {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/**
 * One named piece of a step's bytes, listed under its explanation (a header's fields...). A
 * piece the decoder keeps no node for (a subsection's marker and name) names the node it is in.
 */
export interface TourPart {
  readonly label: string;
  readonly path: readonly string[];
  readonly start: number;
  readonly end: number;
  /** The decoded value, as text; undefined for runs of data. */
  readonly value?: string;
}

export interface TourStep {
  readonly id: string;
  readonly title: string;
  /** Paragraphs of plain text (names from the stream are in it: render as text only). */
  readonly body: readonly string[];
  /** The node to select: its model path and first byte (paths repeat: RAM has several PARTs). */
  readonly path: readonly string[];
  readonly offset: number;
  /** The bytes to highlight: the node's own, or a run of nodes the step is about. */
  readonly highlight: ByteSpan;
  readonly parts: readonly TourPart[];
}

export function tourSteps(result: DecodeResult): TourStep[] {
  const top = result.root.children ?? [];
  const steps: (TourStep | undefined)[] = [
    headerStep(result, top),
    configurationStep(result, top),
    ...ramSteps(result),
    iterativeStep(result),
    switchoverStep(result, top),
    ...deviceSteps(result),
    negotiationStep(result),
    virtioQueuesStep(result),
    footerErrorStep(result),
    eofStep(top),
    vmdescStep(result, top),
  ];
  // In stream order: another iterative handler's START comes between RAM's setup and its PARTs.
  return steps.filter((s): s is TourStep => s !== undefined).sort((a, b) => a.highlight.start - b.highlight.start);
}

// ---- helpers

function ended(node: DecodedNode | undefined): node is DecodedNode & { end: number } {
  return node !== undefined && node.end !== undefined;
}

function span(node: DecodedNode & { end: number }): ByteSpan {
  return { start: node.start, end: node.end };
}

function valueText(v: NodeValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'object') return `${groupedInt(v.length)} bytes`;
  if (typeof v === 'number' || typeof v === 'bigint') return `${v.toString()} (0x${v.toString(16)})`;
  return typeof v === 'string' ? `"${v}"` : String(v);
}

function partsOf(nodes: readonly DecodedNode[]): TourPart[] {
  return nodes.filter(ended).map((n) => ({
    label: n.name,
    path: n.path,
    start: n.start,
    end: n.end,
    ...(valueText(n.value) !== undefined ? { value: valueText(n.value) as string } : {}),
  }));
}

function childOf(node: DecodedNode | undefined, kind: DecodedNode['kind'], name?: string): DecodedNode | undefined {
  return node?.children?.find((c) => c.kind === kind && (name === undefined || c.name === name));
}

function numberValue(node: DecodedNode | undefined): number | undefined {
  const v = node?.value;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function step(id: string, title: string, node: DecodedNode & { end: number }, body: readonly string[], parts: readonly TourPart[], highlight?: ByteSpan): TourStep {
  return { id, title, body, path: node.path, offset: node.start, highlight: highlight ?? span(node), parts };
}

// ---- §2 header

function headerStep(result: DecodeResult, top: readonly DecodedNode[]): TourStep | undefined {
  const node = top.find((n) => n.kind === 'header');
  if (!ended(node)) return undefined;
  const version = result.header?.version ?? 3;
  return step(
    'header',
    'File header: magic and version',
    node,
    [
      `Every migration stream starts with the 4 bytes 51 45 56 4d, "QEVM" in ASCII (QEMU_VM_FILE_MAGIC), then the format version as a big-endian 32-bit number: ${version}. QEMU refuses version 2 as obsolete.`,
      'There is no length, checksum or index anywhere after it: the stream is a plain sequence of records that can only be read front to back. Every integer the migration core writes is big-endian.',
    ],
    partsOf(node.children ?? []),
  );
}

// ---- §3 configuration

function configurationStep(result: DecodeResult, top: readonly DecodedNode[]): TourStep | undefined {
  const node = top.find((n) => n.kind === 'configuration');
  if (!ended(node)) return undefined;
  const machine = result.configuration?.machineType ?? '';
  const subsections = (node.children ?? []).filter((c) => c.kind === 'subsection');
  const caps = result.configuration?.capabilities ?? [];
  return step(
    'configuration',
    'Configuration: the machine type',
    node,
    [
      `The byte 0x07 (QEMU_VM_CONFIGURATION) opens it, then the machine type as a 32-bit length and that many bytes, with no NUL: "${machine}". It is not a numbered section: no id, no name, no footer.`,
      `The destination compares the name with its own -machine, byte for byte, and refuses the stream when they differ. This is why a VM started as ${machine || 'one machine type'} must be received by a QEMU started with the same machine type, even a newer QEMU.`,
      subsections.length === 0
        ? 'Optional subsections can follow (target page bits on Arm, validated capabilities such as x-ignore-shared or mapped-ram, the VM uuid); this stream has none.'
        : `Subsections follow: ${subsections.map((s) => s.name).join(', ')}${caps.length > 0 ? ` (capabilities: ${caps.join(', ')})` : ''}. The destination checks each against its own settings.`,
    ],
    partsOf(node.children ?? []),
  );
}

// ---- §§5, 9: RAM START (header, setup record) and a PART

function ramSteps(result: DecodeResult): TourStep[] {
  const start = result.sections.find((s) => s.type === 'START' && s.bodyDecoder === 'ram');
  const out: TourStep[] = [];
  if (start === undefined) return out;
  const header = childOf(start.node, 'header');
  if (ended(header)) {
    out.push(
      step(
        'section-start',
        'Section header: START ram',
        header,
        [
          `0x01 is QEMU_VM_SECTION_START. Then the section id as a 32-bit number (${start.sectionId}), the idstr as a counted string (one length byte, then "${start.idstr}"), the instance id (${start.instanceId}) and the version (${start.versionId}).`,
          'Section ids are handed out as handlers register, so they are not in stream order: later PART and END sections of the same handler only repeat the id, not the name.',
          `"${start.idstr}" is iterative: START at setup, PART sections while memory is being sent, END at completion. Devices come after it, each in one FULL section.`,
        ],
        partsOf(header.children ?? []),
      ),
    );
  }
  const setup = ramSetupStep(result, start, header);
  if (setup !== undefined) out.push(setup);
  const part = result.sections.find((s) => s.type === 'PART' && s.bodyDecoder === 'ram' && s.sectionId === start.sectionId);
  const records = childOf(part?.node, 'ram-records');
  // Its text names the PART header too: the highlight starts there.
  const partHeader = childOf(part?.node, 'header');
  if (part !== undefined && ended(records)) {
    const pageSize = result.ram?.pageSize ?? 4096;
    out.push(
      step(
        'ram-part',
        'RAM PART: page records',
        ended(partHeader) && ended(part.node) ? part.node : records,
        [
          `A PART section has a short header (0x02 and the section id ${part.sectionId} again), then page records. Each starts with a 64-bit number: the high bits are the page's offset in its RAM block, the low bits are flags.`,
          `PAGE (0x08) is followed by the ${groupedInt(pageSize)} bytes of the page. ZERO (0x02) by a single fill byte 0, so an all-zero page costs 9 bytes. CONTINUE (0x20) means "same block as the record before"; without it the block's name follows as a counted string. The flag EOS (0x10) ends the section.`,
          `${records.note !== undefined ? `This section holds ${records.note}.` : ''} Page payloads are raw guest memory, so the decoder only counts them.`.trim(),
        ],
        ended(partHeader) ? partsOf(partHeader.children ?? []) : [],
        ended(partHeader) && partHeader.end <= records.start ? { start: partHeader.start, end: records.end } : undefined,
      ),
    );
  }
  return out;
}

function ramSetupStep(result: DecodeResult, start: SectionRecord, header: DecodedNode | undefined): TourStep | undefined {
  const node = start.node;
  const blocks = (node.children ?? []).filter((c) => c.kind === 'ram-block');
  const eos = childOf(node, 'ram-records');
  if (!ended(header) || !ended(eos) || blocks.length === 0 || !ended(node)) return undefined;
  const ram = result.ram;
  const total = ram?.blocks.reduce((sum, b) => sum + b.usedLength, 0) ?? 0;
  const list = (ram?.blocks ?? []).map((b) => `${b.name} ${humanBytes(b.usedLength)}`).join(', ');
  return step(
    'ram-setup',
    'RAM setup record: the block list',
    node,
    [
      `The body of START ram is its setup record. It opens with a 64-bit number holding the total RAM size, ${groupedInt(total)} bytes (0x${total.toString(16)}), with the flag MEM_SIZE (0x04) in its low bits.`,
      `Then each RAM block as a counted name and its 64-bit used length: ${list}. The lengths add up to the total, which is how the reader knows the list is over. A 64-bit 0x10 (EOS) closes the section body, and the footer follows.`,
      'The destination looks up each block by name and refuses the stream when it has no such block ("Unknown ramblock") or the size differs ("Size mismatch"): a NIC ROM on one side only, another -m, or a firmware image of another size breaks migration right here.',
    ],
    partsOf(blocks),
    { start: header.end, end: eos.end },
  );
}

// ---- §12 other iterative handlers (ppc64 spapr/htab, s390x storage attributes)

/** What each iterative handler besides RAM carries, from the QEMU source that writes it. */
const ITERATIVE_WORDS: Readonly<Record<string, string>> = {
  'spapr/htab':
    "On pseries, spapr/htab (hw/ppc/spapr.c) sends the guest's hashed page table this way. START carries htab_shift: the table is 2^htab_shift bytes of 16-byte entries (HPTEs). Each PART and END carries chunks: a 32-bit index, 16-bit counts of valid and of cleared entries, 16 bytes per valid entry, and an all-zero chunk as the end marker.",
  's390-storage_attributes':
    "On s390x, s390-storage_attributes (hw/s390x/s390-stattrib.c) sends the guest's storage attributes (CMMA) this way: 64-bit records of a page address with flags in the low bits. MORE is followed by a count and that many attribute bytes, DONE marks the end of precopy, EOS ends each section.",
};

function iterativeStep(result: DecodeResult): TourStep | undefined {
  const start = result.sections.find((s) => s.type === 'START' && s.bodyDecoder === 'iterative' && s.end !== undefined);
  if (start === undefined || !ended(start.node)) return undefined;
  const parts = result.sections.filter((s) => s.sectionId === start.sectionId).length;
  const body = (start.node.children ?? []).filter((c) => c.kind !== 'header' && c.kind !== 'footer');
  return step(
    'iterative',
    `Another iterative section: ${start.idstr}`,
    start.node,
    [
      `RAM is not the only handler that sends its state over several sections. ${ITERATIVE_WORDS[start.idstr] ?? ''}`.trim(),
      `Its sections (${parts} here: START, PART and END with the id ${start.sectionId}) interleave with RAM's, and the vmdesc does not describe them: their framing is the handler's own, and migscope reads it record by record as QEMU's loader does.`,
    ],
    partsOf(body),
  );
}

// ---- §11 SWITCHOVER_START

function switchoverStep(result: DecodeResult, top: readonly DecodedNode[]): TourStep | undefined {
  const cmd = result.commands.find((c) => c.name === 'SWITCHOVER_START');
  const node = cmd !== undefined ? top.find((n) => n.kind === 'command' && n.start === cmd.start) : undefined;
  if (cmd === undefined || !ended(node)) return undefined;
  return step(
    'switchover',
    'Command: SWITCHOVER_START',
    node,
    [
      `0x08 is QEMU_VM_COMMAND: a 16-bit command number (${cmd.cmd}, SWITCHOVER_START), a 16-bit payload length (${cmd.length}), and the payload (none).`,
      'QEMU 10.0 and later send it once, right before the RAM END section, for machine types 10.0 and newer (property send-switchover-start): it tells devices that the switchover starts. A QEMU older than 10.0 does not know command 11 and fails with "MIG_CMD 0xb unknown".',
    ],
    partsOf(node.children ?? []),
  );
}

// ---- §§5, 7: a FULL device section, its fields, a subsection, the footer

/** The device the tour opens: timer (the example of stream-format.md §5), else the first described one. */
function tourDevice(result: DecodeResult): SectionRecord | undefined {
  const full = result.sections.filter((s) => s.type === 'FULL' && s.bodyDecoder === 'vmdesc' && s.end !== undefined);
  return full.find((s) => s.idstr === 'timer') ?? full.find((s) => (s.node.children ?? []).some((c) => c.kind === 'field'));
}

function deviceSteps(result: DecodeResult): TourStep[] {
  const out: TourStep[] = [];
  const device = tourDevice(result);
  if (device !== undefined) {
    const header = childOf(device.node, 'header');
    const firstFull = result.sections.find((s) => s.type === 'FULL');
    if (ended(header)) {
      out.push(
        step(
          'section-full',
          `Section header: FULL ${device.idstr}`,
          header,
          [
            `0x04 is QEMU_VM_SECTION_FULL: a device's whole state in one section, with the same header as START: section id ${device.sectionId}, idstr "${device.idstr}", instance ${device.instanceId}, version ${device.versionId}.`,
            'The destination finds its own device by idstr and instance, and refuses a version newer than its own ("unsupported version") or older than its minimum ("too old").',
            firstFull !== undefined && firstFull.idstr !== device.idstr
              ? `FULL sections come after the RAM END, in the order QEMU registered the devices by priority; here ${firstFull.idstr} comes first.`
              : 'FULL sections come after the RAM END, in the order QEMU registered the devices by priority.',
          ],
          partsOf(header.children ?? []),
        ),
      );
    }
    const fields = (device.node.children ?? []).filter((c) => c.kind === 'field' || c.kind === 'struct');
    const first = fields[0];
    const last = fields.at(-1);
    if (ended(first) && ended(last)) {
      const names = fields.map((f) => `${f.name} (${f.type ?? f.kind})`).join(', ');
      out.push(
        step(
          'fields',
          `Device fields: ${device.idstr}`,
          first,
          [
            `A device body is just the fields of its VMStateDescription, in declaration order, with no names, tags, lengths or padding: ${names}.`,
            'Integers are big-endian; an unused_buffer (VMSTATE_UNUSED) is written as zeros and ignored on load. Nothing in these bytes says where one field ends: the vmdesc trailer at the end of the stream does, and that is what lets migscope name them. A destination whose device expects another layout reads the wrong bytes and usually trips over the footer.',
          ],
          partsOf(fields),
          { start: first.start, end: last.end },
        ),
      );
    }
  }

  const sub = findSubsection(result);
  if (sub !== undefined && ended(sub.node)) {
    const version = numberValue(sub.node);
    out.push(
      step(
        'subsection',
        `Subsection: ${sub.node.name}`,
        sub.node,
        [
          `0x05 is QEMU_VM_SUBSECTION, only ever inside a device body, after its fields: the subsection's full name as a counted string (one length byte, then "${sub.node.name}"), a 32-bit version${version !== undefined ? ` (${version})` : ''}, then its own fields.`,
          'A subsection is sent only when its needed() function returns true. A destination that does not know a subsection it receives fails; one that knows a subsection that was not sent keeps its defaults. This is how QEMU adds state to a device without breaking older streams.',
        ],
        [...subsectionHeaderParts(sub.node), ...partsOf((sub.node.children ?? []).filter((c) => c.kind !== 'header'))],
      ),
    );
  }

  const owner = sub?.section ?? device;
  const footer = childOf(owner?.node, 'footer');
  if (owner !== undefined && ended(footer)) {
    out.push(
      step(
        'footer',
        `Section footer: ${owner.idstr}`,
        footer,
        [
          `0x7e (QEMU_VM_SECTION_FOOTER) and the section id again: ${owner.sectionId}. Every section ends this way.`,
          `It is the only integrity check in the stream. If the destination's idea of ${owner.idstr} has another layout, it stops reading the body at the wrong byte, finds no 0x7e there and fails with "Missing section footer for ${owner.idstr}", or finds another id ("Mismatched section id in footer").`,
        ],
        [],
      ),
    );
  }
  return out;
}

/**
 * A subsection's own bytes before its fields, by the layout of §7.4: the marker, the name as a
 * counted string, the version. The decoder keeps them as a header node when it has one
 * (device-defined subsections); otherwise they are worked out from the name, and only kept
 * when they end exactly where the first field starts.
 */
function subsectionHeaderParts(node: DecodedNode & { end: number }): TourPart[] {
  const header = childOf(node, 'header');
  if (ended(header)) return partsOf(header.children ?? []);
  const nameLength = new TextEncoder().encode(node.name).length;
  const at = node.start;
  const fieldsAt = at + 1 + 1 + nameLength + 4;
  const first = (node.children ?? [])[0];
  if (fieldsAt > node.end || (first !== undefined && first.start !== fieldsAt)) return [];
  const version = numberValue(node);
  return [
    { label: 'marker', path: node.path, start: at, end: at + 1, value: '5 (0x5)' },
    { label: 'name length', path: node.path, start: at + 1, end: at + 2, value: `${nameLength} (0x${nameLength.toString(16)})` },
    { label: 'name', path: node.path, start: at + 2, end: at + 2 + nameLength, value: `"${node.name}"` },
    { label: 'version', path: node.path, start: at + 2 + nameLength, end: fieldsAt, ...(version !== undefined ? { value: `${version} (0x${version.toString(16)})` } : {}) },
  ];
}

/** fw_cfg/dma (the example of §7.4), else the first subsection of any device. */
function findSubsection(result: DecodeResult): { readonly section: SectionRecord; readonly node: DecodedNode } | undefined {
  let first: { section: SectionRecord; node: DecodedNode } | undefined;
  for (const section of result.sections) {
    if (section.type !== 'FULL' || section.end === undefined) continue;
    for (const c of section.node.children ?? []) {
      if (c.kind !== 'subsection') continue;
      if (c.name === 'fw_cfg/dma') return { section, node: c };
      first ??= { section, node: c };
    }
  }
  return first;
}

// ---- device-defined state: a virtio device's queues

/** The first described virtio device with queues (virtio-net first: the ring-size example). */
function virtioQueues(result: DecodeResult): { readonly section: SectionRecord; readonly virtio: DecodedNode; readonly count: DecodedNode & { end: number }; readonly queues: readonly (DecodedNode & { end: number })[] } | undefined {
  const candidates: { section: SectionRecord; virtio: DecodedNode; count: DecodedNode & { end: number }; queues: (DecodedNode & { end: number })[] }[] = [];
  for (const section of result.sections) {
    if (section.type !== 'FULL' || section.end === undefined) continue;
    const virtio = (section.node.children ?? []).find((c) => c.name === 'virtio' && c.type === 'virtio');
    const count = childOf(virtio, 'field', 'num_queues');
    const queues = (virtio?.children ?? []).filter((c): c is DecodedNode & { end: number } => ended(c) && /^queues\[\d+\]$/.test(c.name));
    if (virtio !== undefined && ended(count) && queues.length > 0) candidates.push({ section, virtio, count, queues });
  }
  return candidates.find((c) => c.section.idstr.endsWith('/virtio-net')) ?? candidates[0];
}

function virtioQueuesStep(result: DecodeResult): TourStep | undefined {
  const found = virtioQueues(result);
  if (found === undefined) return undefined;
  const { section, count, queues } = found;
  const last = queues.at(-1) as DecodedNode & { end: number };
  const sizes = queues.map((q) => numberValue(childOf(q, 'field', 'vring.num'))).filter((n) => n !== undefined);
  const sizeText = sizes.length > 0 && sizes.every((n) => n === sizes[0]) ? `${sizes.length} ring${sizes.length === 1 ? '' : 's'} of ${sizes[0]} entries` : `rings of ${sizes.join(', ')} entries`;
  const hasVector = queues.some((q) => childOf(q, 'field', 'vector') !== undefined);
  return step(
    'virtio-queues',
    `Virtio queues: ${section.idstr}`,
    count,
    [
      `A virtio device's state is one field of the vmdesc, "virtio", that QEMU writes with its own code (virtio_save), so the vmdesc gives only its size; migscope reads it by QEMU's layout. First the transport's state (${childOf(childOf(found.virtio, 'struct', 'transport'), 'struct', 'pci') !== undefined ? 'here PCI: the config space, the MSI-X table and the config vector' : 'the bus the device sits on'}), then the device status, ISR, queue_sel, the guest's features (low 32 bits) and the device's config space.`,
      `Then the queues: their number as a 32-bit count (${numberValue(count) ?? queues.length} here), and for each one vring.num, the ring's size as a 32-bit number; the ring's guest-physical address (64-bit); last_avail_idx, the next entry the device will read (16-bit)${hasVector ? '; and with virtio-pci the queue\'s MSI-X vector (16-bit, 0xffff for none)' : ''}. ${section.idstr} has ${sizeText}.`,
      'The destination allocates each ring with the size its own device has. QEMU 11.1 and later compare vring.num with it and refuse a larger ring ("VQ 0 vring.num 1024 exceeds allocated max 256"), so ring-size properties must match on both sides. After the queues come the device\'s own state and the virtio/* subsections (64-bit features, the rings\' other addresses, ...).',
    ],
    [
      ...partsOf([count]),
      ...queues.flatMap((q) => partsOf(q.children ?? []).map((p) => ({ ...p, label: `${q.name} ${p.label}` }))),
    ],
    { start: count.start, end: last.end },
  );
}

// ---- a section whose footer is not where the vmdesc says its body ends

function footerErrorStep(result: DecodeResult): TourStep | undefined {
  const error = result.error;
  if (error === undefined || error.code !== 'SECTION_FOOTER_MISMATCH') return undefined;
  const sectionName = error.path[0];
  const node = (result.root.children ?? []).find((n) => n.kind === 'section' && n.path[0] === sectionName && n.start <= error.offset);
  if (node === undefined || sectionName === undefined) return undefined;
  const idstr = sectionName.replace(/#\d+$/, '');
  const lastField = [...(node.children ?? [])].reverse().find(ended);
  const at = error.offset;
  return {
    id: 'footer-error',
    title: `Where decoding stopped: ${idstr}'s footer`,
    body: [
      `The vmdesc says ${idstr}'s body ends at ${hexOffset(at)}${lastField !== undefined ? `, after ${lastField.name}` : ''}: a section footer must start there, ${error.expected ?? '0x7e (QEMU_VM_SECTION_FOOTER)'}. The byte there is ${error.actual ?? 'another one'}.`,
      `QEMU's loader does the same: it reads the fields its own description of ${idstr} names, then checks for the footer, and stops with "${error.message}". The footer is the stream's only integrity check, so this is what any difference in the body looks like: a field more or less on one side, another size, or bytes changed after the save.`,
      'Everything before this byte decoded; nothing after it is read, neither by QEMU nor here.',
    ],
    path: node.path,
    offset: at,
    highlight: { start: at, end: at + 1 },
    parts: [{ label: `footer marker (expected ${error.expected ?? '0x7e'})`, path: node.path, start: at, end: at + 1, ...(error.actual !== undefined ? { value: `found ${error.actual}` } : {}) }],
  };
}

// ---- §13 EOF, §8 vmdesc

function eofStep(top: readonly DecodedNode[]): TourStep | undefined {
  const node = top.find((n) => n.kind === 'eof');
  if (!ended(node)) return undefined;
  return step(
    'eof',
    'End of the device state: EOF',
    node,
    [
      'The single byte 0x00 (QEMU_VM_EOF) ends the main loop. Before it came an END section for each iterative handler and a FULL section for every device whose state is needed.',
      'The destination stops parsing here, checks that no read went wrong, and then reads the vmdesc trailer, if any, only to discard it.',
    ],
    [],
  );
}

function vmdescStep(result: DecodeResult, top: readonly DecodedNode[]): TourStep | undefined {
  const node = top.find((n) => n.kind === 'vmdesc');
  const info = result.vmdesc;
  if (!ended(node) || info === undefined) return undefined;
  return step(
    'vmdesc',
    'The vmdesc trailer',
    node,
    [
      `After EOF: 0x06 (QEMU_VM_VMDESCRIPTION), a 32-bit length (${groupedInt(info.jsonLength)}), and that many bytes of JSON that run to the end of the file. It describes every FULL section that was written (${groupedInt(info.json.devices.length)} devices here): each field's name, type and size in bytes.`,
      "QEMU's loader reads it and throws it away. For anyone else it is the schema of this very stream, and the reason the fields above have names. It is missing when the machine has suppress-vmdesc on, and after a postcopy migration.",
    ],
    [],
  );
}

export function stepLabel(step: TourStep): string {
  return `${step.title} (${hexOffset(step.highlight.start)}–${hexOffset(step.highlight.end)})`;
}
