/**
 * What is known of the destination, as `explain` and `check --stream` take it: the `--dest-*`
 * options, their spelling and the reading of the files they name into one
 * `DestinationKnowledge`. Both commands read them here, so an option means the same, and fails
 * with the same message, in each.
 */
import type { DecodeResult } from '../format/index.ts';
import { formatInputError } from '../manifest/index.ts';
import { parseDevicePropertiesHelp } from '../manifest/device-properties.ts';
import { parseMachineCatalog } from '../analysis/explain/machines-list.ts';
import type { DestinationKnowledge } from '../analysis/explain/predict.ts';
import { parseQemuCommandLine } from '../analysis/explain/qemu-cmdline.ts';
import { parseQemuVersion } from '../analysis/explain/qemu-version.ts';
import type { OptionSpec } from './arguments.ts';
import { decodeFile, loadManifest, readText } from './input-files.ts';

export type DestinationKey = 'manifest' | 'machine' | 'machines' | 'cmdline' | 'version' | 'sample' | 'deviceHelp';

/** Each destination input's option and what it needs, for readArguments and the usage texts. */
export const DESTINATION_OPTIONS: Readonly<Record<DestinationKey, { readonly option: string; readonly needs: string }>> = {
  manifest: { option: '--dest-manifest', needs: 'a file' },
  machine: { option: '--dest-machine', needs: 'a machine type' },
  machines: { option: '--dest-machines', needs: 'a file' },
  cmdline: { option: '--dest-cmdline', needs: 'a file' },
  version: { option: '--dest-version', needs: 'a QEMU version' },
  sample: { option: '--dest-sample', needs: 'a stream file' },
  deviceHelp: { option: '--dest-device-help', needs: 'a file' },
};

/** The option specs of the destination inputs a command takes. */
export function destinationOptionSpecs(keys: readonly DestinationKey[]): Record<string, OptionSpec> {
  return Object.fromEntries(keys.map((k) => [DESTINATION_OPTIONS[k].option, { needs: DESTINATION_OPTIONS[k].needs }]));
}

/** The destination input an option names, when it is one of `keys`. */
export function destinationKeyOf(option: string | null, keys: readonly DestinationKey[]): DestinationKey | undefined {
  return keys.find((k) => DESTINATION_OPTIONS[k].option === option);
}

/** The values given, by input: what the command line said, before any file is read. */
export type DestinationArgs = Partial<Record<DestinationKey, string>>;

/**
 * Reads every given input into what the predictions and checks take, or the one line the CLI
 * prints after `error: `.
 */
export async function readDestination(args: DestinationArgs): Promise<{ readonly ok: true; readonly value: DestinationKnowledge } | { readonly ok: false; readonly error: string }> {
  const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
  const dest: { -readonly [K in keyof DestinationKnowledge]: DestinationKnowledge[K] } = {};
  if (args.version !== undefined) {
    const v = parseQemuVersion(args.version);
    if (v === undefined) return fail(`--dest-version '${args.version}' is not a QEMU version (e.g. 7.2)`);
    dest.version = v;
  }
  if (args.machine !== undefined) dest.machine = args.machine;
  if (args.manifest !== undefined) {
    const m = await loadManifest(args.manifest);
    if (!m.ok) return fail(formatInputError(m.error));
    dest.manifest = m.value;
  }
  if (args.machines !== undefined) {
    const text = await readText(args.machines);
    if (typeof text !== 'string') return fail(text.error);
    const m = parseMachineCatalog(text, args.machines);
    if (!m.ok) return fail(formatInputError(m.error));
    dest.machines = m.value;
  }
  if (args.cmdline !== undefined) {
    const text = await readText(args.cmdline);
    if (typeof text !== 'string') return fail(text.error);
    const c = parseQemuCommandLine(text);
    if (!c.ok) return fail(`${args.cmdline}: ${c.message}`);
    dest.cmdline = c.value;
  }
  if (args.deviceHelp !== undefined) {
    const text = await readText(args.deviceHelp);
    if (typeof text !== 'string') return fail(text.error);
    const help = parseDevicePropertiesHelp(text);
    if (help.devices.size === 0) return fail(`${args.deviceHelp}: no '-device NAME,help' output found (expected 'NAME options:' and property lines)`);
    dest.deviceProperties = help;
  }
  if (args.sample !== undefined) {
    const sample = await readSample(args.sample);
    if (!sample.ok) return fail(`--dest-sample ${sample.error}`);
    dest.sample = sample.value;
  }
  return { ok: true, value: dest };
}

/** A destination sample: a stream that decodes whole, or why not (starting with the file name). */
export async function readSample(file: string): Promise<{ readonly ok: true; readonly value: DecodeResult } | { readonly ok: false; readonly error: string }> {
  const sample = await decodeFile(file);
  if ('error' in sample) return { ok: false, error: sample.error };
  const e = sample.result.error;
  // A sample is evidence about the destination only where it decodes: a damaged one would
  // answer for queues and registers it does not really show.
  if (e !== undefined) return { ok: false, error: `${file}: the stream does not decode (${e.code} at 0x${e.offset.toString(16)}: ${e.message})` };
  return { ok: true, value: sample.result };
}
