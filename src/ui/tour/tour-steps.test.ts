/**
 * The tour on the real samples: every step points at bytes the decoder found (the node named
 * by its path and offset, with the decoder's own offsets), and the offsets are the ones
 * stream-format.md lists for these very files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, type DecodedNode, type DecodeResult } from '../../format/index.ts';
import { tourSteps, type TourStep } from './tour-steps.ts';

async function decodeFixture(rel: string): Promise<DecodeResult> {
  const bytes = gunzipSync(readFileSync(fileURLToPath(new URL(`../../../fixtures/${rel}`, import.meta.url))));
  return decodeStream(bytesSource(new Uint8Array(bytes), rel));
}

function nodesOf(result: DecodeResult): DecodedNode[] {
  const out: DecodedNode[] = [];
  const walk = (n: DecodedNode): void => {
    out.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(result.root);
  return out;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** The node a step selects, found in the model the way the Stream view finds it (starting at, else holding, its offset). */
function nodeOf(result: DecodeResult, step: TourStep): DecodedNode | undefined {
  const same = nodesOf(result).filter((n) => samePath(n.path, step.path));
  return same.find((n) => n.start === step.offset) ?? same.find((n) => n.start <= step.offset && step.offset < (n.end ?? Number.POSITIVE_INFINITY));
}

function spans(steps: readonly TourStep[]): Record<string, [number, number]> {
  return Object.fromEntries(steps.map((s) => [s.id, [s.highlight.start, s.highlight.end]]));
}

function checkAgainstModel(result: DecodeResult, steps: readonly TourStep[]): void {
  for (const s of steps) {
    const node = nodeOf(result, s);
    expect(node, s.id).toBeDefined();
    expect(s.highlight.start).toBeGreaterThanOrEqual(node?.start ?? -1);
    for (const p of s.parts) {
      // A part is a node of its own, or a piece of the node it names (a subsection's marker and name).
      const part = nodesOf(result).find((n) => samePath(n.path, p.path) && n.start === p.start && n.end === p.end);
      const within = nodesOf(result).find((n) => samePath(n.path, p.path) && n.start <= p.start && p.end <= (n.end ?? Number.POSITIVE_INFINITY));
      expect(part ?? within, `${s.id} ${p.label}`).toBeDefined();
      // Every part's bytes are among the step's highlighted bytes.
      expect(p.start, `${s.id} ${p.label}`).toBeGreaterThanOrEqual(s.highlight.start);
      expect(p.end, `${s.id} ${p.label}`).toBeLessThanOrEqual(s.highlight.end);
    }
    expect(s.body.length).toBeGreaterThan(0);
  }
}

