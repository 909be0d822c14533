/** `migscope decode <stream> [--format json|analyze|desc]` */
import { decodeOpened, decodeStream, formatDecodeError, openStream, type DecodeResult, type OpenedStream } from '../../format/index.ts';
import { analyzeDesc, analyzeState } from '../../format/views/analyze-view.ts';
import { decodeResultToJson } from '../../format/views/model-json.ts';
import { openFileSource } from '../file-source.ts';
import { usageError, type CommandIo } from '../io.ts';

const FORMATS = ['json', 'analyze', 'desc'] as const;
type Format = (typeof FORMATS)[number];

export async function decodeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let format: Format = 'json';
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--format' || a === '-f') {
      const v = args[++i];
      if (v === undefined || !(FORMATS as readonly string[]).includes(v)) return usageError(io, `--format takes one of ${FORMATS.join(', ')}`);
      format = v as Format;
    } else if (a.startsWith('--format=')) {
      const v = a.slice('--format='.length);
      if (!(FORMATS as readonly string[]).includes(v)) return usageError(io, `--format takes one of ${FORMATS.join(', ')}`);
      format = v as Format;
    } else if (a.startsWith('-')) {
      return usageError(io, `unknown option '${a}'\nusage: migscope decode <stream> [--format json|analyze|desc]`);
    } else if (file === undefined) {
      file = a;
    } else {
      return usageError(io, 'decode takes one stream');
    }
  }
  if (file === undefined) return usageError(io, 'usage: migscope decode <stream> [--format json|analyze|desc]');
  let source;
  try {
    source = await openFileSource(file);
  } catch (e) {
    return usageError(io, `cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    // Open the container here so the analyze view can read the inflated bytes; when that
    // fails (damaged gzip), decodeStream reports the same failure as a value.
    const opened = await openStream(source).catch(() => undefined);
    const result: DecodeResult = opened !== undefined ? await decodeOpened(source.name, opened) : await decodeStream(source);
    if (format === 'json') {
      io.out(`${JSON.stringify(decodeResultToJson(result), null, 2)}\n`);
    } else if (result.error === undefined) {
      if (format === 'desc') {
        io.out(`${JSON.stringify(analyzeDesc(result), null, 4)}\n`);
      } else {
        // The analyze view needs the body bytes of the decoded (inflated) stream.
        io.out(`${JSON.stringify(await analyzeState(result, (opened as OpenedStream).source), null, 4)}\n`);
      }
    }
    if (result.error !== undefined) {
      io.err(`${formatDecodeError(result.error)}\n`);
      return 1;
    }
    if (format !== 'json' && result.vmdesc === undefined) {
      io.err(`error: VMDESCRIPTION_MISSING at offset 0x${result.source.size.toString(16)} in vmdesc: this stream has no vmdesc trailer, which the ${format} format prints from\n`);
      return 1;
    }
    return 0;
  } finally {
    await source.close();
  }
}
