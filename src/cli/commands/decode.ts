/** `migscope decode <stream> [--format json|analyze|desc] [--manifest M]` */
import { decodeOpened, decodeStream, formatDecodeError, openStream, type DecodeOptions, type DecodeResult, type OpenedStream } from '../../format/index.ts';
import { formatInputError } from '../../manifest/index.ts';
import { analyzeDesc, analyzeState } from '../../format/views/analyze-view.ts';
import { decodeResultToJson } from '../../format/views/model-json.ts';
import { openFileSource } from '../file-source.ts';
import { loadManifest } from '../input-files.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';

const FORMATS = ['json', 'analyze', 'desc'] as const;
type Format = (typeof FORMATS)[number];
const decodeUsage = `usage: migscope decode <stream> [--format json|analyze|desc] [--manifest M]

  -f, --format F     json (migscope's model), analyze or desc (what analyze-migration.py prints)
  -m, --manifest M   the source build's -dump-vmstate manifest (.json or .json.gz): the schema of
                     the device sections the stream's vmdesc does not describe (suppressed, cut);
                     where the vmdesc does, it wins and what the manifest reads otherwise is listed`;

export async function decodeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const read = readArguments(args, {
    '--format': { needs: `one of ${FORMATS.join(', ')}`, aliases: ['-f'] },
    '--manifest': { needs: 'a -dump-vmstate manifest file', aliases: ['-m'] },
  });
  if (read === 'help') {
    io.out(`${decodeUsage}\n`);
    return 0;
  }
  if (typeof read === 'string') return usageError(io, `${read}\n${decodeUsage}`);
  let format: Format = 'json';
  let file: string | undefined;
  let manifestFile: string | undefined;
  for (const { name, value } of read) {
    if (name === '--manifest') {
      if (manifestFile !== undefined) return usageError(io, 'decode takes one --manifest');
      manifestFile = value;
    } else if (name === '--format') {
      const known = FORMATS.find((f) => f === value);
      if (known === undefined) return usageError(io, `--format takes one of ${FORMATS.join(', ')}`);
      format = known;
    } else if (file === undefined) file = value;
    else return usageError(io, 'decode takes one stream');
  }
  if (file === undefined) return usageError(io, decodeUsage);
  const opts: { schema?: DecodeOptions['schema'] } = {};
  if (manifestFile !== undefined) {
    const manifest = await loadManifest(manifestFile);
    if (!manifest.ok) return usageError(io, formatInputError(manifest.error));
    opts.schema = manifest.value;
  }
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
    const result: DecodeResult = opened !== undefined ? await decodeOpened(source.name, opened, opts) : await decodeStream(source, opts);
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
