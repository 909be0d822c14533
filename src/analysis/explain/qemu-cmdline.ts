/**
 * A destination QEMU command line, as far as migration cares: the machine type, the RAM size,
 * whether QEMU adds its default devices, and the `-device` list in order (PCI slots are handed
 * out in that order).
 *
 * Accepts a bare command line (shell quoting, backslash-newline continuations) or a file with
 * comment lines and the command on one of them, such as the fixtures' `.cmd` files (where a
 * `chroot DIR` prefix may come first): the first line naming a `qemu-system-*`/`qemu-kvm`
 * program is used, everything before the program is ignored.
 *
 * libvirt's style (the command at the head of a domain log, `virCommandToString()`): environment
 * assignments first (`LC_ALL=C PATH=... /usr/bin/qemu-system-x86_64`), the emulator possibly a
 * site's own wrapper with another name (`<emulator>` in the domain XML), `-device`, `-object`,
 * `-netdev`, `-blockdev` as JSON (libvirt >= 7), `-machine T,...,memory-backend=pc.ram` with the
 * RAM size in that backend's `-object` (and `-m` beside it, or `-m size=...k`).
 */

export interface DeviceOption {
  readonly driver: string;
  readonly props: ReadonlyMap<string, string>;
  /** Position among the `-device` options (0-based). */
  readonly index: number;
  readonly text: string;
}

export interface QemuCommandLine {
  readonly program: string | undefined;
  readonly args: readonly string[];
  /** `-machine`/`-M` type (first value or `type=`), undefined when not given. */
  readonly machine: string | undefined;
  readonly machineProps: ReadonlyMap<string, string>;
  /** `-m` in bytes. */
  readonly memory: number | undefined;
  readonly nodefaults: boolean;
  /** `-vga` value. */
  readonly vga: string | undefined;
  /** `-nic`/`-net nic` options (each may create a NIC), and whether any `-netdev`/`-net`/`-nic` was given. */
  readonly nics: readonly ReadonlyMap<string, string>[];
  readonly netOptionGiven: boolean;
  readonly devices: readonly DeviceOption[];
  /** `-incoming` value. */
  readonly incoming: string | undefined;
  /** `-global driver.prop=value` (and `driver=,property=,value=`), in order: later ones win. */
  readonly globals: readonly GlobalOption[];
  /** `-cpu` model (its first item), undefined when not given. */
  readonly cpu: string | undefined;
}

export interface GlobalOption {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
}

export type CmdlineResult = { readonly ok: true; readonly value: QemuCommandLine } | { readonly ok: false; readonly message: string };

/** Options without an argument (qemu-options.hx `HAS_ARG` absent), as far as a VM line uses them. */
const FLAG_OPTIONS: ReadonlySet<string> = new Set([
  'nodefaults',
  'S',
  's',
  'no-reboot',
  'no-shutdown',
  'daemonize',
  'enable-kvm',
  'snapshot',
  'nographic',
  'no-user-config',
  'usb',
  'no-hpet',
  'no-acpi',
  'full-screen',
  'version',
  'help',
  'h',
  'preconfig',
  'only-migratable',
  'no-fd-bootchk',
  'win2k-hack',
  'rtc-td-hack',
  'semihosting',
  'no-quit',
  'alt-grab',
  'ctrl-grab',
  'sdl',
  'curses',
  'singlestep',
  'one-insn-per-tb',
  'old-param',
  'xen-attach',
]);

