/**
 * One real save and one real load, the way fixtures/README.md describes them: QEMU under TCG,
 * `-msg timestamp=on`, a QMP socket; the source runs for a settle time (none when it is started
 * stopped with `-S`), then `migrate "exec:cat > FILE"`; the destination starts with `-S
 * -incoming "exec:cat FILE"` and its outcome comes from QMP `query-migrate` / the process exit.
 * Each run is bounded in time and stops its QEMU by pid. This module knows nothing about the
 * runs around it: `migscope run` (src/cli/commands/run.ts) and scripts/real-runs/ use it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QmpClient, sleep, type QmpReply } from './qmp.ts';
import { readPidFile, shellJoin, startQemu, type Exit, type QemuBuild, type QemuProcess } from './qemu-process.ts';

/** A VM as a command line: which build runs it, the machine type and everything else. */
export interface VmSpec {
  readonly build: QemuBuild;
  /** qemu-system-x86_64, qemu-system-aarch64 */
  readonly binary: string;
  readonly machine: string;
  /** the configuration: devices, -nodefaults, -cpu, ... (after `-machine M`) */
  readonly deviceArgs: readonly string[];
  /** after the configuration, e.g. -accel tcg -display none -m 64M -msg timestamp=on */
  readonly commonArgs: readonly string[];
}

export interface RunDirs {
  /** where the stream, logs and records go */
  readonly outDir: string;
  /** file names start with this, e.g. "pc-q35-10.0-virtio" or "10.0__11.1__pc-q35-10.0-virtio" */
  readonly name: string;
  /** sockets and pid files (must be visible to the build at the same path, like outDir) */
  readonly scratchDir: string;
}

export interface SaveOptions extends RunDirs {
  readonly vm: VmSpec;
  /** -trace/-D arguments for the source; the trace file is `<name>.save-trace.log` */
  readonly traceArgs: readonly string[];
  /** time from start to `migrate` (SeaBIOS gives up booting in about that time) */
  readonly settleMs?: number;
  readonly timeoutMs?: number;
  /** Ask `info qtree` before migrating and keep it as `<name>.qtree.txt` (default true). */
  readonly qtree?: boolean;
}

export interface SaveResult {
  /** QMP query-migrate's final status ("completed", "failed") or what stopped the run */
  readonly status: string;
  readonly ok: boolean;
  readonly argv: readonly string[];
  readonly exit: Exit | null;
  readonly wallMs: number;
  readonly streamFile: string;
  readonly streamBytes: number | null;
  /** `stderr` is null when the source printed nothing (the empty file is removed). */
  readonly files: { cmd: string; qtree: string | null; saveTrace: string; stderr: string | null };
  readonly error?: string;
}

export type LoadOutcome = 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'NOT-RUN';

export interface LoadOptions extends RunDirs {
  readonly vm: VmSpec;
  /** the stream to load, as a path valid for the build */
  readonly stream: string;
  /** -trace arguments for the destination (trace lines go to its stderr, into the log) */
  readonly traceArgs: readonly string[];
  readonly timeoutMs?: number;
}

export interface LoadResult {
  readonly outcome: LoadOutcome;
  /** QEMU's exit code: the one it chose on failure, or after `quit` on success */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** see {@link firstErrorLine} */
  readonly firstErrorLine: string;
  readonly argv: readonly string[];
  readonly logFile: string;
  /** `<name>.cmd`: the destination's command line and QMP session, as the source's .cmd. */
  readonly cmdFile: string;
  /** last query-migrate / query-status seen, if any */
  readonly migrateStatus: string | null;
  readonly runState: string | null;
  readonly session: readonly unknown[];
  readonly wallMs: number;
  readonly pidFileMatched: boolean | null;
  readonly note?: string;
}

const qmpArgs = (sock: string): string[] => ['-qmp', `unix:${sock},server=on,wait=off`];

function vmArgv(vm: VmSpec): string[] {
  return ['-machine', vm.machine, ...vm.deviceArgs, ...vm.commonArgs];
}

function prepare(dirs: RunDirs, role: string): { sock: string; pidFile: string } {
  mkdirSync(dirs.outDir, { recursive: true });
  mkdirSync(dirs.scratchDir, { recursive: true });
  const tag = `${role}-${process.pid}-${Date.now().toString(36)}`;
  const sock = join(dirs.scratchDir, `${tag}.sock`);
  const pidFile = join(dirs.scratchDir, `${tag}.pid`);
  return { sock, pidFile };
}

function cleanScratch(...files: string[]): void {
  for (const f of files) rmSync(f, { force: true });
}

/** Stops `p` if it is still running, waits for its whole process group. */
async function finish(p: QemuProcess, qmp: QmpClient | null, quitFirst: boolean): Promise<Exit | null> {
  if (!p.hasExited && qmp && !qmp.isClosed && quitFirst) {
    try {
      await qmp.execute('quit', null, { timeoutMs: 3000 });
    } catch {
      /* it may close the socket before answering */
    }
    await p.waitExit(5000);
  }
  qmp?.close();
  if (!p.hasExited) await p.kill();
  await p.waitGroupGone(10_000);
  return p.exit;
}

