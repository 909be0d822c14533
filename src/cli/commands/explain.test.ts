import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { derivedStreams, FIXTURES } from '../../format/test-support/fixtures.ts';

const run = runCli;

const tmp = mkdtempSync(join(tmpdir(), 'migscope-explain-'));
const f = (...parts: string[]) => join(FIXTURES, ...parts);
const q35virtio72 = f('streams', '7.2', 'pc-q35-7.2-virtio.mig.gz');
const dest72 = ['--dest-manifest', f('versions', '7.2', 'vmstate-pc-q35-7.2.json.gz'), '--dest-machines', f('versions', '7.2', 'machines.txt')];

/** The source's .cmd with one more -device, first or last (mismatch group c). */
function cmdWithKeyboard(where: 'first' | 'last'): string {
  const text = readFileSync(f('streams', '7.2', 'pc-q35-7.2-virtio.cmd'), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('qemu-system-x86_64'))!;
  const changed = where === 'first' ? line.replace('-device virtio-net-pci', '-device virtio-keyboard-pci -device virtio-net-pci') : line.replace('-accel tcg', '-device virtio-keyboard-pci -accel tcg');
  const path = join(tmp, `keyboard-${where}.cmd`);
  writeFileSync(path, `# destination\n${changed}\n`);
  return path;
}

function derived(file: string): string {
  const d = derivedStreams().find((x) => x.recipe.file === file)!;
  const path = join(tmp, file);
  writeFileSync(path, d.bytes());
  return path;
}

