/**
 * Golden files: compare a JSON rendering with the committed `*.golden.json`. On mismatch the
 * new rendering is written next to it as `*.golden-changed.json` for review; UPDATE_GOLDENS=1
 * rewrites the goldens (then review the diff). CI never writes goldens.
 */
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { expect } from 'vitest';

export function expectGolden(path: string, value: unknown): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const changed = path.replace(/\.golden\.json$/, '.golden-changed.json');
  if (process.env['UPDATE_GOLDENS'] === '1' || (!existsSync(path) && process.env['CI'] === undefined)) {
    writeFileSync(path, text);
    rmSync(changed, { force: true });
    return;
  }
  expect(existsSync(path), `golden ${path} is missing (run npm run goldens)`).toBe(true);
  const want = readFileSync(path, 'utf8');
  if (want !== text) writeFileSync(changed, text);
  else rmSync(changed, { force: true });
  expect(text, `decoded output differs from ${path}; see the -changed file next to it`).toBe(want);
}
