/**
 * `migscope check --src A --dest B [--stream S]`: will a migration from A's QEMU load in B's?
 *
 * `--format static-checker` reproduces QEMU's scripts/vmstate-static-checker.py exactly: the
 * same stdout and an exit code equal to its problem count (capped at 255). `json` and `text`
 * judge the manifests as QEMU's loader would (analysis/judge-findings.ts) and, with a stream,
 * narrow the answer to that VM (analysis/stream-check.ts): exit 0 when nothing breaks, 1 when
 * something does, 2 on bad input.
 */
import { findingJson } from '../../analysis/finding-json.ts';
import { readFile, stat } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { decodeStream, formatDecodeError } from '../../format/index.ts';
import {
  formatInputError,
  parseJson,
  parseVmstateManifest,
  queryMachinesFromJson,
  vmstateManifestFromJson,
  type InputError,
  type QueryMachines,
  type Result,
  type VmstateManifest,
} from '../../manifest/index.ts';
import { deviceModelsFromJson, looksLikeDeviceModels, type DeviceModelManifest } from '../../manifest/device-models.ts';
import { looksLikeDeviceHelp, parseDeviceHelp, type DeviceHelpEntry } from '../../analysis/device-help.ts';
import { runStaticChecker, STATIC_CHECKER_REVISIONS, type StaticCheckerRevision } from '../../analysis/static-checker.ts';
import { explainStaticFindings, judgeManifests, type JudgeReport, type StaticExplanation } from '../../analysis/judge-findings.ts';
import { checkStream, type StreamCheckReport } from '../../analysis/stream-check.ts';
import { streamFacts, type StreamFacts } from '../../analysis/stream-facts.ts';
import { byVerdict } from '../../analysis/verdict.ts';
import { openFileSource } from '../file-source.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';

const FORMATS = ['static-checker', 'json', 'text'] as const;
type CheckFormat = (typeof FORMATS)[number];

