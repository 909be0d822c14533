import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedStreams, FIXTURES } from '../format/test-support/fixtures.ts';
import { existsSync } from 'node:fs';
import { judgeManifests } from './judge-findings.ts';
import { checkStream } from './stream-check.ts';
import type { StreamFacts } from './stream-facts.ts';
import {
  factsOf,
  falseAlarmTable,
  judgeLoad,
  loadManifest,
  manifestFor,
  mismatchLoads,
  queryMachinesFor,
  realLoads,
  type JudgedLoad,
  type LoadRow,
} from './test-support/real-loads.ts';
import type { JudgeFinding } from './verdict.ts';

/** The device (vmsd name) or machine type a QEMU error line blames, when it blames one. */
function blamed(line: string): { readonly device?: string; readonly machine?: true } | undefined {
  const patterns: readonly RegExp[] = [
    /unsupported version \d+ for '([^']+)'/,
    /Missing section footer for (\S+)/,
    /Unknown savevm section or instance '([^']+)'/,
    /Failed to load ([^/:\s]+)[/:]/,
    /error while loading state section id \d+\(([^)]+)\)/,
  ];
  for (const p of patterns) {
    const m = p.exec(line);
    if (m?.[1] !== undefined) {
      const idstr = m[1];
      return { device: idstr.slice(idstr.lastIndexOf('/') + 1) };
    }
  }
  if (/Machine type received|unsupported machine type/.test(line)) return { machine: true };
  return undefined;
}

const names = (findings: readonly JudgeFinding[], verdicts: readonly string[]): string[] =>
  findings.filter((f) => verdicts.includes(f.verdict)).map((f) => f.device);

describe('the stream check against every real load (fixtures/loads/results.csv)', () => {
  const rows = realLoads();
  const judged: JudgedLoad[] = [];

  it('has the 44 real loads', () => {
    expect(rows).toHaveLength(44);
  });

  it.each(rows.map((r) => [`${r.src} -> ${r.dst} ${r.machine}-${r.config} ${r.outcome}`, r] as const))('%s', async (_label, row) => {
    const j = await judgeLoad(row);
    judged.push(j);
    const breaking = j.report.findings.filter((f) => f.verdict === 'breaks');
    if (row.outcome === 'SUCCEEDED') {
      // No false alarm: QEMU loaded this stream.
      expect(breaking.map((f) => `${f.device}: ${f.reason}`)).toEqual([]);
    } else {
      const cause = blamed(row.firstError);
      if (cause?.device !== undefined) expect(names(j.report.findings, ['breaks', 'at-risk'])).toContain(cause.device);
      if (cause?.machine === true) expect(breaking.some((f) => f.device === 'configuration')).toBe(true);
    }
    // Only devices this VM has are judged.
    const inStream = new Set(j.report.devices.map((d) => d.device));
    expect(inStream.size).toBe(j.report.stream.devices);
  });

  it('every row has exact manifests for its machine type (no stand-in needed)', () => {
    expect(judged.filter((j) => !j.sourceExact || !j.destExact).map((j) => j.row)).toEqual([]);
  });

  it('raises far fewer alarms than vmstate-static-checker.py (table in the test output)', () => {
    expect(judged).toHaveLength(rows.length);
    const ordered = rows.map((r) => judged.find((j) => j.row === r)).filter((j): j is JudgedLoad => j !== undefined);
    const table = falseAlarmTable(ordered);
    console.log(`\nfalse alarms, vmstate-static-checker.py vs migscope --stream (* = stand-in manifest)\n${table}\n`);
    const checker = ordered.reduce((n, j) => n + j.staticProblems, 0);
    const ours = ordered.reduce((n, j) => n + j.report.counts.breaks, 0);
    expect(ours).toBe(0);
    expect(checker).toBeGreaterThan(500);
    // Every cross-version load draws problems from the script although all of them loaded.
    expect(ordered.filter((j) => j.row.src !== j.row.dst).every((j) => j.staticProblems >= 15)).toBe(true);
  });
});

