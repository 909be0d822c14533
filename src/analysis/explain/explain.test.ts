/**
 * Every real load of fixtures/loads: each mismatch case diagnosed from its log and predicted
 * from what was known beforehand, each successful load judged `loads` both ways.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../../format/index.ts';
import type { DecodeResult } from '../../format/model.ts';
import { FIXTURES, readGunzipped } from '../../format/test-support/fixtures.ts';
import { parseDestLog } from './dest-log.ts';
import { explainLoad, explainResultToJson, explainResultToText } from './explain.ts';
import { predictLoad } from './predict.ts';
import { decodeCase, destinationOf, mismatchLoads, readCsv, readLog, successfulLoads, type LoadCase } from './test-support/cases.ts';

interface Want {
  readonly cause: string;
  readonly section: { idstr: string; offset: number } | null;
  readonly offset: number;
  readonly field?: string;
}

const MACHINE = (field = 'configuration/name'): Want => ({ cause: 'MACHINE_TYPE_MISMATCH', section: null, offset: 13, field });

/** Where and why each failed mismatch case fails (offsets in the stream QEMU read). */
const expected: Record<string, Want> = {
  a1: MACHINE(),
  a2: MACHINE(),
  a3: MACHINE(),
  a5: MACHINE(),
  a7: MACHINE(),
  'b-5.2': { cause: 'UNKNOWN_SECTION', section: { idstr: '0000:00:05.0/virtio-gpu', offset: 0x154d3c }, offset: 0x154d3c },
  'b-7.2': { cause: 'UNKNOWN_SECTION', section: { idstr: '0000:00:05.0/virtio-gpu', offset: 0x17d563 }, offset: 0x17d563 },
  'b-7.2-full': { cause: 'UNKNOWN_SECTION', section: { idstr: '0000:00:05.0/virtio-gpu', offset: 0x17d563 }, offset: 0x17d563 },
  // The block's entry in the RAM setup list of the `ram` START section at 0x17.
  'c-first-7.2': { cause: 'RAMBLOCK_MISMATCH', section: { idstr: 'ram', offset: 0x17 }, offset: 108, field: 'ram/0000:00:01.0/virtio-net-pci.rom' },
  // Cut inside the RAM PART record; the destination runs out at the end of the file.
  'd-5.2-minimal-50': { cause: 'TRUNCATED', section: { idstr: 'ram', offset: 0xc4 }, offset: 357908 },
  'd-7.2-default-50': { cause: 'TRUNCATED', section: { idstr: 'ram', offset: 0x11e }, offset: 890738 },
  'd-7.2-default-90': { cause: 'TRUNCATED', section: { idstr: '0000:00:03.0/e1000', offset: 0x1674d1 }, offset: 1603328 },
  // The patched be32 at 0x165d8f (derived-streams.json).
  'e-7.2-version': { cause: 'VERSION_TOO_NEW', section: { idstr: 'mc146818rtc', offset: 0x165d7a }, offset: 0x165d8f, field: 'version_id' },
  'e-7.2-footer': { cause: 'CORRUPTED', section: { idstr: 'mc146818rtc', offset: 0x165d7a }, offset: 0x165e88, field: 'footer' },
  'e-7.2-idstr': { cause: 'UNKNOWN_SECTION', section: { idstr: 'mc146818rtX', offset: 0x165d7a }, offset: 0x165d7a },
  'f-11.1-pc-i440fx-11.1-7.2': { cause: 'UNKNOWN_MACHINE_TYPE', section: null, offset: 13, field: 'configuration/name' },
  'f-11.1-pc-i440fx-11.1-5.2': { cause: 'UNKNOWN_MACHINE_TYPE', section: null, offset: 13, field: 'configuration/name' },
  'f-7.2-pc-i440fx-7.2-5.2': { cause: 'UNKNOWN_MACHINE_TYPE', section: null, offset: 13, field: 'configuration/name' },
  'f-7.2-pc-q35-7.2-5.2': { cause: 'UNKNOWN_MACHINE_TYPE', section: null, offset: 13, field: 'configuration/name' },
  'f2-7.2-pc-q35-7.2-minimal-5.2': MACHINE(),
  'f2-7.2-pc-i440fx-7.2-default-5.2': MACHINE(),
};

const decoded = new Map<string, Promise<DecodeResult>>();
function decodeOnce(c: LoadCase): Promise<DecodeResult> {
  let p = decoded.get(c.id);
  if (p === undefined) {
    p = decodeCase(c);
    decoded.set(c.id, p);
  }
  return p;
}

function checkFailure(failure: ReturnType<typeof explainLoad>['failure'], want: Want): void {
  expect(failure?.cause).toBe(want.cause);
  expect(failure?.section === undefined ? null : { idstr: failure.section.idstr, offset: failure.section.offset }).toEqual(want.section);
  expect(failure?.offset).toBe(want.offset);
  if (want.field !== undefined) expect(failure?.field).toBe(want.field);
  expect(failure?.explanation.length).toBeGreaterThan(40);
  expect(failure?.fix.length).toBeGreaterThan(20);
}

