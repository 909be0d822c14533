/**
 * The `[VERSION=]FILE` arguments of the commands that compare builds (matrix, tiers,
 * compat-props, device-manifest), read and labelled with their build the way the dashboard
 * labels dropped files (src/analysis/release-evidence.ts): what was typed, a version in the
 * content, the newest machine type of a reply, the folder or name, a manifest's content.
 */
import { basename } from 'node:path';
import type { MatrixMachines, MatrixManifest } from '../analysis/compat-matrix.ts';
import { formatInputError } from '../manifest/index.ts';
import { labelFiles, type LabelEvidence, type LabelKind, type ReleaseLabel } from '../analysis/release-evidence.ts';
import { newestMachineVersion, qemuVersionInText, splitLabel } from '../analysis/release-label.ts';
import { manifestSignature } from '../analysis/vmsd-variants.ts';
import { loadInputDocument, readInputText, type InputDocument } from './input-files.ts';

export interface LabelledInput {
  readonly file: string;
  readonly doc: InputDocument;
  readonly label: ReleaseLabel;
}

export interface LabelledInputs {
  readonly inputs: readonly LabelledInput[];
  /** `warning: FILE: ...` lines: labels that disagree, clash or stay ambiguous. */
  readonly warnings: readonly string[];
}

const KIND: Readonly<Record<InputDocument['kind'], LabelKind>> = {
  manifest: 'vmstate-manifest',
  'query-machines': 'query-machines',
  'device-help': 'device-help',
  'device-models': 'device-models',
};

/** Every argument read and labelled, or the first input error as one line. */
export async function readLabelledInputs(args: readonly string[]): Promise<{ readonly ok: true; readonly value: LabelledInputs } | { readonly ok: false; readonly error: string }> {
  const docs: { file: string; doc: InputDocument; evidence: LabelEvidence }[] = [];
  for (const [i, arg] of args.entries()) {
    const { label, file } = splitLabel(arg);
    const doc = await loadInputDocument(file);
    if (!doc.ok) return { ok: false, error: formatInputError(doc.error) };
    const text = await readInputText(file);
    const d = doc.value;
    const base: LabelEvidence = {
      id: String(i),
      name: basename(file),
      path: file,
      kind: KIND[d.kind],
      group: 'cli',
      typed: label,
      textVersion: text.ok ? qemuVersionInText(text.value) : undefined,
    };
    const evidence: LabelEvidence =
      d.kind === 'query-machines'
        ? { ...base, newestMachine: newestMachineVersion(d.machines), machineNames: d.machines.machines.map((m) => m.name), compatProps: d.machines.machines.some((m) => m.compatProps !== undefined), signature: d.machines.machines.map((m) => m.name).sort().join(' ') }
        : d.kind === 'manifest'
          ? { ...base, manifestMachine: d.manifest.machine, signature: manifestSignature(d.manifest) }
          : d.kind === 'device-help'
            ? { ...base, signature: d.devices.map((x) => x.name).sort().join(' ') }
            : base;
    docs.push({ file, doc: d, evidence });
  }
  const labels = labelFiles(docs.map((d) => d.evidence));
  const inputs: LabelledInput[] = [];
  const warnings: string[] = [];
  for (const d of docs) {
    const label = labels.get(d.evidence.id) ?? { version: undefined, source: undefined, why: '', candidates: [], flags: [] };
    inputs.push({ file: d.file, doc: d.doc, label });
    // Duplicates are harmless; the rest may mean a wrong label.
    for (const f of label.flags) if (f.kind !== 'duplicate') warnings.push(`warning: ${d.file}: ${f.message}`);
  }
  return { ok: true, value: { inputs, warnings } };
}

/** The usage error for a file whose build nothing tells. */
export function unlabelled(input: LabelledInput, what: string): string {
  const c = input.label.candidates;
  return `${input.file}: $: cannot tell which QEMU version this ${what} describes${c.length > 1 ? ` (its content matches ${c.join(' and ')})` : ''}; write VERSION=${input.file}`;
}

/** The manifests and query-machines replies of labelled inputs (matrix, negotiate), or a usage error for any other file or an unlabelled one. */
export function manifestsAndMachines(inputs: readonly LabelledInput[], command: string): { readonly manifests: MatrixManifest[]; readonly machines: MatrixMachines[] } | string {
  const manifests: MatrixManifest[] = [];
  const machines: MatrixMachines[] = [];
  for (const input of inputs) {
    const version = input.label.version;
    const d = input.doc;
    if (d.kind === 'manifest') {
      if (version === undefined) return unlabelled(input, 'manifest');
      manifests.push({ version, manifest: d.manifest });
    } else if (d.kind === 'query-machines') {
      if (version === undefined) return unlabelled(input, 'query-machines reply');
      machines.push({ version, machines: d.machines });
    } else {
      return `${input.file}: $: a ${d.kind} file is not an input of ${command} (give manifests and query-machines replies)`;
    }
  }
  return { manifests, machines };
}
