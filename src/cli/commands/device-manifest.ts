/**
 * `migscope device-manifest MANIFEST... [--compat-props F] [--vm [--devices LIST]] [--json]`:
 * what each device model of a build accepts (its state versions, subsections, and which
 * machine types pin which of its properties), in the device-model manifest shape the host
 * chooser reads (`migscope hosts --host NAME:...,EXPORT.json --models VM.json`).
 */
import { deviceManifest, vmDeviceManifest } from '../../analysis/device-manifest.ts';
import type { QueryMachines, VmstateManifest } from '../../manifest/index.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';
import { readLabelledInputs } from '../release-inputs.ts';

export const deviceManifestUsage = `usage: migscope device-manifest [VERSION=]MANIFEST... [--compat-props F] [--vm [--devices LIST]] [--json]

Per device model (QOM type) of one build: the state versions it loads (minimum_version_id to
version_id, named <vmsd>:<version>), its subsections and, from a query-machines reply made with
{"compat-props": true}, which machine types pin which of its properties. The JSON is the
device-model manifest the host chooser reads: give it as a host's file to \`migscope hosts\`.

  MANIFEST        -dump-vmstate manifests of the build (one is enough: they list the same)
  --compat-props F  the build's query-machines reply with compat properties
  --vm            what a VM saved by this build sends instead: each device's current version
                  only (give it to \`migscope hosts --models\`)
  --devices LIST  only these QOM types (comma-separated): the VM's devices
  --json          the manifest as JSON (default: a table)
A version cannot show a layout change made without one (a field added to a nested struct) nor
what a device-defined field holds; \`migscope matrix --all-machines\` judges those.
`;

export async function deviceManifestCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const read = readArguments(args, { '--compat-props': { needs: 'a file' }, '--vm': {}, '--devices': { needs: 'a list' }, '--json': {} });
  if (read === 'help') {
    io.out(deviceManifestUsage);
    return 0;
  }
  if (typeof read === 'string') return usageError(io, `device-manifest: ${read}\n${deviceManifestUsage}`);
  const files = read.filter((a) => a.name === null).map((a) => a.value);
  const compat = read.find((a) => a.name === '--compat-props')?.value;
  const vm = read.some((a) => a.name === '--vm');
  const json = read.some((a) => a.name === '--json');
  const devicesArg = read.find((a) => a.name === '--devices')?.value;
  const devices = devicesArg?.split(',').filter((d) => d !== '');
  if (files.length === 0) return usageError(io, `device-manifest: give a -dump-vmstate manifest\n${deviceManifestUsage}`);
  if (vm && compat !== undefined) return usageError(io, 'device-manifest: --vm lists what a VM sends; compat properties are a host\'s');

  const labelled = await readLabelledInputs(compat === undefined ? files : [...files, compat]);
  if (!labelled.ok) return usageError(io, labelled.error);
  let manifest: VmstateManifest | undefined;
  let machines: QueryMachines | undefined;
  const builds = new Set<string>();
  for (const input of labelled.value.inputs) {
    if (input.label.version !== undefined) builds.add(input.label.version);
    if (input.doc.kind === 'manifest') manifest ??= input.doc.manifest;
    else if (input.doc.kind === 'query-machines' && input.file === compat) machines = input.doc.machines;
    else return usageError(io, `${input.file}: $: a ${input.doc.kind} file is not an input of device-manifest`);
  }
  if (manifest === undefined) return usageError(io, 'device-manifest: give a -dump-vmstate manifest');
  if (builds.size > 1) return usageError(io, `device-manifest: the files describe several builds (${[...builds].join(', ')}); export one build at a time`);
  if (machines !== undefined && !machines.machines.some((m) => m.compatProps !== undefined)) io.err(`warning: ${compat ?? ''}: no compat properties in this reply (query it with {"compat-props": true})\n`);

  if (vm) {
    const models = vmDeviceManifest(manifest, { devices });
    if (devices !== undefined) for (const d of devices) if (!models.some((m) => m.model.endsWith(`/${d}`))) io.err(`warning: ${d}: no vmsd of that QOM type in ${manifest.file}\n`);
    io.out(json ? `${JSON.stringify(models, undefined, 2)}\n` : models.map((m) => `${m.model}  ${m.versions.map((v) => v.name).join(' ')}\n`).join(''));
    return 0;
  }
  const models = deviceManifest(manifest, machines, { devices });
  if (json) {
    io.out(`${JSON.stringify(models, undefined, 2)}\n`);
    return 0;
  }
  const width = Math.max(5, ...models.map((m) => m.model.length));
  let text = `${'model'.padEnd(width)}  versions loaded                 subsections  pinned by\n`;
  for (const m of models) {
    const first = m.versions.at(-1)?.name ?? '';
    const last = m.versions[0]?.name ?? '';
    const range = first === last ? last : `${first} .. ${last}`;
    const pinned = Object.keys(m.machines).length;
    text += `${m.model.padEnd(width)}  ${range.padEnd(30)}  ${String(m.subsections.length).padEnd(11)}  ${pinned > 0 ? `${pinned} machine types (${m.params.join(', ')})` : '-'}\n`;
  }
  io.out(text);
  return 0;
}