describe('mismatch cases (fixtures/loads/mismatch/results.csv)', () => {
  const cases = mismatchLoads();
  it('are all here', () => {
    expect(cases.map((c) => c.id)).toHaveLength(26);
  });

  for (const c of cases) {
    describe(`${c.id} (${c.config}, ${c.srcVersion} -> ${c.dstVersion}): ${c.outcome}`, () => {
      it('is diagnosed from its log alone', async () => {
        const r = explainLoad({ stream: await decodeOnce(c), log: readLog(c) });
        expect(r.basis).toBe('log');
        if (c.outcome === 'SUCCEEDED') {
          expect(r.verdict).toBe('loads');
          expect(r.failure).toBeUndefined();
          return;
        }
        expect(r.verdict).toBe('fails');
        checkFailure(r.failure, expected[c.id]!);
        // The message is the destination's own text.
        expect(c.firstErrorLine).toContain(r.failure!.message.split('\n')[0]!);
      });

      it('is diagnosed from its log with the destination known, and the prediction agrees', async () => {
        const r = explainLoad({ stream: await decodeOnce(c), log: readLog(c), destination: destinationOf(c) });
        expect(r.verdict).toBe(c.outcome === 'SUCCEEDED' ? 'loads' : 'fails');
        if (c.outcome === 'FAILED') checkFailure(r.failure, expected[c.id]!);
        expect(r.notes.map((n) => n.code)).not.toContain('PREDICTION_DIFFERS');
      });

      it('is predicted from what was known beforehand', async () => {
        const p = predictLoad(await decodeOnce(c), destinationOf(c));
        if (c.outcome === 'SUCCEEDED') {
          expect(p.verdict).toBe('loads');
          expect(p.failure).toBeUndefined();
          return;
        }
        expect(p.verdict).toBe('fails');
        checkFailure(p.failure, expected[c.id]!);
        // What QEMU of the destination's version prints: the same lines as the real log, except
        // that a cut inside a device whose vmdesc is gone cannot name the field being read.
        const log = parseDestLog(readLog(c));
        const actual = [...log.errors, ...log.hints];
        const predicted = p.failure!.message.split('\n');
        if (c.id === 'd-7.2-default-90') {
          expect(actual.slice(1)).toEqual(predicted);
          expect(actual[0]).toBe('Failed to load e1000/full_mac_state:mac_reg');
        } else expect(predicted).toEqual(actual);
      });
    });
  }
});

describe('successful loads (fixtures/loads/results.csv)', () => {
  const cases = successfulLoads();
  it('are all here and all succeeded', () => {
    expect(cases).toHaveLength(44);
    expect(cases.every((c) => c.outcome === 'SUCCEEDED')).toBe(true);
  });
  for (const c of cases) {
    it(`${c.id}: loads, from its log and by prediction`, async () => {
      const stream = await decodeOnce(c);
      const fromLog = explainLoad({ stream, log: readLog(c), destination: destinationOf(c) });
      expect(fromLog.verdict).toBe('loads');
      expect(fromLog.failure).toBeUndefined();
      expect(fromLog.notes.filter((n) => n.code !== 'DESTINATION_WARNING')).toEqual([]);
      const predicted = explainLoad({ stream, destination: destinationOf(c) });
      expect(predicted.basis).toBe('prediction');
      expect(predicted.verdict).toBe('loads');
      expect(predicted.notes.filter((n) => n.severity === 'at-risk')).toEqual([]);
    });
  }
});

