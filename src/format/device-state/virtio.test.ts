import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, virtioFacts, VIRTIO_QUEUE_MAX } from '../index.ts';
import type { DecodedNode } from '../model.ts';
import { allStreamFixtures } from '../test-support/fixtures.ts';
import { decodeDeviceState } from './index.ts';
import { child, decodeFixture, expectTiled, fieldsOfType } from './test-support/decoded.ts';

const VIRTIO_STREAMS = allStreamFixtures()
  .map((f) => f.id)
  // The s390x minimal stream's name says virtio (its machine), but it has no virtio device.
  .filter((id) => /virtio/.test(id) && !id.endsWith('s390x-s390-ccw-virtio-7.2-minimal'));

describe('every virtio field in fixtures/ becomes a tree that tiles it', () => {
  it('covers the 5.2, 7.2, 11.1 x86 streams, the aarch64 virtio-pci and virtio-mmio streams, and 7.2 pseries, s390x (virtio-ccw), riscv64 and arm', () => {
    expect(VIRTIO_STREAMS).toHaveLength(15);
  });
  for (const id of VIRTIO_STREAMS) {
    it(id, async () => {
      const { result } = await decodeFixture(id);
      expect(result.diagnostics.filter((d) => d.code === 'DEVICE_STATE_OPAQUE')).toEqual([]);
      const fields = fieldsOfType(result, 'virtio');
      expect(fields.length).toBeGreaterThanOrEqual(2);
      for (const { idstr, node } of fields) {
        expect(node.note, idstr).toBeUndefined();
        expectTiled(node);
        const f = virtioFacts(node);
        if (f === undefined) throw new Error(`no facts for ${idstr}`);
        expect(f.transport).toBe(idstr.startsWith('virtio-mmio@') ? 'mmio' : idstr.startsWith('/fe.') ? 'ccw' : 'pci');
        // The features follow status (1), isr (1) and queue_sel (2).
        expect(f.guestFeaturesLow.offset).toBe(f.status.offset + 4);
        expect(f.queues).toHaveLength(f.numQueues.value);
        expect(f.queues.length).toBeGreaterThan(0);
        expect(f.queues.length).toBeLessThanOrEqual(VIRTIO_QUEUE_MAX);
        for (const q of f.queues) {
          expect(q.num.value, `${idstr} queue ${q.index}`).toBeGreaterThan(0);
          expect(q.num.length).toBe(4);
          expect(q.desc.offset).toBe(q.num.offset + (f.transport === 'mmio' ? 8 : 4));
          if (f.transport === 'ccw') expect(q.vector?.offset).toBe(q.desc.offset + 10);
        }
        const last = f.subsections[f.subsections.length - 1];
        expect(last?.offset !== undefined && last.offset + last.length).toBe(node.end);
      }
    });
  }
});

