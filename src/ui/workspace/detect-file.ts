/**
 * What a dropped file is, told from its first bytes, never from its name: users rename files,
 * compress them, and drop whatever their ticket had attached.
 *
 * `sniffContent` is pure (bytes in, verdict out); `detectFile` only adds the reading: a slice of
 * the blob, inflated first when it is gzip (or a libvirt save image with a gzip payload). Only
 * the Web platform is used (Blob, DecompressionStream), so it runs the same in the browser, in
 * a worker and in Node's test runner.
 */
import { readDestInput } from '../../analysis/explain/dest-log-input.ts';
import { parseQemuCommandLine } from '../../analysis/explain/qemu-cmdline.ts';
import type { LabelKind } from '../../analysis/release-evidence.ts';
import { qemuVersionInText } from '../../analysis/release-label.ts';
import { looksLikeRunResults } from '../../analysis/run-results.ts';
import { looksLikeDevicePropertiesHelp } from '../../manifest/device-properties.ts';
import { looksLikeMdevTypes } from '../../manifest/mdev-types.ts';
import { parseLogLine } from '../../trace/log-line.ts';

/** The kinds a file can be; release-evidence.ts (which labels files by build) reads the same. */
export type FileKind = LabelKind;

/** What the content was wrapped in. */
export type Wrapping = 'none' | 'gzip' | 'libvirt' | 'libvirt+gzip';

/** Trace logs: which end of the migration wrote them, from the event names. */
export type LogSide = 'save' | 'load';

export interface Detection {
  readonly kind: FileKind;
  readonly wrapping: Wrapping;
  /** Trace logs only. */
  readonly side?: LogSide;
  /** Manifests (`vmschkmachine`) and command lines (`-machine`): the machine type named. */
  readonly machine?: string;
  /** A QEMU version the content names (a libvirt log's header, a QMP greeting, a .cmd file's comment). */
  readonly version?: string;
  /** One line on why: what was found where. Shown to the user as text. */
  readonly detail: string;
}

/** Content inspected: enough for a QMP wrapper's command line to be followed by its key. */
export const SNIFF_BYTES = 64 * 1024;
/** A gzip header that inflates to nothing within this much input is not worth waiting on. */
const MAX_GZIP_SNIFF_INPUT = 1024 * 1024;
/** Fed to the inflater in pieces this small, so a run of zeros cannot inflate to gigabytes at once. */
const INFLATE_PIECE = 4096;

const LIBVIRT_MAGICS = ['LibvirtQemudSave', 'LibvirtQemudPart'];
const LIBVIRT_HEADER_BYTES = 92;

/** Detects a file by content: reads at most a few hundred KiB of it. */
export async function detectFile(blob: Blob): Promise<Detection> {
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  if (isGzip(head)) {
    const inflated = await inflateHead(blob, SNIFF_BYTES);
    if (inflated === undefined) return { kind: 'unknown', wrapping: 'gzip', detail: 'gzip data that could not be inflated' };
    return { ...sniffContent(inflated.bytes, inflated.truncated), wrapping: 'gzip' };
  }
  const magic = latin1(head.subarray(0, 16));
  if (LIBVIRT_MAGICS.includes(magic)) return detectLibvirt(blob, head);
  return { ...sniffContent(head, blob.size > head.length), wrapping: 'none' };
}

/**
 * What the (already unwrapped) bytes hold. `truncated`: the bytes are only the start of the
 * content, so a last partial line is not judged.
 */
export function sniffContent(head: Uint8Array, truncated: boolean): Omit<Detection, 'wrapping'> {
  if (head.length >= 4 && latin1(head.subarray(0, 4)) === 'QEVM') {
    return { kind: 'stream', detail: `QEMU migration stream (QEVM magic, format version ${be32(head, 4)})` };
  }
  if (head.length === 0) return { kind: 'unknown', detail: 'empty file' };
  if (looksBinary(head)) return { kind: 'unknown', detail: 'binary data without a known magic number' };

  let text = new TextDecoder('utf-8').decode(head);
  if (truncated) {
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline > 0) text = text.slice(0, lastNewline);
  }
  text = text.replace(/^\uFEFF/, '');
  const found = sniffText(text);
  // The build a text names is release evidence (release-evidence.ts); a manifest names none.
  const version = found.kind !== 'vmstate-manifest' ? qemuVersionInText(text) : undefined;
  return version !== undefined ? { ...found, version } : found;
}