describe('tour steps', () => {
  it('11.1 pc-q35-11.1-minimal: every step, at the offsets of stream-format.md', async () => {
    const result = await decodeFixture('streams/11.1/pc-q35-11.1-minimal.mig.gz');
    const steps = tourSteps(result);
    expect(steps.map((s) => s.id)).toEqual([
      'header',
      'configuration',
      'section-start',
      'ram-setup',
      'ram-part',
      'switchover',
      'section-full',
      'fields',
      'subsection',
      'footer',
      'negotiation',
      'eof',
      'vmdesc',
    ]);
    expect(spans(steps)).toEqual({
      header: [0x0, 0x8],
      configuration: [0x8, 0x18],
      'section-start': [0x18, 0x29],
      // MEM_SIZE at 0x29, the block list from 0x31, EOS at 0xb5 (§9's example).
      'ram-setup': [0x29, 0xbd],
      // The PART header at 0xc2 (its text names it), the first record at 0xc7, EOS, then the footer at 0x97542.
      'ram-part': [0xc2, 0x97542],
      switchover: [0x9b580, 0x9b585],
      'section-full': [0x9b663, 0x9b676],
      'fields': [0x9b676, 0x9b68e],
      subsection: [0x9bef0, 0x9bf08],
      footer: [0x9bf34, 0x9bf39],
      // mc146818rtc's version_id: the first section whose range moved between Debian's builds.
      negotiation: [0x9c1a3, 0x9c1a7],
      eof: [0xa34b8, 0xa34b9],
      vmdesc: [0xa34b9, 0xa34b9 + 5 + 44_536],
    });
    checkAgainstModel(result, steps);

    const byId = (id: string): TourStep => steps.find((s) => s.id === id) as TourStep;
    expect(byId('header').parts.map((p) => [p.label, p.start, p.end])).toEqual([
      ['magic', 0, 4],
      ['version', 4, 8],
    ]);
    expect(byId('configuration').body.join(' ')).toContain('"pc-q35-11.1"');
    expect(byId('section-start').body[0]).toContain('section id as a 32-bit number (1)');
    expect(byId('ram-setup').body.join(' ')).toContain('pc.ram 64 MiB');
    expect(byId('ram-setup').body[0]).toContain('0x4082000');
    expect(byId('section-full').title).toBe('Section header: FULL timer');
    expect(byId('section-full').body.join(' ')).toContain('here apic comes first');
    expect(byId('fields').parts.map((p) => p.label)).toEqual(['cpu_ticks_offset', 'unused', 'cpu_clock_offset']);
    expect(byId('subsection').title).toBe('Subsection: fw_cfg/dma');
    // What its text names, in order: marker, name length, name, version, then its fields; together exactly its bytes.
    expect(byId('subsection').parts.map((p) => [p.label, p.start, p.end, p.value])).toEqual([
      ['marker', 0x9bef0, 0x9bef1, '5 (0x5)'],
      ['name length', 0x9bef1, 0x9bef2, '10 (0xa)'],
      ['name', 0x9bef2, 0x9befc, '"fw_cfg/dma"'],
      ['version', 0x9befc, 0x9bf00, '0 (0x0)'],
      ['dma_addr', 0x9bf00, 0x9bf08, '0 (0x0)'],
    ]);
    expect(byId('footer').title).toBe('Section footer: fw_cfg');
    expect(byId('vmdesc').body[0]).toContain('44,536');
    expect(byId('negotiation').title).toBe('Versions and negotiation: mc146818rtc');
    expect(byId('negotiation').body[1]).toBe("Debian's builds accept, for mc146818rtc: 5.2 1..3, 7.2 1..3, 10.0 1..3, 11.1 3. So version 3 loads in 5.2, 7.2, 10.0, 11.1.");
    expect(byId('negotiation').body[2]).toContain('pciespscsi is 1..2 in 7.2 but 1 in 5.2');
  });

  it('7.2 pc-i440fx-7.2-minimal: no SWITCHOVER_START, timer first', async () => {
    const result = await decodeFixture('streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
    const steps = tourSteps(result);
    expect(steps.map((s) => s.id)).not.toContain('switchover');
    expect(spans(steps)).toMatchObject({
      configuration: [0x8, 0x1a],
      'section-start': [0x1a, 0x2b],
      'section-full': [0x9355f, 0x93572],
      fields: [0x93572, 0x9358a],
      eof: [0x967b7, 0x967b8],
      vmdesc: [0x967b8, 0x967b8 + 5 + 98_771],
    });
    expect(steps.find((s) => s.id === 'section-full')?.body.join(' ')).not.toContain('comes first');
    checkAgainstModel(result, steps);
  });

  it('ppc64 pseries-7.2 (the other-architecture sample): the hash page table\'s own iterative section, in stream order', async () => {
    const result = await decodeFixture('streams-extra/arch/7.2/ppc64-pseries-7.2-minimal.mig.gz');
    const steps = tourSteps(result);
    expect(steps.map((s) => s.id)).toEqual(['header', 'configuration', 'section-start', 'ram-setup', 'iterative', 'ram-part', 'section-full', 'fields', 'subsection', 'footer', 'eof', 'vmdesc']);
    expect(spans(steps)).toMatchObject({
      configuration: [0x8, 0x18],
      'ram-setup': [0x29, 0x4f],
      iterative: [0x54, 0x75],
      // The RAM PART step highlights from its section header.
      'ram-part': [0x75, 0x17ffa0],
      'section-full': [0x17ffe3, 0x17fff6],
      eof: [0x3b0594, 0x3b0595],
    });
    const htab = steps.find((s) => s.id === 'iterative')!;
    expect(htab.title).toBe('Another iterative section: spapr/htab');
    expect(htab.parts.map((p) => [p.label, p.value])).toEqual([['htab_shift', '21 (0x15)']]);
    expect(htab.body.join(' ')).toContain('(3 here: START, PART and END with the id 563)');
    expect(steps.find((s) => s.id === 'configuration')?.body.join(' ')).toContain('"pseries-7.2"');
    checkAgainstModel(result, steps);
  });

  it('10.0 virtio: a step through virtio-net’s queues, each field of each queue', async () => {
    const result = await decodeFixture('real-runs/streams/x86_64/10.0/pc-q35-10.0-virtio.mig.gz');
    const steps = tourSteps(result);
    checkAgainstModel(result, steps);
    const virtio = steps.find((s) => s.id === 'virtio-queues');
    expect(virtio?.title).toBe('Virtio queues: 0000:00:01.0/virtio-net');
    // num_queues (3), then vring.num, vring.desc, last_avail_idx, vector of each queue.
    expect(virtio?.highlight).toEqual({ start: 0x174797, end: 0x1747cb });
    expect(virtio?.parts.map((p) => p.label).slice(0, 6)).toEqual(['num_queues', 'queues[0] vring.num', 'queues[0] vring.desc', 'queues[0] last_avail_idx', 'queues[0] vector', 'queues[1] vring.num']);
    expect(virtio?.parts).toHaveLength(1 + 3 * 4);
    expect(virtio?.body.join(' ')).toContain('0000:00:01.0/virtio-net has 3 rings of 1024 entries');
    // In stream order: after fw_cfg's footer, before EOF.
    const ids = steps.map((s) => s.id);
    expect(ids.indexOf('virtio-queues')).toBeGreaterThan(ids.indexOf('footer'));
    expect(ids.indexOf('virtio-queues')).toBeLessThan(ids.indexOf('eof'));
  });

  it('the failed sample: a step at the footer byte where decoding stopped', async () => {
    const bytes = gunzipSync(readFileSync(fileURLToPath(new URL('../../../public/samples/7.2__pc-i440fx-7.2-default.flip-footer.mig.gzip', import.meta.url))));
    const result = await decodeStream(bytesSource(new Uint8Array(bytes), 'flip.mig'));
    const steps = tourSteps(result);
    checkAgainstModel(result, steps);
    const last = steps.at(-1);
    expect(last?.id).toBe('footer-error');
    expect(last?.title).toBe("Where decoding stopped: mc146818rtc's footer");
    expect(last?.highlight).toEqual({ start: 0x165e88, end: 0x165e89 });
    expect(last?.body.join(' ')).toContain('The byte there is 0x7f');
    expect(last?.body.join(' ')).toContain('"Missing section footer for mc146818rtc"');
    expect(last?.parts[0]).toMatchObject({ start: 0x165e88, end: 0x165e89, value: 'found 0x7f' });
  });

  it('a stream cut short has the steps of what was read', async () => {
    const full = await decodeFixture('streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
    const bytes = gunzipSync(readFileSync(fileURLToPath(new URL('../../../fixtures/streams/7.2/pc-i440fx-7.2-minimal.mig.gz', import.meta.url))));
    const cut = await decodeStream(bytesSource(new Uint8Array(bytes.subarray(0, 0x200)), 'cut'));
    expect(full.error).toBeUndefined();
    expect(cut.error).toBeDefined();
    expect(tourSteps(cut).map((s) => s.id)).toEqual(['header', 'configuration', 'section-start', 'ram-setup']);
  });
});
