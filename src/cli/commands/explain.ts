/**
 * `migscope explain <stream> [--dest-log FILE] [--dest-manifest FILE] [--dest-machine NAME]
 * [--dest-machines FILE] [--dest-cmdline FILE] [--dest-version V] [--json]`
 *
 * Why a load of this stream failed (with the destination's log) or whether it will (with what
 * is known of the destination). Exit 0: loads; 1: fails; 3: at risk (the inputs cannot settle
 * it; the output says why); 2: usage or unreadable input, with one `error:` line.
 */
import { explainLoad, explainResultToJson, explainResultToText } from '../../analysis/explain/explain.ts';
import { readArguments } from '../arguments.ts';
import { destinationKeyOf, destinationOptionSpecs, readDestination, type DestinationArgs, type DestinationKey } from '../destination-options.ts';
import { decodeFile, readText } from '../input-files.ts';
import { usageError, type CommandIo } from '../io.ts';

export const explainUsage = `usage: migscope explain <stream> [--dest-log FILE] [--dest-manifest FILE] [--dest-machine NAME]
                        [--dest-machines FILE] [--dest-cmdline FILE] [--dest-version V]
                        [--dest-sample STREAM] [--dest-device-help FILE] [--json]

Explains why loading a migration stream failed (with the destination's log), or predicts
whether it will (with what is known of the destination). Files may be gzip-compressed.

  --dest-log FILE       the destination QEMU's stderr (error and trace lines), its libvirt domain
                        log, virsh's error output, or QMP query-migrate replies; a libvirt log's
                        command line and QEMU release are used unless --dest-cmdline /
                        --dest-version are given
  --dest-manifest FILE  the destination binary's -dump-vmstate manifest
  --dest-machine NAME   the destination's -machine (default: from --dest-cmdline, else the manifest)
  --dest-machines FILE  the destination binary's -machine help output or query-machines reply
  --dest-cmdline FILE   the destination's command line (a qemu-system-* line; comment lines ignored)
  --dest-version V      the destination QEMU release, e.g. 7.2 (default: from --dest-machines)
  --dest-sample STREAM  a stream the destination build saved with the same configuration: its
                        queue sizes, register lists and RAM block sizes are facts about it
  --dest-device-help FILE  -device NAME,help output of the destination build (property defaults)
  --json                print the result as JSON

exit status: 0 loads, 1 fails, 3 at risk (the inputs cannot settle it), 2 usage or input error
`;

interface ExplainOptions {
  readonly stream: string;
  readonly log?: string | undefined;
  readonly dest: DestinationArgs;
  readonly json: boolean;
}

/** Every destination input: explain predicts from whatever is known. */
const DESTINATION_KEYS: readonly DestinationKey[] = ['manifest', 'machine', 'machines', 'cmdline', 'version', 'sample', 'deviceHelp'];

const EXPLAIN_OPTIONS = {
  ...destinationOptionSpecs(DESTINATION_KEYS),
  '--dest-log': { needs: 'a value' },
  '--json': {},
};

export function parseExplainArgs(args: readonly string[]): ExplainOptions | 'help' | string {
  const read = readArguments(args, EXPLAIN_OPTIONS);
  if (typeof read === 'string') return read;
  const dest: DestinationArgs = {};
  let log: string | undefined;
  let json = false;
  const files: string[] = [];
  for (const { name, value } of read) {
    const key = destinationKeyOf(name, DESTINATION_KEYS);
    if (name === null) files.push(value);
    else if (name === '--json') json = true;
    else if ((key !== undefined ? dest[key] : log) !== undefined) return `${name} given twice`;
    else if (key !== undefined) dest[key] = value;
    else log = value;
  }
  const [stream, ...extra] = files;
  if (stream === undefined) return 'missing <stream>';
  if (extra.length > 0) return `one stream at a time (also got '${extra[0] ?? ''}')`;
  return { stream, log, dest, json };
}

export async function explainCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseExplainArgs(args);
  if (parsed === 'help') {
    io.out(explainUsage);
    return 0;
  }
  if (typeof parsed === 'string') return usageError(io, `explain: ${parsed} (see migscope explain --help)`);

  const dest = await readDestination(parsed.dest);
  if (!dest.ok) return usageError(io, dest.error);
  let log: string | undefined;
  if (parsed.log !== undefined) {
    const text = await readText(parsed.log);
    if (typeof text !== 'string') return usageError(io, text.error);
    log = text;
  }

  const decoded = await decodeFile(parsed.stream);
  if ('error' in decoded) return usageError(io, decoded.error);
  const result = explainLoad({
    stream: decoded.result,
    log,
    destination: Object.keys(dest.value).length > 0 ? dest.value : undefined,
  });
  io.out(parsed.json ? `${JSON.stringify(explainResultToJson(result), undefined, 2)}\n` : explainResultToText(result, parsed.stream));
  return result.verdict === 'loads' ? 0 : result.verdict === 'fails' ? 1 : 3;
}
