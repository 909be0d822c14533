/**
 * The detector against every file in fixtures/: each is real QEMU output (or the harness's
 * notes about it), so what it is is known from where it lies. Names are never shown to the
 * detector: each file is read as an anonymous blob.
 */
import { openAsBlob, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFile, sniffContent, type Detection, type FileKind, type LogSide, type Wrapping } from './detect-file.ts';

const root = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

interface Expected {
  readonly kind: FileKind;
  readonly wrapping?: Wrapping;
  readonly side?: LogSide;
}

/** What a fixture is, from its place and suffix (fixtures/README.md, "Layout"). */
function expectedFor(rel: string): Expected {
  const gz = rel.endsWith('.gz');
  const wrapping: Wrapping = gz ? 'gzip' : 'none';
  const base = rel.replace(/^.*\//, '');
  if (base.endsWith('.mig.gz') || base.endsWith('.mig')) return { kind: 'stream', wrapping };
  if (/^vmstate-.*\.json\.gz$/.test(base) || /^dump\d\.json$/.test(base)) return { kind: 'vmstate-manifest', wrapping };
  if (/^qmp-query-machines.*\.json(\.gz)?$/.test(base) && !base.endsWith('.cmd.json')) return { kind: 'query-machines', wrapping };
  if (/^devices\.txt(\.gz)?$/.test(base)) return { kind: 'device-help', wrapping };
  if (base.endsWith('.save-trace.log.gz')) return { kind: 'trace-log', wrapping, side: 'save' };
  if (rel.startsWith('loads/') && base.endsWith('.log.gz')) return { kind: 'trace-log', wrapping };
  if (rel.startsWith('real-runs/loads/') && base.endsWith('.log.gz')) return { kind: 'trace-log', wrapping, side: 'load' };
  if (/\.src-stderr\.log(\.gz)?$/.test(base)) return { kind: 'trace-log', wrapping };
  // real-runs/fixes: a destination's stderr and a QMP query-migrate transcript.
  if (rel.startsWith('real-runs/fixes/') && /\.(log|txt)$/.test(base)) return { kind: 'trace-log', wrapping, side: 'load' };
  if (base.endsWith('.cmd')) return { kind: 'command-line', wrapping };
  // A migscope run folder (fixtures/runs): save traces, the destinations' logs, results.csv.
  if (rel.startsWith('runs/') && base.endsWith('.save-trace.log')) return { kind: 'trace-log', wrapping, side: 'save' };
  if (rel.startsWith('runs/') && base.endsWith('.log')) return { kind: 'trace-log', wrapping, side: 'load' };
  if (rel.startsWith('runs/') && base.endsWith('.summary.txt')) return { kind: 'unknown' };
  // Real load outcomes (src_version, dst_version, machine, config, outcome ...): migscope run's shape.
  if (/^(?:loads\/(?:mismatch\/)?|real-runs\/|runs\/[^/]+\/)(?:results|aarch64|board-breaks)\.csv$/.test(rel)) return { kind: 'load-outcomes', wrapping };
  // fixtures/libvirt: virsh save files, domain logs, virsh output, QMP transcripts.
  if (rel.startsWith('libvirt/') && base.endsWith('.save')) return { kind: 'stream', wrapping: 'libvirt' };
  if (rel.startsWith('libvirt/') && base === 'source-domain.log') return { kind: 'trace-log', wrapping, side: 'save' };
  if (rel.startsWith('libvirt/') && /\.(log|txt)$/.test(base)) return { kind: 'trace-log', wrapping, side: 'load' };
  // Assigned devices (fixtures/mdev) and the libvirt folders' domain definitions.
  if (base.endsWith('.xml')) return { kind: 'domain-xml', wrapping };
  if (rel.startsWith('mdev/') && /\.(?:mdevctl-types\.json|sysfs\.txt)$/.test(base)) return { kind: 'mdev-types', wrapping };
  if (rel.startsWith('mdev/mdevctl.d/')) return { kind: 'mdev-config', wrapping };
  return { kind: 'unknown' };
}

function fixtureFiles(): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(root.length))
    .sort();
}

/** Only the bytes: a File would carry the name, which the detector must not need. */
async function detectPath(rel: string): Promise<Detection> {
  const blob = await openAsBlob(join(root, rel));
  return detectFile(blob);
}

