import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Result } from './json-input.ts';
import { compatPropsFor, defaultMachine, findMachine, parseQueryMachines, type QueryMachines } from './query-machines.ts';

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

function load(relative: string): QueryMachines {
  return ok(parseQueryMachines(readFixture(relative), relative));
}

describe('parseQueryMachines on the fixture wrapper', () => {
  it.each([
    ['5.2', 53, 'pc-i440fx-5.2', 'pc-q35-5.2', 4],
    ['7.2', 59, 'pc-i440fx-7.2', 'pc-q35-7.2', 4],
    ['11.1', 41, 'pc-i440fx-11.1', 'pc-q35-11.1', 18],
  ])('QEMU %s: %i machines, default %s, q35 = %s, %i deprecated', (version, count, def, q35, deprecated) => {
    const qm = load(`versions/${version}/qmp-query-machines.json`);
    expect(qm.machines).toHaveLength(count);
    expect(defaultMachine(qm)?.name).toBe(def);
    expect(defaultMachine(qm)?.alias).toBe('pc');
    expect(findMachine(qm, 'q35')?.name).toBe(q35);
    expect(findMachine(qm, 'pc')?.name).toBe(def);
    expect(qm.machines.filter((m) => m.deprecated === true)).toHaveLength(deprecated);
    expect(qm.commandLine).toContain('qemu-system-x86_64');
    expect(qm.machines.filter((m) => m.isDefault)).toHaveLength(1);
  });

  it('reads every member of a MachineInfo, and members added later as absent on old QEMUs', () => {
    const q35 = findMachine(load('versions/11.1/qmp-query-machines.json'), 'pc-q35-5.2');
    expect(q35).toMatchObject({
      name: 'pc-q35-5.2',
      alias: undefined,
      isDefault: false,
      cpuMax: 288,
      hotpluggableCpus: true,
      numaMemSupported: false,
      deprecated: true,
      defaultCpuType: 'qemu64-x86_64-cpu',
      defaultRamId: 'pc.ram',
      acpi: true,
      compatProps: undefined,
    });
    expect(q35?.jsonPath).toMatch(/^\$\["query-machines"\]\.return\[\d+\]$/);
    expect(findMachine(load('versions/7.2/qmp-query-machines.json'), 'pc-q35-7.2')?.acpi).toBeUndefined();
    expect(findMachine(load('versions/7.2/qmp-query-machines.json'), 'x-remote')?.defaultRamId).toBeUndefined();
  });
});

describe('parseQueryMachines with compat-props (raw QMP reply)', () => {
  const qm = load('versions-extra/11.1/qmp-query-machines-compat-props.json.gz');

  it('reads the bare {"return": [...]} reply', () => {
    expect(qm.machines).toHaveLength(41);
    expect(qm.commandLine).toBeUndefined();
    expect(qm.machines.reduce((n, m) => n + (m.compatProps?.length ?? 0), 0)).toBe(2003);
  });

  it('gives the properties a versioned machine type pins', () => {
    const q35 = findMachine(qm, 'pc-q35-7.2');
    expect(q35?.compatProps).toHaveLength(73);
    expect(q35 && compatPropsFor(q35, 'virtio-gpu-device')).toEqual([
      { qomType: 'virtio-gpu-device', property: 'x-scanout-vmstate-version', value: '1' },
    ]);
    expect(findMachine(qm, 'none')?.compatProps).toEqual([]);
  });
});

describe('parseQueryMachines shapes', () => {
  const machine = '{"name": "m-1.0", "cpu-max": 1, "hotpluggable-cpus": false}';

  it('accepts a bare array and a wrapper around a bare array', () => {
    expect(ok(parseQueryMachines(`[${machine}]`, 'a.json')).machines[0]?.name).toBe('m-1.0');
    const wrapped = ok(parseQueryMachines(`{"_command_line": ["q"], "query-machines": [${machine}]}`, 'a.json'));
    expect(wrapped.machines[0]?.jsonPath).toBe('$["query-machines"][0]');
    expect(wrapped.commandLine).toEqual(['q']);
  });

  it.each([
    ['{"error": {"class": "GenericError", "desc": "no"}}', 'QMP_ERROR', '$.error', 'GenericError: no'],
    ['{"return": {}}', 'WRONG_TYPE', '$.return', 'expected an array'],
    ['"text"', 'WRONG_TYPE', '$', 'expected a QMP reply object'],
    ['{}', 'MISSING_KEY', '$', 'missing key "return"'],
    ['[{"cpu-max": 1}]', 'MISSING_KEY', '$[0]', 'missing key "name"'],
    ['[{"name": "m", "deprecated": "yes"}]', 'WRONG_TYPE', '$[0].deprecated', 'expected a boolean'],
    ['[{"name": "m", "compat-props": [{"qom-type": "t", "property": "p", "value": 1}]}]', 'WRONG_TYPE', '$[0]["compat-props"][0].value', 'expected a string'],
    ['{"_command_line": "q", "query-machines": []}', 'WRONG_TYPE', '$._command_line', 'expected an array'],
    ['[{"name": "m"}', 'JSON_SYNTAX', '$', 'expected "," or "]"'],
  ])('rejects %s with %s at %s', (text, code, path, message) => {
    const e = err(parseQueryMachines(text, 'qm.json'));
    expect(e).toMatchObject({ code, file: 'qm.json', jsonPath: path });
    expect(e.message).toContain(message);
  });

  it('ignores members it does not know', () => {
    const qm = ok(parseQueryMachines('[{"name": "m", "future-member": {"x": [1]}}]', 'a'));
    expect(qm.machines[0]).toMatchObject({ name: 'm', isDefault: false, deprecated: undefined });
  });
});
