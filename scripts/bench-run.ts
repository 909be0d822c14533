/**
 * Runs a command as the bench times every tool (migscope, analyze-migration.py, dd): wall time,
 * CPU time (user + system) and peak RSS of the process, taken by a small Python parent
 * (getrusage of its children), so each tool is measured the same way. CPU time is printed next
 * to wall time because this VM's two cores are shared: under load, wall time mostly measures the
 * wait for a core. Peak RSS has a floor of ~14 MiB (the forked Python before exec).
 * Without python3, wall time from Node only.
 */
import { spawnSync } from 'node:child_process';

export interface Measured {
  readonly ms: number;
  /** User + system CPU time of the process, ms; NaN without python3. */
  readonly cpuMs: number;
  /** Peak RSS of the command's process tree's largest member, MiB; NaN without python3. */
  readonly peakMiB: number;
  readonly status: number;
}

const RUNNER = `import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
ms = (time.perf_counter() - t) * 1000
sys.stderr.buffer.write(r.stderr[-2000:])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(ms, u.ru_maxrss / 1024, r.returncode, (u.ru_utime + u.ru_stime) * 1000)`;

let python: boolean | undefined;
export function hasPython(): boolean {
  python ??= spawnSync('python3', ['-c', '0']).status === 0;
  return python;
}

export function measure(argv: readonly string[]): Measured {
  if (!hasPython()) {
    const t = performance.now();
    const r = spawnSync(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    return { ms: performance.now() - t, cpuMs: NaN, peakMiB: NaN, status: r.status ?? -1 };
  }
  const r = spawnSync('python3', ['-c', RUNNER, ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const [ms, mib, status, cpuMs] = r.stdout.trim().split(' ').map(Number);
  if (ms === undefined || mib === undefined || status === undefined || cpuMs === undefined || r.status !== 0) throw new Error(`measure ${argv.join(' ')}: ${r.stderr}`);
  if (status !== 0) throw new Error(`${argv.join(' ')} exited ${status}: ${r.stderr}`);
  return { ms, cpuMs, peakMiB: mib, status };
}

/** Reads the file once so the next measurement starts from a warm page cache. */
export function warm(file: string): void {
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
}

export interface Spread {
  readonly best: number;
  readonly worst: number;
  readonly median: number;
}

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { best: s[0] as number, worst: s[s.length - 1] as number, median: s[Math.floor(s.length / 2)] as number };
}
