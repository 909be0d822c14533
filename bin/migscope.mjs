#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx migscope` works right after `npm install`
// without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/migscope.ts');
process.exitCode = await main(process.argv.slice(2));
