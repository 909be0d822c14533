import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { DecodeResult } from '../../format/index.ts';
import { formatInputError } from '../../manifest/index.ts';
import { FailurePanel } from '../app/FailurePanel.tsx';
import { ExplainBanner } from '../explain/ExplainBanner.tsx';
import { useVmstateManifest } from '../workspace/use-file-content.ts';
import { useWorkspaceState, useWorkspaceStore } from '../workspace/workspace-context.ts';
import { filesOfKind, type SectionFocus, type WorkspaceFile } from '../workspace/workspace-store.ts';
import { DropZone } from './DropZone.tsx';
import { ProgressPanel } from './ProgressPanel.tsx';
import { SchemaOffer, type ManifestChoice } from './SchemaOffer.tsx';
import { StreamView } from './StreamView.tsx';
import { decodeQueryKey, useStreamDecode, type SchemaChoice } from './use-stream-decode.ts';

export interface StreamPanelProps {
  /** The workspace's active stream. */
  readonly file: WorkspaceFile | undefined;
  readonly focus: SectionFocus | undefined;
  /** Other files are loaded: the empty state says so instead of asking for a first file. */
  readonly otherFiles: number;
  readonly dragging: boolean;
  readonly onFiles: (files: readonly File[]) => void;
}

/** Whether a manifest could describe what the stream's own vmdesc does not. */
function schemaNeed(result: DecodeResult): 'none' | 'partial' | undefined {
  if (result.vmdesc === undefined) return 'none';
  return result.vmdesc.partial === true ? 'partial' : undefined;
}

/** What `data-app-state` says; see idle.ts. */
type PanelState = 'empty' | 'decoding' | 'ready' | 'failed';

/** The Stream tab: the active stream decoding, failed, or decoded and browsable. */
export function StreamPanel({ file, focus, otherFiles, dragging, onFiles }: StreamPanelProps): ReactElement {
  const store = useWorkspaceStore();
  const workspace = useWorkspaceState();
  // A manifest the user chose as the schema of this stream (SchemaOffer); per stream file.
  const [schemaOf, setSchemaOf] = useState<{ readonly streamId: string; readonly manifestId: string } | undefined>(undefined);
  const manifestFiles = useMemo(() => filesOfKind(workspace, 'vmstate-manifest'), [workspace]);
  const usedId = file !== undefined && schemaOf?.streamId === file.id && manifestFiles.some((m) => m.id === schemaOf.manifestId) ? schemaOf.manifestId : undefined;
  const manifest = useVmstateManifest(manifestFiles.find((m) => m.id === usedId));
  const parsed = manifest.data;
  const schema: SchemaChoice | undefined = usedId !== undefined && parsed?.ok === true ? { id: usedId, schema: parsed.value } : undefined;
  const schemaProblem = usedId === undefined ? undefined : parsed !== undefined && !parsed.ok ? formatInputError(parsed.error) : manifest.isError ? manifest.error.message : undefined;
  const decode = useStreamDecode(file?.file, schema);
  const decoded = decode.query.data;
  // Where Cancel goes back to: the last stream that was shown.
  const lastShown = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (decoded !== undefined && file !== undefined) lastShown.current = file.id;
  }, [decoded, file]);

  const cancel = async (): Promise<void> => {
    if (file === undefined) return;
    await decode.cancel();
    const back = lastShown.current;
    store.setActive('stream', back !== file.id ? back : undefined);
    store.setNotice({ tone: 'info', text: `Cancelled decoding ${file.file.name}.` });
  };

  let state: PanelState;
  let content: ReactElement;
  if (file === undefined) {
    state = 'empty';
    content = (
      <div className="empty-view">
        {otherFiles > 0 ? <p className="muted">No migration stream among the {otherFiles} loaded files. Drop one here, or pick it in Files.</p> : undefined}
        <DropZone dragging={dragging} onFiles={onFiles} large />
      </div>
    );
  } else if (decode.query.isError) {
    state = 'failed';
    content = <FailurePanel title={`Could not decode ${file.file.name}`} message={decode.query.error.message} dragging={dragging} onFiles={onFiles} />;
  } else if (decoded === undefined) {
    state = 'decoding';
    content = <ProgressPanel name={file.file.name} fileSize={file.file.size} progress={decode.progress} onCancel={() => void cancel()} />;
  } else {
    state = 'ready';
    const streamFocus =
      focus !== undefined && focus.streamId === file.id
        ? {
            idstr: focus.idstr,
            instance: focus.instance,
            seq: focus.seq,
            ...(focus.path !== undefined ? { path: focus.path } : {}),
            ...(focus.offset !== undefined ? { offset: focus.offset } : {}),
            ...(focus.highlight !== undefined ? { highlight: focus.highlight } : {}),
          }
        : undefined;
    const fileId = file.id;
    const need = schemaNeed(decoded.result);
    const choices: ManifestChoice[] = manifestFiles.map((m) => ({ id: m.id, name: m.file.name, machine: m.detection?.machine }));
    content = (
      <>
        {need !== undefined || usedId !== undefined ? (
          <SchemaOffer
            manifests={choices}
            machineType={decoded.result.configuration?.machineType}
            need={need ?? 'none'}
            usedId={schema !== undefined ? usedId : undefined}
            problem={schemaProblem}
            summary={decoded.result.diagnostics.find((d) => d.code === 'MANIFEST_SCHEMA')?.message}
            onUse={(manifestId) => setSchemaOf(manifestId === undefined ? undefined : { streamId: fileId, manifestId })}
          />
        ) : undefined}
        <StreamView
          key={JSON.stringify(decodeQueryKey(decoded.file, schema?.id))}
          stream={decoded}
          focus={streamFocus}
          onSelectionChange={(sel) => store.setSelection({ streamId: fileId, ...sel })}
        />
      </>
    );
  }
  return (
    <div className="view-body" data-app-state={state}>
      {state === 'ready' ? <ExplainBanner /> : undefined}
      {content}
    </div>
  );
}