function sniffText(text: string): Omit<Detection, 'wrapping'> {
  const start = text.trimStart();
  const wrapped = sniffDestWrapper(text);
  if (wrapped !== undefined) return wrapped;
  // Before JSON: `mdevctl types --dumpjson` is an array too.
  if (looksLikeMdevTypes(start)) return sniffMdevTypes(start);
  if (start.startsWith('{') || start.startsWith('[')) return sniffJson(start);
  const domain = sniffDomainXml(start);
  if (domain !== undefined) return domain;
  // Before the log lines: its first_error_line column quotes QEMU's messages.
  if (looksLikeRunResults(text)) {
    const rows = text.split('\n').filter((l) => l.trim() !== '').length - 1;
    return { kind: 'load-outcomes', detail: `load outcomes (CSV with src_version, dst_version, machine, config, outcome; ${rows} rows in the first ${Math.ceil(text.length / 1024)} KiB)` };
  }
  return sniffLines(text);
}

/**
 * The destination's log as libvirt, virsh or QMP gave it (src/analysis/explain/dest-log-input.ts
 * reads it the same way): a libvirt domain log, virsh's error output, `query-migrate` replies.
 * All are load logs for the Explain view, except a libvirt log of a QEMU not started with
 * `-incoming` (a source's).
 */
function sniffDestWrapper(text: string): Omit<Detection, 'wrapping'> | undefined {
  const input = readDestInput(text);
  const o = input.origin;
  if (o.format === 'libvirt-log') {
    const run = o.run;
    const cmd = run?.commandLine !== undefined ? parseQemuCommandLine(run.commandLine) : undefined;
    const machine = cmd?.ok === true ? cmd.value.machine : undefined;
    const parts = [
      run?.qemuVersion !== undefined ? `QEMU ${run.qemuVersion}` : undefined,
      run?.libvirtVersion !== undefined ? `libvirt ${run.libvirtVersion}` : undefined,
      machine !== undefined ? `-machine ${machine}` : undefined,
      o.runs > 1 ? `${o.runs} starts` : undefined,
      run?.incoming === true ? 'started with -incoming' : undefined,
      run?.shutdownReason !== undefined ? `reason=${run.shutdownReason}` : undefined,
    ].filter((p) => p !== undefined);
    const side: LogSide = run === undefined || run.incoming || input.bareErrors.length > 0 ? 'load' : 'save';
    return { kind: 'trace-log', side, ...(machine !== undefined ? { machine } : {}), detail: `libvirt domain log${parts.length > 0 ? ` (${parts.join(', ')})` : ''}` };
  }
  if (o.format === 'virsh') {
    const first = o.libvirtErrors.find((e) => !e.startsWith('Failed to ')) ?? o.libvirtErrors[0] ?? '';
    return { kind: 'trace-log', side: 'load', detail: `virsh error output: ${clip(first)}` };
  }
  if (o.format === 'qmp') {
    const desc = input.bareErrors[0];
    return { kind: 'trace-log', side: 'load', detail: `QMP migration replies (status ${o.migrationStatus ?? '?'})${desc !== undefined ? `: ${clip(desc)}` : ''}` };
  }
  return undefined;
}

