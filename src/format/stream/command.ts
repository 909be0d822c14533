/**
 * QEMU_VM_COMMAND (0x08): be16 cmd, be16 len, len bytes (migration/savevm.c, mig_cmd_args).
 * PACKAGED announces a nested stream of N bytes that follows outside `len`; its sections are
 * ordinary top-level records, so the main loop simply continues through them.
 */
import type { Cursor } from '../bytes/cursor.ts';
import { DecodeError } from '../errors.ts';
import type { CommandRecord, DecodedNode } from '../model.ts';
import { MIG_CMDS } from './constants.ts';

const MAX_COMMAND_PAYLOAD = 1 << 16;

export async function decodeCommand(cur: Cursor, start: number): Promise<{ record: CommandRecord; node: DecodedNode }> {
  const cmd = await cur.readU16('command number');
  const len = await cur.readU16('command length');
  const known = MIG_CMDS[cmd];
  const name = known?.name ?? `UNKNOWN_0x${cmd.toString(16)}`;
  const path = [`command ${name}`];
  cur.path = path;
  if (known === undefined || cmd === 0) {
    throw new DecodeError('BAD_COMMAND', start + 1, path, `MIG_CMD 0x${cmd.toString(16)} unknown (len 0x${len.toString(16)})`, 'a command 1..11', `0x${cmd.toString(16)}`);
  }
  if (known.len >= 0 && len !== known.len) {
    throw new DecodeError('BAD_COMMAND', start + 3, path, `${name} received with bad length - expecting ${known.len}, got ${len}`, `${known.len}`, `${len}`);
  }
  if (len > MAX_COMMAND_PAYLOAD) {
    throw new DecodeError('LIMIT_EXCEEDED', start + 3, path, `command payload of ${len} bytes`);
  }
  const payloadAt = cur.pos;
  const payload = await cur.readBytes(len, `${name} payload`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const args: Record<string, number | bigint | string> = {};
  if (name === 'PING' || name === 'PACKAGED') {
    args[name === 'PING' ? 'value' : 'length'] = view.getUint32(0);
  } else if (name === 'POSTCOPY_ADVISE' && len === 16) {
    args['ramPageSizeSummary'] = view.getBigUint64(0);
    args['targetPageSize'] = view.getBigUint64(8);
  } else if (name === 'RECV_BITMAP' && len >= 1) {
    args['block'] = new TextDecoder().decode(payload.subarray(1, 1 + (payload[0] ?? 0)));
  } else if (name === 'POSTCOPY_RAM_DISCARD' && len >= 2) {
    const nameLen = payload[1] ?? 0;
    args['block'] = new TextDecoder().decode(payload.subarray(2, 2 + nameLen));
    args['ranges'] = Math.max(0, Math.floor((len - 3 - nameLen) / 16));
  }
  const record: CommandRecord = { kind: 'command', cmd, name, length: len, start, end: cur.pos, args };
  const node: DecodedNode = {
    kind: 'command',
    name,
    path,
    start,
    end: cur.pos,
    value: cmd,
    note: len > 0 ? `${len}-byte payload at 0x${payloadAt.toString(16)}` : 'no payload',
  };
  return { record, node };
}
