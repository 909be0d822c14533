import { describe, expect, it } from 'vitest';
import { compatMatrix } from './compat-matrix.ts';
import { computeNegotiation, negotiateAllPairs } from './negotiation.ts';
import { highestCommon, negotiatedSource } from './negotiated-manifest.ts';
import { streamFacts } from './stream-facts.ts';
import { loadBuild, X86_BUILDS } from './test-support/four-builds.ts';
import { decodeRealStream, streamFileOf } from './test-support/real-runs.ts';

const builds = X86_BUILDS.map((v) => loadBuild('x86_64', v));
const manifests = builds.map((b) => ({ version: b.version, manifest: b.manifest }));
const machines = builds.flatMap((b) => (b.machines === undefined ? [] : [{ version: b.version, machines: b.machines }]));
const build = (v: string) => {
  const m = manifests.find((x) => x.version === v);
  if (m === undefined) throw new Error(v);
  return m;
};

describe('highestCommon', () => {
  it('is the lower maximum when the ranges meet, else undefined', () => {
    expect(highestCommon({ min: 1, max: 2 }, { min: 1, max: 1 })).toBe(1);
    expect(highestCommon({ min: 0, max: 1 }, { min: 2, max: 2 })).toBeUndefined();
    expect(highestCommon({ min: 3, max: 8 }, { min: 2, max: 6 })).toBe(6);
  });
});

describe('negotiation on the four real builds', () => {
  const all = negotiateAllPairs(manifests, machines);

  it('negotiates all twelve ordered pairs, and what breaks today is what the matrix says breaks', () => {
    expect(all).toHaveLength(12);
    for (const r of all) {
      if (!r.ok) throw new Error(r.error.message);
      const n = r.value;
      const m = compatMatrix([build(n.source), build(n.dest)], [], machines, { machine: n.machine });
      if (!m.ok) throw new Error(m.error.message);
      const matrixBreaks = m.value.cells.filter((c) => c.source === n.source && c.dest === n.dest && c.verdict === 'breaks').map((c) => c.device).sort();
      expect(n.rows.filter((x) => x.today === 'breaks').map((x) => x.device).sort(), `${n.source}->${n.dest}`).toEqual(matrixBreaks);
      expect(n.summary.breaksToday).toBe(matrixBreaks.length);
      expect(n.summary.fixedByNegotiation + n.summary.noCommonVersion + n.summary.meaningChanged).toBeLessThanOrEqual(n.summary.breaksToday);
    }
  });

  it('7.2 -> 5.2: the ESP controllers break today (pciespscsi version 2 into 1) and load at the common version 1', () => {
    const r = computeNegotiation({ source: build('7.2'), dest: build('5.2'), machines });
    if (!r.ok) throw new Error(r.error.message);
    const am = r.value.rows.find((x) => x.device === 'am53c974');
    expect(am).toMatchObject({ section: 'pciespscsi', sourceRange: { min: 1, max: 2 }, destRange: { min: 1, max: 1 }, sentToday: 2, today: 'breaks', common: 1, outcome: 'fixed' });
    expect(am?.breaksToday.map((f) => f.kind)).toContain('version-too-new');
    expect(r.value.summary.fixedByNegotiation).toBe(3);
  });

  it('10.0 -> 7.2: drq_state was added without a version gate, so negotiation cannot fix the ESP break', () => {
    const r = computeNegotiation({ source: build('10.0'), dest: build('7.2'), machines });
    if (!r.ok) throw new Error(r.error.message);
    const am = r.value.rows.find((x) => x.device === 'am53c974');
    expect(am?.outcome).toBe('meaning-changed');
    expect(am?.common).toBe(2);
    expect(am?.breaksNegotiated.map((f) => f.path)).toEqual(['pciespscsi > esp > drq_state']);
  });

  it('11.1 -> 10.0: isa-vga renamed its section (vga-isa), which no version choice fixes', () => {
    const r = computeNegotiation({ source: build('11.1'), dest: build('10.0'), machines });
    if (!r.ok) throw new Error(r.error.message);
    const vga = r.value.rows.find((x) => x.device === 'isa-vga');
    expect(vga?.outcome).toBe('meaning-changed');
    expect(vga?.breaksNegotiated.map((f) => f.kind)).toEqual(['vmsd-renamed']);
  });

  it("lists the machine type's state-gating compat properties of the build that has them", () => {
    const r = computeNegotiation({ source: build('5.2'), dest: build('11.1'), machines });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.machine).toBe('pc-i440fx-5.2');
    const gpu = r.value.rows.find((x) => x.device === 'virtio-gpu-device');
    expect(gpu?.pinnedBy.map((p) => `${p.build} ${p.property}=${p.value}`)).toEqual(['11.1 x-scanout-vmstate-version=1']);
    expect(r.value.summary.pinned).toBeGreaterThan(0);
  });

  it('the negotiated source drops the fields newer than the common version', () => {
    const lowered = negotiatedSource(build('7.2').manifest, build('5.2').manifest);
    const fields = lowered.devices.get('am53c974')?.description?.fields?.map((f) => f.field);
    expect(fields).not.toContain('esp.mig_version_id');
    expect(build('7.2').manifest.devices.get('am53c974')?.description?.fields?.map((f) => f.field)).toContain('esp.mig_version_id');
  });
});

describe('negotiation with a stream', () => {
  it('11.1 aarch64 -> 10.0: the cpu section carries cpu/wfxt-timer, which no 10.0 manifest entry describes', async () => {
    const src = loadBuild('aarch64', '11.1');
    const dst = loadBuild('aarch64', '10.0');
    const facts = streamFacts(await decodeRealStream(streamFileOf('aarch64', '11.1', 'virt-7.2', 'minimal')));
    const r = computeNegotiation({ source: { version: '11.1', manifest: src.manifest }, dest: { version: '10.0', manifest: dst.manifest }, stream: facts });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stream).toBe(facts.name);
    expect(r.value.rows.every((x) => x.inVm === true)).toBe(true);
    const cpu = r.value.rows.find((x) => x.section === 'cpu');
    expect(cpu?.subsections?.sent).toContain('cpu/wfxt-timer');
    expect(cpu?.subsections?.unknownToDest).toBeUndefined();
    const pl011 = r.value.rows.find((x) => x.section === 'pl011');
    expect(pl011?.subsections).toEqual({ sent: ['pl011/clock'], unknownToDest: [] });
  });
});

describe('a break without a common version', () => {
  it("is told apart from a layout change: the destination's range starts above the source's", () => {
    // 5.2's mc146818rtc (1..3) into a destination whose loader would take only 4: no version both hold.
    const dest = build('5.2').manifest;
    const rtc = dest.devices.get('mc146818rtc');
    if (rtc?.description === undefined) throw new Error('no mc146818rtc in 5.2');
    const raised = { ...rtc, versionId: 4, minimumVersionId: 4, description: { ...rtc.description, versionId: 4, minimumVersionId: 4 } };
    const r = computeNegotiation({ source: build('5.2'), dest: { version: '99.0', manifest: { ...dest, devices: new Map([...dest.devices, ['mc146818rtc', raised]]) } } });
    if (!r.ok) throw new Error(r.error.message);
    const row = r.value.rows.find((x) => x.device === 'mc146818rtc');
    expect(row).toMatchObject({ sourceRange: { min: 1, max: 3 }, destRange: { min: 4, max: 4 }, today: 'breaks', common: undefined, outcome: 'no-common-version' });
    expect(r.value.summary.noCommonVersion).toBe(1);
  });
});
