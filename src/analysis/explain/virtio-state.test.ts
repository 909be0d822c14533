import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../../format/index.ts';
import { readGunzipped, streamFixtures } from '../../format/test-support/fixtures.ts';
import { decodeVirtioState, VIRTIO_QUEUE_MAX } from './virtio-state.ts';

async function virtioFields(id: string) {
  const fx = streamFixtures().find((f) => f.id === id)!;
  const bytes = readGunzipped(fx.path);
  const r = await decodeStream(bytesSource(bytes, fx.id));
  const out: { idstr: string; start: number; length: number }[] = [];
  for (const s of r.sections) {
    const f = s.node.children?.find((c) => c.type === 'virtio');
    if (f?.end !== undefined) out.push({ idstr: s.idstr, start: f.start, length: f.end - f.start });
  }
  return { bytes, fields: out };
}

const transport = (idstr: string): 'mmio' | 'pci' => (idstr.startsWith('virtio-mmio@') ? 'mmio' : 'pci');

describe('every virtio field in fixtures/ decodes with every byte accounted for', () => {
  const ids = streamFixtures()
    .map((f) => f.id)
    .filter((id) => /virtio/.test(id));
  it('covers the 5.2, 7.2, 11.1 x86 streams and the aarch64 virtio-pci and virtio-mmio streams', () => {
    expect(ids).toHaveLength(11);
  });
  for (const id of ids) {
    it(id, async () => {
      const { bytes, fields } = await virtioFields(id);
      expect(fields.length).toBeGreaterThanOrEqual(2);
      for (const f of fields) {
        const d = decodeVirtioState(bytes, 0, f.start, f.length, transport(f.idstr));
        expect(d.ok, f.idstr).toBe(true);
        if (!d.ok) continue;
        const s = d.value;
        expect(s.verified, `${f.idstr}: ${s.note ?? ''}`).toBe(true);
        // The parts tile the field exactly.
        let at = f.start;
        for (const p of s.parts) {
          expect(p.offset, `${f.idstr} ${p.name}`).toBe(at);
          at += p.length;
        }
        expect(at).toBe(f.start + f.length);
        const last = s.subsections[s.subsections.length - 1]!;
        expect(last.offset + last.length).toBe(f.start + f.length);
        expect(s.queues.length).toBeGreaterThan(0);
        expect(s.queues.length).toBeLessThanOrEqual(VIRTIO_QUEUE_MAX);
      }
    });
  }
});

