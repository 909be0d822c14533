/**
 * Memory of a process tree from /proc, for the browser bench: Chromium keeps Blob data and
 * the worker's ArrayBuffers outside the JS heap, so the heap alone would flatter us.
 * PSS is summed (shared library pages counted once overall); the renderer's VmHWM is its own peak.
 */
import { readFileSync, readdirSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function kib(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

export interface TreeMemory {
  /** Sum of proportional set sizes over the tree, MiB. */
  readonly pssMiB: number;
  /** Largest peak RSS (VmHWM) of a renderer process, MiB. */
  readonly rendererPeakMiB: number;
  /** Largest current RSS of a renderer process, MiB. */
  readonly rendererMiB: number;
}

/** The tree below `root`, counting only processes whose command line matches `only`. */
export function treeMemory(root: number, only: RegExp): TreeMemory {
  let pss = 0;
  let renderer = 0;
  let rendererNow = 0;
  for (const pid of descendants(root)) {
    try {
      if (!only.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      pss += kib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        renderer = Math.max(renderer, kib(status, 'VmHWM'));
        rendererNow = Math.max(rendererNow, kib(status, 'VmRSS'));
      }
    } catch {
      // The process ended between listing and reading.
    }
  }
  return { pssMiB: pss / 1024, rendererPeakMiB: renderer / 1024, rendererMiB: rendererNow / 1024 };
}
