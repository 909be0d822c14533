/**
 * Parses one text file off the main thread. Thin on purpose, like the decode worker: the
 * knowledge is in src/trace and src/manifest.
 */
import { parseDestLog } from '../analysis/explain/dest-log.ts';
import { parseMachineCatalog } from '../analysis/explain/machines-list.ts';
import { parseQemuCommandLine } from '../analysis/explain/qemu-cmdline.ts';
import { assignedFromText, mdevTypeFromConfig } from '../analysis/assigned-hosts.ts';
import { parseDeviceHelp } from '../analysis/device-help.ts';
import { parseDeviceModels } from '../manifest/device-models.ts';
import { parseDevicePropertiesHelp } from '../manifest/device-properties.ts';
import { parseQueryMachines, parseVmstateManifest } from '../manifest/index.ts';
import { parseMdevTypes } from '../manifest/mdev-types.ts';
import { parseTraceLog } from '../trace/index.ts';
import { readFileText } from './file-text.ts';
import type { Parsed, ParseReply, ParseRequest } from './parse-protocol.ts';

/** The DOM lib is loaded project-wide, so describe the worker scope we use by hand. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ParseRequest>) => void) | null;
  postMessage(message: ParseReply): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const req = e.data;
  if (req.type !== 'parse') return;
  parse(req).then(
    (value) => scope.postMessage({ type: 'parsed', id: req.id, value }),
    (err: unknown) => scope.postMessage({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }),
  );
};

async function parse(req: ParseRequest): Promise<Parsed> {
  const text = await readFileText(req.blob, req.name);
  switch (req.as) {
    case 'trace-log':
      return { as: 'trace-log', model: parseTraceLog(text), text, destLog: parseDestLog(text) };
    case 'vmstate-manifest':
      return { as: 'vmstate-manifest', result: parseVmstateManifest(text, req.name) };
    case 'query-machines':
      return { as: 'query-machines', result: parseQueryMachines(text, req.name) };
    case 'command-line':
      return { as: 'command-line', result: parseQemuCommandLine(text) };
    case 'device-properties':
      return { as: 'device-properties', help: parseDevicePropertiesHelp(text) };
    case 'machine-catalog':
      return { as: 'machine-catalog', result: parseMachineCatalog(text, req.name) };
    case 'device-help':
      return { as: 'device-help', devices: parseDeviceHelp(text), signature: textDigest(text) };
    case 'device-models':
      return { as: 'device-models', result: parseDeviceModels(text, req.name) };
    case 'assigned-devices':
      return { as: 'assigned-devices', result: assignedFromText(text) };
    case 'mdev-types':
      return { as: 'mdev-types', result: parseMdevTypes(text, req.name) };
    case 'mdev-config':
      return { as: 'mdev-config', mdevType: mdevTypeFromConfig(text) };
    case 'text':
      return { as: 'text', text };
  }
}

/** Length and FNV-1a of the text: tells two files apart without sending megabytes back to the page. */
function textDigest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}:${(h >>> 0).toString(16)}`;
}
