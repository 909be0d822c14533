/**
 * The explanation of the active stream's load, from what the workspace holds: the active load
 * log (what happened), and the destination's files the user chose (what should happen). The
 * same assembly as `migscope explain` (src/cli/commands/explain.ts), so both say the same.
 *
 * The destination sample is decoded through the same query as the Stream view's (one decode
 * per file, whichever view asks first), in the decode worker.
 */
import { useMemo } from 'react';
import { explainLoad, parseQemuVersion, type DestinationKnowledge, type ExplainResult, type QemuVersion } from '../../analysis/explain/index.ts';
import type { DecodeResult } from '../../format/index.ts';
import { useFileVersions } from '../matrix/use-file-versions.ts';
import { useStreamDecode } from '../stream/use-stream-decode.ts';
import { useParsedAs, useTraceLog, useVmstateManifest } from '../workspace/use-file-content.ts';
import { usePairings } from '../workspace/use-pairings.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile, filesOfKind, type WorkspaceFile } from '../workspace/workspace-store.ts';
import { resolveChoice, useExplainInputs } from './explain-inputs.ts';

export interface DestinationFiles {
  readonly manifest: WorkspaceFile | undefined;
  readonly machines: WorkspaceFile | undefined;
  readonly cmdline: WorkspaceFile | undefined;
  /** `-device NAME,help` output, when it was read. */
  readonly deviceProps: WorkspaceFile | undefined;
  /** A stream the destination build saved (never the active stream itself), when it decoded. */
  readonly sample: WorkspaceFile | undefined;
  readonly machine: string | undefined;
  readonly version: QemuVersion | undefined;
  /** Where the version came from, when the view (not the analysis) supplied it. */
  readonly versionFrom: string | undefined;
}

export type Explanation =
  | { readonly status: 'no-stream' }
  | { readonly status: 'loading'; readonly stream: WorkspaceFile; readonly log: WorkspaceFile | undefined }
  | { readonly status: 'failed'; readonly stream: WorkspaceFile; readonly log: WorkspaceFile | undefined; readonly message: string }
  | {
      readonly status: 'ready';
      readonly stream: WorkspaceFile;
      readonly log: WorkspaceFile | undefined;
      readonly decoded: DecodeResult;
      readonly destination: DestinationFiles;
      /** Chosen files that could not be read, with why; the explanation goes on without them. */
      readonly problems: readonly string[];
      readonly result: ExplainResult;
    };

