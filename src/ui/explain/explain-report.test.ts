import { describe, expect, it } from 'vitest';
import type { ExplainFailure } from '../../analysis/explain/index.ts';
import { failureTarget } from './explain-report.ts';

const base: ExplainFailure = {
  cause: 'DEVICE_CHECK_FAILED',
  // migscope explain fixtures/real-runs/streams/x86_64/10.0/pc-q35-10.0-virtio.mig.gz --dest-version 11.1 ...
  section: { idstr: '0000:00:01.0/virtio-net', instance: 0, offset: 0x174607, length: 46185 },
  field: 'virtio/queues[0]/vring.num',
  offset: 0x17479b,
  length: 4,
  message: 'VQ 0 vring.num 1024 exceeds allocated max 256',
  explanation: '',
  fix: '',
  values: [],
};

describe('failureTarget', () => {
  it('the failing field by its node path, its bytes highlighted', () => {
    expect(failureTarget(base)).toEqual({
      path: ['0000:00:01.0/virtio-net#0', 'virtio', 'queues[0]', 'vring.num'],
      offset: 0x17479b,
      highlight: { start: 0x17479b, end: 0x17479f },
    });
  });

  it('the section when no field or byte is named; nothing without a place', () => {
    expect(failureTarget({ ...base, field: undefined, offset: undefined, length: undefined })).toEqual({
      path: ['0000:00:01.0/virtio-net#0'],
      offset: 0x174607,
      highlight: { start: 0x174607, end: 0x174607 + 46185 },
    });
    expect(failureTarget({ ...base, section: undefined, field: undefined, offset: undefined })).toBeUndefined();
    expect(failureTarget(undefined)).toBeUndefined();
  });
});