function sniffMdevTypes(text: string): Omit<Detection, 'wrapping'> {
  if (text.startsWith('/sys/')) {
    const types = new Set([...text.matchAll(/^\/sys\/class\/mdev_bus\/[^/\n]+\/mdev_supported_types\/([^/\n]+)\//gm)].map((m) => m[1]));
    return { kind: 'mdev-types', detail: `mdev types from sysfs (/sys/class/mdev_bus/…; ${types.size} type${types.size === 1 ? '' : 's'} in the first lines)` };
  }
  return { kind: 'mdev-types', detail: 'mdev types (mdevctl types --dumpjson)' };
}

/**
 * A libvirt domain definition (`virsh dumpxml`), for the VM's `<hostdev>` devices; a
 * `<domainsnapshot>` or a capabilities document is not one.
 */
function sniffDomainXml(text: string): Omit<Detection, 'wrapping'> | undefined {
  const body = text.replace(/^(?:<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*)*/, '');
  if (!/^<domain[\s>]/.test(body)) return undefined;
  const name = /<name>([^<]{1,200})<\/name>/.exec(body)?.[1];
  const machine = /<type\b[^>]*\bmachine=['"]([^'"]+)['"]/.exec(body)?.[1];
  const hostdevs = body.match(/<hostdev\b/g)?.length ?? 0;
  const parts = [name !== undefined ? `'${clip(name, 60)}'` : undefined, machine !== undefined ? `machine ${machine}` : undefined, `${hostdevs} hostdev${hostdevs === 1 ? '' : 's'}`].filter((p) => p !== undefined);
  return { kind: 'domain-xml', ...(machine !== undefined ? { machine } : {}), detail: `libvirt domain XML (${parts.join(', ')})` };
}

function sniffJson(text: string): Omit<Detection, 'wrapping'> {
  // mdevctl's device config (/etc/mdevctl.d/<parent>/<uuid>): {"mdev_type": ..., "start": ..., "attrs": [...]}.
  if (text.startsWith('{') && /^\{\s*(?:"[a-z_]+"\s*:\s*(?:"[^"]*"|\[[^\]]*\]|[\w.]+)\s*,\s*)*"mdev_type"\s*:\s*"([^"]+)"/.test(text)) {
    const type = /"mdev_type"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? '';
    return { kind: 'mdev-config', detail: `mdevctl device config (mdev_type ${clip(type, 60)})` };
  }
  const machine = /"vmschkmachine"\s*:\s*\{\s*"Name"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  if (machine !== null) {
    return { kind: 'vmstate-manifest', machine: machine[1] ?? '', detail: `-dump-vmstate manifest (vmschkmachine ${machine[1] ?? ''})` };
  }
  if (text.includes('"vmschkmachine"') || (/"Name"\s*:/.test(text) && /"version_id"\s*:/.test(text) && /"Description"\s*:/.test(text))) {
    return { kind: 'vmstate-manifest', detail: '-dump-vmstate manifest (device entries with Name, version_id, Description)' };
  }
  // A machine entry has these besides "name"; other QMP replies are arrays of other things.
  const machineEntry = /"(?:cpu-max|hotpluggable-cpus|default-cpu-type|numa-mem-supported)"\s*:/.test(text) && /"name"\s*:/.test(text);
  if (/"query-machines"\s*:/.test(text) && machineEntry) return { kind: 'query-machines', detail: 'query-machines reply (saved with its command line)' };
  if (machineEntry && (/^\{\s*"return"\s*:\s*\[/.test(text) || text.startsWith('['))) {
    return { kind: 'query-machines', detail: 'QMP query-machines reply' };
  }
  // migscope device-manifest's output and the 2020 device-model shape: [{"model": ...}, ...].
  if (/^\[\s*\{\s*"model"\s*:/.test(text)) return { kind: 'device-models', detail: 'device-model manifest (model, params, versions)' };
  return { kind: 'unknown', detail: 'JSON, but neither a -dump-vmstate manifest nor a query-machines reply' };
}

/** Lines looked at for a trace log: thousands of lines of one event type would be no clearer. */
const MAX_SNIFF_LINES = 4000;

const SAVE_EVENT = /^(?:savevm_|vmstate_save|migration_)/;
const LOAD_EVENT = /^(?:qemu_loadvm_|loadvm_|vmstate_load|vmstate_n_elems|vmstate_subsection_load)/;
/** `-msg guest-name=on` names; anything else before the program (a CSV row quoting a log) is not a log line. */
const GUEST_NAME = /^[\w.-]+$/;
const DEVICE_ENTRY = /^name "(?:[^"\\]|\\.)*"/;
const QEMU_PROGRAM = /(?:^|\/)(?:qemu-system-[\w.-]+|qemu-kvm|qemu)$/;
/** Options only a QEMU command line has; a line with two of them is one. */
const QEMU_OPTION = /(?:^|\s)-(?:machine|M|device|accel|enable-kvm|nodefaults|netdev|drive|blockdev|cpu|smp|incoming|chardev|qmp)(?=[\s=]|$)/g;

function sniffLines(text: string): Omit<Detection, 'wrapping'> {
  // First: a device type named qemu-xhci would otherwise pass for a QEMU message line.
  const properties = devicePropertiesIn(text);
  if (properties !== undefined) return properties;
  const lines = text.split('\n', MAX_SNIFF_LINES);

  let deviceEntries = 0;
  let events = 0;
  let saveEvents = 0;
  let loadEvents = 0;
  let qemuMessages = 0;
  let firstMessage: string | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (DEVICE_ENTRY.test(line)) {
      deviceEntries++;
      return;
    }
    const parsed = parseLogLine(raw, i + 1);
    // A bare name without the space QEMU prints after it is a `-trace help` list, not a log.
    if (parsed.kind === 'event' && (parsed.prefix !== 'bare' || raw.trimEnd().length > parsed.name.length || raw.endsWith(' '))) {
      events++;
      if (SAVE_EVENT.test(parsed.name)) saveEvents++;
      else if (LOAD_EVENT.test(parsed.name)) loadEvents++;
    } else if (parsed.kind === 'message' && /^qemu/.test(parsed.program) && (parsed.guest === undefined || GUEST_NAME.test(parsed.guest))) {
      qemuMessages++;
      firstMessage ??= parsed.text;
    }
  });

  if (deviceEntries >= 2 && deviceEntries >= events) {
    return { kind: 'device-help', detail: `-device help list (${deviceEntries} devices in the first ${Math.ceil(text.length / 1024)} KiB)` };
  }
  if (events >= 3 || (events >= 1 && qemuMessages >= 1) || qemuMessages >= 1) {
    // Error lines only come from the destination in these logs: the source's are not traced.
    const side: LogSide = loadEvents > saveEvents || (events === 0 && qemuMessages > 0) ? 'load' : 'save';
    if (qemuMessages > 0) {
      const what = events > 0 ? `${qemuMessages} QEMU message line${qemuMessages === 1 ? '' : 's'} and ${events} trace events` : `${qemuMessages} QEMU message line${qemuMessages === 1 ? '' : 's'}, no trace events`;
      return { kind: 'trace-log', side, detail: `QEMU output with ${what}; first message: ${clip(firstMessage ?? '')}` };
    }
    return { kind: 'trace-log', side, detail: `trace log, ${side} side (${events} events in the first lines)` };
  }

  const command = commandLineIn(lines);
  if (command !== undefined) return command;
  return { kind: 'unknown', detail: 'text that is not a trace log, device list or QEMU command line' };
}

/** `NAME options:`, the header qdev_device_help() prints above a device type's properties. */
const OPTIONS_HEADER = /^([A-Za-z0-9_.,+-]+) options:\r?$/gm;

/**
 * `-device NAME,help` output (one or more device types, with their properties and defaults).
 * `-machine M,help` prints the same shape under `M-machine options:`: that is not a device's.
 */
function devicePropertiesIn(text: string): Omit<Detection, 'wrapping'> | undefined {
  if (!looksLikeDevicePropertiesHelp(text)) return undefined;
  const types = [...text.matchAll(OPTIONS_HEADER)].map((m) => m[1] ?? '').filter((name) => !name.endsWith('-machine'));
  if (types.length === 0) return undefined;
  const shown = types.slice(0, 3).join(', ');
  return { kind: 'device-properties', detail: `-device NAME,help output: the properties and defaults of ${shown}${types.length > 3 ? ` and ${types.length - 3} more device types` : ''}` };
}

/** A command line is what the file is about: it comes first, after comments at most. */
const COMMAND_LINE_WITHIN = 5;

function commandLineIn(lines: readonly string[]): Omit<Detection, 'wrapping'> | undefined {
  let seen = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (++seen > COMMAND_LINE_WITHIN) return undefined;
    const tokens = line.split(/\s+/);
    const programAt = tokens.findIndex((t) => QEMU_PROGRAM.test(t.replace(/^["']|["']$/g, '')));
    const options = line.match(QEMU_OPTION)?.length ?? 0;
    if ((programAt >= 0 && tokens.length > programAt + 1 && tokens[programAt + 1]?.startsWith('-') === true) || options >= 2) {
      const machine = /(?:^|\s)-(?:machine|M)[\s=]+(?:type=)?([^\s,]+)/.exec(line)?.[1];
      const program = programAt >= 0 ? tokens[programAt] : undefined;
      const parts = [program !== undefined ? program.replace(/^.*\//, '') : 'QEMU options', machine !== undefined ? `-machine ${machine}` : undefined].filter((p) => p !== undefined);
      return { kind: 'command-line', ...(machine !== undefined ? { machine } : {}), detail: `QEMU command line (${parts.join(', ')})` };
    }
  }
  return undefined;
}

async function detectLibvirt(blob: Blob, head: Uint8Array): Promise<Detection> {
  if (head.length < LIBVIRT_HEADER_BYTES) return { kind: 'unknown', wrapping: 'libvirt', detail: 'libvirt save header cut short' };
  // Host byte order; libvirt hosts are little-endian in practice.
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const xmlLength = view.getUint32(20, true);
  const compressed = view.getUint32(28, true);
  const payloadAt = LIBVIRT_HEADER_BYTES + xmlLength;
  if (payloadAt > blob.size) return { kind: 'unknown', wrapping: 'libvirt', detail: `libvirt save header names ${xmlLength} bytes of XML the file does not have` };
  const payload = blob.slice(payloadAt);
  if (compressed === 1) {
    const inflated = await inflateHead(payload, 16);
    const isStream = inflated !== undefined && latin1(inflated.bytes.subarray(0, 4)) === 'QEVM';
    return { kind: 'stream', wrapping: 'libvirt+gzip', detail: `libvirt save image, gzip-compressed QEMU stream${isStream ? '' : ' (no QEVM magic after inflating)'}` };
  }
  const first = new Uint8Array(await payload.slice(0, 4).arrayBuffer());
  const isStream = latin1(first) === 'QEVM';
  const how = compressed === 0 ? 'raw' : `compression format ${compressed}, which migscope cannot read`;
  return { kind: 'stream', wrapping: 'libvirt', detail: `libvirt save image (${how})${compressed === 0 && !isStream ? ', no QEVM magic after the header' : ''}` };
}

/**
 * The first `want` inflated bytes of a gzip blob, or undefined when none come out. Stops
 * reading as soon as it has enough; the slice bounds the work on data that inflates to little.
 */
async function inflateHead(blob: Blob, want: number): Promise<{ readonly bytes: Uint8Array; readonly truncated: boolean } | undefined> {
  const input = blob.slice(0, MAX_GZIP_SNIFF_INPUT);
  const reader = input.stream().pipeThrough(inPieces(INFLATE_PIECE)).pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  try {
    while (total < want) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      parts.push(value);
      total += value.length;
    }
  } catch {
    // Damaged, or the slice ended inside the gzip data: what came out before still counts.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  if (total === 0) return undefined;
  const bytes = new Uint8Array(Math.min(total, want));
  let at = 0;
  for (const p of parts) {
    if (at >= bytes.length) break;
    const take = p.subarray(0, bytes.length - at);
    bytes.set(take, at);
    at += take.length;
  }
  return { bytes, truncated: !ended || total > want };
}

function inPieces(size: number): TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>> {
  return new TransformStream({
    transform(chunk, controller) {
      for (let at = 0; at < chunk.length; at += size) controller.enqueue(chunk.subarray(at, at + size));
    },
  });
}

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** NULs and other control bytes say binary; text files have tabs and newlines at most. */
function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i] as number;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control > n / 64;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function be32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) >>> 0) + ((bytes[at + 1] ?? 0) << 16) + ((bytes[at + 2] ?? 0) << 8) + (bytes[at + 3] ?? 0);
}

function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
