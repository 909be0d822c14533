/**
 * `migscope explain <stream> [--dest-log FILE] [--dest-manifest FILE] [--dest-machine NAME]
 * [--dest-machines FILE] [--dest-cmdline FILE] [--dest-version V] [--json]`
 *
 * Why a load of this stream failed (with the destination's log) or whether it will (with what
 * is known of the destination). Exit 0: loads; 1: fails; 3: at risk (the inputs cannot settle
 * it; the output says why); 2: usage or unreadable input, with one `error:` line.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { decodeStream, type DecodeResult } from '../../format/index.ts';
import { formatInputError } from '../../manifest/index.ts';
import { explainLoad, explainResultToJson, explainResultToText } from '../../analysis/explain/explain.ts';
import { parseMachineCatalog } from '../../analysis/explain/machines-list.ts';
import type { DestinationKnowledge } from '../../analysis/explain/predict.ts';
import { parseQemuCommandLine } from '../../analysis/explain/qemu-cmdline.ts';
import { parseQemuVersion } from '../../analysis/explain/qemu-version.ts';
import { parseDevicePropertiesHelp } from '../../manifest/device-properties.ts';
import { openFileSource } from '../file-source.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { loadManifest } from './check.ts';

export const explainUsage = `usage: migscope explain <stream> [--dest-log FILE] [--dest-manifest FILE] [--dest-machine NAME]
                        [--dest-machines FILE] [--dest-cmdline FILE] [--dest-version V]
                        [--dest-sample STREAM] [--dest-device-help FILE] [--json]

Explains why loading a migration stream failed (with the destination's log), or predicts
whether it will (with what is known of the destination). Files may be gzip-compressed.

  --dest-log FILE       the destination QEMU's stderr (error and trace lines), its libvirt domain
                        log, virsh's error output, or QMP query-migrate replies; a libvirt log's
                        command line and QEMU release are used unless --dest-cmdline /
                        --dest-version are given
  --dest-manifest FILE  the destination binary's -dump-vmstate manifest
  --dest-machine NAME   the destination's -machine (default: from --dest-cmdline, else the manifest)
  --dest-machines FILE  the destination binary's -machine help output or query-machines reply
  --dest-cmdline FILE   the destination's command line (a qemu-system-* line; comment lines ignored)
  --dest-version V      the destination QEMU release, e.g. 7.2 (default: from --dest-machines)
  --dest-sample STREAM  a stream the destination build saved with the same configuration: its
                        queue sizes, register lists and RAM block sizes are facts about it
  --dest-device-help FILE  -device NAME,help output of the destination build (property defaults)
  --json                print the result as JSON

exit status: 0 loads, 1 fails, 3 at risk (the inputs cannot settle it), 2 usage or input error
`;

/** Text inputs are small; anything near this is not one. */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;

interface ExplainOptions {
  readonly stream: string;
  readonly log?: string | undefined;
  readonly manifest?: string | undefined;
  readonly machine?: string | undefined;
  readonly machines?: string | undefined;
  readonly cmdline?: string | undefined;
  readonly version?: string | undefined;
  readonly sample?: string | undefined;
  readonly deviceHelp?: string | undefined;
  readonly json: boolean;
}

type ValueKey = 'log' | 'manifest' | 'machine' | 'machines' | 'cmdline' | 'version' | 'sample' | 'deviceHelp';

const VALUE_OPTIONS: Readonly<Record<string, ValueKey>> = {
  '--dest-log': 'log',
  '--dest-manifest': 'manifest',
  '--dest-machine': 'machine',
  '--dest-machines': 'machines',
  '--dest-cmdline': 'cmdline',
  '--dest-version': 'version',
  '--dest-sample': 'sample',
  '--dest-device-help': 'deviceHelp',
};

const EXPLAIN_OPTIONS = {
  ...Object.fromEntries(Object.keys(VALUE_OPTIONS).map((name) => [name, { needs: 'a value' }])),
  '--json': {},
};

