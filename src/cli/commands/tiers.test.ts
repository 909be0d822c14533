import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const V = `${FIXTURES}versions`;

const run = runCli;

interface TiersJson {
  versions: string[];
  machines: { name: string; kind: string; tier: string; cells: { version: string; status: string; resolvesTo?: string }[] }[];
  keeps: { version: string; versioned: string[] }[];
  noVmstate: { version: string; tier: string; devices: { name: string }[] }[];
}

describe('migscope tiers', () => {
  it('reads query-machines, manifests and -device help of three versions', async () => {
    const files = ['5.2', '7.2', '11.1'].flatMap((v) => [`${V}/${v}/qmp-query-machines.json`, `${V}/${v}/devices.txt`, `${V}/${v}/vmstate-pc-q35-${v}.json.gz`]);
    const result = await run(['tiers', ...files, '--json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const t = JSON.parse(result.out) as TiersJson;
    expect(t.versions).toEqual(['5.2', '7.2', '11.1']);
    const status = (name: string) => t.machines.find((m) => m.name === name)?.cells.map((c) => c.status);
    expect(status('pc-i440fx-5.2')).toEqual(['present', 'present', 'deprecated']);
    expect(status('pc-q35-7.2')).toEqual(['absent', 'present', 'deprecated']);
    expect(t.machines.find((m) => m.name === 'microvm')?.tier).toBe('a clean error at most');
    expect(t.machines.find((m) => m.name === 'pc-q35-7.2')?.tier).toBe('forward migration promised');
    expect(t.noVmstate.map((n) => n.version)).toEqual(['5.2', '7.2', '11.1']);
    expect(t.noVmstate[2]?.devices.map((d) => d.name)).toContain('edu');
  });

  it('prints a table in text form', async () => {
    const result = await run(['tiers', `${V}/5.2/qmp-query-machines.json`, `${V}/11.1/qmp-query-machines.json`]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^pc-i440fx-5\.2\s+present\s+deprecated\s+forward migration promised$/m);
    expect(result.out).toMatch(/^q35\s+=pc-q35-5\.2\s+=pc-q35-11\.1\s+a clean error at most$/m);
    expect(result.out).toMatch(/^11\.1 keeps 36 versioned machine types: /m);
  });

  describe('bad input', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'migscope-tiers-'));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('takes the version of a query-machines reply outside a version folder from its newest machine type', async () => {
      const copy = join(dir, 'qm.json');
      copyFileSync(`${V}/7.2/qmp-query-machines.json`, copy);
      const result = await run(['tiers', copy, '--json']);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.out) as TiersJson).versions).toEqual(['7.2']);
    });

    it('exits 2 on a broken file, with the file and JSON path', async () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"return": [{"name": 3}]}');
      const result = await run(['tiers', `9.0=${bad}`]);
      expect(result.code).toBe(2);
      expect(result.err).toBe(`error: ${bad}: $.return[0].name: expected a string, got a number\n`);
    });

    it('exits 2 when a version has no query-machines, or nothing is given', async () => {
      const result = await run(['tiers', `${V}/11.1/qmp-query-machines.json`, `${V}/7.2/devices.txt`]);
      expect(result.code).toBe(2);
      expect(result.err).toBe('error: tiers: no query-machines file for version 7.2\n');
      expect((await run(['tiers'])).code).toBe(2);
    });
  });
});
