/**
 * A multi-GiB valid stream for the browser tests, written once by the benchmark's writer into
 * bench-data/ (git-ignored) and reused: a sidecar file keeps the page counts it was written with.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBenchStream } from '../../scripts/bench-stream.ts';
import { repoPath } from './cli.ts';

export interface BigStream {
  readonly path: string;
  readonly size: number;
  readonly normal: number;
  readonly zero: number;
}

export async function bigStream(gib: number): Promise<BigStream> {
  const dir = repoPath('bench-data');
  const path = join(dir, `bench-${gib}g.mig`);
  const sidecar = `${path}.pages.json`;
  if (existsSync(path) && existsSync(sidecar) && statSync(path).size >= gib * 2 ** 30) {
    const counts = JSON.parse(await readFile(sidecar, 'utf8')) as { normal: number; zero: number; size: number };
    if (counts.size === statSync(path).size) return { path, ...counts };
  }
  await mkdir(dir, { recursive: true });
  const { normal, zero } = await writeBenchStream(path, gib * 2 ** 30);
  const size = statSync(path).size;
  await writeFile(sidecar, JSON.stringify({ normal, zero, size }));
  return { path, size, normal, zero };
}
