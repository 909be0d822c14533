/** Words for what a file was recognised as, shared by the Files panel and the views. */
import type { Detection, FileKind } from './detect-file.ts';

const KIND_LABEL: Readonly<Record<FileKind, string>> = {
  stream: 'stream',
  'vmstate-manifest': 'vmstate manifest',
  'query-machines': 'query-machines',
  'device-help': 'device list',
  'device-properties': 'device defaults',
  'trace-log': 'trace log',
  'command-line': 'command line',
  'device-models': 'device models',
  'load-outcomes': 'load outcomes',
  'domain-xml': 'domain XML',
  'mdev-types': 'mdev types',
  'mdev-config': 'mdev config',
  unknown: 'not recognised',
};

/** What `-x` made each kind, for the hints that say which files a view needs. */
export const KIND_SOURCE: Readonly<Record<FileKind, string>> = {
  stream: 'migrate "exec:cat > FILE", virsh save, or a .mig file',
  'vmstate-manifest': 'qemu-system-* -machine M -dump-vmstate FILE',
  'query-machines': 'QMP query-machines',
  'device-help': 'qemu-system-* -device help',
  'device-properties': 'qemu-system-* -device NAME,help (one or more devices)',
  'trace-log': "-trace 'vmstate_*' -trace 'savevm_*' … -D FILE, or the destination's stderr",
  'command-line': 'the QEMU command line (or a .cmd file)',
  'device-models': 'migscope device-manifest --json, or a device-model manifest',
  'load-outcomes': 'a CSV of real loads: src_version,dst_version,machine,config,outcome (migscope run writes one)',
  'domain-xml': 'virsh dumpxml DOMAIN (the VM\'s <hostdev> devices)',
  'mdev-types': 'mdevctl types --dumpjson, or grep -r . /sys/class/mdev_bus/*/mdev_supported_types',
  'mdev-config': "mdevctl's config of one mdev: /etc/mdevctl.d/PARENT/UUID (keep the uuid as its name)",
  unknown: '',
};

export function kindLabel(kind: FileKind): string {
  return KIND_LABEL[kind];
}

/** The label of one detected file: logs say which side they are from. */
export function detectionLabel(d: Detection): string {
  if (d.kind === 'trace-log') return d.side === 'save' ? 'save trace' : 'load log';
  return KIND_LABEL[d.kind];
}

export function wrappingLabel(d: Detection): string | undefined {
  switch (d.wrapping) {
    case 'none':
      return undefined;
    case 'gzip':
      return 'gzip';
    case 'libvirt':
      return 'libvirt save';
    case 'libvirt+gzip':
      return 'libvirt save, gzip';
  }
}
