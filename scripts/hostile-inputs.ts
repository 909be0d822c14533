/**
 * Hostile shapes of the text inputs migscope reads: the inputs byte mutation of real files never
 * makes (issue 18). Each generator builds a file of about `size` bytes; what matters is the
 * shape (one giant line, a flood of spans that never close, a run of one character), so the
 * same generator at 1 MB in the test slice and at 10 MB in the long run exercises the same path.
 * Deterministic: no randomness, so a slow shape is a reproducible case.
 */

/** What the input is handed to: the CLI option or command that reads it. */
export type HostileRole = 'dest-log' | 'trace-log' | 'manifest' | 'query-machines' | 'cmdline' | 'device-help' | 'csv' | 'assigned' | 'mdev-types';

export interface HostileShape {
  readonly name: string;
  readonly role: HostileRole;
  /** The text, about `size` bytes long (UTF-16 code units; all shapes are ASCII). */
  build(size: number): string;
}

/** `unit` repeated to about `size` characters, plus `head` and `tail`. */
function fill(head: string, unit: string, size: number, tail = ''): string {
  const n = Math.max(1, Math.floor((size - head.length - tail.length) / unit.length));
  return head + unit.repeat(n) + tail;
}

/** Numbered lines `make(i)` until `size` characters. */
function lines(size: number, make: (i: number) => string): string {
  const out: string[] = [];
  let total = 0;
  for (let i = 0; total < size; i++) {
    const l = `${make(i)}\n`;
    out.push(l);
    total += l.length;
  }
  return out.join('');
}

const ISO = '2026-11-22T01:40:06.294642Z ';

export const HOSTILE_SHAPES: readonly HostileShape[] = [
  // The first reproduction: five error lines of a fifth of the file each.
  { name: 'error-lines', role: 'dest-log', build: (size) => lines(size, () => fill('qemu-system-x86_64: ', 'A', size / 5)) },
  { name: 'error-lines-colons', role: 'dest-log', build: (size) => lines(size, () => fill('qemu-system-x86_64: ', 'a: ', size / 5)) },
  { name: 'error-lines-quotes', role: 'dest-log', build: (size) => lines(size, () => fill("qemu-system-x86_64: load of migration failed: '", "x' '", size / 5)) },
  // The second: vmsds opened and never closed, each inside the last.
  { name: 'unclosed-loads', role: 'trace-log', build: (size) => lines(size, (i) => `vmstate_load_state dev${i % 50} v1`) },
  { name: 'unclosed-loads-timed', role: 'trace-log', build: (size) => lines(size, (i) => `${ISO}vmstate_load_state dev${i % 7} v${i}`) },
  { name: 'unclosed-saves', role: 'trace-log', build: (size) => lines(size, (i) => `vmstate_save_state_top dev${i}`) },
  {
    // Fields of vmsds deep in the stack: each names the outermost, so a backward search runs the whole stack.
    name: 'deep-fields',
    role: 'trace-log',
    build: (size) => lines(size, (i) => (i < 5000 ? `vmstate_load_state d${i} v1` : `vmstate_load_state_field d0:f${i} exists=1`)),
  },
  {
    // A section per line, then downtime lines naming one that is not there: a search of every section.
    name: 'sections-then-downtime',
    role: 'trace-log',
    build: (size) =>
      lines(size, (i) => (i < 40_000 ? `qemu_loadvm_state_section_startfull ${i}(s${i}) 0 1` : `vmstate_downtime_load type=iterable idstr=nowhere instance_id=${i} downtime=1`)),
  },
  { name: 'giant-line', role: 'trace-log', build: (size) => 'A'.repeat(size) },
  { name: 'giant-event', role: 'trace-log', build: (size) => fill('vmstate_load_state ', 'x', size, ' v1') },
  { name: 'giant-key-values', role: 'trace-log', build: (size) => fill('vmstate_downtime_load ', 'a=b ', size, 'c') },
  { name: 'giant-equals', role: 'trace-log', build: (size) => fill('migrate_set_state a', '=', size, ' !') },
  { name: 'run-of-spaces', role: 'dest-log', build: (size) => ' '.repeat(size) },
  { name: 'run-of-digits', role: 'dest-log', build: (size) => '1'.repeat(size) },
  { name: 'run-of-newlines', role: 'dest-log', build: (size) => '\n'.repeat(size) },
  { name: 'digits-at', role: 'trace-log', build: (size) => fill('1@', '1', size, '.') },
  { name: 'iso-then-colons', role: 'dest-log', build: (size) => fill(`${ISO}qemu-system-x86_64: `, ':', size) },
  { name: 'deep-json', role: 'manifest', build: (size) => '['.repeat(size) },
  { name: 'deep-objects', role: 'query-machines', build: (size) => fill('', '{"a":', size) },
  { name: 'huge-json-array', role: 'manifest', build: (size) => fill('{"d":{"Name":"d","version_id":1,"minimum_version_id":1,"Fields":[', '{"field":"f","version_id":0,"field_exists":false,"size":4},', size, '{}]}}') },
  { name: 'long-json-string', role: 'query-machines', build: (size) => fill('{"return":[{"name":"', 'A', size, '"}]}') },
  { name: 'cmdline-options', role: 'cmdline', build: (size) => fill('qemu-system-x86_64 -machine pc -device virtio-net-pci', ',x=1', size) },
  { name: 'cmdline-args', role: 'cmdline', build: (size) => fill('qemu-system-x86_64', ' -device a', size) },
  { name: 'device-help-line', role: 'device-help', build: (size) => fill('name "', 'A', size, '", bus PCI') },
  { name: 'device-help-many', role: 'device-help', build: (size) => lines(size, (i) => `name "d${i}", bus PCI, desc "x"`) },
  { name: 'csv-quotes', role: 'csv', build: (size) => fill('source,destination,machine,outcome\n"', '""', size, '\n') },
  { name: 'csv-one-row', role: 'csv', build: (size) => fill('source,destination,machine,outcome\n', 'a,', size, '\n') },
  // Assigned devices (issue 16): a domain XML of elements that never close, mdev type listings of many types.
  { name: 'unclosed-hostdevs', role: 'assigned', build: (size) => fill('<domain>', "<hostdev type='mdev'><source><address uuid='4b20d080-1b54-4048-85b3-a6a62d165c01'/></source>", size, '</domain>') },
  { name: 'mdev-sysfs-types', role: 'mdev-types', build: (size) => lines(size, (i) => `/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-T${i}/available_instances:1`) },
  { name: 'mdev-json-types', role: 'mdev-types', build: (size) => fill('[{"0000:00:02.0":[', '{"i915-T":{"device_api":"vfio-pci","available_instances":1,"compatible_type":["a"]}},', size, '{}]}]') },
];
