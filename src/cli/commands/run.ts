/**
 * `migscope run --src A --dest B --machine M [--device SPEC]... [--config FILE] [--out DIR]
 * [--timeout S] [--json]`: real saves and loads between two QEMU builds, device by device, both
 * directions, and what migscope predicted for each beside what QEMU did.
 *
 * Exit status: 0 every load ran and loaded; 1 some load failed (or timed out); 3 no load failed
 * but some could not be run (a source that did not save), or nothing could be run at all (a
 * build that does not start, a folder the builds cannot see); 2 usage.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseQemuCommandLine } from '../../analysis/explain/qemu-cmdline.ts';
import { predictRun, qemuMessage, summarizeRuns, type RunPrediction, type RunResult, type RunSummary } from '../../analysis/run-results.ts';
import { readArguments } from '../arguments.ts';
import { decodeFile } from '../input-files.ts';
import { usageError, type CommandIo } from '../io.ts';
import { deviceProperties, parseBuildCommand, probeBuild, seesFolder, type BuildCommand, type RunBuild } from '../run/builds.ts';
import { backendNeeds, configurations, type BackendNeeds, deviceArgs, machineTypes, parseDeviceSpec, type Configuration, type DeviceSpec } from '../run/plan.ts';
import { shellJoin } from '../run/qemu-process.ts';
import { directions, RESULTS_FILE, runPlan, type RunProgress, type RunRecord } from '../run/runner.ts';

export const runUsage = `usage: migscope run --src A --dest B --machine M|all [--device SPEC]... [--config FILE]
                    [--out DIR] [--timeout SECONDS] [--json]

Saves a stopped VM (-S, TCG) with one QEMU build and loads it with the other, both directions,
for the whole device list and for each device alone (all on -nodefaults), and records what QEMU
did: outcome, exit code, first error line, the stream, both command lines, the save trace and
the destination's log. Drop the folder's files on the dashboard to see them beside the predictions.

  --src [LABEL=]COMMAND   a QEMU system emulator, optionally after a prefix command, e.g.
                          'chroot /srv/trixie qemu-system-x86_64'; or a build named in --config.
                          LABEL names it in the results (default: its release, from -version)
  --dest [LABEL=]COMMAND  the other build
  --machine M|all         a machine type (repeat or separate with commas); all = every type both
                          builds offer (-machine help), aliases such as pc and q35 left out
  --device SPEC           repeatable: DRIVER[,PROP=VALUE...] as for -device; a NIC gets -netdev
                          user, a disk a 1 MiB raw file of zeros (removed after the run), audio
                          -audiodev none, when both builds' -device DRIVER,help have the property
                          and SPEC does not set it. Or QEMU arguments starting with '-', as written
  --config FILE           JSON: {"builds": {"LABEL": "COMMAND"}, "src", "dest", "machine",
                          "devices": [SPEC], "args": [extra QEMU arguments], "timeout"};
                          options given on the command line win
  --out DIR               where everything goes (default: ./migscope-run-<UTC time>); every
                          build must see DIR at the same path (bind-mount it into a chroot)
  --timeout SECONDS       longest a QEMU process may run (default 30); it is then stopped by pid
  --boot SECONDS          let the source's guest run that long before saving, instead of saving
                          it stopped: firmware (SeaBIOS) then sets up the devices it boots from,
                          which changes their state (a virtio-blk queue's size, for one)
  --json                  print the runs as JSON instead of the summary

Every VM: -accel tcg -display none -m 64M -msg timestamp=on, a QMP socket in DIR, trace events
(section level); the source adds -S, the destination -S -incoming "exec:cat STREAM". The results
file is DIR/${RESULTS_FILE}: src_version,dst_version,machine,config,outcome,exit_code,
first_error_line,arch,stream_file,log_file,src_cmdline_file,dst_cmdline_file,save_trace_file.

exit status: 0 all loaded, 1 some load failed, 2 usage, 3 could not run (some or all)
`;

const COMMON_ARGS = ['-accel', 'tcg', '-display', 'none', '-m', '64M', '-msg', 'timestamp=on'];
const DEFAULT_TIMEOUT_S = 30;
/** A unix socket's path must fit in sun_path (108 bytes with its NUL); QEMU says so late. */
const MAX_SOCKET_PATH = 100;

