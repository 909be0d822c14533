/**
 * A `-dump-vmstate` manifest as the decoder needs it: per QOM device class, the vmsd it
 * registers (dump_vmstate_vmsd() in migration/savevm.c). The shape is the subset of
 * src/manifest's VmstateManifest that decoding reads, so a parsed manifest is passed as is;
 * format does not import the manifest layer.
 *
 * What a manifest says and does not say, per field (dump_vmstate_vmsf): its name, the version it
 * appeared in, whether a test function decides its presence (`field_exists`), the element size
 * (`size`, the C type's size: for a struct it is not the bytes on the wire), the count of a
 * fixed array (`num`, QEMU 10.x and later only), and the nested vmsd of a struct. Not its type,
 * not the field that holds a variable array's count or a buffer's size, and nothing of vmsds
 * registered without a device class (`timer`, `cpu`, `apic`, `globalstate`...).
 */

export interface SchemaField {
  readonly field: string;
  readonly versionId: number;
  readonly fieldExists: boolean;
  readonly size: number;
  readonly num: number | undefined;
  readonly description: SchemaVmsd | undefined;
}

export interface SchemaVmsd {
  readonly name: string;
  readonly versionId: number;
  readonly fields: readonly SchemaField[] | undefined;
  readonly subsections: readonly SchemaVmsd[] | undefined;
}

export interface SchemaDevice {
  readonly qomType: string;
  readonly description: SchemaVmsd | undefined;
}

export interface VmstateSchema {
  /** File name, for diagnostics. */
  readonly file: string;
  /** `vmschkmachine.Name`: the -machine the dump was made with. */
  readonly machine: string | undefined;
  /** Whether the dump prints `num` (QEMU 10.x and later). */
  readonly arrayCounts: boolean;
  readonly devices: ReadonlyMap<string, SchemaDevice>;
}

/** The distinct descriptions of each vmsd name (several QOM types often share one vmsd). */
export interface SchemaIndex {
  readonly schema: VmstateSchema;
  readonly byVmsdName: ReadonlyMap<string, readonly SchemaVmsd[]>;
}

export function indexSchema(schema: VmstateSchema): SchemaIndex {
  const seen = new Map<string, Map<string, SchemaVmsd>>();
  for (const device of schema.devices.values()) {
    const d = device.description;
    if (d === undefined) continue;
    let forName = seen.get(d.name);
    if (forName === undefined) {
      forName = new Map();
      seen.set(d.name, forName);
    }
    // Identical descriptions (the usual case: one vmsd, several QOM types) count once.
    const key = shapeKey(d);
    if (!forName.has(key)) forName.set(key, d);
  }
  const byVmsdName = new Map<string, readonly SchemaVmsd[]>();
  for (const [name, m] of seen) byVmsdName.set(name, [...m.values()]);
  return { schema, byVmsdName };
}

/**
 * The vmsd name a section's idstr ends with. A qdev device's idstr is `<dev path>/<vmsd name>`,
 * and a dev path may itself hold `/` (`/fe.0.0000/virtio-net`, `0000:00:1d.0/1/usb-ptr`), so the
 * longest suffix after a `/` that the manifest knows is taken; a bare idstr is the vmsd name.
 */
export function schemaFor(index: SchemaIndex, idstr: string): { readonly vmsdName: string; readonly candidates: readonly SchemaVmsd[] } | undefined {
  let from = 0;
  for (;;) {
    const name = idstr.slice(from);
    const candidates = index.byVmsdName.get(name);
    if (candidates !== undefined && name !== '') return { vmsdName: name, candidates };
    const slash = idstr.indexOf('/', from);
    if (slash < 0) return undefined;
    from = slash + 1;
  }
}

/** The vmsd name a section would have, for messages when the manifest has none. */
export function vmsdNameOf(idstr: string): string {
  const slash = idstr.lastIndexOf('/');
  return slash < 0 ? idstr : idstr.slice(slash + 1);
}

function shapeKey(d: SchemaVmsd): string {
  // Iterative, so a hostile manifest's depth cannot overflow the stack; descriptions are a few KB.
  const parts: string[] = [];
  const stack: (SchemaVmsd | string)[] = [d];
  while (stack.length > 0) {
    const top = stack.pop() as SchemaVmsd | string;
    if (typeof top === 'string') {
      parts.push(top);
      continue;
    }
    parts.push(`{${top.name}:${top.versionId}`);
    stack.push('}');
    for (const s of [...(top.subsections ?? [])].reverse()) stack.push(s);
    for (const f of [...(top.fields ?? [])].reverse()) {
      if (f.description !== undefined) stack.push(f.description);
      stack.push(`(${f.field},${f.versionId},${f.fieldExists},${f.size},${f.num ?? ''})`);
    }
  }
  return parts.join('');
}
