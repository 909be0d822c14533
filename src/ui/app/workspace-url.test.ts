import { describe, expect, it } from 'vitest';
import { INITIAL_EXPLAIN_INPUTS } from '../explain/explain-inputs.ts';
import type { FileKind } from '../workspace/detect-file.ts';
import type { WorkspaceFile, WorkspaceState } from '../workspace/workspace-store.ts';
import { explainInputsOf, restoreReadiness, urlStateOf } from './workspace-url.ts';

const streamFile = (id: string, name: string, origin: 'user' | 'sample'): WorkspaceFile => ({
  id,
  file: new File([], name),
  origin,
  detection: { kind: 'stream', wrapping: 'none', detail: 'QEVM' },
});

const base: WorkspaceState = {
  // urlStateOf reads the fields of the set on show; the set list itself is the store's.
  sets: [],
  currentSet: undefined,
  files: [streamFile('f1', 'pc-q35-11.1-minimal.mig.gz', 'sample')],
  active: { stream: 'f1' },
  view: 'stream',
  sampleId: 'pc-q35-11.1-minimal.mig.gz',
  pending: 0,
  notice: undefined,
  focus: undefined,
  selection: undefined,
  matrixCell: undefined,
  matrixLayout: 'board',
  tourStep: undefined,
  version: 1,
};

describe('urlStateOf', () => {
  it('a sample set as opened is just its name', () => {
    expect(urlStateOf(base)).toEqual({ sample: 'pc-q35-11.1-minimal.mig.gz' });
    // The failed-load set opens on the Timeline: that is its default, not said.
    const failing = { ...base, sampleId: 'e-7.2-footer', view: 'timeline' as const };
    expect(urlStateOf(failing)).toEqual({ sample: 'e-7.2-footer' });
    expect(urlStateOf({ ...failing, view: 'stream' })).toEqual({ sample: 'e-7.2-footer', view: 'stream' });
  });

  it('the selection of the stream on show, the cell, the step; a user’s file by name', () => {
    const selection = { streamId: 'f1', path: ['timer#0', 'cpu_ticks_offset'], offset: 0x9b676 };
    expect(urlStateOf({ ...base, selection, matrixCell: { row: 'a', col: 'b' } })).toEqual({
      sample: 'pc-q35-11.1-minimal.mig.gz',
      path: ['timer#0', 'cpu_ticks_offset'],
      offset: 0x9b676,
      // A cell link names its layout (the board's default would read as an old heat map link).
      matrixLayout: 'board',
      matrixCell: { row: 'a', col: 'b' },
    });
    // A tour step names its own bytes; a selection in another stream is not this one's.
    expect(urlStateOf({ ...base, selection, tourStep: 2 })).toEqual({ sample: 'pc-q35-11.1-minimal.mig.gz', tourStep: 2 });
    expect(urlStateOf({ ...base, selection: { ...selection, streamId: 'f9' } })).toEqual({ sample: 'pc-q35-11.1-minimal.mig.gz' });
    const mine = { ...base, files: [...base.files, streamFile('f2', 'mine.mig', 'user')], active: { stream: 'f2' } };
    expect(urlStateOf(mine)).toEqual({ sample: 'pc-q35-11.1-minimal.mig.gz', file: 'mine.mig' });
    expect(urlStateOf({ ...mine, files: [mine.files[1] as WorkspaceFile], sampleId: 'pc-q35-11.1-minimal.mig.gz' })).toEqual({ file: 'mine.mig' });
  });
});

const fileOf = (id: string, name: string, kind: FileKind): WorkspaceFile => ({ id, file: new File([], name), origin: 'user', detection: { kind, wrapping: 'none', detail: '' } });

describe('the Explain destination in links', () => {
  const files = [
    streamFile('f1', 'pc-q35-11.1-minimal.mig.gz', 'sample'),
    fileOf('f2', 'src.mig.gz', 'stream'),
    fileOf('f3', 'dest.cmd', 'command-line'),
    fileOf('f4', 'dest-sample.mig.gz', 'stream'),
  ];
  const state: WorkspaceState = { ...base, files, active: { stream: 'f2' } };

  it('says what differs from the defaults, files by name', () => {
    expect(urlStateOf(state, INITIAL_EXPLAIN_INPUTS).destination).toBeUndefined();
    const inputs = { ...INITIAL_EXPLAIN_INPUTS, machine: ' pc-q35-10.0 ', version: '11.1', cmdline: 'f3', manifest: 'none', sample: 'f4' };
    expect(urlStateOf(state, inputs).destination).toEqual({ machine: 'pc-q35-10.0', version: '11.1', cmdline: { name: 'dest.cmd' }, manifest: 'none', sample: { name: 'dest-sample.mig.gz' } });
    // A file that is gone is not said.
    expect(urlStateOf(state, { ...INITIAL_EXPLAIN_INPUTS, sample: 'f9' }).destination).toBeUndefined();
  });

  it('a link’s names become this workspace’s files, of the right kind; it waits for missing ones', () => {
    const link = { version: '11.1', cmdline: { name: 'dest.cmd' }, sample: { name: 'dest-sample.mig.gz' }, manifest: 'none' as const };
    expect(explainInputsOf(state, link)).toEqual({ ...INITIAL_EXPLAIN_INPUTS, version: '11.1', cmdline: 'f3', sample: 'f4', manifest: 'none' });
    // A name that is not a stream is no sample.
    expect(explainInputsOf(state, { sample: { name: 'dest.cmd' } }).sample).toBe('none');
    expect(explainInputsOf(state, undefined)).toEqual(INITIAL_EXPLAIN_INPUTS);
    expect(restoreReadiness(state, { destination: link })).toBe('ready');
    expect(restoreReadiness(state, { destination: { sample: { name: 'other.mig.gz' } } })).toBe('wait-file');
    expect(restoreReadiness(state, { destination: { manifest: 'none' } })).toBe('ready');
  });
});

describe('restoreReadiness', () => {
  it('waits for loads, then for the named file', () => {
    expect(restoreReadiness({ ...base, pending: 1 }, {})).toBe('loading');
    expect(restoreReadiness(base, { file: 'mine.mig' })).toBe('wait-file');
    expect(restoreReadiness(base, { file: 'pc-q35-11.1-minimal.mig.gz' })).toBe('ready');
    expect(restoreReadiness(base, {})).toBe('ready');
  });
});
