/**
 * The compact `virtioCompat` of the build profiles gives back, for every versioned machine type,
 * the values the build's own `query-machines` (`"compat-props": true`) reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { compatMachineVersion, knownBuilds } from './index.ts';

interface ReplyMachine {
  readonly name: string;
  readonly 'compat-props'?: readonly { 'qom-type': string; property: string; value: string }[];
}

function reply(dir: string): ReplyMachine[] {
  const file = [join(FIXTURES, 'real-runs', 'versions', dir, 'qmp-query-machines-compat-props.json.gz'), join(FIXTURES, 'versions-extra', dir, 'qmp-query-machines-compat-props.json.gz')].find((f) => existsSync(f));
  if (file === undefined) throw new Error(`no compat-props reply for ${dir}`);
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { return?: ReplyMachine[]; 'query-machines'?: { return: ReplyMachine[] } };
  return json['query-machines']?.return ?? json.return ?? [];
}

/** What a list of compat properties leaves each (type, property) at: later entries win. */
function effective(props: readonly { qomType: string; property: string; value: string }[]): Map<string, string> {
  return new Map(props.map((p) => [`${p.qomType}.${p.property}`, p.value]));
}

describe('build profiles: virtio compat properties by machine type', () => {
  const builds = knownBuilds().filter((b) => b.virtioCompat !== undefined);

  it('are there for the builds that report them (10.0 and 11.1, both targets), not for 5.2 and 7.2', () => {
    expect(builds.map((b) => `${b.arch} ${b.release}`).sort()).toEqual(['aarch64 10.0', 'aarch64 11.1', 'x86_64 10.0', 'x86_64 11.1']);
  });

  it.each(builds.map((b) => [`${b.arch} ${b.release}`, b] as const))('%s: every versioned machine type, as query-machines reported it', (_n, build) => {
    const machines = reply(build.arch === 'aarch64' ? `aarch64-${build.release}` : build.release).filter((m) => compatMachineVersion(m.name) !== undefined);
    expect([...(build.virtioCompat?.keys() ?? [])].sort()).toEqual(machines.map((m) => m.name).sort());
    for (const m of machines) {
      const reported = (m['compat-props'] ?? []).filter((c) => c['qom-type'].startsWith('virtio')).map((c) => ({ qomType: c['qom-type'], property: c.property, value: c.value }));
      expect(effective(build.virtioCompat?.get(m.name) ?? []), m.name).toEqual(effective(reported));
    }
  });

  it('a 4.0.1 type inherits the 4.0 arrays', () => {
    expect(compatMachineVersion('pc-q35-4.0.1')).toEqual({ major: 4, minor: 0 });
    expect(compatMachineVersion('pc')).toBeUndefined();
  });
});
