/**
 * A small QMP client over a unix socket (node:net): one command at a time, replies matched by
 * `id`, asynchronous events kept apart. Every exchange is recorded as [command, arguments, reply]
 * so that a run can write down exactly what it asked QEMU and what QEMU answered.
 */
import { connect, type Socket } from 'node:net';

export type QmpArgs = Record<string, unknown> | null;
/** A QMP reply: `{"return": ...}` or `{"error": {"class", "desc"}}`. */
export type QmpReply = { return?: unknown; error?: { class: string; desc: string }; [k: string]: unknown };
export type QmpExchange = [string, QmpArgs, unknown];

export class QmpError extends Error {}

export class QmpClient {
  readonly session: QmpExchange[] = [];
  readonly events: Record<string, unknown>[] = [];
  greeting: unknown = null;
  private buffer = '';
  private nextId = 1;
  private pending = new Map<string, (reply: QmpReply) => void>();
  private waitingGreeting: ((g: unknown) => void) | null = null;
  private closed = false;
  private closeWaiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const onGone = (): void => {
      this.closed = true;
      for (const w of this.closeWaiters) w();
      this.closeWaiters = [];
    };
    socket.on('close', onGone);
    socket.on('error', onGone);
  }

  /**
   * Connects to `path`, retrying every 50 ms until `timeoutMs` has passed or `stillWorth()` says
   * there is no point (the QEMU process has exited). Resolves after the greeting.
   */
  static async connect(path: string, timeoutMs: number, stillWorth: () => boolean = () => true): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown = null;
    while (Date.now() < deadline && stillWorth()) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        const client = new QmpClient(socket);
        await client.readGreeting(Math.max(1000, deadline - Date.now()));
        return client;
      } catch (e) {
        lastError = e;
        await sleep(50);
      }
    }
    throw new QmpError(`no QMP connection on ${path}: ${lastError instanceof Error ? lastError.message : String(lastError ?? 'process exited')}`);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private readGreeting(timeoutMs: number): Promise<unknown> {
    if (this.greeting !== null) return Promise.resolve(this.greeting);
    return withTimeout(
      new Promise((resolve, reject) => {
        this.waitingGreeting = resolve;
        this.closeWaiters.push(() => reject(new QmpError('connection closed before the QMP greeting')));
      }),
      timeoutMs,
      'QMP greeting',
    );
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line === '') continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if ('QMP' in msg) {
        this.greeting = msg;
        this.waitingGreeting?.(msg);
        this.waitingGreeting = null;
      } else if ('event' in msg) {
        this.events.push(msg);
      } else if (typeof msg.id === 'string' && this.pending.has(msg.id)) {
        const resolve = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        const { id: _id, ...reply } = msg;
        resolve?.(reply as QmpReply);
      }
    }
  }

  /**
   * Sends one command and waits for its reply (at most `timeoutMs`). With `record` false the
   * exchange is left out of `session` (for polling loops, which record a count instead).
   */
  async execute(command: string, args: QmpArgs = null, opts: { timeoutMs?: number; record?: boolean } = {}): Promise<QmpReply> {
    if (this.closed) throw new QmpError(`QMP connection closed (before ${command})`);
    const id = `m${this.nextId++}`;
    const request: Record<string, unknown> = { execute: command, id };
    if (args !== null) request.arguments = args;
    const reply = await withTimeout(
      new Promise<QmpReply>((resolve, reject) => {
        this.pending.set(id, resolve);
        this.closeWaiters.push(() => {
          if (this.pending.delete(id)) reject(new QmpError(`QMP connection closed while waiting for ${command}`));
        });
        this.socket.write(`${JSON.stringify(request)}\n`);
      }),
      opts.timeoutMs ?? 10_000,
      `QMP ${command}`,
    ).finally(() => this.pending.delete(id));
    if (opts.record !== false) this.session.push([command, args, reply]);
    return reply;
  }

  /** Adds a note to the session record (e.g. how often a command was polled). */
  note(...entry: unknown[]): void {
    this.session.push(entry as QmpExchange);
  }

  /** Resolves when the peer has closed the connection (QEMU exited), or after `timeoutMs`. */
  waitClosed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QmpError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