describe('the stream check against the deliberately mismatched loads', () => {
  const derived = derivedStreams();

  async function factsForRow(row: LoadRow): Promise<StreamFacts | undefined> {
    const file = row.streamFile ?? '';
    const recipe = derived.find((d) => d.recipe.file === file);
    if (recipe !== undefined) return factsOf(`derived:${file}`, recipe.bytes);
    for (const v of [row.src, '5.2', '7.2', '11.1']) {
      const path = join(FIXTURES, 'streams', v, `${file}.gz`);
      if (existsSync(path)) return factsOf(path);
    }
    return undefined;
  }

  /** Causes no manifest can show: the destination VM was configured differently from the source's. */
  const CONFIGURATION_CASES = new Set(['b-5.2', 'b-7.2', 'b-7.2-full', 'c-first-7.2']);

  it.each(mismatchLoads().map((r) => [`${r.caseId ?? ''} ${r.outcome}: ${r.firstError.slice(28, 110)}`, r] as const))('%s', async (_label, row) => {
    const facts = await factsForRow(row);
    expect(facts).toBeDefined();
    if (facts === undefined) return;
    const src = manifestFor(row.src, facts.machineType ?? row.machine).manifest;
    const dst = manifestFor(row.dst, row.machine).manifest;
    const report = checkStream(facts, dst, { source: src, destMachineType: row.machine, destMachines: queryMachinesFor(row.dst) });
    const breaking = report.findings.filter((f) => f.verdict === 'breaks');
    if (row.outcome === 'SUCCEEDED') {
      expect(breaking.map((f) => f.reason)).toEqual([]);
      return;
    }
    if (CONFIGURATION_CASES.has(row.caseId ?? '')) {
      // Same binary on both sides, a different -device list: the manifests cannot see it.
      expect(breaking).toEqual([]);
      return;
    }
    const cause = blamed(row.firstError);
    expect(cause).toBeDefined();
    if (cause?.machine === true) {
      expect(breaking.map((f) => f.device)).toContain('configuration');
    } else if (cause?.device !== undefined) {
      // A renamed idstr no manifest knows is only at risk (QEMU-internal sections look the same).
      const expected = cause.device === 'mc146818rtX' ? ['at-risk'] : ['breaks'];
      expect(names(report.findings, expected)).toContain(cause.device);
    }
  });
});

describe('the stream check against the aarch64 loads (fixtures/loads/aarch64.csv, all same-version)', () => {
  it.each(['minimal', 'virtio-mmio', 'virtio-pci'].flatMap((config) => ['virt-7.2', 'virt-11.1'].map((machine) => [machine, config] as const)))('%s %s', async (machine, config) => {
    const facts = await factsOf(join(FIXTURES, 'streams-extra', 'aarch64', '11.1', `${machine}-${config}.mig.gz`));
    const manifest = loadManifest(join(FIXTURES, 'versions-extra', 'aarch64-11.1', `vmstate-${machine}.json.gz`));
    for (const report of [checkStream(facts, manifest), checkStream(facts, manifest, { source: manifest })]) {
      expect(report.findings.filter((f) => f.verdict !== 'fine').map((f) => f.reason)).toEqual([]);
    }
  });
});

