/**
 * The devices the release board says break a machine type's forward promise, loaded for real:
 * a VM with the device saved by the older build and loaded by the newer one, with the same
 * command line (and the same VM without it, which the real runs already show loads). The
 * board's claims come from the manifests alone (`migscope matrix --all-machines`); this checks
 * them against QEMU.
 *
 *   npx tsx scripts/real-runs/board-breaks.ts [--out DIR]   (default /work/qc/runs/board-breaks)
 *
 * Writes DIR/results.csv in the shape of fixtures/real-runs/results.csv, plus a `devices`
 * column (the QOM types the VM was given), which `migscope matrix --observed` reads; copied to
 * fixtures/real-runs/board-breaks.csv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOf, PLANS, SCRATCH } from './matrix.ts';
import { loadVm, saveVm, type VmSpec } from '../../src/cli/run/vm-run.ts';

interface Case {
  readonly device: string;
  readonly machine: string;
  readonly from: string;
  readonly to: string;
  readonly args: readonly string[];
}

/** From the board: isa-vga saves as "vga-isa" from 11.1; esp reads drq_state from 10.0 (pciespscsi, sysbusespscsi). */
const CASES: readonly Case[] = [
  { device: 'isa-vga', machine: 'pc-i440fx-10.0', from: '10.0', to: '11.1', args: ['-nodefaults', '-device', 'isa-vga'] },
  { device: 'am53c974', machine: 'pc-q35-7.2', from: '7.2', to: '10.0', args: ['-nodefaults', '-device', 'am53c974'] },
  { device: 'dc390', machine: 'pc-i440fx-7.2', from: '7.2', to: '11.1', args: ['-nodefaults', '-device', 'dc390'] },
];

async function main(): Promise<void> {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? (process.argv[i + 1] ?? '') : `${SCRATCH}/board-breaks`;
  const scratch = `${SCRATCH}/tmp`;
  mkdirSync(out, { recursive: true });
  const plan = PLANS.find((p) => p.arch === 'x86_64');
  if (plan === undefined) throw new Error('no x86_64 plan');
  const rows = ['src_version,dst_version,machine,config,outcome,exit_code,first_error_line,arch,devices'];
  for (const c of CASES) {
    const spec = (version: string): VmSpec => ({ build: buildOf(version), binary: plan.binary, machine: c.machine, deviceArgs: c.args, commonArgs: plan.commonArgs });
    const name = `${c.machine}-${c.device}`;
    const saved = await saveVm({ vm: spec(c.from), outDir: out, name: `${c.from}__${name}`, scratchDir: scratch, traceArgs: [] });
    if (!saved.ok) {
      console.log(`${c.device} ${c.machine} ${c.from}: save ${saved.status} ${saved.error ?? ''}`);
      continue;
    }
    const loaded = await loadVm({ vm: spec(c.to), outDir: out, name: `${c.from}__${c.to}__${name}`, scratchDir: scratch, stream: saved.streamFile, traceArgs: [] });
    console.log(`${c.device} ${c.machine} ${c.from} -> ${c.to}: ${loaded.outcome} ${loaded.firstErrorLine}`);
    const quote = (t: string): string => (/[",]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
    rows.push([c.from, c.to, c.machine, c.device, loaded.outcome, String(loaded.exitCode ?? loaded.signal ?? ''), quote(loaded.firstErrorLine), 'x86_64', c.device].join(','));
  }
  writeFileSync(join(out, 'results.csv'), `${rows.join('\n')}\n`);
}

await main();
