/**
 * A stream's vmdesc entry turned into the manifest's shape, so a stream can stand in for the
 * source manifest. It describes what was written, not what could be: every field listed was
 * sent (no tests, no versions), element counts are exact, and only sent subsections appear.
 */
import type { VmdescField, VmdescVmsd } from '../format/index.ts';
import type { VmstateDescription, VmstateField } from '../manifest/vmstate-manifest.ts';
import { baseFieldName, nestedOf } from './stream-facts.ts';

/**
 * QEMU numbers fields that share a name within one vmsd in the vmdesc (`config[1]` is the second
 * `config`); the converted field keeps the plain name and this index.
 */
const duplicateIndex = new WeakMap<VmstateField, number>();

export function wireDuplicateIndex(field: VmstateField): number | undefined {
  return duplicateIndex.get(field);
}

export function wireDescription(vmsd: VmdescVmsd, fallbackName: string, path: string): VmstateDescription {
  const name = vmsd.vmsd_name ?? fallbackName;
  const version = vmsd.version ?? 0;
  const fields: VmstateField[] = [];
  // QEMU <= 9.x writes a NULL pointer element as a `struct` with no fields (s390x s390_css).
  const list: readonly VmdescField[] = Array.isArray(vmsd.fields) ? vmsd.fields : [];
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (f === undefined) continue;
    // Elements of an array that cannot be compressed come one entry each (with `index` in
    // QEMU's JSON, or just repeated): one field with a count.
    let count = f.array_len;
    let n = 1;
    while (isNextElement(f, list[i + n])) n++;
    if (n > 1) count = n * (f.array_len ?? 1);
    i += n - 1;
    const fieldPath = `${path}.fields[${fields.length}]`;
    const nested = nestedOf(f)[0];
    const field: VmstateField = {
      field: baseFieldName(f.name),
      versionId: 0,
      minimumVersionId: undefined,
      fieldExists: false,
      size: f.size,
      num: count,
      description: nested === undefined ? undefined : wireDescription(nested, baseFieldName(f.name), `${fieldPath}.struct`),
      jsonPath: fieldPath,
    };
    const dup = /\[(\d+)\]$/.exec(f.name);
    if (dup?.[1] !== undefined && f.index === undefined) duplicateIndex.set(field, Number(dup[1]));
    fields.push(field);
  }
  const subsections = (vmsd.subsections ?? []).map((s, i) => wireDescription(s, `${name}/?`, `${path}.subsections[${i}]`));
  return {
    name,
    versionId: version,
    minimumVersionId: version,
    fields,
    subsections: subsections.length > 0 ? subsections : undefined,
    keys: ['name', 'version_id', 'minimum_version_id', 'Fields', ...(subsections.length > 0 ? ['Subsections'] : [])],
    jsonPath: path,
  };
}

function isNextElement(first: VmdescField, next: VmdescField | undefined): boolean {
  return (
    next !== undefined &&
    next.name === first.name &&
    next.type === first.type &&
    next.struct?.vmsd_name === first.struct?.vmsd_name
  );
}