const statusOf = (r: QmpReply): string | null => {
  const ret = r.return as { status?: unknown } | undefined;
  return typeof ret?.status === 'string' ? ret.status : null;
};

/** Saves the running VM to `<outDir>/<name>.mig`. */
export async function saveVm(o: SaveOptions): Promise<SaveResult> {
  const { sock, pidFile } = prepare(o, 'src');
  const streamFile = join(o.outDir, `${o.name}.mig`);
  const files = {
    cmd: join(o.outDir, `${o.name}.cmd`),
    qtree: join(o.outDir, `${o.name}.qtree.txt`) as string | null,
    saveTrace: join(o.outDir, `${o.name}.save-trace.log`),
    stderr: join(o.outDir, `${o.name}.src-stderr.log`) as string | null,
  };
  rmSync(streamFile, { force: true });
  const args = [...vmArgv(o.vm), ...qmpArgs(sock), ...o.traceArgs, '-D', files.saveTrace, '-pidfile', pidFile];
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const p = startQemu(o.vm.build, o.vm.binary, args, files.stderr as string);
  let qmp: QmpClient | null = null;
  let status = 'not started';
  let error: string | undefined;
  let polls = 0;
  try {
    qmp = await QmpClient.connect(sock, Math.min(15_000, o.timeoutMs ?? 60_000), () => !p.hasExited);
    await qmp.execute('qmp_capabilities');
    await qmp.execute('query-version');
    await qmp.execute('query-status');
    if (o.qtree === false) files.qtree = null;
    else {
      const qtree = await qmp.execute('human-monitor-command', { 'command-line': 'info qtree' }, { record: false });
      if (typeof qtree.return === 'string') {
        writeFileSync(files.qtree as string, qtree.return);
        qmp.note('human-monitor-command', { 'command-line': 'info qtree' }, `(reply saved in ${o.name}.qtree.txt)`);
      } else {
        files.qtree = null;
        qmp.note('human-monitor-command', { 'command-line': 'info qtree' }, qtree);
      }
    }
    const wait = p.startedAt + (o.settleMs ?? 3000) - Date.now();
    if (wait > 0) await sleep(wait);
    await qmp.execute('migrate', { uri: `exec:cat > ${streamFile}` });
    let last: QmpReply | null = null;
    for (;;) {
      if (Date.now() > deadline) {
        status = 'timeout';
        break;
      }
      last = await qmp.execute('query-migrate', null, { record: false });
      polls++;
      const s = statusOf(last);
      if (s === 'completed' || s === 'failed' || s === 'cancelled') {
        status = s;
        break;
      }
      await sleep(100);
    }
    if (last) qmp.note('query-migrate', null, last);
    qmp.note('# query-migrate polled', polls, 'times');
    await qmp.execute('query-status');
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    if (status === 'not started') status = p.hasExited ? 'qemu exited' : 'error';
  }
  const pidOk = readPidFile(pidFile);
  const exit = await finish(p, qmp, true);
  const wallMs = Date.now() - p.startedAt;
  const streamBytes = existsSync(streamFile) ? statSync(streamFile).size : null;
  writeCmdRecord(files.cmd, o.vm, `stream ${o.name}`, p.argv, qmp, [
    `# migration result: ${status}; ${exitText(exit)}; wall ${(wallMs / 1000).toFixed(1)}s`,
    `# stream size: ${streamBytes ?? 'no file'} bytes`,
    ...(pidOk !== null && pidOk !== p.pid ? [`# note: -pidfile said ${pidOk}, spawned pid ${p.pid}`] : []),
    ...(error ? [`# error: ${error}`] : []),
  ]);
  cleanScratch(sock, pidFile);
  if (files.stderr !== null && statSync(files.stderr).size === 0) {
    rmSync(files.stderr);
    files.stderr = null;
  }
  return {
    status,
    ok: status === 'completed' && streamBytes !== null && streamBytes > 0,
    argv: p.argv,
    exit,
    wallMs,
    streamFile,
    streamBytes,
    files,
    ...(error ? { error } : {}),
  };
}

