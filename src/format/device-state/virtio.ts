/**
 * The `virtio` field of virtio devices (VMSTATE_VIRTIO_DEVICE), written by virtio_save() in
 * hw/virtio/virtio.c (the same in 5.2, 7.2, 10.0 and 11.1):
 *
 *   transport config   virtio_pci_save_config(): pci_device_save() (the PCIDevice vmsd: int32
 *                      version_id, `pci config` 256 or 4096 bytes, `pci irq state` 4 x be32),
 *                      msix_save() (table and pending bits, when MSI-X is present), then be16
 *                      config_vector when MSI-X is present.
 *                      virtio_mmio_save_config(): be32 host_features_sel, guest_features_sel,
 *                      guest_page_shift.
 *   u8 status, u8 isr, be16 queue_sel, be32 guest_features (low 32 bits)
 *   be32 config_len, config (the device's config space, config_len bytes)
 *   be32 num_queues (queues up to the first with vring.num 0), per queue: be32 vring.num,
 *                      [be32 vring.align: virtio-mmio, has_variable_vring_alignment], be64
 *                      vring.desc, be16 last_avail_idx, [be16 vector: virtio_pci_save_queue,
 *                      with MSI-X]
 *   device state       vdc->save() and vdc->vmsd: per device, described nowhere in the stream
 *   vmstate_virtio     subsections only (virtio-subsections.ts)
 *
 * The device state has no length or marker, so it is found from the other end: it is the bytes
 * between the queues and the first `virtio/` subsection header, and the subsections from there
 * (their sizes are known) must run exactly to the end of the field. When they do not, or any
 * read does not fit, the whole field stays opaque with the reason (LayoutMismatch): never a
 * guessed tree.
 */
import { emitIrqState, emitMsixTable, emitPciConfig, PCI_CONFIG_SPACE_SIZE, PCIE_CONFIG_SPACE_SIZE, pciConfigShape } from './pci-config.ts';
import { LayoutMismatch, type NodeSink } from './state-reader.ts';
import { emitCcwTransport, isCcwIdstr } from './virtio-ccw.ts';
import { emitSubsections, planSubsections, startsKnownSubsection, VIRTIO_QUEUE_MAX, VIRTIO_SUBSECTIONS, type PlannedSubsection, type VirtioTransport } from './virtio-subsections.ts';

/**
 * The transport from the section's idstr, which QEMU builds from the device's bus path:
 * `virtio-mmio@<base>/<vmsd>` (virtio_mmio_bus_get_dev_path) or a PCI path (pcibus_get_dev_path:
 * the host bridge's root bus path, then `:ss.f` per level, e.g. `0000:00:03.0/virtio-net` on
 * x86 and `pci@800000020000000:00.0/virtio-net` on pseries, whose root bus path is the PHB's
 * device-tree name), or a virtual channel subsystem address `/fe.0.0000/<vmsd>` (virtio-ccw).
 */
export function virtioTransportOf(idstr: string): VirtioTransport | undefined {
  if (idstr.startsWith('virtio-mmio@')) return 'mmio';
  if (isCcwIdstr(idstr)) return 'ccw';
  if (/:[0-9a-f]{2}\.[0-7]\/[^/]+$/.test(idstr)) return 'pci';
  return undefined;
}

