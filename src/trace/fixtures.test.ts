/**
 * Every shared trace in fixtures/ against what is known independently of the trace:
 *  - section order: analyze-migration.py's state dump (keys "idstr (section_id)" in stream
 *    order), or, for streams it cannot decode (suppress-vmdesc, xbzrle-dirtyloop), the section
 *    headers found in the stream bytes themselves;
 *  - outcomes: the results CSVs (SUCCEEDED/FAILED, first error line) written by the harness that
 *    ran QEMU, and the device the error lines themselves name.
 * Each log is parsed once, in its own test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../lib/csv-read.ts';
import { parseTraceLog, type InnerSpan, type SectionSpan, type TraceModel } from './index.ts';

const root = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const gz = (rel: string): Buffer => gunzipSync(readFileSync(join(root, rel)));
const gzText = (rel: string): string => gz(rel).toString('utf8');

function list(dir: string, suffix: string): string[] {
  return (readdirSync(join(root, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f))
    .sort();
}

/** RFC 4180: quoted fields may hold commas and doubled quotes (the error lines do). */
function readCsv(rel: string): Record<string, string>[] {
  return readCsvObjects(readFileSync(join(root, rel), 'utf8')).rows;
}

/** Full section order of a stream: "idstr (section_id)". */
function streamOrder(stateJson: string, mig: string): string[] {
  if (existsSync(join(root, stateJson))) return Object.keys(JSON.parse(gzText(stateJson)) as object);
  return scanSectionHeaders(gz(mig));
}

/**
 * START/FULL section headers in the raw stream: type 0x01/0x04, be32 section id, u8 length,
 * idstr, be32 instance, be32 version. Proven against analyze-migration.py below.
 */
