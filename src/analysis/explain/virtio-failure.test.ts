import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, virtioFacts, type DecodeResult } from '../../format/index.ts';
import { readGunzipped, streamFixtures } from '../../format/test-support/fixtures.ts';
import { explainLoad } from './explain.ts';

const ID = '11.1/pc-q35-11.1-virtio';
const NET = '0000:00:01.0/virtio-net';
/** Offsets in that stream (src/format/device-state/virtio.test.ts checks them against the tree). */
const STATUS = 0x17281a;
const QUEUE0_NUM = 0x172832;

/** The stream with queue 0 of virtio-net at 1024 entries, as Debian's 10.0.13 saved it. */
async function streamWithBigQueue(): Promise<DecodeResult> {
  const bytes = readGunzipped(streamFixtures().find((f) => f.id === ID)!.path).slice();
  bytes.set([0, 0, 4, 0], QUEUE0_NUM);
  return decodeStream(bytesSource(bytes, ID));
}

/** An 11.1 destination's log, in its chained style (the shape of a real 10.0 -> 11.1 load). */
function log(first: string): string {
  return [
    `2026-12-06T12:21:39.543551Z qemu-system-x86_64: ${first}`,
    `2026-12-06T12:21:39.544003Z qemu-system-x86_64: load of migration failed: Invalid argument: error while loading state for instance 0x0 of device '${NET}': Failed to load element of type virtio for virtio`,
  ].join('\n');
}

describe("virtio_load's messages point at the value they name", () => {
  it('VQ 0 vring.num 1024 exceeds allocated max 256: the 4 bytes of queue 0 vring.num', async () => {
    const stream = await streamWithBigQueue();
    const f = explainLoad({ stream, log: log('VQ 0 vring.num 1024 exceeds allocated max 256') }).failure!;
    expect(f.cause).toBe('DEVICE_CHECK_FAILED');
    expect(f.section?.idstr).toBe(NET);
    expect(f.field).toBe('virtio/queues[0]/vring.num');
    expect([f.offset, f.length]).toEqual([QUEUE0_NUM, 4]);
    expect(f.values[0]).toEqual({ name: 'VQ 0 vring.num', offset: QUEUE0_NUM, length: 4, value: '1024' });
    // guest_features follows status, isr and queue_sel: 4 bytes after status, not at it.
    expect(f.values.find((v) => v.name === 'guest_features (bits 0-31)')).toEqual({ name: 'guest_features (bits 0-31)', offset: STATUS + 4, length: 4, value: '0x0' });
    // Every value quoted is the node at its offset.
    const field = stream.sections.find((s) => s.idstr === NET)!.node.children!.find((c) => c.type === 'virtio')!;
    const facts = virtioFacts(field)!;
    expect(f.values.find((v) => v.name === 'VQ 0 last_avail_idx')?.offset).toBe(facts.queues[0]!.lastAvailIdx.offset);
    expect(f.values.find((v) => v.name === 'VQ 0 vring.desc')?.offset).toBe(facts.queues[0]!.desc.offset);
  });

  it('VQ 1 address 0x0 inconsistent with Host index: queue 1 vring.desc', async () => {
    const stream = await streamWithBigQueue();
    const f = explainLoad({ stream, log: log('VQ 1 address 0x0 inconsistent with Host index 0x5') }).failure!;
    expect(f.field).toBe('virtio/queues[1]/vring.desc');
    expect([f.offset, f.length]).toEqual([QUEUE0_NUM + 16 + 4, 8]);
  });

  it('Features unsupported: the 64-bit guest features of virtio/64bit_features', async () => {
    const stream = await streamWithBigQueue();
    const f = explainLoad({ stream, log: log('Features 0x130afffa7 unsupported. Allowed features: 0x1079bfbf8') }).failure!;
    expect(f.field).toBe('virtio/virtio/64bit_features/guest_features');
    expect(f.length).toBe(8);
  });

  it("a device's own check (virtio-net: ...) points at the device state", async () => {
    const stream = await streamWithBigQueue();
    const f = explainLoad({ stream, log: log('virtio-net: saved image requires vnet_hdr=on') }).failure!;
    expect(f.field).toBe('virtio/device_state');
    expect([f.offset, f.length]).toEqual([0x172862, 545]);
  });

  it('a queue the stream does not have: the whole virtio field, as the log names it', async () => {
    const stream = await streamWithBigQueue();
    const f = explainLoad({ stream, log: log('VQ 7 vring.num 1024 exceeds allocated max 256') }).failure!;
    expect(f.field).toBe('virtio');
    expect(f.length).toBe(46143);
  });
});
