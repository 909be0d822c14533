import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseHosts } from '../../analysis/host-chooser.ts';
import { parseQueryMachines, parseVmstateManifest } from '../../manifest/index.ts';
import { assignmentOf, breaksFirst, hostGroups, hostVerdict, NOT_A_HOST, VM_SOURCE, type Assignment, type HostFile } from './host-groups.ts';

const fixture = (rel: string): string => {
  const bytes = readFileSync(fileURLToPath(new URL(`../../../fixtures/${rel}`, import.meta.url)));
  return (rel.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};
const manifest = (id: string, version: string, machine: string): HostFile => {
  const r = parseVmstateManifest(fixture(`versions/${version}/vmstate-${machine}.json.gz`), `vmstate-${machine}.json.gz`);
  if (!r.ok) throw new Error(r.error.message);
  return { id, name: `vmstate-${machine}.json.gz`, version, manifest: r.value };
};
const machines = (id: string, version: string): HostFile => {
  const r = parseQueryMachines(fixture(`versions/${version}/qmp-query-machines.json`), 'qmp-query-machines.json');
  if (!r.ok) throw new Error(r.error.message);
  return { id, name: 'qmp-query-machines.json', version, machines: r.value };
};

describe('hostGroups', () => {
  const files = [machines('a', '7.2'), manifest('b', '7.2', 'pc-q35-7.2'), manifest('c', '7.2', 'pc-q35-5.2'), machines('d', '11.1'), manifest('e', '11.1', 'pc-q35-11.1')];

  it('makes one host per release, in release order, with the manifest of the VM’s machine type', () => {
    const groups = hostGroups(files, new Map(), 'pc-q35-5.2');
    expect(groups.map((g) => g.candidate.name)).toEqual(['QEMU 7.2', 'QEMU 11.1']);
    expect(groups[0]?.candidate.manifest?.machine).toBe('pc-q35-5.2');
    expect(groups[0]?.notes[0]).toMatch(/2 manifests; vmstate-pc-q35-5.2.json.gz is used/);
    expect(groups[1]?.candidate.machines).toBeDefined();
    // The release decides the host's load checks.
    expect(groups.map((g) => g.candidate.release)).toEqual(['7.2', '11.1']);
  });

  it('gives a host of files of several releases no release', () => {
    const groups = hostGroups(files, new Map<string, Assignment>([['d', 'QEMU 7.2']]), undefined);
    expect(groups.map((g) => [g.candidate.name, g.candidate.release])).toEqual([
      ['QEMU 7.2', undefined],
      ['QEMU 11.1', '11.1'],
    ]);
  });

  it('follows what the user assigned: another host, no host, the VM’s source', () => {
    const chosen = new Map<string, Assignment>([
      ['c', VM_SOURCE],
      ['e', 'lab host'],
      ['d', NOT_A_HOST],
    ]);
    expect(assignmentOf(files[2] as HostFile, chosen)).toBe(VM_SOURCE);
    const groups = hostGroups(files, chosen, undefined);
    expect(groups.map((g) => g.candidate.name)).toEqual(['QEMU 7.2', 'lab host']);
    expect(groups[1]?.candidate.machines).toBeUndefined();
    expect(groups[0]?.files.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('says reject, at risk or accept, and puts rejections first', () => {
    const groups = hostGroups(files, new Map(), 'pc-q35-7.2');
    const source = manifest('s', '7.2', 'pc-q35-7.2').manifest;
    if (source === undefined) throw new Error('no manifest');
    const choices = chooseHosts({ kind: 'manifest', manifest: source, machine: 'pc-q35-11.1' }, groups.map((g) => g.candidate));
    const verdicts = choices.map((c) => ({ host: c.host, verdict: hostVerdict(c) }));
    expect(verdicts.find((v) => v.host === 'QEMU 7.2')?.verdict).toBe('reject');
    expect(breaksFirst([...verdicts].reverse())[0]?.verdict).toBe('reject');
  });
});
