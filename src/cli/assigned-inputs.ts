/**
 * The inputs `migscope hosts` reads for assigned devices: the VM's command line or libvirt
 * domain XML (which devices), each mdev's mdevctl config (which type; the file is named by the
 * mdev's uuid, as in /etc/mdevctl.d/<parent>/<uuid>), and the source host's type listing (the
 * type's `compatible_type` traits, when it has them).
 */
import { basename } from 'node:path';
import { assignedFromText, mdevTypeFromConfig, withMdevTypes, type AssignedDevice } from '../analysis/assigned-hosts.ts';
import { looksLikeMdevTypes, parseMdevTypes, type MdevHostTypes } from '../manifest/mdev-types.ts';
import { readInputText } from './input-files.ts';

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

async function text(file: string): Promise<Read<string>> {
  const t = await readInputText(file);
  return t.ok ? t : { ok: false, error: `${file}: ${t.error.message}` };
}

/** A host file that is an mdev type listing, parsed; undefined when it is not one. */
export async function readMdevTypesIfAny(file: string): Promise<Read<MdevHostTypes> | undefined> {
  const t = await text(file);
  if (!t.ok || !looksLikeMdevTypes(t.value)) return undefined;
  const parsed = parseMdevTypes(t.value, file);
  return parsed.ok ? parsed : { ok: false, error: `${file}: line ${parsed.error.line}: ${parsed.error.message}` };
}

export async function readAssigned(vmFile: string, mdevConfigs: readonly string[], sourceTypes: string | undefined): Promise<Read<AssignedDevice[]>> {
  const t = await text(vmFile);
  if (!t.ok) return t;
  const read = assignedFromText(t.value);
  if (!read.ok) return { ok: false, error: `${vmFile}: ${read.message}` };
  const devices = read.devices;
  const types = new Map<string, string>();
  for (const f of mdevConfigs) {
    const c = await text(f);
    if (!c.ok) return c;
    const type = mdevTypeFromConfig(c.value);
    if (type === undefined) return { ok: false, error: `${f}: $: not an mdevctl device config (a JSON object with "mdev_type")` };
    types.set(basename(f).toLowerCase(), type);
  }
  let source: MdevHostTypes | undefined;
  if (sourceTypes !== undefined) {
    const s = await readMdevTypesIfAny(sourceTypes);
    if (s === undefined) return { ok: false, error: `${sourceTypes}: $: not an mdev type listing (mdevctl types --dumpjson, or /sys/class/mdev_bus/... lines)` };
    if (!s.ok) return s;
    source = s.value;
  }
  return { ok: true, value: withMdevTypes(devices, types, source) };
}
