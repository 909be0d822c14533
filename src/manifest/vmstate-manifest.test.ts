import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Result } from './json-input.ts';
import {
  devicesByVmsdName,
  fieldTotalSize,
  findSubsection,
  parseVmstateManifest,
  type VmstateDescription,
  type VmstateManifest,
} from './vmstate-manifest.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function readFixture(relative: string): string {
  const bytes = readFileSync(FIXTURES + relative);
  return (relative.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function err<T>(result: Result<T>) {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

function load(relative: string): VmstateManifest {
  return ok(parseVmstateManifest(readFixture(relative), relative));
}

/** Every field entry, nested structs and subsections included. */
function countFields(desc: VmstateDescription | undefined): { fields: number; withNum: number } {
  let fields = 0;
  let withNum = 0;
  for (const f of desc?.fields ?? []) {
    fields++;
    if (f.num !== undefined) withNum++;
    const inner = countFields(f.description);
    fields += inner.fields;
    withNum += inner.withNum;
  }
  for (const s of desc?.subsections ?? []) {
    const inner = countFields(s);
    fields += inner.fields;
    withNum += inner.withNum;
  }
  return { fields, withNum };
}

function totals(m: VmstateManifest): { fields: number; withNum: number } {
  let fields = 0;
  let withNum = 0;
  for (const d of m.devices.values()) {
    const c = countFields(d.description);
    fields += c.fields;
    withNum += c.withNum;
  }
  return { fields, withNum };
}

const manifestFiles = [
  ...readdirSync(FIXTURES + 'versions').flatMap((v) =>
    readdirSync(`${FIXTURES}versions/${v}`)
      .filter((f) => f.startsWith('vmstate-'))
      .map((f) => `versions/${v}/${f}`),
  ),
  ...readdirSync(FIXTURES + 'versions-extra/aarch64-11.1')
    .filter((f) => f.startsWith('vmstate-'))
    .map((f) => `versions-extra/aarch64-11.1/${f}`),
];

/** Counts taken from the files with Python's json module. */
const expected: Record<string, { devices: number; fields: number; withNum: number }> = {
  '5.2': { devices: 208, fields: 4027, withNum: 0 },
  '7.2': { devices: 213, fields: 4029, withNum: 0 },
  '11.1': { devices: 236, fields: 4607, withNum: 294 },
  'aarch64-11.1': { devices: 717, fields: 11242, withNum: 984 },
};

describe('parseVmstateManifest on real manifests', () => {
  it('finds all 16 manifests', () => {
    expect(manifestFiles).toHaveLength(16);
  });

  it.each(manifestFiles)('%s parses with the expected counts and machine name', (file) => {
    const m = load(file);
    const version = /versions(?:-extra)?\/([^/]+)\//.exec(file)?.[1] ?? '';
    const machine = /vmstate-(.+)\.json\.gz$/.exec(file)?.[1];
    const want = expected[version];
    expect(want).toBeDefined();
    expect(m.machine).toBe(machine);
    expect(m.devices.size).toBe(want?.devices);
    expect(m.sectionKeys[0]).toBe('vmschkmachine');
    expect(m.sectionKeys).toHaveLength((want?.devices ?? 0) + 1);
    expect(totals(m)).toEqual({ fields: want?.fields, withNum: want?.withNum });
  });

  it('reads hpet as QEMU 5.2 and 11.1 describe it', () => {
    const old = load('versions/5.2/vmstate-pc-q35-5.2.json.gz').devices.get('hpet');
    const now = load('versions/11.1/vmstate-pc-q35-11.1.json.gz').devices.get('hpet');
    expect(old?.description?.versionId).toBe(2);
    expect(old?.description?.fields?.map((f) => [f.field, f.versionId, f.size])).toEqual([
      ['config', 0, 8],
      ['isr', 0, 8],
      ['hpet_counter', 0, 8],
      ['num_timers', 2, 1],
      ['timer', 0, 64],
    ]);
    expect(now?.description?.fields?.map((f) => f.field)).toEqual(['config', 'isr', 'hpet_counter', 'num_timers_save', 'timer']);
    expect(now?.description?.fields?.[4]?.size).toBe(80);
    expect(now?.jsonPath).toBe('$.hpet');
  });

  it('reads num, nested descriptions and their paths (11.1 usb-redir)', () => {
    const redir = load('versions/11.1/vmstate-pc-q35-11.1.json.gz').devices.get('usb-redir');
    expect(redir).toMatchObject({ qomType: 'usb-redir', name: 'usb-redir', versionId: 1, minimumVersionId: 1 });
    expect(redir?.keys).toEqual(['Name', 'version_id', 'minimum_version_id', 'Description']);
    const dev = redir?.description?.fields?.[0];
    expect(dev).toMatchObject({ field: 'dev', size: 5856, fieldExists: false, num: undefined });
    expect(dev?.description?.name).toBe('USBDevice');
    const setupBuf = dev?.description?.fields?.[6];
    expect(setupBuf).toMatchObject({ field: 'setup_buf', size: 1, num: 8 });
    expect(setupBuf && fieldTotalSize(setupBuf)).toBe(8);
    expect(setupBuf?.jsonPath).toBe('$["usb-redir"].Description.Fields[0].Description.Fields[6]');
  });

  it('keeps which keys a description has and finds vmsds shared by several QOM types', () => {
    const m = load('versions/7.2/vmstate-pc-q35-7.2.json.gz');
    expect(devicesByVmsdName(m, 'virtio-vga').length).toBeGreaterThan(1);
    const isaFdc = m.devices.get('isa-fdc')?.description;
    expect(isaFdc?.keys).toEqual(['name', 'version_id', 'minimum_version_id', 'Fields']);
    expect(isaFdc?.subsections).toBeUndefined();
    const fdc = isaFdc?.fields?.[0]?.description;
    expect(fdc?.keys).toEqual(['name', 'version_id', 'minimum_version_id', 'Fields', 'Subsections']);
    const drive = fdc?.fields?.find((f) => f.field === 'drives')?.description;
    expect(drive?.name).toBe('fdrive');
    expect(drive?.subsections?.map((s) => s.name)).toEqual(['fdrive/media_changed', 'fdrive/media_rate', 'fdrive/perpendicular']);
    expect(drive && findSubsection(drive, 'fdrive/media_rate')?.versionId).toBe(1);
  });

  it('gives identical devices for every machine type of one binary', () => {
    const a = load('versions/11.1/vmstate-pc-i440fx-5.2.json.gz');
    const b = load('versions/11.1/vmstate-pc-q35-11.1.json.gz');
    expect(a.machine).not.toBe(b.machine);
    expect([...a.devices.values()]).toEqual([...b.devices.values()]);
  });

  it('parses QEMU upstream test data, including a section without a Description', () => {
    const dump2 = load('upstream-testdata/dump2.json');
    expect(dump2.machine).toBe('pc-i440fx-2.2');
    expect(dump2.devices.get('cfi.pflash01')?.description).toBeUndefined();
    expect(dump2.devices.get('fw_cfg2')?.name).toBe('fw_cfg');
  });
});

describe('parseVmstateManifest on malformed input', () => {
  const parse = (text: string) => parseVmstateManifest(text, 'm.json');
  const field = '{"field": "a", "version_id": 0, "field_exists": false, "size": 4}';
  const withFields = (fields: string) =>
    `{"dev": {"Name": "dev", "version_id": 1, "minimum_version_id": 1, "Description": {"name": "dev", "version_id": 1, "minimum_version_id": 1, "Fields": ${fields}}}}`;

  it('accepts a minimal valid manifest', () => {
    const m = ok(parse(withFields(`[${field}]`)));
    expect(m.machine).toBeUndefined();
    expect(m.devices.get('dev')?.description?.fields?.[0]?.size).toBe(4);
  });

  it.each([
    ['[]', 'WRONG_TYPE', '$', 'expected an object, got an array'],
    ['{"vmschkmachine": {}}', 'MISSING_KEY', '$.vmschkmachine', 'missing key "Name"'],
    ['{"vmschkmachine": {"Name": 7}}', 'WRONG_TYPE', '$.vmschkmachine.Name', 'expected a string, got a number'],
    ['{"x": {"version_id": "1"}}', 'WRONG_TYPE', '$.x.version_id', 'expected an integer, got a string'],
    ['{"x": {"Name": "x"}}', 'MISSING_KEY', '$.x', 'missing key "version_id"'],
    ['{"x-y": {"version_id": 1.5}}', 'NOT_AN_INTEGER', '$["x-y"].version_id', 'expected an integer, got 1.5'],
    ['{"x": {"version_id": 1, "Description": null}}', 'WRONG_TYPE', '$.x.Description', 'expected an object, got null'],
    [withFields('{}'), 'WRONG_TYPE', '$.dev.Description.Fields', 'expected an array, got an object'],
    [withFields(`[${field}, 3]`), 'WRONG_TYPE', '$.dev.Description.Fields[1]', 'expected an object, got a number'],
    [withFields('[{"field": "a", "version_id": 0, "field_exists": false}]'), 'MISSING_KEY', '$.dev.Description.Fields[0]', 'missing key "size"'],
    [withFields('[{"field": "a", "version_id": 0, "field_exists": 0, "size": 1}]'), 'WRONG_TYPE', '$.dev.Description.Fields[0].field_exists', 'expected a boolean, got a number'],
    [withFields('[{"field": "a", "version_id": 0, "field_exists": false, "size": 1e99}]'), 'NOT_AN_INTEGER', '$.dev.Description.Fields[0].size', 'expected an integer, got 1e99'],
    [withFields('[{"field": "a", "version_id": 0, "field_exists": false, "size": 123456789012345678901}]'), 'NUMBER_OUT_OF_RANGE', '$.dev.Description.Fields[0].size', 'integer 123456789012345678901'],
    [withFields('[{"field": "a", "version_id": 0, "field_exists": false, "size": 1, "Description": {"version_id": 1}}]'), 'MISSING_KEY', '$.dev.Description.Fields[0].Description', 'missing key "name"'],
  ])('rejects %s with %s at %s', (text, code, path, message) => {
    const e = err(parse(text));
    expect(e.code).toBe(code);
    expect(e.file).toBe('m.json');
    expect(e.jsonPath).toBe(path);
    expect(e.message).toContain(message);
  });

  it('reports syntax errors and hostile nesting as values', () => {
    expect(err(parse('{"a": ')).code).toBe('JSON_SYNTAX');
    expect(err(parse('not json at all')).code).toBe('JSON_SYNTAX');
    const deep = err(parse('{"a":' + '['.repeat(100_000)));
    expect(deep).toMatchObject({ code: 'JSON_TOO_DEEP', file: 'm.json' });
    expect(deep.jsonPath.startsWith('$.a[0][0]')).toBe(true);
  });

  it('keeps __proto__ sections as data without polluting Object.prototype', () => {
    const m = ok(parse('{"__proto__": {"polluted": 1, "version_id": 3}, "constructor": {"version_id": 4}}'));
    expect(m.sectionKeys).toEqual(['__proto__', 'constructor']);
    expect(m.devices.get('__proto__')?.versionId).toBe(3);
    expect(m.devices.get('__proto__')?.keys).toEqual(['polluted', 'version_id']);
    expect(m.devices.get('constructor')?.versionId).toBe(4);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
