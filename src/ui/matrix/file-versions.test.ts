import { describe, expect, it } from 'vitest';
import { fileVersions, sortVersions, type VersionEvidence } from './file-versions.ts';

let n = 0;
const file = (name: string, kind: VersionEvidence['kind'], extra: Partial<VersionEvidence> = {}): VersionEvidence => ({
  id: `f${++n}`,
  name,
  path: '',
  kind,
  group: 'user',
  ...extra,
});
const qm = (newest: string): VersionEvidence => file('qmp-query-machines.json', 'query-machines', { newestMachine: newest });
const manifest = (): VersionEvidence => file('vmstate-pc-q35-5.2.json.gz', 'vmstate-manifest');

describe('sortVersions', () => {
  it('sorts numerically', () => {
    expect(sortVersions(['11.1', '5.2', '7.2', '5.2'])).toEqual(['5.2', '7.2', '11.1']);
  });
});

describe('fileVersions', () => {
  it('gives query-machines replies their newest machine type and lets typed text win', () => {
    const a = qm('11.1');
    const b = file('x.json', 'query-machines', { newestMachine: '7.2', typed: '8.0' });
    const v = fileVersions([a, b]);
    expect(v.get(a.id)).toMatchObject({ version: '11.1', source: 'machine types' });
    expect(v.get(b.id)).toMatchObject({ version: '8.0', source: 'typed' });
  });

  it('pairs manifests with the reply dropped next to them, in either order', () => {
    const after = [manifest(), qm('5.2'), manifest(), qm('7.2'), manifest(), qm('11.1')];
    const va = fileVersions(after);
    expect([0, 2, 4].map((i) => va.get(after[i]?.id ?? '')?.version)).toEqual(['5.2', '7.2', '11.1']);

    const before = [qm('5.2'), manifest(), qm('7.2'), manifest(), qm('11.1'), manifest()];
    const vb = fileVersions(before);
    expect([1, 3, 5].map((i) => vb.get(before[i]?.id ?? '')?.version)).toEqual(['5.2', '7.2', '11.1']);
    expect(vb.get(before[1]?.id ?? '')?.source).toBe('next to');
  });

  it('pairs a folder dropped whole (several files per reply) with its own reply', () => {
    const list = [
      file('devices.txt', 'device-help'),
      qm('5.2'),
      manifest(),
      manifest(),
      file('devices.txt', 'device-help'),
      qm('7.2'),
      manifest(),
    ];
    const v = fileVersions(list);
    expect(list.map((f) => v.get(f.id)?.version)).toEqual(['5.2', '5.2', '5.2', '5.2', '7.2', '7.2', '7.2']);
  });

  it('does not pair across sample and user files, and leaves the rest unknown', () => {
    const sampleReply = qm('7.2');
    const mine = manifest();
    const sample = { ...sampleReply, group: 'sample' };
    const v = fileVersions([sample, mine, file('pc.mig', 'stream')]);
    expect(v.get(mine.id)).toMatchObject({ version: undefined, source: undefined });
  });
});
