import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../lib/csv-read.ts';
import { parseQemuCommandLine } from './explain/qemu-cmdline.ts';
import { looksLikeRunResults, predictRun, qemuMessage, readRunResults, runResultsCsv, summarizeRuns, type RunResult } from './run-results.ts';
import { decodeRealStream, REAL_RUNS } from './test-support/real-runs.ts';

const realResults = (): string => readFileSync(join(REAL_RUNS, 'results.csv'), 'utf8');

const row = (over: Partial<RunResult>): RunResult => ({
  source: '10.0',
  dest: '11.1',
  machine: 'pc-q35-10.0',
  config: 'virtio-net-pci',
  outcome: 'SUCCEEDED',
  exitCode: '0',
  firstError: '',
  arch: 'x86_64',
  streamFile: '10.0__pc-q35-10.0__virtio-net-pci.mig',
  logFile: '10.0__11.1__pc-q35-10.0__virtio-net-pci.log',
  srcCmdlineFile: '10.0__pc-q35-10.0__virtio-net-pci.cmd',
  dstCmdlineFile: '10.0__11.1__pc-q35-10.0__virtio-net-pci.cmd',
  saveTraceFile: '10.0__pc-q35-10.0__virtio-net-pci.save-trace.log',
  ...over,
});

describe('results files', () => {
  it('reads the real runs: 250 loads, 24 failed, with their files', () => {
    const text = realResults();
    expect(looksLikeRunResults(text)).toBe(true);
    const r = readRunResults(text);
    if (!r.ok) throw new Error(r.message);
    expect(r.rows).toHaveLength(250);
    expect(r.skipped).toEqual([]);
    expect(r.rows.filter((x) => x.outcome === 'FAILED')).toHaveLength(24);
    const q35 = r.rows.find((x) => x.source === '10.0' && x.dest === '11.1' && x.machine === 'pc-q35-10.0' && x.config === 'virtio');
    expect(q35).toMatchObject({ outcome: 'FAILED', exitCode: '1', streamFile: 'streams/x86_64/10.0/pc-q35-10.0-virtio.mig.gz', dstCmdlineFile: '' });
    expect(qemuMessage(q35?.firstError ?? '')).toBe('VQ 0 vring.num 1024 exceeds allocated max 256');
  });

  it('writes what it reads back, quotes and formula-looking cells included', () => {
    const rows = [
      row({ outcome: 'FAILED', exitCode: '1', firstError: '2026-12-06T13:47:23.910842Z qemu-system-x86_64: VQ 0 vring.num 1024 exceeds allocated max 256' }),
      row({ config: '-netdev user,id=n0 -device "virtio-net-pci",netdev=n0', outcome: 'NOT-RUN', exitCode: '', streamFile: '', logFile: '' }),
      row({ source: '11.1', dest: '10.0', firstError: 'line one\nline two' }),
    ];
    const text = runResultsCsv(rows);
    expect(text.split('\r\n')[0]).toBe('src_version,dst_version,machine,config,outcome,exit_code,first_error_line,arch,stream_file,log_file,src_cmdline_file,dst_cmdline_file,save_trace_file');
    const back = readRunResults(text);
    if (!back.ok) throw new Error(back.message);
    expect(back.rows.map(({ row: _row, ...r }) => r)).toEqual(rows);
  });

  it('reads the shared loads file (no file columns) and says what it skips', () => {
    const r = readRunResults('src_version,dst_version,machine,config,outcome\n7.2,11.1,pc-q35-7.2,minimal,SUCCEEDED\n7.2,11.1,pc-q35-7.2,default,MAYBE\n');
    expect(r).toMatchObject({ ok: true, skipped: [{ row: 2, message: "outcome 'MAYBE' is none of SUCCEEDED, FAILED, TIMEOUT, NOT-RUN" }] });
    expect(readRunResults('a,b\n1,2\n')).toEqual({ ok: false, message: 'no src_version, dst_version, machine, config, outcome columns (the header has a, b)' });
    expect(looksLikeRunResults('name "virtio-net-pci", bus PCI\n')).toBe(false);
  });

  it('splits records in one pass, quoted line breaks and CRLF included', () => {
    expect(readCsvRecords('\uFEFFa,"b,""c""\nd"\r\n\r\n1,2\n')).toEqual([
      ['a', 'b,"c"\nd'],
      ['1', '2'],
    ]);
    const long = `x,"${'"'.repeat(200_000)}\n`;
    const t0 = performance.now();
    readCsvRecords(long.repeat(5));
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('sums each configuration and direction over the machine types', () => {
    const r = readRunResults(realResults());
    if (!r.ok) throw new Error(r.message);
    const s = summarizeRuns(r.rows.filter((x) => x.arch === 'x86_64'));
    const virtio = s.find((x) => x.config === 'virtio' && x.source === '10.0' && x.dest === '11.1');
    expect(virtio).toMatchObject({ loads: 6, succeeded: 0, failed: 6, messages: ['VQ 0 vring.num 1024 exceeds allocated max 256'] });
    expect(virtio?.failedMachines).toHaveLength(6);
    expect(s.find((x) => x.config === 'virtio' && x.source === '11.1' && x.dest === '10.0')).toMatchObject({ loads: 6, succeeded: 6, failedMachines: [] });
  });
});

describe('predicted next to observed', () => {
  const cmdOf = (file: string) => {
    const c = parseQemuCommandLine(readFileSync(join(REAL_RUNS, file), 'utf8'));
    if (!c.ok) throw new Error(c.message);
    return c.value;
  };

  it('a real failed load: predicted to fail with the line QEMU printed', async () => {
    const stream = await decodeRealStream('streams/x86_64/10.0/pc-q35-10.0-virtio.mig.gz');
    const p = predictRun(stream, { dest: '11.1', machine: 'pc-q35-10.0', outcome: 'FAILED', firstError: '2026-12-06T12:21:40.056701Z qemu-system-x86_64: VQ 0 vring.num 1024 exceeds allocated max 256' }, cmdOf('streams/x86_64/10.0/pc-q35-10.0-virtio.cmd'));
    expect(p).toMatchObject({ verdict: 'fails', agreement: 'agree', sameMessage: true, message: 'VQ 0 vring.num 1024 exceeds allocated max 256' });
  });

  it('the other direction: predicted to load, and it did', async () => {
    const stream = await decodeRealStream('streams/x86_64/11.1/pc-q35-10.0-virtio.mig.gz');
    const p = predictRun(stream, { dest: '10.0', machine: 'pc-q35-10.0', outcome: 'SUCCEEDED', firstError: '' }, cmdOf('streams/x86_64/11.1/pc-q35-10.0-virtio.cmd'));
    expect(p).toMatchObject({ verdict: 'loads', agreement: 'agree', sameMessage: false });
  });

  it('a prediction that QEMU contradicts is marked so', async () => {
    const stream = await decodeRealStream('streams/x86_64/11.1/pc-q35-10.0-virtio.mig.gz');
    const cmdline = cmdOf('streams/x86_64/11.1/pc-q35-10.0-virtio.cmd');
    const p = predictRun(stream, { dest: '10.0', machine: 'pc-q35-10.0', outcome: 'FAILED', firstError: 'qemu-system-x86_64: something else' }, cmdline);
    expect(p).toMatchObject({ agreement: 'disagree', basis: 'release 10.0, -machine pc-q35-10.0, the command line' });
    // Without the command line, where each device sits is not known: not a firm prediction.
    expect(predictRun(stream, { dest: '10.0', machine: 'pc-q35-10.0', outcome: 'FAILED', firstError: '' }, undefined)).toMatchObject({ verdict: 'at-risk', agreement: 'unsure' });
  });
});
