/**
 * Keeps the URL's hash and the workspace in step, both ways. Out: every change of view,
 * selection, matrix cell, tour step or Explain destination input rewrites the hash
 * (replaceState: no history entry per click). In: at start and on hashchange, the link is
 * read; a sample set it names is opened, and the rest (file, view, selection, cell, step,
 * destination) is applied once the files it needs are loaded, so a shared link reproduces what
 * its sender saw.
 */
import { useEffect } from 'react';
import { getExplainInputs, setExplainInputs, subscribeExplainInputs } from '../explain/explain-inputs.ts';
import { sampleSetOf, type WorkspaceStore } from '../workspace/workspace-store.ts';
import { openSample, sampleById } from './samples.ts';
import { decodeUrlState, encodeUrlState, type UrlState } from './url-state.ts';
import { explainInputsOf, restoreReadiness, streamNamed, urlStateOf } from './workspace-url.ts';

export function useUrlSync(store: WorkspaceStore): void {
  useEffect(() => {
    let restore: UrlState | undefined;

    const read = (): void => {
      const url = decodeUrlState(window.location.hash);
      const set = sampleById(url.sample);
      const s = store.getState();
      // The sample's set may be open but not on show (the person's own set is): show it then.
      const sampleSet = sampleSetOf(s);
      const setLoaded = set !== undefined && s.sampleId === set.id && (s.pending > 0 || (sampleSet?.files.length ?? 0) > 0);
      if (set !== undefined && !setLoaded) void openSample(store, set);
      else if (set !== undefined && sampleSet !== undefined && s.currentSet !== sampleSet.id) store.openSet(sampleSet.id);
      restore = url;
    };

    const write = (): void => {
      const hash = encodeUrlState(urlStateOf(store.getState(), getExplainInputs()));
      if (hash === window.location.hash || (hash === '' && window.location.hash === '')) return;
      window.history.replaceState(window.history.state, '', hash === '' ? window.location.pathname + window.location.search : hash);
    };

    const apply = (url: UrlState): void => {
      const s = store.getState();
      const file = url.file !== undefined ? streamNamed(s, url.file) : undefined;
      if (file !== undefined) store.setActive('stream', file.id);
      // After a sample set loads, the view is the set's: the link's default.
      const view = url.view ?? s.view;
      if (url.path !== undefined || url.offset !== undefined) {
        store.focusNode({ ...(url.path !== undefined ? { path: url.path } : {}), ...(url.offset !== undefined ? { offset: url.offset } : {}) });
        const streamId = store.getState().active.stream;
        // Said at once, so that the link stays whole even while the Stream view is not open.
        if (streamId !== undefined && url.path !== undefined && url.offset !== undefined) store.setSelection({ streamId, path: url.path, offset: url.offset });
      }
      if (url.matrixLayout !== undefined) store.setMatrixLayout(url.matrixLayout);
      if (url.matrixCell !== undefined) store.selectMatrixCell(url.matrixCell);
      if (url.tourStep !== undefined) store.setTourStep(url.tourStep);
      setExplainInputs(explainInputsOf(store.getState(), url.destination));
      store.setView(url.tourStep !== undefined ? 'stream' : view);
    };

    const sync = (): void => {
      if (restore !== undefined) {
        const readiness = restoreReadiness(store.getState(), restore);
        // While the link's files load, the hash keeps saying what the link said.
        if (readiness === 'loading') return;
        if (readiness === 'ready') {
          const url = restore;
          restore = undefined;
          apply(url);
        }
        // 'wait-file': the hash follows the user again; the link applies when the file comes.
      }
      write();
    };

    read();
    sync();
    const unsubscribe = store.subscribe(sync);
    const unsubscribeInputs = subscribeExplainInputs(sync);
    const onHash = (): void => {
      read();
      sync();
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      unsubscribe();
      unsubscribeInputs();
      window.removeEventListener('hashchange', onHash);
    };
  }, [store]);
}
