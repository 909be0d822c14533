import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../io.ts';
import { main } from '../migscope.ts';
import { traceCommand } from './trace.ts';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

function capture(): CommandIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'migscope-trace-'));
const plainLog = join(tmp, 'load.log');
writeFileSync(
  plainLog,
  [
    'qemu_loadvm_state_section 4',
    'qemu_loadvm_state_section_startfull 21(mc146818rtX) 0 3',
    "qemu-system-x86_64: Unknown savevm section or instance 'mc146818rtX' 0.",
    'qemu_loadvm_state_post_main -22',
    '',
  ].join('\n'),
);

describe('migscope trace', () => {
  it('prints one line per section and the failure last, for a gzip log (real 7.2 truncated load)', async () => {
    const io = capture();
    const log = join(fixtures, 'loads/mismatch/d-7.2-default-90__7.2__7.2__pc-i440fx-7.2-default.log.gz');
    expect(await traceCommand([log], io)).toBe(0);
    expect(io.stderr()).toBe('');
    const lines = io.stdout().trimEnd().split('\n');
    expect(lines[0]).toBe('load trace, format pid-epoch, 1978 events, times in µs, 32 sections');
    const sectionLines = lines.filter((l) => /^ {2}(ok|FAIL) /.test(l));
    expect(sectionLines.length).toBe(32);
    expect(sectionLines[0]).toMatch(/^ {2}ok {3}configuration /);
    expect(sectionLines[31]).toMatch(/^ {2}FAIL #32 0000:00:03\.0\/e1000 inst 0 v2 /);
    expect(lines[lines.length - 1]).toBe(
      'FAILED in 0000:00:03.0/e1000 instance 0 (0000:00:03.0/e1000 > e1000 > e1000/full_mac_state > mac_reg) at line 1975: Failed to load e1000/full_mac_state:mac_reg',
    );
  });

  it('prints the model as JSON with --json, for a plain log', async () => {
    const io = capture();
    expect(await traceCommand(['--json', plainLog], io)).toBe(0);
    const model = JSON.parse(io.stdout()) as Record<string, unknown>;
    expect(Object.keys(model)).toEqual(
      expect.arrayContaining(['format', 'side', 'events', 'sections', 'failure', 'timeBase']),
    );
    expect(model).toMatchObject({
      format: 'bare',
      side: 'load',
      events: 3,
      timeBase: 'line',
      sections: [{ idstr: 'mc146818rtX', instance: 0, version: 3, start: 2, end: 4, ok: false, children: [] }],
      failure: { section: { idstr: 'mc146818rtX', instance: 0 }, message: "Unknown savevm section or instance 'mc146818rtX' 0." },
    });
  });

  it('is registered in the migscope command table', async () => {
    const io = capture();
    expect(await main(['trace', plainLog], io)).toBe(0);
    expect(io.stdout()).toContain('FAILED in mc146818rtX instance 0 at line 3:');
  });

  it.each([
    [[], 'missing <log>'],
    [['--bogus', plainLog], "unknown option '--bogus'"],
    [[plainLog, plainLog], 'one log at a time'],
    [[join(tmp, 'absent.log')], 'cannot read'],
  ])('exits 2 with one error line: %j', async (args, text) => {
    const io = capture();
    expect(await traceCommand(args, io)).toBe(2);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(/^error: [^\n]*\n$/);
    expect(io.stderr()).toContain(text);
  });

  it('reports a corrupt gzip file as unreadable', async () => {
    const bad = join(tmp, 'bad.log.gz');
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
    const io = capture();
    expect(await traceCommand([bad], io)).toBe(2);
    expect(io.stderr()).toMatch(/^error: cannot read .*bad\.log\.gz: [^\n]*\n$/);
  });
});
