import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestMachineVersion, qemuVersionInText } from './release-label.ts';
import { labelFiles, type LabelEvidence } from './release-evidence.ts';
import { buildFiles, loadQueryMachines, X86_BUILDS } from './test-support/four-builds.ts';
import { loadManifest } from './test-support/real-loads.ts';
import { manifestSignature } from './vmsd-variants.ts';
import { FIXTURES } from '../format/test-support/fixtures.ts';

let n = 0;
/** The files of the four builds, as a browser gets them: names only, no folders. */
function evidenceOf(path: string, kind: LabelEvidence['kind'], extra: Partial<LabelEvidence> = {}): LabelEvidence {
  const base = { id: `f${++n}`, name: basename(path), path: '', kind, group: 'user', ...extra };
  if (kind === 'query-machines') {
    const qm = loadQueryMachines(path);
    return { ...base, newestMachine: newestMachineVersion(qm), machineNames: qm.machines.map((m) => m.name), compatProps: qm.machines.some((m) => m.compatProps !== undefined), signature: qm.machines.map((m) => m.name).sort().join(' ') };
  }
  if (kind === 'vmstate-manifest') {
    const m = loadManifest(path);
    return { ...base, manifestMachine: m.machine, signature: manifestSignature(m) };
  }
  return base;
}

function dropOf(version: string): { files: LabelEvidence[]; want: string } {
  const b = buildFiles('x86_64', version);
  const files = [
    ...(b.devices !== undefined ? [evidenceOf(b.devices, 'device-help')] : []),
    ...(b.queryMachines !== undefined ? [evidenceOf(b.queryMachines, 'query-machines')] : []),
    ...(b.compatProps !== undefined ? [evidenceOf(b.compatProps, 'query-machines')] : []),
    ...b.manifests.map((p) => evidenceOf(p, 'vmstate-manifest')),
  ];
  return { files, want: version };
}

describe('release labels of the four builds, dropped without their folders', () => {
  it('labels every file right, whatever the order of the drops', () => {
    const drops = X86_BUILDS.map(dropOf);
    for (const order of [drops, [...drops].reverse()]) {
      const files = order.flatMap((d) => d.files);
      const labels = labelFiles(files);
      for (const d of order) for (const f of d.files) expect(labels.get(f.id)?.version, `${f.name} of ${d.want}`).toBe(d.want);
      // Manifests are labelled by their content, not by the drop they came in.
      const m10 = drops[2]?.files.find((f) => f.kind === 'vmstate-manifest');
      expect(labels.get(m10?.id ?? '')?.source).toBe('manifest content');
      expect([...labels.values()].flatMap((l) => l.flags).filter((f) => f.kind !== 'duplicate')).toEqual([]);
    }
  });

  it('10.0 and 11.1 manifests dropped together, with both replies, stay apart', () => {
    const q10 = evidenceOf(buildFiles('x86_64', '10.0').queryMachines ?? '', 'query-machines');
    const q11 = evidenceOf(buildFiles('x86_64', '11.1').queryMachines ?? '', 'query-machines');
    const m10 = evidenceOf(`${FIXTURES}/real-runs/versions/10.0/vmstate-pc-q35-10.0.json.gz`, 'vmstate-manifest');
    const m11 = evidenceOf(`${FIXTURES}/versions/11.1/vmstate-pc-q35-10.0.json.gz`, 'vmstate-manifest');
    const m11b = evidenceOf(`${FIXTURES}/versions/11.1/vmstate-pc-q35-11.1.json.gz`, 'vmstate-manifest');
    const labels = labelFiles([m10, m11, m11b, q10, q11]);
    expect([m10, m11, m11b].map((f) => labels.get(f.id)?.version)).toEqual(['10.0', '11.1', '11.1']);
    // Without the 11.1 manifest dumped with pc-q35-11.1, the two pc-q35-10.0 dumps could be either.
    const alone = labelFiles([m10, m11, q10, q11]);
    expect(alone.get(m10.id)?.candidates).toEqual(['10.0', '11.1']);
    expect(alone.get(m10.id)?.flags.map((f) => f.kind)).toContain('ambiguous');
  });

  it('flags a name the content contradicts, and two contents claiming one build', () => {
    const q10 = evidenceOf(buildFiles('x86_64', '10.0').queryMachines ?? '', 'query-machines');
    const q11 = evidenceOf(buildFiles('x86_64', '11.1').queryMachines ?? '', 'query-machines');
    const wrong = evidenceOf(`${FIXTURES}/versions/11.1/vmstate-pc-q35-11.1.json.gz`, 'vmstate-manifest', { name: 'qemu-10.0.vmstate-pc-q35-11.1.json.gz' });
    const labels = labelFiles([q10, q11, wrong]);
    expect(labels.get(wrong.id)?.version).toBe('11.1');
    expect(labels.get(wrong.id)?.flags.map((f) => f.message)).toEqual([expect.stringContaining('its file name says 10.0')]);

    const a = evidenceOf(`${FIXTURES}/versions/7.2/vmstate-pc-q35-7.2.json.gz`, 'vmstate-manifest', { typed: '7.2' });
    const b = evidenceOf(`${FIXTURES}/versions/11.1/vmstate-pc-q35-7.2.json.gz`, 'vmstate-manifest', { typed: '7.2' });
    const clash = labelFiles([a, b]);
    expect(clash.get(b.id)?.flags.map((f) => f.kind)).toEqual(['clash']);
  });

  it('reads a QEMU version written in the content', () => {
    expect(qemuVersionInText('{"QMP": {"version": {"qemu": {"micro": 13, "minor": 0, "major": 10}, "package": ""}}}')).toBe('10.0.13');
    expect(qemuVersionInText(readFileSync(`${FIXTURES}/libvirt/virtio-10.0-to-11.1/domain.log`, 'utf8'))).toBe('11.1.3');
    expect(qemuVersionInText(readFileSync(`${FIXTURES}/real-runs/streams/x86_64/10.0/pc-q35-10.0-extra.cmd`, 'utf8'))).toBe('10.0.13');
    expect(qemuVersionInText(readFileSync(`${FIXTURES}/versions-extra/11.1/qmp-query-machines-compat-props.cmd.json`, 'utf8'))).toBe('11.1.3');
    expect(qemuVersionInText('{"return": [{"name": "pc-q35-7.2"}]}')).toBeUndefined();
  });
});
