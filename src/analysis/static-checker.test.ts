import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseVmstateManifest, type VmstateManifest } from '../manifest/index.ts';
import { runStaticChecker, type StaticCheckerResult } from './static-checker.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const cache = new Map<string, VmstateManifest>();
function loadFixture(relative: string): VmstateManifest {
  const cached = cache.get(relative);
  if (cached) return cached;
  const bytes = readFileSync(FIXTURES + relative);
  const text = (relative.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const parsed = parseVmstateManifest(text, relative);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  cache.set(relative, parsed.value);
  return parsed.value;
}

/** An oracle file: first line `exit_code=N  (command)`, then exactly what the script printed. */
function readOracle(path: string): { exitCode: number; stdout: string } {
  const text = readFileSync(path, 'utf8');
  const newline = text.indexOf('\n');
  const code = /^exit_code=(\d+)\s/.exec(text.slice(0, newline));
  if (!code?.[1]) throw new Error(`no exit code in ${path}`);
  return { exitCode: Number(code[1]), stdout: text.slice(newline + 1) };
}

function expectSameAsScript(result: StaticCheckerResult, oracle: { exitCode: number; stdout: string }): void {
  expect(result.lines).toEqual(oracle.stdout.split('\n').slice(0, -1));
  expect(result.stdout).toBe(oracle.stdout);
  expect(result.problems).toBe(oracle.exitCode);
  expect(result.findings.filter((f) => f.counted)).toHaveLength(oracle.exitCode);
}

const oracleFiles = readdirSync(FIXTURES + 'oracle/static').filter((f) => f.endsWith('.txt'));

describe('runStaticChecker reproduces vmstate-static-checker.py on real manifests', () => {
  it('has all 16 oracle files', () => {
    expect(oracleFiles).toHaveLength(16);
  });

  it.each(oracleFiles)('%s', (name) => {
    const [machine, src, dest] = name.replace(/\.txt$/, '').split('__');
    const result = runStaticChecker(
      loadFixture(`versions/${src}/vmstate-${machine}.json.gz`),
      loadFixture(`versions/${dest}/vmstate-${machine}.json.gz`),
    );
    expectSameAsScript(result, readOracle(`${FIXTURES}oracle/static/${name}`));
  });

  it('finds QEMU 11.1 inconsistent with itself: sd-card has two subsections of one name', () => {
    const m = loadFixture('versions/11.1/vmstate-pc-q35-11.1.json.gz');
    const result = runStaticChecker(m, m);
    expect(result.problems).toBe(8);
    expect(new Set(result.findings.map((f) => f.device))).toEqual(new Set(['sd-card', 'sd-card-spi', 'emmc', 'sdmmc-common']));
    const subs = m.devices.get('sd-card')?.description?.subsections ?? [];
    expect(subs.filter((s) => s.name === 'sd-card/ext_csd_modes-state')).toHaveLength(2);
    const older = loadFixture('versions/7.2/vmstate-pc-q35-7.2.json.gz');
    expect(runStaticChecker(older, older).problems).toBe(0);
  });

  it('reproduces the quirk of an unterminated top-level "minimum version error"', () => {
    const result = runStaticChecker(
      loadFixture('versions/11.1/vmstate-pc-i440fx-5.2.json.gz'),
      loadFixture('versions/5.2/vmstate-pc-i440fx-5.2.json.gz'),
    );
    expect(result.lines).toContain('Section "isa-vga" Section "isa-vga" Description "vga-isa": minimum version error: 1 < 2');
    const isaVga = result.findings.filter((f) => f.device === 'isa-vga');
    expect(isaVga.map((f) => [f.kind, f.counted, f.message])).toEqual([
      ['version-below-minimum', false, 'Section "isa-vga" minimum version error: 1 < 2'],
      ['version-below-minimum', true, 'Section "isa-vga" Description "vga-isa": minimum version error: 1 < 2'],
      ['description-name-mismatch', true, 'Section "isa-vga": Description "vga-isa" missing, got "vga" instead; skipping'],
    ]);
    expect(isaVga.map((f) => f.path)).toEqual(['$["isa-vga"]', '$["isa-vga"].Description', '$["isa-vga"].Description.name']);
  });

  it('with revision 10.1 also accepts the hpet rename', () => {
    const src = loadFixture('versions/5.2/vmstate-pc-q35-5.2.json.gz');
    const dest = loadFixture('versions/11.1/vmstate-pc-q35-5.2.json.gz');
    const old = runStaticChecker(src, dest);
    const now = runStaticChecker(src, dest, { revision: '10.1' });
    const hpet = (r: StaticCheckerResult) => r.lines.filter((l) => l.startsWith('Section "hpet"'));
    expect(hpet(old)).toEqual(['Section "hpet", Description "hpet": expected field "num_timers", got "num_timers_save"; skipping rest']);
    // Matched now, the walk goes on and compares the field versions: num_timers existed from
    // hpet v2, num_timers_save always (0), which the script reads as a version error.
    expect(hpet(now)).toEqual(['Section "hpet" Description "hpet": version error: 2 > 0']);
    expect(now.problems).toBe(old.problems);
    expect(now.lines.filter((l) => !l.startsWith('Section "hpet"'))).toEqual(old.lines.filter((l) => !l.startsWith('Section "hpet"')));
  });
});

describe('runStaticChecker reproduces QEMU upstream test data', () => {
  const cases = readdirSync(FIXTURES + 'upstream-testdata').filter((f) => f.endsWith('.txt'));

  it('has the five recorded runs, including the 13-problem case QEMU tests for', () => {
    expect(cases).toHaveLength(5);
    expect(readOracle(`${FIXTURES}upstream-testdata/static-checker__dump1__dump2.txt`).exitCode).toBe(13);
  });

  it.each(cases)('%s', (name) => {
    const m = /^static-checker__(\w+?)__(\w+?)(--reverse)?\.txt$/.exec(name);
    if (!m?.[1] || !m[2]) throw new Error(`unexpected name ${name}`);
    let src = loadFixture(`upstream-testdata/${m[1]}.json`);
    let dest = loadFixture(`upstream-testdata/${m[2]}.json`);
    if (m[3]) [src, dest] = [dest, src];
    expectSameAsScript(runStaticChecker(src, dest), readOracle(`${FIXTURES}upstream-testdata/${name}`));
  });

  it('reports the machine-type warning but does not count it', () => {
    const result = runStaticChecker(loadFixture('upstream-testdata/dump1.json'), loadFixture('upstream-testdata/dump2.json'));
    expect(result.findings[0]).toEqual({
      device: 'vmschkmachine',
      path: '$.vmschkmachine.Name',
      kind: 'machine-type-mismatch',
      message: 'Warning: checking incompatible machine types: "pc-i440fx-2.1", "pc-i440fx-2.2"',
      counted: false,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic manifests for the paths real data does not reach

interface F {
  field: string;
  size: number;
  num?: number;
  version_id?: number;
  Description?: D;
}
interface D {
  name: string;
  version_id?: number;
  minimum_version_id?: number;
  Fields?: F[];
  Subsections?: D[];
}

function manifest(sections: Record<string, { version_id?: number; minimum_version_id?: number; Description?: D }>, machine = 'pc'): VmstateManifest {
  const fixField = (f: F): object => ({
    field: f.field,
    version_id: f.version_id ?? 0,
    field_exists: false,
    ...(f.num === undefined ? {} : { num: f.num }),
    size: f.size,
    ...(f.Description ? { Description: fixDesc(f.Description) } : {}),
  });
  const fixDesc = (d: D): object => ({
    name: d.name,
    version_id: d.version_id ?? 1,
    minimum_version_id: d.minimum_version_id ?? 1,
    ...(d.Fields ? { Fields: d.Fields.map(fixField) } : {}),
    ...(d.Subsections ? { Subsections: d.Subsections.map(fixDesc) } : {}),
  });
  const doc: Record<string, object> = { vmschkmachine: { Name: machine } };
  for (const [key, s] of Object.entries(sections)) {
    doc[key] = {
      Name: key,
      version_id: s.version_id ?? 1,
      minimum_version_id: s.minimum_version_id ?? 1,
      ...(s.Description ? { Description: fixDesc(s.Description) } : {}),
    };
  }
  const parsed = parseVmstateManifest(JSON.stringify(doc), 'synthetic.json');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

const dev = (fields: F[], name = 'dev'): Record<string, { Description: D }> => ({ dev: { Description: { name, Fields: fields } } });

describe('runStaticChecker field walk', () => {
  it('finds nothing between identical manifests', () => {
    const m = manifest(dev([{ field: 'a', size: 4 }]));
    expect(runStaticChecker(m, m)).toMatchObject({ stdout: '', lines: [], problems: 0, findings: [] });
  });

  it('lets a dest `unused` absorb source fields of the same total size, counting `num`', () => {
    const src = manifest(dev([{ field: 'a', size: 4 }, { field: 'b', size: 4 }, { field: 'c', size: 2 }]));
    const dest = manifest(dev([{ field: 'unused', size: 1, num: 8 }, { field: 'c', size: 2 }]));
    expect(runStaticChecker(src, dest).lines).toEqual([]);
    // Without `num` (QEMU < 8.1 dumps) the same unused is 1 byte and cannot absorb 4.
    const destNoNum = manifest(dev([{ field: 'unused', size: 1 }, { field: 'c', size: 2 }]));
    expect(runStaticChecker(src, destNoNum).lines).toEqual(['Section "dev", Description "dev": unused size mismatch near " b"']);
  });

  it('lets a source `unused` absorb dest fields, and reports an overshoot with the script\'s odd quoting', () => {
    const src = manifest(dev([{ field: 'unused', size: 6 }, { field: 'z', size: 1 }]));
    expect(runStaticChecker(src, manifest(dev([{ field: 'x', size: 2 }, { field: 'y', size: 4 }, { field: 'z', size: 1 }]))).lines).toEqual([]);
    const result = runStaticChecker(src, manifest(dev([{ field: 'x', size: 2 }, { field: 'y', size: 8 }])));
    expect(result.stdout).toBe('Section "dev", Description "dev": unused size mismatch near " y"\n');
    expect(result.findings[0]).toMatchObject({ kind: 'unused-size-mismatch', path: '$.dev.Description.Fields[0]' });
  });

  it('follows fields that the destination moved into a struct, and back out', () => {
    const src = manifest(dev([{ field: 'a', size: 1 }, { field: 'b', size: 2 }, { field: 'c', size: 4 }]));
    const dest = manifest(
      dev([
        { field: 's', size: 3, Description: { name: 'inner', Fields: [{ field: 'a', size: 1 }, { field: 'b', size: 2 }] } },
        { field: 'c', size: 4 },
      ]),
    );
    expect(runStaticChecker(src, dest).lines).toEqual([]);
    // ... and the reverse: the source had the struct, the destination flat fields.
    expect(runStaticChecker(dest, src).lines).toEqual([]);
    // A size change inside is still seen.
    const dest2 = manifest(
      dev([
        { field: 's', size: 3, Description: { name: 'inner', Fields: [{ field: 'a', size: 1 }, { field: 'b', size: 8 }] } },
        { field: 'c', size: 4 },
      ]),
    );
    expect(runStaticChecker(src, dest2).lines).toEqual(['Section "dev" Description "dev" Field "b" size mismatch: 2 , 8']);
  });

  it('uses the rename tables per vmsd, and for struct entry by the struct\'s vmsd name', () => {
    const src = manifest(dev([{ field: 'dev', size: 4 }], 'e1000'));
    expect(runStaticChecker(src, manifest(dev([{ field: 'parent_obj', size: 4 }], 'e1000'))).lines).toEqual([]);
    expect(runStaticChecker(src, manifest(dev([{ field: 'parent_obj', size: 4 }], 'e1001'))).lines).toEqual([
      'Section "dev": Description "e1000" missing, got "e1001" instead; skipping',
    ]);
    const other = manifest(dev([{ field: 'dev', size: 4 }], 'other'));
    expect(runStaticChecker(other, manifest(dev([{ field: 'parent_obj', size: 4 }], 'other'))).lines).toEqual([
      'Section "dev", Description "other": expected field "dev", got "parent_obj"; skipping rest',
    ]);
  });

  it('reports a destination that runs out of fields, and ignores extra destination fields', () => {
    const two = manifest(dev([{ field: 'a', size: 1 }, { field: 'b', size: 1 }]));
    const one = manifest(dev([{ field: 'a', size: 1 }]));
    expect(runStaticChecker(two, one).lines).toEqual(['Section "dev", Description "dev": expected field "b", while dest has no further fields']);
    expect(runStaticChecker(one, two).lines).toEqual([]);
  });

  it('checks nested descriptions, missing descriptions and subsections', () => {
    const src = manifest(
      dev([
        { field: 'p', size: 8, Description: { name: 'PCIDevice', version_id: 3, Fields: [{ field: 'x', size: 1 }] } },
        { field: 'q', size: 8, Description: { name: 'Q', Fields: [] } },
      ]),
    );
    const dest = manifest(dev([{ field: 'p', size: 9, Description: { name: 'PCIDevice', version_id: 2, Fields: [{ field: 'x', size: 1 }] } }, { field: 'q', size: 8 }]));
    expect(runStaticChecker(src, dest).lines).toEqual([
      'Section "dev" Description "PCIDevice": version error: 3 > 2',
      'Section "dev", Description "dev", Field "q": missing description',
    ]);

    const withSubs = (subs: D[]) => manifest({ dev: { Description: { name: 'dev', Fields: [], Subsections: subs } } });
    const a = withSubs([{ name: 'dev/a', Fields: [] }, { name: 'dev/b', version_id: 2, Fields: [] }]);
    const b = withSubs([{ name: 'dev/b', minimum_version_id: 3, Fields: [] }]);
    expect(runStaticChecker(a, b).lines).toEqual([
      'Section "dev", Description "dev": Subsection "dev/a" not found',
      'Section "dev" Description "dev/b": version error: 2 > 1',
      'Section "dev" Description "dev/b": minimum version error: 2 < 3',
    ]);
    expect(runStaticChecker(a, manifest(dev([]))).lines).toEqual(['Section "dev" Description "dev": Entry "Subsections" missing']);
  });

  it('drops the Description/Field words when the name is empty, as `if desc:` does', () => {
    const src = manifest(dev([{ field: '', size: 1 }], ''));
    const dest = manifest(dev([{ field: '', size: 2 }], ''));
    expect(runStaticChecker(src, dest).lines).toEqual(['Section "dev" size mismatch: 1 , 2']);
  });
});

describe('runStaticChecker sections and count', () => {
  it('tries the section renames both ways', () => {
    const a = manifest({ 'ICH9 LPC': { version_id: 2 } });
    const b = manifest({ 'ICH9-LPC': { version_id: 1 } });
    expect(runStaticChecker(a, b).lines).toEqual(['Section "ICH9 LPC" version error: 2 > 1']);
    expect(runStaticChecker(b, a).lines).toEqual([]);
    expect(runStaticChecker(manifest({ e1000: {} }), manifest({ 'e1000-82540em': {} })).lines).toEqual([]);
  });

  it('counts a missing machine entry but only warns about a different one', () => {
    const noMachine = parseVmstateManifest('{}', 'empty.json');
    if (!noMachine.ok) throw new Error('parse');
    expect(runStaticChecker(manifest({}), noMachine.value)).toMatchObject({
      lines: ['Section "vmschkmachine" does not exist in dest'],
      problems: 1,
    });
    expect(runStaticChecker(manifest({}, 'a'), manifest({}, 'b'))).toMatchObject({ problems: 0 });
  });

  it('leaves a trailing top-level minimum-version fragment without newline, uncounted', () => {
    const result = runStaticChecker(manifest({ z: { version_id: 1 } }), manifest({ z: { version_id: 1, minimum_version_id: 2 } }));
    expect(result.stdout).toBe('Section "z" ');
    expect(result.lines).toEqual(['Section "z" ']);
    expect(result.problems).toBe(0);
    expect(result.findings).toEqual([
      { device: 'z', path: '$.z', kind: 'version-below-minimum', message: 'Section "z" minimum version error: 1 < 2', counted: false },
    ]);
  });

  it('caps the count at 255 but prints every line', () => {
    const sections: Record<string, object> = {};
    for (let i = 0; i < 300; i++) sections[`dev${i}`] = {};
    const result = runStaticChecker(manifest(sections), manifest({}));
    expect(result.lines).toHaveLength(300);
    expect(result.lines[299]).toBe('Section "dev299" does not exist in dest');
    expect(result.problems).toBe(255);
    expect(result.findings.filter((f) => f.counted)).toHaveLength(300);
  });

  it('follows the source file order, even for integer-like keys', () => {
    const parsed = parseVmstateManifest('{"b": {"version_id": 1}, "10": {"version_id": 1}, "2": {"version_id": 1}}', 'o.json');
    if (!parsed.ok) throw new Error('parse');
    expect(runStaticChecker(parsed.value, manifest({})).lines).toEqual([
      'Section "b" does not exist in dest',
      'Section "10" does not exist in dest',
      'Section "2" does not exist in dest',
    ]);
  });
});
