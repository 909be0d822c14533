/**
 * Reading the files the CLI's commands take: manifests, query-machines replies, device-model
 * manifests and `-device help` text recognised by content, migration streams, and plain text
 * inputs (command lines, logs); gzip-compressed or not. Node only.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { constants as zlibConstants, gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { decodeStream, formatDecodeError, type DecodeResult } from '../format/index.ts';
import {
  parseJson,
  parseVmstateManifest,
  queryMachinesFromJson,
  vmstateManifestFromJson,
  type InputError,
  type QueryMachines,
  type Result,
  type VmstateManifest,
} from '../manifest/index.ts';
import { deviceModelsFromJson, looksLikeDeviceModels, type DeviceModelManifest } from '../manifest/device-models.ts';
import { looksLikeDeviceHelp, parseDeviceHelp, type DeviceHelpEntry } from '../analysis/device-help.ts';
import { streamFacts, type StreamFacts } from '../analysis/stream-facts.ts';
import { openFileSource } from './file-source.ts';

/** Manifests are a few MB; anything near this is not one, and V8 strings stop near 512 MiB. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

/** Reads a manifest file, gunzipping it when it starts with the gzip magic. */
export async function loadManifest(file: string): Promise<Result<VmstateManifest>> {
  const text = await readInputText(file);
  return text.ok ? parseVmstateManifest(text.value, file) : text;
}

/** A decoded stream with the facts a compatibility check reads from it. */
export interface LoadedStream {
  readonly result: DecodeResult;
  readonly facts: StreamFacts;
}

/**
 * Decodes a stream file into the facts a compatibility check needs, keeping the decoded stream
 * (the runtime checks read its values). A damaged stream is still facts (the damage is a
 * finding); a file that is not a migration stream at all is an error, given as the one line the
 * CLI prints after `error: `.
 */
export async function loadStream(file: string): Promise<{ readonly ok: true; readonly value: LoadedStream } | { readonly ok: false; readonly error: string }> {
  let source;
  try {
    source = await openFileSource(file);
  } catch (e) {
    return { ok: false, error: `${file}: cannot read file: ${errorText(e)}` };
  }
  try {
    const result = await decodeStream(source);
    if (result.header === undefined || result.configuration === undefined) {
      const why = result.error === undefined ? 'no configuration section' : formatDecodeError(result.error);
      return { ok: false, error: `${file}: not a readable QEMU migration stream: ${why.replace(/^error: /, '')}` };
    }
    return { ok: true, value: { result, facts: streamFacts(result) } };
  } finally {
    await source.close();
  }
}

/** Enough of a gzip member to inflate a stream's first bytes, and little enough to bound the output. */
const SNIFF_BYTES = 4096;

/**
 * Whether a file is a migration stream (raw, gzip-compressed, or a libvirt save image), from its
 * first bytes only: streams can be far larger than any other input, so they are never read whole
 * to be recognised. Unreadable files are not streams; reading them again reports why.
 */
export async function looksLikeStream(file: string): Promise<boolean> {
  let head: Uint8Array;
  try {
    const handle = await open(file, 'r');
    try {
      const buf = new Uint8Array(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // A sync flush inflates what the first bytes hold without asking for the member's end;
      // 4 KiB of deflate inflates to at most about 4 MiB.
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  const magic = new TextDecoder('latin1').decode(head.subarray(0, 16));
  return magic.startsWith('QEVM') || magic === 'LibvirtQemudSave' || magic === 'LibvirtQemudPart';
}

/** Any input file the compatibility commands take, recognised by its content. */
export type InputDocument =
  | { readonly kind: 'manifest'; readonly file: string; readonly manifest: VmstateManifest }
  | { readonly kind: 'query-machines'; readonly file: string; readonly machines: QueryMachines }
  | { readonly kind: 'device-models'; readonly file: string; readonly models: DeviceModelManifest }
  | { readonly kind: 'device-help'; readonly file: string; readonly devices: readonly DeviceHelpEntry[] };

/**
 * Reads a -dump-vmstate manifest, a query-machines reply (raw, bare array, or the fixtures'
 * wrapper), a device-model manifest (an array of `{"model": ...}`), or `-device help` text.
 */
export async function loadInputDocument(file: string): Promise<Result<InputDocument>> {
  const text = await readInputText(file);
  if (!text.ok) return text;
  const trimmed = text.value.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && looksLikeDeviceHelp(text.value)) {
    return { ok: true, value: { kind: 'device-help', file, devices: parseDeviceHelp(text.value) } };
  }
  const json = parseJson(text.value, file);
  if (!json.ok) return json;
  const root = json.value;
  if (looksLikeDeviceModels(root)) {
    const models = deviceModelsFromJson(root, file);
    return models.ok ? { ok: true, value: { kind: 'device-models', file, models: models.value } } : models;
  }
  const isQmp = root.kind === 'array' || (root.kind === 'object' && (root.entries.has('query-machines') || root.entries.has('return') || root.entries.has('error')));
  if (isQmp) {
    const machines = queryMachinesFromJson(root, file);
    return machines.ok ? { ok: true, value: { kind: 'query-machines', file, machines: machines.value } } : machines;
  }
  const manifest = vmstateManifestFromJson(root, file);
  return manifest.ok ? { ok: true, value: { kind: 'manifest', file, manifest: manifest.value } } : manifest;
}

/** A text input file (JSON, gzip-compressed or not), as UTF-8 text or an InputError naming the file. */
export async function readInputText(file: string): Promise<Result<string>> {
  const unreadable = (message: string): Result<never> => {
    const error: InputError = { code: 'UNREADABLE', file, jsonPath: '$', message };
    return { ok: false, error };
  };
  let bytes: Uint8Array;
  try {
    const info = await stat(file);
    if (!info.isFile()) return unreadable('not a regular file');
    if (info.size > MAX_INPUT_BYTES) return unreadable(`file is larger than ${MAX_INPUT_BYTES} bytes`);
    bytes = await readFile(file);
  } catch (e) {
    return unreadable(`cannot read file: ${errorText(e)}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_INPUT_BYTES });
    } catch (e) {
      return unreadable(`cannot gunzip: ${errorText(e)}`);
    }
  }
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return unreadable('not valid UTF-8 text');
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function decodeFile(path: string): Promise<{ result: DecodeResult } | { error: string }> {
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
export async function readText(path: string): Promise<string | { error: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { error: `${path}: not a regular file` };
    if (info.size > MAX_INPUT_BYTES) return { error: `${path}: larger than ${MAX_INPUT_BYTES} bytes` };
    let bytes: Uint8Array = await readFile(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes, { maxOutputLength: MAX_INPUT_BYTES });
    return new TextDecoder('utf-8').decode(bytes);
  } catch (e) {
    return { error: `cannot read ${path}: ${errorText(e)}` };
  }
}
