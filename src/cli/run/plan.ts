/**
 * What `migscope run` will run, before anything runs: the configurations (the whole device list,
 * then each device alone, all on `-nodefaults`), the machine types and the directions, each
 * load with its source save. Pure: the builds' answers (machine types, device properties) come
 * in as data.
 */
import { shellSplit } from '../../analysis/explain/qemu-cmdline.ts';
import type { DeviceProperty } from '../../manifest/device-properties.ts';

/** One `--device`: a driver with properties, or QEMU arguments as written (`-netdev ... -device ...`). */
export interface DeviceSpec {
  readonly text: string;
  /** The driver (`virtio-net-pci`); for raw arguments, the drivers of their `-device`s joined by `+`. */
  readonly name: string;
  /** Undefined for raw arguments: they are used as written. */
  readonly driver: string | undefined;
}

export function parseDeviceSpec(text: string): DeviceSpec | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('-')) {
    const words = shellSplit(t);
    const drivers = words.flatMap((w, i) => (w === '-device' && words[i + 1] !== undefined ? [(words[i + 1] as string).split(',')[0] as string] : []));
    return { text: t, name: drivers.length > 0 ? drivers.join('+') : t, driver: undefined };
  }
  const driver = t.split(',')[0] as string;
  return { text: t, name: t, driver };
}

/** Backends a driver needs to start, when its spec does not name one. */
export interface BackendNeeds {
  readonly netdev: boolean;
  readonly drive: boolean;
  readonly audiodev: boolean;
}

/**
 * The backends to add: a property the device has on both builds (`-device NAME,help`) and the
 * spec leaves unset gets a backend of its own: `-netdev user` (slirp: no host network is
 * touched), a raw 1 MiB disk of zeros, `-audiodev none`. Properties decide, not driver names:
 * a NIC has `netdev`, a disk `drive`.
 */
export function backendNeeds(spec: DeviceSpec, props: readonly (ReadonlyMap<string, DeviceProperty> | undefined)[]): BackendNeeds {
  const given = new Set(spec.text.split(',').slice(1).map((kv) => kv.split('=')[0]));
  const onAll = (p: string): boolean => spec.driver !== undefined && !given.has(p) && props.length > 0 && props.every((m) => m?.has(p) === true);
  return { netdev: onAll('netdev'), drive: onAll('drive'), audiodev: onAll('audiodev') };
}

/** The QEMU arguments of one device, its backends first; `n` makes their ids unique in a configuration. */
export function deviceArgs(spec: DeviceSpec, needs: BackendNeeds, n: number, disk: string): string[] {
  if (spec.driver === undefined) return shellSplit(spec.text);
  const before: string[] = [];
  const props: string[] = [];
  if (needs.netdev) {
    before.push('-netdev', `user,id=net${n}`);
    props.push(`netdev=net${n}`);
  }
  if (needs.drive) {
    before.push('-drive', `if=none,id=drive${n},file=${disk},format=raw`);
    props.push(`drive=drive${n}`);
  }
  if (needs.audiodev) {
    before.push('-audiodev', `none,id=audio${n}`);
    props.push(`audiodev=audio${n}`);
  }
  return [...before, '-device', [spec.text, ...props].join(',')];
}

export interface Configuration {
  /** `all`, a device's name, or `minimal` when there are no devices. */
  readonly name: string;
  /** For file names. */
  readonly slug: string;
  readonly devices: readonly string[];
  /** After `-machine M`: `-nodefaults` and the devices. */
  readonly args: readonly string[];
}

/**
 * The whole list, then each device alone; one configuration when there is one device (the two
 * would be the same), `-nodefaults` alone when there is none.
 */
export function configurations(specs: readonly DeviceSpec[], argsOf: (spec: DeviceSpec, n: number) => string[]): Configuration[] {
  if (specs.length === 0) return [{ name: 'minimal', slug: 'minimal', devices: [], args: ['-nodefaults'] }];
  const alone = specs.map((s, i) => ({ name: s.name, devices: [s.name], args: ['-nodefaults', ...argsOf(s, i)] }));
  const all = specs.length > 1 ? [{ name: 'all', devices: specs.map((s) => s.name), args: ['-nodefaults', ...specs.flatMap((s, i) => argsOf(s, i))] }] : [];
  // The same device twice (other properties, or a second instance): told apart by a number.
  const seen = new Map<string, number>();
  return [...all, ...alone].map((c) => {
    const k = (seen.get(fileSafe(c.name)) ?? 0) + 1;
    seen.set(fileSafe(c.name), k);
    return k === 1 ? { ...c, slug: fileSafe(c.name) } : { ...c, name: `${c.name} #${k}`, slug: `${fileSafe(c.name)}-${k}` };
  });
}

/** Names in file names keep letters, digits, `.`, `+`, `-`; anything else becomes `_`. */
export function fileSafe(text: string): string {
  return text.replace(/[^\w.+-]+/g, '_').slice(0, 80);
}

/**
 * The machine types to run: the named ones, or with `all` every type both builds offer
 * (aliases such as `pc` and `q35` left out: each build resolves them to its own newest type,
 * which the other refuses by name).
 */
export function machineTypes(asked: readonly string[], offered: readonly ReadonlySet<string>[]): string[] {
  if (!asked.includes('all')) return [...new Set(asked)];
  const [first, ...rest] = offered;
  const common = [...(first ?? [])].filter((m) => rest.every((o) => o.has(m)));
  return [...new Set([...asked.filter((m) => m !== 'all'), ...common.sort(compareMachineNames)])];
}

/** `pc-i440fx-5.2` < `pc-i440fx-10.0`: versions compare as numbers. */
function compareMachineNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
