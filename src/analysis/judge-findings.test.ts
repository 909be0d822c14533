import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../format/test-support/fixtures.ts';
import { parseVmstateManifest } from '../manifest/index.ts';
import { explainStaticFindings, judgeManifests } from './judge-findings.ts';
import { runStaticChecker } from './static-checker.ts';
import { loadManifest } from './test-support/real-loads.ts';

const manifest = (version: string, machine: string) => loadManifest(join(FIXTURES, 'versions', version, `vmstate-${machine}.json.gz`));
const oraclePairs = readdirSync(join(FIXTURES, 'oracle', 'static'))
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace(/\.txt$/, '').split('__') as [string, string, string]);

describe('judgeManifests on real manifests', () => {
  it('finds nothing to object to between a manifest and itself', () => {
    const m = manifest('7.2', 'pc-q35-7.2');
    const report = judgeManifests(m, m);
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe('fine');
  });

  it('reads hpet 5.2 -> 11.1 as the loader does: num_timers renamed, "present since" versions, accepted', () => {
    const report = judgeManifests(manifest('5.2', 'pc-q35-5.2'), manifest('11.1', 'pc-q35-5.2'));
    const hpet = report.devices.find((d) => d.device === 'hpet');
    expect(hpet?.verdict).toBe('fine');
    expect(hpet?.qomTypes).toEqual(['hpet']);
    expect(hpet?.findings.map((f) => f.kind)).toContain('field-version');
  });

  it('joins by vmsd name, not QOM type: 11.1 renamed i8042\'s QOM types but ps2kbd is one vmsd', () => {
    const report = judgeManifests(manifest('11.1', 'pc-q35-7.2'), manifest('7.2', 'pc-q35-7.2'));
    expect(report.devices.find((d) => d.device === 'ps2kbd')?.verdict).toBe('fine');
    // isa-vga saves as "vga-isa" in 11.1 and as "vga" in 7.2: a VM with it breaks.
    const vga = report.devices.find((d) => d.device === 'vga-isa');
    expect(vga?.findings.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['vmsd-renamed:breaks']);
  });

  it('calls a device only one binary has at risk (source) or fine (destination)', () => {
    const report = judgeManifests(manifest('11.1', 'pc-q35-5.2'), manifest('5.2', 'pc-q35-5.2'));
    expect(report.devices.find((d) => d.device === 'igb')?.findings.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['device-only-in-source:at-risk']);
    const back = judgeManifests(manifest('5.2', 'pc-q35-5.2'), manifest('11.1', 'pc-q35-5.2'));
    expect(back.devices.find((d) => d.device === 'igb')?.findings.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['device-only-in-dest:fine']);
  });

  it('breaks on version ranges: nvme 5.2 (v0) cannot load in 11.1 (minimum 1), virtio-iommu likewise', () => {
    const report = judgeManifests(manifest('5.2', 'pc-q35-5.2'), manifest('11.1', 'pc-q35-5.2'));
    const breaking = report.findings.filter((f) => f.verdict === 'breaks');
    expect(breaking.filter((f) => f.kind === 'version-too-old').map((f) => f.device).sort()).toEqual(['nvme', 'virtio-iommu']);
  });

  it('copes with QEMU 11.1\'s sd-card, which has two subsections of one name', () => {
    const m = manifest('11.1', 'pc-q35-11.1');
    expect(judgeManifests(m, m).findings).toEqual([]);
  });
});

describe('every finding of vmstate-static-checker.py gets one verdict and a reason', () => {
  it.each(oraclePairs)('%s %s -> %s', (machine, src, dest) => {
    const s = manifest(src, machine);
    const d = manifest(dest, machine);
    const report = judgeManifests(s, d);
    const result = runStaticChecker(s, d);
    const explained = explainStaticFindings(result, s, d, report);
    expect(explained).toHaveLength(result.findings.length);
    for (const e of explained) {
      expect(['breaks', 'at-risk', 'fine']).toContain(e.verdict);
      expect(e.reason.length).toBeGreaterThan(40);
      expect(e.reason.endsWith('.') || e.reason.endsWith(')') || e.reason.endsWith('"')).toBe(true);
    }
    const counted = explained.filter((e) => e.static.counted);
    const breaking = counted.filter((e) => e.verdict === 'breaks');
    // Most of the script's problems are not problems for the loader.
    expect(breaking.length).toBeLessThan(counted.length / 3);
    // A breaking verdict always comes from a breaking judge finding about the same device.
    for (const e of breaking) {
      expect(e.finding?.verdict).toBe('breaks');
      expect(e.finding?.qomTypes).toContain(e.static.device);
    }
  });

  it('maps the famous false alarms to fine: hpet num_timers, mc146818rtc field versions, pckbd pending', () => {
    const s = manifest('5.2', 'pc-q35-5.2');
    const d = manifest('11.1', 'pc-q35-5.2');
    const explained = explainStaticFindings(runStaticChecker(s, d), s, d, judgeManifests(s, d));
    const verdictOf = (text: string): string[] => explained.filter((e) => e.static.message.includes(text)).map((e) => e.verdict);
    expect(verdictOf('"num_timers"')).toEqual(['fine']);
    expect(verdictOf('Section "mc146818rtc"')).toEqual(Array(7).fill('fine'));
    expect(verdictOf('expected field "pending"')).toEqual(['fine']);
    expect(verdictOf('Section "isa-vga"').every((v) => v === 'breaks')).toBe(true);
    expect(verdictOf('Section "sysbus-ahci" does not exist')).toEqual(['at-risk']);
    expect(verdictOf('Section "pci-piix3" does not exist')).toEqual(['fine']);
  });

  it('reads the upstream test data too', () => {
    const read = (name: string) => {
      const parsed = parseVmstateManifest(readFileSync(join(FIXTURES, 'upstream-testdata', name), 'utf8'), name);
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value;
    };
    const s = read('dump1.json');
    const d = read('dump2.json');
    const explained = explainStaticFindings(runStaticChecker(s, d), s, d, judgeManifests(s, d));
    expect(explained.filter((e) => e.static.counted)).toHaveLength(13);
    expect(explained.find((e) => e.static.kind === 'machine-type-mismatch')?.verdict).toBe('fine');
  });
});
