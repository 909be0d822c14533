import { describe, expect, it } from 'vitest';
import { parseKeyValues, parseLogLine, type LogLine } from './log-line.ts';

function event(line: LogLine) {
  if (line.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(line)}`);
  return line;
}

function message(line: LogLine) {
  if (line.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(line)}`);
  return line;
}

describe('parseLogLine: trace events of every prefix style', () => {
  it('5.2 / 7.2 `tid@sec.usec:` lines (real samples)', () => {
    const e = event(parseLogLine('32736@1795311418.638310:vmstate_load_state configuration v0', 7));
    expect(e).toMatchObject({ prefix: 'pid-epoch', tid: 32736, name: 'vmstate_load_state', args: 'configuration v0', line: 7 });
    expect(e.timeUs).toBe(1795311418_638310);
    const s = event(parseLogLine('870@1795311432.625322:qemu_loadvm_state_section_startfull 2(ram) 0 4', 1));
    expect(s).toMatchObject({ name: 'qemu_loadvm_state_section_startfull', args: '2(ram) 0 4' });
  });

  it('11.1 ISO lines, with exactly the time of the prefix', () => {
    const e = event(parseLogLine('2026-11-22T01:37:33.709366Z qemu_loadvm_state_section_startfull 6(apic) 0 3', 3));
    expect(e).toMatchObject({ prefix: 'iso', tid: undefined, name: 'qemu_loadvm_state_section_startfull', args: '6(apic) 0 3' });
    expect(e.timeUs).toBe(Date.UTC(2026, 10, 22, 1, 37, 33) * 1000 + 709366);
    // The per-second cache must not leak one line's fraction into the next.
    const next = event(parseLogLine('2026-11-22T01:37:33.000001Z loadvm_state_cleanup ', 4));
    expect(next.timeUs).toBe(Date.UTC(2026, 10, 22, 1, 37, 33) * 1000 + 1);
    const later = event(parseLogLine('2026-11-22T01:37:34.5Z loadvm_state_cleanup ', 5));
    expect(later.timeUs).toBe(Date.UTC(2026, 10, 22, 1, 37, 34) * 1000 + 500000);
  });

  it('10.1 ISO lines with a `(tid)`', () => {
    const e = event(parseLogLine('2025-07-01T10:00:00.123456Z (4242) vmstate_load_state cpu v12', 1));
    expect(e).toMatchObject({ prefix: 'iso-tid', tid: 4242, name: 'vmstate_load_state', args: 'cpu v12' });
  });

  it('bare lines (no -msg timestamp=on) have no time', () => {
    const e = event(parseLogLine('qemu_loadvm_state_section_startfull 1(ram) 0 4', 1));
    expect(e).toMatchObject({ prefix: 'bare', timeUs: undefined, tid: undefined, args: '1(ram) 0 4' });
  });

  it('empty-format events keep their trailing space: args is empty', () => {
    expect(event(parseLogLine('loadvm_state_setup ', 1)).args).toBe('');
    expect(event(parseLogLine('2026-11-22T01:37:33.707419Z loadvm_state_setup ', 1)).args).toBe('');
    expect(event(parseLogLine('loadvm_state_setup', 1)).args).toBe('');
  });

  it('arguments holding `: ` stay events (field and vmsd names are not program names)', () => {
    expect(event(parseLogLine('2026-11-22T01:37:33.709366Z vmstate_n_elems qemu_timer: 1', 1)).name).toBe('vmstate_n_elems');
    expect(event(parseLogLine('vmstate_subsection_load_bad cpu/poll_control_msr: (short)/', 1)).args).toBe(
      'cpu/poll_control_msr: (short)/',
    );
    expect(event(parseLogLine('10345@1795311615.269410:vmstate_load_field_error field "mac_reg" load failed, ret = -5', 1)).args).toBe(
      'field "mac_reg" load failed, ret = -5',
    );
  });

  it('strips a trailing CR', () => {
    expect(event(parseLogLine('vmstate_load_state cpu v12\r', 1)).args).toBe('cpu v12');
  });
});

describe('parseLogLine: error lines are messages, not events', () => {
  it('timestamped error (real 7.2 line)', () => {
    const m = message(
      parseLogLine("2026-11-22T01:40:05.759020Z qemu-system-x86_64: Machine type received is 'pc-q35-7.2' and local is 'pc-i440fx-7.2'", 9),
    );
    expect(m).toMatchObject({
      severity: 'error',
      program: 'qemu-system-x86_64',
      guest: undefined,
      text: "Machine type received is 'pc-q35-7.2' and local is 'pc-i440fx-7.2'",
      line: 9,
    });
    expect(m.timeUs).toBe(Date.UTC(2026, 10, 22, 1, 40, 5) * 1000 + 759020);
  });

  it('warnings, untimed errors, locations and guest names', () => {
    const w = message(
      parseLogLine("2026-11-22T01:36:56.335238Z qemu-system-x86_64: warning: Machine type 'pc-i440fx-5.2' is deprecated", 1),
    );
    expect(w.severity).toBe('warning');
    expect(w.text).toBe("warning: Machine type 'pc-i440fx-5.2' is deprecated");
    const bare = message(parseLogLine('qemu-system-x86_64: load of migration failed: Invalid argument', 1));
    expect(bare).toMatchObject({ severity: 'error', timeUs: undefined, text: 'load of migration failed: Invalid argument' });
    const loc = message(parseLogLine('2026-11-22T01:40:19.368359Z qemu-system-x86_64: -machine pc-i440fx-11.1: unsupported machine type', 1));
    expect(loc).toMatchObject({ severity: 'error', text: '-machine pc-i440fx-11.1: unsupported machine type' });
    const locWarn = message(parseLogLine('qemu-kvm: -device foo: warning: something', 1));
    expect(locWarn).toMatchObject({ severity: 'warning', program: 'qemu-kvm' });
    const guest = message(parseLogLine('2026-11-22T01:40:05.759020Z vm-1 qemu-system-x86_64: info: hello', 1));
    expect(guest).toMatchObject({ guest: 'vm-1', program: 'qemu-system-x86_64', severity: 'info', text: 'info: hello' });
  });

  it('hint lines without prefix are other', () => {
    expect(parseLogLine('Use -machine help to list supported machines', 2)).toEqual({
      kind: 'other',
      line: 2,
      text: 'Use -machine help to list supported machines',
    });
    expect(parseLogLine('', 3).kind).toBe('other');
    expect(parseLogLine('123@oops', 4).kind).toBe('other');
  });
});

describe('parseKeyValues', () => {
  it('parses whole `k=v` argument strings only', () => {
    expect(parseKeyValues('type=iterable idstr=ram instance_id=0 downtime=10')).toEqual({
      type: 'iterable',
      idstr: 'ram',
      instance_id: '0',
      downtime: '10',
    });
    expect(parseKeyValues('com=SWITCHOVER_START len=0')).toEqual({ com: 'SWITCHOVER_START', len: '0' });
    expect(parseKeyValues('configuration:len exists=1')).toBeUndefined();
    expect(parseKeyValues('cpu v12')).toBeUndefined();
    expect(parseKeyValues('')).toBeUndefined();
  });

  it('is attached to events', () => {
    const e = event(parseLogLine('2026-11-22T01:37:33.709360Z vmstate_downtime_load type=iterable idstr=ram instance_id=0 downtime=10', 1));
    expect(e.fields?.['downtime']).toBe('10');
  });
});
