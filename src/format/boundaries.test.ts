import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './test-support/fixtures.ts';

/** The pure layers must run in Node, browsers and workers: no UI, DOM or Node imports. */
const PURE = ['src/lib', 'src/format', 'src/manifest', 'src/trace', 'src/analysis'];
const FORBIDDEN = [/from ['"]react/, /from ['"]d3-selection/, /from ['"]node:/, /(?<![.\w])document\./, /(?<![.\w])window\./, /(?<![.\w])Buffer\./, /from ['"]\.\.\/(\.\.\/)*(ui|worker|cli)\//];

function files(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) {
      if (n !== 'test-support') out = out.concat(files(p));
    } else if (/\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n)) out.push(p);
  }
  return out;
}

describe('layer boundaries', () => {
  it('pure layers import no React, DOM, Node or upper layers', () => {
    const offenders: string[] = [];
    for (const layer of PURE) {
      for (const f of files(join(ROOT, layer))) {
        // Comments may mention anything; only code counts.
        const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
        for (const re of FORBIDDEN) if (re.test(text)) offenders.push(`${f.slice(ROOT.length + 1)}: ${re}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
