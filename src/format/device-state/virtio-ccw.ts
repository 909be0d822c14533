/**
 * The virtio-ccw transport's part of a `virtio` field (s390x): virtio_ccw_save_config() writes
 * the vmsd `s390_virtio_ccw_dev` (hw/s390x/virtio-ccw.c), the same on the wire in 7.2, 10.0 and
 * 11.1 (11.1 only dropped the err_hint of two _EQUAL fields):
 *
 *   parent_obj   s390_ccw_dev (hw/s390x/ccw-device.c): the subchannel, s390_subch_dev
 *                (hw/s390x/css.c): cssid, ssid (uint8 equal), migrated_schid, devno (uint16
 *                equal), thinint_active, curr_status (s390_schib: pmcw, scsw, mba, mda[4]),
 *                sense_data[32], channel_prog, last_cmd (s390_ccw1), last_cmd_valid, id
 *                (s390_sense_id with 62 s390_ciw), ccw_fmt_1, ccw_no_data_cnt, then the
 *                subsection s390_subch_dev/orb when css_migration_enabled()
 *   indicators, indicators2, summary_indicator   s390_ind_addr_tmp: int32 len, uint64 addr
 *   tmp          s390_virtio_ccw_dev_tmp: uint16 config_vector
 *   routes       s390_adapter_routes > s390_adapter_info (hw/intc/s390_flic.c): uint64
 *                ind_offset, then the subsection s390_adapter_info/summary_offset (uint32)
 *                when css_migration_enabled()
 *   thinint_isc (uint8), revision (int32)
 *
 * Queues then carry a be16 vector each (virtio_ccw_save_queue) and no alignment word (the ccw
 * bus has no variable vring alignment).
 */
import { QEMU_VM_SUBSECTION } from '../stream/constants.ts';
import type { NodeSink } from './state-reader.ts';
import { emitSubsectionHeader } from './virtio-subsections.ts';

/** MAX_CIWS (include/hw/s390x/css.h): the command information words of a sense-id reply. */
const MAX_CIWS = 62;

/**
 * The idstr of a device on the virtual channel subsystem: virtual_css_bus_get_dev_path() writes
 * `/cssid.ssid.devno` (`/fe.0.0001`), then the vmsd name.
 */
export function isCcwIdstr(idstr: string): boolean {
  return /^\/[0-9a-f]{2}\.[0-7]\.[0-9a-f]{4}\/[^/]+$/.test(idstr);
}

export function emitCcwTransport(t: NodeSink): void {
  t.group('parent_obj', (p) => p.group('sch', emitSubchannel, { type: 's390_subch_dev' }), { type: 's390_ccw_dev' });
  for (const name of ['indicators', 'indicators2', 'summary_indicator']) {
    t.group(
      name,
      (i) => {
        i.int32('len', 'int32', 'indicator length; 0 = none was registered (then addr is 0)');
        i.be64('addr', 'guest address of the indicator');
      },
      { type: 's390_ind_addr_tmp' },
    );
  }
  t.group('tmp', (v) => void v.be16('config_vector'), { type: 's390_virtio_ccw_dev_tmp' });
  t.group(
    'routes',
    (r) =>
      r.group(
        'adapter',
        (a) => {
          a.be64('ind_offset');
          optionalSubsection(a, 's390_adapter_info/summary_offset', (s) => void s.be32('summary_offset'));
        },
        { type: 's390_adapter_info' },
      ),
    { type: 's390_adapter_routes' },
  );
  t.u8('thinint_isc');
  t.int32('revision', 'int32', 'virtio-ccw revision the guest negotiated (-1: none yet)');
}

function emitSubchannel(s: NodeSink): void {
  s.u8('cssid');
  s.u8('ssid');
  s.be16('migrated_schid');
  s.be16('devno');
  s.bool('thinint_active');
  s.group(
    'curr_status',
    (c) => {
      c.group(
        'pmcw',
        (p) => {
          p.be32('intparm');
          p.be16('flags');
          p.be16('devno');
          p.u8('lpm');
          p.u8('pnom');
          p.u8('lpum');
          p.u8('pim');
          p.be16('mbi');
          p.u8('pom');
          p.u8('pam');
          p.bytes('chpid', 8, 'buffer');
          p.be32('chars');
        },
        { type: 's390_pmcw' },
      );
      c.group(
        'scsw',
        (w) => {
          w.be16('flags');
          w.be16('ctrl');
          w.be32('cpa');
          w.u8('dstat');
          w.u8('cstat');
          w.be16('count');
        },
        { type: 's390_scsw' },
      );
      c.be64('mba');
      c.bytes('mda', 4, 'buffer');
    },
    { type: 's390_schib' },
  );
  s.bytes('sense_data', 32, 'buffer');
  s.be64('channel_prog');
  s.group('last_cmd', emitCcw1, { type: 's390_ccw1' });
  s.bool('last_cmd_valid');
  s.group(
    'id',
    (i) => {
      i.u8('reserved');
      i.be16('cu_type');
      i.u8('cu_model');
      i.be16('dev_type');
      i.u8('dev_model');
      i.u8('unused');
      for (let k = 0; k < MAX_CIWS; k++) {
        i.group(
          `ciw[${k}]`,
          (c) => {
            c.u8('type');
            c.u8('command');
            c.be16('count');
          },
          { type: 's390_ciw' },
        );
      }
    },
    { type: 's390_sense_id' },
  );
  s.bool('ccw_fmt_1');
  s.u8('ccw_no_data_cnt');
  optionalSubsection(s, 's390_subch_dev/orb', (o) =>
    o.group(
      'orb',
      (b) => {
        b.be32('intparm');
        b.be16('ctrl0');
        b.u8('lpm');
        b.u8('ctrl1');
        b.be32('cpa');
      },
      { type: 's390_orb' },
    ),
  );
}

function emitCcw1(c: NodeSink): void {
  c.u8('cmd_code');
  c.u8('flags');
  c.be16('count');
  c.be32('cda');
}

/**
 * A subsection sent only when needed: taken when the next bytes are its header (version 1, as
 * every vmsd here), as vmstate_subsection_load does; absent otherwise.
 */
function optionalSubsection(sink: NodeSink, name: string, body: (s: NodeSink) => void): void {
  const r = sink.r;
  const b = r.bytes;
  const at = r.pos;
  if (b[at] !== QEMU_VM_SUBSECTION || b[at + 1] !== name.length || at + 2 + name.length + 4 > b.length) return;
  for (let i = 0; i < name.length; i++) if (b[at + 2 + i] !== name.charCodeAt(i)) return;
  sink.group(
    name,
    (s) => {
      emitSubsectionHeader(s, name);
      body(s);
    },
    { kind: 'subsection', type: 'subsection', value: 1 },
  );
}