describe('values of the real virtio fields', () => {
  it('7.2 s390x virtio-ccw: the subchannel of /fe.0.0001/virtio-rng, as QEMU set it up', async () => {
    const { result } = await decodeFixture('arch/7.2/s390x-s390-ccw-virtio-7.2-virtio');
    const rng = fieldsOfType(result, 'virtio').find((f) => f.idstr === '/fe.0.0001/virtio-rng')!.node;
    const transport = rng.children!.find((c) => c.name === 'transport')!;
    expect(transport.value).toBe('virtio-ccw');
    const sch = transport.children![0]!.children![0]!;
    const v = (name: string, from: DecodedNode = sch) => from.children!.find((c) => c.name === name)?.value;
    // The virtual channel subsystem 0xfe, device number 1, as the idstr says.
    expect([v('cssid'), v('ssid'), v('devno')]).toEqual([0xfe, 0, 1]);
    const id = sch.children!.find((c) => c.name === 'id')!;
    // Sense-id: control unit type 0x3832 (VIRTIO_CCW_CU_TYPE), model 4 (the virtio device id of rng).
    expect([v('cu_type', id), v('cu_model', id)]).toEqual([0x3832, 4]);
    expect(sch.children!.map((c) => c.name).at(-1)).toBe('s390_subch_dev/orb');
    expect(v('revision', transport)).toBe(-1);
    const f = virtioFacts(rng)!;
    expect(f.transport).toBe('ccw');
    expect(f.queues.map((q) => [q.num.value, q.vector?.value])).toEqual([[8, 0xffff]]);
  });

  it('11.1 pc-q35-11.1-virtio: virtio-net queue 0 is 256 entries at its own offset', async () => {
    const { result } = await decodeFixture('11.1/pc-q35-11.1-virtio');
    const net = fieldsOfType(result, 'virtio').find((f) => f.idstr === '0000:00:01.0/virtio-net')!.node;
    expect([net.start, net.end]).toEqual([0x1726c3, 0x1726c3 + 46143]);
    const f = virtioFacts(net)!;
    expect(f.queues.map((q) => q.num.value)).toEqual([256, 256, 64]);
    expect(f.queues[0]!.num).toMatchObject({ value: 256, offset: 0x172832, length: 4 });
    expect(f.queues[0]!.num.node.path.slice(-2)).toEqual(['queues[0]', 'vring.num']);
    expect(f.status).toMatchObject({ value: 3, offset: 0x17281a, length: 1 });
    expect(f.guestFeaturesLow).toMatchObject({ offset: 0x17281e, length: 4 });
    // 1 queue pair + control queue: MSI-X vectors = 2 * pairs + 2.
    expect(f.pci?.msixVectors).toBe(4);
    expect(f.pci?.vendorId.value).toBe(0x1af4);
    expect(f.pci?.deviceId.value).toBe(0x1000);
    expect(f.pci?.msixFlags?.value).toBe(3);
    expect(f.queues.map((q) => q.vector?.value)).toEqual([0xffff, 0xffff, 0xffff]);
    expect(f.deviceState).toEqual({ offset: 0x172862, length: 545 });
    expect(f.subsections.map((s) => s.name)).toEqual(['virtio/64bit_features', 'virtio/virtqueues', 'virtio/extra_state']);
    expect(f.ringsize).toBeUndefined();
    expect(f.started).toBeUndefined();
    expect(f.queues[0]!.avail?.offset).toBe(child(net, 'virtio/virtqueues', 'vq[0]').start);
    // The 1021 unused queues of the 1024-entry arrays are one node each.
    const vqs = child(net, 'virtio/virtqueues').children!.map((c) => c.name);
    expect(vqs).toEqual(['header', 'vq[0]', 'vq[1]', 'vq[2]', 'vq[3..1023]']);
    const modern = child(net, 'virtio/extra_state', 'extra_state', 'virtio_pci/modern_state');
    expect(modern.children!.map((c) => c.name)).toEqual(['header', 'dfselect', 'gfselect', 'guest_features[0]', 'guest_features[1]', 'vqs[0]', 'vqs[1]', 'vqs[2]', 'vqs[3..1023]']);
  });

  it('7.2 pc-q35-7.2-virtio: virtio-net-pci and virtio-rng-pci', async () => {
    const { result } = await decodeFixture('7.2/pc-q35-7.2-virtio');
    const fields = fieldsOfType(result, 'virtio');
    const net = fields.find((f) => f.idstr === '0000:00:01.0/virtio-net')!.node;
    expect([net.start, (net.end ?? 0) - net.start]).toEqual([1377900, 46164]);
    const n = virtioFacts(net)!;
    expect(n.pci?.msixVectors).toBe(4);
    expect(n.configLen.value).toBe(8);
    // PCIDevice 4 + 256 + 16, MSI-X 4 * 16 + 1 and config vector 2, header 12 + config 8,
    // queue count 4 + 3 queues * 16: the device state starts 415 bytes into the field.
    expect(n.deviceState).toEqual({ offset: 1377900 + 415, length: 545 });
    expect(n.subsections.map((s) => [s.name, s.version, s.length])).toEqual([
      ['virtio/64bit_features', 1, 35],
      ['virtio/virtqueues', 1, 2 + 17 + 4 + 16384],
      ['virtio/extra_state', 1, 2 + 18 + 4 + 2 + 23 + 4 + 16 + 1024 * 28],
      ['virtio/started', 1, 2 + 14 + 4 + 1],
    ]);

    const rng = fields.find((f) => f.idstr === '0000:00:06.0/virtio-rng')!.node;
    expect((rng.end ?? 0) - rng.start).toBe(45548);
    const r = virtioFacts(rng)!;
    expect(r.pci?.msixVectors).toBe(2);
    expect(r.queues.map((q) => [q.index, q.num.value, q.align, q.desc.value, q.lastAvailIdx.value, q.vector?.value])).toEqual([[0, 8, undefined, 0n, 0, 0xffff]]);
    // virtio-rng has no device state of its own: the queues run straight into the subsections.
    expect(r.deviceState.length).toBe(0);
    expect(rng.children!.some((c) => c.name === 'device_state')).toBe(false);
    expect(r.subsections.map((s) => s.name)).toEqual(['virtio/64bit_features', 'virtio/virtqueues', 'virtio/extra_state', 'virtio/disabled']);
    expect(r.disabled?.value).toBe(true);
  });

  it('5.2 virtio-rng-pci has no MSI-X (its config space has no MSI-X capability), 7.2 has 2 vectors', async () => {
    const { result } = await decodeFixture('5.2/pc-q35-5.2-virtio');
    const rng = fieldsOfType(result, 'virtio').find((f) => f.idstr === '0000:00:06.0/virtio-rng')!.node;
    const f = virtioFacts(rng)!;
    expect(f.pci?.msixVectors).toBe(0);
    expect(f.pci?.configVector).toBeUndefined();
    expect(f.queues[0]?.vector).toBeUndefined();
    expect(child(rng, 'transport').children!.map((c) => c.name)).toEqual(['pci']);
    // 37 bytes fewer than 7.2: MSI-X table 32 + pending 1 + config vector 2 + queue vector 2.
    expect((rng.end ?? 0) - rng.start).toBe(45548 - 37);
  });

  it('aarch64 virtio-mmio: three be32 transport words and a be32 ring alignment per queue', async () => {
    const { result } = await decodeFixture('aarch64/11.1/virt-11.1-virtio-mmio');
    const rng = fieldsOfType(result, 'virtio').find((f) => f.idstr === 'virtio-mmio@000000000a003c00/virtio-rng')!.node;
    expect((rng.end ?? 0) - rng.start).toBe(81);
    const transport = child(rng, 'transport');
    expect(transport.children!.map((c) => [c.name, c.end! - c.start])).toEqual([
      ['host_features_sel', 4],
      ['guest_features_sel', 4],
      ['guest_page_shift', 4],
    ]);
    const f = virtioFacts(rng)!;
    expect(f.transport).toBe('mmio');
    expect(f.pci).toBeUndefined();
    expect(f.queues.map((q) => [q.num.value, q.align?.value, q.desc.value, q.lastAvailIdx.value, q.vector])).toEqual([[8, 4096, 0n, 0, undefined]]);
    expect(f.subsections.map((s) => s.name)).toEqual(['virtio/64bit_features']);
  });

  it('aarch64 virtio-pci on virt: behind the root bus, conventional config space', async () => {
    const { result } = await decodeFixture('aarch64/11.1/virt-11.1-virtio-pci');
    const net = fieldsOfType(result, 'virtio').find((f) => f.idstr === '0000:00:01.0/virtio-net')!.node;
    expect(child(net, 'transport', 'pci', 'config').end! - child(net, 'transport', 'pci', 'config').start).toBe(256);
    expect(virtioFacts(net)!.queues.map((q) => q.num.value)).toEqual([256, 256, 64]);
  });
});

