/**
 * The explanation and fix of each cause, in reviewer terms, shared by diagnosis (a log says
 * what happened) and prediction (what will happen), so both tell the same story.
 */
import type { DecodeResult } from '../../format/model.ts';
import type { ExplainCause, ExplainFailure, FailureSection, FailureValue } from './model.ts';
import { splitIdstr } from './idstr.ts';
import { formatQemuVersion, type QemuVersion } from './qemu-version.ts';

export interface FailureParts {
  readonly cause: ExplainCause;
  readonly section?: FailureSection | undefined;
  readonly field?: string | undefined;
  readonly offset?: number | undefined;
  readonly length?: number | undefined;
  readonly message: readonly string[] | string;
  readonly explanation: string;
  readonly fix: string;
  readonly values?: readonly FailureValue[] | undefined;
}

export function makeFailure(p: FailureParts): ExplainFailure {
  return {
    cause: p.cause,
    section: p.section,
    field: p.field,
    offset: p.offset,
    length: p.length,
    message: typeof p.message === 'string' ? p.message : p.message.join('\n'),
    explanation: p.explanation,
    fix: p.fix,
    values: p.values ?? [],
  };
}

export function describeDest(version: QemuVersion | undefined): string {
  return version === undefined ? 'the destination QEMU' : `the destination QEMU ${formatQemuVersion(version)}`;
}

/** `the virtio-gpu device at PCI 00:05.0` / `mc146818rtc` for a section idstr. */
export function describeSection(idstr: string): string {
  const { path, name } = splitIdstr(idstr);
  if (path === undefined) return `'${name}'`;
  const pci = /^0000:([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])$/.exec(path);
  if (pci !== null) return `the ${name} device at PCI ${pci[1]}`;
  return `the ${name} device at ${path}`;
}

export function machineMismatchStory(received: string, local: string, destHas: boolean | undefined, version: QemuVersion | undefined): { explanation: string; fix: string } {
  const explanation =
    `The stream was saved by a VM running machine type '${received}'; ${describeDest(version)} runs '${local}'. ` +
    `QEMU compares the two names in the configuration section, the first record of the stream, and refuses any difference ` +
    `(even between two versions of one family): the machine type fixes the built-in devices and the compat properties ` +
    `that decide what each device sends.`;
  const fix =
    destHas === false
      ? `The destination QEMU has no '${received}', so no -machine value makes this stream load there: use a destination QEMU that has '${received}', or save the VM again from a source started with a machine type both QEMUs have.`
      : `Start the destination with -machine ${received}${destHas === true ? ` (it has that type)` : ''} and the same devices as the source.`;
  return { explanation, fix };
}

export function streamDamageNote(stream: DecodeResult, sectionStart: number): string | undefined {
  const d = stream.diagnostics.find((x) => (x.code === 'SECTION_VERSION_DIFFERS' || x.code === 'SECTION_NOT_IN_VMDESC') && x.offset >= sectionStart && x.offset < sectionStart + 256);
  return d === undefined ? undefined : `The stream contradicts itself here: ${d.message}.`;
}
