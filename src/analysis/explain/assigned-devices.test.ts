import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../../format/index.ts';
import { VFIO_CONFIG_BYTES, VFIO_IDSTR, VFIO_PRECOPY_BYTES, VFIO_STOP_COPY_BYTES, vfioStream } from '../../format/test-support/vfio-streams.ts';
import { decodeRealStream, streamFileOf } from '../test-support/real-runs.ts';
import { assignedDevices } from './assigned-devices.ts';
import { explainLoad, explainResultToText } from './explain.ts';

describe('assigned devices in Explain', () => {
  it('sums the vendor bytes per phase and says the state loads only on the same vendor driver and mdev type', async () => {
    const stream = await decodeStream(bytesSource(vfioStream('v1')));
    const [d] = assignedDevices(stream);
    const precopy = VFIO_PRECOPY_BYTES.reduce((a, b) => a + b, 0);
    expect(d).toMatchObject({ idstr: VFIO_IDSTR, setupBytes: 0, precopyBytes: precopy, precopyIterations: 3, stopCopyBytes: VFIO_STOP_COPY_BYTES, configBytes: VFIO_CONFIG_BYTES, v1Protocol: true });
    const r = explainLoad({ stream });
    const note = r.notes.find((n) => n.code === 'VFIO_VENDOR_STATE');
    expect(note?.severity).toBe('at-risk');
    expect(note?.text).toContain(`${precopy + VFIO_STOP_COPY_BYTES} bytes of vendor device state`);
    expect(note?.text).toContain('same vendor driver and the same mdev type');
    expect(note?.section?.offset).toBe(stream.sections.find((s) => s.idstr === VFIO_IDSTR)?.start);
    expect(explainResultToText(r, 'vfio.mig')).toContain('VFIO');
  });

  it('v2 streams carry no zero-size record; a real stream without assigned devices gets no such note', async () => {
    const v2 = assignedDevices(await decodeStream(bytesSource(vfioStream('v2'))));
    expect(v2.map((d) => [d.precopyIterations, d.v1Protocol])).toEqual([[2, false]]);
    const real = await decodeRealStream(streamFileOf('x86_64', '7.2', 'pc-q35-7.2', 'extra'));
    expect(explainLoad({ stream: real }).notes.some((n) => n.code === 'VFIO_VENDOR_STATE')).toBe(false);
  });
});
