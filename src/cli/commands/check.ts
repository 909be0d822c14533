/**
 * `migscope check --src A --dest B`: compares two `-dump-vmstate` manifests.
 *
 * `--format static-checker` reproduces QEMU's scripts/vmstate-static-checker.py exactly: the
 * same stdout and an exit code equal to its problem count (capped at 255). `json` and `text`
 * give the same findings structured, exiting 0 when there are none and 1 otherwise.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import {
  formatInputError,
  parseVmstateManifest,
  type InputError,
  type Result,
  type VmstateManifest,
} from '../../manifest/index.ts';
import {
  runStaticChecker,
  STATIC_CHECKER_REVISIONS,
  type StaticCheckerRevision,
  type StaticCheckFinding,
} from '../../analysis/static-checker.ts';
import { usageError, type CommandIo } from '../io.ts';

const FORMATS = ['static-checker', 'json', 'text'] as const;
type CheckFormat = (typeof FORMATS)[number];

/** Manifests are a few MB; anything near this is not one, and V8 strings stop near 512 MiB. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

export const checkUsage = `usage: migscope check --src A --dest B [--format static-checker|json|text] [--reverse]
                      [--script-version ${STATIC_CHECKER_REVISIONS.join('|')}]

Compares two QEMU -dump-vmstate manifests (.json or .json.gz) the way QEMU's
scripts/vmstate-static-checker.py does.

  -s, --src FILE         manifest of the source QEMU
  -d, --dest FILE        manifest of the destination QEMU
  --format FORMAT        static-checker: the script's exact output; exit code = problems (max 255)
                         json, text: structured findings; exit 0 when none, 1 otherwise (default text)
  --reverse              check dest -> src instead
  --script-version REV   rename table of the script to reproduce: 8.1 (QEMU 8.1-10.0, default)
                         or 10.1 (QEMU 10.1+, also accepts hpet num_timers -> num_timers_save)
`;

interface CheckOptions {
  readonly src: string;
  readonly dest: string;
  readonly format: CheckFormat;
  readonly reverse: boolean;
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
  const result = runStaticChecker(src, dest, { revision: parsed.revision });

  if (parsed.format === 'static-checker') {
    io.out(result.stdout);
    return result.problems;
  }
  const problems = result.findings.filter((f) => f.counted);
  const notes = result.findings.filter((f) => !f.counted);
  if (parsed.format === 'json') {
    const report = { findings: problems.map(toJson), problems: problems.length, notes: notes.map(toJson) };
    io.out(`${JSON.stringify(report, undefined, 2)}\n`);
  } else {
    io.out(formatText(src, dest, problems, notes));
  }
  return problems.length === 0 ? 0 : 1;
}

function toJson(f: StaticCheckFinding): { device: string; path: string; kind: string; message: string } {
  return { device: f.device, path: f.path, kind: f.kind, message: f.message };
}

function formatText(
  src: VmstateManifest,
  dest: VmstateManifest,
  problems: readonly StaticCheckFinding[],
  notes: readonly StaticCheckFinding[],
): string {
  const side = (m: VmstateManifest): string => `${m.file} (${m.machine ?? 'no machine name'}, ${m.devices.size} devices)`;
  let text = `src:  ${side(src)}\ndest: ${side(dest)}\n`;
  for (const f of problems) text += `${f.kind}: ${f.message}\n`;
  for (const f of notes) text += `note (not counted by the script): ${f.kind}: ${f.message}\n`;
  text += `${problems.length} problem${problems.length === 1 ? '' : 's'}\n`;
  return text;
}

/** The options, `'help'`, or a usage error message. */
export function parseCheckArgs(args: readonly string[]): CheckOptions | 'help' | string {
  let src: string | undefined;
  let dest: string | undefined;
  let format: CheckFormat = 'text';
  let reverse = false;
  let revision: StaticCheckerRevision = '8.1';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const takeValue = (): string | undefined => {
      if (eq !== -1) return arg.slice(eq + 1);
      i++;
      return args[i];
    };
    switch (name) {
      case '-h':
      case '--help':
        return 'help';
      case '--reverse':
        if (eq !== -1) return `${name} takes no value`;
        reverse = true;
        break;
      case '-s':
      case '--src':
      case '-d':
      case '--dest': {
        const value = takeValue();
        if (value === undefined || value === '') return `${name} needs a file`;
        if (name === '-s' || name === '--src') src = value;
        else dest = value;
        break;
      }
      case '--format': {
        const value = takeValue();
        const known = FORMATS.find((f) => f === value);
        if (known === undefined) return `--format must be one of ${FORMATS.join(', ')}`;
        format = known;
        break;
      }
      case '--script-version': {
        const value = takeValue();
        const known = STATIC_CHECKER_REVISIONS.find((r) => r === value);
        if (known === undefined) return `--script-version must be one of ${STATIC_CHECKER_REVISIONS.join(', ')}`;
        revision = known;
        break;
      }
      default:
        return arg.startsWith('-') ? `unknown option '${arg}'` : `unexpected argument '${arg}'`;
    }
  }
  if (src === undefined || dest === undefined) return '--src and --dest are required';
  return { src, dest, format, reverse, revision };
}

const gunzipAsync = promisify(gunzip);

/** Reads a manifest file, gunzipping it when it starts with the gzip magic. */
export async function loadManifest(file: string): Promise<Result<VmstateManifest>> {
  const text = await readText(file);
  return text.ok ? parseVmstateManifest(text.value, file) : text;
}

async function readText(file: string): Promise<Result<string>> {
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
