/**
 * What a runtime check is given: the section of the stream being loaded, the destination device
 * that will take it, and everything known of the destination (release, machine type, command
 * line, effective device properties, and a stream the destination build saved itself).
 */
import type { DecodeResult, DecodedNode, SectionRecord } from '../../format/model.ts';
import type { PlacedDevice } from '../explain/device-placement.ts';
import type { QemuCommandLine } from '../explain/qemu-cmdline.ts';
import type { QemuVersion } from '../explain/qemu-version.ts';
import type { LocatedSection } from '../explain/stream-locate.ts';
import type { BuildProfile } from '../build-profiles/index.ts';
import type { PropertySources } from './device-properties.ts';

export interface RuntimeDestination {
  readonly version: QemuVersion | undefined;
  /** The machine type the destination runs (aliases resolved when its machine list is known). */
  readonly machineType: string | undefined;
  readonly cmdline: QemuCommandLine | undefined;
  readonly properties: PropertySources;
  /**
   * A stream the destination build saved with the same configuration: its decoded values are
   * facts about the destination (queue sizes, register lists, RAM block sizes).
   */
  readonly sample: DecodeResult | undefined;
  /** How to name the sample in a sentence (its file name). */
  readonly sampleName: string | undefined;
  /** The Debian build of the destination's release migscope has data of, when there is one. */
  readonly build?: BuildProfile | undefined;
}

export interface RuntimeSection {
  readonly stream: DecodeResult;
  readonly record: SectionRecord;
  readonly located: LocatedSection;
  /** The destination's device at the section's path, when the placement knows it. */
  readonly placed: PlacedDevice | undefined;
}

/** The same section in the destination's sample stream: same idstr and instance. */
export function sampleSection(dest: RuntimeDestination, section: RuntimeSection): SectionRecord | undefined {
  return dest.sample?.sections.find((s) => (s.type === 'FULL' || s.type === 'START') && s.idstr === section.record.idstr && s.instanceId === section.record.instanceId);
}

/** The first field node of a given vmdesc type directly below a section node. */
export function fieldOfType(section: DecodedNode, type: string): DecodedNode | undefined {
  return section.children?.find((c) => c.type === type);
}

/** Nodes below `root` that `keep` selects, outermost first, in stream order (not below a kept one). */
export function nodesOf(root: DecodedNode, keep: (n: DecodedNode) => boolean): DecodedNode[] {
  const out: DecodedNode[] = [];
  const stack: DecodedNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as DecodedNode;
    if (n !== root && keep(n)) {
      out.push(n);
      continue;
    }
    const kids = n.children;
    if (kids !== undefined) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as DecodedNode);
  }
  return out;
}

export function loadingState(section: RuntimeSection): string {
  return `error while loading state for instance 0x${section.record.instanceId.toString(16)} of device '${section.record.idstr}'`;
}
