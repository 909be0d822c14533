import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { DropZone } from '../stream/DropZone.tsx';
import { ProgressPanel } from '../stream/ProgressPanel.tsx';
import { SamplesMenu } from '../stream/SamplesMenu.tsx';
import { StreamView } from '../stream/StreamView.tsx';
import { decodeQueryKey, useStreamDecode } from '../stream/use-stream-decode.ts';
import { FailurePanel } from './FailurePanel.tsx';
import { DEFAULT_SAMPLE, fetchSample, SAMPLES, sampleFromHash, sampleHash, type Sample } from './samples.ts';
import { useFileDrop } from './use-file-drop.ts';

type Opened = { readonly kind: 'sample'; readonly sample: Sample } | { readonly kind: 'file'; readonly file: File };

/** What `data-app-state` says; see idle.ts. */
type AppState = 'empty' | 'loading' | 'decoding' | 'ready' | 'failed';

/** The toolbar and whatever is open: a sample at start, then what the user drops or picks. */
export function Workspace(): ReactElement {
  const [opened, setOpened] = useState<Opened | undefined>(() => ({ kind: 'sample', sample: sampleFromHash(window.location.hash) ?? DEFAULT_SAMPLE }));
  const [notice, setNotice] = useState<string | undefined>(undefined);
  // Where Cancel goes back to: the last stream that was shown.
  const lastShown = useRef<Opened | undefined>(undefined);

  const sample = opened?.kind === 'sample' ? opened.sample : undefined;
  const sampleQuery = useQuery({
    queryKey: ['sample', sample?.file],
    queryFn: ({ signal }) => fetchSample(sample ?? DEFAULT_SAMPLE, signal),
    enabled: sample !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const file = opened?.kind === 'file' ? opened.file : sample !== undefined ? sampleQuery.data : undefined;
  const decode = useStreamDecode(file);

  const open = useCallback((next: Opened) => {
    setNotice(undefined);
    setOpened(next);
  }, []);

  const openFiles = useCallback(
    (files: readonly File[]) => {
      const first = files[0];
      if (first === undefined) return;
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      open({ kind: 'file', file: first });
      if (files.length > 1) setNotice(`Opened ${first.name}; one stream at a time, the other ${files.length - 1} were ignored.`);
    },
    [open],
  );

  const openSample = useCallback(
    (s: Sample) => {
      window.history.replaceState(null, '', sampleHash(s));
      open({ kind: 'sample', sample: s });
    },
    [open],
  );

  useEffect(() => {
    const onHash = (): void => {
      const s = sampleFromHash(window.location.hash);
      if (s !== undefined) open({ kind: 'sample', sample: s });
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [open]);

  const dragging = useFileDrop(openFiles);

  const decoded = decode.query.data;
  useEffect(() => {
    if (decoded !== undefined) lastShown.current = opened;
  }, [decoded, opened]);

  const cancel = async (): Promise<void> => {
    const name = file?.name ?? 'the file';
    await decode.cancel();
    const back = lastShown.current;
    setOpened(back !== opened ? back : undefined);
    setNotice(`Cancelled decoding ${name}.`);
  };

  let state: AppState;
  let content: ReactElement;
  if (opened === undefined) {
    state = 'empty';
    content = <DropZone dragging={dragging} onFiles={openFiles} large />;
  } else if (sample !== undefined && sampleQuery.isError) {
    state = 'failed';
    content = <FailurePanel title={`Could not load the sample ${sample.file}`} message={sampleQuery.error.message} dragging={dragging} onFiles={openFiles} />;
  } else if (file === undefined) {
    state = 'loading';
    content = <div className="loading muted">Loading sample {sample?.file}…</div>;
  } else if (decode.query.isError) {
    state = 'failed';
    content = <FailurePanel title={`Could not decode ${file.name}`} message={decode.query.error.message} dragging={dragging} onFiles={openFiles} />;
  } else if (decoded === undefined) {
    state = 'decoding';
    content = <ProgressPanel name={file.name} fileSize={file.size} progress={decode.progress} onCancel={() => void cancel()} />;
  } else {
    state = 'ready';
    content = <StreamView key={JSON.stringify(decodeQueryKey(decoded.file))} stream={decoded} />;
  }

  return (
    <div className={`app${dragging ? ' dragging' : ''}`} data-app-state={state}>
      <header className="toolbar">
        <div className="brand">
          <span className="brand-name">migscope</span>
          <span className="brand-sub">QEMU migration stream inspector</span>
        </div>
        <DropZone dragging={dragging} onFiles={openFiles} />
        <SamplesMenu samples={SAMPLES} current={sample} onOpen={openSample} />
        {notice !== undefined ? (
          <span className="notice" role="status">
            {notice}
          </span>
        ) : undefined}
        <span className="toolbar-spacer" />
        <span className="muted local-note">decoded locally · nothing is uploaded</span>
      </header>
      <main className="workspace">{content}</main>
    </div>
  );
}
