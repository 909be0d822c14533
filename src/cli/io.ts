/** Output channels of a CLI command, injectable so tests can capture them. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: a progress line may be rewritten in place. */
  readonly errIsTerminal?: boolean;
}

// A reader that stops early (`migscope decode ... | head`) closes the pipe: end quietly, as
// other command-line tools do, rather than with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

export const nodeIo: CommandIo = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
  errIsTerminal: process.stderr.isTTY === true,
};

/** Exit code 2 with one `error:` line: the usage-error convention of every subcommand. */
export function usageError(io: CommandIo, message: string): number {
  io.err(`error: ${message.trimEnd()}\n`);
  return 2;
}
