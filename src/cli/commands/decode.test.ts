import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedStreams, readJsonGz, ROOT, streamFixtures } from '../../format/test-support/fixtures.ts';

const run = runCli;

const fx = (id: string) => streamFixtures().find((f) => f.id === id)!;
const tmp = mkdtempSync(join(tmpdir(), 'migscope-cli-'));

describe('migscope decode', () => {
  it('--format analyze prints what analyze-migration.py prints (gzip input)', async () => {
    const f = fx('11.1/pc-q35-11.1-virtio');
    const r = await run(['decode', f.path, '--format', 'analyze']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(readJsonGz(f.oracleState!));
  });

  it('--format desc prints the vmdesc', async () => {
    const f = fx('5.2/pc-i440fx-5.2-default');
    const r = await run(['decode', '--format=desc', f.path]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(readJsonGz(f.oracleDesc!));
  });

  it('--format json (default) prints the model with offsets', async () => {
    const r = await run(['decode', fx('7.2/pc-i440fx-7.2-minimal').path]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.configuration.machineType).toBe('pc-i440fx-7.2');
    expect(j.sections[3]).toMatchObject({ type: 'FULL', idstr: 'timer', offset: 0x9355f, length: 48, versionId: 2 });
    const timer = j.devices.find((d: { idstr: string }) => d.idstr === 'timer');
    expect(timer.fields[0]).toMatchObject({ name: 'cpu_ticks_offset', start: 0x93572, end: 0x9357a, value: '7840935476' }); // 0x1d35b2e34
    expect(j.ram.zeroPages).toBe(16403);
    expect(j.error).toBeNull();
  });

  it('exit 1 and one error line on a truncated stream', async () => {
    const d = derivedStreams().find((x) => x.recipe.file.includes('trunc50') && x.recipe.file.startsWith('5.2'))!;
    const p = join(tmp, d.recipe.file);
    writeFileSync(p, d.bytes());
    const r = await run(['decode', p, '--format', 'analyze']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe("error: UNEXPECTED_EOF at offset 0x56e38 in ram#0 PART: stream ends inside RAM page (expected 4096 bytes, found 2012 bytes before the end at 0x57614)\n");
    const j = await run(['decode', p]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out).error).toMatchObject({ code: 'UNEXPECTED_EOF', offset: 0x56e38 });
  });

  it('exit 1 for analyze on a stream without vmdesc, like the script cannot either', async () => {
    const r = await run(['decode', fx('shapes/11.1/pc-q35-11.1-suppress-vmdesc').path, '--format', 'analyze']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: VMDESCRIPTION_MISSING/);
  });

  it('exit 2 on usage errors', async () => {
    expect((await run(['decode'])).code).toBe(2);
    expect((await run(['decode', 'x', '--format', 'yaml'])).code).toBe(2);
    expect((await run(['decode', '/nonexistent/file'])).err).toMatch(/^error: cannot open/);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('npx migscope works from the package bin', () => {
    const out = execFileSync('npx', ['--no-install', 'migscope', 'decode', '--format', 'desc', fx('7.2/pc-q35-7.2-minimal').path], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out).page_size).toBe(4096);
    const bad = spawnSync('npx', ['--no-install', 'migscope', 'decode'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  }, 60_000);
});