export function parseExplainArgs(args: readonly string[]): ExplainOptions | 'help' | string {
  const read = readArguments(args, EXPLAIN_OPTIONS);
  if (typeof read === 'string') return read;
  const values: Partial<Record<ValueKey, string>> = {};
  let json = false;
  const files: string[] = [];
  for (const { name, value } of read) {
    const key = name === null ? undefined : VALUE_OPTIONS[name];
    if (name === null) files.push(value);
    else if (key === undefined) json = true;
    else if (values[key] !== undefined) return `${name} given twice`;
    else values[key] = value;
  }
  const [stream, ...extra] = files;
  if (stream === undefined) return 'missing <stream>';
  if (extra.length > 0) return `one stream at a time (also got '${extra[0] ?? ''}')`;
  return { stream, json, ...values };
}

export async function explainCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseExplainArgs(args);
  if (parsed === 'help') {
    io.out(explainUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `explain: ${parsed} (see migscope explain --help)`);

  const dest: { -readonly [K in keyof DestinationKnowledge]: DestinationKnowledge[K] } = {};
  if (parsed.version !== undefined) {
    const v = parseQemuVersion(parsed.version);
    if (v === undefined) return usageError(io, `--dest-version '${parsed.version}' is not a QEMU version (e.g. 7.2)`);
    dest.version = v;
  }
  if (parsed.machine !== undefined) dest.machine = parsed.machine;
  if (parsed.manifest !== undefined) {
    const m = await loadManifest(parsed.manifest);
    if (!m.ok) return usageError(io, formatInputError(m.error));
    dest.manifest = m.value;
  }
  if (parsed.machines !== undefined) {
    const text = await readText(parsed.machines);
    if (typeof text !== 'string') return usageError(io, text.error);
    const m = parseMachineCatalog(text, parsed.machines);
    if (!m.ok) return usageError(io, formatInputError(m.error));
    dest.machines = m.value;
  }
  if (parsed.cmdline !== undefined) {
    const text = await readText(parsed.cmdline);
    if (typeof text !== 'string') return usageError(io, text.error);
    const c = parseQemuCommandLine(text);
    if (!c.ok) return usageError(io, `${parsed.cmdline}: ${c.message}`);
    dest.cmdline = c.value;
  }
  if (parsed.deviceHelp !== undefined) {
    const text = await readText(parsed.deviceHelp);
    if (typeof text !== 'string') return usageError(io, text.error);
    const help = parseDevicePropertiesHelp(text);
    if (help.devices.size === 0) return usageError(io, `${parsed.deviceHelp}: no '-device NAME,help' output found (expected 'NAME options:' and property lines)`);
    dest.deviceProperties = help;
  }
  if (parsed.sample !== undefined) {
    const sample = await decodeFile(parsed.sample);
    if ('error' in sample) return usageError(io, sample.error);
    if (sample.result.error !== undefined) return usageError(io, `--dest-sample ${parsed.sample}: the stream does not decode (${sample.result.error.code} at 0x${sample.result.error.offset.toString(16)}: ${sample.result.error.message})`);
    dest.sample = sample.result;
  }
  let log: string | undefined;
  if (parsed.log !== undefined) {
    const text = await readText(parsed.log);
    if (typeof text !== 'string') return usageError(io, text.error);
    log = text;
  }

  const decoded = await decodeFile(parsed.stream);
  if ('error' in decoded) return usageError(io, decoded.error);
  const result = explainLoad({
    stream: decoded.result,
    log,
    destination: Object.keys(dest).length > 0 ? dest : undefined,
  });
  io.out(parsed.json ? `${JSON.stringify(explainResultToJson(result), undefined, 2)}\n` : explainResultToText(result, parsed.stream));
  return result.verdict === 'loads' ? 0 : result.verdict === 'fails' ? 1 : 3;
}

async function decodeFile(path: string): Promise<{ result: DecodeResult } | { error: string }> {
  let source;
  try {
    source = await openFileSource(path);
  } catch (e) {
    return { error: `cannot open ${path}: ${errorText(e)}` };
  }
  try {
    return { result: await decodeStream(source) };
  } finally {
    await source.close();
  }
}

/** Reads a text input, gunzipping it when it starts with the gzip magic. */
async function readText(path: string): Promise<string | { error: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { error: `${path}: not a regular file` };
    if (info.size > MAX_TEXT_BYTES) return { error: `${path}: larger than ${MAX_TEXT_BYTES} bytes` };
    let bytes: Uint8Array = await readFile(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
    return new TextDecoder('utf-8').decode(bytes);
  } catch (e) {
    return { error: `cannot read ${path}: ${errorText(e)}` };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
