/**
 * Starting and stopping QEMU processes with a known pid. Each QEMU runs in its own process group
 * (so the `sh -c cat ...` child of an `exec:` migration goes with it), its output goes to one
 * file, and it is stopped by its pid on timeout or when this script ends: nothing is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, existsSync } from 'node:fs';
import { sleep } from './qmp.ts';

/** How one QEMU build is run: an optional prefix command (`chroot DIR`) before the binary. */
export interface QemuBuild {
  /** e.g. "10.0" */
  readonly version: string;
  /** e.g. ["chroot", "/work/roots/trixie"]; [] for the host's own QEMU */
  readonly prefix: readonly string[];
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class QemuProcess {
  readonly pid: number;
  readonly startedAt = Date.now();
  private exitInfo: Exit | null = null;
  private readonly exited: Promise<Exit>;

  constructor(
    readonly argv: readonly string[],
    child: ChildProcess,
  ) {
    // A prefix or binary that does not exist: spawn reports it as an event after returning
    // without a pid (thrown below); unheard, that event would end this whole process.
    child.once('error', () => undefined);
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  get hasExited(): boolean {
    return this.exitInfo !== null;
  }

  get exit(): Exit | null {
    return this.exitInfo;
  }

  /** Waits for the process to exit; null if it has not after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit | null> {
    if (this.exitInfo) return this.exitInfo;
    // The timer is cleared when QEMU exits first: a pending one would keep a command that has
    // finished alive until it fires.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * Waits until no process of this QEMU's group is left (e.g. the `cat` writing the stream
   * has finished), at most `timeoutMs`. True when the group is gone.
   */
  async waitGroupGone(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!groupAlive(this.pid)) return true;
      await sleep(20);
    }
    return !groupAlive(this.pid);
  }

  /** SIGTERM to the process group, then SIGKILL after `graceMs`. Resolves with the exit. */
  async kill(graceMs = 2000): Promise<Exit | null> {
    signalGroup(this.pid, 'SIGTERM');
    let e = await this.waitExit(graceMs);
    if (e === null || groupAlive(this.pid)) {
      signalGroup(this.pid, 'SIGKILL');
      e = await this.waitExit(graceMs);
    }
    await this.waitGroupGone(graceMs);
    return e;
  }
}

const live = new Set<QemuProcess>();

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* already gone */
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops every QEMU this script started and that is still running (by process group id). */
export function killAllStarted(): void {
  for (const p of live) signalGroup(p.pid, 'SIGKILL');
}

let handlersInstalled = false;
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllStarted);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAllStarted();
      process.exit(130);
    });
  }
}

/**
 * Starts `prefix... binary args...` in a new process group with stdout and stderr both written to
 * `outputFile` (in order, as one log), stdin closed.
 */
export function startQemu(build: QemuBuild, binary: string, args: readonly string[], outputFile: string): QemuProcess {
  installHandlers();
  const argv = [...build.prefix, binary, ...args];
  const fd = openSync(outputFile, 'w');
  try {
    const child = spawn(argv[0] ?? binary, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    return new QemuProcess(argv, child);
  } finally {
    closeSync(fd);
  }
}

/** Runs a short command to completion (bounded), returning its exit code and output. */
export async function runToEnd(
  build: QemuBuild,
  binary: string,
  args: readonly string[],
  outputFile: string,
  timeoutMs = 30_000,
): Promise<{ argv: string[]; exit: Exit | null; output: string; timedOut: boolean }> {
  const p = startQemu(build, binary, args, outputFile);
  let exit = await p.waitExit(timeoutMs);
  const timedOut = exit === null;
  if (timedOut) exit = await p.kill();
  return { argv: [...p.argv], exit, output: readFileSync(outputFile, 'utf8'), timedOut };
}

/** The pid QEMU wrote with -pidfile, if any. */
export function readPidFile(path: string): number | null {
  if (!existsSync(path)) return null;
  const n = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Shell-quotes an argv for the .cmd records (single quotes where needed). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