describe('values of the real virtio fields', () => {
  it('7.2 pc-q35-7.2-virtio: virtio-net-pci and virtio-rng-pci', async () => {
    const { bytes, fields } = await virtioFields('7.2/pc-q35-7.2-virtio');
    const net = fields.find((f) => f.idstr === '0000:00:01.0/virtio-net')!;
    expect(net).toEqual({ idstr: '0000:00:01.0/virtio-net', start: 1377900, length: 46164 });
    const n = decodeVirtioState(bytes, 0, net.start, net.length, 'pci');
    if (!n.ok) throw new Error(n.reason);
    // 1 queue pair + control queue, MSI-X vectors = 2 * pairs + 2 (the 7.2 default).
    expect(n.value.msixVectors).toBe(4);
    expect(n.value.queues.map((q) => q.num)).toEqual([256, 256, 64]);
    expect(n.value.configLength).toBe(8);
    // PCIDevice 4 + 256 + 16, MSI-X 4 * 16 + 1 and config vector 2, header 12 + config 8,
    // queue count 4 + 3 queues * 16: the device state starts 415 bytes into the field.
    expect(n.value.deviceState).toEqual({ offset: 1377900 + 415, length: 545 });
    expect(n.value.subsections.map((s) => [s.name, s.version, s.length])).toEqual([
      ['virtio/64bit_features', 1, 35],
      ['virtio/virtqueues', 1, 2 + 17 + 4 + 16384],
      ['virtio/extra_state', 1, 2 + 18 + 4 + 2 + 23 + 4 + 16 + 1024 * 28],
      ['virtio/started', 1, 2 + 14 + 4 + 1],
    ]);

    const rng = fields.find((f) => f.idstr === '0000:00:06.0/virtio-rng')!;
    const r = decodeVirtioState(bytes, 0, rng.start, rng.length, 'pci');
    if (!r.ok) throw new Error(r.reason);
    expect(rng.length).toBe(45548);
    expect(r.value.msixVectors).toBe(2);
    expect(r.value.queues).toEqual([{ index: 0, num: 8, align: undefined, desc: 0n, lastAvailIdx: 0, vector: 0xffff }]);
    // virtio-rng has no device state of its own: the queues run straight into the subsections.
    expect(r.value.deviceState.length).toBe(0);
    expect(r.value.subsections.map((s) => s.name)).toEqual(['virtio/64bit_features', 'virtio/virtqueues', 'virtio/extra_state', 'virtio/disabled']);
  });

  it('5.2 virtio-rng-pci has no MSI-X (its config space has no MSI-X capability), 7.2 has 2 vectors', async () => {
    const five = await virtioFields('5.2/pc-q35-5.2-virtio');
    const rng5 = five.fields.find((f) => f.idstr === '0000:00:06.0/virtio-rng')!;
    const d5 = decodeVirtioState(five.bytes, 0, rng5.start, rng5.length, 'pci');
    if (!d5.ok) throw new Error(d5.reason);
    expect(d5.value.msixVectors).toBe(0);
    expect(d5.value.queues[0]?.vector).toBeUndefined();
    // 37 bytes fewer than 7.2: MSI-X table 32 + pending 1 + config vector 2 + queue vector 2.
    expect(rng5.length).toBe(45548 - 37);
  });

  it('aarch64 virtio-mmio: 12-byte transport config and a be32 ring alignment per queue', async () => {
    const { bytes, fields } = await virtioFields('aarch64/11.1/virt-11.1-virtio-mmio');
    const rng = fields.find((f) => f.idstr === 'virtio-mmio@000000000a003c00/virtio-rng')!;
    expect(rng.length).toBe(81);
    const d = decodeVirtioState(bytes, 0, rng.start, rng.length, 'mmio');
    if (!d.ok) throw new Error(d.reason);
    expect(d.value.queues).toEqual([{ index: 0, num: 8, align: 4096, desc: 0n, lastAvailIdx: 0, vector: undefined }]);
    expect(d.value.subsections.map((s) => s.name)).toEqual(['virtio/64bit_features']);
    expect(d.value.parts[0]).toMatchObject({ name: 'transport (virtio-mmio)', length: 12 });
  });

  it('stays unverified (device state opaque) when a byte in the subsections is changed', async () => {
    const { bytes, fields } = await virtioFields('7.2/pc-q35-7.2-virtio');
    const rng = fields.find((f) => f.idstr === '0000:00:06.0/virtio-rng')!;
    const copy = bytes.slice();
    const ok = decodeVirtioState(copy, 0, rng.start, rng.length, 'pci');
    if (!ok.ok) throw new Error(ok.reason);
    const disabled = ok.value.subsections.find((s) => s.name === 'virtio/disabled')!;
    copy[disabled.offset + 2] = 0x58; // 'virtio/disabled' -> 'Xirtio/disabled'
    const bad = decodeVirtioState(copy, 0, rng.start, rng.length, 'pci');
    if (!bad.ok) throw new Error(bad.reason);
    expect(bad.value.verified).toBe(false);
    expect(bad.value.note).toMatch(/no 'virtio\/' subsection ends exactly/);
  });

  it('refuses an impossible queue count with the loader\'s own words', async () => {
    const { bytes, fields } = await virtioFields('7.2/pc-q35-7.2-virtio');
    const rng = fields.find((f) => f.idstr === '0000:00:06.0/virtio-rng')!;
    const copy = bytes.slice();
    // transport 276 + MSI-X 33 + config vector 2 + header 12 (config_len 0) = the queue count.
    const numAt = rng.start + 276 + 33 + 2 + 12;
    copy.set([0, 0, 0x10, 0x01], numAt);
    const d = decodeVirtioState(copy, 0, rng.start, rng.length, 'pci');
    expect(d).toEqual({ ok: false, reason: 'Invalid number of virtqueues: 0x1001', offset: numAt + 4 });
  });
});
