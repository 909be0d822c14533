/**
 * The text of a log line by number, for the timeline's hover: the trace model keeps line
 * numbers, not the lines. The line index is built on first use (one pass over the text).
 */
export class LogLines {
  private starts: Uint32Array | undefined;

  constructor(private readonly text: string) {}

  get count(): number {
    return this.index().length;
  }

  /** Line `n` (1-based) without its newline, or undefined past the end. */
  line(n: number): string | undefined {
    const starts = this.index();
    if (!Number.isInteger(n) || n < 1 || n > starts.length) return undefined;
    const from = starts[n - 1] as number;
    const next = n < starts.length ? (starts[n] as number) - 1 : this.text.length;
    const line = this.text.slice(from, next);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  private index(): Uint32Array {
    if (this.starts !== undefined) return this.starts;
    const found: number[] = [0];
    for (let at = this.text.indexOf('\n'); at >= 0; at = this.text.indexOf('\n', at + 1)) {
      if (at + 1 < this.text.length) found.push(at + 1);
    }
    this.starts = Uint32Array.from(found);
    return this.starts;
  }
}