/** A copy of the stream with one field's bytes changed, decoded again. */
async function decodePatched(id: string, idstr: string, patch: (bytes: Uint8Array, field: DecodedNode) => void): Promise<{ node: DecodedNode; result: Awaited<ReturnType<typeof decodeStream>> }> {
  const { bytes, result } = await decodeFixture(id);
  const field = fieldsOfType(result, 'virtio').find((f) => f.idstr === idstr)!.node;
  const copy = bytes.slice();
  patch(copy, field);
  const again = await decodeStream(bytesSource(copy, id));
  return { node: fieldsOfType(again, 'virtio').find((f) => f.idstr === idstr)!.node, result: again };
}

describe('bytes that do not fit the layout leave the field opaque, saying why', () => {
  it('a changed subsection name: no chain of subsections reaches the end', async () => {
    const { node, result } = await decodePatched('7.2/pc-q35-7.2-virtio', '0000:00:06.0/virtio-rng', (b, field) => {
      const disabled = child(field, 'virtio/disabled');
      b[disabled.start + 2] = 0x58; // 'virtio/disabled' -> 'Xirtio/disabled'
    });
    expect(node.children).toBeUndefined();
    expect(node.value).toEqual({ offset: node.start, length: 45548 });
    expect(node.note).toMatch(/^opaque: no chain of 'virtio\/' subsections of known sizes runs from after the queues to the end of the field/);
    const d = result.diagnostics.filter((x) => x.code === 'DEVICE_STATE_OPAQUE');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toMatch(/^0000:00:06.0\/virtio-rng: virtio field 'virtio' left as opaque bytes: no chain/);
    // The rest of the stream decodes as before.
    expect(result.complete).toBe(true);
  });

  it("an impossible queue count, in the loader's own words", async () => {
    let numAt = 0;
    const { node } = await decodePatched('7.2/pc-q35-7.2-virtio', '0000:00:06.0/virtio-rng', (b, field) => {
      numAt = child(field, 'num_queues').start;
      b.set([0, 0, 0x10, 0x01], numAt);
    });
    expect(node.children).toBeUndefined();
    expect(node.note).toBe(`opaque: Invalid number of virtqueues: 0x1001 (at 0x${numAt.toString(16)})`);
  });

  it('a section whose idstr names no known transport', () => {
    // A ccw path starts with '/': without it, it is no bus path migscope knows.
    const d = decodeDeviceState({ type: 'virtio', idstr: 'fe.0.0001/virtio-net', bytes: new Uint8Array(40), base: 100, path: ['x', 'virtio'] });
    expect(d).toEqual({ ok: false, offset: 100, reason: "the virtio transport of 'fe.0.0001/virtio-net' is not known (virtio-pci, virtio-mmio and virtio-ccw are decoded)" });
  });
});

