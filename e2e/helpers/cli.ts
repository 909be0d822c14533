/**
 * The CLI's view of a stream: the browser tests compare what the dashboard shows with what
 * `migscope decode` prints for the same bytes, instead of copying numbers by hand.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliField {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly type?: string;
  readonly value?: unknown;
}

export interface CliDecode {
  readonly configuration?: { readonly machineType: string };
  readonly sections: readonly { readonly type: string; readonly idstr: string; readonly offset: number; readonly instanceId?: number }[];
  readonly devices?: readonly { readonly idstr: string; readonly instanceId: number; readonly fields: readonly CliField[] }[];
  readonly error?: { readonly code: string; readonly offset: number; readonly path: readonly string[]; readonly message: string };
}

/** `migscope decode FILE [ARGS]` (JSON); a decode error exits 1 and still prints the JSON. */
export function cliDecode(path: string, args: readonly string[] = []): Promise<CliDecode> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/migscope.mjs', 'decode', path, ...args], { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err !== null && (err.code !== 1 || stdout === '')) {
        reject(new Error(`migscope decode ${path} failed: ${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout) as CliDecode);
    });
  });
}

export function repoPath(rel: string): string {
  return join(ROOT, rel);
}