/** Manifests are a few MB; anything near this is not one, and V8 strings stop near 512 MiB. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

export const checkUsage = `usage: migscope check --src A --dest B [--stream S] [--format text|json|static-checker]
                      [--reverse] [--dest-machine T] [--all] [--script-version ${STATIC_CHECKER_REVISIONS.join('|')}]

Judges whether state saved by the source QEMU loads in the destination QEMU, from their
-dump-vmstate manifests (.json or .json.gz), the way QEMU's loader reads it: versions,
minimum versions, field layout at the incoming version, subsections.

  -s, --src FILE         manifest of the source QEMU
  -d, --dest FILE        manifest of the destination QEMU
  --stream FILE          a migration stream of the VM (.mig or .gz): judge only what it contains
                         (its devices, section versions, subsections sent, machine type)
  --format FORMAT        text (default), json: verdict findings (breaks, at-risk, fine);
                         exit 0 when nothing breaks, 1 when something does
                         static-checker: scripts/vmstate-static-checker.py's exact output;
                         exit code = its problem count (max 255)
  --reverse              check dest -> src instead (not with --stream)
  --dest-machine T       the machine type the destination runs (default: its manifest's)
  --all                  text: list fine findings too
  --script-version REV   rename table of the script to reproduce: 8.1 (QEMU 8.1-10.0, default)
                         or 10.1 (QEMU 10.1+, also accepts hpet num_timers -> num_timers_save)
`;

interface CheckOptions {
  readonly src: string;
  readonly dest: string;
  readonly stream: string | undefined;
  readonly destMachine: string | undefined;
  readonly format: CheckFormat;
  readonly reverse: boolean;
  readonly all: boolean;
  readonly revision: StaticCheckerRevision;
}

export async function checkCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCheckArgs(args);
  if (parsed === 'help') {
    io.out(checkUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `check: ${parsed}\n${checkUsage}`);

  const [srcResult, destResult] = await Promise.all([loadManifest(parsed.src), loadManifest(parsed.dest)]);
  if (!srcResult.ok) return usageError(io, formatInputError(srcResult.error));
  if (!destResult.ok) return usageError(io, formatInputError(destResult.error));

  // Like the script: read both, then swap.
  const [src, dest] = parsed.reverse ? [destResult.value, srcResult.value] : [srcResult.value, destResult.value];

  if (parsed.format === 'static-checker') {
    const result = runStaticChecker(src, dest, { revision: parsed.revision });
    io.out(result.stdout);
    return result.problems;
  }

  if (parsed.stream !== undefined) {
    const facts = await loadStreamFacts(parsed.stream);
    if (!facts.ok) return usageError(io, facts.error);
    const report = checkStream(facts.value, dest, { source: src, destMachineType: parsed.destMachine });
    io.out(parsed.format === 'json' ? `${JSON.stringify(reportJson(report, undefined), undefined, 2)}\n` : formatText(report, undefined, parsed.all));
    return report.counts.breaks === 0 ? 0 : 1;
  }

  const report = judgeManifests(src, dest);
  const explained = explainStaticFindings(runStaticChecker(src, dest, { revision: parsed.revision }), src, dest, report);
  io.out(parsed.format === 'json' ? `${JSON.stringify(reportJson(report, explained), undefined, 2)}\n` : formatText(report, explained, parsed.all));
  return report.counts.breaks === 0 ? 0 : 1;
}

export { findingJson, type FindingJson } from '../../analysis/finding-json.ts';

function reportJson(report: JudgeReport | StreamCheckReport, explained: readonly StaticExplanation[] | undefined): unknown {
  const stream = 'stream' in report ? report.stream : undefined;
  const counted = explained?.filter((e) => e.static.counted);
  return {
    verdict: report.verdict,
    counts: report.counts,
    source: { file: report.sourceFile, machine: report.sourceMachine },
    dest: { file: report.destFile, machine: report.destMachine },
    stream,
    devices: report.devices.map((d) => ({ device: d.device, qomTypes: d.qomTypes, verdict: d.verdict })),
    findings: report.findings.map(findingJson),
    staticChecker:
      explained === undefined || counted === undefined
        ? undefined
        : {
            problems: counted.length,
            verdicts: { breaks: counted.filter((e) => e.verdict === 'breaks').length, 'at-risk': counted.filter((e) => e.verdict === 'at-risk').length, fine: counted.filter((e) => e.verdict === 'fine').length },
            findings: explained.map((e) => ({
              device: e.static.device,
              path: e.static.path,
              kind: e.static.kind,
              message: e.static.message,
              counted: e.static.counted,
              vmsd: e.device,
              verdict: e.verdict,
              reason: e.reason,
            })),
          },
  };
}

function formatText(report: JudgeReport | StreamCheckReport, explained: readonly StaticExplanation[] | undefined, all: boolean): string {
  const side = (file: string, machine: string | undefined): string => `${file} (${machine ?? 'no machine name'})`;
  let text = `src:    ${side(report.sourceFile, report.sourceMachine)}\ndest:   ${side(report.destFile, report.destMachine)}\n`;
  if ('stream' in report) {
    text += `stream: ${report.stream.name} (machine type ${report.stream.machineType ?? 'unknown'}, ${report.stream.devices} device sections)\n`;
  }
  for (const f of byVerdict(report.findings)) {
    if (f.verdict === 'fine' && !all) continue;
    text += `${f.verdict.padEnd(7)} ${f.path}: ${f.reason}\n`;
  }
  if (explained !== undefined) {
    const counted = explained.filter((e) => e.static.counted);
    const n = (v: string): number => counted.filter((e) => e.verdict === v).length;
    text += `vmstate-static-checker.py: ${counted.length} problem${counted.length === 1 ? '' : 's'}; as the loader reads them: ${n('breaks')} break, ${n('at-risk')} at risk, ${n('fine')} fine\n`;
  }
  const c = report.counts;
  text += `verdict: ${report.verdict} (${c.breaks} breaking, ${c['at-risk']} at risk, ${c.fine} fine${'stream' in report ? ', for this VM' : ', per device'})\n`;
  return text;
}

const CHECK_OPTIONS = {
  '--src': { needs: 'a file', aliases: ['-s'] },
  '--dest': { needs: 'a file', aliases: ['-d'] },
  '--stream': { needs: 'a file' },
  '--dest-machine': { needs: 'a machine type' },
  '--format': { needs: `one of ${FORMATS.join(', ')}` },
  '--script-version': { needs: `one of ${STATIC_CHECKER_REVISIONS.join(', ')}` },
  '--reverse': {},
  '--all': {},
} as const;

/** The options, `'help'`, or a usage error message. */
export function parseCheckArgs(args: readonly string[]): CheckOptions | 'help' | string {
  const read = readArguments(args, CHECK_OPTIONS);
  if (typeof read === 'string') return read;
  let src: string | undefined;
  let dest: string | undefined;
  let stream: string | undefined;
  let destMachine: string | undefined;
  let format: CheckFormat = 'text';
  let reverse = false;
  let all = false;
  let revision: StaticCheckerRevision = '8.1';
  for (const { name, value } of read) {
    switch (name) {
      case '--reverse':
        reverse = true;
        break;
      case '--all':
        all = true;
        break;
      case '--stream':
        stream = value;
        break;
      case '--dest-machine':
        destMachine = value;
        break;
      case '--src':
        src = value;
        break;
      case '--dest':
        dest = value;
        break;
      case '--format': {
        const known = FORMATS.find((f) => f === value);
        if (known === undefined) return `--format must be one of ${FORMATS.join(', ')}`;
        format = known;
        break;
      }
      case '--script-version': {
        const known = STATIC_CHECKER_REVISIONS.find((r) => r === value);
        if (known === undefined) return `--script-version must be one of ${STATIC_CHECKER_REVISIONS.join(', ')}`;
        revision = known;
        break;
      }
      default:
        return `unexpected argument '${value}'`;
    }
  }
  if (src === undefined || dest === undefined) return '--src and --dest are required';
  if (stream !== undefined && reverse) return '--reverse cannot be combined with --stream (the stream is the source)';
  return { src, dest, stream, destMachine, format, reverse, all, revision };
}

const gunzipAsync = promisify(gunzip);

/** Reads a manifest file, gunzipping it when it starts with the gzip magic. */
export async function loadManifest(file: string): Promise<Result<VmstateManifest>> {
  const text = await readInputText(file);
  return text.ok ? parseVmstateManifest(text.value, file) : text;
}

/**
 * Decodes a stream file into the facts a compatibility check needs. A damaged stream is still
 * facts (the damage is a finding); a file that is not a migration stream at all is an error,
 * given as the one line the CLI prints after `error: `.
 */
export async function loadStreamFacts(file: string): Promise<{ readonly ok: true; readonly value: StreamFacts } | { readonly ok: false; readonly error: string }> {
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
    return { ok: true, value: streamFacts(result) };
  } finally {
    await source.close();
  }
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
