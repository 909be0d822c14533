import { describe, expect, it } from 'vitest';
import type { VmdescVmsd } from '../../format/model.ts';
import { parseVmstateManifest, type VmstateDescription } from '../../manifest/vmstate-manifest.ts';
import { compareLayout, layoutScore } from './layout.ts';

/** A destination description from a `-dump-vmstate`-shaped snippet. */
function dest(description: object): VmstateDescription {
  const parsed = parseVmstateManifest(JSON.stringify({ dev: { Name: 'dev', version_id: 3, minimum_version_id: 1, Description: description } }), 'test.json');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const d = parsed.value.devices.get('dev')?.description;
  if (d === undefined) throw new Error('no description');
  return d;
}

const field = (name: string, size: number, version = 0, exists = false) => ({ field: name, version_id: version, field_exists: exists, size });

// The real mc146818rtc of QEMU 7.2: two `unused` fields, fields added in v2 and v3.
const rtc = dest({
  name: 'mc146818rtc',
  version_id: 3,
  minimum_version_id: 1,
  Fields: [
    field('cmos_data', 128),
    field('cmos_index', 1),
    field('unused', 28),
    field('periodic_timer', 8),
    field('next_periodic_time', 8),
    field('unused', 24),
    field('irq_coalesced', 4, 2),
    field('period', 4, 2),
    field('base_rtc', 8, 3),
    field('last_update', 8, 3),
    field('offset', 8, 3),
    field('update_timer', 8, 3),
    field('next_alarm_time', 8, 3),
  ],
  Subsections: [{ name: 'mc146818rtc/irq_reinject_on_ack_count', version_id: 1, minimum_version_id: 1, Fields: [field('irq_reinject_on_ack_count', 2)] }],
});

// What the 7.2 stream's vmdesc says was written for it.
const rtcStream: VmdescVmsd = {
  vmsd_name: 'mc146818rtc',
  version: 3,
  fields: [
    { name: 'cmos_data', type: 'buffer', size: 128 },
    { name: 'cmos_index', type: 'uint8', size: 1 },
    { name: 'unused[0]', type: 'unused_buffer', size: 28 },
    { name: 'periodic_timer', type: 'timer', size: 8 },
    { name: 'next_periodic_time', type: 'int64', size: 8 },
    { name: 'unused[1]', type: 'unused_buffer', size: 24 },
    { name: 'irq_coalesced', type: 'uint32', size: 4 },
    { name: 'period', type: 'uint32', size: 4 },
    { name: 'base_rtc', type: 'uint64', size: 8 },
    { name: 'last_update', type: 'uint64', size: 8 },
    { name: 'offset', type: 'int64', size: 8 },
    { name: 'update_timer', type: 'timer', size: 8 },
    { name: 'next_alarm_time', type: 'uint64', size: 8 },
  ],
};

describe('compareLayout', () => {
  it('the real 7.2 mc146818rtc lines up with its own manifest, `unused[n]` by occurrence', () => {
    expect(compareLayout(rtcStream, rtc, 3)).toEqual([]);
  });

  it('at version 2 the destination does not read the v3 fields: the stream holds bytes it skips', () => {
    const f = compareLayout(rtcStream, rtc, 2);
    expect(f[0]).toMatchObject({ kind: 'stream-field-unread', severity: 'fails', field: 'base_rtc', streamSize: 8, streamPath: ['base_rtc'] });
    expect(f.map((x) => x.field)).toEqual(['base_rtc', 'last_update', 'offset', 'update_timer', 'next_alarm_time']);
  });

  it('a field the destination reads and the stream lacks is at risk (a scalar) or a note (a struct array may be empty)', () => {
    const withExtra = dest({ name: 'x', version_id: 1, Fields: [field('a', 4), field('b', 2), field('c', 4)] });
    const stream: VmdescVmsd = { fields: [{ name: 'a', type: 'uint32', size: 4 }, { name: 'c', type: 'uint32', size: 4 }] };
    expect(compareLayout(stream, withExtra, 1)).toEqual([expect.objectContaining({ kind: 'dest-field-missing', severity: 'at-risk', field: 'b', destSize: 2 })]);
    const withArray = dest({ name: 'x', version_id: 1, Fields: [field('a', 4), { ...field('devs', 16), Description: { name: 'memhp', version_id: 1, Fields: [field('is_enabled', 1)] } }] });
    expect(compareLayout({ fields: [{ name: 'a', type: 'uint32', size: 4 }] }, withArray, 1)).toEqual([expect.objectContaining({ kind: 'dest-field-missing', severity: 'note', field: 'devs' })]);
  });

  it('a renamed field of the same size in the same place is read correctly', () => {
    // pckbd 5.2 `pending` -> 7.2 `pending_tmp`; ps2kbd `common` -> `parent_obj` around the same struct.
    const d = dest({ name: 'pckbd', version_id: 3, Fields: [field('mode', 1), field('pending_tmp', 1)] });
    const f = compareLayout({ fields: [{ name: 'mode', type: 'uint8', size: 1 }, { name: 'pending', type: 'uint8', size: 1 }] }, d, 3);
    expect(f).toEqual([expect.objectContaining({ kind: 'renamed', severity: 'note', field: 'pending_tmp' })]);
    expect(layoutScore(f)).toBe(1);
  });

  it('an element size that differs fails', () => {
    const d = dest({ name: 'x', version_id: 1, Fields: [field('a', 8)] });
    expect(compareLayout({ fields: [{ name: 'a', type: 'uint32', size: 4 }] }, d, 1)).toEqual([
      expect.objectContaining({ kind: 'size-differs', severity: 'fails', streamSize: 4, destSize: 8 }),
    ]);
  });

  it('a conditional field (field_exists) the stream does not have is simply not sent', () => {
    const d = dest({ name: 'fw_cfg', version_id: 2, Fields: [field('cur_entry', 2), field('cur_offset', 4, 0, true), field('cur_offset', 4, 2)] });
    const stream: VmdescVmsd = { fields: [{ name: 'cur_entry', type: 'uint16', size: 2 }, { name: 'cur_offset[1]', type: 'uint32', size: 4 }] };
    expect(compareLayout(stream, d, 2)).toEqual([]);
  });

  it('subsections: unknown, too new, too old, and nested ones compared at their own version', () => {
    const stream = (name: string, version: number): VmdescVmsd => ({ ...rtcStream, subsections: [{ vmsd_name: name, version, fields: [{ name: 'irq_reinject_on_ack_count', type: 'uint16', size: 2 }] }] });
    expect(compareLayout(stream('mc146818rtc/irq_reinject_on_ack_count', 1), rtc, 3)).toEqual([]);
    expect(compareLayout(stream('mc146818rtc/new_thing', 1), rtc, 3)).toEqual([
      expect.objectContaining({ kind: 'unknown-subsection', severity: 'fails', vmsdPath: ['mc146818rtc', 'mc146818rtc/new_thing'], streamPath: ['mc146818rtc/new_thing'] }),
    ]);
    expect(compareLayout(stream('mc146818rtc/irq_reinject_on_ack_count', 5), rtc, 3)).toEqual([
      expect.objectContaining({ kind: 'subsection-too-new', version: 5, destVersion: 1 }),
    ]);
    expect(compareLayout(stream('mc146818rtc/irq_reinject_on_ack_count', 0), rtc, 3)).toEqual([
      expect.objectContaining({ kind: 'subsection-too-old', version: 0, destMinimum: 1 }),
    ]);
  });
});
