// Bundles the CLI (src/cli/migscope.ts and what it imports) to plain JavaScript in dist-cli/, so
// `migscope` starts without a TypeScript loader. Each command stays its own chunk: `--help`
// loads none of them. Run by `npm install` (prepare) and by npm start / test / bench.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist-cli', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { migscope: 'src/cli/migscope.ts' },
  outdir: 'dist-cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
