#!/usr/bin/env node
// The CLI, bundled to JavaScript by scripts/build-cli.mjs (npm install runs it), so no
// TypeScript loader is needed at run time.
let cli;
try {
  cli = await import('../dist-cli/migscope.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write('error: the migscope CLI is not built: run `npm install` (or `npm run build:cli`) in the project folder\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