interface RunOptions {
  readonly src: string;
  readonly dest: string;
  readonly builds: ReadonlyMap<string, string>;
  readonly machines: readonly string[];
  readonly devices: readonly DeviceSpec[];
  readonly extraArgs: readonly string[];
  readonly out: string | undefined;
  readonly timeoutMs: number;
  /** 0: the source is saved stopped (`-S`). */
  readonly bootMs: number;
  readonly json: boolean;
}

const RUN_OPTIONS = {
  '--src': { needs: 'a QEMU command or a build named in --config' },
  '--dest': { needs: 'a QEMU command or a build named in --config' },
  '--machine': { needs: 'a machine type or all' },
  '--device': { needs: 'a device spec' },
  '--config': { needs: 'a file' },
  '--out': { needs: 'a folder' },
  '--timeout': { needs: 'seconds' },
  '--boot': { needs: 'seconds' },
  '--json': {},
};

interface ConfigFile {
  readonly builds?: Record<string, string>;
  readonly src?: string;
  readonly dest?: string;
  readonly machine?: string | readonly string[];
  readonly devices?: readonly string[];
  readonly args?: readonly string[];
  readonly timeout?: number;
  readonly boot?: number;
}

export function readConfigFile(text: string): ConfigFile | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'expected a JSON object';
  const o = json as Record<string, unknown>;
  const known = ['builds', 'src', 'dest', 'machine', 'devices', 'args', 'timeout', 'boot'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k) && !k.startsWith('_'));
  if (unknown.length > 0) return `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')}; keys starting with _ are comments)`;
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (o.builds !== undefined && (typeof o.builds !== 'object' || o.builds === null || Array.isArray(o.builds) || !Object.values(o.builds).every((v) => typeof v === 'string'))) {
    return '"builds" must map labels to commands ({"10.0": "chroot /srv/trixie qemu-system-x86_64"})';
  }
  for (const k of ['src', 'dest'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') return `"${k}" must be a string`;
  if (o.machine !== undefined && typeof o.machine !== 'string' && !isStrings(o.machine)) return '"machine" must be a string or a list of strings';
  if (o.devices !== undefined && !isStrings(o.devices)) return '"devices" must be a list of strings';
  if (o.args !== undefined && !isStrings(o.args)) return '"args" must be a list of strings (one QEMU argument each)';
  if (o.timeout !== undefined && (typeof o.timeout !== 'number' || !(o.timeout > 0))) return '"timeout" must be a number of seconds';
  if (o.boot !== undefined && (typeof o.boot !== 'number' || !(o.boot >= 0))) return '"boot" must be a number of seconds';
  return o as ConfigFile;
}

export function parseRunArgs(args: readonly string[], readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): RunOptions | 'help' | string {
  const read = readArguments(args, RUN_OPTIONS);
  if (read === 'help') return 'help';
  if (typeof read === 'string') return read;
  const one = (name: string): string | undefined => read.filter((a) => a.name === name).at(-1)?.value;
  const all = (name: string): string[] => read.filter((a) => a.name === name).map((a) => a.value);
  const positional = read.find((a) => a.name === null);
  if (positional !== undefined) return `unexpected argument '${positional.value}'`;

  let config: ConfigFile = {};
  const configPath = one('--config');
  if (configPath !== undefined) {
    let text: string;
    try {
      text = readFile(configPath);
    } catch (e) {
      return `--config ${configPath}: ${e instanceof Error ? e.message : String(e)}`;
    }
    const c = readConfigFile(text);
    if (typeof c === 'string') return `--config ${configPath}: ${c}`;
    config = c;
  }
  const src = one('--src') ?? config.src;
  const dest = one('--dest') ?? config.dest;
  if (src === undefined || dest === undefined) return 'give both --src and --dest (or "src" and "dest" in --config)';
  const machineArgs = all('--machine');
  const machines = (machineArgs.length > 0 ? machineArgs : typeof config.machine === 'string' ? [config.machine] : [...(config.machine ?? [])])
    .flatMap((m) => m.split(','))
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (machines.length === 0) return 'give --machine M (a machine type, or all)';
  const deviceTexts = all('--device');
  const devices: DeviceSpec[] = [];
  for (const text of deviceTexts.length > 0 ? deviceTexts : (config.devices ?? [])) {
    const spec = parseDeviceSpec(text);
    if (spec === undefined) return '--device needs a device spec (DRIVER[,PROP=VALUE...] or QEMU arguments)';
    devices.push(spec);
  }
  const timeoutText = one('--timeout');
  const timeoutS = timeoutText !== undefined ? Number(timeoutText) : (config.timeout ?? DEFAULT_TIMEOUT_S);
  if (!(Number.isFinite(timeoutS) && timeoutS > 0)) return `--timeout takes a number of seconds, not '${timeoutText ?? ''}'`;
  const bootText = one('--boot');
  const bootS = bootText !== undefined ? Number(bootText) : (config.boot ?? 0);
  if (!(Number.isFinite(bootS) && bootS >= 0)) return `--boot takes a number of seconds, not '${bootText ?? ''}'`;
  if (bootS >= timeoutS) return `--boot ${bootS} leaves the save no time within --timeout ${timeoutS}`;
  return {
    src,
    dest,
    builds: new Map(Object.entries(config.builds ?? {})),
    machines,
    devices,
    extraArgs: config.args ?? [],
    out: one('--out'),
    timeoutMs: Math.round(timeoutS * 1000),
    bootMs: Math.round(bootS * 1000),
    json: read.some((a) => a.name === '--json'),
  };
}

/** A build by the label --config gives it, else as a command (`[LABEL=]COMMAND`). */
function buildCommand(text: string, named: ReadonlyMap<string, string>): BuildCommand | undefined {
  const fromConfig = named.get(text);
  return fromConfig !== undefined ? parseBuildCommand(`${text}=${fromConfig}`) : parseBuildCommand(text);
}

export async function runCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const o = parseRunArgs(args);
  if (o === 'help') {
    io.out(runUsage);
    return 0;
  }
  if (typeof o === 'string') return usageError(io, `run: ${o}\n${runUsage}`);
  const commands = [buildCommand(o.src, o.builds), buildCommand(o.dest, o.builds)];
  const [srcCommand, destCommand] = commands;
  if (srcCommand === undefined || destCommand === undefined) return usageError(io, 'run: --src and --dest need a QEMU command');

  const out = resolve(o.out ?? `migscope-run-${new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z')}`);
  const scratch = join(out, `.scratch-${process.pid}`);
  const cannot = (message: string): number => {
    io.err(`error: run: ${message}\n`);
    return 3;
  };
  if (join(scratch, 'src-0000000-xxxxxxxx.sock').length > MAX_SOCKET_PATH) {
    return cannot(`${out}: too long a path for QEMU's QMP sockets inside it (unix sockets take ${MAX_SOCKET_PATH} bytes or so); give a shorter --out`);
  }
  const madeOut = !existsSync(out);
  try {
    mkdirSync(scratch, { recursive: true });
  } catch (e) {
    return cannot(`cannot make ${out}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Also on Ctrl-C: the QEMUs are killed by pid (qemu-process.ts) and the process exits, past
  // any finally. A folder this run made and left empty (nothing could run) goes too.
  const removeScratch = (): void => {
    rmSync(scratch, { recursive: true, force: true });
    if (madeOut && readdirSync(out).length === 0) rmdirSync(out);
  };
  process.on('exit', removeScratch);
  try {
    return await runIn(o, srcCommand, destCommand, out, scratch, io, cannot);
  } finally {
    process.off('exit', removeScratch);
    removeScratch();
  }
}

async function runIn(o: RunOptions, srcCommand: BuildCommand, destCommand: BuildCommand, out: string, scratch: string, io: CommandIo, cannot: (m: string) => number): Promise<number> {
  const started = Date.now();
  const progress = progressWriter(io);
  progress.note(`asking the builds what they are`);
  const probed: RunBuild[] = [];
  for (const c of [srcCommand, destCommand]) {
    const p = await probeBuild(c, scratch, o.timeoutMs);
    if (!p.ok) {
      progress.done();
      return cannot(p.message);
    }
    if (!(await seesFolder(p.build, out, o.timeoutMs))) {
      progress.done();
      return cannot(`${c.text} does not see ${out} at the same path: QEMU writes and reads the streams there (bind-mount it into the chroot or container, or give --out a folder it sees)`);
    }
    probed.push(p.build);
  }
  const [src, dest] = distinctLabels(probed[0] as RunBuild, probed[1] as RunBuild);

  const machines = machineTypes(o.machines, [src.machines.names, dest.machines.names]);
  if (machines.length === 0) {
    progress.done();
    return cannot(`${src.label} and ${dest.label} offer no machine type in common`);
  }
  // The disk a drive property gets: zeros, needed only while QEMU runs, so with the sockets.
  const disk = join(scratch, 'disk.raw');
  const needs: BackendNeeds[] = [];
  for (const spec of o.devices) {
    const props = spec.driver === undefined ? [] : [await deviceProperties(src, spec.driver, scratch, o.timeoutMs), await deviceProperties(dest, spec.driver, scratch, o.timeoutMs)];
    needs.push(backendNeeds(spec, props));
  }
  const configs = configurations(o.devices, (spec, n) => deviceArgs(spec, needs[n] ?? { netdev: false, drive: false, audiodev: false }, n, disk));
  if (configs.some((c) => c.args.some((a) => a.includes(disk)))) writeFileSync(disk, new Uint8Array(1 << 20));

  const arch = /qemu-system-([\w-]+)$/.exec(src.command.binary)?.[1] ?? '';
  const predictions = new Map<RunRecord, RunPrediction | undefined>();
  const records = await runPlan(
    { builds: [src, dest], machines, configs, outDir: out, scratchDir: scratch, commonArgs: [...COMMON_ARGS, ...o.extraArgs], timeoutMs: o.timeoutMs, bootMs: o.bootMs, arch },
    (p) => progress.show(p),
    async (r) => {
      predictions.set(r, await predict(r, out));
      progress.record(r);
    },
  );
  progress.done();

  const rows = records.map((r) => r.result);
  const summary = summarizeRuns(rows);
  const report: RunReport = { src, dest, machines, configs, records, predictions, summary, out, wallMs: Date.now() - started };
  io.out(o.json ? `${JSON.stringify(runJson(report), null, 2)}\n` : summaryText(report));
  const failed = rows.some((r) => r.outcome === 'FAILED' || r.outcome === 'TIMEOUT');
  const notRun = rows.some((r) => r.outcome === 'NOT-RUN');
  return failed ? 1 : notRun ? 3 : 0;
}

/** Two different builds with the same release get `-b` on the second label, so files stay apart. */
function distinctLabels(a: RunBuild, b: RunBuild): [RunBuild, RunBuild] {
  if (a.label !== b.label || a.command.text === b.command.text) return [a, b];
  const label = `${b.label}-b`;
  return [a, { ...b, label, process: { ...b.process, version: label } }];
}

/** What migscope predicts for the row's stream at its destination (undefined without a stream). */
async function predict(r: RunRecord, out: string): Promise<RunPrediction | undefined> {
  if (r.result.streamFile === '') return undefined;
  const decoded = await decodeFile(join(out, r.result.streamFile));
  if ('error' in decoded) return undefined;
  const cmdline = r.destArgv !== undefined ? parseQemuCommandLine(shellJoin(r.destArgv)) : undefined;
  return predictRun(decoded.result, r.result, cmdline?.ok === true ? cmdline.value : undefined);
}

// ---------------------------------------------------------------------------------------------
// Output

interface ProgressWriter {
  note(text: string): void;
  show(p: RunProgress): void;
  record(r: RunRecord): void;
  done(): void;
}

/**
 * On a terminal, one line rewritten in place; otherwise (a log, a CI job) one line per load as
 * it finishes, so the output reads the same in a file.
 */
function progressWriter(io: CommandIo): ProgressWriter {
  const live = io.errIsTerminal === true;
  let shown = false;
  const put = (text: string): void => {
    if (live) {
      io.err(`\r\x1b[K${text}`);
      shown = true;
    }
  };
  return {
    note: (text) => put(`migscope run: ${text}…`),
    show: (p) => put(`[${p.done}/${p.total}] ${p.config}: ${p.phase === 'save' ? `${p.source} saving` : `${p.source} → ${p.dest} loading`} on ${p.machine}…`),
    record: (r) => {
      if (live) return;
      const res = r.result;
      io.err(`[done] ${res.config}: ${res.source} → ${res.dest} on ${res.machine}: ${outcomeWord(res)}${res.outcome !== 'SUCCEEDED' && res.firstError !== '' ? ` (${clip(qemuMessage(res.firstError), 100)})` : ''}\n`);
    },
    done: () => {
      if (live && shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}

function outcomeWord(r: RunResult): string {
  return r.outcome === 'SUCCEEDED' ? 'loaded' : r.outcome === 'FAILED' ? 'FAILED' : r.outcome === 'TIMEOUT' ? 'TIMED OUT' : 'not run';
}

function predictionWord(p: RunPrediction | undefined): string {
  if (p === undefined) return '-';
  if (p.verdict === 'fails') return p.sameMessage ? 'fails, same line' : `fails: ${clip(p.message ?? '', 60)}`;
  return p.verdict === 'loads' ? 'loads' : 'at risk';
}

/** Everything a run found, for the summary and the JSON. */
interface RunReport {
  readonly src: RunBuild;
  readonly dest: RunBuild;
  readonly machines: readonly string[];
  readonly configs: readonly Configuration[];
  readonly records: readonly RunRecord[];
  readonly predictions: ReadonlyMap<RunRecord, RunPrediction | undefined>;
  readonly summary: readonly RunSummary[];
  readonly out: string;
  readonly wallMs: number;
}

function summaryText({ src, dest, machines, configs, records, predictions, summary, out, wallMs }: RunReport): string {
  const lines: string[] = [];
  const buildLine = (b: RunBuild): string => `${b.label}: ${b.versionLine} (${b.command.text})`;
  lines.push(`migscope run: ${directions([src, dest]).length === 1 ? `${buildLine(src)}, loading its own streams` : `${buildLine(src)} and ${buildLine(dest)}, both directions`}`);
  const saves = records.map((r) => r.saveMs).filter((x) => x !== undefined);
  const loads = records.map((r) => r.loadMs).filter((x) => x !== undefined);
  const span = (xs: readonly number[]): string => (xs.length === 0 ? '-' : `${seconds(Math.min(...xs))}-${seconds(Math.max(...xs))} s`);
  lines.push(
    `${machines.length === 1 ? `machine type ${machines[0]}` : `${machines.length} machine types`}, ${plural(configs.length, 'configuration')}, ${plural(records.length, 'load')} in ${seconds(wallMs)} s (each save ${span(saves)}, each load ${span(loads)})`,
    '',
  );
  const multi = machines.length > 1;
  const rows: string[][] = [['configuration', 'direction', 'outcome', 'QEMU said', 'migscope predicted']];
  let lastConfig = '';
  for (const s of summary) {
    const mine = records.filter((r) => r.result.config === s.config && r.result.source === s.source && r.result.dest === s.dest);
    const preds = mine.map((r) => predictions.get(r));
    const outcome = s.succeeded === s.loads ? 'loaded' : s.failed + s.timedOut === s.loads ? 'FAILED' : s.notRun === s.loads ? 'not run' : `${s.loads - s.succeeded} of ${s.loads} not loaded`;
    const predicted = multi ? `${preds.filter((p) => p?.agreement === 'agree').length} of ${s.loads} right` : predictionWord(preds[0]);
    const devices = mine[0]?.devices ?? [];
    const name = s.config === 'all' ? `all (${devices.length} devices)` : s.config;
    rows.push([name === lastConfig ? '' : name, `${s.source} → ${s.dest}`, multi && s.succeeded > 0 && s.succeeded < s.loads ? `${outcome} (${s.failedMachines.join(', ')})` : outcome, s.messages.map((m) => clip(m, 70)).join('; '), predicted]);
    lastConfig = name;
  }
  lines.push(...table(rows), '');
  const count = (o: string): number => records.filter((r) => r.result.outcome === o).length;
  const agree = [...predictions.values()].filter((p) => p?.agreement === 'agree').length;
  const disagree = [...predictions.values()].filter((p) => p?.agreement === 'disagree').length;
  lines.push(
    `${plural(records.length, 'load')}: ${count('SUCCEEDED')} loaded, ${count('FAILED')} failed${count('TIMEOUT') > 0 ? `, ${count('TIMEOUT')} timed out` : ''}${count('NOT-RUN') > 0 ? `, ${count('NOT-RUN')} not run (the source could not save)` : ''}. migscope's predictions: ${agree} right, ${disagree} wrong, ${records.length - agree - disagree} unsure or without a stream.`,
    `Files: ${out} (${RESULTS_FILE}, streams, logs, command lines, save traces): drop them on the dashboard.`,
  );
  return `${lines.join('\n')}\n`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function runJson({ src, dest, machines, configs, records, predictions, summary, out, wallMs }: RunReport): unknown {
  const build = (b: RunBuild) => ({ label: b.label, version: b.version, versionLine: b.versionLine, command: [...b.command.prefix, b.command.binary, ...b.command.extraArgs] });
  return {
    builds: [build(src), build(dest)],
    machines,
    configurations: configs.map((c) => ({ name: c.name, devices: c.devices, args: c.args })),
    out,
    results: join(out, RESULTS_FILE),
    wallMs,
    runs: records.map((r) => ({ ...r.result, saveMs: r.saveMs, loadMs: r.loadMs, ...(r.note !== undefined ? { note: r.note } : {}), predicted: predictions.get(r) })),
    summary,
  };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