export function useExplanation(): Explanation {
  const state = useWorkspaceState();
  const inputs = useExplainInputs();
  const versions = useFileVersions();
  const streamFile = activeFile(state, 'stream');
  // The load log explains this stream only when it is of the same VM (or the person chose so):
  // a log of another VM would tell another load's story (see PairingNotes, shown above).
  const streamLoad = usePairings().streamLoad;
  const logFile = streamLoad === undefined || streamLoad.paired ? activeFile(state, 'load') : undefined;
  const hasLog = logFile !== undefined;
  const manifestFile = resolveChoice(inputs.manifest, filesOfKind(state, 'vmstate-manifest'), hasLog);
  const machinesFile = resolveChoice(inputs.machines, filesOfKind(state, 'query-machines'), hasLog);
  const cmdlineFile = resolveChoice(inputs.cmdline, filesOfKind(state, 'command-line'), hasLog);
  const devicePropsFile = resolveChoice(inputs.deviceProps, filesOfKind(state, 'device-properties'), hasLog);
  const sampleFile = resolveChoice(inputs.sample, sampleCandidates(state.files, streamFile), hasLog, 'none');

  const decode = useStreamDecode(streamFile?.file);
  const sampleDecode = useStreamDecode(sampleFile?.file);
  const log = useTraceLog(logFile);
  const manifest = useVmstateManifest(manifestFile);
  // Parsed in the worker, once per file: a giant command line must not block each render here.
  const machinesParsed = useParsedAs(machinesFile, 'machine-catalog');
  const cmdlineParsed = useParsedAs(cmdlineFile, 'command-line');
  const devicePropsParsed = useParsedAs(devicePropsFile, 'device-properties');
  const sampleDecoded = sampleDecode.query.data?.result;
  const sampleError = sampleDecode.query.error?.message;

  const decoded = decode.query.data?.result;
  const typedVersion = inputs.version.trim() !== '' ? parseQemuVersion(inputs.version) : undefined;
  const manifestVersion = manifestFile !== undefined ? versions.of(manifestFile.id) : undefined;
  const machine = inputs.machine.trim() !== '' ? inputs.machine.trim() : undefined;

  const assembled = useMemo(() => {
    const problems: string[] = [];
    const dest: { -readonly [K in keyof DestinationKnowledge]: DestinationKnowledge[K] } = {};
    let versionFrom: string | undefined;
    if (typedVersion !== undefined) {
      dest.version = typedVersion;
      versionFrom = 'typed in';
    } else if (machinesFile === undefined && manifestVersion?.version !== undefined) {
      // Without a machine list the analysis cannot tell the release; the manifest's name can.
      dest.version = parseQemuVersion(manifestVersion.version);
      versionFrom = `the manifest's release, ${manifestVersion.why}`;
    }
    if (machine !== undefined) dest.machine = machine;
    if (manifestFile !== undefined && manifest.data !== undefined) {
      if (manifest.data.ok) dest.manifest = manifest.data.value;
      else problems.push(`${manifestFile.file.name}: ${manifest.data.error.message}`);
    }
    if (machinesFile !== undefined && machinesParsed.data !== undefined) {
      const m = machinesParsed.data.result;
      if (m.ok) dest.machines = m.value;
      else problems.push(`${machinesFile.file.name}: ${m.error.message}`);
    }
    if (cmdlineFile !== undefined && cmdlineParsed.data !== undefined) {
      const c = cmdlineParsed.data.result;
      if (c.ok) dest.cmdline = c.value;
      else problems.push(`${cmdlineFile.file.name}: ${c.message}`);
    }
    if (devicePropsFile !== undefined && devicePropsParsed.data !== undefined) {
      const help = devicePropsParsed.data.help;
      if (help.devices.size > 0) dest.deviceProperties = help;
      else problems.push(`${devicePropsFile.file.name}: no '-device NAME,help' output found (expected 'NAME options:' and property lines)`);
    }
    if (sampleFile !== undefined) {
      // As `--dest-sample` does: a sample that does not decode says nothing sure of the destination.
      if (sampleError !== undefined) problems.push(`${sampleFile.file.name} (destination sample): ${sampleError}`);
      else if (sampleDecoded?.error !== undefined) {
        const e = sampleDecoded.error;
        problems.push(`${sampleFile.file.name} (destination sample): the stream does not decode (${e.code} at 0x${e.offset.toString(16)}: ${e.message})`);
      } else if (sampleDecoded !== undefined) dest.sample = sampleDecoded;
    }
    return { dest, problems, versionFrom };
  }, [typedVersion, machinesFile, manifestVersion, machine, manifestFile, manifest.data, machinesParsed.data, cmdlineFile, cmdlineParsed.data, devicePropsFile, devicePropsParsed.data, sampleFile, sampleDecoded, sampleError]);

  const pending =
    decode.query.isPending ||
    (hasLog && log.isPending) ||
    (manifestFile !== undefined && manifest.isPending) ||
    (machinesFile !== undefined && machinesParsed.isPending) ||
    (cmdlineFile !== undefined && cmdlineParsed.isPending) ||
    (devicePropsFile !== undefined && devicePropsParsed.isPending) ||
    (sampleFile !== undefined && sampleDecode.query.isPending);
  // Read in the parse worker: only the analysis of what it found runs here.
  const destLog = log.data?.destLog;
  const result = useMemo(() => {
    if (decoded === undefined || pending) return undefined;
    const { dest } = assembled;
    return explainLoad({
      stream: decoded,
      log: destLog,
      destination: Object.keys(dest).length > 0 ? dest : undefined,
    });
  }, [decoded, pending, assembled, destLog]);

  if (streamFile === undefined) return { status: 'no-stream' };
  if (decode.query.isError) return { status: 'failed', stream: streamFile, log: logFile, message: `Could not decode ${streamFile.file.name}: ${decode.query.error.message}` };
  if (hasLog && log.isError) return { status: 'failed', stream: streamFile, log: logFile, message: `Could not read the load log ${logFile.file.name}: ${log.error.message}` };
  if (decoded === undefined || result === undefined) return { status: 'loading', stream: streamFile, log: logFile };
  return {
    status: 'ready',
    stream: streamFile,
    log: logFile,
    decoded,
    destination: {
      manifest: manifestFile,
      machines: machinesFile,
      cmdline: cmdlineFile,
      // Only when the analysis got them: a file that could not be read is in `problems` instead.
      deviceProps: assembled.dest.deviceProperties !== undefined ? devicePropsFile : undefined,
      sample: assembled.dest.sample !== undefined ? sampleFile : undefined,
      machine,
      version: assembled.dest.version,
      versionFrom: assembled.versionFrom,
    },
    problems: assembled.problems,
    result,
  };
}

/** The streams that can be the destination's sample: every stream but the one explained. */
export function sampleCandidates(files: readonly WorkspaceFile[], stream: WorkspaceFile | undefined): WorkspaceFile[] {
  return files.filter((f) => f.detection?.kind === 'stream' && f.id !== stream?.id);
}
