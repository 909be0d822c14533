import { describe, expect, it } from 'vitest';
import { callWorker, type WorkerOutcome } from './one-shot-worker.ts';

/** Enough of a Worker to drive callWorker: records what it was sent and whether it was stopped. */
class FakeWorker {
  sent: unknown[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<unknown>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(m: unknown): void {
    this.sent.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent<unknown>);
  }
}

const answer = (data: unknown): WorkerOutcome<string> => {
  if (data === 'progress') return undefined;
  return data === 'bad' ? { error: new Error('bad input') } : { value: String(data) };
};

function start(signal?: AbortSignal): { worker: FakeWorker; result: Promise<string> } {
  const worker = new FakeWorker();
  const result = callWorker(() => worker as unknown as Worker, { ask: 1 }, 'test', answer, signal);
  return { worker, result };
}

describe('callWorker', () => {
  it('sends the request, ignores messages that settle nothing, and stops the worker on the answer', async () => {
    const { worker, result } = start();
    expect(worker.sent).toEqual([{ ask: 1 }]);
    worker.reply('progress');
    expect(worker.terminated).toBe(false);
    worker.reply('done');
    await expect(result).resolves.toBe('done');
    expect(worker.terminated).toBe(true);
  });

  it('rejects with the error the reply carries, and when the worker cannot start', async () => {
    const bad = start();
    bad.worker.reply('bad');
    await expect(bad.result).rejects.toThrow('bad input');
    const broken = start();
    broken.worker.onerror?.({ message: '' } as ErrorEvent);
    await expect(broken.result).rejects.toThrow('test worker failed: could not start');
    expect(broken.worker.terminated).toBe(true);
  });

  it('terminates the worker when the caller aborts, and never starts one for an aborted signal', async () => {
    const controller = new AbortController();
    const { worker, result } = start(controller.signal);
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(worker.terminated).toBe(true);
    let spawned = false;
    const late = callWorker(() => ((spawned = true), new FakeWorker() as unknown as Worker), {}, 'test', answer, controller.signal);
    await expect(late).rejects.toMatchObject({ name: 'AbortError' });
    expect(spawned).toBe(false);
  });
});