function scanSectionHeaders(b: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i + 6 < b.length; i++) {
    const t = b[i];
    if ((t !== 1 && t !== 4) || b[i + 1] !== 0 || b[i + 2] !== 0 || b[i + 3] !== 0) continue;
    const len = b[i + 5] ?? 0;
    const start = i + 6;
    if (len === 0 || start + len + 8 > b.length) continue;
    const idstr = b.subarray(start, start + len).toString('latin1');
    if (!/^[\x21-\x7e]+$/.test(idstr)) continue;
    if (b.readUInt32BE(start + len) >= 256 || b.readUInt32BE(start + len + 4) >= 1000) continue;
    const key = `${idstr} (${b[i + 4]})`;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

const keyOf = (s: SectionSpan): string => `${s.idstr} (${s.sectionId})`;
const numbered = (m: TraceModel): SectionSpan[] => m.sections.filter((s) => s.kind === 'section');

function* spans(nodes: readonly InnerSpan[]): Generator<InnerSpan> {
  for (const n of nodes) {
    yield n;
    yield* spans(n.children);
  }
}

const allSpans = (m: TraceModel): InnerSpan[] => m.sections.flatMap((s) => [...spans(s.children)]);

/** Checks every model must pass: extents nest and line numbers point into the log. */
function checkExtents(m: TraceModel, lineCount: number): void {
  // Plain comparisons, one expect at the end: the big logs hold ~100k spans.
  const bad: string[] = [];
  const within = (outer: { line: number; endLine: number }, inner: InnerSpan, where: string): void => {
    if (inner.line < outer.line || inner.endLine > outer.endLine || inner.start > inner.end || inner.line > inner.endLine) {
      bad.push(where);
    }
    for (const c of inner.children) within(inner, c, `${where} > ${c.name}`);
  };
  for (const s of m.sections) {
    if (s.line < 1 || s.endLine > lineCount || s.start > s.end || s.line > s.endLine) bad.push(s.idstr);
    for (const c of s.children) within(s, c, `${s.idstr} > ${c.name}`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
}

const lineCount = (text: string): number => text.split('\n').length;

/** The per-element events (`vmstate_save_state_top`, `_loop`, ...) were off for these sources. */
const perElementOff = (cmd: string): boolean => readFileSync(join(root, cmd), 'utf8').includes('-trace -vmstate_save_state_top');

// ----------------------------------------------------------------------------- save side

const saveTraces = [...list('streams', '.save-trace.log.gz'), ...list('streams-extra', '.save-trace.log.gz')];

describe('section header scan (the oracle for streams analyze-migration.py cannot read)', () => {
  it('agrees with analyze-migration.py where both work', () => {
    for (const name of ['streams-extra/shapes/11.1/pc-q35-11.1-xbzrle', 'streams/7.2/pc-i440fx-7.2-default']) {
      const state = name.startsWith('streams/')
        ? `oracle/analyze/7.2/${basename(name)}.state.json.gz`
        : `${name}.state.json.gz`;
      expect(scanSectionHeaders(gz(`${name}.mig.gz`))).toEqual(Object.keys(JSON.parse(gzText(state)) as object));
    }
  });
});

describe('save traces: every section of the stream, in stream order', () => {
  it('finds all shared save traces', () => {
    expect(saveTraces.length).toBe(34);
  });

  it.each(saveTraces)('%s', (rel) => {
    const dir = dirname(rel);
    const name = basename(rel, '.save-trace.log.gz');
    const version = basename(dir);
    const text = gzText(rel);
    const m = parseTraceLog(text);
    const stateJson = rel.startsWith('streams/')
      ? `oracle/analyze/${version}/${name}.state.json.gz`
      : `${dir}/${name}.state.json.gz`;
    const descJson = rel.startsWith('streams/') ? `oracle/analyze/${version}/${name}.desc.json.gz` : `${dir}/${name}.desc.json.gz`;

    expect(m.side).toBe('save');
    expect(m.format).toBe(version === '11.1' ? 'iso' : 'pid-epoch');
    expect(m.timeBase).toBe('us');
    expect(m.failure).toBeUndefined();
    expect(m.sections.every((s) => s.ok)).toBe(true);
    expect(numbered(m).map(keyOf)).toEqual(streamOrder(stateJson, `${dir}/${name}.mig.gz`));
    // smbus-eeprom's `needed` is false: registered, never in the stream.
    for (const sk of m.skipped) expect(numbered(m).some((s) => s.sectionId === sk.sectionId)).toBe(false);

    // vmdesc lists the non-iterable sections (`vmstate_save` names their handler; legacy
    // `(old)` ones included, iterable ram not) with their instance ids.
    if (existsSync(join(root, descJson))) {
      const devices = (JSON.parse(gzText(descJson)) as { devices: { name: string; instance_id: number }[] }).devices;
      const nonIterable = numbered(m).filter((s) => s.handler !== undefined);
      expect(nonIterable.map((s) => s.idstr)).toEqual(devices.map((d) => d.name));
      if (version === '11.1') {
        // 11.1 names the instance in vmstate_downtime_save; older save traces never do.
        expect(nonIterable.map((s) => s.instance)).toEqual(devices.map((d) => d.instance_id));
        expect(numbered(m).every((s) => (s.downtime?.length ?? 0) > 0)).toBe(true);
      } else {
        expect(m.sections.every((s) => s.instance === undefined)).toBe(true);
      }
    }

    const cmd = `${dir}/${name}.cmd`;
    if (perElementOff(cmd)) {
      // Left in these traces: section start/end/skip, `vmstate_save` (the handler) and
      // `vmstate_subsection_save_loop` (which subsections were sent). No vmsd/field spans,
      // no configuration span.
      expect(m.sections.some((s) => s.kind === 'configuration')).toBe(false);
      expect(allSpans(m).every((s) => s.kind === 'subsection' && s.parent !== undefined)).toBe(true);
      expect(allSpans(m).length).toBeGreaterThan(0);
    } else {
      expect(m.sections[0]?.kind).toBe('configuration');
      expect(m.sections[0]?.children[0]?.name).toBe('configuration');
      // Every vmsd-based section holds its vmsd, with fields.
      for (const s of numbered(m).filter((x) => x.handler !== undefined && x.handler !== '(old)')) {
        expect(s.children.map((c) => c.name), s.idstr).toContain(s.handler);
        expect(s.children.find((c) => c.name === s.handler)?.kind).toBe('vmsd');
      }
      expect(allSpans(m).some((s) => s.kind === 'field' && s.elems !== undefined)).toBe(true);
    }
    checkExtents(m, lineCount(text));
  });
});

// ----------------------------------------------------------------------------- load side

interface LoadCase {
  readonly log: string;
  readonly outcome: string;
  readonly firstError: string;
  readonly srcVersion: string;
  /** analyze-migration.py state dump, and the stream (for the header scan) of the loaded stream. */
  readonly stateJson: string;
  readonly mig: string;
  /** Destination config had the per-element trace events off. */
  readonly perElementOff: boolean;
}

function loadCases(): LoadCase[] {
  const cases: LoadCase[] = [];
  for (const r of readCsv('loads/results.csv')) {
    const name = `${r['machine']}-${r['config']}`;
    cases.push({
      log: `loads/${r['src_version']}__${r['dst_version']}__${name}.log.gz`,
      outcome: r['outcome'] ?? '',
      firstError: r['first_error_line'] ?? '',
      srcVersion: r['src_version'] ?? '',
      stateJson: `oracle/analyze/${r['src_version']}/${name}.state.json.gz`,
      mig: `streams/${r['src_version']}/${name}.mig.gz`,
      perElementOff: r['config'] === 'virtio',
    });
  }
  const derived = JSON.parse(readFileSync(join(root, 'loads/mismatch/derived-streams.json'), 'utf8')) as {
    file: string;
    from: string;
  }[];
  for (const r of readCsv('loads/mismatch/results.csv')) {
    const from = derived.find((d) => d.file === r['stream_file'])?.from ?? `streams/${r['src_version']}/${r['stream_file']}`;
    const [, version = '', file = ''] = from.split('/');
    const name = file.replace(/\.mig$/, '');
    cases.push({
      log: `loads/mismatch/${r['log_file']}`,
      outcome: r['outcome'] ?? '',
      firstError: r['first_error_line'] ?? '',
      srcVersion: r['src_version'] ?? '',
      stateJson: `oracle/analyze/${version}/${name}.state.json.gz`,
      mig: `streams/${version}/${name}.mig.gz`,
      perElementOff: false,
    });
  }
  for (const [csv, dir, group, key] of [
    ['loads/shapes.csv', 'loads/shapes', 'streams-extra/shapes/11.1', 'shape'],
    ['loads/aarch64.csv', 'loads/aarch64', 'streams-extra/aarch64/11.1', 'config'],
  ] as const) {
    for (const r of readCsv(csv)) {
      const name = `${r['machine']}-${r[key]}`;
      cases.push({
        log: `${dir}/${r['log_file']}`,
        outcome: r['outcome'] ?? '',
        firstError: r['first_error_line'] ?? '',
        srcVersion: r['src_version'] ?? '',
        stateJson: `${group}/${name}.state.json.gz`,
        mig: `${group}/${name}.mig.gz`,
        perElementOff: false,
      });
    }
  }
  return cases;
}

const cases = loadCases();

/**
 * Where each failing load failed, by log file prefix, from the case descriptions in
 * fixtures/README.md ("configuration" = the header record checked before any section).
 */
const expectedFailure: readonly [string, { idstr: string; instance?: number } | 'none'][] = [
  ['loads/mismatch/a', { idstr: 'configuration' }],
  ['loads/mismatch/f2-', { idstr: 'configuration' }],
  ['loads/mismatch/b-', { idstr: '0000:00:05.0/virtio-gpu', instance: 0 }],
  ['loads/mismatch/c-first-', { idstr: 'ram', instance: 0 }],
  ['loads/mismatch/d-5.2-minimal-50', { idstr: 'ram', instance: 0 }],
  ['loads/mismatch/d-7.2-default-50', { idstr: 'ram', instance: 0 }],
  ['loads/mismatch/d-7.2-default-90', { idstr: '0000:00:03.0/e1000', instance: 0 }],
  ['loads/mismatch/e-7.2-version', { idstr: 'mc146818rtc', instance: 0 }],
  ['loads/mismatch/e-7.2-footer', { idstr: 'mc146818rtc', instance: 0 }],
  ['loads/mismatch/e-7.2-idstr', { idstr: 'mc146818rtX', instance: 0 }],
  ['loads/mismatch/f-', 'none'],
  ['loads/shapes/11.1__11.1__pc-q35-11.1-mapped-ram__dst-no-caps', { idstr: 'configuration' }],
];

/** The device QEMU's own error lines name, when they name one. */
function namedByMessages(texts: readonly string[]): string | undefined {
  const patterns = [
    /of device '([^']+)'/,
    /section id \d+\(([^)]+)\)/,
    /section footer for (\S+)/,
    /unsupported version \d+ for '([^']+)'/,
    /section or instance '([^']+)'/,
  ];
  for (const t of texts) {
    if (/Machine type received|post load hook failed for: configuration|Capability \S+ is off/.test(t)) return 'configuration';
    for (const p of patterns) {
      const m = p.exec(t);
      if (m?.[1] !== undefined) return m[1];
    }
  }
  return undefined;
}