/** Emits the field's children; throws LayoutMismatch when the bytes are not this layout. */
export function emitVirtio(sink: NodeSink, transport: VirtioTransport): void {
  const r = sink.r;
  let msixVectors = 0;
  if (transport === 'pci') {
    sink.group(
      'transport',
      (t) => {
        msixVectors = emitPciTransport(t);
      },
      { value: 'virtio-pci', note: 'virtio-pci: virtio_pci_save_config()' },
    );
  } else if (transport === 'ccw') {
    sink.group('transport', emitCcwTransport, { value: 'virtio-ccw', note: 'virtio-ccw: virtio_ccw_save_config(): vmstate s390_virtio_ccw_dev' });
  } else {
    sink.group(
      'transport',
      (t) => {
        t.be32('host_features_sel');
        t.be32('guest_features_sel');
        t.be32('guest_page_shift');
      },
      { value: 'virtio-mmio', note: 'virtio-mmio: virtio_mmio_save_config()' },
    );
  }
  sink.u8('status', 'VIRTIO_CONFIG_S_*: 1 acknowledge, 2 driver, 4 driver ok, 8 features ok, 0x40 needs reset, 0x80 failed');
  sink.u8('isr');
  sink.be16('queue_sel');
  sink.be32('guest_features', 'guest feature bits 0-31; all 64 are in virtio/64bit_features when it is sent');
  const configLen = sink.be32('config_len');
  if (configLen > r.left) throw new LayoutMismatch(r.at, `config_len ${configLen} runs past the end of the field (${r.left} bytes left)`);
  if (configLen > 0) sink.bytes('config', configLen, 'buffer', "the device's config space (device-specific)");
  const numAt = r.at;
  const numQueues = sink.be32('num_queues');
  // virtio_load's own check, in its words.
  if (numQueues > VIRTIO_QUEUE_MAX) throw new LayoutMismatch(numAt, `Invalid number of virtqueues: 0x${numQueues.toString(16)}`);
  // virtio_pci_save_queue writes a vector with MSI-X, virtio_ccw_save_queue always.
  const vectors = msixVectors > 0 || transport === 'ccw';
  const perQueue = 4 + (transport === 'mmio' ? 4 : 0) + 8 + 2 + (vectors ? 2 : 0);
  r.need(numQueues * perQueue, `${numQueues} queues of ${perQueue} bytes`);
  for (let i = 0; i < numQueues; i++) {
    sink.group(`queues[${i}]`, (q) => {
      q.be32('vring.num');
      if (transport === 'mmio') q.be32('vring.align');
      q.be64('vring.desc');
      q.be16('last_avail_idx');
      if (msixVectors > 0) q.be16('vector', 'MSI-X vector; 0xffff = none (VIRTIO_NO_VECTOR)');
      else if (transport === 'ccw') q.be16('vector', 'the queue\'s indicator bit (virtio_queue_vector)');
    });
  }
  const ctx = { queuesInUse: numQueues, transport };
  const tail = findTail(r.bytes, r.pos, ctx);
  if (tail === undefined) {
    throw new LayoutMismatch(
      r.at,
      `no chain of 'virtio/' subsections of known sizes runs from after the queues to the end of the field, so the device state (${r.left} bytes from here) cannot be told apart from them`,
    );
  }
  const deviceLength = tail.start - r.pos;
  if (deviceLength > 0) {
    sink.bytes('device_state', deviceLength, 'opaque', "device-specific: the device's save() and vmsd (vdc->vmsd), which the vmdesc does not describe", 'opaque');
  }
  emitSubsections(sink, tail.list, ctx);
}

/** Returns the MSI-X vector count (0 without MSI-X). */
function emitPciTransport(t: NodeSink): number {
  const r = t.r;
  // The PCIDevice vmsd writes the config space's size from pci_is_express(); for virtio-pci a
  // function is express exactly when virtio_pci_realize() gave it the PCIe capability
  // (otherwise it clears QEMU_PCI_CAP_EXPRESS), which the first 256 bytes show.
  r.need(4 + PCI_CONFIG_SPACE_SIZE, 'PCIDevice version_id and config space');
  r.pos += 4;
  const shape = pciConfigShape(r);
  r.pos -= 4;
  const configSize = shape.express ? PCIE_CONFIG_SPACE_SIZE : PCI_CONFIG_SPACE_SIZE;
  t.group(
    'pci',
    (p) => {
      // VMSTATE_INT32_POSITIVE_LE: the loader refuses <= 0 and more than its own version (2).
      p.int32('version_id', 'int32 le', 'PCIDevice vmsd version');
      emitPciConfig(p, 'config', configSize);
      emitIrqState(p, 'irq_state');
    },
    { type: 'PCIDevice', note: 'pci_device_save(): vmstate PCIDevice' },
  );
  const vectors = shape.msixVectors ?? 0;
  if (vectors > 0) {
    emitMsixTable(t, vectors);
    // A value the layout allows but the loader refuses (virtio_pci_load_config: a vector not
    // below nvectors) is shown, not treated as a misread: such streams are the ones to explain.
    t.be16('config_vector', 'MSI-X vector of config changes; 0xffff = none (VIRTIO_NO_VECTOR)');
  }
  return vectors;
}

/**
 * The tail starts at the first header of a known `virtio/` subsection after the queues, and
 * must run from there to the end. Taking the first such header, not any suffix that happens to
 * parse, keeps a complete subsection from being swallowed into the device state: device vmsds
 * never write these names (they are vmstate_virtio's own).
 */
function findTail(bytes: Uint8Array, from: number, ctx: { readonly queuesInUse: number; readonly transport: VirtioTransport }): { start: number; list: PlannedSubsection[] } | undefined {
  const end = bytes.length;
  for (let s = from; s < end; s++) {
    if (bytes[s] !== 0x05 || !startsKnownSubsection(bytes, s, end, VIRTIO_SUBSECTIONS)) continue;
    const plan = planSubsections(bytes, s, end, VIRTIO_SUBSECTIONS, ctx);
    return plan !== undefined && plan.end === end && plan.list.length > 0 ? { start: s, list: plan.list } : undefined;
  }
  return undefined;
}
