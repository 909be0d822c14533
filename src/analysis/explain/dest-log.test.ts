import { describe, expect, it } from 'vitest';
import { causeOfFamily, parseDestLog } from './dest-log.ts';
import { mismatchLoads, readLog, successfulLoads } from './test-support/cases.ts';

/** What each real mismatch log must give: family, cause and the facts it names. */
const expected: Record<string, { family: string; cause: string; facts: Record<string, unknown>; style: string }> = {
  a1: { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-q35-7.2', localMachine: 'pc-i440fx-7.2', strerror: 'Invalid argument', errno: -22 }, style: 'separate' },
  a2: { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-i440fx-7.2', localMachine: 'pc-q35-7.2' }, style: 'separate' },
  // 11.1: one chained line.
  a3: { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-q35-11.1', localMachine: 'pc-i440fx-11.1', strerror: 'Invalid argument' }, style: 'chained' },
  a5: { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-i440fx-5.2', localMachine: 'pc-q35-5.2' }, style: 'separate' },
  a7: { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-q35-5.2', localMachine: 'pc-q35-7.2' }, style: 'separate' },
  'b-5.2': { family: 'unknown-section', cause: 'UNKNOWN_SECTION', facts: { idstr: '0000:00:05.0/virtio-gpu', instance: 0 }, style: 'separate' },
  'b-7.2': { family: 'unknown-section', cause: 'UNKNOWN_SECTION', facts: { idstr: '0000:00:05.0/virtio-gpu', instance: 0 }, style: 'separate' },
  'b-7.2-full': { family: 'unknown-section', cause: 'UNKNOWN_SECTION', facts: { idstr: '0000:00:05.0/virtio-gpu', instance: 0 }, style: 'separate' },
  'c-first-7.2': { family: 'unknown-ramblock', cause: 'RAMBLOCK_MISMATCH', facts: { ramblock: '0000:00:01.0/virtio-net-pci.rom', idstr: 'ram', instance: 0 }, style: 'separate' },
  'd-5.2-minimal-50': { family: 'section-load-failed', cause: 'TRUNCATED', facts: { sectionId: 2, idstr: 'ram', errno: -5, strerror: 'Input/output error' }, style: 'separate' },
  'd-7.2-default-50': { family: 'section-load-failed', cause: 'TRUNCATED', facts: { sectionId: 2, idstr: 'ram', errno: -5 }, style: 'separate' },
  'd-7.2-default-90': { family: 'field-load-failed', cause: 'TRUNCATED', facts: { vmsd: 'e1000/full_mac_state', field: 'mac_reg', idstr: '0000:00:03.0/e1000', instance: 0, errno: -5 }, style: 'separate' },
  'e-7.2-version': { family: 'section-version-too-new', cause: 'VERSION_TOO_NEW', facts: { idstr: 'mc146818rtc', receivedVersion: 255, localVersion: 3 }, style: 'separate' },
  // The log alone says layout; the stream shows it is damage (diagnose.test.ts).
  'e-7.2-footer': { family: 'missing-section-footer', cause: 'LAYOUT_MISMATCH', facts: { idstr: 'mc146818rtc' }, style: 'separate' },
  'e-7.2-idstr': { family: 'unknown-section', cause: 'UNKNOWN_SECTION', facts: { idstr: 'mc146818rtX', instance: 0 }, style: 'separate' },
  'f-11.1-pc-i440fx-11.1-7.2': { family: 'unsupported-machine-type', cause: 'UNKNOWN_MACHINE_TYPE', facts: { localMachine: undefined }, style: 'separate' },
  'f-11.1-pc-i440fx-11.1-5.2': { family: 'unsupported-machine-type', cause: 'UNKNOWN_MACHINE_TYPE', facts: { localMachine: 'pc-i440fx-11.1' }, style: 'separate' },
  'f-7.2-pc-i440fx-7.2-5.2': { family: 'unsupported-machine-type', cause: 'UNKNOWN_MACHINE_TYPE', facts: { localMachine: 'pc-i440fx-7.2' }, style: 'separate' },
  'f-7.2-pc-q35-7.2-5.2': { family: 'unsupported-machine-type', cause: 'UNKNOWN_MACHINE_TYPE', facts: { localMachine: 'pc-q35-7.2' }, style: 'separate' },
  'f2-7.2-pc-q35-7.2-minimal-5.2': { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-q35-7.2', localMachine: 'pc-q35-5.2' }, style: 'separate' },
  'f2-7.2-pc-i440fx-7.2-default-5.2': { family: 'machine-type-mismatch', cause: 'MACHINE_TYPE_MISMATCH', facts: { receivedMachine: 'pc-i440fx-7.2', localMachine: 'pc-i440fx-5.2' }, style: 'separate' },
};

describe('the real mismatch logs (fixtures/loads/mismatch)', () => {
  for (const c of mismatchLoads()) {
    it(`${c.id}: ${c.outcome}`, () => {
      const log = parseDestLog(readLog(c));
      if (c.outcome === 'SUCCEEDED') {
        expect(log.failure).toBeUndefined();
        expect(log.loaded).toBe(true);
        expect(log.style).toBe('none');
        return;
      }
      const want = expected[c.id];
      expect(want, 'every failed case has an expectation').toBeDefined();
      const f = log.failure!;
      expect(f.family).toBe(want!.family);
      expect(causeOfFamily(f)).toBe(want!.cause);
      expect(f).toMatchObject(want!.facts);
      expect(log.style).toBe(want!.style);
      // results.csv's first error line is the first error line here, minus timestamp and program.
      expect(c.firstErrorLine).toContain(f.lines[0]!);
    });
  }
});

describe('the real successful loads (fixtures/loads/results.csv)', () => {
  for (const c of successfulLoads()) {
    it(`${c.id} shows no failure`, () => {
      const log = parseDestLog(readLog(c));
      expect(log.failure).toBeUndefined();
      expect(log.loaded).toBe(true);
      expect(log.trace.mainResult).toBe(0);
      // 11.1 warns that old machine types are deprecated: a warning, not an error.
      if (c.firstErrorLine !== '') expect(log.warnings[0]).toMatch(/^warning: Machine type '.*' is deprecated/);
    });
  }
});

describe('styles and prefixes', () => {
  it('reads a 10.2 chain for an unknown subsection (load-failures.md 1.3)', () => {
    const log = parseDestLog(
      "2025-12-01T10:00:00.000001Z qemu-system-x86_64: load of migration failed: No such file or directory: error while loading state for instance 0x0 of device 'fw_cfg': VM subsection 'fw_cfg/dmx' in 'fw_cfg' does not exist\n",
    );
    expect(log.style).toBe('chained');
    expect(log.failure).toMatchObject({ family: 'unknown-subsection', subsection: 'fw_cfg/dmx', vmsd: 'fw_cfg', idstr: 'fw_cfg', instance: 0, errno: -2 });
    expect(causeOfFamily(log.failure!)).toBe('UNKNOWN_SUBSECTION');
  });

  it('names the subsection of a <= 10.1 ENOENT from the trace, as QEMU does not', () => {
    const log = parseDestLog(
      [
        '870@1795311432.625322:qemu_loadvm_state_section_startfull 8(fw_cfg) 0 2',
        '870@1795311432.625400:vmstate_subsection_load fw_cfg',
        '870@1795311432.625401:vmstate_subsection_load_bad fw_cfg: fw_cfg/dmx/(lookup)',
        "qemu-system-x86_64: error while loading state for instance 0x0 of device 'fw_cfg'",
        '870@1795311432.625500:qemu_loadvm_state_post_main -2',
        'qemu-system-x86_64: load of migration failed: No such file or directory',
      ].join('\n'),
    );
    expect(log.style).toBe('separate');
    expect(log.failure).toMatchObject({ family: 'unknown-subsection', subsection: 'fw_cfg/dmx', vmsd: 'fw_cfg', idstr: 'fw_cfg' });
    expect(log.trace.lastSection).toEqual({ sectionId: 8, idstr: 'fw_cfg', instance: 0, version: 2 });
    expect(log.trace.mainResult).toBe(-2);
  });

  it('reads the two-space too-old message, guest names and lines without timestamps', () => {
    const log = parseDestLog(
      'vm1 qemu-kvm: timer: incoming version_id 0 is too old for local minimum version_id  1\n' +
        "vm1 qemu-kvm: error while loading state for instance 0x0 of device 'timer'\n" +
        'vm1 qemu-kvm: load of migration failed: Invalid argument\n',
    );
    expect(log.failure).toMatchObject({ family: 'vmsd-version-too-old', vmsd: 'timer', receivedVersion: 0, localMinimum: 1, idstr: 'timer' });
  });

  it('a 10.2 footer error keeps its own line before the chain', () => {
    const log = parseDestLog('qemu-system-x86_64: Missing section footer for fw_cfg\nqemu-system-x86_64: load of migration failed: Invalid argument: Section footer error, section_id: 8\n');
    expect(log.style).toBe('chained');
    expect(log.failure).toMatchObject({ family: 'missing-section-footer', idstr: 'fw_cfg' });
  });

  it('an 11.1 capability failure', () => {
    const log = parseDestLog(
      '2026-11-22T02:01:14.124383Z qemu-system-x86_64: Capability mapped-ram is off, but received capability is on\n' +
        '2026-11-22T02:01:14.124419Z qemu-system-x86_64: load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: Failed to validate capabilities\n',
    );
    expect(log.failure).toMatchObject({ family: 'capability-mismatch', capability: 'mapped-ram' });
    expect(causeOfFamily(log.failure!)).toBe('CAPABILITY_MISMATCH');
  });

  it('RAM size and unknown command lines', () => {
    expect(parseDestLog('qemu-system-x86_64: Size mismatch: pc.ram: 0x1000000 != 0x2000000: Invalid argument\n').failure).toMatchObject({
      family: 'ramblock-size-mismatch',
      ramblock: 'pc.ram',
      receivedSize: 0x1000000,
      localSize: 0x2000000,
    });
    expect(parseDestLog('qemu-system-x86_64: MIG_CMD 0xb unknown (len 0x0)\n').failure).toMatchObject({ family: 'unknown-command', command: 11 });
  });

  it('an empty log is no failure and no proof of success', () => {
    const log = parseDestLog('');
    expect(log.failure).toBeUndefined();
    expect(log.trace.events).toBe(0);
  });
});
