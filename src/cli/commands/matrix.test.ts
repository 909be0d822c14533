import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { parseMatrixArgs, versionFromPath } from './matrix.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const V = `${FIXTURES}versions`;

const run = runCli;

interface MatrixJson {
  machine: string;
  versions: string[];
  notes: string[];
  rows: { device: string; verdict: string }[];
  pairs: { source: string; dest: string; direction: string; verdict: string; stream?: string; destOffersMachine?: boolean }[];
  cells: { device: string; source: string; dest: string; verdict: string; inVm?: boolean; findings: { kind: string; reason: string }[] }[];
}

describe('migscope matrix', () => {
  it('builds the matrix from manifests and query-machines, versions from the folders', async () => {
    const result = await run(['matrix', `${V}/5.2/vmstate-pc-i440fx-5.2.json.gz`, `${V}/7.2/vmstate-pc-i440fx-5.2.json.gz`, `${V}/11.1/vmstate-pc-i440fx-5.2.json.gz`, `${V}/5.2/qmp-query-machines.json`, `${V}/7.2/qmp-query-machines.json`, `${V}/11.1/qmp-query-machines.json`, '--json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const m = JSON.parse(result.out) as MatrixJson;
    expect(m.machine).toBe('pc-i440fx-5.2');
    expect(m.versions).toEqual(['5.2', '7.2', '11.1']);
    expect(m.pairs).toHaveLength(6);
    expect(m.pairs.every((p) => p.destOffersMachine === true)).toBe(true);
    expect(m.cells).toHaveLength(m.rows.length * 6);
    const nvme = m.cells.find((c) => c.device === 'nvme' && c.source === '5.2' && c.dest === '11.1');
    expect(nvme?.verdict).toBe('at-risk');
    expect(nvme?.findings[0]?.reason).toContain('too old');
    expect(m.cells.find((c) => c.device === 'isa-vga' && c.source === '5.2' && c.dest === '11.1')?.verdict).toBe('breaks');
  });

  it('narrows a source version to its stream and labels versions explicitly', async () => {
    const result = await run([
      'matrix',
      `7.2=${V}/7.2/vmstate-pc-q35-7.2.json.gz`,
      `11.1=${V}/11.1/vmstate-pc-q35-7.2.json.gz`,
      '--stream',
      `11.1=${FIXTURES}streams/11.1/pc-q35-7.2-virtio.mig.gz`,
      '--json',
    ]);
    expect(result.code).toBe(0);
    const m = JSON.parse(result.out) as MatrixJson;
    const back = m.pairs.find((p) => p.source === '11.1');
    expect(back?.stream).toBe('pc-q35-7.2-virtio.mig.gz');
    expect(back?.verdict).not.toBe('breaks');
    expect(m.notes.some((n) => n.includes('no query-machines given'))).toBe(true);
    expect(m.cells.find((c) => c.device === 'nvme' && c.source === '11.1')?.inVm).toBe(false);
  });

  it('prints a grid in text form', async () => {
    const result = await run(['matrix', `${V}/5.2/vmstate-pc-q35-5.2.json.gz`, `${V}/11.1/vmstate-pc-q35-5.2.json.gz`]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^machine type pc-q35-5\.2; versions 5\.2, 11\.1\n/);
    expect(result.out).toMatch(/^isa-vga\s+BREAKS\s+BREAKS\s*$/m);
    expect(result.out).toMatch(/^nvme\s+at-risk\s+at-risk\s*$/m);
  });

  describe('bad input', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'migscope-matrix-'));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('exits 2 with one line naming file and JSON path', async () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"dev": {"version_id": "x"}}');
      const result = await run(['matrix', `5.2=${bad}`, `${V}/11.1/vmstate-pc-q35-5.2.json.gz`, '--json']);
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toBe(`error: ${bad}: $.dev.version_id: expected an integer, got a string\n`);
    });

    it('exits 2 when a version cannot be told, or fewer than two are given', async () => {
      const copy = join(dir, 'manifest.json');
      writeFileSync(copy, '{"vmschkmachine": {"Name": "pc"}}');
      const unknown = await run(['matrix', copy, `${V}/11.1/vmstate-pc-q35-5.2.json.gz`]);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toMatch(/cannot tell which QEMU version this manifest describes; write VERSION=/);
      const one = await run(['matrix', `${V}/11.1/vmstate-pc-q35-5.2.json.gz`]);
      expect(one.code).toBe(2);
      expect(one.err).toMatch(/^error: matrix: a matrix needs manifests of at least two QEMU versions, got 11\.1\n$/);
      const usage = await run(['matrix', '--bogus']);
      expect(usage.code).toBe(2);
      expect(usage.err.split('\n')[0]).toBe("error: matrix: unknown option '--bogus'");
    });
  });

  it('parses its arguments and version labels', () => {
    expect(parseMatrixArgs([])).toBe('give the manifests of at least two QEMU versions');
    expect(parseMatrixArgs(['--help'])).toBe('help');
    expect(versionFromPath('fixtures/versions/7.2/vmstate-pc-q35-7.2.json.gz')).toBe('7.2');
    expect(versionFromPath('/tmp/x/vmstate.json')).toBeUndefined();
  });
});
