/** Runs `migscope ARGS` in-process, as the bin would, and returns the exit code and both streams. */
import type { CommandIo } from '../io.ts';
import { main } from '../migscope.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(args: readonly string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CommandIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await main(args, io);
  return { code, out, err };
}
