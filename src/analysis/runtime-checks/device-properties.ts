/**
 * The value a destination device's property ends up with, as QEMU sets it: the type's default
 * (`-device NAME,help` of the destination build), overridden by the machine type's compat
 * properties (`query-machines` with `"compat-props": true`, 9.1 and later), overridden by
 * `-global`, overridden by the `-device` option itself (qdev's order: class defaults, then
 * object_apply_compat_props() — machine compat before user `-global` — then the option's own
 * properties).
 *
 * A compat or global property names a QOM type and applies to every object of that type or a
 * subtype, so the caller passes the device's type chain as far as a check cares (e.g.
 * `virtio-net-pci`, `virtio-pci`, `pci-device`, and its backend `virtio-net-device`,
 * `virtio-device`). What is not known stays unknown: compat properties of a build older than 9.1
 * (no `query-machines` reports them), defaults of a build whose `-device help` is not at hand.
 */
import type { DevicePropertiesHelp } from '../../manifest/device-properties.ts';
import { normalisePropertyValue } from '../../manifest/device-properties.ts';
import type { CompatProperty } from '../../manifest/query-machines.ts';
import type { DeviceOption, GlobalOption } from '../explain/qemu-cmdline.ts';
import type { DestinationInput } from './model.ts';

export interface PropertySources {
  /** Defaults of the destination build, by device type. */
  readonly defaults: DevicePropertiesHelp | undefined;
  /** The destination machine type's compat properties; undefined when not known. */
  readonly compat: readonly CompatProperty[] | undefined;
  /** Why compat properties are not known, for the at-risk text. */
  readonly compatUnknownWhy?: string | undefined;
  /** `-global` options of the destination command line; undefined without a command line. */
  readonly globals: readonly GlobalOption[] | undefined;
}

export type PropertyOrigin = 'device option' | '-global' | 'machine compat property' | 'default';

export type EffectiveProperty =
  | { readonly known: true; readonly value: string; readonly origin: PropertyOrigin; readonly detail: string }
  | { readonly known: false; readonly missing: DestinationInput; readonly why: string };

/**
 * What the sources say the machine types' compat arrays do to one property, for builds whose
 * compat properties no reply lists: `value` undefined means no hw_compat array sets it for this
 * machine type.
 */
export interface KnownCompat {
  readonly value: string | undefined;
  readonly why: string;
}

/**
 * `types` lists the device's QOM type first, then the types whose compat / global properties
 * reach it (parents, and for a virtio proxy its backend's chain, whose properties the proxy
 * forwards). `option` is the device's own `-device` option when the command line is known.
 */
/**
 * `sourceDefault`: the default as read from QEMU's source for every release the caller covers,
 * used when the destination build's `-device help` is not at hand.
 */
export function effectiveProperty(
  sources: PropertySources,
  types: readonly string[],
  property: string,
  option: DeviceOption | undefined,
  knownCompat?: KnownCompat,
  sourceDefault?: KnownCompat,
): EffectiveProperty {
  const own = option?.props.get(property);
  if (own !== undefined) return { known: true, value: normalisePropertyValue(own), origin: 'device option', detail: `-device ${option?.driver ?? types[0] ?? ''},${property}=${own}` };
  if (sources.globals !== undefined) {
    for (let i = sources.globals.length - 1; i >= 0; i--) {
      const g = sources.globals[i];
      if (g !== undefined && g.property === property && types.includes(g.driver)) {
        return { known: true, value: normalisePropertyValue(g.value), origin: '-global', detail: `-global ${g.driver}.${g.property}=${g.value}` };
      }
    }
  }
  if (sources.compat === undefined) {
    if (knownCompat === undefined) return { known: false, missing: '--dest-sample', why: sources.compatUnknownWhy ?? "the destination machine type's compat properties are not known" };
    if (knownCompat.value !== undefined) return { known: true, value: knownCompat.value, origin: 'machine compat property', detail: knownCompat.why };
  }
  // Later compat entries win (newer hw_compat arrays are applied after older ones).
  for (let i = (sources.compat?.length ?? 0) - 1; i >= 0; i--) {
    const c = sources.compat?.[i];
    if (c !== undefined && c.property === property && types.includes(c.qomType)) {
      return { known: true, value: normalisePropertyValue(c.value), origin: 'machine compat property', detail: `${c.qomType}.${c.property}=${c.value}` };
    }
  }
  if (sources.defaults === undefined) {
    if (sourceDefault?.value !== undefined) return { known: true, value: sourceDefault.value, origin: 'default', detail: sourceDefault.why };
    return { known: false, missing: '--dest-version', why: `the destination build's -device ${types[0] ?? ''},help is not known` };
  }
  for (const t of types) {
    const p = sources.defaults.devices.get(t)?.get(property);
    if (p?.defaultValue !== undefined) return { known: true, value: p.defaultValue, origin: 'default', detail: `${t}'s default` };
  }
  return { known: false, missing: '--dest-sample', why: `the destination build prints no default for ${types[0] ?? ''}.${property}` };
}
