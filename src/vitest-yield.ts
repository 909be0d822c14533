/**
 * Vitest setup: a macrotask turn before every test.
 *
 * Most tests here decode real streams synchronously. A file of them (decode-stream, explain:
 * 60+ s on a loaded 2-core machine) otherwise runs with only microtask awaits between tests, so
 * the fork never reads the main process's replies to its progress calls, and Vitest's 60 s RPC
 * timer fires first ("Timeout calling onTaskUpdate", an unhandled error that fails the run
 * although every test passed). One setImmediate lets the pending replies in.
 */
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
