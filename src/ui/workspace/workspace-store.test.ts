import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { activeFile, filesOfKind, pairChoice, WorkspaceStore, type WorkspaceState } from './workspace-store.ts';

const fixture = (rel: string, name = rel.replace(/^.*\//, '')): File =>
  new File([readFileSync(fileURLToPath(new URL(`../../../fixtures/${rel}`, import.meta.url)))], name);

const STREAM = 'streams/7.2/pc-i440fx-7.2-minimal.mig.gz';
const STREAM_2 = 'streams/5.2/pc-i440fx-5.2-minimal.mig.gz';
const SAVE = 'streams/7.2/pc-i440fx-7.2-default.save-trace.log.gz';
const LOAD = 'loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz';
const MANIFEST = 'versions/7.2/vmstate-pc-i440fx-7.2.json.gz';

function kinds(state: WorkspaceState): string[] {
  return state.files.map((f) => `${f.file.name}:${f.detection?.kind ?? 'pending'}`);
}

describe('WorkspaceStore', () => {
  it('recognises a mix of files in one drop and activates the stream and each log', async () => {
    const store = new WorkspaceStore();
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getState().pending));
    await store.addFiles([fixture(STREAM), fixture(MANIFEST), fixture(SAVE), fixture(LOAD), fixture('versions/7.2/devices.txt')]);
    const s = store.getState();
    expect(kinds(s)).toEqual([
      'pc-i440fx-7.2-minimal.mig.gz:stream',
      'vmstate-pc-i440fx-7.2.json.gz:vmstate-manifest',
      'pc-i440fx-7.2-default.save-trace.log.gz:trace-log',
      'e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz:trace-log',
      'devices.txt:device-help',
    ]);
    expect(activeFile(s, 'stream')?.file.name).toBe('pc-i440fx-7.2-minimal.mig.gz');
    expect(activeFile(s, 'save')?.file.name).toBe('pc-i440fx-7.2-default.save-trace.log.gz');
    expect(activeFile(s, 'load')?.file.name).toBe('e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz');
    expect(s.pending).toBe(0);
    expect(seen[0]).toBe(5);
    expect(s.view).toBe('stream');
  });

  it('logs alone open the timeline; a stream alone the stream view', async () => {
    const store = new WorkspaceStore();
    await store.addFiles([fixture(LOAD)]);
    expect(store.getState().view).toBe('timeline');
    await store.addFiles([fixture(STREAM)]);
    expect(store.getState().view).toBe('stream');
    store.setView('matrix');
    await store.addFiles([fixture(SAVE)]);
    expect(store.getState().view).toBe('matrix');
  });

  it('removing the active stream falls back to the newest other one', async () => {
    const store = new WorkspaceStore();
    await store.addFiles([fixture(STREAM), fixture(STREAM_2), fixture(MANIFEST)]);
    const [first, second] = filesOfKind(store.getState(), 'stream');
    expect(store.getState().active.stream).toBe(second?.id);
    store.remove(second?.id ?? '');
    expect(store.getState().active.stream).toBe(first?.id);
    store.remove(first?.id ?? '');
    expect(store.getState().active.stream).toBeUndefined();
    expect(kinds(store.getState())).toEqual(['vmstate-pc-i440fx-7.2.json.gz:vmstate-manifest']);
  });

  it('setActive only accepts a file of that role', async () => {
    const store = new WorkspaceStore();
    await store.addFiles([fixture(STREAM), fixture(MANIFEST), fixture(STREAM_2)]);
    const [stream, manifest] = store.getState().files;
    store.setActive('stream', manifest?.id);
    expect(store.getState().active.stream).not.toBe(manifest?.id);
    store.setActive('stream', stream?.id);
    expect(store.getState().active.stream).toBe(stream?.id);
  });

  it('a sample set replaces the previous sample, in the sample’s own set', async () => {
    const store = new WorkspaceStore();
    await store.openSampleSet('a', async () => [fixture(STREAM)], undefined, 'Sample A');
    await store.openSampleSet('b', async () => [fixture(STREAM_2), fixture(LOAD)], 'timeline', 'Sample B');
    const s = store.getState();
    expect(s.sets.map((x) => [x.origin, x.title, x.files.length])).toEqual([['sample', 'Sample B', 2]]);
    expect(kinds(s)).toEqual(['pc-i440fx-5.2-minimal.mig.gz:stream', 'e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz:trace-log']);
    expect(s.sampleId).toBe('b');
    expect(s.view).toBe('timeline');
    expect(s.pending).toBe(0);
  });

  it('the first drop starts the person’s own set; the sample stays one click away', async () => {
    const store = new WorkspaceStore();
    await store.openSampleSet('a', async () => [fixture(STREAM)], undefined, 'Sample A');
    const sampleSet = store.getState().currentSet ?? '';
    await store.addFiles([fixture(LOAD)]);
    let s = store.getState();
    expect(s.sets.map((x) => [x.origin, x.title])).toEqual([
      ['sample', 'Sample A'],
      ['user', 'Your files'],
    ]);
    // The views see only the dropped log: no stream of the sample's pairs with it.
    expect(kinds(s)).toEqual(['e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz:trace-log']);
    expect(s.active).toEqual({ load: s.files[0]?.id });
    expect(s.view).toBe('timeline');
    // A second drop joins it.
    await store.addFiles([fixture(SAVE)]);
    expect(store.getState().sets[1]?.files).toHaveLength(2);

    // Back to the sample: all of it is there, on the view it had.
    store.openSet(sampleSet);
    s = store.getState();
    expect(kinds(s)).toEqual(['pc-i440fx-7.2-minimal.mig.gz:stream']);
    expect(s.view).toBe('stream');
    // A drop while the sample is on show starts another set of the person's, never joins the sample's.
    await store.addFiles([fixture(STREAM_2)]);
    s = store.getState();
    expect(s.sets.map((x) => [x.origin, x.title, x.files.length])).toEqual([
      ['sample', 'Sample A', 1],
      ['user', 'Your files', 2],
      ['user', 'Your files 2', 1],
    ]);
    expect(s.sets.filter((x) => x.origin === 'sample').flatMap((x) => x.files).every((f) => f.origin === 'sample')).toBe(true);

    // A new empty set takes the next drop; closing a set shows another.
    const fresh = store.newSet();
    await store.addFiles([fixture(MANIFEST)]);
    expect(store.getState().sets.find((x) => x.id === fresh)?.files.map((f) => f.file.name)).toEqual(['vmstate-pc-i440fx-7.2.json.gz']);
    store.closeSet(fresh);
    expect(store.getState().sets.map((x) => x.id)).not.toContain(fresh);
    store.closeSet(sampleSet);
    expect(store.getState().sets[0]?.id).toBe(sampleSet);
  });

  it('a pairing chosen against the evidence is remembered per set, until a file goes', async () => {
    const store = new WorkspaceStore();
    await store.addFiles([fixture(STREAM), fixture(LOAD)]);
    const { stream, load } = store.getState().active;
    expect(pairChoice(store.getState(), stream ?? '', load ?? '')).toBeUndefined();
    store.choosePair(load ?? '', stream ?? '', true);
    expect(pairChoice(store.getState(), stream ?? '', load ?? '')).toBe(true);
    store.choosePair(load ?? '', stream ?? '', false);
    expect(pairChoice(store.getState(), stream ?? '', load ?? '')).toBe(false);
    store.remove(load ?? '');
    expect(store.getState().sets[0]?.choices).toEqual({});
  });

  it('a set remembers its selection and selects it again when shown', async () => {
    const store = new WorkspaceStore();
    await store.openSampleSet('a', async () => [fixture(STREAM)]);
    const sampleSet = store.getState().currentSet ?? '';
    const streamId = store.getState().active.stream ?? '';
    store.setSelection({ streamId, path: ['timer#0', 'cpu_ticks_offset'], offset: 0x93572 });
    await store.addFiles([fixture(STREAM_2)]);
    expect(store.getState().selection).toBeUndefined();
    store.openSet(sampleSet);
    expect(store.getState().focus).toMatchObject({ streamId, path: ['timer#0', 'cpu_ticks_offset'], offset: 0x93572 });
  });

  it('a newer sample set wins over one still downloading', async () => {
    const store = new WorkspaceStore();
    let release: () => void = () => undefined;
    const slow = store.openSampleSet('slow', (signal) => new Promise((resolve, reject) => {
      release = () => resolve([fixture(STREAM)]);
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    }));
    await store.openSampleSet('fast', async () => [fixture(STREAM_2)]);
    release();
    await slow;
    expect(kinds(store.getState())).toEqual(['pc-i440fx-5.2-minimal.mig.gz:stream']);
    expect(store.getState().notice).toBeUndefined();
    expect(store.getState().pending).toBe(0);
  });

  it('a sample that cannot be fetched says so', async () => {
    const store = new WorkspaceStore();
    await store.openSampleSet('x', () => Promise.reject(new Error('HTTP 404')));
    expect(store.getState().notice).toEqual({ tone: 'error', text: 'Could not load the sample: HTTP 404' });
    expect(store.getState().pending).toBe(0);
  });

  it('focusSection needs a stream, switches to it and counts requests', async () => {
    const store = new WorkspaceStore();
    expect(store.focusSection('mc146818rtc', 0)).toBe(false);
    await store.addFiles([fixture(LOAD), fixture(STREAM)]);
    store.setView('timeline');
    expect(store.focusSection('mc146818rtc', 0)).toBe(true);
    expect(store.focusSection('mc146818rtc', 0)).toBe(true);
    const s = store.getState();
    expect(s.view).toBe('stream');
    expect(s.focus).toMatchObject({ idstr: 'mc146818rtc', instance: 0, seq: 2, streamId: s.active.stream });
  });

  it('files it cannot recognise are listed as unknown with a notice', async () => {
    const store = new WorkspaceStore();
    await store.addFiles([new File(['hello'], 'notes.txt'), fixture(STREAM)]);
    expect(kinds(store.getState())).toEqual(['notes.txt:unknown', 'pc-i440fx-7.2-minimal.mig.gz:stream']);
    expect(store.getState().notice?.text).toContain('1 of 2 files were not recognised');
  });

  it('focusNode asks the Stream view for a node by path, offset and highlight', async () => {
    const store = new WorkspaceStore();
    expect(store.focusNode({ offset: 8 })).toBe(false);
    await store.addFiles([fixture(STREAM)]);
    store.setView('matrix');
    expect(store.focusNode({ path: ['fw_cfg#0', 'fw_cfg/dma'], offset: 0x93eb8, highlight: { start: 0x93eb8, end: 0x93ed0 } })).toBe(true);
    const s = store.getState();
    expect(s.view).toBe('stream');
    expect(s.focus).toMatchObject({ streamId: s.active.stream, path: ['fw_cfg#0', 'fw_cfg/dma'], offset: 0x93eb8, highlight: { start: 0x93eb8, end: 0x93ed0 }, seq: 1 });
  });

  it('the selection a link carries: set once, dropped with its stream', async () => {
    const store = new WorkspaceStore();
    await store.addFiles([fixture(STREAM)]);
    const streamId = store.getState().active.stream ?? '';
    store.setSelection({ streamId, path: ['timer#0', 'cpu_ticks_offset'], offset: 0x93572 });
    const v = store.getState().version;
    // The same selection again changes nothing (no re-render, no new URL).
    store.setSelection({ streamId, path: ['timer#0', 'cpu_ticks_offset'], offset: 0x93572 });
    expect(store.getState().version).toBe(v);
    expect(store.getState().selection?.path).toEqual(['timer#0', 'cpu_ticks_offset']);
    store.remove(streamId);
    expect(store.getState().selection).toBeUndefined();
  });

  it('matrix cell and tour step', () => {
    const store = new WorkspaceStore();
    expect(store.getState().matrixCell).toBeUndefined();
    store.selectMatrixCell({ row: 'fw_cfg', col: '7.2→11.1' });
    expect(store.getState().matrixCell).toEqual({ row: 'fw_cfg', col: '7.2→11.1' });
    const v = store.getState().version;
    store.selectMatrixCell({ row: 'fw_cfg', col: '7.2→11.1' });
    expect(store.getState().version).toBe(v);
    store.selectMatrixCell(undefined);
    expect(store.getState().matrixCell).toBeUndefined();
    store.setTourStep(3);
    expect(store.getState().tourStep).toBe(3);
    store.setTourStep(undefined);
    expect(store.getState().tourStep).toBeUndefined();
  });
});
