/**
 * `migscope <command> ... --json` for the analysis views' browser tests: the Explain, Matrix,
 * Tiers and Hosts views must say what the CLI says for the same files.
 */
import { execFile } from 'node:child_process';
import { repoPath } from './cli.ts';

/** Runs the CLI and parses its JSON; exit codes other than 2 (usage) still carry the answer. */
export function cliJson<T>(args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/migscope.mjs', ...args], { cwd: repoPath(''), maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err !== null && (err.code === 2 || stdout === '')) {
        reject(new Error(`migscope ${args.join(' ')} failed: ${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout) as T);
    });
  });
}
