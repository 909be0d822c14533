/**
 * `migscope`: the Node entry. Each subcommand lives in its own module under commands/ and
 * returns its exit code; this file only dispatches.
 */
import { usageError, type CommandIo, nodeIo } from './io.ts';

type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  decode: async () => (await import('./commands/decode.ts')).decodeCommand,
  trace: async () => (await import('./commands/trace.ts')).traceCommand,
  check: async () => (await import('./commands/check.ts')).checkCommand,
  explain: async () => (await import('./commands/explain.ts')).explainCommand,
  matrix: async () => (await import('./commands/matrix.ts')).matrixCommand,
  negotiate: async () => (await import('./commands/negotiate.ts')).negotiateCommand,
  tiers: async () => (await import('./commands/tiers.ts')).tiersCommand,
  hosts: async () => (await import('./commands/hosts.ts')).hostsCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
  'compat-props': async () => (await import('./commands/compat-props.ts')).compatPropsCommand,
  'device-manifest': async () => (await import('./commands/device-manifest.ts')).deviceManifestCommand,
};

const usage = `usage: migscope <command> [options]

commands:
  decode <stream> [--format json|analyze|desc]   decode a migration stream
  trace <log> [--json]                           sections and failure point of a QEMU trace log
  check --src A --dest B [--stream S [--dest-version V] [--dest-cmdline F] [--dest-sample S2]] [--format static-checker|json|text] [--reverse]   compare two -dump-vmstate manifests, or judge a stream against them
  explain <stream> [--dest-log F] [--dest-manifest F] [--dest-machine M] [--dest-machines F] [--dest-cmdline F] [--dest-version V] [--dest-sample S] [--json]   why a load fails, or whether it will
  matrix <manifest>... [--stream S]... [--machine M] [--json]   devices x version pairs for one machine type
  matrix <manifest|query-machines>... --all-machines [--observed CSV] [--json|--csv]   the release board: every machine type at once
  negotiate --src A --dest B [FILE...] [--stream S] [--machine M] [--json]   which breaks version negotiation would fix (no --src/--dest: every pair of the FILEs)
  tiers <query-machines|manifest|devices.txt>... [--json]   machine types x versions, their support tiers and whether they hold
  compat-props <query-machines>... [--machine M]... [--all] [--raw] [--json|--csv]   compat properties per build and machine type
  device-manifest <manifest>... [--compat-props F] [--vm] [--json]   device state versions a build accepts (device-model manifest)
  hosts --stream S | --src-manifest M --machine T --host NAME:FILES... [--json]   accept or reject destination hosts
  run --src A --dest B --machine M|all [--device SPEC]... [--config F] [--out DIR] [--json]   real saves and loads between two QEMU builds, both directions
`;

export async function main(argv: readonly string[], io: CommandIo = nodeIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out('migscope 0.1.0\n');
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (load === undefined) return usageError(io, `unknown command '${name}'\n${usage}`);
  const command = await load();
  return command(rest, io);
}
