/**
 * Same VM or not, on real streams and logs: the failed sample's stream with its own save trace
 * and load log; the 11.1 sample's save trace against the 10.0 virtio load log (the pairing the
 * issue found made silently); a stream against another machine's.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, type DecodeResult } from '../../format/index.ts';
import { parseTraceLog } from '../../trace/index.ts';
import { compareVms, streamFacts, traceFacts, type VmFacts } from './pairing.ts';

function bytes(rel: string): Uint8Array {
  const b = readFileSync(new URL(`../../../${rel}`, import.meta.url));
  return new Uint8Array(b[0] === 0x1f ? gunzipSync(b) : b);
}

async function stream(rel: string): Promise<VmFacts> {
  const result: DecodeResult = await decodeStream(bytesSource(bytes(rel), rel));
  return streamFacts(result);
}

function log(rel: string, machine?: string): VmFacts {
  return traceFacts(parseTraceLog(new TextDecoder().decode(bytes(rel))), machine);
}

const FAILED = 'public/samples/7.2__pc-i440fx-7.2-default.flip-footer.mig.gzip';
const FAILED_SAVE = 'public/samples/pc-i440fx-7.2-default.save-trace.log.gzip';
const FAILED_LOAD = 'public/samples/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gzip';

describe('compareVms', () => {
  it('the failed sample: its stream, save trace and load log are one VM', async () => {
    const s = await stream(FAILED);
    const save = log(FAILED_SAVE);
    const load = log(FAILED_LOAD);
    const streamSave = compareVms(s, save);
    expect(streamSave.same).toBe(true);
    // The stream stops at mc146818rtc; the save trace goes on.
    expect(streamSave.reasons[0]).toContain('the stream stops after');
    const streamLoad = compareVms(s, load);
    expect(streamLoad).toMatchObject({ same: true });
    expect(streamLoad.reasons[0]).toContain('instance ids, section ids, versions');
    expect(compareVms(save, load).same).toBe(true);
  });

  it('the 11.1 sample’s save trace and the 10.0 virtio load log are not', () => {
    const save = log('public/samples/pc-q35-11.1-minimal.save-trace.log.gzip');
    const load = log('public/samples/10.0__11.1__pc-q35-10.0-virtio.log.gzip');
    const p = compareVms(save, load);
    expect(p.same).toBe(false);
    // The first difference: ram registers first in 11.1's q35 (id 1), after timer and slirp in the 10.0 virtio VM.
    expect(p.reasons).toEqual(['section 1: ram has section id 1 in the save trace, 2 in the load log']);
  });

  it('a stream and the load log of another machine type, and machine types said by the files', async () => {
    const s = await stream('public/samples/pc-q35-11.1-minimal.mig.gzip');
    const p = compareVms(s, log(FAILED_LOAD));
    expect(p.same).toBe(false);
    const named = compareVms(s, { what: 'load log', machine: 'pc-i440fx-7.2', sections: [], stoppedEarly: true });
    expect(named).toMatchObject({ same: false, reasons: ['machine type: the stream is pc-q35-11.1, the load log pc-i440fx-7.2'] });
    expect(compareVms(s, { what: 'load log', sections: [], stoppedEarly: true }).same).toBeUndefined();
  });

  it('a load refused at the machine type: the type it received is the stream’s', async () => {
    const log = (machine: string): VmFacts =>
      traceFacts(parseTraceLog(`2026-11-22T01:40:05.759020Z qemu-system-x86_64: Machine type received is '${machine}' and local is 'pc-q35-11.1'\n`), 'pc-q35-11.1', 'load');
    const s = await stream('public/samples/pc-i440fx-7.2-minimal.mig.gzip');
    // Its own -machine (pc-q35-11.1) is what differs from the stream: not a reason to call it another VM.
    expect(compareVms(s, log('pc-i440fx-7.2')).same).toBeUndefined();
    expect(compareVms(s, log('pc-i440fx-5.2'))).toMatchObject({ same: false, reasons: ['machine type: the stream is pc-i440fx-7.2, the load log pc-i440fx-5.2'] });
  });

  it('a complete stream with fewer sections than a save trace that did not stop is another VM', async () => {
    const s = await stream('public/samples/pc-i440fx-7.2-minimal.mig.gzip');
    const p = compareVms(s, log('public/samples/pc-i440fx-7.2-minimal.save-trace.log.gzip'));
    expect(p.same).toBe(true);
    const other = compareVms(s, log(FAILED_SAVE));
    expect(other.same).toBe(false);
  });
});
