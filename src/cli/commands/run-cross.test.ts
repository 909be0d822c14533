/**
 * `migscope run` between two releases: Debian's QEMU 10.0.13 and 11.1.3, each in a debootstrap
 * folder (fixtures/README.md, "Real runs"), over the virtio devices. Slow (about a minute) and
 * needs root and the folders, so it runs only when asked:
 *
 *   MIGSCOPE_RUN_CROSS=1 npx vitest run src/cli/commands/run-cross.test.ts     (npm run test:cross)
 *
 * MIGSCOPE_ROOTS names the folder holding trixie/ and sid/ (default /work/roots). Both must see
 * MIGSCOPE_RUN_DIR (default /work/qc/migscope-run-cross, under the /work/qc bind mount) at the
 * same path: QEMU writes and reads the streams there. The files are kept for a look afterwards.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuMessage, readRunResults, type ReadRunResult } from '../../analysis/run-results.ts';
import { runCli } from '../test-support/run-cli.ts';

const ROOTS = process.env.MIGSCOPE_ROOTS ?? '/work/roots';
const OUT = process.env.MIGSCOPE_RUN_DIR ?? '/work/qc/migscope-run-cross';
const enabled = process.env.MIGSCOPE_RUN_CROSS === '1';
const B10 = `10.0=chroot ${ROOTS}/trixie qemu-system-x86_64`;
const B11 = `11.1=chroot ${ROOTS}/sid qemu-system-x86_64`;

/** Each device's first queue as 11.1.3 allocates it (virtio_add_queue() in its sources). */
const FIRST_QUEUE_11_1: Readonly<Record<string, number>> = {
  'virtio-net-pci': 256,
  'virtio-blk-pci': 256,
  'virtio-scsi-pci': 256,
  'virtio-balloon-pci': 128,
  'virtio-serial-pci': 128,
  'virtio-gpu-pci': 64,
  'virtio-rng-pci': 8,
};
const DEVICES = Object.keys(FIRST_QUEUE_11_1);

function results(dir: string): readonly ReadRunResult[] {
  const r = readRunResults(readFileSync(join(dir, 'results.csv'), 'utf8'));
  if (!r.ok) throw new Error(r.message);
  return r.rows;
}

describe.skipIf(!enabled || !existsSync(`${ROOTS}/trixie`) || !existsSync(`${ROOTS}/sid`))('run: QEMU 10.0.13 and 11.1.3 (debootstrap folders)', () => {
  it('saved stopped: every virtio device fails 10.0 → 11.1 on its first ring, every one loads 11.1 → 10.0', { timeout: 600_000 }, async () => {
    const out = join(OUT, 'stopped');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const args = ['run', '--src', B10, '--dest', B11, '--machine', 'pc-i440fx-5.2,pc-q35-10.0', '--out', out, '--json'];
    const r = await runCli([...args, ...DEVICES.flatMap((d) => ['--device', d])]);
    expect(r.code).toBe(1);
    const rows = results(out);
    expect(rows).toHaveLength(2 * (1 + DEVICES.length) * 2);
    for (const row of rows) {
      if (row.source === '11.1') {
        expect(row.outcome, `${row.config} on ${row.machine}`).toBe('SUCCEEDED');
        continue;
      }
      // 10.0.13 allocates (and saves) 1024 for every queue a guest never set up; 11.1.3 checks.
      const first = row.config === 'all' ? 'virtio-net-pci' : row.config;
      expect([row.outcome, row.exitCode, qemuMessage(row.firstError)], `${row.config} on ${row.machine}`).toEqual(['FAILED', '1', `VQ 0 vring.num 1024 exceeds allocated max ${FIRST_QUEUE_11_1[first]}`]);
    }
    const json = JSON.parse(r.out) as { runs: { predicted?: { agreement: string; sameMessage: boolean }; outcome: string }[] };
    expect(json.runs.every((x) => x.predicted?.agreement === 'agree')).toBe(true);
    expect(json.runs.filter((x) => x.outcome === 'FAILED').every((x) => x.predicted?.sameMessage === true)).toBe(true);
  });

  it('after 3 s of SeaBIOS: virtio-blk, which the firmware set up, loads 10.0 → 11.1; virtio-net still fails', { timeout: 600_000 }, async () => {
    const out = join(OUT, 'booted');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const r = await runCli(['run', '--src', B10, '--dest', B11, '--machine', 'pc-q35-10.0', '--device', 'virtio-blk-pci', '--device', 'virtio-net-pci', '--boot', '3', '--out', out, '--json']);
    expect(r.code).toBe(1);
    const forward = results(out).filter((x) => x.source === '10.0');
    expect(forward.map((x) => [x.config, x.outcome, qemuMessage(x.firstError)])).toEqual([
      ['all', 'FAILED', 'VQ 0 vring.num 1024 exceeds allocated max 256'],
      ['virtio-blk-pci', 'SUCCEEDED', ''],
      ['virtio-net-pci', 'FAILED', 'VQ 0 vring.num 1024 exceeds allocated max 256'],
    ]);
    const json = JSON.parse(r.out) as { runs: { predicted?: { agreement: string } }[] };
    expect(json.runs.every((x) => x.predicted?.agreement === 'agree')).toBe(true);
  });
});
