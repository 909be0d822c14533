import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../format/index.ts';
import { vfioStream } from '../format/test-support/vfio-streams.ts';
import { parseMdevTypes } from '../manifest/mdev-types.ts';
import { chooseHosts } from './host-chooser.ts';
import { streamFacts } from './stream-facts.ts';
import { assignedFromCommandLine, assignedFromDomainXml, assignedFromText, assignedReasons, mdevTypeFromConfig, withMdevTypes } from './assigned-hosts.ts';
import { parseQemuCommandLine } from './explain/qemu-cmdline.ts';

const MDEV = fileURLToPath(new URL('../../fixtures/mdev/', import.meta.url));
const UUID = '4b20d080-1b54-4048-85b3-a6a62d165c01';
const read = (name: string): string => readFileSync(`${MDEV}${name}`, 'utf8');
const types = (name: string) => {
  const r = parseMdevTypes(read(name), name);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('mdev type listings', () => {
  it('reads mdevctl types --dumpjson and the sysfs attributes alike (a multi-line description included)', () => {
    const json = types('host-same-type.mdevctl-types.json');
    expect(json.types.map((t) => [t.parent, t.typeId, t.availableInstances, t.deviceApi])).toEqual([
      ['0000:00:02.0', 'i915-GVTg_V5_4', 1, 'vfio-pci'],
      ['0000:00:02.0', 'i915-GVTg_V5_8', 2, 'vfio-pci'],
    ]);
    const sysfs = types('host-full.sysfs.txt');
    expect(sysfs.format).toBe('sysfs-listing');
    expect(sysfs.types).toEqual([expect.objectContaining({ typeId: 'i915-GVTg_V5_4', availableInstances: 0, name: 'GVTg_V5_4', deviceApi: 'vfio-pci' })]);
    expect(parseMdevTypes('nonsense\n', 'x').ok).toBe(false);
  });
});

describe("a VM's assigned devices", () => {
  it('from a command line (sysfsdev= of an mdev) and from a domain XML (<hostdev> mdev and pci)', () => {
    const cmd = parseQemuCommandLine(read('vm.cmd'));
    if (!cmd.ok) throw new Error(cmd.message);
    expect(assignedFromCommandLine(cmd.value).map((d) => [d.kind, d.id])).toEqual([['mdev', UUID]]);
    expect(assignedFromDomainXml(read('vm-domain.xml')).map((d) => [d.kind, d.id])).toEqual([
      ['mdev', UUID],
      ['pci', '0000:65:00.1'],
    ]);
    expect(mdevTypeFromConfig(read(`mdevctl.d/0000:00:02.0/${UUID}`))).toBe('i915-GVTg_V5_4');
  });

  it('assignedFromText tells a domain XML (after an XML declaration and comments) from a command line, as the CLI and the Hosts view read a VM file', () => {
    const xml = `<?xml version="1.0"?>\n<!-- virsh dumpxml -->\n${read('vm-domain.xml')}`;
    const fromXml = assignedFromText(xml);
    expect(fromXml.ok && fromXml.devices.map((d) => d.kind)).toEqual(['mdev', 'pci']);
    const fromCmd = assignedFromText(read('vm.cmd'));
    expect(fromCmd.ok && fromCmd.devices.map((d) => [d.kind, d.id])).toEqual([['mdev', UUID]]);
    expect(assignedFromText('hello world')).toEqual({ ok: false, message: "no QEMU program in the command line (first word 'hello')" });
    const typed = withMdevTypes(fromXml.ok ? fromXml.devices : [], new Map([[UUID, 'i915-GVTg_V5_4']]), types('source-host.mdevctl-types.json'));
    expect(typed.map((d) => [d.mdevType, d.traits?.length ?? 0])).toEqual([['i915-GVTg_V5_4', types('source-host.mdevctl-types.json').types[0]?.compatibleType?.length], [undefined, 0]]);
  });

  it('a domain XML of 200,000 unclosed <hostdev> elements reads in linear time (a lazy match to </hostdev> rescanned the rest per element)', () => {
    const hostile = `<domain>${"<hostdev type='pci'><source><address bus='0x1'/></source>".repeat(200_000)}</domain>`;
    const started = performance.now();
    const devices = assignedFromDomainXml(hostile);
    // None is closed; a generous bound, far under the quadratic minutes.
    expect(devices).toEqual([]);
    expect(assignedFromDomainXml(`${hostile}<hostdev type='pci'><source><address bus='0x2'/></source></hostdev>`)).toEqual([expect.objectContaining({ kind: 'pci', id: '0000:02:00.0' })]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a host with the same type and a free instance takes it; no instance, another vendor, or no listing rejects; traits only warn', () => {
    const traits = types('source-host.mdevctl-types.json').types[0]?.compatibleType;
    const vm = [{ kind: 'mdev' as const, id: UUID, from: 'test', mdevType: 'i915-GVTg_V5_4', traits }];
    const verdict = (file: string | undefined) => assignedReasons(vm, 'h', file === undefined ? undefined : types(file)).map((r) => [r.kind, r.verdict]);
    expect(verdict('host-same-type.mdevctl-types.json')).toEqual([['mdev-type-offered', 'fine']]);
    expect(verdict('host-full.sysfs.txt')).toEqual([['mdev-no-instance', 'breaks']]);
    expect(verdict('host-other-vendor.sysfs.txt')).toEqual([['mdev-type-missing', 'breaks']]);
    expect(verdict('host-traits.mdevctl-types.json')).toEqual([['mdev-compatible-by-traits', 'at-risk']]);
    expect(verdict(undefined)).toEqual([['mdev-types-unchecked', 'breaks']]);
    // Without the source's traits another type never qualifies.
    expect(assignedReasons([{ ...vm[0]!, traits: undefined }], 'h', types('host-traits.mdevctl-types.json')).map((r) => r.kind)).toEqual(['mdev-type-missing']);
  });
});

describe('the host chooser and a stream with VFIO sections', () => {
  it('warns on every host when the VM carries VFIO state but its assigned devices were not given', async () => {
    const stream = await decodeStream(bytesSource(vfioStream('v2')));
    const [choice] = chooseHosts({ kind: 'stream', facts: streamFacts(stream), stream }, [{ name: 'h' }]);
    expect(choice?.reasons.find((r) => r.kind === 'assigned-unlisted')).toMatchObject({ verdict: 'at-risk', device: '0000:00:04.0/vfio' });
  });
});
