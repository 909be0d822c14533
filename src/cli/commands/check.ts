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
import { formatInputError } from '../../manifest/index.ts';
import { parseQemuVersion } from '../../analysis/explain/qemu-version.ts';
import { basename } from 'node:path';
import { splitLabel, versionFromName } from '../../analysis/release-label.ts';
import { runStaticChecker, STATIC_CHECKER_REVISIONS, type StaticCheckerRevision } from '../../analysis/static-checker.ts';
import { explainStaticFindings, judgeManifests, type JudgeReport, type StaticExplanation } from '../../analysis/judge-findings.ts';
import { checkStream, type StreamCheckReport } from '../../analysis/stream-check.ts';
import { byVerdict } from '../../analysis/verdict.ts';
import { readArguments } from '../arguments.ts';
import { DESTINATION_OPTIONS, destinationKeyOf, destinationOptionSpecs, readDestination, type DestinationArgs, type DestinationKey } from '../destination-options.ts';
import { loadManifest, loadStream } from '../input-files.ts';
import { usageError, type CommandIo } from '../io.ts';

const FORMATS = ['static-checker', 'json', 'text'] as const;
type CheckFormat = (typeof FORMATS)[number];

export const checkUsage = `usage: migscope check --src A --dest [VERSION=]B [--stream S] [--format text|json|static-checker]
                      [--reverse] [--dest-machine T] [--dest-version V] [--dest-cmdline F]
                      [--dest-sample S2] [--all] [--script-version ${STATIC_CHECKER_REVISIONS.join('|')}]

Judges whether state saved by the source QEMU loads in the destination QEMU, from their
-dump-vmstate manifests (.json or .json.gz), the way QEMU's loader reads it: versions,
minimum versions, field layout at the incoming version, subsections. With a stream, also the
checks the destination's device load code makes on its values (ring sizes, register lists).

  -s, --src FILE         manifest of the source QEMU
  -d, --dest [VERSION=]FILE  manifest of the destination QEMU; VERSION (e.g. 11.1) is its release
                         (default: the release its folder or file name says, e.g. 11.1/...)
  --stream FILE          a migration stream of the VM (.mig or .gz): judge only what it contains
                         (its devices, section versions, subsections sent, machine type, values)
  --format FORMAT        text (default), json: verdict findings (breaks, at-risk, fine);
                         exit 0 when nothing breaks, 1 when something does
                         static-checker: scripts/vmstate-static-checker.py's exact output;
                         exit code = its problem count (max 255)
  --reverse              check dest -> src instead (not with --stream)
  --dest-machine T       the machine type the destination runs (default: its command line's,
                         else its manifest's)
  with --stream, for the destination's load checks (a check they would settle is at risk):
  --dest-version V       the destination QEMU release (default: the --dest label)
  --dest-cmdline FILE    the destination's command line (a qemu-system-* line): its devices,
                         where they sit and their properties (queue sizes)
  --dest-sample STREAM   a stream the destination build saved with the same configuration: its
                         queue sizes and register lists are facts about the destination
  --all                  text: list fine findings too
  --script-version REV   rename table of the script to reproduce: 8.1 (QEMU 8.1-10.0, default)
                         or 10.1 (QEMU 10.1+, also accepts hpet num_timers -> num_timers_save)
`;

/** What check takes of the destination beyond its manifest; they judge a stream's values. */
const DESTINATION_KEYS: readonly DestinationKey[] = ['machine', 'version', 'cmdline', 'sample'];

interface CheckOptions {
  readonly src: string;
  readonly dest: string;
  /** The release a `VERSION=` prefix of --dest names. */
  readonly destLabel: string | undefined;
  readonly stream: string | undefined;
  readonly destination: DestinationArgs;
  readonly format: CheckFormat;
  readonly reverse: boolean;
  readonly all: boolean;
  readonly revision: StaticCheckerRevision;
}

/** Where the destination release the runtime checks used came from. */
type VersionSource = '--dest-version' | '--dest label' | '--dest folder' | '--dest file name';

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
    const destination = await readDestination(parsed.destination);
    if (!destination.ok) return usageError(io, destination.error);
    const release = destinationRelease(parsed);
    if (release !== undefined && parseQemuVersion(release.version) === undefined) return usageError(io, `check: --dest label '${release.version}' is not a QEMU version (e.g. 11.1)`);
    const loaded = await loadStream(parsed.stream);
    if (!loaded.ok) return usageError(io, loaded.error);
    const knowledge = { ...destination.value, manifest: dest, version: destination.value.version ?? (release !== undefined ? parseQemuVersion(release.version) : undefined) };
    const report = checkStream(loaded.value.facts, dest, { source: src, destMachineType: parsed.destination.machine, runtime: { stream: loaded.value.result, destination: knowledge } });
    const inputs: RuntimeInputs = { versionSource: parsed.destination.version !== undefined ? '--dest-version' : release?.source, cmdline: parsed.destination.cmdline, sample: parsed.destination.sample };
    io.out(parsed.format === 'json' ? `${JSON.stringify(reportJson(report, undefined, inputs), undefined, 2)}\n` : formatText(report, undefined, parsed.all, inputs));
    return report.counts.breaks === 0 ? 0 : 1;
  }

  const report = judgeManifests(src, dest);
  const explained = explainStaticFindings(runStaticChecker(src, dest, { revision: parsed.revision }), src, dest, report);
  io.out(parsed.format === 'json' ? `${JSON.stringify(reportJson(report, explained, undefined), undefined, 2)}\n` : formatText(report, explained, parsed.all, undefined));
  return report.counts.breaks === 0 ? 0 : 1;
}

