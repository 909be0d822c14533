import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRunResults, type ReadRunResult } from '../../../analysis/run-results.ts';
import { getExplainInputs, INITIAL_EXPLAIN_INPUTS, setExplainInputs } from '../../explain/explain-inputs.ts';
import { activeFile, WorkspaceStore } from '../../workspace/workspace-store.ts';
import { findFile, rowFiles } from './observed-files.ts';
import { openRowInExplain } from './open-row.ts';

/** fixtures/runs/virtio-10.0-11.1: a real migscope run folder (streams committed gzipped). */
const RUN = 'fixtures/runs/virtio-10.0-11.1/';
const file = (name: string): File => new File([readFileSync(fileURLToPath(new URL(`../../../../${RUN}${name}`, import.meta.url)))], name);

function rows(): readonly ReadRunResult[] {
  const r = readRunResults(readFileSync(fileURLToPath(new URL(`../../../../${RUN}results.csv`, import.meta.url)), 'utf8'));
  if (!r.ok) throw new Error(r.message);
  return r.rows;
}

describe('a results row and its files', () => {
  const rng = (): ReadRunResult => {
    const row = rows().find((r) => r.config === 'virtio-rng-pci' && r.source === '10.0');
    if (row === undefined) throw new Error('no virtio-rng-pci row');
    return row;
  };

  it('a results file opens the Matrix view; each row finds its stream (.mig named, .mig.gz dropped), log, command line and save trace', async () => {
    const store = new WorkspaceStore();
    const names = ['results.csv', '10.0__pc-q35-10.0__virtio-rng-pci.mig.gz', '10.0__11.1__pc-q35-10.0__virtio-rng-pci.log', '10.0__11.1__pc-q35-10.0__virtio-rng-pci.cmd', '10.0__pc-q35-10.0__virtio-rng-pci.save-trace.log', '10.0__pc-q35-10.0__virtio-rng-pci.cmd'];
    await store.addFiles(names.map(file));
    const s = store.getState();
    expect(s.view).toBe('matrix');
    const row = rng();
    expect(row.streamFile).toBe('10.0__pc-q35-10.0__virtio-rng-pci.mig');
    const found = rowFiles(row, s.files);
    expect([found.stream, found.log, found.destCmdline, found.saveTrace].map((f) => f?.file.name)).toEqual(names.slice(1, 5));
    expect(found.missing).toEqual([]);
    // Another row's files are not there: named as missing, never swapped for this row's.
    const net = rowFiles(rows().find((r) => r.config === 'virtio-net-pci' && r.source === '10.0') as ReadRunResult, s.files);
    expect(net.stream).toBeUndefined();
    expect(net.missing).toEqual(['10.0__pc-q35-10.0__virtio-net-pci.mig', '10.0__11.1__pc-q35-10.0__virtio-net-pci.log', '10.0__11.1__pc-q35-10.0__virtio-net-pci.cmd', '10.0__pc-q35-10.0__virtio-net-pci.save-trace.log']);

    // Explain gets this row's stream and log, and the destination the row names.
    setExplainInputs(INITIAL_EXPLAIN_INPUTS);
    expect(openRowInExplain(store, { row, files: found })).toBe(true);
    const after = store.getState();
    expect(after.view).toBe('explain');
    expect(activeFile(after, 'stream')?.file.name).toBe('10.0__pc-q35-10.0__virtio-rng-pci.mig.gz');
    expect(activeFile(after, 'load')?.file.name).toBe('10.0__11.1__pc-q35-10.0__virtio-rng-pci.log');
    expect(activeFile(after, 'save')?.file.name).toBe('10.0__pc-q35-10.0__virtio-rng-pci.save-trace.log');
    expect(getExplainInputs()).toMatchObject({ cmdline: found.destCmdline?.id, version: '11.1', machine: 'pc-q35-10.0', sample: 'none' });
    setExplainInputs(INITIAL_EXPLAIN_INPUTS);
  });

  it('a kind must match, and a picked folder path tells two runs apart', async () => {
    const store = new WorkspaceStore();
    const a = file('10.0__11.1__pc-q35-10.0__virtio-rng-pci.log');
    const b = file('10.0__11.1__pc-q35-10.0__virtio-rng-pci.log');
    Object.defineProperty(a, 'webkitRelativePath', { value: 'run-a/10.0__11.1__pc-q35-10.0__virtio-rng-pci.log' });
    Object.defineProperty(b, 'webkitRelativePath', { value: 'run-b/10.0__11.1__pc-q35-10.0__virtio-rng-pci.log' });
    await store.addFiles([a, b]);
    const files = store.getState().files;
    expect(findFile('run-a/10.0__11.1__pc-q35-10.0__virtio-rng-pci.log', 'trace-log', files)?.file).toBe(a);
    expect(findFile('10.0__11.1__pc-q35-10.0__virtio-rng-pci.log', 'trace-log', files)?.file).toBe(b);
    expect(findFile('10.0__11.1__pc-q35-10.0__virtio-rng-pci.log', 'stream', files)).toBeUndefined();
  });
});
