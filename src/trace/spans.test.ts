/** Span building on small hand-made logs shaped like the real ones (fixtures.test.ts runs the real ones). */
import { describe, expect, it } from 'vitest';
import { parseTraceLog, type InnerSpan, type SectionSpan, type TraceModel } from './index.ts';

const log = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** 7.2 style: `tid@sec.usec:` prefixes, `vmstate_load_state_end`. */
const t72 = (usec: number, rest: string): string => `528@1795311423.${String(usec).padStart(6, '0')}:${rest}`;

function section(m: TraceModel, idstr: string): SectionSpan {
  const s = m.sections.find((x) => x.idstr === idstr);
  if (s === undefined) throw new Error(`no section ${idstr}`);
  return s;
}

function child(s: SectionSpan | InnerSpan, name: string): InnerSpan {
  const c = s.children.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no child ${name} in ${'idstr' in s ? s.idstr : s.name}`);
  return c;
}

const configuration72 = [
  t72(1, 'vmstate_load_state configuration v0'),
  t72(2, 'vmstate_load_state_field configuration:len'),
  t72(3, 'vmstate_n_elems len: 1'),
  t72(4, 'vmstate_subsection_load configuration'),
  t72(5, 'vmstate_subsection_load_good configuration'),
  t72(6, 'vmstate_load_state_end configuration end/0'),
  t72(7, 'loadvm_state_setup '),
];

describe('load side (<= 10.0 events)', () => {
  const m = parseTraceLog(
    log(
      ...configuration72,
      t72(10, 'qemu_loadvm_state_section 1'),
      t72(11, 'qemu_loadvm_state_startfull_is_not_an_event 1'),
      t72(12, 'qemu_loadvm_state_section_startfull 2(ram) 0 4'),
      t72(13, 'vmstate_load ram, (old)'),
      t72(20, 'qemu_loadvm_state_section 2'),
      t72(21, 'qemu_loadvm_state_section_partend 2'),
      t72(22, 'vmstate_load ram, (old)'),
      t72(30, 'qemu_loadvm_state_section 3'),
      t72(31, 'qemu_loadvm_state_section_partend 2'),
      t72(32, 'vmstate_load ram, (old)'),
      t72(40, 'qemu_loadvm_state_section 4'),
      t72(41, 'qemu_loadvm_state_section_startfull 5(cpu) 0 12'),
      t72(42, 'vmstate_load cpu, cpu'),
      t72(43, 'vmstate_load_state cpu v12'),
      t72(44, 'vmstate_load_state_field cpu:env.fpregs'),
      t72(45, 'vmstate_n_elems env.fpregs: 8'),
      t72(46, 'vmstate_load_state fpreg v0'),
      t72(47, 'vmstate_load_state_field fpreg:tmp'),
      t72(48, 'vmstate_subsection_load fpreg'),
      t72(49, 'vmstate_subsection_load_good fpreg'),
      t72(50, 'vmstate_load_state_end fpreg end/0'),
      t72(51, 'vmstate_subsection_load cpu'),
      t72(52, 'vmstate_load_state cpu/poll_control_msr v1'),
      t72(53, 'vmstate_load_state_field cpu/poll_control_msr:env.poll_control_msr'),
      t72(54, 'vmstate_subsection_load cpu/poll_control_msr'),
      t72(55, 'vmstate_subsection_load_bad cpu/poll_control_msr: (short)/'),
      t72(56, 'vmstate_load_state_end cpu/poll_control_msr end/0'),
      t72(57, 'vmstate_subsection_load_good cpu'),
      t72(58, 'vmstate_load_state_end cpu end/0'),
      t72(60, 'qemu_loadvm_state_section 4'),
      t72(61, 'qemu_loadvm_state_section_startfull 21(mc146818rtc) 0 3'),
      t72(62, 'vmstate_load mc146818rtc, mc146818rtc'),
      t72(63, 'vmstate_load_state mc146818rtc v3'),
      t72(64, 'vmstate_load_state_end mc146818rtc end/0'),
      '2026-11-22T01:40:16.891830Z qemu-system-x86_64: Missing section footer for mc146818rtc',
      t72(70, 'qemu_loadvm_state_post_main -22'),
      t72(71, 'loadvm_state_cleanup '),
      '2026-11-22T01:40:16.891927Z qemu-system-x86_64: load of migration failed: Invalid argument',
    ),
  );

  it('detects format, side and time base', () => {
    expect(m.format).toBe('pid-epoch');
    expect(m.side).toBe('load');
    expect(m.timeBase).toBe('us');
    expect(m.events).toBe(43);
    expect(m.migration.result).toBe(-22);
  });

  it('lists sections in order, configuration first, iterable ram once with its parts', () => {
    expect(m.sections.map((s) => `${s.kind}:${s.idstr}:${s.sectionId ?? '-'}`)).toEqual([
      'configuration:configuration:-',
      'section:ram:2',
      'section:cpu:5',
      'section:mc146818rtc:21',
    ]);
    const ram = section(m, 'ram');
    expect(ram.parts.map((p) => p.type)).toEqual(['start', 'part', 'end']);
    expect(ram).toMatchObject({ instance: 0, version: 4, handler: '(old)', ok: true, line: 10, endLine: 17 });
    expect(ram.start).toBe(1795311423_000012);
    expect(ram.end).toBe(1795311423_000032);
  });

  it('nests vmsd → field → nested vmsd, and subsections under their vmsd', () => {
    const cpu = child(section(m, 'cpu'), 'cpu');
    expect(cpu).toMatchObject({ kind: 'vmsd', version: 12, status: 'end', ret: 0, ok: true });
    const fpregs = child(cpu, 'env.fpregs');
    expect(fpregs).toMatchObject({ kind: 'field', elems: 8 });
    expect(child(fpregs, 'fpreg')).toMatchObject({ kind: 'vmsd', line: 24 });
    const sub = child(cpu, 'cpu/poll_control_msr');
    expect(sub).toMatchObject({ kind: 'subsection', version: 1, ok: true });
    expect(sub.children.map((c) => c.name)).toEqual(['env.poll_control_msr']);
    // A field ends with its last own event, not with the vmsd's subsection lookup.
    expect(fpregs.endLine).toBe(28);
  });

  it('puts the failure on the section being loaded when the first error line came', () => {
    const f = m.failure;
    expect(f).toMatchObject({
      section: { kind: 'section', idstr: 'mc146818rtc', instance: 0, sectionId: 21 },
      message: 'Missing section footer for mc146818rtc',
      source: 'message',
      line: 42,
      event: { name: 'vmstate_load_state_end', args: 'mc146818rtc end/0', line: 41 },
      path: ['mc146818rtc'],
      messages: ['Missing section footer for mc146818rtc', 'load of migration failed: Invalid argument'],
    });
    const rtc = section(m, 'mc146818rtc');
    expect(rtc).toMatchObject({ ok: false, failurePoint: true });
    // The vmsd itself loaded fine; only the footer check after it failed.
    expect(child(rtc, 'mc146818rtc')).toMatchObject({ ok: true, status: 'end' });
    expect(m.sections.filter((s) => !s.ok).map((s) => s.idstr)).toEqual(['mc146818rtc']);
  });
});

describe('load side (11.1 events, chained error line after cleanup)', () => {
  const iso = (usec: number, rest: string): string => `2026-11-22T01:40:06.${String(usec).padStart(6, '0')}Z ${rest}`;
  const m = parseTraceLog(
    log(
      iso(642, 'vmstate_load_state configuration v0'),
      iso(695, 'vmstate_load_state_field configuration:len exists=1'),
      iso(698, 'vmstate_n_elems len: 1'),
      iso(710, 'vmstate_subsection_load configuration'),
      iso(713, 'vmstate_subsection_load_good configuration'),
      iso(718, 'vmstate_load_state_fail configuration post-load'),
      iso(721, 'vmstate_downtime_checkpoint dst-precopy-loadvm-completed'),
      iso(728, 'loadvm_state_cleanup '),
      iso(
        89,
        "qemu-system-x86_64: load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: Machine type received is 'pc-q35-11.1' and local is 'pc-i440fx-11.1'",
      ),
    ),
  );

  it('walks back past migration-level events to the failing vmsd', () => {
    expect(m.format).toBe('iso');
    expect(m.failure?.section).toEqual({ kind: 'configuration', idstr: 'configuration' });
    expect(m.failure?.event).toMatchObject({ name: 'vmstate_load_state_fail', args: 'configuration post-load', line: 6 });
    const vmsd = child(section(m, 'configuration'), 'configuration');
    expect(vmsd).toMatchObject({ status: 'post-load', ok: false });
    expect(child(vmsd, 'len')).toMatchObject({ elems: 1, ok: true });
    expect(m.migration.marks.map((x) => x.name)).toEqual(['vmstate_downtime_checkpoint', 'loadvm_state_cleanup']);
  });
});

describe('failure edge cases', () => {
  it('a warning is not a failure', () => {
    const m = parseTraceLog(
      log(
        "2026-11-22T01:36:56.335238Z qemu-system-x86_64: warning: Machine type 'pc-i440fx-5.2' is deprecated",
        ...configuration72,
        t72(10, 'qemu_loadvm_state_section 0'),
        t72(11, 'qemu_loadvm_state_post_main 0'),
      ),
    );
    expect(m.failure).toBeUndefined();
    expect(m.messages.map((x) => x.severity)).toEqual(['warning']);
    expect(m.sections.every((s) => s.ok)).toBe(true);
  });

  it('an error before any trace event has no section', () => {
    const m = parseTraceLog(
      log('2026-11-22T01:40:19.112248Z qemu-system-x86_64: unsupported machine type', 'Use -machine help to list supported machines'),
    );
    expect(m).toMatchObject({ format: 'none', side: 'unknown', events: 0, timeBase: 'line', sections: [] });
    expect(m.failure).toMatchObject({ message: 'unsupported machine type', line: 1, path: [] });
    expect(m.failure?.section).toBeUndefined();
    expect(m.failure?.event).toBeUndefined();
  });

  it('an error after a clean configuration and loadvm_state_setup is not blamed on the configuration', () => {
    const m = parseTraceLog(log(...configuration72, 'qemu-system-x86_64: Not a migration stream'));
    expect(m.failure?.section).toBeUndefined();
    expect(m.failure?.event?.name).toBe('loadvm_state_setup');
    expect(section(m, 'configuration').ok).toBe(true);
  });

  it('an unknown section is the section of its own header', () => {
    const m = parseTraceLog(
      log(
        'qemu_loadvm_state_section 4',
        'qemu_loadvm_state_section_startfull 43(0000:00:05.0/virtio-gpu) 0 1',
        "qemu-system-x86_64: Unknown savevm section or instance '0000:00:05.0/virtio-gpu' 0.",
        'qemu_loadvm_state_post_main -22',
      ),
    );
    expect(m.format).toBe('bare');
    expect(m.timeBase).toBe('line');
    expect(m.failure?.section).toEqual({ kind: 'section', idstr: '0000:00:05.0/virtio-gpu', instance: 0, sectionId: 43 });
    const s = section(m, '0000:00:05.0/virtio-gpu');
    // Without times, start/end are line numbers.
    expect(s).toMatchObject({ start: 2, end: 4, line: 2, endLine: 4, ok: false, version: 1 });
  });

  it('a field whose load failed is the failure point, and unclosed vmsds are not ok', () => {
    const m = parseTraceLog(
      log(
        'qemu_loadvm_state_section 4',
        'qemu_loadvm_state_section_startfull 32(0000:00:03.0/e1000) 0 2',
        'vmstate_load_state e1000 v2',
        'vmstate_subsection_load e1000',
        'vmstate_load_state e1000/full_mac_state v1',
        'vmstate_load_state_field e1000/full_mac_state:mac_reg',
        'vmstate_n_elems mac_reg: 32768',
        'qemu-system-x86_64: Failed to load e1000/full_mac_state:mac_reg',
        'vmstate_load_field_error field "mac_reg" load failed, ret = -5',
        'vmstate_subsection_load_bad e1000: e1000/full_mac_state/(child)',
        "qemu-system-x86_64: error while loading state for instance 0x0 of device '0000:00:03.0/e1000'",
        'qemu_loadvm_state_post_main -5',
      ),
    );
    expect(m.failure?.path).toEqual(['0000:00:03.0/e1000', 'e1000', 'e1000/full_mac_state', 'mac_reg']);
    const vmsd = child(section(m, '0000:00:03.0/e1000'), 'e1000');
    expect(vmsd).toMatchObject({ status: 'open', ok: false });
    const sub = child(vmsd, 'e1000/full_mac_state');
    expect(sub).toMatchObject({ kind: 'subsection', status: 'open', ok: false });
    expect(child(sub, 'mac_reg')).toMatchObject({ ok: false, ret: -5, elems: 32768, failurePoint: true });
    expect(section(m, '0000:00:03.0/e1000').notes?.map((n) => n.name)).toEqual([
      'vmstate_load_field_error',
      'vmstate_subsection_load_bad',
    ]);
  });

  it('without error lines, a failure the trace shows is still reported', () => {
    const m = parseTraceLog(
      log(
        'qemu_loadvm_state_section 1',
        'qemu_loadvm_state_section_startfull 2(ram) 0 4',
        'vmstate_load ram, (old)',
        'qemu_loadvm_state_post_main -22',
        'loadvm_state_cleanup ',
      ),
    );
    expect(m.failure).toMatchObject({
      source: 'trace',
      section: { idstr: 'ram' },
      message: 'qemu_loadvm_state_post_main -22',
      messages: [],
    });
  });

  it('mixed prefix styles are reported as such', () => {
    const m = parseTraceLog(log('loadvm_state_setup ', t72(1, 'loadvm_state_cleanup ')));
    expect(m.format).toBe('mixed');
    expect(m.timeBase).toBe('line');
  });
});

describe('save side', () => {
  const t52 = (usec: number, rest: string): string => `28814@1795311162.${String(usec).padStart(6, '0')}:${rest}`;
  const m = parseTraceLog(
    log(
      t52(1, 'savevm_state_header '),
      t52(2, 'vmstate_save_state_top configuration'),
      t52(3, 'vmstate_n_elems len: 1'),
      t52(4, 'vmstate_save_state_loop configuration/len[1]'),
      t52(5, 'vmstate_subsection_save_top configuration'),
      t52(6, 'savevm_state_setup '),
      t52(10, 'savevm_state_iterate '),
      t52(11, 'savevm_section_start ram, section_id 2'),
      t52(12, 'savevm_section_end ram, section_id 2 -> 1'),
      t52(13, 'savevm_state_complete_precopy '),
      t52(14, 'savevm_section_start ram, section_id 2'),
      t52(15, 'savevm_section_end ram, section_id 2 -> 0'),
      t52(20, 'savevm_section_start cpu, section_id 5'),
      t52(21, 'vmstate_save cpu, cpu'),
      t52(22, 'vmstate_save_state_top cpu'),
      t52(23, 'vmstate_save_state_loop cpu/env.fpregs[8]'),
      t52(24, 'vmstate_save_state_top fpreg'),
      t52(25, 'vmstate_save_state_loop fpreg/tmp[1]'),
      t52(26, 'vmstate_save_state_top fpreg_tmp'),
      t52(27, 'vmstate_save_state_loop fpreg_tmp/tmp_mant[1]'),
      t52(28, 'vmstate_subsection_save_top fpreg_tmp'),
      t52(29, 'vmstate_subsection_save_top fpreg'),
      t52(30, 'vmstate_save_state_top fpreg'),
      t52(31, 'vmstate_save_state_loop fpreg/tmp[1]'),
      t52(32, 'vmstate_subsection_save_top fpreg'),
      t52(33, 'vmstate_save_state_loop cpu/env.xmm_regs[1][16]'),
      t52(34, 'vmstate_subsection_save_top cpu'),
      t52(35, 'vmstate_subsection_save_loop cpu/cpu/poll_control_msr'),
      t52(36, 'vmstate_save_state_top cpu/poll_control_msr'),
      t52(37, 'vmstate_save_state_loop cpu/poll_control_msr/env.poll_control_msr[1]'),
      t52(38, 'vmstate_subsection_save_top cpu/poll_control_msr'),
      t52(39, 'savevm_section_end cpu, section_id 5 -> 0'),
      t52(40, 'savevm_section_skip smbus-eeprom, section_id 31'),
      t52(41, 'savevm_section_start virtio-net, section_id 39'),
      t52(42, 'vmstate_save virtio-net, virtio-net'),
      t52(43, 'vmstate_subsection_save_loop virtio/virtio/64bit_features'),
      t52(44, 'savevm_section_end virtio-net, section_id 39 -> 0'),
      t52(50, 'savevm_state_cleanup '),
    ),
  );

  it('builds sections from savevm_section_start/_end and a configuration span', () => {
    expect(m.side).toBe('save');
    expect(m.sections.map((s) => `${s.kind}:${s.idstr}:${s.sectionId ?? '-'}`)).toEqual([
      'configuration:configuration:-',
      'section:ram:2',
      'section:cpu:5',
      'section:virtio-net:39',
    ]);
    expect(section(m, 'ram').parts.map((p) => p.ret)).toEqual([1, 0]);
    expect(section(m, 'cpu').instance).toBeUndefined();
    expect(m.skipped).toEqual([{ idstr: 'smbus-eeprom', sectionId: 31, line: 33 }]);
    expect(m.failure).toBeUndefined();
  });

  it('infers vmsd ends from the names of later events', () => {
    const cpu = child(section(m, 'cpu'), 'cpu');
    expect(cpu.children.map((c) => `${c.kind}:${c.name}`)).toEqual([
      'field:env.fpregs',
      'field:env.xmm_regs[1]',
      'subsection:cpu/poll_control_msr',
    ]);
    const fpregs = child(cpu, 'env.fpregs');
    expect(fpregs.elems).toBe(8);
    expect(fpregs.children.map((c) => c.name)).toEqual(['fpreg', 'fpreg']);
    expect(fpregs.children[0]?.children[0]?.children.map((c) => c.name)).toEqual(['fpreg_tmp']);
    expect(child(cpu, 'env.xmm_regs[1]').elems).toBe(16);
    expect(child(cpu, 'cpu/poll_control_msr').children.map((c) => c.name)).toEqual(['env.poll_control_msr']);
  });

  it('keeps subsections whose parent vmsd was not traced as markers', () => {
    expect(section(m, 'virtio-net').children).toEqual([
      expect.objectContaining({ kind: 'subsection', name: 'virtio/64bit_features', parent: 'virtio', line: 36, endLine: 36 }),
    ]);
  });

  it('attaches 11.1 downtime entries and learns the instance from them', () => {
    const iso = (usec: number, rest: string): string => `2026-11-22T01:35:15.${String(usec).padStart(6, '0')}Z ${rest}`;
    const d = parseTraceLog(
      log(
        iso(1, 'savevm_section_start i8259, section_id 15'),
        iso(2, 'savevm_section_end i8259, section_id 15 -> 0'),
        iso(3, 'vmstate_downtime_save type=non-iterable idstr=i8259 instance_id=0 downtime=115'),
        iso(4, 'savevm_section_start i8259, section_id 16'),
        iso(5, 'savevm_section_end i8259, section_id 16 -> 0'),
        iso(6, 'vmstate_downtime_save type=non-iterable idstr=i8259 instance_id=1 downtime=90'),
        iso(7, 'vmstate_downtime_save type=iterable idstr=dirty-bitmap instance_id=0 downtime=1'),
      ),
    );
    expect(d.sections.map((s) => [s.sectionId, s.instance, s.downtime?.map((x) => x.us)])).toEqual([
      [15, 0, [115]],
      [16, 1, [90]],
    ]);
    expect(d.downtime.map((x) => x.idstr)).toEqual(['i8259', 'i8259', 'dirty-bitmap']);
  });
});
