/**
 * Sample sets served from public/samples (copied from fixtures/, see that folder's README):
 * real QEMU output, small enough to ship with the app. A set is what one case needs, opened
 * into the workspace together: a stream with the trace QEMU wrote while saving it, or a failed
 * load with the stream, both logs and the manifests.
 */
import type { ViewId, WorkspaceStore } from '../workspace/workspace-store.ts';
import { decodeUrlState } from './url-state.ts';

export interface SampleFile {
  /** Shown to the user and given to the File: the name it has in fixtures/. */
  readonly name: string;
  /**
   * Served under another suffix: servers send `*.gz` with `Content-Encoding: gzip`, and the
   * browser would then inflate it before the app could see the gzip container.
   */
  readonly path: string;
}

export interface SampleSet {
  /** Used in `#sample=`; the healthy sets keep their stream's name, as links made before sets did. */
  readonly id: string;
  /** A short name for links typed by hand: `#samples=failing-load`. */
  readonly alias: string;
  readonly title: string;
  readonly summary: string;
  readonly tone: 'healthy' | 'failing' | 'hosts' | 'board';
  readonly files: readonly SampleFile[];
  /** The view that shows the set best. */
  readonly view: ViewId;
}

/** A file as fixtures/ names it, served under `.gzip` when it is gzip (see SampleFile.path). */
const served = (name: string): SampleFile => ({ name, path: name.replace(/\.gz$/, '.gzip') });

const healthy = (qemu: string, machine: string, stream: string, alias: string, loadLog?: string): SampleSet => ({
  id: `${stream}.mig.gz`,
  alias,
  title: `${machine} on QEMU ${qemu}`,
  summary:
    loadLog !== undefined
      ? `A complete stream (-nodefaults), the trace QEMU wrote while saving it, and the trace of QEMU ${qemu} loading it (with downtime per device).`
      : 'A complete stream (-nodefaults) and the trace QEMU wrote while saving it.',
  tone: 'healthy',
  files: [
    served(`${stream}.mig.gz`),
    served(`${stream}.save-trace.log.gz`),
    ...(loadLog !== undefined ? [served(loadLog)] : []),
  ],
  view: 'stream',
});

/** One build's files for the board, under the names they have on disk: labels come from content. */
const build = (v: string, files: readonly [name: string, path: string][]): SampleFile[] => files.map(([name, path]) => ({ name, path: path.replace('{v}', v) }));