/** The destination's release as the --dest argument names it: its label, else its folder or file name. */
function destinationRelease(parsed: CheckOptions): { readonly version: string; readonly source: VersionSource } | undefined {
  if (parsed.destLabel !== undefined) return { version: parsed.destLabel, source: '--dest label' };
  const named = versionFromName(basename(parsed.dest), parsed.dest);
  return named !== undefined ? { version: named.version, source: `--dest ${named.source}` } : undefined;
}

/** The files and release behind a stream check's runtime findings, for the report. */
interface RuntimeInputs {
  readonly versionSource: VersionSource | undefined;
  readonly cmdline: string | undefined;
  readonly sample: string | undefined;
}

export { findingJson, type FindingJson } from '../../analysis/finding-json.ts';

function reportJson(report: JudgeReport | StreamCheckReport, explained: readonly StaticExplanation[] | undefined, inputs: RuntimeInputs | undefined): unknown {
  const stream = 'stream' in report ? report.stream : undefined;
  const runtime = 'runtime' in report ? report.runtime : undefined;
  const counted = explained?.filter((e) => e.static.counted);
  return {
    verdict: report.verdict,
    counts: report.counts,
    source: { file: report.sourceFile, machine: report.sourceMachine },
    dest: { file: report.destFile, machine: report.destMachine },
    stream,
    runtime:
      runtime === undefined
        ? undefined
        : {
            version: runtime.destination.version ?? null,
            versionFrom: runtime.destination.version !== undefined ? (inputs?.versionSource ?? null) : null,
            machineType: runtime.destination.machineType ?? null,
            cmdline: inputs?.cmdline ?? null,
            sample: inputs?.sample ?? null,
            assumptions: runtime.assumptions,
          },
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

function formatText(report: JudgeReport | StreamCheckReport, explained: readonly StaticExplanation[] | undefined, all: boolean, inputs: RuntimeInputs | undefined): string {
  const side = (file: string, machine: string | undefined): string => `${file} (${machine ?? 'no machine name'})`;
  let text = `src:    ${side(report.sourceFile, report.sourceMachine)}\ndest:   ${side(report.destFile, report.destMachine)}\n`;
  if ('stream' in report) {
    text += `stream: ${report.stream.name} (machine type ${report.stream.machineType ?? 'unknown'}, ${report.stream.devices} device sections)\n`;
  }
  if ('runtime' in report && report.runtime !== undefined) {
    const d = report.runtime.destination;
    const release = d.version !== undefined ? `QEMU ${d.version} (from ${inputs?.versionSource ?? '?'})` : 'QEMU release unknown';
    text += `load checks: ${release}, ${inputs?.cmdline !== undefined ? `command line ${inputs.cmdline}` : 'no command line'}, ${inputs?.sample !== undefined ? `sample ${inputs.sample}` : 'no sample'}\n`;
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
  ...destinationOptionSpecs(DESTINATION_KEYS),
  '--format': { needs: `one of ${FORMATS.join(', ')}` },
  '--script-version': { needs: `one of ${STATIC_CHECKER_REVISIONS.join(', ')}` },
  '--reverse': {},
  '--all': {},
};

/** The options, `'help'`, or a usage error message. */
export function parseCheckArgs(args: readonly string[]): CheckOptions | 'help' | string {
  const read = readArguments(args, CHECK_OPTIONS);
  if (typeof read === 'string') return read;
  let src: string | undefined;
  let dest: string | undefined;
  let stream: string | undefined;
  const destination: DestinationArgs = {};
  let format: CheckFormat = 'text';
  let reverse = false;
  let all = false;
  let revision: StaticCheckerRevision = '8.1';
  for (const { name, value } of read) {
    const key = destinationKeyOf(name, DESTINATION_KEYS);
    if (key !== undefined) {
      destination[key] = value;
      continue;
    }
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
  const valueChecks = (['version', 'cmdline', 'sample'] as const).filter((k) => destination[k] !== undefined);
  if (stream === undefined && valueChecks.length > 0) return `${valueChecks.map((k) => DESTINATION_OPTIONS[k].option).join(', ')} judge${valueChecks.length === 1 ? 's' : ''} a stream's values: give --stream`;
  const { label, file } = splitLabel(dest);
  return { src, dest: file, destLabel: label, stream, destination, format, reverse, all, revision };
}