describe('checkStream details', () => {
  it('judges a 11.1 stream against 7.2 by what it sent: an unknown subsection breaks only when sent', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '11.1', 'pc-q35-7.2-virtio.mig.gz'));
    const src = manifestFor('11.1', 'pc-q35-7.2').manifest;
    const dst = manifestFor('7.2', 'pc-q35-7.2').manifest;
    const report = checkStream(facts, dst, { source: src });
    expect(report.counts.breaks).toBe(0);
    // The 11.1 virtio-gpu vmsd has virtio-gpu/blob, 7.2 does not; this VM did not send it.
    const gpu = report.findings.filter((f) => f.device === 'virtio-gpu' && f.kind === 'subsection-missing');
    expect(gpu.map((f) => [f.path, f.verdict])).toEqual([['virtio-gpu > virtio-gpu/blob', 'fine']]);
    // Without the stream the same difference is only at risk.
    const perDevice = judgeManifests(src, dst).findings.filter((f) => f.device === 'virtio-gpu' && f.kind === 'subsection-missing');
    expect(perDevice.map((f) => f.verdict)).toEqual(['at-risk']);

    // The same subsection, claimed sent, breaks.
    const sent: StreamFacts = {
      ...facts,
      devices: facts.devices.map((d) => (d.vmsdName === 'virtio-gpu' ? { ...d, subsections: new Map([...(d.subsections ?? []), ['virtio-gpu/blob', 1]]) } : d)),
    };
    const broken = checkStream(sent, dst, { source: src });
    expect(broken.findings.filter((f) => f.verdict === 'breaks').map((f) => `${f.device} ${f.kind}`)).toEqual(['virtio-gpu subsection-missing']);
    expect(broken.findings.find((f) => f.verdict === 'breaks')?.reason).toContain('No such file or directory');
  });

  it('compares the section version with the destination range', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '7.2', 'pc-i440fx-7.2-default.mig.gz'));
    const dst = manifestFor('7.2', 'pc-i440fx-7.2').manifest;
    const bump = (v: number): StreamFacts => ({ ...facts, devices: facts.devices.map((d) => (d.vmsdName === 'mc146818rtc' ? { ...d, versionId: v } : d)) });
    const tooNew = checkStream(bump(4), dst).findings.filter((f) => f.verdict === 'breaks');
    expect(tooNew.map((f) => f.kind)).toEqual(['version-too-new']);
    expect(tooNew[0]?.reason).toContain("unsupported version 4 for 'mc146818rtc' v3");
    const tooOld = checkStream(bump(0), dst).findings.filter((f) => f.verdict === 'breaks');
    expect(tooOld.map((f) => f.kind)).toEqual(['version-too-old']);
    expect(checkStream(facts, dst).counts.breaks).toBe(0);
  });

  it('reports the machine type: mismatch, missing on the destination, deprecated', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '11.1', 'pc-q35-11.1-minimal.mig.gz'));
    const dst72 = manifestFor('7.2', 'pc-q35-7.2').manifest;
    const mismatch = checkStream(facts, dst72).findings.filter((f) => f.device === 'configuration');
    expect(mismatch.map((f) => [f.kind, f.verdict])).toEqual([['machine-type', 'breaks']]);
    expect(mismatch[0]?.reason).toContain("Machine type received is 'pc-q35-11.1' and local is 'pc-q35-7.2'");
    const missing = checkStream(facts, dst72, { destMachineType: 'pc-q35-11.1', destMachines: queryMachinesFor('7.2') }).findings.filter((f) => f.device === 'configuration');
    expect(missing.map((f) => [f.kind, f.verdict])).toEqual([['machine-type-missing', 'breaks']]);
    const old = await factsOf(join(FIXTURES, 'streams', '7.2', 'pc-q35-7.2-minimal.mig.gz'));
    const deprecated = checkStream(old, manifestFor('11.1', 'pc-q35-7.2').manifest, { destMachines: queryMachinesFor('11.1') }).findings.filter((f) => f.device === 'configuration');
    expect(deprecated.map((f) => [f.kind, f.verdict])).toEqual([['machine-type', 'fine']]);
  });

  it('works without a source manifest, from the stream vmdesc alone, with no false alarm on same-version loads', async () => {
    for (const row of realLoads().filter((r) => r.src === r.dst)) {
      const facts = await factsOf(join(FIXTURES, 'streams', row.src, `${row.machine}-${row.config}.mig.gz`));
      const report = checkStream(facts, manifestFor(row.dst, row.machine).manifest);
      expect(report.findings.filter((f) => f.verdict === 'breaks').map((f) => `${row.machine}-${row.config}: ${f.path}`)).toEqual([]);
    }
  });

  it('does not report devices the stream lacks, and calls QEMU-internal sections fine', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '5.2', 'pc-i440fx-5.2-minimal.mig.gz'));
    const report = checkStream(facts, manifestFor('11.1', 'pc-i440fx-5.2').manifest, { source: manifestFor('5.2', 'pc-i440fx-5.2').manifest });
    const devices = report.devices.map((d) => d.device);
    expect(devices).not.toContain('virtio-net');
    expect(devices).toContain('mc146818rtc');
    const timer = report.findings.find((f) => f.device === 'timer');
    expect(timer?.kind).toBe('section-undescribed');
    expect(timer?.verdict).toBe('fine');
  });
});