/** Builds `0x05 len name be32(1) body` as QEMU's vmstate_subsection_save writes it. */
function subsection(name: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + name.length + 4 + body.length);
  out[0] = 0x05;
  out[1] = name.length;
  for (let i = 0; i < name.length; i++) out[2 + i] = name.charCodeAt(i);
  out.set([0, 0, 0, 1], 2 + name.length);
  out.set(body, 6 + name.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('subsections the fixtures do not carry, from their layouts in the source', () => {
  /** The 7.2 virtio-rng field split before a subsection, with `extra` spliced in there. */
  async function rngWith(before: string, extra: Uint8Array): Promise<{ bytes: Uint8Array; at: number }> {
    const { bytes, result } = await decodeFixture('7.2/pc-q35-7.2-virtio');
    const field = fieldsOfType(result, 'virtio').find((f) => f.idstr === '0000:00:06.0/virtio-rng')!.node;
    const cut = child(field, before).start;
    const own = bytes.subarray(field.start, field.end);
    return { bytes: concat(own.subarray(0, cut - field.start), extra, own.subarray(cut - field.start)), at: cut - field.start };
  }

  const virtioNode = (bytes: Uint8Array, base: number): DecodedNode => {
    const d = decodeDeviceState({ type: 'virtio', idstr: '0000:00:06.0/virtio-rng', bytes, base, path: ['rng', 'virtio'] });
    if (!d.ok) throw new Error(d.reason);
    return { kind: 'field', name: 'virtio', path: ['rng', 'virtio'], start: base, end: base + bytes.length, type: 'virtio', value: { offset: base, length: bytes.length }, children: d.children };
  };

  it('virtio/ringsize (QEMU <= 11.0): the default of each queue, at its offset', async () => {
    // 10.0.13 records vring.num_default 1024 for a queue whose size the guest set lower.
    const body = new Uint8Array(VIRTIO_QUEUE_MAX * 4);
    body.set([0, 0, 4, 0], 0);
    const { bytes, at } = await rngWith('virtio/extra_state', subsection('virtio/ringsize', body));
    const node = virtioNode(bytes, 1000);
    expectTiled(node);
    const f = virtioFacts(node)!;
    expect(f.subsections.map((s) => s.name)).toEqual(['virtio/64bit_features', 'virtio/virtqueues', 'virtio/ringsize', 'virtio/extra_state', 'virtio/disabled']);
    const header = 2 + 'virtio/ringsize'.length + 4;
    expect(f.ringsize?.defaults.get(0)).toMatchObject({ value: 1024, offset: 1000 + at + header, length: 4 });
    expect(child(node, 'virtio/ringsize').children!.map((c) => c.name)).toEqual(['header', 'vq[0]', 'vq[1..1023]']);
  });

  it('a subsection out of vmstate_virtio order is not this layout, wherever it is', async () => {
    const started = subsection('virtio/started', new Uint8Array([1]));
    const before = await rngWith('virtio/64bit_features', started);
    const { bytes, result } = await decodeFixture('7.2/pc-q35-7.2-virtio');
    const field = fieldsOfType(result, 'virtio').find((f) => f.idstr === '0000:00:06.0/virtio-rng')!.node;
    const after = concat(bytes.subarray(field.start, field.end), started);
    for (const b of [before.bytes, after]) {
      // Neither may be read as device state followed by a shorter chain: the first virtio/
      // header after the queues starts the chain.
      const d = decodeDeviceState({ type: 'virtio', idstr: '0000:00:06.0/virtio-rng', bytes: b, base: 0, path: ['rng', 'virtio'] });
      expect(d.ok).toBe(false);
    }
  });

  it('virtio/128bit_features (QEMU 11.1): bits 64-127 of the features', async () => {
    const high = new Uint8Array(8);
    high[7] = 0x05;
    const { bytes } = await rngWith('virtio/64bit_features', subsection('virtio/128bit_features', high));
    const f = virtioFacts(virtioNode(bytes, 0))!;
    expect(f.guestFeatures128?.value).toBe(5n);
    expect(f.features.value).toBe((5n << 64n) | (f.guestFeatures64?.value ?? 0n));
    expect(f.features.offset).toBe(f.guestFeatures64?.offset);
  });
});

describe('damaged virtio bytes give a tree or a reason, nothing else', () => {
  it('byte flips and cuts anywhere in real fields', async () => {
    const { bytes, result } = await decodeFixture('7.2/pc-q35-7.2-virtio');
    const fields = fieldsOfType(result, 'virtio').map(({ idstr, node }) => ({ idstr, own: bytes.slice(node.start, node.end) }));
    fc.assert(
      fc.property(
        fc.nat({ max: fields.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, flips, cut) => {
          const { idstr, own } = fields[which]!;
          let b = own.slice();
          for (const [at, v] of flips) b[at % b.length] = v;
          if (cut !== undefined) b = b.subarray(0, cut % b.length);
          const d = decodeDeviceState({ type: 'virtio', idstr, bytes: b, base: 10, path: ['s', 'virtio'] });
          if (!d.ok) {
            expect(d.offset).toBeGreaterThanOrEqual(10);
            expect(d.offset).toBeLessThanOrEqual(10 + b.length);
            return;
          }
          expectTiled({ kind: 'field', name: 'virtio', path: ['s', 'virtio'], start: 10, end: 10 + b.length, type: 'virtio', children: d.children });
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });
});