describe('migscope explain', () => {
  it('diagnoses a failed load from the destination log (gzip) and exits 1', async () => {
    const r = await run(['explain', q35virtio72, '--dest-log', f('loads', 'mismatch', 'b-7.2__7.2__7.2__pc-q35-7.2-virtio-minus-virtio-gpu-pci.log.gz'), '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      verdict: 'fails',
      basis: 'log',
      failure: {
        cause: 'UNKNOWN_SECTION',
        section: { idstr: '0000:00:05.0/virtio-gpu', instance: 0, offset: 0x17d563, length: 45690 },
        field: null,
        offset: 0x17d563,
        message:
          "Unknown savevm section or instance '0000:00:05.0/virtio-gpu' 0. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices\nload of migration failed: Invalid argument",
      },
    });
  });

  it('predicts the shifted PCI slots of a device inserted first (c-first) and exits 1', async () => {
    const r = await run(['explain', q35virtio72, '--dest-cmdline', cmdWithKeyboard('first'), ...dest72, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.basis).toBe('prediction');
    expect(j.failure).toMatchObject({ cause: 'RAMBLOCK_MISMATCH', section: { idstr: 'ram', offset: 23 }, offset: 108, length: 40 });
    expect(j.failure.message.split('\n')[0]).toBe('Unknown ramblock "0000:00:01.0/virtio-net-pci.rom", cannot accept migration');
    expect(j.destination).toEqual({ machine: 'pc-q35-7.2', machineSource: 'cmdline', machineType: 'pc-q35-7.2', version: '7.2', versionSource: 'machines' });
  });

  it('predicts a device added last loads (exit 0), in text', async () => {
    const r = await run(['explain', q35virtio72, '--dest-cmdline', cmdWithKeyboard('last'), ...dest72]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: LOADS \(predicted from what is known of the destination\)\n/);
    expect(r.out).toContain("the destination's virtio-keyboard-pci at 0000:00:07.0 has no state in the stream: it loads and keeps its reset state");
  });

  it('exits 3 when the inputs cannot settle it, and says why', async () => {
    const r = await run(['explain', q35virtio72]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/: AT RISK /);
    expect(r.out).toContain("the destination's -machine is not known; it must be 'pc-q35-7.2'");
    expect(r.out).toContain('no destination command line');
  });

  it('a damaged stream fails whatever the destination; a cut in the vmdesc does not', async () => {
    const footer = await run(['explain', derived('7.2__pc-i440fx-7.2-default.flip-footer.mig'), '--dest-machine', 'pc-i440fx-7.2', '--dest-version', '7.2', '--json']);
    expect(footer.code).toBe(1);
    expect(JSON.parse(footer.out)).toMatchObject({ basis: 'stream', failure: { cause: 'CORRUPTED', offset: 0x165e88, message: 'Missing section footer for mc146818rtc\nload of migration failed: Invalid argument' } });

    const vmdesc = await run(['explain', derived('5.2__pc-i440fx-5.2-minimal.trunc90.mig'), '--dest-machine', 'pc-i440fx-5.2', '--dest-version', '5.2', '--dest-cmdline', f('streams', '5.2', 'pc-i440fx-5.2-minimal.cmd'), '--json']);
    expect(vmdesc.code).toBe(0);
    expect(JSON.parse(vmdesc.out).notes.map((n: { code: string }) => n.code)).toContain('VMDESC_DAMAGED');
  });

  it('the destination machine list decides an unknown machine type (f) and the wording of its version', async () => {
    const r = await run([
      'explain',
      f('streams', '7.2', 'pc-q35-7.2-minimal.mig.gz'),
      '--dest-machine',
      'pc-q35-7.2',
      '--dest-machines',
      f('versions', '5.2', 'qmp-query-machines.json'),
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).failure).toMatchObject({ cause: 'UNKNOWN_MACHINE_TYPE', message: '-machine pc-q35-7.2: unsupported machine type\nUse -machine help to list supported machines' });
  });

  it('usage and input errors: exit 2 with one error line', async () => {
    const cases: [string[], RegExp][] = [
      [['explain'], /^error: explain: missing <stream>/],
      [['explain', q35virtio72, '--frobnicate'], /^error: explain: unknown option '--frobnicate'/],
      [['explain', q35virtio72, '--dest-version', 'seven'], /^error: --dest-version 'seven' is not a QEMU version/],
      [['explain', q35virtio72, '--dest-log'], /^error: explain: --dest-log needs a value/],
      [['explain', join(tmp, 'missing.mig')], /^error: cannot open .*missing\.mig/],
      [['explain', q35virtio72, '--dest-log', join(tmp, 'missing.log')], /^error: cannot read .*missing\.log/],
      [['explain', q35virtio72, '--dest-manifest', f('versions', '7.2', 'machines.txt')], /^error: .*machines\.txt: \$: /],
      [['explain', q35virtio72, '--dest-cmdline', f('versions', '7.2', 'version.txt')], /^error: .*version\.txt: no QEMU/],
    ];
    for (const [args, want] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(want);
      expect(r.err.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('--help, and the command is listed', async () => {
    const help = await run(['explain', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: migscope explain <stream>/);
    expect(help.out).toContain('exit status: 0 loads, 1 fails, 3 at risk');
    const top = await run(['--help']);
    expect(top.out).toContain('explain <stream>');
  });
});

describe('migscope explain with libvirt logs (fixtures/libvirt, real libvirt 9.0.0 output)', () => {
  const lv = (...parts: string[]) => f('libvirt', ...parts);

  it("a restore into 11.1: the domain log's command line and QEMU release are used, and said so", async () => {
    const r = await run(['explain', lv('virtio-10.0-to-11.1', 'stream.mig.gz'), '--dest-log', lv('virtio-10.0-to-11.1', 'domain.log')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('VQ 2 vring.num 1024 exceeds allocated max 64');
    expect(r.out).toContain("section:     '0000:00:01.0:00.0/virtio-net' instance 0");
    expect(r.out).toContain('destination, from the log:\n  - command line: -machine pc-q35-10.0, 6 -device, from the libvirt log, lines 2-39\n  - QEMU version: 11.1.3 (Debian 1:11.1.3+ds-1), from the libvirt log\'s header, line 1\n');
    expect(r.out).toContain('read as a libvirt domain log (libvirt 9.0.0): QEMU started at 2026-12-06 12:22:15.035+0000 (line 1) to receive a migration; libvirt: shutting down, reason=failed');
    // libvirt's lines are not QEMU's: the stamped shutdown line is not quoted as QEMU's output.
    expect(r.out).not.toContain('shutting down, reason=failed\n\nwhy');
  });

  it('explicit options win over the log, and the JSON says where each fact came from', async () => {
    const j = JSON.parse((await run(['explain', lv('virtio-10.0-to-11.1', 'stream.mig.gz'), '--dest-log', lv('virtio-10.0-to-11.1', 'domain.log'), '--json'])).out);
    expect(j.destination).toMatchObject({ machine: 'pc-q35-10.0', machineSource: 'cmdline', version: '11.1', versionSource: 'log' });
    expect(j.destinationFacts).toEqual([
      { fact: 'command line', value: '-machine pc-q35-10.0, 6 -device', source: 'the libvirt log, lines 2-39', used: true },
      { fact: 'QEMU version', value: '11.1.3 (Debian 1:11.1.3+ds-1)', source: "the libvirt log's header, line 1", used: true },
    ]);
    const given = JSON.parse((await run(['explain', lv('virtio-10.0-to-11.1', 'stream.mig.gz'), '--dest-log', lv('virtio-10.0-to-11.1', 'domain.log'), '--dest-version', '10.2', '--json'])).out);
    expect(given.destination).toMatchObject({ version: '10.2', versionSource: 'option' });
    expect(given.destinationFacts[1]).toMatchObject({ fact: 'QEMU version', used: false });
    expect(given.notes.map((n: { code: string }) => n.code)).toContain('LOG_VERSION_DIFFERS');
  });

  it("a real virsh save file with the domain log of five starts, and virsh's own output", async () => {
    const save = lv('unknown-section-7.2', 'mslv-small.save');
    for (const log of [lv('unknown-section-7.2', 'domain.log'), lv('unknown-section-7.2', 'virsh-restore.txt')]) {
      const j = JSON.parse((await run(['explain', save, '--dest-log', log, '--json'])).out);
      expect(j).toMatchObject({ verdict: 'fails', failure: { cause: 'UNKNOWN_SECTION', section: { idstr: '0000:00:03.0/virtio-rng', instance: 0 } } });
    }
  });

  it('a QMP query-migrate transcript', async () => {
    const j = JSON.parse((await run(['explain', lv('virtio-10.0-to-11.1', 'stream.mig.gz'), '--dest-log', lv('virtio-10.0-to-11.1', 'query-migrate.qmp.txt'), '--json'])).out);
    expect(j).toMatchObject({ verdict: 'fails', failure: { section: { idstr: '0000:00:01.0:00.0/virtio-net' } } });
    expect(j.notes[0]).toEqual({ code: 'LOG_QMP', text: 'read as QMP replies: migration status failed' });
  });
});