export const SAMPLE_SETS: readonly SampleSet[] = [
  healthy('11.1', 'pc-q35-11.1', 'pc-q35-11.1-minimal', 'q35-11.1', '11.1__11.1__pc-q35-11.1-minimal.log.gz'),
  healthy('7.2', 'pc-i440fx-7.2', 'pc-i440fx-7.2-minimal', 'i440fx-7.2'),
  healthy('5.2', 'pc-i440fx-5.2', 'pc-i440fx-5.2-minimal', 'i440fx-5.2'),
  {
    id: 'ppc64-pseries-7.2-minimal.mig.gz',
    alias: 'ppc64-7.2',
    title: 'pseries-7.2 (ppc64) on QEMU 7.2',
    summary: 'Another architecture: a ppc64 stream (-nodefaults -m 256M, saved before it ran). Its hash page table travels in an iterative section of its own, spapr/htab, beside RAM.',
    tone: 'healthy',
    files: [{ name: 'ppc64-pseries-7.2-minimal.mig.gz', path: 'ppc64-pseries-7.2-minimal.mig.gzip' }],
    view: 'stream',
  },
  {
    id: 'e-7.2-footer',
    alias: 'failing-load',
    title: 'Failed load: Missing section footer for mc146818rtc',
    summary: 'pc-i440fx-7.2-default with one byte flipped (0x165e88: 0x7e → 0x7f), loaded by QEMU 7.2: the stream, both traces, the command line and the 7.2 manifests.',
    tone: 'failing',
    files: [
      served('7.2__pc-i440fx-7.2-default.flip-footer.mig.gz'),
      served('pc-i440fx-7.2-default.save-trace.log.gz'),
      served('e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz'),
      served('pc-i440fx-7.2-default.cmd'),
      served('qemu-7.2.vmstate-pc-i440fx-7.2.json.gz'),
      served('qemu-11.1.vmstate-pc-i440fx-7.2.json.gz'),
    ],
    view: 'timeline',
  },
  {
    id: 'virtio-10.0-to-11.1',
    alias: 'virtio-rings',
    title: 'Failed load: VQ 0 vring.num 1024 exceeds allocated max 256',
    summary:
      "pc-q35-10.0 with six virtio devices, saved by QEMU 10.0.13 and refused by 11.1.3 with the same command line: the stream, 11.1's log, the command line, and 11.1's own stream of that configuration to pick as the destination sample.",
    tone: 'failing',
    // The stream to explain comes last: the last stream opened is the one the views show.
    files: [
      served('11.1__pc-q35-10.0-virtio.mig.gz'),
      served('pc-q35-10.0-virtio.cmd'),
      served('10.0__11.1__pc-q35-10.0-virtio.log.gz'),
      served('10.0__pc-q35-10.0-virtio.mig.gz'),
    ],
    view: 'explain',
  },
  {
    id: 'hosts-7.2-11.1',
    alias: 'two-hosts',
    title: 'Two hosts: QEMU 7.2 and QEMU 11.1',
    summary: 'What each binary offers (query-machines, -device help, the pc-i440fx-7.2 manifest of each), and a VM saved by 7.2 to place on one of them.',
    tone: 'hosts',
    files: [
      served('pc-i440fx-7.2-minimal.mig.gz'),
      served('qemu-7.2.qmp-query-machines.json.gz'),
      served('qemu-7.2.devices.txt.gz'),
      served('qemu-7.2.vmstate-pc-i440fx-7.2.json.gz'),
      served('qemu-11.1.qmp-query-machines.json.gz'),
      served('qemu-11.1.devices.txt.gz'),
      served('qemu-11.1.vmstate-pc-i440fx-7.2.json.gz'),
    ],
    view: 'tiers',
  },
  {
    id: 'assigned-gvt-g',
    alias: 'gvt-g',
    title: 'Assigned devices: a GVT-g VM and two hosts',
    summary:
      'A VM with an Intel GVT-g vGPU (mdev i915-GVTg_V5_4) and a whole PCI function, and two hosts with their mdev types: 7.2 has a free instance, 11.1 none. Written from the formats\u2019 documentation: no VFIO hardware was at hand.',
    tone: 'hosts',
    files: [
      { name: 'pc-q35-7.2-vfio-v2.mig', path: 'gvtg.pc-q35-7.2-vfio-v2.mig' },
      { name: 'vm-domain.xml', path: 'gvtg.vm-domain.xml' },
      // mdevctl names a device's config by its uuid: the Hosts view reads the uuid from the name.
      { name: '4b20d080-1b54-4048-85b3-a6a62d165c01', path: 'gvtg.4b20d080-1b54-4048-85b3-a6a62d165c01' },
      { name: 'source-host.mdevctl-types.json', path: 'gvtg.source-host.mdevctl-types.json' },
      served('qemu-7.2.qmp-query-machines.json.gz'),
      { name: 'qemu-7.2.vmstate-pc-q35-7.2.json.gz', path: 'board-7.2.vmstate-pc-q35-7.2.json.gzip' },
      { name: 'qemu-7.2.mdevctl-types.json', path: 'qemu-7.2.mdevctl-types.json' },
      served('qemu-11.1.qmp-query-machines.json.gz'),
      { name: 'qemu-11.1.vmstate-pc-q35-11.1.json.gz', path: 'board-11.1.vmstate-pc-q35-11.1.json.gzip' },
      { name: 'qemu-11.1.mdev-types.sysfs.txt', path: 'qemu-11.1.mdev-types.sysfs.txt' },
    ],
    view: 'hosts',
  },
  {
    id: 'release-board',
    alias: 'board',
    title: 'Release board: QEMU 5.2, 7.2, 10.0 and 11.1',
    summary:
      "Each Debian build's manifest, query-machines reply (with compat properties from 10.0) and -device help list, all under their own names (several are called the same), and the outcomes of 250 real loads between them.",
    tone: 'board',
    files: [
      ...build('5.2', [['devices.txt.gz', 'board-{v}.devices.txt.gzip'], ['qmp-query-machines.json.gz', 'board-{v}.qmp-query-machines.json.gzip'], ['vmstate-pc-q35-5.2.json.gz', 'board-{v}.vmstate-pc-q35-5.2.json.gzip']]),
      ...build('7.2', [['devices.txt.gz', 'qemu-{v}.devices.txt.gzip'], ['qmp-query-machines.json.gz', 'qemu-{v}.qmp-query-machines.json.gzip'], ['vmstate-pc-q35-7.2.json.gz', 'board-{v}.vmstate-pc-q35-7.2.json.gzip']]),
      ...build('10.0', [['devices.txt.gz', 'board-{v}.devices.txt.gzip'], ['qmp-query-machines-compat-props.json.gz', 'board-{v}.qmp-query-machines-compat-props.json.gzip'], ['vmstate-pc-q35-10.0.json.gz', 'board-{v}.vmstate-pc-q35-10.0.json.gzip']]),
      ...build('11.1', [['devices.txt.gz', 'qemu-{v}.devices.txt.gzip'], ['qmp-query-machines-compat-props.json.gz', 'board-{v}.qmp-query-machines-compat-props.json.gzip'], ['vmstate-pc-q35-11.1.json.gz', 'board-{v}.vmstate-pc-q35-11.1.json.gzip']]),
      { name: 'results.csv.gz', path: 'real-runs.results.csv.gzip' },
    ],
    view: 'matrix',
  },
];

export const DEFAULT_SAMPLE_SET = SAMPLE_SETS[0] as SampleSet;

/** A set by its id or its alias; anything else (links are user input) → undefined. */
export function sampleById(idOrAlias: string | undefined): SampleSet | undefined {
  if (idOrAlias === undefined) return undefined;
  return SAMPLE_SETS.find((s) => s.id === idOrAlias || s.alias === idOrAlias);
}

/** `#sample=<id>` (or `samples=<alias>`) → a known set, else undefined. */
export function sampleFromHash(hash: string): SampleSet | undefined {
  return sampleById(decodeUrlState(hash).sample);
}

export function sampleHash(set: SampleSet): string {
  return `#sample=${encodeURIComponent(set.id)}`;
}

export async function fetchSampleSet(set: SampleSet, signal: AbortSignal): Promise<File[]> {
  return Promise.all(
    set.files.map(async (f) => {
      const url = `${import.meta.env.BASE_URL}samples/${encodeURIComponent(f.path)}`;
      const res = await fetch(url, { signal });
      if (!res.ok) throw new Error(`${f.name}: HTTP ${res.status}`);
      const blob = await res.blob();
      // A fixed lastModified keeps the decode cache key stable across fetches.
      return new File([blob], f.name, { lastModified: 0 });
    }),
  );
}

/**
 * Opens a sample set in the workspace's sample set (the person's own sets stay as they are),
 * on `view` or the set's own.
 */
export function openSample(store: WorkspaceStore, set: SampleSet, view: ViewId = set.view): Promise<void> {
  return store.openSampleSet(set.id, (signal) => fetchSampleSet(set, signal), view, `Sample: ${set.title}`);
}
