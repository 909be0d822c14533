/**
 * `VMSTATE_*_EQUAL` fields (migration/vmstate-types.c get_*_equal / load_*_equal): the
 * destination compares the stream's value with its own and refuses any difference: `%x != %x`,
 * the destination's value first; up to 10.x printed alone before `Failed to load vmsd:field`,
 * in 11.1 the innermost text of the chain (docs/runtime-checks-sources.md §6). The destination's
 * own value comes from a stream it saved with the same configuration (`--dest-sample`); without
 * one the check is not made: the machine type and command line fix these values (PCIBUS nirq,
 * fdc num_floppies, ahci ports, vmmouse queue_size, vga is_vbe_vmstate in the real runs).
 */
import type { DecodedNode } from '../../format/model.ts';
import { errorStyle, formatQemuVersion } from '../explain/qemu-version.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, toFailureSection } from '../explain/stream-locate.ts';
import { loadingState, nodesOf, sampleSection, type RuntimeDestination, type RuntimeSection } from './context.ts';
import type { CheckOutcome, RuntimeCheckSpec } from './model.ts';

export const EQUAL_FIELD_CHECK: RuntimeCheckSpec = {
  family: 'equal-fields',
  message: '%x != %x',
  source: 'migration/vmstate-types.c get_*_equal / load_*_equal',
  releases: 'all (5.2 - 11.1)',
  inputs: ['--dest-sample'],
};

const isEqualField = (n: DecodedNode): boolean => n.type !== undefined && / equal$/.test(n.type) && (typeof n.value === 'number' || typeof n.value === 'bigint');
const baseName = (n: DecodedNode): string => n.name.replace(/\[\d+\]$/, '');

function hexOf(v: number | bigint, type: string): string {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v).toString(16);
  return (type.includes('64') ? BigInt.asUintN(64, BigInt(v)) : BigInt.asUintN(32, BigInt(v))).toString(16);
}

export function checkEqualFields(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome | undefined {
  const node = section.located.node;
  const sample = sampleSection(dest, section);
  if (node === undefined || sample === undefined) return undefined;
  const mine = nodesOf(node, isEqualField);
  if (mine.length === 0) return undefined;
  const theirs = nodesOf(sample.node, isEqualField);
  for (const f of mine) {
    // The same field of the destination's stream: by name, in order of appearance.
    const nth = mine.filter((m) => baseName(m) === baseName(f)).indexOf(f);
    const other = theirs.filter((t) => baseName(t) === baseName(f))[nth];
    if (other === undefined || other.value === undefined || f.value === undefined) continue;
    if (String(other.value) === String(f.value)) continue;
    const type = f.type ?? '';
    const text = `${hexOf(other.value as number | bigint, type)} != ${hexOf(f.value as number | bigint, type)}`;
    const vmsd = section.record.idstr.slice(section.record.idstr.lastIndexOf('/') + 1);
    const message =
      errorStyle(dest.version) === 'chained'
        ? [`load of migration failed: Invalid argument: ${loadingState(section)}: ${text}`]
        : [text, `Failed to load ${vmsd}:${baseName(f)}`, loadingState(section), 'load of migration failed: Invalid argument'];
    return {
      verdict: 'fails',
      spec: EQUAL_FIELD_CHECK,
      failure: makeFailure({
        cause: 'DEVICE_CHECK_FAILED',
        section: toFailureSection(section.located),
        field: f.path.slice(1).join('/'),
        offset: f.start,
        length: (f.end ?? f.start) - f.start,
        message,
        explanation:
          `'${baseName(f)}' of ${section.record.idstr} is a ${type} field: the destination compares the stream's value, ${String(f.value)} at ${hex(f.start)}, with its own, ${String(other.value)} ` +
          `(from ${dest.sampleName ?? 'the destination sample'}${dest.version !== undefined ? `, QEMU ${formatQemuVersion(dest.version)}` : ''}), and refuses any difference. Such values follow from the machine type and the device's configuration.`,
        fix: `Configure the destination's ${section.placed?.qomType ?? vmsd} like the source's (the property or machine type that sets '${baseName(f)}').`,
        values: [{ name: baseName(f), offset: f.start, length: (f.end ?? f.start) - f.start, value: String(f.value) }],
      }),
    };
  }
  return { verdict: 'passes', spec: EQUAL_FIELD_CHECK };
}