/** Loads `o.stream` into a destination started with `-S -incoming "exec:cat STREAM"`. */
export async function loadVm(o: LoadOptions): Promise<LoadResult> {
  const { sock, pidFile } = prepare(o, 'dst');
  const logFile = join(o.outDir, `${o.name}.log`);
  const args = [...vmArgv(o.vm), ...qmpArgs(sock), '-S', '-incoming', `exec:cat ${o.stream}`, ...o.traceArgs, '-pidfile', pidFile];
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const p = startQemu(o.vm.build, o.vm.binary, args, logFile);
  let qmp: QmpClient | null = null;
  let migrateStatus: string | null = null;
  let runState: string | null = null;
  let note: string | undefined;
  let timedOut = false;
  let completed = false;
  let polls = 0;
  try {
    qmp = await QmpClient.connect(sock, Math.min(15_000, o.timeoutMs ?? 60_000), () => !p.hasExited);
    await qmp.execute('qmp_capabilities');
    let last: QmpReply | null = null;
    for (;;) {
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      last = await qmp.execute('query-migrate', null, { record: false });
      polls++;
      migrateStatus = statusOf(last);
      if (migrateStatus === 'completed') {
        completed = true;
        break;
      }
      if (migrateStatus === 'failed') break;
      await sleep(100);
    }
    if (last) qmp.note('query-migrate', null, last);
    qmp.note('# query-migrate polled', polls, 'times');
    const st = await qmp.execute('query-status');
    runState = statusOf(st);
  } catch (e) {
    // Most failures end here: QEMU exits (closing QMP) when the incoming migration fails.
    if (!p.hasExited) note = e instanceof Error ? e.message : String(e);
  }
  if (!completed && !timedOut && !p.hasExited) {
    // failed but still running (or QMP trouble): give it the rest of the time to exit
    const exitWait = Math.max(0, deadline - Date.now());
    if ((await p.waitExit(exitWait)) === null) timedOut = true;
  }
  const pidFromFile = readPidFile(pidFile);
  const pidFileMatched = pidFromFile === null ? null : pidFromFile === p.pid;
  const succeeded = completed && runState !== 'inmigrate';
  const exit = await finish(p, qmp, succeeded);
  const wallMs = Date.now() - p.startedAt;
  const outcome: LoadOutcome = succeeded ? 'SUCCEEDED' : timedOut ? 'TIMEOUT' : 'FAILED';
  const log = readFileSync(logFile, 'utf8');
  cleanScratch(sock, pidFile);
  const cmdFile = join(o.outDir, `${o.name}.cmd`);
  writeCmdRecord(cmdFile, o.vm, `destination ${o.name}`, p.argv, qmp, [
    `# load result: ${outcome}; query-migrate ${migrateStatus ?? 'none'}; ${exitText(exit)}; wall ${(wallMs / 1000).toFixed(1)}s`,
  ]);
  return {
    outcome,
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    firstErrorLine: firstErrorLine(log, outcome !== 'SUCCEEDED'),
    argv: p.argv,
    logFile,
    cmdFile,
    migrateStatus,
    runState,
    session: qmp?.session ?? [],
    wallMs,
    pidFileMatched,
    ...(note ? { note } : {}),
  };
}

/**
 * A run's `.cmd` record: what ran (the command line, prefix included) and what QMP said, so a
 * run can be read back and repeated; the Explain view reads the command line from it.
 */
function writeCmdRecord(file: string, vm: VmSpec, what: string, argv: readonly string[], qmp: QmpClient | null, result: readonly string[]): void {
  const lines = [
    `# QEMU ${vm.build.version} (${vm.binary}), machine ${vm.machine}, ${what}`,
    '# command line (chroot prefix = how this version was run):',
    shellJoin(argv),
    '# QMP session (command, arguments, reply):',
    ...(qmp?.session ?? []).map((x) => JSON.stringify(x)),
    ...result,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const exitText = (exit: Exit | null): string => `qemu exit code ${exit?.code ?? 'none'}${exit?.signal ? ` (signal ${exit.signal})` : ''}`;

/** `[timestamp ]qemu-system-<arch>: message` (error_report / warn_report lines). */
const MESSAGE = /^(?:\d{4}-\d\d-\d\dT[\d:.]+Z )?qemu-system-[\w-]+: /;
/** Trace lines: `PID@SECS.USEC:event args` (5.2, 7.2) or `[timestamp ]event args` (10.0+). */
const TRACE = /^(?:\d+@\d+\.\d+:[a-z0-9_]+|(?:\d{4}-\d\d-\d\dT[\d:.]+Z )?[a-z][a-z0-9]*_[a-z0-9_]+(?: |$))/;

/**
 * The line of the destination's output that results.csv quotes, as in fixtures/loads: the first
 * QEMU message line (`qemu-system-*: ...`). For a failed load, `warning:` lines (e.g. a
 * deprecated machine type) are skipped when an error line follows, so the line is the error;
 * when there is no message line at all, the first line that is not trace output.
 */
export function firstErrorLine(log: string, failed: boolean): string {
  const lines = log.split('\n').filter((l) => l.trim() !== '');
  const messages = lines.filter((l) => MESSAGE.test(l));
  if (failed) {
    const err = messages.find((l) => !/^(?:\S+Z )?qemu-system-[\w-]+: warning: /.test(l));
    if (err !== undefined) return err;
    const other = lines.find((l) => !MESSAGE.test(l) && !TRACE.test(l));
    if (other !== undefined) return other;
  }
  return messages[0] ?? '';
}
