/**
 * `migscope explain` on the real runs' streams (fixtures/real-runs), with what a person knows of
 * the destination: its machine type, release and command line (the same as the source's), and
 * for the Arm register lists the destination build's own stream (--dest-sample).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { runCli } from '../test-support/run-cli.ts';

const rr = (...p: string[]) => join(FIXTURES, 'real-runs', ...p);
const stream = (arch: string, v: string, name: string) => rr('streams', arch, v, `${name}.mig.gz`);
const cmd = (arch: string, v: string, name: string) => rr('streams', arch, v, `${name}.cmd`);

async function explain(src: string, dst: string, machine: string, config: string, sample = false) {
  const name = `${machine}-${config}`;
  const arch = machine.startsWith('virt') ? 'aarch64' : 'x86_64';
  const args = ['explain', stream(arch, src, name), '--dest-machine', machine, '--dest-version', dst, '--dest-cmdline', cmd(arch, src, name), '--json'];
  if (sample) args.push('--dest-sample', stream(arch, dst, name));
  const r = await runCli(args);
  return { code: r.code, json: JSON.parse(r.out) as { verdict: string; failure: { message: string; offset: number; section: { idstr: string } | null; values: { name: string; value: string; offset: number }[] } | null } };
}

const MACHINES = ['pc-i440fx-5.2', 'pc-q35-5.2', 'pc-i440fx-7.2', 'pc-q35-7.2', 'pc-i440fx-10.0', 'pc-q35-10.0'];

describe('virtio ring sizes: --dest-machine, --dest-version, --dest-cmdline', () => {
  it.each(MACHINES)('%s: 10.0 -> 11.1 fails (exit 1), on both virtio configurations', async (machine) => {
    for (const config of ['virtio', 'extra']) {
      const r = await explain('10.0', '11.1', machine, config);
      expect(r.code, config).toBe(1);
      expect(r.json.failure?.message.split('\n')[0]).toBe('VQ 0 vring.num 1024 exceeds allocated max 256');
      const num = r.json.failure!.values.find((v) => v.name === 'queue 0 vring.num')!;
      expect(num.value).toBe('1024');
      expect(r.json.failure!.offset).toBe(num.offset);
    }
  });

  it.each(MACHINES)('%s: 11.1 -> 10.0, 7.2 -> 11.1 and same-release loads (exit 0)', async (machine) => {
    const pairs: [string, string][] = [
      ['11.1', '10.0'],
      ['10.0', '10.0'],
      ['11.1', '11.1'],
    ];
    if (!machine.endsWith('10.0')) pairs.push(['7.2', '11.1'], ['7.2', '7.2']);
    for (const [src, dst] of pairs) {
      const r = await explain(src, dst, machine, 'virtio');
      expect(r.json.verdict, `${src} -> ${dst}`).toBe('loads');
      expect(r.code).toBe(0);
    }
  });
});

describe('Arm register lists: with --dest-sample', () => {
  it('7.2 <-> 11.1 fail in both directions, and load on the same release', async () => {
    const up = await explain('7.2', '11.1', 'virt-7.2', 'minimal', true);
    expect(up.code).toBe(1);
    expect(up.json.failure?.message.split('\n')[0]).toBe('handle_cpreg_only_in_incoming_stream: system register 0x200f3a00 in the incoming stream but unknown on the destination: fail migration');
    const down = await explain('11.1', '7.2', 'virt-7.2', 'minimal', true);
    expect(down.code).toBe(1);
    expect(down.json.failure?.message.split('\n')[0]).toBe('Invalid value 274 expecting positive value <= 258');
    for (const v of ['7.2', '11.1']) expect((await explain(v, v, 'virt-7.2', 'minimal', true)).code).toBe(0);
  });

  it('without it: at risk (exit 3), naming --dest-sample', async () => {
    const r = await runCli(['explain', stream('aarch64', '7.2', 'virt-7.2-minimal'), '--dest-machine', 'virt-7.2', '--dest-version', '11.1', '--dest-cmdline', cmd('aarch64', '7.2', 'virt-7.2-minimal')]);
    expect(r.code).toBe(3);
    expect(r.out).toContain('--dest-sample');
  });
});

describe('usage', () => {
  it('a sample that does not decode is an input error', async () => {
    const r = await runCli(['explain', stream('x86_64', '7.2', 'pc-q35-7.2-minimal'), '--dest-sample', rr('results.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --dest-sample .*results\.csv: the stream does not decode \(BAD_MAGIC at 0x0/);
  });
});