const PROGRAM = /(^|\/)(qemu-system-[\w-]+|qemu-kvm|qemu)$/;
/** `NAME=value` before the program: the environment libvirt sets. */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function parseQemuCommandLine(text: string): CmdlineResult {
  const tokens = pickCommand(text);
  if (tokens === undefined) return { ok: false, message: 'no QEMU command line found (expected a qemu-system-* program or options starting with -)' };
  let program: string | undefined;
  let start = 0;
  const p = tokens.findIndex((t) => PROGRAM.test(t));
  // After libvirt's environment assignments, a word followed by options is the emulator,
  // whatever its name (a site's wrapper script, `kvm`).
  let e = 0;
  while (e < tokens.length && ENV_ASSIGNMENT.test(tokens[e] ?? '')) e++;
  if (p >= 0) {
    program = tokens[p];
    start = p + 1;
  } else if (e > 0 && e + 1 < tokens.length && !(tokens[e] ?? '-').startsWith('-') && (tokens[e + 1] ?? '').startsWith('-')) {
    program = tokens[e];
    start = e + 1;
  } else if (!(tokens[0] ?? '').startsWith('-')) {
    return { ok: false, message: `no QEMU program in the command line (first word '${tokens[0] ?? ''}')` };
  }
  const args = tokens.slice(start);
  let machine: string | undefined;
  let machineProps = new Map<string, string>();
  let memory: number | undefined;
  let nodefaults = false;
  let vga: string | undefined;
  let netOptionGiven = false;
  let incoming: string | undefined;
  let cpu: string | undefined;
  const globals: GlobalOption[] = [];
  const nics: Map<string, string>[] = [];
  const devices: DeviceOption[] = [];
  /** `-object` memory backends by id: their `size` is the RAM of `-machine memory-backend=ID`. */
  const backendSizes = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) continue;
    const name = arg.replace(/^--?/, '');
    if (FLAG_OPTIONS.has(name)) {
      if (name === 'nodefaults') nodefaults = true;
      continue;
    }
    const value = args[i + 1];
    i++;
    if (value === undefined) return { ok: false, message: `option ${arg} needs a value` };
    switch (name) {
      case 'machine':
      case 'M': {
        const kv = parseKeyval(value, 'type');
        const type = kv.get('type');
        if (type !== undefined) machine = type;
        machineProps = new Map([...machineProps, ...kv]);
        break;
      }
      case 'm': {
        const kv = parseKeyval(value, 'size');
        const size = kv.get('size');
        if (size !== undefined) {
          const bytes = parseSize(size, 1024 * 1024);
          if (bytes === undefined) return { ok: false, message: `-m ${value}: not a size` };
          memory = bytes;
        }
        break;
      }
      case 'vga':
        vga = value;
        break;
      case 'netdev':
        netOptionGiven = true;
        break;
      case 'nic':
        netOptionGiven = true;
        if (value !== 'none') nics.push(parseKeyval(value, 'type'));
        break;
      case 'net': {
        netOptionGiven = true;
        const kv = parseKeyval(value, 'type');
        if (kv.get('type') === 'nic') nics.push(kv);
        break;
      }
      case 'device': {
        const dev = parseDevice(value, devices.length);
        if (dev === undefined) return { ok: false, message: `-device ${value}: no driver` };
        devices.push(dev);
        break;
      }
      case 'incoming':
        incoming = value;
        break;
      case 'object': {
        const o = readProps(value, 'qom-type');
        const id = o?.get('id');
        const size = o?.get('size');
        if (id !== undefined && size !== undefined && (o?.get('qom-type') ?? '').startsWith('memory-backend')) backendSizes.set(id, size);
        break;
      }
      case 'global': {
        const g = parseGlobal(value);
        if (g === undefined) return { ok: false, message: `-global ${value}: expected DRIVER.PROPERTY=VALUE` };
        globals.push(g);
        break;
      }
      case 'cpu':
        cpu = parseKeyval(value, 'model').get('model');
        break;
      default:
        break;
    }
  }
  const backend = machineProps.get('memory-backend');
  if (memory === undefined && backend !== undefined) {
    // A backend's size is in bytes unless suffixed (qom property `size`, not `-m`'s MiB).
    const size = backendSizes.get(backend);
    if (size !== undefined) memory = parseSize(size, 1);
  }
  return { ok: true, value: { program, args, machine, machineProps, memory, nodefaults, vga, nics, netOptionGiven, devices, incoming, globals, cpu } };
}

