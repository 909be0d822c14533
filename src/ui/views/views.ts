/**
 * The views of the workspace, in tab order, and what each needs from the workspace: the
 * placeholders say it, and the tabs count what is there.
 */
import type { FileKind } from '../workspace/detect-file.ts';
import type { ViewId } from '../workspace/workspace-store.ts';

export interface ViewNeed {
  readonly kind: FileKind;
  /** How many of it, in words: "one", "one per QEMU version", "any". */
  readonly how: string;
  readonly required: boolean;
}

export interface ViewInfo {
  readonly id: ViewId;
  readonly label: string;
  /** One sentence: what the view answers. */
  readonly question: string;
  readonly needs: readonly ViewNeed[];
}

export const VIEWS: readonly ViewInfo[] = [
  {
    id: 'stream',
    label: 'Stream',
    question: 'What is in this migration stream, byte by byte?',
    needs: [{ kind: 'stream', how: 'one (the active one is shown)', required: true }],
  },
  {
    id: 'timeline',
    label: 'Timeline',
    question: 'What did QEMU save and load, in what order, and where did it stop?',
    needs: [{ kind: 'trace-log', how: 'a save-side trace, a load-side log, or both', required: true }],
  },
  {
    id: 'explain',
    label: 'Explain',
    question: 'Why did (or will) this load fail, in words?',
    needs: [
      { kind: 'stream', how: 'one; a second one the destination build saved, as its sample', required: true },
      { kind: 'trace-log', how: "the destination's stderr, when the load was tried", required: false },
      { kind: 'vmstate-manifest', how: "the destination QEMU's, to predict without a log", required: false },
      { kind: 'command-line', how: "the destination's, for where devices land", required: false },
      { kind: 'device-properties', how: "the destination build's, for its device defaults", required: false },
    ],
  },
  {
    id: 'matrix',
    label: 'Matrix',
    question: 'Which devices break between which QEMU versions, for every machine type, both directions?',
    needs: [
      { kind: 'vmstate-manifest', how: 'one per QEMU version (two or more)', required: true },
      { kind: 'query-machines', how: 'one per version, for which machine types exist (with compat properties: what each pins)', required: false },
      { kind: 'load-outcomes', how: 'real load outcomes (migscope run writes them), marked against the predictions', required: false },
      { kind: 'stream', how: 'narrows one machine type to the VM it holds', required: false },
    ],
  },
  {
    id: 'tiers',
    label: 'Tiers',
    question: 'Which machine types keep their migration promise across these builds?',
    needs: [
      { kind: 'query-machines', how: 'one per QEMU build', required: true },
      { kind: 'vmstate-manifest', how: 'one per build', required: false },
      { kind: 'device-help', how: 'one per build', required: false },
    ],
  },
  {
    id: 'compat',
    label: 'Compat props',
    question: 'What does each machine type pin, and which of it changes migration state?',
    needs: [{ kind: 'query-machines', how: 'one per QEMU build, queried with "compat-props": true (9.1 and later)', required: true }],
  },
  {
    id: 'hosts',
    label: 'Hosts',
    question: 'Which of these hosts can this VM migrate to?',
    needs: [
      { kind: 'stream', how: 'the VM (or a manifest and its machine type)', required: true },
      { kind: 'vmstate-manifest', how: 'one per candidate host', required: true },
      { kind: 'query-machines', how: 'one per candidate host', required: false },
      { kind: 'device-help', how: 'one per candidate host', required: false },
      { kind: 'device-models', how: "a host's exported device manifest, or what the VM needs", required: false },
      { kind: 'domain-xml', how: "the VM's assigned devices (<hostdev>), or its command line's -device vfio-pci", required: false },
      { kind: 'mdev-config', how: 'one per mediated device of the VM, named by its uuid: its mdev type', required: false },
      { kind: 'mdev-types', how: "one per candidate host (and the source's, for compatible_type traits)", required: false },
    ],
  },
  {
    id: 'negotiate',
    label: 'Negotiate',
    question: 'Which of the breaks between these builds would version negotiation fix, and which need a compat property or a QEMU fix?',
    needs: [
      { kind: 'vmstate-manifest', how: 'one per QEMU build (two or more)', required: true },
      { kind: 'query-machines', how: 'one per build; with compat properties, what each machine type pins', required: false },
    ],
  },
];

export function viewInfo(id: ViewId): ViewInfo {
  return VIEWS.find((v) => v.id === id) as ViewInfo;
}