describe('detectFile on every fixture', () => {
  const files = fixtureFiles();
  it('finds fixtures of every kind', () => {
    const kinds = new Set(files.map((f) => expectedFor(f).kind));
    expect([...kinds].sort()).toEqual(['command-line', 'device-help', 'domain-xml', 'load-outcomes', 'mdev-config', 'mdev-types', 'query-machines', 'stream', 'trace-log', 'unknown', 'vmstate-manifest']);
  });

  for (const rel of files) {
    const want = expectedFor(rel);
    it(`${rel} → ${want.kind}`, async () => {
      const got = await detectPath(rel);
      expect({ kind: got.kind, detail: got.detail }).toMatchObject({ kind: want.kind });
      if (want.wrapping !== undefined) expect(got.wrapping).toBe(want.wrapping);
      if (want.side !== undefined) expect(got.side).toBe(want.side);
      expect(got.detail.length).toBeGreaterThan(0);
    });
  }
});

describe('details', () => {
  it('load logs: the destination side', async () => {
    const got = await detectPath('loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz');
    expect(got).toMatchObject({ kind: 'trace-log', side: 'load', wrapping: 'gzip' });
  });

  it('a destination that printed only an error line is a load log too, and says what', async () => {
    const got = await detectPath('loads/mismatch/f-7.2-pc-i440fx-7.2-5.2__7.2__5.2__pc-i440fx-7.2-minimal.log.gz');
    expect(got).toMatchObject({ kind: 'trace-log', side: 'load' });
    expect(got.detail).toContain('-machine pc-i440fx-7.2: unsupported machine type');
  });

  it('every successful load log is the load side', async () => {
    const loads = fixtureFiles().filter((f) => /^loads\/[^/]+\.log\.gz$/.test(f));
    expect(loads.length).toBeGreaterThan(30);
    for (const rel of loads) expect((await detectPath(rel)).side, rel).toBe('load');
  });

  it('manifests name their machine; command lines theirs', async () => {
    expect(await detectPath('versions/7.2/vmstate-pc-i440fx-7.2.json.gz')).toMatchObject({ kind: 'vmstate-manifest', machine: 'pc-i440fx-7.2' });
    expect(await detectPath('streams/7.2/pc-q35-7.2-virtio.cmd')).toMatchObject({ kind: 'command-line', machine: 'pc-q35-7.2' });
  });

  it('the content decides, not gzip: an inflated manifest and a gzipped device list', async () => {
    const manifest = gunzipSync(readFileSync(join(root, 'versions/11.1/vmstate-pc-q35-11.1.json.gz')));
    expect(await detectFile(new Blob([manifest]))).toMatchObject({ kind: 'vmstate-manifest', wrapping: 'none', machine: 'pc-q35-11.1' });
    const devices = gzipSync(readFileSync(join(root, 'versions/5.2/devices.txt')));
    expect(await detectFile(new Blob([devices]))).toMatchObject({ kind: 'device-help', wrapping: 'gzip' });
  });

  it('a raw QMP reply and a bare array of machines', async () => {
    const wrapped = JSON.parse(readFileSync(join(root, 'versions/7.2/qmp-query-machines.json'), 'utf8')) as { 'query-machines': { return: unknown[] } };
    const reply = JSON.stringify(wrapped['query-machines']);
    expect(await detectFile(new Blob([reply]))).toMatchObject({ kind: 'query-machines' });
    expect(await detectFile(new Blob([JSON.stringify(wrapped['query-machines'].return)]))).toMatchObject({ kind: 'query-machines' });
  });

  it('a command line typed by hand, with a path to the binary', async () => {
    const got = await detectFile(new Blob(['/usr/bin/qemu-system-x86_64 -M q35 -m 2G \\\n  -device virtio-net-pci,netdev=n0\n']));
    expect(got).toMatchObject({ kind: 'command-line', machine: 'q35' });
  });

  it('libvirt save images around a real stream, raw and gzip-compressed', async () => {
    const stream = gunzipSync(readFileSync(join(root, 'streams/5.2/pc-i440fx-5.2-minimal.mig.gz')));
    const raw = await detectFile(new Blob([libvirtSave(stream, 0)]));
    expect(raw).toMatchObject({ kind: 'stream', wrapping: 'libvirt' });
    expect(raw.detail).not.toContain('no QEVM');
    const gz = await detectFile(new Blob([libvirtSave(gzipSync(stream), 1)]));
    expect(gz).toMatchObject({ kind: 'stream', wrapping: 'libvirt+gzip' });
    expect(gz.detail).not.toContain('no QEVM');
  });

  it('empty, binary and damaged gzip files are unknown', async () => {
    expect((await detectFile(new Blob([]))).kind).toBe('unknown');
    expect((await detectFile(new Blob([new Uint8Array([0, 1, 2, 3, 0, 0, 7])]))).kind).toBe('unknown');
    const damaged = await detectFile(new Blob([new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff])]));
    expect(damaged).toMatchObject({ kind: 'unknown', wrapping: 'gzip' });
  });

  it('a gzip file that inflates to gigabytes is sniffed from its first bytes only', async () => {
    // 64 MiB of zeros after the magic: gzip shrinks it to ~64 KiB; sniffing must not inflate it all.
    const big = gzipSync(Buffer.concat([Buffer.from('QEVM\0\0\0\x03'), Buffer.alloc(64 << 20)]));
    const got = await detectFile(new Blob([big]));
    expect(got).toMatchObject({ kind: 'stream', wrapping: 'gzip' });
  });

  it("says what a libvirt log, virsh's output and a QMP reply are (real, fixtures/libvirt)", async () => {
    expect(await detectPath('libvirt/unknown-section-7.2/domain.log')).toMatchObject({
      machine: 'pc-q35-7.2',
      detail: 'libvirt domain log (QEMU 7.2.22, libvirt 9.0.0, -machine pc-q35-7.2, 5 starts, started with -incoming, reason=failed)',
    });
    expect((await detectPath('libvirt/refused/abi-machine.virsh.txt')).detail).toBe('virsh error output: unsupported configuration: Target domain machine type pc-q35-7.1 does not match source pc-q35-7.2');
    expect((await detectPath('libvirt/virtio-10.0-to-11.1/query-migrate.qmp.txt')).detail).toMatch(/^QMP migration replies \(status failed\): load of migration failed: Invalid argument: /);
    // A reply alone, pretty-printed, is JSON: still a load log, not "unknown JSON".
    const pretty = JSON.stringify({ return: { status: 'failed', 'error-desc': 'load of migration failed: Invalid argument' } }, undefined, 2);
    expect(sniffContent(new TextEncoder().encode(pretty), false)).toMatchObject({ kind: 'trace-log', side: 'load' });
  });

  it('-device NAME,help output is device defaults, -machine M,help is not', () => {
    // Real output of Debian's 11.1.3, as fixtures/real-runs/versions/11.1/device-props.json.gz keeps it.
    const props = JSON.parse(gunzipSync(readFileSync(join(root, 'real-runs/versions/11.1/device-props.json.gz'))).toString('utf8')) as { devices: Record<string, { output: string }> };
    const net = props.devices['virtio-net-pci']?.output ?? '';
    const xhci = props.devices['qemu-xhci']?.output ?? '';
    expect(net).toContain('rx_queue_size=<uint16>');
    const one = sniffContent(new TextEncoder().encode(net), false);
    expect(one).toMatchObject({ kind: 'device-properties' });
    expect(one.detail).toContain('virtio-net-pci');
    // qemu-xhci's header would pass for a QEMU message line ("qemu-xhci options:").
    expect(sniffContent(new TextEncoder().encode(`${xhci}${net}`), false)).toMatchObject({ kind: 'device-properties' });
    const machine = readFileSync(join(root, 'real-runs/versions/10.0/machine-pc-q35-10.0-help.txt'));
    expect(sniffContent(machine, false).kind).toBe('unknown');
  });

  it('sniffContent leaves a cut last line alone', () => {
    const text = new TextEncoder().encode('name "virtio-net-pci", bus PCI\nname "e1000", bus PCI\nname "virt');
    expect(sniffContent(text, true).kind).toBe('device-help');
  });
});

/** libvirt's 92-byte header (src/qemu/qemu_saveimage.h), a domain XML, then the payload. */
function libvirtSave(payload: Uint8Array, compressed: number): Uint8Array<ArrayBuffer> {
  const xml = new TextEncoder().encode('<domain type="kvm"><name>vm</name></domain>\0\0\0\0');
  const header = new Uint8Array(92);
  header.set(new TextEncoder().encode('LibvirtQemudSave'), 0);
  const view = new DataView(header.buffer);
  view.setUint32(16, 2, true);
  view.setUint32(20, xml.length, true);
  view.setUint32(24, 1, true);
  view.setUint32(28, compressed, true);
  const out = new Uint8Array(header.length + xml.length + payload.length);
  out.set(header, 0);
  out.set(xml, header.length);
  out.set(payload, header.length + xml.length);
  return out;
}