describe('load logs: sections in stream order, outcomes as recorded', () => {
  it('has a results row for every shared load log, and a log for every row', () => {
    const logs = list('loads', '.log.gz');
    expect(logs.length).toBeGreaterThanOrEqual(87);
    expect([...cases.map((c) => c.log)].sort()).toEqual(logs);
  });

  it.each(cases.map((c) => [c.log, c] as const))('%s', (_name, c) => {
    const text = gzText(c.log);
    const m = parseTraceLog(text);
    // Loads that fail in the configuration never reach a section: no stream order needed (a7's
    // stream is not among the shared ones).
    const order = (): string[] => streamOrder(c.stateJson, c.mig);
    const found = numbered(m);
    checkExtents(m, lineCount(text));

    if (c.outcome === 'SUCCEEDED') {
      expect(m.side).toBe('load');
      expect(m.failure).toBeUndefined();
      expect(m.migration.result).toBe(0);
      expect(found.map(keyOf)).toEqual(order());
      expect(m.sections.every((s) => s.ok)).toBe(true);
      expect(allSpans(m).some((s) => s.failurePoint === true)).toBe(false);
      // Destination times use the destination's prefix style.
      expect(m.format).toBe(c.log.includes('__11.1__') ? 'iso' : 'pid-epoch');
      for (const s of found) expect(s.instance).toBeTypeOf('number');
      if (c.perElementOff) {
        // Left: section headers, `vmstate_load` (handler), subsection_load_bad, and in 11.1
        // vmstate_field_exists/downtime; no configuration, vmsd or field spans.
        expect(m.sections.some((s) => s.kind === 'configuration')).toBe(false);
        expect(allSpans(m)).toEqual([]);
        expect(found.every((s) => s.handler !== undefined)).toBe(true);
      } else {
        expect(m.sections[0]?.kind).toBe('configuration');
        for (const s of found.filter((x) => x.handler !== undefined && x.handler !== '(old)')) {
          expect(s.children.find((x) => x.name === s.handler), s.idstr).toMatchObject({ kind: 'vmsd', status: 'end', ok: true });
        }
      }
      return;
    }

    expect(c.outcome).toBe('FAILED');
    const f = m.failure;
    expect(f).toBeDefined();
    if (f === undefined) return;
    // The first error line's text: the CSV holds the whole line, timestamp and program included.
    expect(f.message).toBe(c.firstError.replace(/^\S+Z qemu-system-[\w]+: /, ''));
    expect(f.source).toBe('message');
    expect(f.messages[0]).toBe(f.message);

    const expected = expectedFailure.find(([prefix]) => c.log.startsWith(prefix))?.[1];
    expect(expected, `no expectation for ${c.log}`).toBeDefined();
    if (expected === 'none') {
      expect(f.section).toBeUndefined();
      expect(m.sections).toEqual([]);
      return;
    }
    expect(f.section?.idstr).toBe(expected?.idstr);
    expect(f.section?.instance).toBe(expected?.instance);
    const named = namedByMessages(f.messages);
    if (named !== undefined) expect(f.section?.idstr).toBe(named);

    // The failing section is the last one reached; everything before it loaded.
    const failing = m.sections[m.sections.length - 1];
    expect(failing?.idstr).toBe(expected?.idstr);
    expect(failing?.ok).toBe(false);
    expect(m.sections.slice(0, -1).every((s) => s.ok)).toBe(true);
    // Every section before it is the stream's, in the stream's order.
    const keys = found.map(keyOf);
    if (failing?.kind === 'configuration') expect(keys).toEqual([]);
    else {
      const full = order();
      expect(keys.slice(0, -1)).toEqual(full.slice(0, keys.length - 1));
      expect(failing?.sectionId).toBe(Number(/\((\d+)\)$/.exec(full[keys.length - 1] ?? '')?.[1]));
    }
    // The failure event is the failing section's last event before the error line.
    expect(f.event).toBeDefined();
    expect(f.event?.line).toBeLessThan(f.line);
    expect(f.event?.line).toBeGreaterThanOrEqual(failing?.line ?? Infinity);
    expect(f.event?.line).toBeLessThanOrEqual(failing?.endLine ?? -1);
    // Exactly one span is the failure point, and it is on the failure path.
    const points = [...m.sections.filter((s) => s.failurePoint === true), ...allSpans(m).filter((s) => s.failurePoint === true)];
    expect(points.length).toBe(1);
    const point = points[0];
    expect(f.path[f.path.length - 1]).toBe(point !== undefined && 'idstr' in point ? point.idstr : point?.name);
    expect(f.path[0]).toBe(expected?.idstr);
  });
});