/** A command line with one more `-device` (first or last); what a "plus device" case needs. */
export function withDevice(cmd: QemuCommandLine, driver: string, where: 'first' | 'last'): QemuCommandLine {
  const added: DeviceOption = { driver, props: new Map(), index: 0, text: driver };
  const list = where === 'first' ? [added, ...cmd.devices] : [...cmd.devices, added];
  return { ...cmd, devices: list.map((d, index) => ({ ...d, index })) };
}

/** A command line without the `-device` options of this driver. */
export function withoutDevice(cmd: QemuCommandLine, driver: string): QemuCommandLine {
  return { ...cmd, devices: cmd.devices.filter((d) => d.driver !== driver).map((d, index) => ({ ...d, index })) };
}

function pickCommand(text: string): string[] | undefined {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const lines = joined.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  for (const line of lines) {
    const tokens = shellSplit(line);
    if (tokens.some((t) => PROGRAM.test(t))) return tokens;
  }
  const first = lines[0];
  return first === undefined ? undefined : shellSplit(first);
}

/** POSIX-shell-like word splitting: quotes and backslashes, no expansion. */
export function shellSplit(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** QemuOpts text: `a,b=c,d=e` with `,,` as an escaped comma; the first bare item is `implied`. */
function parseKeyval(text: string, implied: string): Map<string, string> {
  const out = new Map<string, string>();
  const items: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ',' && text[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (c === ',') {
      items.push(cur);
      cur = '';
    } else cur += c;
  }
  items.push(cur);
  items.forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (i === 0) out.set(implied, item);
      else out.set(item, 'on');
    } else out.set(item.slice(0, eq), item.slice(eq + 1));
  });
  return out;
}

function parseDevice(value: string, index: number): DeviceOption | undefined {
  const props = readProps(value, 'driver');
  const driver = props?.get('driver');
  if (props === undefined || driver === undefined || driver === '') return undefined;
  props.delete('driver');
  return { driver, props, index, text: value };
}

/**
 * An option's properties, from JSON (`{"driver":"virtio-net-pci","multifunction":true}`, as
 * libvirt >= 7 writes `-device`/`-object`) or QemuOpts text. JSON booleans become `on`/`off`, the
 * words QemuOpts uses, so both forms compare equal; nested objects (`-blockdev`'s `file`) are
 * left out.
 */
function readProps(value: string, implied: string): Map<string, string> | undefined {
  if (!value.trimStart().startsWith('{')) return parseKeyval(value, implied);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const props = new Map<string, string>();
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || typeof v === 'number') props.set(k, String(v));
    else if (typeof v === 'boolean') props.set(k, v ? 'on' : 'off');
  }
  return props;
}

/** `virtio-net-pci.rx_queue_size=1024`, or the long form `driver=D,property=P,value=V`. */
function parseGlobal(value: string): GlobalOption | undefined {
  const kv = parseKeyval(value, '');
  const driver = kv.get('driver');
  const property = kv.get('property');
  const v = kv.get('value');
  if (driver !== undefined && property !== undefined && v !== undefined) return { driver, property, value: v };
  const eq = value.indexOf('=');
  if (eq < 0) return undefined;
  const key = value.slice(0, eq);
  const dot = key.lastIndexOf('.');
  if (dot <= 0 || dot === key.length - 1) return undefined;
  return { driver: key.slice(0, dot), property: key.slice(dot + 1), value: value.slice(eq + 1) };
}

/** `64M`, `1G`, `512` (in `unit`s), `0x1000` → bytes. */
export function parseSize(text: string, unit: number): number | undefined {
  const m = /^(0x[0-9a-f]+|\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?$/.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const suffix = (m[2] ?? '').toUpperCase();
  const mult = suffix === 'K' ? 1024 : suffix === 'M' ? 1024 ** 2 : suffix === 'G' ? 1024 ** 3 : suffix === 'T' ? 1024 ** 4 : unit;
  return Math.round(n * mult);
}