describe('explanations say what differs and what to change', () => {
  const byId = (id: string) => mismatchLoads().find((c) => c.id === id)!;

  it('b-7.2: the slot now holds the next device; the missing device is named', async () => {
    const c = byId('b-7.2');
    const p = predictLoad(await decodeOnce(c), destinationOf(c));
    expect(p.failure?.explanation).toContain('0000:00:05.0 holds virtio-rng-pci');
    expect(p.failure?.explanation).toContain('no virtio-gpu-pci at all');
    expect(p.failure?.fix).toContain('-device virtio-gpu-pci');
    expect(p.failure?.values).toEqual([{ name: 'idstr', offset: 0x17d563 + 5, length: 24, value: "'0000:00:05.0/virtio-gpu'" }]);
  });

  it('c-first-7.2: the inserted device took the slot', async () => {
    const c = byId('c-first-7.2');
    const p = predictLoad(await decodeOnce(c), destinationOf(c));
    expect(p.failure?.explanation).toContain('0000:00:01.0 holds virtio-keyboard-pci');
    expect(p.failure?.explanation).toContain('virtio-net-pci landed on 0000:00:02.0');
    expect(p.failure?.fix).toMatch(/^Devices without addr= take PCI slots in command-line order/);
  });

  it('c-7.2 (keyboard last): loads, the extra device keeps its reset state', async () => {
    const c = byId('c-7.2');
    const p = predictLoad(await decodeOnce(c), destinationOf(c));
    expect(p.notes).toEqual([expect.objectContaining({ code: 'DEVICE_ONLY_ON_DESTINATION', text: expect.stringContaining('virtio-keyboard-pci at 0000:00:07.0') })]);
  });

  it('e-7.2-version: the version byte contradicts the vmdesc, so the stream is damaged', async () => {
    const c = byId('e-7.2-version');
    const p = predictLoad(await decodeOnce(c), destinationOf(c));
    expect(p.failure?.explanation).toContain('loads \'mc146818rtc\' (mc146818rtc) from version 1 up to 3');
    expect(p.failure?.explanation).toContain('says version 255 in its header but 3 in the vmdesc');
    expect(p.failure?.values).toEqual([{ name: 'version_id', offset: 0x165d8f, length: 4, value: '255' }]);
  });

  it('d-5.2-minimal-90: a cut inside the vmdesc loads (QEMU never reads it)', async () => {
    const c = byId('d-5.2-minimal-90');
    const p = predictLoad(await decodeOnce(c), destinationOf(c));
    expect(p.verdict).toBe('loads');
    expect(p.notes.map((n) => n.code)).toContain('VMDESC_DAMAGED');
  });

  it('f-11.1 into 5.2: no -machine can make it load there', async () => {
    const c = byId('f-11.1-pc-i440fx-11.1-5.2');
    const p = predictLoad(await decodeOnce(c), destinationOf(c));
    expect(p.failure?.explanation).toContain("has no machine type 'pc-i440fx-11.1' (its newest of that family is 'pc-i440fx-5.2')");
    expect(p.failure?.fix).toContain('(QEMU 11.1 or newer)');
  });

  it('the JSON shape and the text tell the same story', async () => {
    const c = byId('e-7.2-footer');
    const r = explainLoad({ stream: await decodeOnce(c), log: readLog(c), destination: destinationOf(c) });
    const json = explainResultToJson(r);
    expect(json).toMatchObject({
      verdict: 'fails',
      basis: 'log',
      failure: { cause: 'CORRUPTED', section: { idstr: 'mc146818rtc', instance: 0, offset: 0x165d7a }, field: 'footer', offset: 0x165e88, message: 'Missing section footer for mc146818rtc\nload of migration failed: Invalid argument' },
      prediction: { verdict: 'fails', cause: 'CORRUPTED', section: 'mc146818rtc' },
      destination: { machine: 'pc-i440fx-7.2', machineSource: 'option', version: '7.2' },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const text = explainResultToText(r, 'x.mig');
    expect(text).toMatch(/^x\.mig: FAILS \(from the destination log\)\n/);
    expect(text).toContain('cause:       CORRUPTED');
    expect(text).toContain('  Missing section footer for mc146818rtc');
  });
});

describe('the other real loads: shapes (11.1 x86_64) and aarch64', () => {
  const rows = [
    ...readCsv(join(FIXTURES, 'loads', 'shapes.csv')).map((r) => ({
      stream: `streams-extra/shapes/11.1/${r.machine ?? ''}-${r.shape ?? ''}.mig.gz`,
      log: join(FIXTURES, 'loads', 'shapes', r.log_file ?? ''),
      id: `${r.shape ?? ''} ${r.variant ?? ''}`,
      outcome: r.outcome ?? '',
    })),
    ...readCsv(join(FIXTURES, 'loads', 'aarch64.csv')).map((r) => ({
      stream: `streams-extra/aarch64/11.1/${r.machine ?? ''}-${r.config ?? ''}.mig.gz`,
      log: join(FIXTURES, 'loads', 'aarch64', r.log_file ?? ''),
      id: `${r.machine ?? ''} ${r.config ?? ''}`,
      outcome: r.outcome ?? '',
    })),
  ];
  const streams = new Map<string, Promise<DecodeResult>>();
  const decodeOnce2 = (path: string): Promise<DecodeResult> => {
    let p = streams.get(path);
    if (p === undefined) {
      p = decodeStream(bytesSource(readGunzipped(join(FIXTURES, path)), path));
      streams.set(path, p);
    }
    return p;
  };
  it('are all here', () => {
    expect(rows).toHaveLength(17);
  });
  for (const row of rows) {
    it(`${row.id}: ${row.outcome}`, async () => {
      const r = explainLoad({ stream: await decodeOnce2(row.stream), log: gunzipSync(readFileSync(row.log)).toString('utf8') });
      if (row.outcome === 'SUCCEEDED') {
        expect(r.verdict).toBe('loads');
        return;
      }
      // A mapped-ram stream loaded without the capability.
      expect(r.failure).toMatchObject({
        cause: 'CAPABILITY_MISMATCH',
        field: 'configuration/capabilities',
        offset: 8,
        message:
          'Capability mapped-ram is off, but received capability is on\nload of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: Failed to validate capabilities',
      });
      expect(r.failure?.explanation).toContain("migration capability 'mapped-ram'");
    });
  }
});
