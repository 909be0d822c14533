/**
 * The explanation of the active stream's load, from what the workspace holds: the active load
 * log (what happened), and the destination's files the user chose (what should happen). The
 * same assembly as `migscope explain` (src/cli/commands/explain.ts), so both say the same.
 */
import { useMemo } from 'react';
import { explainLoad, parseMachineCatalog, parseQemuCommandLine, parseQemuVersion, type DestinationKnowledge, type ExplainResult, type QemuVersion } from '../../analysis/explain/index.ts';
import type { DecodeResult } from '../../format/index.ts';
import { useFileVersions } from '../matrix/use-file-versions.ts';
import { useStreamDecode } from '../stream/use-stream-decode.ts';
import { useFileText, useTraceLog, useVmstateManifest } from '../workspace/use-file-content.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile, filesOfKind, type WorkspaceFile } from '../workspace/workspace-store.ts';
import { resolveChoice, useExplainInputs } from './explain-inputs.ts';

export interface DestinationFiles {
  readonly manifest: WorkspaceFile | undefined;
  readonly machines: WorkspaceFile | undefined;
  readonly cmdline: WorkspaceFile | undefined;
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
  const logFile = activeFile(state, 'load');
  const hasLog = logFile !== undefined;
  const manifestFile = resolveChoice(inputs.manifest, filesOfKind(state, 'vmstate-manifest'), hasLog);
  const machinesFile = resolveChoice(inputs.machines, filesOfKind(state, 'query-machines'), hasLog);
  const cmdlineFile = resolveChoice(inputs.cmdline, filesOfKind(state, 'command-line'), hasLog);

  const decode = useStreamDecode(streamFile?.file);
  const log = useTraceLog(logFile);
  const manifest = useVmstateManifest(manifestFile);
  const machinesText = useFileText(machinesFile);
  const cmdlineText = useFileText(cmdlineFile);

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
    if (machinesFile !== undefined && machinesText.data !== undefined) {
      const m = parseMachineCatalog(machinesText.data, machinesFile.file.name);
      if (m.ok) dest.machines = m.value;
      else problems.push(`${machinesFile.file.name}: ${m.error.message}`);
    }
    if (cmdlineFile !== undefined && cmdlineText.data !== undefined) {
      const c = parseQemuCommandLine(cmdlineText.data);
      if (c.ok) dest.cmdline = c.value;
      else problems.push(`${cmdlineFile.file.name}: ${c.message}`);
    }
    return { dest, problems, versionFrom };
  }, [typedVersion, machinesFile, manifestVersion, machine, manifestFile, manifest.data, machinesText.data, cmdlineFile, cmdlineText.data]);

  const pending = decode.query.isPending || (hasLog && log.isPending) || (manifestFile !== undefined && manifest.isPending) || (machinesFile !== undefined && machinesText.isPending) || (cmdlineFile !== undefined && cmdlineText.isPending);
  const logText = log.data?.text;
  const result = useMemo(() => {
    if (decoded === undefined || pending) return undefined;
    const { dest } = assembled;
    return explainLoad({
      stream: decoded,
      log: logText,
      destination: Object.keys(dest).length > 0 ? dest : undefined,
    });
  }, [decoded, pending, assembled, logText]);

  if (streamFile === undefined) return { status: 'no-stream' };
  if (decode.query.isError) return { status: 'failed', stream: streamFile, log: logFile, message: `Could not decode ${streamFile.file.name}: ${decode.query.error.message}` };
  if (hasLog && log.isError) return { status: 'failed', stream: streamFile, log: logFile, message: `Could not read the load log ${logFile.file.name}: ${log.error.message}` };
  if (decoded === undefined || result === undefined) return { status: 'loading', stream: streamFile, log: logFile };
  return {
    status: 'ready',
    stream: streamFile,
    log: logFile,
    decoded,
    destination: { manifest: manifestFile, machines: machinesFile, cmdline: cmdlineFile, machine, version: assembled.dest.version, versionFrom: assembled.versionFrom },
    problems: assembled.problems,
    result,
  };
}
